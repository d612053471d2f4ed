//! Signing in and out: password, second factor, throttling and session rotation.

use chrono::Duration;
use tillit_domain::users::normalise_email;
use tillit_store::audit::{self, NewEvent};
use tillit_store::sessions::{self, NewSession};
use tillit_store::throttle::{self, Scope};
use tillit_store::users::{self, Credentials};
use tillit_store::Actor;

use crate::auth::secrets::{random_token, token_hash};
use crate::auth::{password, totp, PendingLogin, Principal};
use crate::error::AppError;
use crate::state::AppState;

/// A new session: the cookie value goes to the browser, its hash to the database.
pub struct IssuedSession {
    pub cookie_value: String,
    pub second_factor_pending: bool,
}

/// A new session's secrets: the cookie value for the browser, the hash the database
/// keeps, and the form token.
pub(crate) struct SessionSecrets {
    pub cookie_value: String,
    pub id_hash: String,
    pub csrf_token: String,
}

impl SessionSecrets {
    pub(crate) fn new() -> Self {
        let cookie_value = random_token();
        Self {
            id_hash: token_hash(&cookie_value),
            cookie_value,
            csrf_token: random_token(),
        }
    }
}

async fn throttled(state: &AppState, scope: Scope, subject: &str) -> Result<bool, AppError> {
    let since = tillit_store::now() - Duration::minutes(state.config.failed_login_window_minutes);
    Ok(
        throttle::failures_since(&state.db, scope, subject, since).await?
            >= state.config.max_failed_logins,
    )
}

/// Refuses a sign-in step while the account or the address has failed too often.
/// Holds across instances: the failures are counted in the database.
pub(crate) async fn refuse_if_throttled(
    state: &AppState,
    account: &str,
    address: Option<&str>,
) -> Result<(), AppError> {
    let address_throttled = match address {
        Some(address) => throttled(state, Scope::Address, address).await?,
        None => false,
    };
    if address_throttled || throttled(state, Scope::Account, account).await? {
        return Err(AppError::TooManyAttempts);
    }
    Ok(())
}

/// Checks a password against the stored hash, or against a decoy when the account is
/// unknown, so an unknown address takes as long to refuse as a wrong password.
pub(crate) fn password_matches(stored_hash: Option<&str>, password_text: &str) -> bool {
    let matches = password::verify(
        password_text,
        stored_hash.unwrap_or_else(|| password::decoy_hash()),
    );
    matches && stored_hash.is_some()
}

/// Counts a failed step against both the account and the address.
pub(crate) async fn count_failure(
    state: &AppState,
    account: &str,
    address: &str,
) -> Result<(), AppError> {
    let at = tillit_store::now();
    throttle::record_failure(&state.db, Scope::Account, account, at).await?;
    throttle::record_failure(&state.db, Scope::Address, address, at).await?;
    Ok(())
}

async fn record_failure(
    state: &AppState,
    account: &str,
    address: &str,
    organisation_id: Option<i64>,
    reason: &str,
) -> Result<(), AppError> {
    count_failure(state, account, address).await?;
    audit::record(
        &state.db,
        &Actor::system(account),
        NewEvent {
            organisation_id,
            action: "login_failed",
            object_type: "session",
            object_id: address.to_owned(),
            before: None,
            after: Some(serde_json::json!({ "reason": reason })),
        },
    )
    .await?;
    Ok(())
}

async fn issue_session(
    state: &AppState,
    credentials: &Credentials,
    pending: bool,
    replaces: Option<&str>,
) -> Result<IssuedSession, AppError> {
    let secrets = SessionSecrets::new();
    sessions::create(
        &state.db,
        &NewSession {
            id_hash: &secrets.id_hash,
            user_id: credentials.id,
            organisation_id: credentials.organisation_id,
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
    credentials: &Credentials,
    email: &str,
    address: &str,
) -> Result<(), AppError> {
    throttle::clear(&state.db, Scope::Account, email).await?;
    audit::record(
        &state.db,
        &Actor::user(credentials.id, email),
        NewEvent::new(
            Some(credentials.organisation_id),
            "login",
            "session",
            address,
        ),
    )
    .await?;
    Ok(())
}

/// First step: e-mail and password. `replaces` is any session the browser already had.
pub async fn sign_in(
    state: &AppState,
    email: &str,
    password_text: &str,
    address: &str,
    replaces: Option<&str>,
) -> Result<IssuedSession, AppError> {
    let account = normalise_email(email).unwrap_or_else(|| email.trim().to_lowercase());
    refuse_if_throttled(state, &account, Some(address)).await?;
    let credentials = users::credentials_by_email(&state.db, &account).await?;
    let password_ok = password_matches(
        credentials.as_ref().map(|c| c.password_hash.as_str()),
        password_text,
    );
    let credentials = match credentials {
        Some(c) if password_ok && c.active => c,
        other => {
            record_failure(
                state,
                &account,
                address,
                other.map(|c| c.organisation_id),
                "password",
            )
            .await?;
            return Err(AppError::invalid("password", "bad-credentials"));
        }
    };
    if credentials.suspended {
        record_failure(
            state,
            &account,
            address,
            Some(credentials.organisation_id),
            "suspended",
        )
        .await?;
        return Err(AppError::Suspended);
    }
    let two_factor = credentials.totp_enabled_at.is_some();
    let session = issue_session(state, &credentials, two_factor, replaces).await?;
    if !two_factor {
        record_login(state, &credentials, &account, address).await?;
    }
    Ok(session)
}

/// Second step: the code from the authenticator app. The session id is rotated again.
pub async fn confirm_second_factor(
    state: &AppState,
    pending: &PendingLogin,
    code: &str,
    address: &str,
) -> Result<IssuedSession, AppError> {
    let credentials = users::credentials_by_id(&state.db, pending.user_id).await?;
    let subject = format!("user:{}", credentials.id);
    refuse_if_throttled(state, &subject, None).await?;
    if credentials.suspended {
        return Err(AppError::Suspended);
    }
    let secret = credentials.totp_secret.as_deref().unwrap_or_default();
    if credentials.totp_enabled_at.is_none() || !totp::check(secret, code) {
        record_failure(
            state,
            &subject,
            address,
            Some(credentials.organisation_id),
            "second_factor",
        )
        .await?;
        return Err(AppError::invalid("code", "bad-code"));
    }
    let session = issue_session(state, &credentials, false, Some(&pending.session.id_hash)).await?;
    let email = users::get_user(&state.db, credentials.organisation_id, credentials.id)
        .await?
        .email;
    throttle::clear(&state.db, Scope::Account, &subject).await?;
    record_login(state, &credentials, &email, address).await?;
    Ok(session)
}

pub async fn sign_out(
    state: &AppState,
    session_hash: &str,
    principal: Option<&Principal>,
) -> Result<(), AppError> {
    sessions::delete(&state.db, session_hash).await?;
    if let Some(principal) = principal {
        audit::record(
            &state.db,
            &principal.actor(),
            NewEvent::new(
                Some(principal.organisation_id),
                "logout",
                "session",
                principal.user_id,
            ),
        )
        .await?;
    }
    Ok(())
}
