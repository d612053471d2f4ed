//! `/api/v1/operator/…`: the organisations of the deployment, for operators' tokens
//! only. Hosting facts, never content; changes are audited in the organisation's trail.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::hosting::{Access, HostedOrganisationInput};
use tillit_store::hosting::HostedOrganisation;
use utoipa::ToSchema;

use crate::api::{ListResponse, Paging, Problem};
use crate::auth::OperatorPrincipal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::services::hosting::{self as service, OneTimeAccess};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/operator/organisations", get(list).post(create))
        .route("/operator/organisations/{id}", get(detail))
        .route("/operator/organisations/{id}/suspend", post(suspend))
        .route("/operator/organisations/{id}/reactivate", post(reactivate))
        .route(
            "/operator/organisations/{id}/admin-reset",
            post(reset_admin),
        )
}

/// An organisation as its operator sees it: no content, only what hosting needs.
#[derive(Debug, Serialize, ToSchema)]
pub struct HostedOrganisationDto {
    pub id: i64,
    pub name: String,
    /// Swedish organisationsnummer, `NNNNNN-NNNN`.
    pub org_number: String,
    /// `region`, `municipality`, `care_provider` or `social_care_provider`.
    pub kind: String,
    pub demo: bool,
    /// Set while the organisation is suspended: its users cannot sign in and their
    /// tokens are refused.
    pub suspended_at: Option<DateTime<Utc>>,
    pub users: i64,
    pub units: i64,
    /// Events of this organisation in the audit trail.
    pub audit_events: i64,
    /// Send back when suspending or reactivating; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

impl From<HostedOrganisation> for HostedOrganisationDto {
    fn from(o: HostedOrganisation) -> Self {
        Self {
            id: o.id,
            name: o.name,
            org_number: o.org_number,
            kind: o.kind,
            demo: o.demo,
            suspended_at: o.suspended_at,
            users: o.users,
            units: o.units,
            audit_events: o.audit_events,
            version: o.version,
            created_at: o.created_at,
        }
    }
}

/// A password for one administrator's next sign-in, shown only in this answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct OneTimeAccessDto {
    pub admin_email: String,
    /// Valid once: the administrator must choose their own password and set up
    /// two-factor sign-in.
    pub one_time_password: String,
}

impl From<OneTimeAccess> for OneTimeAccessDto {
    fn from(a: OneTimeAccess) -> Self {
        Self {
            admin_email: a.admin_email,
            one_time_password: a.password,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedOrganisationDto {
    pub organisation: HostedOrganisationDto,
    pub first_administrator: OneTimeAccessDto,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OrganisationBody {
    pub name: String,
    pub kind: String,
    pub org_number: String,
    /// The first administrator's e-mail address.
    pub admin_email: String,
    pub admin_name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessBody {
    /// The version last read.
    pub version: i64,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AdminResetBody {
    /// An administrator (for the whole organisation) of this organisation.
    pub admin_email: String,
}

/// Every organisation of the deployment, by name.
#[utoipa::path(get, path = "/api/v1/operator/organisations", tag = "operator", params(Paging),
    responses((status = 200, body = ListResponse<HostedOrganisationDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    _operator: OperatorPrincipal,
    QueryParams(paging): QueryParams<Paging>,
) -> Result<Json<ListResponse<HostedOrganisationDto>>, AppError> {
    let request = paging.request()?;
    let overview = service::overview(&state, request).await?;
    Ok(Json(ListResponse::new(
        overview.organisations,
        request,
        HostedOrganisationDto::from,
    )))
}

/// Create an organisation with its first administrator, who gets a one-time password.
#[utoipa::path(post, path = "/api/v1/operator/organisations", tag = "operator", request_body = OrganisationBody,
    responses((status = 201, body = CreatedOrganisationDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    operator: OperatorPrincipal,
    ApiJson(body): ApiJson<OrganisationBody>,
) -> Result<Response, AppError> {
    let input = HostedOrganisationInput {
        name: body.name,
        kind: body.kind,
        org_number: body.org_number,
        admin_email: body.admin_email,
        admin_name: body.admin_name,
    };
    let (organisation, access) = service::create(&state, &operator, &input).await?;
    let created = CreatedOrganisationDto {
        organisation: organisation.into(),
        first_administrator: access.into(),
    };
    Ok((StatusCode::CREATED, Json(created)).into_response())
}

/// One organisation.
#[utoipa::path(get, path = "/api/v1/operator/organisations/{id}", tag = "operator", params(("id" = i64, Path)),
    responses((status = 200, body = HostedOrganisationDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    _operator: OperatorPrincipal,
    IdPath(id): IdPath,
) -> Result<Json<HostedOrganisationDto>, AppError> {
    Ok(Json(service::organisation(&state, id).await?.into()))
}

/// Suspend an organisation: its users are signed out and cannot sign in, its tokens are refused.
#[utoipa::path(post, path = "/api/v1/operator/organisations/{id}/suspend", tag = "operator", params(("id" = i64, Path)), request_body = AccessBody,
    responses((status = 200, body = HostedOrganisationDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn suspend(
    State(state): State<AppState>,
    operator: OperatorPrincipal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AccessBody>,
) -> Result<Json<HostedOrganisationDto>, AppError> {
    let changed =
        service::set_access(&state, &operator, id, body.version, Access::Suspended).await?;
    Ok(Json(changed.into()))
}

/// Reactivate a suspended organisation.
#[utoipa::path(post, path = "/api/v1/operator/organisations/{id}/reactivate", tag = "operator", params(("id" = i64, Path)), request_body = AccessBody,
    responses((status = 200, body = HostedOrganisationDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn reactivate(
    State(state): State<AppState>,
    operator: OperatorPrincipal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AccessBody>,
) -> Result<Json<HostedOrganisationDto>, AppError> {
    let changed = service::set_access(&state, &operator, id, body.version, Access::Active).await?;
    Ok(Json(changed.into()))
}

/// Give an administrator of the organisation a new one-time password; their second
/// factor and sessions are removed.
#[utoipa::path(post, path = "/api/v1/operator/organisations/{id}/admin-reset", tag = "operator", params(("id" = i64, Path)), request_body = AdminResetBody,
    responses((status = 200, body = OneTimeAccessDto), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn reset_admin(
    State(state): State<AppState>,
    operator: OperatorPrincipal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AdminResetBody>,
) -> Result<Json<OneTimeAccessDto>, AppError> {
    let access = service::reset_admin_access(&state, &operator, id, &body.admin_email).await?;
    Ok(Json(access.into()))
}
