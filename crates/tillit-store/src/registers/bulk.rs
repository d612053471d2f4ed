//! Many register rows in one transaction: the large demo dataset and other loads of
//! prepared entries. Rows go in with multi-row INSERTs of up to
//! [`ROWS_PER_STATEMENT`] rows, yet every entry gets its first history version and
//! every change its own audit event, exactly as if it had been created one at a time.
//!
//! Each function checks everything it refers to belongs to the organisation before it
//! writes; a bad reference fails the whole call and, with the caller's transaction,
//! writes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::registers::{AssetDraft, SystemDraft, SystemKind};
use tillit_domain::ValidationErrors;

use super::batch::{
    self, fetch, insert_asset_rows, insert_pairs, user_names, values_sql, Value, ROWS_PER_STATEMENT,
};
use super::{
    confirmation, invalid, lock_organisation, AssetRef, InformationAsset, RegisterConfirmation,
    SystemRef,
};
use crate::audit::{self, NewEvent};
use crate::db::Tx;
use crate::designations;
use crate::error::{Result, StoreError};
use crate::{truncate_to_micros, Actor};

/// The organisation's register entries by id.
async fn system_refs(tx: &mut Tx, organisation_id: i64) -> Result<HashMap<i64, SystemRef>> {
    let rows: Vec<SystemRef> = fetch(
        tx,
        "SELECT id, designation, name FROM information_system WHERE organisation_id = $1",
        &[Value::Int(organisation_id)],
    )
    .await?;
    Ok(rows.into_iter().map(|s| (s.id, s)).collect())
}

/// Records `unknown-reference` for `field` (once) unless `id` is in `known`.
fn check_known<T>(
    errors: &mut ValidationErrors,
    known: &HashMap<i64, T>,
    field: &str,
    id: Option<i64>,
) {
    if id.is_some_and(|id| !known.contains_key(&id)) && !errors.has(field) {
        errors.add(field, "unknown-reference");
    }
}

/// Adds `drafts` to the register as created at `at`, under the next free designations
/// of their kinds (in the order given). Returns the new entries in the order of `drafts`.
pub async fn insert_systems(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    at: DateTime<Utc>,
    drafts: &[SystemDraft],
) -> Result<Vec<SystemRef>> {
    let at = truncate_to_micros(at);
    let names = user_names(tx, organisation_id).await?;
    let mut errors = ValidationErrors::new();
    for draft in drafts {
        check_known(
            &mut errors,
            &names,
            "object_owner_id",
            draft.object_owner_id,
        );
        check_known(
            &mut errors,
            &names,
            "system_administrator_id",
            draft.system_administrator_id,
        );
        for owner in &draft.owner_ids {
            check_known(&mut errors, &names, "owner_ids", Some(*owner));
        }
    }
    errors.finish(()).map_err(StoreError::Invalid)?;

    let mut designations = HashMap::new();
    for kind in SystemKind::ALL {
        let count = drafts.iter().filter(|d| d.kind == *kind).count();
        if count > 0 {
            let reserved = designations::reserve(
                tx,
                organisation_id,
                kind.as_str(),
                kind.default_prefix(),
                count,
            )
            .await?;
            designations.insert(*kind, reserved.into_iter());
        }
    }
    let designations: Vec<String> = drafts
        .iter()
        .filter_map(|d| designations.get_mut(&d.kind).and_then(Iterator::next))
        .collect();

    let mut created = Vec::with_capacity(drafts.len());
    for (chunk, chunk_designations) in drafts
        .chunks(ROWS_PER_STATEMENT)
        .zip(designations.chunks(ROWS_PER_STATEMENT))
    {
        let chunk: Vec<&SystemDraft> = chunk.iter().collect();
        let snapshots = batch::insert_systems(
            tx,
            organisation_id,
            actor,
            at,
            &chunk,
            chunk_designations,
            &names,
        )
        .await?;
        for snapshot in snapshots {
            let id = snapshot.system.id;
            audit::append(
                tx,
                actor,
                NewEvent::new(Some(organisation_id), "create", "information_system", id)
                    .after(&snapshot),
            )
            .await?;
            created.push(SystemRef {
                id,
                designation: snapshot.system.designation,
                name: snapshot.system.name,
            });
        }
    }
    Ok(created)
}

