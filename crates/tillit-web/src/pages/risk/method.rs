//! `/risks/method`: the organisation's risk-analysis method (7 §) — its versions, each
//! kept five years, the matrix in force, and recording a new version.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::risk::{MethodInput, RiskLevel, RiskMatrix};

use super::{level_badge, rejected, step_label, LevelBadge};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, RepeatedForm};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::risk as service;
use crate::state::AppState;
use crate::time::format_local;

/// The method form as typed; the matrix cells come as `cell-<likelihood>-<consequence>`.
#[derive(Debug, Default, Deserialize)]
pub struct MethodForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    standard: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    decided_by: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    decided_on: Option<NaiveDate>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    size: Option<usize>,
}

pub struct StepView {
    label: String,
    definition: String,
}

/// A likelihood step's label and its cells as (likelihood, consequence, level).
type MatrixRow = (String, Vec<(usize, usize, LevelBadge)>);

pub struct MatrixView {
    likelihood: Vec<StepView>,
    consequence: Vec<StepView>,
    /// Highest likelihood first.
    rows: Vec<MatrixRow>,
    consequence_labels: Vec<String>,
    levels: Vec<(LevelBadge, String)>,
}

fn matrix_view(ctx: &PageContext, matrix: &RiskMatrix) -> MatrixView {
    let steps = |steps: &[tillit_domain::risk::Step]| {
        steps
            .iter()
            .map(|s| StepView {
                label: s.label.in_language(ctx.lang).to_owned(),
                definition: s.definition.in_language(ctx.lang).to_owned(),
            })
            .collect()
    };
    let levels = service::content()
        .map(|content| {
            content
                .levels()
                .iter()
                .map(|l| {
                    (
                        level_badge(ctx, l.level.as_str()),
                        l.definition.in_language(ctx.lang).to_owned(),
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    MatrixView {
        likelihood: steps(&matrix.likelihood),
        consequence: steps(&matrix.consequence),
        rows: matrix
            .cells
            .iter()
            .enumerate()
            .rev()
            .map(|(l, row)| {
                (
                    step_label(ctx, &matrix.likelihood, l as i64 + 1),
                    row.iter()
                        .enumerate()
                        .map(|(c, level)| (l + 1, c + 1, level_badge(ctx, level.as_str())))
                        .collect(),
                )
            })
            .collect(),
        consequence_labels: (1..=matrix.consequence.len() as i64)
            .map(|c| step_label(ctx, &matrix.consequence, c))
            .collect(),
        levels,
    }
}

pub struct VersionView {
    number: i64,
    name: String,
    standard: String,
    decided: String,
    recorded: String,
    kept_until: String,
    size: String,
}

#[derive(Template)]
#[template(path = "risk_method.html")]
struct MethodPage {
    ctx: PageContext,
    current: Option<VersionView>,
    description: String,
    matrix: MatrixView,
    versions: Vec<VersionView>,
    form: MethodForm,
    sizes: Vec<usize>,
    level_choices: Vec<(&'static str, String)>,
    errors: FormErrors,
    can_manage: bool,
}

impl MethodPage {
    fn is_size(&self, size: &usize) -> bool {
        self.form.size == Some(*size)
    }
}

async fn method_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: Option<MethodForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let method = service::method(state, principal).await?;
    let versions: Vec<VersionView> = service::method_versions(state, principal)
        .await?
        .iter()
        .map(|v| VersionView {
            number: v.number,
            name: v.name.clone(),
            standard: v.standard.clone(),
            decided: format!("{}, {}", v.decided_by, v.decided_on),
            recorded: format!("{}, {}", v.created_by_label, format_local(&v.created_at)),
            kept_until: v.kept_until.to_string(),
            size: format!(
                "{}×{}",
                v.matrix.likelihood.len(),
                v.matrix.consequence.len()
            ),
        })
        .collect();
    let form = form.unwrap_or_else(|| match &method.version {
        Some(v) => MethodForm {
            name: v.name.clone(),
            standard: v.standard.clone(),
            description: v.description.clone(),
            decided_by: v.decided_by.clone(),
            decided_on: None,
            size: Some(v.matrix.likelihood.len()),
        },
        None => MethodForm {
            standard: "SS-ISO/IEC 27005:2022".into(),
            size: Some(method.matrix.likelihood.len()),
            ..MethodForm::default()
        },
    });
    let page = MethodPage {
        current: versions.first().map(|v| VersionView {
            number: v.number,
            name: v.name.clone(),
            standard: v.standard.clone(),
            decided: v.decided.clone(),
            recorded: v.recorded.clone(),
            kept_until: v.kept_until.clone(),
            size: v.size.clone(),
        }),
        description: method
            .version
            .as_ref()
            .map(|v| v.description.clone())
            .unwrap_or_default(),
        matrix: matrix_view(&ctx, &method.matrix),
        versions,
        form,
        sizes: service::content()?
            .presets()
            .iter()
            .map(|p| p.size)
            .collect(),
        level_choices: service::content()?
            .levels()
            .iter()
            .map(|l| (l.level.as_str(), l.label.in_language(ctx.lang).to_owned()))
            .collect(),
        errors,
        can_manage: principal.grants.allows_everywhere(Action::ManageRiskMethod),
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    method_page(
        &state,
        ctx,
        &principal,
        None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The matrix to record: the current one with the submitted cells when the size is
/// kept, otherwise the preset of the chosen size.
fn submitted_matrix(
    current: &RiskMatrix,
    size: Option<usize>,
    values: &crate::extract::FormValues,
) -> Result<RiskMatrix, AppError> {
    let size = size.unwrap_or(current.likelihood.len());
    if size != current.likelihood.len() || size != current.consequence.len() {
        return service::content()?
            .preset(size)
            .map(|p| p.matrix.clone())
            .ok_or_else(|| AppError::invalid("size", "invalid-choice"));
    }
    let mut matrix = current.clone();
    for (l, row) in matrix.cells.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            let field = format!("cell-{}-{}", l + 1, c + 1);
            if let Some(value) = values.first(&field) {
                *cell = RiskLevel::parse(value)
                    .ok_or_else(|| AppError::invalid("matrix", "invalid-choice"))?;
            }
        }
    }
    Ok(matrix)
}

pub async fn record(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    RepeatedForm(form, values): RepeatedForm<MethodForm>,
) -> Result<Response, AppError> {
    let current = service::method(&state, &principal).await?;
    let result = match submitted_matrix(&current.matrix, form.size, &values) {
        Ok(matrix) => {
            let input = MethodInput {
                name: &form.name,
                standard: &form.standard,
                description: &form.description,
                decided_by: &form.decided_by,
                decided_on: form.decided_on,
                matrix,
            };
            service::record_method(&state, &principal, &input)
                .await
                .map(|_| ())
        }
        Err(error) => Err(error),
    };
    match result {
        Ok(()) => Ok(see_other("/risks/method", "method-recorded")),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "name")?;
            method_page(&state, ctx, &principal, Some(form), errors, status).await
        }
    }
}
