//! The incident cases an analysis has considered, beside its free text on external
//! events: linked while the analysis is a draft and frozen with it on approval.

use serde::{Deserialize, Serialize};
use serde_json::json;
use tillit_domain::ValidationErrors;

use super::analyses::analysis_tx;
use super::refused;
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::{check_ids, Referenced};
use crate::{now, Actor};

/// An incident case an analysis considered, as the analysis and its versions show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct ConsideredIncident {
    pub id: i64,
    pub designation: String,
    pub title: String,
    /// The unit of the case, so readers see only the cases they may open.
    pub unit_id: i64,
}

const SELECT: &str =
    "SELECT i.id, i.designation, i.title, i.unit_id FROM risk_analysis_incident x \
    JOIN incident i ON i.id = x.incident_id";

pub async fn considered_incidents(
    db: &Db,
    organisation_id: i64,
    analysis_id: i64,
) -> Result<Vec<ConsideredIncident>> {
    let sql = format!(
        "{SELECT} WHERE x.analysis_id = $1 AND i.organisation_id = $2 ORDER BY i.designation"
    );
    Ok(read!(
        db,
        fetch_all,
        ConsideredIncident,
        &sql,
        analysis_id,
        organisation_id
    )?)
}

pub(super) async fn considered_incidents_in(
    tx: &mut Tx,
    organisation_id: i64,
    analysis_id: i64,
) -> Result<Vec<ConsideredIncident>> {
    let sql = format!(
        "{SELECT} WHERE x.analysis_id = $1 AND i.organisation_id = $2 ORDER BY i.designation"
    );
    Ok(in_tx!(
        &mut *tx,
        fetch_all,
        ConsideredIncident,
        &sql,
        analysis_id,
        organisation_id
    )?)
}

/// Adds (`considered`) or removes a case the analysis considers: only while the analysis
/// is a draft, at the version the user saw. Moves the analysis to its next version and
/// writes the audit event in the same transaction.
pub async fn consider_incident(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    analysis_id: i64,
    expected_version: i64,
    incident_id: i64,
    considered: bool,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = analysis_tx(&mut tx, organisation_id, analysis_id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if !before.is_draft() {
        return Err(refused("analysis", "frozen"));
    }
    let mut errors = ValidationErrors::new();
    check_ids(
        &mut tx,
        &mut errors,
        organisation_id,
        Referenced::Incident,
        "incident_id",
        &[incident_id],
    )
    .await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let changed = if considered {
        exec_tx!(
            &mut tx,
            "INSERT INTO risk_analysis_incident (analysis_id, incident_id) SELECT $1, $2 \
             WHERE NOT EXISTS (SELECT 1 FROM risk_analysis_incident WHERE analysis_id = $1 AND incident_id = $2)",
            analysis_id,
            incident_id
        )?
    } else {
        exec_tx!(
            &mut tx,
            "DELETE FROM risk_analysis_incident WHERE analysis_id = $1 AND incident_id = $2",
            analysis_id,
            incident_id
        )?
    };
    if changed == 0 {
        return Ok(());
    }
    let bumped = exec_tx!(
        &mut tx,
        "UPDATE risk_analysis SET version = version + 1, updated_at = $1 WHERE id = $2 AND organisation_id = $3 \
         AND version = $4",
        now(),
        analysis_id,
        organisation_id,
        expected_version
    )?;
    if bumped == 0 {
        return Err(StoreError::Conflict);
    }
    let action = if considered { "link" } else { "unlink" };
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), action, "risk_analysis", analysis_id)
            .after(&json!({ "incident_id": incident_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
