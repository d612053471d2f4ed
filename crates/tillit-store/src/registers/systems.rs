//! Entries in the register of networks and information systems, their information
//! owners, designations and version history.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{
    parse_prefix, Criticality, SystemDraft, SystemEventKind, SystemKind, SystemSort,
    RECOVERY_HOURS_MAX,
};
use tillit_domain::search::{contains_pattern, fold};
use tillit_domain::ValidationErrors;

use super::{check_user, json_text, UserRef};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::designations;
use crate::error::{Result, StoreError};
use crate::sql::{unit_subtree, Arg, Conditions};
use crate::{now, Actor, Page};

/// An entry in the register, with the names of the people it points to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct InformationSystem {
    pub id: i64,
    pub organisation_id: i64,
    pub designation: String,
    pub name: String,
    pub kind: String,
    pub functionality: String,
    pub essential_services: String,
    pub in_cyber_security_act_scope: bool,
    pub criticality: String,
    pub object_owner_id: Option<i64>,
    pub object_owner_name: Option<String>,
    pub system_administrator_id: Option<i64>,
    pub system_administrator_name: Option<String>,
    pub supplier: String,
    pub sub_suppliers: String,
    pub hosting: String,
    pub storage_country: String,
    pub acceptable_recovery_time_hours: Option<i64>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// One version of an entry as kept in its history and in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemSnapshot {
    #[serde(flatten)]
    pub system: InformationSystem,
    /// The information owners at that version.
    pub owner_ids: Vec<i64>,
}

/// A stored earlier (or the current) version of an entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct SystemVersion {
    pub version: i64,
    pub changed_at: DateTime<Utc>,
    pub changed_by: Option<i64>,
    pub changed_by_label: String,
    /// The [`SystemSnapshot`] as JSON text.
    pub snapshot: String,
}

const SYSTEM_SELECT: &str = "SELECT s.id, s.organisation_id, s.designation, s.name, s.kind, s.functionality, s.essential_services, \
    s.in_cyber_security_act_scope, s.criticality, s.object_owner_id, o.display_name AS object_owner_name, \
    s.system_administrator_id, a.display_name AS system_administrator_name, s.supplier, s.sub_suppliers, s.hosting, \
    s.storage_country, s.acceptable_recovery_time_hours, s.version, s.created_at, s.updated_at \
    FROM information_system s LEFT JOIN app_user o ON o.id = s.object_owner_id \
    LEFT JOIN app_user a ON a.id = s.system_administrator_id";

/// What a system search matches: designation and name, folded.
pub(super) fn search_name(designation: &str, name: &str) -> String {
    fold(&format!("{designation} {name}"))
}

pub async fn get_system(db: &Db, organisation_id: i64, id: i64) -> Result<InformationSystem> {
    let sql = format!("{SYSTEM_SELECT} WHERE s.organisation_id = $1 AND s.id = $2");
    read!(
        db,
        fetch_optional,
        InformationSystem,
        &sql,
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)
}

async fn get_system_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<InformationSystem> {
    let sql = format!("{SYSTEM_SELECT} WHERE s.organisation_id = $1 AND s.id = $2");
    in_tx!(
        &mut *tx,
        fetch_optional,
        InformationSystem,
        &sql,
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)
}

/// The information owners of an entry, by name.
pub async fn system_owners(db: &Db, organisation_id: i64, id: i64) -> Result<Vec<UserRef>> {
    Ok(read!(
        db,
        fetch_all,
        UserRef,
        "SELECT u.id, u.display_name FROM information_system_owner w JOIN information_system s ON s.id = w.system_id \
         JOIN app_user u ON u.id = w.user_id WHERE s.organisation_id = $1 AND w.system_id = $2 ORDER BY u.display_name, u.id",
        organisation_id,
        id
    )?)
}

