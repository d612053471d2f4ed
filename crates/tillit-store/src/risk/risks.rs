//! Risks in an analysis: description, the two assessments with their reasoning, the
//! level from the matrix, and the treatment decision.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::auth::Reach;
use tillit_domain::risk::{RiskDraft, RiskLevel, RiskMatrix, RiskStatus, Treatment};
use tillit_domain::search::fold;
use tillit_domain::ValidationErrors;

use super::{refused, replace_links, title_or_designation, unit_subtree_clause, within_reach};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::{check_ids, Referenced};
use crate::registers::SystemRef;
use crate::sql::{Arg, Conditions};
use crate::{now, Actor, Page};

/// A risk with the analysis it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Risk {
    pub id: i64,
    pub analysis_id: i64,
    pub analysis_designation: String,
    pub analysis_title: String,
    pub analysis_status: String,
    /// The analysis's unit; none when it belongs to the organisation itself.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// Numbered from 1 within the analysis: R1, R2, …
    pub number: i64,
    pub title: String,
    pub description: String,
    pub threat: String,
    pub vulnerability: String,
    pub likelihood: i64,
    pub likelihood_reason: String,
    pub consequence: i64,
    pub consequence_reason: String,
    pub level: String,
    /// The expected position once its measures are done (the best any measure promises).
    pub residual_likelihood: Option<i64>,
    pub residual_consequence: Option<i64>,
    pub residual_level: Option<String>,
    pub treatment: Option<String>,
    pub treatment_reason: String,
    pub decided_by_label: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub status: String,
    /// When it was first handled; a handled risk is kept as history.
    pub handled_at: Option<DateTime<Utc>>,
    pub catalogue_id: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A risk in a list is the same record.
pub type RiskRow = Risk;

/// A risk's designation within its analysis: `R` and its number.
fn designation(number: i64) -> String {
    format!("R{number}")
}

/// A risk's designation with its analysis's, as lists show it: `RA-0003 R2`.
fn reference(analysis_designation: &str, number: i64) -> String {
    format!("{analysis_designation} {}", designation(number))
}

impl Risk {
    pub fn designation(&self) -> String {
        designation(self.number)
    }

    pub fn reference(&self) -> String {
        reference(&self.analysis_designation, self.number)
    }

    pub fn risk_level(&self) -> Option<RiskLevel> {
        RiskLevel::parse(&self.level)
    }

    pub fn treatment(&self) -> Option<Treatment> {
        self.treatment.as_deref().and_then(Treatment::parse)
    }
}

pub(super) const SELECT: &str = "SELECT r.id, r.analysis_id, a.designation AS analysis_designation, a.title AS analysis_title, \
    a.status AS analysis_status, a.unit_id, u.name AS unit_name, r.number, r.title, r.description, r.threat, r.vulnerability, \
    r.likelihood, r.likelihood_reason, r.consequence, r.consequence_reason, r.level, r.residual_likelihood, \
    r.residual_consequence, r.residual_level, r.treatment, r.treatment_reason, r.decided_by_label, r.decided_at, \
    r.status, r.handled_at, r.catalogue_id, r.version, r.created_at, r.updated_at \
    FROM risk r JOIN risk_analysis a ON a.id = r.analysis_id LEFT JOIN org_unit u ON u.id = a.unit_id";

/// A risk's reference as lists show it, `RA-0003 R2`, for searching.
const REFERENCE_SQL: &str = "(a.designation || ' R' || CAST(r.number AS TEXT))";

/// Largest first: level, then likelihood × consequence, then consequence.
pub(super) const LARGEST_FIRST: &str =
    "r.level_rank DESC, r.likelihood * r.consequence DESC, r.consequence DESC, r.id";

/// Which risks to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct RiskFilter {
    pub analysis_id: Option<i64>,
    /// The analysis's unit or any unit below it.
    pub unit_id: Option<i64>,
    pub level: Option<RiskLevel>,
    pub status: Option<RiskStatus>,
    pub system_id: Option<i64>,
    pub search: Option<String>,
    /// High or very high with no treatment decided.
    pub serious_untreated: bool,
    /// Not yet handled (open or in treatment).
    pub unhandled: bool,
    /// Only the risks of analyses the reader reaches.
    pub reach: Reach,
}

