//! The organisation's own protection requirements, beside the built-in catalogue.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::classification::{OwnRequirementInput, Requirement};

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::{now, Actor};

/// An own requirement as stored: one language, controls and sources as text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OwnRequirement {
    pub id: i64,
    pub organisation_id: i64,
    pub code: String,
    pub aspect: String,
    pub min_level: i64,
    pub category: String,
    pub title: String,
    pub description: String,
    pub procurement: String,
    /// Controls separated by commas.
    pub iso27002: String,
    /// One source per line.
    pub sources: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OwnRequirement {
    /// The stored fields as the form typed them, to validate or to fill a form with.
    pub fn as_input(&self) -> OwnRequirementInput {
        OwnRequirementInput {
            code: self.code.clone(),
            aspect: self.aspect.clone(),
            min_level: Some(self.min_level),
            category: self.category.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            procurement: self.procurement.clone(),
            iso27002: self.iso27002.clone(),
            sources: self.sources.clone(),
        }
    }
}

const COLUMNS: &str =
    "id, organisation_id, code, aspect, min_level, category, title, description, procurement, \
     iso27002, sources, version, created_at, updated_at";

pub async fn list_own_requirements(db: &Db, organisation_id: i64) -> Result<Vec<OwnRequirement>> {
    let sql =
        format!("SELECT {COLUMNS} FROM own_requirement WHERE organisation_id = $1 ORDER BY code");
    Ok(read!(db, fetch_all, OwnRequirement, &sql, organisation_id)?)
}

pub async fn get_own_requirement(db: &Db, organisation_id: i64, id: i64) -> Result<OwnRequirement> {
    let sql =
        format!("SELECT {COLUMNS} FROM own_requirement WHERE organisation_id = $1 AND id = $2");
    read!(
        db,
        fetch_optional,
        OwnRequirement,
        &sql,
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)
}

async fn get_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<OwnRequirement> {
    let sql =
        format!("SELECT {COLUMNS} FROM own_requirement WHERE organisation_id = $1 AND id = $2");
    in_tx!(
        &mut *tx,
        fetch_optional,
        OwnRequirement,
        &sql,
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)
}

fn controls_text(requirement: &Requirement) -> String {
    requirement
        .iso27002
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

pub async fn create_own_requirement(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    requirement: &Requirement,
) -> Result<OwnRequirement> {
    let mut tx = db.begin().await?;
    let stamp = now();
    let id = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "INSERT INTO own_requirement (organisation_id, code, aspect, min_level, category, title, description, procurement, \
         iso27002, sources, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11) RETURNING id",
        organisation_id,
        requirement.id.as_str(),
        requirement.aspect.as_str(),
        i64::from(requirement.min_level.get()),
        requirement.category.as_str(),
        requirement.title.sv.as_str(),
        requirement.description.sv.as_str(),
        requirement.procurement.sv.as_str(),
        controls_text(requirement),
        requirement.sources.join("\n"),
        stamp
    )
    .map_err(|e| StoreError::from(e).on_unique("own_requirement_code_key", "code"))?;
    let created = get_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "own_requirement", id).after(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

/// Changes an own requirement if nobody changed it since `expected_version` was read.
pub async fn update_own_requirement(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    requirement: &Requirement,
) -> Result<OwnRequirement> {
    let mut tx = db.begin().await?;
    let before = get_tx(&mut tx, organisation_id, id).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE own_requirement SET code = $1, aspect = $2, min_level = $3, category = $4, title = $5, description = $6, \
         procurement = $7, iso27002 = $8, sources = $9, updated_at = $10, version = version + 1 \
         WHERE id = $11 AND organisation_id = $12 AND version = $13",
        requirement.id.as_str(),
        requirement.aspect.as_str(),
        i64::from(requirement.min_level.get()),
        requirement.category.as_str(),
        requirement.title.sv.as_str(),
        requirement.description.sv.as_str(),
        requirement.procurement.sv.as_str(),
        controls_text(requirement),
        requirement.sources.join("\n"),
        now(),
        id,
        organisation_id,
        expected_version
    )
    .map_err(|e| StoreError::from(e).on_unique("own_requirement_code_key", "code"))?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = get_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "own_requirement", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
