//! Organisations, their unit trees and their data controllers.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::org::{would_create_cycle, ControllerDraft, OrganisationKind, UnitDraft};
use tillit_domain::pagination::PageRequest;
use tillit_domain::search::{contains_pattern, fold};
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::user_name_in_organisation;
use crate::sql::{unit_subtree, Arg, Conditions};
use crate::{now, Actor, Page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub org_number: String,
    pub demo: bool,
    pub reporting_role: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub struct NewOrganisation<'a> {
    pub name: &'a str,
    pub kind: OrganisationKind,
    pub org_number: &'a str,
    pub demo: bool,
}

pub async fn create_organisation(
    tx: &mut Tx,
    actor: &Actor,
    new: &NewOrganisation<'_>,
) -> Result<Organisation> {
    let at = now();
    let org = in_tx!(
        &mut *tx,
        fetch_one,
        Organisation,
        "INSERT INTO organisation (name, kind, org_number, demo, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5) \
         RETURNING id, name, kind, org_number, demo, reporting_role, version, created_at, updated_at",
        new.name,
        new.kind.as_str(),
        new.org_number,
        new.demo,
        at
    )
    .map_err(|e| StoreError::from(e).on_unique("organisation_org_number_key", "org_number"))?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(org.id), "create", "organisation", org.id).after(&org),
    )
    .await?;
    Ok(org)
}

pub async fn get_organisation(db: &Db, id: i64) -> Result<Organisation> {
    read!(
        db,
        fetch_optional,
        Organisation,
        "SELECT id, name, kind, org_number, demo, reporting_role, version, created_at, updated_at FROM organisation WHERE id = $1",
        id
    )?
    .ok_or(StoreError::NotFound)
}

