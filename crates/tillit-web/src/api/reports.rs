//! `/api/v1/reports`: the annual information security report (C25) per year for the
//! whole organisation or a unit — its sections with figures (live while a draft), its
//! texts, approval (fastställelse) into frozen versions, and the PDF and XLSX exports.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::users::Language;
use tillit_store::reports::{Report, ReportVersionSummary};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::services::reports::export::{self, Edition};
use crate::services::reports::{self as service, ReportDetail, Section};
use crate::state::AppState;

/// A report, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDto {
    pub id: i64,
    pub year: i64,
    /// The unit the report covers with the units below it; empty for the whole
    /// organisation.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// `draft` (utkast) or `approved` (fastställd).
    pub status: String,
    /// The latest approved version; 0 before the first approval.
    pub current_version: i64,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by_label: Option<String>,
    /// Send back on changes; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Report> for ReportDto {
    fn from(r: Report) -> Self {
        Self {
            id: r.id,
            year: r.year,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            status: r.status,
            current_version: r.current_version,
            approved_at: r.approved_at,
            approved_by_label: r.approved_by_label,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReportVersionDto {
    pub number: i64,
    pub approved_at: DateTime<Utc>,
    pub approved_by_label: String,
}

impl From<ReportVersionSummary> for ReportVersionDto {
    fn from(v: ReportVersionSummary) -> Self {
        Self {
            number: v.number,
            approved_at: v.approved_at,
            approved_by_label: v.approved_by_label,
        }
    }
}

/// A report with its sections: counted now while a draft, as frozen once approved.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportDetailDto {
    #[serde(flatten)]
    pub report: ReportDto,
    /// The day the figures describe.
    pub as_of: NaiveDate,
    pub sections: Vec<Section>,
    /// Newest first.
    pub versions: Vec<ReportVersionDto>,
}

impl From<ReportDetail> for ReportDetailDto {
    fn from(d: ReportDetail) -> Self {
        Self {
            report: d.report.into(),
            as_of: d.as_of,
            sections: d.sections,
            versions: d.versions.into_iter().map(ReportVersionDto::from).collect(),
        }
    }
}

/// An approved version as it was frozen.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReportVersionDetailDto {
    #[serde(flatten)]
    pub version: ReportVersionDto,
    pub as_of: NaiveDate,
    pub sections: Vec<Section>,
}

