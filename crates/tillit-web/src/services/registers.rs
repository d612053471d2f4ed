//! The registers of networks and information systems and of information assets.
//!
//! Everyone signed in reads them; administrators and coordinators change every entry;
//! an entry's own owners (object owner, information owners, the owner of an asset)
//! change that entry. A refused change of an entry of another organisation is a 404,
//! never a 403, so nothing about it leaks.

use std::sync::Arc;

use tillit_domain::auth::{may_edit_register_entry, Action};
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{confirmation_overdue, AssetInput, SystemInput};
use tillit_store::registers::{
    self, AssetFilter, AssetRef, InformationAsset, InformationSystem, RegisterConfirmation,
    SystemFilter, SystemRef, SystemVersion, UserRef,
};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

/// An entry with the people and entries it points to.
#[derive(Debug, Clone)]
pub struct SystemDetail {
    pub system: InformationSystem,
    pub owners: Vec<UserRef>,
    pub dependencies: Vec<SystemRef>,
    pub dependents: Vec<SystemRef>,
    pub assets: Vec<AssetRef>,
}

/// An information asset with the systems that hold it.
#[derive(Debug, Clone)]
pub struct AssetDetail {
    pub asset: InformationAsset,
    pub systems: Vec<SystemRef>,
}

pub async fn list_systems(
    state: &AppState,
    principal: &Principal,
    filter: &SystemFilter,
    page: PageRequest,
) -> Result<Page<InformationSystem>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(registers::list_systems(&state.db, principal.organisation_id, filter, page).await?)
}

/// A page of the register as its list page and the API show it, kept per filter and
/// page and checked against the audit trail (ADR 0008).
pub async fn system_list_page(
    state: &AppState,
    principal: &Principal,
    filter: &SystemFilter,
    page: PageRequest,
) -> Result<Arc<Page<InformationSystem>>, AppError> {
    principal.require(Action::ViewRegisters)?;
    let organisation_id = principal.organisation_id;
    let key = (organisation_id, filter.clone(), page);
    state
        .system_pages
        .get(principal.audit_head, key, || async move {
            Ok(registers::list_systems(&state.db, organisation_id, filter, page).await?)
        })
        .await
}

