//! New register entries, a statement's worth at a time: the rows themselves and, for
//! systems, their information owners and first history versions.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use tillit_domain::registers::{AssetDraft, SystemDraft};
use tillit_domain::search::fold;

use super::{execute, fetch, insert_pairs, values_sql, Value};
use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::registers::systems::search_name;
use crate::registers::{json_text, InformationSystem, SystemSnapshot};
use crate::Actor;

/// The organisation's accounts by id, with their display names.
pub(in crate::registers) async fn user_names(
    tx: &mut Tx,
    organisation_id: i64,
) -> Result<HashMap<i64, String>> {
    let rows: Vec<(i64, String)> = fetch(
        tx,
        "SELECT id, display_name FROM app_user WHERE organisation_id = $1",
        &[Value::Int(organisation_id)],
    )
    .await?;
    Ok(rows.into_iter().collect())
}

/// Adds one statement's worth of systems, created at `at` under `designations`, with
/// their information owners and first history versions. Returns their snapshots in the
/// order of `drafts`; `names` are the organisation's accounts, as [`user_names`] gives.
pub(in crate::registers) async fn insert_systems(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    at: DateTime<Utc>,
    drafts: &[&SystemDraft],
    designations: &[String],
    names: &HashMap<i64, String>,
) -> Result<Vec<SystemSnapshot>> {
    let ids = insert_system_rows(tx, organisation_id, at, drafts, designations).await?;
    let snapshots: Vec<SystemSnapshot> = drafts
        .iter()
        .zip(designations)
        .map(|(draft, designation)| {
            let id = ids
                .get(designation.as_str())
                .copied()
                .ok_or(StoreError::Conflict)?;
            Ok(snapshot(organisation_id, id, designation, draft, at, names))
        })
        .collect::<Result<_>>()?;
    let owners: Vec<(i64, i64)> = snapshots
        .iter()
        .flat_map(|s| s.owner_ids.iter().map(|owner| (s.system.id, *owner)))
        .collect();
    insert_pairs(tx, "information_system_owner (system_id, user_id)", &owners).await?;
    insert_history(tx, actor, &snapshots).await?;
    Ok(snapshots)
}

/// Returns the new ids by designation.
async fn insert_system_rows(
    tx: &mut Tx,
    organisation_id: i64,
    at: DateTime<Utc>,
    drafts: &[&SystemDraft],
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
    let rows: Vec<(String, i64)> = fetch(tx, &sql, &values)
        .await
        .map_err(|e| e.on_unique("information_system_designation_key", "designation"))?;
    Ok(rows.into_iter().collect())
}

/// The first version of a new system, as its history and audit trail keep it.
fn snapshot(
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

async fn insert_history(tx: &mut Tx, actor: &Actor, snapshots: &[SystemSnapshot]) -> Result<()> {
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
    execute(tx, &sql, &values).await
}

/// Adds one statement's worth of information assets, created at `at`; returns their ids
/// in the order of `drafts`.
///
/// Ids come from a sequence (PostgreSQL) or the rowid counter (SQLite), drawn row by row
/// in the order of the VALUES list, so the returned ids sorted ascending are in that
/// order even when another session draws ids in between. (RETURNING itself promises
/// no order.)
pub(in crate::registers) async fn insert_asset_rows(
    tx: &mut Tx,
    organisation_id: i64,
    at: DateTime<Utc>,
    drafts: &[&AssetDraft],
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
    let rows: Vec<(i64,)> = fetch(tx, &sql, &values).await?;
    let mut ids: Vec<i64> = rows.into_iter().map(|(id,)| id).collect();
    ids.sort_unstable();
    if ids.len() != drafts.len() {
        return Err(StoreError::Conflict);
    }
    Ok(ids)
}
