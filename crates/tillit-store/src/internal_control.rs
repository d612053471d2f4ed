//! Internal control (C26): the yearly plan of risks and controls with the administrations
//! that must report on each, their reports, and the year's summary for the annual report
//! and the management review.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::internal_control::{ItemDraft, ReportDraft, ReportStatus};
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::unit_in_organisation;
use crate::{now, Actor};

/// One item of the internal control plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ControlItem {
    pub id: i64,
    pub year: i64,
    pub risk: String,
    pub control: String,
    pub responsible: String,
    pub frequency: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The units that must report, filled after the row is read.
    #[sqlx(skip)]
    pub unit_ids: Vec<i64>,
}

const ITEM_COLUMNS: &str =
    "id, year, risk, control, responsible, frequency, version, created_at, updated_at";

/// An administration's report on one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ControlReport {
    pub id: i64,
    pub item_id: i64,
    pub unit_id: i64,
    pub unit_name: String,
    pub status: String,
    pub result: String,
    pub comments: String,
    pub deviations: String,
    pub reported_by_label: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const REPORT_SELECT: &str =
    "SELECT r.id, r.item_id, r.unit_id, u.name AS unit_name, r.status, r.result, r.comments, \
    r.deviations, r.reported_by_label, r.version, r.created_at, r.updated_at \
    FROM internal_control_report r JOIN org_unit u ON u.id = r.unit_id";

async fn attach_units(db: &Db, organisation_id: i64, items: &mut [ControlItem]) -> Result<()> {
    let Some(first) = items.iter().map(|i| i.year).min() else {
        return Ok(());
    };
    let last = items.iter().map(|i| i.year).max().unwrap_or(first);
    let links = read!(
        db,
        fetch_all,
        (i64, i64),
        "SELECT x.item_id, x.unit_id FROM internal_control_item_unit x JOIN internal_control_item i ON i.id = x.item_id \
         WHERE i.organisation_id = $1 AND i.year >= $2 AND i.year <= $3 ORDER BY x.unit_id",
        organisation_id,
        first,
        last
    )?;
    for item in items.iter_mut() {
        item.unit_ids = links
            .iter()
            .filter(|(item_id, _)| *item_id == item.id)
            .map(|(_, unit)| *unit)
            .collect();
    }
    Ok(())
}

/// The plan items of `year`, in the order they were added.
pub async fn list_items(db: &Db, organisation_id: i64, year: i64) -> Result<Vec<ControlItem>> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM internal_control_item WHERE organisation_id = $1 AND year = $2 ORDER BY id"
    );
    let mut items = read!(db, fetch_all, ControlItem, &sql, organisation_id, year)?;
    attach_units(db, organisation_id, &mut items).await?;
    Ok(items)
}

/// The years that have a plan, latest first.
pub async fn plan_years(db: &Db, organisation_id: i64) -> Result<Vec<i64>> {
    Ok(read_scalar!(
        db,
        fetch_all,
        i64,
        "SELECT DISTINCT year FROM internal_control_item WHERE organisation_id = $1 ORDER BY year DESC",
        organisation_id
    )?)
}

pub async fn get_item(db: &Db, organisation_id: i64, id: i64) -> Result<ControlItem> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM internal_control_item WHERE organisation_id = $1 AND id = $2"
    );
    let item = read!(db, fetch_optional, ControlItem, &sql, organisation_id, id)?
        .ok_or(StoreError::NotFound)?;
    let mut items = [item];
    attach_units(db, organisation_id, &mut items).await?;
    let [item] = items;
    Ok(item)
}

async fn item_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<ControlItem> {
    let sql = format!(
        "SELECT {ITEM_COLUMNS} FROM internal_control_item WHERE organisation_id = $1 AND id = $2"
    );
    let mut item = in_tx!(
        &mut *tx,
        fetch_optional,
        ControlItem,
        &sql,
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)?;
    item.unit_ids = in_tx_scalar!(
        &mut *tx,
        fetch_all,
        i64,
        "SELECT unit_id FROM internal_control_item_unit WHERE item_id = $1 ORDER BY unit_id",
        id
    )?;
    Ok(item)
}