impl RiskFilter {
    /// Whether the conditions read the analysis, not only the risk rows.
    fn reads_analysis(&self) -> bool {
        self.unit_id.is_some() || self.has_search() || self.reach != Reach::Everywhere
    }

    fn has_search(&self) -> bool {
        self.search.as_deref().is_some_and(|s| !s.trim().is_empty())
    }
}

pub(super) fn conditions(organisation_id: i64, filter: &RiskFilter) -> Conditions {
    let mut conditions = Conditions::for_organisation("r.organisation_id", organisation_id);
    within_reach(&mut conditions, "a", &filter.reach);
    if let Some(id) = filter.analysis_id {
        conditions.and("r.analysis_id = ?", Arg::Int(id));
    }
    if let Some(unit) = filter.unit_id {
        conditions.and(&unit_subtree_clause("a"), Arg::Int(unit));
    }
    if let Some(level) = filter.level {
        conditions.and("r.level_rank = ?", Arg::Int(level.index() as i64));
    }
    if let Some(status) = filter.status {
        conditions.and("r.status = ?", Arg::Text(status.as_str().into()));
    }
    if let Some(system) = filter.system_id {
        conditions.and(
            "r.id IN (SELECT risk_id FROM risk_system WHERE system_id = ?)",
            Arg::Int(system),
        );
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        title_or_designation(&mut conditions, "r.search_title", REFERENCE_SQL, search);
    }
    if filter.unhandled {
        conditions.and_fixed("r.status <> 'handled'");
    }
    if filter.serious_untreated {
        conditions.and(
            "r.level_rank >= ? AND r.treatment IS NULL",
            Arg::Int(RiskLevel::High.index() as i64),
        );
    }
    conditions
}

/// A page of risks, largest first (or by analysis and number when `by_number`).
pub async fn list_risks(
    db: &Db,
    organisation_id: i64,
    filter: &RiskFilter,
    by_number: bool,
    limit: i64,
    offset: i64,
) -> Result<Page<Risk>> {
    let conditions = conditions(organisation_id, filter);
    let total = count(db, filter, &conditions).await?;
    let order = if by_number {
        "a.designation_number, r.number"
    } else {
        LARGEST_FIRST
    };
    let (limit_offset, args) = conditions.limit_offset(limit, offset);
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY {order} {limit_offset}",
        conditions.sql()
    );
    let items = read_args!(db, fetch_all, Risk, &sql, args)?;
    Ok(Page { items, total })
}

/// How many risks the conditions select. Only the filters that need the analysis read
/// it; the count of every other filter stays on the risk rows and their indexes.
async fn count(db: &Db, filter: &RiskFilter, conditions: &Conditions) -> Result<i64> {
    let from = if filter.reads_analysis() {
        "FROM risk r JOIN risk_analysis a ON a.id = r.analysis_id"
    } else {
        "FROM risk r"
    };
    let sql = format!("SELECT COUNT(*) AS n {from} WHERE {}", conditions.sql());
    Ok(read_args!(db, fetch_one, (i64,), &sql, conditions.args_with([]))?.0)
}

/// A risk as lists show it: where it belongs, its level, treatment and status, and how
/// many systems and measures it has, without the long texts of the full [`Risk`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RiskListItem {
    pub id: i64,
    pub analysis_id: i64,
    pub analysis_designation: String,
    pub analysis_title: String,
    pub analysis_status: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub number: i64,
    pub title: String,
    pub likelihood: i64,
    pub consequence: i64,
    pub level: String,
    pub residual_level: Option<String>,
    pub treatment: Option<String>,
    pub status: String,
    pub system_count: i64,
    pub measure_count: i64,
    pub version: i64,
    pub updated_at: DateTime<Utc>,
}

impl RiskListItem {
    pub fn designation(&self) -> String {
        designation(self.number)
    }

    pub fn reference(&self) -> String {
        reference(&self.analysis_designation, self.number)
    }
}