/// Adds `drafts` to the register of information assets as created at `at`. Returns the
/// new assets in the order of `drafts`.
pub async fn insert_assets(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    at: DateTime<Utc>,
    drafts: &[AssetDraft],
) -> Result<Vec<AssetRef>> {
    let at = truncate_to_micros(at);
    let names = user_names(tx, organisation_id).await?;
    let units: HashMap<i64, String> = fetch::<(i64, String)>(
        tx,
        "SELECT id, name FROM org_unit WHERE organisation_id = $1",
        &[Value::Int(organisation_id)],
    )
    .await?
    .into_iter()
    .collect();
    let mut errors = ValidationErrors::new();
    for draft in drafts {
        check_known(&mut errors, &names, "owner_id", Some(draft.owner_id));
        check_known(&mut errors, &units, "unit_id", draft.unit_id);
    }
    errors.finish(()).map_err(StoreError::Invalid)?;

    let mut created = Vec::with_capacity(drafts.len());
    for chunk in drafts.chunks(ROWS_PER_STATEMENT) {
        let chunk: Vec<&AssetDraft> = chunk.iter().collect();
        let ids = insert_asset_rows(tx, organisation_id, at, &chunk).await?;
        for (draft, id) in chunk.iter().zip(ids) {
            let asset = InformationAsset {
                id,
                organisation_id,
                name: draft.name.clone(),
                description: draft.description.clone(),
                form: draft.form.as_str().to_owned(),
                owner_id: draft.owner_id,
                owner_name: names.get(&draft.owner_id).cloned().unwrap_or_default(),
                unit_id: draft.unit_id,
                unit_name: draft.unit_id.and_then(|u| units.get(&u).cloned()),
                processes: draft.processes.clone(),
                contains_personal_data: draft.contains_personal_data,
                personal_data_categories: draft
                    .personal_data_categories
                    .iter()
                    .map(|c| c.as_str().to_owned())
                    .collect(),
                business_critical: draft.business_critical,
                version: 1,
                created_at: at,
                updated_at: at,
            };
            audit::append(
                tx,
                actor,
                NewEvent::new(Some(organisation_id), "create", "information_asset", id)
                    .after(&asset),
            )
            .await?;
            created.push(AssetRef {
                id,
                name: asset.name,
            });
        }
    }
    Ok(created)
}

/// The organisation's dependencies as (system, depends on) pairs.
async fn existing_dependencies(tx: &mut Tx, organisation_id: i64) -> Result<Vec<(i64, i64)>> {
    fetch(
        tx,
        "SELECT d.system_id, d.depends_on_id FROM system_dependency d JOIN information_system s ON s.id = d.system_id \
         WHERE s.organisation_id = $1",
        &[Value::Int(organisation_id)],
    )
    .await
}

/// Whether the directed graph of `edges` has a cycle (Kahn's algorithm: a graph is
/// acyclic exactly when repeatedly removing nodes without incoming edges removes all).
fn has_cycle(edges: &[(i64, i64)]) -> bool {
    let mut incoming: HashMap<i64, usize> = HashMap::new();
    let mut outgoing: HashMap<i64, Vec<i64>> = HashMap::new();
    for (from, to) in edges {
        incoming.entry(*from).or_insert(0);
        *incoming.entry(*to).or_insert(0) += 1;
        outgoing.entry(*from).or_default().push(*to);
    }
    let mut ready: Vec<i64> = incoming
        .iter()
        .filter(|(_, n)| **n == 0)
        .map(|(node, _)| *node)
        .collect();
    let mut removed = 0;
    while let Some(node) = ready.pop() {
        removed += 1;
        for next in outgoing.get(&node).into_iter().flatten() {
            if let Some(n) = incoming.get_mut(next) {
                *n -= 1;
                if *n == 0 {
                    ready.push(*next);
                }
            }
        }
    }
    removed < incoming.len()
}

#[derive(Serialize)]
struct Dependency<'a> {
    depends_on_id: i64,
    depends_on: &'a str,
}

