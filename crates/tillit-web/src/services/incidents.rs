//! Incidents: the one intake, the triage of seed 000, the tracks with their clocks, the
//! report drafts and the case's follow-up.
//!
//! Every signed-in user but the auditor reports. Reporters always see their own cases;
//! the roles that read incidents see the cases of the units they are assigned to and
//! the units below. The head of operations assesses a case of their unit, each track's
//! assessor decides it, and only the holder of a regime's reporting role marks its
//! reports as submitted (for cybersecurity, the organisation's reporting mandate).

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::{DateTime, Duration, Utc};
use tillit_domain::auth::{Action, Role};
use tillit_domain::incident::{
    after_end, after_submission, may_be_incomplete, parse_reminder_points, plan, started_by,
    ClockMoments, DeviationAssessmentInput, FollowUpInput, IncidentContent, IncidentContentError,
    IntakeInput, ObligationRule, OpenReport, Regime, Track, TrackAssessmentInput, REPORT_FIELDS,
};
use tillit_domain::risk::MeasureInput;
use tillit_domain::validation::optional_text;
use tillit_domain::ValidationErrors;
use tillit_store::incidents::{
    self as store, Attachment, AttachmentContent, ClockFilter, Entry, Incident, IncidentFilter,
    IncidentRow, LinkedMeasure, LinkedRisk, NewAttachment, Obligation, OpenClock, Settings,
    SettingsDraft, StatisticsScope, Submission, TrackDecision, TrackRecord, Visibility,
};
use tillit_store::registers::SystemRef;
use tillit_store::risk::{ConsideredIncident, Measure};
use tillit_store::{org, truncate_to_micros, Page};

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

static BUILTIN: LazyLock<Result<IncidentContent, IncidentContentError>> =
    LazyLock::new(IncidentContent::builtin);

/// The built-in regimes and decision support, validated by tests and at start-up.
pub fn content() -> Result<&'static IncidentContent, AppError> {
    BUILTIN.as_ref().map_err(AppError::internal)
}

/// Attachments larger than this are refused.
pub const MAX_ATTACHMENT_BYTES: usize = 20 * 1024 * 1024;

