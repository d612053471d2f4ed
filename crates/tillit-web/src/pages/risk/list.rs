//! `/risks/list`: every risk of the organisation, largest first, with filters.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use tillit_domain::pagination::PageRequest;
use tillit_domain::risk::{RiskLevel, RiskStatus};
use tillit_store::risk::RiskFilter;

use super::{code_label, level_badge, LevelBadge};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, QueryParams};
use crate::filter_params::choice;
use crate::pages::org::TreeRow;
use crate::pages::{render, PageContext};
use crate::services::risk as service;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    level: String,
    #[serde(default)]
    status: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default)]
    show: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    page: Option<u32>,
}

pub struct Row {
    id: i64,
    reference: String,
    title: String,
    analysis_id: i64,
    analysis_title: String,
    unit_name: String,
    level: LevelBadge,
    residual: Option<LevelBadge>,
    treatment: String,
    status: String,
}

#[derive(Template)]
#[template(path = "risk_list.html")]
struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    rows: Vec<Row>,
    total: i64,
    current_page: u32,
    page_count: u32,
    units: Vec<TreeRow>,
    levels: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
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
        let query = serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("level", self.query.level.as_str()),
            ("status", self.query.status.as_str()),
            ("unit_id", unit.as_str()),
            ("show", self.query.show.as_str()),
        ])
        .unwrap_or_default();
        format!("/risks/list?{query}&page={page}")
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let paging = PageRequest::parse(query.page, None)?;
    let show = choice("show", Some(&query.show), |s| {
        ["untreated", "unhandled"]
            .into_iter()
            .find(|known| *known == s)
    })?;
    let filter = RiskFilter {
        unit_id: query.unit_id,
        level: choice("level", Some(&query.level), RiskLevel::parse)?,
        status: choice("status", Some(&query.status), RiskStatus::parse)?,
        search: Some(query.q.clone()),
        serious_untreated: show == Some("untreated"),
        unhandled: show == Some("unhandled"),
        ..RiskFilter::default()
    };
    let page =
        service::risk_list_page(&state, &principal, &filter, paging.limit(), paging.offset())
            .await?;
    let rows = page
        .items
        .iter()
        .map(|r| Row {
            id: r.id,
            reference: r.reference(),
            level: level_badge(&ctx, &r.level),
            residual: r.residual_level.as_deref().map(|l| level_badge(&ctx, l)),
            treatment: r
                .treatment
                .as_deref()
                .map(|t| code_label(&ctx, "risk-treatment", t))
                .unwrap_or_else(|| ctx.t("risk-treatment-none")),
            status: code_label(&ctx, "risk-status", &r.status),
            title: r.title.clone(),
            analysis_id: r.analysis_id,
            analysis_title: r.analysis_title.clone(),
            unit_name: r.unit_name.clone().unwrap_or_default(),
        })
        .collect();
    let list = ListPage {
        rows,
        total: page.total,
        current_page: paging.page,
        page_count: paging.page_count(page.total),
        units: crate::pages::org::tree_rows_for(&state, &principal).await?,
        levels: RiskLevel::ALL
            .into_iter()
            .map(|l| (l.as_str(), level_badge(&ctx, l.as_str()).label))
            .collect(),
        statuses: RiskStatus::ALL
            .into_iter()
            .map(|s| (s.as_str(), code_label(&ctx, "risk-status", s.as_str())))
            .collect(),
        query,
        ctx,
    };
    render(&list)
}