async fn write_units(tx: &mut Tx, organisation_id: i64, id: i64, unit_ids: &[i64]) -> Result<()> {
    let mut errors = ValidationErrors::new();
    for unit in unit_ids {
        if !unit_in_organisation(tx, organisation_id, *unit).await? {
            errors.add("unit_ids", "unknown-reference");
            break;
        }
    }
    errors.finish(()).map_err(StoreError::Invalid)?;
    exec_tx!(
        &mut *tx,
        "DELETE FROM internal_control_item_unit WHERE item_id = $1",
        id
    )?;
    for unit in unit_ids {
        exec_tx!(
            &mut *tx,
            "INSERT INTO internal_control_item_unit (item_id, unit_id) VALUES ($1, $2)",
            id,
            unit
        )?;
    }
    Ok(())
}

/// Adds an item to the plan of its year.
pub async fn create_item(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &ItemDraft,
) -> Result<ControlItem> {
    let mut tx = db.begin().await?;
    let item = create_item_in(&mut tx, organisation_id, actor, draft, now()).await?;
    tx.commit().await?;
    Ok(item)
}

/// [`create_item`] inside the caller's transaction, created at `at`.
pub async fn create_item_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &ItemDraft,
    at: DateTime<Utc>,
) -> Result<ControlItem> {
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO internal_control_item (organisation_id, year, risk, control, responsible, frequency, created_at, \
         updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        organisation_id,
        draft.year,
        draft.risk.as_str(),
        draft.control.as_str(),
        draft.responsible.as_str(),
        draft.frequency.as_str(),
        at
    )?;
    write_units(tx, organisation_id, id, &draft.unit_ids).await?;
    let created = item_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "internal_control_item", id).after(&created),
    )
    .await?;
    Ok(created)
}

/// Changes an item if nobody changed it since `expected_version` was read. Reports
/// already given stay, also from units no longer asked to report.
pub async fn update_item(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &ItemDraft,
) -> Result<ControlItem> {
    let mut tx = db.begin().await?;
    let before = item_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    let changed = exec_tx!(
        &mut tx,
        "UPDATE internal_control_item SET year = $1, risk = $2, control = $3, responsible = $4, frequency = $5, \
         updated_at = $6, version = version + 1 WHERE id = $7 AND organisation_id = $8 AND version = $9",
        draft.year,
        draft.risk.as_str(),
        draft.control.as_str(),
        draft.responsible.as_str(),
        draft.frequency.as_str(),
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    write_units(&mut tx, organisation_id, id, &draft.unit_ids).await?;
    let after = item_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "internal_control_item", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Every report on the items of `year`.
pub async fn reports_for_year(
    db: &Db,
    organisation_id: i64,
    year: i64,
) -> Result<Vec<ControlReport>> {
    let sql = format!(
        "{REPORT_SELECT} JOIN internal_control_item i ON i.id = r.item_id \
         WHERE r.organisation_id = $1 AND i.year = $2 ORDER BY r.item_id, u.name"
    );
    Ok(read!(
        db,
        fetch_all,
        ControlReport,
        &sql,
        organisation_id,
        year
    )?)
}

/// The reports on one item.
pub async fn reports_for_item(
    db: &Db,
    organisation_id: i64,
    item_id: i64,
) -> Result<Vec<ControlReport>> {
    let sql =
        format!("{REPORT_SELECT} WHERE r.organisation_id = $1 AND r.item_id = $2 ORDER BY u.name");
    Ok(read!(
        db,
        fetch_all,
        ControlReport,
        &sql,
        organisation_id,
        item_id
    )?)
}

async fn report_tx(
    tx: &mut Tx,
    organisation_id: i64,
    item_id: i64,
    unit_id: i64,
) -> Result<Option<ControlReport>> {
    let sql = format!(
        "{REPORT_SELECT} WHERE r.organisation_id = $1 AND r.item_id = $2 AND r.unit_id = $3"
    );
    Ok(in_tx!(
        &mut *tx,
        fetch_optional,
        ControlReport,
        &sql,
        organisation_id,
        item_id,
        unit_id
    )?)
}

/// Records a unit's report on an item: the first report when `expected_version` is
/// `None`, otherwise a change of the report last read at that version. Only the units the
/// item asks may report.
pub async fn save_report(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    item_id: i64,
    expected_version: Option<i64>,
    draft: &ReportDraft,
) -> Result<ControlReport> {
    let mut tx = db.begin().await?;
    let item = item_tx(&mut tx, organisation_id, item_id).await?;
    if !item.unit_ids.contains(&draft.unit_id) {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "unit_id",
            "not-a-reporting-unit",
        )));
    }
    let existing = report_tx(&mut tx, organisation_id, item_id, draft.unit_id).await?;
    let stamp = now();
    let (action, id) = match (&existing, expected_version) {
        (None, None) => {
            let id = in_tx_scalar!(
                &mut tx,
                fetch_one,
                i64,
                "INSERT INTO internal_control_report (organisation_id, item_id, unit_id, status, result, comments, \
                 deviations, reported_by_label, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id",
                organisation_id,
                item_id,
                draft.unit_id,
                draft.status.as_str(),
                draft.result.as_str(),
                draft.comments.as_str(),
                draft.deviations.as_str(),
                actor.label.as_str(),
                stamp
            )
            .map_err(|e| StoreError::from(e).on_unique("internal_control_report_unit_key", "version"))
            .map_err(|e| match e {
                StoreError::Duplicate { .. } => StoreError::Conflict,
                other => other,
            })?;
            ("create", id)
        }
        (Some(report), Some(version)) if report.version == version => {
            let changed = exec_tx!(
                &mut tx,
                "UPDATE internal_control_report SET status = $1, result = $2, comments = $3, deviations = $4, \
                 reported_by_label = $5, updated_at = $6, version = version + 1 \
                 WHERE id = $7 AND organisation_id = $8 AND version = $9",
                draft.status.as_str(),
                draft.result.as_str(),
                draft.comments.as_str(),
                draft.deviations.as_str(),
                actor.label.as_str(),
                stamp,
                report.id,
                organisation_id,
                version
            )?;
            if changed == 0 {
                return Err(StoreError::Conflict);
            }
            ("update", report.id)
        }
        _ => return Err(StoreError::Conflict),
    };
    let after = report_tx(&mut tx, organisation_id, item_id, draft.unit_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut event =
        NewEvent::new(Some(organisation_id), action, "internal_control_report", id).after(&after);
    if let Some(before) = &existing {
        event = event.before(before);
    }
    audit::append(&mut tx, actor, event).await?;
    tx.commit().await?;
    Ok(after)
}

