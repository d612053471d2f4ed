//! Operators signing in and out: password, mandatory second factor, throttling and
//! session rotation, like users but against the operators' own accounts and sessions.
//! Their sign-ins are written to the deployment's part of the audit trail (ADR 0009).

use chrono::Duration;
use tillit_domain::users::normalise_email;
use tillit_store::audit::{self, NewEvent};
use tillit_store::operators::{self, NewOperatorSession, OperatorCredentials};
use tillit_store::throttle::{self, Scope};
use tillit_store::Actor;

use crate::auth::{totp, OperatorPrincipal, PendingOperatorLogin};
use crate::error::AppError;
use crate::services::login::{
    count_failure, password_matches, refuse_if_throttled, IssuedSession, SessionSecrets,
};
use crate::state::AppState;

/// The throttle's name for an operator account, apart from any user's address.
fn account_subject(email: &str) -> String {
    format!("operator:{email}")
}

async fn record_failure(
    state: &AppState,
    subject: &str,
    address: &str,
    reason: &str,
) -> Result<(), AppError> {
    count_failure(state, subject, address).await?;
    audit::record(
        &state.db,
        &Actor::system(subject),
        NewEvent::new(None, "login_failed", "operator_session", address)
            .after(&serde_json::json!({ "reason": reason })),
    )
    .await?;
    Ok(())
}

async fn issue_session(
    state: &AppState,
    operator_id: i64,
    pending: bool,
    replaces: Option<&str>,
) -> Result<IssuedSession, AppError> {
    let secrets = SessionSecrets::new();
    operators::create_session(
        &state.db,
        &NewOperatorSession {
            id_hash: &secrets.id_hash,
            operator_id,
            csrf_token: &secrets.csrf_token,
            second_factor_pending: pending,
            lifetime: Duration::minutes(state.config.session_idle_minutes),
        },
        replaces,
    )
    .await?;
    Ok(IssuedSession {
        cookie_value: secrets.cookie_value,
        second_factor_pending: pending,
    })
}

async fn record_login(
    state: &AppState,
    credentials: &OperatorCredentials,
    address: &str,
) -> Result<(), AppError> {
    throttle::clear(
        &state.db,
        Scope::Account,
        &account_subject(&credentials.email),
    )
    .await?;
    audit::record(
        &state.db,
        &Actor::operator(&credentials.email),
        NewEvent::new(None, "login", "operator_session", address),
    )
    .await?;
    Ok(())
}

/// First step: e-mail and password. An operator without a second factor yet is signed
/// in only to set one up (the gate sends them there).
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password_text: &str,
    address: &str,
    replaces: Option<&str>,
) -> Result<IssuedSession, AppError> {
    let account = normalise_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    let subject = account_subject(&account);
    refuse_if_throttled(state, &subject, Some(address)).await?;
    let credentials = operators::credentials_by_email(&state.db, &account).await?;
    let password_ok = password_matches(
        credentials.as_ref().map(|c| c.password_hash.as_str()),
        password_text,
    );
    let credentials = match credentials {
        Some(c) if password_ok && c.active => c,
        _ => {
            record_failure(state, &subject, address, "password").await?;
            return Err(AppError::invalid("password", "bad-credentials"));
        }
    };
    let two_factor = credentials.totp_enabled_at.is_some();
    let session = issue_session(state, credentials.id, two_factor, replaces).await?;
    if !two_factor {
        record_login(state, &credentials, address).await?;
    }
    Ok(session)
}

/// Second step: the code from the authenticator app. The session id is rotated again.
pub async fn confirm_second_factor(
    state: &AppState,
    pending: &PendingOperatorLogin,
    code: &str,
    address: &str,
) -> Result<IssuedSession, AppError> {
    let credentials = operators::credentials_by_id(&state.db, pending.operator_id).await?;
    let subject = format!("operator-id:{}", credentials.id);
    refuse_if_throttled(state, &subject, None).await?;
    let secret = credentials.totp_secret.as_deref().unwrap_or_default();
    if credentials.totp_enabled_at.is_none() || !totp::check(secret, code) {
        record_failure(state, &subject, address, "second_factor").await?;
        return Err(AppError::invalid("code", "bad-code"));
    }
    let session =
        issue_session(state, credentials.id, false, Some(&pending.session.id_hash)).await?;
    throttle::clear(&state.db, Scope::Account, &subject).await?;
    record_login(state, &credentials, address).await?;
    Ok(session)
}

pub async fn sign_out(
    state: &AppState,
    session_hash: &str,
    operator: Option<&OperatorPrincipal>,
) -> Result<(), AppError> {
    operators::delete_session(&state.db, session_hash).await?;
    if let Some(operator) = operator {
        audit::record(
            &state.db,
            &operator.actor(),
            NewEvent::new(None, "logout", "operator_session", operator.operator_id),
        )
        .await?;
    }
    Ok(())
}
