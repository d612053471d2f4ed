//! `/api/v1/risk-analyses`: risk analyses (8 §) of systems, processes, units or the
//! whole organisation, approved (fastställda) into frozen versions kept five years, and
//! revised at least yearly.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::risk::{renewal_overdue, AnalysisInput, Scope};
use tillit_store::risk::{
    Analysis, AnalysisFilter, AnalysisSnapshot, AnalysisVersion, AnalysisVersionSummary,
    SnapshotMeasure, SnapshotRisk,
};
use utoipa::{IntoParams, ToSchema};

use crate::api::measures::{FollowUpDto, MeasureDto};
use crate::api::risks::{RiskBody, RiskDetailDto, RiskDto};
use crate::api::systems::{AssetRefDto, SystemRefDto};
use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::filter_params::{choice, year_times};
use crate::services::risk::{self as service, AnalysisDetail};
use crate::state::AppState;

/// A risk analysis, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisDto {
    pub id: i64,
    /// Unique in the organisation and never reused, e.g. `RA-0003`.
    pub designation: String,
    pub title: String,
    /// `systems`, `process`, `unit` or `organisation`.
    pub scope: String,
    /// The unit it belongs to: those with a role there or above reach it. Empty when it
    /// belongs to the organisation itself, as every organisation-wide analysis does.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub process_name: String,
    /// Who took part.
    pub participants: String,
    /// External developments (omvärldsföreteelser) taken into account.
    pub external_developments: String,
    pub incidents_considered: String,
    /// `draft` while worked on, `approved` once frozen until a revision starts.
    pub status: String,
    /// The latest approved version; 0 before the first approval.
    pub current_version: i64,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by_label: Option<String>,
    /// The yearly renewal is due by this day.
    pub next_renewal: Option<NaiveDate>,
    /// The yearly renewal is late.
    pub renewal_overdue: bool,
    pub risk_count: i64,
    /// Send back on changes; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Analysis> for AnalysisDto {
    fn from(a: Analysis) -> Self {
        Self {
            renewal_overdue: renewal_overdue(a.next_renewal, service::today()),
            id: a.id,
            designation: a.designation,
            title: a.title,
            scope: a.scope,
            unit_id: a.unit_id,
            unit_name: a.unit_name,
            process_name: a.process_name,
            participants: a.participants,
            external_developments: a.external_developments,
            incidents_considered: a.incidents_considered,
            status: a.status,
            current_version: a.current_version,
            approved_at: a.approved_at,
            approved_by_label: a.approved_by_label,
            next_renewal: a.next_renewal,
            risk_count: a.risk_count,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// An approved version, without its content.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisVersionSummaryDto {
    pub number: i64,
    /// The method version in force when it was approved.
    pub method_number: Option<i64>,
    pub approved_at: DateTime<Utc>,
    pub approved_by_label: String,
    /// It may not be removed before this day.
    pub kept_until: NaiveDate,
}

impl From<AnalysisVersionSummary> for AnalysisVersionSummaryDto {
    fn from(v: AnalysisVersionSummary) -> Self {
        Self {
            number: v.number,
            method_number: v.method_number,
            approved_at: v.approved_at,
            approved_by_label: v.approved_by_label,
            kept_until: v.kept_until,
        }
    }
}

/// An analysis with what it covers, its risks (by number) and its approved versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisDetailDto {
    #[serde(flatten)]
    pub analysis: AnalysisDto,
    pub systems: Vec<SystemRefDto>,
    pub assets: Vec<AssetRefDto>,
    pub risks: Vec<RiskDto>,
    /// Newest first.
    pub versions: Vec<AnalysisVersionSummaryDto>,
}

fn asset_refs(assets: Vec<(i64, String)>) -> Vec<AssetRefDto> {
    assets
        .into_iter()
        .map(|(id, name)| AssetRefDto { id, name })
        .collect()
}

