//! The user's own settings: language, password, two-factor login, API tokens.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use tillit_domain::users::Language;
use tillit_store::tokens::ApiToken;

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{FormData, IdPath};
use crate::middleware::LANGUAGE_COOKIE;
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::profile as service;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "profile.html")]
struct ProfilePage {
    ctx: PageContext,
    email: String,
    two_factor_enabled: bool,
    password_change_required: bool,
    tokens: Vec<ApiToken>,
    new_token: Option<String>,
    password_errors: FormErrors,
    token_errors: FormErrors,
}

async fn profile_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    new_token: Option<String>,
    password_errors: FormErrors,
    token_errors: FormErrors,
) -> Result<Response, AppError> {
    let status = if password_errors.any() || token_errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let page = ProfilePage {
        email: principal.email.clone(),
        two_factor_enabled: principal.two_factor_enabled,
        password_change_required: principal.password_change_required,
        tokens: service::list_tokens(state, principal).await?,
        new_token,
        password_errors,
        token_errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    profile_page(
        &state,
        ctx,
        &principal,
        None,
        FormErrors::default(),
        FormErrors::default(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct LanguageForm {
    #[serde(default)]
    language: String,
    next: Option<String>,
}

/// Switches the interface language: remembered on the account when signed in, and in a
/// cookie for the login page.
pub async fn switch_language(
    State(state): State<AppState>,
    jar: CookieJar,
    principal: Option<Principal>,
    FormData(form): FormData<LanguageForm>,
) -> Result<Response, AppError> {
    let language = Language::parse(&form.language)
        .ok_or_else(|| AppError::invalid("language", "invalid-choice"))?;
    if let Some(principal) = &principal {
        service::set_language(&state, principal, language).await?;
    }
    let mut cookie = Cookie::build((LANGUAGE_COOKIE, language.as_str()))
        .path("/")
        .same_site(SameSite::Lax)
        .secure(state.config.secure_cookies)
        .build();
    cookie.make_permanent();
    let next = crate::pages::login::safe_next(form.next.as_deref());
    Ok((jar.add(cookie), Redirect::to(next)).into_response())
}

#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<PasswordForm>,
) -> Result<Response, AppError> {
    match service::change_password(
        &state,
        &principal,
        &form.current_password,
        &form.new_password,
    )
    .await
    {
        Ok(()) => Ok(see_other("/profile", "password-changed")),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation(&ctx, &errors);
            profile_page(&state, ctx, &principal, None, errors, FormErrors::default()).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
}

pub async fn create_token(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<TokenForm>,
) -> Result<Response, AppError> {
    match service::create_token(&state, &principal, &form.name).await {
        Ok((_, token)) => {
            profile_page(
                &state,
                ctx,
                &principal,
                Some(token),
                FormErrors::default(),
                FormErrors::default(),
            )
            .await
        }
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation(&ctx, &errors);
            profile_page(&state, ctx, &principal, None, FormErrors::default(), errors).await
        }
        Err(other) => Err(other),
    }
}

pub async fn revoke_token(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    service::revoke_token(&state, &principal, id).await?;
    Ok(see_other("/profile", "token-revoked"))
}

#[derive(Template)]
#[template(path = "two_factor.html")]
struct TwoFactorPage {
    ctx: PageContext,
    enabled: bool,
    required: bool,
    setup: Option<service::TwoFactorSetup>,
    errors: FormErrors,
}

pub async fn two_factor_page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let setup = if principal.two_factor_enabled {
        None
    } else {
        service::pending_two_factor(&state, &principal).await?
    };
    let page = TwoFactorPage {
        enabled: principal.two_factor_enabled,
        required: principal.must_set_up_two_factor(),
        setup,
        errors: FormErrors::default(),
        ctx,
    };
    render(&page)
}

pub async fn two_factor_begin(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    if principal.two_factor_enabled {
        return Err(AppError::invalid("code", "already-enabled"));
    }
    service::begin_two_factor(&state, &principal).await?;
    Ok(Redirect::to("/profile/two-factor").into_response())
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    code: String,
}

pub async fn two_factor_confirm(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<ConfirmForm>,
) -> Result<Response, AppError> {
    match service::confirm_two_factor(&state, &principal, &form.code).await {
        Ok(()) => Ok(see_other("/profile", "two-factor-enabled")),
        Err(AppError::Invalid(errors)) => {
            let page = TwoFactorPage {
                enabled: false,
                required: principal.must_set_up_two_factor(),
                setup: service::pending_two_factor(&state, &principal).await?,
                errors: FormErrors::from_validation(&ctx, &errors),
                ctx,
            };
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other),
    }
}
