//! Risk analyses: what they cover, approval into frozen versions, and revision.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::auth::Reach;
use tillit_domain::risk::{renewal_due, retained_until, AnalysisDraft, Scope};
use tillit_domain::search::fold;
use tillit_domain::ValidationErrors;

use super::snapshot::snapshot_in;
use super::{refused, replace_links, title_or_designation, unit_subtree_clause, within_reach};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::designations;
use crate::error::{Result, StoreError};
use crate::references::unit_in_organisation;
use crate::references::{check_ids, Referenced};
use crate::registers::SystemRef;
use crate::sql::{Arg, Conditions};
use crate::{now, Actor, Page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Analysis {
    pub id: i64,
    /// E.g. `RA-0003`, never reused.
    pub designation: String,
    pub title: String,
    pub scope: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub process_name: String,
    pub participants: String,
    pub external_developments: String,
    pub incidents_considered: String,
    /// `draft` while being worked on, `approved` once frozen until a revision starts.
    pub status: String,
    /// The latest approved version; 0 before the first approval.
    pub current_version: i64,
    pub approved_at: Option<DateTime<Utc>>,
    pub approved_by_label: Option<String>,
    pub next_renewal: Option<NaiveDate>,
    pub risk_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub type AnalysisRow = Analysis;

impl Analysis {
    pub fn scope(&self) -> Option<Scope> {
        Scope::parse(&self.scope)
    }

    pub fn is_draft(&self) -> bool {
        self.status == "draft"
    }
}

const SELECT: &str = "SELECT a.id, a.designation, a.title, a.scope, a.unit_id, u.name AS unit_name, a.process_name, \
    a.participants, a.external_developments, a.incidents_considered, a.status, a.current_version, a.approved_at, \
    a.approved_by_label, a.next_renewal, (SELECT COUNT(*) FROM risk r WHERE r.analysis_id = a.id) AS risk_count, \
    a.version, a.created_at, a.updated_at FROM risk_analysis a LEFT JOIN org_unit u ON u.id = a.unit_id";

/// Which analyses to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisFilter {
    pub search: Option<String>,
    pub unit_id: Option<i64>,
    pub scope: Option<Scope>,
    /// Only those whose yearly renewal is past `today`.
    pub overdue_on: Option<NaiveDate>,
    /// Only those with a version approved from the first time up to (not including)
    /// the second.
    pub approved_in: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Only those approved at least once.
    pub approved_once: bool,
    /// Only drafts (new or being revised).
    pub drafts_only: bool,
    /// Only those the reader reaches.
    pub reach: Reach,
}

pub async fn list_analyses(
    db: &Db,
    organisation_id: i64,
    filter: &AnalysisFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<Analysis>> {
    let mut conditions = Conditions::for_organisation("a.organisation_id", organisation_id);
    within_reach(&mut conditions, "a", &filter.reach);
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        title_or_designation(&mut conditions, "a.search_title", "a.designation", search);
    }
    if let Some(unit) = filter.unit_id {
        conditions.and(&unit_subtree_clause("a"), Arg::Int(unit));
    }
    if let Some(scope) = filter.scope {
        conditions.and("a.scope = ?", Arg::Text(scope.as_str().into()));
    }
    if let Some(today) = filter.overdue_on {
        conditions.and("a.next_renewal < ?", Arg::Date(today));
    }
    if let Some((from, until)) = filter.approved_in {
        let first = conditions.next_placeholder();
        conditions.push_arg(Arg::Time(from));
        conditions.push_arg(Arg::Time(until));
        conditions.and_fixed(&format!(
            "EXISTS (SELECT 1 FROM risk_analysis_version v WHERE v.analysis_id = a.id \
             AND v.approved_at >= ${first} AND v.approved_at < ${})",
            first + 1
        ));
    }
    if filter.approved_once {
        conditions.and_fixed("a.current_version > 0");
    }
    if filter.drafts_only {
        conditions.and_fixed("a.status = 'draft'");
    }
    let count_sql = format!(
        "SELECT COUNT(*) FROM risk_analysis a WHERE {}",
        conditions.sql()
    );
    let total = read_args!(db, fetch_one, (i64,), &count_sql, conditions.args_with([]))?.0;
    let (limit_offset, args) = conditions.limit_offset(limit, offset);
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY a.designation_number {limit_offset}",
        conditions.sql()
    );
    let items = read_args!(db, fetch_all, Analysis, &sql, args)?;
    Ok(Page { items, total })
}

