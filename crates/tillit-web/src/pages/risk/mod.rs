//! Risk analysis pages: the management overview, analyses with their risks, approved
//! versions and comparisons, the method record, the action plan and the sector catalogue.

pub mod analyses;
pub mod catalogue;
pub mod list;
pub mod measures;
pub mod method;
pub mod overview;
pub mod risks;

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::Router;
use tillit_domain::risk::{RiskLevel, RiskMatrix, Step};
use tillit_store::risk::HeatCell;

use crate::error::AppError;
use crate::pages::{FormErrors, PageContext};
use crate::services::risk as service;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/risks", get(overview::page))
        .route("/risks/list", get(list::page))
        .route("/risks/method", get(method::page).post(method::record))
        .route(
            "/risks/analyses",
            get(analyses::list).post(analyses::create),
        )
        .route("/risks/analyses/new", get(analyses::new_form))
        .route(
            "/risks/analyses/{id}",
            get(analyses::detail).post(analyses::update),
        )
        .route("/risks/analyses/{id}/approve", post(analyses::approve))
        .route("/risks/analyses/{id}/revise", post(analyses::revise))
        .route("/risks/analyses/{id}/compare", get(analyses::compare))
        .route("/risks/analyses/{id}/export.pdf", get(analyses::export_pdf))
        .route(
            "/risks/analyses/{id}/export.xlsx",
            get(analyses::export_xlsx),
        )
        .route(
            "/risks/analyses/{id}/versions/{number}",
            get(analyses::version),
        )
        .route(
            "/risks/analyses/{id}/risks",
            get(risks::new_form).post(risks::create),
        )
        .route("/risks/{id}", get(risks::detail).post(risks::update))
        .route("/risks/{id}/treatment", post(risks::treatment))
        .route("/risks/{id}/delete", post(risks::delete))
        .merge(measures::routes())
        .merge(catalogue::routes())
}

/// A refused risk form: field errors with the risk module's labels, or the stale-version
/// message on `conflict_field`.
pub fn rejected(
    ctx: &PageContext,
    error: AppError,
    conflict_field: &str,
) -> Result<(FormErrors, StatusCode), AppError> {
    match error {
        AppError::Invalid(errors) => Ok((
            FormErrors::from_validation_in(ctx, &errors, "risk"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        AppError::Conflict => Ok((
            FormErrors::single(ctx, conflict_field, "conflict-reload"),
            StatusCode::CONFLICT,
        )),
        other => Err(other),
    }
}

/// A risk level as shown: its name, and colours with enough contrast.
#[derive(Debug, Clone)]
pub struct LevelBadge {
    pub code: String,
    pub label: String,
    pub colour: String,
    pub text_colour: &'static str,
}

/// The badge for a stored level code; an unknown code shows as itself.
pub fn level_badge(ctx: &PageContext, code: &str) -> LevelBadge {
    let definition =
        RiskLevel::parse(code).and_then(|level| service::content().ok().map(|c| c.level(level)));
    match definition {
        Some(definition) => LevelBadge {
            code: code.to_owned(),
            label: definition.label.in_language(ctx.lang).to_owned(),
            colour: definition.colour.clone(),
            text_colour: text_colour(&definition.colour),
        },
        None => LevelBadge {
            code: code.to_owned(),
            label: code.to_owned(),
            colour: "#ffffff".into(),
            text_colour: "#000000",
        },
    }
}

/// Black or white, whichever reads better on `background` (`#rrggbb`).
fn text_colour(background: &str) -> &'static str {
    let channel = |range: std::ops::Range<usize>| {
        let value =
            f64::from(u8::from_str_radix(background.get(range).unwrap_or("ff"), 16).unwrap_or(255))
                / 255.0;
        if value <= 0.039_28 {
            value / 12.92
        } else {
            ((value + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * channel(1..3) + 0.7152 * channel(3..5) + 0.0722 * channel(5..7);
    if luminance > 0.179 {
        "#000000"
    } else {
        "#ffffff"
    }
}

/// "3 – Stor": a step of a scale with its number, in the reader's language.
pub fn step_label(ctx: &PageContext, steps: &[Step], value: i64) -> String {
    tillit_domain::risk::step_label(steps, value, ctx.lang)
}

/// The scale's steps as form options: (value, label, definition).
pub fn step_options(ctx: &PageContext, steps: &[Step]) -> Vec<(i64, String, String)> {
    steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            (
                i as i64 + 1,
                step.label.in_language(ctx.lang).to_owned(),
                step.definition.in_language(ctx.lang).to_owned(),
            )
        })
        .collect()
}

/// A label from the locale files for a stored code, e.g. `risk-treatment-accept`.
pub fn code_label(ctx: &PageContext, prefix: &str, code: &str) -> String {
    ctx.t(&format!("{prefix}-{}", code.replace('_', "-")))
}

/// One cell of a heat map as shown.
#[derive(Debug, Clone)]
pub struct HeatCellView {
    pub likelihood: i64,
    pub consequence: i64,
    pub count: i64,
    pub badge: LevelBadge,
}

/// One row of a heat map: a likelihood step, highest first.
#[derive(Debug, Clone)]
pub struct HeatRowView {
    pub label: String,
    pub cells: Vec<HeatCellView>,
}

/// A heat map laid out for the page: rows from the highest likelihood down, columns
/// from the lowest consequence up.
#[derive(Debug, Clone)]
pub struct HeatMapView {
    pub rows: Vec<HeatRowView>,
    pub consequence_labels: Vec<String>,
    pub total: i64,
}

impl HeatMapView {
    pub fn new(ctx: &PageContext, matrix: &RiskMatrix, cells: &[HeatCell]) -> Self {
        let count = |l: i64, c: i64| {
            cells
                .iter()
                .find(|cell| cell.likelihood == l && cell.consequence == c)
                .map_or(0, |cell| cell.count)
        };
        let rows = matrix
            .cells
            .iter()
            .enumerate()
            .rev()
            .map(|(l, row)| HeatRowView {
                label: step_label(ctx, &matrix.likelihood, l as i64 + 1),
                cells: row
                    .iter()
                    .enumerate()
                    .map(|(c, level)| {
                        let (likelihood, consequence) = (l as i64 + 1, c as i64 + 1);
                        HeatCellView {
                            likelihood,
                            consequence,
                            count: count(likelihood, consequence),
                            badge: level_badge(ctx, level.as_str()),
                        }
                    })
                    .collect(),
            })
            .collect();
        HeatMapView {
            rows,
            consequence_labels: (1..=matrix.consequence.len() as i64)
                .map(|c| step_label(ctx, &matrix.consequence, c))
                .collect(),
            total: cells.iter().map(|c| c.count).sum(),
        }
    }

    /// Width of one cell in the SVG, so the chart keeps its size for every matrix.
    pub fn cell_width(&self) -> usize {
        480 / self.consequence_labels.len().max(1)
    }

    pub fn cell_height(&self) -> usize {
        240 / self.rows.len().max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::text_colour;

    #[test]
    fn dark_backgrounds_get_white_text_and_light_ones_black() {
        assert_eq!(text_colour("#1b5e20"), "#ffffff");
        assert_eq!(text_colour("#ffc107"), "#000000");
        assert_eq!(text_colour("#ffffff"), "#000000");
    }
}
