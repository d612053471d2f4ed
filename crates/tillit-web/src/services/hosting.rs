//! What operators do: read the hosting facts of the organisations, create one with its
//! first administrator, suspend and reactivate it, reset an administrator's access, and
//! keep their own second factor. Nothing here reads an organisation's content.

use tillit_domain::hosting::{admin_email, Access, HostedOrganisationInput};
use tillit_domain::pagination::PageRequest;
use tillit_domain::ValidationErrors;
use tillit_store::audit::{self, LatestCheckpoint};
use tillit_store::hosting::{self, DatabaseFacts, HostedOrganisation};
use tillit_store::{operators, Page};

use crate::auth::secrets::one_time_password;
use crate::auth::{password, totp, OperatorPrincipal};
use crate::error::AppError;
use crate::services::profile::TwoFactorSetup;
use crate::state::AppState;

/// The deployment at a glance: its organisations, its database and its audit trail.
pub struct Overview {
    pub organisations: Page<HostedOrganisation>,
    pub database: DatabaseFacts,
    pub checkpoint: Option<LatestCheckpoint>,
}

pub async fn overview(state: &AppState, page: PageRequest) -> Result<Overview, AppError> {
    Ok(Overview {
        organisations: hosting::list(&state.db, page).await?,
        database: hosting::database_facts(&state.db).await?,
        checkpoint: audit::latest_checkpoint(&state.db).await?,
    })
}

pub async fn organisation(state: &AppState, id: i64) -> Result<HostedOrganisation, AppError> {
    Ok(hosting::get(&state.db, id).await?)
}

pub async fn latest_checkpoint(state: &AppState) -> Result<Option<LatestCheckpoint>, AppError> {
    Ok(audit::latest_checkpoint(&state.db).await?)
}

/// A password shown to the operator once, for one administrator's first sign-in.
pub struct OneTimeAccess {
    pub admin_email: String,
    pub password: String,
}

pub async fn create(
    state: &AppState,
    operator: &OperatorPrincipal,
    input: &HostedOrganisationInput,
) -> Result<(HostedOrganisation, OneTimeAccess), AppError> {
    let draft = input.validate()?;
    let password = one_time_password();
    let hash = password::hash(&password)?;
    let (organisation, admin) =
        hosting::create(&state.db, &operator.actor(), &draft, &hash).await?;
    Ok((
        organisation,
        OneTimeAccess {
            admin_email: admin.email,
            password,
        },
    ))
}

pub async fn set_access(
    state: &AppState,
    operator: &OperatorPrincipal,
    id: i64,
    version: i64,
    wanted: Access,
) -> Result<HostedOrganisation, AppError> {
    Ok(hosting::set_access(&state.db, &operator.actor(), id, version, wanted).await?)
}

pub async fn reset_admin_access(
    state: &AppState,
    operator: &OperatorPrincipal,
    id: i64,
    email: &str,
) -> Result<OneTimeAccess, AppError> {
    let mut errors = ValidationErrors::new();
    let email = admin_email(&mut errors, email);
    errors.finish(())?;
    let password = one_time_password();
    let hash = password::hash(&password)?;
    hosting::reset_admin_access(&state.db, &operator.actor(), id, &email, &hash).await?;
    Ok(OneTimeAccess {
        admin_email: email,
        password,
    })
}

/// Starts (or restarts) two-factor set-up with a fresh secret.
pub async fn begin_two_factor(
    state: &AppState,
    operator: &OperatorPrincipal,
) -> Result<(), AppError> {
    if operator.two_factor_enabled {
        return Err(AppError::invalid("code", "already-enabled"));
    }
    operators::set_pending_totp(&state.db, operator.operator_id, &totp::new_secret()).await?;
    Ok(())
}

/// The QR code for the secret being set up, when there is one.
pub async fn pending_two_factor(
    state: &AppState,
    operator: &OperatorPrincipal,
) -> Result<Option<TwoFactorSetup>, AppError> {
    let credentials = operators::credentials_by_id(&state.db, operator.operator_id).await?;
    match (credentials.totp_secret, credentials.totp_enabled_at) {
        (Some(secret), None) => {
            let url = totp::provisioning_url(&secret, &operator.email)?;
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
    operator: &OperatorPrincipal,
    code: &str,
) -> Result<(), AppError> {
    let credentials = operators::credentials_by_id(&state.db, operator.operator_id).await?;
    let secret = credentials
        .totp_secret
        .filter(|_| credentials.totp_enabled_at.is_none())
        .ok_or_else(|| AppError::invalid("code", "no-pending-setup"))?;
    if !totp::check(&secret, code) {
        return Err(AppError::invalid("code", "bad-code"));
    }
    Ok(operators::enable_totp(&state.db, &operator.actor(), operator.operator_id).await?)
}
