//! `/api/v1/internal-control`: the internal control plan (internkontrollplan) of a year,
//! the administrations' reports on its items, and the year's summary.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::internal_control::{ItemInput, ReportInput};
use tillit_store::internal_control::{ControlItem, ControlReport, ControlSummary, UnitReporting};
use utoipa::{IntoParams, ToSchema};

use crate::api::Problem;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::services::internal_control as service;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/internal-control/items", get(list_items).post(create_item))
        .route(
            "/internal-control/items/{id}",
            get(get_item).put(update_item),
        )
        .route(
            "/internal-control/items/{id}/reports",
            get(list_reports).post(save_report),
        )
        .route("/internal-control/summary", get(summary))
}

/// An item of the plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlItemDto {
    pub id: i64,
    pub year: i64,
    /// The risk the control addresses.
    pub risk: String,
    /// The control (kontrollmoment).
    pub control: String,
    pub responsible: String,
    /// `yearly`, `half_yearly`, `quarterly` or `monthly`.
    pub frequency: String,
    /// The administrations that must report on it.
    pub unit_ids: Vec<i64>,
    /// Send back on changes; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ControlItem> for ControlItemDto {
    fn from(i: ControlItem) -> Self {
        Self {
            id: i.id,
            year: i.year,
            risk: i.risk,
            control: i.control,
            responsible: i.responsible,
            frequency: i.frequency,
            unit_ids: i.unit_ids,
            version: i.version,
            created_at: i.created_at,
            updated_at: i.updated_at,
        }
    }
}