/// The file types a case may hold: documents, images, logs and mail.
pub const ATTACHMENT_TYPES: [(&str, &str); 12] = [
    ("pdf", "application/pdf"),
    ("txt", "text/plain"),
    ("log", "text/plain"),
    ("csv", "text/csv"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("eml", "message/rfc822"),
    ("json", "application/json"),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ("zip", "application/zip"),
];

/// Which cases the principal sees.
pub fn visibility(principal: &Principal) -> Visibility {
    if principal.grants.allows_everywhere(Action::ViewIncidents) {
        return Visibility::All;
    }
    let unit_ids: Vec<i64> = principal
        .grants
        .assignments()
        .iter()
        .filter(|a| tillit_domain::auth::role_allows(a.role, Action::ViewIncidents))
        .filter_map(|a| a.unit_id)
        .collect();
    if unit_ids.is_empty() {
        Visibility::Own {
            user_id: principal.user_id,
        }
    } else {
        Visibility::Units {
            unit_ids,
            user_id: principal.user_id,
        }
    }
}

/// Whether the principal holds `role` for the unit whose path is `unit_path`.
fn holds_role_at(principal: &Principal, role: Role, unit_path: &[i64]) -> bool {
    principal
        .grants
        .assignments()
        .iter()
        .any(|a| a.role == role && a.unit_id.is_none_or(|unit| unit_path.contains(&unit)))
}

pub async fn report(
    state: &AppState,
    principal: &Principal,
    input: &IntakeInput<'_>,
    source: &str,
) -> Result<Incident, AppError> {
    principal.require(Action::ReportIncident)?;
    let draft = input.validate(Utc::now())?;
    Ok(store::create_incident(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        source,
        &draft,
    )
    .await?)
}

pub async fn list(
    state: &AppState,
    principal: &Principal,
    filter: &IncidentFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<IncidentRow>, AppError> {
    Ok(store::list_incidents(
        &state.db,
        principal.organisation_id,
        &visibility(principal),
        filter,
        limit,
        offset,
    )
    .await?)
}

/// A case as its page shows it.
#[derive(Debug, Clone)]
pub struct CaseDetail {
    pub incident: Incident,
    pub unit_path: Vec<i64>,
    pub systems: Vec<SystemRef>,
    pub tracks: Vec<TrackRecord>,
    pub obligations: Vec<Obligation>,
    pub entries: Vec<Entry>,
    pub attachments: Vec<Attachment>,
    pub risks: Vec<LinkedRisk>,
    pub measures: Vec<LinkedMeasure>,
    pub settings: Settings,
}

/// The case, if the principal may see it: its reporter, or a role that reads incidents
/// at its unit.
async fn visible_case(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(Incident, Vec<i64>), AppError> {
    let organisation_id = principal.organisation_id;
    let incident = store::get_incident(&state.db, organisation_id, id).await?;
    let path = org::unit_path(&state.db, organisation_id, incident.unit_id).await?;
    let own = incident.reported_by == Some(principal.user_id);
    if own || principal.grants.allows_at(Action::ViewIncidents, &path) {
        Ok((incident, path))
    } else {
        Err(AppError::Forbidden)
    }
}

/// Refuses unless the principal may do `action` on the case; for handlers that must
/// check before reading a large request body.
pub async fn require_on_case(
    state: &AppState,
    principal: &Principal,
    id: i64,
    action: Action,
) -> Result<(), AppError> {
    let (_, path) = visible_case(state, principal, id).await?;
    principal.require_at(action, &path)
}

/// A case with the systems it names and its tracks, without its history: what the API
/// answers after a change.
pub async fn case_summary(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(Incident, Vec<SystemRef>, Vec<TrackRecord>), AppError> {
    let (incident, _) = visible_case(state, principal, id).await?;
    let db = &state.db;
    let organisation_id = principal.organisation_id;
    Ok((
        incident,
        store::incident_systems(db, organisation_id, id).await?,
        store::tracks(db, organisation_id, id).await?,
    ))
}

pub async fn case(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<CaseDetail, AppError> {
    let (incident, unit_path) = visible_case(state, principal, id).await?;
    let db = &state.db;
    let organisation_id = principal.organisation_id;
    Ok(CaseDetail {
        systems: store::incident_systems(db, organisation_id, id).await?,
        tracks: store::tracks(db, organisation_id, id).await?,
        obligations: store::obligations(db, organisation_id, id).await?,
        entries: store::entries(db, organisation_id, id).await?,
        attachments: store::attachments(db, organisation_id, id).await?,
        risks: store::incident_risks(db, organisation_id, id).await?,
        measures: store::incident_measures(db, organisation_id, id).await?,
        settings: store::settings(db, organisation_id).await?,
        incident,
        unit_path,
    })
}

/// The head of operations' assessment of a case of their unit.
pub async fn assess(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &DeviationAssessmentInput<'_>,
) -> Result<Incident, AppError> {
    let (_, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::AssessDeviation, &path)?;
    let assessment = input.validate()?;
    Ok(store::record_assessment(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &assessment,
    )
    .await?)
}

/// The action that decides `track`.
pub fn assess_action(track: Track) -> Action {
    match track {
        Track::Cybersecurity => Action::AssessCybersecurity,
        Track::PersonalData => Action::AssessPersonalData,
        Track::PatientSafety => Action::AssessPatientSafety,
    }
}

/// The regime a case is judged by on `track`: the one in force when it happened.
pub fn regime_for(incident: &Incident, track: Track) -> Result<&'static Regime, AppError> {
    content()?
        .regime_for(track, incident.occurred_on)
        .ok_or_else(|| AppError::invalid("track", "no-regime"))
}

/// A track assessor's decision; the MAS/MAR may forward the material to the NIS
/// assessors with it (seed 000).
pub async fn decide(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &TrackAssessmentInput<'_>,
    forward_to_nis: bool,
) -> Result<TrackRecord, AppError> {
    let (incident, path) = visible_case(state, principal, id).await?;
    principal.require_at(assess_action(input.track), &path)?;
    let content = content()?;
    let now = Utc::now();
    let mut assessment = input.validate(incident.discovered_at, now, content.questions())?;
    assessment.awareness_at = assessment.awareness_at.map(truncate_to_micros);
    let regime = regime_for(&incident, input.track)?;
    let settings = store::settings(&state.db, principal.organisation_id).await?;
    let moments = ClockMoments {
        discovery: incident.discovered_at,
        awareness: assessment.awareness_at,
        decision: Some(tillit_store::now()),
    };
    let planned = plan(regime, assessment.decision, moments, &settings.targets);
    let forward_to = if forward_to_nis && input.track == Track::PatientSafety {
        vec![Track::Cybersecurity]
    } else {
        Vec::new()
    };
    let decision = TrackDecision {
        assessment,
        regime: regime.id.clone(),
        planned,
        forward_to,
    };
    Ok(store::decide_track(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &decision,
    )
    .await?)
}

/// The role that may mark reports of `regime` as submitted in this organisation.
pub fn reporter_role(regime: &Regime, settings: &Settings) -> Role {
    regime.reporting_role(Role::parse(&settings.reporting_mandate_role))
}

/// The recipient of `regime`'s reports in this organisation.
pub fn recipient(regime: &Regime, settings: &Settings) -> String {
    settings
        .recipients
        .get(&regime.id)
        .cloned()
        .unwrap_or_else(|| regime.recipient.clone())
}

/// Whether the principal may mark reports of `regime` as submitted for a case at the unit
/// whose path is `unit_path`.
pub fn may_submit(
    principal: &Principal,
    regime: &Regime,
    settings: &Settings,
    unit_path: &[i64],
) -> bool {
    holds_role_at(principal, reporter_role(regime, settings), unit_path)
}

/// A report as it was submitted, given by the reporter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubmissionInput<'a> {
    /// When it was submitted; now when not given.
    pub submitted_at: Option<DateTime<Utc>>,
    pub channel: &'a str,
    pub reference: &'a str,
    /// Submitted without every detail: the rest follows in phases (a supplement is owed).
    pub incomplete: bool,
}

fn validate_submission(
    input: &SubmissionInput<'_>,
    discovered_at: DateTime<Utc>,
) -> Result<Submission, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let channel =
        tillit_domain::validation::required_text(&mut errors, "channel", input.channel, 200);
    let reference = optional_text(&mut errors, "reference", input.reference, 200);
    let now = Utc::now();
    let submitted_at = input.submitted_at.unwrap_or(now);
    if submitted_at > now + Duration::minutes(5) {
        errors.add("submitted_at", "in-future");
    } else if submitted_at < discovered_at {
        errors.add("submitted_at", "before-discovery");
    }
    errors.finish(Submission {
        submitted_at: truncate_to_micros(submitted_at),
        channel,
        reference,
    })
}

/// Marks a report as submitted; only the reporting role of its regime may. Reports that
/// wait for this one start their clocks; an incomplete report adds its supplements, and
/// a progress report or final report changes the other's clock (see
/// [`after_submission`]).
pub async fn submit(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    obligation_id: i64,
    input: &SubmissionInput<'_>,
) -> Result<Obligation, AppError> {
    let (incident, path) = visible_case(state, principal, id).await?;
    let organisation_id = principal.organisation_id;
    let obligations = store::obligations(&state.db, organisation_id, id).await?;
    let obligation = obligations
        .iter()
        .find(|o| o.id == obligation_id)
        .ok_or(AppError::NotFound)?;
    let regime = content()?
        .regime(&obligation.regime)
        .ok_or_else(|| AppError::internal(format!("unknown regime {}", obligation.regime)))?;
    let settings = store::settings(&state.db, organisation_id).await?;
    if !may_submit(principal, regime, &settings, &path) {
        return Err(AppError::Forbidden);
    }
    let submission = validate_submission(input, incident.discovered_at)?;
    if input.incomplete && !may_be_incomplete(regime, &obligation.code) {
        return Err(AppError::invalid("incomplete", "invalid-choice"));
    }
    let changes = after_submission(
        regime,
        &obligation.code,
        submission.submitted_at,
        input.incomplete,
        incident.ended_at,
        &settings.targets,
    );
    let started: Vec<(i64, DateTime<Utc>)> = started_by(
        regime,
        &obligation.code,
        submission.submitted_at,
        &settings.targets,
    )
    .into_iter()
    .filter_map(|(code, due)| {
        obligations
            .iter()
            .find(|o| {
                o.is_open()
                    && o.starts_at.is_none()
                    && o.regime == obligation.regime
                    && o.code == code
            })
            .map(|o| (o.id, due))
    })
    .collect();
    let actor = principal.actor();
    let at = tillit_store::now();
    let mut tx = state.db.begin().await?;
    let submitted = store::submit_report_in(
        &mut tx,
        organisation_id,
        &actor,
        id,
        expected_version,
        &store::Submitted {
            obligation_id,
            submission: &submission,
            started: &started,
        },
        at,
    )
    .await?;
    let of = store::PhaseOf {
        incident_id: id,
        track: &obligation.track,
        regime: &obligation.regime,
    };
    store::change_clocks_in(&mut tx, organisation_id, &actor, of, &changes, at).await?;
    tx.commit().await?;
    Ok(submitted)
}

pub async fn follow_up(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &FollowUpInput<'_>,
) -> Result<Incident, AppError> {
    let (incident, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::ManageIncidents, &path)?;
    let began = incident.started_at.unwrap_or(incident.discovered_at);
    let mut draft = input.validate(began, Utc::now())?;
    draft.ended_at = draft.ended_at.map(truncate_to_micros);
    let organisation_id = principal.organisation_id;
    let actor = principal.actor();
    let at = tillit_store::now();
    let mut tx = state.db.begin().await?;
    let updated = store::update_follow_up_in(
        &mut tx,
        organisation_id,
        &actor,
        id,
        expected_version,
        &draft,
        at,
    )
    .await?;
    if let Some(ended) = draft.ended_at.filter(|e| incident.ended_at != Some(*e)) {
        let obligations = store::obligations_in(&mut tx, organisation_id, id).await?;
        for (track, regime) in regimes_of(&obligations) {
            let Some(rules) = content()?.regime(regime) else {
                continue;
            };
            let open: Vec<OpenReport<'_>> = obligations
                .iter()
                .filter(|o| o.is_open() && o.regime == regime)
                .map(|o| OpenReport {
                    code: &o.code,
                    clock_start: &o.clock_start,
                    due_at: o.due_at,
                })
                .collect();
            let changes = after_end(rules, &open, ended);
            let of = store::PhaseOf {
                incident_id: id,
                track,
                regime,
            };
            store::change_clocks_in(&mut tx, organisation_id, &actor, of, &changes, at).await?;
        }
    }
    tx.commit().await?;
    Ok(updated)
}

/// Each (track, regime) the case owes reports under, once.
fn regimes_of(obligations: &[Obligation]) -> Vec<(&str, &str)> {
    let mut regimes: Vec<(&str, &str)> = obligations
        .iter()
        .map(|o| (o.track.as_str(), o.regime.as_str()))
        .collect();
    regimes.sort_unstable();
    regimes.dedup();
    regimes
}

pub async fn close(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
) -> Result<Incident, AppError> {
    let (_, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::ManageIncidents, &path)?;
    Ok(store::close_incident(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
    )
    .await?)
}

pub async fn note(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    text: &str,
) -> Result<(), AppError> {
    let (_, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::ManageIncidents, &path)?;
    let mut errors = ValidationErrors::new();
    let text = tillit_domain::validation::required_text(&mut errors, "text", text, 8000);
    errors.finish(())?;
    Ok(store::add_note(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &text,
    )
    .await?)
}

/// The content type of an allowed file, by its extension.
pub fn attachment_type(file_name: &str) -> Option<&'static str> {
    let extension = file_name.rsplit_once('.')?.1.to_ascii_lowercase();
    ATTACHMENT_TYPES
        .iter()
        .find(|(ext, _)| *ext == extension)
        .map(|(_, content_type)| *content_type)
}

pub async fn attach(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    file_name: &str,
    content: &[u8],
) -> Result<Attachment, AppError> {
    let (_, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::ManageIncidents, &path)?;
    let file_name = file_name.trim();
    if file_name.is_empty() || content.is_empty() {
        return Err(AppError::invalid("file", "required"));
    }
    if content.len() > MAX_ATTACHMENT_BYTES {
        return Err(AppError::invalid("file", "file-too-large"));
    }
    let content_type =
        attachment_type(file_name).ok_or_else(|| AppError::invalid("file", "file-type"))?;
    let file = NewAttachment {
        file_name,
        content_type,
        content,
    };
    Ok(store::add_attachment(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &file,
    )
    .await?)
}

pub async fn attachment(
    state: &AppState,
    principal: &Principal,
    id: i64,
    attachment_id: i64,
) -> Result<AttachmentContent, AppError> {
    visible_case(state, principal, id).await?;
    Ok(store::attachment(&state.db, principal.organisation_id, id, attachment_id).await?)
}

pub async fn link_risk(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    risk_id: i64,
) -> Result<(), AppError> {
    let (_, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::ManageIncidents, &path)?;
    Ok(store::link_risk(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        risk_id,
    )
    .await?)
}

pub async fn link_measure(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    measure_id: i64,
) -> Result<(), AppError> {
    let (_, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::ManageIncidents, &path)?;
    Ok(store::link_measure(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        measure_id,
    )
    .await?)
}

/// What a new measure of the action plan takes over from the case: its title, root
/// cause and lessons, systems, the risks linked to it, and the unit's manager as
/// responsible (the principal when the unit has none), with the case's version.
#[derive(Debug, Clone)]
pub struct MeasurePrefill {
    pub designation: String,
    pub title: String,
    pub root_cause: String,
    pub lessons_learned: String,
    pub system_ids: Vec<i64>,
    pub risk_ids: Vec<i64>,
    pub responsible_id: i64,
    pub version: i64,
}

pub async fn measure_prefill(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<MeasurePrefill, AppError> {
    let (incident, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::ManageIncidents, &path)?;
    principal.require(Action::ManageRisks)?;
    let db = &state.db;
    let organisation_id = principal.organisation_id;
    let unit = org::get_unit(db, organisation_id, incident.unit_id).await?;
    Ok(MeasurePrefill {
        system_ids: store::incident_systems(db, organisation_id, id)
            .await?
            .iter()
            .map(|s| s.id)
            .collect(),
        risk_ids: store::incident_risks(db, organisation_id, id)
            .await?
            .iter()
            .map(|r| r.id)
            .collect(),
        responsible_id: unit.manager_id.unwrap_or(principal.user_id),
        designation: incident.designation,
        title: incident.title,
        root_cause: incident.root_cause,
        lessons_learned: incident.lessons_learned,
        version: incident.version,
    })
}

/// Creates a measure in the risk module's action plan from the case and links it to the
/// case, both or neither: the case must be open and at `expected_version`. Needs the
/// right to manage the case and the action plan.
pub async fn create_measure(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &MeasureInput<'_>,
) -> Result<Measure, AppError> {
    let (_, path) = visible_case(state, principal, id).await?;
    principal.require_at(Action::ManageIncidents, &path)?;
    principal.require(Action::ManageRisks)?;
    let method = crate::services::risk::method(state, principal).await?;
    let draft = input.validate(&method.matrix, crate::services::risk::today())?;
    Ok(store::create_measure_for_incident(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &draft,
        &method.matrix,
    )
    .await?)
}

/// Only the considered cases the principal may read: those of units where a role of
/// theirs reads incidents.
pub async fn visible_considered(
    state: &AppState,
    principal: &Principal,
    cases: Vec<ConsideredIncident>,
) -> Result<Vec<ConsideredIncident>, AppError> {
    if principal.grants.allows_everywhere(Action::ViewIncidents) {
        return Ok(cases);
    }
    let mut visible = Vec::new();
    for case in cases {
        let path = org::unit_path(&state.db, principal.organisation_id, case.unit_id).await?;
        if principal.grants.allows_at(Action::ViewIncidents, &path) {
            visible.push(case);
        }
    }
    Ok(visible)
}

/// The incident cases a risk analysis considered, as far as the principal may see them.
pub async fn considered(
    state: &AppState,
    principal: &Principal,
    analysis_id: i64,
) -> Result<Vec<ConsideredIncident>, AppError> {
    principal.require(Action::ViewRisks)?;
    let cases =
        tillit_store::risk::considered_incidents(&state.db, principal.organisation_id, analysis_id)
            .await?;
    visible_considered(state, principal, cases).await
}

/// The cases the principal may pick for an analysis: the latest they may see.
pub async fn considerable(
    state: &AppState,
    principal: &Principal,
    limit: i64,
) -> Result<Vec<IncidentRow>, AppError> {
    if !principal.can(Action::ViewIncidents) {
        return Ok(Vec::new());
    }
    Ok(list(state, principal, &IncidentFilter::default(), limit, 0)
        .await?
        .items)
}

/// Adds a case the analysis considered (`considered`), or removes one: by those who
/// manage risk work, for an analysis they may read and a case they may see, while the
/// analysis is a draft and at the version they saw.
pub async fn consider(
    state: &AppState,
    principal: &Principal,
    analysis_id: i64,
    expected_version: i64,
    incident_id: i64,
    considered: bool,
) -> Result<(), AppError> {
    crate::services::risk::analysis(state, principal, analysis_id).await?;
    principal.require(Action::ManageRisks)?;
    if considered {
        visible_case(state, principal, incident_id).await?;
    }
    Ok(tillit_store::risk::consider_incident(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        analysis_id,
        expected_version,
        incident_id,
        considered,
    )
    .await?)
}

/// The running clocks the principal may see, most urgent first.
pub async fn clocks(
    state: &AppState,
    principal: &Principal,
    limit: i64,
) -> Result<Vec<OpenClock>, AppError> {
    Ok(store::open_clocks(
        &state.db,
        principal.organisation_id,
        &ClockFilter {
            visibility: visibility(principal),
            due_before: None,
            limit,
        },
    )
    .await?)
}

pub async fn settings(state: &AppState, principal: &Principal) -> Result<Settings, AppError> {
    principal.require(Action::ViewIncidents)?;
    Ok(store::settings(&state.db, principal.organisation_id).await?)
}

/// The settings as given in the form or the API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsInput<'a> {
    pub reporting_mandate_role: &'a str,
    pub recipients: &'a BTreeMap<String, String>,
    pub targets: &'a BTreeMap<String, String>,
    pub reminder_points: &'a str,
}

fn validate_settings(input: &SettingsInput<'_>) -> Result<SettingsDraft, AppError> {
    let content = content()?;
    let mut errors = ValidationErrors::new();
    if Role::parse(input.reporting_mandate_role).is_none() {
        errors.add("reporting_mandate_role", "invalid-choice");
    }
    let mut recipients = BTreeMap::new();
    for (regime, recipient) in input.recipients {
        let field = format!("recipient-{regime}");
        if content.regime(regime).is_none() {
            errors.add(&field, "invalid-choice");
            continue;
        }
        let recipient = optional_text(&mut errors, &field, recipient, 200);
        if !recipient.is_empty() {
            recipients.insert(regime.clone(), recipient);
        }
    }
    let mut targets = BTreeMap::new();
    for (key, days) in input.targets {
        let field = format!("target-{key}");
        let known = key.split_once('/').is_some_and(|(regime, code)| {
            content
                .regime(regime)
                .and_then(|r| r.obligation(code))
                .is_some_and(|o| !o.deadline.is_legal())
        });
        if !known {
            errors.add(&field, "invalid-choice");
            continue;
        }
        if days.trim().is_empty() {
            continue;
        }
        match days.trim().parse::<u32>() {
            Ok(days) if (1..=365).contains(&days) => {
                targets.insert(key.clone(), days);
            }
            _ => errors.add(&field, "out-of-range"),
        }
    }
    let points = parse_reminder_points(input.reminder_points);
    if points.is_none() {
        errors.add("reminder_points", "invalid-choice");
    }
    errors
        .finish(SettingsDraft {
            reporting_mandate_role: input.reporting_mandate_role.to_owned(),
            recipients,
            targets,
            reminder_points: points
                .unwrap_or_default()
                .iter()
                .map(|p| p.as_code())
                .collect::<Vec<_>>()
                .join(", "),
        })
        .map_err(AppError::from)
}

pub async fn update_settings(
    state: &AppState,
    principal: &Principal,
    expected_version: i64,
    input: &SettingsInput<'_>,
) -> Result<Settings, AppError> {
    principal.require_everywhere(Action::ManageIncidentSettings)?;
    let draft = validate_settings(input)?;
    Ok(store::update_settings(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        expected_version,
        &draft,
    )
    .await?)
}

/// A report draft: what the recipient asks for, filled from the case.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ReportDraft {
    pub incident: String,
    pub regime: String,
    pub obligation: String,
    pub recipient: String,
    pub due_at: Option<DateTime<Utc>>,
    pub sources: Vec<String>,
    /// Field and value, in the order the obligation lists them.
    pub fields: Vec<(String, String)>,
}

