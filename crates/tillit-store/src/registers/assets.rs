//! The register of information assets and the systems that hold them.

use chrono::{DateTime, Utc};
use serde::Serialize;
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{AssetDraft, AssetForm, AssetSort, PersonalDataCategory};
use tillit_domain::search::{contains_pattern, fold};
use tillit_domain::ValidationErrors;

use super::{check_user, invalid, json_text, system_ref_tx, SystemRef};
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::unit_in_organisation;
use crate::sql::unit_subtree;
use crate::{now, Actor, Page};

/// An information asset, with the names of its owner and unit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InformationAsset {
    pub id: i64,
    pub organisation_id: i64,
    pub name: String,
    pub description: String,
    pub form: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub processes: String,
    pub contains_personal_data: bool,
    pub personal_data_categories: Vec<String>,
    pub business_critical: bool,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// The row as stored: the categories are a JSON list in text.
#[derive(sqlx::FromRow)]
struct AssetRow {
    id: i64,
    organisation_id: i64,
    name: String,
    description: String,
    form: String,
    owner_id: i64,
    owner_name: String,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    processes: String,
    contains_personal_data: bool,
    personal_data_categories: String,
    business_critical: bool,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl TryFrom<AssetRow> for InformationAsset {
    type Error = StoreError;

    fn try_from(row: AssetRow) -> Result<Self> {
        let categories: Vec<String> = serde_json::from_str(&row.personal_data_categories)
            .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
        Ok(InformationAsset {
            id: row.id,
            organisation_id: row.organisation_id,
            name: row.name,
            description: row.description,
            form: row.form,
            owner_id: row.owner_id,
            owner_name: row.owner_name,
            unit_id: row.unit_id,
            unit_name: row.unit_name,
            processes: row.processes,
            contains_personal_data: row.contains_personal_data,
            personal_data_categories: categories,
            business_critical: row.business_critical,
            version: row.version,
            created_at: row.created_at,
            updated_at: row.updated_at,
        })
    }
}

/// A short reference to an asset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AssetRef {
    pub id: i64,
    pub name: String,
}

const ASSET_SELECT: &str = "SELECT a.id, a.organisation_id, a.name, a.description, a.form, a.owner_id, o.display_name AS owner_name, \
    a.unit_id, u.name AS unit_name, a.processes, a.contains_personal_data, a.personal_data_categories, a.business_critical, \
    a.version, a.created_at, a.updated_at \
    FROM information_asset a JOIN app_user o ON o.id = a.owner_id LEFT JOIN org_unit u ON u.id = a.unit_id";

fn categories_json(categories: &[PersonalDataCategory]) -> String {
    json_text(&categories.iter().map(|c| c.as_str()).collect::<Vec<_>>())
}

pub async fn get_asset(db: &Db, organisation_id: i64, id: i64) -> Result<InformationAsset> {
    let sql = format!("{ASSET_SELECT} WHERE a.organisation_id = $1 AND a.id = $2");
    read!(db, fetch_optional, AssetRow, &sql, organisation_id, id)?
        .ok_or(StoreError::NotFound)?
        .try_into()
}

async fn get_asset_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<InformationAsset> {
    let sql = format!("{ASSET_SELECT} WHERE a.organisation_id = $1 AND a.id = $2");
    in_tx!(
        &mut *tx,
        fetch_optional,
        AssetRow,
        &sql,
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)?
    .try_into()
}

/// Checks that the owner and unit belong to the organisation.
async fn check_asset_references(
    tx: &mut Tx,
    organisation_id: i64,
    draft: &AssetDraft,
) -> Result<()> {
    let mut errors = ValidationErrors::new();
    check_user(
        tx,
        &mut errors,
        organisation_id,
        "owner_id",
        Some(draft.owner_id),
    )
    .await?;
    if let Some(unit) = draft.unit_id {
        if !unit_in_organisation(tx, organisation_id, unit).await? {
            errors.add("unit_id", "unknown-reference");
        }
    }
    errors.finish(()).map_err(StoreError::Invalid)
}

pub async fn create_asset(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &AssetDraft,
) -> Result<InformationAsset> {
    let mut tx = db.begin().await?;
    let asset = create_asset_in(&mut tx, organisation_id, actor, draft).await?;
    tx.commit().await?;
    Ok(asset)
}

