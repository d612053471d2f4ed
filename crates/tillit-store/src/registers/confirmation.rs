//! The yearly confirmation of the register: who confirmed it, when, and what changed
//! since the confirmation before.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::registers::{confirmation_overdue, TEXT_MAX};
use tillit_domain::validation::optional_text;
use tillit_domain::ValidationErrors;

use super::json_text;
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RegisterConfirmation {
    pub id: i64,
    pub organisation_id: i64,
    pub confirmed_at: DateTime<Utc>,
    pub confirmed_by: Option<i64>,
    pub confirmed_by_label: String,
    /// Entries in the register when it was confirmed.
    pub system_count: i64,
    /// JSON text: the confirmer's note and the [`RegisterChanges`] since last time.
    pub changes_summary: String,
}

/// Entries created and changed since the last confirmation, by designation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RegisterChanges {
    pub created: Vec<String>,
    pub changed: Vec<String>,
}

#[derive(Serialize)]
struct Summary<'a> {
    note: &'a str,
    #[serde(flatten)]
    changes: &'a RegisterChanges,
}

const CONFIRMATION_COLUMNS: &str = "id, organisation_id, confirmed_at, confirmed_by, confirmed_by_label, system_count, changes_summary";

pub async fn latest_confirmation(
    db: &Db,
    organisation_id: i64,
) -> Result<Option<RegisterConfirmation>> {
    let sql = format!(
        "SELECT {CONFIRMATION_COLUMNS} FROM register_confirmation WHERE organisation_id = $1 \
         ORDER BY confirmed_at DESC, id DESC LIMIT 1"
    );
    Ok(read!(
        db,
        fetch_optional,
        RegisterConfirmation,
        &sql,
        organisation_id
    )?)
}

/// When the register was last confirmed before `before` (at all, if `None`).
async fn latest_confirmed_at(
    tx: &mut Tx,
    organisation_id: i64,
    before: Option<DateTime<Utc>>,
) -> Result<Option<DateTime<Utc>>> {
    Ok(in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        DateTime<Utc>,
        "SELECT confirmed_at FROM register_confirmation WHERE organisation_id = $1 AND ($2 IS NULL OR confirmed_at < $2) \
         ORDER BY confirmed_at DESC, id DESC LIMIT 1",
        organisation_id,
        before
    )?)
}

#[derive(sqlx::FromRow)]
struct ChangedEntry {
    designation: String,
    first_version: i64,
}

/// Entries changed after `$2` and until `$3` (either bound may be NULL, for none).
const CHANGES_SQL: &str = "SELECT s.designation, MIN(h.version) AS first_version FROM information_system_history h \
    JOIN information_system s ON s.id = h.system_id WHERE h.organisation_id = $1 AND ($2 IS NULL OR h.changed_at > $2) \
    AND ($3 IS NULL OR h.changed_at <= $3) GROUP BY s.designation ORDER BY s.designation";

fn sort_changes(rows: Vec<ChangedEntry>) -> RegisterChanges {
    let mut changes = RegisterChanges::default();
    for row in rows {
        if row.first_version == 1 {
            changes.created.push(row.designation);
        } else {
            changes.changed.push(row.designation);
        }
    }
    changes
}

/// What changed since the last confirmation (everything, if there was none).
pub async fn register_changes(db: &Db, organisation_id: i64) -> Result<RegisterChanges> {
    let since = latest_confirmation(db, organisation_id)
        .await?
        .map(|c| c.confirmed_at);
    let rows = read!(
        db,
        fetch_all,
        ChangedEntry,
        CHANGES_SQL,
        organisation_id,
        since,
        None::<DateTime<Utc>>
    )?;
    Ok(sort_changes(rows))
}

/// Confirms the register as it stands, with a note from the confirmer.
pub async fn confirm_register(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    note: &str,
) -> Result<RegisterConfirmation> {
    let mut errors = ValidationErrors::new();
    let note = optional_text(&mut errors, "note", note, TEXT_MAX);
    errors.finish(()).map_err(StoreError::Invalid)?;
    let mut tx = db.begin().await?;
    let confirmation = record(&mut tx, organisation_id, actor, actor, &note, None).await?;
    tx.commit().await?;
    Ok(confirmation)
}

/// Records a confirmation of the register by `confirmer`, with what changed since the
/// confirmation before; `actor` is who writes the record. With `at`, the confirmation
/// is dated then and covers the register as it stood (for data that comes with its own
/// past, such as the demo); without, it is made now of the register as it stands.
pub(super) async fn record(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    confirmer: &Actor,
    note: &str,
    at: Option<DateTime<Utc>>,
) -> Result<RegisterConfirmation> {
    let since = latest_confirmed_at(tx, organisation_id, at).await?;
    let rows = in_tx!(
        &mut *tx,
        fetch_all,
        ChangedEntry,
        CHANGES_SQL,
        organisation_id,
        since,
        at
    )?;
    let changes = sort_changes(rows);
    let system_count = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM information_system WHERE organisation_id = $1 AND ($2 IS NULL OR created_at <= $2)",
        organisation_id,
        at
    )?;
    let summary = json_text(&Summary {
        note,
        changes: &changes,
    });
    let sql = format!(
        "INSERT INTO register_confirmation (organisation_id, confirmed_at, confirmed_by, confirmed_by_label, system_count, changes_summary) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING {CONFIRMATION_COLUMNS}"
    );
    let confirmation = in_tx!(
        &mut *tx,
        fetch_one,
        RegisterConfirmation,
        &sql,
        organisation_id,
        at.unwrap_or_else(now),
        confirmer.user_id,
        confirmer.label.as_str(),
        system_count,
        summary
    )?;
    audit::append(
        tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "confirm",
            "register_confirmation",
            confirmation.id,
        )
        .after(&confirmation),
    )
    .await?;
    Ok(confirmation)
}

/// Whether the register is due for its yearly confirmation on `today` (UTC date).
pub async fn register_overdue(db: &Db, organisation_id: i64, today: NaiveDate) -> Result<bool> {
    let last = latest_confirmation(db, organisation_id)
        .await?
        .map(|c| c.confirmed_at.date_naive());
    Ok(confirmation_overdue(last, today))
}
