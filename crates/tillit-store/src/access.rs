//! Who is behind a session cookie or an API token, with their roles and the position of
//! their organisation's audit trail, in one query: this runs on every request.

use chrono::{DateTime, Utc};
use tillit_domain::auth::{Assignment, Role};

use crate::db::Db;
use crate::error::Result;
use crate::now;
use crate::users::Identity;

/// A live session with the account behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionAccess {
    pub csrf_token: String,
    pub second_factor_pending: bool,
    pub last_seen_at: DateTime<Utc>,
    pub identity: Identity,
    pub assignments: Vec<Assignment>,
    /// The sequence number of the organisation's latest audit event, 0 before its first.
    pub audit_head: i64,
}

/// The account behind an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenAccess {
    pub identity: Identity,
    pub assignments: Vec<Assignment>,
    /// As for [`SessionAccess::audit_head`].
    pub audit_head: i64,
}

/// One row per role assignment (or one row with no role).
#[derive(sqlx::FromRow)]
struct AccessRow {
    csrf_token: String,
    second_factor_pending: bool,
    last_seen_at: DateTime<Utc>,
    id: i64,
    organisation_id: i64,
    email: String,
    display_name: String,
    locale: Option<String>,
    two_factor_enabled: bool,
    demo: bool,
    password_change_required: bool,
    suspended: bool,
    role: Option<String>,
    unit_id: Option<i64>,
    audit_head: i64,
}

const IDENTITY_COLUMNS: &str = "u.id, u.organisation_id, u.email, u.display_name, u.locale, \
    (u.totp_enabled_at IS NOT NULL) AS two_factor_enabled, o.demo, u.password_change_required, \
    (o.suspended_at IS NOT NULL) AS suspended, r.role, r.unit_id, \
    (SELECT COALESCE(MAX(a.seq), 0) FROM audit_event a WHERE a.organisation_id = u.organisation_id) AS audit_head";

fn assignments(rows: &[AccessRow]) -> Vec<Assignment> {
    rows.iter()
        .filter_map(|row| {
            let role = Role::parse(row.role.as_deref()?)?;
            Some(Assignment {
                role,
                unit_id: row.unit_id,
            })
        })
        .collect()
}

fn identity(row: &AccessRow) -> Identity {
    Identity {
        id: row.id,
        organisation_id: row.organisation_id,
        email: row.email.clone(),
        display_name: row.display_name.clone(),
        locale: row.locale.clone(),
        two_factor_enabled: row.two_factor_enabled,
        demo: row.demo,
        password_change_required: row.password_change_required,
        suspended: row.suspended,
    }
}

/// The live session with this id hash, of an active user.
pub async fn by_session(db: &Db, id_hash: &str) -> Result<Option<SessionAccess>> {
    let sql = format!(
        "SELECT s.csrf_token, s.second_factor_pending, s.last_seen_at, {IDENTITY_COLUMNS} \
         FROM web_session s JOIN app_user u ON u.id = s.user_id JOIN organisation o ON o.id = u.organisation_id \
         LEFT JOIN role_assignment r ON r.user_id = u.id \
         WHERE s.id_hash = $1 AND s.expires_at > $2 AND u.active = TRUE"
    );
    let rows = read!(db, fetch_all, AccessRow, &sql, id_hash, now())?;
    Ok(rows.first().map(|first| SessionAccess {
        csrf_token: first.csrf_token.clone(),
        second_factor_pending: first.second_factor_pending,
        last_seen_at: first.last_seen_at,
        identity: identity(first),
        assignments: assignments(&rows),
        audit_head: first.audit_head,
    }))
}

/// The active user owning this unrevoked token.
pub async fn by_token(db: &Db, token_hash: &str) -> Result<Option<TokenAccess>> {
    // The session columns are filled with placeholders so one row type serves both.
    let sql = format!(
        "SELECT '' AS csrf_token, FALSE AS second_factor_pending, t.created_at AS last_seen_at, {IDENTITY_COLUMNS} \
         FROM api_token t JOIN app_user u ON u.id = t.user_id JOIN organisation o ON o.id = u.organisation_id \
         LEFT JOIN role_assignment r ON r.user_id = u.id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = TRUE"
    );
    let rows = read!(db, fetch_all, AccessRow, &sql, token_hash)?;
    Ok(rows.first().map(|first| TokenAccess {
        identity: identity(first),
        assignments: assignments(&rows),
        audit_head: first.audit_head,
    }))
}
