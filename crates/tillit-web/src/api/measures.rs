//! `/api/v1/measures`: the action plan (9 §). Each measure carries the ten items — the
//! risks it handles, the systems it affects, its kind and function, why it was chosen,
//! the expected residual risk, who is responsible, the planned and actual completion and
//! a note when done early — and is followed up yearly.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::risk::{
    FollowUpInput, MeasureCategory, MeasureFunction, MeasureInput, MeasureStatus,
};
use tillit_domain::ValidationErrors;
use tillit_store::risk::{FollowUp, Measure, MeasureFilter};
use utoipa::{IntoParams, ToSchema};

use crate::api::risks::{parse_date, RiskDto};
use crate::api::systems::SystemRefDto;
use crate::api::{ListResponse, Paging, Problem, VersionParam};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::filter_params::{choice, year_dates};
use crate::services::risk::{self as service, MeasureDetail};
use crate::state::AppState;

/// The unmet protection requirement a measure comes from.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureSourceDto {
    /// The classified object (see `/api/v1/classifications/{id}`).
    pub object_id: i64,
    pub requirement_code: String,
}

/// A measure of the action plan, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureDto {
    pub id: i64,
    /// Unique in the organisation and never reused, e.g. `ÅT-0007`.
    pub designation: String,
    pub title: String,
    pub description: String,
    /// Why this measure was chosen.
    pub reason: String,
    /// `organisational`, `personnel`, `physical` or `technical`.
    pub category: String,
    /// `preventive`, `detective` or `corrective`.
    pub function: String,
    /// The expected position once done.
    pub residual_likelihood: Option<i64>,
    pub residual_consequence: Option<i64>,
    pub residual_level: Option<String>,
    pub responsible_id: i64,
    pub responsible_name: String,
    pub planned_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    /// Why it was done before the planned date.
    pub done_note: String,
    pub source: Option<MeasureSourceDto>,
    /// `planned`, `late` (the planned date has passed) or `done`.
    pub status: String,
    /// How many risks it handles.
    pub risk_count: i64,
    /// Send back on changes; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl MeasureDto {
    /// The measure with its status on `today`.
    pub fn on(m: Measure, today: NaiveDate) -> Self {
        Self {
            status: m.status(today).as_str().to_owned(),
            source: m.source_object_id.zip(m.source_requirement_code).map(
                |(object_id, requirement_code)| MeasureSourceDto {
                    object_id,
                    requirement_code,
                },
            ),
            id: m.id,
            designation: m.designation,
            title: m.title,
            description: m.description,
            reason: m.reason,
            category: m.category,
            function: m.function,
            residual_likelihood: m.residual_likelihood,
            residual_consequence: m.residual_consequence,
            residual_level: m.residual_level,
            responsible_id: m.responsible_id,
            responsible_name: m.responsible_name,
            planned_on: m.planned_on,
            done_on: m.done_on,
            done_note: m.done_note,
            risk_count: m.risk_count,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        }
    }
}

impl From<Measure> for MeasureDto {
    fn from(m: Measure) -> Self {
        MeasureDto::on(m, service::today())
    }
}

/// One yearly follow-up of a measure, never changed afterwards.
#[derive(Debug, Serialize, ToSchema)]
pub struct FollowUpDto {
    pub id: i64,
    pub measure_id: i64,
    pub year: i64,
    /// What the measure achieved.
    pub effect: String,
    /// Whether the measure is still relevant.
    pub still_valid: bool,
    pub next_step: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by_label: String,
}

impl From<FollowUp> for FollowUpDto {
    fn from(f: FollowUp) -> Self {
        Self {
            id: f.id,
            measure_id: f.measure_id,
            year: f.year,
            effect: f.effect,
            still_valid: f.still_valid,
            next_step: f.next_step,
            recorded_at: f.recorded_at,
            recorded_by_label: f.recorded_by_label,
        }
    }
}

/// A measure with the risks it handles, the systems it affects and its follow-ups.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeasureDetailDto {
    #[serde(flatten)]
    pub measure: MeasureDto,
    pub risks: Vec<RiskDto>,
    pub systems: Vec<SystemRefDto>,
    /// Latest year first.
    pub follow_ups: Vec<FollowUpDto>,
}