/// The value of a report-draft field from the case.
fn field_value(field: &str, detail: &CaseDetail) -> String {
    let incident = &detail.incident;
    let track_detail = |key: &str| {
        detail
            .tracks
            .iter()
            .find_map(|t| t.details.get(key).cloned())
            .unwrap_or_default()
    };
    let answer = |key: &str| {
        detail
            .tracks
            .iter()
            .find_map(|t| t.answers.get(key).copied())
            .map(|yes| if yes { "yes" } else { "no" }.to_owned())
            .unwrap_or_default()
    };
    match field {
        "summary" => format!("{}\n\n{}", incident.title, incident.description),
        "affected_services" => detail
            .systems
            .iter()
            .map(|s| format!("{} {}", s.designation, s.name))
            .collect::<Vec<_>>()
            .join(", "),
        "incident_type" => incident.category.clone().unwrap_or_default(),
        "suspected_malicious" => answer("malicious"),
        "cross_border" => answer("cross-border"),
        "root_cause" => incident.root_cause.clone(),
        "measures_taken" => incident.measures_taken.clone(),
        "lessons_learned" => incident.lessons_learned.clone(),
        "dpo_contact" => detail
            .tracks
            .iter()
            .find(|t| t.track == Track::PersonalData.as_str())
            .and_then(|t| t.decided_by_label.clone())
            .unwrap_or_default(),
        other => track_detail(other),
    }
}

