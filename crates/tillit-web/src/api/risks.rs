//! `/api/v1/risks` and `/api/v1/risk-overview`: the risks of every analysis (8 § 1–4)
//! with their treatment (9 §), and what management sees: the heat map, the largest
//! risks and serious risks without a decided treatment.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::risk::{
    MeasureStatus, RiskInput, RiskLevel, RiskStatus, Treatment, TreatmentInput,
};
use tillit_domain::ValidationErrors;
use tillit_store::risk::{HeatCell, Risk, RiskFilter, RiskListItem, RiskMeasure};
use utoipa::{IntoParams, ToSchema};

use crate::api::risk_methods::MatrixDto;
use crate::api::systems::SystemRefDto;
use crate::api::{ListResponse, Paging, Problem, VersionParam};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::filter_params::choice;
use crate::services::risk::{self as service, RiskDetail};
use crate::state::AppState;

/// Parses an optional `YYYY-MM-DD` date, noting `invalid-date` on the field.
pub(crate) fn parse_date(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
) -> Option<NaiveDate> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map_err(|_| errors.add(field, "invalid-date"))
            .ok(),
    }
}

/// A risk in an analysis.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskDto {
    pub id: i64,
    /// `R` and its number in the analysis, e.g. `R3`.
    pub designation: String,
    /// Numbered from 1 within the analysis.
    pub number: i64,
    pub analysis_id: i64,
    pub analysis_designation: String,
    pub analysis_title: String,
    /// `draft` or `approved`; the risks of an approved analysis cannot be changed.
    pub analysis_status: String,
    /// The analysis's unit; empty when it belongs to the organisation itself.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub title: String,
    pub description: String,
    pub threat: String,
    pub vulnerability: String,
    /// A step of the method's likelihood scale, from 1.
    pub likelihood: i64,
    pub likelihood_reason: String,
    /// A step of the method's consequence scale, from 1.
    pub consequence: i64,
    pub consequence_reason: String,
    /// `low`, `medium`, `high` or `very_high`, from the matrix.
    pub level: String,
    /// The expected position once its measures are done (the best any measure promises).
    pub residual_likelihood: Option<i64>,
    pub residual_consequence: Option<i64>,
    pub residual_level: Option<String>,
    /// `eliminate`, `reduce` or `accept`; empty until decided.
    pub treatment: Option<String>,
    pub justification: String,
    pub decided_by_label: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    /// `open`, `in_treatment` or `handled`.
    pub status: String,
    /// When it was first handled; a handled risk is kept as history.
    pub handled_at: Option<DateTime<Utc>>,
    /// The sector catalogue risk it was started from.
    pub catalogue_id: Option<String>,
    /// Send back on changes; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Risk> for RiskDto {
    fn from(r: Risk) -> Self {
        Self {
            id: r.id,
            designation: r.designation(),
            number: r.number,
            analysis_id: r.analysis_id,
            analysis_designation: r.analysis_designation,
            analysis_title: r.analysis_title,
            analysis_status: r.analysis_status,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            title: r.title,
            description: r.description,
            threat: r.threat,
            vulnerability: r.vulnerability,
            likelihood: r.likelihood,
            likelihood_reason: r.likelihood_reason,
            consequence: r.consequence,
            consequence_reason: r.consequence_reason,
            level: r.level,
            residual_likelihood: r.residual_likelihood,
            residual_consequence: r.residual_consequence,
            residual_level: r.residual_level,
            treatment: r.treatment,
            justification: r.treatment_reason,
            decided_by_label: r.decided_by_label,
            decided_at: r.decided_at,
            status: r.status,
            handled_at: r.handled_at,
            catalogue_id: r.catalogue_id,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A risk as the list shows it; its texts and reasoning are in `GET /api/v1/risks/{id}`.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskListItemDto {
    pub id: i64,
    /// `R` and its number in the analysis, e.g. `R3`.
    pub designation: String,
    pub analysis_id: i64,
    pub analysis_designation: String,
    pub analysis_title: String,
    /// `draft` or `approved`.
    pub analysis_status: String,
    /// The analysis's unit; empty when it belongs to the organisation itself.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub title: String,
    pub likelihood: i64,
    pub consequence: i64,
    /// `low`, `medium`, `high` or `very_high`, from the matrix.
    pub level: String,
    /// The expected level once its measures are done.
    pub residual_level: Option<String>,
    /// `eliminate`, `reduce` or `accept`; empty until decided.
    pub treatment: Option<String>,
    /// `open`, `in_treatment` or `handled`.
    pub status: String,
    /// How many register entries it affects.
    pub system_count: i64,
    /// How many measures address it.
    pub measure_count: i64,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl RiskListItemDto {
    /// A risk of a list kept in the cache.
    fn of_listed(r: &RiskListItem) -> Self {
        Self::from(r.clone())
    }
}

impl From<RiskListItem> for RiskListItemDto {
    fn from(r: RiskListItem) -> Self {
        Self {
            id: r.id,
            designation: r.designation(),
            analysis_id: r.analysis_id,
            analysis_designation: r.analysis_designation,
            analysis_title: r.analysis_title,
            analysis_status: r.analysis_status,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            title: r.title,
            likelihood: r.likelihood,
            consequence: r.consequence,
            level: r.level,
            residual_level: r.residual_level,
            treatment: r.treatment,
            status: r.status,
            system_count: r.system_count,
            measure_count: r.measure_count,
            version: r.version,
            updated_at: r.updated_at,
        }
    }
}

/// A measure addressing a risk, briefly.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskMeasureDto {
    pub id: i64,
    pub designation: String,
    pub title: String,
    pub planned_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// `planned`, `late` or `done`.
    pub status: String,
    pub residual_level: Option<String>,
}

impl From<RiskMeasure> for RiskMeasureDto {
    fn from(m: RiskMeasure) -> Self {
        Self {
            status: MeasureStatus::of(m.planned_on, m.done_on, service::today())
                .as_str()
                .to_owned(),
            id: m.id,
            designation: m.designation,
            title: m.title,
            planned_on: m.planned_on,
            done_on: m.done_on,
            residual_level: m.residual_level,
        }
    }
}

/// A risk with the systems it affects and the measures addressing it.
#[derive(Debug, Serialize, ToSchema)]
pub struct RiskDetailDto {
    #[serde(flatten)]
    pub risk: RiskDto,
    pub systems: Vec<SystemRefDto>,
    pub measures: Vec<RiskMeasureDto>,
}

impl From<RiskDetail> for RiskDetailDto {
    fn from(d: RiskDetail) -> Self {
        Self {
            risk: d.risk.into(),
            systems: d.systems.into_iter().map(SystemRefDto::from).collect(),
            measures: d.measures.into_iter().map(RiskMeasureDto::from).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RiskQuery {
    pub analysis_id: Option<i64>,
    /// The analysis's unit or any unit below it.
    pub unit_id: Option<i64>,
    /// `low`, `medium`, `high` or `very_high`.
    pub level: Option<String>,
    /// `open`, `in_treatment` or `handled`.
    pub status: Option<String>,
    /// Risks affecting this register entry.
    pub system_id: Option<i64>,
    /// Title or reference (e.g. `RA-0003 R2`) contains (case-insensitive).
    pub q: Option<String>,
    /// Only high and very high risks with no treatment decided.
    pub serious_untreated: Option<bool>,
    /// Only risks not yet handled (open or in treatment).
    pub unhandled: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl RiskQuery {
    fn filter(&self) -> Result<RiskFilter, AppError> {
        Ok(RiskFilter {
            analysis_id: self.analysis_id,
            unit_id: self.unit_id,
            level: choice("level", self.level.as_deref(), RiskLevel::parse)?,
            status: choice("status", self.status.as_deref(), RiskStatus::parse)?,
            system_id: self.system_id,
            search: self.q.clone().filter(|q| !q.trim().is_empty()),
            serious_untreated: self.serious_untreated.unwrap_or(false),
            unhandled: self.unhandled.unwrap_or(false),
            ..RiskFilter::default()
        })
    }
}

/// List the risks of the analyses the caller reaches, largest first, filtered and
/// paginated. Each item is brief; the full risk is `GET /api/v1/risks/{id}`.
#[utoipa::path(get, path = "/api/v1/risks", tag = "risk", params(RiskQuery),
    responses((status = 200, body = ListResponse<RiskListItemDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<RiskQuery>,
) -> Result<Json<ListResponse<RiskListItemDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = query.filter()?;
    let page =
        service::risk_list_page(&state, &principal, &filter, paging.limit(), paging.offset())
            .await?;
    Ok(Json(ListResponse::borrowed(
        &page,
        paging,
        RiskListItemDto::of_listed,
    )))
}

/// One risk with the systems it affects and the measures addressing it.
#[utoipa::path(get, path = "/api/v1/risks/{id}", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = RiskDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<RiskDetailDto>, AppError> {
    Ok(Json(service::risk(&state, &principal, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskBody {
    /// Required, at most 200 characters.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// What could happen (hot).
    pub threat: String,
    /// What makes it possible (sårbarhet).
    pub vulnerability: String,
    /// A step of the method's likelihood scale, from 1.
    pub likelihood: Option<i64>,
    /// Why this likelihood; required.
    #[serde(default)]
    pub likelihood_reason: String,
    /// A step of the method's consequence scale, from 1.
    pub consequence: Option<i64>,
    /// Why this consequence; required.
    #[serde(default)]
    pub consequence_reason: String,
    /// Register entries the risk affects.
    #[serde(default)]
    pub system_ids: Vec<i64>,
    /// The sector catalogue risk it starts from (see `/api/v1/risk-catalogue`).
    #[serde(default)]
    pub catalogue_id: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskUpdateBody {
    /// Required, at most 200 characters.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// What could happen (hot).
    pub threat: String,
    /// What makes it possible (sårbarhet).
    pub vulnerability: String,
    /// A step of the method's likelihood scale, from 1.
    pub likelihood: Option<i64>,
    /// Why this likelihood; required.
    #[serde(default)]
    pub likelihood_reason: String,
    /// A step of the method's consequence scale, from 1.
    pub consequence: Option<i64>,
    /// Why this consequence; required.
    #[serde(default)]
    pub consequence_reason: String,
    /// Register entries the risk affects.
    #[serde(default)]
    pub system_ids: Vec<i64>,
    /// The sector catalogue risk it starts from (see `/api/v1/risk-catalogue`).
    #[serde(default)]
    pub catalogue_id: Option<String>,
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
}

/// A catalogue id must name a risk of the sector catalogue.
fn catalogue_id(value: Option<&str>) -> Result<Option<&str>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(id) if service::content()?.catalogue_risk(id).is_some() => Ok(Some(id)),
        Some(_) => Err(AppError::invalid("catalogue_id", "unknown-reference")),
    }
}

impl RiskBody {
    pub(crate) fn input(&self) -> Result<RiskInput<'_>, AppError> {
        Ok(RiskInput {
            title: &self.title,
            description: &self.description,
            threat: &self.threat,
            vulnerability: &self.vulnerability,
            consequence: self.consequence,
            consequence_reason: &self.consequence_reason,
            likelihood: self.likelihood,
            likelihood_reason: &self.likelihood_reason,
            system_ids: &self.system_ids,
            catalogue_id: catalogue_id(self.catalogue_id.as_deref())?,
        })
    }
}

impl RiskUpdateBody {
    fn input(&self) -> Result<RiskInput<'_>, AppError> {
        Ok(RiskInput {
            title: &self.title,
            description: &self.description,
            threat: &self.threat,
            vulnerability: &self.vulnerability,
            consequence: self.consequence,
            consequence_reason: &self.consequence_reason,
            likelihood: self.likelihood,
            likelihood_reason: &self.likelihood_reason,
            system_ids: &self.system_ids,
            catalogue_id: catalogue_id(self.catalogue_id.as_deref())?,
        })
    }
}

/// Change a risk's description and assessments (those who run analyses). The risks of
/// an approved analysis are refused on `analysis` (`frozen`) until a revision starts;
/// a stale `version` is refused with 409.
#[utoipa::path(put, path = "/api/v1/risks/{id}", tag = "risk", params(("id" = i64, Path)), request_body = RiskUpdateBody,
    responses((status = 200, body = RiskDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<RiskUpdateBody>,
) -> Result<Json<RiskDetailDto>, AppError> {
    let input = body.input()?;
    service::update_risk(&state, &principal, id, body.version, &input).await?;
    Ok(Json(service::risk(&state, &principal, id).await?.into()))
}

/// Remove a risk of an analysis being worked on. A handled risk, or one a done measure
/// addresses, is kept as history and refused on `risk`.
#[utoipa::path(delete, path = "/api/v1/risks/{id}", tag = "risk", params(("id" = i64, Path), VersionParam),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<VersionParam>,
) -> Result<StatusCode, AppError> {
    service::delete_risk(&state, &principal, id, query.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TreatmentBody {
    /// `eliminate`, `reduce` or `accept`; only an information owner may accept.
    #[serde(default)]
    pub treatment: String,
    /// Why; required.
    #[serde(default)]
    pub justification: String,
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
}

/// Decide how a risk is treated (9 §). Accepting a risk is the information owner's
/// decision; anyone else is refused on `treatment` (`accept-needs-owner`).
#[utoipa::path(post, path = "/api/v1/risks/{id}/treatment", tag = "risk", params(("id" = i64, Path)), request_body = TreatmentBody,
    responses((status = 200, body = RiskDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn decide_treatment(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<TreatmentBody>,
) -> Result<Json<RiskDetailDto>, AppError> {
    let input = TreatmentInput {
        treatment: choice("treatment", Some(&body.treatment), Treatment::parse)?,
        justification: &body.justification,
    };
    service::decide_treatment(&state, &principal, id, body.version, &input).await?;
    Ok(Json(service::risk(&state, &principal, id).await?.into()))
}

/// The number of risks at one position of the matrix.
#[derive(Debug, Serialize, ToSchema)]
pub struct HeatCellDto {
    pub likelihood: i64,
    pub consequence: i64,
    pub count: i64,
}

impl From<HeatCell> for HeatCellDto {
    fn from(c: HeatCell) -> Self {
        Self {
            likelihood: c.likelihood,
            consequence: c.consequence,
            count: c.count,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct HeatMapDto {
    /// Where the risks are as assessed; positions without risks are left out.
    pub current: Vec<HeatCellDto>,
    /// Where they are expected to be once their measures are done.
    pub residual: Vec<HeatCellDto>,
}

/// A large risk and the measures reducing it.
#[derive(Debug, Serialize, ToSchema)]
pub struct LargeRiskDto {
    #[serde(flatten)]
    pub risk: RiskDto,
    pub measures: Vec<RiskMeasureDto>,
}

/// What management sees.
#[derive(Debug, Serialize, ToSchema)]
pub struct OverviewDto {
    /// The matrix in force.
    pub matrix: MatrixDto,
    pub heat_map: HeatMapDto,
    /// The five largest risks still being dealt with, largest first.
    pub largest: Vec<LargeRiskDto>,
    /// High and very high risks with no treatment decided, largest first (at most 50).
    pub serious_untreated: Vec<RiskDto>,
    /// How many serious risks have no treatment decided in all.
    pub serious_untreated_total: i64,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// One unit and the units below it; the whole organisation when empty.
    pub unit_id: Option<i64>,
}

/// The heat map of current and expected residual risk, the largest risks and the
/// serious risks without a decided treatment, for the organisation or one unit.
#[utoipa::path(get, path = "/api/v1/risk-overview", tag = "risk", params(OverviewQuery),
    responses((status = 200, body = OverviewDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn overview(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<OverviewQuery>,
) -> Result<Json<OverviewDto>, AppError> {
    let overview = service::overview(&state, &principal, query.unit_id).await?;
    Ok(Json(OverviewDto {
        matrix: MatrixDto::from(&overview.matrix),
        heat_map: HeatMapDto {
            current: overview
                .heat_map
                .current
                .into_iter()
                .map(HeatCellDto::from)
                .collect(),
            residual: overview
                .heat_map
                .residual
                .into_iter()
                .map(HeatCellDto::from)
                .collect(),
        },
        largest: overview
            .largest
            .into_iter()
            .map(|large| LargeRiskDto {
                risk: large.risk.into(),
                measures: large
                    .measures
                    .into_iter()
                    .map(RiskMeasureDto::from)
                    .collect(),
            })
            .collect(),
        serious_untreated_total: overview.serious_untreated.total,
        serious_untreated: overview
            .serious_untreated
            .items
            .into_iter()
            .map(RiskDto::from)
            .collect(),
    }))
}
