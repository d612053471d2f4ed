//! Reports given in phases: the changes the domain decides when a report is submitted or
//! the incident's end is recorded (`tillit_domain::incident::after_submission` and
//! `after_end`), applied to the case's open reports inside the caller's transaction.

use chrono::{DateTime, Utc};
use serde_json::json;
use tillit_domain::incident::{ClockChange, PlannedObligation};

use super::{log, NewEntry};
use crate::audit::{self, NewEvent};
use crate::db::Tx;
use crate::error::Result;
use crate::Actor;

/// The regime of a case whose open reports change, and why.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PhaseOf<'a> {
    pub incident_id: i64,
    pub track: &'a str,
    pub regime: &'a str,
}

/// Applies `changes` to the case's open reports of one regime: adds a report not yet
/// owed, moves an open report's clock, drops an open report no longer owed. Each change
/// is on the timeline and in the audit trail; a change to a report already submitted
/// changes nothing.
pub async fn change_clocks_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    of: PhaseOf<'_>,
    changes: &[ClockChange],
    at: DateTime<Utc>,
) -> Result<()> {
    for change in changes {
        let (kind, code, changed) = match change {
            ClockChange::Add(planned) => (
                "report_added",
                &planned.code,
                add(tx, organisation_id, of, planned).await?,
            ),
            ClockChange::Move(planned) => (
                "clock_moved",
                &planned.code,
                move_clock(tx, of, planned).await?,
            ),
            ClockChange::Drop { code } => {
                ("report_dropped", code, drop_report(tx, of, code).await?)
            }
        };
        if !changed {
            continue;
        }
        log(
            tx,
            organisation_id,
            of.incident_id,
            actor,
            at,
            NewEntry {
                kind,
                text: "",
                data: json!({ "obligation": code, "regime": of.regime, "track": of.track, "change": change }),
            },
        )
        .await?;
        audit::append(
            tx,
            actor,
            NewEvent::new(Some(organisation_id), kind, "incident", of.incident_id).after(change),
        )
        .await?;
    }
    Ok(())
}

async fn add(
    tx: &mut Tx,
    organisation_id: i64,
    of: PhaseOf<'_>,
    planned: &PlannedObligation,
) -> Result<bool> {
    let exists = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        i64,
        "SELECT id FROM incident_obligation WHERE incident_id = $1 AND regime = $2 AND code = $3",
        of.incident_id,
        of.regime,
        planned.code.as_str()
    )?;
    if exists.is_some() {
        return Ok(false);
    }
    exec_tx!(
        &mut *tx,
        "INSERT INTO incident_obligation (organisation_id, incident_id, track, regime, code, clock_start, starts_at, \
         due_at, status) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open')",
        organisation_id,
        of.incident_id,
        of.track,
        of.regime,
        planned.code.as_str(),
        planned.clock_start.as_str(),
        planned.starts_at,
        planned.due_at
    )?;
    Ok(true)
}

async fn move_clock(tx: &mut Tx, of: PhaseOf<'_>, planned: &PlannedObligation) -> Result<bool> {
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE incident_obligation SET clock_start = $1, starts_at = $2, due_at = $3 \
         WHERE incident_id = $4 AND regime = $5 AND code = $6 AND status = 'open'",
        planned.clock_start.as_str(),
        planned.starts_at,
        planned.due_at,
        of.incident_id,
        of.regime,
        planned.code.as_str()
    )?;
    Ok(changed > 0)
}

async fn drop_report(tx: &mut Tx, of: PhaseOf<'_>, code: &str) -> Result<bool> {
    let changed = exec_tx!(
        &mut *tx,
        "DELETE FROM incident_obligation WHERE incident_id = $1 AND regime = $2 AND code = $3 AND status = 'open'",
        of.incident_id,
        of.regime,
        code
    )?;
    Ok(changed > 0)
}
