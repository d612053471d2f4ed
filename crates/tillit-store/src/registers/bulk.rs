//! Many register rows in one transaction: the large demo dataset and other loads of
//! prepared entries. Rows go in with multi-row INSERTs of up to [`ROWS_PER_STATEMENT`]
//! rows, yet every entry gets its first history version and every change its own audit
//! event, exactly as if it had been created one at a time.
//!
//! Each function checks everything it refers to belongs to the organisation before it
//! writes; a bad reference fails the whole call and, with the caller's transaction,
//! writes nothing.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;
use tillit_domain::registers::{format_designation, AssetDraft, SystemDraft, SystemKind};
use tillit_domain::search::fold;
use tillit_domain::ValidationErrors;

use super::systems::search_name;
use super::{
    invalid, json_text, lock_organisation, AssetRef, InformationAsset, InformationSystem,
    RegisterConfirmation, SystemRef, SystemSnapshot,
};
use crate::audit::{self, NewEvent};
use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::{truncate_to_micros, Actor};

/// Rows per INSERT statement (and ids per `IN` list): well below both engines' limits
/// on bound values (32,766 on SQLite, 65,535 on PostgreSQL). Larger statements save
/// little: sqlx looks up every numbered placeholder by name, which grows with the
/// square of their number on SQLite.
const ROWS_PER_STATEMENT: usize = 100;

/// A value bound to a statement built here.
enum Value<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    Owned(String),
    Bool(bool),
    Time(DateTime<Utc>),
}

macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                Value::Int(v) => query.bind(*v),
                Value::OptInt(v) => query.bind(*v),
                Value::Text(v) => query.bind(*v),
                Value::Owned(v) => query.bind(v.as_str()),
                Value::Bool(v) => query.bind(*v),
                Value::Time(v) => query.bind(*v),
            };
        }
        query
    }};
}

async fn execute(tx: &mut Tx, sql: &str, values: &[Value<'_>]) -> Result<u64> {
    let done = match tx {
        Tx::Sqlite(t) => bind_values!(sqlx::query(sql), values)
            .execute(&mut **t)
            .await
            .map(|r| r.rows_affected()),
        Tx::Postgres(t) => bind_values!(sqlx::query(sql), values)
            .execute(&mut **t)
            .await
            .map(|r| r.rows_affected()),
    };
    Ok(done?)
}

async fn fetch_rows<R>(tx: &mut Tx, sql: &str, values: &[Value<'_>]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    let rows = match tx {
        Tx::Sqlite(t) => {
            bind_values!(sqlx::query_as::<_, R>(sql), values)
                .fetch_all(&mut **t)
                .await
        }
        Tx::Postgres(t) => {
            bind_values!(sqlx::query_as::<_, R>(sql), values)
                .fetch_all(&mut **t)
                .await
        }
    };
    Ok(rows?)
}

/// `rows` copies of `template` joined by commas, each `?` replaced by the next free
/// placeholder. `$1`..`$shared` in the template are values every row shares, bound first.
fn values_sql(template: &str, rows: usize, shared: usize) -> String {
    let mut sql = String::with_capacity(rows * (template.len() + 16));
    let mut next = shared + 1;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        for c in template.chars() {
            if c == '?' {
                sql.push('$');
                sql.push_str(&next.to_string());
                next += 1;
            } else {
                sql.push(c);
            }
        }
    }
    sql
}

