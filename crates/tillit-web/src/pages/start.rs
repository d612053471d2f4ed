//! The start page: a summary that later modules fill with their own cards.

use askama::Template;
use axum::extract::State;
use axum::response::Response;

use tillit_store::classification::Coverage;
use tillit_store::tasks::OpenTask;

use crate::auth::Principal;
use crate::error::AppError;
use crate::pages::{render, PageContext};
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
    risks: Option<crate::services::risk::RiskStatus>,
    incidents: Option<IncidentCard>,
}

/// The incident card: running clocks, the most urgent first, and what waits for
/// an assessment.
struct IncidentCard {
    running: i64,
    overdue: i64,
    urgent: Vec<(i64, String, String, crate::pages::incidents::ClockView)>,
    unassessed: i64,
    escalated: Vec<(String, i64)>,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let organisation = crate::services::org::organisation(&state, &principal).await?;
    let units = tillit_store::org::count_units(&state.db, principal.organisation_id).await?;
    let users = tillit_store::users::count_active(&state.db, principal.organisation_id).await?;
    let checkpoint = if ctx.can("audit") {
        crate::services::audit::latest_checkpoint(&state, &principal)
            .await?
            .map(|c| (c.tree_size, crate::time::format_local(&c.issued_at)))
    } else {
        None
    };
    let (latest, overdue) = crate::services::registers::register_status(&state, &principal).await?;
    let register = (
        latest.map(|c| crate::time::format_local(&c.confirmed_at)),
        overdue,
    );
    let tasks = crate::services::classification::my_tasks(&state, &principal).await?;
    let (coverage, _) = crate::services::classification::coverage(&state, &principal).await?;
    let risks = crate::services::risk::status(&state, &principal).await?;
    let now = chrono::Utc::now();
    let incidents = crate::services::incidents::start_status(&state, &principal)
        .await?
        .map(|status| IncidentCard {
            running: status.clocks.running,
            overdue: status.clocks.overdue,
            urgent: status
                .urgent
                .iter()
                .map(|c| {
                    (
                        c.incident_id,
                        format!("{} {}", c.designation, c.title),
                        crate::pages::incidents::list::report_label(&ctx, &c.regime, &c.code),
                        crate::pages::incidents::clock_view(&ctx, &c.due_at, now),
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
                        crate::pages::risk::code_label(&ctx, "incident-track", track),
                        *count,
                    )
                })
                .collect(),
        });
    render(&StartPage {
        incidents,
        risks,
        register,
        tasks,
        coverage,
        organisation_name: organisation.name,
        units,
        users,
        two_factor_enabled: principal.two_factor_enabled,
        checkpoint,
        ctx,
    })
}
