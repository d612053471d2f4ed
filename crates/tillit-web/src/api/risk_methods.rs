//! `/api/v1/risk-methods` and `/api/v1/risk-catalogue`: the organisation's recorded
//! risk-analysis method (7 §) with its scales and matrix, every version kept five years,
//! and the sector risk catalogue analyses can start from.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::auth::Action;
use tillit_domain::classification::Text;
use tillit_domain::risk::{
    CatalogueMeasure, CatalogueRisk, LevelDefinition, MethodInput, RiskLevel, RiskMatrix, Step,
};
use tillit_domain::ValidationErrors;
use tillit_store::risk::MethodVersion;
use utoipa::ToSchema;

use crate::api::requirements::TextDto;
use crate::api::risks::parse_date;
use crate::api::Problem;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::services::risk as service;
use crate::state::AppState;

fn text(t: &Text) -> TextDto {
    TextDto {
        sv: t.sv.clone(),
        en: t.en.clone(),
    }
}

/// One step of the likelihood or consequence scale.
#[derive(Debug, Serialize, ToSchema)]
pub struct StepDto {
    pub label: TextDto,
    pub definition: TextDto,
}

/// A risk matrix: `cells[l - 1][c - 1]` is the level of likelihood `l` and consequence `c`.
#[derive(Debug, Serialize, ToSchema)]
pub struct MatrixDto {
    /// Likelihood steps, lowest first; a risk's `likelihood` is the step number from 1.
    pub likelihood: Vec<StepDto>,
    /// Consequence steps, lowest first.
    pub consequence: Vec<StepDto>,
    /// One row per likelihood step, one column per consequence step: `low`, `medium`,
    /// `high` or `very_high`.
    pub cells: Vec<Vec<String>>,
}

impl From<&RiskMatrix> for MatrixDto {
    fn from(m: &RiskMatrix) -> Self {
        let steps = |steps: &[Step]| {
            steps
                .iter()
                .map(|s| StepDto {
                    label: text(&s.label),
                    definition: text(&s.definition),
                })
                .collect()
        };
        Self {
            likelihood: steps(&m.likelihood),
            consequence: steps(&m.consequence),
            cells: m
                .cells
                .iter()
                .map(|row| row.iter().map(|l| l.as_str().to_owned()).collect())
                .collect(),
        }
    }
}

/// What a risk level means and how it is shown.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelDto {
    /// `low`, `medium`, `high` or `very_high`.
    pub code: String,
    pub label: TextDto,
    pub definition: TextDto,
    /// A background colour, `#rrggbb`; always shown with the label.
    pub colour: String,
    /// High and very high risks need a decided treatment.
    pub serious: bool,
}

impl From<&LevelDefinition> for LevelDto {
    fn from(l: &LevelDefinition) -> Self {
        Self {
            code: l.level.as_str().to_owned(),
            label: text(&l.label),
            definition: text(&l.definition),
            colour: l.colour.clone(),
            serious: l.level.is_serious(),
        }
    }
}

/// One recorded version of the method, never changed afterwards.
#[derive(Debug, Serialize, ToSchema)]
pub struct MethodVersionDto {
    /// Numbered from 1.
    pub number: i64,
    pub name: String,
    /// The established standard it builds on, e.g. SS-ISO/IEC 27005:2022.
    pub standard: String,
    pub description: String,
    /// The body or person that decided the method.
    pub decided_by: String,
    pub decided_on: NaiveDate,
    /// The version may not be removed before this day.
    pub kept_until: NaiveDate,
    pub created_at: DateTime<Utc>,
    pub created_by_label: String,
    pub matrix: MatrixDto,
}

impl From<MethodVersion> for MethodVersionDto {
    fn from(v: MethodVersion) -> Self {
        Self {
            number: v.number,
            matrix: MatrixDto::from(&v.matrix),
            name: v.name,
            standard: v.standard,
            description: v.description,
            decided_by: v.decided_by,
            decided_on: v.decided_on,
            kept_until: v.kept_until,
            created_at: v.created_at,
            created_by_label: v.created_by_label,
        }
    }
}