pub async fn create_asset_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &AssetDraft,
) -> Result<InformationAsset> {
    check_asset_references(tx, organisation_id, draft).await?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO information_asset (organisation_id, name, search_name, description, form, owner_id, unit_id, processes, \
         contains_personal_data, personal_data_categories, business_critical, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $12) RETURNING id",
        organisation_id,
        draft.name.as_str(),
        fold(&draft.name),
        draft.description.as_str(),
        draft.form.as_str(),
        draft.owner_id,
        draft.unit_id,
        draft.processes.as_str(),
        draft.contains_personal_data,
        categories_json(&draft.personal_data_categories),
        draft.business_critical,
        now()
    )?;
    let asset = get_asset_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "information_asset", id).after(&asset),
    )
    .await?;
    Ok(asset)
}

/// Updates an asset if nobody changed it since `expected_version` was read.
pub async fn update_asset(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &AssetDraft,
) -> Result<InformationAsset> {
    let mut tx = db.begin().await?;
    let before = get_asset_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    check_asset_references(&mut tx, organisation_id, draft).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE information_asset SET name = $1, search_name = $2, description = $3, form = $4, owner_id = $5, unit_id = $6, \
         processes = $7, contains_personal_data = $8, personal_data_categories = $9, business_critical = $10, updated_at = $11, \
         version = version + 1 WHERE id = $12 AND organisation_id = $13 AND version = $14",
        draft.name.as_str(),
        fold(&draft.name),
        draft.description.as_str(),
        draft.form.as_str(),
        draft.owner_id,
        draft.unit_id,
        draft.processes.as_str(),
        draft.contains_personal_data,
        categories_json(&draft.personal_data_categories),
        draft.business_critical,
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = get_asset_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "information_asset", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetFilter {
    pub form: Option<AssetForm>,
    pub owner_id: Option<i64>,
    /// Only assets of this unit or, unless `unit_only`, a unit below it.
    pub unit_id: Option<i64>,
    /// `unit_id` names that one unit, not the units below it.
    pub unit_only: bool,
    pub contains_personal_data: Option<bool>,
    pub business_critical: Option<bool>,
    /// Only assets held by this system.
    pub system_id: Option<i64>,
    /// Only assets with this category of personal data.
    pub category: Option<PersonalDataCategory>,
    /// Name contains this text.
    pub query: Option<String>,
    /// With (or without) an approved classification.
    pub classified: Option<bool>,
    pub sort: AssetSort,
}

/// The `ORDER BY` list for a sort; the id last keeps pages stable.
fn order_by(sort: AssetSort) -> &'static str {
    match sort {
        AssetSort::Name => "a.name, a.id",
        AssetSort::BusinessCritical => "a.business_critical DESC, a.name, a.id",
        AssetSort::Updated => "a.updated_at DESC, a.id DESC",
    }
}

/// A page of assets in the filter's order: one query for the page, one for the count.
pub async fn list_assets(
    db: &Db,
    organisation_id: i64,
    filter: &AssetFilter,
    page: PageRequest,
) -> Result<Page<InformationAsset>> {
    let units = if filter.unit_only {
        "$4".to_owned()
    } else {
        unit_subtree("$4")
    };
    let conditions = format!(
        "a.organisation_id = $1 AND ($2 IS NULL OR a.form = $2) AND ($3 IS NULL OR a.owner_id = $3) \
        AND ($4 IS NULL OR a.unit_id IN ({units})) AND ($5 IS NULL OR a.contains_personal_data = $5) \
        AND ($6 IS NULL OR a.business_critical = $6) \
        AND ($7 IS NULL OR a.id IN (SELECT asset_id FROM asset_system WHERE system_id = $7)) \
        AND ($8 IS NULL OR a.search_name LIKE $8 ESCAPE '\\') \
        AND ($9 IS NULL OR a.personal_data_categories LIKE $9 ESCAPE '\\') \
        AND ($10 IS NULL OR EXISTS (SELECT 1 FROM classification_object c \
             WHERE c.asset_id = a.id AND c.current_version > 0) = $10)"
    );
    let form = filter.form.map(AssetForm::as_str);
    let pattern = filter.query.as_deref().map(contains_pattern);
    // The stored list is JSON text; match the quoted name (with `_` taken literally).
    let category = filter
        .category
        .map(|c| format!("%\"{}\"%", c.as_str().replace('_', "\\_")));
    let select = format!(
        "{ASSET_SELECT} WHERE {conditions} ORDER BY {} LIMIT $11 OFFSET $12",
        order_by(filter.sort)
    );
    let rows = read!(
        db,
        fetch_all,
        AssetRow,
        &select,
        organisation_id,
        form,
        filter.owner_id,
        filter.unit_id,
        filter.contains_personal_data,
        filter.business_critical,
        filter.system_id,
        pattern.as_deref(),
        category.as_deref(),
        filter.classified,
        page.limit(),
        page.offset()
    )?;
    let count = format!("SELECT COUNT(*) FROM information_asset a WHERE {conditions}");
    let total = read_scalar!(
        db,
        fetch_one,
        i64,
        &count,
        organisation_id,
        form,
        filter.owner_id,
        filter.unit_id,
        filter.contains_personal_data,
        filter.business_critical,
        filter.system_id,
        pattern.as_deref(),
        category.as_deref(),
        filter.classified
    )?;
    let items = rows
        .into_iter()
        .map(InformationAsset::try_from)
        .collect::<Result<_>>()?;
    Ok(Page { items, total })
}

