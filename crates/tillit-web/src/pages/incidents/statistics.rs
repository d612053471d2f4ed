//! `/incidents/statistics`: a year's cases by kind, track, unit, system and month,
//! personal data breaches registered against those notified to IMY, and the share of
//! reports on time — as charts with their data tables, and as XLSX.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::Datelike;
use serde::Deserialize;
use tillit_store::incidents::{Count, Statistics, StatisticsScope};

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, QueryParams};
use crate::pages::risk::code_label;
use crate::pages::{render, PageContext};
use crate::services::incidents::{self as service, StatisticsLabels};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct YearQuery {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    year: Option<i32>,
}

/// A bar of the month chart: its label, count and length in the SVG's units.
pub struct Bar {
    label: String,
    count: i64,
    y: usize,
    width: i64,
}

#[derive(Template)]
#[template(path = "incident_statistics.html")]
struct StatisticsPage {
    ctx: PageContext,
    year: i32,
    years: Vec<i32>,
    /// The figures count only the cases of the reader's units.
    units_only: bool,
    total: i64,
    by_category: Vec<(String, i64)>,
    by_track: Vec<(String, i64)>,
    by_unit: Vec<(String, i64)>,
    by_system: Vec<(String, i64)>,
    months: Vec<Bar>,
    chart_height: usize,
    breaches_registered: i64,
    breaches_reported: i64,
    on_time: Vec<(String, i64, i64, i64)>,
}

/// Bar lengths out of this many SVG units for the largest month.
const CHART_WIDTH: i64 = 400;
const BAR_STEP: usize = 24;

fn year_of(query: &YearQuery) -> i32 {
    query
        .year
        .unwrap_or_else(|| crate::services::risk::today().year())
}

fn labelled(rows: &[Count], label: impl Fn(&str) -> String) -> Vec<(String, i64)> {
    rows.iter().map(|c| (label(&c.label), c.count)).collect()
}

fn track_label(ctx: &PageContext, code: &str) -> String {
    match code.split_once(':') {
        Some((track, status)) => format!(
            "{}: {}",
            code_label(ctx, "incident-track", track),
            code_label(ctx, "incident-track-status", status)
        ),
        None => code.to_owned(),
    }
}

fn page_of(
    ctx: PageContext,
    year: i32,
    units_only: bool,
    statistics: Statistics,
) -> StatisticsPage {
    let largest = statistics
        .by_month
        .iter()
        .map(|c| c.count)
        .max()
        .unwrap_or(1)
        .max(1);
    let months: Vec<Bar> = statistics
        .by_month
        .iter()
        .enumerate()
        .map(|(i, c)| Bar {
            label: c.label.clone(),
            count: c.count,
            y: i * BAR_STEP,
            width: (c.count * CHART_WIDTH / largest).max(1),
        })
        .collect();
    StatisticsPage {
        year,
        units_only,
        years: (year - 4..=year + 1).rev().collect(),
        total: statistics.total,
        by_category: labelled(&statistics.by_category, |c| {
            code_label(&ctx, "incident-category", c)
        }),
        by_track: labelled(&statistics.by_track, |c| track_label(&ctx, c)),
        by_unit: labelled(&statistics.by_unit, str::to_owned),
        by_system: labelled(&statistics.by_system, str::to_owned),
        chart_height: months.len() * BAR_STEP,
        months,
        breaches_registered: statistics.breaches_registered,
        breaches_reported: statistics.breaches_reported,
        on_time: statistics
            .on_time
            .iter()
            .map(|o| {
                let name = service::content()
                    .ok()
                    .and_then(|c| c.regime(&o.regime))
                    .map(|r| r.name.in_language(ctx.lang).to_owned())
                    .unwrap_or_else(|| o.regime.clone());
                let percent = if o.submitted > 0 {
                    o.on_time * 100 / o.submitted
                } else {
                    0
                };
                (name, o.submitted, o.on_time, percent)
            })
            .collect(),
        ctx,
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&query);
    let statistics = service::statistics(&state, &principal, year).await?;
    let units_only = service::statistics_scope(&principal) != StatisticsScope::Organisation;
    render(&page_of(ctx, year, units_only, statistics))
}

pub async fn export(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<YearQuery>,
) -> Result<Response, AppError> {
    let year = year_of(&query);
    let statistics = service::statistics(&state, &principal, year).await?;
    let labels = StatisticsLabels {
        total: ctx.t("incident-statistics-total"),
        breaches_registered: ctx.t("incident-statistics-breaches-registered"),
        breaches_reported: ctx.t("incident-statistics-breaches-reported"),
        on_time: ctx.t("incident-statistics-on-time"),
    };
    let bytes = service::statistics_xlsx(statistics, labels).await?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"incidenter-{year}.xlsx\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
