//! Measures of the action plan (9 §) and their yearly follow-up. Measures live on
//! across revisions of the analyses whose risks they handle; a done measure is history.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::auth::Reach;
use tillit_domain::risk::{FollowUpDraft, MeasureDraft, MeasureStatus, RiskMatrix};
use tillit_domain::search::fold;
use tillit_domain::ValidationErrors;

use super::risks::{self, refresh_risks, Risk};
use super::{refused, replace_links, title_or_designation, unit_subtree_clause};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::designations;
use crate::error::{Result, StoreError};
use crate::references::user_in_organisation;
use crate::references::{check_ids, Referenced};
use crate::registers::SystemRef;
use crate::sql::reach_clause;
use crate::sql::{Arg, Conditions};
use crate::{now, Actor, Page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Measure {
    pub id: i64,
    pub designation: String,
    pub title: String,
    pub description: String,
    pub reason: String,
    pub category: String,
    pub function: String,
    pub residual_likelihood: Option<i64>,
    pub residual_consequence: Option<i64>,
    pub residual_level: Option<String>,
    pub responsible_id: i64,
    pub responsible_name: String,
    pub planned_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_note: String,
    pub source_object_id: Option<i64>,
    pub source_requirement_code: Option<String>,
    /// How many risks it addresses.
    pub risk_count: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub type MeasureRow = Measure;

impl Measure {
    pub fn status(&self, today: NaiveDate) -> MeasureStatus {
        MeasureStatus::of(self.planned_on, self.done_on, today)
    }
}

pub(super) const SELECT: &str = "SELECT m.id, m.designation, m.title, m.description, m.reason, m.category, m.function, \
    m.residual_likelihood, m.residual_consequence, m.residual_level, m.responsible_id, \
    p.display_name AS responsible_name, m.planned_on, m.done_on, m.done_note, m.source_object_id, \
    m.source_requirement_code, (SELECT COUNT(*) FROM measure_risk mr WHERE mr.measure_id = m.id) AS risk_count, \
    m.version, m.created_at, m.updated_at FROM measure m JOIN app_user p ON p.id = m.responsible_id";

/// Which measures to list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureFilter {
    pub status: Option<MeasureStatus>,
    pub responsible_id: Option<i64>,
    pub risk_id: Option<i64>,
    pub analysis_id: Option<i64>,
    pub system_id: Option<i64>,
    /// Measures for risks of analyses of this unit or a unit below it.
    pub unit_id: Option<i64>,
    pub search: Option<String>,
    /// Only those done from the first day up to (not including) the second.
    pub done_in: Option<(NaiveDate, NaiveDate)>,
    /// The day that decides which planned measures are late.
    pub today: NaiveDate,
    /// Only the measures of risks the reader reaches (measures without risks belong to
    /// the organisation itself).
    pub reach: Reach,
}

impl MeasureFilter {
    pub fn on(today: NaiveDate) -> Self {
        Self {
            status: None,
            responsible_id: None,
            risk_id: None,
            analysis_id: None,
            system_id: None,
            unit_id: None,
            search: None,
            done_in: None,
            today,
            reach: Reach::Everywhere,
        }
    }
}

fn conditions(organisation_id: i64, filter: &MeasureFilter) -> Conditions {
    let mut conditions = Conditions::for_organisation("m.organisation_id", organisation_id);
    if let Some(reached) = reach_clause(&mut conditions, "a.unit_id", &filter.reach) {
        conditions.and_fixed(&format!(
            "m.id IN (SELECT mr.measure_id FROM measure_risk mr JOIN risk r ON r.id = mr.risk_id \
             JOIN risk_analysis a ON a.id = r.analysis_id WHERE {reached})"
        ));
    }
    match filter.status {
        Some(MeasureStatus::Done) => conditions.and_fixed("m.done_on IS NOT NULL"),
        Some(MeasureStatus::Late) => conditions.and(
            "m.done_on IS NULL AND m.planned_on < ?",
            Arg::Date(filter.today),
        ),
        Some(MeasureStatus::Planned) => conditions.and(
            "m.done_on IS NULL AND m.planned_on >= ?",
            Arg::Date(filter.today),
        ),
        None => {}
    }
    if let Some((from, until)) = filter.done_in {
        conditions.and("m.done_on >= ?", Arg::Date(from));
        conditions.and("m.done_on < ?", Arg::Date(until));
    }
    if let Some(id) = filter.responsible_id {
        conditions.and("m.responsible_id = ?", Arg::Int(id));
    }
    if let Some(id) = filter.risk_id {
        conditions.and(
            "m.id IN (SELECT measure_id FROM measure_risk WHERE risk_id = ?)",
            Arg::Int(id),
        );
    }
    if let Some(id) = filter.analysis_id {
        conditions.and(
            "m.id IN (SELECT mr.measure_id FROM measure_risk mr JOIN risk r ON r.id = mr.risk_id WHERE r.analysis_id = ?)",
            Arg::Int(id),
        );
    }
    if let Some(id) = filter.system_id {
        conditions.and(
            "m.id IN (SELECT measure_id FROM measure_system WHERE system_id = ?)",
            Arg::Int(id),
        );
    }
    if let Some(unit) = filter.unit_id {
        let clause = format!(
            "m.id IN (SELECT mr.measure_id FROM measure_risk mr JOIN risk r ON r.id = mr.risk_id \
             JOIN risk_analysis a ON a.id = r.analysis_id WHERE {})",
            unit_subtree_clause("a")
        );
        conditions.and(&clause, Arg::Int(unit));
    }
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        title_or_designation(&mut conditions, "m.search_title", "m.designation", search);
    }
    conditions
}

