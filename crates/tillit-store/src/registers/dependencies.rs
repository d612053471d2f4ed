//! The dependency graph between register entries. It is kept acyclic: a dependency that
//! would close a cycle is refused.

use serde::Serialize;

use super::{invalid, lock_organisation, system_ref_tx, SystemRef};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::Actor;

/// Whether `depends_on_id` already reaches `system_id` through existing dependencies
/// (or is it), so that adding `system_id -> depends_on_id` would close a cycle.
/// `UNION` (not `UNION ALL`) keeps the walk finite even on a damaged graph.
async fn would_close_cycle(tx: &mut Tx, system_id: i64, depends_on_id: i64) -> Result<bool> {
    let hits = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "WITH RECURSIVE reach(id) AS ( \
            SELECT CAST($1 AS BIGINT) \
            UNION SELECT d.depends_on_id FROM system_dependency d JOIN reach r ON d.system_id = r.id \
         ) SELECT COUNT(*) FROM reach WHERE id = $2",
        depends_on_id,
        system_id
    )?;
    Ok(hits > 0)
}

#[derive(Serialize)]
struct Dependency {
    depends_on_id: i64,
    depends_on: String,
}

/// Records that `system_id` depends on `depends_on_id`; both must be entries of the
/// organisation. A cycle is refused (`depends_on_id`, `cycle`), as is a duplicate.
pub async fn add_dependency(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    system_id: i64,
    depends_on_id: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    lock_organisation(&mut tx, organisation_id).await?;
    system_ref_tx(&mut tx, organisation_id, system_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let target = system_ref_tx(&mut tx, organisation_id, depends_on_id)
        .await?
        .ok_or_else(|| invalid("depends_on_id", "unknown-reference"))?;
    if would_close_cycle(&mut tx, system_id, depends_on_id).await? {
        return Err(invalid("depends_on_id", "cycle"));
    }
    let existing = in_tx_scalar!(
        &mut tx,
        fetch_optional,
        i64,
        "SELECT system_id FROM system_dependency WHERE system_id = $1 AND depends_on_id = $2",
        system_id,
        depends_on_id
    )?;
    if existing.is_some() {
        return Err(StoreError::Duplicate {
            field: "depends_on_id",
        });
    }
    exec_tx!(
        &mut tx,
        "INSERT INTO system_dependency (system_id, depends_on_id) VALUES ($1, $2)",
        system_id,
        depends_on_id
    )?;
    let after = Dependency {
        depends_on_id,
        depends_on: target.designation,
    };
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "add_dependency",
            "information_system",
            system_id,
        )
        .after(&after),
    )
    .await?;
    tx.commit().await
}

/// Removes a dependency; `NotFound` when there is none in the organisation.
pub async fn remove_dependency(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    system_id: i64,
    depends_on_id: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    system_ref_tx(&mut tx, organisation_id, system_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let target = system_ref_tx(&mut tx, organisation_id, depends_on_id)
        .await?
        .ok_or(StoreError::NotFound)?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM system_dependency WHERE system_id = $1 AND depends_on_id = $2",
        system_id,
        depends_on_id
    )?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    let before = Dependency {
        depends_on_id,
        depends_on: target.designation,
    };
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "remove_dependency",
            "information_system",
            system_id,
        )
        .before(&before),
    )
    .await?;
    tx.commit().await
}

/// The entries `id` depends on directly.
pub async fn dependencies(db: &Db, organisation_id: i64, id: i64) -> Result<Vec<SystemRef>> {
    Ok(read!(
        db,
        fetch_all,
        SystemRef,
        "SELECT s.id, s.designation, s.name FROM system_dependency d JOIN information_system s ON s.id = d.depends_on_id \
         WHERE d.system_id = $1 AND s.organisation_id = $2 ORDER BY s.designation",
        id,
        organisation_id
    )?)
}

/// The entries that depend directly on `id`.
pub async fn dependents(db: &Db, organisation_id: i64, id: i64) -> Result<Vec<SystemRef>> {
    Ok(read!(
        db,
        fetch_all,
        SystemRef,
        "SELECT s.id, s.designation, s.name FROM system_dependency d JOIN information_system s ON s.id = d.system_id \
         WHERE d.depends_on_id = $1 AND s.organisation_id = $2 ORDER BY s.designation",
        id,
        organisation_id
    )?)
}
