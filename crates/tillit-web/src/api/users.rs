//! `/api/v1/users`: accounts and their roles.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::auth::Assignment;
use tillit_domain::users::NewUserInput;
use tillit_store::users::{User, UserFilter, UserWithRoles};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::services::users as service;
use crate::state::AppState;

#[derive(Debug, Serialize, Deserialize, ToSchema)]
pub struct RoleAssignmentDto {
    /// One of administrator, coordinator, information_owner, head_of_operations,
    /// nis_assessor, mas_mar, data_protection_officer, employee, auditor.
    pub role: String,
    /// The unit the role applies to (and the units below it); empty for the whole organisation.
    #[serde(default)]
    pub unit_id: Option<i64>,
}

impl From<Assignment> for RoleAssignmentDto {
    fn from(a: Assignment) -> Self {
        Self {
            role: a.role.as_str().to_owned(),
            unit_id: a.unit_id,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserDto {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub title: String,
    pub active: bool,
    pub two_factor_enabled: bool,
    pub locale: Option<String>,
    pub roles: Vec<RoleAssignmentDto>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl UserDto {
    fn new(user: User, roles: Vec<Assignment>) -> Self {
        Self {
            id: user.id,
            email: user.email,
            display_name: user.display_name,
            title: user.title,
            active: user.active,
            two_factor_enabled: user.two_factor_enabled,
            locale: user.locale,
            roles: roles.into_iter().map(RoleAssignmentDto::from).collect(),
            version: user.version,
            created_at: user.created_at,
            updated_at: user.updated_at,
        }
    }

    /// A user of a list kept in the cache.
    fn of_listed(u: &UserWithRoles) -> Self {
        Self::new(u.user.clone(), u.roles.clone())
    }
}

impl From<UserWithRoles> for UserDto {
    fn from(u: UserWithRoles) -> Self {
        Self::new(u.user, u.roles)
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct UserQuery {
    /// Name or e-mail contains.
    pub q: Option<String>,
    /// Has this role; with `unit_id`, on that unit (one assignment matches both).
    pub role: Option<String>,
    /// Has a role (with `role`, that role) on this unit.
    pub unit_id: Option<i64>,
    /// With `unit_id`: on that unit or any unit below it.
    pub subunits: Option<bool>,
    pub active: Option<bool>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// List users, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(UserQuery),
    responses((status = 200, body = ListResponse<UserDto>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<UserQuery>,
) -> Result<Json<ListResponse<UserDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let role = query.role.as_deref().map(service::parse_role).transpose()?;
    let filter = UserFilter {
        query: query.q.clone(),
        role,
        unit_id: query.unit_id,
        subunits: query.subunits.unwrap_or(false),
        active: query.active,
    };
    let page = service::list(&state, &principal, &filter, paging).await?;
    Ok(Json(ListResponse::borrowed(
        &page,
        paging,
        UserDto::of_listed,
    )))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUserBody {
    pub email: String,
    pub display_name: String,
    #[serde(default)]
    pub title: String,
    /// At least 12 characters.
    pub password: String,
    /// A first role, optional.
    #[serde(default)]
    pub role: Option<String>,
    #[serde(default)]
    pub unit_id: Option<i64>,
}

/// Create a user (administrators).
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = NewUserBody,
    responses((status = 201, body = UserDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<NewUserBody>,
) -> Result<Response, AppError> {
    let input = NewUserInput {
        email: body.email,
        display_name: body.display_name,
        title: body.title,
        password: body.password,
        role: body.role.unwrap_or_default(),
        unit_id: body.unit_id,
    };
    let user = service::create(&state, &principal, &input).await?;
    let created = service::get(&state, &principal, user.id).await?;
    Ok((StatusCode::CREATED, Json(UserDto::from(created))).into_response())
}

/// One user with roles.
#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)),
    responses((status = 200, body = UserDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<UserDto>, AppError> {
    Ok(Json(service::get(&state, &principal, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserUpdateBody {
    pub display_name: String,
    #[serde(default)]
    pub title: String,
    pub active: bool,
    pub version: i64,
}

/// Update a user's name, title and active flag (administrators). 409 on a stale version.
#[utoipa::path(put, path = "/api/v1/users/{id}", tag = "users", params(("id" = i64, Path)), request_body = UserUpdateBody,
    responses((status = 200, body = UserDto), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<UserUpdateBody>,
) -> Result<Json<UserDto>, AppError> {
    let input = service::UserUpdateInput {
        display_name: body.display_name,
        title: body.title,
        active: body.active,
    };
    service::update(&state, &principal, id, body.version, &input).await?;
    Ok(Json(service::get(&state, &principal, id).await?.into()))
}

fn assignment(body: &RoleAssignmentDto) -> Result<Assignment, AppError> {
    Ok(Assignment {
        role: service::parse_role(&body.role)?,
        unit_id: body.unit_id,
    })
}

/// Grant a role (administrators).
#[utoipa::path(post, path = "/api/v1/users/{id}/roles", tag = "users", params(("id" = i64, Path)), request_body = RoleAssignmentDto,
    responses((status = 200, body = UserDto), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn grant(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<RoleAssignmentDto>,
) -> Result<Json<UserDto>, AppError> {
    service::grant(&state, &principal, id, assignment(&body)?).await?;
    Ok(Json(service::get(&state, &principal, id).await?.into()))
}

/// Revoke a role (administrators).
#[utoipa::path(delete, path = "/api/v1/users/{id}/roles", tag = "users", params(("id" = i64, Path)), request_body = RoleAssignmentDto,
    responses((status = 200, body = UserDto), (status = 404, body = Problem), (status = 422, body = Problem)), security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<RoleAssignmentDto>,
) -> Result<Json<UserDto>, AppError> {
    service::revoke(&state, &principal, id, assignment(&body)?).await?;
    Ok(Json(service::get(&state, &principal, id).await?.into()))
}
