//! The figures each agenda item of a management review starts from, counted from the
//! registers, the risk work and the incidents of the whole organisation: one grouped
//! query per figure, never a row per object.

use chrono::{Datelike, Days, NaiveDate, NaiveTime};
use serde::{Deserialize, Serialize};
use tillit_domain::review::ItemKey;
use tillit_domain::risk::RiskLevel;

use crate::db::Db;
use crate::error::Result;

/// A counted figure: a stable code (e.g. `incidents`, `incident-category:outage`,
/// `risk-level:high`) and its value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Figure {
    pub code: String,
    pub value: i64,
}

/// A risk the item names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct RiskLine {
    pub id: i64,
    /// The analysis designation and the risk number, e.g. `RA-0003 R2`.
    pub reference: String,
    pub title: String,
    pub level: String,
    /// `eliminate`, `reduce`, `accept`, or none decided.
    pub treatment: Option<String>,
    pub measure_count: i64,
}

/// A named gap or note, e.g. a system without an information owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct NamedLine {
    /// What kind of line it is: `system-without-owner`, `operation-without-manager`,
    /// `external-developments`.
    pub code: String,
    pub name: String,
}

/// What one item shows beside its text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemFigures {
    pub figures: Vec<Figure>,
    pub risks: Vec<RiskLine>,
    pub lines: Vec<NamedLine>,
}

/// The period the figures count: from the previous review's meeting to today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: NaiveDate,
    pub today: NaiveDate,
}

/// Lines listed per item at most.
const LISTED: i64 = 20;

async fn count(db: &Db, sql: &str, organisation_id: i64, period: &Period) -> Result<i64> {
    Ok(read_scalar!(
        db,
        fetch_one,
        i64,
        sql,
        organisation_id,
        period.from,
        period.today
    )?)
}

fn figure(code: &str, value: i64) -> Figure {
    Figure {
        code: code.to_owned(),
        value,
    }
}

/// Every item's figures, in agenda order. Audits have no register in tillit yet and are
/// text only.
pub async fn live_figures(
    db: &Db,
    organisation_id: i64,
    period: &Period,
) -> Result<Vec<(ItemKey, ItemFigures)>> {
    Ok(vec![
        (ItemKey::World, world(db, organisation_id, period).await?),
        (ItemKey::Goals, goals(db, organisation_id, period).await?),
        (
            ItemKey::Evaluation,
            evaluation(db, organisation_id, period).await?,
        ),
        (
            ItemKey::RiskAnalysis,
            risk_analysis(db, organisation_id, period).await?,
        ),
        (ItemKey::Audits, ItemFigures::default()),
        (
            ItemKey::SeriousRisks,
            serious_risks(db, organisation_id).await?,
        ),
        (ItemKey::Gaps, gaps(db, organisation_id).await?),
        (
            ItemKey::InternalControl,
            internal_control(db, organisation_id, period).await?,
        ),
    ])
}

/// The follow-up of this year's internal control plan: its controls, the reports the
/// administrations gave and those that found deviations.
async fn internal_control(db: &Db, organisation_id: i64, period: &Period) -> Result<ItemFigures> {
    let year = i64::from(period.today.year());
    let summary = crate::internal_control::summary(db, organisation_id, year).await?;
    let lines = summary
        .units
        .iter()
        .filter(|unit| unit.deviations > 0)
        .map(|unit| NamedLine {
            code: "control-deviations".to_owned(),
            name: unit.unit_name.clone(),
        })
        .collect();
    Ok(ItemFigures {
        figures: vec![
            figure("control-items", summary.items),
            figure("control-reports-expected", summary.expected),
            figure("control-reports-received", summary.received),
            figure("control-deviations", summary.deviations),
        ],
        risks: Vec::new(),
        lines,
    })
}