async fn snapshot_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<SystemSnapshot> {
    let system = get_system_tx(tx, organisation_id, id).await?;
    let owner_ids = in_tx_scalar!(
        &mut *tx,
        fetch_all,
        i64,
        "SELECT user_id FROM information_system_owner WHERE system_id = $1 ORDER BY user_id",
        id
    )?;
    Ok(SystemSnapshot { system, owner_ids })
}

/// Sets the organisation's designation prefix for one kind of entry. Numbering goes on
/// from where it was; a prefix used by another kind is refused.
pub async fn set_designation_prefix(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    kind: SystemKind,
    prefix: &str,
) -> Result<()> {
    let prefix = parse_prefix(prefix)?;
    let mut tx = db.begin().await?;
    let taken = in_tx_scalar!(
        &mut tx,
        fetch_optional,
        String,
        "SELECT kind FROM designation_counter WHERE organisation_id = $1 AND prefix = $2 AND kind <> $3",
        organisation_id,
        prefix.as_str(),
        kind.as_str()
    )?;
    let default_taken = SystemKind::ALL
        .iter()
        .any(|k| *k != kind && k.default_prefix() == prefix);
    if taken.is_some() || default_taken {
        return Err(super::invalid("prefix", "prefix-in-use"));
    }
    exec_tx!(
        &mut tx,
        "INSERT INTO designation_counter (organisation_id, kind, prefix, last_number) VALUES ($1, $2, $3, 0) \
         ON CONFLICT (organisation_id, kind) DO UPDATE SET prefix = excluded.prefix",
        organisation_id,
        kind.as_str(),
        prefix.as_str()
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "set_prefix",
            "designation_counter",
            kind.as_str(),
        )
        .after(&prefix),
    )
    .await?;
    tx.commit().await
}

/// Checks that the people an entry names belong to the organisation.
async fn check_system_references(
    tx: &mut Tx,
    organisation_id: i64,
    draft: &SystemDraft,
) -> Result<()> {
    let mut errors = ValidationErrors::new();
    check_user(
        tx,
        &mut errors,
        organisation_id,
        "object_owner_id",
        draft.object_owner_id,
    )
    .await?;
    check_user(
        tx,
        &mut errors,
        organisation_id,
        "system_administrator_id",
        draft.system_administrator_id,
    )
    .await?;
    check_owners(tx, &mut errors, organisation_id, &draft.owner_ids).await?;
    errors.finish(()).map_err(StoreError::Invalid)
}

async fn check_owners(
    tx: &mut Tx,
    errors: &mut ValidationErrors,
    organisation_id: i64,
    owner_ids: &[i64],
) -> Result<()> {
    for id in owner_ids {
        if !crate::references::user_in_organisation(tx, organisation_id, *id).await? {
            errors.add("owner_ids", "unknown-reference");
            break;
        }
    }
    Ok(())
}

/// Replaces the information owners of an entry.
async fn replace_owners(tx: &mut Tx, system_id: i64, owner_ids: &[i64]) -> Result<()> {
    exec_tx!(
        &mut *tx,
        "DELETE FROM information_system_owner WHERE system_id = $1",
        system_id
    )?;
    for user_id in owner_ids {
        exec_tx!(
            &mut *tx,
            "INSERT INTO information_system_owner (system_id, user_id) VALUES ($1, $2)",
            system_id,
            *user_id
        )?;
    }
    Ok(())
}

/// Keeps `snapshot` as a version in the entry's history.
async fn write_history(tx: &mut Tx, actor: &Actor, snapshot: &SystemSnapshot) -> Result<()> {
    exec_tx!(
        &mut *tx,
        "INSERT INTO information_system_history (organisation_id, system_id, version, changed_at, changed_by, changed_by_label, snapshot) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        snapshot.system.organisation_id,
        snapshot.system.id,
        snapshot.system.version,
        snapshot.system.updated_at,
        actor.user_id,
        actor.label.as_str(),
        json_text(snapshot)
    )?;
    Ok(())
}

/// Adds an entry to the register under the next free designation for its kind.
pub async fn create_system(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &SystemDraft,
) -> Result<InformationSystem> {
    let mut tx = db.begin().await?;
    let system = create_system_in(&mut tx, organisation_id, actor, draft).await?;
    tx.commit().await?;
    Ok(system)
}