pub async fn first_organisation_id(db: &Db) -> Result<Option<i64>> {
    Ok(read_scalar!(
        db,
        fetch_optional,
        i64,
        "SELECT id FROM organisation ORDER BY id LIMIT 1"
    )?)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct OrgUnit {
    pub id: i64,
    pub organisation_id: i64,
    pub parent_id: Option<i64>,
    pub name: String,
    pub kind: String,
    pub manager_id: Option<i64>,
    pub manager_name: Option<String>,
    pub description: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

const UNIT_SELECT: &str = "SELECT u.id, u.organisation_id, u.parent_id, u.name, u.kind, u.manager_id, m.display_name AS manager_name, \
    u.description, u.version, u.created_at, u.updated_at FROM org_unit u LEFT JOIN app_user m ON m.id = u.manager_id";

/// [`UNIT_SELECT`] with each of the unit's path ids, one row per step from the unit up.
const UNIT_ON_PATH_SQL: &str = "WITH RECURSIVE path(id, parent_id, depth) AS ( \
        SELECT id, parent_id, 0 FROM org_unit WHERE id = $1 AND organisation_id = $2 \
        UNION ALL SELECT u.id, u.parent_id, p.depth + 1 FROM org_unit u JOIN path p ON u.id = p.parent_id WHERE p.depth < 100 \
    ) SELECT u.id, u.organisation_id, u.parent_id, u.name, u.kind, u.manager_id, m.display_name AS manager_name, \
    u.description, u.version, u.created_at, u.updated_at, p.id AS path_id \
    FROM path p JOIN org_unit u ON u.id = $1 LEFT JOIN app_user m ON m.id = u.manager_id ORDER BY p.depth";

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UnitFilter {
    /// Only the children of this unit.
    pub parent_id: Option<i64>,
    /// Only top-level units.
    pub top_level: bool,
    /// Only this unit and the units below it.
    pub within: Option<i64>,
    /// Name contains this text (case-insensitive).
    pub name: Option<String>,
}

fn unit_conditions(organisation_id: i64, filter: &UnitFilter) -> Conditions {
    let mut conditions = Conditions::for_organisation("u.organisation_id", organisation_id);
    if let Some(parent) = filter.parent_id {
        conditions.and("u.parent_id = ?", Arg::Int(parent));
    }
    if filter.top_level {
        conditions.and_fixed("u.parent_id IS NULL");
    }
    if let Some(unit) = filter.within {
        conditions.and(&format!("u.id IN ({})", unit_subtree("?")), Arg::Int(unit));
    }
    if let Some(name) = &filter.name {
        conditions.and(
            "u.search_name LIKE ? ESCAPE '\\'",
            Arg::Text(contains_pattern(name)),
        );
    }
    conditions
}

pub async fn list_units(
    db: &Db,
    organisation_id: i64,
    filter: &UnitFilter,
    page: PageRequest,
) -> Result<Page<OrgUnit>> {
    let conditions = unit_conditions(organisation_id, filter);
    let (limit_offset, args) = conditions.limit_offset(page.limit(), page.offset());
    let select = format!(
        "{UNIT_SELECT} WHERE {} ORDER BY u.name, u.id {limit_offset}",
        conditions.sql()
    );
    let items = read_args!(db, fetch_all, OrgUnit, &select, args)?;
    let count = format!("SELECT COUNT(*) FROM org_unit u WHERE {}", conditions.sql());
    let total = read_args!(db, fetch_one, (i64,), &count, conditions.args_with([]))?.0;
    Ok(Page { items, total })
}

/// Every unit of the organisation, for drawing the tree.
pub async fn all_units(db: &Db, organisation_id: i64) -> Result<Vec<OrgUnit>> {
    let sql = format!("{UNIT_SELECT} WHERE u.organisation_id = $1 ORDER BY u.name, u.id");
    Ok(read!(db, fetch_all, OrgUnit, &sql, organisation_id)?)
}

pub async fn get_unit(db: &Db, organisation_id: i64, id: i64) -> Result<OrgUnit> {
    let sql = format!("{UNIT_SELECT} WHERE u.organisation_id = $1 AND u.id = $2");
    read!(db, fetch_optional, OrgUnit, &sql, organisation_id, id)?.ok_or(StoreError::NotFound)
}

const PATH_SQL: &str = "WITH RECURSIVE path(id, parent_id, depth) AS ( \
        SELECT id, parent_id, 0 FROM org_unit WHERE id = $1 AND organisation_id = $2 \
        UNION ALL SELECT u.id, u.parent_id, p.depth + 1 FROM org_unit u JOIN path p ON u.id = p.parent_id WHERE p.depth < 100 \
    ) SELECT id FROM path ORDER BY depth";

/// The unit's id followed by its ancestors up to the root; empty when it is not in the
/// organisation.
pub async fn unit_path(db: &Db, organisation_id: i64, id: i64) -> Result<Vec<i64>> {
    Ok(read_scalar!(
        db,
        fetch_all,
        i64,
        PATH_SQL,
        id,
        organisation_id
    )?)
}

/// A unit as read before changing it: the row, and the path that decides who may.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitForChange {
    pub unit: OrgUnit,
    /// The unit's id followed by its ancestors up to the root.
    pub path: Vec<i64>,
}

#[derive(sqlx::FromRow)]
struct UnitOnPath {
    #[sqlx(flatten)]
    unit: OrgUnit,
    path_id: i64,
}

/// The unit with its path, in one query.
pub async fn unit_for_change(db: &Db, organisation_id: i64, id: i64) -> Result<UnitForChange> {
    let rows = read!(
        db,
        fetch_all,
        UnitOnPath,
        UNIT_ON_PATH_SQL,
        id,
        organisation_id
    )?;
    let path = rows.iter().map(|row| row.path_id).collect();
    let unit = rows.into_iter().next().ok_or(StoreError::NotFound)?.unit;
    Ok(UnitForChange { unit, path })
}

async fn unit_exists(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<bool> {
    let found = in_tx_scalar!(
        tx,
        fetch_optional,
        i64,
        "SELECT id FROM org_unit WHERE id = $1 AND organisation_id = $2",
        id,
        organisation_id
    )?;
    Ok(found.is_some())
}

async fn unit_path_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Vec<i64>> {
    Ok(in_tx_scalar!(
        tx,
        fetch_all,
        i64,
        PATH_SQL,
        id,
        organisation_id
    )?)
}

/// Where a written unit is placed, which decides what its parent needs checking for.
#[derive(Clone, Copy)]
enum Placement {
    New,
    /// An existing unit given a new parent: the parent may not be below it.
    Moved(i64),
    /// An existing unit under the parent it already has, which is known to be valid.
    Unchanged,
}

/// Checks the references a unit makes: parent and manager must belong to the same
/// organisation, and a unit may not be moved below itself. Gives the manager's name.
async fn check_unit_references(
    tx: &mut Tx,
    organisation_id: i64,
    placement: Placement,
    draft: &UnitDraft,
) -> Result<Option<String>> {
    let mut errors = ValidationErrors::new();
    if let Some(parent) = draft.parent_id {
        match placement {
            Placement::Unchanged => {}
            Placement::New => {
                if !unit_exists(tx, organisation_id, parent).await? {
                    errors.add("parent_id", "unknown-reference");
                }
            }
            Placement::Moved(id) => {
                let path = unit_path_tx(tx, organisation_id, parent).await?;
                if path.is_empty() {
                    errors.add("parent_id", "unknown-reference");
                } else if would_create_cycle(id, &path) {
                    errors.add("parent_id", "cycle");
                }
            }
        }
    }
    let mut manager_name = None;
    if let Some(manager) = draft.manager_id {
        manager_name = user_name_in_organisation(tx, organisation_id, manager).await?;
        if manager_name.is_none() {
            errors.add("manager_id", "unknown-reference");
        }
    }
    errors.finish(manager_name).map_err(StoreError::Invalid)
}

async fn get_unit_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<OrgUnit> {
    let sql = format!("{UNIT_SELECT} WHERE u.organisation_id = $1 AND u.id = $2");
    in_tx!(tx, fetch_optional, OrgUnit, &sql, organisation_id, id)?.ok_or(StoreError::NotFound)
}

pub async fn create_unit(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &UnitDraft,
) -> Result<OrgUnit> {
    let mut tx = db.begin().await?;
    let unit = create_unit_in(&mut tx, organisation_id, actor, draft).await?;
    tx.commit().await?;
    Ok(unit)
}

pub async fn create_unit_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &UnitDraft,
) -> Result<OrgUnit> {
    let at = now();
    // The references are checked by the insert itself: no row comes back when the
    // parent or the manager is not the organisation's.
    let inserted = in_tx!(
        &mut *tx,
        fetch_optional,
        (i64, Option<String>),
        "INSERT INTO org_unit (organisation_id, parent_id, name, search_name, kind, manager_id, description, created_at, updated_at) \
         SELECT $1, $2, $3, $4, $5, $6, $7, $8, $8 \
         WHERE ($2 IS NULL OR EXISTS (SELECT 1 FROM org_unit p WHERE p.id = $2 AND p.organisation_id = $1)) \
         AND ($6 IS NULL OR EXISTS (SELECT 1 FROM app_user m WHERE m.id = $6 AND m.organisation_id = $1)) \
         RETURNING id, (SELECT display_name FROM app_user m WHERE m.id = $6)",
        organisation_id,
        draft.parent_id,
        draft.name.as_str(),
        fold(&draft.name),
        draft.kind.as_str(),
        draft.manager_id,
        draft.description.as_str(),
        at
    )?;
    let Some((id, manager_name)) = inserted else {
        return Err(refused_references(tx, organisation_id, Placement::New, draft).await);
    };
    // Written as given, so the row need not be read back.
    let unit = OrgUnit {
        id,
        organisation_id,
        parent_id: draft.parent_id,
        name: draft.name.clone(),
        kind: draft.kind.as_str().to_owned(),
        manager_id: draft.manager_id,
        manager_name,
        description: draft.description.clone(),
        version: 1,
        created_at: at,
        updated_at: at,
    };
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "org_unit", id).after(&unit),
    )
    .await?;
    Ok(unit)
}

