//! Layers every request passes: request id, security headers, error rendering,
//! authentication and language, CSRF, and the two-factor gate.

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn, from_fn_with_state, Next};
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use axum_extra::extract::CookieJar;
use chrono::Duration;
use tillit_domain::auth::{Assignment, Grants};
use tillit_domain::users::Language;
use tillit_store::users::Identity;
use tillit_store::{access, operators, sessions};
use tracing::Instrument;

use crate::auth::operator::is_operator_path;
use crate::auth::principal::{Lang, SessionInfo};
use crate::auth::secrets::{constant_time_eq, is_operator_token, token_hash};
use crate::auth::{OperatorPrincipal, PendingLogin, PendingOperatorLogin, Principal};
use crate::error::{AppError, ErrorReport};
use crate::pages::errors::render_error_page;
use crate::state::AppState;
use crate::BODY_LIMIT;

pub const SESSION_COOKIE: &str = "tillit_session";
/// Operators have their own session cookie: one browser may hold both kinds.
pub const OPERATOR_SESSION_COOKIE: &str = "tillit_operator_session";
pub const LOGIN_CSRF_COOKIE: &str = "tillit_csrf";
pub const LANGUAGE_COOKIE: &str = "tillit_lang";
pub const CSRF_FIELD: &str = "csrf_token";
pub const CSRF_HEADER: &str = "x-csrf-token";

const CONTENT_SECURITY_POLICY: &str =
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
    connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

pub fn wrap(router: Router<AppState>, state: AppState) -> Router<AppState> {
    router
        .layer(from_fn(two_factor_gate))
        .layer(from_fn(csrf))
        .layer(from_fn_with_state(state.clone(), authenticate))
        .layer(from_fn_with_state(state.clone(), render_errors))
        .layer(from_fn_with_state(state, security_headers))
        .layer(from_fn(request_id))
}

#[derive(Debug, Clone)]
pub struct RequestId(pub String);

async fn request_id(mut request: Request, next: Next) -> Response {
    let id = format!("{:016x}", rand::random::<u64>());
    request.extensions_mut().insert(RequestId(id.clone()));
    let span = tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path());
    // Instrumenting the future (not entering the span across an await) keeps the span
    // valid whichever thread resumes the request.
    let mut response = next.run(request).instrument(span).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let fixed: [(&str, &str); 6] = [
        ("content-security-policy", CONTENT_SECURITY_POLICY),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(), payment=()",
        ),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if state.config.secure_cookies {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-store"));
    response
}

/// Whether the client wants JSON (the API) rather than a page.
fn wants_json(request: &Request) -> bool {
    let path = request.uri().path();
    path.starts_with("/api/") || path == "/healthz" || path == "/readyz"
}

async fn render_errors(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let json = wants_json(&request);
    let login = if is_operator_path(request.uri().path()) {
        "/operator/login"
    } else {
        "/login"
    };
    let method = request.method().clone();
    let target = request
        .uri()
        .path_and_query()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "/".into());
    let fallback_language = language_from_headers(request.headers());
    let request_id = request
        .extensions()
        .get::<RequestId>()
        .map(|r| r.0.clone())
        .unwrap_or_default();
    let response = next.run(request).await;
    let Some(report) = response.extensions().get::<ErrorReport>().cloned() else {
        return response;
    };
    let language = response
        .extensions()
        .get::<Lang>()
        .map(|l| l.0)
        .unwrap_or(fallback_language);
    if json {
        return problem_response(&state, language, &report, &request_id);
    }
    if report.status == StatusCode::UNAUTHORIZED {
        let next = if method == Method::GET {
            format!("{login}?next={}", urlencode(&target))
        } else {
            login.to_owned()
        };
        return Redirect::to(&next).into_response();
    }
    let principal = response.extensions().get::<Principal>().cloned();
    render_error_page(&state, language, principal, &report, &request_id)
}

fn urlencode(value: &str) -> String {
    serde_urlencoded::to_string([("v", value)])
        .map(|s| s[2..].to_owned())
        .unwrap_or_default()
}

