//! The annual information security report (C25): reports per year and scope, their
//! sections with live figures while a draft, texts, approval into frozen versions, and
//! the PDF and XLSX exports.

pub mod export;
pub mod sections;
pub mod words;

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tillit_domain::auth::{Action, Reach};
use tillit_domain::reports::{check_texts, ReportScope, ReportYear};
use tillit_store::org::OrgUnit;
use tillit_store::reports::{self as store, Report, ReportVersionSummary};
use tillit_store::Db;

use crate::auth::Principal;
use crate::error::AppError;
use crate::services::risk::today;
use crate::state::AppState;
pub use sections::{Figure, LabelKind, Section, Table, TableRow};

/// What an approved version freezes.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    /// The day the figures describe.
    pub as_of: NaiveDate,
    pub sections: Vec<Section>,
}

/// A report with its sections as they read now: live figures while a draft, the frozen
/// version once approved.
#[derive(Debug, Clone)]
pub struct ReportDetail {
    pub report: Report,
    pub as_of: NaiveDate,
    pub sections: Vec<Section>,
    /// Newest first.
    pub versions: Vec<ReportVersionSummary>,
    pub can_edit: bool,
    pub can_approve: bool,
}

/// Each unit's path from itself up to the root.
fn paths(units: &[OrgUnit]) -> HashMap<i64, Vec<i64>> {
    let parents: HashMap<i64, Option<i64>> = units.iter().map(|u| (u.id, u.parent_id)).collect();
    units
        .iter()
        .map(|u| {
            let mut path = vec![u.id];
            let mut next = u.parent_id;
            while let Some(id) = next.filter(|id| !path.contains(id)) {
                path.push(id);
                next = parents.get(&id).copied().flatten();
            }
            (u.id, path)
        })
        .collect()
}

/// Whether `action` is allowed for a report of `unit_id`: an organisation report needs
/// an organisation-wide role, a unit's report a role at the unit or above it.
fn allowed(
    principal: &Principal,
    action: Action,
    unit_id: Option<i64>,
    paths: &HashMap<i64, Vec<i64>>,
) -> bool {
    match unit_id {
        None => principal.grants.allows_everywhere(action),
        Some(unit) => paths
            .get(&unit)
            .is_some_and(|path| principal.grants.allows_at(action, path)),
    }
}

async fn unit_paths(
    state: &AppState,
    principal: &Principal,
) -> Result<HashMap<i64, Vec<i64>>, AppError> {
    Ok(paths(
        &crate::services::org::all_units(state, principal).await?,
    ))
}

async fn require(
    state: &AppState,
    principal: &Principal,
    action: Action,
    unit_id: Option<i64>,
) -> Result<(), AppError> {
    principal.require(action)?;
    if allowed(
        principal,
        action,
        unit_id,
        &unit_paths(state, principal).await?,
    ) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The reports the principal may read, newest year first.
pub async fn list(state: &AppState, principal: &Principal) -> Result<Vec<Report>, AppError> {
    principal.require(Action::ViewReports)?;
    let reports = store::list_reports(&state.db, principal.organisation_id).await?;
    if principal.grants.reach(Action::ViewReports) == Reach::Everywhere {
        return Ok(reports);
    }
    let paths = unit_paths(state, principal).await?;
    Ok(reports
        .into_iter()
        .filter(|r| allowed(principal, Action::ViewReports, r.unit_id, &paths))
        .collect())
}

/// Starts the report of `year` for the organisation or a unit, as a draft with no texts.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    year: i64,
    unit_id: Option<i64>,
) -> Result<Report, AppError> {
    principal.require(Action::ManageReports)?;
    let year = ReportYear::parse(year, today())?;
    let paths = unit_paths(state, principal).await?;
    if let Some(unit) = unit_id {
        if !paths.contains_key(&unit) {
            return Err(AppError::invalid("unit_id", "unknown-reference"));
        }
    }
    if !allowed(principal, Action::ManageReports, unit_id, &paths) {
        return Err(AppError::invalid("unit_id", "report-outside-reach"));
    }
    Ok(store::create_report(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        year,
        ReportScope::from_unit(unit_id),
        &BTreeMap::new(),
    )
    .await?)
}

