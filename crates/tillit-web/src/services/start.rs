//! The start page's figures.
//!
//! Counting them over a large organisation takes tens of milliseconds, and the start page
//! is the page everyone opens. Every change appends to the audit trail in its own
//! transaction, so figures read after the organisation's latest audit sequence number
//! still hold while that number stays the same — on the same day, since several figures
//! count what is late today. They are therefore kept per user and reused until either
//! moves. The incident clocks keep their due times, so whether a clock is overdue is
//! decided at every request. Each server process keeps its own figures and checks them
//! against the database on every request, so processes sharing a database never show
//! stale figures.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, NaiveDate, Utc};
use tillit_store::classification::Coverage;
use tillit_store::tasks::OpenTask;

use crate::auth::Principal;
use crate::error::AppError;
use crate::services::incidents::StartStatus;
use crate::services::risk::RiskStatus;
use crate::state::AppState;

/// Users whose figures one process keeps; past it, every user's figures are counted anew.
const KEPT_USERS: usize = 10_000;

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

/// The figures of each user, with the audit position and days they were counted at.
#[derive(Default)]
pub struct StartCache {
    slots: Mutex<HashMap<i64, Arc<Slot>>>,
}

type Slot = tokio::sync::Mutex<Option<Counted>>;

struct Counted {
    head: i64,
    days: Days,
    figures: Arc<StartFigures>,
}

/// Today in UTC and in Sweden: the figures use both, so they are recounted when either
/// date turns.
type Days = (NaiveDate, NaiveDate);

impl StartCache {
    fn slot(&self, user_id: i64) -> Arc<Slot> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.len() >= KEPT_USERS && !slots.contains_key(&user_id) {
            slots.clear();
        }
        Arc::clone(slots.entry(user_id).or_default())
    }
}

/// The start page's figures for `principal`, counted anew only when something in the
/// organisation has changed or the day has turned since they were last counted.
pub async fn figures(
    state: &AppState,
    principal: &Principal,
) -> Result<Arc<StartFigures>, AppError> {
    let head = tillit_store::audit::organisation_head(&state.db, principal.organisation_id).await?;
    let days = (Utc::now().date_naive(), crate::services::risk::today());
    // Holding the slot while counting lets concurrent requests of the same user wait for
    // one count instead of each running their own.
    let slot = state.start_cache.slot(principal.user_id);
    let mut counted = slot.lock().await;
    if let Some(current) = counted
        .as_ref()
        .filter(|c| c.head == head && c.days == days)
    {
        return Ok(Arc::clone(&current.figures));
    }
    let figures = Arc::new(count(state, principal).await?);
    *counted = Some(Counted {
        head,
        days,
        figures: Arc::clone(&figures),
    });
    Ok(figures)
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
