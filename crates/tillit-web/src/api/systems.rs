//! `/api/v1/systems` and `/api/v1/register-confirmations`: the register of networks and
//! information systems (seed 001 §4–5), its dependency graph and its yearly confirmation.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::registers::{Criticality, SystemInput, SystemKind, SystemSort};
use tillit_store::registers::{
    AssetRef, InformationSystem, RegisterConfirmation, SystemFilter, SystemRef, SystemVersion,
    UserRef,
};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::filter_params::choice;
use crate::services::registers::{self as service, SystemDetail};
use crate::state::AppState;

/// An entry in the register, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemDto {
    pub id: i64,
    /// Unique in the organisation and never reused, e.g. `IS-0042`.
    pub designation: String,
    pub name: String,
    /// `network`, `information_system` or `it_service`.
    pub kind: String,
    pub functionality: String,
    pub essential_services: String,
    /// In scope of cybersäkerhetslagen (2025:1506).
    pub in_cyber_security_act_scope: bool,
    /// `low`, `medium`, `high` or `critical`.
    pub criticality: String,
    pub object_owner_id: Option<i64>,
    pub object_owner_name: Option<String>,
    pub system_administrator_id: Option<i64>,
    pub system_administrator_name: Option<String>,
    pub supplier: String,
    pub sub_suppliers: String,
    /// `own_data_centre`, `supplier` or `cloud`.
    pub hosting: String,
    pub storage_country: String,
    pub acceptable_recovery_time_hours: Option<i64>,
    /// Send back on update; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl SystemDto {
    /// An entry of a list kept in the cache.
    fn of_listed(s: &InformationSystem) -> Self {
        Self::from(s.clone())
    }
}

impl From<InformationSystem> for SystemDto {
    fn from(s: InformationSystem) -> Self {
        Self {
            id: s.id,
            designation: s.designation,
            name: s.name,
            kind: s.kind,
            functionality: s.functionality,
            essential_services: s.essential_services,
            in_cyber_security_act_scope: s.in_cyber_security_act_scope,
            criticality: s.criticality,
            object_owner_id: s.object_owner_id,
            object_owner_name: s.object_owner_name,
            system_administrator_id: s.system_administrator_id,
            system_administrator_name: s.system_administrator_name,
            supplier: s.supplier,
            sub_suppliers: s.sub_suppliers,
            hosting: s.hosting,
            storage_country: s.storage_country,
            acceptable_recovery_time_hours: s.acceptable_recovery_time_hours,
            version: s.version,
            created_at: s.created_at,
            updated_at: s.updated_at,
        }
    }
}

/// A user named by an entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct UserRefDto {
    pub id: i64,
    pub display_name: String,
}

impl From<UserRef> for UserRefDto {
    fn from(u: UserRef) -> Self {
        Self {
            id: u.id,
            display_name: u.display_name,
        }
    }
}

/// A short reference to another entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemRefDto {
    pub id: i64,
    pub designation: String,
    pub name: String,
}

impl From<SystemRef> for SystemRefDto {
    fn from(s: SystemRef) -> Self {
        Self {
            id: s.id,
            designation: s.designation,
            name: s.name,
        }
    }
}

/// One entry with its information owners and the entries it depends on.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemDetailDto {
    #[serde(flatten)]
    pub system: SystemDto,
    /// The information owners (informationsägare).
    pub owners: Vec<UserRefDto>,
    /// The entries this one depends on directly.
    pub dependencies: Vec<SystemRefDto>,
    /// The entries that depend directly on this one.
    pub dependents: Vec<SystemRefDto>,
    /// The information assets it holds.
    pub assets: Vec<AssetRefDto>,
}

/// A short reference to an information asset.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetRefDto {
    pub id: i64,
    pub name: String,
}

impl From<AssetRef> for AssetRefDto {
    fn from(a: AssetRef) -> Self {
        Self {
            id: a.id,
            name: a.name,
        }
    }
}