pub async fn create_system_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &SystemDraft,
) -> Result<InformationSystem> {
    check_system_references(tx, organisation_id, draft).await?;
    let designation = designations::next(
        tx,
        organisation_id,
        draft.kind.as_str(),
        draft.kind.default_prefix(),
    )
    .await?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO information_system (organisation_id, designation, name, search_name, kind, functionality, essential_services, \
         in_cyber_security_act_scope, criticality, object_owner_id, system_administrator_id, supplier, sub_suppliers, hosting, \
         storage_country, acceptable_recovery_time_hours, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
        organisation_id,
        designation.as_str(),
        draft.name.as_str(),
        search_name(&designation, &draft.name),
        draft.kind.as_str(),
        draft.functionality.as_str(),
        draft.essential_services.as_str(),
        draft.in_cyber_security_act_scope,
        draft.criticality.as_str(),
        draft.object_owner_id,
        draft.system_administrator_id,
        draft.supplier.as_str(),
        draft.sub_suppliers.as_str(),
        draft.hosting.as_str(),
        draft.storage_country.as_str(),
        draft.acceptable_recovery_time_hours,
        now()
    )
    .map_err(|e| {
        StoreError::from(e).on_unique("information_system_designation_key", "designation")
    })?;
    replace_owners(tx, id, &draft.owner_ids).await?;
    let after = snapshot_tx(tx, organisation_id, id).await?;
    write_history(tx, actor, &after).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "information_system", id).after(&after),
    )
    .await?;
    // A new entry is to be classified and risk-analysed: its owners get a task.
    super::events::record_system_event_in(
        tx,
        organisation_id,
        actor,
        id,
        SystemEventKind::Added,
        "",
    )
    .await?;
    Ok(after.system)
}

/// Updates an entry if nobody changed it since `expected_version` was read. The
/// designation never changes.
pub async fn update_system(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &SystemDraft,
) -> Result<InformationSystem> {
    let mut tx = db.begin().await?;
    let before = snapshot_tx(&mut tx, organisation_id, id).await?;
    if before.system.version != expected_version {
        return Err(StoreError::Conflict);
    }
    check_system_references(&mut tx, organisation_id, draft).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE information_system SET name = $1, search_name = $2, kind = $3, functionality = $4, essential_services = $5, \
         in_cyber_security_act_scope = $6, criticality = $7, object_owner_id = $8, system_administrator_id = $9, supplier = $10, \
         sub_suppliers = $11, hosting = $12, storage_country = $13, acceptable_recovery_time_hours = $14, updated_at = $15, \
         version = version + 1 WHERE id = $16 AND organisation_id = $17 AND version = $18",
        draft.name.as_str(),
        search_name(&before.system.designation, &draft.name),
        draft.kind.as_str(),
        draft.functionality.as_str(),
        draft.essential_services.as_str(),
        draft.in_cyber_security_act_scope,
        draft.criticality.as_str(),
        draft.object_owner_id,
        draft.system_administrator_id,
        draft.supplier.as_str(),
        draft.sub_suppliers.as_str(),
        draft.hosting.as_str(),
        draft.storage_country.as_str(),
        draft.acceptable_recovery_time_hours,
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    replace_owners(&mut tx, id, &draft.owner_ids).await?;
    let after = finish_change(&mut tx, actor, "update", &before).await?;
    tx.commit().await?;
    Ok(after.system)
}

/// Replaces the information owners of an entry, as a new version of it.
pub async fn set_owners(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    owner_ids: &[i64],
) -> Result<InformationSystem> {
    let mut owners = owner_ids.to_vec();
    owners.sort_unstable();
    owners.dedup();
    let mut tx = db.begin().await?;
    let before = snapshot_tx(&mut tx, organisation_id, id).await?;
    if before.system.version != expected_version {
        return Err(StoreError::Conflict);
    }
    let mut errors = ValidationErrors::new();
    check_owners(&mut tx, &mut errors, organisation_id, &owners).await?;
    errors.finish(()).map_err(StoreError::Invalid)?;
    bump_version(&mut tx, organisation_id, id, expected_version).await?;
    replace_owners(&mut tx, id, &owners).await?;
    let after = finish_change(&mut tx, actor, "set_owners", &before).await?;
    tx.commit().await?;
    Ok(after.system)
}

