//! The reports a case owes, their clocks, and marking a report as submitted.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;

use super::cases::{visible, Visibility};
use super::{bump, log, refused, NewEntry};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::sql::{Arg, Conditions};
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Obligation {
    pub id: i64,
    pub incident_id: i64,
    pub track: String,
    pub regime: String,
    pub code: String,
    /// `discovery`, `awareness`, `decision` or `after:<code>`.
    pub clock_start: String,
    /// `None` while the clock waits for another report.
    pub starts_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
    /// `open` or `submitted`.
    pub status: String,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by_label: Option<String>,
    pub channel: Option<String>,
    pub reference: Option<String>,
}

impl Obligation {
    pub fn is_open(&self) -> bool {
        self.status == "open"
    }
}

const SELECT: &str = "SELECT o.id, o.incident_id, o.track, o.regime, o.code, o.clock_start, o.starts_at, o.due_at, \
    o.status, o.submitted_at, o.submitted_by_label, o.channel, o.reference FROM incident_obligation o";

/// Every report the case owes or has submitted, by track and then clock.
pub async fn obligations(
    db: &Db,
    organisation_id: i64,
    incident_id: i64,
) -> Result<Vec<Obligation>> {
    let sql = format!(
        "{SELECT} WHERE o.incident_id = $1 AND o.organisation_id = $2 ORDER BY o.track, o.id"
    );
    Ok(read!(
        db,
        fetch_all,
        Obligation,
        &sql,
        incident_id,
        organisation_id
    )?)
}

/// [`obligations`] inside the caller's transaction.
pub async fn obligations_in(
    tx: &mut Tx,
    organisation_id: i64,
    incident_id: i64,
) -> Result<Vec<Obligation>> {
    let sql = format!(
        "{SELECT} WHERE o.incident_id = $1 AND o.organisation_id = $2 ORDER BY o.track, o.id"
    );
    Ok(in_tx!(
        &mut *tx,
        fetch_all,
        Obligation,
        &sql,
        incident_id,
        organisation_id
    )?)
}

/// How a report was submitted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Submission {
    pub submitted_at: DateTime<Utc>,
    /// E.g. the authority's e-service, phone, post.
    pub channel: String,
    /// The recipient's reference number, when it gave one.
    pub reference: String,
}

/// A report marked as submitted, and the clocks that start with it: each waiting
/// obligation's id and its due time counted from the submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submitted<'a> {
    pub obligation_id: i64,
    pub submission: &'a Submission,
    pub started: &'a [(i64, DateTime<Utc>)],
}

/// Marks the report submitted and starts the clocks that wait for it.
pub async fn submit_report(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    submitted: &Submitted<'_>,
) -> Result<Obligation> {
    let mut tx = db.begin().await?;
    let obligation = submit_report_in(
        &mut tx,
        organisation_id,
        actor,
        incident_id,
        expected_version,
        submitted,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(obligation)
}

pub async fn submit_report_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    submitted: &Submitted<'_>,
    at: DateTime<Utc>,
) -> Result<Obligation> {
    let Submitted {
        obligation_id,
        submission,
        started,
    } = *submitted;
    let sql = format!("{SELECT} WHERE o.id = $1 AND o.incident_id = $2 AND o.organisation_id = $3");
    let before = in_tx!(
        &mut *tx,
        fetch_optional,
        Obligation,
        &sql,
        obligation_id,
        incident_id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)?;
    if !before.is_open() {
        return Err(refused("obligation", "already-submitted"));
    }
    bump(tx, organisation_id, incident_id, expected_version, at).await?;
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE incident_obligation SET status = 'submitted', submitted_at = $1, submitted_by = $2, \
         submitted_by_label = $3, channel = $4, reference = $5 WHERE id = $6 AND status = 'open'",
        submission.submitted_at,
        actor.user_id,
        actor.label.as_str(),
        submission.channel.as_str(),
        submission.reference.as_str(),
        obligation_id
    )?;
    if changed == 0 {
        return Err(refused("obligation", "already-submitted"));
    }
    for (waiting, due_at) in started {
        start_clock_in(tx, incident_id, *waiting, submission.submitted_at, *due_at).await?;
    }
    log(
        tx,
        organisation_id,
        incident_id,
        actor,
        at,
        NewEntry {
            kind: "submitted",
            text: &submission.reference,
            data: json!({
                "obligation": before.code,
                "regime": before.regime,
                "channel": submission.channel,
                "submitted_at": submission.submitted_at,
            }),
        },
    )
    .await?;
    let after = in_tx!(
        &mut *tx,
        fetch_one,
        Obligation,
        &sql,
        obligation_id,
        incident_id,
        organisation_id
    )?;
    audit::append(
        tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "submit",
            "incident_obligation",
            obligation_id,
        )
        .before(&before)
        .after(&after),
    )
    .await?;
    Ok(after)
}

