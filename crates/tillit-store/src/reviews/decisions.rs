//! The decisions a management review takes, each with an owner and a due date, and
//! what each became: a measure in the action plan or a task for its owner.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::review::DecisionDraft;
use tillit_domain::risk::{MeasureDraft, RiskMatrix};

use super::{refused, review_tx};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::user_in_organisation;
use crate::risk::Measure;
use crate::tasks::{self, NewTask, Task};
use crate::{now, Actor};

/// The kind of task a decision becomes.
pub const DECISION_TASK: &str = "review_decision";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Decision {
    pub id: i64,
    pub organisation_id: i64,
    pub review_id: i64,
    /// 1, 2, … within the review.
    pub number: i64,
    pub text: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub due_on: NaiveDate,
    pub measure_id: Option<i64>,
    pub measure_designation: Option<String>,
    pub task_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl Decision {
    /// Whether it has already become a measure or a task.
    pub fn is_converted(&self) -> bool {
        self.measure_id.is_some() || self.task_id.is_some()
    }
}

const SELECT: &str = "SELECT d.id, d.organisation_id, d.review_id, d.number, d.text, d.owner_id, \
    u.display_name AS owner_name, d.due_on, d.measure_id, m.designation AS measure_designation, d.task_id, \
    d.created_at FROM management_review_decision d JOIN app_user u ON u.id = d.owner_id \
    LEFT JOIN measure m ON m.id = d.measure_id";

async fn decision_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Decision> {
    let sql = format!("{SELECT} WHERE d.id = $1 AND d.organisation_id = $2");
    in_tx!(
        &mut *tx,
        fetch_optional,
        Decision,
        &sql,
        id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)
}

pub async fn get_decision(db: &Db, organisation_id: i64, id: i64) -> Result<Decision> {
    let sql = format!("{SELECT} WHERE d.id = $1 AND d.organisation_id = $2");
    read!(db, fetch_optional, Decision, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

/// The decisions of a review in the order they were taken.
pub async fn decisions(db: &Db, organisation_id: i64, review_id: i64) -> Result<Vec<Decision>> {
    let sql =
        format!("{SELECT} WHERE d.review_id = $1 AND d.organisation_id = $2 ORDER BY d.number");
    Ok(read!(
        db,
        fetch_all,
        Decision,
        &sql,
        review_id,
        organisation_id
    )?)
}

/// Records a decision of the meeting. The owner must be an account of the organisation.
pub async fn add_decision(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    review_id: i64,
    draft: &DecisionDraft,
) -> Result<Decision> {
    let mut tx = db.begin().await?;
    let decision =
        add_decision_in(&mut tx, organisation_id, actor, review_id, draft, now()).await?;
    tx.commit().await?;
    Ok(decision)
}

/// [`add_decision`] inside the caller's transaction, recorded at `at`.
pub async fn add_decision_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    review_id: i64,
    draft: &DecisionDraft,
    at: DateTime<Utc>,
) -> Result<Decision> {
    review_tx(tx, organisation_id, review_id).await?;
    if !user_in_organisation(tx, organisation_id, draft.owner_id).await? {
        return Err(refused("owner_id", "unknown-reference"));
    }
    let number = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "SELECT COALESCE(MAX(number), 0) + 1 FROM management_review_decision WHERE review_id = $1",
        review_id
    )?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO management_review_decision (organisation_id, review_id, number, text, owner_id, due_on, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
        organisation_id,
        review_id,
        number,
        draft.text.as_str(),
        draft.owner_id,
        draft.due_on,
        at
    )?;
    let decision = decision_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "create",
            "management_review_decision",
            id,
        )
        .after(&decision),
    )
    .await?;
    Ok(decision)
}

/// The decision, if it has not yet become a measure or a task.
async fn unconverted(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Decision> {
    let decision = decision_tx(tx, organisation_id, id).await?;
    if decision.is_converted() {
        return Err(refused("target", "decision-converted"));
    }
    Ok(decision)
}

/// Records what the decision became, in the same transaction as the measure or task.
async fn mark_converted(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    before: &Decision,
    column: &str,
    target_id: i64,
) -> Result<Decision> {
    let sql = format!(
        "UPDATE management_review_decision SET {column} = $1 WHERE id = $2 AND organisation_id = $3 \
         AND measure_id IS NULL AND task_id IS NULL"
    );
    if exec_tx!(&mut *tx, &sql, target_id, before.id, organisation_id)? == 0 {
        return Err(StoreError::Conflict);
    }
    let after = decision_tx(tx, organisation_id, before.id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "convert",
            "management_review_decision",
            before.id,
        )
        .before(before)
        .after(&after),
    )
    .await?;
    Ok(after)
}

/// Turns the decision into a measure of the action plan; both or neither are written.
pub async fn decision_to_measure(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    draft: &MeasureDraft,
    matrix: &RiskMatrix,
) -> Result<(Decision, Measure)> {
    let mut tx = db.begin().await?;
    let result =
        decision_to_measure_in(&mut tx, organisation_id, actor, id, draft, matrix, now()).await?;
    tx.commit().await?;
    Ok(result)
}

/// [`decision_to_measure`] inside the caller's transaction, at `at`.
pub async fn decision_to_measure_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    draft: &MeasureDraft,
    matrix: &RiskMatrix,
    at: DateTime<Utc>,
) -> Result<(Decision, Measure)> {
    let before = unconverted(tx, organisation_id, id).await?;
    let measure =
        crate::risk::create_measure_in(tx, organisation_id, actor, draft, matrix, at).await?;
    let after = mark_converted(
        tx,
        organisation_id,
        actor,
        &before,
        "measure_id",
        measure.id,
    )
    .await?;
    Ok((after, measure))
}

/// Turns the decision into a task for its owner, due when the decision is; the task is
/// about the review, whose page lists the decision.
pub async fn decision_to_task(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
) -> Result<(Decision, Task)> {
    let mut tx = db.begin().await?;
    let before = unconverted(&mut tx, organisation_id, id).await?;
    let task = tasks::create_task_in(
        &mut tx,
        organisation_id,
        actor,
        &NewTask {
            assignee_id: Some(before.owner_id),
            kind: DECISION_TASK,
            subject_kind: "management_review",
            subject_id: before.review_id,
            note: &before.text,
            due_on: Some(before.due_on),
        },
    )
    .await?;
    let after =
        mark_converted(&mut tx, organisation_id, actor, &before, "task_id", task.id).await?;
    tx.commit().await?;
    Ok((after, task))
}