impl From<MeasureDetail> for MeasureDetailDto {
    fn from(d: MeasureDetail) -> Self {
        Self {
            measure: d.measure.into(),
            risks: d.risks.into_iter().map(RiskDto::from).collect(),
            systems: d.systems.into_iter().map(SystemRefDto::from).collect(),
            follow_ups: d.follow_ups.into_iter().map(FollowUpDto::from).collect(),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeasureQuery {
    /// `planned`, `late` or `done`.
    pub status: Option<String>,
    pub responsible_id: Option<i64>,
    /// Measures handling this risk.
    pub risk_id: Option<i64>,
    /// Measures handling risks of this analysis.
    pub analysis_id: Option<i64>,
    /// Measures affecting this register entry.
    pub system_id: Option<i64>,
    /// Measures handling risks of analyses of this unit or a unit below it.
    pub unit_id: Option<i64>,
    /// Only measures done in this year.
    pub done_year: Option<i32>,
    /// Title or designation (e.g. `ÅT-0012`) contains (case-insensitive).
    pub q: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl MeasureQuery {
    fn filter(&self) -> Result<MeasureFilter, AppError> {
        Ok(MeasureFilter {
            status: choice("status", self.status.as_deref(), MeasureStatus::parse)?,
            responsible_id: self.responsible_id,
            risk_id: self.risk_id,
            analysis_id: self.analysis_id,
            system_id: self.system_id,
            unit_id: self.unit_id,
            done_in: year_dates("done_year", self.done_year)?,
            search: self.q.clone().filter(|q| !q.trim().is_empty()),
            ..MeasureFilter::on(service::today())
        })
    }
}

/// List the action plan: measures not done first, by planned date; filtered and paginated.
#[utoipa::path(get, path = "/api/v1/measures", tag = "risk", params(MeasureQuery),
    responses((status = 200, body = ListResponse<MeasureDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<MeasureQuery>,
) -> Result<Json<ListResponse<MeasureDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = query.filter()?;
    let page = service::list_measures(&state, &principal, &filter, paging.limit(), paging.offset())
        .await?;
    Ok(Json(ListResponse::new(page, paging, MeasureDto::from)))
}

/// One measure with its risks, systems and follow-ups.
#[utoipa::path(get, path = "/api/v1/measures/{id}", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = MeasureDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<MeasureDetailDto>, AppError> {
    Ok(Json(service::measure(&state, &principal, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureSourceBody {
    /// The classified object whose requirement is unmet.
    pub object_id: i64,
    pub requirement_code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureBody {
    /// Required, at most 200 characters.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Why this measure was chosen; required.
    #[serde(default)]
    pub reason: String,
    /// `organisational`, `personnel`, `physical` or `technical`.
    #[serde(default)]
    pub category: String,
    /// `preventive`, `detective` or `corrective`.
    #[serde(default)]
    pub function: String,
    /// The risks it handles; required unless it comes from an unmet requirement.
    #[serde(default)]
    pub risk_ids: Vec<i64>,
    /// Register entries it affects.
    #[serde(default)]
    pub system_ids: Vec<i64>,
    /// The expected likelihood once done, a step of the matrix; required with risks.
    #[serde(default)]
    pub residual_likelihood: Option<i64>,
    /// The expected consequence once done, a step of the matrix; required with risks.
    #[serde(default)]
    pub residual_consequence: Option<i64>,
    /// Who carries it out, a user of the organisation.
    #[serde(default)]
    pub responsible_id: Option<i64>,
    /// `YYYY-MM-DD`; required.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub planned_on: Option<String>,
    /// `YYYY-MM-DD`, not in the future; once set, a measure stays done.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub done_on: Option<String>,
    /// Required when `done_on` lies before `planned_on`.
    #[serde(default)]
    pub done_note: String,
    /// The unmet protection requirement it comes from.
    #[serde(default)]
    pub source: Option<MeasureSourceBody>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureUpdateBody {
    /// Required, at most 200 characters.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// Why this measure was chosen; required.
    #[serde(default)]
    pub reason: String,
    /// `organisational`, `personnel`, `physical` or `technical`.
    #[serde(default)]
    pub category: String,
    /// `preventive`, `detective` or `corrective`.
    #[serde(default)]
    pub function: String,
    /// The risks it handles; required unless it comes from an unmet requirement.
    #[serde(default)]
    pub risk_ids: Vec<i64>,
    /// Register entries it affects.
    #[serde(default)]
    pub system_ids: Vec<i64>,
    /// The expected likelihood once done, a step of the matrix; required with risks.
    #[serde(default)]
    pub residual_likelihood: Option<i64>,
    /// The expected consequence once done, a step of the matrix; required with risks.
    #[serde(default)]
    pub residual_consequence: Option<i64>,
    /// Who carries it out, a user of the organisation.
    #[serde(default)]
    pub responsible_id: Option<i64>,
    /// `YYYY-MM-DD`; required.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub planned_on: Option<String>,
    /// `YYYY-MM-DD`, not in the future; a done measure cannot be made not done.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub done_on: Option<String>,
    /// Required when `done_on` lies before `planned_on`.
    #[serde(default)]
    pub done_note: String,
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
}

/// The choices and dates of a measure body, each refused by field name.
struct Parsed {
    category: Option<MeasureCategory>,
    function: Option<MeasureFunction>,
    planned_on: Option<NaiveDate>,
    done_on: Option<NaiveDate>,
}

fn parse(
    category: &str,
    function: &str,
    planned_on: Option<&str>,
    done_on: Option<&str>,
) -> Result<Parsed, AppError> {
    let mut errors = ValidationErrors::new();
    let mut choice = |field: &str, value: &str, known: bool| {
        if !value.trim().is_empty() && !known {
            errors.add(field, "invalid-choice");
        }
    };
    let category_value = MeasureCategory::parse(category.trim());
    let function_value = MeasureFunction::parse(function.trim());
    choice("category", category, category_value.is_some());
    choice("function", function, function_value.is_some());
    let planned_on = parse_date(&mut errors, "planned_on", planned_on);
    let done_on = parse_date(&mut errors, "done_on", done_on);
    Ok(errors.finish(Parsed {
        category: category_value,
        function: function_value,
        planned_on,
        done_on,
    })?)
}

impl MeasureBody {
    pub(crate) fn input(&self) -> Result<MeasureInput<'_>, AppError> {
        let parsed = parse(
            &self.category,
            &self.function,
            self.planned_on.as_deref(),
            self.done_on.as_deref(),
        )?;
        Ok(MeasureInput {
            title: &self.title,
            description: &self.description,
            reason: &self.reason,
            category: parsed.category,
            function: parsed.function,
            risk_ids: &self.risk_ids,
            system_ids: &self.system_ids,
            residual_likelihood: self.residual_likelihood,
            residual_consequence: self.residual_consequence,
            responsible_id: self.responsible_id,
            planned_on: parsed.planned_on,
            done_on: parsed.done_on,
            done_note: &self.done_note,
            source: self
                .source
                .as_ref()
                .map(|s| (s.object_id, s.requirement_code.as_str())),
        })
    }
}

impl MeasureUpdateBody {
    fn input<'a>(&'a self, source: Option<(i64, &'a str)>) -> Result<MeasureInput<'a>, AppError> {
        let parsed = parse(
            &self.category,
            &self.function,
            self.planned_on.as_deref(),
            self.done_on.as_deref(),
        )?;
        Ok(MeasureInput {
            title: &self.title,
            description: &self.description,
            reason: &self.reason,
            category: parsed.category,
            function: parsed.function,
            risk_ids: &self.risk_ids,
            system_ids: &self.system_ids,
            residual_likelihood: self.residual_likelihood,
            residual_consequence: self.residual_consequence,
            responsible_id: self.responsible_id,
            planned_on: parsed.planned_on,
            done_on: parsed.done_on,
            done_note: &self.done_note,
            source,
        })
    }
}

/// Add a measure to the action plan (those who run analyses). The risks it handles get
/// the best residual position any of their measures promises.
#[utoipa::path(post, path = "/api/v1/measures", tag = "risk", request_body = MeasureBody,
    responses((status = 201, body = MeasureDetailDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<MeasureBody>,
) -> Result<Response, AppError> {
    let measure = service::create_measure(&state, &principal, &body.input()?).await?;
    let detail = service::measure(&state, &principal, measure.id).await?;
    Ok((StatusCode::CREATED, Json(MeasureDetailDto::from(detail))).into_response())
}

/// Change a measure, e.g. record that it is done (those who run analyses). A done
/// measure stays done (`done_on`/`done-kept`); the requirement it comes from never
/// changes. A stale `version` is refused with 409.
#[utoipa::path(put, path = "/api/v1/measures/{id}", tag = "risk", params(("id" = i64, Path)), request_body = MeasureUpdateBody,
    responses((status = 200, body = MeasureDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<MeasureUpdateBody>,
) -> Result<Json<MeasureDetailDto>, AppError> {
    let current = service::measure(&state, &principal, id).await?.measure;
    let source = current
        .source_object_id
        .zip(current.source_requirement_code.as_deref());
    let input = body.input(source)?;
    service::update_measure(&state, &principal, id, body.version, &input).await?;
    Ok(Json(service::measure(&state, &principal, id).await?.into()))
}

/// Remove a measure that is neither done (`measure`/`done-kept`) nor followed up
/// (`measure`/`followed-up-kept`).
#[utoipa::path(delete, path = "/api/v1/measures/{id}", tag = "risk", params(("id" = i64, Path), VersionParam),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<VersionParam>,
) -> Result<StatusCode, AppError> {
    service::delete_measure(&state, &principal, id, query.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FollowUpBody {
    /// The year followed up: this year or an earlier one since 2000.
    #[serde(default)]
    pub year: Option<i32>,
    /// What the measure achieved; required.
    #[serde(default)]
    pub effect: String,
    /// Whether the measure is still relevant.
    pub still_valid: bool,
    /// What happens next; required when it is no longer relevant.
    #[serde(default)]
    pub next_step: String,
}

/// Record the yearly follow-up and evaluation of a measure (those who run analyses).
#[utoipa::path(post, path = "/api/v1/measures/{id}/follow-ups", tag = "risk", params(("id" = i64, Path)), request_body = FollowUpBody,
    responses((status = 201, body = FollowUpDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn record_follow_up(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<FollowUpBody>,
) -> Result<Response, AppError> {
    let input = FollowUpInput {
        year: body.year,
        effect: &body.effect,
        still_valid: body.still_valid,
        next_step: &body.next_step,
    };
    let follow_up = service::record_follow_up(&state, &principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(FollowUpDto::from(follow_up))).into_response())
}
