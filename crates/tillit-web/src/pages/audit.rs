//! The audit trail: filterable list, single events, verification, export with proof.

use askama::Template;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, TimeZone, Utc};
use chrono_tz::Europe::Stockholm;
use serde::Deserialize;
use tillit_domain::pagination::PageRequest;
use tillit_domain::ValidationErrors;
use tillit_store::audit::{AuditEvent, EventFilter, VerifyOutcome};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, IdPath, QueryParams};
use crate::pages::{render, PageContext};
use crate::services::audit as service;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub object_type: String,
    #[serde(default)]
    pub object_id: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub actor_id: Option<i64>,
    #[serde(default)]
    pub from: String,
    #[serde(default)]
    pub until: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub page: Option<u32>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub per_page: Option<u32>,
}

fn start_of_day(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
) -> Option<chrono::DateTime<Utc>> {
    if value.trim().is_empty() {
        return None;
    }
    let date = NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").ok();
    let local = date
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|t| Stockholm.from_local_datetime(&t).earliest());
    if local.is_none() {
        errors.add(field, "invalid-date");
    }
    local.map(|t| t.with_timezone(&Utc))
}

impl AuditQuery {
    /// Dates are whole days in Swedish time; `until` includes its day.
    pub fn filter(&self) -> Result<EventFilter, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let from = start_of_day(&mut errors, "from", &self.from);
        let until =
            start_of_day(&mut errors, "until", &self.until).map(|t| t + chrono::Duration::days(1));
        let text = |v: &str| Some(v.trim().to_owned()).filter(|v| !v.is_empty());
        errors.finish(EventFilter {
            actor_id: self.actor_id,
            action: text(&self.action),
            object_type: text(&self.object_type),
            object_id: text(&self.object_id),
            from,
            until,
        })
    }

    fn link_to_page(&self, page: u32) -> String {
        let actor = self.actor_id.map(|a| a.to_string()).unwrap_or_default();
        let pairs = [
            ("action", self.action.as_str()),
            ("object_type", self.object_type.as_str()),
            ("object_id", self.object_id.as_str()),
            ("actor_id", actor.as_str()),
            ("from", self.from.as_str()),
            ("until", self.until.as_str()),
            ("page", &page.to_string()),
        ];
        serde_urlencoded::to_string(pairs)
            .map(|q| format!("/audit?{q}"))
            .unwrap_or_default()
    }
}

#[derive(Template)]
#[template(path = "audit.html")]
struct ListPage {
    ctx: PageContext,
    query: AuditQuery,
    page: Page<AuditEvent>,
    current_page: u32,
    page_count: u32,
    checkpoint: Option<(i64, String)>,
    errors: crate::pages::FormErrors,
}

impl ListPage {
    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.query.link_to_page(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count)
            .then(|| self.query.link_to_page(self.current_page + 1))
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<AuditQuery>,
) -> Result<Response, AppError> {
    let paging = PageRequest::parse(query.page, query.per_page)?;
    let (filter, errors) = match query.filter() {
        Ok(filter) => (filter, crate::pages::FormErrors::default()),
        Err(errors) => (
            EventFilter::default(),
            crate::pages::FormErrors::from_validation(&ctx, &errors),
        ),
    };
    let page = service::list(&state, &principal, &filter, paging).await?;
    let checkpoint = service::latest_checkpoint(&state, &principal)
        .await?
        .map(|c| (c.tree_size, crate::time::format_local(&c.issued_at)));
    let page_count = paging.page_count(page.total);
    render(&ListPage {
        ctx,
        query,
        page,
        current_page: paging.page,
        page_count,
        checkpoint,
        errors,
    })
}

#[derive(Template)]
#[template(path = "audit_verify.html")]
struct VerifyResult {
    ctx: PageContext,
    intact: bool,
    verified_up_to: i64,
    first_bad_seq: i64,
    checkpoints: usize,
    verified_at: String,
}

/// Runs a full verification. With htmx only the result box is returned.
pub async fn verify(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let outcome = service::verify(&state, &principal).await?;
    let verified_at = crate::time::format_local_seconds(&Utc::now());
    let page = match outcome {
        VerifyOutcome::Intact(report) => VerifyResult {
            ctx,
            intact: true,
            verified_up_to: report.verified_up_to,
            first_bad_seq: 0,
            checkpoints: report.checkpoints_checked,
            verified_at,
        },
        VerifyOutcome::Broken {
            defect,
            verified_up_to,
        } => VerifyResult {
            ctx,
            intact: false,
            verified_up_to,
            first_bad_seq: defect.first_bad_seq(),
            checkpoints: 0,
            verified_at,
        },
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "audit_event.html")]
struct DetailPage {
    ctx: PageContext,
    event: AuditEvent,
    before: String,
    after: String,
}

fn pretty(json: &Option<String>) -> String {
    json.as_deref()
        .and_then(|text| serde_json::from_str::<serde_json::Value>(text).ok())
        .and_then(|value| serde_json::to_string_pretty(&value).ok())
        .unwrap_or_default()
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(seq): IdPath,
) -> Result<Response, AppError> {
    let event = service::get(&state, &principal, seq).await?;
    let before = pretty(&event.before_json);
    let after = pretty(&event.after_json);
    render(&DetailPage {
        ctx,
        event,
        before,
        after,
    })
}

/// The event with its inclusion proof, as a JSON file to keep or hand to an auditor.
pub async fn proof(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(seq): IdPath,
) -> Result<Response, AppError> {
    let proof = service::export_with_proof(&state, &principal, seq)
        .await?
        .ok_or(AppError::NotFound)?;
    let body = serde_json::to_string_pretty(&proof).map_err(AppError::internal)?;
    let disposition = format!("attachment; filename=\"tillit-audit-event-{seq}.json\"");
    Ok((
        [
            (header::CONTENT_TYPE, "application/json".to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        body,
    )
        .into_response())
}
