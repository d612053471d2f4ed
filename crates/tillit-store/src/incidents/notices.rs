//! What the incident notices are about and who may receive them: cases waiting for the
//! head of operations, tracks waiting for their assessor, and the people holding each
//! role, with the units they hold it for, so the caller can tell who covers a case.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::db::Db;
use crate::error::Result;

/// A case reported since a moment and not yet assessed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Unassessed {
    pub incident_id: i64,
    pub designation: String,
    pub title: String,
    pub unit_id: i64,
    /// The manager of the case's unit, if it has one and the account is active.
    pub manager_id: Option<i64>,
    pub manager_email: Option<String>,
    pub manager_name: Option<String>,
    pub manager_locale: Option<String>,
}

pub async fn unassessed_since(
    db: &Db,
    organisation_id: i64,
    since: DateTime<Utc>,
) -> Result<Vec<Unassessed>> {
    Ok(read!(
        db,
        fetch_all,
        Unassessed,
        "SELECT i.id AS incident_id, i.designation, i.title, i.unit_id, m.id AS manager_id, m.email AS manager_email, \
         m.display_name AS manager_name, m.locale AS manager_locale \
         FROM incident i JOIN org_unit u ON u.id = i.unit_id LEFT JOIN app_user m ON m.id = u.manager_id AND m.active = TRUE \
         WHERE i.organisation_id = $1 AND i.status = 'open' AND i.assessed_at IS NULL AND i.created_at >= $2 \
         ORDER BY i.id",
        organisation_id,
        since
    )?)
}

/// An escalated track of an open case, waiting for its assessor, with the moments its
/// provisional clocks are counted from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct EscalatedTrack {
    pub track_id: i64,
    pub incident_id: i64,
    pub designation: String,
    pub title: String,
    pub unit_id: i64,
    pub track: String,
    pub discovered_at: DateTime<Utc>,
    /// The Swedish date the incident happened, which decides the regime.
    pub occurred_on: NaiveDate,
}

pub async fn escalated_tracks(db: &Db, organisation_id: i64) -> Result<Vec<EscalatedTrack>> {
    Ok(read!(
        db,
        fetch_all,
        EscalatedTrack,
        "SELECT t.id AS track_id, i.id AS incident_id, i.designation, i.title, i.unit_id, t.track, \
         i.discovered_at, i.occurred_on FROM incident_track t JOIN incident i ON i.id = t.incident_id \
         WHERE t.organisation_id = $1 AND t.status = 'escalated' AND i.status = 'open' ORDER BY t.id",
        organisation_id
    )?)
}

/// An active user holding a role, for the whole organisation (`unit_id` none) or for a
/// unit and the units below it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RoleHolder {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub locale: Option<String>,
    pub role: String,
    pub unit_id: Option<i64>,
}

pub async fn role_holders(db: &Db, organisation_id: i64) -> Result<Vec<RoleHolder>> {
    Ok(read!(
        db,
        fetch_all,
        RoleHolder,
        "SELECT u.id AS user_id, u.email, u.display_name, u.locale, r.role, r.unit_id FROM role_assignment r \
         JOIN app_user u ON u.id = r.user_id WHERE r.organisation_id = $1 AND u.active = TRUE ORDER BY u.id, r.id",
        organisation_id
    )?)
}
