//! The organisation's incident settings: who holds the reporting mandate, the
//! recipients of each regime, its own targets for "as soon as possible", and when
//! reminders go out.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{from_json, to_json};
use crate::audit::{self, NewEvent};
use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::{now, Actor};

/// Used until the organisation saves its own settings.
const DEFAULT_MANDATE_ROLE: &str = "head_of_operations";
const DEFAULT_REMINDER_POINTS: &str = "half, 1h, overdue";

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settings {
    /// The role whose holders may mark cybersecurity reports as submitted.
    pub reporting_mandate_role: String,
    /// Recipient by regime id, where the organisation has changed it.
    pub recipients: BTreeMap<String, String>,
    /// Days by `<regime>/<code>`, where the organisation has its own target.
    pub targets: BTreeMap<String, u32>,
    /// E.g. `half, 1h, overdue`.
    pub reminder_points: String,
    /// 0 until first saved.
    pub version: i64,
}

/// Settings to save, already validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsDraft {
    pub reporting_mandate_role: String,
    pub recipients: BTreeMap<String, String>,
    pub targets: BTreeMap<String, u32>,
    pub reminder_points: String,
}

#[derive(sqlx::FromRow)]
struct SettingsRow {
    reporting_mandate_role: String,
    recipients: String,
    targets: String,
    reminder_points: String,
    version: i64,
}

pub async fn settings(db: &Db, organisation_id: i64) -> Result<Settings> {
    let row = read!(
        db,
        fetch_optional,
        SettingsRow,
        "SELECT reporting_mandate_role, recipients, targets, reminder_points, version FROM incident_settings \
         WHERE organisation_id = $1",
        organisation_id
    )?;
    Ok(match row {
        Some(row) => Settings {
            reporting_mandate_role: row.reporting_mandate_role,
            recipients: from_json(&row.recipients)?,
            targets: from_json(&row.targets)?,
            reminder_points: row.reminder_points,
            version: row.version,
        },
        None => Settings {
            reporting_mandate_role: DEFAULT_MANDATE_ROLE.into(),
            recipients: BTreeMap::new(),
            targets: BTreeMap::new(),
            reminder_points: DEFAULT_REMINDER_POINTS.into(),
            version: 0,
        },
    })
}

pub async fn update_settings(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    expected_version: i64,
    draft: &SettingsDraft,
) -> Result<Settings> {
    let at = now();
    let mut tx = db.begin().await?;
    let recipients = to_json(&draft.recipients)?;
    let targets = to_json(&draft.targets)?;
    let changed = if expected_version == 0 {
        exec_tx!(
            &mut tx,
            "INSERT INTO incident_settings (organisation_id, reporting_mandate_role, recipients, targets, reminder_points, \
             version, updated_at) VALUES ($1, $2, $3, $4, $5, 1, $6) ON CONFLICT (organisation_id) DO NOTHING",
            organisation_id,
            draft.reporting_mandate_role.as_str(),
            recipients.as_str(),
            targets.as_str(),
            draft.reminder_points.as_str(),
            at
        )?
    } else {
        exec_tx!(
            &mut tx,
            "UPDATE incident_settings SET reporting_mandate_role = $1, recipients = $2, targets = $3, reminder_points = $4, \
             version = version + 1, updated_at = $5 WHERE organisation_id = $6 AND version = $7",
            draft.reporting_mandate_role.as_str(),
            recipients.as_str(),
            targets.as_str(),
            draft.reminder_points.as_str(),
            at,
            organisation_id,
            expected_version
        )?
    };
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let saved = Settings {
        reporting_mandate_role: draft.reporting_mandate_role.clone(),
        recipients: draft.recipients.clone(),
        targets: draft.targets.clone(),
        reminder_points: draft.reminder_points.clone(),
        version: expected_version + 1,
    };
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "update",
            "incident_settings",
            organisation_id,
        )
        .after(&saved),
    )
    .await?;
    tx.commit().await?;
    Ok(saved)
}
