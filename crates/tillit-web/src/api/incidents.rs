//! `/api/v1/incidents` and `/api/v1/incident-clocks`: the one intake (also for the IT
//! service desk), the cases with their tracks, obligations and timeline, each role's
//! assessment, submitting reports and closing.

use std::collections::BTreeMap;

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::incident::{
    Category, ClockState, DeviationAssessmentInput, IntakeInput, Track, TrackAssessmentInput,
    TrackStatus,
};
use tillit_domain::ValidationErrors;
use tillit_store::incidents::{
    Entry, Incident, IncidentFilter, IncidentRow, Obligation, OpenClock, Reported, TrackRecord,
};
use utoipa::{IntoParams, ToSchema};

use crate::api::systems::SystemRefDto;
use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::filter_params::{choice, year_dates, year_times};
use crate::services::incidents::{self as service, SubmissionInput};
use crate::state::AppState;

/// Parses an optional RFC 3339 time, noting `invalid-time` on the field.
fn parse_time(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<&str>,
) -> Option<DateTime<Utc>> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => None,
        Some(v) => DateTime::parse_from_rfc3339(v)
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| errors.add(field, "invalid-time"))
            .ok(),
    }
}

/// A case in a list.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentRowDto {
    pub id: i64,
    /// E.g. `AVV-0042`.
    pub designation: String,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    /// `open` or `closed`.
    pub status: String,
    pub category: Option<String>,
    pub discovered_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub assessed: bool,
    /// Status per track the case runs on, by track.
    pub tracks: BTreeMap<String, String>,
    /// The earliest due time of a report not yet submitted.
    pub next_due: Option<DateTime<Utc>>,
}

impl From<IncidentRow> for IncidentRowDto {
    fn from(r: IncidentRow) -> Self {
        let tracks = [
            (Track::Cybersecurity, r.cybersecurity),
            (Track::PersonalData, r.personal_data),
            (Track::PatientSafety, r.patient_safety),
        ]
        .into_iter()
        .filter_map(|(t, s)| s.map(|s| (t.as_str().to_owned(), s)))
        .collect();
        Self {
            id: r.id,
            designation: r.designation,
            title: r.title,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            status: r.status,
            category: r.category,
            discovered_at: r.discovered_at,
            created_at: r.created_at,
            assessed: r.assessed,
            tracks,
            next_due: r.next_due,
        }
    }
}

/// A track of a case and its assessor's decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct TrackDto {
    /// `cybersecurity`, `personal_data` or `patient_safety`.
    pub track: String,
    /// The regime it is judged by, once decided, e.g. `csl-2025`.
    pub regime: Option<String>,
    /// `escalated`, `not_reportable`, `documented_only`, `reportable` or `reportable_high_risk`.
    pub status: String,
    pub escalated_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<String>,
    pub awareness_at: Option<DateTime<Utc>>,
    pub reasoning: String,
    pub consulted: String,
    pub answers: BTreeMap<String, bool>,
    pub details: BTreeMap<String, String>,
}

impl From<TrackRecord> for TrackDto {
    fn from(t: TrackRecord) -> Self {
        Self {
            track: t.track,
            regime: t.regime,
            status: t.status,
            escalated_at: t.escalated_at,
            decided_at: t.decided_at,
            decided_by: t.decided_by_label,
            awareness_at: t.awareness_at,
            reasoning: t.reasoning,
            consulted: t.consulted,
            answers: t.answers,
            details: t.details,
        }
    }
}

/// A case with its tracks.
#[derive(Debug, Serialize, ToSchema)]
pub struct IncidentDto {
    pub id: i64,
    pub designation: String,
    pub title: String,
    pub description: String,
    pub started_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    pub ended_at: Option<DateTime<Utc>>,
    pub unit_id: i64,
    pub unit_name: String,
    pub reported_by: String,
    /// `intake` or `api`.
    pub source: String,
    pub care_disrupted: bool,
    pub personal_data: bool,
    pub patient_harm: bool,
    pub category: Option<String>,
    pub assessment: String,
    pub assessed_at: Option<DateTime<Utc>>,
    pub measures_taken: String,
    pub root_cause: String,
    pub lessons_learned: String,
    pub status: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub systems: Vec<SystemRefDto>,
    pub tracks: Vec<TrackDto>,
    pub version: i64,
}

