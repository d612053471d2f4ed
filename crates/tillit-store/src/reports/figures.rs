//! The figures of the annual report's sections. Every figure is one aggregate query:
//! nothing here loads the rows it counts, so a report over a large organisation reads
//! a handful of numbers.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::reports::{ReportScope, ReportYear};

use super::unit_condition;
use crate::classification::object_in_unit_subtree;
use crate::db::Db;
use crate::error::Result;

fn start_of(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(NaiveTime::MIN).and_utc()
}

/// The units the report covers and who holds the security roles there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationFigures {
    pub units: i64,
    /// Per role code, how many active users hold it.
    pub role_holders: Vec<RoleHolders>,
    /// The holders of the programme's key roles (coordinator, DPO, NIS assessor,
    /// MAS/MAR), by role and name.
    pub key_people: Vec<KeyPerson>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct RoleHolders {
    pub role: String,
    pub holders: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct KeyPerson {
    pub role: String,
    pub name: String,
    pub unit_name: Option<String>,
}

/// The roles named one by one in the report.
pub const KEY_ROLES: [&str; 4] = [
    "coordinator",
    "data_protection_officer",
    "nis_assessor",
    "mas_mar",
];

/// Names shown at most, so a large organisation's report stays readable.
const KEY_PEOPLE_LIMIT: i64 = 40;

pub async fn organisation(
    db: &Db,
    organisation_id: i64,
    scope: ReportScope,
) -> Result<OrganisationFigures> {
    let units = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!(
            "SELECT COUNT(*) FROM org_unit o WHERE o.organisation_id = $1{}",
            unit_condition("o.id", scope)
        ),
        organisation_id
    )?;
    let within = match scope {
        ReportScope::Organisation => String::new(),
        ReportScope::Unit(_) => unit_condition("a.unit_id", scope),
    };
    let role_holders = read!(
        db,
        fetch_all,
        RoleHolders,
        &format!(
            "SELECT a.role, COUNT(DISTINCT a.user_id) AS holders FROM role_assignment a \
             JOIN app_user p ON p.id = a.user_id AND p.active \
             WHERE a.organisation_id = $1{within} GROUP BY a.role ORDER BY a.role"
        ),
        organisation_id
    )?;
    let key_roles = KEY_ROLES
        .iter()
        .map(|r| format!("'{r}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let key_people = read!(
        db,
        fetch_all,
        KeyPerson,
        &format!(
            "SELECT a.role, p.display_name AS name, u.name AS unit_name FROM role_assignment a \
             JOIN app_user p ON p.id = a.user_id AND p.active LEFT JOIN org_unit u ON u.id = a.unit_id \
             WHERE a.organisation_id = $1 AND a.role IN ({key_roles}){within} \
             ORDER BY a.role, p.display_name, a.id LIMIT {KEY_PEOPLE_LIMIT}"
        ),
        organisation_id
    )?;
    Ok(OrganisationFigures {
        units,
        role_holders,
        key_people,
    })
}

/// What was done during the year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkFigures {
    /// Risk analyses with a version approved during the year.
    pub analyses_approved: i64,
    /// Classified objects with a version approved during the year; a unit's are those
    /// of its unit subtree, systems by the assets they hold.
    pub classifications_approved: i64,
    /// Measures marked done during the year.
    pub measures_done: i64,
    /// Incident cases closed during the year.
    pub incidents_closed: i64,
}

