//! Failed-login counting per account and per client address, in the database so the
//! limit holds across server processes.

use chrono::{DateTime, Utc};

use crate::db::Db;
use crate::error::Result;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Account,
    Address,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Address => "address",
        }
    }
}

pub async fn record_failure(db: &Db, scope: Scope, subject: &str, at: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "INSERT INTO login_attempt (scope, subject, attempted_at) VALUES ($1, $2, $3)",
        scope.as_str(),
        subject,
        at
    )?;
    tx.commit().await
}

pub async fn failures_since(
    db: &Db,
    scope: Scope,
    subject: &str,
    since: DateTime<Utc>,
) -> Result<i64> {
    Ok(read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM login_attempt WHERE scope = $1 AND subject = $2 AND attempted_at > $3",
        scope.as_str(),
        subject,
        since
    )?)
}

/// Forgets an account's failures after a successful login.
pub async fn clear(db: &Db, scope: Scope, subject: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "DELETE FROM login_attempt WHERE scope = $1 AND subject = $2",
        scope.as_str(),
        subject
    )?;
    tx.commit().await
}

pub async fn delete_before(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    let mut tx = db.begin().await?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM login_attempt WHERE attempted_at <= $1",
        before
    )?;
    tx.commit().await?;
    Ok(removed)
}
