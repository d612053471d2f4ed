//! The tracks of a case: escalation to an assessor and the assessor's decision, which
//! plans the reports the track owes.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use tillit_domain::incident::{PlannedObligation, Track, TrackAssessment};

use super::cases::incident_tx;
use super::{bump, from_json, log, refused, to_json, NewEntry};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackRecord {
    pub id: i64,
    pub track: String,
    /// The regime the decision was made under, once decided.
    pub regime: Option<String>,
    pub status: String,
    pub escalated_at: DateTime<Utc>,
    pub escalated_by_label: String,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_label: Option<String>,
    pub awareness_at: Option<DateTime<Utc>>,
    pub reasoning: String,
    pub consulted: String,
    pub answers: BTreeMap<String, bool>,
    pub details: BTreeMap<String, String>,
}

#[derive(sqlx::FromRow)]
struct TrackRow {
    id: i64,
    track: String,
    regime: Option<String>,
    status: String,
    escalated_at: DateTime<Utc>,
    escalated_by_label: String,
    decided_at: Option<DateTime<Utc>>,
    decided_by_label: Option<String>,
    awareness_at: Option<DateTime<Utc>>,
    reasoning: String,
    consulted: String,
    answers: String,
    details: String,
}

impl TryFrom<TrackRow> for TrackRecord {
    type Error = crate::StoreError;

    fn try_from(row: TrackRow) -> Result<Self> {
        Ok(TrackRecord {
            id: row.id,
            track: row.track,
            regime: row.regime,
            status: row.status,
            escalated_at: row.escalated_at,
            escalated_by_label: row.escalated_by_label,
            decided_at: row.decided_at,
            decided_by_label: row.decided_by_label,
            awareness_at: row.awareness_at,
            reasoning: row.reasoning,
            consulted: row.consulted,
            answers: from_json(&row.answers)?,
            details: from_json(&row.details)?,
        })
    }
}

const SELECT: &str = "SELECT t.id, t.track, t.regime, t.status, t.escalated_at, t.escalated_by_label, t.decided_at, \
    t.decided_by_label, t.awareness_at, t.reasoning, t.consulted, t.answers, t.details FROM incident_track t";

/// The case's tracks in a fixed order: cybersecurity, personal data, patient safety.
pub async fn tracks(db: &Db, organisation_id: i64, incident_id: i64) -> Result<Vec<TrackRecord>> {
    let sql = format!("{SELECT} WHERE t.incident_id = $1 AND t.organisation_id = $2");
    let mut records = read!(db, fetch_all, TrackRow, &sql, incident_id, organisation_id)?
        .into_iter()
        .map(TrackRecord::try_from)
        .collect::<Result<Vec<_>>>()?;
    records.sort_by_key(|r| Track::parse(&r.track));
    Ok(records)
}

/// Escalates the case on `track` unless it already runs on it; returns whether it did.
pub(super) async fn escalate_in(
    tx: &mut Tx,
    organisation_id: i64,
    incident_id: i64,
    track: Track,
    actor: &Actor,
    at: DateTime<Utc>,
) -> Result<bool> {
    let exists = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        i64,
        "SELECT id FROM incident_track WHERE incident_id = $1 AND track = $2",
        incident_id,
        track.as_str()
    )?;
    if exists.is_some() {
        return Ok(false);
    }
    exec_tx!(
        &mut *tx,
        "INSERT INTO incident_track (organisation_id, incident_id, track, status, escalated_at, escalated_by_label) \
         VALUES ($1, $2, $3, 'escalated', $4, $5)",
        organisation_id,
        incident_id,
        track.as_str(),
        at,
        actor.label.as_str()
    )?;
    log(
        tx,
        organisation_id,
        incident_id,
        actor,
        at,
        NewEntry {
            kind: "escalated",
            text: "",
            data: json!({ "track": track.as_str() }),
        },
    )
    .await?;
    Ok(true)
}

/// An assessor's decision with the reports it plans and the tracks it passes the case on to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackDecision {
    pub assessment: TrackAssessment,
    /// The regime in force when the incident happened.
    pub regime: String,
    pub planned: Vec<PlannedObligation>,
    /// E.g. the MAS/MAR forwarding the material to the NIS assessors.
    pub forward_to: Vec<Track>,
}

pub async fn decide_track(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    decision: &TrackDecision,
) -> Result<TrackRecord> {
    let mut tx = db.begin().await?;
    let record = decide_track_in(
        &mut tx,
        organisation_id,
        actor,
        incident_id,
        expected_version,
        decision,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(record)
}

/// Records the decision on the track (escalating it first if nobody had). A track whose
/// reports have been submitted keeps its decision; otherwise the open reports are
/// replaced by the new plan.
pub async fn decide_track_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    decision: &TrackDecision,
    at: DateTime<Utc>,
) -> Result<TrackRecord> {
    let track = decision.assessment.track;
    incident_tx(tx, organisation_id, incident_id).await?;
    bump(tx, organisation_id, incident_id, expected_version, at).await?;
    let submitted = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM incident_obligation WHERE incident_id = $1 AND track = $2 AND status = 'submitted'",
        incident_id,
        track.as_str()
    )?;
    if submitted > 0 {
        return Err(refused("decision", "track-reported"));
    }
    escalate_in(tx, organisation_id, incident_id, track, actor, at).await?;
    let assessment = &decision.assessment;
    exec_tx!(
        &mut *tx,
        "UPDATE incident_track SET regime = $1, status = $2, decided_at = $3, decided_by = $4, decided_by_label = $5, \
         awareness_at = $6, reasoning = $7, consulted = $8, answers = $9, details = $10 \
         WHERE incident_id = $11 AND track = $12",
        decision.regime.as_str(),
        assessment.decision.as_str(),
        at,
        actor.user_id,
        actor.label.as_str(),
        assessment.awareness_at,
        assessment.reasoning.as_str(),
        assessment.consulted.as_str(),
        to_json(&assessment.answers)?,
        to_json(&assessment.details)?,
        incident_id,
        track.as_str()
    )?;
    exec_tx!(
        &mut *tx,
        "DELETE FROM incident_obligation WHERE incident_id = $1 AND track = $2 AND status = 'open'",
        incident_id,
        track.as_str()
    )?;
    for planned in &decision.planned {
        exec_tx!(
            &mut *tx,
            "INSERT INTO incident_obligation (organisation_id, incident_id, track, regime, code, clock_start, starts_at, \
             due_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open')",
            organisation_id,
            incident_id,
            track.as_str(),
            decision.regime.as_str(),
            planned.code.as_str(),
            planned.clock_start.as_str(),
            planned.starts_at,
            planned.due_at
        )?;
    }
    log(
        tx,
        organisation_id,
        incident_id,
        actor,
        at,
        NewEntry {
            kind: "decided",
            text: &assessment.reasoning,
            data: json!({
                "track": track.as_str(),
                "decision": assessment.decision.as_str(),
                "regime": decision.regime,
                "consulted": assessment.consulted,
                "awareness_at": assessment.awareness_at,
            }),
        },
    )
    .await?;
    for other in &decision.forward_to {
        escalate_in(tx, organisation_id, incident_id, *other, actor, at).await?;
    }
    let sql = format!("{SELECT} WHERE t.incident_id = $1 AND t.track = $2");
    let record = TrackRecord::try_from(in_tx!(
        &mut *tx,
        fetch_one,
        TrackRow,
        &sql,
        incident_id,
        track.as_str()
    )?)?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "decide", "incident_track", record.id).after(&record),
    )
    .await?;
    Ok(record)
}
