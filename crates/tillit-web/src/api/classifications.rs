//! `/api/v1/classifications`: classified objects and their approved versions, the
//! requirement set each must meet with the owner's self-assessment, proposed measures
//! and coverage.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::classification::{ClassificationInput, ObjectKind, Reasons};
use tillit_reports::Format;
use tillit_store::classification::{
    Assessment, ClassificationObject, ClassificationVersion, CoverageCount, ObjectFilter, Subject,
    UnmetRequirement,
};
use utoipa::{IntoParams, ToSchema};

use crate::api::requirements::RequirementDto;
use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::services::classification::{self as service, AssessedRequirement, Target};
use crate::services::classification_export;
use crate::state::AppState;
use crate::time::year_in_utc;

/// Levels on the 0–4 scale: K, R, T and optionally S.
#[derive(Debug, Serialize, ToSchema)]
pub struct LevelsDto {
    /// Konfidentialitet.
    pub k: i64,
    /// Riktighet.
    pub r: i64,
    /// Tillgänglighet.
    pub t: i64,
    /// Spårbarhet, when classified.
    pub s: Option<i64>,
}

/// A classified object and its current approved levels.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassificationDto {
    pub id: i64,
    /// `asset`, `system`, `process` or `document`.
    pub kind: String,
    pub asset_id: Option<i64>,
    pub system_id: Option<i64>,
    pub name: String,
    pub designation: Option<String>,
    /// The owner of a process or document.
    pub owner_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Number of the current approved version; 0 before the first approval.
    pub current_version: i64,
    /// The current levels; empty before the first approval.
    pub levels: Option<LevelsDto>,
    /// Some aspect is at level 4: a separate protection analysis is needed.
    pub needs_protection_analysis: bool,
    pub approved_at: Option<DateTime<Utc>>,
    pub next_review: Option<NaiveDate>,
    /// Send back when approving the next version; a stale value is refused with 409.
    pub version: i64,
}

impl From<ClassificationObject> for ClassificationDto {
    fn from(o: ClassificationObject) -> Self {
        let levels = o.levels();
        Self {
            id: o.id,
            kind: o.kind,
            asset_id: o.asset_id,
            system_id: o.system_id,
            name: o.name,
            designation: o.designation,
            owner_id: o.owner_id,
            unit_id: o.unit_id,
            current_version: o.current_version,
            levels: o
                .level_k
                .zip(o.level_r)
                .zip(o.level_t)
                .map(|((k, r), t)| LevelsDto {
                    k,
                    r,
                    t,
                    s: o.level_s,
                }),
            needs_protection_analysis: levels.is_some_and(|l| l.needs_protection_analysis()),
            approved_at: o.approved_at,
            next_review: o.next_review,
            version: o.version,
        }
    }
}

/// One approved version, never changed afterwards.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassificationVersionDto {
    pub number: i64,
    pub levels: LevelsDto,
    /// For a system: the highest levels of the assets it held at approval.
    #[schema(value_type = Option<Object>)]
    pub derived: Option<serde_json::Value>,
    /// The reasoning per aspect, keyed K, R, T, S.
    #[schema(value_type = Object)]
    pub reasons: Reasons,
    pub participants: String,
    pub next_review: NaiveDate,
    pub approved_at: DateTime<Utc>,
    pub approved_by: Option<i64>,
    pub approved_by_label: String,
}

impl From<ClassificationVersion> for ClassificationVersionDto {
    fn from(v: ClassificationVersion) -> Self {
        let reasons = v.reasons();
        Self {
            number: v.number,
            levels: LevelsDto {
                k: v.level_k,
                r: v.level_r,
                t: v.level_t,
                s: v.level_s,
            },
            derived: v
                .derived
                .as_deref()
                .and_then(|json| serde_json::from_str(json).ok()),
            reasons,
            participants: v.participants,
            next_review: v.next_review,
            approved_at: v.approved_at,
            approved_by: v.approved_by,
            approved_by_label: v.approved_by_label,
        }
    }
}