const SELECT_ITEM: &str = "SELECT r.id, r.analysis_id, a.designation AS analysis_designation, a.title AS analysis_title, \
    a.status AS analysis_status, a.unit_id, u.name AS unit_name, r.number, r.title, r.likelihood, r.consequence, r.level, \
    r.residual_level, r.treatment, r.status, \
    (SELECT COUNT(*) FROM risk_system rs WHERE rs.risk_id = r.id) AS system_count, \
    (SELECT COUNT(*) FROM measure_risk mr WHERE mr.risk_id = r.id) AS measure_count, r.version, r.updated_at \
    FROM risk r JOIN risk_analysis a ON a.id = r.analysis_id LEFT JOIN org_unit u ON u.id = a.unit_id";

/// A page of risks as lists show them, largest first.
pub async fn list_risk_items(
    db: &Db,
    organisation_id: i64,
    filter: &RiskFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<RiskListItem>> {
    let conditions = conditions(organisation_id, filter);
    let total = count(db, filter, &conditions).await?;
    let (limit_offset, args) = conditions.limit_offset(limit, offset);
    let sql = format!(
        "{SELECT_ITEM} WHERE {} ORDER BY {LARGEST_FIRST} {limit_offset}",
        conditions.sql()
    );
    let items = read_args!(db, fetch_all, RiskListItem, &sql, args)?;
    Ok(Page { items, total })
}

pub async fn get_risk(db: &Db, organisation_id: i64, id: i64) -> Result<Risk> {
    let sql = format!("{SELECT} WHERE r.id = $1 AND r.organisation_id = $2");
    read!(db, fetch_optional, Risk, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

pub(super) async fn risk_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Risk> {
    let sql = format!("{SELECT} WHERE r.id = $1 AND r.organisation_id = $2");
    in_tx!(&mut *tx, fetch_optional, Risk, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

/// The systems a risk affects.
pub async fn risk_systems(db: &Db, organisation_id: i64, risk_id: i64) -> Result<Vec<SystemRef>> {
    Ok(read!(
        db,
        fetch_all,
        SystemRef,
        "SELECT s.id, s.designation, s.name FROM risk_system rs JOIN information_system s ON s.id = rs.system_id \
         WHERE rs.risk_id = $1 AND s.organisation_id = $2 ORDER BY s.designation",
        risk_id,
        organisation_id
    )?)
}

/// A measure addressing a risk, briefly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct RiskMeasure {
    pub id: i64,
    pub designation: String,
    pub title: String,
    pub planned_on: chrono::NaiveDate,
    pub done_on: Option<chrono::NaiveDate>,
    pub residual_level: Option<String>,
}

/// The measures addressing a risk.
pub async fn risk_measures(
    db: &Db,
    organisation_id: i64,
    risk_id: i64,
) -> Result<Vec<RiskMeasure>> {
    Ok(read!(
        db,
        fetch_all,
        RiskMeasure,
        // CROSS JOIN keeps SQLite starting from the risk's few links instead of walking
        // every measure in designation order.
        "SELECT m.id, m.designation, m.title, m.planned_on, m.done_on, m.residual_level FROM measure_risk mr \
         CROSS JOIN measure m WHERE m.id = mr.measure_id AND mr.risk_id = $1 AND m.organisation_id = $2 \
         ORDER BY m.designation_number",
        risk_id,
        organisation_id
    )?)
}

/// Refuses a change to an analysis that is approved until a revision is started.
pub(super) async fn ensure_draft(
    tx: &mut Tx,
    organisation_id: i64,
    analysis_id: i64,
) -> Result<()> {
    let status = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        String,
        "SELECT status FROM risk_analysis WHERE id = $1 AND organisation_id = $2",
        analysis_id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)?;
    if status == "draft" {
        Ok(())
    } else {
        Err(refused("analysis", "frozen"))
    }
}

/// Adds a risk to an analysis that is being worked on.
pub async fn create_risk(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    analysis_id: i64,
    draft: &RiskDraft,
) -> Result<Risk> {
    let mut tx = db.begin().await?;
    let risk = create_risk_in(&mut tx, organisation_id, actor, analysis_id, draft, now()).await?;
    tx.commit().await?;
    Ok(risk)
}

/// [`create_risk`] inside the caller's transaction.
pub async fn create_risk_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    analysis_id: i64,
    draft: &RiskDraft,
    at: DateTime<Utc>,
) -> Result<Risk> {
    ensure_draft(tx, organisation_id, analysis_id).await?;
    let mut errors = ValidationErrors::new();
    check_ids(
        tx,
        &mut errors,
        organisation_id,
        Referenced::System,
        "system_ids",
        &draft.system_ids,
    )
    .await?;
    errors.finish(()).map_err(StoreError::Invalid)?;
    let number = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "UPDATE risk_analysis SET last_risk_number = last_risk_number + 1 WHERE id = $1 RETURNING last_risk_number",
        analysis_id
    )?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO risk (organisation_id, analysis_id, number, title, search_title, description, threat, vulnerability, \
         likelihood, likelihood_reason, consequence, consequence_reason, level, level_rank, status, catalogue_id, \
         created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) \
         RETURNING id",
        organisation_id,
        analysis_id,
        number,
        draft.title.as_str(),
        fold(&draft.title),
        draft.description.as_str(),
        draft.threat.as_str(),
        draft.vulnerability.as_str(),
        draft.likelihood,
        draft.likelihood_reason.as_str(),
        draft.consequence,
        draft.consequence_reason.as_str(),
        draft.level.as_str(),
        draft.level.index() as i64,
        RiskStatus::Open.as_str(),
        draft.catalogue_id.as_deref(),
        at
    )?;
    replace_links(
        tx,
        "risk_system",
        "risk_id",
        "system_id",
        id,
        &draft.system_ids,
    )
    .await?;
    let risk = risk_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "risk", id)
            .after(&(&risk, &draft.system_ids)),
    )
    .await?;
    Ok(risk)
}