/// The method in force. Until one is recorded, only the default matrix, with `number`
/// and the other fields of a recorded version empty.
#[derive(Debug, Serialize, ToSchema)]
pub struct CurrentMethodDto {
    pub number: Option<i64>,
    pub name: Option<String>,
    pub standard: Option<String>,
    pub description: Option<String>,
    pub decided_by: Option<String>,
    pub decided_on: Option<NaiveDate>,
    pub kept_until: Option<NaiveDate>,
    pub created_at: Option<DateTime<Utc>>,
    pub created_by_label: Option<String>,
    pub matrix: MatrixDto,
    /// The four levels the matrix maps onto, lowest first.
    pub levels: Vec<LevelDto>,
}

/// Every recorded version of the method, newest first.
#[utoipa::path(get, path = "/api/v1/risk-methods", tag = "risk",
    responses((status = 200, body = Vec<MethodVersionDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<MethodVersionDto>>, AppError> {
    let versions = service::method_versions(&state, &principal).await?;
    Ok(Json(
        versions.into_iter().map(MethodVersionDto::from).collect(),
    ))
}

/// The method in force, or the default matrix while none is recorded.
#[utoipa::path(get, path = "/api/v1/risk-methods/current", tag = "risk",
    responses((status = 200, body = CurrentMethodDto), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn current(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<CurrentMethodDto>, AppError> {
    let method = service::method(&state, &principal).await?;
    let levels = service::content()?
        .levels()
        .iter()
        .map(LevelDto::from)
        .collect();
    let matrix = MatrixDto::from(&method.matrix);
    let v = method.version;
    Ok(Json(CurrentMethodDto {
        number: v.as_ref().map(|v| v.number),
        name: v.as_ref().map(|v| v.name.clone()),
        standard: v.as_ref().map(|v| v.standard.clone()),
        description: v.as_ref().map(|v| v.description.clone()),
        decided_by: v.as_ref().map(|v| v.decided_by.clone()),
        decided_on: v.as_ref().map(|v| v.decided_on),
        kept_until: v.as_ref().map(|v| v.kept_until),
        created_at: v.as_ref().map(|v| v.created_at),
        created_by_label: v.as_ref().map(|v| v.created_by_label.clone()),
        matrix,
        levels,
    }))
}

/// A text in Swedish and English.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TextBody {
    #[serde(default)]
    pub sv: String,
    #[serde(default)]
    pub en: String,
}

impl TextBody {
    fn text(&self) -> Text {
        Text {
            sv: self.sv.clone(),
            en: self.en.clone(),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepBody {
    /// Required in both languages.
    pub label: TextBody,
    /// What the step means, so assessors judge alike.
    #[serde(default)]
    pub definition: TextBody,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MatrixBody {
    /// 3–5 steps, lowest first.
    pub likelihood: Vec<StepBody>,
    /// 3–5 steps, lowest first.
    pub consequence: Vec<StepBody>,
    /// One row per likelihood step, one column per consequence step: `low`, `medium`,
    /// `high` or `very_high`; the level never falls when either axis rises.
    pub cells: Vec<Vec<String>>,
}

impl MatrixBody {
    fn matrix(&self) -> Result<RiskMatrix, AppError> {
        let steps = |steps: &[StepBody]| {
            steps
                .iter()
                .map(|s| Step {
                    label: s.label.text(),
                    definition: s.definition.text(),
                })
                .collect()
        };
        let cells = self
            .cells
            .iter()
            .map(|row| {
                row.iter()
                    .map(|code| RiskLevel::parse(code.trim()))
                    .collect::<Option<Vec<_>>>()
            })
            .collect::<Option<Vec<_>>>()
            .ok_or_else(|| AppError::invalid("matrix", "invalid-choice"))?;
        Ok(RiskMatrix {
            likelihood: steps(&self.likelihood),
            consequence: steps(&self.consequence),
            cells,
        })
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MethodBody {
    /// Required, at most 200 characters.
    pub name: String,
    /// The established standard the method builds on, e.g. SS-ISO/IEC 27005:2022.
    pub standard: String,
    #[serde(default)]
    pub description: String,
    /// The body or person that decided the method.
    pub decided_by: String,
    /// `YYYY-MM-DD`, not in the future.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Date)]
    pub decided_on: Option<String>,
    /// The scales and matrix; give this or `preset`.
    #[serde(default)]
    pub matrix: Option<MatrixBody>,
    /// Take the built-in matrix of this size (3, 4 or 5) instead of giving `matrix`.
    #[serde(default)]
    pub preset: Option<i64>,
}

impl MethodBody {
    fn matrix(&self) -> Result<RiskMatrix, AppError> {
        match (&self.matrix, self.preset) {
            (Some(matrix), None) => matrix.matrix(),
            (None, Some(size)) => usize::try_from(size)
                .ok()
                .and_then(|size| service::content().ok()?.preset(size))
                .map(|preset| preset.matrix.clone())
                .ok_or_else(|| AppError::invalid("preset", "invalid-choice")),
            (None, None) => Err(AppError::invalid("matrix", "required")),
            (Some(_), Some(_)) => Err(AppError::invalid("preset", "invalid-choice")),
        }
    }
}

/// Record a new version of the method (administrators and coordinators for the whole
/// organisation). Every risk is placed in the new matrix at once; a matrix with fewer
/// steps than risks already use is refused on `matrix`.
#[utoipa::path(post, path = "/api/v1/risk-methods", tag = "risk", request_body = MethodBody,
    responses((status = 201, body = MethodVersionDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<MethodBody>,
) -> Result<Response, AppError> {
    let mut errors = ValidationErrors::new();
    let decided_on = parse_date(&mut errors, "decided_on", body.decided_on.as_deref());
    errors.finish(())?;
    let input = MethodInput {
        name: &body.name,
        standard: &body.standard,
        description: &body.description,
        decided_by: &body.decided_by,
        decided_on,
        matrix: body.matrix()?,
    };
    let version = service::record_method(&state, &principal, &input).await?;
    Ok((StatusCode::CREATED, Json(MethodVersionDto::from(version))).into_response())
}

/// A measure the catalogue suggests for a risk.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueMeasureDto {
    pub title: TextDto,
    pub reason: TextDto,
    /// `organisational`, `personnel`, `physical` or `technical`.
    pub category: String,
    /// `preventive`, `detective` or `corrective`.
    pub function: String,
    /// ISO/IEC 27002:2022 controls.
    pub iso27002: Vec<String>,
}

impl From<&CatalogueMeasure> for CatalogueMeasureDto {
    fn from(m: &CatalogueMeasure) -> Self {
        Self {
            title: text(&m.title),
            reason: text(&m.reason),
            category: m.category.as_str().to_owned(),
            function: m.function.as_str().to_owned(),
            iso27002: m.iso27002.clone(),
        }
    }
}

/// A typical risk in health and social care.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogueRiskDto {
    /// Stable id, e.g. `RC-01`; give it as a risk's `catalogue_id`.
    pub id: String,
    pub title: TextDto,
    pub description: TextDto,
    pub threat: TextDto,
    pub vulnerability: TextDto,
    pub consequence: TextDto,
    /// The aspects it threatens: K, R, T or S.
    pub aspects: Vec<String>,
    /// Laws, regulations and method documents.
    pub sources: Vec<String>,
    pub measures: Vec<CatalogueMeasureDto>,
}

impl From<&CatalogueRisk> for CatalogueRiskDto {
    fn from(r: &CatalogueRisk) -> Self {
        Self {
            id: r.id.clone(),
            title: text(&r.title),
            description: text(&r.description),
            threat: text(&r.threat),
            vulnerability: text(&r.vulnerability),
            consequence: text(&r.consequence),
            aspects: r.aspects.iter().map(|a| a.as_str().to_owned()).collect(),
            sources: r.sources.clone(),
            measures: r.measures.iter().map(CatalogueMeasureDto::from).collect(),
        }
    }
}

/// The sector risk catalogue with suggested measures and sources.
#[utoipa::path(get, path = "/api/v1/risk-catalogue", tag = "risk",
    responses((status = 200, body = Vec<CatalogueRiskDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn catalogue(principal: Principal) -> Result<Json<Vec<CatalogueRiskDto>>, AppError> {
    principal.require(Action::ViewRisks)?;
    Ok(Json(
        service::content()?
            .catalogue()
            .iter()
            .map(CatalogueRiskDto::from)
            .collect(),
    ))
}