impl From<AnalysisDetail> for AnalysisDetailDto {
    fn from(d: AnalysisDetail) -> Self {
        Self {
            analysis: d.analysis.into(),
            systems: d.systems.into_iter().map(SystemRefDto::from).collect(),
            assets: asset_refs(d.assets),
            risks: d.risks.into_iter().map(RiskDto::from).collect(),
            versions: d
                .versions
                .into_iter()
                .map(AnalysisVersionSummaryDto::from)
                .collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AnalysisQuery {
    /// Title or designation (e.g. `RA-0003`) contains (case-insensitive).
    pub q: Option<String>,
    /// The unit or any unit below it.
    pub unit_id: Option<i64>,
    /// `systems`, `process`, `unit` or `organisation`.
    pub scope: Option<String>,
    /// Only those whose yearly renewal is late.
    pub overdue: Option<bool>,
    /// Only those approved at least once.
    pub approved: Option<bool>,
    /// Only drafts (new, or an approved analysis being revised).
    pub draft: Option<bool>,
    /// Only those with a version approved in this year.
    pub approved_year: Option<i32>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl AnalysisQuery {
    fn filter(&self) -> Result<AnalysisFilter, AppError> {
        Ok(AnalysisFilter {
            search: self.q.clone().filter(|q| !q.trim().is_empty()),
            unit_id: self.unit_id,
            scope: choice("scope", self.scope.as_deref(), Scope::parse)?,
            overdue_on: self
                .overdue
                .filter(|overdue| *overdue)
                .map(|_| service::today()),
            approved_once: self.approved.unwrap_or(false),
            drafts_only: self.draft.unwrap_or(false),
            approved_in: year_times("approved_year", self.approved_year)?,
            ..AnalysisFilter::default()
        })
    }
}

/// List analyses by designation, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/risk-analyses", tag = "risk", params(AnalysisQuery),
    responses((status = 200, body = ListResponse<AnalysisDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<AnalysisQuery>,
) -> Result<Json<ListResponse<AnalysisDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = query.filter()?;
    let page = service::list_analyses(&state, &principal, &filter, paging.limit(), paging.offset())
        .await?;
    Ok(Json(ListResponse::new(page, paging, AnalysisDto::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisBody {
    /// Required, at most 200 characters.
    pub title: String,
    /// `systems`, `process`, `unit` or `organisation`.
    #[serde(default)]
    pub scope: String,
    /// The unit the analysis belongs to; required for the scope `unit`, ignored for
    /// `organisation`. Without one it belongs to the organisation itself. A unit outside
    /// the caller's units (or none, for a caller without an organisation-wide role) is
    /// refused on `unit_id` (`scope` for `organisation`) with `outside-reach`.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Required for the scope `process`.
    #[serde(default)]
    pub process_name: String,
    /// Register entries covered; the scope `systems` needs these or `asset_ids`.
    #[serde(default)]
    pub system_ids: Vec<i64>,
    /// Information assets covered.
    #[serde(default)]
    pub asset_ids: Vec<i64>,
    /// Who takes part.
    #[serde(default)]
    pub participants: String,
    /// External developments (omvärldsföreteelser) taken into account.
    #[serde(default)]
    pub external_developments: String,
    /// Incidents taken into account.
    #[serde(default)]
    pub incidents_considered: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisUpdateBody {
    /// Required, at most 200 characters.
    pub title: String,
    /// `systems`, `process`, `unit` or `organisation`.
    #[serde(default)]
    pub scope: String,
    /// The unit the analysis belongs to; required for the scope `unit`, ignored for
    /// `organisation`. Without one it belongs to the organisation itself. A unit outside
    /// the caller's units (or none, for a caller without an organisation-wide role) is
    /// refused on `unit_id` (`scope` for `organisation`) with `outside-reach`.
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// Required for the scope `process`.
    #[serde(default)]
    pub process_name: String,
    /// Register entries covered; the scope `systems` needs these or `asset_ids`.
    #[serde(default)]
    pub system_ids: Vec<i64>,
    /// Information assets covered.
    #[serde(default)]
    pub asset_ids: Vec<i64>,
    /// Who takes part.
    #[serde(default)]
    pub participants: String,
    /// External developments (omvärldsföreteelser) taken into account.
    #[serde(default)]
    pub external_developments: String,
    /// Incidents taken into account.
    #[serde(default)]
    pub incidents_considered: String,
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
}

impl AnalysisBody {
    fn input(&self) -> Result<AnalysisInput<'_>, AppError> {
        Ok(AnalysisInput {
            title: &self.title,
            scope: choice("scope", Some(&self.scope), Scope::parse)?,
            unit_id: self.unit_id,
            process_name: &self.process_name,
            system_ids: &self.system_ids,
            asset_ids: &self.asset_ids,
            participants: &self.participants,
            external_developments: &self.external_developments,
            incidents_considered: &self.incidents_considered,
        })
    }
}

impl AnalysisUpdateBody {
    fn input(&self) -> Result<AnalysisInput<'_>, AppError> {
        Ok(AnalysisInput {
            title: &self.title,
            scope: choice("scope", Some(&self.scope), Scope::parse)?,
            unit_id: self.unit_id,
            process_name: &self.process_name,
            system_ids: &self.system_ids,
            asset_ids: &self.asset_ids,
            participants: &self.participants,
            external_developments: &self.external_developments,
            incidents_considered: &self.incidents_considered,
        })
    }
}

/// Start a new analysis as a draft (those who run analyses).
#[utoipa::path(post, path = "/api/v1/risk-analyses", tag = "risk", request_body = AnalysisBody,
    responses((status = 201, body = AnalysisDetailDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<AnalysisBody>,
) -> Result<Response, AppError> {
    let analysis = service::create_analysis(&state, &principal, &body.input()?).await?;
    let detail = service::analysis(&state, &principal, analysis.id).await?;
    Ok((StatusCode::CREATED, Json(AnalysisDetailDto::from(detail))).into_response())
}

/// One analysis with what it covers, its risks and its approved versions.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = AnalysisDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<AnalysisDetailDto>, AppError> {
    Ok(Json(
        service::analysis(&state, &principal, id).await?.into(),
    ))
}

/// Change a draft analysis's description (those who run analyses). An approved analysis
/// is refused on `analysis` (`frozen`) until a revision starts; a stale `version` with 409.
#[utoipa::path(put, path = "/api/v1/risk-analyses/{id}", tag = "risk", params(("id" = i64, Path)), request_body = AnalysisUpdateBody,
    responses((status = 200, body = AnalysisDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AnalysisUpdateBody>,
) -> Result<Json<AnalysisDetailDto>, AppError> {
    let input = body.input()?;
    service::update_analysis(&state, &principal, id, body.version, &input).await?;
    Ok(Json(
        service::analysis(&state, &principal, id).await?.into(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AnalysisVersionBody {
    /// The analysis's `version` last read; a stale value is refused with 409.
    pub version: i64,
}

/// Approve (fastställ) the analysis as its next version (information owners and heads
/// of operations). It needs at least one risk (`risks`/`no-risks`) and a treatment
/// decided for every risk (`risks`/`untreated-risks`); the version is frozen and kept
/// five years, and the yearly renewal is due a year later.
#[utoipa::path(post, path = "/api/v1/risk-analyses/{id}/approve", tag = "risk", params(("id" = i64, Path)), request_body = AnalysisVersionBody,
    responses((status = 200, body = AnalysisDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AnalysisVersionBody>,
) -> Result<Json<AnalysisDetailDto>, AppError> {
    service::approve_analysis(&state, &principal, id, body.version).await?;
    Ok(Json(
        service::analysis(&state, &principal, id).await?.into(),
    ))
}

/// Start a revision of an approved analysis (those who run analyses): it becomes a
/// draft again, and its approved versions stay as they were.
#[utoipa::path(post, path = "/api/v1/risk-analyses/{id}/revise", tag = "risk", params(("id" = i64, Path)), request_body = AnalysisVersionBody,
    responses((status = 200, body = AnalysisDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn revise(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AnalysisVersionBody>,
) -> Result<Json<AnalysisDetailDto>, AppError> {
    service::revise_analysis(&state, &principal, id, body.version).await?;
    Ok(Json(
        service::analysis(&state, &principal, id).await?.into(),
    ))
}

/// The approved versions of an analysis, newest first.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}/versions", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AnalysisVersionSummaryDto>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn versions(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<AnalysisVersionSummaryDto>>, AppError> {
    let versions = service::versions(&state, &principal, id).await?;
    Ok(Json(
        versions
            .into_iter()
            .map(AnalysisVersionSummaryDto::from)
            .collect(),
    ))
}

/// A risk as it stood in an approved version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotRiskDto {
    #[serde(flatten)]
    pub risk: RiskDto,
    pub systems: Vec<SystemRefDto>,
}

impl From<SnapshotRisk> for SnapshotRiskDto {
    fn from(r: SnapshotRisk) -> Self {
        Self {
            risk: r.risk.into(),
            systems: r.systems.into_iter().map(SystemRefDto::from).collect(),
        }
    }
}

/// A measure handling the analysis's risks, as it stood in an approved version.
#[derive(Debug, Serialize, ToSchema)]
pub struct SnapshotMeasureDto {
    /// `status` is the measure's status on the day the version was approved.
    #[serde(flatten)]
    pub measure: MeasureDto,
    /// The analysis's risks it handles.
    pub risk_ids: Vec<i64>,
    pub systems: Vec<SystemRefDto>,
    pub follow_ups: Vec<FollowUpDto>,
}

impl SnapshotMeasureDto {
    fn new(m: SnapshotMeasure, on: NaiveDate) -> Self {
        Self {
            measure: MeasureDto::on(m.measure, on),
            risk_ids: m.risk_ids,
            systems: m.systems.into_iter().map(SystemRefDto::from).collect(),
            follow_ups: m.follow_ups.into_iter().map(FollowUpDto::from).collect(),
        }
    }
}

/// An analysis as a whole: description, risks and the measures handling them.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisSnapshotDto {
    pub analysis: AnalysisDto,
    pub systems: Vec<SystemRefDto>,
    pub assets: Vec<AssetRefDto>,
    /// By number.
    pub risks: Vec<SnapshotRiskDto>,
    pub measures: Vec<SnapshotMeasureDto>,
}

impl AnalysisSnapshotDto {
    fn new(s: AnalysisSnapshot, on: NaiveDate) -> Self {
        Self {
            analysis: s.analysis.into(),
            systems: s.systems.into_iter().map(SystemRefDto::from).collect(),
            assets: asset_refs(s.assets),
            risks: s.risks.into_iter().map(SnapshotRiskDto::from).collect(),
            measures: s
                .measures
                .into_iter()
                .map(|m| SnapshotMeasureDto::new(m, on))
                .collect(),
        }
    }
}

/// An approved version with the analysis frozen as it was approved.
#[derive(Debug, Serialize, ToSchema)]
pub struct AnalysisVersionDto {
    #[serde(flatten)]
    pub summary: AnalysisVersionSummaryDto,
    pub snapshot: AnalysisSnapshotDto,
}

impl From<AnalysisVersion> for AnalysisVersionDto {
    fn from(v: AnalysisVersion) -> Self {
        let approved_on = v.approved_at.date_naive();
        Self {
            summary: AnalysisVersionSummaryDto {
                number: v.number,
                method_number: v.method_number,
                approved_at: v.approved_at,
                approved_by_label: v.approved_by_label,
                kept_until: v.kept_until,
            },
            snapshot: AnalysisSnapshotDto::new(v.snapshot, approved_on),
        }
    }
}

/// One approved version, frozen: the analysis, its risks and measures as approved.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}/versions/{number}", tag = "risk",
    params(("id" = i64, Path), ("number" = i64, Path)),
    responses((status = 200, body = AnalysisVersionDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn version(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<AnalysisVersionDto>, AppError> {
    let (Ok(id), Ok(number)) = (id.parse(), number.parse()) else {
        return Err(AppError::NotFound);
    };
    Ok(Json(
        service::version(&state, &principal, id, number)
            .await?
            .into(),
    ))
}

/// Add a risk to a draft analysis (those who run analyses). Likelihood and consequence
/// are steps of the method's matrix (`out-of-range` otherwise), each with its reasoning.
#[utoipa::path(post, path = "/api/v1/risk-analyses/{id}/risks", tag = "risk", params(("id" = i64, Path)), request_body = RiskBody,
    responses((status = 201, body = RiskDetailDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_risk(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<RiskBody>,
) -> Result<Response, AppError> {
    let risk = service::create_risk(&state, &principal, id, &body.input()?).await?;
    let detail = service::risk(&state, &principal, risk.id).await?;
    Ok((StatusCode::CREATED, Json(RiskDetailDto::from(detail))).into_response())
}

/// Which file to make of an analysis, in which language, from which version.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// `pdf` (default) or `xlsx`.
    #[serde(default)]
    pub format: Option<String>,
    /// `sv` (default) or `en`.
    #[serde(default)]
    pub lang: Option<String>,
    /// An approved version; without it, the analysis as it is now.
    #[serde(default)]
    pub version: Option<i64>,
}

/// The analysis with its action plan as a PDF or an XLSX workbook.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}/export", tag = "risk", params(("id" = i64, Path), ExportQuery),
    responses((status = 200, description = "application/pdf or an XLSX workbook", content_type = "application/pdf"),
        (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, AppError> {
    use crate::services::risk_export::{self, Edition};
    use tillit_domain::users::Language;
    let language = match query.lang.as_deref() {
        None => Language::Sv,
        Some(code) => {
            Language::parse(code).ok_or_else(|| AppError::invalid("lang", "invalid-choice"))?
        }
    };
    let edition = query.version.map_or(Edition::WorkingCopy, Edition::Version);
    let file = match query.format.as_deref() {
        None | Some("pdf") => risk_export::pdf(&state, &principal, id, edition, language).await?,
        Some("xlsx") => risk_export::xlsx(&state, &principal, id, edition, language).await?,
        Some(_) => return Err(AppError::invalid("format", "invalid-choice")),
    };
    Ok(file.into_response())
}
