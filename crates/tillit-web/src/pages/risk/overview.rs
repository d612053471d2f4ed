//! `/risks`: what management looks at — where the risks are now and where the measures
//! should bring them, the five largest risks and how they are reduced, and serious risks
//! without a decided treatment; for the organisation or one unit and those below it.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::{code_label, level_badge, HeatMapView, LevelBadge};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, QueryParams};
use crate::pages::org::TreeRow;
use crate::pages::{render, PageContext};
use crate::services::risk as service;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
}

pub struct RiskLine {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub analysis_id: i64,
    pub analysis_title: String,
    pub unit_name: String,
    pub level: LevelBadge,
    pub residual: Option<LevelBadge>,
    pub treatment: String,
    pub measures: Vec<MeasureLine>,
}

pub struct MeasureLine {
    pub id: i64,
    pub designation: String,
    pub title: String,
    pub planned_on: String,
    pub done: bool,
}

fn risk_line(
    ctx: &PageContext,
    risk: tillit_store::risk::Risk,
    measures: Vec<MeasureLine>,
) -> RiskLine {
    RiskLine {
        id: risk.id,
        reference: format!("{} {}", risk.analysis_designation, risk.designation()),
        level: level_badge(ctx, &risk.level),
        residual: risk.residual_level.as_deref().map(|l| level_badge(ctx, l)),
        treatment: risk
            .treatment
            .as_deref()
            .map(|t| code_label(ctx, "risk-treatment", t))
            .unwrap_or_else(|| ctx.t("risk-treatment-none")),
        title: risk.title,
        analysis_id: risk.analysis_id,
        analysis_title: risk.analysis_title,
        unit_name: risk.unit_name.unwrap_or_default(),
        measures,
    }
}

#[derive(Template)]
#[template(path = "risks.html")]
struct OverviewPage {
    ctx: PageContext,
    query: OverviewQuery,
    units: Vec<TreeRow>,
    current: HeatMapView,
    residual: HeatMapView,
    largest: Vec<RiskLine>,
    untreated: Vec<RiskLine>,
    untreated_total: i64,
}

impl OverviewPage {
    fn is_unit(&self, id: &i64) -> bool {
        self.query.unit_id == Some(*id)
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<OverviewQuery>,
) -> Result<Response, AppError> {
    let overview = state
        .risk_overviews
        .get(
            principal.audit_head,
            (principal.user_id, query.unit_id),
            || service::overview(&state, &principal, query.unit_id),
        )
        .await?;
    let units = crate::pages::org::tree_rows_for(&state, &principal).await?;
    let largest = overview
        .largest
        .iter()
        .map(|large| {
            let measures = large
                .measures
                .iter()
                .map(|m| MeasureLine {
                    id: m.id,
                    designation: m.designation.clone(),
                    title: m.title.clone(),
                    planned_on: m.planned_on.to_string(),
                    done: m.done_on.is_some(),
                })
                .collect();
            risk_line(&ctx, large.risk.clone(), measures)
        })
        .collect();
    let untreated = overview
        .serious_untreated
        .items
        .iter()
        .map(|risk| risk_line(&ctx, risk.clone(), Vec::new()))
        .collect();
    let page = OverviewPage {
        current: HeatMapView::new(&ctx, &overview.matrix, &overview.heat_map.current),
        residual: HeatMapView::new(&ctx, &overview.matrix, &overview.heat_map.residual),
        largest,
        untreated,
        untreated_total: overview.serious_untreated.total,
        units,
        query,
        ctx,
    };
    render(&page)
}