/// The draft of one report of the case, in the fields its recipient asks for.
pub async fn draft(
    state: &AppState,
    principal: &Principal,
    id: i64,
    obligation_id: i64,
) -> Result<(CaseDetail, ReportDraft, &'static ObligationRule), AppError> {
    let detail = case(state, principal, id).await?;
    let obligation = detail
        .obligations
        .iter()
        .find(|o| o.id == obligation_id)
        .ok_or(AppError::NotFound)?;
    let regime = content()?
        .regime(&obligation.regime)
        .ok_or(AppError::NotFound)?;
    let rule = regime
        .obligation(&obligation.code)
        .ok_or(AppError::NotFound)?;
    let draft = ReportDraft {
        incident: detail.incident.designation.clone(),
        regime: regime.id.clone(),
        obligation: rule.code.clone(),
        recipient: recipient(regime, &detail.settings),
        due_at: obligation.due_at,
        sources: rule.sources.clone(),
        fields: rule
            .fields
            .iter()
            .filter(|f| REPORT_FIELDS.contains(&f.as_str()))
            .map(|f| (f.clone(), field_value(f, &detail)))
            .collect(),
    };
    Ok((detail, draft, rule))
}

/// What the start page shows about incidents.
#[derive(Debug, Clone)]
pub struct StartStatus {
    /// The due time of every running clock, the earliest first.
    pub due_times: Vec<DateTime<Utc>>,
    pub urgent: Vec<OpenClock>,
    pub waiting: tillit_store::incidents::Waiting,
}