/// A page of measures: the late ones first, then by planned date.
pub async fn list_measures(
    db: &Db,
    organisation_id: i64,
    filter: &MeasureFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<Measure>> {
    let conditions = conditions(organisation_id, filter);
    let count_sql = format!("SELECT COUNT(*) FROM measure m WHERE {}", conditions.sql());
    let total = read_args!(db, fetch_one, (i64,), &count_sql, conditions.args_with([]))?.0;
    let (limit_offset, args) = conditions.limit_offset(limit, offset);
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY CASE WHEN m.done_on IS NULL THEN 0 ELSE 1 END, m.planned_on, m.designation_number \
         {limit_offset}",
        conditions.sql()
    );
    let items = read_args!(db, fetch_all, Measure, &sql, args)?;
    Ok(Page { items, total })
}

pub async fn get_measure(db: &Db, organisation_id: i64, id: i64) -> Result<Measure> {
    let sql = format!("{SELECT} WHERE m.id = $1 AND m.organisation_id = $2");
    read!(db, fetch_optional, Measure, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

async fn measure_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Measure> {
    let sql = format!("{SELECT} WHERE m.id = $1 AND m.organisation_id = $2");
    in_tx!(&mut *tx, fetch_optional, Measure, &sql, id, organisation_id)?
        .ok_or(StoreError::NotFound)
}

/// The risks a measure addresses.
pub async fn measure_risks(db: &Db, organisation_id: i64, measure_id: i64) -> Result<Vec<Risk>> {
    let sql = format!(
        "{} WHERE r.organisation_id = $1 AND r.id IN (SELECT risk_id FROM measure_risk WHERE measure_id = $2) \
         ORDER BY a.designation_number, r.number",
        risks::SELECT
    );
    Ok(read!(
        db,
        fetch_all,
        Risk,
        &sql,
        organisation_id,
        measure_id
    )?)
}

/// The units of the analyses whose risks a measure addresses, each once; `None` is the
/// organisation itself. Empty for a measure without risks.
pub async fn measure_units(
    db: &Db,
    organisation_id: i64,
    measure_id: i64,
) -> Result<Vec<Option<i64>>> {
    Ok(read_scalar!(
        db,
        fetch_all,
        Option<i64>,
        "SELECT DISTINCT a.unit_id FROM measure_risk mr JOIN risk r ON r.id = mr.risk_id \
         JOIN risk_analysis a ON a.id = r.analysis_id WHERE mr.measure_id = $1 AND r.organisation_id = $2",
        measure_id,
        organisation_id
    )?)
}

/// The units of the analyses of the organisation's risks among `risk_ids`, each once;
/// `None` is the organisation itself. Ids of other organisations are left out.
pub async fn risk_units(
    db: &Db,
    organisation_id: i64,
    risk_ids: &[i64],
) -> Result<Vec<Option<i64>>> {
    if risk_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut conditions = Conditions::for_organisation("r.organisation_id", organisation_id);
    let mut placeholders = Vec::with_capacity(risk_ids.len());
    for id in risk_ids {
        placeholders.push(format!("${}", conditions.next_placeholder()));
        conditions.push_arg(Arg::Int(*id));
    }
    conditions.and_fixed(&format!("r.id IN ({})", placeholders.join(", ")));
    let sql = format!(
        "SELECT DISTINCT a.unit_id FROM risk r JOIN risk_analysis a ON a.id = r.analysis_id WHERE {}",
        conditions.sql()
    );
    Ok(read_args!(
        db,
        fetch_all,
        (Option<i64>,),
        &sql,
        conditions.args_with([])
    )?
    .into_iter()
    .map(|(unit,)| unit)
    .collect())
}

/// The systems a measure affects.
pub async fn measure_systems(
    db: &Db,
    organisation_id: i64,
    measure_id: i64,
) -> Result<Vec<SystemRef>> {
    Ok(read!(
        db,
        fetch_all,
        SystemRef,
        "SELECT s.id, s.designation, s.name FROM measure_system ms JOIN information_system s ON s.id = ms.system_id \
         WHERE ms.measure_id = $1 AND s.organisation_id = $2 ORDER BY s.designation",
        measure_id,
        organisation_id
    )?)
}

async fn link_ids(tx: &mut Tx, table: &str, column: &str, measure_id: i64) -> Result<Vec<i64>> {
    let sql = format!("SELECT {column} FROM {table} WHERE measure_id = $1 ORDER BY {column}");
    Ok(in_tx_scalar!(&mut *tx, fetch_all, i64, &sql, measure_id)?)
}

async fn check_references(tx: &mut Tx, organisation_id: i64, draft: &MeasureDraft) -> Result<()> {
    let mut errors = ValidationErrors::new();
    if !user_in_organisation(tx, organisation_id, draft.responsible_id).await? {
        errors.add("responsible_id", "unknown-reference");
    }
    check_ids(
        tx,
        &mut errors,
        organisation_id,
        Referenced::Risk,
        "risk_ids",
        &draft.risk_ids,
    )
    .await?;
    check_ids(
        tx,
        &mut errors,
        organisation_id,
        Referenced::System,
        "system_ids",
        &draft.system_ids,
    )
    .await?;
    if let Some((object_id, _)) = &draft.source {
        let found = in_tx_scalar!(
            &mut *tx,
            fetch_optional,
            i64,
            "SELECT id FROM classification_object WHERE id = $1 AND organisation_id = $2",
            object_id,
            organisation_id
        )?;
        if found.is_none() {
            errors.add("source", "unknown-reference");
        }
    }
    errors.finish(()).map_err(StoreError::Invalid)
}

/// Adds a measure to the action plan.
pub async fn create_measure(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &MeasureDraft,
    matrix: &RiskMatrix,
) -> Result<Measure> {
    let mut tx = db.begin().await?;
    let measure = create_measure_in(&mut tx, organisation_id, actor, draft, matrix, now()).await?;
    tx.commit().await?;
    Ok(measure)
}

/// [`create_measure`] inside the caller's transaction.
pub async fn create_measure_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &MeasureDraft,
    matrix: &RiskMatrix,
    at: DateTime<Utc>,
) -> Result<Measure> {
    check_references(tx, organisation_id, draft).await?;
    let (designation, number) =
        designations::next_numbered(tx, organisation_id, "measure", "ÅT").await?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO measure (organisation_id, designation, designation_number, title, search_title, description, reason, category, function, \
         residual_likelihood, residual_consequence, residual_level, responsible_id, planned_on, done_on, done_note, \
         source_object_id, source_requirement_code, created_at, updated_at) \
         VALUES ($1, $2, $19, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $18) RETURNING id",
        organisation_id,
        designation.as_str(),
        draft.title.as_str(),
        fold(&draft.title),
        draft.description.as_str(),
        draft.reason.as_str(),
        draft.category.as_str(),
        draft.function.as_str(),
        draft.residual.map(|r| r.0),
        draft.residual.map(|r| r.1),
        draft.residual.map(|r| r.2.as_str()),
        draft.responsible_id,
        draft.planned_on,
        draft.done_on,
        draft.done_note.as_str(),
        draft.source.as_ref().map(|s| s.0),
        draft.source.as_ref().map(|s| s.1.as_str()),
        at,
        number
    )?;
    replace_links(
        tx,
        "measure_risk",
        "measure_id",
        "risk_id",
        id,
        &draft.risk_ids,
    )
    .await?;
    replace_links(
        tx,
        "measure_system",
        "measure_id",
        "system_id",
        id,
        &draft.system_ids,
    )
    .await?;
    refresh_risks(tx, &draft.risk_ids, matrix, at).await?;
    let measure = measure_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "measure", id).after(&(
            &measure,
            &draft.risk_ids,
            &draft.system_ids,
        )),
    )
    .await?;
    Ok(measure)
}

