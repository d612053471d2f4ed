//! One classified object: its current levels, every approved version, the requirements
//! it must meet with the owner's self-assessment, and the same requirements phrased as
//! SKA-krav for a tender.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tillit_domain::classification::{review_overdue, Aspect, SelfAssessment};
use tillit_reports::Format;
use tillit_store::classification::{ClassificationVersion, Subject};

use super::{aspect_name, level_label, protection_analysis_note, text};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::classification::{self as service, AssessedRequirement, Target};
use crate::services::classification_export;
use crate::state::AppState;

/// A level of the current classification, for the summary.
struct LevelSummary {
    aspect: String,
    label: String,
}

/// A requirement row: the requirement, the assessment and its form.
struct RequirementRow {
    code: String,
    aspect: String,
    title: String,
    description: String,
    iso27002: String,
    sources: String,
    status: String,
    status_label: String,
    how: String,
    version: String,
    assessed: String,
}

impl RequirementRow {
    fn field(&self, name: &str) -> String {
        format!("req-{}-{name}", self.code)
    }
}

fn requirement_rows(ctx: &PageContext, set: Vec<AssessedRequirement>) -> Vec<RequirementRow> {
    set.into_iter()
        .map(|item| {
            let requirement = item.requirement;
            let assessment = item.assessment;
            let status = assessment
                .as_ref()
                .map(|a| a.status.clone())
                .unwrap_or_default();
            RequirementRow {
                aspect: aspect_name(ctx, requirement.aspect),
                title: text(ctx, &requirement.title),
                description: text(ctx, &requirement.description),
                iso27002: requirement
                    .iso27002
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                sources: requirement.sources.join("; "),
                status_label: if status.is_empty() {
                    ctx.t("assessment-none")
                } else {
                    ctx.t(&format!("assessment-{}", status.replace('_', "-")))
                },
                how: assessment
                    .as_ref()
                    .map(|a| a.how.clone())
                    .unwrap_or_default(),
                version: assessment
                    .as_ref()
                    .map(|a| a.version.to_string())
                    .unwrap_or_default(),
                assessed: assessment
                    .as_ref()
                    .map(|a| format!("{}, {}", ctx.time(&a.assessed_at), a.assessed_by_label))
                    .unwrap_or_default(),
                status,
                code: requirement.id,
            }
        })
        .collect()
}

/// An earlier or current approved version, as shown in the history.
struct VersionRow {
    number: i64,
    levels: String,
    approved_at: String,
    approved_at_iso: String,
    approved_by: String,
    participants: String,
    next_review: String,
    derived: Option<String>,
    reasons: Vec<(String, String)>,
}

