//! The incident cases a risk analysis considered: shown on the analysis page with links
//! to the cases the reader may see, added and removed while the analysis is a draft.

use axum::extract::{Path, State};
use axum::response::Response;
use serde::Deserialize;

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData};
use crate::pages::risk::rejected;
use crate::pages::{see_other, FormErrors, PageContext};
use crate::services::incidents as service;
use crate::state::AppState;
use tillit_store::risk::ConsideredIncident;

/// How many cases the picker offers, the latest first.
const CHOICES: i64 = 200;

/// The considered cases as the analysis page shows them.
#[derive(Debug, Default)]
pub struct ConsideredView {
    pub cases: Vec<ConsideredIncident>,
    /// Cases the reader may add: (id, "INC-0001 Title"); empty unless they may edit.
    pub choices: Vec<(i64, String)>,
}

pub async fn view(
    state: &AppState,
    principal: &Principal,
    analysis_id: i64,
    editable: bool,
) -> Result<ConsideredView, AppError> {
    let cases = service::considered(state, principal, analysis_id).await?;
    let choices = if editable {
        service::considerable(state, principal, CHOICES)
            .await?
            .into_iter()
            .filter(|row| !cases.iter().any(|c| c.id == row.id))
            .map(|row| (row.id, format!("{} {}", row.designation, row.title)))
            .collect()
    } else {
        Vec::new()
    };
    Ok(ConsideredView { cases, choices })
}

#[derive(Debug, Deserialize)]
pub struct ConsiderForm {
    version: i64,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    incident_id: Option<i64>,
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    version: i64,
}

async fn answer(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    analysis_id: i64,
    result: Result<(), AppError>,
    notice: &str,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/risks/analyses/{analysis_id}"), notice)),
        Err(error) => {
            let (errors, status): (FormErrors, _) = rejected(&ctx, error, "incident_id")?;
            crate::pages::risk::analyses::detail_page(
                state,
                ctx,
                principal,
                analysis_id,
                None,
                errors,
                status,
            )
            .await
        }
    }
}

pub async fn add(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(analysis_id): Path<i64>,
    FormData(form): FormData<ConsiderForm>,
) -> Result<Response, AppError> {
    let result = match form.incident_id {
        Some(incident) => {
            service::consider(
                &state,
                &principal,
                analysis_id,
                form.version,
                incident,
                true,
            )
            .await
        }
        None => Err(AppError::invalid("incident_id", "required")),
    };
    answer(
        &state,
        ctx,
        &principal,
        analysis_id,
        result,
        "analysis-incident-added",
    )
    .await
}

pub async fn remove(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path((analysis_id, incident_id)): Path<(i64, i64)>,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    let result = service::consider(
        &state,
        &principal,
        analysis_id,
        form.version,
        incident_id,
        false,
    )
    .await;
    answer(
        &state,
        ctx,
        &principal,
        analysis_id,
        result,
        "analysis-incident-removed",
    )
    .await
}