pub async fn work(
    db: &Db,
    organisation_id: i64,
    scope: ReportScope,
    year: ReportYear,
) -> Result<WorkFigures> {
    let from = start_of(year.first_day());
    let until = start_of(year.end());
    let analyses_approved = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!(
            "SELECT COUNT(DISTINCT v.analysis_id) FROM risk_analysis_version v JOIN risk_analysis a ON a.id = v.analysis_id \
             WHERE v.organisation_id = $1 AND v.approved_at >= $2 AND v.approved_at < $3{}",
            unit_condition("a.unit_id", scope)
        ),
        organisation_id,
        from,
        until
    )?;
    let object_scope = match scope {
        ReportScope::Organisation => String::new(),
        ReportScope::Unit(id) => format!(" AND {}", object_in_unit_subtree(&id.to_string())),
    };
    let classifications_approved = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!(
            "SELECT COUNT(DISTINCT v.object_id) FROM classification_version v \
             JOIN classification_object o ON o.id = v.object_id LEFT JOIN information_asset a ON a.id = o.asset_id \
             WHERE v.organisation_id = $1 AND v.approved_at >= $2 AND v.approved_at < $3{object_scope}"
        ),
        organisation_id,
        from,
        until
    )?;
    let measures_done = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!(
            "SELECT COUNT(*) FROM measure m WHERE m.organisation_id = $1 AND m.done_on >= $2 AND m.done_on < $3{}",
            measure_condition(scope)
        ),
        organisation_id,
        year.first_day(),
        year.end()
    )?;
    let incidents_closed = read_scalar!(
        db,
        fetch_one,
        i64,
        &format!(
            "SELECT COUNT(*) FROM incident i WHERE i.organisation_id = $1 AND i.status = 'closed' \
             AND i.closed_at >= $2 AND i.closed_at < $3{}",
            unit_condition("i.unit_id", scope)
        ),
        organisation_id,
        from,
        until
    )?;
    Ok(WorkFigures {
        analyses_approved,
        classifications_approved,
        measures_done,
        incidents_closed,
    })
}

/// Measures are not tied to units: a unit's measures are those that address a risk of
/// one of its analyses.
fn measure_condition(scope: ReportScope) -> String {
    match scope {
        ReportScope::Organisation => String::new(),
        ReportScope::Unit(_) => format!(
            " AND EXISTS (SELECT 1 FROM measure_risk x JOIN risk r ON r.id = x.risk_id \
             JOIN risk_analysis a ON a.id = r.analysis_id WHERE x.measure_id = m.id{})",
            unit_condition("a.unit_id", scope)
        ),
    }
}

/// How much of the registers has an approved classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassificationFigures {
    pub systems: i64,
    pub systems_classified: i64,
    pub assets: i64,
    pub assets_classified: i64,
    /// Assets per administration (the units right below the scope), largest first.
    pub per_unit: Vec<UnitCoverage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct UnitCoverage {
    pub unit_id: i64,
    pub unit_name: String,
    pub assets: i64,
    pub classified: i64,
}

/// Each unit of the scope with the unit right below the scope's root it belongs to
/// (`root`); the root's own rows count under the root itself.
fn branches(organisation_id: i64, scope: ReportScope) -> String {
    let base = match scope {
        ReportScope::Organisation => format!(
            "SELECT id, id, 1 FROM org_unit WHERE organisation_id = {organisation_id} AND parent_id IS NULL"
        ),
        ReportScope::Unit(id) => format!(
            "SELECT id, id, 0 FROM org_unit WHERE id = {id} \
             UNION ALL SELECT id, id, 1 FROM org_unit WHERE parent_id = {id}"
        ),
    };
    format!(
        "WITH RECURSIVE branch(id, root, descend) AS ({base} \
         UNION ALL SELECT u.id, b.root, 1 FROM org_unit u JOIN branch b ON u.parent_id = b.id WHERE b.descend = 1)"
    )
}

pub async fn classification(
    db: &Db,
    organisation_id: i64,
    scope: ReportScope,
) -> Result<ClassificationFigures> {
    let asset_scope = unit_condition("e.unit_id", scope);
    let (assets, assets_classified) = read!(
        db,
        fetch_one,
        (i64, i64),
        &format!(
            "SELECT COUNT(*), COUNT(o.id) FROM information_asset e \
             LEFT JOIN classification_object o ON o.asset_id = e.id AND o.current_version > 0 \
             WHERE e.organisation_id = $1{asset_scope}"
        ),
        organisation_id
    )?;
    // Systems are not tied to units: a unit's systems are those holding its assets.
    let system_scope = match scope {
        ReportScope::Organisation => String::new(),
        ReportScope::Unit(_) => format!(
            " AND EXISTS (SELECT 1 FROM asset_system x JOIN information_asset e ON e.id = x.asset_id \
             WHERE x.system_id = s.id{asset_scope})"
        ),
    };
    let (systems, systems_classified) = read!(
        db,
        fetch_one,
        (i64, i64),
        &format!(
            "SELECT COUNT(*), COUNT(o.id) FROM information_system s \
             LEFT JOIN classification_object o ON o.system_id = s.id AND o.current_version > 0 \
             WHERE s.organisation_id = $1{system_scope}"
        ),
        organisation_id
    )?;
    let per_unit = read!(
        db,
        fetch_all,
        UnitCoverage,
        &format!(
            "{} SELECT r.id AS unit_id, r.name AS unit_name, COUNT(*) AS assets, COUNT(o.id) AS classified \
             FROM branch b JOIN information_asset e ON e.unit_id = b.id AND e.organisation_id = $1 \
             JOIN org_unit r ON r.id = b.root \
             LEFT JOIN classification_object o ON o.asset_id = e.id AND o.current_version > 0 \
             GROUP BY r.id, r.name ORDER BY COUNT(*) DESC, r.name",
            branches(organisation_id, scope)
        ),
        organisation_id
    )?;
    Ok(ClassificationFigures {
        systems,
        systems_classified,
        assets,
        assets_classified,
        per_unit,
    })
}

