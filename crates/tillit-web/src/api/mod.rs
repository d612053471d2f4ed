//! The JSON API under `/api/v1`, described by the OpenAPI document.

pub mod assets;
pub mod audit;
pub mod calendar;
pub mod classifications;
pub mod documents;
pub mod health;
pub mod incidents;
pub mod internal_control;
pub mod maturity;
pub mod measures;
pub mod openapi;
pub mod operator;
pub mod org_units;
pub mod register_import;
pub mod reports;
pub mod requirements;
pub mod reviews;
pub mod risk_analyses;
pub mod risk_methods;
pub mod risks;
pub mod systems;
pub mod tasks;
pub mod users;

use axum::routing::get;
use axum::Router;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/org-units", get(org_units::list).post(org_units::create))
        .route(
            "/org-units/{id}",
            get(org_units::get)
                .put(org_units::update)
                .delete(org_units::delete),
        )
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", get(users::get).put(users::update))
        .route(
            "/users/{id}/roles",
            axum::routing::post(users::grant).delete(users::revoke),
        )
        .route("/systems", get(systems::list).post(systems::create))
        .route(
            "/systems/import",
            axum::routing::post(register_import::import_systems).layer(
                axum::extract::DefaultBodyLimit::max(
                    crate::services::register_import::MAX_FILE_BYTES,
                ),
            ),
        )
        .route("/systems/export", get(register_import::export_systems))
        .route("/systems/{id}", get(systems::get).put(systems::update))
        .route("/systems/{id}/history", get(systems::history))
        .route(
            "/systems/{id}/dependencies",
            axum::routing::post(systems::add_dependency),
        )
        .route(
            "/systems/{id}/dependencies/{depends_on_id}",
            axum::routing::delete(systems::remove_dependency),
        )
        .route(
            "/register-confirmations",
            axum::routing::post(systems::confirm),
        )
        .route(
            "/register-confirmations/latest",
            get(systems::latest_confirmation),
        )
        .route("/assets", get(assets::list).post(assets::create))
        .route(
            "/assets/import",
            axum::routing::post(register_import::import_assets).layer(
                axum::extract::DefaultBodyLimit::max(
                    crate::services::register_import::MAX_FILE_BYTES,
                ),
            ),
        )
        .route("/assets/export", get(register_import::export_assets))
        .route("/imports/latest", get(register_import::latest_run))
        .route("/imports/{id}", get(register_import::get_run))
        .route("/assets/{id}", get(assets::get).put(assets::update))
        .route(
            "/assets/{id}/systems",
            axum::routing::post(assets::link_system),
        )
        .route(
            "/assets/{id}/systems/{system_id}",
            axum::routing::delete(assets::unlink_system),
        )
        .route(
            "/classifications",
            get(classifications::list).post(classifications::approve),
        )
        .route("/classifications/export", get(classifications::export))
        .route("/classifications/{id}", get(classifications::get))
        .route(
            "/classifications/{id}/requirements",
            get(classifications::requirements),
        )
        .route(
            "/classifications/{id}/requirements/{code}",
            axum::routing::put(classifications::assess),
        )
        .route(
            "/classification-objects",
            axum::routing::post(classifications::create_object),
        )
        .route("/classification-coverage", get(classifications::coverage))
        .route(
            "/proposed-measures",
            get(classifications::proposed_measures),
        )
        .route(
            "/requirements",
            get(requirements::list).post(requirements::create),
        )
        .route(
            "/requirements/{code}",
            get(requirements::get).put(requirements::update),
        )
        .route(
            "/systems/{id}/events",
            get(tasks::system_events).post(tasks::record_system_event),
        )
        .route("/tasks", get(tasks::list))
        .route("/tasks/{id}/complete", axum::routing::post(tasks::complete))
        .route(
            "/risk-methods",
            get(risk_methods::list).post(risk_methods::create),
        )
        .route("/risk-methods/current", get(risk_methods::current))
        .route("/risk-catalogue", get(risk_methods::catalogue))
        .route(
            "/risk-analyses",
            get(risk_analyses::list).post(risk_analyses::create),
        )
        .route(
            "/risk-analyses/{id}",
            get(risk_analyses::get).put(risk_analyses::update),
        )
        .route(
            "/risk-analyses/{id}/approve",
            axum::routing::post(risk_analyses::approve),
        )
        .route(
            "/risk-analyses/{id}/revise",
            axum::routing::post(risk_analyses::revise),
        )
        .route("/risk-analyses/{id}/versions", get(risk_analyses::versions))
        .route("/risk-analyses/{id}/export", get(risk_analyses::export))
        .route(
            "/risk-analyses/{id}/versions/{number}",
            get(risk_analyses::version),
        )
        .route(
            "/risk-analyses/{id}/risks",
            axum::routing::post(risk_analyses::add_risk),
        )
        .route("/risks", get(risks::list))
        .route(
            "/risks/{id}",
            get(risks::get).put(risks::update).delete(risks::delete),
        )
        .route(
            "/risks/{id}/treatment",
            axum::routing::post(risks::decide_treatment),
        )
        .route("/risk-overview", get(risks::overview))
        .route("/measures", get(measures::list).post(measures::create))
        .route(
            "/measures/{id}",
            get(measures::get)
                .put(measures::update)
                .delete(measures::delete),
        )
        .route(
            "/measures/{id}/follow-ups",
            axum::routing::post(measures::record_follow_up),
        )
        .route("/incidents", get(incidents::list).post(incidents::create))
        .route("/incidents/{id}", get(incidents::get))
        .route("/incidents/{id}/obligations", get(incidents::obligations))
        .route("/incidents/{id}/timeline", get(incidents::timeline))
        .route(
            "/incidents/{id}/assessment",
            axum::routing::post(incidents::assess),
        )
        .route(
            "/incidents/{id}/tracks/{track}",
            axum::routing::post(incidents::decide),
        )
        .route(
            "/incidents/{id}/obligations/{obligation_id}/submission",
            axum::routing::post(incidents::submit),
        )
        .route(
            "/incidents/{id}/obligations/{obligation_id}/draft",
            get(incidents::draft),
        )
        .route(
            "/incidents/{id}/close",
            axum::routing::post(incidents::close),
        )
        .route(
            "/incidents/{id}/measures",
            axum::routing::post(incidents::create_measure),
        )
        .route(
            "/risk-analyses/{id}/incidents",
            get(incidents::considered).post(incidents::consider),
        )
        .route(
            "/risk-analyses/{id}/incidents/{incident_id}",
            axum::routing::delete(incidents::unconsider),
        )
        .route("/incident-clocks", get(incidents::clocks))
        .route("/incident-statistics", get(incidents::statistics))
        .route("/audit-events", get(audit::list))
        .route("/audit-events/{seq}", get(audit::get))
        .route("/audit-events/{seq}/proof", get(audit::proof))
        .route("/audit/verify", get(audit::verify))
        .route("/reports", get(reports::list).post(reports::create))
        .route("/reports/{id}", get(reports::get))
        .route(
            "/reports/{id}/texts",
            axum::routing::put(reports::update_texts),
        )
        .route(
            "/reports/{id}/approve",
            axum::routing::post(reports::approve),
        )
        .route(
            "/reports/{id}/new-draft",
            axum::routing::post(reports::new_draft),
        )
        .route("/reports/{id}/versions/{number}", get(reports::version))
        .route("/reports/{id}/pdf", get(reports::pdf))
        .route("/reports/{id}/xlsx", get(reports::xlsx))
        .merge(operator::routes())
        .merge(documents::routes())
        .merge(internal_control::routes())
        .route(
            "/maturity-assessments",
            get(maturity::list).post(maturity::create),
        )
        .route(
            "/maturity-assessments/{id}",
            get(maturity::get).put(maturity::update),
        )
        .route(
            "/maturity-assessments/{id}/complete",
            axum::routing::post(maturity::complete),
        )
        .route("/calendar", get(calendar::list))
        .route("/calendar.ics", get(calendar::ics))
        .route(
            "/calendar-duties",
            get(calendar::list_duties).post(calendar::create_duty),
        )
        .route(
            "/calendar-duties/{id}",
            get(calendar::get_duty)
                .put(calendar::update_duty)
                .delete(calendar::delete_duty),
        )
        .merge(reviews::routes())
        .fallback(crate::error::not_found)
}

