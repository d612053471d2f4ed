//! Events on a register entry that call for a new classification and risk analysis:
//! each one asks the entry's owners, by a task, to do them.

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use tillit_domain::registers::{SystemEventKind, PROMPT_DUE_DAYS, TEXT_MAX};
use tillit_domain::validation::required_text;
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::tasks::{self, NewTask, Task, CLASSIFY};
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SystemEvent {
    pub id: i64,
    pub system_id: i64,
    pub kind: String,
    pub description: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: Option<i64>,
    pub recorded_by_label: String,
}

const COLUMNS: &str =
    "id, system_id, kind, description, recorded_at, recorded_by, recorded_by_label";

/// The events of one entry, newest first.
pub async fn system_events(
    db: &Db,
    organisation_id: i64,
    system_id: i64,
) -> Result<Vec<SystemEvent>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM system_event WHERE organisation_id = $1 AND system_id = $2 ORDER BY recorded_at DESC, id DESC"
    );
    Ok(read!(
        db,
        fetch_all,
        SystemEvent,
        &sql,
        organisation_id,
        system_id
    )?)
}

/// Records an event on an entry and gives each of its owners (object owner and
/// information owners) a task to classify and risk-analyse it; an entry without owners
/// gets one task for nobody in particular, which coordinators see.
pub async fn record_system_event(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    system_id: i64,
    kind: SystemEventKind,
    description: &str,
) -> Result<(SystemEvent, Vec<Task>)> {
    let mut errors = ValidationErrors::new();
    let description = required_text(&mut errors, "description", description, TEXT_MAX);
    errors.finish(()).map_err(StoreError::Invalid)?;
    let mut tx = db.begin().await?;
    let recorded = record_system_event_in(
        &mut tx,
        organisation_id,
        actor,
        system_id,
        kind,
        &description,
    )
    .await?;
    tx.commit().await?;
    Ok(recorded)
}

/// [`record_system_event`] inside the caller's transaction, e.g. the one that adds the entry.
pub async fn record_system_event_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    system_id: i64,
    kind: SystemEventKind,
    description: &str,
) -> Result<(SystemEvent, Vec<Task>)> {
    let object_owner = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        Option<i64>,
        "SELECT object_owner_id FROM information_system WHERE id = $1 AND organisation_id = $2",
        system_id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)?;
    let stamp = now();
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO system_event (organisation_id, system_id, kind, description, recorded_at, recorded_by, recorded_by_label) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        organisation_id,
        system_id,
        kind.as_str(),
        description,
        stamp,
        actor.user_id,
        actor.label.as_str()
    )?;
    let event = in_tx!(
        &mut *tx,
        fetch_one,
        SystemEvent,
        &format!("SELECT {COLUMNS} FROM system_event WHERE id = $1"),
        id
    )?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "record", "system_event", id).after(&event),
    )
    .await?;
    let mut owners = in_tx_scalar!(
        &mut *tx,
        fetch_all,
        i64,
        "SELECT user_id FROM information_system_owner WHERE system_id = $1",
        system_id
    )?;
    owners.extend(object_owner);
    owners.sort_unstable();
    owners.dedup();
    let assignees: Vec<Option<i64>> = if owners.is_empty() {
        vec![None]
    } else {
        owners.into_iter().map(Some).collect()
    };
    let due_on = (stamp + Duration::days(PROMPT_DUE_DAYS)).date_naive();
    let mut created = Vec::with_capacity(assignees.len());
    for assignee_id in assignees {
        let task = NewTask {
            assignee_id,
            kind: CLASSIFY,
            subject_kind: "information_system",
            subject_id: system_id,
            note: description,
            due_on: Some(due_on),
        };
        created.push(tasks::create_task_in(tx, organisation_id, actor, &task).await?);
    }
    Ok((event, created))
}
