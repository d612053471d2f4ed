//! Stored reports: created as drafts, texts edited with optimistic concurrency,
//! approved into frozen versions, and reopened as a new draft.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::reports::{ReportScope, ReportYear};
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::unit_in_organisation;
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
struct ReportRow {
    id: i64,
    year: i64,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    texts: String,
    status: String,
    current_version: i64,
    approved_at: Option<DateTime<Utc>>,
    approved_by_label: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    pub id: i64,
    pub year: i64,
    /// `None`: the whole organisation.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// The editable texts by section key.
    pub texts: BTreeMap<String, String>,
    /// `draft` (utkast) or `approved` (fastställd).
    pub status: String,
    /// The latest approved version; 0 before the first approval.
    pub current_version: i64,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by_label: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Report {
    pub fn is_draft(&self) -> bool {
        self.status == "draft"
    }

    pub fn scope(&self) -> ReportScope {
        ReportScope::from_unit(self.unit_id)
    }

    pub fn year(&self) -> ReportYear {
        ReportYear::stored(self.year)
    }
}

impl From<ReportRow> for Report {
    fn from(r: ReportRow) -> Self {
        Self {
            texts: serde_json::from_str(&r.texts).unwrap_or_default(),
            id: r.id,
            year: r.year,
            unit_id: r.unit_id,
            unit_name: r.unit_name,
            status: r.status,
            current_version: r.current_version,
            approved_at: r.approved_at,
            approved_by_label: r.approved_by_label,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// An approved version without its content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReportVersionSummary {
    pub number: i64,
    pub approved_at: DateTime<Utc>,
    pub approved_by_label: String,
}

/// An approved version with the figures and texts as frozen (JSON).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ReportVersion {
    pub number: i64,
    pub approved_at: DateTime<Utc>,
    pub approved_by_label: String,
    pub snapshot: serde_json::Value,
}

const SELECT: &str =
    "SELECT r.id, r.year, r.unit_id, u.name AS unit_name, r.texts, r.status, r.current_version, \
    r.approved_at, r.approved_by_label, r.version, r.created_at, r.updated_at \
    FROM annual_report r LEFT JOIN org_unit u ON u.id = r.unit_id";

/// Every report of the organisation, newest year first.
pub async fn list_reports(db: &Db, organisation_id: i64) -> Result<Vec<Report>> {
    let sql = format!(
        "{SELECT} WHERE r.organisation_id = $1 ORDER BY r.year DESC, r.unit_id IS NOT NULL, u.name, r.id"
    );
    let rows = read!(db, fetch_all, ReportRow, &sql, organisation_id)?;
    Ok(rows.into_iter().map(Report::from).collect())
}

pub async fn get_report(db: &Db, organisation_id: i64, id: i64) -> Result<Report> {
    let sql = format!("{SELECT} WHERE r.id = $1 AND r.organisation_id = $2");
    read!(db, fetch_optional, ReportRow, &sql, id, organisation_id)?
        .map(Report::from)
        .ok_or(StoreError::NotFound)
}

async fn report_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Report> {
    let sql = format!("{SELECT} WHERE r.id = $1 AND r.organisation_id = $2");
    in_tx!(
        &mut *tx,
        fetch_optional,
        ReportRow,
        &sql,
        id,
        organisation_id
    )?
    .map(Report::from)
    .ok_or(StoreError::NotFound)
}

fn texts_json(texts: &BTreeMap<String, String>) -> Result<String> {
    serde_json::to_string(texts).map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))
}

fn frozen() -> StoreError {
    StoreError::Invalid(ValidationErrors::single("status", "report-frozen"))
}

/// Starts the report of `year` for `scope` as a draft with `texts` (the template's
/// starting texts). A second report for the same year and scope is refused on `year`.
pub async fn create_report(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    year: ReportYear,
    scope: ReportScope,
    texts: &BTreeMap<String, String>,
) -> Result<Report> {
    let mut tx = db.begin().await?;
    let report =
        create_report_in(&mut tx, organisation_id, actor, year, scope, texts, now()).await?;
    tx.commit().await?;
    Ok(report)
}

/// [`create_report`] inside the caller's transaction, created at `at`.
pub async fn create_report_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    year: ReportYear,
    scope: ReportScope,
    texts: &BTreeMap<String, String>,
    at: DateTime<Utc>,
) -> Result<Report> {
    if let Some(unit) = scope.unit_id() {
        if !unit_in_organisation(tx, organisation_id, unit).await? {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "unit_id",
                "unknown-reference",
            )));
        }
    }
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO annual_report (organisation_id, year, unit_id, scope_key, texts, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'draft', $6, $6) RETURNING id",
        organisation_id,
        i64::from(year.value()),
        scope.unit_id(),
        scope.key(),
        texts_json(texts)?,
        at
    )
    .map_err(|e| StoreError::from(e).on_unique("annual_report_scope_key", "year"))?;
    let report = report_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "annual_report", id).after(&report),
    )
    .await?;
    Ok(report)
}