/// The organisation's accounts by id, with their display names.
async fn user_names(tx: &mut Tx, organisation_id: i64) -> Result<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = fetch_rows(
        tx,
        "SELECT id, display_name FROM app_user WHERE organisation_id = $1",
        &[Value::Int(organisation_id)],
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// The organisation's register entries by id.
async fn system_refs(tx: &mut Tx, organisation_id: i64) -> Result<HashMap<i64, SystemRef>> {
    let rows: Vec<SystemRef> = fetch_rows(
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

/// Hands out `count` consecutive designations for `kind`, in one statement that also
/// locks the counter row until the transaction ends.
async fn reserve_designations(
    tx: &mut Tx,
    organisation_id: i64,
    kind: SystemKind,
    count: usize,
) -> Result<Vec<String>> {
    let count = i64::try_from(count).map_err(|_| invalid("count", "out-of-range"))?;
    let (prefix, last) = in_tx!(
        &mut *tx,
        fetch_one,
        (String, i64),
        "INSERT INTO designation_counter (organisation_id, kind, prefix, last_number) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organisation_id, kind) DO UPDATE SET last_number = designation_counter.last_number + $4 \
         RETURNING prefix, last_number",
        organisation_id,
        kind.as_str(),
        kind.default_prefix(),
        count
    )?;
    Ok((last - count + 1..=last)
        .map(|n| format_designation(&prefix, n))
        .collect())
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
            let reserved = reserve_designations(tx, organisation_id, *kind, count).await?;
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
        let ids = insert_system_rows(tx, organisation_id, at, chunk, chunk_designations).await?;
        let snapshots: Vec<SystemSnapshot> = chunk
            .iter()
            .zip(chunk_designations)
            .map(|(draft, designation)| {
                let id = ids.get(designation.as_str()).copied().ok_or_else(|| {
                    StoreError::Audit(format!("no id came back for {designation}"))
                })?;
                Ok(system_snapshot(
                    organisation_id,
                    id,
                    designation,
                    draft,
                    at,
                    &names,
                ))
            })
            .collect::<Result<_>>()?;
        insert_owner_rows(tx, &snapshots).await?;
        insert_history_rows(tx, actor, &snapshots).await?;
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

/// Inserts one statement's worth of entries; returns their ids by designation.
async fn insert_system_rows(
    tx: &mut Tx,
    organisation_id: i64,
    at: DateTime<Utc>,
    drafts: &[SystemDraft],
    designations: &[String],
) -> Result<HashMap<String, i64>> {
    let sql = format!(
        "INSERT INTO information_system (organisation_id, created_at, updated_at, designation, name, search_name, kind, \
         functionality, essential_services, in_cyber_security_act_scope, criticality, object_owner_id, system_administrator_id, \
         supplier, sub_suppliers, hosting, storage_country, acceptable_recovery_time_hours) VALUES {} RETURNING designation, id",
        values_sql(
            "($1, $2, $2, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            drafts.len(),
            2
        )
    );
    let mut values = vec![Value::Int(organisation_id), Value::Time(at)];
    for (draft, designation) in drafts.iter().zip(designations) {
        values.extend([
            Value::Text(designation),
            Value::Text(&draft.name),
            Value::Owned(search_name(designation, &draft.name)),
            Value::Text(draft.kind.as_str()),
            Value::Text(&draft.functionality),
            Value::Text(&draft.essential_services),
            Value::Bool(draft.in_cyber_security_act_scope),
            Value::Text(draft.criticality.as_str()),
            Value::OptInt(draft.object_owner_id),
            Value::OptInt(draft.system_administrator_id),
            Value::Text(&draft.supplier),
            Value::Text(&draft.sub_suppliers),
            Value::Text(draft.hosting.as_str()),
            Value::Text(&draft.storage_country),
            Value::OptInt(draft.acceptable_recovery_time_hours),
        ]);
    }
    let rows: Vec<(String, i64)> = fetch_rows(tx, &sql, &values)
        .await
        .map_err(|e| e.on_unique("information_system_designation_key", "designation"))?;
    Ok(rows.into_iter().collect())
}

/// The entry as stored by [`insert_system_rows`], as its history and audit trail keep it.
fn system_snapshot(
    organisation_id: i64,
    id: i64,
    designation: &str,
    draft: &SystemDraft,
    at: DateTime<Utc>,
    names: &HashMap<i64, String>,
) -> SystemSnapshot {
    let name_of = |id: Option<i64>| id.and_then(|id| names.get(&id).cloned());
    SystemSnapshot {
        system: InformationSystem {
            id,
            organisation_id,
            designation: designation.to_owned(),
            name: draft.name.clone(),
            kind: draft.kind.as_str().to_owned(),
            functionality: draft.functionality.clone(),
            essential_services: draft.essential_services.clone(),
            in_cyber_security_act_scope: draft.in_cyber_security_act_scope,
            criticality: draft.criticality.as_str().to_owned(),
            object_owner_id: draft.object_owner_id,
            object_owner_name: name_of(draft.object_owner_id),
            system_administrator_id: draft.system_administrator_id,
            system_administrator_name: name_of(draft.system_administrator_id),
            supplier: draft.supplier.clone(),
            sub_suppliers: draft.sub_suppliers.clone(),
            hosting: draft.hosting.as_str().to_owned(),
            storage_country: draft.storage_country.clone(),
            acceptable_recovery_time_hours: draft.acceptable_recovery_time_hours,
            version: 1,
            created_at: at,
            updated_at: at,
        },
        owner_ids: draft.owner_ids.clone(),
    }
}

async fn insert_owner_rows(tx: &mut Tx, snapshots: &[SystemSnapshot]) -> Result<()> {
    let pairs: Vec<(i64, i64)> = snapshots
        .iter()
        .flat_map(|s| s.owner_ids.iter().map(|owner| (s.system.id, *owner)))
        .collect();
    for chunk in pairs.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO information_system_owner (system_id, user_id) VALUES {}",
            values_sql("(?, ?)", chunk.len(), 0)
        );
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|(system, user)| [Value::Int(*system), Value::Int(*user)])
            .collect();
        execute(tx, &sql, &values).await?;
    }
    Ok(())
}

async fn insert_history_rows(
    tx: &mut Tx,
    actor: &Actor,
    snapshots: &[SystemSnapshot],
) -> Result<()> {
    if snapshots.is_empty() {
        return Ok(());
    }
    let sql = format!(
        "INSERT INTO information_system_history (changed_by, changed_by_label, organisation_id, system_id, version, changed_at, snapshot) \
         VALUES {}",
        values_sql("($1, $2, ?, ?, ?, ?, ?)", snapshots.len(), 2)
    );
    let mut values = vec![Value::OptInt(actor.user_id), Value::Text(&actor.label)];
    for snapshot in snapshots {
        let system = &snapshot.system;
        values.extend([
            Value::Int(system.organisation_id),
            Value::Int(system.id),
            Value::Int(system.version),
            Value::Time(system.updated_at),
            Value::Owned(json_text(snapshot)),
        ]);
    }
    execute(tx, &sql, &values).await?;
    Ok(())
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
    let units: HashMap<i64, String> = fetch_rows::<(i64, String)>(
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
        let ids = insert_asset_rows(tx, organisation_id, at, chunk).await?;
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

/// Inserts one statement's worth of assets; returns their ids in the order of `drafts`.
///
/// Ids come from a sequence (PostgreSQL) or the rowid counter (SQLite), drawn row by row
/// in the order of the VALUES list, so the returned ids sorted ascending are in that
/// order even when another session draws ids in between. (RETURNING itself promises
/// no order.)
async fn insert_asset_rows(
    tx: &mut Tx,
    organisation_id: i64,
    at: DateTime<Utc>,
    drafts: &[AssetDraft],
) -> Result<Vec<i64>> {
    let sql = format!(
        "INSERT INTO information_asset (organisation_id, created_at, updated_at, name, search_name, description, form, owner_id, \
         unit_id, processes, contains_personal_data, personal_data_categories, business_critical) VALUES {} RETURNING id",
        values_sql("($1, $2, $2, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", drafts.len(), 2)
    );
    let mut values = vec![Value::Int(organisation_id), Value::Time(at)];
    for draft in drafts {
        let categories: Vec<&str> = draft
            .personal_data_categories
            .iter()
            .map(|c| c.as_str())
            .collect();
        values.extend([
            Value::Text(&draft.name),
            Value::Owned(fold(&draft.name)),
            Value::Text(&draft.description),
            Value::Text(draft.form.as_str()),
            Value::Int(draft.owner_id),
            Value::OptInt(draft.unit_id),
            Value::Text(&draft.processes),
            Value::Bool(draft.contains_personal_data),
            Value::Owned(json_text(&categories)),
            Value::Bool(draft.business_critical),
        ]);
    }
    let rows: Vec<(i64,)> = fetch_rows(tx, &sql, &values).await?;
    let mut ids: Vec<i64> = rows.into_iter().map(|(id,)| id).collect();
    ids.sort_unstable();
    if ids.len() != drafts.len() {
        return Err(StoreError::Audit(format!(
            "{} assets inserted, {} ids came back",
            drafts.len(),
            ids.len()
        )));
    }
    Ok(ids)
}

/// The organisation's dependencies as (system, depends on) pairs.
async fn existing_dependencies(tx: &mut Tx, organisation_id: i64) -> Result<Vec<(i64, i64)>> {
    fetch_rows(
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
    for chunk in pairs.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO system_dependency (system_id, depends_on_id) VALUES {}",
            values_sql("(?, ?)", chunk.len(), 0)
        );
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|(s, d)| [Value::Int(*s), Value::Int(*d)])
            .collect();
        execute(tx, &sql, &values).await?;
    }
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
        let found: Vec<(i64,)> = fetch_rows(
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
        let existing: Vec<(i64, i64)> = fetch_rows(tx, &linked, &values[1..]).await?;
        seen.extend(existing);
    }
    errors.finish(()).map_err(StoreError::Invalid)?;
    if !pairs.iter().all(|pair| seen.insert(*pair)) {
        return Err(StoreError::Duplicate { field: "system_id" });
    }
    for chunk in pairs.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO asset_system (asset_id, system_id) VALUES {}",
            values_sql("(?, ?)", chunk.len(), 0)
        );
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|(a, s)| [Value::Int(*a), Value::Int(*s)])
            .collect();
        execute(tx, &sql, &values).await?;
    }
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

