//! The start page's figures. Counting them over a large organisation takes tens of
//! milliseconds and the start page is the page everyone opens, so they are kept in a
//! [`CheckedCache`](crate::services::checked_cache::CheckedCache). The incident clocks
//! keep their due times, so whether a clock is overdue is decided at every request.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tillit_store::classification::Coverage;
use tillit_store::tasks::OpenTask;

use crate::auth::Principal;
use crate::error::AppError;
use crate::services::incidents::StartStatus;
use crate::services::risk::RiskStatus;
use crate::state::AppState;

/// What the start page shows that is costly to count.
#[derive(Debug, Clone)]
pub struct StartFigures {
    pub organisation_name: String,
    pub units: i64,
    pub users: i64,
    /// When the register was last confirmed and whether a new confirmation is overdue.
    pub register: (Option<DateTime<Utc>>, bool),
    pub tasks: Vec<OpenTask>,
    pub coverage: Coverage,
    pub risks: Option<RiskStatus>,
    pub incidents: Option<StartStatus>,
}

/// The start page's figures for `principal`.
pub async fn figures(
    state: &AppState,
    principal: &Principal,
) -> Result<Arc<StartFigures>, AppError> {
    state
        .start_figures
        .get(principal.audit_head, principal.user_id, || {
            count(state, principal)
        })
        .await
}

async fn count(state: &AppState, principal: &Principal) -> Result<StartFigures, AppError> {
    let organisation = crate::services::org::organisation(state, principal).await?;
    let units = tillit_store::org::count_units(&state.db, principal.organisation_id).await?;
    let users = tillit_store::users::count_active(&state.db, principal.organisation_id).await?;
    let (latest, overdue) = crate::services::registers::register_status(state, principal).await?;
    Ok(StartFigures {
        organisation_name: organisation.name,
        units,
        users,
        register: (latest.map(|c| c.confirmed_at), overdue),
        tasks: crate::services::classification::my_tasks(state, principal).await?,
        coverage: crate::services::classification::coverage_counts(state, principal).await?,
        risks: crate::services::risk::status(state, principal).await?,
        incidents: crate::services::incidents::start_status(state, principal).await?,
    })
}