/// RFC 9457 problem document with a stable `code` and field errors in the user's language.
pub fn problem_response(
    state: &AppState,
    language: Language,
    report: &ErrorReport,
    request_id: &str,
) -> Response {
    let i18n = &state.i18n;
    let errors: Vec<serde_json::Value> = report
        .fields
        .iter()
        .map(|f| {
            serde_json::json!({
                "field": f.field,
                "code": f.code,
                "detail": i18n.text(language, &format!("field-error-{}", f.code)),
            })
        })
        .collect();
    let mut detail = i18n.text(language, &format!("problem-{}-detail", report.code));
    if let Some(extra) = &report.detail {
        detail = format!("{detail} ({extra})");
    }
    let mut body = serde_json::json!({
        "type": format!("urn:tillit:problem:{}", report.code),
        "title": i18n.text(language, &format!("problem-{}-title", report.code)),
        "status": report.status.as_u16(),
        "code": report.code,
        "detail": detail,
        "request_id": request_id,
    });
    if !errors.is_empty() {
        body["errors"] = serde_json::Value::Array(errors);
    }
    let mut response = (
        report.status,
        [(header::CONTENT_TYPE, "application/problem+json")],
        body.to_string(),
    )
        .into_response();
    if report.status == StatusCode::UNAUTHORIZED {
        response
            .headers_mut()
            .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
    }
    response
}

fn language_from_headers(headers: &HeaderMap) -> Language {
    let jar = CookieJar::from_headers(headers);
    jar.get(LANGUAGE_COOKIE)
        .and_then(|c| Language::parse(c.value()))
        .or_else(|| {
            headers
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(crate::i18n::negotiate)
        })
        .unwrap_or_default()
}

