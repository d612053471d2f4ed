//! Links from a case to the risks it confirms or reveals and the measures it leads to
//! in the action plan.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use tillit_domain::risk::{MeasureDraft, RiskMatrix};
use tillit_domain::ValidationErrors;

use super::{bump, log, NewEntry};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::Result;
use crate::references::{check_ids, Referenced};
use crate::risk::Measure;
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LinkedRisk {
    pub id: i64,
    pub analysis_designation: String,
    pub number: i64,
    pub title: String,
    pub level: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LinkedMeasure {
    pub id: i64,
    pub designation: String,
    pub title: String,
    pub planned_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
}

pub async fn incident_risks(
    db: &Db,
    organisation_id: i64,
    incident_id: i64,
) -> Result<Vec<LinkedRisk>> {
    Ok(read!(
        db,
        fetch_all,
        LinkedRisk,
        "SELECT r.id, a.designation AS analysis_designation, r.number, r.title, r.level FROM incident_risk x \
         JOIN risk r ON r.id = x.risk_id JOIN risk_analysis a ON a.id = r.analysis_id \
         WHERE x.incident_id = $1 AND r.organisation_id = $2 ORDER BY a.designation, r.number",
        incident_id,
        organisation_id
    )?)
}

pub async fn incident_measures(
    db: &Db,
    organisation_id: i64,
    incident_id: i64,
) -> Result<Vec<LinkedMeasure>> {
    Ok(read!(
        db,
        fetch_all,
        LinkedMeasure,
        "SELECT m.id, m.designation, m.title, m.planned_on, m.done_on FROM incident_measure x JOIN measure m ON m.id = x.measure_id \
         WHERE x.incident_id = $1 AND m.organisation_id = $2 ORDER BY m.designation",
        incident_id,
        organisation_id
    )?)
}

async fn link(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    target: Referenced,
    target_id: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    link_in(
        &mut tx,
        organisation_id,
        actor,
        incident_id,
        expected_version,
        target,
        target_id,
    )
    .await?;
    tx.commit().await
}

async fn link_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    target: Referenced,
    target_id: i64,
) -> Result<()> {
    let (table, column, field, kind) = match target {
        Referenced::Measure => ("incident_measure", "measure_id", "measure_id", "measure"),
        _ => ("incident_risk", "risk_id", "risk_id", "risk"),
    };
    let at = now();
    let mut errors = ValidationErrors::new();
    check_ids(
        &mut *tx,
        &mut errors,
        organisation_id,
        target,
        field,
        &[target_id],
    )
    .await?;
    if !errors.is_empty() {
        return Err(errors.into());
    }
    bump(tx, organisation_id, incident_id, expected_version, at).await?;
    let exists_sql =
        format!("SELECT incident_id FROM {table} WHERE incident_id = $1 AND {column} = $2");
    let exists = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        i64,
        &exists_sql,
        incident_id,
        target_id
    )?;
    if exists.is_none() {
        let insert = format!("INSERT INTO {table} (incident_id, {column}) VALUES ($1, $2)");
        exec_tx!(&mut *tx, &insert, incident_id, target_id)?;
        log(
            tx,
            organisation_id,
            incident_id,
            actor,
            at,
            NewEntry {
                kind: "linked",
                text: "",
                data: json!({ kind: target_id }),
            },
        )
        .await?;
        audit::append(
            tx,
            actor,
            NewEvent::new(Some(organisation_id), "link", "incident", incident_id)
                .after(&json!({ kind: target_id })),
        )
        .await?;
    }
    Ok(())
}

/// Links a risk the case confirms or reveals.
pub async fn link_risk(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    risk_id: i64,
) -> Result<()> {
    link(
        db,
        organisation_id,
        actor,
        incident_id,
        expected_version,
        Referenced::Risk,
        risk_id,
    )
    .await
}

/// Links a measure of the action plan the case leads to.
pub async fn link_measure(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    measure_id: i64,
) -> Result<()> {
    link(
        db,
        organisation_id,
        actor,
        incident_id,
        expected_version,
        Referenced::Measure,
        measure_id,
    )
    .await
}

/// Creates a measure in the action plan from the case and links it, in one transaction:
/// a stale case version or a closed case leaves neither the measure nor the link.
pub async fn create_measure_for_incident(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    draft: &MeasureDraft,
    matrix: &RiskMatrix,
) -> Result<Measure> {
    let mut tx = db.begin().await?;
    let measure =
        crate::risk::create_measure_in(&mut tx, organisation_id, actor, draft, matrix, now())
            .await?;
    link_in(
        &mut tx,
        organisation_id,
        actor,
        incident_id,
        expected_version,
        Referenced::Measure,
        measure.id,
    )
    .await?;
    tx.commit().await?;
    Ok(measure)
}
