//! The case itself: intake, the head of operations' assessment, follow-up and closing.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use serde_json::json;
use tillit_domain::incident::{
    close_blockers, DeviationAssessment, FollowUpDraft, IntakeDraft, Track, TrackState, TrackStatus,
};
use tillit_domain::search::{contains_pattern, fold};
use tillit_domain::ValidationErrors;

use super::tracks::escalate_in;
use super::{bump, log, NewEntry};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::designations;
use crate::error::{Result, StoreError};
use crate::references::{check_ids, unit_in_organisation, Referenced};
use crate::registers::SystemRef;
use crate::sql::{unit_subtree, Arg, Conditions};
use crate::{now, Actor, Page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Incident {
    pub id: i64,
    /// E.g. `AVV-0042`, never reused.
    pub designation: String,
    pub title: String,
    pub description: String,
    pub started_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    /// The Swedish date that decides which rules apply.
    pub occurred_on: NaiveDate,
    pub ended_at: Option<DateTime<Utc>>,
    pub unit_id: i64,
    pub unit_name: String,
    pub reported_by: Option<i64>,
    pub reported_by_label: String,
    /// `intake` (the form) or `api` (e.g. the IT service desk).
    pub source: String,
    pub care_disrupted: bool,
    pub personal_data: bool,
    pub patient_harm: bool,
    pub category: Option<String>,
    pub assessed_at: Option<DateTime<Utc>>,
    pub assessed_by_label: Option<String>,
    pub assessment: String,
    pub measures_taken: String,
    pub root_cause: String,
    pub lessons_learned: String,
    /// `open` or `closed`.
    pub status: String,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_by_label: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Incident {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

const SELECT: &str = "SELECT i.id, i.designation, i.title, i.description, i.started_at, i.discovered_at, \
    i.occurred_on, i.ended_at, i.unit_id, u.name AS unit_name, i.reported_by, i.reported_by_label, i.source, \
    i.care_disrupted, i.personal_data, i.patient_harm, i.category, i.assessed_at, i.assessed_by_label, \
    i.assessment, i.measures_taken, i.root_cause, i.lessons_learned, i.status, i.closed_at, i.closed_by_label, \
    i.version, i.created_at, i.updated_at FROM incident i JOIN org_unit u ON u.id = i.unit_id";

/// A case in a list: enough to see where it stands and what is due next.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IncidentRow {
    pub id: i64,
    pub designation: String,
    pub title: String,
    pub unit_id: i64,
    pub unit_name: String,
    pub status: String,
    pub category: Option<String>,
    pub discovered_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub assessed: bool,
    /// Each track's status, when the case runs on it.
    pub cybersecurity: Option<String>,
    pub personal_data: Option<String>,
    pub patient_safety: Option<String>,
    /// The earliest due time of a report not yet submitted.
    pub next_due: Option<DateTime<Utc>>,
}

const SELECT_ROW: &str = "SELECT i.id, i.designation, i.title, i.unit_id, u.name AS unit_name, i.status, i.category, \
    i.discovered_at, i.created_at, i.assessed_at IS NOT NULL AS assessed, \
    (SELECT t.status FROM incident_track t WHERE t.incident_id = i.id AND t.track = 'cybersecurity') AS cybersecurity, \
    (SELECT t.status FROM incident_track t WHERE t.incident_id = i.id AND t.track = 'personal_data') AS personal_data, \
    (SELECT t.status FROM incident_track t WHERE t.incident_id = i.id AND t.track = 'patient_safety') AS patient_safety, \
    (SELECT MIN(o.due_at) FROM incident_obligation o WHERE o.incident_id = i.id AND o.status = 'open') AS next_due \
    FROM incident i JOIN org_unit u ON u.id = i.unit_id";

/// Which cases a user may see.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Visibility {
    /// Every case of the organisation.
    All,
    /// Cases of these units and the units below them, and the user's own reports.
    Units { unit_ids: Vec<i64>, user_id: i64 },
    /// Only the user's own reports.
    Own { user_id: i64 },
}

/// Which cases to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IncidentFilter {
    pub search: Option<String>,
    /// `open` or `closed`.
    pub status: Option<String>,
    /// This unit and the units below it.
    pub unit_id: Option<i64>,
    pub track: Option<Track>,
    pub category: Option<String>,
    /// Only cases this user reported ("my cases").
    pub reported_by: Option<i64>,
    /// Only cases that happened from the first day up to (not including) the second.
    pub occurred_in: Option<(NaiveDate, NaiveDate)>,
    /// Only cases closed from the first time up to (not including) the second.
    pub closed_in: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Only cases with this outcome of their reporting.
    pub reported: Option<Reported>,
}

