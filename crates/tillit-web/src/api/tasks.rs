//! `/api/v1/tasks` and `/api/v1/systems/{id}/events`: changes and procurements noted
//! on a register entry, and the tasks they give its owners.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_store::registers::SystemEvent;
use tillit_store::tasks::{OpenTask, Task};
use utoipa::ToSchema;

use crate::api::Problem;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath};
use crate::services::classification as service;
use crate::state::AppState;

/// Something a person is asked to do.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaskDto {
    pub id: i64,
    /// Empty: nobody in particular (coordinators see it).
    pub assignee_id: Option<i64>,
    /// `classify`: classify and risk-analyse the subject.
    pub kind: String,
    /// E.g. `information_system`.
    pub subject_kind: String,
    pub subject_id: i64,
    /// The register entry's designation and name; in lists only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub subject_name: Option<String>,
    /// What prompted the task.
    pub note: String,
    pub due_on: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    /// Send back when marking the task done.
    pub version: i64,
}

impl From<Task> for TaskDto {
    fn from(t: Task) -> Self {
        Self {
            id: t.id,
            assignee_id: t.assignee_id,
            kind: t.kind,
            subject_kind: t.subject_kind,
            subject_id: t.subject_id,
            subject_name: None,
            note: t.note,
            due_on: t.due_on,
            created_at: t.created_at,
            done_at: t.done_at,
            version: t.version,
        }
    }
}

impl From<OpenTask> for TaskDto {
    fn from(open: OpenTask) -> Self {
        Self {
            subject_name: Some(open.subject_name),
            ..TaskDto::from(open.task)
        }
    }
}

/// The caller's open tasks, earliest due first.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "tasks",
    responses((status = 200, body = Vec<TaskDto>), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<TaskDto>>, AppError> {
    let tasks = service::my_tasks(&state, &principal).await?;
    Ok(Json(tasks.into_iter().map(TaskDto::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteBody {
    /// The task's version last read.
    pub version: i64,
}

/// Mark a task done (its assignee, administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/complete", tag = "tasks", params(("id" = i64, Path)), request_body = CompleteBody,
    responses((status = 200, body = TaskDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn complete(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<CompleteBody>,
) -> Result<Json<TaskDto>, AppError> {
    let task = service::complete_task(&state, &principal, id, body.version).await?;
    Ok(Json(task.into()))
}

/// A change or procurement noted on a register entry.
#[derive(Debug, Serialize, ToSchema)]
pub struct SystemEventDto {
    pub id: i64,
    /// `added`, `change` or `procurement`.
    pub kind: String,
    pub description: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by_label: String,
}

impl From<SystemEvent> for SystemEventDto {
    fn from(e: SystemEvent) -> Self {
        Self {
            id: e.id,
            kind: e.kind,
            description: e.description,
            recorded_at: e.recorded_at,
            recorded_by_label: e.recorded_by_label,
        }
    }
}

/// The entry's events, newest first.
#[utoipa::path(get, path = "/api/v1/systems/{id}/events", tag = "registers", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<SystemEventDto>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn system_events(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<SystemEventDto>>, AppError> {
    let events = service::system_events(&state, &principal, id).await?;
    Ok(Json(events.into_iter().map(SystemEventDto::from).collect()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemEventBody {
    /// `change` or `procurement`.
    pub kind: String,
    /// What changes or is procured; required.
    pub description: String,
}

/// The event with the tasks it gave the entry's owners.
#[derive(Debug, Serialize, ToSchema)]
pub struct RecordedEventDto {
    pub event: SystemEventDto,
    pub tasks: Vec<TaskDto>,
}

/// Note a change or procurement; the entry's owners get a task to classify and
/// risk-analyse it (its owners, administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/systems/{id}/events", tag = "registers", params(("id" = i64, Path)), request_body = SystemEventBody,
    responses((status = 201, body = RecordedEventDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn record_system_event(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<SystemEventBody>,
) -> Result<Response, AppError> {
    let (event, tasks) =
        service::record_system_event(&state, &principal, id, &body.kind, &body.description).await?;
    let recorded = RecordedEventDto {
        event: event.into(),
        tasks: tasks.into_iter().map(TaskDto::from).collect(),
    };
    Ok((StatusCode::CREATED, Json(recorded)).into_response())
}