pub async fn get_system(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<SystemDetail, AppError> {
    principal.require(Action::ViewRegisters)?;
    detail(state, principal.organisation_id, id).await
}

async fn detail(state: &AppState, organisation_id: i64, id: i64) -> Result<SystemDetail, AppError> {
    let system = registers::get_system(&state.db, organisation_id, id).await?;
    let owners = registers::system_owners(&state.db, organisation_id, id).await?;
    let dependencies = registers::dependencies(&state.db, organisation_id, id).await?;
    let dependents = registers::dependents(&state.db, organisation_id, id).await?;
    let assets = registers::system_assets(&state.db, organisation_id, id).await?;
    Ok(SystemDetail {
        system,
        owners,
        dependencies,
        dependents,
        assets,
    })
}

/// Whether the principal may change an entry with this object owner and these
/// information owners: managers of the registers and the entry's owners may.
pub fn may_edit_system(
    principal: &Principal,
    object_owner_id: Option<i64>,
    information_owner_ids: impl IntoIterator<Item = i64>,
) -> bool {
    let mut owners: Vec<i64> = information_owner_ids.into_iter().collect();
    owners.extend(object_owner_id);
    may_edit_register_entry(&principal.grants, principal.user_id, &owners)
}

/// Refuses a change of the entry unless the principal manages the registers or owns it;
/// `NotFound` when the entry is not in the organisation.
async fn require_system_editor(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(), AppError> {
    principal.require(Action::ViewRegisters)?;
    let system = registers::get_system(&state.db, principal.organisation_id, id).await?;
    let owners = registers::system_owners(&state.db, principal.organisation_id, id).await?;
    if may_edit_system(
        principal,
        system.object_owner_id,
        owners.iter().map(|u| u.id),
    ) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn create_system(
    state: &AppState,
    principal: &Principal,
    input: &SystemInput,
) -> Result<SystemDetail, AppError> {
    principal.require_everywhere(Action::ManageRegisters)?;
    let draft = input.validate()?;
    let system = registers::create_system(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?;
    detail(state, principal.organisation_id, system.id).await
}

pub async fn update_system(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    input: &SystemInput,
) -> Result<SystemDetail, AppError> {
    require_system_editor(state, principal, id).await?;
    let draft = input.validate()?;
    registers::update_system(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        &draft,
    )
    .await?;
    detail(state, principal.organisation_id, id).await
}

pub async fn system_history(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<Vec<SystemVersion>, AppError> {
    principal.require(Action::ViewRegisters)?;
    // A 404 for an entry of another organisation, not an empty history.
    registers::get_system(&state.db, principal.organisation_id, id).await?;
    Ok(registers::system_history(&state.db, principal.organisation_id, id).await?)
}

pub async fn add_dependency(
    state: &AppState,
    principal: &Principal,
    id: i64,
    depends_on_id: i64,
) -> Result<SystemDetail, AppError> {
    require_system_editor(state, principal, id).await?;
    registers::add_dependency(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        depends_on_id,
    )
    .await?;
    detail(state, principal.organisation_id, id).await
}

/// Records that the entry depends on each of `depends_on_ids`, all or none: an unknown
/// entry, one already depended on, or a cycle refuses them all.
pub async fn add_dependencies(
    state: &AppState,
    principal: &Principal,
    id: i64,
    depends_on_ids: &[i64],
) -> Result<(), AppError> {
    require_system_editor(state, principal, id).await?;
    let pairs: Vec<(i64, i64)> = depends_on_ids.iter().map(|other| (id, *other)).collect();
    let mut tx = state.db.begin().await?;
    registers::add_dependencies(
        &mut tx,
        principal.organisation_id,
        &principal.actor(),
        &pairs,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_dependency(
    state: &AppState,
    principal: &Principal,
    id: i64,
    depends_on_id: i64,
) -> Result<(), AppError> {
    require_system_editor(state, principal, id).await?;
    Ok(registers::remove_dependency(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        depends_on_id,
    )
    .await?)
}

/// Replaces the information owners of an entry (its editors may).
pub async fn set_system_owners(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    owner_ids: &[i64],
) -> Result<SystemDetail, AppError> {
    require_system_editor(state, principal, id).await?;
    registers::set_owners(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        owner_ids,
    )
    .await?;
    detail(state, principal.organisation_id, id).await
}

/// Sets or clears the acceptable recovery time of an entry, in hours (its editors may).
pub async fn set_recovery_time(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    hours: Option<i64>,
) -> Result<SystemDetail, AppError> {
    require_system_editor(state, principal, id).await?;
    registers::set_recovery_time(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        hours,
    )
    .await?;
    detail(state, principal.organisation_id, id).await
}

/// The asset for a link made from the entry's side: one of another organisation, or none
/// at all, is a bad choice of `asset_id` rather than a missing page.
async fn asset_to_link(
    state: &AppState,
    organisation_id: i64,
    asset_id: i64,
) -> Result<(), AppError> {
    match registers::get_asset(&state.db, organisation_id, asset_id).await {
        Ok(_) => Ok(()),
        Err(tillit_store::StoreError::NotFound) => {
            Err(AppError::invalid("asset_id", "unknown-reference"))
        }
        Err(other) => Err(other.into()),
    }
}

/// Records that the entry holds each of `asset_ids`, from the entry's side, all or none.
pub async fn link_system_assets(
    state: &AppState,
    principal: &Principal,
    id: i64,
    asset_ids: &[i64],
) -> Result<(), AppError> {
    require_system_editor(state, principal, id).await?;
    let pairs: Vec<(i64, i64)> = asset_ids.iter().map(|asset| (*asset, id)).collect();
    link(state, principal, &pairs, "asset_id").await
}

/// Writes asset–system links in one transaction; a link already there is a duplicate
/// named at `field`, the field the user chose it in.
async fn link(
    state: &AppState,
    principal: &Principal,
    pairs: &[(i64, i64)],
    field: &'static str,
) -> Result<(), AppError> {
    let mut tx = state.db.begin().await?;
    registers::link_assets(
        &mut tx,
        principal.organisation_id,
        &principal.actor(),
        pairs,
    )
    .await
    .map_err(|error| match error {
        tillit_store::StoreError::Duplicate { .. } => AppError::invalid(field, "duplicate"),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(())
}

/// Removes the link between the entry and an asset, from the entry's side.
pub async fn unlink_system_asset(
    state: &AppState,
    principal: &Principal,
    id: i64,
    asset_id: i64,
) -> Result<(), AppError> {
    require_system_editor(state, principal, id).await?;
    asset_to_link(state, principal.organisation_id, asset_id).await?;
    Ok(registers::unlink_asset_system(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        asset_id,
        id,
    )
    .await?)
}

/// The organisation's entries among `ids`, for showing what a form has chosen.
pub async fn systems_by_ids(
    state: &AppState,
    principal: &Principal,
    ids: &[i64],
) -> Result<Vec<SystemRef>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(registers::systems_by_ids(&state.db, principal.organisation_id, ids).await?)
}

/// The organisation's information assets among `ids`, for showing what a form has chosen.
pub async fn assets_by_ids(
    state: &AppState,
    principal: &Principal,
    ids: &[i64],
) -> Result<Vec<AssetRef>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(registers::assets_by_ids(&state.db, principal.organisation_id, ids).await?)
}

pub async fn list_assets(
    state: &AppState,
    principal: &Principal,
    filter: &AssetFilter,
    page: PageRequest,
) -> Result<Page<InformationAsset>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(registers::list_assets(&state.db, principal.organisation_id, filter, page).await?)
}

pub async fn get_asset(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<AssetDetail, AppError> {
    principal.require(Action::ViewRegisters)?;
    asset_detail(state, principal.organisation_id, id).await
}

async fn asset_detail(
    state: &AppState,
    organisation_id: i64,
    id: i64,
) -> Result<AssetDetail, AppError> {
    let asset = registers::get_asset(&state.db, organisation_id, id).await?;
    let systems = registers::asset_systems(&state.db, organisation_id, id).await?;
    Ok(AssetDetail { asset, systems })
}

/// Whether the principal may change an asset with this owner: managers of the registers
/// and the asset's owner may.
pub fn may_edit_asset(principal: &Principal, owner_id: i64) -> bool {
    may_edit_register_entry(&principal.grants, principal.user_id, &[owner_id])
}

/// Refuses a change of the asset unless the principal manages the registers or owns it;
/// `NotFound` when the asset is not in the organisation.
async fn require_asset_editor(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(), AppError> {
    principal.require(Action::ViewRegisters)?;
    let asset = registers::get_asset(&state.db, principal.organisation_id, id).await?;
    if may_edit_asset(principal, asset.owner_id) {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// Records that a system holds the asset (the asset's owner, administrators and coordinators).
pub async fn link_asset_system(
    state: &AppState,
    principal: &Principal,
    id: i64,
    system_id: i64,
) -> Result<AssetDetail, AppError> {
    require_asset_editor(state, principal, id).await?;
    registers::link_asset_system(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        system_id,
    )
    .await?;
    asset_detail(state, principal.organisation_id, id).await
}

/// Records that each of `system_ids` holds the asset, all or none.
pub async fn link_asset_systems(
    state: &AppState,
    principal: &Principal,
    id: i64,
    system_ids: &[i64],
) -> Result<(), AppError> {
    require_asset_editor(state, principal, id).await?;
    let pairs: Vec<(i64, i64)> = system_ids.iter().map(|system| (id, *system)).collect();
    link(state, principal, &pairs, "system_id").await
}

pub async fn unlink_asset_system(
    state: &AppState,
    principal: &Principal,
    id: i64,
    system_id: i64,
) -> Result<(), AppError> {
    require_asset_editor(state, principal, id).await?;
    Ok(registers::unlink_asset_system(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        system_id,
    )
    .await?)
}

pub async fn create_asset(
    state: &AppState,
    principal: &Principal,
    input: &AssetInput,
) -> Result<AssetDetail, AppError> {
    principal.require_everywhere(Action::ManageRegisters)?;
    let draft = input.validate()?;
    let asset = registers::create_asset(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?;
    asset_detail(state, principal.organisation_id, asset.id).await
}

pub async fn update_asset(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    input: &AssetInput,
) -> Result<AssetDetail, AppError> {
    require_asset_editor(state, principal, id).await?;
    let draft = input.validate()?;
    registers::update_asset(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        &draft,
    )
    .await?;
    asset_detail(state, principal.organisation_id, id).await
}

pub async fn confirm_register(
    state: &AppState,
    principal: &Principal,
    note: &str,
) -> Result<RegisterConfirmation, AppError> {
    principal.require_everywhere(Action::ManageRegisters)?;
    Ok(registers::confirm_register(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        note,
    )
    .await?)
}

/// The latest confirmation of the register, if any, and whether the yearly one is due.
pub async fn register_status(
    state: &AppState,
    principal: &Principal,
) -> Result<RegisterStatus, AppError> {
    principal.require(Action::ViewRegisters)?;
    let organisation_id = principal.organisation_id;
    let status = state
        .register_statuses
        .get(principal.audit_head, organisation_id, || async move {
            let latest = registers::latest_confirmation(&state.db, organisation_id).await?;
            let overdue = confirmation_overdue(
                latest.as_ref().map(|c| c.confirmed_at.date_naive()),
                tillit_store::now().date_naive(),
            );
            Ok((latest, overdue))
        })
        .await?;
    Ok((*status).clone())
}

/// The register's latest confirmation and whether a new one is overdue.
pub type RegisterStatus = (Option<RegisterConfirmation>, bool);
