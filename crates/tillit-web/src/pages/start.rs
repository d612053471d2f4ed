//! The start page: a summary that later modules fill with their own cards.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use chrono::Utc;

use tillit_store::classification::Coverage;
use tillit_store::tasks::OpenTask;

use crate::auth::Principal;
use crate::error::AppError;
use crate::pages::{render, PageContext};
use crate::services::incidents::StartStatus;
use crate::services::risk::RiskStatus;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "start.html")]
struct StartPage {
    ctx: PageContext,
    organisation_name: String,
    units: i64,
    users: i64,
    two_factor_enabled: bool,
    checkpoint: Option<(i64, String)>,
    /// When the register was last confirmed (Swedish time) and whether it is overdue.
    register: (Option<String>, bool),
    tasks: Vec<OpenTask>,
    coverage: Coverage,
    risks: Option<RiskStatus>,
    incidents: Option<IncidentCard>,
    /// Governing documents: how many there are and how many are overdue for review.
    documents: tillit_store::documents::DocumentsSummary,
}

/// The incident card: running clocks, the most urgent first, and what waits for
/// an assessment.
struct IncidentCard {
    running: usize,
    overdue: usize,
    urgent: Vec<(i64, String, String, crate::pages::incidents::ClockView)>,
    unassessed: i64,
    escalated: Vec<(String, i64)>,
}

impl IncidentCard {
    fn new(ctx: &PageContext, status: &StartStatus) -> Self {
        let now = Utc::now();
        Self {
            running: status.running(),
            overdue: status.overdue(now),
            urgent: status
                .urgent
                .iter()
                .map(|c| {
                    (
                        c.incident_id,
                        format!("{} {}", c.designation, c.title),
                        crate::pages::incidents::list::report_label(ctx, &c.regime, &c.code),
                        crate::pages::incidents::clock_view(ctx, &c.due_at, now),
                    )
                })
                .collect(),
            unassessed: status.waiting.unassessed,
            escalated: status
                .waiting
                .escalated
                .iter()
                .map(|(track, count)| {
                    (
                        crate::pages::risk::code_label(ctx, "incident-track", track),
                        *count,
                    )
                })
                .collect(),
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let figures = crate::services::start::figures(&state, &principal).await?;
    // The signed checkpoint moves without a change of the organisation's own, so it is
    // read at every request.
    let checkpoint = if ctx.can("audit") {
        crate::services::audit::latest_checkpoint(&state, &principal)
            .await?
            .map(|c| (c.tree_size, crate::time::format_local(&c.issued_at)))
    } else {
        None
    };
    let documents = crate::services::documents::summary(&state, &principal).await?;
    render(&StartPage {
        documents,
        incidents: figures
            .incidents
            .as_ref()
            .map(|status| IncidentCard::new(&ctx, status)),
        risks: figures.risks,
        register: (
            figures.register.0.as_ref().map(crate::time::format_local),
            figures.register.1,
        ),
        tasks: figures.tasks.clone(),
        coverage: figures.coverage,
        organisation_name: figures.organisation_name.clone(),
        units: figures.units,
        users: figures.users,
        two_factor_enabled: principal.two_factor_enabled,
        checkpoint,
        ctx,
    })
}