pub async fn get_analysis(db: &Db, organisation_id: i64, id: i64) -> Result<Analysis> {
    let sql = format!("{SELECT} WHERE a.id = $1 AND a.organisation_id = $2");
    read!(db, fetch_optional, Analysis, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

pub(super) async fn analysis_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Analysis> {
    let sql = format!("{SELECT} WHERE a.id = $1 AND a.organisation_id = $2");
    in_tx!(
        &mut *tx,
        fetch_optional,
        Analysis,
        &sql,
        id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)
}

/// The systems and information assets an analysis covers.
pub async fn analysis_systems(
    db: &Db,
    organisation_id: i64,
    id: i64,
) -> Result<(Vec<SystemRef>, Vec<(i64, String)>)> {
    let systems = read!(
        db,
        fetch_all,
        SystemRef,
        "SELECT s.id, s.designation, s.name FROM risk_analysis_system x JOIN information_system s ON s.id = x.system_id \
         WHERE x.analysis_id = $1 AND s.organisation_id = $2 ORDER BY s.designation",
        id,
        organisation_id
    )?;
    let assets = read!(
        db,
        fetch_all,
        (i64, String),
        "SELECT s.id, s.name FROM risk_analysis_asset x JOIN information_asset s ON s.id = x.asset_id \
         WHERE x.analysis_id = $1 AND s.organisation_id = $2 ORDER BY s.name",
        id,
        organisation_id
    )?;
    Ok((systems, assets))
}

async fn check_references(tx: &mut Tx, organisation_id: i64, draft: &AnalysisDraft) -> Result<()> {
    let mut errors = ValidationErrors::new();
    if let Some(unit) = draft.unit_id {
        if !unit_in_organisation(tx, organisation_id, unit).await? {
            errors.add("unit_id", "unknown-reference");
        }
    }
    check_ids(
        tx,
        &mut errors,
        organisation_id,
        Referenced::System,
        "system_ids",
        &draft.system_ids,
    )
    .await?;
    check_ids(
        tx,
        &mut errors,
        organisation_id,
        Referenced::Asset,
        "asset_ids",
        &draft.asset_ids,
    )
    .await?;
    errors.finish(()).map_err(StoreError::Invalid)
}

/// Starts a new analysis as a draft.
pub async fn create_analysis(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &AnalysisDraft,
) -> Result<Analysis> {
    let mut tx = db.begin().await?;
    let analysis = create_analysis_in(&mut tx, organisation_id, actor, draft, now()).await?;
    tx.commit().await?;
    Ok(analysis)
}

/// [`create_analysis`] inside the caller's transaction.
pub async fn create_analysis_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &AnalysisDraft,
    at: DateTime<Utc>,
) -> Result<Analysis> {
    check_references(tx, organisation_id, draft).await?;
    let (designation, number) =
        designations::next_numbered(tx, organisation_id, "risk_analysis", "RA").await?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO risk_analysis (organisation_id, designation, designation_number, title, search_title, scope, unit_id, \
         process_name, participants, external_developments, incidents_considered, status, created_at, updated_at) \
         VALUES ($1, $2, $12, $3, $4, $5, $6, $7, $8, $9, $10, 'draft', $11, $11) RETURNING id",
        organisation_id,
        designation.as_str(),
        draft.title.as_str(),
        fold(&draft.title),
        draft.scope.as_str(),
        draft.unit_id,
        draft.process_name.as_str(),
        draft.participants.as_str(),
        draft.external_developments.as_str(),
        draft.incidents_considered.as_str(),
        at,
        number
    )?;
    replace_links(
        tx,
        "risk_analysis_system",
        "analysis_id",
        "system_id",
        id,
        &draft.system_ids,
    )
    .await?;
    replace_links(
        tx,
        "risk_analysis_asset",
        "analysis_id",
        "asset_id",
        id,
        &draft.asset_ids,
    )
    .await?;
    let analysis = analysis_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "risk_analysis", id)
            .after(&(&analysis, draft)),
    )
    .await?;
    Ok(analysis)
}