fn incident_dto(
    incident: Incident,
    systems: Vec<SystemRefDto>,
    tracks: Vec<TrackRecord>,
) -> IncidentDto {
    IncidentDto {
        id: incident.id,
        designation: incident.designation,
        title: incident.title,
        description: incident.description,
        started_at: incident.started_at,
        discovered_at: incident.discovered_at,
        ended_at: incident.ended_at,
        unit_id: incident.unit_id,
        unit_name: incident.unit_name,
        reported_by: incident.reported_by_label,
        source: incident.source,
        care_disrupted: incident.care_disrupted,
        personal_data: incident.personal_data,
        patient_harm: incident.patient_harm,
        category: incident.category,
        assessment: incident.assessment,
        assessed_at: incident.assessed_at,
        measures_taken: incident.measures_taken,
        root_cause: incident.root_cause,
        lessons_learned: incident.lessons_learned,
        status: incident.status,
        closed_at: incident.closed_at,
        systems,
        tracks: tracks.into_iter().map(TrackDto::from).collect(),
        version: incident.version,
    }
}

async fn case_dto(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<IncidentDto, AppError> {
    let (incident, systems, tracks) = service::case_summary(state, principal, id).await?;
    Ok(incident_dto(
        incident,
        systems.into_iter().map(SystemRefDto::from).collect(),
        tracks,
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct IncidentQuery {
    /// Text in the title.
    pub q: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// Only cases running on this track.
    pub track: Option<String>,
    pub category: Option<String>,
    /// This unit and the units below it.
    pub unit_id: Option<i64>,
    /// `true`: only the caller's own reports.
    pub mine: Option<bool>,
    /// Only the cases that happened in this year.
    pub year: Option<i32>,
    /// Only the cases closed in this year.
    pub closed_year: Option<i32>,
    /// `breach` (a personal data breach documented), `imy` (notified to IMY) or `any`
    /// (some report with a deadline submitted to an authority).
    pub reported: Option<String>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The cases the caller may see (reporters always see their own), newest first.
#[utoipa::path(get, path = "/api/v1/incidents", tag = "incidents", params(IncidentQuery),
    responses((status = 200, body = ListResponse<IncidentRowDto>), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<IncidentQuery>,
) -> Result<Json<ListResponse<IncidentRowDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let status = choice("status", query.status.as_deref(), |s| {
        matches!(s, "open" | "closed").then(|| s.to_owned())
    })?;
    let filter = IncidentFilter {
        search: query.q.clone(),
        status,
        unit_id: query.unit_id,
        track: choice("track", query.track.as_deref(), Track::parse)?,
        category: choice("category", query.category.as_deref(), Category::parse)?
            .map(|c| c.as_str().to_owned()),
        reported_by: query.mine.unwrap_or(false).then_some(principal.user_id),
        occurred_in: year_dates("year", query.year)?,
        closed_in: year_times("closed_year", query.closed_year)?,
        reported: choice("reported", query.reported.as_deref(), Reported::parse)?,
    };
    let page = service::list(&state, &principal, &filter, paging.limit(), paging.offset()).await?;
    Ok(Json(ListResponse::new(page, paging, IncidentRowDto::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IntakeBody {
    pub title: String,
    /// What happened.
    pub description: String,
    /// RFC 3339, e.g. `2026-11-20T07:00:00+01:00`; leave out when unknown.
    pub started_at: Option<String>,
    /// RFC 3339.
    pub discovered_at: Option<String>,
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub system_ids: Vec<i64>,
    #[serde(default)]
    pub care_disrupted: bool,
    #[serde(default)]
    pub personal_data: bool,
    #[serde(default)]
    pub patient_harm: bool,
}

/// Report a deviation, e.g. an alert from the IT service desk. It goes to the unit's
/// head of operations; personal data goes to the data protection officer at once.
#[utoipa::path(post, path = "/api/v1/incidents", tag = "incidents", request_body = IntakeBody,
    responses((status = 201, body = IncidentDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<IntakeBody>,
) -> Result<Response, AppError> {
    let mut errors = ValidationErrors::new();
    let started_at = parse_time(&mut errors, "started_at", body.started_at.as_deref());
    let discovered_at = parse_time(&mut errors, "discovered_at", body.discovered_at.as_deref());
    errors.finish(())?;
    let input = IntakeInput {
        title: &body.title,
        description: &body.description,
        started_at,
        discovered_at,
        unit_id: body.unit_id,
        system_ids: &body.system_ids,
        care_disrupted: body.care_disrupted,
        personal_data: body.personal_data,
        patient_harm: body.patient_harm,
    };
    let incident = service::report(&state, &principal, &input, "api").await?;
    let dto = case_dto(&state, &principal, incident.id).await?;
    Ok((StatusCode::CREATED, Json(dto)).into_response())
}

/// One case with its tracks.
#[utoipa::path(get, path = "/api/v1/incidents/{id}", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 200, body = IncidentDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<IncidentDto>, AppError> {
    Ok(Json(case_dto(&state, &principal, id).await?))
}

/// A report the case owes or has submitted, with its clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ObligationDto {
    pub id: i64,
    pub track: String,
    /// E.g. `csl-2025`, `nis-2018`, `gdpr`, `lex-maria`.
    pub regime: String,
    /// E.g. `early_warning`, `notification`, `final_report`, `progress_report`,
    /// `imy_notification`, `imy_supplement`.
    pub code: String,
    pub name: String,
    pub recipient: String,
    /// `discovery`, `awareness`, `decision`, `after:<code>` or `end` (when the incident
    /// was handled: the final report after a progress report).
    pub clock_start: String,
    /// When the report is owed: `always`, `high_risk`, `ongoing` (only while the incident
    /// is ongoing as the final report falls due: the progress report) or `incomplete` (the
    /// supplement of a report submitted without every detail).
    pub applies: String,
    /// The report due instead of this one while the incident is still ongoing.
    pub if_ongoing: Option<String>,
    pub starts_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    /// Whether the law sets the time (otherwise the organisation's own target).
    pub legal_deadline: bool,
    /// `open` or `submitted`.
    pub status: String,
    /// Seconds until the due time; negative when overdue; absent when not running.
    pub seconds_left: Option<i64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
    pub channel: Option<String>,
    pub reference: Option<String>,
}

fn obligation_dto(o: Obligation, settings: &tillit_store::incidents::Settings) -> ObligationDto {
    let content = service::content().ok();
    let regime = content.and_then(|c| c.regime(&o.regime));
    let rule = regime.and_then(|r| r.obligation(&o.code));
    let seconds_left =
        o.due_at
            .filter(|_| o.is_open())
            .map(|due| match ClockState::at(due, Utc::now()) {
                ClockState::Running { seconds_left } => seconds_left,
                ClockState::Overdue { seconds_over } => -seconds_over,
            });
    ObligationDto {
        id: o.id,
        track: o.track,
        name: rule.map(|r| r.name.sv.clone()).unwrap_or_default(),
        recipient: regime
            .map(|r| service::recipient(r, settings))
            .unwrap_or_default(),
        legal_deadline: rule.is_some_and(|r| r.deadline.is_legal()),
        applies: rule.map(|r| r.when.as_str().to_owned()).unwrap_or_default(),
        if_ongoing: rule
            .and_then(|r| r.if_ongoing.as_ref())
            .map(|i| i.instead.clone()),
        regime: o.regime,
        code: o.code,
        clock_start: o.clock_start,
        starts_at: o.starts_at,
        due_at: o.due_at,
        status: o.status,
        seconds_left,
        submitted_at: o.submitted_at,
        submitted_by: o.submitted_by_label,
        channel: o.channel,
        reference: o.reference,
    }
}

/// Every report the case owes or has submitted, each with its regime, due time and status.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/obligations", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ObligationDto>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn obligations(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<ObligationDto>>, AppError> {
    let detail = service::case(&state, &principal, id).await?;
    let settings = detail.settings;
    Ok(Json(
        detail
            .obligations
            .into_iter()
            .map(|o| obligation_dto(o, &settings))
            .collect(),
    ))
}

/// An entry of the case's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryDto {
    pub at: DateTime<Utc>,
    /// `reported`, `assessed`, `escalated`, `decided`, `submitted`, `note`,
    /// `attachment`, `follow_up`, `linked` or `closed`.
    pub kind: String,
    pub actor: String,
    pub text: String,
    #[schema(value_type = Object)]
    pub data: serde_json::Value,
}

impl From<Entry> for EntryDto {
    fn from(e: Entry) -> Self {
        Self {
            at: e.at,
            kind: e.kind,
            actor: e.actor_label,
            text: e.text,
            data: e.data,
        }
    }
}

/// The case's timeline, oldest first; it is never changed or shortened.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/timeline", tag = "incidents", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<EntryDto>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn timeline(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<EntryDto>>, AppError> {
    let detail = service::case(&state, &principal, id).await?;
    Ok(Json(
        detail.entries.into_iter().map(EntryDto::from).collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentBody {
    pub version: i64,
    pub category: Option<String>,
    pub reasoning: String,
    #[serde(default)]
    pub measures_taken: String,
    /// Tracks to escalate: `cybersecurity`, `personal_data`, `patient_safety`.
    #[serde(default)]
    pub escalate: Vec<String>,
}

/// The head of operations' assessment of a case of their unit, with its escalations.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/assessment", tag = "incidents", params(("id" = i64, Path)),
    request_body = AssessmentBody,
    responses((status = 200, body = IncidentDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn assess(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<AssessmentBody>,
) -> Result<Json<IncidentDto>, AppError> {
    let escalate = body
        .escalate
        .iter()
        .map(|t| Track::parse(t).ok_or_else(|| AppError::invalid("escalate", "invalid-choice")))
        .collect::<Result<Vec<_>, _>>()?;
    let input = DeviationAssessmentInput {
        category: choice("category", body.category.as_deref(), Category::parse)?,
        reasoning: &body.reasoning,
        measures_taken: &body.measures_taken,
        escalate: &escalate,
    };
    service::assess(&state, &principal, id, body.version, &input).await?;
    Ok(Json(case_dto(&state, &principal, id).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    pub version: i64,
    /// One of the track's decisions, e.g. `reportable`.
    pub decision: Option<String>,
    pub reasoning: String,
    /// RFC 3339: when the organisation became aware that the regime applies.
    pub awareness_at: Option<String>,
    #[serde(default)]
    pub consulted: String,
    /// Answers to the significance questions by id (cybersecurity only).
    #[serde(default)]
    pub answers: BTreeMap<String, bool>,
    /// The track's details by report field.
    #[serde(default)]
    pub details: BTreeMap<String, String>,
    /// Patient safety only: forward the material to the NIS assessors.
    #[serde(default)]
    pub forward_to_nis: bool,
}

/// A track assessor's decision; a reportable track plans its reports and their clocks
/// under the regime in force when the incident happened.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/tracks/{track}", tag = "incidents",
    params(("id" = i64, Path), ("track" = String, Path)), request_body = DecisionBody,
    responses((status = 200, body = TrackDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, track)): Path<(i64, String)>,
    ApiJson(body): ApiJson<DecisionBody>,
) -> Result<Json<TrackDto>, AppError> {
    let track = Track::parse(&track).ok_or(AppError::NotFound)?;
    let mut errors = ValidationErrors::new();
    let awareness_at = parse_time(&mut errors, "awareness_at", body.awareness_at.as_deref());
    errors.finish(())?;
    let answers: Vec<(String, bool)> = body.answers.into_iter().collect();
    let details: Vec<(String, String)> = body.details.into_iter().collect();
    let input = TrackAssessmentInput {
        track,
        decision: choice("decision", body.decision.as_deref(), TrackStatus::parse)?,
        reasoning: &body.reasoning,
        awareness_at,
        consulted: &body.consulted,
        answers: &answers,
        details: &details,
    };
    let record = service::decide(
        &state,
        &principal,
        id,
        body.version,
        &input,
        body.forward_to_nis,
    )
    .await?;
    Ok(Json(record.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubmissionBody {
    pub version: i64,
    /// RFC 3339; now when left out.
    pub submitted_at: Option<String>,
    /// E.g. `IRON`, `IMY e-tjänst`, `telefon till CERT-SE`.
    pub channel: String,
    #[serde(default)]
    pub reference: String,
    /// Submitted without every detail, which follow in phases: the report's supplements
    /// (e.g. to IMY) become owed, each on its clock. Only for reports that have supplements.
    #[serde(default)]
    pub incomplete: bool,
}

/// Mark a report as submitted (only the regime's reporting role). Reports that wait for
/// this one start their clocks; an incomplete report adds its supplements; a progress
/// report moves the final report's clock to the incident's end, and the final report
/// ends the need for a progress report.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/obligations/{obligation_id}/submission", tag = "incidents",
    params(("id" = i64, Path), ("obligation_id" = i64, Path)), request_body = SubmissionBody,
    responses((status = 200, body = ObligationDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, obligation_id)): Path<(i64, i64)>,
    ApiJson(body): ApiJson<SubmissionBody>,
) -> Result<Json<ObligationDto>, AppError> {
    let mut errors = ValidationErrors::new();
    let submitted_at = parse_time(&mut errors, "submitted_at", body.submitted_at.as_deref());
    errors.finish(())?;
    let input = SubmissionInput {
        submitted_at,
        channel: &body.channel,
        reference: &body.reference,
        incomplete: body.incomplete,
    };
    let obligation =
        service::submit(&state, &principal, id, body.version, obligation_id, &input).await?;
    let settings = service::settings(&state, &principal).await?;
    Ok(Json(obligation_dto(obligation, &settings)))
}

/// A report draft: the fields the recipient asks for, filled from the case.
#[derive(Debug, Serialize, ToSchema)]
pub struct DraftDto {
    pub incident: String,
    pub regime: String,
    pub obligation: String,
    pub recipient: String,
    pub due_at: Option<DateTime<Utc>>,
    pub sources: Vec<String>,
    pub fields: BTreeMap<String, String>,
}

/// The draft of one report, to copy into the authority's e-service.
#[utoipa::path(get, path = "/api/v1/incidents/{id}/obligations/{obligation_id}/draft", tag = "incidents",
    params(("id" = i64, Path), ("obligation_id" = i64, Path)),
    responses((status = 200, body = DraftDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn draft(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, obligation_id)): Path<(i64, i64)>,
) -> Result<Json<DraftDto>, AppError> {
    let (_, draft, _) = service::draft(&state, &principal, id, obligation_id).await?;
    Ok(Json(DraftDto {
        incident: draft.incident,
        regime: draft.regime,
        obligation: draft.obligation,
        recipient: draft.recipient,
        due_at: draft.due_at,
        sources: draft.sources,
        fields: draft.fields.into_iter().collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseBody {
    pub version: i64,
}

/// Close the case; refused on `close` with every reason while a track is undecided, a
/// report is open, or the root cause or lessons learned are missing.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/close", tag = "incidents", params(("id" = i64, Path)),
    request_body = CloseBody,
    responses((status = 200, body = IncidentDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn close(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<CloseBody>,
) -> Result<Json<IncidentDto>, AppError> {
    service::close(&state, &principal, id, body.version).await?;
    Ok(Json(case_dto(&state, &principal, id).await?))
}

/// A running clock.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClockDto {
    pub incident_id: i64,
    pub designation: String,
    pub title: String,
    pub track: String,
    pub regime: String,
    pub code: String,
    pub starts_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    /// Negative when overdue.
    pub seconds_left: i64,
}

impl From<OpenClock> for ClockDto {
    fn from(c: OpenClock) -> Self {
        Self {
            seconds_left: (c.due_at - Utc::now()).num_seconds(),
            incident_id: c.incident_id,
            designation: c.designation,
            title: c.title,
            track: c.track,
            regime: c.regime,
            code: c.code,
            starts_at: c.starts_at,
            due_at: c.due_at,
        }
    }
}

/// Every running clock the caller may see, the most urgent first (at most 200).
#[utoipa::path(get, path = "/api/v1/incident-clocks", tag = "incidents",
    responses((status = 200, body = Vec<ClockDto>), (status = 401, body = Problem)),
    security(("bearer" = [])))]
pub async fn clocks(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<ClockDto>>, AppError> {
    Ok(Json(
        service::clocks(&state, &principal, 200)
            .await?
            .into_iter()
            .map(ClockDto::from)
            .collect(),
    ))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatisticsQuery {
    /// The year the cases happened; this year when left out.
    pub year: Option<i32>,
}

/// A count under a label: a code, a unit or system name, or a month `YYYY-MM`.
#[derive(Debug, Serialize, ToSchema)]
pub struct CountDto {
    pub label: String,
    pub count: i64,
}

/// Submitted reports of one regime and how many were on time.
#[derive(Debug, Serialize, ToSchema)]
pub struct OnTimeDto {
    pub regime: String,
    pub submitted: i64,
    pub on_time: i64,
}

/// A year's incident statistics.
#[derive(Debug, Serialize, ToSchema)]
pub struct StatisticsDto {
    pub year: i32,
    /// `organisation` for a reader of every case, `units` when the figures count only the
    /// cases of the units the caller reads incidents for.
    pub scope: String,
    pub total: i64,
    pub by_category: Vec<CountDto>,
    /// Labels are `<track>:<status>`.
    pub by_track: Vec<CountDto>,
    pub by_unit: Vec<CountDto>,
    pub by_system: Vec<CountDto>,
    pub by_month: Vec<CountDto>,
    pub breaches_registered: i64,
    pub breaches_reported: i64,
    pub on_time: Vec<OnTimeDto>,
}

fn counts(rows: Vec<tillit_store::incidents::Count>) -> Vec<CountDto> {
    rows.into_iter()
        .map(|c| CountDto {
            label: c.label,
            count: c.count,
        })
        .collect()
}

/// Counts by kind, track, unit, system and month; personal data breaches registered and
/// notified to IMY; the share of reports submitted on time.
#[utoipa::path(get, path = "/api/v1/incident-statistics", tag = "incidents", params(StatisticsQuery),
    responses((status = 200, body = StatisticsDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn statistics(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<StatisticsQuery>,
) -> Result<Json<StatisticsDto>, AppError> {
    use chrono::Datelike;
    let year = query
        .year
        .unwrap_or_else(|| crate::services::risk::today().year());
    let s = service::statistics(&state, &principal, year).await?;
    let scope = match service::statistics_scope(&principal) {
        tillit_store::incidents::StatisticsScope::Organisation => "organisation",
        tillit_store::incidents::StatisticsScope::Units(_) => "units",
    };
    Ok(Json(StatisticsDto {
        year,
        scope: scope.to_owned(),
        total: s.total,
        by_category: counts(s.by_category),
        by_track: counts(s.by_track),
        by_unit: counts(s.by_unit),
        by_system: counts(s.by_system),
        by_month: counts(s.by_month),
        breaches_registered: s.breaches_registered,
        breaches_reported: s.breaches_reported,
        on_time: s
            .on_time
            .into_iter()
            .map(|o| OnTimeDto {
                regime: o.regime,
                submitted: o.submitted,
                on_time: o.on_time,
            })
            .collect(),
    }))
}

/// A measure for the action plan, created from the case.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentMeasureBody {
    /// The case's version last read; a stale value is refused with 409.
    pub version: i64,
    pub measure: crate::api::measures::MeasureBody,
}

/// Create a measure in the risk module's action plan from the case and link it to the
/// case (those who manage the case and the action plan). Both or neither are written.
#[utoipa::path(post, path = "/api/v1/incidents/{id}/measures", tag = "incidents", params(("id" = i64, Path)),
    request_body = IncidentMeasureBody,
    responses((status = 201, body = crate::api::measures::MeasureDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_measure(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<IncidentMeasureBody>,
) -> Result<Response, AppError> {
    let input = body.measure.input()?;
    let measure = service::create_measure(&state, &principal, id, body.version, &input).await?;
    Ok((
        StatusCode::CREATED,
        Json(crate::api::measures::MeasureDto::from(measure)),
    )
        .into_response())
}

/// An incident case a risk analysis considered.
#[derive(Debug, Serialize, ToSchema)]
pub struct ConsideredIncidentDto {
    pub id: i64,
    pub designation: String,
    pub title: String,
}

/// The incident cases a risk analysis considered, those the caller may see.
#[utoipa::path(get, path = "/api/v1/risk-analyses/{id}/incidents", tag = "risk", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ConsideredIncidentDto>), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn considered(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<ConsideredIncidentDto>>, AppError> {
    crate::services::risk::analysis(&state, &principal, id).await?;
    let cases = service::considered(&state, &principal, id).await?;
    Ok(Json(
        cases
            .into_iter()
            .map(|c| ConsideredIncidentDto {
                id: c.id,
                designation: c.designation,
                title: c.title,
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsiderBody {
    /// The analysis's version last read; a stale value is refused with 409.
    pub version: i64,
    pub incident_id: i64,
}

/// Link an incident case the analysis considered (those who manage risk work, a case
/// they may see, while the analysis is a draft: `analysis`/`frozen` otherwise).
#[utoipa::path(post, path = "/api/v1/risk-analyses/{id}/incidents", tag = "risk", params(("id" = i64, Path)),
    request_body = ConsiderBody,
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn consider(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ConsiderBody>,
) -> Result<StatusCode, AppError> {
    service::consider(&state, &principal, id, body.version, body.incident_id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    /// The analysis's version last read; a stale value is refused with 409.
    pub version: i64,
}

/// Remove an incident case from those the analysis considered (while it is a draft).
#[utoipa::path(delete, path = "/api/v1/risk-analyses/{id}/incidents/{incident_id}", tag = "risk",
    params(("id" = i64, Path), ("incident_id" = i64, Path), VersionQuery),
    responses((status = 204), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn unconsider(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, incident_id)): Path<(i64, i64)>,
    QueryParams(query): QueryParams<VersionQuery>,
) -> Result<StatusCode, AppError> {
    service::consider(&state, &principal, id, query.version, incident_id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}
