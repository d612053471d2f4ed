//! `/incidents/new`: the one intake — any signed-in employee reports a deviation.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::incident::{parse_swedish_time, IntakeInput};
use tillit_domain::ValidationErrors;

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, RepeatedForm};
use crate::pages::org::TreeRow;
use crate::pages::picker::{self, Picker, PickerInput, PickerKind};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::incidents as service;
use crate::state::AppState;

/// The intake form as typed; times are Swedish wall-clock times.
#[derive(Debug, Default, Deserialize)]
pub struct IntakeForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    started_at: String,
    #[serde(default)]
    discovered_at: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default)]
    care_disrupted: Option<String>,
    #[serde(default)]
    personal_data: Option<String>,
    #[serde(default)]
    patient_harm: Option<String>,
    #[serde(skip)]
    systems: PickerInput,
}

#[derive(Template)]
#[template(path = "incident_new.html")]
struct IntakePage {
    ctx: PageContext,
    form: IntakeForm,
    units: Vec<TreeRow>,
    systems: Picker,
    errors: FormErrors,
}

impl IntakePage {
    fn is_unit(&self, id: &i64) -> bool {
        self.form.unit_id == Some(*id)
    }
}

async fn intake_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: IntakeForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    principal.require(Action::ReportIncident)?;
    let systems = Picker::new(
        PickerKind::Systems,
        "",
        "system_ids",
        ctx.t("incident-field-system-ids"),
    )
    .with_error(errors.for_field("system_ids"))
    .filled(state, principal, &form.systems)
    .await?;
    let page = IntakePage {
        form,
        units: crate::pages::org::tree_rows_for(state, principal).await?,
        systems,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    intake_page(
        &state,
        ctx,
        &principal,
        IntakeForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// A typed time: empty is `None`, anything unreadable is an error on the field.
pub fn typed_time(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
) -> Option<chrono::DateTime<chrono::Utc>> {
    if value.trim().is_empty() {
        return None;
    }
    let parsed = parse_swedish_time(value);
    if parsed.is_none() {
        errors.add(field, "invalid-time");
    }
    parsed
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    RepeatedForm(mut form, values): RepeatedForm<IntakeForm>,
) -> Result<Response, AppError> {
    form.systems = PickerInput::read(&values, "system_ids")?;
    if picker::searching(&values) {
        let errors = FormErrors::default();
        return intake_page(&state, ctx, &principal, form, errors, StatusCode::OK).await;
    }
    let mut errors = ValidationErrors::new();
    let started_at = typed_time(&mut errors, "started_at", &form.started_at);
    let discovered_at = typed_time(&mut errors, "discovered_at", &form.discovered_at);
    let result = if errors.is_empty() {
        let input = IntakeInput {
            title: &form.title,
            description: &form.description,
            started_at,
            discovered_at,
            unit_id: form.unit_id,
            system_ids: &form.systems.chosen,
            care_disrupted: form.care_disrupted.is_some(),
            personal_data: form.personal_data.is_some(),
            patient_harm: form.patient_harm.is_some(),
        };
        service::report(&state, &principal, &input, "intake").await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(incident) => Ok(see_other(
            &format!("/incidents/{}", incident.id),
            "incident-reported",
        )),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation_in(&ctx, &errors, "incident");
            intake_page(
                &state,
                ctx,
                &principal,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}