/// One page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct ListResponse<T: ToSchema> {
    pub items: Vec<T>,
    pub page: u32,
    pub per_page: u32,
    pub total: i64,
}

impl<T: ToSchema> ListResponse<T> {
    pub fn new<S>(
        page: tillit_store::Page<S>,
        request: tillit_domain::pagination::PageRequest,
        map: impl FnMut(S) -> T,
    ) -> Self {
        Self {
            items: page.items.into_iter().map(map).collect(),
            page: request.page,
            per_page: request.per_page,
            total: page.total,
        }
    }

    /// A page kept in a cache, read without taking it.
    pub fn borrowed<S>(
        page: &tillit_store::Page<S>,
        request: tillit_domain::pagination::PageRequest,
        map: impl FnMut(&S) -> T,
    ) -> Self {
        Self {
            items: page.items.iter().map(map).collect(),
            page: request.page,
            per_page: request.per_page,
            total: page.total,
        }
    }
}

/// `?page=&per_page=` on every list.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Paging {
    /// Page number, from 1.
    pub page: Option<u32>,
    /// Rows per page, at most 500 (default 50).
    pub per_page: Option<u32>,
}

impl Paging {
    pub fn request(
        &self,
    ) -> Result<tillit_domain::pagination::PageRequest, crate::error::AppError> {
        Ok(tillit_domain::pagination::PageRequest::parse(
            self.page,
            self.per_page,
        )?)
    }
}

/// `?version=` for deletes, the version the client last read.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParam {
    pub version: i64,
}

/// RFC 9457 problem document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    #[schema(example = "urn:tillit:problem:invalid-input")]
    pub r#type: String,
    pub title: String,
    pub status: u16,
    /// Stable machine-readable code.
    #[schema(example = "invalid-input")]
    pub code: String,
    pub detail: String,
    pub request_id: String,
    pub errors: Option<Vec<ProblemField>>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub code: String,
    pub detail: String,
}
