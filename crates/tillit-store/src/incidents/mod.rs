//! Incidents: the one intake, the head of operations' assessment, a track per legal
//! regime with its obligations and clocks, the case's timeline and attachments, links
//! to risks and measures, and the organisation's reporting settings.
//!
//! The store keeps what the service decided: obligations arrive planned by the domain
//! (`tillit_domain::incident::plan`) with their due times, so the deadline scan is an
//! index range over open obligations.

mod bulk;
mod cases;
mod clocks;
mod links;
pub mod notices;
mod phases;
mod settings;
mod stats;
mod timeline;
mod tracks;

pub use bulk::{insert_incidents, NewIncident, NewTrack};
pub use cases::Reported;
pub use cases::{
    close_incident, close_incident_in, create_incident, create_incident_in, get_incident,
    incident_systems, list_incidents, record_assessment, record_assessment_in, update_follow_up,
    update_follow_up_in, version_in, waiting, FollowUp, Incident, IncidentFilter, IncidentRow,
    Visibility, Waiting,
};
pub use clocks::{
    obligations, obligations_in, open_clocks, running_due_times, start_clock_in, submit_report,
    submit_report_in, ClockFilter, Obligation, OpenClock, Submission, Submitted,
};
pub use links::{
    create_measure_for_incident, incident_measures, incident_risks, link_measure, link_risk,
    LinkedMeasure, LinkedRisk,
};
pub use phases::{change_clocks_in, PhaseOf};
pub use settings::{settings, update_settings, Settings, SettingsDraft};
pub use stats::{statistics, Count, OnTime, Statistics, StatisticsScope};
pub use timeline::{
    add_attachment, add_note, attachment, attachments, entries, Attachment, AttachmentContent,
    Entry, NewAttachment,
};
pub use tracks::{decide_track, decide_track_in, tracks, TrackDecision, TrackRecord};

use chrono::{DateTime, Utc};
use tillit_domain::ValidationErrors;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::Actor;

fn refused(field: &str, code: &'static str) -> StoreError {
    StoreError::Invalid(ValidationErrors::single(field, code))
}

/// Moves an open case to its next version: a stale `expected` is a conflict, a closed
/// case refuses every change.
async fn bump(
    tx: &mut Tx,
    organisation_id: i64,
    id: i64,
    expected: i64,
    at: DateTime<Utc>,
) -> Result<()> {
    let status = in_tx!(
        &mut *tx,
        fetch_optional,
        (String, i64),
        "SELECT status, version FROM incident WHERE id = $1 AND organisation_id = $2",
        id,
        organisation_id
    )?;
    match status {
        None => Err(StoreError::NotFound),
        Some((_, version)) if version != expected => Err(StoreError::Conflict),
        Some((status, _)) if status == "closed" => Err(refused("status", "incident-closed")),
        Some(_) => {
            let changed = exec_tx!(
                &mut *tx,
                "UPDATE incident SET version = version + 1, updated_at = $1 WHERE id = $2 AND organisation_id = $3 AND version = $4",
                at,
                id,
                organisation_id,
                expected
            )?;
            if changed == 0 {
                return Err(StoreError::Conflict);
            }
            Ok(())
        }
    }
}

/// An entry for the case's timeline.
struct NewEntry<'a> {
    kind: &'a str,
    text: &'a str,
    data: serde_json::Value,
}

/// Adds an entry to the case's timeline.
async fn log(
    tx: &mut Tx,
    organisation_id: i64,
    incident_id: i64,
    actor: &Actor,
    at: DateTime<Utc>,
    entry: NewEntry<'_>,
) -> Result<()> {
    exec_tx!(
        &mut *tx,
        "INSERT INTO incident_entry (organisation_id, incident_id, at, kind, actor_id, actor_label, text, data) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        organisation_id,
        incident_id,
        at,
        entry.kind,
        actor.user_id,
        actor.label.as_str(),
        entry.text,
        entry.data.to_string()
    )?;
    Ok(())
}

fn to_json<T: serde::Serialize>(value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))
}

fn from_json<T: serde::de::DeserializeOwned>(text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))
}
