//! `/incidents/{id}`: the case with its tracks and clocks, and the forms each role uses
//! on it: the head of operations' assessment, each track's decision, the follow-up,
//! notes, attachments, links to risks and measures, and closing.

use askama::Template;
use axum::body::Body;
use axum::extract::multipart::{Multipart, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::incident::{
    detail_fields, suggests_significant, Category, ClockStart, Condition, DeviationAssessmentInput,
    FollowUpInput, ObligationRule, Track, TrackAssessmentInput, TrackStatus,
};
use tillit_domain::ValidationErrors;
use tillit_store::incidents::TrackRecord;

use super::intake::typed_time;
use super::list::report_label;
use super::{clock_view, ClockView};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, RepeatedForm};
use crate::pages::risk::code_label;
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::incidents::{self as service, CaseDetail};
use crate::services::risk as risk_service;
use crate::state::AppState;
use crate::time::format_local;

pub struct ReportRow {
    id: i64,
    name: String,
    recipient: String,
    legal: bool,
    clock_start: String,
    due: Option<ClockView>,
    submitted: Option<String>,
    /// Why the clock has not started: it waits for another report or for the end.
    waiting: String,
    /// When the report is due only in a phase of the incident: why.
    note: Option<String>,
}

/// Why a report is due only in a phase of the incident, in the reader's words: the final
/// report that gives way to a progress report while the incident is ongoing, the progress
/// report itself, and the supplement of an incomplete report.
pub(super) fn phase_note(ctx: &PageContext, rule: &ObligationRule) -> Option<String> {
    match (&rule.if_ongoing, rule.when) {
        (Some(_), _) => Some(ctx.t("incident-phase-if-ongoing")),
        (None, Condition::Ongoing) => Some(ctx.t("incident-phase-ongoing")),
        (None, Condition::Incomplete) => Some(ctx.t("incident-phase-incomplete")),
        (None, Condition::Always | Condition::HighRisk) => None,
    }
}

pub struct QuestionView {
    id: String,
    text: String,
    help: String,
    criterion: bool,
    answer: Option<bool>,
}

