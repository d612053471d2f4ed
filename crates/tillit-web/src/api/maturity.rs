//! `/api/v1/maturity-assessments`: maturity self-assessments (C27) on four cumulative
//! levels, answered as drafts, scored automatically and completed.

use std::collections::BTreeMap;

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::maturity::{Answer, AssessmentInput, MaturityFacts, Score};
use tillit_domain::ValidationErrors;
use tillit_store::maturity::Assessment;
use utoipa::ToSchema;

use crate::api::risks::parse_date;
use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::services::maturity as service;
use crate::state::AppState;

/// One answer: met or not, with an optional note.
#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaturityAnswerDto {
    pub met: bool,
    /// At most 2,000 characters.
    #[serde(default)]
    pub note: String,
}

/// The score of one area (an axis of the radar chart).
#[derive(Debug, Serialize, ToSchema)]
pub struct MaturityAreaScoreDto {
    pub area: String,
    /// The level the area's own questions reach, 0–4.
    pub level: u8,
    pub met: usize,
    pub total: usize,
}

/// What to do next: an unmet question of the next level with its advice.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaturityNextStepDto {
    pub question_id: String,
    pub level: u8,
    pub area: String,
    pub text: String,
    pub advice: String,
    pub sources: Vec<String>,
}

/// What tillit's own data suggests for a question, from the figures in `facts`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaturitySuggestionDto {
    pub question_id: String,
    /// `asset_inventory`, `classification_share`, `approved_risk_analyses`,
    /// `incidents_handled`, `risk_method` or `measures_followed_up`.
    pub evidence: String,
    /// Whether the data suggests the question is met.
    pub suggests_met: bool,
}

/// The figures behind the suggestions, for the assessment's scope (the organisation, or
/// the administration's units and the systems holding their information).
#[derive(Debug, Serialize, ToSchema)]
pub struct MaturityFactsDto {
    pub systems: i64,
    pub assets: i64,
    pub classified_systems: i64,
    pub classified_percent: i64,
    pub approved_analyses: i64,
    pub closed_incidents: i64,
    pub risk_method_recorded: bool,
    pub measure_follow_ups: i64,
}

