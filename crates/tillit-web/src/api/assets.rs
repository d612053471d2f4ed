//! `/api/v1/assets`: the register of information assets (C07).

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::registers::{AssetForm, AssetInput, AssetSort, PersonalDataCategory};
use tillit_store::registers::{AssetFilter, InformationAsset};
use utoipa::{IntoParams, ToSchema};

use crate::api::systems::SystemRefDto;
use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::filter_params::choice;
use crate::services::registers::{self as service, AssetDetail};
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AssetDto {
    pub id: i64,
    pub name: String,
    pub description: String,
    /// `digital`, `paper` or `spoken`.
    pub form: String,
    /// The information owner (informationsägare).
    pub owner_id: i64,
    pub owner_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// The processes that use it.
    pub processes: String,
    pub contains_personal_data: bool,
    /// Any of `health`, `protected_identity`, `social_security_number`, `children`,
    /// `other_special_category`, `criminal_offences`.
    pub personal_data_categories: Vec<String>,
    pub business_critical: bool,
    /// Send back on update; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<InformationAsset> for AssetDto {
    fn from(a: InformationAsset) -> Self {
        Self {
            id: a.id,
            name: a.name,
            description: a.description,
            form: a.form,
            owner_id: a.owner_id,
            owner_name: a.owner_name,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            processes: a.processes,
            contains_personal_data: a.contains_personal_data,
            personal_data_categories: a.personal_data_categories,
            business_critical: a.business_critical,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// An information asset with the systems that hold it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssetDetailDto {
    #[serde(flatten)]
    pub asset: AssetDto,
    /// The register entries that hold it.
    pub systems: Vec<SystemRefDto>,
}

impl From<AssetDetail> for AssetDetailDto {
    fn from(d: AssetDetail) -> Self {
        Self {
            asset: d.asset.into(),
            systems: d.systems.into_iter().map(SystemRefDto::from).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssetQuery {
    /// `digital`, `paper` or `spoken`.
    pub form: Option<String>,
    pub owner_id: Option<i64>,
    /// Only assets of this unit or, unless `unit_only`, a unit below it.
    pub unit_id: Option<i64>,
    /// With `unit_id`: that unit's own assets only.
    pub unit_only: Option<bool>,
    pub contains_personal_data: Option<bool>,
    pub business_critical: Option<bool>,
    /// Only assets held by this system.
    pub system_id: Option<i64>,
    /// Only assets with this category of personal data.
    pub category: Option<String>,
    /// Name contains (case-insensitive).
    pub q: Option<String>,
    /// With (true) or without (false) an approved classification.
    pub classified: Option<bool>,
    /// `name` (default), `business_critical` (business-critical first) or `updated` (latest first).
    pub sort: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl AssetQuery {
    fn filter(&self) -> Result<AssetFilter, AppError> {
        Ok(AssetFilter {
            form: choice("form", self.form.as_deref(), AssetForm::parse)?,
            owner_id: self.owner_id,
            unit_id: self.unit_id,
            unit_only: self.unit_only.unwrap_or(false),
            contains_personal_data: self.contains_personal_data,
            business_critical: self.business_critical,
            system_id: self.system_id,
            category: choice(
                "category",
                self.category.as_deref(),
                PersonalDataCategory::parse,
            )?,
            query: self.q.clone().filter(|q| !q.trim().is_empty()),
            classified: self.classified,
            sort: choice("sort", self.sort.as_deref(), AssetSort::parse)?.unwrap_or_default(),
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetBody {
    /// Required, at most 200 characters.
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// `digital`, `paper` or `spoken`.
    pub form: String,
    /// The information owner, a user of the organisation (required).
    #[serde(default)]
    pub owner_id: Option<i64>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub processes: String,
    #[serde(default)]
    pub contains_personal_data: bool,
    #[serde(default)]
    pub personal_data_categories: Vec<String>,
    #[serde(default)]
    pub business_critical: bool,
}

impl AssetBody {
    fn input(self) -> AssetInput {
        AssetInput {
            name: self.name,
            description: self.description,
            form: self.form,
            owner_id: self.owner_id,
            unit_id: self.unit_id,
            processes: self.processes,
            contains_personal_data: self.contains_personal_data,
            personal_data_categories: self.personal_data_categories,
            business_critical: self.business_critical,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetUpdateBody {
    pub name: String,
    #[serde(default)]
    pub description: String,
    pub form: String,
    #[serde(default)]
    pub owner_id: Option<i64>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub processes: String,
    #[serde(default)]
    pub contains_personal_data: bool,
    #[serde(default)]
    pub personal_data_categories: Vec<String>,
    #[serde(default)]
    pub business_critical: bool,
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
}

/// List information assets, filtered and paginated, by name.
#[utoipa::path(get, path = "/api/v1/assets", tag = "registers", params(AssetQuery),
    responses((status = 200, body = ListResponse<AssetDto>), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<AssetQuery>,
) -> Result<Json<ListResponse<AssetDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = query.filter()?;
    let page = service::list_assets(&state, &principal, &filter, paging).await?;
    Ok(Json(ListResponse::new(page, paging, AssetDto::from)))
}

/// Add an information asset (administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/assets", tag = "registers", request_body = AssetBody,
    responses((status = 201, body = AssetDetailDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<AssetBody>,
) -> Result<Response, AppError> {
    let asset = service::create_asset(&state, &principal, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(AssetDetailDto::from(asset))).into_response())
}

/// One information asset with the systems that hold it.
#[utoipa::path(get, path = "/api/v1/assets/{id}", tag = "registers", params(("id" = i64, Path)),
    responses((status = 200, body = AssetDetailDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<AssetDetailDto>, AppError> {
    Ok(Json(
        service::get_asset(&state, &principal, id).await?.into(),
    ))
}

/// Replace an asset's fields (its owner, administrators and coordinators). 409 on a stale version.
#[utoipa::path(put, path = "/api/v1/assets/{id}", tag = "registers", params(("id" = i64, Path)), request_body = AssetUpdateBody,
    responses((status = 200, body = AssetDetailDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AssetUpdateBody>,
) -> Result<Json<AssetDetailDto>, AppError> {
    let version = body.version;
    let input = AssetInput {
        name: body.name,
        description: body.description,
        form: body.form,
        owner_id: body.owner_id,
        unit_id: body.unit_id,
        processes: body.processes,
        contains_personal_data: body.contains_personal_data,
        personal_data_categories: body.personal_data_categories,
        business_critical: body.business_critical,
    };
    Ok(Json(
        service::update_asset(&state, &principal, id, version, &input)
            .await?
            .into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssetSystemBody {
    /// A register entry of the organisation that holds the asset.
    pub system_id: i64,
}

/// Record that a system holds the asset (its owner, administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/assets/{id}/systems", tag = "registers", params(("id" = i64, Path)), request_body = AssetSystemBody,
    responses((status = 201, body = AssetDetailDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn link_system(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AssetSystemBody>,
) -> Result<Response, AppError> {
    let asset = service::link_asset_system(&state, &principal, id, body.system_id).await?;
    Ok((StatusCode::CREATED, Json(AssetDetailDto::from(asset))).into_response())
}

/// Remove the link between the asset and a system.
#[utoipa::path(delete, path = "/api/v1/assets/{id}/systems/{system_id}", tag = "registers",
    params(("id" = i64, Path), ("system_id" = i64, Path)),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn unlink_system(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, system_id)): Path<(String, String)>,
) -> Result<StatusCode, AppError> {
    let (Ok(id), Ok(system_id)) = (id.parse(), system_id.parse()) else {
        return Err(AppError::NotFound);
    };
    service::unlink_asset_system(&state, &principal, id, system_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
