//! The owner's self-assessment of each requirement an object must meet.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::classification::SelfAssessment;
use tillit_domain::validation::optional_text;
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::{now, Actor, Page};

pub const HOW_MAX: usize = 4000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Assessment {
    pub id: i64,
    pub object_id: i64,
    pub requirement_code: String,
    pub status: String,
    /// How the requirement is met, or what is missing.
    pub how: String,
    pub assessed_at: DateTime<Utc>,
    pub assessed_by: Option<i64>,
    pub assessed_by_label: String,
    pub version: i64,
}

const COLUMNS: &str = "id, object_id, requirement_code, status, how, assessed_at, assessed_by, assessed_by_label, version";

pub async fn assessments(db: &Db, organisation_id: i64, object_id: i64) -> Result<Vec<Assessment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM requirement_assessment WHERE organisation_id = $1 AND object_id = $2 ORDER BY requirement_code"
    );
    Ok(read!(
        db,
        fetch_all,
        Assessment,
        &sql,
        organisation_id,
        object_id
    )?)
}

async fn assessment_tx(
    tx: &mut Tx,
    object_id: i64,
    requirement_code: &str,
) -> Result<Option<Assessment>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM requirement_assessment WHERE object_id = $1 AND requirement_code = $2"
    );
    Ok(in_tx!(
        &mut *tx,
        fetch_optional,
        Assessment,
        &sql,
        object_id,
        requirement_code
    )?)
}

/// The owner's judgement of one requirement, as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AssessmentInput<'a> {
    pub requirement_code: &'a str,
    /// The version of the assessment the user saw, `None` when there was none yet.
    pub expected_version: Option<i64>,
    pub status: SelfAssessment,
    /// How the requirement is met, or what is missing.
    pub how: &'a str,
}

/// Records the owner's judgement of one requirement. The caller checks that the
/// requirement applies to the object.
pub async fn assess(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    object_id: i64,
    input: &AssessmentInput<'_>,
) -> Result<Assessment> {
    let mut tx = db.begin().await?;
    let assessment = assess_in(&mut tx, organisation_id, actor, object_id, input, now()).await?;
    tx.commit().await?;
    Ok(assessment)
}

/// [`assess`] inside the caller's transaction, assessed at `at`.
pub async fn assess_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    object_id: i64,
    input: &AssessmentInput<'_>,
    at: DateTime<Utc>,
) -> Result<Assessment> {
    let AssessmentInput {
        requirement_code,
        expected_version,
        status,
        how,
    } = *input;
    let mut errors = ValidationErrors::new();
    let how = optional_text(&mut errors, "how", how, HOW_MAX);
    if how.is_empty() && status != SelfAssessment::NotApplicable {
        errors.add("how", "required");
    }
    errors.finish(()).map_err(StoreError::Invalid)?;
    let owned = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        i64,
        "SELECT id FROM classification_object WHERE id = $1 AND organisation_id = $2",
        object_id,
        organisation_id
    )?;
    if owned.is_none() {
        return Err(StoreError::NotFound);
    }
    let before = assessment_tx(&mut *tx, object_id, requirement_code).await?;
    let stamp = at;
    match (&before, expected_version) {
        (None, None) => {
            in_tx_scalar!(
                &mut *tx,
                fetch_one,
                i64,
                "INSERT INTO requirement_assessment (organisation_id, object_id, requirement_code, status, how, assessed_at, \
                 assessed_by, assessed_by_label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                organisation_id,
                object_id,
                requirement_code,
                status.as_str(),
                how.as_str(),
                stamp,
                actor.user_id,
                actor.label.as_str()
            )
            .map_err(|e| match &e {
                sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
                _ => StoreError::from(e),
            })?;
        }
        (Some(existing), Some(expected)) if existing.version == expected => {
            let changed = exec_tx!(
                &mut *tx,
                "UPDATE requirement_assessment SET status = $1, how = $2, assessed_at = $3, assessed_by = $4, \
                 assessed_by_label = $5, version = version + 1 WHERE id = $6 AND version = $7",
                status.as_str(),
                how.as_str(),
                stamp,
                actor.user_id,
                actor.label.as_str(),
                existing.id,
                expected
            )?;
            if changed == 0 {
                return Err(StoreError::Conflict);
            }
        }
        _ => return Err(StoreError::Conflict),
    }
    let after = assessment_tx(&mut *tx, object_id, requirement_code)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut event = NewEvent::new(
        Some(organisation_id),
        "assess",
        "requirement_assessment",
        after.id,
    );
    if let Some(before) = &before {
        event = event.before(before);
    }
    audit::append(&mut *tx, actor, event.after(&after)).await?;
    Ok(after)
}

/// A requirement judged partly met or not met: a proposed measure for the action plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UnmetRequirement {
    pub object_id: i64,
    pub object_kind: String,
    pub object_name: String,
    pub requirement_code: String,
    pub status: String,
    pub how: String,
    pub assessed_at: DateTime<Utc>,
    pub assessed_by_label: String,
}

/// Every unmet requirement in the organisation, by object and requirement.
pub async fn unmet_requirements(
    db: &Db,
    organisation_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Page<UnmetRequirement>> {
    // The statuses for which `SelfAssessment::proposes_measure` holds.
    let (first, second) = (
        SelfAssessment::Partly.as_str(),
        SelfAssessment::NotFulfilled.as_str(),
    );
    let total = read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM requirement_assessment WHERE organisation_id = $1 AND status IN ($2, $3)",
        organisation_id,
        first,
        second
    )?;
    let items = read!(
        db,
        fetch_all,
        UnmetRequirement,
        "SELECT r.object_id, o.kind AS object_kind, COALESCE(a.name, s.name, o.name) AS object_name, r.requirement_code, \
         r.status, r.how, r.assessed_at, r.assessed_by_label \
         FROM requirement_assessment r JOIN classification_object o ON o.id = r.object_id \
         LEFT JOIN information_asset a ON a.id = o.asset_id \
         LEFT JOIN information_system s ON s.id = o.system_id \
         WHERE r.organisation_id = $1 AND r.status IN ($2, $3) \
         ORDER BY COALESCE(a.search_name, s.search_name, o.search_name), r.requirement_code LIMIT $4 OFFSET $5",
        organisation_id,
        first,
        second,
        limit,
        offset
    )?;
    Ok(Page { items, total })
}