/// Changes a measure, e.g. records that it is done. A done measure stays done.
pub async fn update_measure(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &MeasureDraft,
    matrix: &RiskMatrix,
) -> Result<Measure> {
    let mut tx = db.begin().await?;
    let before = measure_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if before.done_on.is_some() && draft.done_on.is_none() {
        return Err(refused("done_on", "done-kept"));
    }
    check_references(&mut tx, organisation_id, draft).await?;
    let before_risks = link_ids(&mut tx, "measure_risk", "risk_id", id).await?;
    let at = now();
    let changed = exec_tx!(
        &mut tx,
        "UPDATE measure SET title = $1, search_title = $2, description = $3, reason = $4, category = $5, function = $6, \
         residual_likelihood = $7, residual_consequence = $8, residual_level = $9, responsible_id = $10, planned_on = $11, \
         done_on = $12, done_note = $13, updated_at = $14, version = version + 1 \
         WHERE id = $15 AND organisation_id = $16 AND version = $17",
        draft.title.as_str(),
        fold(&draft.title),
        draft.description.as_str(),
        draft.reason.as_str(),
        draft.category.as_str(),
        draft.function.as_str(),
        draft.residual.map(|r| r.0),
        draft.residual.map(|r| r.1),
        draft.residual.map(|r| r.2.as_str()),
        draft.responsible_id,
        draft.planned_on,
        draft.done_on,
        draft.done_note.as_str(),
        at,
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    replace_links(
        &mut tx,
        "measure_risk",
        "measure_id",
        "risk_id",
        id,
        &draft.risk_ids,
    )
    .await?;
    replace_links(
        &mut tx,
        "measure_system",
        "measure_id",
        "system_id",
        id,
        &draft.system_ids,
    )
    .await?;
    let mut touched = before_risks;
    touched.extend(&draft.risk_ids);
    touched.sort_unstable();
    touched.dedup();
    refresh_risks(&mut tx, &touched, matrix, at).await?;
    let after = measure_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "measure", id)
            .before(&before)
            .after(&(&after, &draft.risk_ids, &draft.system_ids)),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Removes a measure that is not done.
pub async fn delete_measure(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    matrix: &RiskMatrix,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = measure_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if before.done_on.is_some() {
        return Err(refused("measure", "done-kept"));
    }
    let follow_ups = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM measure_follow_up WHERE measure_id = $1",
        id
    )?;
    if follow_ups > 0 {
        return Err(refused("measure", "followed-up-kept"));
    }
    let risks = link_ids(&mut tx, "measure_risk", "risk_id", id).await?;
    exec_tx!(
        &mut tx,
        "DELETE FROM measure_risk WHERE measure_id = $1",
        id
    )?;
    exec_tx!(
        &mut tx,
        "DELETE FROM measure_system WHERE measure_id = $1",
        id
    )?;
    exec_tx!(&mut tx, "DELETE FROM measure WHERE id = $1", id)?;
    refresh_risks(&mut tx, &risks, matrix, now()).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "delete", "measure", id).before(&before),
    )
    .await?;
    tx.commit().await
}