pub struct TrackView {
    code: &'static str,
    name: String,
    status: String,
    escalated: String,
    regime: String,
    trigger: String,
    decided: Option<String>,
    awareness: String,
    reasoning: String,
    consulted: String,
    details: Vec<(String, String)>,
    can_decide: bool,
    decisions: Vec<(&'static str, String)>,
    current_decision: String,
    awareness_value: String,
    detail_inputs: Vec<(String, String, String)>,
    questions: Vec<QuestionView>,
    suggestion: Option<String>,
    /// While the track waits: the reports it would owe whose clocks already run from
    /// the discovery (awareness is taken as the discovery until the assessor says).
    provisional: Vec<(String, ClockView)>,
}

pub struct EntryView {
    at: String,
    actor: String,
    kind: String,
    text: String,
}

pub struct AttachmentView {
    id: i64,
    name: String,
    size: String,
    sha256: String,
    uploaded: String,
}

#[derive(Template)]
#[template(path = "incident.html")]
struct CasePage {
    ctx: PageContext,
    id: i64,
    version: i64,
    designation: String,
    title: String,
    description: String,
    status: String,
    facts: Vec<(String, String)>,
    systems: Vec<String>,
    reports: Vec<ReportRow>,
    assessment: Option<(String, String, String, String)>,
    can_assess: bool,
    categories: Vec<(&'static str, String)>,
    escalations: Vec<(&'static str, String, bool)>,
    tracks: Vec<TrackView>,
    can_manage: bool,
    root_cause: String,
    lessons_learned: String,
    measures_taken: String,
    ended_at: String,
    risks: Vec<(i64, String)>,
    measures: Vec<(i64, String)>,
    risk_choices: Vec<(i64, String)>,
    measure_choices: Vec<(i64, String)>,
    /// The reader may create a measure in the action plan from the case.
    can_create_measure: bool,
    attachments: Vec<AttachmentView>,
    entries: Vec<EntryView>,
    blockers: Vec<String>,
    errors: FormErrors,
}

fn input_time(t: &Option<chrono::DateTime<Utc>>) -> String {
    t.as_ref()
        .map(|t| {
            t.with_timezone(&chrono_tz::Europe::Stockholm)
                .format("%Y-%m-%dT%H:%M")
                .to_string()
        })
        .unwrap_or_default()
}

fn yes_no(ctx: &PageContext, value: bool) -> String {
    ctx.t(if value { "yes" } else { "no" })
}

fn track_view(
    ctx: &PageContext,
    principal: &Principal,
    detail: &CaseDetail,
    record: &TrackRecord,
) -> Option<TrackView> {
    let track = Track::parse(&record.track)?;
    let content = service::content().ok()?;
    let regime = service::regime_for(&detail.incident, track).ok();
    let open = detail.incident.is_open();
    let questions: Vec<QuestionView> = if track == Track::Cybersecurity {
        content
            .questions()
            .iter()
            .map(|q| QuestionView {
                id: q.id.clone(),
                text: q.text.in_language(ctx.lang).to_owned(),
                help: q.help.in_language(ctx.lang).to_owned(),
                criterion: q.criterion,
                answer: record.answers.get(&q.id).copied(),
            })
            .collect()
    } else {
        Vec::new()
    };
    let suggestion = (track == Track::Cybersecurity)
        .then(|| suggests_significant(content.questions(), &record.answers))
        .flatten()
        .map(|significant| {
            ctx.t(if significant {
                "incident-suggests-significant"
            } else {
                "incident-suggests-not-significant"
            })
        });
    Some(TrackView {
        code: track.as_str(),
        name: code_label(ctx, "incident-track", track.as_str()),
        status: code_label(ctx, "incident-track-status", &record.status),
        escalated: format!(
            "{}, {}",
            record.escalated_by_label,
            format_local(&record.escalated_at)
        ),
        regime: regime
            .map(|r| {
                format!(
                    "{} ({})",
                    r.name.in_language(ctx.lang),
                    r.sources.join("; ")
                )
            })
            .unwrap_or_default(),
        trigger: regime
            .map(|r| r.trigger.in_language(ctx.lang).to_owned())
            .unwrap_or_default(),
        decided: record.decided_at.map(|at| {
            format!(
                "{}, {}",
                record.decided_by_label.clone().unwrap_or_default(),
                format_local(&at)
            )
        }),
        awareness: ctx.time_opt(&record.awareness_at),
        reasoning: record.reasoning.clone(),
        consulted: record.consulted.clone(),
        details: record
            .details
            .iter()
            .map(|(k, v)| (code_label(ctx, "report-field", k), v.clone()))
            .collect(),
        can_decide: open
            && principal
                .grants
                .allows_at(service::assess_action(track), &detail.unit_path),
        decisions: track
            .decisions()
            .iter()
            .map(|d| {
                (
                    d.as_str(),
                    code_label(ctx, "incident-track-status", d.as_str()),
                )
            })
            .collect(),
        current_decision: record.status.clone(),
        awareness_value: input_time(&record.awareness_at.or(Some(detail.incident.discovered_at))),
        detail_inputs: detail_fields(track)
            .iter()
            .map(|f| {
                (
                    (*f).to_owned(),
                    code_label(ctx, "report-field", f),
                    record.details.get(*f).cloned().unwrap_or_default(),
                )
            })
            .collect(),
        provisional: provisional_clocks(ctx, detail, record, regime),
        questions,
        suggestion,
    })
}

/// The clocks an undecided track would run if it is reportable, counted from the
/// discovery: a legal deadline does not wait for the assessment.
fn provisional_clocks(
    ctx: &PageContext,
    detail: &CaseDetail,
    record: &TrackRecord,
    regime: Option<&tillit_domain::incident::Regime>,
) -> Vec<(String, ClockView)> {
    let (Some(regime), true) = (regime, record.status == TrackStatus::Escalated.as_str()) else {
        return Vec::new();
    };
    tillit_domain::incident::provisional(
        regime,
        detail.incident.discovered_at,
        &detail.settings.targets,
    )
    .into_iter()
    .filter_map(|p| {
        let rule = regime.obligation(&p.code)?;
        let due = p.due_at?;
        Some((
            format!(
                "{}: {}",
                regime.name.in_language(ctx.lang),
                rule.name.in_language(ctx.lang)
            ),
            clock_view(ctx, &due, Utc::now()),
        ))
    })
    .collect()
}

fn entry_kind(ctx: &PageContext, entry: &tillit_store::incidents::Entry) -> String {
    let base = code_label(ctx, "incident-entry", &entry.kind);
    let track = entry
        .data
        .get("track")
        .and_then(|t| t.as_str())
        .map(|t| code_label(ctx, "incident-track", t));
    let decision = entry
        .data
        .get("decision")
        .and_then(|t| t.as_str())
        .map(|d| code_label(ctx, "incident-track-status", d));
    let report = match (
        entry.data.get("regime").and_then(|r| r.as_str()),
        entry.data.get("obligation").and_then(|r| r.as_str()),
    ) {
        (Some(regime), Some(code)) => Some(report_label(ctx, regime, code)),
        _ => None,
    };
    [Some(base), track, decision, report]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(" – ")
}

async fn case_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let detail = service::case(state, principal, id).await?;
    let now = Utc::now();
    let incident = &detail.incident;
    let open = incident.is_open();
    let can_manage = open
        && principal
            .grants
            .allows_at(Action::ManageIncidents, &detail.unit_path);
    let content = service::content()?;
    let reports = detail
        .obligations
        .iter()
        .map(|o| {
            let regime = content.regime(&o.regime);
            let rule = regime.and_then(|r| r.obligation(&o.code));
            let clock_start = match o.clock_start.strip_prefix("after:") {
                Some(code) => ctx.t1(
                    "incident-clock-after",
                    "report",
                    report_label(&ctx, &o.regime, code),
                ),
                None => code_label(&ctx, "incident-clock-start", &o.clock_start),
            };
            ReportRow {
                id: o.id,
                name: report_label(&ctx, &o.regime, &o.code),
                recipient: regime
                    .map(|r| service::recipient(r, &detail.settings))
                    .unwrap_or_default(),
                legal: rule.is_some_and(|r| r.deadline.is_legal()),
                clock_start: match o.starts_at {
                    Some(at) => format!("{clock_start}: {}", format_local(&at)),
                    None => clock_start,
                },
                due: o
                    .due_at
                    .filter(|_| o.is_open())
                    .map(|due| clock_view(&ctx, &due, now)),
                waiting: if o.clock_start == ClockStart::End.as_code() {
                    ctx.t("incident-clock-waiting-end")
                } else {
                    ctx.t("incident-clock-waiting")
                },
                note: rule
                    .filter(|_| o.is_open())
                    .and_then(|rule| phase_note(&ctx, rule)),
                submitted: o.submitted_at.map(|at| {
                    ctx.t1(
                        "incident-submitted-by",
                        "who",
                        o.submitted_by_label.clone().unwrap_or_default(),
                    ) + &format!(
                        ", {} ({}{})",
                        format_local(&at),
                        o.channel.clone().unwrap_or_default(),
                        o.reference
                            .as_deref()
                            .filter(|r| !r.is_empty())
                            .map(|r| format!(", {r}"))
                            .unwrap_or_default()
                    )
                }),
            }
        })
        .collect();
    let tracks: Vec<TrackView> = detail
        .tracks
        .iter()
        .filter_map(|t| track_view(&ctx, principal, &detail, t))
        .collect();
    let running: Vec<&str> = detail.tracks.iter().map(|t| t.track.as_str()).collect();
    let escalations = [
        (Track::Cybersecurity, incident.care_disrupted),
        (Track::PersonalData, incident.personal_data),
        (Track::PatientSafety, incident.patient_harm),
    ]
    .into_iter()
    .filter(|(t, _)| !running.contains(&t.as_str()))
    .map(|(t, suggested)| {
        (
            t.as_str(),
            code_label(&ctx, "incident-escalate", t.as_str()),
            suggested,
        )
    })
    .collect();
    let states: Vec<_> = detail
        .tracks
        .iter()
        .filter_map(|t| {
            Some(tillit_domain::incident::TrackState {
                track: Track::parse(&t.track)?,
                status: TrackStatus::parse(&t.status)?,
                open_obligations: detail
                    .obligations
                    .iter()
                    .filter(|o| o.track == t.track && o.is_open())
                    .count(),
            })
        })
        .collect();
    let blockers = if open {
        tillit_domain::incident::close_blockers(
            incident.assessed_at.is_some(),
            &states,
            &incident.root_cause,
            &incident.lessons_learned,
        )
        .into_iter()
        .map(|code| ctx.t(&format!("field-error-{code}")))
        .collect()
    } else {
        Vec::new()
    };
    let (risk_choices, measure_choices) = if can_manage && principal.can(Action::ViewRisks) {
        let risks = risk_service::list_risks(
            state,
            principal,
            &tillit_store::risk::RiskFilter::default(),
            300,
            0,
        )
        .await?
        .items
        .into_iter()
        .map(|r| {
            (
                r.id,
                format!("{} {} {}", r.analysis_designation, r.designation(), r.title),
            )
        })
        .collect();
        let measures = risk_service::list_measures(
            state,
            principal,
            &tillit_store::risk::MeasureFilter::on(risk_service::today()),
            300,
            0,
        )
        .await?
        .items
        .into_iter()
        .map(|m| (m.id, format!("{} {}", m.designation, m.title)))
        .collect();
        (risks, measures)
    } else {
        (Vec::new(), Vec::new())
    };
    let mut facts = vec![
        (ctx.t("incident-field-unit-id"), incident.unit_name.clone()),
        (
            ctx.t("incident-field-reported-by"),
            format!(
                "{}, {} ({})",
                incident.reported_by_label,
                format_local(&incident.created_at),
                code_label(&ctx, "incident-source", &incident.source)
            ),
        ),
        (
            ctx.t("incident-field-started-at"),
            ctx.time_opt(&incident.started_at),
        ),
        (
            ctx.t("incident-field-discovered-at"),
            ctx.time(&incident.discovered_at),
        ),
        (
            ctx.t("incident-field-care-disrupted"),
            yes_no(&ctx, incident.care_disrupted),
        ),
        (
            ctx.t("incident-field-personal-data"),
            yes_no(&ctx, incident.personal_data),
        ),
        (
            ctx.t("incident-field-patient-harm"),
            yes_no(&ctx, incident.patient_harm),
        ),
    ];
    if let Some(ended) = &incident.ended_at {
        facts.push((ctx.t("incident-field-ended-at"), format_local(ended)));
    } else if incident.is_open() {
        facts.push((
            ctx.t("incident-field-ended-at"),
            ctx.t("incident-still-ongoing"),
        ));
    }
    if let Some(closed) = &incident.closed_at {
        facts.push((
            ctx.t("incident-closed"),
            format!(
                "{}, {}",
                incident.closed_by_label.clone().unwrap_or_default(),
                format_local(closed)
            ),
        ));
    }
    let page = CasePage {
        id: incident.id,
        version: incident.version,
        designation: incident.designation.clone(),
        title: incident.title.clone(),
        description: incident.description.clone(),
        status: code_label(&ctx, "incident-status", &incident.status),
        facts,
        systems: detail
            .systems
            .iter()
            .map(|s| format!("{} {}", s.designation, s.name))
            .collect(),
        reports,
        assessment: incident.assessed_at.map(|at| {
            (
                incident
                    .category
                    .as_deref()
                    .map(|c| code_label(&ctx, "incident-category", c))
                    .unwrap_or_default(),
                incident.assessment.clone(),
                format!(
                    "{}, {}",
                    incident.assessed_by_label.clone().unwrap_or_default(),
                    format_local(&at)
                ),
                incident.measures_taken.clone(),
            )
        }),
        can_assess: open
            && principal
                .grants
                .allows_at(Action::AssessDeviation, &detail.unit_path),
        categories: Category::ALL
            .into_iter()
            .map(|c| {
                (
                    c.as_str(),
                    code_label(&ctx, "incident-category", c.as_str()),
                )
            })
            .collect(),
        escalations,
        tracks,
        can_manage,
        root_cause: incident.root_cause.clone(),
        lessons_learned: incident.lessons_learned.clone(),
        measures_taken: incident.measures_taken.clone(),
        ended_at: input_time(&incident.ended_at),
        risks: detail
            .risks
            .iter()
            .map(|r| {
                (
                    r.id,
                    format!("{} R{} {}", r.analysis_designation, r.number, r.title),
                )
            })
            .collect(),
        measures: detail
            .measures
            .iter()
            .map(|m| (m.id, format!("{} {}", m.designation, m.title)))
            .collect(),
        risk_choices,
        measure_choices,
        can_create_measure: can_manage && principal.can(Action::ManageRisks),
        attachments: detail
            .attachments
            .iter()
            .map(|a| AttachmentView {
                id: a.id,
                name: a.file_name.clone(),
                size: format!("{:.1} kB", a.size_bytes as f64 / 1024.0),
                sha256: a.sha256.clone(),
                uploaded: format!("{}, {}", a.uploaded_by_label, format_local(&a.uploaded_at)),
            })
            .collect(),
        entries: detail
            .entries
            .iter()
            .map(|e| EntryView {
                at: format_local(&e.at),
                actor: e.actor_label.clone(),
                kind: entry_kind(&ctx, e),
                text: e.text.clone(),
            })
            .collect(),
        blockers,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Response, AppError> {
    case_page(
        &state,
        ctx,
        &principal,
        id,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// After a form: back to the case on success, or the case again with the errors (ids
/// prefixed with the form's `prefix`).
async fn answer(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    result: Result<(), AppError>,
    prefix: &str,
    notice: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/incidents/{id}"), notice)),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation_in(&ctx, &errors, "incident").prefixed(prefix);
            case_page(
                state,
                ctx,
                principal,
                id,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict) => {
            let errors = FormErrors::single(&ctx, &format!("{prefix}version"), "conflict-reload");
            case_page(state, ctx, principal, id, errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct AssessmentForm {
    version: i64,
    #[serde(default)]
    category: String,
    #[serde(default)]
    reasoning: String,
    #[serde(default)]
    measures_taken: String,
}

pub async fn assess(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    RepeatedForm(form, values): RepeatedForm<AssessmentForm>,
) -> Result<Response, AppError> {
    let escalate: Vec<Track> = Track::ALL
        .into_iter()
        .filter(|t| values.first(&format!("escalate-{}", t.as_str())).is_some())
        .collect();
    let input = DeviationAssessmentInput {
        category: Category::parse(&form.category),
        reasoning: &form.reasoning,
        measures_taken: &form.measures_taken,
        escalate: &escalate,
    };
    let result = service::assess(&state, &principal, id, form.version, &input)
        .await
        .map(|_| ());
    answer(
        &state,
        ctx,
        &principal,
        id,
        result,
        "assessment-",
        "incident-assessed",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct DecisionForm {
    version: i64,
    #[serde(default)]
    decision: String,
    #[serde(default)]
    reasoning: String,
    #[serde(default)]
    awareness_at: String,
    #[serde(default)]
    consulted: String,
    #[serde(default)]
    forward_to_nis: Option<String>,
}

pub async fn decide(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path((id, track)): Path<(i64, String)>,
    RepeatedForm(form, values): RepeatedForm<DecisionForm>,
) -> Result<Response, AppError> {
    let track = Track::parse(&track).ok_or(AppError::NotFound)?;
    let prefix = format!("{}-", track.as_str());
    let questions = service::content()?.questions();
    let answers: Vec<(String, bool)> = questions
        .iter()
        .filter_map(|q| match values.first(&format!("answer-{}", q.id)) {
            Some("yes") => Some((q.id.clone(), true)),
            Some("no") => Some((q.id.clone(), false)),
            _ => None,
        })
        .collect();
    let details: Vec<(String, String)> = detail_fields(track)
        .iter()
        .filter_map(|f| values.first(f).map(|v| ((*f).to_owned(), v.to_owned())))
        .collect();
    let mut errors = ValidationErrors::new();
    let awareness_at = typed_time(&mut errors, "awareness_at", &form.awareness_at);
    let result = if errors.is_empty() {
        let input = TrackAssessmentInput {
            track,
            decision: TrackStatus::parse(&form.decision),
            reasoning: &form.reasoning,
            awareness_at,
            consulted: &form.consulted,
            answers: &answers,
            details: &details,
        };
        service::decide(
            &state,
            &principal,
            id,
            form.version,
            &input,
            form.forward_to_nis.is_some(),
        )
        .await
        .map(|_| ())
    } else {
        Err(AppError::Invalid(errors))
    };
    answer(
        &state,
        ctx,
        &principal,
        id,
        result,
        &prefix,
        "incident-decided",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct SubmitForm {
    version: i64,
    #[serde(default)]
    submitted_at: String,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    reference: String,
    #[serde(default)]
    incomplete: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path((id, obligation_id)): Path<(i64, i64)>,
    FormData(form): FormData<SubmitForm>,
) -> Result<Response, AppError> {
    let mut errors = ValidationErrors::new();
    let submitted_at = typed_time(&mut errors, "submitted_at", &form.submitted_at);
    let result = if errors.is_empty() {
        let input = service::SubmissionInput {
            submitted_at,
            channel: &form.channel,
            reference: &form.reference,
            incomplete: form.incomplete.is_some(),
        };
        service::submit(&state, &principal, id, form.version, obligation_id, &input)
            .await
            .map(|_| ())
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(()) => Ok(see_other(
            &format!("/incidents/{id}"),
            "incident-report-submitted",
        )),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation_in(&ctx, &errors, "incident");
            super::draft::draft_page(
                &state,
                ctx,
                &principal,
                id,
                obligation_id,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict) => {
            let errors = FormErrors::single(&ctx, "version", "conflict-reload");
            super::draft::draft_page(
                &state,
                ctx,
                &principal,
                id,
                obligation_id,
                errors,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct FollowUpForm {
    version: i64,
    #[serde(default)]
    root_cause: String,
    #[serde(default)]
    lessons_learned: String,
    #[serde(default)]
    measures_taken: String,
    #[serde(default)]
    ended_at: String,
}

pub async fn follow_up(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    FormData(form): FormData<FollowUpForm>,
) -> Result<Response, AppError> {
    let mut errors = ValidationErrors::new();
    let ended_at = typed_time(&mut errors, "ended_at", &form.ended_at);
    let result = if errors.is_empty() {
        let input = FollowUpInput {
            root_cause: &form.root_cause,
            lessons_learned: &form.lessons_learned,
            measures_taken: &form.measures_taken,
            ended_at,
        };
        service::follow_up(&state, &principal, id, form.version, &input)
            .await
            .map(|_| ())
    } else {
        Err(AppError::Invalid(errors))
    };
    answer(
        &state,
        ctx,
        &principal,
        id,
        result,
        "follow-up-",
        "incident-follow-up-saved",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct NoteForm {
    version: i64,
    #[serde(default)]
    text: String,
}

pub async fn note(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    FormData(form): FormData<NoteForm>,
) -> Result<Response, AppError> {
    let result = service::note(&state, &principal, id, form.version, &form.text).await;
    answer(
        &state,
        ctx,
        &principal,
        id,
        result,
        "note-",
        "incident-note-added",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct LinkForm {
    version: i64,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    risk_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    measure_id: Option<i64>,
}

pub async fn link_risk(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    FormData(form): FormData<LinkForm>,
) -> Result<Response, AppError> {
    let result = match form.risk_id {
        Some(risk_id) => service::link_risk(&state, &principal, id, form.version, risk_id).await,
        None => Err(AppError::invalid("risk_id", "required")),
    };
    answer(
        &state,
        ctx,
        &principal,
        id,
        result,
        "link-",
        "incident-linked",
    )
    .await
}

pub async fn link_measure(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    FormData(form): FormData<LinkForm>,
) -> Result<Response, AppError> {
    let result = match form.measure_id {
        Some(measure_id) => {
            service::link_measure(&state, &principal, id, form.version, measure_id).await
        }
        None => Err(AppError::invalid("measure_id", "required")),
    };
    answer(
        &state,
        ctx,
        &principal,
        id,
        result,
        "link-",
        "incident-linked",
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct CloseForm {
    version: i64,
}

pub async fn close(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    FormData(form): FormData<CloseForm>,
) -> Result<Response, AppError> {
    let result = service::close(&state, &principal, id, form.version)
        .await
        .map(|_| ());
    answer(
        &state,
        ctx,
        &principal,
        id,
        result,
        "close-",
        "incident-closed-notice",
    )
    .await
}

/// The fields of an attachment upload.
#[derive(Default)]
struct AttachmentUpload {
    version: Option<i64>,
    file_name: String,
    content: Vec<u8>,
}

async fn read_attachment(mut multipart: Multipart) -> Result<AttachmentUpload, AppError> {
    let mut upload = AttachmentUpload::default();
    let too_large = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::invalid("file", "file-too-large")
        } else {
            AppError::MalformedBody(e.body_text())
        }
    };
    while let Some(field) = multipart.next_field().await.map_err(too_large)? {
        match field.name() {
            Some("version") => {
                upload.version = field.text().await.map_err(too_large)?.trim().parse().ok();
            }
            Some("file") => {
                upload.file_name = field.file_name().unwrap_or_default().to_owned();
                upload.content = field.bytes().await.map_err(too_large)?.to_vec();
            }
            _ => {}
        }
    }
    Ok(upload)
}

pub async fn attach(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    service::require_on_case(&state, &principal, id, Action::ManageIncidents).await?;
    let result = match multipart {
        Ok(multipart) => match read_attachment(multipart).await {
            Ok(upload) => {
                let version = upload
                    .version
                    .ok_or(AppError::invalid("version", "required"));
                match version {
                    Ok(version) => service::attach(
                        &state,
                        &principal,
                        id,
                        version,
                        &upload.file_name,
                        &upload.content,
                    )
                    .await
                    .map(|_| ()),
                    Err(error) => Err(error),
                }
            }
            Err(error) => Err(error),
        },
        Err(_) => Err(AppError::invalid("file", "required")),
    };
    answer(
        &state,
        ctx,
        &principal,
        id,
        result,
        "attachment-",
        "incident-attached",
    )
    .await
}

pub async fn download(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, attachment_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let file = service::attachment(&state, &principal, id, attachment_id).await?;
    let disposition = format!(
        "attachment; filename=\"{}\"",
        file.file_name.replace(['"', '\\', '\r', '\n'], "_")
    );
    Response::builder()
        .header(header::CONTENT_TYPE, file.content_type)
        .header(header::CONTENT_DISPOSITION, disposition)
        .header("x-content-sha256", file.sha256)
        .body(Body::from(file.content))
        .map_err(AppError::internal)
}
