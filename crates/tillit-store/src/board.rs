//! The board's overview (styrelsens översikt): the largest risks and how they are being
//! reduced, incidents and their clocks, overdue renewals, and classification and risk
//! coverage per administration — each counted by grouped queries, within the units the
//! reader reaches.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::auth::Reach;

use crate::db::Db;
use crate::error::Result;
use crate::sql::unit_subtree;

/// How many of the largest risks the board sees.
pub const LARGEST: i64 = 5;

/// A large risk: where it is now, where its measures are to bring it, and how far they got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct BoardRisk {
    pub id: i64,
    pub reference: String,
    pub title: String,
    pub level: String,
    /// The level expected once its measures are done.
    pub residual_level: Option<String>,
    pub treatment: Option<String>,
    pub measures_done: i64,
    pub measures_planned: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct IncidentFigures {
    pub open_cases: i64,
    pub clocks_running: i64,
    pub clocks_overdue: i64,
    /// Reports to authorities submitted in the last twelve months, and of them on time.
    pub reports_submitted: i64,
    pub reports_on_time: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RenewalFigures {
    /// Risk analyses past their yearly renewal.
    pub analyses_overdue: i64,
    /// The latest confirmation of the register of systems.
    pub register_confirmed_at: Option<DateTime<Utc>>,
    /// Whether the yearly confirmation is missing or more than a year old.
    pub register_overdue: bool,
}

/// Systems holding the information of one administration (or of a unit the reader
/// reaches), and how many are classified and covered by an approved risk analysis.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Coverage {
    /// `None`: every system of the organisation.
    pub unit_id: Option<i64>,
    pub name: String,
    pub systems: i64,
    pub classified: i64,
    pub risk_analysed: i64,
}

/// `column` lies in one of the reached units or below; unit ids are integers, written
/// into the statement. `None` when everything is reached.
fn within(column: &str, reach: &Reach) -> Option<String> {
    let Reach::Units(units) = reach else {
        return None;
    };
    if units.is_empty() {
        return Some("1 = 0".to_owned());
    }
    let ids = units
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Some(format!("{column} IN ({})", unit_subtree(&ids)))
}

fn and_within(column: &str, reach: &Reach) -> String {
    within(column, reach).map_or_else(String::new, |clause| format!(" AND {clause}"))
}

/// The largest risks still being dealt with, of the analyses in `reach`.
pub async fn largest_risks(db: &Db, organisation_id: i64, reach: &Reach) -> Result<Vec<BoardRisk>> {
    let sql = format!(
        "SELECT r.id, a.designation || ' R' || CAST(r.number AS TEXT) AS reference, r.title, r.level, \
         r.residual_level, r.treatment, \
         (SELECT COUNT(*) FROM measure_risk mr JOIN measure m ON m.id = mr.measure_id \
          WHERE mr.risk_id = r.id AND m.done_on IS NOT NULL) AS measures_done, \
         (SELECT COUNT(*) FROM measure_risk mr JOIN measure m ON m.id = mr.measure_id \
          WHERE mr.risk_id = r.id AND m.done_on IS NULL) AS measures_planned \
         FROM risk r JOIN risk_analysis a ON a.id = r.analysis_id \
         WHERE r.organisation_id = $1 AND (r.status <> 'handled' OR r.treatment = 'accept'){} \
         ORDER BY r.level_rank DESC, r.likelihood * r.consequence DESC, r.consequence DESC, r.id LIMIT $2",
        and_within("a.unit_id", reach)
    );
    Ok(read!(
        db,
        fetch_all,
        BoardRisk,
        &sql,
        organisation_id,
        LARGEST
    )?)
}

/// Open cases, running and overdue clocks at `now`, and reports on time over the last
/// twelve months, of the cases in `reach`.
pub async fn incident_figures(
    db: &Db,
    organisation_id: i64,
    reach: &Reach,
    now: DateTime<Utc>,
) -> Result<IncidentFigures> {
    let scope = and_within("i.unit_id", reach);
    let open_cases = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!("SELECT COUNT(*) FROM incident i WHERE i.organisation_id = $1 AND i.status = 'open'{scope}"),
        organisation_id
    )?;
    let (clocks_running, clocks_overdue): (i64, i64) = read!(
        db,
        fetch_one,
        (i64, i64),
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.due_at < $2 THEN 1 ELSE 0 END), 0) \
             FROM incident_obligation o JOIN incident i ON i.id = o.incident_id \
             WHERE o.organisation_id = $1 AND o.status = 'open' AND o.due_at IS NOT NULL{scope}"
        ),
        organisation_id,
        now
    )?;
    let year_ago = now - chrono::Duration::days(365);
    let (reports_submitted, reports_on_time): (i64, i64) = read!(
        db,
        fetch_one,
        (i64, i64),
        &format!(
            "SELECT COUNT(*), COALESCE(SUM(CASE WHEN o.submitted_at <= o.due_at THEN 1 ELSE 0 END), 0) \
             FROM incident_obligation o JOIN incident i ON i.id = o.incident_id \
             WHERE o.organisation_id = $1 AND o.status = 'submitted' AND o.due_at IS NOT NULL \
             AND o.submitted_at >= $2{scope}"
        ),
        organisation_id,
        year_ago
    )?;
    Ok(IncidentFigures {
        open_cases,
        clocks_running,
        clocks_overdue,
        reports_submitted,
        reports_on_time,
    })
}

