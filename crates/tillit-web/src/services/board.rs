//! The board's overview (styrelsens översikt, C34): one page for leadership with the
//! five largest risks and how they are being reduced, incidents and their clocks,
//! overdue renewals, coverage per administration, training and maturity.
//!
//! Each part counts what the reader reaches with the permission that reads it (risks
//! with ViewRisks, incidents with ViewIncidents, as ADR 0011 has it), and the figures are
//! kept per organisation and reach, checked against the audit trail (ADR 0008).

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tillit_domain::auth::{Action, Reach};
use tillit_store::board::{self as store, BoardRisk, Coverage, IncidentFigures, RenewalFigures};

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

/// Whose figures the overview counts: the organisation and the reader's reach for each
/// part. Readers with the same reach share the counted figures.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BoardKey {
    pub organisation_id: i64,
    /// `None` when the reader does not read that part at all.
    pub risks: Option<Reach>,
    pub incidents: Option<Reach>,
}

/// The figures of the overview. A part the reader may not read is `None`; a part whose
/// data does not exist in tillit yet is `None` too and says so on the page.
#[derive(Debug, Clone)]
pub struct BoardDashboard {
    pub largest_risks: Option<Vec<BoardRisk>>,
    pub incidents: Option<IncidentFigures>,
    pub renewals: RenewalFigures,
    pub coverage: Vec<Coverage>,
    /// Governing documents in force whose review date has passed, in the whole
    /// organisation.
    pub documents_overdue: Option<i64>,
    /// The share of staff with basic training in per cent; no training data yet.
    pub training_percent: Option<i64>,
    /// The organisation's latest completed maturity level (0–4); `None` before the
    /// first assessment is completed.
    pub maturity_level: Option<i64>,
    pub counted_at: DateTime<Utc>,
}

fn reach_of(principal: &Principal, action: Action) -> Option<Reach> {
    principal
        .can(action)
        .then(|| principal.grants.reach(action))
}

pub fn key_for(principal: &Principal) -> BoardKey {
    BoardKey {
        organisation_id: principal.organisation_id,
        risks: reach_of(principal, Action::ViewRisks),
        incidents: reach_of(principal, Action::ViewIncidents),
    }
}

/// The overview as the principal may see it.
pub async fn dashboard(
    state: &AppState,
    principal: &Principal,
) -> Result<Arc<BoardDashboard>, AppError> {
    principal.require(Action::ViewBoardDashboard)?;
    let key = key_for(principal);
    state
        .board_dashboards
        .get(principal.audit_head, key.clone(), || count(state, key))
        .await
}

async fn count(state: &AppState, key: BoardKey) -> Result<BoardDashboard, AppError> {
    let db = &state.db;
    let organisation_id = key.organisation_id;
    let now = Utc::now();
    let today = crate::services::risk::today();
    let largest_risks = match &key.risks {
        Some(reach) => Some(store::largest_risks(db, organisation_id, reach).await?),
        None => None,
    };
    let incidents = match &key.incidents {
        Some(reach) => Some(store::incident_figures(db, organisation_id, reach, now).await?),
        None => None,
    };
    // Renewals and coverage follow the risk reach; without it the reader sees only
    // the register's confirmation, which belongs to the whole organisation.
    let nowhere = Reach::Units(Vec::new());
    let risk_reach = key.risks.as_ref().unwrap_or(&nowhere);
    let renewals = store::renewal_figures(db, organisation_id, risk_reach, today).await?;
    let coverage = store::coverage(db, organisation_id, risk_reach).await?;
    let documents_overdue =
        tillit_store::documents::overdue_documents(db, organisation_id, today).await?;
    let maturity = tillit_store::maturity::latest_maturity(db, organisation_id, None).await?;
    Ok(BoardDashboard {
        largest_risks,
        incidents,
        renewals,
        coverage,
        documents_overdue: Some(documents_overdue),
        training_percent: None,
        maturity_level: maturity.map(|m| m.level),
        counted_at: now,
    })
}

/// A share in whole per cent; none of none is shown as zero.
pub fn percent(part: i64, whole: i64) -> i64 {
    if whole > 0 {
        part * 100 / whole
    } else {
        0
    }
}