/// Incidents since the previous review by kind, breaches, and the external developments
/// the risk analyses recorded.
async fn world(db: &Db, organisation_id: i64, period: &Period) -> Result<ItemFigures> {
    let since = "i.organisation_id = $1 AND i.occurred_on >= $2 AND i.occurred_on <= $3";
    let total = count(
        db,
        &format!("SELECT COUNT(*) FROM incident i WHERE {since}"),
        organisation_id,
        period,
    )
    .await?;
    let by_category = read!(
        db,
        fetch_all,
        Figure,
        &format!(
            "SELECT 'incident-category:' || COALESCE(i.category, 'unassessed') AS code, COUNT(*) AS value \
             FROM incident i WHERE {since} GROUP BY COALESCE(i.category, 'unassessed') ORDER BY value DESC, code"
        ),
        organisation_id,
        period.from,
        period.today
    )?;
    let breaches = count(
        db,
        &format!(
            "SELECT COUNT(*) FROM incident_track t JOIN incident i ON i.id = t.incident_id WHERE {since} \
             AND t.track = 'personal_data' AND t.status IN ('documented_only', 'reportable', 'reportable_high_risk')"
        ),
        organisation_id,
        period,
    )
    .await?;
    let lines = read!(
        db,
        fetch_all,
        NamedLine,
        "SELECT 'external-developments' AS code, designation || ': ' || external_developments AS name \
         FROM risk_analysis WHERE organisation_id = $1 AND external_developments <> '' \
         ORDER BY updated_at DESC, id DESC LIMIT $2",
        organisation_id,
        5_i64
    )?;
    let mut figures = vec![figure("incidents", total)];
    figures.extend(by_category);
    figures.push(figure("breaches-registered", breaches));
    Ok(ItemFigures {
        figures,
        risks: Vec::new(),
        lines,
    })
}

/// What the action plan achieved since the previous review.
async fn goals(db: &Db, organisation_id: i64, period: &Period) -> Result<ItemFigures> {
    let done = count(
        db,
        "SELECT COUNT(*) FROM measure WHERE organisation_id = $1 AND done_on >= $2 AND done_on <= $3",
        organisation_id,
        period,
    )
    .await?;
    // Approvals and follow-ups are moments: count them from the first moment of `from`
    // to the end of today (UTC, as they are stored).
    let start = period.from.and_time(NaiveTime::MIN).and_utc();
    let end = (period.today + Days::new(1))
        .and_time(NaiveTime::MIN)
        .and_utc();
    let approved = read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM risk_analysis_version v JOIN risk_analysis a ON a.id = v.analysis_id \
         WHERE a.organisation_id = $1 AND v.approved_at >= $2 AND v.approved_at < $3",
        organisation_id,
        start,
        end
    )?;
    let followed_up = read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM measure_follow_up WHERE organisation_id = $1 AND recorded_at >= $2 \
         AND recorded_at < $3",
        organisation_id,
        start,
        end
    )?;
    Ok(ItemFigures {
        figures: vec![
            figure("measures-done-period", done),
            figure("analyses-approved-period", approved),
            figure("follow-ups-period", followed_up),
        ],
        ..ItemFigures::default()
    })
}

/// How the measures of the action plan stand today.
async fn evaluation(db: &Db, organisation_id: i64, period: &Period) -> Result<ItemFigures> {
    let row: (i64, i64, i64) = read!(
        db,
        fetch_one,
        (i64, i64, i64),
        "SELECT COALESCE(SUM(CASE WHEN done_on IS NOT NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN done_on IS NULL AND planned_on < $2 THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN done_on IS NULL AND planned_on >= $2 THEN 1 ELSE 0 END), 0) \
         FROM measure WHERE organisation_id = $1",
        organisation_id,
        period.today
    )?;
    Ok(ItemFigures {
        figures: vec![
            figure("measures-done", row.0),
            figure("measures-overdue", row.1),
            figure("measures-planned", row.2),
        ],
        ..ItemFigures::default()
    })
}