/// Why a write that checked its references itself wrote nothing: the field errors.
async fn refused_references(
    tx: &mut Tx,
    organisation_id: i64,
    placement: Placement,
    draft: &UnitDraft,
) -> StoreError {
    match check_unit_references(tx, organisation_id, placement, draft).await {
        Err(error) => error,
        // A reference turned valid between the write and this check: ids are never
        // reused, so only a concurrent change can do that, and the caller may try again.
        Ok(_) => StoreError::Conflict,
    }
}

/// Updates a unit if nobody changed it since `expected_version` was read.
///
/// `before` is the unit as read from the database (by [`get_unit`] or
/// [`unit_for_change`]), outside the write transaction. Every change of a unit raises its
/// version, so when the update finds the row still at `expected_version` (which `before`
/// must have), `before` is the row it replaced, and the audit event says so.
pub async fn update_unit(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    before: &OrgUnit,
    expected_version: i64,
    draft: &UnitDraft,
) -> Result<OrgUnit> {
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    let id = before.id;
    let placement = if draft.parent_id == before.parent_id {
        Placement::Unchanged
    } else {
        Placement::Moved(id)
    };
    let mut tx = db.begin().await?;
    if let Placement::Moved(_) = placement {
        // A new parent's path is needed to refuse a cycle; the manager is checked with it.
        check_unit_references(&mut tx, organisation_id, placement, draft).await?;
    }
    let at = now();
    // The manager is checked by the update itself; the version check refuses a stale write.
    let updated = in_tx_scalar!(
        &mut tx,
        fetch_optional,
        Option<String>,
        "UPDATE org_unit SET parent_id = $1, name = $2, search_name = $10, kind = $3, manager_id = $4, description = $5, \
         updated_at = $6, version = version + 1 WHERE id = $7 AND organisation_id = $8 AND version = $9 \
         AND ($4 IS NULL OR EXISTS (SELECT 1 FROM app_user m WHERE m.id = $4 AND m.organisation_id = $8)) \
         RETURNING (SELECT display_name FROM app_user m WHERE m.id = $4)",
        draft.parent_id,
        draft.name.as_str(),
        draft.kind.as_str(),
        draft.manager_id,
        draft.description.as_str(),
        at,
        id,
        organisation_id,
        expected_version,
        fold(&draft.name)
    )?;
    let Some(manager_name) = updated else {
        return Err(refused_update(&mut tx, organisation_id, before, placement, draft).await);
    };
    let after = OrgUnit {
        parent_id: draft.parent_id,
        name: draft.name.clone(),
        kind: draft.kind.as_str().to_owned(),
        manager_id: draft.manager_id,
        manager_name,
        description: draft.description.clone(),
        version: before.version + 1,
        updated_at: at,
        ..before.clone()
    };
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "org_unit", id)
            .before(before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Why an update wrote nothing: the unit is gone, changed, or names a foreign manager.
async fn refused_update(
    tx: &mut Tx,
    organisation_id: i64,
    before: &OrgUnit,
    placement: Placement,
    draft: &UnitDraft,
) -> StoreError {
    match get_unit_tx(tx, organisation_id, before.id).await {
        Err(error) => error,
        Ok(current) if current.version != before.version => StoreError::Conflict,
        Ok(_) => refused_references(tx, organisation_id, placement, draft).await,
    }
}

/// Deletes a unit that has no sub-units and nothing assigned to it.
pub async fn delete_unit(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = get_unit_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    let references = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "SELECT (SELECT COUNT(*) FROM org_unit WHERE parent_id = $1) + (SELECT COUNT(*) FROM role_assignment WHERE unit_id = $1) \
         + (SELECT COUNT(*) FROM data_controller WHERE unit_id = $1)",
        id
    )?;
    if references > 0 {
        return Err(StoreError::Invalid(ValidationErrors::single(
            "id",
            "unit-in-use",
        )));
    }
    exec_tx!(
        &mut tx,
        "DELETE FROM org_unit WHERE id = $1 AND organisation_id = $2",
        id,
        organisation_id
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "delete", "org_unit", id).before(&before),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DataController {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub org_number: String,
    pub unit_id: Option<i64>,
    pub description: String,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub async fn list_controllers(db: &Db, organisation_id: i64) -> Result<Vec<DataController>> {
    Ok(read!(
        db,
        fetch_all,
        DataController,
        "SELECT id, organisation_id, name, org_number, unit_id, description, version, created_at, updated_at \
         FROM data_controller WHERE organisation_id = $1 ORDER BY name, id",
        organisation_id
    )?)
}

pub async fn create_controller_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &ControllerDraft,
) -> Result<DataController> {
    if let Some(unit) = draft.unit_id {
        if unit_path_tx(tx, organisation_id, unit).await?.is_empty() {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "unit_id",
                "unknown-reference",
            )));
        }
    }
    let at = now();
    let controller = in_tx!(
        &mut *tx,
        fetch_one,
        DataController,
        "INSERT INTO data_controller (organisation_id, name, org_number, unit_id, description, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $6) \
         RETURNING id, organisation_id, name, org_number, unit_id, description, version, created_at, updated_at",
        organisation_id,
        draft.name.as_str(),
        draft.org_number.as_str(),
        draft.unit_id,
        draft.description.as_str(),
        at
    )?;
    audit::append(
        tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "create",
            "data_controller",
            controller.id,
        )
        .after(&controller),
    )
    .await?;
    Ok(controller)
}

