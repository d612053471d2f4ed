//! What management looks at: the heat map of current and expected residual risk, the
//! largest risks, and serious risks without a decided treatment.

use serde::Serialize;
use tillit_domain::auth::Reach;
use tillit_domain::risk::RiskLevel;

use super::risks::{self, Risk, RiskFilter, LARGEST_FIRST};
use super::{unit_subtree_clause, within_reach};
use crate::db::Db;
use crate::error::Result;
use crate::sql::{Arg, Conditions};
use crate::Page;

/// The number of risks at one position of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct HeatCell {
    pub likelihood: i64,
    pub consequence: i64,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeatMap {
    /// Where the risks are as assessed.
    pub current: Vec<HeatCell>,
    /// Where they are expected to be once their measures are done.
    pub residual: Vec<HeatCell>,
}

/// Risk counts per position, for the organisation or one unit and the units below it,
/// of the analyses the reader reaches.
pub async fn heat_map(
    db: &Db,
    organisation_id: i64,
    unit_id: Option<i64>,
    reach: &Reach,
) -> Result<HeatMap> {
    let mut conditions = Conditions::for_organisation("r.organisation_id", organisation_id);
    within_reach(&mut conditions, "a", reach);
    if let Some(unit) = unit_id {
        conditions.and(&unit_subtree_clause("a"), Arg::Int(unit));
    }
    let from = if unit_id.is_some() || *reach != Reach::Everywhere {
        "FROM risk r JOIN risk_analysis a ON a.id = r.analysis_id"
    } else {
        "FROM risk r"
    };
    let current = format!(
        "SELECT r.likelihood, r.consequence, COUNT(*) AS count {from} WHERE {} \
         GROUP BY r.likelihood, r.consequence",
        conditions.sql()
    );
    let residual = format!(
        "SELECT COALESCE(r.residual_likelihood, r.likelihood) AS likelihood, \
         COALESCE(r.residual_consequence, r.consequence) AS consequence, COUNT(*) AS count {from} WHERE {} \
         GROUP BY COALESCE(r.residual_likelihood, r.likelihood), COALESCE(r.residual_consequence, r.consequence)",
        conditions.sql()
    );
    Ok(HeatMap {
        current: read_args!(db, fetch_all, HeatCell, &current, conditions.args_with([]))?,
        residual: read_args!(db, fetch_all, HeatCell, &residual, conditions.args_with([]))?,
    })
}

/// The largest risks still being dealt with (not yet handled by done measures).
pub async fn largest_risks(
    db: &Db,
    organisation_id: i64,
    unit_id: Option<i64>,
    reach: &Reach,
    limit: i64,
) -> Result<Vec<Risk>> {
    let mut conditions = risks::conditions(
        organisation_id,
        &RiskFilter {
            unit_id,
            reach: reach.clone(),
            ..RiskFilter::default()
        },
    );
    conditions.and_fixed("(r.status <> 'handled' OR r.treatment = 'accept')");
    let next = conditions.next_placeholder();
    let sql = format!(
        "{} WHERE {} ORDER BY {LARGEST_FIRST} LIMIT ${next}",
        risks::SELECT,
        conditions.sql()
    );
    Ok(read_args!(
        db,
        fetch_all,
        Risk,
        &sql,
        conditions.args_with([Arg::Int(limit)])
    )?)
}

/// High and very high risks with no decided treatment, largest first.
pub async fn serious_untreated(
    db: &Db,
    organisation_id: i64,
    unit_id: Option<i64>,
    reach: &Reach,
    limit: i64,
) -> Result<Page<Risk>> {
    debug_assert!(RiskLevel::High.is_serious());
    let filter = RiskFilter {
        unit_id,
        reach: reach.clone(),
        serious_untreated: true,
        ..RiskFilter::default()
    };
    risks::list_risks(db, organisation_id, &filter, false, limit, 0).await
}
