//! Incident pages: the intake form, the list of cases, the case page with its tracks,
//! clocks and forms per role, report drafts, and the organisation's reporting settings.

pub mod case;
pub mod considered;
pub mod draft;
pub mod intake;
pub mod list;
pub mod settings;
pub mod statistics;

use axum::routing::{get, post};
use axum::Router;
use chrono::{DateTime, Utc};
use tillit_domain::incident::ClockState;

use crate::pages::PageContext;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/incidents", get(list::page).post(intake::submit))
        .route("/incidents/new", get(intake::form))
        .route("/incidents/statistics", get(statistics::page))
        .route("/incidents/statistics/export.xlsx", get(statistics::export))
        .route(
            "/incidents/settings",
            get(settings::page).post(settings::save),
        )
        .route("/incidents/{id}", get(case::page))
        .route("/incidents/{id}/assessment", post(case::assess))
        .route("/incidents/{id}/tracks/{track}", post(case::decide))
        .route(
            "/incidents/{id}/obligations/{obligation_id}",
            get(draft::page).post(case::submit),
        )
        .route(
            "/incidents/{id}/obligations/{obligation_id}/draft.json",
            get(draft::json),
        )
        .route(
            "/incidents/{id}/obligations/{obligation_id}/draft.pdf",
            get(draft::pdf),
        )
        .route("/incidents/{id}/follow-up", post(case::follow_up))
        .route("/incidents/{id}/notes", post(case::note))
        .route(
            "/incidents/{id}/attachments",
            post(case::attach).layer(axum::extract::DefaultBodyLimit::max(
                crate::services::incidents::MAX_ATTACHMENT_BYTES + 64 * 1024,
            )),
        )
        .route(
            "/incidents/{id}/attachments/{attachment_id}",
            get(case::download),
        )
        .route("/incidents/{id}/risks", post(case::link_risk))
        .route("/incidents/{id}/measures", post(case::link_measure))
        .route("/incidents/{id}/close", post(case::close))
        .route("/risks/analyses/{id}/incidents", post(considered::add))
        .route(
            "/risks/analyses/{id}/incidents/{incident_id}/remove",
            post(considered::remove),
        )
}

/// A running clock as shown: due time in Swedish time, and time left or overdue in
/// words (never colour alone).
#[derive(Debug, Clone)]
pub struct ClockView {
    pub due: String,
    pub text: String,
    pub overdue: bool,
}

pub fn clock_view(ctx: &PageContext, due: &DateTime<Utc>, now: DateTime<Utc>) -> ClockView {
    let state = ClockState::at(*due, now);
    let (seconds, overdue) = match state {
        ClockState::Running { seconds_left } => (seconds_left, false),
        ClockState::Overdue { seconds_over } => (seconds_over, true),
    };
    let span = duration_text(ctx, seconds);
    ClockView {
        due: ctx.time(due),
        text: if overdue {
            ctx.t1("clock-overdue", "span", span)
        } else {
            ctx.t1("clock-left", "span", span)
        },
        overdue,
    }
}

/// E.g. "2 d 4 h", "5 h 12 min", "3 min".
fn duration_text(ctx: &PageContext, seconds: i64) -> String {
    let minutes = seconds.max(0) / 60;
    let (days, hours, mins) = (minutes / 1440, (minutes % 1440) / 60, minutes % 60);
    if days > 0 {
        format!(
            "{days} {} {hours} {}",
            ctx.t("unit-days"),
            ctx.t("unit-hours")
        )
    } else if hours > 0 {
        format!(
            "{hours} {} {mins} {}",
            ctx.t("unit-hours"),
            ctx.t("unit-minutes")
        )
    } else {
        format!("{mins} {}", ctx.t("unit-minutes"))
    }
}
