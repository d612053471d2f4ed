//! The method record: every change is a new version, kept five years.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::risk::{retained_until, MethodDraft, RiskMatrix};

use super::refused;
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::{now, Actor};

/// One recorded version of the organisation's method.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodVersion {
    pub id: i64,
    pub number: i64,
    pub name: String,
    pub standard: String,
    pub description: String,
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub matrix: RiskMatrix,
    pub created_at: DateTime<Utc>,
    pub created_by_label: String,
    /// The version may not be removed before this day.
    pub kept_until: NaiveDate,
}

#[derive(sqlx::FromRow)]
struct MethodRow {
    id: i64,
    number: i64,
    name: String,
    standard: String,
    description: String,
    decided_by: String,
    decided_on: NaiveDate,
    matrix: String,
    created_at: DateTime<Utc>,
    created_by_label: String,
    kept_until: NaiveDate,
}

impl TryFrom<MethodRow> for MethodVersion {
    type Error = StoreError;

    fn try_from(row: MethodRow) -> Result<Self> {
        let matrix = serde_json::from_str(&row.matrix)
            .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
        Ok(MethodVersion {
            id: row.id,
            number: row.number,
            name: row.name,
            standard: row.standard,
            description: row.description,
            decided_by: row.decided_by,
            decided_on: row.decided_on,
            matrix,
            created_at: row.created_at,
            created_by_label: row.created_by_label,
            kept_until: row.kept_until,
        })
    }
}

const COLUMNS: &str =
    "id, number, name, standard, description, decided_by, decided_on, matrix, created_at, created_by_label, kept_until";

/// The method in force: the latest version, if any has been recorded.
pub async fn current_method(db: &Db, organisation_id: i64) -> Result<Option<MethodVersion>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM risk_method WHERE organisation_id = $1 ORDER BY number DESC LIMIT 1"
    );
    read!(db, fetch_optional, MethodRow, &sql, organisation_id)?
        .map(MethodVersion::try_from)
        .transpose()
}

/// Every version, newest first.
pub async fn method_versions(db: &Db, organisation_id: i64) -> Result<Vec<MethodVersion>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM risk_method WHERE organisation_id = $1 ORDER BY number DESC"
    );
    read!(db, fetch_all, MethodRow, &sql, organisation_id)?
        .into_iter()
        .map(MethodVersion::try_from)
        .collect()
}

/// Records a new version of the method. Every risk is placed in the new matrix at once;
/// a matrix too small for risks already assessed is refused.
pub async fn record_method(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &MethodDraft,
) -> Result<MethodVersion> {
    let mut tx = db.begin().await?;
    let version = record_method_in(&mut tx, organisation_id, actor, draft, now()).await?;
    tx.commit().await?;
    Ok(version)
}

/// [`record_method`] inside the caller's transaction, recorded at `at`.
pub async fn record_method_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &MethodDraft,
    at: DateTime<Utc>,
) -> Result<MethodVersion> {
    let outside = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM risk WHERE organisation_id = $1 AND (likelihood > $2 OR consequence > $3 \
         OR residual_likelihood > $2 OR residual_consequence > $3)",
        organisation_id,
        draft.matrix.likelihood.len() as i64,
        draft.matrix.consequence.len() as i64
    )?;
    if outside > 0 {
        return Err(refused("matrix", "risks-outside-matrix"));
    }
    let matrix = serde_json::to_string(&draft.matrix)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO risk_method (organisation_id, number, name, standard, description, decided_by, decided_on, matrix, \
         created_at, created_by, created_by_label, kept_until) \
         VALUES ($1, (SELECT COALESCE(MAX(number), 0) + 1 FROM risk_method WHERE organisation_id = $1), \
         $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
        organisation_id,
        draft.name.as_str(),
        draft.standard.as_str(),
        draft.description.as_str(),
        draft.decided_by.as_str(),
        draft.decided_on,
        matrix.as_str(),
        at,
        actor.user_id,
        actor.label.as_str(),
        retained_until(at.date_naive())
    )
    .map_err(|e| StoreError::from(e).on_unique("risk_method_number_key", "version"))?;
    relevel(&mut *tx, organisation_id, &draft.matrix).await?;
    let sql = format!("SELECT {COLUMNS} FROM risk_method WHERE id = $1");
    let version = MethodVersion::try_from(in_tx!(&mut *tx, fetch_one, MethodRow, &sql, id)?)?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "record", "risk_method", id).after(&version),
    )
    .await?;
    Ok(version)
}

/// Places every risk and measure of the organisation in `matrix`: one statement per cell.
async fn relevel(tx: &mut Tx, organisation_id: i64, matrix: &RiskMatrix) -> Result<()> {
    for (l, row) in matrix.cells.iter().enumerate() {
        for (c, level) in row.iter().enumerate() {
            let (l, c) = (l as i64 + 1, c as i64 + 1);
            exec_tx!(
                &mut *tx,
                "UPDATE risk SET level = $1, level_rank = $2 WHERE organisation_id = $3 AND likelihood = $4 AND consequence = $5",
                level.as_str(),
                level.index() as i64,
                organisation_id,
                l,
                c
            )?;
            exec_tx!(
                &mut *tx,
                "UPDATE risk SET residual_level = $1 WHERE organisation_id = $2 AND residual_likelihood = $3 \
                 AND residual_consequence = $4",
                level.as_str(),
                organisation_id,
                l,
                c
            )?;
            exec_tx!(
                &mut *tx,
                "UPDATE measure SET residual_level = $1 WHERE organisation_id = $2 AND residual_likelihood = $3 \
                 AND residual_consequence = $4",
                level.as_str(),
                organisation_id,
                l,
                c
            )?;
        }
    }
    Ok(())
}