/// One yearly follow-up of a measure; never changed afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct FollowUp {
    pub id: i64,
    pub measure_id: i64,
    pub year: i64,
    pub effect: String,
    pub still_valid: bool,
    pub next_step: String,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by_label: String,
}

const FOLLOW_UP_COLUMNS: &str =
    "id, measure_id, year, effect, still_valid, next_step, recorded_at, recorded_by_label";

/// The follow-ups of a measure, latest year first.
pub async fn follow_ups(db: &Db, organisation_id: i64, measure_id: i64) -> Result<Vec<FollowUp>> {
    let sql = format!(
        "SELECT {FOLLOW_UP_COLUMNS} FROM measure_follow_up WHERE organisation_id = $1 AND measure_id = $2 \
         ORDER BY year DESC, id DESC"
    );
    Ok(read!(
        db,
        fetch_all,
        FollowUp,
        &sql,
        organisation_id,
        measure_id
    )?)
}

/// The refusal of a second follow-up of a measure for the same year.
const FOLLOWED_UP_THIS_YEAR: &str = "followed-up-this-year";

/// Records the yearly follow-up and evaluation of a measure, once a year.
pub async fn record_follow_up(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    measure_id: i64,
    draft: &FollowUpDraft,
) -> Result<FollowUp> {
    let mut tx = db.begin().await?;
    let follow_up =
        record_follow_up_in(&mut tx, organisation_id, actor, measure_id, draft, now()).await?;
    tx.commit().await?;
    Ok(follow_up)
}