#[derive(Serialize)]
struct Link<'a> {
    asset_id: i64,
    system_id: i64,
    designation: &'a str,
}

/// Checks both ends of a link belong to the organisation: the asset (else `NotFound`)
/// and the system (else `system_id`, `unknown-reference`).
async fn link_ends(
    tx: &mut Tx,
    organisation_id: i64,
    asset_id: i64,
    system_id: i64,
) -> Result<SystemRef> {
    get_asset_tx(tx, organisation_id, asset_id).await?;
    system_ref_tx(tx, organisation_id, system_id)
        .await?
        .ok_or_else(|| invalid("system_id", "unknown-reference"))
}

/// Records that `system_id` holds the asset.
pub async fn link_asset_system(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    asset_id: i64,
    system_id: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let system = link_ends(&mut tx, organisation_id, asset_id, system_id).await?;
    let existing = in_tx_scalar!(
        &mut tx,
        fetch_optional,
        i64,
        "SELECT asset_id FROM asset_system WHERE asset_id = $1 AND system_id = $2",
        asset_id,
        system_id
    )?;
    if existing.is_some() {
        return Err(StoreError::Duplicate { field: "system_id" });
    }
    exec_tx!(
        &mut tx,
        "INSERT INTO asset_system (asset_id, system_id) VALUES ($1, $2)",
        asset_id,
        system_id
    )
    .map_err(|e| StoreError::from(e).on_unique("asset_system_key", "system_id"))?;
    let link = Link {
        asset_id,
        system_id,
        designation: &system.designation,
    };
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "link_system",
            "information_asset",
            asset_id,
        )
        .after(&link),
    )
    .await?;
    tx.commit().await
}

/// Removes the link between an asset and a system; `NotFound` when there is none.
pub async fn unlink_asset_system(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    asset_id: i64,
    system_id: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let system = link_ends(&mut tx, organisation_id, asset_id, system_id).await?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM asset_system WHERE asset_id = $1 AND system_id = $2",
        asset_id,
        system_id
    )?;
    if removed == 0 {
        return Err(StoreError::NotFound);
    }
    let link = Link {
        asset_id,
        system_id,
        designation: &system.designation,
    };
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "unlink_system",
            "information_asset",
            asset_id,
        )
        .before(&link),
    )
    .await?;
    tx.commit().await
}

/// The systems that hold an asset.
pub async fn asset_systems(db: &Db, organisation_id: i64, asset_id: i64) -> Result<Vec<SystemRef>> {
    Ok(read!(
        db,
        fetch_all,
        SystemRef,
        "SELECT s.id, s.designation, s.name FROM asset_system l JOIN information_system s ON s.id = l.system_id \
         JOIN information_asset a ON a.id = l.asset_id \
         WHERE l.asset_id = $1 AND a.organisation_id = $2 AND s.organisation_id = $2 ORDER BY s.designation",
        asset_id,
        organisation_id
    )?)
}

/// The assets a system holds.
pub async fn system_assets(db: &Db, organisation_id: i64, system_id: i64) -> Result<Vec<AssetRef>> {
    Ok(read!(
        db,
        fetch_all,
        AssetRef,
        "SELECT a.id, a.name FROM asset_system l JOIN information_asset a ON a.id = l.asset_id \
         JOIN information_system s ON s.id = l.system_id \
         WHERE l.system_id = $1 AND a.organisation_id = $2 AND s.organisation_id = $2 ORDER BY a.name, a.id",
        system_id,
        organisation_id
    )?)
}