impl From<SystemDetail> for SystemDetailDto {
    fn from(d: SystemDetail) -> Self {
        Self {
            system: d.system.into(),
            owners: d.owners.into_iter().map(UserRefDto::from).collect(),
            dependencies: d.dependencies.into_iter().map(SystemRefDto::from).collect(),
            dependents: d.dependents.into_iter().map(SystemRefDto::from).collect(),
            assets: d.assets.into_iter().map(AssetRefDto::from).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SystemQuery {
    /// `network`, `information_system` or `it_service`.
    pub kind: Option<String>,
    /// `low`, `medium`, `high` or `critical`.
    pub criticality: Option<String>,
    /// In (true) or out of (false) scope of cybersäkerhetslagen.
    pub in_scope: Option<bool>,
    /// Object owner or one of the information owners.
    pub owner_id: Option<i64>,
    /// Designation or name contains (case-insensitive).
    pub q: Option<String>,
    /// With (true) or without (false) an approved classification.
    pub classified: Option<bool>,
    /// Only systems holding an information asset of this unit or a unit below it.
    pub unit_id: Option<i64>,
    /// `name` (default), `designation`, `criticality` (most critical first) or `updated` (latest first).
    pub sort: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl SystemQuery {
    fn filter(&self) -> Result<SystemFilter, AppError> {
        Ok(SystemFilter {
            kind: choice("kind", self.kind.as_deref(), SystemKind::parse)?,
            criticality: choice(
                "criticality",
                self.criticality.as_deref(),
                Criticality::parse,
            )?,
            in_scope: self.in_scope,
            owner_id: self.owner_id,
            query: self.q.clone().filter(|q| !q.trim().is_empty()),
            classified: self.classified,
            unit_id: self.unit_id,
            sort: choice("sort", self.sort.as_deref(), SystemSort::parse)?.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemBody {
    /// Required, at most 200 characters.
    pub name: String,
    /// `network`, `information_system` or `it_service`.
    pub kind: String,
    /// What it does, in plain words.
    #[serde(default)]
    pub functionality: String,
    /// The essential service(s) it delivers or keeps running.
    #[serde(default)]
    pub essential_services: String,
    /// In scope of cybersäkerhetslagen (2025:1506).
    #[serde(default)]
    pub in_cyber_security_act_scope: bool,
    /// `low`, `medium`, `high` or `critical`.
    pub criticality: String,
    /// The object owner (objektägare), a user of the organisation.
    #[serde(default)]
    pub object_owner_id: Option<i64>,
    /// The system administrator (systemförvaltare), a user of the organisation.
    #[serde(default)]
    pub system_administrator_id: Option<i64>,
    /// The information owners (informationsägare).
    #[serde(default)]
    pub owner_ids: Vec<i64>,
    #[serde(default)]
    pub supplier: String,
    #[serde(default)]
    pub sub_suppliers: String,
    /// `own_data_centre`, `supplier` or `cloud`.
    pub hosting: String,
    /// Country where the information is stored.
    #[serde(default)]
    pub storage_country: String,
    /// Acceptable recovery time in hours (0–87600), from continuity planning.
    #[serde(default)]
    pub acceptable_recovery_time_hours: Option<i64>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemUpdateBody {
    /// Required, at most 200 characters.
    pub name: String,
    /// `network`, `information_system` or `it_service`.
    pub kind: String,
    /// What it does, in plain words.
    #[serde(default)]
    pub functionality: String,
    /// The essential service(s) it delivers or keeps running.
    #[serde(default)]
    pub essential_services: String,
    /// In scope of cybersäkerhetslagen (2025:1506).
    #[serde(default)]
    pub in_cyber_security_act_scope: bool,
    /// `low`, `medium`, `high` or `critical`.
    pub criticality: String,
    /// The object owner (objektägare), a user of the organisation.
    #[serde(default)]
    pub object_owner_id: Option<i64>,
    /// The system administrator (systemförvaltare), a user of the organisation.
    #[serde(default)]
    pub system_administrator_id: Option<i64>,
    /// The information owners (informationsägare).
    #[serde(default)]
    pub owner_ids: Vec<i64>,
    #[serde(default)]
    pub supplier: String,
    #[serde(default)]
    pub sub_suppliers: String,
    /// `own_data_centre`, `supplier` or `cloud`.
    pub hosting: String,
    /// Country where the information is stored.
    #[serde(default)]
    pub storage_country: String,
    /// Acceptable recovery time in hours (0–87600), from continuity planning.
    #[serde(default)]
    pub acceptable_recovery_time_hours: Option<i64>,
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
}

impl SystemBody {
    fn input(self) -> SystemInput {
        SystemInput {
            name: self.name,
            kind: self.kind,
            functionality: self.functionality,
            essential_services: self.essential_services,
            in_cyber_security_act_scope: self.in_cyber_security_act_scope,
            criticality: self.criticality,
            object_owner_id: self.object_owner_id,
            system_administrator_id: self.system_administrator_id,
            owner_ids: self.owner_ids,
            supplier: self.supplier,
            sub_suppliers: self.sub_suppliers,
            hosting: self.hosting,
            storage_country: self.storage_country,
            acceptable_recovery_time_hours: self.acceptable_recovery_time_hours,
        }
    }
}

impl SystemUpdateBody {
    fn input(self) -> (i64, SystemInput) {
        (
            self.version,
            SystemInput {
                name: self.name,
                kind: self.kind,
                functionality: self.functionality,
                essential_services: self.essential_services,
                in_cyber_security_act_scope: self.in_cyber_security_act_scope,
                criticality: self.criticality,
                object_owner_id: self.object_owner_id,
                system_administrator_id: self.system_administrator_id,
                owner_ids: self.owner_ids,
                supplier: self.supplier,
                sub_suppliers: self.sub_suppliers,
                hosting: self.hosting,
                storage_country: self.storage_country,
                acceptable_recovery_time_hours: self.acceptable_recovery_time_hours,
            },
        )
    }
}

/// List entries, filtered, searched, sorted and paginated.
#[utoipa::path(get, path = "/api/v1/systems", tag = "registers", params(SystemQuery),
    responses((status = 200, body = ListResponse<SystemDto>), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<SystemQuery>,
) -> Result<Json<ListResponse<SystemDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = query.filter()?;
    let page = service::system_list_page(&state, &principal, &filter, paging).await?;
    Ok(Json(ListResponse::borrowed(
        &page,
        paging,
        SystemDto::of_listed,
    )))
}

/// Add an entry under the next free designation for its kind (administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/systems", tag = "registers", request_body = SystemBody,
    responses((status = 201, body = SystemDetailDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<SystemBody>,
) -> Result<Response, AppError> {
    let system = service::create_system(&state, &principal, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(SystemDetailDto::from(system))).into_response())
}

/// One entry with its information owners and dependencies.
#[utoipa::path(get, path = "/api/v1/systems/{id}", tag = "registers", params(("id" = i64, Path)),
    responses((status = 200, body = SystemDetailDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<SystemDetailDto>, AppError> {
    Ok(Json(
        service::get_system(&state, &principal, id).await?.into(),
    ))
}

/// Replace an entry's fields (its owners, administrators and coordinators). The
/// designation never changes. Refused with 409 when `version` is stale.
#[utoipa::path(put, path = "/api/v1/systems/{id}", tag = "registers", params(("id" = i64, Path)), request_body = SystemUpdateBody,
    responses((status = 200, body = SystemDetailDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<SystemUpdateBody>,
) -> Result<Json<SystemDetailDto>, AppError> {
    let (version, input) = body.input();
    Ok(Json(
        service::update_system(&state, &principal, id, version, &input)
            .await?
            .into(),
    ))
}

/// One kept version of an entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemVersionDto {
    pub version: i64,
    pub changed_at: DateTime<Utc>,
    pub changed_by: Option<i64>,
    pub changed_by_label: String,
    /// The entry as it was at this version, with `owner_ids`.
    #[schema(value_type = Object)]
    pub snapshot: serde_json::Value,
}

impl From<SystemVersion> for SystemVersionDto {
    fn from(v: SystemVersion) -> Self {
        Self {
            version: v.version,
            changed_at: v.changed_at,
            changed_by: v.changed_by,
            changed_by_label: v.changed_by_label,
            snapshot: serde_json::from_str(&v.snapshot).unwrap_or(serde_json::Value::Null),
        }
    }
}

/// Every version of an entry, oldest first.
#[utoipa::path(get, path = "/api/v1/systems/{id}/history", tag = "registers", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SystemVersionDto>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn history(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<SystemVersionDto>>, AppError> {
    let versions = service::system_history(&state, &principal, id).await?;
    Ok(Json(
        versions.into_iter().map(SystemVersionDto::from).collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DependencyBody {
    /// The entry this one depends on; a dependency that closes a cycle is refused.
    pub depends_on_id: i64,
}

/// Record that the entry depends on another (its owners, administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/systems/{id}/dependencies", tag = "registers", params(("id" = i64, Path)), request_body = DependencyBody,
    responses((status = 201, body = SystemDetailDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_dependency(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<DependencyBody>,
) -> Result<Response, AppError> {
    let system = service::add_dependency(&state, &principal, id, body.depends_on_id).await?;
    Ok((StatusCode::CREATED, Json(SystemDetailDto::from(system))).into_response())
}

/// Remove a dependency.
#[utoipa::path(delete, path = "/api/v1/systems/{id}/dependencies/{depends_on_id}", tag = "registers",
    params(("id" = i64, Path), ("depends_on_id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn remove_dependency(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, depends_on_id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let (Ok(id), Ok(depends_on_id)) = (id.parse(), depends_on_id.parse()) else {
        return Err(AppError::NotFound);
    };
    service::remove_dependency(&state, &principal, id, depends_on_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A confirmation of the register: who, when, and what changed since the one before.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterConfirmationDto {
    pub id: i64,
    pub confirmed_at: DateTime<Utc>,
    pub confirmed_by: Option<i64>,
    pub confirmed_by_label: String,
    /// Entries in the register when it was confirmed.
    pub system_count: i64,
    /// The confirmer's `note` and the designations `created` and `changed` since last time.
    #[schema(value_type = Object)]
    pub changes: serde_json::Value,
}

impl From<RegisterConfirmation> for RegisterConfirmationDto {
    fn from(c: RegisterConfirmation) -> Self {
        Self {
            id: c.id,
            confirmed_at: c.confirmed_at,
            confirmed_by: c.confirmed_by,
            confirmed_by_label: c.confirmed_by_label,
            system_count: c.system_count,
            changes: serde_json::from_str(&c.changes_summary).unwrap_or(serde_json::Value::Null),
        }
    }
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConfirmationBody {
    /// What the confirmer wants to say about this year's review.
    #[serde(default)]
    pub note: String,
}

/// Confirm the register as it stands (the yearly confirmation; administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/register-confirmations", tag = "registers", request_body = ConfirmationBody,
    responses((status = 201, body = RegisterConfirmationDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn confirm(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<ConfirmationBody>,
) -> Result<Response, AppError> {
    let confirmation = service::confirm_register(&state, &principal, &body.note).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisterConfirmationDto::from(confirmation)),
    )
        .into_response())
}

/// The latest confirmation of the register and whether the yearly one is due.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisterStatusDto {
    /// Empty when the register was never confirmed.
    pub latest: Option<RegisterConfirmationDto>,
    /// Never confirmed, or last confirmed more than a year ago.
    pub overdue: bool,
}

/// The latest confirmation of the register and whether the yearly one is overdue.
#[utoipa::path(get, path = "/api/v1/register-confirmations/latest", tag = "registers",
    responses((status = 200, body = RegisterStatusDto), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn latest_confirmation(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<RegisterStatusDto>, AppError> {
    let (latest, overdue) = service::register_status(&state, &principal).await?;
    Ok(Json(RegisterStatusDto {
        latest: latest.map(RegisterConfirmationDto::from),
        overdue,
    }))
}
