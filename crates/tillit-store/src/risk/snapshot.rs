//! An analysis as a whole — description, risks, and the measures handling them — as it
//! is now or as it was approved.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::analyses::{analysis_tx, Analysis};
use super::incidents::{considered_incidents_in, ConsideredIncident};
use super::measures::{self, FollowUp, Measure};
use super::risks::{self, Risk};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::registers::SystemRef;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AnalysisSnapshot {
    pub analysis: Analysis,
    pub systems: Vec<SystemRef>,
    /// Information assets covered: (id, name).
    pub assets: Vec<(i64, String)>,
    pub risks: Vec<SnapshotRisk>,
    pub measures: Vec<SnapshotMeasure>,
    /// The incident cases considered (absent from versions approved before cases could
    /// be linked).
    #[serde(default)]
    pub incidents: Vec<ConsideredIncident>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotRisk {
    pub risk: Risk,
    pub systems: Vec<SystemRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SnapshotMeasure {
    pub measure: Measure,
    /// The analysis's risks it handles, by id.
    pub risk_ids: Vec<i64>,
    pub systems: Vec<SystemRef>,
    pub follow_ups: Vec<FollowUp>,
}

/// The analysis as it is now, read in one transaction so the parts agree.
pub async fn working_snapshot(db: &Db, organisation_id: i64, id: i64) -> Result<AnalysisSnapshot> {
    let mut tx = db.begin().await?;
    let snapshot = snapshot_in(&mut tx, organisation_id, id).await?;
    tx.commit().await?;
    Ok(snapshot)
}

pub(super) async fn snapshot_in(
    tx: &mut Tx,
    organisation_id: i64,
    id: i64,
) -> Result<AnalysisSnapshot> {
    let analysis = analysis_tx(tx, organisation_id, id).await?;
    let systems = in_tx!(
        &mut *tx,
        fetch_all,
        SystemRef,
        "SELECT s.id, s.designation, s.name FROM risk_analysis_system x JOIN information_system s ON s.id = x.system_id \
         WHERE x.analysis_id = $1 ORDER BY s.designation",
        id
    )?;
    let assets = in_tx!(
        &mut *tx,
        fetch_all,
        (i64, String),
        "SELECT s.id, s.name FROM risk_analysis_asset x JOIN information_asset s ON s.id = x.asset_id \
         WHERE x.analysis_id = $1 ORDER BY s.name",
        id
    )?;
    let sql = format!(
        "{} WHERE r.analysis_id = $1 ORDER BY r.number",
        risks::SELECT
    );
    let risk_rows = in_tx!(&mut *tx, fetch_all, Risk, &sql, id)?;
    let risk_system_rows = in_tx!(
        &mut *tx,
        fetch_all,
        (i64, i64, String, String),
        "SELECT rs.risk_id, s.id, s.designation, s.name FROM risk_system rs JOIN information_system s ON s.id = rs.system_id \
         JOIN risk r ON r.id = rs.risk_id WHERE r.analysis_id = $1 ORDER BY s.designation",
        id
    )?;
    let risks = risk_rows
        .into_iter()
        .map(|risk| SnapshotRisk {
            systems: systems_of(&risk_system_rows, risk.id),
            risk,
        })
        .collect();
    let links = in_tx!(
        &mut *tx,
        fetch_all,
        (i64, i64),
        "SELECT mr.measure_id, mr.risk_id FROM measure_risk mr JOIN risk r ON r.id = mr.risk_id \
         WHERE r.analysis_id = $1 ORDER BY mr.measure_id, mr.risk_id",
        id
    )?;
    let in_analysis = "SELECT mr.measure_id FROM measure_risk mr JOIN risk r ON r.id = mr.risk_id WHERE r.analysis_id = $1";
    let sql = format!(
        "{} WHERE m.id IN ({in_analysis}) ORDER BY m.designation_number",
        measures::SELECT
    );
    let measure_rows = in_tx!(&mut *tx, fetch_all, Measure, &sql, id)?;
    let sql = format!(
        "SELECT ms.measure_id, s.id, s.designation, s.name FROM measure_system ms JOIN information_system s \
         ON s.id = ms.system_id WHERE ms.measure_id IN ({in_analysis}) ORDER BY s.designation"
    );
    let measure_system_rows = in_tx!(&mut *tx, fetch_all, (i64, i64, String, String), &sql, id)?;
    let sql = format!(
        "SELECT id, measure_id, year, effect, still_valid, next_step, recorded_at, recorded_by_label \
         FROM measure_follow_up WHERE measure_id IN ({in_analysis}) ORDER BY year DESC, id DESC"
    );
    let follow_up_rows = in_tx!(&mut *tx, fetch_all, FollowUp, &sql, id)?;
    let measures = measure_rows
        .into_iter()
        .map(|measure| SnapshotMeasure {
            risk_ids: links
                .iter()
                .filter(|(m, _)| *m == measure.id)
                .map(|(_, r)| *r)
                .collect(),
            systems: systems_of(&measure_system_rows, measure.id),
            follow_ups: follow_up_rows
                .iter()
                .filter(|f| f.measure_id == measure.id)
                .cloned()
                .collect(),
            measure,
        })
        .collect();
    let incidents = considered_incidents_in(tx, organisation_id, id).await?;
    Ok(AnalysisSnapshot {
        analysis,
        systems,
        assets,
        risks,
        measures,
        incidents,
    })
}

fn systems_of(rows: &[(i64, i64, String, String)], owner: i64) -> Vec<SystemRef> {
    rows.iter()
        .filter(|row| row.0 == owner)
        .map(|(_, id, designation, name)| SystemRef {
            id: *id,
            designation: designation.clone(),
            name: name.clone(),
        })
        .collect()
}

/// An approved version, never changed afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnalysisVersion {
    pub number: i64,
    pub method_number: Option<i64>,
    pub approved_at: DateTime<Utc>,
    pub approved_by_label: String,
    /// It may not be removed before this day.
    pub kept_until: NaiveDate,
    pub snapshot: AnalysisSnapshot,
}

#[derive(sqlx::FromRow)]
struct VersionRow {
    number: i64,
    method_number: Option<i64>,
    approved_at: DateTime<Utc>,
    approved_by_label: String,
    kept_until: NaiveDate,
    snapshot: String,
}

impl TryFrom<VersionRow> for AnalysisVersion {
    type Error = StoreError;

    fn try_from(row: VersionRow) -> Result<Self> {
        let snapshot = serde_json::from_str(&row.snapshot)
            .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
        Ok(AnalysisVersion {
            number: row.number,
            method_number: row.method_number,
            approved_at: row.approved_at,
            approved_by_label: row.approved_by_label,
            kept_until: row.kept_until,
            snapshot,
        })
    }
}

/// An approved version without its content, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AnalysisVersionSummary {
    pub number: i64,
    pub method_number: Option<i64>,
    pub approved_at: DateTime<Utc>,
    pub approved_by_label: String,
    pub kept_until: NaiveDate,
}

/// The approved versions of an analysis, newest first.
pub async fn analysis_versions(
    db: &Db,
    organisation_id: i64,
    analysis_id: i64,
) -> Result<Vec<AnalysisVersionSummary>> {
    Ok(read!(
        db,
        fetch_all,
        AnalysisVersionSummary,
        "SELECT number, method_number, approved_at, approved_by_label, kept_until FROM risk_analysis_version \
         WHERE organisation_id = $1 AND analysis_id = $2 ORDER BY number DESC",
        organisation_id,
        analysis_id
    )?)
}

pub async fn analysis_version(
    db: &Db,
    organisation_id: i64,
    analysis_id: i64,
    number: i64,
) -> Result<AnalysisVersion> {
    read!(
        db,
        fetch_optional,
        VersionRow,
        "SELECT number, method_number, approved_at, approved_by_label, kept_until, snapshot FROM risk_analysis_version \
         WHERE organisation_id = $1 AND analysis_id = $2 AND number = $3",
        organisation_id,
        analysis_id,
        number
    )?
    .ok_or(StoreError::NotFound)?
    .try_into()
}
