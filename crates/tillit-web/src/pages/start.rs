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
    render(&StartPage {
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
