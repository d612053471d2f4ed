//! User administration and role assignment.

use std::sync::Arc;

use tillit_domain::auth::{Action, Assignment, Role};
use tillit_domain::pagination::PageRequest;
use tillit_domain::users::NewUserInput;
use tillit_domain::validation::{optional_text, required_text};
use tillit_domain::ValidationErrors;
use tillit_store::users::{self, NewUser, User, UserChanges, UserFilter, UserWithRoles};
use tillit_store::Page;

use crate::auth::{password, Principal};
use crate::error::AppError;
use crate::state::AppState;

pub async fn list(
    state: &AppState,
    principal: &Principal,
    filter: &UserFilter,
    page: PageRequest,
) -> Result<Arc<Page<UserWithRoles>>, AppError> {
    principal.require(Action::ViewUsers)?;
    let organisation_id = principal.organisation_id;
    let key = (organisation_id, filter.clone(), page);
    state
        .user_pages
        .get(principal.audit_head, key, || async move {
            Ok(users::list_users(&state.db, organisation_id, filter, page).await?)
        })
        .await
}

/// A user with their roles. Everyone may see themselves.
pub async fn get(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<UserWithRoles, AppError> {
    if id != principal.user_id {
        principal.require(Action::ViewUsers)?;
    }
    let user = users::get_user(&state.db, principal.organisation_id, id).await?;
    let roles = users::assignments(&state.db, id).await?;
    Ok(UserWithRoles { user, roles })
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    input: &NewUserInput,
) -> Result<User, AppError> {
    principal.require_everywhere(Action::ManageUsers)?;
    let draft = input.validate()?;
    let hash = password::hash(&draft.password)?;
    let actor = principal.actor();
    let mut tx = state.db.begin().await?;
    let user = users::create_user_in(
        &mut tx,
        principal.organisation_id,
        &actor,
        &NewUser {
            email: &draft.email,
            display_name: &draft.display_name,
            title: &draft.title,
            password_hash: &hash,
        },
    )
    .await?;
    if let Some(role) = draft.role {
        users::assign_role_in(
            &mut tx,
            principal.organisation_id,
            &actor,
            user.id,
            Assignment {
                role,
                unit_id: draft.unit_id,
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(user)
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct UserUpdateInput {
    pub display_name: String,
    #[serde(default)]
    pub title: String,
    pub active: bool,
}

pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    input: &UserUpdateInput,
) -> Result<User, AppError> {
    principal.require_everywhere(Action::ManageUsers)?;
    let mut errors = ValidationErrors::new();
    let display_name = required_text(&mut errors, "display_name", &input.display_name, 200);
    let title = optional_text(&mut errors, "title", &input.title, 200);
    if id == principal.user_id && !input.active {
        errors.add("active", "cannot-deactivate-self");
    }
    errors.finish(())?;
    let changes = UserChanges {
        display_name: &display_name,
        title: &title,
        active: input.active,
    };
    Ok(users::update_user(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        &changes,
    )
    .await?)
}

pub fn parse_role(value: &str) -> Result<Role, AppError> {
    Role::parse(value.trim()).ok_or_else(|| {
        AppError::invalid(
            "role",
            if value.trim().is_empty() {
                "required"
            } else {
                "invalid-choice"
            },
        )
    })
}

pub async fn grant(
    state: &AppState,
    principal: &Principal,
    user_id: i64,
    assignment: Assignment,
) -> Result<(), AppError> {
    principal.require_everywhere(Action::ManageUsers)?;
    Ok(users::assign_role(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        user_id,
        assignment,
    )
    .await?)
}

pub async fn revoke(
    state: &AppState,
    principal: &Principal,
    user_id: i64,
    assignment: Assignment,
) -> Result<(), AppError> {
    principal.require_everywhere(Action::ManageUsers)?;
    if user_id == principal.user_id && assignment.role == Role::Administrator {
        return Err(AppError::invalid("role", "cannot-revoke-own-admin"));
    }
    Ok(users::revoke_role(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        user_id,
        assignment,
    )
    .await?)
}

/// For a user who lost their authenticator: they set up two-factor login again.
pub async fn reset_two_factor(
    state: &AppState,
    principal: &Principal,
    user_id: i64,
) -> Result<(), AppError> {
    principal.require_everywhere(Action::ManageUsers)?;
    Ok(users::reset_totp(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        user_id,
    )
    .await?)
}
