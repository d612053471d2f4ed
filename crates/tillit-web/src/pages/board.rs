//! `/reports/board`: the board's overview (styrelsens översikt) — each part an SVG bar
//! chart with a title and a description, beside a table of the same figures.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use tillit_domain::auth::{Action, Reach};

use crate::auth::Principal;
use crate::error::AppError;
use crate::pages::{render, PageContext};
use crate::services::board::{self as service, percent, BoardDashboard};
use crate::services::reviews::level_label;
use crate::state::AppState;

/// Bar lengths out of this many SVG units for the largest value.
const BAR_WIDTH: i64 = 300;
const BAR_STEP: usize = 26;
/// Room for the labels left of the bars.
const LABEL_WIDTH: usize = 230;

pub struct Bar {
    label: String,
    value: String,
    y: usize,
    width: i64,
}

/// A horizontal bar chart: one bar per row, lengths relative to `max`.
pub struct Chart {
    id: &'static str,
    title: String,
    desc: String,
    bars: Vec<Bar>,
    height: usize,
    label_width: usize,
    total_width: usize,
}

fn chart(
    id: &'static str,
    title: String,
    desc: String,
    rows: &[(String, i64, String)],
    max: i64,
) -> Chart {
    let max = max.max(1);
    let bars: Vec<Bar> = rows
        .iter()
        .enumerate()
        .map(|(i, (label, value, shown))| Bar {
            label: label.chars().take(34).collect(),
            value: shown.clone(),
            y: i * BAR_STEP,
            width: (value * BAR_WIDTH / max).max(if *value > 0 { 1 } else { 0 }),
        })
        .collect();
    Chart {
        id,
        title,
        desc,
        height: bars.len().max(1) * BAR_STEP,
        bars,
        label_width: LABEL_WIDTH,
        total_width: LABEL_WIDTH + BAR_WIDTH as usize + 60,
    }
}

pub struct RiskRow {
    reference: String,
    title: String,
    level: String,
    target: String,
    done: i64,
    planned: i64,
}

pub struct CoverageRow {
    name: String,
    systems: i64,
    classified: i64,
    classified_percent: i64,
    analysed: i64,
    analysed_percent: i64,
}

#[derive(Template)]
#[template(path = "board.html")]
struct BoardPage {
    ctx: PageContext,
    units_only: bool,
    risks: Option<Vec<RiskRow>>,
    risk_chart: Option<Chart>,
    incidents: Option<(i64, i64, i64, i64, i64, i64)>,
    incident_chart: Option<Chart>,
    analyses_overdue: i64,
    register_confirmed: String,
    register_overdue: bool,
    coverage: Vec<CoverageRow>,
    coverage_chart: Chart,
    documents_overdue: Option<i64>,
    maturity_level: Option<i64>,
    counted: String,
}

fn page_of(ctx: PageContext, units_only: bool, board: &BoardDashboard) -> BoardPage {
    let risks: Option<Vec<RiskRow>> = board.largest_risks.as_ref().map(|risks| {
        risks
            .iter()
            .map(|r| RiskRow {
                reference: r.reference.clone(),
                title: r.title.clone(),
                level: level_label(ctx.lang, &r.level),
                target: r.residual_level.as_deref().map_or_else(
                    || level_label(ctx.lang, &r.level),
                    |l| level_label(ctx.lang, l),
                ),
                done: r.measures_done,
                planned: r.measures_planned,
            })
            .collect()
    });
    let risk_chart = board.largest_risks.as_ref().map(|risks| {
        let rows: Vec<(String, i64, String)> = risks
            .iter()
            .map(|r| {
                let total = r.measures_done + r.measures_planned;
                (
                    format!("{} {}", r.reference, r.title),
                    percent(r.measures_done, total),
                    format!("{} / {}", r.measures_done, total),
                )
            })
            .collect();
        chart(
            "chart-risks",
            ctx.t("board-largest"),
            format!(
                "{} / {}",
                ctx.t("board-measures-done"),
                ctx.t("board-measures-planned")
            ),
            &rows,
            100,
        )
    });
    let incidents = board.incidents.as_ref().map(|i| {
        (
            i.open_cases,
            i.clocks_running,
            i.clocks_overdue,
            i.reports_submitted,
            i.reports_on_time,
            percent(i.reports_on_time, i.reports_submitted),
        )
    });
    let incident_chart = board.incidents.as_ref().map(|i| {
        let rows = [
            (ctx.t("board-open-cases"), i.open_cases),
            (ctx.t("board-clocks-running"), i.clocks_running),
            (ctx.t("board-clocks-overdue"), i.clocks_overdue),
        ]
        .map(|(label, value)| (label, value, value.to_string()));
        let max = rows.iter().map(|r| r.1).max().unwrap_or(1);
        chart(
            "chart-incidents",
            ctx.t("board-incidents"),
            ctx.t("board-count"),
            &rows,
            max,
        )
    });
    let coverage: Vec<CoverageRow> = board
        .coverage
        .iter()
        .map(|c| CoverageRow {
            name: if c.unit_id.is_none() {
                ctx.t("board-coverage-whole")
            } else {
                c.name.clone()
            },
            systems: c.systems,
            classified: c.classified,
            classified_percent: percent(c.classified, c.systems),
            analysed: c.risk_analysed,
            analysed_percent: percent(c.risk_analysed, c.systems),
        })
        .collect();
    let coverage_rows: Vec<(String, i64, String)> = coverage
        .iter()
        .flat_map(|c| {
            [
                (
                    format!("{} – {}", c.name, ctx.t("board-coverage-classified")),
                    c.classified_percent,
                    format!("{} %", c.classified_percent),
                ),
                (
                    format!("{} – {}", c.name, ctx.t("board-coverage-analysed")),
                    c.analysed_percent,
                    format!("{} %", c.analysed_percent),
                ),
            ]
        })
        .collect();
    let coverage_chart = chart(
        "chart-coverage",
        ctx.t("board-coverage"),
        ctx.t("board-share"),
        &coverage_rows,
        100,
    );
    BoardPage {
        units_only,
        risks,
        risk_chart,
        incidents,
        incident_chart,
        analyses_overdue: board.renewals.analyses_overdue,
        register_confirmed: board
            .renewals
            .register_confirmed_at
            .as_ref()
            .map_or_else(|| ctx.t("board-register-never"), |at| ctx.time(at)),
        register_overdue: board.renewals.register_overdue,
        coverage,
        coverage_chart,
        documents_overdue: board.documents_overdue,
        maturity_level: board.maturity_level,
        counted: ctx.t1("board-counted", "at", ctx.time(&board.counted_at)),
        ctx,
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let board = service::dashboard(&state, &principal).await?;
    let units_only = principal.grants.reach(Action::ViewRisks) != Reach::Everywhere
        || principal.grants.reach(Action::ViewIncidents) != Reach::Everywhere;
    render(&page_of(ctx, units_only, &board))
}
