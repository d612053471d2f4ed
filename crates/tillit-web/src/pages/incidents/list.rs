//! `/incidents`: the cases the user may see (or their own reports), with the running
//! clocks first.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::incident::{Category, Track};
use tillit_domain::pagination::PageRequest;
use tillit_store::incidents::{IncidentFilter, Reported};

use super::{clock_view, ClockView};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, QueryParams};
use crate::filter_params::{choice, year_dates, year_times};
use crate::pages::org::TreeRow;
use crate::pages::risk::code_label;
use crate::pages::{render, PageContext};
use crate::services::incidents as service;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    track: String,
    #[serde(default)]
    category: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default)]
    mine: String,
    /// Only the cases that happened in this year (the annual report's links).
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    year: Option<i32>,
    /// Only the cases closed in this year.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    closed_year: Option<i32>,
    /// `breach`, `imy` or `any`: what became of the case's reporting.
    #[serde(default)]
    reported: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    page: Option<u32>,
}

pub struct Row {
    id: i64,
    designation: String,
    title: String,
    unit_name: String,
    discovered: String,
    category: String,
    status: String,
    tracks: Vec<String>,
    next_due: Option<ClockView>,
    unassessed: bool,
}

pub struct ClockRow {
    incident_id: i64,
    designation: String,
    title: String,
    report: String,
    clock: ClockView,
}

#[derive(Template)]
#[template(path = "incidents.html")]
struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    rows: Vec<Row>,
    clocks: Vec<ClockRow>,
    total: i64,
    current_page: u32,
    page_count: u32,
    units: Vec<TreeRow>,
    tracks: Vec<(&'static str, String)>,
    categories: Vec<(&'static str, String)>,
    sees_others: bool,
    can_report: bool,
    can_configure: bool,
}

impl ListPage {
    fn is_unit(&self, id: &i64) -> bool {
        self.query.unit_id == Some(*id)
    }

    fn page_link(&self, page: u32) -> String {
        let unit = self
            .query
            .unit_id
            .map(|u| u.to_string())
            .unwrap_or_default();
        let year = self.query.year.map(|y| y.to_string()).unwrap_or_default();
        let closed_year = self
            .query
            .closed_year
            .map(|y| y.to_string())
            .unwrap_or_default();
        let query = serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("status", self.query.status.as_str()),
            ("track", self.query.track.as_str()),
            ("category", self.query.category.as_str()),
            ("unit_id", unit.as_str()),
            ("mine", self.query.mine.as_str()),
            ("year", year.as_str()),
            ("closed_year", closed_year.as_str()),
            ("reported", self.query.reported.as_str()),
        ])
        .unwrap_or_default();
        format!("/incidents?{query}&page={page}")
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

/// The label of a report, e.g. "Cybersäkerhetslagen: Tidig varning".
pub fn report_label(ctx: &PageContext, regime: &str, code: &str) -> String {
    service::content()
        .ok()
        .and_then(|c| c.regime(regime))
        .and_then(|r| {
            r.obligation(code).map(|o| {
                format!(
                    "{}: {}",
                    r.name.in_language(ctx.lang),
                    o.name.in_language(ctx.lang)
                )
            })
        })
        .unwrap_or_else(|| format!("{regime}: {code}"))
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let paging = PageRequest::parse(query.page, None)?;
    let sees_others = principal.can(Action::ViewIncidents);
    let status = choice("status", Some(&query.status), |s| {
        matches!(s, "open" | "closed").then(|| s.to_owned())
    })?;
    let filter = IncidentFilter {
        search: Some(query.q.clone()),
        status,
        unit_id: query.unit_id,
        track: choice("track", Some(&query.track), Track::parse)?,
        category: choice("category", Some(&query.category), Category::parse)?
            .map(|c| c.as_str().to_owned()),
        reported_by: (query.mine == "1" || !sees_others).then_some(principal.user_id),
        occurred_in: year_dates("year", query.year)?,
        closed_in: year_times("closed_year", query.closed_year)?,
        reported: choice("reported", Some(&query.reported), Reported::parse)?,
    };
    let page = service::list(&state, &principal, &filter, paging.limit(), paging.offset()).await?;
    let now = Utc::now();
    let rows = page
        .items
        .into_iter()
        .map(|r| {
            let tracks = [
                (Track::Cybersecurity, &r.cybersecurity),
                (Track::PersonalData, &r.personal_data),
                (Track::PatientSafety, &r.patient_safety),
            ]
            .into_iter()
            .filter_map(|(track, status)| {
                status.as_deref().map(|s| {
                    format!(
                        "{}: {}",
                        code_label(&ctx, "incident-track", track.as_str()),
                        code_label(&ctx, "incident-track-status", s)
                    )
                })
            })
            .collect();
            Row {
                id: r.id,
                designation: r.designation,
                title: r.title,
                unit_name: r.unit_name,
                discovered: ctx.time(&r.discovered_at),
                category: r
                    .category
                    .as_deref()
                    .map(|c| code_label(&ctx, "incident-category", c))
                    .unwrap_or_default(),
                status: code_label(&ctx, "incident-status", &r.status),
                tracks,
                next_due: r.next_due.map(|due| clock_view(&ctx, &due, now)),
                unassessed: !r.assessed && r.status == "open",
            }
        })
        .collect();
    let clocks = if sees_others {
        service::clocks(&state, &principal, 10)
            .await?
            .into_iter()
            .map(|c| ClockRow {
                incident_id: c.incident_id,
                designation: c.designation,
                title: c.title,
                report: report_label(&ctx, &c.regime, &c.code),
                clock: clock_view(&ctx, &c.due_at, now),
            })
            .collect()
    } else {
        Vec::new()
    };
    let list = ListPage {
        rows,
        clocks,
        total: page.total,
        current_page: paging.page,
        page_count: paging.page_count(page.total),
        units: if sees_others {
            crate::pages::org::tree_rows_for(&state, &principal).await?
        } else {
            Vec::new()
        },
        tracks: Track::ALL
            .into_iter()
            .map(|t| (t.as_str(), code_label(&ctx, "incident-track", t.as_str())))
            .collect(),
        categories: Category::ALL
            .into_iter()
            .map(|c| {
                (
                    c.as_str(),
                    code_label(&ctx, "incident-category", c.as_str()),
                )
            })
            .collect(),
        sees_others,
        can_report: principal.can(Action::ReportIncident),
        can_configure: principal
            .grants
            .allows_everywhere(Action::ManageIncidentSettings),
        query,
        ctx,
    };
    render(&list)
}
