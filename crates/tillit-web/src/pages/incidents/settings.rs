//! `/incidents/settings`: who holds the reporting mandate, each regime's recipient, the
//! organisation's own targets for "as soon as possible", and the reminder points.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::auth::{Action, Role};
use tillit_domain::incident::Deadline;

use super::list::report_label;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::RepeatedForm;
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::incidents::{self as service, SettingsInput};
use crate::state::AppState;

pub struct RegimeRow {
    id: String,
    name: String,
    default_recipient: String,
    recipient: String,
    sources: String,
    deadlines: Vec<String>,
}

pub struct TargetRow {
    key: String,
    label: String,
    default_days: u32,
    days: String,
}

#[derive(Template)]
#[template(path = "incident_settings.html")]
struct SettingsPage {
    ctx: PageContext,
    version: i64,
    mandate_role: String,
    roles: Vec<(&'static str, String)>,
    regimes: Vec<RegimeRow>,
    targets: Vec<TargetRow>,
    reminder_points: String,
    can_manage: bool,
    errors: FormErrors,
}

fn deadline_text(ctx: &PageContext, deadline: Deadline) -> String {
    match deadline {
        Deadline::Hours(n) => ctx.t1("deadline-hours", "count", n),
        Deadline::Months(n) => ctx.t1("deadline-months", "count", n),
        Deadline::TargetDays(n) => ctx.t1("deadline-target-days", "count", n),
    }
}

async fn settings_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let settings = service::settings(state, principal).await?;
    let content = service::content()?;
    let regimes = content
        .regimes()
        .iter()
        .map(|r| RegimeRow {
            id: r.id.clone(),
            name: r.name.in_language(ctx.lang).to_owned(),
            default_recipient: r.recipient.clone(),
            recipient: settings.recipients.get(&r.id).cloned().unwrap_or_default(),
            sources: r.sources.join("; "),
            deadlines: r
                .obligations
                .iter()
                .map(|o| {
                    format!(
                        "{}: {}",
                        o.name.in_language(ctx.lang),
                        deadline_text(&ctx, o.deadline)
                    )
                })
                .collect(),
        })
        .collect();
    let targets = content
        .regimes()
        .iter()
        .flat_map(|r| {
            r.obligations.iter().filter_map(|o| match o.deadline {
                Deadline::TargetDays(days) => {
                    let key = format!("{}/{}", r.id, o.code);
                    Some(TargetRow {
                        label: report_label(&ctx, &r.id, &o.code),
                        default_days: days,
                        days: settings
                            .targets
                            .get(&key)
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                        key,
                    })
                }
                _ => None,
            })
        })
        .collect();
    let page = SettingsPage {
        version: settings.version,
        mandate_role: settings.reporting_mandate_role.clone(),
        roles: Role::ALL
            .into_iter()
            .filter(|r| !matches!(r, Role::Employee | Role::Auditor))
            .map(|r| {
                (
                    r.as_str(),
                    ctx.t(&format!("role-{}", r.as_str().replace('_', "-"))),
                )
            })
            .collect(),
        regimes,
        targets,
        reminder_points: settings.reminder_points,
        can_manage: principal
            .grants
            .allows_everywhere(Action::ManageIncidentSettings),
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    settings_page(
        &state,
        ctx,
        &principal,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct SettingsForm {
    version: i64,
    #[serde(default)]
    reporting_mandate_role: String,
    #[serde(default)]
    reminder_points: String,
}

pub async fn save(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    RepeatedForm(form, values): RepeatedForm<SettingsForm>,
) -> Result<Response, AppError> {
    let content = service::content()?;
    let recipients: BTreeMap<String, String> = content
        .regimes()
        .iter()
        .filter_map(|r| {
            values
                .first(&format!("recipient-{}", r.id))
                .map(|v| (r.id.clone(), v.to_owned()))
        })
        .collect();
    let targets: BTreeMap<String, String> = content
        .regimes()
        .iter()
        .flat_map(|r| {
            r.obligations
                .iter()
                .map(move |o| format!("{}/{}", r.id, o.code))
        })
        .filter_map(|key| {
            values
                .first(&format!("target-{key}"))
                .map(|v| (key.clone(), v.to_owned()))
        })
        .collect();
    let input = SettingsInput {
        reporting_mandate_role: &form.reporting_mandate_role,
        recipients: &recipients,
        targets: &targets,
        reminder_points: &form.reminder_points,
    };
    match service::update_settings(&state, &principal, form.version, &input).await {
        Ok(_) => Ok(see_other("/incidents/settings", "incident-settings-saved")),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation_in(&ctx, &errors, "incident");
            settings_page(
                &state,
                ctx,
                &principal,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::Conflict) => {
            let errors = FormErrors::single(&ctx, "version", "conflict-reload");
            settings_page(&state, ctx, &principal, errors, StatusCode::CONFLICT).await
        }
        Err(other) => Err(other),
    }
}
