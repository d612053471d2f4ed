//! The mail outbox. A mail is composed once (its dedupe key is unique), claimed by one
//! server process at a time for a lease, marked when sent, and retried after a failure.
//!
//! A process that dies after the SMTP server accepted a mail but before marking it sent
//! leaves it to be sent again once the lease runs out; the message id the sender derives
//! from the row lets receivers recognise such a repeat.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::db::{Db, Engine};
use crate::error::Result;
use crate::now;

/// After this many failed attempts a mail is left unsent, with its last error.
pub const MAX_ATTEMPTS: i64 = 10;

/// A mail to put in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail<'a> {
    pub recipient_user_id: Option<i64>,
    pub recipient_name: &'a str,
    pub recipient_address: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
    /// The same key is never composed twice, e.g. `digest:<user>:<date>`.
    pub dedupe_key: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub organisation_id: i64,
    pub recipient_user_id: Option<i64>,
    pub recipient_name: String,
    pub recipient_address: String,
    pub subject: String,
    pub body: String,
    pub dedupe_key: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i64,
    pub last_error: Option<String>,
}

const COLUMNS: &str =
    "id, organisation_id, recipient_user_id, recipient_name, recipient_address, subject, body, \
    dedupe_key, created_at, sent_at, attempts, last_error";

/// Adds the mails whose dedupe keys are not in the outbox yet, in one transaction.
/// Returns how many were added.
pub async fn enqueue(db: &Db, organisation_id: i64, mails: &[NewMail<'_>]) -> Result<u64> {
    let stamp = now();
    let mut tx = db.begin().await?;
    let mut added = 0;
    for mail in mails {
        added += exec_tx!(
            &mut tx,
            "INSERT INTO mail_outbox (organisation_id, recipient_user_id, recipient_name, recipient_address, subject, body, \
             dedupe_key, created_at, next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) \
             ON CONFLICT (dedupe_key) DO NOTHING",
            organisation_id,
            mail.recipient_user_id,
            mail.recipient_name,
            mail.recipient_address,
            mail.subject,
            mail.body,
            mail.dedupe_key,
            stamp
        )?;
    }
    tx.commit().await?;
    Ok(added)
}

/// Claims the next unsent mail that is due for an attempt and was composed after
/// `composed_after` (a stale mail helps nobody), for `lease`.
pub async fn claim(
    db: &Db,
    lease: Duration,
    composed_after: DateTime<Utc>,
) -> Result<Option<OutboxMail>> {
    let at = now();
    let pick = match db.engine() {
        Engine::Postgres => {
            "SELECT id FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 AND created_at > $2 \
             AND attempts < $3 AND (locked_until IS NULL OR locked_until <= $1) \
             ORDER BY next_attempt_at, id LIMIT 1 FOR UPDATE SKIP LOCKED"
        }
        // SQLite has one writer at a time; BEGIN IMMEDIATE already excludes the others.
        Engine::Sqlite => {
            "SELECT id FROM mail_outbox WHERE sent_at IS NULL AND next_attempt_at <= $1 AND created_at > $2 \
             AND attempts < $3 AND (locked_until IS NULL OR locked_until <= $1) \
             ORDER BY next_attempt_at, id LIMIT 1"
        }
    };
    let mut tx = db.begin().await?;
    let Some(id) = in_tx_scalar!(
        &mut tx,
        fetch_optional,
        i64,
        pick,
        at,
        composed_after,
        MAX_ATTEMPTS
    )?
    else {
        return Ok(None);
    };
    let sql = format!(
        "UPDATE mail_outbox SET locked_until = $1, attempts = attempts + 1 WHERE id = $2 RETURNING {COLUMNS}"
    );
    let mail = in_tx!(&mut tx, fetch_one, OutboxMail, &sql, at + lease, id)?;
    tx.commit().await?;
    Ok(Some(mail))
}

/// Marks a claimed mail sent; it is never claimed again.
pub async fn mark_sent(db: &Db, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE mail_outbox SET sent_at = $1, locked_until = NULL, last_error = NULL WHERE id = $2 AND sent_at IS NULL",
        now(),
        id
    )?;
    tx.commit().await
}

/// Records a failed attempt and when to try again.
pub async fn mark_failed(db: &Db, id: i64, error: &str, retry_at: DateTime<Utc>) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE mail_outbox SET locked_until = NULL, last_error = $1, next_attempt_at = $2 WHERE id = $3 AND sent_at IS NULL",
        error,
        retry_at,
        id
    )?;
    tx.commit().await
}

/// The organisation's mails, newest first.
pub async fn mails(db: &Db, organisation_id: i64, limit: i64) -> Result<Vec<OutboxMail>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM mail_outbox WHERE organisation_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2"
    );
    Ok(read!(
        db,
        fetch_all,
        OutboxMail,
        &sql,
        organisation_id,
        limit
    )?)
}

/// Forgets mails composed before `before`, sent or not.
pub async fn delete_before(db: &Db, before: DateTime<Utc>) -> Result<u64> {
    let mut tx = db.begin().await?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM mail_outbox WHERE created_at < $1",
        before
    )?;
    tx.commit().await?;
    Ok(removed)
}
