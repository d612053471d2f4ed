//! Tasks: something one person is asked to do, such as classifying and risk-analysing a
//! system after a change. A task is done by hand or when the work it asks for is done.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::{now, Actor};

/// The kind of task that asks for a new classification and risk analysis.
pub const CLASSIFY: &str = "classify";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Task {
    pub id: i64,
    pub organisation_id: i64,
    /// `None`: nobody in particular; coordinators see it.
    pub assignee_id: Option<i64>,
    pub kind: String,
    /// The table of the object the task is about, e.g. `information_system`.
    pub subject_kind: String,
    pub subject_id: i64,
    /// What prompted the task, in the words of whoever prompted it.
    pub note: String,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub done_by: Option<i64>,
    pub version: i64,
}

/// A task to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask<'a> {
    pub assignee_id: Option<i64>,
    pub kind: &'a str,
    pub subject_kind: &'a str,
    pub subject_id: i64,
    pub note: &'a str,
    pub due_on: Option<NaiveDate>,
}

const COLUMNS: &str =
    "id, organisation_id, assignee_id, kind, subject_kind, subject_id, note, due_on, created_at, \
     done_at, done_by, version";

pub(crate) async fn create_task_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    task: &NewTask<'_>,
) -> Result<Task> {
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO task (organisation_id, assignee_id, kind, subject_kind, subject_id, note, due_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        organisation_id,
        task.assignee_id,
        task.kind,
        task.subject_kind,
        task.subject_id,
        task.note,
        task.due_on,
        now()
    )?;
    let created = task_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "task", id).after(&created),
    )
    .await?;
    Ok(created)
}

async fn task_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Task> {
    let sql = format!("SELECT {COLUMNS} FROM task WHERE organisation_id = $1 AND id = $2");
    in_tx!(&mut *tx, fetch_optional, Task, &sql, organisation_id, id)?.ok_or(StoreError::NotFound)
}

pub async fn get_task(db: &Db, organisation_id: i64, id: i64) -> Result<Task> {
    let sql = format!("SELECT {COLUMNS} FROM task WHERE organisation_id = $1 AND id = $2");
    read!(db, fetch_optional, Task, &sql, organisation_id, id)?.ok_or(StoreError::NotFound)
}

/// An open task with the name of what it is about, for lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OpenTask {
    #[sqlx(flatten)]
    #[serde(flatten)]
    pub task: Task,
    /// The register entry's designation and name.
    pub subject_name: String,
}

/// Open tasks assigned to `user_id`, or to nobody when `include_unassigned`, earliest due first.
pub async fn open_tasks(
    db: &Db,
    organisation_id: i64,
    user_id: i64,
    include_unassigned: bool,
    limit: i64,
) -> Result<Vec<OpenTask>> {
    let columns = COLUMNS
        .split(", ")
        .map(|column| format!("t.{column}"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT {columns}, COALESCE(s.designation || ' ' || s.name, a.name, '') AS subject_name FROM task t \
         LEFT JOIN information_system s ON t.subject_kind = 'information_system' AND s.id = t.subject_id \
         LEFT JOIN information_asset a ON t.subject_kind = 'information_asset' AND a.id = t.subject_id \
         WHERE t.organisation_id = $1 AND t.done_at IS NULL \
         AND (t.assignee_id = $2 OR ($3 AND t.assignee_id IS NULL)) \
         ORDER BY t.due_on, t.id LIMIT $4"
    );
    Ok(read!(
        db,
        fetch_all,
        OpenTask,
        &sql,
        organisation_id,
        user_id,
        include_unassigned,
        limit
    )?)
}

/// Open tasks about one object.
pub async fn open_tasks_about(
    db: &Db,
    organisation_id: i64,
    subject_kind: &str,
    subject_id: i64,
) -> Result<Vec<Task>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM task WHERE organisation_id = $1 AND subject_kind = $2 AND subject_id = $3 \
         AND done_at IS NULL ORDER BY due_on, id"
    );
    Ok(read!(
        db,
        fetch_all,
        Task,
        &sql,
        organisation_id,
        subject_kind,
        subject_id
    )?)
}

/// Marks a task done if nobody changed it since `expected_version` was read.
pub async fn complete_task(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<Task> {
    let mut tx = db.begin().await?;
    let before = task_tx(&mut tx, organisation_id, id).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE task SET done_at = $1, done_by = $2, version = version + 1 \
         WHERE id = $3 AND organisation_id = $4 AND version = $5 AND done_at IS NULL",
        now(),
        actor.user_id,
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = task_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "complete", "task", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Marks every open classification prompt about the object done: the work is done.
pub(crate) async fn complete_prompts_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    subject_kind: &str,
    subject_id: i64,
) -> Result<()> {
    let done = exec_tx!(
        &mut *tx,
        "UPDATE task SET done_at = $1, done_by = $2, version = version + 1 \
         WHERE organisation_id = $3 AND kind = $4 AND subject_kind = $5 AND subject_id = $6 AND done_at IS NULL",
        now(),
        actor.user_id,
        organisation_id,
        CLASSIFY,
        subject_kind,
        subject_id
    )?;
    if done > 0 {
        audit::append(
            tx,
            actor,
            NewEvent::new(
                Some(organisation_id),
                "complete",
                "task",
                format!("{subject_kind}:{subject_id}"),
            ),
        )
        .await?;
    }
    Ok(())
}
