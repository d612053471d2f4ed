//! Server-rendered pages. Every form works without JavaScript; htmx only shortens
//! round trips.

pub mod audit;
pub mod context;
pub mod errors;
pub mod login;
pub mod org;
pub mod profile;
pub mod registers;
pub mod start;
pub mod users;

use askama::Template;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::Router;

use crate::error::AppError;
use crate::state::AppState;

pub use context::{FormErrors, PageContext};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(start::page))
        .route("/login", get(login::form).post(login::submit))
        .route(
            "/login/two-factor",
            get(login::second_factor_form).post(login::second_factor_submit),
        )
        .route("/logout", post(login::logout))
        .route("/language", post(profile::switch_language))
        .route(
            "/organisation",
            get(org::overview).post(org::update_organisation),
        )
        .route("/organisation/units", post(org::create_unit))
        .route(
            "/organisation/units/{id}",
            get(org::unit_page).post(org::update_unit),
        )
        .route("/organisation/units/{id}/delete", post(org::delete_unit))
        .route("/organisation/controllers", post(org::create_controller))
        .route(
            "/organisation/controllers/{id}",
            get(org::controller_page).post(org::update_controller),
        )
        .route("/users", get(users::list).post(users::create))
        .route("/users/new", get(users::new_form))
        .route("/users/{id}", get(users::detail).post(users::update))
        .route("/users/{id}/roles", post(users::grant_role))
        .route("/users/{id}/roles/revoke", post(users::revoke_role))
        .route(
            "/users/{id}/two-factor/reset",
            post(users::reset_two_factor),
        )
        .route("/register", get(registers::list))
        .route("/register/confirm", post(registers::confirm))
        .route("/register/systems", post(registers::create))
        .route("/register/systems/new", get(registers::new_form))
        .route(
            "/register/systems/{id}",
            get(registers::detail).post(registers::update),
        )
        .route("/audit", get(audit::list))
        .route("/audit/verify", post(audit::verify))
        .route("/audit/{seq}", get(audit::detail))
        .route("/audit/{seq}/proof", get(audit::proof))
        .route("/profile", get(profile::page))
        .route("/profile/password", post(profile::change_password))
        .route("/profile/tokens", post(profile::create_token))
        .route("/profile/tokens/{id}/revoke", post(profile::revoke_token))
        .route(
            "/profile/two-factor",
            get(profile::two_factor_page).post(profile::two_factor_begin),
        )
        .route(
            "/profile/two-factor/confirm",
            post(profile::two_factor_confirm),
        )
}

pub fn render(template: &impl Template) -> Result<Response, AppError> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(AppError::internal)
}

/// Post/Redirect/Get: after a successful change, go back with a notice id.
pub fn see_other(path: &str, notice: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}notice={notice}")).into_response()
}
