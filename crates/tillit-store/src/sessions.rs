//! Web sessions, kept in the database so any server process can serve any request.
//! Only a hash of the cookie value is stored.

use chrono::Duration;

use crate::db::Db;
use crate::error::Result;
use crate::now;

pub struct NewSession<'a> {
    pub id_hash: &'a str,
    pub user_id: i64,
    pub organisation_id: i64,
    pub csrf_token: &'a str,
    pub second_factor_pending: bool,
    pub lifetime: Duration,
}

/// Creates a session. `replaces` is the previous session of the same browser, removed
/// in the same transaction (the id is rotated at every step of login).
pub async fn create(db: &Db, new: &NewSession<'_>, replaces: Option<&str>) -> Result<()> {
    let at = now();
    let mut tx = db.begin().await?;
    if let Some(old) = replaces {
        exec_tx!(&mut tx, "DELETE FROM web_session WHERE id_hash = $1", old)?;
    }
    exec_tx!(
        &mut tx,
        "INSERT INTO web_session (id_hash, user_id, organisation_id, csrf_token, second_factor_pending, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6, $7)",
        new.id_hash,
        new.user_id,
        new.organisation_id,
        new.csrf_token,
        new.second_factor_pending,
        at,
        at + new.lifetime
    )?;
    tx.commit().await
}

/// Slides the expiry forward. Called at most once a minute per session.
pub async fn touch(db: &Db, id_hash: &str, lifetime: Duration) -> Result<()> {
    let at = now();
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE web_session SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3",
        at,
        at + lifetime,
        id_hash
    )?;
    tx.commit().await
}

pub async fn delete(db: &Db, id_hash: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "DELETE FROM web_session WHERE id_hash = $1",
        id_hash
    )?;
    tx.commit().await
}

pub async fn delete_expired(db: &Db) -> Result<u64> {
    let mut tx = db.begin().await?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM web_session WHERE expires_at <= $1",
        now()
    )?;
    tx.commit().await?;
    Ok(removed)
}
