//! `/api/v1/org-units`: the organisation's units.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::org::UnitInput;
use tillit_store::org::{OrgUnit, UnitFilter};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ListResponse, Paging, Problem, VersionParam};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::services::org as service;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct OrgUnitDto {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    /// `board` (nämnd/styrelse), `administration` (förvaltning), `operation` (verksamhet) or `unit` (enhet).
    pub kind: String,
    /// The verksamhetschef or unit manager.
    pub manager_id: Option<i64>,
    pub manager_name: Option<String>,
    pub description: String,
    /// Send back on update; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<OrgUnit> for OrgUnitDto {
    fn from(u: OrgUnit) -> Self {
        Self {
            id: u.id,
            parent_id: u.parent_id,
            name: u.name,
            kind: u.kind,
            manager_id: u.manager_id,
            manager_name: u.manager_name,
            description: u.description,
            version: u.version,
            created_at: u.created_at,
            updated_at: u.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UnitQuery {
    /// Only children of this unit.
    pub parent_id: Option<i64>,
    /// Only top-level units.
    pub top_level: Option<bool>,
    /// Only this unit and the units below it, at any depth.
    pub unit_id: Option<i64>,
    /// Name contains (case-insensitive).
    pub name: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitBody {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub manager_id: Option<i64>,
    #[serde(default)]
    pub description: String,
}

impl UnitBody {
    fn input(self) -> UnitInput {
        UnitInput {
            name: self.name,
            kind: self.kind,
            parent_id: self.parent_id,
            manager_id: self.manager_id,
            description: self.description,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitUpdateBody {
    pub name: String,
    pub kind: String,
    #[serde(default)]
    pub parent_id: Option<i64>,
    #[serde(default)]
    pub manager_id: Option<i64>,
    #[serde(default)]
    pub description: String,
    /// The version last read.
    pub version: i64,
}

/// List units, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/org-units", tag = "organisation", params(UnitQuery),
    responses((status = 200, body = ListResponse<OrgUnitDto>), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<UnitQuery>,
) -> Result<Json<ListResponse<OrgUnitDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = UnitFilter {
        parent_id: query.parent_id,
        top_level: query.top_level.unwrap_or(false),
        within: query.unit_id,
        name: query.name.clone(),
    };
    let page = service::list_units(&state, &principal, &filter, paging).await?;
    Ok(Json(ListResponse::new(page, paging, OrgUnitDto::from)))
}

/// Create a unit. Needs the right to manage units at the parent (or the organisation level).
#[utoipa::path(post, path = "/api/v1/org-units", tag = "organisation", request_body = UnitBody,
    responses((status = 201, body = OrgUnitDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<UnitBody>,
) -> Result<Response, AppError> {
    let unit = service::create_unit(&state, &principal, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(OrgUnitDto::from(unit))).into_response())
}

/// One unit.
#[utoipa::path(get, path = "/api/v1/org-units/{id}", tag = "organisation", params(("id" = i64, Path)),
    responses((status = 200, body = OrgUnitDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<OrgUnitDto>, AppError> {
    Ok(Json(
        service::get_unit(&state, &principal, id).await?.into(),
    ))
}

/// Replace a unit's fields. Refused with 409 when `version` is stale.
#[utoipa::path(put, path = "/api/v1/org-units/{id}", tag = "organisation", params(("id" = i64, Path)), request_body = UnitUpdateBody,
    responses((status = 200, body = OrgUnitDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<UnitUpdateBody>,
) -> Result<Json<OrgUnitDto>, AppError> {
    let version = body.version;
    let input = UnitInput {
        name: body.name,
        kind: body.kind,
        parent_id: body.parent_id,
        manager_id: body.manager_id,
        description: body.description,
    };
    Ok(Json(
        service::update_unit(&state, &principal, id, version, &input)
            .await?
            .into(),
    ))
}

/// Delete a unit with no sub-units, roles or controllers attached.
#[utoipa::path(delete, path = "/api/v1/org-units/{id}", tag = "organisation", params(("id" = i64, Path), VersionParam),
    responses((status = 204), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<VersionParam>,
) -> Result<StatusCode, AppError> {
    service::delete_unit(&state, &principal, id, query.version).await?;
    Ok(StatusCode::NO_CONTENT)
}