#[derive(FromRow)]
struct ChangedEntry {
    designation: String,
    first_version: i64,
}

#[derive(Serialize)]
struct Summary<'a> {
    note: &'a str,
    created: Vec<String>,
    changed: Vec<String>,
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
    let previous = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        DateTime<Utc>,
        "SELECT confirmed_at FROM register_confirmation WHERE organisation_id = $1 AND confirmed_at < $2 \
         ORDER BY confirmed_at DESC, id DESC LIMIT 1",
        organisation_id,
        at
    )?;
    let rows = in_tx!(
        &mut *tx,
        fetch_all,
        ChangedEntry,
        "SELECT s.designation, MIN(h.version) AS first_version FROM information_system_history h \
         JOIN information_system s ON s.id = h.system_id \
         WHERE h.organisation_id = $1 AND h.changed_at <= $2 AND ($3 IS NULL OR h.changed_at > $3) \
         GROUP BY s.designation ORDER BY s.designation",
        organisation_id,
        at,
        previous
    )?;
    let (created, changed): (Vec<_>, Vec<_>) =
        rows.into_iter().partition(|row| row.first_version == 1);
    let summary = json_text(&Summary {
        note,
        created: created.into_iter().map(|r| r.designation).collect(),
        changed: changed.into_iter().map(|r| r.designation).collect(),
    });
    let system_count = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM information_system WHERE organisation_id = $1 AND created_at <= $2",
        organisation_id,
        at
    )?;
    let confirmation = in_tx!(
        &mut *tx,
        fetch_one,
        RegisterConfirmation,
        "INSERT INTO register_confirmation (organisation_id, confirmed_at, confirmed_by, confirmed_by_label, system_count, changes_summary) \
         VALUES ($1, $2, $3, $4, $5, $6) \
         RETURNING id, organisation_id, confirmed_at, confirmed_by, confirmed_by_label, system_count, changes_summary",
        organisation_id,
        at,
        confirmer.user_id,
        confirmer.label.as_str(),
        system_count,
        summary
    )?;
    audit::append(
        tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "confirm",
            "register_confirmation",
            confirmation.id,
        )
        .after(&confirmation),
    )
    .await?;
    Ok(confirmation)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_number_row_placeholders_after_the_shared_ones() {
        assert_eq!(
            values_sql("($1, ?, ?, $2)", 3, 2),
            "($1, $3, $4, $2), ($1, $5, $6, $2), ($1, $7, $8, $2)"
        );
        assert_eq!(values_sql("(?, ?)", 2, 0), "($1, $2), ($3, $4)");
        assert_eq!(values_sql("(?)", 0, 0), "");
    }

    #[test]
    fn cycles_are_found_in_any_part_of_the_graph() {
        assert!(!has_cycle(&[]));
        assert!(!has_cycle(&[(1, 2), (2, 3), (1, 3), (4, 3)]));
        assert!(has_cycle(&[(1, 2), (2, 1)]));
        assert!(has_cycle(&[(9, 8), (1, 2), (2, 3), (3, 1)]));
        assert!(has_cycle(&[(5, 5)]));
    }
}