/// Records that each `(system_id, depends_on_id)` pair's system depends on the other.
/// Both must be entries of the organisation (`system_id` / `depends_on_id`,
/// `unknown-reference`); a pair already recorded or given twice is a duplicate, and a
/// set that would close a cycle with the existing graph is refused (`depends_on_id`,
/// `cycle`).
pub async fn add_dependencies(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    pairs: &[(i64, i64)],
) -> Result<()> {
    lock_organisation(tx, organisation_id).await?;
    let systems = system_refs(tx, organisation_id).await?;
    let mut errors = ValidationErrors::new();
    for (system, depends_on) in pairs {
        check_known(&mut errors, &systems, "system_id", Some(*system));
        check_known(&mut errors, &systems, "depends_on_id", Some(*depends_on));
    }
    errors.finish(()).map_err(StoreError::Invalid)?;
    let mut graph = existing_dependencies(tx, organisation_id).await?;
    let mut seen: HashSet<(i64, i64)> = graph.iter().copied().collect();
    for pair in pairs {
        if pair.0 == pair.1 {
            return Err(invalid("depends_on_id", "cycle"));
        }
        if !seen.insert(*pair) {
            return Err(StoreError::Duplicate {
                field: "depends_on_id",
            });
        }
    }
    graph.extend_from_slice(pairs);
    if has_cycle(&graph) {
        return Err(invalid("depends_on_id", "cycle"));
    }
    insert_pairs(tx, "system_dependency (system_id, depends_on_id)", pairs).await?;
    for (system, depends_on) in pairs {
        let after = Dependency {
            depends_on_id: *depends_on,
            depends_on: systems
                .get(depends_on)
                .map_or("", |s| s.designation.as_str()),
        };
        audit::append(
            tx,
            actor,
            NewEvent::new(
                Some(organisation_id),
                "add_dependency",
                "information_system",
                system,
            )
            .after(&after),
        )
        .await?;
    }
    Ok(())
}

#[derive(Serialize)]
struct Link<'a> {
    asset_id: i64,
    system_id: i64,
    designation: &'a str,
}

/// Records that each `(asset_id, system_id)` pair's system holds the asset. Both must
/// belong to the organisation (`asset_id` / `system_id`, `unknown-reference`); a link
/// already recorded or given twice is a duplicate.
pub async fn link_assets(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    pairs: &[(i64, i64)],
) -> Result<()> {
    let systems = system_refs(tx, organisation_id).await?;
    let mut errors = ValidationErrors::new();
    for (_, system) in pairs {
        check_known(&mut errors, &systems, "system_id", Some(*system));
    }
    let mut assets: Vec<i64> = pairs.iter().map(|(asset, _)| *asset).collect();
    assets.sort_unstable();
    assets.dedup();
    // The assets are checked, and their existing links read, a statement's worth at a
    // time rather than by reading every asset of the organisation.
    let mut seen: HashSet<(i64, i64)> = HashSet::new();
    for chunk in assets.chunks(ROWS_PER_STATEMENT) {
        let ids = values_sql("?", chunk.len(), 1);
        let mut values = vec![Value::Int(organisation_id)];
        values.extend(chunk.iter().map(|id| Value::Int(*id)));
        let found: Vec<(i64,)> = fetch(
            tx,
            &format!(
                "SELECT COUNT(*) FROM information_asset WHERE organisation_id = $1 AND id IN ({ids})"
            ),
            &values,
        )
        .await?;
        if found.first().map(|(n,)| *n) != i64::try_from(chunk.len()).ok() {
            errors.add("asset_id", "unknown-reference");
            break;
        }
        let linked = format!(
            "SELECT asset_id, system_id FROM asset_system WHERE asset_id IN ({})",
            values_sql("?", chunk.len(), 0)
        );
        let existing: Vec<(i64, i64)> = fetch(tx, &linked, &values[1..]).await?;
        seen.extend(existing);
    }
    errors.finish(()).map_err(StoreError::Invalid)?;
    if !pairs.iter().all(|pair| seen.insert(*pair)) {
        return Err(StoreError::Duplicate { field: "system_id" });
    }
    insert_pairs(tx, "asset_system (asset_id, system_id)", pairs).await?;
    for (asset, system) in pairs {
        let link = Link {
            asset_id: *asset,
            system_id: *system,
            designation: systems.get(system).map_or("", |s| s.designation.as_str()),
        };
        audit::append(
            tx,
            actor,
            NewEvent::new(
                Some(organisation_id),
                "link_system",
                "information_asset",
                asset,
            )
            .after(&link),
        )
        .await?;
    }
    Ok(())
}

/// Records a confirmation of the register made by `confirmer` at `at` (for data that
/// comes with its own past, such as the demo), listing what changed between the
/// confirmation before it and `at`. `actor` is who writes the record.
pub async fn record_confirmation(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    confirmer: &Actor,
    at: DateTime<Utc>,
    note: &str,
) -> Result<RegisterConfirmation> {
    let at = truncate_to_micros(at);
    confirmation::record(tx, organisation_id, actor, confirmer, note, Some(at)).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cycles_are_found_in_any_part_of_the_graph() {
        assert!(!has_cycle(&[]));
        assert!(!has_cycle(&[(1, 2), (2, 3), (1, 3), (4, 3)]));
        assert!(has_cycle(&[(1, 2), (2, 1)]));
        assert!(has_cycle(&[(9, 8), (1, 2), (2, 3), (3, 1)]));
        assert!(has_cycle(&[(5, 5)]));
    }
}