/// Starts a waiting clock of the case at `starts_at`.
pub async fn start_clock_in(
    tx: &mut Tx,
    incident_id: i64,
    obligation_id: i64,
    starts_at: DateTime<Utc>,
    due_at: DateTime<Utc>,
) -> Result<()> {
    exec_tx!(
        &mut *tx,
        "UPDATE incident_obligation SET starts_at = $1, due_at = $2 WHERE id = $3 AND incident_id = $4 \
         AND status = 'open' AND starts_at IS NULL",
        starts_at,
        due_at,
        obligation_id,
        incident_id
    )?;
    Ok(())
}

/// A running clock: an open report with a due time, and its case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OpenClock {
    pub obligation_id: i64,
    pub incident_id: i64,
    pub designation: String,
    pub title: String,
    pub unit_id: i64,
    pub track: String,
    pub regime: String,
    pub code: String,
    pub starts_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
}

/// Which running clocks to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClockFilter {
    pub visibility: Visibility,
    /// Only clocks due before this moment.
    pub due_before: Option<DateTime<Utc>>,
    pub limit: i64,
}

/// Running clocks, the most urgent first: one index range over open obligations.
pub async fn open_clocks(
    db: &Db,
    organisation_id: i64,
    filter: &ClockFilter,
) -> Result<Vec<OpenClock>> {
    let mut conditions = Conditions::for_organisation("o.organisation_id", organisation_id);
    conditions.and_fixed("o.status = 'open' AND o.due_at IS NOT NULL");
    visible(&mut conditions, &filter.visibility);
    if let Some(before) = filter.due_before {
        conditions.and("o.due_at < ?", Arg::Time(before));
    }
    let next = conditions.next_placeholder();
    let sql = format!(
        "SELECT o.id AS obligation_id, o.incident_id, i.designation, i.title, i.unit_id, o.track, o.regime, o.code, \
         o.starts_at, o.due_at FROM incident_obligation o JOIN incident i ON i.id = o.incident_id \
         WHERE {} ORDER BY o.due_at, o.id LIMIT ${next}",
        conditions.sql()
    );
    Ok(read_args!(
        db,
        fetch_all,
        OpenClock,
        &sql,
        conditions.args_with([Arg::Int(filter.limit)])
    )?)
}

/// The due times of every running clock a user may see, the earliest first. How many
/// of them are overdue depends on the moment asked, so callers count that themselves.
pub async fn running_due_times(
    db: &Db,
    organisation_id: i64,
    visibility: &Visibility,
) -> Result<Vec<DateTime<Utc>>> {
    let mut conditions = Conditions::for_organisation("o.organisation_id", organisation_id);
    conditions.and_fixed("o.status = 'open' AND o.due_at IS NOT NULL");
    // Only a scoped view needs the case's unit and reporter.
    let from = if *visibility == Visibility::All {
        "incident_obligation o"
    } else {
        visible(&mut conditions, visibility);
        "incident_obligation o JOIN incident i ON i.id = o.incident_id"
    };
    let sql = format!(
        "SELECT o.due_at FROM {from} WHERE {} ORDER BY o.due_at",
        conditions.sql()
    );
    let rows = read_args!(
        db,
        fetch_all,
        (DateTime<Utc>,),
        &sql,
        conditions.args_with([])
    )?;
    Ok(rows.into_iter().map(|(due,)| due).collect())
}
