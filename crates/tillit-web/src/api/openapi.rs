//! The OpenAPI document at `/api/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use crate::api;

#[derive(OpenApi)]
#[openapi(
    info(title = "tillit API", description = "Information security management for Swedish health and social care."),
    paths(
        api::health::live,
        api::health::ready,
        api::org_units::list,
        api::org_units::create,
        api::org_units::get,
        api::org_units::update,
        api::org_units::delete,
        api::users::list,
        api::users::create,
        api::users::get,
        api::users::update,
        api::users::grant,
        api::users::revoke,
        api::systems::list,
        api::systems::create,
        api::systems::get,
        api::systems::update,
        api::systems::history,
        api::systems::add_dependency,
        api::systems::remove_dependency,
        api::systems::confirm,
        api::systems::latest_confirmation,
        api::assets::list,
        api::assets::create,
        api::assets::get,
        api::assets::update,
        api::assets::link_system,
        api::assets::unlink_system,
        api::register_import::import_systems,
        api::register_import::import_assets,
        api::register_import::latest_run,
        api::register_import::get_run,
        api::register_import::export_systems,
        api::register_import::export_assets,
        api::classifications::list,
        api::classifications::export,
        api::classifications::get,
        api::classifications::approve,
        api::classifications::create_object,
        api::classifications::requirements,
        api::classifications::assess,
        api::classifications::proposed_measures,
        api::classifications::coverage,
        api::requirements::list,
        api::requirements::get,
        api::requirements::create,
        api::requirements::update,
        api::tasks::system_events,
        api::tasks::record_system_event,
        api::tasks::list,
        api::tasks::complete,
        api::risk_methods::list,
        api::risk_methods::current,
        api::risk_methods::create,
        api::risk_methods::catalogue,
        api::risk_analyses::list,
        api::risk_analyses::create,
        api::risk_analyses::get,
        api::risk_analyses::update,
        api::risk_analyses::approve,
        api::risk_analyses::revise,
        api::risk_analyses::versions,
        api::risk_analyses::export,
        api::risk_analyses::version,
        api::risk_analyses::add_risk,
        api::risks::list,
        api::risks::get,
        api::risks::update,
        api::risks::delete,
        api::risks::decide_treatment,
        api::incidents::list,
        api::incidents::create,
        api::incidents::get,
        api::incidents::obligations,
        api::incidents::timeline,
        api::incidents::assess,
        api::incidents::decide,
        api::incidents::submit,
        api::incidents::draft,
        api::incidents::close,
        api::incidents::clocks,
        api::incidents::statistics,
        api::incidents::create_measure,
        api::incidents::considered,
        api::incidents::consider,
        api::incidents::unconsider,
        api::risks::overview,
        api::measures::list,
        api::measures::create,
        api::measures::get,
        api::measures::update,
        api::measures::delete,
        api::measures::record_follow_up,
        api::audit::list,
        api::audit::get,
        api::audit::proof,
        api::audit::verify,
        api::operator::list,
        api::operator::create,
        api::operator::detail,
        api::operator::suspend,
        api::operator::reactivate,
        api::operator::reset_admin,
    ),
    components(schemas(api::Problem, api::ProblemField)),
    modifiers(&BearerAuth),
    tags(
        (name = "organisation", description = "Units of the organisation"),
        (name = "users", description = "Accounts and roles"),
        (name = "registers", description = "Registers of networks and information systems and of information assets"),
        (name = "classification", description = "Information classification, protection requirements and self-assessment"),
        (name = "risk", description = "Risk analysis method, risk analyses and their approved versions, risks and their treatment, and the action plan"),
        (name = "incidents", description = "Incidents and deviations: one intake, assessments per role, legal reporting tracks with their clocks, report drafts and the timeline"),
        (name = "tasks", description = "Tasks prompted by changes to register entries"),
        (name = "audit", description = "Tamper-evident audit trail"),
        (name = "operator", description = "Operators of the deployment: organisations with hosting facts only, their first administrator, suspension and administrator access (operator tokens only)"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