/// A classified object with every approved version, newest first.
#[derive(Debug, Serialize, ToSchema)]
pub struct ClassificationDetailDto {
    #[serde(flatten)]
    pub classification: ClassificationDto,
    pub versions: Vec<ClassificationVersionDto>,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClassificationQuery {
    /// For the export only: `xlsx` (default) or `csv`.
    pub format: Option<String>,
    /// `asset`, `system`, `process` or `document`.
    pub kind: Option<String>,
    /// Only those whose next review date has passed.
    pub overdue: Option<bool>,
    /// Only those with some aspect at level 4.
    pub needs_protection_analysis: Option<bool>,
    /// Name contains (case-insensitive).
    pub q: Option<String>,
    /// Only those with a version approved in this year (UTC).
    pub approved_year: Option<i32>,
    /// Only those of this unit or a unit below it: processes and documents by their
    /// unit, assets by the asset's unit, systems by the assets they hold.
    pub unit_id: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl ClassificationQuery {
    fn filter(&self) -> Result<ObjectFilter, AppError> {
        let kind = match self
            .kind
            .as_deref()
            .map(str::trim)
            .filter(|k| !k.is_empty())
        {
            None => None,
            Some(kind) => Some(
                ObjectKind::parse(kind)
                    .ok_or_else(|| AppError::invalid("kind", "invalid-choice"))?,
            ),
        };
        Ok(ObjectFilter {
            kind,
            overdue_on: self
                .overdue
                .filter(|overdue| *overdue)
                .map(|_| Utc::now().date_naive()),
            needs_protection_analysis: self.needs_protection_analysis.unwrap_or(false),
            query: self.q.clone().filter(|q| !q.trim().is_empty()),
            approved_in: self
                .approved_year
                .map(|year| {
                    year_in_utc(year)
                        .ok_or_else(|| AppError::invalid("approved_year", "out-of-range"))
                })
                .transpose()?,
            unit_id: self.unit_id,
        })
    }
}

/// List classified objects, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/classifications", tag = "classification", params(ClassificationQuery),
    responses((status = 200, body = ListResponse<ClassificationDto>), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ClassificationQuery>,
) -> Result<Json<ListResponse<ClassificationDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let page = service::list(
        &state,
        &principal,
        &query.filter()?,
        paging.limit(),
        paging.offset(),
    )
    .await?;
    Ok(Json(ListResponse::new(
        page,
        paging,
        ClassificationDto::from,
    )))
}

/// The classified objects the filters select as a file, with their current levels.
#[utoipa::path(get, path = "/api/v1/classifications/export", tag = "classification", params(ClassificationQuery),
    responses((status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ClassificationQuery>,
) -> Result<Response, AppError> {
    let format = match query.format.as_deref() {
        None => Format::Xlsx,
        Some(value) => {
            Format::parse(value).ok_or_else(|| AppError::invalid("format", "invalid-choice"))?
        }
    };
    let export =
        classification_export::classifications(&state, &principal, &query.filter()?, format)
            .await?;
    Ok(export.into_response())
}

/// One classified object with every approved version.
#[utoipa::path(get, path = "/api/v1/classifications/{id}", tag = "classification", params(("id" = i64, Path)),
    responses((status = 200, body = ClassificationDetailDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<ClassificationDetailDto>, AppError> {
    let target = service::target(&state, &principal, Subject::Object(id)).await?;
    detail(&state, &principal, target).await.map(Json)
}

async fn detail(
    state: &AppState,
    principal: &Principal,
    target: Target,
) -> Result<ClassificationDetailDto, AppError> {
    let object = target.object.ok_or(AppError::NotFound)?;
    let versions = service::versions(state, principal, object.id).await?;
    Ok(ClassificationDetailDto {
        classification: object.into(),
        versions: versions
            .into_iter()
            .map(ClassificationVersionDto::from)
            .collect(),
    })
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApprovalBody {
    /// Exactly one of `asset_id`, `system_id` and `object_id` (a process or document).
    #[serde(default)]
    pub asset_id: Option<i64>,
    #[serde(default)]
    pub system_id: Option<i64>,
    #[serde(default)]
    pub object_id: Option<i64>,
    /// The classification's `version` last read; empty for the first classification of
    /// an asset or system. A stale value is refused with 409.
    #[serde(default)]
    pub version: Option<i64>,
    /// Konfidentialitet, 0–4.
    pub level_k: Option<i64>,
    /// Riktighet, 0–4.
    pub level_r: Option<i64>,
    /// Tillgänglighet, 0–4.
    pub level_t: Option<i64>,
    /// Spårbarhet, 0–4, optional.
    #[serde(default)]
    pub level_s: Option<i64>,
    #[serde(default)]
    pub reason_k: String,
    #[serde(default)]
    pub reason_r: String,
    #[serde(default)]
    pub reason_t: String,
    /// A system's level above what its assets give needs a reason.
    #[serde(default)]
    pub reason_s: String,
    /// Who took part in the classification.
    pub participants: String,
    /// Defaults to one year from today; at most three years ahead.
    #[serde(default)]
    pub next_review: Option<NaiveDate>,
}

impl ApprovalBody {
    fn subject(&self) -> Result<Subject, AppError> {
        Subject::from_ids(self.asset_id, self.system_id, self.object_id)
            .ok_or_else(|| AppError::invalid("object_id", "exactly-one-subject"))
    }

    fn input(self) -> ClassificationInput {
        ClassificationInput {
            level_k: self.level_k,
            level_r: self.level_r,
            level_t: self.level_t,
            level_s: self.level_s,
            reason_k: self.reason_k,
            reason_r: self.reason_r,
            reason_t: self.reason_t,
            reason_s: self.reason_s,
            participants: self.participants,
            next_review: self.next_review,
        }
    }
}

/// Approve a classification as the next version (the object's owners, administrators
/// and coordinators). A system may not go below the levels of the assets it holds.
#[utoipa::path(post, path = "/api/v1/classifications", tag = "classification", request_body = ApprovalBody,
    responses((status = 201, body = ClassificationDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<ApprovalBody>,
) -> Result<Response, AppError> {
    let target = service::target(&state, &principal, body.subject()?).await?;
    let version = body.version;
    let (object, _) = service::approve(&state, &principal, &target, version, &body.input()).await?;
    let target = service::target(&state, &principal, Subject::Object(object.id)).await?;
    let detail = detail(&state, &principal, target).await?;
    Ok((StatusCode::CREATED, Json(detail)).into_response())
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NamedObjectBody {
    /// `process` or `document`.
    pub kind: String,
    pub name: String,
    /// The information owner; required.
    pub owner_id: Option<i64>,
    #[serde(default)]
    pub unit_id: Option<i64>,
}

/// Name a process or document to classify (its owner, administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/classification-objects", tag = "classification", request_body = NamedObjectBody,
    responses((status = 201, body = ClassificationDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_object(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<NamedObjectBody>,
) -> Result<Response, AppError> {
    let kind = ObjectKind::parse(body.kind.trim())
        .filter(|k| k.is_named_in_classification())
        .ok_or_else(|| AppError::invalid("kind", "invalid-choice"))?;
    let object = service::create_named_object(
        &state,
        &principal,
        kind,
        &body.name,
        body.owner_id,
        body.unit_id,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(ClassificationDto::from(object))).into_response())
}

/// The owner's judgement of one requirement.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessmentDto {
    /// `fulfilled`, `partly`, `not_fulfilled` or `not_applicable`.
    pub status: String,
    pub how: String,
    pub assessed_at: DateTime<Utc>,
    pub assessed_by_label: String,
    /// Send back when changing the assessment.
    pub version: i64,
}

impl From<Assessment> for AssessmentDto {
    fn from(a: Assessment) -> Self {
        Self {
            status: a.status,
            how: a.how,
            assessed_at: a.assessed_at,
            assessed_by_label: a.assessed_by_label,
            version: a.version,
        }
    }
}

/// A requirement the object must meet and how its owner judged it.
#[derive(Debug, Serialize, ToSchema)]
pub struct AssessedRequirementDto {
    pub requirement: RequirementDto,
    /// Empty until assessed.
    pub assessment: Option<AssessmentDto>,
}

impl From<AssessedRequirement> for AssessedRequirementDto {
    fn from(a: AssessedRequirement) -> Self {
        Self {
            requirement: a.requirement.into(),
            assessment: a.assessment.map(AssessmentDto::from),
        }
    }
}

/// The requirements the object's current levels trigger, with the self-assessment.
#[utoipa::path(get, path = "/api/v1/classifications/{id}/requirements", tag = "classification", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<AssessedRequirementDto>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn requirements(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<AssessedRequirementDto>>, AppError> {
    let target = service::target(&state, &principal, Subject::Object(id)).await?;
    let object = target.object.ok_or(AppError::NotFound)?;
    let set = service::requirement_set(&state, &principal, &object).await?;
    Ok(Json(
        set.into_iter().map(AssessedRequirementDto::from).collect(),
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AssessmentBody {
    /// `fulfilled`, `partly`, `not_fulfilled` or `not_applicable`.
    pub status: String,
    /// How the requirement is met, or what is missing; required unless not applicable.
    #[serde(default)]
    pub how: String,
    /// The assessment's `version` last read; empty for the first assessment.
    #[serde(default)]
    pub version: Option<i64>,
}

/// Self-assess one requirement of the object (its owners, administrators and coordinators).
#[utoipa::path(put, path = "/api/v1/classifications/{id}/requirements/{code}", tag = "classification",
    params(("id" = i64, Path), ("code" = String, Path)), request_body = AssessmentBody,
    responses((status = 200, body = AssessmentDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn assess(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, code)): Path<(String, String)>,
    ApiJson(body): ApiJson<AssessmentBody>,
) -> Result<Json<AssessmentDto>, AppError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let target = service::target(&state, &principal, Subject::Object(id)).await?;
    let assessment = service::assess(
        &state,
        &principal,
        &target,
        &code,
        body.version,
        &body.status,
        &body.how,
    )
    .await?;
    Ok(Json(assessment.into()))
}

/// A requirement judged partly met or not met: a proposed measure for the action plan.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProposedMeasureDto {
    pub classification_id: i64,
    pub object_kind: String,
    pub object_name: String,
    pub requirement_code: String,
    /// `partly` or `not_fulfilled`.
    pub status: String,
    pub how: String,
    pub assessed_at: DateTime<Utc>,
    pub assessed_by_label: String,
}

impl From<UnmetRequirement> for ProposedMeasureDto {
    fn from(u: UnmetRequirement) -> Self {
        Self {
            classification_id: u.object_id,
            object_kind: u.object_kind,
            object_name: u.object_name,
            requirement_code: u.requirement_code,
            status: u.status,
            how: u.how,
            assessed_at: u.assessed_at,
            assessed_by_label: u.assessed_by_label,
        }
    }
}

/// Requirements assessed as partly met or not met, the proposed measures.
#[utoipa::path(get, path = "/api/v1/proposed-measures", tag = "classification", params(Paging),
    responses((status = 200, body = ListResponse<ProposedMeasureDto>), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn proposed_measures(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(paging): QueryParams<Paging>,
) -> Result<Json<ListResponse<ProposedMeasureDto>>, AppError> {
    let paging = paging.request()?;
    let page =
        service::proposed_measures(&state, &principal, paging.limit(), paging.offset()).await?;
    Ok(Json(ListResponse::new(
        page,
        paging,
        ProposedMeasureDto::from,
    )))
}

/// How many register entries are classified, and how many of those are up to date.
#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageCountDto {
    pub total: i64,
    pub classified: i64,
    /// Classified and not past the next review date.
    pub current: i64,
}

impl From<CoverageCount> for CoverageCountDto {
    fn from(c: CoverageCount) -> Self {
        Self {
            total: c.total,
            classified: c.classified,
            current: c.current,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CoverageDto {
    pub systems: CoverageCountDto,
    pub assets: CoverageCountDto,
}

/// Classification coverage of the registers.
#[utoipa::path(get, path = "/api/v1/classification-coverage", tag = "classification",
    responses((status = 200, body = CoverageDto), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn coverage(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<CoverageDto>, AppError> {
    let (coverage, _) = service::coverage(&state, &principal).await?;
    Ok(Json(CoverageDto {
        systems: coverage.systems.into(),
        assets: coverage.assets.into(),
    }))
}
