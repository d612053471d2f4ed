//! The operators' pages under `/operator`: their own sign-in, their second factor, and
//! the organisations of the deployment with hosting facts only (ADR 0009).

pub mod login;
pub mod organisations;
pub mod two_factor;

use axum::routing::{get, post};
use axum::Router;

use crate::auth::operator::is_operator_path;
use crate::pages::login::safe_next;
use crate::pages::profile;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/operator", get(organisations::list))
        .route("/operator/login", get(login::form).post(login::submit))
        .route(
            "/operator/login/two-factor",
            get(login::second_factor_form).post(login::second_factor_submit),
        )
        .route("/operator/logout", post(login::logout))
        .route("/operator/language", post(profile::switch_language))
        .route(
            "/operator/two-factor",
            get(two_factor::page).post(two_factor::begin),
        )
        .route("/operator/two-factor/confirm", post(two_factor::confirm))
        .route("/operator/organisations", post(organisations::create))
        .route("/operator/organisations/new", get(organisations::new_form))
        .route("/operator/organisations/{id}", get(organisations::detail))
        .route(
            "/operator/organisations/{id}/suspend",
            post(organisations::suspend),
        )
        .route(
            "/operator/organisations/{id}/reactivate",
            post(organisations::reactivate),
        )
        .route(
            "/operator/organisations/{id}/admin-reset",
            post(organisations::reset_admin),
        )
}

/// Where to go after signing in: an operator page asked for, or the organisations.
fn operator_next(next: Option<&str>) -> String {
    let path = safe_next(next);
    if is_operator_path(path.split('?').next().unwrap_or_default()) {
        path.to_owned()
    } else {
        "/operator".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_operator_pages_are_followed_after_sign_in() {
        assert_eq!(
            operator_next(Some("/operator/organisations/3")),
            "/operator/organisations/3"
        );
        assert_eq!(operator_next(Some("/users")), "/operator");
        assert_eq!(operator_next(Some("//evil.example")), "/operator");
        assert_eq!(operator_next(None), "/operator");
    }
}