/// Changes what a draft analysis covers and what it took into account.
pub async fn update_analysis(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &AnalysisDraft,
) -> Result<Analysis> {
    let mut tx = db.begin().await?;
    let before = analysis_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if !before.is_draft() {
        return Err(refused("analysis", "frozen"));
    }
    check_references(&mut tx, organisation_id, draft).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE risk_analysis SET title = $1, search_title = $2, scope = $3, unit_id = $4, process_name = $5, \
         participants = $6, external_developments = $7, incidents_considered = $8, updated_at = $9, version = version + 1 \
         WHERE id = $10 AND organisation_id = $11 AND version = $12",
        draft.title.as_str(),
        fold(&draft.title),
        draft.scope.as_str(),
        draft.unit_id,
        draft.process_name.as_str(),
        draft.participants.as_str(),
        draft.external_developments.as_str(),
        draft.incidents_considered.as_str(),
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    replace_links(
        &mut tx,
        "risk_analysis_system",
        "analysis_id",
        "system_id",
        id,
        &draft.system_ids,
    )
    .await?;
    replace_links(
        &mut tx,
        "risk_analysis_asset",
        "analysis_id",
        "asset_id",
        id,
        &draft.asset_ids,
    )
    .await?;
    let after = analysis_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "risk_analysis", id)
            .before(&before)
            .after(&(&after, draft)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Approves (fastställer) a draft: freezes it as the next version, kept five years, and
/// sets the yearly renewal. Every risk must have a decided treatment. Whether the actor
/// may approve is the caller's check.
pub async fn approve_analysis(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<Analysis> {
    let mut tx = db.begin().await?;
    let at = now();
    let analysis =
        approve_analysis_in(&mut tx, organisation_id, actor, id, expected_version, at).await?;
    tx.commit().await?;
    Ok(analysis)
}

/// [`approve_analysis`] inside the caller's transaction, approved at `at`.
pub async fn approve_analysis_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    at: DateTime<Utc>,
) -> Result<Analysis> {
    let before = analysis_tx(tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if !before.is_draft() {
        return Err(refused("analysis", "frozen"));
    }
    if before.risk_count == 0 {
        return Err(refused("risks", "no-risks"));
    }
    let untreated = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM risk WHERE analysis_id = $1 AND treatment IS NULL",
        id
    )?;
    if untreated > 0 {
        return Err(refused("risks", "untreated-risks"));
    }
    let number = before.current_version + 1;
    let today = at.date_naive();
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE risk_analysis SET status = 'approved', current_version = $1, approved_at = $2, approved_by_label = $3, \
         next_renewal = $4, updated_at = $2, version = version + 1 WHERE id = $5 AND version = $6",
        number,
        at,
        actor.label.as_str(),
        renewal_due(today),
        id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let snapshot = snapshot_in(tx, organisation_id, id).await?;
    let body = serde_json::to_string(&snapshot)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
    let method_number = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        Option<i64>,
        "SELECT MAX(number) FROM risk_method WHERE organisation_id = $1",
        organisation_id
    )?;
    exec_tx!(
        &mut *tx,
        "INSERT INTO risk_analysis_version (organisation_id, analysis_id, number, method_number, snapshot, approved_at, \
         approved_by, approved_by_label, kept_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        organisation_id,
        id,
        number,
        method_number,
        body.as_str(),
        at,
        actor.user_id,
        actor.label.as_str(),
        retained_until(today)
    )
    .map_err(|e| StoreError::from(e).on_unique("risk_analysis_version_number_key", "version"))?;
    let after = snapshot.analysis;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "approve", "risk_analysis", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(after)
}

/// Starts a revision of an approved analysis; its approved versions stay as they are.
pub async fn revise_analysis(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<Analysis> {
    let mut tx = db.begin().await?;
    let before = analysis_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if before.is_draft() {
        return Err(refused("analysis", "already-draft"));
    }
    let changed = exec_tx!(
        &mut tx,
        "UPDATE risk_analysis SET status = 'draft', updated_at = $1, version = version + 1 \
         WHERE id = $2 AND organisation_id = $3 AND version = $4",
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = analysis_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "revise", "risk_analysis", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