impl StartStatus {
    pub fn running(&self) -> usize {
        self.due_times.len()
    }

    /// Clocks whose due time has passed at `now`.
    pub fn overdue(&self, now: DateTime<Utc>) -> usize {
        self.due_times.partition_point(|due| *due < now)
    }
}

/// `None` for those who only see their own reports.
pub async fn start_status(
    state: &AppState,
    principal: &Principal,
) -> Result<Option<StartStatus>, AppError> {
    if !principal.can(Action::ViewIncidents) {
        return Ok(None);
    }
    let organisation_id = principal.organisation_id;
    let visibility = visibility(principal);
    Ok(Some(StartStatus {
        due_times: store::running_due_times(&state.db, organisation_id, &visibility).await?,
        urgent: clocks(state, principal, 5).await?,
        waiting: store::waiting(&state.db, organisation_id, &visibility).await?,
    }))
}

/// Whose cases the principal's statistics count: the whole organisation for a role that
/// reads incidents everywhere, otherwise the units the principal reads incidents for.
pub fn statistics_scope(principal: &Principal) -> StatisticsScope {
    match visibility(principal) {
        Visibility::All => StatisticsScope::Organisation,
        Visibility::Units { unit_ids, .. } => StatisticsScope::Units(unit_ids),
        Visibility::Own { .. } => StatisticsScope::Units(Vec::new()),
    }
}

