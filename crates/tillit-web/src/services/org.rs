//! Organisation units and data controllers.

use std::sync::Arc;

use tillit_domain::auth::Action;
use tillit_domain::org::{ControllerInput, OrganisationInput, UnitInput};
use tillit_domain::pagination::PageRequest;
use tillit_store::org::{self, DataController, OrgUnit, Organisation, UnitFilter};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

pub async fn organisation(
    state: &AppState,
    principal: &Principal,
) -> Result<Organisation, AppError> {
    principal.require(Action::ViewOrganisation)?;
    Ok(org::get_organisation(&state.db, principal.organisation_id).await?)
}

pub async fn list_units(
    state: &AppState,
    principal: &Principal,
    filter: &UnitFilter,
    page: PageRequest,
) -> Result<Page<OrgUnit>, AppError> {
    principal.require(Action::ViewOrganisation)?;
    Ok(org::list_units(&state.db, principal.organisation_id, filter, page).await?)
}

pub async fn all_units(
    state: &AppState,
    principal: &Principal,
) -> Result<Arc<Vec<OrgUnit>>, AppError> {
    principal.require(Action::ViewOrganisation)?;
    let organisation_id = principal.organisation_id;
    state
        .unit_lists
        .get(principal.audit_head, organisation_id, || async move {
            Ok(org::all_units(&state.db, organisation_id).await?)
        })
        .await
}

pub async fn get_unit(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<OrgUnit, AppError> {
    principal.require(Action::ViewOrganisation)?;
    Ok(org::get_unit(&state.db, principal.organisation_id, id).await?)
}

/// Allowed to manage units wherever they are placed, so the place need not be read: a
/// parent that is not the organisation's is refused by the store's write itself.
fn manages_units_everywhere(principal: &Principal) -> bool {
    principal.grants.allows_everywhere(Action::ManageOrgUnits)
}

/// The path from `parent` to the root, or the organisation level when there is none.
async fn parent_path(
    state: &AppState,
    principal: &Principal,
    parent: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    let Some(parent) = parent else {
        return Ok(Vec::new());
    };
    let path = org::unit_path(&state.db, principal.organisation_id, parent).await?;
    if path.is_empty() {
        return Err(AppError::invalid("parent_id", "unknown-reference"));
    }
    Ok(path)
}

pub async fn create_unit(
    state: &AppState,
    principal: &Principal,
    input: &UnitInput,
) -> Result<OrgUnit, AppError> {
    principal.require(Action::ManageOrgUnits)?;
    let draft = input.validate()?;
    if !manages_units_everywhere(principal) {
        let path = parent_path(state, principal, draft.parent_id).await?;
        principal.require_at(Action::ManageOrgUnits, &path)?;
    }
    Ok(org::create_unit(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?)
}

/// Changing a unit needs the right both where it is and where it is moved to.
pub async fn update_unit(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    input: &UnitInput,
) -> Result<OrgUnit, AppError> {
    principal.require(Action::ManageOrgUnits)?;
    let current = org::unit_for_change(&state.db, principal.organisation_id, id).await?;
    principal.require_at(Action::ManageOrgUnits, &current.path)?;
    let draft = input.validate()?;
    if !manages_units_everywhere(principal) {
        // The path starts with the unit itself, so the rest is where it stands now.
        let destination = if draft.parent_id == current.path.get(1).copied() {
            current.path[1..].to_vec()
        } else {
            parent_path(state, principal, draft.parent_id).await?
        };
        principal.require_at(Action::ManageOrgUnits, &destination)?;
    }
    Ok(org::update_unit(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &current.unit,
        version,
        &draft,
    )
    .await?)
}

pub async fn delete_unit(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
) -> Result<(), AppError> {
    principal.require(Action::ManageOrgUnits)?;
    let current = org::unit_path(&state.db, principal.organisation_id, id).await?;
    if current.is_empty() {
        return Err(AppError::NotFound);
    }
    principal.require_at(Action::ManageOrgUnits, &current)?;
    Ok(org::delete_unit(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
    )
    .await?)
}

pub async fn list_controllers(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<DataController>, AppError> {
    principal.require(Action::ViewOrganisation)?;
    Ok(org::list_controllers(&state.db, principal.organisation_id).await?)
}

pub async fn create_controller(
    state: &AppState,
    principal: &Principal,
    input: &ControllerInput,
) -> Result<DataController, AppError> {
    principal.require_everywhere(Action::ManageDataControllers)?;
    let draft = input.validate()?;
    Ok(org::create_controller(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?)
}

pub async fn update_organisation(
    state: &AppState,
    principal: &Principal,
    version: i64,
    input: &OrganisationInput,
) -> Result<Organisation, AppError> {
    principal.require_everywhere(Action::ManageOrganisation)?;
    let draft = input.validate()?;
    let changes = org::OrganisationChanges {
        name: &draft.name,
        kind: draft.kind,
        org_number: &draft.org_number,
    };
    Ok(org::update_organisation(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        version,
        &changes,
    )
    .await?)
}

pub async fn get_controller(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<DataController, AppError> {
    principal.require(Action::ViewOrganisation)?;
    Ok(org::get_controller(&state.db, principal.organisation_id, id).await?)
}

pub async fn update_controller(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    input: &ControllerInput,
) -> Result<DataController, AppError> {
    principal.require_everywhere(Action::ManageDataControllers)?;
    let draft = input.validate()?;
    Ok(org::update_controller(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        &draft,
    )
    .await?)
}