/// What became of a case's reporting, as the statistics count it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reported {
    /// A personal data breach documented (notified or not).
    Breach,
    /// A breach notified to IMY.
    Imy,
    /// Any report with a deadline submitted to an authority.
    Any,
}

impl Reported {
    pub fn parse(code: &str) -> Option<Self> {
        match code {
            "breach" => Some(Reported::Breach),
            "imy" => Some(Reported::Imy),
            "any" => Some(Reported::Any),
            _ => None,
        }
    }

    fn clause(self) -> &'static str {
        match self {
            Reported::Breach => {
                "EXISTS (SELECT 1 FROM incident_track t WHERE t.incident_id = i.id AND t.track = 'personal_data' \
                 AND t.status IN ('documented_only', 'reportable', 'reportable_high_risk'))"
            }
            Reported::Imy => {
                "EXISTS (SELECT 1 FROM incident_obligation o WHERE o.incident_id = i.id \
                 AND o.code = 'imy_notification' AND o.status = 'submitted')"
            }
            Reported::Any => {
                "EXISTS (SELECT 1 FROM incident_obligation o WHERE o.incident_id = i.id \
                 AND o.status = 'submitted' AND o.due_at IS NOT NULL)"
            }
        }
    }
}

fn subtree(placeholder: &str) -> String {
    format!("i.unit_id IN ({})", unit_subtree(placeholder))
}

pub(super) fn visible(conditions: &mut Conditions, visibility: &Visibility) {
    match visibility {
        Visibility::All => {}
        Visibility::Own { user_id } => conditions.and("i.reported_by = ?", Arg::Int(*user_id)),
        Visibility::Units { unit_ids, user_id } => {
            // Each unit adds its own placeholder; the user id comes last.
            let mut clauses = Vec::new();
            for unit in unit_ids {
                let placeholder = format!("${}", conditions.next_placeholder());
                conditions.push_arg(Arg::Int(*unit));
                clauses.push(subtree(&placeholder));
            }
            let placeholder = format!("${}", conditions.next_placeholder());
            conditions.push_arg(Arg::Int(*user_id));
            clauses.push(format!("i.reported_by = {placeholder}"));
            conditions.and_fixed(&format!("({})", clauses.join(" OR ")));
        }
    }
}