/// An administration's report on an item.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlReportDto {
    pub id: i64,
    pub item_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    /// `reported` or `deviation`; a unit without a report has not reported.
    pub status: String,
    pub result: String,
    pub comments: String,
    /// The deviations found; required when the status is `deviation`.
    pub deviations: String,
    pub reported_by_label: String,
    /// Send back on changes; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<ControlReport> for ControlReportDto {
    fn from(r: ControlReport) -> Self {
        Self {
            id: r.id,
            item_id: r.item_id,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            status: r.status,
            result: r.result,
            comments: r.comments,
            deviations: r.deviations,
            reported_by_label: r.reported_by_label,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The plan year; this year when left out.
    pub year: Option<i64>,
}

impl YearQuery {
    fn year(&self) -> i64 {
        self.year
            .unwrap_or_else(|| i64::from(crate::services::documents::today().year()))
    }
}

/// The items of a year's plan.
#[utoipa::path(get, path = "/api/v1/internal-control/items", tag = "governance", params(YearQuery),
    responses((status = 200, body = Vec<ControlItemDto>), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list_items(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<YearQuery>,
) -> Result<Json<Vec<ControlItemDto>>, AppError> {
    let items = service::items(&state, &principal, query.year()).await?;
    Ok(Json(items.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlItemBody {
    /// 2000–2100.
    pub year: Option<i64>,
    pub risk: String,
    pub control: String,
    pub responsible: String,
    /// `yearly`, `half_yearly`, `quarterly` or `monthly`.
    pub frequency: String,
    /// At least one unit of the organisation.
    #[serde(default)]
    pub unit_ids: Vec<i64>,
    /// Required on update: the version last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ControlItemBody {
    fn input(&self) -> ItemInput {
        ItemInput {
            year: self.year,
            risk: self.risk.clone(),
            control: self.control.clone(),
            responsible: self.responsible.clone(),
            frequency: self.frequency.clone(),
            unit_ids: self.unit_ids.clone(),
        }
    }
}

/// Add an item to the plan (administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/internal-control/items", tag = "governance", request_body = ControlItemBody,
    responses((status = 201, body = ControlItemDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_item(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<ControlItemBody>,
) -> Result<Response, AppError> {
    let item = service::create_item(&state, &principal, &body.input()).await?;
    Ok((StatusCode::CREATED, Json(ControlItemDto::from(item))).into_response())
}

/// One item with the reports given on it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlItemDetailDto {
    #[serde(flatten)]
    pub item: ControlItemDto,
    pub reports: Vec<ControlReportDto>,
}

#[utoipa::path(get, path = "/api/v1/internal-control/items/{id}", tag = "governance", params(("id" = i64, Path)),
    responses((status = 200, body = ControlItemDetailDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get_item(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<ControlItemDetailDto>, AppError> {
    let (item, reports) = service::item(&state, &principal, id).await?;
    Ok(Json(ControlItemDetailDto {
        item: item.into(),
        reports: reports.into_iter().map(Into::into).collect(),
    }))
}

/// Change an item (administrators and coordinators).
#[utoipa::path(put, path = "/api/v1/internal-control/items/{id}", tag = "governance", params(("id" = i64, Path)),
    request_body = ControlItemBody,
    responses((status = 200, body = ControlItemDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_item(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ControlItemBody>,
) -> Result<Json<ControlItemDto>, AppError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("version", "required"))?;
    let item = service::update_item(&state, &principal, id, version, &body.input()).await?;
    Ok(Json(item.into()))
}

/// The reports given on an item.
#[utoipa::path(get, path = "/api/v1/internal-control/items/{id}/reports", tag = "governance", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ControlReportDto>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn list_reports(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<ControlReportDto>>, AppError> {
    let (_, reports) = service::item(&state, &principal, id).await?;
    Ok(Json(reports.into_iter().map(Into::into).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlReportBody {
    /// One of the item's reporting units, which the caller may report for.
    pub unit_id: Option<i64>,
    /// `reported` or `deviation`.
    pub status: String,
    pub result: String,
    #[serde(default)]
    pub comments: String,
    /// Required when the status is `deviation`.
    #[serde(default)]
    pub deviations: String,
    /// Left out for the unit's first report; otherwise the version of the report last
    /// read. A stale or missing value is refused with 409.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Give or change a unit's report on an item (heads of operations for their units,
/// coordinators and administrators).
#[utoipa::path(post, path = "/api/v1/internal-control/items/{id}/reports", tag = "governance", params(("id" = i64, Path)),
    request_body = ControlReportBody,
    responses((status = 200, body = ControlReportDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn save_report(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ControlReportBody>,
) -> Result<Json<ControlReportDto>, AppError> {
    let input = ReportInput {
        unit_id: body.unit_id,
        status: body.status,
        result: body.result,
        comments: body.comments,
        deviations: body.deviations,
    };
    let report = service::save_report(&state, &principal, id, body.version, &input).await?;
    Ok(Json(report.into()))
}

/// One administration's reporting in the year.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitReportingDto {
    pub unit_id: i64,
    pub unit_name: String,
    pub expected: i64,
    pub received: i64,
    pub deviations: i64,
}

/// A year of internal control in figures.
#[derive(Debug, Serialize, ToSchema)]
pub struct ControlSummaryDto {
    pub year: i64,
    pub items: i64,
    /// Reports the plan asks for: one per item and reporting unit.
    pub expected: i64,
    pub received: i64,
    pub deviations: i64,
    pub units: Vec<UnitReportingDto>,
}

impl From<ControlSummary> for ControlSummaryDto {
    fn from(s: ControlSummary) -> Self {
        Self {
            year: s.year,
            items: s.items,
            expected: s.expected,
            received: s.received,
            deviations: s.deviations,
            units: s
                .units
                .into_iter()
                .map(|u: UnitReporting| UnitReportingDto {
                    unit_id: u.unit_id,
                    unit_name: u.unit_name,
                    expected: u.expected,
                    received: u.received,
                    deviations: u.deviations,
                })
                .collect(),
        }
    }
}

/// Items, reports expected and received, and deviations in a year.
#[utoipa::path(get, path = "/api/v1/internal-control/summary", tag = "governance", params(YearQuery),
    responses((status = 200, body = ControlSummaryDto), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn summary(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<YearQuery>,
) -> Result<Json<ControlSummaryDto>, AppError> {
    let summary = service::summary(&state, &principal, query.year()).await?;
    Ok(Json(summary.into()))
}
