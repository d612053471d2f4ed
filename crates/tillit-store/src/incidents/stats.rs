//! Incident statistics for a period: counts by kind, track, unit, system and month,
//! personal data breaches registered against those notified to IMY, and the share of
//! reports submitted on time. The annual report reads the same figures.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::Db;
use crate::error::Result;
use crate::sql::unit_subtree;

/// A label (a code, a unit or system name, a month `YYYY-MM`) and how many cases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Count {
    pub label: String,
    pub count: i64,
}

/// Submitted reports of one regime: how many, and how many by their due time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OnTime {
    pub regime: String,
    pub submitted: i64,
    pub on_time: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Statistics {
    pub from: NaiveDate,
    /// The first day after the period.
    pub until: NaiveDate,
    pub total: i64,
    pub by_category: Vec<Count>,
    /// `<track>:<status>`, e.g. `personal_data:reportable`.
    pub by_track: Vec<Count>,
    pub by_unit: Vec<Count>,
    pub by_system: Vec<Count>,
    pub by_month: Vec<Count>,
    /// Personal data breaches documented (every breach, reported or not).
    pub breaches_registered: i64,
    /// Of them, notified to IMY.
    pub breaches_reported: i64,
    pub on_time: Vec<OnTime>,
}

/// Rows per top list (units, systems).
const TOP: i64 = 20;

/// Whose cases the statistics count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StatisticsScope {
    /// Every case of the organisation.
    Organisation,
    /// The cases of these units and the units below them.
    Units(Vec<i64>),
}

impl StatisticsScope {
    /// The condition on the case `i`; unit ids are integers, written into the statement.
    fn condition(&self) -> String {
        match self {
            StatisticsScope::Organisation => String::new(),
            StatisticsScope::Units(ids) if ids.is_empty() => " AND 1 = 0".into(),
            StatisticsScope::Units(ids) => {
                let ids = ids
                    .iter()
                    .map(i64::to_string)
                    .collect::<Vec<_>>()
                    .join(", ");
                format!(" AND i.unit_id IN ({})", unit_subtree(&ids))
            }
        }
    }
}

/// The statistics of the cases in `scope` that happened on `from` up to (not including)
/// `until`.
pub async fn statistics(
    db: &Db,
    organisation_id: i64,
    scope: &StatisticsScope,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Statistics> {
    let period = format!(
        "i.organisation_id = $1 AND i.occurred_on >= $2 AND i.occurred_on < $3{}",
        scope.condition()
    );
    let total = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!("SELECT COUNT(*) FROM incident i WHERE {period}"),
        organisation_id,
        from,
        until
    )?;
    let by_category = read!(
        db,
        fetch_all,
        Count,
        &format!(
            "SELECT COALESCE(i.category, 'unassessed') AS label, COUNT(*) AS count FROM incident i WHERE {period} \
             GROUP BY COALESCE(i.category, 'unassessed') ORDER BY count DESC, label"
        ),
        organisation_id,
        from,
        until
    )?;
    let by_track = read!(
        db,
        fetch_all,
        Count,
        &format!(
            "SELECT t.track || ':' || t.status AS label, COUNT(*) AS count FROM incident_track t \
             JOIN incident i ON i.id = t.incident_id WHERE {period} GROUP BY t.track, t.status ORDER BY label"
        ),
        organisation_id,
        from,
        until
    )?;
    let by_unit = read!(
        db,
        fetch_all,
        Count,
        &format!(
            "SELECT u.name AS label, COUNT(*) AS count FROM incident i JOIN org_unit u ON u.id = i.unit_id \
             WHERE {period} GROUP BY u.id, u.name ORDER BY count DESC, label LIMIT {TOP}"
        ),
        organisation_id,
        from,
        until
    )?;
    let by_system = read!(
        db,
        fetch_all,
        Count,
        &format!(
            "SELECT s.designation || ' ' || s.name AS label, COUNT(*) AS count FROM incident_system x \
             JOIN incident i ON i.id = x.incident_id JOIN information_system s ON s.id = x.system_id \
             WHERE {period} GROUP BY s.id, s.designation, s.name ORDER BY count DESC, label LIMIT {TOP}"
        ),
        organisation_id,
        from,
        until
    )?;
    let by_month = read!(
        db,
        fetch_all,
        Count,
        &format!(
            "SELECT SUBSTR(CAST(i.occurred_on AS TEXT), 1, 7) AS label, COUNT(*) AS count FROM incident i \
             WHERE {period} GROUP BY SUBSTR(CAST(i.occurred_on AS TEXT), 1, 7) ORDER BY label"
        ),
        organisation_id,
        from,
        until
    )?;
    let breaches_registered = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!(
            "SELECT COUNT(*) FROM incident_track t JOIN incident i ON i.id = t.incident_id WHERE {period} \
             AND t.track = 'personal_data' AND t.status IN ('documented_only', 'reportable', 'reportable_high_risk')"
        ),
        organisation_id,
        from,
        until
    )?;
    let breaches_reported = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!(
            "SELECT COUNT(*) FROM incident_obligation o JOIN incident i ON i.id = o.incident_id WHERE {period} \
             AND o.code = 'imy_notification' AND o.status = 'submitted'"
        ),
        organisation_id,
        from,
        until
    )?;
    let on_time = read!(
        db,
        fetch_all,
        OnTime,
        &format!(
            "SELECT o.regime, COUNT(*) AS submitted, \
             COALESCE(SUM(CASE WHEN o.submitted_at <= o.due_at THEN 1 ELSE 0 END), 0) AS on_time \
             FROM incident_obligation o JOIN incident i ON i.id = o.incident_id WHERE {period} \
             AND o.status = 'submitted' AND o.due_at IS NOT NULL GROUP BY o.regime ORDER BY o.regime"
        ),
        organisation_id,
        from,
        until
    )?;
    Ok(Statistics {
        from,
        until,
        total,
        by_category,
        by_track,
        by_unit,
        by_system,
        by_month,
        breaches_registered,
        breaches_reported,
        on_time,
    })
}
