//! Internal control: the yearly plan, the administrations' reports and the summary.
//! Everyone reads the plan; administrators and coordinators keep it; a report is given
//! by whoever may report for the unit (its head of operations, or a coordinator).

use tillit_domain::auth::Action;
use tillit_domain::internal_control::{ItemInput, ReportInput};
use tillit_store::internal_control::{self as store, ControlItem, ControlReport, ControlSummary};
use tillit_store::org;

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

pub async fn items(
    state: &AppState,
    principal: &Principal,
    year: i64,
) -> Result<Vec<ControlItem>, AppError> {
    principal.require(Action::ViewGovernance)?;
    Ok(store::list_items(&state.db, principal.organisation_id, year).await?)
}

pub async fn years(state: &AppState, principal: &Principal) -> Result<Vec<i64>, AppError> {
    principal.require(Action::ViewGovernance)?;
    Ok(store::plan_years(&state.db, principal.organisation_id).await?)
}

pub async fn reports_for_year(
    state: &AppState,
    principal: &Principal,
    year: i64,
) -> Result<Vec<ControlReport>, AppError> {
    principal.require(Action::ViewGovernance)?;
    Ok(store::reports_for_year(&state.db, principal.organisation_id, year).await?)
}

/// An item with the reports given on it.
pub async fn item(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(ControlItem, Vec<ControlReport>), AppError> {
    principal.require(Action::ViewGovernance)?;
    let item = store::get_item(&state.db, principal.organisation_id, id).await?;
    let reports = store::reports_for_item(&state.db, principal.organisation_id, id).await?;
    Ok((item, reports))
}

pub async fn summary(
    state: &AppState,
    principal: &Principal,
    year: i64,
) -> Result<ControlSummary, AppError> {
    principal.require(Action::ViewGovernance)?;
    Ok(store::summary(&state.db, principal.organisation_id, year).await?)
}

pub async fn create_item(
    state: &AppState,
    principal: &Principal,
    input: &ItemInput,
) -> Result<ControlItem, AppError> {
    principal.require(Action::ManageInternalControl)?;
    let draft = input.validate()?;
    Ok(store::create_item(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?)
}

pub async fn update_item(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &ItemInput,
) -> Result<ControlItem, AppError> {
    principal.require(Action::ManageInternalControl)?;
    let draft = input.validate()?;
    Ok(store::update_item(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &draft,
    )
    .await?)
}

/// Whether the principal may report for `unit_id` (its path is looked up).
pub async fn may_report_for(
    state: &AppState,
    principal: &Principal,
    unit_id: i64,
) -> Result<bool, AppError> {
    if !principal.can(Action::ReportInternalControl) {
        return Ok(false);
    }
    let path = org::unit_path(&state.db, principal.organisation_id, unit_id).await?;
    Ok(principal
        .grants
        .allows_at(Action::ReportInternalControl, &path))
}

/// Records a unit's report on an item; `expected_version` is `None` for the first one.
pub async fn save_report(
    state: &AppState,
    principal: &Principal,
    item_id: i64,
    expected_version: Option<i64>,
    input: &ReportInput,
) -> Result<ControlReport, AppError> {
    principal.require(Action::ReportInternalControl)?;
    // The item must be the organisation's before anything else is said about it.
    store::get_item(&state.db, principal.organisation_id, item_id).await?;
    let draft = input.validate()?;
    if !may_report_for(state, principal, draft.unit_id).await? {
        return Err(AppError::Forbidden);
    }
    Ok(store::save_report(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        item_id,
        expected_version,
        &draft,
    )
    .await?)
}