pub async fn list_incidents(
    db: &Db,
    organisation_id: i64,
    visibility: &Visibility,
    filter: &IncidentFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<IncidentRow>> {
    let mut conditions = Conditions::for_organisation("i.organisation_id", organisation_id);
    visible(&mut conditions, visibility);
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        conditions.and(
            "i.search_title LIKE CAST(? AS TEXT) ESCAPE '\\'",
            Arg::Text(contains_pattern(search)),
        );
    }
    if let Some(status) = &filter.status {
        conditions.and("i.status = ?", Arg::Text(status.clone()));
    }
    if let Some(unit) = filter.unit_id {
        conditions.and(&subtree("?"), Arg::Int(unit));
    }
    if let Some(track) = filter.track {
        conditions.and(
            "EXISTS (SELECT 1 FROM incident_track t WHERE t.incident_id = i.id AND t.track = ?)",
            Arg::Text(track.as_str().into()),
        );
    }
    if let Some(category) = &filter.category {
        conditions.and("i.category = ?", Arg::Text(category.clone()));
    }
    if let Some(user) = filter.reported_by {
        conditions.and("i.reported_by = ?", Arg::Int(user));
    }
    if let Some((from, until)) = filter.occurred_in {
        conditions.and("i.occurred_on >= ?", Arg::Date(from));
        conditions.and("i.occurred_on < ?", Arg::Date(until));
    }
    if let Some((from, until)) = filter.closed_in {
        conditions.and("i.closed_at >= ?", Arg::Time(from));
        conditions.and("i.closed_at < ?", Arg::Time(until));
    }
    if let Some(reported) = filter.reported {
        conditions.and_fixed(reported.clause());
    }
    let count_sql = format!("SELECT COUNT(*) FROM incident i WHERE {}", conditions.sql());
    let total = read_args!(db, fetch_one, (i64,), &count_sql, conditions.args_with([]))?.0;
    let (limit_offset, args) = conditions.limit_offset(limit, offset);
    let sql = format!(
        "{SELECT_ROW} WHERE {} ORDER BY i.created_at DESC, i.id DESC {limit_offset}",
        conditions.sql()
    );
    let items = read_args!(db, fetch_all, IncidentRow, &sql, args)?;
    Ok(Page { items, total })
}

pub async fn get_incident(db: &Db, organisation_id: i64, id: i64) -> Result<Incident> {
    let sql = format!("{SELECT} WHERE i.id = $1 AND i.organisation_id = $2");
    read!(db, fetch_optional, Incident, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

pub(super) async fn incident_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Incident> {
    let sql = format!("{SELECT} WHERE i.id = $1 AND i.organisation_id = $2");
    in_tx!(
        &mut *tx,
        fetch_optional,
        Incident,
        &sql,
        id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)
}

/// The systems the report names.
pub async fn incident_systems(db: &Db, organisation_id: i64, id: i64) -> Result<Vec<SystemRef>> {
    Ok(read!(
        db,
        fetch_all,
        SystemRef,
        "SELECT s.id, s.designation, s.name FROM incident_system x JOIN information_system s ON s.id = x.system_id \
         WHERE x.incident_id = $1 AND s.organisation_id = $2 ORDER BY s.designation",
        id,
        organisation_id
    )?)
}

/// Registers a reported deviation. Personal data goes to the data protection officer
/// at once, because the 72-hour clock runs from awareness.
pub async fn create_incident(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    source: &str,
    draft: &IntakeDraft,
) -> Result<Incident> {
    let mut tx = db.begin().await?;
    let incident =
        create_incident_in(&mut tx, organisation_id, actor, source, draft, now()).await?;
    tx.commit().await?;
    Ok(incident)
}

/// [`create_incident`] inside the caller's transaction, reported at `at`.
pub async fn create_incident_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    source: &str,
    draft: &IntakeDraft,
    at: DateTime<Utc>,
) -> Result<Incident> {
    let mut errors = ValidationErrors::new();
    if !unit_in_organisation(tx, organisation_id, draft.unit_id).await? {
        errors.add("unit_id", "unknown-reference");
    }
    check_ids(
        tx,
        &mut errors,
        organisation_id,
        Referenced::System,
        "system_ids",
        &draft.system_ids,
    )
    .await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let designation = designations::next(tx, organisation_id, "incident", "AVV").await?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO incident (organisation_id, designation, title, search_title, description, started_at, \
         discovered_at, occurred_on, unit_id, reported_by, reported_by_label, source, care_disrupted, personal_data, \
         patient_harm, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, 'open', $16, $16) RETURNING id",
        organisation_id,
        designation.as_str(),
        draft.title.as_str(),
        fold(&draft.title),
        draft.description.as_str(),
        draft.started_at,
        draft.discovered_at,
        draft.occurred_on(),
        draft.unit_id,
        actor.user_id,
        actor.label.as_str(),
        source,
        draft.care_disrupted,
        draft.personal_data,
        draft.patient_harm,
        at
    )?;
    for system_id in &draft.system_ids {
        exec_tx!(
            &mut *tx,
            "INSERT INTO incident_system (incident_id, system_id) VALUES ($1, $2)",
            id,
            system_id
        )?;
    }
    log(
        tx,
        organisation_id,
        id,
        actor,
        at,
        NewEntry {
            kind: "reported",
            text: &draft.description,
            data: json!({
                "care_disrupted": draft.care_disrupted,
                "personal_data": draft.personal_data,
                "patient_harm": draft.patient_harm,
                "source": source,
            }),
        },
    )
    .await?;
    if draft.personal_data {
        escalate_in(tx, organisation_id, id, Track::PersonalData, actor, at).await?;
    }
    let incident = incident_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "incident", id).after(&incident),
    )
    .await?;
    Ok(incident)
}