/// Records the acceptable recovery time agreed in continuity planning (`None` clears
/// it), as a new version of the entry.
pub async fn set_recovery_time(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    hours: Option<i64>,
) -> Result<InformationSystem> {
    if hours.is_some_and(|h| !(0..=RECOVERY_HOURS_MAX).contains(&h)) {
        return Err(super::invalid(
            "acceptable_recovery_time_hours",
            "out-of-range",
        ));
    }
    let mut tx = db.begin().await?;
    let before = snapshot_tx(&mut tx, organisation_id, id).await?;
    if before.system.version != expected_version {
        return Err(StoreError::Conflict);
    }
    bump_version(&mut tx, organisation_id, id, expected_version).await?;
    exec_tx!(
        &mut tx,
        "UPDATE information_system SET acceptable_recovery_time_hours = $1 WHERE id = $2 AND organisation_id = $3",
        hours,
        id,
        organisation_id
    )?;
    let after = finish_change(&mut tx, actor, "set_recovery_time", &before).await?;
    tx.commit().await?;
    Ok(after.system)
}

/// Marks a new version of the entry, refusing a stale `expected_version`.
async fn bump_version(
    tx: &mut Tx,
    organisation_id: i64,
    id: i64,
    expected_version: i64,
) -> Result<()> {
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE information_system SET updated_at = $1, version = version + 1 WHERE id = $2 AND organisation_id = $3 AND version = $4",
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// Reads the changed entry back, keeps it in the history and the audit trail.
async fn finish_change(
    tx: &mut Tx,
    actor: &Actor,
    action: &str,
    before: &SystemSnapshot,
) -> Result<SystemSnapshot> {
    let organisation_id = before.system.organisation_id;
    let id = before.system.id;
    let after = snapshot_tx(tx, organisation_id, id).await?;
    write_history(tx, actor, &after).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), action, "information_system", id)
            .before(before)
            .after(&after),
    )
    .await?;
    Ok(after)
}

/// Every version of an entry, oldest first.
pub async fn system_history(db: &Db, organisation_id: i64, id: i64) -> Result<Vec<SystemVersion>> {
    Ok(read!(
        db,
        fetch_all,
        SystemVersion,
        "SELECT version, changed_at, changed_by, changed_by_label, snapshot FROM information_system_history \
         WHERE organisation_id = $1 AND system_id = $2 ORDER BY version",
        organisation_id,
        id
    )?)
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct SystemFilter {
    pub kind: Option<SystemKind>,
    pub criticality: Option<Criticality>,
    /// In (or out of) scope of cybersäkerhetslagen.
    pub in_scope: Option<bool>,
    /// Object owner or one of the information owners.
    pub owner_id: Option<i64>,
    /// Designation or name contains this text.
    pub query: Option<String>,
    /// With (or without) an approved classification.
    pub classified: Option<bool>,
    /// Only systems holding an asset of this unit or a unit below it.
    pub unit_id: Option<i64>,
    pub sort: SystemSort,
}

/// The `ORDER BY` list for a sort; the id last keeps pages stable.
fn order_by(sort: SystemSort) -> &'static str {
    match sort {
        SystemSort::Name => "s.name, s.id",
        SystemSort::Designation => "s.designation, s.id",
        SystemSort::Criticality => {
            "CASE s.criticality WHEN 'critical' THEN 0 WHEN 'high' THEN 1 WHEN 'medium' THEN 2 ELSE 3 END, s.name, s.id"
        }
        SystemSort::Updated => "s.updated_at DESC, s.id DESC",
    }
}