/// List the reports the caller may read, newest year first.
#[utoipa::path(get, path = "/api/v1/reports", tag = "reports", params(Paging),
    responses((status = 200, body = ListResponse<ReportDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(paging): QueryParams<Paging>,
) -> Result<Json<ListResponse<ReportDto>>, AppError> {
    let request = paging.request()?;
    let reports = service::list(&state, &principal).await?;
    let total = i64::try_from(reports.len()).unwrap_or(i64::MAX);
    let items = reports
        .into_iter()
        .skip(usize::try_from(request.offset()).unwrap_or(usize::MAX))
        .take(usize::try_from(request.limit()).unwrap_or(0))
        .collect();
    Ok(Json(ListResponse::new(
        tillit_store::Page { items, total },
        request,
        ReportDto::from,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportBody {
    /// From 2000 up to the current year; one report per year and scope (`duplicate`).
    pub year: i64,
    /// A unit: the report covers it and the units below it. Empty for the whole
    /// organisation (which needs an organisation-wide role; otherwise
    /// `report-outside-reach`).
    #[serde(default)]
    pub unit_id: Option<i64>,
}

/// Start the report of a year as a draft (coordinators and administrators).
#[utoipa::path(post, path = "/api/v1/reports", tag = "reports", request_body = ReportBody,
    responses((status = 201, body = ReportDetailDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<ReportBody>,
) -> Result<Response, AppError> {
    let report = service::create(&state, &principal, body.year, body.unit_id).await?;
    let detail = service::detail(&state, &principal, report.id).await?;
    Ok((StatusCode::CREATED, Json(ReportDetailDto::from(detail))).into_response())
}

/// One report with its sections, figures (with links to their records in the web UI)
/// and texts, and its approved versions.
#[utoipa::path(get, path = "/api/v1/reports/{id}", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = ReportDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<ReportDetailDto>, AppError> {
    Ok(Json(service::detail(&state, &principal, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextsBody {
    /// Text per section key (see the sections of the report); sections left out keep
    /// no text. An unknown key is refused on `texts.<key>` (`unknown-section`), a text
    /// over 20 000 characters with `too-long`.
    pub texts: BTreeMap<String, String>,
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
}

/// Replace the texts of a draft (coordinators and administrators). An approved report
/// is refused on `status` (`report-frozen`) and left unchanged.
#[utoipa::path(put, path = "/api/v1/reports/{id}/texts", tag = "reports", params(("id" = i64, Path)), request_body = TextsBody,
    responses((status = 200, body = ReportDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_texts(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<TextsBody>,
) -> Result<Json<ReportDetailDto>, AppError> {
    service::update_texts(&state, &principal, id, body.version, &body.texts).await?;
    Ok(Json(service::detail(&state, &principal, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportVersionBody {
    /// The report's `version` last read; a stale value is refused with 409.
    pub version: i64,
}

/// Approve (fastställ) a draft (coordinators and administrators): the figures as
/// counted now and the texts are frozen as the next version.
#[utoipa::path(post, path = "/api/v1/reports/{id}/approve", tag = "reports", params(("id" = i64, Path)), request_body = ReportVersionBody,
    responses((status = 200, body = ReportDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ReportVersionBody>,
) -> Result<Json<ReportDetailDto>, AppError> {
    service::approve(&state, &principal, id, body.version).await?;
    Ok(Json(service::detail(&state, &principal, id).await?.into()))
}

/// Start a new draft from an approved report; its approved versions stay as they were.
#[utoipa::path(post, path = "/api/v1/reports/{id}/new-draft", tag = "reports", params(("id" = i64, Path)), request_body = ReportVersionBody,
    responses((status = 200, body = ReportDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn new_draft(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ReportVersionBody>,
) -> Result<Json<ReportDetailDto>, AppError> {
    service::new_draft(&state, &principal, id, body.version).await?;
    Ok(Json(service::detail(&state, &principal, id).await?.into()))
}

/// An approved version with its sections as frozen.
#[utoipa::path(get, path = "/api/v1/reports/{id}/versions/{number}", tag = "reports",
    params(("id" = i64, Path), ("number" = i64, Path)),
    responses((status = 200, body = ReportVersionDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn version(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, number)): Path<(i64, i64)>,
) -> Result<Json<ReportVersionDetailDto>, AppError> {
    let (_, version, snapshot) = service::version(&state, &principal, id, number).await?;
    Ok(Json(ReportVersionDetailDto {
        version: version.into(),
        as_of: snapshot.as_of,
        sections: snapshot.sections,
    }))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `sv` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// An approved version; without it, the report as it reads now.
    #[serde(default)]
    pub version: Option<i64>,
}

impl ExportQuery {
    fn language(&self) -> Result<Language, AppError> {
        match self.lang.as_deref() {
            None => Ok(Language::Sv),
            Some(code) => {
                Language::parse(code).ok_or_else(|| AppError::invalid("lang", "invalid-choice"))
            }
        }
    }

    fn edition(&self) -> Edition {
        self.version.map_or(Edition::Current, Edition::Version)
    }
}

/// The report as a tagged PDF.
#[utoipa::path(get, path = "/api/v1/reports/{id}/pdf", tag = "reports", params(("id" = i64, Path), ExportQuery),
    responses((status = 200, description = "The report", content_type = "application/pdf"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn pdf(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, AppError> {
    let file = export::pdf(&state, &principal, id, query.edition(), query.language()?).await?;
    Ok(file.into_response())
}

/// The report's figures as an XLSX appendix.
#[utoipa::path(get, path = "/api/v1/reports/{id}/xlsx", tag = "reports", params(("id" = i64, Path), ExportQuery),
    responses((status = 200, description = "The figures",
            content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn xlsx(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, AppError> {
    let file = export::xlsx(&state, &principal, id, query.edition(), query.language()?).await?;
    Ok(file.into_response())
}