/// Records the head of operations' assessment and escalates the tracks it names.
/// A later assessment replaces the text; escalations are only ever added.
pub async fn record_assessment(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    assessment: &DeviationAssessment,
) -> Result<Incident> {
    let mut tx = db.begin().await?;
    let incident = record_assessment_in(
        &mut tx,
        organisation_id,
        actor,
        id,
        expected_version,
        assessment,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(incident)
}

pub async fn record_assessment_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    assessment: &DeviationAssessment,
    at: DateTime<Utc>,
) -> Result<Incident> {
    let before = incident_tx(tx, organisation_id, id).await?;
    bump(tx, organisation_id, id, expected_version, at).await?;
    exec_tx!(
        &mut *tx,
        "UPDATE incident SET category = $1, assessment = $2, measures_taken = $3, assessed_at = $4, \
         assessed_by_label = $5 WHERE id = $6 AND organisation_id = $7",
        assessment.category.as_str(),
        assessment.reasoning.as_str(),
        assessment.measures_taken.as_str(),
        at,
        actor.label.as_str(),
        id,
        organisation_id
    )?;
    log(
        tx,
        organisation_id,
        id,
        actor,
        at,
        NewEntry {
            kind: "assessed",
            text: &assessment.reasoning,
            data: json!({
                "category": assessment.category.as_str(),
                "escalate": assessment.escalate.iter().map(|t| t.as_str()).collect::<Vec<_>>(),
            }),
        },
    )
    .await?;
    for track in &assessment.escalate {
        escalate_in(tx, organisation_id, id, *track, actor, at).await?;
    }
    let after = incident_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "assess", "incident", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(after)
}

/// What the case learned: root cause, lessons, measures taken and when it ended.
pub type FollowUp = FollowUpDraft;

pub async fn update_follow_up(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    follow_up: &FollowUp,
) -> Result<Incident> {
    let mut tx = db.begin().await?;
    let incident = update_follow_up_in(
        &mut tx,
        organisation_id,
        actor,
        id,
        expected_version,
        follow_up,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(incident)
}

pub async fn update_follow_up_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    follow_up: &FollowUp,
    at: DateTime<Utc>,
) -> Result<Incident> {
    let before = incident_tx(tx, organisation_id, id).await?;
    bump(tx, organisation_id, id, expected_version, at).await?;
    exec_tx!(
        &mut *tx,
        "UPDATE incident SET root_cause = $1, lessons_learned = $2, measures_taken = $3, ended_at = $4 \
         WHERE id = $5 AND organisation_id = $6",
        follow_up.root_cause.as_str(),
        follow_up.lessons_learned.as_str(),
        follow_up.measures_taken.as_str(),
        follow_up.ended_at,
        id,
        organisation_id
    )?;
    log(tx, organisation_id, id, actor, at, NewEntry { kind: "follow_up", text: &follow_up.lessons_learned, data: json!({ "root_cause": follow_up.root_cause, "measures_taken": follow_up.measures_taken }) })
    .await?;
    let after = incident_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "incident", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(after)
}