fn bearer_token(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Finds the user behind the session cookie or bearer token and decides the language.
async fn authenticate(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    match identify(&state, &mut request).await {
        Ok(()) => {}
        Err(error) => return error.into_response(),
    }
    let operator_path = is_operator_path(request.uri().path());
    let foreign = keep_own_realm(&mut request, operator_path);
    let language = request
        .extensions()
        .get::<Principal>()
        .and_then(|p| p.language)
        .unwrap_or_else(|| language_from_headers(request.headers()));
    request.extensions_mut().insert(Lang(language));
    let principal = request.extensions().get::<Principal>().cloned();
    let mut response = next.run(request).await;
    let unauthenticated = response
        .extensions()
        .get::<ErrorReport>()
        .is_some_and(|report| report.status == StatusCode::UNAUTHORIZED);
    if unauthenticated && foreign.is_some() {
        // Signed in, but in the other realm: refused, not sent to a login page.
        response = if operator_path {
            AppError::Forbidden.into_response()
        } else {
            AppError::OperatorAccount.into_response()
        };
    }
    response.extensions_mut().insert(Lang(language));
    // An error page is rendered outside this layer and still shows the signed-in header.
    if let Some(principal) =
        principal.filter(|_| response.extensions().get::<ErrorReport>().is_some())
    {
        response.extensions_mut().insert(principal);
    }
    response
}

async fn identify(state: &AppState, request: &mut Request) -> Result<(), AppError> {
    let db = &state.db;
    if let Some(token) = bearer_token(request.headers()) {
        if is_operator_token(token) {
            let access = operators::by_token(db, &token_hash(token))
                .await?
                .ok_or(AppError::Unauthenticated)?;
            request.extensions_mut().insert(OperatorPrincipal {
                operator_id: access.id,
                email: access.email,
                two_factor_enabled: access.two_factor_enabled,
                session: None,
            });
            return Ok(());
        }
        let access = access::by_token(db, &token_hash(token))
            .await?
            .ok_or(AppError::Unauthenticated)?;
        if access.identity.suspended {
            return Err(AppError::Suspended);
        }
        let principal = principal(access.identity, access.assignments, access.audit_head, None);
        request.extensions_mut().insert(principal);
        return Ok(());
    }
    identify_operator_session(state, request).await?;
    identify_user_session(state, request).await
}

/// The operator behind the operator session cookie, if any.
async fn identify_operator_session(
    state: &AppState,
    request: &mut Request,
) -> Result<(), AppError> {
    let jar = CookieJar::from_headers(request.headers());
    let Some(cookie) = jar.get(OPERATOR_SESSION_COOKIE) else {
        return Ok(());
    };
    let id_hash = token_hash(cookie.value());
    let Some(access) = operators::by_session(&state.db, &id_hash).await? else {
        return Ok(());
    };
    if tillit_store::now() - access.last_seen_at > Duration::seconds(60) {
        let lifetime = Duration::minutes(state.config.session_idle_minutes);
        operators::touch_session(&state.db, &id_hash, lifetime).await?;
    }
    let session = SessionInfo {
        id_hash,
        csrf_token: access.csrf_token,
    };
    if access.second_factor_pending {
        request.extensions_mut().insert(PendingOperatorLogin {
            operator_id: access.id,
            session,
        });
    } else {
        request.extensions_mut().insert(OperatorPrincipal {
            operator_id: access.id,
            email: access.email,
            two_factor_enabled: access.two_factor_enabled,
            session: Some(session),
        });
    }
    Ok(())
}

/// The user behind the session cookie, if any.
async fn identify_user_session(state: &AppState, request: &mut Request) -> Result<(), AppError> {
    let db = &state.db;
    let jar = CookieJar::from_headers(request.headers());
    let Some(cookie) = jar.get(SESSION_COOKIE) else {
        return Ok(());
    };
    let id_hash = token_hash(cookie.value());
    let Some(access) = access::by_session(db, &id_hash).await? else {
        return Ok(());
    };
    // Suspension deletes the organisation's sessions; one that slipped through counts as
    // signed out, and the login form says why.
    if access.identity.suspended {
        return Ok(());
    }
    let lifetime = Duration::minutes(state.config.session_idle_minutes);
    if tillit_store::now() - access.last_seen_at > Duration::seconds(60) {
        sessions::touch(db, &id_hash, lifetime).await?;
    }
    let info = SessionInfo {
        id_hash,
        csrf_token: access.csrf_token,
    };
    if access.second_factor_pending {
        request.extensions_mut().insert(PendingLogin {
            user_id: access.identity.id,
            organisation_id: access.identity.organisation_id,
            session: info,
        });
    } else {
        let principal = principal(
            access.identity,
            access.assignments,
            access.audit_head,
            Some(info),
        );
        request.extensions_mut().insert(principal);
    }
    Ok(())
}

/// A signed-in identity of the realm the path does not belong to, taken out of the
/// request so no handler sees it. Its CSRF token still counts, so that a browser
/// holding only that session is refused for who it is rather than for a missing token.
#[derive(Debug, Clone)]
pub struct ForeignSession {
    pub csrf_token: Option<String>,
}

fn keep_own_realm(request: &mut Request, operator_path: bool) -> Option<ForeignSession> {
    let extensions = request.extensions_mut();
    let csrf_token = if operator_path {
        let principal = extensions.remove::<Principal>();
        let pending = extensions.remove::<PendingLogin>();
        if principal.is_none() && pending.is_none() {
            return None;
        }
        principal
            .and_then(|p| p.session)
            .or(pending.map(|p| p.session))
            .map(|s| s.csrf_token)
    } else {
        let operator = extensions.remove::<OperatorPrincipal>();
        let pending = extensions.remove::<PendingOperatorLogin>();
        if operator.is_none() && pending.is_none() {
            return None;
        }
        operator
            .and_then(|o| o.session)
            .or(pending.map(|p| p.session))
            .map(|s| s.csrf_token)
    };
    let foreign = ForeignSession { csrf_token };
    extensions.insert(foreign.clone());
    Some(foreign)
}

fn principal(
    identity: Identity,
    assignments: Vec<Assignment>,
    audit_head: i64,
    session: Option<SessionInfo>,
) -> Principal {
    Principal {
        user_id: identity.id,
        organisation_id: identity.organisation_id,
        email: identity.email,
        display_name: identity.display_name,
        grants: Grants::new(assignments),
        language: identity.locale.as_deref().and_then(Language::parse),
        demo: identity.demo,
        two_factor_enabled: identity.two_factor_enabled,
        password_change_required: identity.password_change_required,
        session,
        audit_head,
    }
}

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Browser writes must carry the session's CSRF token (form field or header). Before
/// login there is no session, so the login form uses a double-submit cookie instead.
/// Requests authenticated only by a bearer token carry no ambient credentials and need
/// no token.
async fn csrf(request: Request, next: Next) -> Response {
    if !is_unsafe(request.method()) {
        return next.run(request).await;
    }
    let own_token = request
        .extensions()
        .get::<Principal>()
        .and_then(|p| p.session.as_ref())
        .or_else(|| {
            request
                .extensions()
                .get::<PendingLogin>()
                .map(|p| &p.session)
        })
        .or_else(|| {
            request
                .extensions()
                .get::<OperatorPrincipal>()
                .and_then(|p| p.session.as_ref())
        })
        .or_else(|| {
            request
                .extensions()
                .get::<PendingOperatorLogin>()
                .map(|p| &p.session)
        })
        .map(|s| s.csrf_token.clone());
    let foreign_token = request
        .extensions()
        .get::<ForeignSession>()
        .and_then(|f| f.csrf_token.clone());
    let session_token = own_token.clone().or(foreign_token.clone());
    let jar = CookieJar::from_headers(request.headers());
    let has_cookie_session =
        jar.get(SESSION_COOKIE).is_some() || jar.get(OPERATOR_SESSION_COOKIE).is_some();
    if session_token.is_none() && bearer_token(request.headers()).is_some() && !has_cookie_session {
        return next.run(request).await;
    }
    // Without a live session the API has no ambient credential to protect (it never
    // uses the login form's cookie): let the handler answer 401 rather than ask for a
    // CSRF token.
    if session_token.is_none() && wants_json(&request) {
        return next.run(request).await;
    }
    // A session of the path's own realm accepts only its own token. Without one the
    // request is anonymous here: the login form's cookie counts, and so does the other
    // realm's session token, so that such a browser is refused for who it is.
    let login_token = jar.get(LOGIN_CSRF_COOKIE).map(|c| c.value().to_owned());
    let expected: Vec<String> = match own_token {
        Some(token) => vec![token],
        None => foreign_token.into_iter().chain(login_token).collect(),
    };
    if expected.is_empty() {
        return AppError::CsrfRejected.into_response();
    }
    let accepted = |provided: &str| expected.iter().any(|e| constant_time_eq(provided, e));
    if let Some(provided) = request
        .headers()
        .get(CSRF_HEADER)
        .and_then(|v| v.to_str().ok())
    {
        return if accepted(provided) {
            next.run(request).await
        } else {
            AppError::CsrfRejected.into_response()
        };
    }
    let content_type = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if content_type.starts_with("multipart/form-data") {
        // A file upload may be far too large to read here, and a form without script
        // cannot send a header: its address carries the token (`action="…?csrf_token=…"`).
        let provided = request
            .uri()
            .query()
            .and_then(|q| form_urlencoded_field(q.as_bytes(), CSRF_FIELD));
        return if provided.is_some_and(|p| accepted(&p)) {
            next.run(request).await
        } else {
            AppError::CsrfRejected.into_response()
        };
    }
    let is_form = content_type.starts_with("application/x-www-form-urlencoded");
    if !is_form {
        return AppError::CsrfRejected.into_response();
    }
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT).await else {
        return AppError::PayloadTooLarge.into_response();
    };
    let provided = form_urlencoded_field(&bytes, CSRF_FIELD);
    if !provided.is_some_and(|p| accepted(&p)) {
        return AppError::CsrfRejected.into_response();
    }
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

fn form_urlencoded_field(body: &[u8], name: &str) -> Option<String> {
    serde_urlencoded::from_bytes::<Vec<(String, String)>>(body)
        .ok()?
        .into_iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v)
}

