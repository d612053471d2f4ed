//! Tasks on the start page, and noting a change or procurement on a register entry,
//! which gives its owners a task to classify and risk-analyse it.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::registers::SystemEventKind;
use tillit_store::classification::Subject;
use tillit_store::registers::SystemEvent;

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{FormData, IdPath};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::classification as service;
use crate::state::AppState;

#[derive(Debug, Deserialize)]
pub struct CompleteForm {
    version: i64,
}

pub async fn complete(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<CompleteForm>,
) -> Result<Response, AppError> {
    service::complete_task(&state, &principal, id, form.version).await?;
    Ok(see_other("/", "task-completed"))
}

#[derive(Debug, Default, Deserialize)]
pub struct EventForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
}

#[derive(Template)]
#[template(path = "system_events.html")]
struct EventsPage {
    ctx: PageContext,
    system_id: i64,
    name: String,
    events: Vec<SystemEvent>,
    can_record: bool,
    kinds: Vec<&'static str>,
    form: EventForm,
    errors: FormErrors,
}

impl EventsPage {
    fn kind_label(&self, kind: &str) -> String {
        self.ctx.t(&format!("system-event-{kind}"))
    }
}

async fn events_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    form: EventForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let target = service::target(state, principal, Subject::System(id)).await?;
    let events = service::system_events(state, principal, id).await?;
    let page = EventsPage {
        system_id: id,
        name: target.name.clone(),
        events,
        can_record: target.may_classify(principal),
        kinds: [SystemEventKind::Change, SystemEventKind::Procurement]
            .into_iter()
            .map(SystemEventKind::as_str)
            .collect(),
        form,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn system_events(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let form = EventForm {
        kind: SystemEventKind::Change.as_str().to_owned(),
        ..EventForm::default()
    };
    events_page(
        &state,
        ctx,
        &principal,
        id,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn record_system_event(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<EventForm>,
) -> Result<Response, AppError> {
    match service::record_system_event(&state, &principal, id, &form.kind, &form.description).await
    {
        Ok(_) => Ok(see_other(
            &format!("/register/systems/{id}/events"),
            "system-event-recorded",
        )),
        Err(error) => {
            let (errors, status) = FormErrors::rejected(&ctx, error, "", "description")?;
            events_page(&state, ctx, &principal, id, form, errors, status).await
        }
    }
}
