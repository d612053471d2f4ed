//! User administration: list, create, edit, roles.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::pagination::PageRequest;
use tillit_domain::users::NewUserInput;
use tillit_domain::ValidationErrors;
use tillit_store::users::{UserFilter, UserWithRoles};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams};
use crate::pages::org::TreeRow;
use crate::pages::{render, see_other, yes_no, FormErrors, PageContext};
use crate::services::users as service;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub role: String,
    /// Holds a role (the chosen one, if any) on this unit.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub unit_id: Option<i64>,
    /// `yes`: on the unit or one below it.
    #[serde(default)]
    pub subunits: String,
    /// `yes`, `no` or empty for both.
    #[serde(default)]
    pub active: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub page: Option<u32>,
}

impl ListQuery {
    fn filter(&self) -> Result<UserFilter, AppError> {
        let mut errors = ValidationErrors::new();
        let role = match self.role.as_str() {
            "" => None,
            role => {
                let parsed = Role::parse(role);
                if parsed.is_none() {
                    errors.add("role", "invalid-choice");
                }
                parsed
            }
        };
        let subunits = yes_no(&mut errors, "subunits", &self.subunits).unwrap_or(false);
        let active = yes_no(&mut errors, "active", &self.active);
        Ok(errors.finish(UserFilter {
            query: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            role,
            unit_id: self.unit_id,
            subunits,
            active,
        })?)
    }
}

#[derive(Template)]
#[template(path = "users.html")]
struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    page: Arc<Page<UserWithRoles>>,
    current_page: u32,
    page_count: u32,
    roles: Vec<Role>,
    units: Vec<TreeRow>,
}

impl ListPage {
    fn unit_selected(&self, id: &i64) -> bool {
        self.query.unit_id == Some(*id)
    }

    fn page_link(&self, page: u32) -> String {
        let unit = self
            .query
            .unit_id
            .map(|u| u.to_string())
            .unwrap_or_default();
        serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("role", self.query.role.as_str()),
            ("unit_id", unit.as_str()),
            ("subunits", self.query.subunits.as_str()),
            ("active", self.query.active.as_str()),
            ("page", &page.to_string()),
        ])
        .map(|q| format!("/users?{q}"))
        .unwrap_or_default()
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let filter = query.filter()?;
    let paging = PageRequest::parse(query.page, None)?;
    let page = service::list(&state, &principal, &filter, paging).await?;
    let units = crate::pages::org::tree_rows_for(&state, &principal).await?;
    let page_count = paging.page_count(page.total);
    render(&ListPage {
        ctx,
        query,
        page,
        current_page: paging.page,
        page_count,
        roles: Role::ALL.to_vec(),
        units,
    })
}

#[derive(Template)]
#[template(path = "user_new.html")]
struct NewUserPage {
    ctx: PageContext,
    form: NewUserInput,
    errors: FormErrors,
    roles: Vec<Role>,
    units: Vec<TreeRow>,
}

impl NewUserPage {
    fn role_selected(&self, role: &Role) -> bool {
        self.form.role == role.as_str()
    }

    fn unit_selected(&self, id: &i64) -> bool {
        self.form.unit_id == Some(*id)
    }
}