/// Changes a risk's description and assessments.
pub async fn update_risk(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &RiskDraft,
) -> Result<Risk> {
    let mut tx = db.begin().await?;
    let before = risk_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    ensure_draft(&mut tx, organisation_id, before.analysis_id).await?;
    let mut errors = ValidationErrors::new();
    check_ids(
        &mut tx,
        &mut errors,
        organisation_id,
        Referenced::System,
        "system_ids",
        &draft.system_ids,
    )
    .await?;
    errors.finish(()).map_err(StoreError::Invalid)?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE risk SET title = $1, search_title = $2, description = $3, threat = $4, vulnerability = $5, \
         likelihood = $6, likelihood_reason = $7, consequence = $8, consequence_reason = $9, level = $10, \
         level_rank = $11, updated_at = $12, version = version + 1 WHERE id = $13 AND organisation_id = $14 AND version = $15",
        draft.title.as_str(),
        fold(&draft.title),
        draft.description.as_str(),
        draft.threat.as_str(),
        draft.vulnerability.as_str(),
        draft.likelihood,
        draft.likelihood_reason.as_str(),
        draft.consequence,
        draft.consequence_reason.as_str(),
        draft.level.as_str(),
        draft.level.index() as i64,
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
        "risk_system",
        "risk_id",
        "system_id",
        id,
        &draft.system_ids,
    )
    .await?;
    let after = risk_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "risk", id)
            .before(&before)
            .after(&(&after, &draft.system_ids)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// A treatment decision on a risk, made on the version the user saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreatmentDecision<'a> {
    pub expected_version: i64,
    pub treatment: Treatment,
    pub justification: &'a str,
}

/// Records how a risk is to be treated. Whether the actor may accept a risk is the
/// caller's check; the decision is recorded in the actor's name.
pub async fn decide_treatment(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    decision: &TreatmentDecision<'_>,
    matrix: &RiskMatrix,
) -> Result<Risk> {
    let mut tx = db.begin().await?;
    let risk =
        decide_treatment_in(&mut tx, organisation_id, actor, id, decision, matrix, now()).await?;
    tx.commit().await?;
    Ok(risk)
}