/// Closes the case once the close check finds nothing open; otherwise every reason is
/// returned on the field `close`.
pub async fn close_incident(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<Incident> {
    let mut tx = db.begin().await?;
    let incident =
        close_incident_in(&mut tx, organisation_id, actor, id, expected_version, now()).await?;
    tx.commit().await?;
    Ok(incident)
}

pub async fn close_incident_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    at: DateTime<Utc>,
) -> Result<Incident> {
    let before = incident_tx(tx, organisation_id, id).await?;
    // Refuses a stale version or a closed case; undone with the transaction if the
    // close check refuses below.
    bump(tx, organisation_id, id, expected_version, at).await?;
    let states = track_states(tx, id).await?;
    let blockers = close_blockers(
        before.assessed_at.is_some(),
        &states,
        &before.root_cause,
        &before.lessons_learned,
    );
    if !blockers.is_empty() {
        let mut errors = ValidationErrors::new();
        for code in blockers {
            errors.add("close", code);
        }
        return Err(errors.into());
    }
    exec_tx!(
        &mut *tx,
        "UPDATE incident SET status = 'closed', closed_at = $1, closed_by_label = $2 WHERE id = $3 AND organisation_id = $4",
        at,
        actor.label.as_str(),
        id,
        organisation_id
    )?;
    log(
        tx,
        organisation_id,
        id,
        actor,
        at,
        NewEntry {
            kind: "closed",
            text: "",
            data: json!({}),
        },
    )
    .await?;
    let after = incident_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "close", "incident", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(after)
}

/// Each track's status and how many of its reports are still open.
async fn track_states(tx: &mut Tx, incident_id: i64) -> Result<Vec<TrackState>> {
    let rows = in_tx!(
        &mut *tx,
        fetch_all,
        (String, String, i64),
        "SELECT t.track, t.status, (SELECT COUNT(*) FROM incident_obligation o WHERE o.incident_id = t.incident_id \
         AND o.track = t.track AND o.status = 'open') FROM incident_track t WHERE t.incident_id = $1",
        incident_id
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|(track, status, open)| {
            Some(TrackState {
                track: Track::parse(&track)?,
                status: TrackStatus::parse(&status)?,
                open_obligations: usize::try_from(open).unwrap_or(usize::MAX),
            })
        })
        .collect())
}

/// What waits for an assessment among the open cases a user may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiting {
    /// Open cases the head of operations has not assessed.
    pub unassessed: i64,
    /// Escalated tracks waiting for their assessor, by track.
    pub escalated: Vec<(String, i64)>,
}

pub async fn waiting(db: &Db, organisation_id: i64, visibility: &Visibility) -> Result<Waiting> {
    let mut conditions = Conditions::for_organisation("i.organisation_id", organisation_id);
    conditions.and_fixed("i.status = 'open'");
    visible(&mut conditions, visibility);
    let sql = format!(
        "SELECT COUNT(*) FROM incident i WHERE {} AND i.assessed_at IS NULL",
        conditions.sql()
    );
    let unassessed = read_args!(db, fetch_one, (i64,), &sql, conditions.args_with([]))?.0;
    let sql = format!(
        "SELECT t.track, COUNT(*) FROM incident_track t JOIN incident i ON i.id = t.incident_id \
         WHERE {} AND t.status = 'escalated' GROUP BY t.track ORDER BY t.track",
        conditions.sql()
    );
    let escalated = read_args!(db, fetch_all, (String, i64), &sql, conditions.args_with([]))?;
    Ok(Waiting {
        unassessed,
        escalated,
    })
}

/// The case's current version, inside the caller's transaction.
pub async fn version_in(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<i64> {
    in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        i64,
        "SELECT version FROM incident WHERE id = $1 AND organisation_id = $2",
        id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)
}