/// [`record_follow_up`] inside the caller's transaction, recorded at `at`.
pub async fn record_follow_up_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    measure_id: i64,
    draft: &FollowUpDraft,
    at: DateTime<Utc>,
) -> Result<FollowUp> {
    measure_tx(tx, organisation_id, measure_id).await?;
    let year = i64::from(draft.year);
    let already = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        i64,
        "SELECT id FROM measure_follow_up WHERE measure_id = $1 AND year = $2",
        measure_id,
        year
    )?;
    if already.is_some() {
        return Err(refused("year", FOLLOWED_UP_THIS_YEAR));
    }
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO measure_follow_up (organisation_id, measure_id, year, effect, still_valid, next_step, recorded_at, \
         recorded_by, recorded_by_label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        organisation_id,
        measure_id,
        year,
        draft.effect.as_str(),
        draft.still_valid,
        draft.next_step.as_str(),
        at,
        actor.user_id,
        actor.label.as_str()
    )
    .map_err(|e| match StoreError::from(e).on_unique("measure_follow_up_year_key", "year") {
        StoreError::Duplicate { .. } => refused("year", FOLLOWED_UP_THIS_YEAR),
        other => other,
    })?;
    let sql = format!("SELECT {FOLLOW_UP_COLUMNS} FROM measure_follow_up WHERE id = $1");
    let follow_up = in_tx!(&mut *tx, fetch_one, FollowUp, &sql, id)?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "follow_up", "measure", measure_id).after(&follow_up),
    )
    .await?;
    Ok(follow_up)
}