/// Replaces the texts of a draft. A stale `expected_version` is a conflict; an approved
/// report is refused on `status` (`frozen`) and left as it is.
pub async fn update_texts(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    texts: &BTreeMap<String, String>,
) -> Result<Report> {
    let mut tx = db.begin().await?;
    let before = report_tx(&mut tx, organisation_id, id).await?;
    if !before.is_draft() {
        return Err(frozen());
    }
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    let changed = exec_tx!(
        &mut tx,
        "UPDATE annual_report SET texts = $1, updated_at = $2, version = version + 1 \
         WHERE id = $3 AND organisation_id = $4 AND version = $5 AND status = 'draft'",
        texts_json(texts)?,
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = report_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "annual_report", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Approves (fastställer) a draft: `snapshot` (its sections with figures and texts, as
/// read just before) becomes the next frozen version. Whether the actor may approve is
/// the caller's check.
pub async fn approve_report(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    snapshot: &serde_json::Value,
) -> Result<Report> {
    let mut tx = db.begin().await?;
    let at = now();
    let report = approve_report_in(
        &mut tx,
        organisation_id,
        actor,
        id,
        expected_version,
        snapshot,
        at,
    )
    .await?;
    tx.commit().await?;
    Ok(report)
}

/// [`approve_report`] inside the caller's transaction, approved at `at`.
pub async fn approve_report_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    snapshot: &serde_json::Value,
    at: DateTime<Utc>,
) -> Result<Report> {
    let before = report_tx(tx, organisation_id, id).await?;
    if !before.is_draft() {
        return Err(frozen());
    }
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    let number = before.current_version + 1;
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE annual_report SET status = 'approved', current_version = $1, approved_at = $2, approved_by_label = $3, \
         updated_at = $2, version = version + 1 WHERE id = $4 AND organisation_id = $5 AND version = $6",
        number,
        at,
        actor.label.as_str(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let body = serde_json::to_string(snapshot)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
    exec_tx!(
        &mut *tx,
        "INSERT INTO annual_report_version (organisation_id, report_id, number, snapshot, approved_at, approved_by, \
         approved_by_label) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        organisation_id,
        id,
        number,
        body.as_str(),
        at,
        actor.user_id,
        actor.label.as_str()
    )
    .map_err(|e| StoreError::from(e).on_unique("annual_report_version_number_key", "version"))?;
    let after = report_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "approve", "annual_report", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(after)
}

/// Starts a new draft from an approved report, keeping its texts; the approved
/// versions stay as they were.
pub async fn start_new_draft(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<Report> {
    let mut tx = db.begin().await?;
    let before = report_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if before.is_draft() {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "status",
            "report-already-draft",
        )));
    }
    let changed = exec_tx!(
        &mut tx,
        "UPDATE annual_report SET status = 'draft', updated_at = $1, version = version + 1 \
         WHERE id = $2 AND organisation_id = $3 AND version = $4",
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = report_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "revise", "annual_report", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The approved versions of a report, newest first.
pub async fn report_versions(
    db: &Db,
    organisation_id: i64,
    id: i64,
) -> Result<Vec<ReportVersionSummary>> {
    Ok(read!(
        db,
        fetch_all,
        ReportVersionSummary,
        "SELECT number, approved_at, approved_by_label FROM annual_report_version \
         WHERE report_id = $1 AND organisation_id = $2 ORDER BY number DESC",
        id,
        organisation_id
    )?)
}

pub async fn report_version(
    db: &Db,
    organisation_id: i64,
    id: i64,
    number: i64,
) -> Result<ReportVersion> {
    let row = read!(
        db,
        fetch_optional,
        (i64, DateTime<Utc>, String, String),
        "SELECT number, approved_at, approved_by_label, snapshot FROM annual_report_version \
         WHERE report_id = $1 AND organisation_id = $2 AND number = $3",
        id,
        organisation_id,
        number
    )?
    .ok_or(StoreError::NotFound)?;
    let snapshot = serde_json::from_str(&row.3)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    Ok(ReportVersion {
        number: row.0,
        approved_at: row.1,
        approved_by_label: row.2,
        snapshot,
    })
}