/// The statistics of the cases that happened in `year` (the annual report reads the
/// same figures), of the units the principal reads incidents for.
pub async fn statistics(
    state: &AppState,
    principal: &Principal,
    year: i32,
) -> Result<tillit_store::incidents::Statistics, AppError> {
    principal.require(Action::ViewIncidents)?;
    let from = chrono::NaiveDate::from_ymd_opt(year, 1, 1)
        .ok_or_else(|| AppError::invalid("year", "out-of-range"))?;
    let until = chrono::NaiveDate::from_ymd_opt(year + 1, 1, 1)
        .ok_or_else(|| AppError::invalid("year", "out-of-range"))?;
    Ok(store::statistics(
        &state.db,
        principal.organisation_id,
        &statistics_scope(principal),
        from,
        until,
    )
    .await?)
}

/// The statistics as an XLSX workbook, one sheet per table.
pub async fn statistics_xlsx(
    statistics: tillit_store::incidents::Statistics,
    labels: StatisticsLabels,
) -> Result<Vec<u8>, AppError> {
    tokio::task::spawn_blocking(move || {
        let counts = |rows: &[tillit_store::incidents::Count]| {
            rows.iter()
                .map(|c| vec![c.label.clone(), c.count.to_string()])
                .collect::<Vec<_>>()
        };
        let mut summary = vec![
            vec![labels.total.clone(), statistics.total.to_string()],
            vec![
                labels.breaches_registered.clone(),
                statistics.breaches_registered.to_string(),
            ],
            vec![
                labels.breaches_reported.clone(),
                statistics.breaches_reported.to_string(),
            ],
        ];
        summary.extend(statistics.on_time.iter().map(|o| {
            vec![
                format!("{}: {}", labels.on_time, o.regime),
                format!("{} / {}", o.on_time, o.submitted),
            ]
        }));
        let sheet = |name: &'static str, header: [&'static str; 2], rows: Vec<Vec<String>>| {
            tillit_reports::Sheet {
                name,
                header: header.to_vec(),
                widths: vec![40.0, 12.0],
                rows: Box::new(rows.into_iter()),
            }
        };
        tillit_reports::write_xlsx(vec![
            sheet("Summary", ["figure", "value"], summary),
            sheet(
                "Category",
                ["category", "count"],
                counts(&statistics.by_category),
            ),
            sheet(
                "Track",
                ["track:status", "count"],
                counts(&statistics.by_track),
            ),
            sheet("Unit", ["unit", "count"], counts(&statistics.by_unit)),
            sheet("System", ["system", "count"], counts(&statistics.by_system)),
            sheet("Month", ["month", "count"], counts(&statistics.by_month)),
        ])
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)
}

/// The summary rows' labels, in the reader's language.
pub struct StatisticsLabels {
    pub total: String,
    pub breaches_registered: String,
    pub breaches_reported: String,
    pub on_time: String,
}