impl From<&MaturityFacts> for MaturityFactsDto {
    fn from(facts: &MaturityFacts) -> Self {
        MaturityFactsDto {
            systems: facts.systems,
            assets: facts.assets,
            classified_systems: facts.classified_systems,
            classified_percent: facts.classified_percent(),
            approved_analyses: facts.approved_analyses,
            closed_incidents: facts.closed_incidents,
            risk_method_recorded: facts.risk_method_recorded,
            measure_follow_ups: facts.measure_follow_ups,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MaturityAssessmentDto {
    pub id: i64,
    /// The administration assessed; empty for the whole organisation.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub title: String,
    pub assessed_on: NaiveDate,
    /// `draft` (utkast) or `completed` (avslutad).
    pub status: String,
    pub answers: BTreeMap<String, MaturityAnswerDto>,
    /// The level reached by the answers, 0–4 (kept as completed once completed).
    pub level: u8,
    pub areas: Vec<MaturityAreaScoreDto>,
    pub answered: usize,
    pub questions: usize,
    pub next_steps: Vec<MaturityNextStepDto>,
    pub suggestions: Vec<MaturitySuggestionDto>,
    pub facts: MaturityFactsDto,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by_label: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// An assessment as listed, without answers.
#[derive(Debug, Serialize, ToSchema)]
pub struct MaturityAssessmentItemDto {
    pub id: i64,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub title: String,
    pub assessed_on: NaiveDate,
    pub status: String,
    pub level: u8,
    pub version: i64,
}

fn item(a: Assessment) -> Result<MaturityAssessmentItemDto, AppError> {
    let score = service::score(&a)?;
    Ok(MaturityAssessmentItemDto {
        level: level_of(&a, &score),
        id: a.id,
        unit_id: a.unit_id,
        unit_name: a.unit_name,
        title: a.title,
        assessed_on: a.assessed_on,
        status: a.status.as_str().to_owned(),
        version: a.version,
    })
}

/// A completed assessment keeps the level it was completed with.
fn level_of(a: &Assessment, score: &Score) -> u8 {
    match a.status.as_str() {
        "completed" => u8::try_from(a.level).unwrap_or(0),
        _ => score.level,
    }
}

/// The assessment as the API gives it, with the suggestions from the data of its scope.
async fn dto(
    state: &AppState,
    principal: &Principal,
    a: Assessment,
) -> Result<MaturityAssessmentDto, AppError> {
    let language = principal.language.unwrap_or_default();
    let facts = service::facts(state, principal, a.unit_id).await?;
    let suggestions = service::suggestions(&facts)?
        .into_iter()
        .map(|(question_id, s)| MaturitySuggestionDto {
            question_id,
            evidence: s.evidence.as_str().to_owned(),
            suggests_met: s.met,
        })
        .collect();
    let content = service::content()?;
    let score = service::score(&a)?;
    let next_steps = score
        .next_steps
        .iter()
        .filter_map(|id| content.question(id))
        .map(|q| MaturityNextStepDto {
            question_id: q.id.clone(),
            level: q.level,
            area: q.area.clone(),
            text: q.text.in_language(language).to_owned(),
            advice: q.advice.in_language(language).to_owned(),
            sources: q.sources.clone(),
        })
        .collect();
    Ok(MaturityAssessmentDto {
        level: level_of(&a, &score),
        areas: score
            .areas
            .iter()
            .map(|s| MaturityAreaScoreDto {
                area: s.area.clone(),
                level: s.level,
                met: s.met,
                total: s.total,
            })
            .collect(),
        answered: score.answered,
        questions: score.total,
        next_steps,
        suggestions,
        facts: MaturityFactsDto::from(&facts),
        id: a.id,
        unit_id: a.unit_id,
        unit_name: a.unit_name,
        title: a.title,
        assessed_on: a.assessed_on,
        status: a.status.as_str().to_owned(),
        answers: a
            .answers
            .into_iter()
            .map(|(id, answer)| {
                (
                    id,
                    MaturityAnswerDto {
                        met: answer.met,
                        note: answer.note,
                    },
                )
            })
            .collect(),
        completed_at: a.completed_at,
        completed_by_label: a.completed_by_label,
        version: a.version,
        created_at: a.created_at,
        updated_at: a.updated_at,
    })
}

/// The organisation's assessments, newest first.
#[utoipa::path(get, path = "/api/v1/maturity-assessments", tag = "maturity", params(Paging),
    responses((status = 200, body = ListResponse<MaturityAssessmentItemDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Query(paging): Query<Paging>,
) -> Result<Json<ListResponse<MaturityAssessmentItemDto>>, AppError> {
    let request = paging.request()?;
    let page = service::list(&state, &principal, request).await?;
    let items = page
        .items
        .into_iter()
        .map(item)
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Json(ListResponse {
        items,
        page: request.page,
        per_page: request.per_page,
        total: page.total,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewMaturityAssessmentBody {
    /// Required, at most 200 characters.
    pub title: String,
    /// `YYYY-MM-DD`; today when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub assessed_on: Option<String>,
    /// An administration (a top-level unit); leave out for the whole organisation.
    #[serde(default)]
    pub unit_id: Option<i64>,
}

/// Start a draft assessment (administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/maturity-assessments", tag = "maturity", request_body = NewMaturityAssessmentBody,
    responses((status = 201, body = MaturityAssessmentDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<NewMaturityAssessmentBody>,
) -> Result<Response, AppError> {
    let mut errors = ValidationErrors::new();
    let assessed_on = parse_date(&mut errors, "assessed_on", body.assessed_on.as_deref());
    errors.finish(())?;
    let input = AssessmentInput {
        title: &body.title,
        assessed_on,
        unit_id: body.unit_id,
    };
    let created = service::create(&state, &principal, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(dto(&state, &principal, created).await?),
    )
        .into_response())
}

/// One assessment with its score, per-area results and next steps.
#[utoipa::path(get, path = "/api/v1/maturity-assessments/{id}", tag = "maturity",
    responses((status = 200, body = MaturityAssessmentDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<MaturityAssessmentDto>, AppError> {
    let assessment = service::get(&state, &principal, id).await?;
    Ok(Json(dto(&state, &principal, assessment).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MaturityAnswersBody {
    /// Every answer by question id; questions left out count as not answered.
    pub answers: BTreeMap<String, MaturityAnswerDto>,
    /// The version last read; a stale version is refused with 409.
    pub version: i64,
}

/// Replace the answers of a draft. A completed assessment is refused on `status`.
#[utoipa::path(put, path = "/api/v1/maturity-assessments/{id}", tag = "maturity", request_body = MaturityAnswersBody,
    responses((status = 200, body = MaturityAssessmentDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<MaturityAnswersBody>,
) -> Result<Json<MaturityAssessmentDto>, AppError> {
    let answers: BTreeMap<String, Answer> = body
        .answers
        .into_iter()
        .map(|(id, a)| {
            (
                id,
                Answer {
                    met: a.met,
                    note: a.note,
                },
            )
        })
        .collect();
    let saved = service::save_answers(&state, &principal, id, body.version, &answers).await?;
    Ok(Json(dto(&state, &principal, saved).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteAssessmentBody {
    pub version: i64,
}

/// Complete a draft: its level is fixed and it no longer changes.
#[utoipa::path(post, path = "/api/v1/maturity-assessments/{id}/complete", tag = "maturity", request_body = CompleteAssessmentBody,
    responses((status = 200, body = MaturityAssessmentDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn complete(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CompleteAssessmentBody>,
) -> Result<Json<MaturityAssessmentDto>, AppError> {
    let completed = service::complete(&state, &principal, id, body.version).await?;
    Ok(Json(dto(&state, &principal, completed).await?))
}