fn version_rows(ctx: &PageContext, versions: &[ClassificationVersion]) -> Vec<VersionRow> {
    versions
        .iter()
        .map(|version| {
            let reasons = version.reasons();
            VersionRow {
                number: version.number,
                levels: version.levels().map(|l| l.to_string()).unwrap_or_default(),
                approved_at: ctx.time(&version.approved_at),
                approved_at_iso: version.approved_at.to_rfc3339(),
                approved_by: version.approved_by_label.clone(),
                participants: version.participants.clone(),
                next_review: version.next_review.to_string(),
                derived: version.derived_levels().map(|l| l.to_string()),
                reasons: Aspect::ALL
                    .into_iter()
                    .filter(|aspect| !reasons.get(*aspect).is_empty())
                    .map(|aspect| (aspect_name(ctx, aspect), reasons.get(aspect).to_owned()))
                    .collect(),
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "classification_object.html")]
struct ObjectPage {
    ctx: PageContext,
    object_id: i64,
    target: Target,
    kind_label: String,
    levels: Vec<LevelSummary>,
    classified: bool,
    needs_protection_analysis: bool,
    protection_analysis_note: String,
    next_review: String,
    overdue: bool,
    versions: Vec<VersionRow>,
    requirements: Vec<RequirementRow>,
    statuses: Vec<(&'static str, String)>,
    can_classify: bool,
    errors: FormErrors,
    /// The requirement whose form was refused, to keep what was typed.
    typed: Option<AssessForm>,
    classify_link: String,
}

impl ObjectPage {
    fn typed_status<'a>(&'a self, row: &'a RequirementRow) -> &'a str {
        match &self.typed {
            Some(form) if form.code == row.code => &form.status,
            _ => &row.status,
        }
    }

    fn typed_how<'a>(&'a self, row: &'a RequirementRow) -> &'a str {
        match &self.typed {
            Some(form) if form.code == row.code => &form.how,
            _ => &row.how,
        }
    }
}

async fn object_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    typed: Option<AssessForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let target = service::target(state, principal, Subject::Object(id)).await?;
    let object = target.object.clone().ok_or(AppError::NotFound)?;
    let versions = service::versions(state, principal, object.id).await?;
    let set = service::requirement_set(state, principal, &object).await?;
    let current = object.levels();
    let levels = Aspect::ALL
        .into_iter()
        .map(|aspect| {
            let level = current.and_then(|l| l.get(aspect));
            LevelSummary {
                aspect: aspect_name(&ctx, aspect),
                label: level
                    .map(|l| level_label(&ctx, l))
                    .unwrap_or_else(|| ctx.t("classify-not-assessed")),
            }
        })
        .collect();
    let protection_analysis_note = protection_analysis_note(&ctx)?;
    let today = Utc::now().date_naive();
    let classify_link = service::classify_link(target.subject);
    let page = ObjectPage {
        object_id: object.id,
        kind_label: ctx.t(&format!("object-kind-{}", object.kind)),
        levels,
        classified: current.is_some(),
        needs_protection_analysis: current.is_some_and(|l| l.needs_protection_analysis()),
        protection_analysis_note,
        next_review: object
            .next_review
            .map(|d| d.to_string())
            .unwrap_or_default(),
        overdue: object.next_review.is_some_and(|d| review_overdue(d, today)),
        versions: version_rows(&ctx, &versions),
        requirements: requirement_rows(&ctx, set),
        statuses: SelfAssessment::ALL
            .into_iter()
            .map(|s| {
                (
                    s.as_str(),
                    ctx.t(&format!("assessment-{}", s.as_str().replace('_', "-"))),
                )
            })
            .collect(),
        can_classify: target.may_classify(principal),
        target,
        errors,
        typed,
        classify_link,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    object_page(
        &state,
        ctx,
        &principal,
        id,
        None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct AssessForm {
    #[serde(skip)]
    code: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    how: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    version: Option<i64>,
}

pub async fn assess(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path((id, code)): Path<(String, String)>,
    FormData(mut form): FormData<AssessForm>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let target = service::target(&state, &principal, Subject::Object(id)).await?;
    let result = service::assess(
        &state,
        &principal,
        &target,
        &code,
        form.version,
        &form.status,
        &form.how,
    )
    .await;
    match result {
        Ok(_) => Ok(see_other(
            &format!("/classification/{id}#req-{code}"),
            "assessment-saved",
        )),
        Err(error) => {
            let prefix = format!("req-{code}-");
            let (errors, status) = FormErrors::rejected(&ctx, error, &prefix, "how")?;
            form.code = code;
            object_page(&state, ctx, &principal, id, Some(form), errors, status).await
        }
    }
}

/// One SKA-krav for the tender.
struct ProcurementRow {
    code: String,
    aspect: String,
    title: String,
    procurement: String,
    iso27002: String,
}

#[derive(Template)]
#[template(path = "classification_procurement.html")]
struct ProcurementPage {
    ctx: PageContext,
    object_id: i64,
    name: String,
    levels: String,
    rows: Vec<ProcurementRow>,
}

pub async fn procurement(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let target = service::target(&state, &principal, Subject::Object(id)).await?;
    let object = target.object.clone().ok_or(AppError::NotFound)?;
    let set = service::requirement_set(&state, &principal, &object).await?;
    let rows = set
        .into_iter()
        .map(|item| {
            let r = item.requirement;
            ProcurementRow {
                aspect: aspect_name(&ctx, r.aspect),
                title: text(&ctx, &r.title),
                procurement: text(&ctx, &r.procurement),
                iso27002: r
                    .iso27002
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                code: r.id,
            }
        })
        .collect();
    render(&ProcurementPage {
        object_id: object.id,
        name: target.name,
        levels: object.levels().map(|l| l.to_string()).unwrap_or_default(),
        rows,
        ctx,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default)]
    format: String,
}

/// The SKA-krav of one object as CSV or XLSX, in the reader's language.
pub async fn procurement_export(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, AppError> {
    let format = Format::parse(&query.format)
        .ok_or_else(|| AppError::invalid("format", "invalid-choice"))?;
    let export =
        classification_export::procurement(&state, &principal, id, ctx.lang, format).await?;
    Ok(export.into_response())
}
