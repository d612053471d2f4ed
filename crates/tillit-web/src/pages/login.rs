//! Login, second factor and logout.

use std::net::SocketAddr;

use askama::Template;
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use serde::Deserialize;

use crate::auth::principal::SessionInfo;
use crate::auth::secrets::random_token;
use crate::auth::{PendingLogin, Principal};
use crate::error::AppError;
use crate::extract::{FormData, QueryParams};
use crate::middleware::{LOGIN_CSRF_COOKIE, SESSION_COOKIE};
use crate::pages::{render, FormErrors, PageContext};
use crate::services::login;
use crate::state::AppState;

/// The client's address, for throttling: the socket peer, or the first
/// `X-Forwarded-For` entry when the server is configured to trust its proxy.
pub struct ClientAddress(pub String);

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let forwarded = state
            .config
            .trust_forwarded_for
            .then(|| {
                parts
                    .headers
                    .get("x-forwarded-for")?
                    .to_str()
                    .ok()?
                    .split(',')
                    .next()
                    .map(|s| s.trim().to_owned())
            })
            .flatten();
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip().to_string());
        Ok(ClientAddress(
            forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
        ))
    }
}

/// A cookie only the server reads: HttpOnly, and Secure when served over TLS.
fn private_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
    same_site: SameSite,
) -> Cookie<'static> {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .secure(state.config.secure_cookies)
        .same_site(same_site)
        .build()
}

/// The session cookie of a realm: `SESSION_COOKIE` for users, the operators' own for
/// operators.
pub(crate) fn session_cookie(
    state: &AppState,
    name: &'static str,
    value: String,
) -> Cookie<'static> {
    private_cookie(state, name, value, SameSite::Lax)
}

/// Only paths on this site are followed after login. Control characters cannot go in a
/// `Location` header, so a path with one is not followed either.
pub(crate) fn safe_next(next: Option<&str>) -> &str {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.contains(char::is_control) =>
        {
            path
        }
        _ => "/",
    }
}

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    ctx: PageContext,
    email: String,
    next: String,
    errors: FormErrors,
    demo: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

async fn login_page(
    state: &AppState,
    ctx: PageContext,
    jar: CookieJar,
    email: String,
    next: String,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let demo = tillit_store::org::any_demo(&state.db).await?;
    let mut ctx = ctx;
    let jar = keep_login_form_token(state, jar, &mut ctx);
    let page = LoginPage {
        ctx,
        email,
        next,
        errors,
        demo,
    };
    Ok((status, jar, render(&page)?).into_response())
}

/// Before sign-in there is no session to hold the form token, so it lives in a cookie of
/// its own; a page shown again keeps the token the browser already has.
pub(crate) fn keep_login_form_token(
    state: &AppState,
    jar: CookieJar,
    ctx: &mut PageContext,
) -> CookieJar {
    let token = jar
        .get(LOGIN_CSRF_COOKIE)
        .map(|c| c.value().to_owned())
        .unwrap_or_else(random_token);
    ctx.csrf_token = token.clone();
    jar.add(private_cookie(
        state,
        LOGIN_CSRF_COOKIE,
        token,
        SameSite::Strict,
    ))
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    jar: CookieJar,
    QueryParams(query): QueryParams<LoginQuery>,
) -> Result<Response, AppError> {
    if ctx.principal.is_some() {
        return Ok(Redirect::to(safe_next(query.next.as_deref())).into_response());
    }
    let next = safe_next(query.next.as_deref()).to_owned();
    login_page(
        &state,
        ctx,
        jar,
        String::new(),
        next,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
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
    let next = safe_next(form.next.as_deref()).to_owned();
    let previous = jar
        .get(SESSION_COOKIE)
        .map(|c| crate::auth::secrets::token_hash(c.value()));
    match login::sign_in(
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
                .add(session_cookie(&state, SESSION_COOKIE, session.cookie_value))
                .remove(Cookie::from(LOGIN_CSRF_COOKIE));
            let target = if session.second_factor_pending {
                format!(
                    "/login/two-factor?next={}",
                    serde_urlencoded::to_string([("", &next)])
                        .unwrap_or_default()
                        .trim_start_matches('=')
                )
            } else {
                next
            };
            Ok((jar, Redirect::to(&target)).into_response())
        }
        Err(AppError::Invalid(_)) => {
            let errors = FormErrors::single(&ctx, "password", "login-failed");
            login_page(
                &state,
                ctx,
                jar,
                form.email,
                next,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(AppError::TooManyAttempts) => {
            let errors = FormErrors::single(&ctx, "email", "login-throttled");
            login_page(
                &state,
                ctx,
                jar,
                form.email,
                next,
                errors,
                StatusCode::TOO_MANY_REQUESTS,
            )
            .await
        }
        Err(AppError::Suspended) => {
            let errors = FormErrors::single(&ctx, "email", "login-suspended");
            login_page(
                &state,
                ctx,
                jar,
                form.email,
                next,
                errors,
                StatusCode::FORBIDDEN,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "login_two_factor.html")]
struct SecondFactorPage {
    ctx: PageContext,
    next: String,
    errors: FormErrors,
}

pub async fn second_factor_form(
    ctx: PageContext,
    _pending: PendingLogin,
    QueryParams(query): QueryParams<LoginQuery>,
) -> Result<Response, AppError> {
    let next = safe_next(query.next.as_deref()).to_owned();
    render(&SecondFactorPage {
        ctx,
        next,
        errors: FormErrors::default(),
    })
}

#[derive(Debug, Deserialize)]
pub struct SecondFactorForm {
    #[serde(default)]
    code: String,
    next: Option<String>,
}

/// The message a refused code shows beside the code field, in either realm; any other
/// error is passed on.
pub(crate) fn second_factor_refusal(error: AppError) -> Result<&'static str, AppError> {
    match error {
        AppError::Invalid(_) => Ok("field-error-bad-code"),
        AppError::TooManyAttempts => Ok("login-throttled"),
        other => Err(other),
    }
}

pub async fn second_factor_submit(
    State(state): State<AppState>,
    ctx: PageContext,
    jar: CookieJar,
    pending: PendingLogin,
    ClientAddress(address): ClientAddress,
    FormData(form): FormData<SecondFactorForm>,
) -> Result<Response, AppError> {
    let next = safe_next(form.next.as_deref()).to_owned();
    let error_id = match login::confirm_second_factor(&state, &pending, &form.code, &address).await
    {
        Ok(session) => {
            let jar = jar.add(session_cookie(&state, SESSION_COOKIE, session.cookie_value));
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
    principal: Option<Principal>,
    pending: Option<PendingLogin>,
) -> Result<Response, AppError> {
    let session: Option<SessionInfo> = principal
        .as_ref()
        .and_then(|p| p.session.clone())
        .or(pending.map(|p| p.session));
    if let Some(session) = session {
        login::sign_out(&state, &session.id_hash, principal.as_ref()).await?;
    }
    let jar = jar.remove(Cookie::from(SESSION_COOKIE));
    Ok((jar, Redirect::to("/login")).into_response())
}