pub async fn create_controller(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &ControllerDraft,
) -> Result<DataController> {
    let mut tx = db.begin().await?;
    let controller = create_controller_in(&mut tx, organisation_id, actor, draft).await?;
    tx.commit().await?;
    Ok(controller)
}

/// Whether any organisation in the database is a demo (its users may skip two-factor).
pub async fn any_demo(db: &Db) -> Result<bool> {
    Ok(read_scalar!(
        db,
        fetch_optional,
        i64,
        "SELECT id FROM organisation WHERE demo = TRUE LIMIT 1"
    )?
    .is_some())
}

pub async fn count_units(db: &Db, organisation_id: i64) -> Result<i64> {
    Ok(read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM org_unit WHERE organisation_id = $1",
        organisation_id
    )?)
}

/// Editable details of the organisation itself.
pub struct OrganisationChanges<'a> {
    pub name: &'a str,
    pub kind: OrganisationKind,
    pub org_number: &'a str,
}

pub async fn update_organisation(
    db: &Db,
    id: i64,
    actor: &Actor,
    expected_version: i64,
    changes: &OrganisationChanges<'_>,
) -> Result<Organisation> {
    let mut tx = db.begin().await?;
    let before = in_tx!(
        &mut tx,
        fetch_optional,
        Organisation,
        "SELECT id, name, kind, org_number, demo, reporting_role, version, created_at, updated_at FROM organisation WHERE id = $1",
        id
    )?
    .ok_or(StoreError::NotFound)?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE organisation SET name = $1, kind = $2, org_number = $3, updated_at = $4, version = version + 1 \
         WHERE id = $5 AND version = $6",
        changes.name,
        changes.kind.as_str(),
        changes.org_number,
        now(),
        id,
        expected_version
    )
    .map_err(|e| StoreError::from(e).on_unique("organisation_org_number_key", "org_number"))?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = in_tx!(
        &mut tx,
        fetch_one,
        Organisation,
        "SELECT id, name, kind, org_number, demo, reporting_role, version, created_at, updated_at FROM organisation WHERE id = $1",
        id
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(id), "update", "organisation", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn get_controller(db: &Db, organisation_id: i64, id: i64) -> Result<DataController> {
    read!(
        db,
        fetch_optional,
        DataController,
        "SELECT id, organisation_id, name, org_number, unit_id, description, version, created_at, updated_at \
         FROM data_controller WHERE organisation_id = $1 AND id = $2",
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)
}

pub async fn update_controller(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &ControllerDraft,
) -> Result<DataController> {
    let mut tx = db.begin().await?;
    let before = in_tx!(
        &mut tx,
        fetch_optional,
        DataController,
        "SELECT id, organisation_id, name, org_number, unit_id, description, version, created_at, updated_at \
         FROM data_controller WHERE organisation_id = $1 AND id = $2",
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)?;
    if let Some(unit) = draft.unit_id {
        if unit_path_tx(&mut tx, organisation_id, unit)
            .await?
            .is_empty()
        {
            return Err(StoreError::Invalid(ValidationErrors::single(
                "unit_id",
                "unknown-reference",
            )));
        }
    }
    let changed = exec_tx!(
        &mut tx,
        "UPDATE data_controller SET name = $1, org_number = $2, unit_id = $3, description = $4, updated_at = $5, version = version + 1 \
         WHERE id = $6 AND organisation_id = $7 AND version = $8",
        draft.name.as_str(),
        draft.org_number.as_str(),
        draft.unit_id,
        draft.description.as_str(),
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = in_tx!(
        &mut tx,
        fetch_one,
        DataController,
        "SELECT id, organisation_id, name, org_number, unit_id, description, version, created_at, updated_at FROM data_controller WHERE id = $1",
        id
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "data_controller", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}