/// `WHERE` conditions for the filters in use, on `information_system` unaliased or as `s`.
fn list_conditions(organisation_id: i64, filter: &SystemFilter) -> Conditions {
    let mut conditions = Conditions::for_organisation("organisation_id", organisation_id);
    if let Some(kind) = filter.kind {
        conditions.and("kind = ?", Arg::Text(kind.as_str().to_owned()));
    }
    if let Some(criticality) = filter.criticality {
        conditions.and(
            "criticality = ?",
            Arg::Text(criticality.as_str().to_owned()),
        );
    }
    if let Some(in_scope) = filter.in_scope {
        conditions.and("in_cyber_security_act_scope = ?", Arg::Bool(in_scope));
    }
    if let Some(owner_id) = filter.owner_id {
        conditions.and(
            "(object_owner_id = ? OR id IN (SELECT system_id FROM information_system_owner WHERE user_id = ?))",
            Arg::Int(owner_id),
        );
    }
    if let Some(query) = filter.query.as_deref() {
        // A bare placeholder would make SQLite consider the pattern for its LIKE index
        // optimisation and re-prepare the statement every time a pattern is bound;
        // behind a CAST it is just a value. The match is the same on both engines.
        conditions.and(
            "search_name LIKE CAST(? AS TEXT) ESCAPE '\\'",
            Arg::Text(contains_pattern(query)),
        );
    }
    if let Some(classified) = filter.classified {
        let negation = if classified { "" } else { "NOT " };
        conditions.and_fixed(&format!(
            "id {negation}IN (SELECT c.system_id FROM classification_object c \
             WHERE c.system_id IS NOT NULL AND c.current_version > 0)"
        ));
    }
    if let Some(unit) = filter.unit_id {
        conditions.and(
            &format!(
                "id IN (SELECT x.system_id FROM asset_system x JOIN information_asset e ON e.id = x.asset_id \
                 WHERE e.unit_id IN ({}))",
                unit_subtree("?")
            ),
            Arg::Int(unit),
        );
    }
    conditions
}

#[derive(sqlx::FromRow)]
struct ListedSystem {
    #[sqlx(flatten)]
    system: InformationSystem,
    total: i64,
}

/// A page of entries in the filter's order, with the number of entries that match.
///
/// Only the filters in use become conditions, so the engine can walk the index on
/// (organisation, kind, name) or (organisation, name), which also holds the search
/// text: the page's ids and the count come from the index alone, and only the page's
/// own rows are read from the table. One round trip: the count rides along as an
/// uncorrelated subquery, computed once.
pub async fn list_systems(
    db: &Db,
    organisation_id: i64,
    filter: &SystemFilter,
    page: PageRequest,
) -> Result<Page<InformationSystem>> {
    let conditions = list_conditions(organisation_id, filter);
    let matching = conditions.sql();
    let limit = conditions.next_placeholder();
    let order = order_by(filter.sort);
    // The derived table is named `s` too, so one ORDER BY list fits both levels.
    let select = format!(
        "SELECT s.*, (SELECT COUNT(*) FROM information_system WHERE {matching}) AS total \
         FROM ({SYSTEM_SELECT} WHERE s.id IN (SELECT s.id FROM information_system s WHERE {matching} \
         ORDER BY {order} LIMIT ${limit} OFFSET ${offset})) s ORDER BY {order}",
        offset = limit + 1
    );
    let args = conditions.args_with([Arg::Int(page.limit()), Arg::Int(page.offset())]);
    let rows = read_args!(db, fetch_all, ListedSystem, &select, args)?;
    let total = match rows.first() {
        Some(row) => row.total,
        // Past the last page there is no row to carry the total.
        None => {
            let count = format!("SELECT COUNT(*) FROM information_system WHERE {matching}");
            read_args!(db, fetch_one, (i64,), &count, conditions.args_with([]))?.0
        }
    };
    let items = rows.into_iter().map(|row| row.system).collect();
    Ok(Page { items, total })
}
