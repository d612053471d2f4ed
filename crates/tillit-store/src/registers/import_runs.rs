//! Runs of register imports. The process running an import records here where it is
//! (checking the file, writing its rows, done or failed), how many rows it has written
//! and, for a refused file, every problem; any process reads it (ADR 0010).
//!
//! A run is not an entry of the registers: it is not versioned nor audited itself. The
//! import it describes appends its audit event, and marks its run done, in the
//! transaction that writes the rows.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::register_import::{RowError, RunState};

use super::json_text;
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::now;

/// One import of a file, as recorded.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ImportRun {
    pub id: i64,
    pub organisation_id: i64,
    /// `systems` or `assets`.
    pub kind: String,
    pub file_name: String,
    /// Rows to write; known once the file has been checked.
    pub total_rows: i64,
    pub rows_done: i64,
    /// `validating`, `importing`, `done` or `failed`.
    pub state: String,
    /// Problems found in a refused file.
    pub error_count: i64,
    /// Every problem found, as JSON; read them with [`ImportRun::problems`].
    pub errors: String,
    /// The code of the error that stopped the run, when it was not the file's rows.
    pub failure: Option<String>,
    /// Who started it; none from the command line.
    pub started_by: Option<i64>,
    pub started_by_name: Option<String>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One problem of a refused file, as kept with its run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunProblem {
    pub row: Option<usize>,
    pub field: Option<String>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub code: String,
}

impl ImportRun {
    /// The state as recorded; an unknown one (never written) reads as failed.
    pub fn recorded_state(&self) -> RunState {
        RunState::parse(&self.state).unwrap_or(RunState::Failed)
    }

    /// Every problem found in a refused file, in the order found.
    pub fn problems(&self) -> Vec<RunProblem> {
        serde_json::from_str(&self.errors).unwrap_or_default()
    }
}

const RUN_SELECT: &str =
    "SELECT r.id, r.organisation_id, r.kind, r.file_name, r.total_rows, r.rows_done, \
    r.state, r.error_count, r.errors, r.failure, r.started_by, u.display_name AS started_by_name, \
    r.started_at, r.updated_at, r.finished_at \
    FROM import_run r LEFT JOIN app_user u ON u.id = r.started_by";

/// Records a new run of `kind` (`systems` or `assets`), checking its file.
pub async fn start_run(
    db: &Db,
    organisation_id: i64,
    kind: &str,
    file_name: &str,
    started_by: Option<i64>,
) -> Result<ImportRun> {
    let at = now();
    let mut tx = db.begin().await?;
    let id = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "INSERT INTO import_run (organisation_id, kind, file_name, state, started_by, started_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id",
        organisation_id,
        kind,
        file_name,
        RunState::Validating.as_str(),
        started_by,
        at
    )?;
    tx.commit().await?;
    get_run(db, organisation_id, id).await
}

/// The file has been checked: `total` rows are to be written.
pub async fn begin_writing(db: &Db, organisation_id: i64, id: i64, total: usize) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE import_run SET state = $1, total_rows = $2, updated_at = $3 \
         WHERE organisation_id = $4 AND id = $5 AND state = 'validating'",
        RunState::Importing.as_str(),
        total as i64,
        now(),
        organisation_id,
        id
    )?;
    tx.commit().await
}

/// `done` rows have been written (and not yet committed). A run no longer writing is
/// left alone, so a late report never overwrites the outcome.
pub async fn record_progress(db: &Db, organisation_id: i64, id: i64, done: usize) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE import_run SET rows_done = $1, updated_at = $2 \
         WHERE organisation_id = $3 AND id = $4 AND state = 'importing'",
        done as i64,
        now(),
        organisation_id,
        id
    )?;
    tx.commit().await
}

/// Marks the run done with `done` rows written, in the transaction that writes them.
pub(crate) async fn finish_done_in(
    tx: &mut Tx,
    organisation_id: i64,
    id: i64,
    done: usize,
) -> Result<()> {
    let at = now();
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE import_run SET state = $1, rows_done = $2, updated_at = $3, finished_at = $3 \
         WHERE organisation_id = $4 AND id = $5 AND state = 'importing'",
        RunState::Done.as_str(),
        done as i64,
        at,
        organisation_id,
        id
    )?;
    if changed == 0 {
        // Not this organisation's run, or not writing: refuse the whole import.
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// Why a run failed: the file's rows, or an error that stopped it.
pub enum Failure<'a> {
    Rejected(&'a [RowError]),
    Stopped(&'a str),
}

/// Marks an unfinished run failed, with every problem of a refused file or the code of
/// the error that stopped it.
pub async fn finish_failed(
    db: &Db,
    organisation_id: i64,
    id: i64,
    failure: Failure<'_>,
) -> Result<()> {
    let (errors, error_count, code) = match failure {
        Failure::Rejected(errors) => (json_text(&errors), errors.len() as i64, None),
        Failure::Stopped(code) => ("[]".to_owned(), 0, Some(code)),
    };
    let at = now();
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE import_run SET state = $1, errors = $2, error_count = $3, failure = $4, \
         updated_at = $5, finished_at = $5 \
         WHERE organisation_id = $6 AND id = $7 AND state IN ('validating', 'importing')",
        RunState::Failed.as_str(),
        errors,
        error_count,
        code,
        at,
        organisation_id,
        id
    )?;
    tx.commit().await
}

pub async fn get_run(db: &Db, organisation_id: i64, id: i64) -> Result<ImportRun> {
    read!(
        db,
        fetch_optional,
        ImportRun,
        &format!("{RUN_SELECT} WHERE r.organisation_id = $1 AND r.id = $2"),
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)
}

/// The latest run `user_id` started, if any.
pub async fn latest_run(db: &Db, organisation_id: i64, user_id: i64) -> Result<Option<ImportRun>> {
    Ok(read!(
        db,
        fetch_optional,
        ImportRun,
        &format!(
            "{RUN_SELECT} WHERE r.organisation_id = $1 AND r.started_by = $2 ORDER BY r.id DESC LIMIT 1"
        ),
        organisation_id,
        user_id
    )?)
}