/// [`decide_treatment`] inside the caller's transaction, decided at `at`.
pub async fn decide_treatment_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    decision: &TreatmentDecision<'_>,
    matrix: &RiskMatrix,
    at: DateTime<Utc>,
) -> Result<Risk> {
    let TreatmentDecision {
        expected_version,
        treatment,
        justification,
    } = *decision;
    let before = risk_tx(tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    ensure_draft(tx, organisation_id, before.analysis_id).await?;
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE risk SET treatment = $1, treatment_reason = $2, decided_by = $3, decided_by_label = $4, decided_at = $5, \
         updated_at = $5, version = version + 1 WHERE id = $6 AND organisation_id = $7 AND version = $8",
        treatment.as_str(),
        justification,
        actor.user_id,
        actor.label.as_str(),
        at,
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    refresh_risks(tx, &[id], matrix, at).await?;
    let after = risk_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "decide_treatment", "risk", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    Ok(after)
}

/// Removes a risk from an analysis being worked on. A handled risk, or one a done
/// measure addressed, is history and stays.
pub async fn delete_risk(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = risk_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    ensure_draft(&mut tx, organisation_id, before.analysis_id).await?;
    if before.handled_at.is_some() {
        return Err(refused("risk", "handled-kept"));
    }
    let done_measures = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM measure_risk mr JOIN measure m ON m.id = mr.measure_id \
         WHERE mr.risk_id = $1 AND m.done_on IS NOT NULL",
        id
    )?;
    if done_measures > 0 {
        return Err(refused("risk", "done-measure-kept"));
    }
    exec_tx!(&mut tx, "DELETE FROM risk_system WHERE risk_id = $1", id)?;
    exec_tx!(&mut tx, "DELETE FROM measure_risk WHERE risk_id = $1", id)?;
    exec_tx!(
        &mut tx,
        "DELETE FROM risk WHERE id = $1 AND organisation_id = $2 AND version = $3",
        id,
        organisation_id,
        expected_version
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "delete", "risk", id).before(&before),
    )
    .await?;
    tx.commit().await
}

#[derive(sqlx::FromRow)]
struct RiskState {
    treatment: Option<String>,
    handled_at: Option<DateTime<Utc>>,
}

/// Brings each risk's status and expected residual position up to date with its
/// treatment and measures. A risk once handled keeps the day it was handled.
pub(super) async fn refresh_risks(
    tx: &mut Tx,
    risk_ids: &[i64],
    matrix: &RiskMatrix,
    at: DateTime<Utc>,
) -> Result<()> {
    for id in risk_ids {
        let Some(state) = in_tx!(
            &mut *tx,
            fetch_optional,
            RiskState,
            "SELECT treatment, handled_at FROM risk WHERE id = $1",
            id
        )?
        else {
            continue;
        };
        let measures = in_tx!(
            &mut *tx,
            fetch_all,
            (Option<i64>, Option<i64>, Option<chrono::NaiveDate>),
            "SELECT m.residual_likelihood, m.residual_consequence, m.done_on FROM measure_risk mr \
             JOIN measure m ON m.id = mr.measure_id WHERE mr.risk_id = $1",
            id
        )?;
        let done = measures.iter().filter(|m| m.2.is_some()).count();
        let treatment = state.treatment.as_deref().and_then(Treatment::parse);
        let status = RiskStatus::of(treatment, measures.len(), done);
        let residual = measures
            .iter()
            .filter_map(|(l, c, _)| {
                let (l, c) = ((*l)?, (*c)?);
                Some((matrix.rank(l, c)?, l, c))
            })
            .min()
            .map(|((level, _, _), l, c)| (l, c, level));
        let handled_at = match (status, state.handled_at) {
            (_, Some(earlier)) => Some(earlier),
            (RiskStatus::Handled, None) => Some(at),
            _ => None,
        };
        exec_tx!(
            &mut *tx,
            "UPDATE risk SET status = $1, handled_at = $2, residual_likelihood = $3, residual_consequence = $4, \
             residual_level = $5 WHERE id = $6",
            status.as_str(),
            handled_at,
            residual.map(|r| r.0),
            residual.map(|r| r.1),
            residual.map(|r| r.2.as_str()),
            id
        )?;
    }
    Ok(())
}
