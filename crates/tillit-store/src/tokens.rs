//! Personal API tokens. Only a SHA-256 hash of the token is stored.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::audit::{self, NewEvent};
use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ApiToken {
    pub id: i64,
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
}

pub async fn create(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
    name: &str,
    token_hash: &str,
) -> Result<ApiToken> {
    let mut tx = db.begin().await?;
    let token = in_tx!(
        &mut tx,
        fetch_one,
        ApiToken,
        "INSERT INTO api_token (organisation_id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5) \
         RETURNING id, name, created_at, last_used_at",
        organisation_id,
        user_id,
        name,
        token_hash,
        now()
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "api_token", token.id)
            .after(&serde_json::json!({ "name": name, "user_id": user_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(token)
}

pub async fn list_for_user(db: &Db, user_id: i64) -> Result<Vec<ApiToken>> {
    Ok(read!(
        db,
        fetch_all,
        ApiToken,
        "SELECT id, name, created_at, last_used_at FROM api_token WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
        user_id
    )?)
}

pub async fn revoke(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
    token_id: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE api_token SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL",
        now(),
        token_id,
        user_id
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "revoke", "api_token", token_id),
    )
    .await?;
    tx.commit().await
}