async fn readable(state: &AppState, principal: &Principal, id: i64) -> Result<Report, AppError> {
    principal.require(Action::ViewReports)?;
    let report = store::get_report(&state.db, principal.organisation_id, id).await?;
    require(state, principal, Action::ViewReports, report.unit_id).await?;
    Ok(report)
}

/// The sections of `report` counted now, with its texts.
pub async fn live_sections(
    db: &Db,
    organisation_id: i64,
    report: &Report,
) -> Result<(NaiveDate, Vec<Section>), AppError> {
    let input = sections::Input {
        db,
        organisation_id,
        scope: report.scope(),
        year: report.year(),
        as_of: report.year().as_of(today()),
    };
    let sections = sections::compute(&input, &report.texts).await?;
    Ok((input.as_of, sections))
}

fn parse_snapshot(value: serde_json::Value) -> Result<Snapshot, AppError> {
    serde_json::from_value(value).map_err(AppError::internal)
}

/// What approving `report` now freezes: its sections counted now, with its texts.
pub async fn snapshot(
    db: &Db,
    organisation_id: i64,
    report: &Report,
) -> Result<serde_json::Value, AppError> {
    let (as_of, sections) = live_sections(db, organisation_id, report).await?;
    serde_json::to_value(Snapshot { as_of, sections }).map_err(AppError::internal)
}

/// A report as it reads now, with what the principal may do with it.
pub async fn detail(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<ReportDetail, AppError> {
    let report = readable(state, principal, id).await?;
    let (as_of, sections) = if report.is_draft() {
        live_sections(&state.db, principal.organisation_id, &report).await?
    } else {
        let version = store::report_version(
            &state.db,
            principal.organisation_id,
            id,
            report.current_version,
        )
        .await?;
        let snapshot = parse_snapshot(version.snapshot)?;
        (snapshot.as_of, snapshot.sections)
    };
    let versions = store::report_versions(&state.db, principal.organisation_id, id).await?;
    let paths = unit_paths(state, principal).await?;
    Ok(ReportDetail {
        can_edit: allowed(principal, Action::ManageReports, report.unit_id, &paths),
        can_approve: report.is_draft()
            && allowed(principal, Action::ApproveReports, report.unit_id, &paths),
        report,
        as_of,
        sections,
        versions,
    })
}

/// An approved version as it was frozen.
pub async fn version(
    state: &AppState,
    principal: &Principal,
    id: i64,
    number: i64,
) -> Result<(Report, ReportVersionSummary, Snapshot), AppError> {
    let report = readable(state, principal, id).await?;
    let version = store::report_version(&state.db, principal.organisation_id, id, number).await?;
    let summary = ReportVersionSummary {
        number: version.number,
        approved_at: version.approved_at,
        approved_by_label: version.approved_by_label.clone(),
    };
    Ok((report, summary, parse_snapshot(version.snapshot)?))
}

/// Replaces the texts of a draft (those who manage reports).
pub async fn update_texts(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    texts: &BTreeMap<String, String>,
) -> Result<Report, AppError> {
    let report = readable(state, principal, id).await?;
    require(state, principal, Action::ManageReports, report.unit_id).await?;
    let texts = check_texts(texts, &sections::keys())?;
    Ok(store::update_texts(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &texts,
    )
    .await?)
}

/// Approves (fastställer) a draft: its figures as counted now and its texts are frozen
/// as the next version.
pub async fn approve(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
) -> Result<Report, AppError> {
    let report = readable(state, principal, id).await?;
    require(state, principal, Action::ApproveReports, report.unit_id).await?;
    if !report.is_draft() {
        return Err(AppError::invalid("status", "report-frozen"));
    }
    if report.version != expected_version {
        return Err(AppError::Conflict);
    }
    let snapshot = snapshot(&state.db, principal.organisation_id, &report).await?;
    Ok(store::approve_report(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &snapshot,
    )
    .await?)
}

/// Starts a new draft from an approved report (those who manage reports).
pub async fn new_draft(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
) -> Result<Report, AppError> {
    let report = readable(state, principal, id).await?;
    require(state, principal, Action::ManageReports, report.unit_id).await?;
    Ok(store::start_new_draft(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
    )
    .await?)
}
