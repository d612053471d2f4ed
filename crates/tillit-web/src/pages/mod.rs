//! Server-rendered pages. Every form works without JavaScript; htmx only shortens
//! round trips.

pub mod assets;
pub mod audit;
pub mod board;
pub mod calendar;
pub mod classification;
pub mod context;
pub mod errors;
pub mod governance_charts;
pub mod governance_documents;
pub mod incidents;
pub mod internal_control;
pub mod login;
pub mod maturity;
pub mod operator;
pub mod org;
pub mod picker;
pub mod profile;
pub mod register_import;
pub mod registers;
pub mod reports;
pub mod reviews;
pub mod risk;
pub mod start;
pub mod tasks;
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
        .route(
            "/register/import",
            get(register_import::form)
                .post(register_import::upload)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::services::register_import::MAX_FILE_BYTES,
                )),
        )
        .route("/register/import/status", get(register_import::status))
        .route(
            "/register/import/template/{file}",
            get(register_import::template),
        )
        .route(
            "/register/systems/export.csv",
            get(register_import::systems_csv),
        )
        .route(
            "/register/systems/export.xlsx",
            get(register_import::systems_xlsx),
        )
        .route(
            "/register/assets/export.csv",
            get(register_import::assets_csv),
        )
        .route(
            "/register/assets/export.xlsx",
            get(register_import::assets_xlsx),
        )
        .route("/register/confirm", post(registers::confirm))
        .route("/register/lookup/systems", get(picker::lookup_systems))
        .route("/register/lookup/assets", get(picker::lookup_assets))
        .route("/register/systems", post(registers::create))
        .route("/register/systems/new", get(registers::new_form))
        .route(
            "/register/systems/{id}",
            get(registers::detail).post(registers::update),
        )
        .route("/register/systems/{id}/owners", post(registers::add_owner))
        .route(
            "/register/systems/{id}/owners/remove",
            post(registers::remove_owner),
        )
        .route(
            "/register/systems/{id}/dependencies",
            post(registers::add_dependency),
        )
        .route(
            "/register/systems/{id}/dependencies/remove",
            post(registers::remove_dependency),
        )
        .route("/register/systems/{id}/assets", post(registers::link_asset))
        .route(
            "/register/systems/{id}/assets/remove",
            post(registers::unlink_asset),
        )
        .route(
            "/register/systems/{id}/recovery-time",
            post(registers::set_recovery_time),
        )
        .route("/register/assets", get(assets::list).post(assets::create))
        .route("/register/assets/new", get(assets::new_form))
        .route(
            "/register/assets/{id}",
            get(assets::detail).post(assets::update),
        )
        .route("/register/assets/{id}/systems", post(assets::link_system))
        .route(
            "/register/assets/{id}/systems/remove",
            post(assets::unlink_system),
        )
        .route(
            "/register/systems/{id}/events",
            get(tasks::system_events).post(tasks::record_system_event),
        )
        .route("/tasks/{id}/complete", post(tasks::complete))
        .merge(operator::routes())
        .merge(risk::routes())
        .merge(incidents::routes())
        .merge(reports::routes())
        .merge(reviews::routes())
        .route("/reports/board", get(board::page))
        .route("/classification", get(classification::overview::overview))
        .route(
            "/classification/classify",
            get(classification::wizard::form).post(classification::wizard::submit),
        )
        .route(
            "/classification/export",
            get(classification::overview::export),
        )
        .route(
            "/classification/objects",
            post(classification::overview::create_named),
        )
        .route(
            "/classification/measures",
            get(classification::overview::measures),
        )
        .route(
            "/classification/requirements",
            get(classification::requirements::catalogue).post(classification::requirements::create),
        )
        .route(
            "/classification/requirements/{id}",
            get(classification::requirements::edit_form).post(classification::requirements::update),
        )
        .route("/classification/{id}", get(classification::object::detail))
        .route(
            "/classification/{id}/requirements/{code}",
            post(classification::object::assess),
        )
        .route(
            "/classification/{id}/procurement",
            get(classification::object::procurement),
        )
        .route(
            "/classification/{id}/procurement/export",
            get(classification::object::procurement_export),
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
        .merge(governance_documents::routes())
        .merge(maturity::routes())
        .merge(calendar::routes())
}

pub fn render(template: &impl Template) -> Result<Response, AppError> {
    template
        .render()
        .map(|html| Html(html).into_response())
        .map_err(AppError::internal)
}

/// `yes`/`no`/empty as a filter value, recording `invalid-choice` for anything else.
pub(crate) fn yes_no(
    errors: &mut tillit_domain::ValidationErrors,
    field: &str,
    value: &str,
) -> Option<bool> {
    match value {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add(field, "invalid-choice");
            None
        }
    }
}

/// Post/Redirect/Get: after a successful change, go back with a notice id.
pub fn see_other(path: &str, notice: &str) -> Response {
    let separator = if path.contains('?') { '&' } else { '?' };
    Redirect::to(&format!("{path}{separator}notice={notice}")).into_response()
}