/// The risks still being dealt with per level, and the state of the analyses.
async fn risk_analysis(db: &Db, organisation_id: i64, period: &Period) -> Result<ItemFigures> {
    let levels = read!(
        db,
        fetch_all,
        Figure,
        "SELECT 'risk-level:' || level AS code, COUNT(*) AS value FROM risk WHERE organisation_id = $1 \
         AND (status <> 'handled' OR treatment = 'accept') GROUP BY level, level_rank ORDER BY level_rank DESC",
        organisation_id
    )?;
    let analyses: (i64, i64) = read!(
        db,
        fetch_one,
        (i64, i64),
        "SELECT COALESCE(SUM(CASE WHEN current_version > 0 THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN next_renewal < $2 THEN 1 ELSE 0 END), 0) FROM risk_analysis WHERE organisation_id = $1",
        organisation_id,
        period.today
    )?;
    let mut figures = levels;
    figures.push(figure("analyses-approved", analyses.0));
    figures.push(figure("analyses-overdue", analyses.1));
    Ok(ItemFigures {
        figures,
        ..ItemFigures::default()
    })
}

/// High and very high risks still open that no measure addresses, or that were accepted.
async fn serious_risks(db: &Db, organisation_id: i64) -> Result<ItemFigures> {
    let serious = RiskLevel::High.index() as i64;
    let condition = "r.organisation_id = $1 AND r.level_rank >= $2 \
        AND (r.treatment = 'accept' OR (r.status <> 'handled' \
        AND NOT EXISTS (SELECT 1 FROM measure_risk mr WHERE mr.risk_id = r.id)))";
    let total = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!("SELECT COUNT(*) FROM risk r WHERE {condition}"),
        organisation_id,
        serious
    )?;
    let risks = read!(
        db,
        fetch_all,
        RiskLine,
        &format!(
            "SELECT r.id, a.designation || ' R' || CAST(r.number AS TEXT) AS reference, r.title, r.level, r.treatment, \
             (SELECT COUNT(*) FROM measure_risk mr WHERE mr.risk_id = r.id) AS measure_count \
             FROM risk r JOIN risk_analysis a ON a.id = r.analysis_id WHERE {condition} \
             ORDER BY r.level_rank DESC, r.likelihood * r.consequence DESC, r.id LIMIT $3"
        ),
        organisation_id,
        serious,
        LISTED
    )?;
    Ok(ItemFigures {
        figures: vec![figure("serious-risks", total)],
        risks,
        lines: Vec::new(),
    })
}

/// Responsibility not assigned: systems without an information owner, operations
/// (verksamheter) without a head, systems never classified.
async fn gaps(db: &Db, organisation_id: i64) -> Result<ItemFigures> {
    let without_owner = "FROM information_system s WHERE s.organisation_id = $1 \
        AND NOT EXISTS (SELECT 1 FROM information_system_owner o WHERE o.system_id = s.id)";
    let without_manager =
        "FROM org_unit u WHERE u.organisation_id = $1 AND u.kind = 'operation' AND u.manager_id IS NULL";
    let systems = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!("SELECT COUNT(*) {without_owner}"),
        organisation_id
    )?;
    let operations = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!("SELECT COUNT(*) {without_manager}"),
        organisation_id
    )?;
    let unclassified = read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM information_system s WHERE s.organisation_id = $1 AND NOT EXISTS \
         (SELECT 1 FROM classification_object o WHERE o.system_id = s.id AND o.current_version > 0)",
        organisation_id
    )?;
    let mut lines = read!(
        db,
        fetch_all,
        NamedLine,
        &format!(
            "SELECT 'system-without-owner' AS code, s.designation || ' ' || s.name AS name {without_owner} \
             ORDER BY s.designation LIMIT $2"
        ),
        organisation_id,
        LISTED
    )?;
    lines.extend(read!(
        db,
        fetch_all,
        NamedLine,
        &format!(
            "SELECT 'operation-without-manager' AS code, u.name AS name {without_manager} ORDER BY u.name LIMIT $2"
        ),
        organisation_id,
        LISTED
    )?);
    Ok(ItemFigures {
        figures: vec![
            figure("systems-without-owner", systems),
            figure("operations-without-manager", operations),
            figure("systems-unclassified", unclassified),
        ],
        risks: Vec::new(),
        lines,
    })
}
