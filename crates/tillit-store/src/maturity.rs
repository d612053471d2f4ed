//! Maturity self-assessments (C27): per organisation or per administration, answered as
//! a draft and completed with the level reached.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::auth::Reach;
use tillit_domain::maturity::{Answer, AssessmentDraft, AssessmentStatus, MaturityFacts};
use tillit_domain::reports::ReportScope;
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::reports::unit_condition;
use crate::sql::{reach_clause, Conditions};
use crate::{now, Actor, Page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub id: i64,
    pub organisation_id: i64,
    /// The administration assessed; `None` for the whole organisation.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub title: String,
    pub assessed_on: NaiveDate,
    pub status: AssessmentStatus,
    pub answers: BTreeMap<String, Answer>,
    /// The level reached, set when completed (0 while a draft).
    pub level: i64,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by_label: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct AssessmentRow {
    id: i64,
    organisation_id: i64,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    title: String,
    assessed_on: NaiveDate,
    status: String,
    answers: String,
    level: i64,
    completed_at: Option<DateTime<Utc>>,
    completed_by_label: Option<String>,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl AssessmentRow {
    fn into_assessment(self) -> Result<Assessment> {
        Ok(Assessment {
            id: self.id,
            organisation_id: self.organisation_id,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            title: self.title,
            assessed_on: self.assessed_on,
            status: AssessmentStatus::parse(&self.status).unwrap_or(AssessmentStatus::Draft),
            answers: serde_json::from_str(&self.answers)
                .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?,
            level: self.level,
            completed_at: self.completed_at,
            completed_by_label: self.completed_by_label,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

const SELECT: &str = "SELECT m.id, m.organisation_id, m.unit_id, u.name AS unit_name, m.title, m.assessed_on, \
    m.status, m.answers, m.level, m.completed_at, m.completed_by_label, m.version, m.created_at, m.updated_at \
    FROM maturity_assessment m LEFT JOIN org_unit u ON u.id = m.unit_id";

fn answers_json(answers: &BTreeMap<String, Answer>) -> Result<String> {
    serde_json::to_string(answers)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))
}

/// Starts a draft assessment. The unit, when given, must be one of the organisation's
/// administrations (a unit with no parent).
pub async fn create(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &AssessmentDraft,
) -> Result<Assessment> {
    let at = now();
    let mut tx = db.begin().await?;
    if let Some(unit_id) = draft.unit_id {
        let top_level = in_tx_scalar!(
            &mut tx,
            fetch_optional,
            i64,
            "SELECT id FROM org_unit WHERE id = $1 AND organisation_id = $2 AND parent_id IS NULL",
            unit_id,
            organisation_id
        )?;
        if top_level.is_none() {
            return Err(ValidationErrors::single("unit_id", "not-an-administration").into());
        }
    }
    let id = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "INSERT INTO maturity_assessment (organisation_id, unit_id, title, assessed_on, status, answers, level, \
         version, created_at, updated_at) VALUES ($1, $2, $3, $4, 'draft', '{}', 0, 1, $5, $5) RETURNING id",
        organisation_id,
        draft.unit_id,
        draft.title.as_str(),
        draft.assessed_on,
        at
    )?;
    let created = get_in(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "maturity_assessment", id).after(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

async fn get_in(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Assessment> {
    let sql = format!("{SELECT} WHERE m.id = $1 AND m.organisation_id = $2");
    in_tx!(tx, fetch_optional, AssessmentRow, &sql, id, organisation_id)?
        .ok_or(StoreError::NotFound)?
        .into_assessment()
}

pub async fn get(db: &Db, organisation_id: i64, id: i64) -> Result<Assessment> {
    let sql = format!("{SELECT} WHERE m.id = $1 AND m.organisation_id = $2");
    read!(db, fetch_optional, AssessmentRow, &sql, id, organisation_id)?
        .ok_or(StoreError::NotFound)?
        .into_assessment()
}

/// The organisation's assessments within `reach`, newest first: an assessment of the
/// whole organisation is reached only from everywhere.
pub async fn list(
    db: &Db,
    organisation_id: i64,
    reach: &Reach,
    limit: i64,
    offset: i64,
) -> Result<Page<Assessment>> {
    let mut conditions = Conditions::for_organisation("m.organisation_id", organisation_id);
    if let Some(clause) = reach_clause(&mut conditions, "m.unit_id", reach) {
        conditions.and_fixed(&clause);
    }
    let matching = conditions.sql();
    let (limit_offset, args) = conditions.limit_offset(limit, offset);
    let sql =
        format!("{SELECT} WHERE {matching} ORDER BY m.assessed_on DESC, m.id DESC {limit_offset}");
    let rows = read_args!(db, fetch_all, AssessmentRow, &sql, args)?;
    let count = format!("SELECT COUNT(*) FROM maturity_assessment m WHERE {matching}");
    let total = read_args!(db, fetch_one, (i64,), &count, conditions.args_with([]))?.0;
    Ok(Page {
        items: rows
            .into_iter()
            .map(AssessmentRow::into_assessment)
            .collect::<Result<_>>()?,
        total,
    })
}

/// The draft as it is now, refusing a completed one or a stale version.
async fn draft_for_change(
    tx: &mut Tx,
    organisation_id: i64,
    id: i64,
    expected_version: i64,
) -> Result<Assessment> {
    let before = get_in(tx, organisation_id, id).await?;
    if before.status == AssessmentStatus::Completed {
        return Err(ValidationErrors::single("status", "assessment-completed").into());
    }
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    Ok(before)
}

/// Replaces the answers of a draft.
pub async fn save_answers(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    answers: &BTreeMap<String, Answer>,
) -> Result<Assessment> {
    let mut tx = db.begin().await?;
    let before = draft_for_change(&mut tx, organisation_id, id, expected_version).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE maturity_assessment SET answers = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND organisation_id = $4 AND version = $5 AND status = 'draft'",
        answers_json(answers)?,
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = get_in(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "maturity_assessment", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Completes a draft with the level its answers reach; a completed assessment no longer
/// changes.
pub async fn complete(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    level: u8,
) -> Result<Assessment> {
    let at = now();
    let mut tx = db.begin().await?;
    let before = draft_for_change(&mut tx, organisation_id, id, expected_version).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE maturity_assessment SET status = 'completed', level = $1, completed_at = $2, completed_by_label = $3, \
         version = version + 1, updated_at = $2 WHERE id = $4 AND organisation_id = $5 AND version = $6 AND status = 'draft'",
        i64::from(level),
        at,
        actor.label.as_str(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = get_in(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "complete", "maturity_assessment", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The latest completed result of the organisation or of one administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct LatestMaturity {
    pub assessment_id: i64,
    /// `None` for the whole organisation.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub title: String,
    pub assessed_on: NaiveDate,
    pub level: i64,
}

const LATEST: &str = "SELECT m.id AS assessment_id, m.unit_id, u.name AS unit_name, m.title, m.assessed_on, m.level \
    FROM maturity_assessment m LEFT JOIN org_unit u ON u.id = m.unit_id \
    WHERE m.organisation_id = $1 AND m.status = 'completed'";

/// The latest completed maturity level of the organisation (`unit_id` `None`) or of one
/// administration: what the annual report and the board dashboard show.
pub async fn latest_maturity(
    db: &Db,
    organisation_id: i64,
    unit_id: Option<i64>,
) -> Result<Option<LatestMaturity>> {
    let sql = match unit_id {
        None => {
            format!("{LATEST} AND m.unit_id IS NULL ORDER BY m.assessed_on DESC, m.id DESC LIMIT 1")
        }
        Some(_) => {
            format!("{LATEST} AND m.unit_id = $2 ORDER BY m.assessed_on DESC, m.id DESC LIMIT 1")
        }
    };
    Ok(match unit_id {
        None => read!(db, fetch_optional, LatestMaturity, &sql, organisation_id)?,
        Some(unit) => read!(
            db,
            fetch_optional,
            LatestMaturity,
            &sql,
            organisation_id,
            unit
        )?,
    })
}

/// The latest completed maturity level assessed on or before `as_of`, of the
/// organisation (`unit_id` `None`) or of one unit: what a report for a past year shows.
pub async fn maturity_as_of(
    db: &Db,
    organisation_id: i64,
    unit_id: Option<i64>,
    as_of: NaiveDate,
) -> Result<Option<LatestMaturity>> {
    let order = "ORDER BY m.assessed_on DESC, m.id DESC LIMIT 1";
    Ok(match unit_id {
        None => {
            let sql = format!("{LATEST} AND m.unit_id IS NULL AND m.assessed_on <= $2 {order}");
            read!(
                db,
                fetch_optional,
                LatestMaturity,
                &sql,
                organisation_id,
                as_of
            )?
        }
        Some(unit) => {
            let sql = format!("{LATEST} AND m.unit_id = $2 AND m.assessed_on <= $3 {order}");
            read!(
                db,
                fetch_optional,
                LatestMaturity,
                &sql,
                organisation_id,
                unit,
                as_of
            )?
        }
    })
}

/// The latest completed result of the organisation and of each administration assessed,
/// the organisation first.
pub async fn latest_maturity_per_scope(
    db: &Db,
    organisation_id: i64,
) -> Result<Vec<LatestMaturity>> {
    let sql = format!("{LATEST} ORDER BY m.assessed_on DESC, m.id DESC");
    let all = read!(db, fetch_all, LatestMaturity, &sql, organisation_id)?;
    let mut seen = std::collections::HashSet::new();
    let mut latest: Vec<LatestMaturity> =
        all.into_iter().filter(|m| seen.insert(m.unit_id)).collect();
    latest.sort_by(|a, b| {
        (a.unit_id.is_some(), &a.unit_name).cmp(&(b.unit_id.is_some(), &b.unit_name))
    });
    Ok(latest)
}

#[derive(sqlx::FromRow)]
struct FactsRow {
    systems: i64,
    assets: i64,
    classified_systems: i64,
    approved_analyses: i64,
    closed_incidents: i64,
    methods: i64,
    measure_follow_ups: i64,
}

/// The organisation's figures that pre-answer questions, in one query. Registers are
/// not tied to units, so these are the organisation's whole figures.
/// What tillit's own data shows, for the organisation or for one administration (its
/// branch of units; a system counts when it holds the branch's information). The risk
/// method is the organisation's either way.
pub async fn facts(db: &Db, organisation_id: i64, unit_id: Option<i64>) -> Result<MaturityFacts> {
    let scope = unit_id.map_or(ReportScope::Organisation, ReportScope::Unit);
    let (systems_in_scope, measures_in_scope) = match scope {
        ReportScope::Organisation => (String::new(), String::new()),
        ReportScope::Unit(_) => (
            format!(
                " AND {{system}} IN (SELECT x.system_id FROM asset_system x \
                 JOIN information_asset e ON e.id = x.asset_id WHERE e.organisation_id = $1{})",
                unit_condition("e.unit_id", scope)
            ),
            format!(
                " AND measure_id IN (SELECT x.measure_id FROM measure_risk x JOIN risk r ON r.id = x.risk_id \
                 JOIN risk_analysis a ON a.id = r.analysis_id WHERE a.organisation_id = $1{})",
                unit_condition("a.unit_id", scope)
            ),
        ),
    };
    let systems = systems_in_scope.replace("{system}", "id");
    let classified = systems_in_scope.replace("{system}", "system_id");
    let sql = format!(
        "SELECT \
         (SELECT COUNT(*) FROM information_system WHERE organisation_id = $1{systems}) AS systems, \
         (SELECT COUNT(*) FROM information_asset WHERE organisation_id = $1{assets}) AS assets, \
         (SELECT COUNT(*) FROM classification_object WHERE organisation_id = $1 AND system_id IS NOT NULL \
          AND current_version > 0{classified}) AS classified_systems, \
         (SELECT COUNT(*) FROM risk_analysis WHERE organisation_id = $1 AND current_version > 0{analyses}) \
          AS approved_analyses, \
         (SELECT COUNT(*) FROM incident WHERE organisation_id = $1 AND status = 'closed'{incidents}) \
          AS closed_incidents, \
         (SELECT COUNT(*) FROM risk_method WHERE organisation_id = $1) AS methods, \
         (SELECT COUNT(*) FROM measure_follow_up WHERE organisation_id = $1{measures_in_scope}) \
          AS measure_follow_ups",
        assets = unit_condition("unit_id", scope),
        analyses = unit_condition("unit_id", scope),
        incidents = unit_condition("unit_id", scope),
    );
    let row = read!(db, fetch_one, FactsRow, &sql, organisation_id)?;
    Ok(MaturityFacts {
        systems: row.systems,
        assets: row.assets,
        classified_systems: row.classified_systems,
        approved_analyses: row.approved_analyses,
        closed_incidents: row.closed_incidents,
        risk_method_recorded: row.methods > 0,
        measure_follow_ups: row.measure_follow_ups,
    })
}