/// Risk analyses and the risks still open.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFigures {
    pub analyses: i64,
    /// Approved at least once.
    pub approved: i64,
    /// Being written or revised.
    pub drafts: i64,
    /// Approved, but the yearly renewal is past due on the report's day.
    pub renewal_overdue: i64,
    /// High risks not yet handled.
    pub high_open: i64,
    /// Very high risks not yet handled.
    pub very_high_open: i64,
    /// High or very high risks with no treatment decided.
    pub serious_untreated: i64,
}

pub async fn risk(
    db: &Db,
    organisation_id: i64,
    scope: ReportScope,
    as_of: NaiveDate,
) -> Result<RiskFigures> {
    let within = unit_condition("a.unit_id", scope);
    let (analyses, approved, drafts, renewal_overdue) = read!(
        db,
        fetch_one,
        (i64, i64, i64, i64),
        &format!(
            "SELECT COUNT(*), \
             COALESCE(SUM(CASE WHEN a.current_version > 0 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN a.status = 'draft' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN a.next_renewal < $2 THEN 1 ELSE 0 END), 0) \
             FROM risk_analysis a WHERE a.organisation_id = $1{within}"
        ),
        organisation_id,
        as_of
    )?;
    let risk_scope = match scope {
        ReportScope::Organisation => String::new(),
        ReportScope::Unit(_) => format!(
            " AND r.analysis_id IN (SELECT a.id FROM risk_analysis a WHERE a.organisation_id = $1{within})"
        ),
    };
    let (high_open, very_high_open, serious_untreated) = read!(
        db,
        fetch_one,
        (i64, i64, i64),
        &format!(
            "SELECT COALESCE(SUM(CASE WHEN r.level = 'high' AND r.status <> 'handled' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN r.level = 'very_high' AND r.status <> 'handled' THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN r.treatment IS NULL THEN 1 ELSE 0 END), 0) \
             FROM risk r WHERE r.organisation_id = $1 AND r.level IN ('high', 'very_high'){risk_scope}"
        ),
        organisation_id
    )?;
    Ok(RiskFigures {
        analyses,
        approved,
        drafts,
        renewal_overdue,
        high_open,
        very_high_open,
        serious_untreated,
    })
}

/// Improvement measures: done during the year, and still planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeasureFigures {
    pub done: i64,
    /// Not done, planned date not yet passed on the report's day.
    pub planned: i64,
    /// Not done, planned date passed.
    pub late: i64,
}

pub async fn measures(
    db: &Db,
    organisation_id: i64,
    scope: ReportScope,
    year: ReportYear,
    as_of: NaiveDate,
) -> Result<MeasureFigures> {
    let (done, planned, late) = read!(
        db,
        fetch_one,
        (i64, i64, i64),
        &format!(
            "SELECT COALESCE(SUM(CASE WHEN m.done_on >= $2 AND m.done_on < $3 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN m.done_on IS NULL AND m.planned_on >= $4 THEN 1 ELSE 0 END), 0), \
             COALESCE(SUM(CASE WHEN m.done_on IS NULL AND m.planned_on < $4 THEN 1 ELSE 0 END), 0) \
             FROM measure m WHERE m.organisation_id = $1{}",
            measure_condition(scope)
        ),
        organisation_id,
        year.first_day(),
        year.end(),
        as_of
    )?;
    Ok(MeasureFigures {
        done,
        planned,
        late,
    })
}
