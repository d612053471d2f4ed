//! An operator's own two-factor sign-in: mandatory, set up at the first sign-in.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::auth::OperatorPrincipal;
use crate::error::AppError;
use crate::extract::FormData;
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::hosting as service;
use crate::services::profile::TwoFactorSetup;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "operator_two_factor.html")]
struct TwoFactorPage {
    ctx: PageContext,
    enabled: bool,
    setup: Option<TwoFactorSetup>,
    errors: FormErrors,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    operator: OperatorPrincipal,
) -> Result<Response, AppError> {
    let setup = if operator.two_factor_enabled {
        None
    } else {
        service::pending_two_factor(&state, &operator).await?
    };
    render(&TwoFactorPage {
        enabled: operator.two_factor_enabled,
        setup,
        errors: FormErrors::default(),
        ctx,
    })
}

pub async fn begin(
    State(state): State<AppState>,
    operator: OperatorPrincipal,
) -> Result<Response, AppError> {
    service::begin_two_factor(&state, &operator).await?;
    Ok(Redirect::to("/operator/two-factor").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    code: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    ctx: PageContext,
    operator: OperatorPrincipal,
    FormData(form): FormData<ConfirmForm>,
) -> Result<Response, AppError> {
    match service::confirm_two_factor(&state, &operator, &form.code).await {
        Ok(()) => Ok(see_other("/operator", "two-factor-enabled")),
        Err(AppError::Invalid(errors)) => {
            let page = TwoFactorPage {
                enabled: false,
                setup: service::pending_two_factor(&state, &operator).await?,
                errors: FormErrors::from_validation(&ctx, &errors),
                ctx,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other),
    }
}
