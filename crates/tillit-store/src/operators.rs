//! Operator accounts, their sessions and API tokens: kept apart from the organisations'
//! users so that no query of an organisation meets them. Only hashes of session ids and
//! tokens are stored. Their own events go to the deployment's part of the audit trail
//! (no organisation).

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use crate::audit::{self, NewEvent};
use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Operator {
    pub id: i64,
    pub email: String,
    pub two_factor_enabled: bool,
    pub active: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
}

const OPERATOR_COLUMNS: &str =
    "id, email, (totp_enabled_at IS NOT NULL) AS two_factor_enabled, active, version, created_at";

/// What signing in needs to know about an operator.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OperatorCredentials {
    pub id: i64,
    pub email: String,
    pub password_hash: String,
    pub totp_secret: Option<String>,
    pub totp_enabled_at: Option<DateTime<Utc>>,
    pub active: bool,
}

const CREDENTIAL_COLUMNS: &str = "id, email, password_hash, totp_secret, totp_enabled_at, active";

pub async fn create_operator(
    db: &Db,
    actor: &Actor,
    email: &str,
    password_hash: &str,
) -> Result<Operator> {
    let at = now();
    let mut tx = db.begin().await?;
    let sql = format!(
        "INSERT INTO operator (email, password_hash, created_at, updated_at) VALUES ($1, $2, $3, $3) \
         RETURNING {OPERATOR_COLUMNS}"
    );
    let operator = in_tx!(&mut tx, fetch_one, Operator, &sql, email, password_hash, at)
        .map_err(|e| StoreError::from(e).on_unique("operator_email_key", "email"))?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(None, "create", "operator", operator.id).after(&operator),
    )
    .await?;
    tx.commit().await?;
    Ok(operator)
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<Operator>> {
    let sql = format!("SELECT {OPERATOR_COLUMNS} FROM operator WHERE email = $1");
    Ok(read!(db, fetch_optional, Operator, &sql, email)?)
}

pub async fn credentials_by_email(db: &Db, email: &str) -> Result<Option<OperatorCredentials>> {
    let sql = format!("SELECT {CREDENTIAL_COLUMNS} FROM operator WHERE email = $1");
    Ok(read!(db, fetch_optional, OperatorCredentials, &sql, email)?)
}

pub async fn credentials_by_id(db: &Db, id: i64) -> Result<OperatorCredentials> {
    let sql = format!("SELECT {CREDENTIAL_COLUMNS} FROM operator WHERE id = $1");
    read!(db, fetch_optional, OperatorCredentials, &sql, id)?.ok_or(StoreError::NotFound)
}

/// Stores a new, not yet confirmed, TOTP secret.
pub async fn set_pending_totp(db: &Db, id: i64, secret: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE operator SET totp_secret = $1, totp_enabled_at = NULL WHERE id = $2",
        secret,
        id
    )?;
    tx.commit().await
}

/// Turns two-factor sign-in on after the operator proved they hold the secret.
pub async fn enable_totp(db: &Db, actor: &Actor, id: i64) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE operator SET totp_enabled_at = $1, updated_at = $1, version = version + 1 WHERE id = $2",
        now(),
        id
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(None, "two_factor_enable", "operator", id),
    )
    .await?;
    tx.commit().await
}

pub struct NewOperatorSession<'a> {
    pub id_hash: &'a str,
    pub operator_id: i64,
    pub csrf_token: &'a str,
    pub second_factor_pending: bool,
    pub lifetime: Duration,
}

/// Creates a session, removing the browser's previous one (`replaces`) in the same
/// transaction: the id is rotated at every step of sign-in.
pub async fn create_session(
    db: &Db,
    new: &NewOperatorSession<'_>,
    replaces: Option<&str>,
) -> Result<()> {
    let at = now();
    let mut tx = db.begin().await?;
    if let Some(old) = replaces {
        exec_tx!(
            &mut tx,
            "DELETE FROM operator_session WHERE id_hash = $1",
            old
        )?;
    }
    exec_tx!(
        &mut tx,
        "INSERT INTO operator_session (id_hash, operator_id, csrf_token, second_factor_pending, created_at, last_seen_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $5, $6)",
        new.id_hash,
        new.operator_id,
        new.csrf_token,
        new.second_factor_pending,
        at,
        at + new.lifetime
    )?;
    tx.commit().await
}

/// Slides the expiry forward. Called at most once a minute per session.
pub async fn touch_session(db: &Db, id_hash: &str, lifetime: Duration) -> Result<()> {
    let at = now();
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "UPDATE operator_session SET last_seen_at = $1, expires_at = $2 WHERE id_hash = $3",
        at,
        at + lifetime,
        id_hash
    )?;
    tx.commit().await
}

pub async fn delete_session(db: &Db, id_hash: &str) -> Result<()> {
    let mut tx = db.begin().await?;
    exec_tx!(
        &mut tx,
        "DELETE FROM operator_session WHERE id_hash = $1",
        id_hash
    )?;
    tx.commit().await
}

pub async fn delete_expired_sessions(db: &Db) -> Result<u64> {
    let mut tx = db.begin().await?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM operator_session WHERE expires_at <= $1",
        now()
    )?;
    tx.commit().await?;
    Ok(removed)
}

/// The operator behind a live session or an unrevoked token.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct OperatorAccess {
    pub id: i64,
    pub email: String,
    pub two_factor_enabled: bool,
    /// Empty for a token.
    pub csrf_token: String,
    pub second_factor_pending: bool,
    pub last_seen_at: DateTime<Utc>,
}

pub async fn by_session(db: &Db, id_hash: &str) -> Result<Option<OperatorAccess>> {
    Ok(read!(
        db,
        fetch_optional,
        OperatorAccess,
        "SELECT o.id, o.email, (o.totp_enabled_at IS NOT NULL) AS two_factor_enabled, s.csrf_token, \
            s.second_factor_pending, s.last_seen_at \
         FROM operator_session s JOIN operator o ON o.id = s.operator_id \
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND o.active = TRUE",
        id_hash,
        now()
    )?)
}

pub async fn by_token(db: &Db, token_hash: &str) -> Result<Option<OperatorAccess>> {
    Ok(read!(
        db,
        fetch_optional,
        OperatorAccess,
        "SELECT o.id, o.email, (o.totp_enabled_at IS NOT NULL) AS two_factor_enabled, '' AS csrf_token, \
            FALSE AS second_factor_pending, t.created_at AS last_seen_at \
         FROM operator_api_token t JOIN operator o ON o.id = t.operator_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND o.active = TRUE",
        token_hash
    )?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OperatorToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
}

pub async fn create_token(
    db: &Db,
    actor: &Actor,
    operator_id: i64,
    name: &str,
    token_hash: &str,
) -> Result<OperatorToken> {
    let mut tx = db.begin().await?;
    let token = in_tx!(
        &mut tx,
        fetch_one,
        OperatorToken,
        "INSERT INTO operator_api_token (operator_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) \
         RETURNING id, name, created_at",
        operator_id,
        name,
        token_hash,
        now()
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(None, "create", "operator_api_token", token.id)
            .after(&serde_json::json!({ "name": name, "operator_id": operator_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}
