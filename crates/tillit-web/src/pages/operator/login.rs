//! The operators' own sign-in, second factor and sign-out.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::Cookie;
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use super::operator_next;
use crate::auth::secrets::token_hash;
use crate::auth::{OperatorPrincipal, PendingOperatorLogin};
use crate::error::AppError;
use crate::extract::{FormData, QueryParams};
use crate::middleware::{LOGIN_CSRF_COOKIE, OPERATOR_SESSION_COOKIE};
use crate::pages::login::{
    keep_login_form_token, second_factor_refusal, session_cookie, ClientAddress,
};
use crate::pages::{render, FormErrors, PageContext};
use crate::services::operator_login;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "operator_login.html")]
struct LoginPage {
    ctx: PageContext,
    email: String,
    next: String,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

fn login_page(
    state: &AppState,
    mut ctx: PageContext,
    jar: CookieJar,
    email: String,
    next: String,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let jar = keep_login_form_token(state, jar, &mut ctx);
    let page = LoginPage {
        ctx,
        email,
        next,
        errors,
    };
    Ok((status, jar, render(&page)?).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    jar: CookieJar,
    QueryParams(query): QueryParams<LoginQuery>,
) -> Result<Response, AppError> {
    let next = operator_next(query.next.as_deref());
    if ctx.operator.is_some() {
        return Ok(Redirect::to(&next).into_response());
    }
    login_page(
        &state,
        ctx,
        jar,
        String::new(),
        next,
        FormErrors::default(),
        StatusCode::OK,
    )
}

#[derive(Debug, Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    next: Option<String>,
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    jar: CookieJar,
    ClientAddress(address): ClientAddress,
    FormData(form): FormData<LoginForm>,
) -> Result<Response, AppError> {
    let next = operator_next(form.next.as_deref());
    let previous = jar
        .get(OPERATOR_SESSION_COOKIE)
        .map(|c| token_hash(c.value()));
    let (field, message, status) = match operator_login::sign_in(
        &state,
        &form.email,
        &form.password,
        &address,
        previous.as_deref(),
    )
    .await
    {
        Ok(session) => {
            let jar = jar
                .add(session_cookie(
                    &state,
                    OPERATOR_SESSION_COOKIE,
                    session.cookie_value,
                ))
                .remove(Cookie::from(LOGIN_CSRF_COOKIE));
            let target = if session.second_factor_pending {
                let query = serde_urlencoded::to_string([("next", &next)]).unwrap_or_default();
                format!("/operator/login/two-factor?{query}")
            } else {
                next
            };
            return Ok((jar, Redirect::to(&target)).into_response());
        }
        Err(AppError::Invalid(_)) => ("password", "login-failed", StatusCode::UNPROCESSABLE_ENTITY),
        Err(AppError::TooManyAttempts) => {
            ("email", "login-throttled", StatusCode::TOO_MANY_REQUESTS)
        }
        Err(other) => return Err(other),
    };
    let errors = FormErrors::single(&ctx, field, message);
    login_page(&state, ctx, jar, form.email, next, errors, status)
}

#[derive(Template)]
#[template(path = "operator_login_two_factor.html")]
struct SecondFactorPage {
    ctx: PageContext,
    next: String,
    errors: FormErrors,
}

pub async fn second_factor_form(
    ctx: PageContext,
    _pending: PendingOperatorLogin,
    QueryParams(query): QueryParams<LoginQuery>,
) -> Result<Response, AppError> {
    render(&SecondFactorPage {
        ctx,
        next: operator_next(query.next.as_deref()),
        errors: FormErrors::default(),
    })
}

#[derive(Debug, Deserialize)]
pub struct SecondFactorForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

pub async fn second_factor_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    jar: CookieJar,
    pending: PendingOperatorLogin,
    ClientAddress(address): ClientAddress,
    FormData(form): FormData<SecondFactorForm>,
) -> Result<Response, AppError> {
    let next = operator_next(form.next.as_deref());
    let error_id =
        match operator_login::confirm_second_factor(&state, &pending, &form.code, &address).await {
            Ok(session) => {
                let jar = jar.add(session_cookie(
                    &state,
                    OPERATOR_SESSION_COOKIE,
                    session.cookie_value,
                ));
                return Ok((jar, Redirect::to(&next)).into_response());
            }
            Err(error) => second_factor_refusal(error)?,
        };
    let page = SecondFactorPage {
        errors: FormErrors::single(&ctx, "code", error_id),
        ctx,
        next,
    };
    Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
}

pub async fn logout(
    State(state): State<AppState>,
    jar: CookieJar,
    operator: Option<OperatorPrincipal>,
    pending: Option<PendingOperatorLogin>,
) -> Result<Response, AppError> {
    let session = operator
        .as_ref()
        .and_then(|o| o.session.clone())
        .or(pending.map(|p| p.session));
    if let Some(session) = session {
        operator_login::sign_out(&state, &session.id_hash, operator.as_ref()).await?;
    }
    let jar = jar.remove(Cookie::from(OPERATOR_SESSION_COOKIE));
    Ok((jar, Redirect::to("/operator/login")).into_response())
}
