//! Background jobs as rows. Periodic work is enqueued idempotently by `(kind, dedupe_key)`,
//! and a job is claimed by one process at a time, so no leader election is needed.

use chrono::{DateTime, Duration, Utc};

use crate::db::{Db, Engine};
use crate::error::Result;
use crate::now;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct Job {
    pub id: i64,
    pub kind: String,
    pub dedupe_key: String,
    pub payload: String,
    pub attempts: i64,
}

/// Adds a job unless one with the same kind and key exists. Returns whether it was added.
pub async fn enqueue(
    db: &Db,
    kind: &str,
    dedupe_key: &str,
    payload: &str,
    run_at: DateTime<Utc>,
) -> Result<bool> {
    let mut tx = db.begin().await?;
    let added = exec_tx!(
        &mut tx,
        "INSERT INTO job (kind, dedupe_key, payload, run_at, created_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (kind, dedupe_key) DO NOTHING",
        kind,
        dedupe_key,
        payload,
        run_at,
        now()
    )?;
    tx.commit().await?;
    Ok(added > 0)
}

/// Claims the next due job for `lease`; a crashed worker's job becomes due again when
/// the lease runs out.
pub async fn claim(db: &Db, lease: Duration) -> Result<Option<Job>> {
    let at = now();
    let pick = match db.engine() {
        Engine::Postgres => {
            "SELECT id FROM job WHERE finished_at IS NULL AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) \
             ORDER BY run_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
        }
        // SQLite has one writer at a time; BEGIN IMMEDIATE already excludes the others.
        Engine::Sqlite => {
            "SELECT id FROM job WHERE finished_at IS NULL AND run_at <= $1 AND (locked_until IS NULL OR locked_until <= $1) \
             ORDER BY run_at, id LIMIT 1"
        }
    };
    let mut tx = db.begin().await?;
    let Some(id) = in_tx_scalar!(&mut tx, fetch_optional, i64, pick, at)? else {
        return Ok(None);
    };
    let job = in_tx!(
        &mut tx,
        fetch_one,
        Job,
        "UPDATE job SET locked_until = $1, attempts = attempts + 1 WHERE id = $2 RETURNING id, kind, dedupe_key, payload, attempts",
        at + lease,
        id
    )?;
    tx.commit().await?;
    Ok(Some(job))
}

/// Marks a job done. The row stays for a while so the same periodic job is not
/// enqueued again by another process.
pub async fn complete(db: &Db, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE job SET finished_at = $1, locked_until = NULL WHERE id = $2",
        now(),
        id
    )?;
    tx.commit().await
}

/// Forgets finished jobs older than `before`.
pub async fn delete_finished_before(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    let mut tx = db.begin().await?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM job WHERE finished_at IS NOT NULL AND finished_at < $1",
        before
    )?;
    tx.commit().await?;
    Ok(removed)
}

/// Records a failure and schedules another try.
pub async fn retry(db: &Db, id: i64, error: &str, run_at: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE job SET locked_until = NULL, last_error = $1, run_at = $2 WHERE id = $3",
        error,
        run_at,
        id
    )?;
    tx.commit().await
}
