//! The web application: HTML pages and the JSON API over the same services.

pub mod api;
pub mod auth;
pub mod error;
pub mod extract;
pub mod filter_params;
pub mod i18n;
pub mod middleware;
pub mod pages;
pub mod services;
pub mod state;
mod static_files;
mod time;

use axum::extract::DefaultBodyLimit;
use axum::routing::get;
use axum::Router;

pub use error::AppError;
pub use state::{AppState, WebConfig};

/// Largest request body accepted (imports will get their own, larger limit).
pub const BODY_LIMIT: usize = 1024 * 1024;

/// Builds the whole application. Tests build it with the same function.
pub fn app(state: AppState) -> Router {
    let routes = Router::new()
        .merge(pages::routes())
        .nest("/api/v1", api::routes())
        .route("/api/openapi.json", get(api::openapi::document))
        .route("/healthz", get(api::health::live))
        .route("/readyz", get(api::health::ready))
        .route("/static/{file}", get(static_files::serve))
        .fallback(error::not_found);
    middleware::wrap(routes, state.clone())
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .with_state(state)
}