/// One administration's reporting in a year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitReporting {
    pub unit_id: i64,
    pub unit_name: String,
    pub expected: i64,
    pub received: i64,
    pub deviations: i64,
}

/// The year's internal control in figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControlSummary {
    pub year: i64,
    pub items: i64,
    /// Reports the plan asks for: one per item and reporting unit.
    pub expected: i64,
    /// Reports given by units the plan asks.
    pub received: i64,
    /// Reports that found a deviation.
    pub deviations: i64,
    pub units: Vec<UnitReporting>,
}

/// Items, reports expected and received, and deviations in `year`, per unit too.
pub async fn summary(db: &Db, organisation_id: i64, year: i64) -> Result<ControlSummary> {
    let items = read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM internal_control_item WHERE organisation_id = $1 AND year = $2",
        organisation_id,
        year
    )?;
    let rows = read!(
        db,
        fetch_all,
        (i64, String, i64, i64, i64),
        "SELECT x.unit_id, u.name, COUNT(*), COUNT(r.id), \
         SUM(CASE WHEN r.status = 'deviation' THEN 1 ELSE 0 END) \
         FROM internal_control_item_unit x JOIN internal_control_item i ON i.id = x.item_id \
         JOIN org_unit u ON u.id = x.unit_id \
         LEFT JOIN internal_control_report r ON r.item_id = x.item_id AND r.unit_id = x.unit_id \
         WHERE i.organisation_id = $1 AND i.year = $2 GROUP BY x.unit_id, u.name ORDER BY u.name",
        organisation_id,
        year
    )?;
    let units: Vec<UnitReporting> = rows
        .into_iter()
        .map(
            |(unit_id, unit_name, expected, received, deviations)| UnitReporting {
                unit_id,
                unit_name,
                expected,
                received,
                deviations,
            },
        )
        .collect();
    Ok(ControlSummary {
        year,
        items,
        expected: units.iter().map(|u| u.expected).sum(),
        received: units.iter().map(|u| u.received).sum(),
        deviations: units.iter().map(|u| u.deviations).sum(),
        units,
    })
}

/// The status of `unit`'s report on an item, "not reported" when there is none.
pub fn report_status(reports: &[ControlReport], item_id: i64, unit_id: i64) -> ReportStatus {
    reports
        .iter()
        .find(|r| r.item_id == item_id && r.unit_id == unit_id)
        .and_then(|r| ReportStatus::parse(&r.status))
        .unwrap_or(ReportStatus::NotReported)
}
