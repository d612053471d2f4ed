//! Many cases at once, for the large dataset: multi-row statements for the cases, their
//! systems, tracks, reports and first timeline entries, and an audit event per case.

use chrono::{DateTime, Utc};
use serde_json::json;
use tillit_domain::incident::{Category, IntakeDraft, PlannedObligation, Track, TrackStatus};
use tillit_domain::search::fold;

use crate::audit::{self, NewEvent};
use crate::batch::{execute, fetch, insert_pairs, values_sql, Value, ROWS_PER_STATEMENT};
use crate::db::Tx;
use crate::designations;
use crate::error::Result;
use crate::{truncate_to_micros, Actor};

/// A case to load, as far as it has come.
#[derive(Debug, Clone)]
pub struct NewIncident {
    pub draft: IntakeDraft,
    pub reported_at: DateTime<Utc>,
    pub reporter_label: String,
    /// `intake` or `api`.
    pub source: &'static str,
    /// The head of operations' assessment: category, reasoning, when and by whom.
    pub assessment: Option<(Category, String, DateTime<Utc>, String)>,
    /// Root cause and lessons learned, when the case is closed at the given time.
    pub closed: Option<(String, String, DateTime<Utc>)>,
    pub tracks: Vec<NewTrack>,
}

/// A track of a loaded case with its decision and reports.
#[derive(Debug, Clone)]
pub struct NewTrack {
    pub track: Track,
    pub regime: String,
    pub status: TrackStatus,
    pub escalated_at: DateTime<Utc>,
    /// When and by whom it was decided, unless it still waits.
    pub decided: Option<(DateTime<Utc>, String)>,
    pub awareness_at: Option<DateTime<Utc>>,
    pub planned: Vec<PlannedObligation>,
    /// Reports submitted, by code, and when.
    pub submitted: Vec<(String, DateTime<Utc>)>,
}

#[derive(sqlx::FromRow)]
struct Inserted {
    id: i64,
}

/// Inserts the cases in chunks; returns their ids in order.
pub async fn insert_incidents(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    rows: &[NewIncident],
) -> Result<Vec<i64>> {
    let designations =
        designations::reserve(tx, organisation_id, "incident", "AVV", rows.len()).await?;
    let mut ids = Vec::with_capacity(rows.len());
    for (chunk, chunk_designations) in rows
        .chunks(ROWS_PER_STATEMENT)
        .zip(designations.chunks(ROWS_PER_STATEMENT))
    {
        let sql = format!(
            "INSERT INTO incident (organisation_id, designation, title, search_title, description, started_at, \
             discovered_at, occurred_on, unit_id, reported_by_label, source, care_disrupted, personal_data, \
             patient_harm, category, assessed_at, assessed_by_label, assessment, root_cause, lessons_learned, \
             status, closed_at, closed_by_label, created_at, updated_at) VALUES {} RETURNING id",
            values_sql(
                "($1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                chunk.len(),
                1
            )
        );
        let mut values = vec![Value::Int(organisation_id)];
        for (row, designation) in chunk.iter().zip(chunk_designations) {
            let draft = &row.draft;
            let reported = truncate_to_micros(row.reported_at);
            let assessment = row.assessment.as_ref();
            let closed = row.closed.as_ref();
            values.extend([
                Value::Text(designation),
                Value::Text(&draft.title),
                Value::Owned(fold(&draft.title)),
                Value::Text(&draft.description),
                Value::OptTime(draft.started_at.map(truncate_to_micros)),
                Value::Time(truncate_to_micros(draft.discovered_at)),
                Value::Date(draft.occurred_on()),
                Value::Int(draft.unit_id),
                Value::Text(&row.reporter_label),
                Value::Text(row.source),
                Value::Bool(draft.care_disrupted),
                Value::Bool(draft.personal_data),
                Value::Bool(draft.patient_harm),
                Value::OptText(assessment.map(|a| a.0.as_str())),
                Value::OptTime(assessment.map(|a| truncate_to_micros(a.2))),
                Value::OptText(assessment.map(|a| a.3.as_str())),
                Value::Text(assessment.map(|a| a.1.as_str()).unwrap_or("")),
                Value::Text(closed.map(|c| c.0.as_str()).unwrap_or("")),
                Value::Text(closed.map(|c| c.1.as_str()).unwrap_or("")),
                Value::Text(if closed.is_some() { "closed" } else { "open" }),
                Value::OptTime(closed.map(|c| truncate_to_micros(c.2))),
                Value::OptText(closed.and(assessment).map(|a| a.3.as_str())),
                Value::Time(reported),
                Value::Time(closed.map(|c| truncate_to_micros(c.2)).unwrap_or(reported)),
            ]);
        }
        let chunk_ids: Vec<i64> = fetch::<Inserted>(tx, &sql, &values)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect();
        let links: Vec<(i64, i64)> = chunk
            .iter()
            .zip(&chunk_ids)
            .flat_map(|(row, id)| row.draft.system_ids.iter().map(move |s| (*id, *s)))
            .collect();
        insert_pairs(tx, "incident_system (incident_id, system_id)", &links).await?;
        insert_entries(tx, organisation_id, chunk, &chunk_ids).await?;
        insert_tracks(tx, organisation_id, chunk, &chunk_ids).await?;
        for ((row, designation), id) in chunk.iter().zip(chunk_designations).zip(&chunk_ids) {
            audit::append(
                tx,
                actor,
                NewEvent::new(Some(organisation_id), "create", "incident", *id).after(&json!({
                    "designation": designation,
                    "title": row.draft.title,
                    "unit_id": row.draft.unit_id,
                    "source": row.source,
                })),
            )
            .await?;
        }
        ids.extend(chunk_ids);
    }
    Ok(ids)
}