/// Analyses in `reach` past their renewal on `today`, and the register's confirmation.
pub async fn renewal_figures(
    db: &Db,
    organisation_id: i64,
    reach: &Reach,
    today: NaiveDate,
) -> Result<RenewalFigures> {
    let analyses_overdue = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!(
            "SELECT COUNT(*) FROM risk_analysis a WHERE a.organisation_id = $1 AND a.next_renewal < $2{}",
            and_within("a.unit_id", reach)
        ),
        organisation_id,
        today
    )?;
    let register_confirmed_at = read_scalar!(
        db,
        fetch_optional,
        DateTime<Utc>,
        "SELECT confirmed_at FROM register_confirmation WHERE organisation_id = $1 \
         ORDER BY confirmed_at DESC, id DESC LIMIT 1",
        organisation_id
    )?;
    let year_ago = today - chrono::Days::new(365);
    let register_overdue = register_confirmed_at.is_none_or(|at| at.date_naive() < year_ago);
    Ok(RenewalFigures {
        analyses_overdue,
        register_confirmed_at,
        register_overdue,
    })
}

/// Coverage per administration, or per reached unit when the reader does not reach the
/// whole organisation; for the whole organisation a first row counts every system.
/// A system belongs to the units whose information assets it holds.
pub async fn coverage(db: &Db, organisation_id: i64, reach: &Reach) -> Result<Vec<Coverage>> {
    let roots = |alias: &str| match reach {
        Reach::Everywhere => format!("{alias}kind = 'administration'"),
        Reach::Units(units) if units.is_empty() => "1 = 0".to_owned(),
        Reach::Units(units) => format!(
            "{alias}id IN ({})",
            units
                .iter()
                .map(i64::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    let classified =
        "CASE WHEN EXISTS (SELECT 1 FROM classification_object o WHERE o.system_id = {s} \
        AND o.current_version > 0) THEN 1 ELSE 0 END";
    let analysed = "CASE WHEN EXISTS (SELECT 1 FROM risk_analysis_system x JOIN risk_analysis ra ON ra.id = x.analysis_id \
        WHERE x.system_id = {s} AND ra.current_version > 0) THEN 1 ELSE 0 END";
    let per_unit = format!(
        "WITH RECURSIVE sub(root_id, id) AS (SELECT id, id FROM org_unit WHERE organisation_id = $1 AND {} \
         UNION ALL SELECT sub.root_id, u.id FROM org_unit u JOIN sub ON u.parent_id = sub.id), \
         held(root_id, system_id) AS (SELECT DISTINCT sub.root_id, x.system_id FROM sub \
         JOIN information_asset a ON a.unit_id = sub.id JOIN asset_system x ON x.asset_id = a.id) \
         SELECT u.id AS unit_id, u.name, COUNT(h.system_id) AS systems, \
         COALESCE(SUM({}), 0) AS classified, COALESCE(SUM({}), 0) AS risk_analysed \
         FROM org_unit u LEFT JOIN held h ON h.root_id = u.id \
         WHERE u.organisation_id = $1 AND {} GROUP BY u.id, u.name ORDER BY u.name",
        roots(""),
        classified.replace("{s}", "h.system_id"),
        analysed.replace("{s}", "h.system_id"),
        roots("u."),
    );
    let mut rows = Vec::new();
    if *reach == Reach::Everywhere {
        let whole = format!(
            "SELECT CAST(NULL AS BIGINT) AS unit_id, '' AS name, COUNT(*) AS systems, \
             COALESCE(SUM({}), 0) AS classified, COALESCE(SUM({}), 0) AS risk_analysed \
             FROM information_system s WHERE s.organisation_id = $1",
            classified.replace("{s}", "s.id"),
            analysed.replace("{s}", "s.id"),
        );
        rows.push(read!(db, fetch_one, Coverage, &whole, organisation_id)?);
    }
    rows.extend(read!(db, fetch_all, Coverage, &per_unit, organisation_id)?);
    Ok(rows)
}