/// Paths open to a user who still has to turn on two-factor login.
const SETUP_PATHS: [&str; 4] = ["/profile/two-factor", "/logout", "/static/", "/language"];

/// Paths open to an operator who still has to turn on two-factor sign-in.
const OPERATOR_SETUP_PATHS: [&str; 4] = [
    "/operator/two-factor",
    "/operator/logout",
    "/static/",
    "/operator/language",
];

/// Paths open to a user who signed in with a one-time password and must choose their own.
const PASSWORD_PATHS: [&str; 2] = ["/profile", "/profile/password"];

/// Where a signed-in account must go before anything else, if anywhere.
fn setup_step(request: &Request) -> Option<&'static str> {
    let path = request.uri().path();
    let open = |paths: &[&str]| paths.iter().any(|p| path.starts_with(p));
    if let Some(principal) = request.extensions().get::<Principal>() {
        if principal.must_set_up_two_factor() && !open(&SETUP_PATHS) {
            return Some("/profile/two-factor");
        }
        let password_open = open(&SETUP_PATHS) || PASSWORD_PATHS.contains(&path);
        if principal.password_change_required && !password_open {
            return Some("/profile");
        }
    }
    let operator = request.extensions().get::<OperatorPrincipal>();
    if operator.is_some_and(OperatorPrincipal::must_set_up_two_factor)
        && !open(&OPERATOR_SETUP_PATHS)
    {
        return Some("/operator/two-factor");
    }
    None
}

async fn two_factor_gate(request: Request, next: Next) -> Response {
    if let Some(step) = setup_step(&request) {
        if wants_json(&request) {
            return AppError::Forbidden.into_response();
        }
        return Redirect::to(step).into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn form_fields_are_found() {
        assert_eq!(
            form_urlencoded_field(b"a=1&csrf_token=x%2By", "csrf_token"),
            Some("x+y".into())
        );
        assert_eq!(form_urlencoded_field(b"a=1", "csrf_token"), None);
    }

    #[test]
    fn next_parameter_is_encoded() {
        assert_eq!(
            urlencode("/users?page=2&q=a b"),
            "%2Fusers%3Fpage%3D2%26q%3Da+b"
        );
    }
}