/// The "reported" entry that starts each case's timeline.
async fn insert_entries(
    tx: &mut Tx,
    organisation_id: i64,
    chunk: &[NewIncident],
    ids: &[i64],
) -> Result<()> {
    let sql = format!(
        "INSERT INTO incident_entry (organisation_id, incident_id, at, kind, actor_label, text, data) VALUES {}",
        values_sql("($1, ?, ?, 'reported', ?, ?, '{}')", chunk.len(), 1)
    );
    let mut values = vec![Value::Int(organisation_id)];
    for (row, id) in chunk.iter().zip(ids) {
        values.extend([
            Value::Int(*id),
            Value::Time(truncate_to_micros(row.reported_at)),
            Value::Text(&row.reporter_label),
            Value::Text(&row.draft.description),
        ]);
    }
    execute(tx, &sql, &values).await
}

async fn insert_tracks(
    tx: &mut Tx,
    organisation_id: i64,
    chunk: &[NewIncident],
    ids: &[i64],
) -> Result<()> {
    let tracks: Vec<(i64, &NewTrack)> = chunk
        .iter()
        .zip(ids)
        .flat_map(|(row, id)| row.tracks.iter().map(move |t| (*id, t)))
        .collect();
    for part in tracks.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO incident_track (organisation_id, incident_id, track, regime, status, escalated_at, \
             escalated_by_label, decided_at, decided_by_label, awareness_at, reasoning) VALUES {}",
            values_sql("($1, ?, ?, ?, ?, ?, 'demo', ?, ?, ?, ?)", part.len(), 1)
        );
        let mut values = vec![Value::Int(organisation_id)];
        for (id, track) in part {
            let decided = track.decided.as_ref();
            values.extend([
                Value::Int(*id),
                Value::Text(track.track.as_str()),
                Value::OptText(decided.map(|_| track.regime.as_str())),
                Value::Text(track.status.as_str()),
                Value::Time(truncate_to_micros(track.escalated_at)),
                Value::OptTime(decided.map(|d| truncate_to_micros(d.0))),
                Value::OptText(decided.map(|d| d.1.as_str())),
                Value::OptTime(track.awareness_at.map(truncate_to_micros)),
                Value::Text(if decided.is_some() {
                    "Bedömd enligt regionens rutin."
                } else {
                    ""
                }),
            ]);
        }
        execute(tx, &sql, &values).await?;
    }
    let obligations: Vec<(i64, &NewTrack, &PlannedObligation)> = tracks
        .iter()
        .flat_map(|(id, t)| t.planned.iter().map(move |p| (*id, *t, p)))
        .collect();
    for part in obligations.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO incident_obligation (organisation_id, incident_id, track, regime, code, clock_start, \
             starts_at, due_at, status, submitted_at, submitted_by_label, channel) VALUES {}",
            values_sql("($1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", part.len(), 1)
        );
        let mut values = vec![Value::Int(organisation_id)];
        for (id, track, planned) in part {
            let submitted = track
                .submitted
                .iter()
                .find(|(code, _)| code == &planned.code)
                .map(|(_, at)| truncate_to_micros(*at));
            values.extend([
                Value::Int(*id),
                Value::Text(track.track.as_str()),
                Value::Text(&track.regime),
                Value::Text(&planned.code),
                Value::Text(&planned.clock_start),
                Value::OptTime(planned.starts_at.map(truncate_to_micros)),
                Value::OptTime(planned.due_at.map(truncate_to_micros)),
                Value::Text(if submitted.is_some() {
                    "submitted"
                } else {
                    "open"
                }),
                Value::OptTime(submitted),
                Value::OptText(submitted.map(|_| "demo")),
                Value::OptText(submitted.map(|_| "e-tjänst")),
            ]);
        }
        execute(tx, &sql, &values).await?;
    }
    Ok(())
}
