//! What every user manages for themselves: language, password, two-factor, API tokens.

use tillit_domain::users::{check_password, Language};
use tillit_domain::ValidationErrors;
use tillit_store::tokens::{self, ApiToken};
use tillit_store::users;

use crate::auth::secrets::{new_api_token, token_hash};
use crate::auth::{password, totp, Principal};
use crate::error::AppError;
use crate::state::AppState;

pub async fn set_language(
    state: &AppState,
    principal: &Principal,
    language: Language,
) -> Result<(), AppError> {
    Ok(users::set_locale(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        principal.user_id,
        language.as_str(),
    )
    .await?)
}

pub async fn change_password(
    state: &AppState,
    principal: &Principal,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let credentials = users::credentials_by_id(&state.db, principal.user_id).await?;
    let mut errors = ValidationErrors::new();
    if !password::verify(current, &credentials.password_hash) {
        errors.add("current_password", "bad-credentials");
    }
    check_password(&mut errors, "new_password", new);
    errors.finish(())?;
    let hash = password::hash(new)?;
    Ok(users::set_password(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        principal.user_id,
        &hash,
    )
    .await?)
}

/// Secret and QR code for setting up an authenticator app.
pub struct TwoFactorSetup {
    pub secret: String,
    pub qr_svg: String,
}

/// Starts (or restarts) two-factor set-up with a fresh secret.
pub async fn begin_two_factor(
    state: &AppState,
    principal: &Principal,
) -> Result<TwoFactorSetup, AppError> {
    let secret = totp::new_secret();
    users::set_pending_totp(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        principal.user_id,
        &secret,
    )
    .await?;
    let url = totp::provisioning_url(&secret, &principal.email)?;
    Ok(TwoFactorSetup {
        qr_svg: totp::qr_svg(&url)?,
        secret,
    })
}

/// The QR code for the secret already being set up, when the page is shown again.
pub async fn pending_two_factor(
    state: &AppState,
    principal: &Principal,
) -> Result<Option<TwoFactorSetup>, AppError> {
    let credentials = users::credentials_by_id(&state.db, principal.user_id).await?;
    match (credentials.totp_secret, credentials.totp_enabled_at) {
        (Some(secret), None) => {
            let url = totp::provisioning_url(&secret, &principal.email)?;
            Ok(Some(TwoFactorSetup {
                qr_svg: totp::qr_svg(&url)?,
                secret,
            }))
        }
        _ => Ok(None),
    }
}

pub async fn confirm_two_factor(
    state: &AppState,
    principal: &Principal,
    code: &str,
) -> Result<(), AppError> {
    let credentials = users::credentials_by_id(&state.db, principal.user_id).await?;
    let secret = credentials
        .totp_secret
        .ok_or_else(|| AppError::invalid("code", "no-pending-setup"))?;
    if !totp::check(&secret, code) {
        return Err(AppError::invalid("code", "bad-code"));
    }
    Ok(users::enable_totp(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        principal.user_id,
    )
    .await?)
}

pub async fn list_tokens(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<ApiToken>, AppError> {
    Ok(tokens::list_for_user(&state.db, principal.user_id).await?)
}

/// Creates a personal API token; the plain token is shown once and never stored.
pub async fn create_token(
    state: &AppState,
    principal: &Principal,
    name: &str,
) -> Result<(ApiToken, String), AppError> {
    let mut errors = ValidationErrors::new();
    let name = tillit_domain::validation::required_text(&mut errors, "name", name, 100);
    errors.finish(())?;
    let token = new_api_token();
    let stored = tokens::create(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        principal.user_id,
        &name,
        &token_hash(&token),
    )
    .await?;
    Ok((stored, token))
}

pub async fn revoke_token(
    state: &AppState,
    principal: &Principal,
    token_id: i64,
) -> Result<(), AppError> {
    Ok(tokens::revoke(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        principal.user_id,
        token_id,
    )
    .await?)
}
