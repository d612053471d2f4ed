//! `/api/v1/requirements`: the protection requirements a classification can trigger,
//! the built-in catalogue followed by the organisation's own.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use tillit_domain::classification::{Level, Levels, OwnRequirementInput, Requirement};
use utoipa::{IntoParams, ToSchema};

use crate::api::Problem;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, QueryParams};
use crate::services::classification as service;
use crate::state::AppState;

/// A text in Swedish and English.
#[derive(Debug, Serialize, ToSchema)]
pub struct TextDto {
    pub sv: String,
    pub en: String,
}

/// A protection requirement (skyddskrav).
#[derive(Debug, Serialize, ToSchema)]
pub struct RequirementDto {
    /// Stable code, e.g. `K-ACC-01`, or the organisation's own code.
    pub code: String,
    /// The aspect whose level triggers it: K, R, T or S.
    pub aspect: String,
    /// It applies from this level of the aspect upwards.
    pub min_level: u8,
    /// `organisational`, `personnel`, `physical` or `technical`.
    pub category: String,
    pub title: TextDto,
    pub description: TextDto,
    /// The requirement phrased for a tender (SKA-krav).
    pub procurement: TextDto,
    /// ISO/IEC 27002:2022 controls.
    pub iso27002: Vec<String>,
    /// Laws, regulations and method documents.
    pub sources: Vec<String>,
}

impl From<Requirement> for RequirementDto {
    fn from(r: Requirement) -> Self {
        let text = |t: tillit_domain::classification::Text| TextDto { sv: t.sv, en: t.en };
        Self {
            code: r.id,
            aspect: r.aspect.as_str().to_owned(),
            min_level: r.min_level.get(),
            category: r.category.as_str().to_owned(),
            title: text(r.title),
            description: text(r.description),
            procurement: text(r.procurement),
            iso27002: r.iso27002.iter().map(ToString::to_string).collect(),
            sources: r.sources,
        }
    }
}

/// Levels to compute a requirement set for; all of K, R and T, or none.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequirementQuery {
    pub k: Option<u8>,
    pub r: Option<u8>,
    pub t: Option<u8>,
    pub s: Option<u8>,
}

impl RequirementQuery {
    fn levels(&self) -> Result<Option<Levels>, AppError> {
        let level = |field: &str, value: u8| {
            Level::new(value).ok_or_else(|| AppError::invalid(field, "level-range"))
        };
        match (self.k, self.r, self.t) {
            (None, None, None) if self.s.is_none() => Ok(None),
            (Some(k), Some(r), Some(t)) => Ok(Some(Levels::new(
                level("k", k)?,
                level("r", r)?,
                level("t", t)?,
                self.s.map(|s| level("s", s)).transpose()?,
            ))),
            _ => Err(AppError::invalid("k", "levels-incomplete")),
        }
    }
}

/// Every requirement, or with `k`, `r`, `t` (and `s`) the set an object with those
/// levels must meet.
#[utoipa::path(get, path = "/api/v1/requirements", tag = "classification", params(RequirementQuery),
    responses((status = 200, body = Vec<RequirementDto>), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<RequirementQuery>,
) -> Result<Json<Vec<RequirementDto>>, AppError> {
    let levels = query.levels()?;
    let requirements = service::all_requirements(&state, &principal).await?;
    Ok(Json(
        requirements
            .into_iter()
            .filter(|r| levels.as_ref().is_none_or(|levels| r.applies_to(levels)))
            .map(RequirementDto::from)
            .collect(),
    ))
}

/// One requirement by code.
#[utoipa::path(get, path = "/api/v1/requirements/{code}", tag = "classification", params(("code" = String, Path)),
    responses((status = 200, body = RequirementDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
) -> Result<Json<RequirementDto>, AppError> {
    service::all_requirements(&state, &principal)
        .await?
        .into_iter()
        .find(|r| r.id == code)
        .map(|r| Json(r.into()))
        .ok_or(AppError::NotFound)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnRequirementBody {
    /// Letters, digits and hyphens; not a code of the built-in catalogue.
    pub code: String,
    /// K, R, T or S.
    pub aspect: String,
    /// 1–4.
    pub min_level: Option<i64>,
    /// `organisational`, `personnel`, `physical` or `technical`.
    pub category: String,
    pub title: String,
    pub description: String,
    #[serde(default)]
    pub procurement: String,
    /// ISO/IEC 27002:2022 controls, separated by commas.
    #[serde(default)]
    pub iso27002: String,
    /// One source per line.
    #[serde(default)]
    pub sources: String,
    /// Required on update: the version last read.
    #[serde(default)]
    pub version: Option<i64>,
}

impl OwnRequirementBody {
    fn input(self) -> (Option<i64>, OwnRequirementInput) {
        (
            self.version,
            OwnRequirementInput {
                code: self.code,
                aspect: self.aspect,
                min_level: self.min_level,
                category: self.category,
                title: self.title,
                description: self.description,
                procurement: self.procurement,
                iso27002: self.iso27002,
                sources: self.sources,
            },
        )
    }
}

/// Add an own requirement to the catalogue (administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/requirements", tag = "classification", request_body = OwnRequirementBody,
    responses((status = 201, body = RequirementDto), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<OwnRequirementBody>,
) -> Result<Response, AppError> {
    let (_, input) = body.input();
    let created = service::create_own_requirement(&state, &principal, &input).await?;
    let requirement = created.as_input().validate(service::catalogue()?)?;
    Ok((StatusCode::CREATED, Json(RequirementDto::from(requirement))).into_response())
}

/// Change an own requirement (administrators and coordinators); built-in ones cannot be changed.
#[utoipa::path(put, path = "/api/v1/requirements/{code}", tag = "classification", params(("code" = String, Path)),
    request_body = OwnRequirementBody,
    responses((status = 200, body = RequirementDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    Path(code): Path<String>,
    ApiJson(body): ApiJson<OwnRequirementBody>,
) -> Result<Json<RequirementDto>, AppError> {
    let own = service::own_requirements(&state, &principal)
        .await?
        .into_iter()
        .find(|r| r.code == code)
        .ok_or(AppError::NotFound)?;
    let (version, input) = body.input();
    let version = version.ok_or_else(|| AppError::invalid("version", "required"))?;
    let updated =
        service::update_own_requirement(&state, &principal, own.id, version, &input).await?;
    let requirement = updated.as_input().validate(service::catalogue()?)?;
    Ok(Json(requirement.into()))
}