async fn new_user_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: NewUserInput,
    errors: FormErrors,
) -> Result<Response, AppError> {
    principal.require_everywhere(tillit_domain::auth::Action::ManageUsers)?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let units = crate::pages::org::tree_rows_for(state, principal).await?;
    let page = NewUserPage {
        ctx,
        form,
        errors,
        roles: Role::ALL.to_vec(),
        units,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    new_user_page(
        &state,
        ctx,
        &principal,
        NewUserInput::default(),
        FormErrors::default(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    role: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<NewUserForm>,
) -> Result<Response, AppError> {
    let input = NewUserInput {
        email: form.email,
        display_name: form.display_name,
        title: form.title,
        password: form.password,
        role: form.role,
        unit_id: form.unit_id,
    };
    match service::create(&state, &principal, &input).await {
        Ok(user) => Ok(see_other(&format!("/users/{}", user.id), "user-created")),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation(&ctx, &errors);
            // The password is never sent back to the browser.
            let form = NewUserInput {
                password: String::new(),
                ..input
            };
            new_user_page(&state, ctx, &principal, form, errors).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "user.html")]
struct DetailPage {
    ctx: PageContext,
    user: UserWithRoles,
    display_name: String,
    title: String,
    active: bool,
    version: i64,
    errors: FormErrors,
    role_errors: FormErrors,
    roles: Vec<Role>,
    units: Vec<TreeRow>,
    can_manage: bool,
}

impl DetailPage {
    fn unit_name(&self, assignment: &Assignment) -> String {
        match assignment.unit_id {
            None => self.ctx.t("scope-whole-organisation"),
            Some(id) => self
                .units
                .iter()
                .find(|r| r.unit.id == id)
                .map(|r| r.unit.name.clone())
                .unwrap_or_default(),
        }
    }

    fn unit_value(&self, assignment: &Assignment) -> String {
        assignment
            .unit_id
            .map(|id| id.to_string())
            .unwrap_or_default()
    }
}

struct DetailForm {
    display_name: String,
    title: String,
    active: bool,
    version: i64,
}

/// What a refused submission on the user page shows again.
struct Refusal {
    form: Option<DetailForm>,
    errors: FormErrors,
    role_errors: FormErrors,
    status: StatusCode,
}

impl Default for Refusal {
    fn default() -> Self {
        Self {
            form: None,
            errors: FormErrors::default(),
            role_errors: FormErrors::default(),
            status: StatusCode::OK,
        }
    }
}

async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    refusal: Refusal,
) -> Result<Response, AppError> {
    let Refusal {
        form,
        errors,
        role_errors,
        status,
    } = refusal;
    let user = service::get(state, principal, id).await?;
    let form = form.unwrap_or(DetailForm {
        display_name: user.user.display_name.clone(),
        title: user.user.title.clone(),
        active: user.user.active,
        version: user.user.version,
    });
    let units = crate::pages::org::tree_rows_for(state, principal).await?;
    let can_manage = principal
        .grants
        .allows_everywhere(tillit_domain::auth::Action::ManageUsers);
    let page = DetailPage {
        ctx,
        user,
        display_name: form.display_name,
        title: form.title,
        active: form.active,
        version: form.version,
        errors,
        role_errors,
        roles: Role::ALL.to_vec(),
        units,
        can_manage,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    detail_page(&state, ctx, &principal, id, Refusal::default()).await
}

#[derive(Debug, Deserialize)]
pub struct UpdateForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    title: String,
    /// A checkbox: present when ticked.
    active: Option<String>,
    #[serde(default)]
    version: i64,
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<UpdateForm>,
) -> Result<Response, AppError> {
    let input = service::UserUpdateInput {
        display_name: form.display_name.clone(),
        title: form.title.clone(),
        active: form.active.is_some(),
    };
    let (errors, status) = match service::update(&state, &principal, id, form.version, &input).await
    {
        Ok(_) => return Ok(see_other(&format!("/users/{id}"), "user-saved")),
        Err(error) => FormErrors::rejected(&ctx, error, "", "display_name")?,
    };
    let typed = DetailForm {
        display_name: form.display_name,
        title: form.title,
        active: input.active,
        version: form.version,
    };
    detail_page(
        &state,
        ctx,
        &principal,
        id,
        Refusal {
            form: Some(typed),
            errors,
            status,
            ..Default::default()
        },
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct RoleForm {
    #[serde(default)]
    role: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
}

async fn change_role(
    state: AppState,
    ctx: PageContext,
    principal: Principal,
    id: i64,
    form: RoleForm,
    grant: bool,
) -> Result<Response, AppError> {
    let result = match service::parse_role(&form.role) {
        Ok(role) => {
            let assignment = Assignment {
                role,
                unit_id: form.unit_id,
            };
            if grant {
                service::grant(&state, &principal, id, assignment).await
            } else {
                service::revoke(&state, &principal, id, assignment).await
            }
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(see_other(
            &format!("/users/{id}"),
            if grant {
                "role-granted"
            } else {
                "role-revoked"
            },
        )),
        Err(AppError::Invalid(errors)) => {
            let role_errors = FormErrors::from_validation(&ctx, &errors);
            detail_page(
                &state,
                ctx,
                &principal,
                id,
                Refusal {
                    role_errors,
                    status: StatusCode::UNPROCESSABLE_ENTITY,
                    ..Default::default()
                },
            )
            .await
        }
        Err(other) => Err(other),
    }
}

pub async fn grant_role(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<RoleForm>,
) -> Result<Response, AppError> {
    change_role(state, ctx, principal, id, form, true).await
}

pub async fn revoke_role(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<RoleForm>,
) -> Result<Response, AppError> {
    change_role(state, ctx, principal, id, form, false).await
}

pub async fn reset_two_factor(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    service::reset_two_factor(&state, &principal, id).await?;
    Ok(see_other(&format!("/users/{id}"), "two-factor-reset"))
}
