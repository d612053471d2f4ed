//! The organisation: its unit tree, data controllers, and unit editing.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::org::{
    ControllerInput, OrganisationInput, OrganisationKind, UnitInput, UnitKind,
};
use tillit_store::org::{DataController, OrgUnit, Organisation};

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::org as service;
use crate::state::AppState;

/// A unit placed in the tree, with its depth for indentation.
pub struct TreeRow {
    pub unit: OrgUnit,
    pub depth: usize,
}

/// Depth-first order of the units, children sorted by name (the input is sorted).
fn tree_rows(units: &[OrgUnit]) -> Vec<TreeRow> {
    let mut children: std::collections::HashMap<Option<i64>, Vec<&OrgUnit>> =
        std::collections::HashMap::new();
    for unit in units {
        children.entry(unit.parent_id).or_default().push(unit);
    }
    let mut rows = Vec::new();
    let mut stack: Vec<(&OrgUnit, usize)> = children
        .remove(&None)
        .unwrap_or_default()
        .into_iter()
        .rev()
        .map(|u| (u, 0))
        .collect();
    while let Some((unit, depth)) = stack.pop() {
        if let Some(kids) = children.remove(&Some(unit.id)) {
            stack.extend(kids.into_iter().rev().map(|k| (k, depth + 1)));
        }
        rows.push(TreeRow {
            unit: unit.clone(),
            depth,
        });
    }
    rows
}

/// `unit_id` and the rows below it in a depth-first list, or every row for `None`.
fn subtree_rows(rows: &[TreeRow], unit_id: Option<i64>) -> &[TreeRow] {
    let Some(unit_id) = unit_id else {
        return rows;
    };
    let Some(start) = rows.iter().position(|r| r.unit.id == unit_id) else {
        return &[];
    };
    let depth = rows[start].depth;
    let len = rows[start + 1..]
        .iter()
        .take_while(|r| r.depth > depth)
        .count();
    &rows[start..=start + len]
}

/// What the unit form shows: the values typed (or stored) and the choices.
pub struct UnitFormValues {
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub manager_id: Option<i64>,
    pub description: String,
}

impl From<&OrgUnit> for UnitFormValues {
    fn from(unit: &OrgUnit) -> Self {
        Self {
            name: unit.name.clone(),
            kind: unit.kind.clone(),
            parent_id: unit.parent_id,
            manager_id: unit.manager_id,
            description: unit.description.clone(),
        }
    }
}

impl From<&UnitForm> for UnitFormValues {
    fn from(form: &UnitForm) -> Self {
        Self {
            name: form.name.clone(),
            kind: form.kind.clone(),
            parent_id: form.parent_id,
            manager_id: form.manager_id,
            description: form.description.clone(),
        }
    }
}

impl UnitFormValues {
    fn empty() -> Self {
        Self {
            name: String::new(),
            kind: "unit".into(),
            parent_id: None,
            manager_id: None,
            description: String::new(),
        }
    }

    pub fn is_parent(&self, id: &i64) -> bool {
        self.parent_id == Some(*id)
    }

    pub fn is_manager(&self, id: &i64) -> bool {
        self.manager_id == Some(*id)
    }
}

pub struct Choices {
    pub units: Vec<TreeRow>,
    pub managers: Vec<(i64, String)>,
}

impl Choices {
    /// The rows the unit list shows: the tree, or the part below one unit.
    pub fn shown(&self, within: &Option<i64>) -> &[TreeRow] {
        subtree_rows(&self.units, *within)
    }

    pub fn kinds(&self) -> Vec<&'static str> {
        UnitKind::ALL.iter().map(|k| k.as_str()).collect()
    }

    pub fn indent(&self, depth: &usize) -> String {
        "\u{2014} ".repeat(*depth)
    }
}

async fn choices(state: &AppState, principal: &Principal) -> Result<Choices, AppError> {
    let units = tree_rows(&service::all_units(state, principal).await?);
    let managers =
        tillit_store::users::user_choices(&state.db, principal.organisation_id, 2000).await?;
    Ok(Choices { units, managers })
}

#[derive(Template)]
#[template(path = "organisation.html")]
struct OverviewPage {
    ctx: PageContext,
    organisation: Organisation,
    choices: Choices,
    within: Option<i64>,
    controllers: Vec<DataController>,
    form: UnitFormValues,
    errors: FormErrors,
    controller_form: ControllerForm,
    controller_errors: FormErrors,
    settings: OrganisationForm,
    settings_errors: FormErrors,
}

impl OverviewPage {
    fn is_within(&self, id: &i64) -> bool {
        self.within == Some(*id)
    }
}

/// What the forms on the overview page show: typed values after an error, else defaults;
/// and the part of the tree the unit list shows.
#[derive(Default)]
struct OverviewForms {
    within: Option<i64>,
    unit: Option<UnitFormValues>,
    unit_errors: FormErrors,
    controller: ControllerForm,
    controller_errors: FormErrors,
    settings: Option<OrganisationForm>,
    settings_errors: FormErrors,
}

async fn overview_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    forms: OverviewForms,
    status: StatusCode,
) -> Result<Response, AppError> {
    let organisation = service::organisation(state, principal).await?;
    let settings = forms
        .settings
        .unwrap_or_else(|| OrganisationForm::from(&organisation));
    let page = OverviewPage {
        choices: choices(state, principal).await?,
        within: forms.within,
        controllers: service::list_controllers(state, principal).await?,
        form: forms.unit.unwrap_or_else(UnitFormValues::empty),
        errors: forms.unit_errors,
        controller_form: forms.controller,
        controller_errors: forms.controller_errors,
        settings,
        settings_errors: forms.settings_errors,
        organisation,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct OverviewQuery {
    /// Only this unit and the units below it.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
}

pub async fn overview(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<OverviewQuery>,
) -> Result<Response, AppError> {
    let forms = OverviewForms {
        within: query.unit_id,
        ..OverviewForms::default()
    };
    overview_page(&state, ctx, &principal, forms, StatusCode::OK).await
}

#[derive(Debug, Default, Deserialize)]
pub struct OrganisationForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    org_number: String,
    #[serde(default)]
    version: i64,
}

impl From<&Organisation> for OrganisationForm {
    fn from(o: &Organisation) -> Self {
        Self {
            name: o.name.clone(),
            kind: o.kind.clone(),
            org_number: o.org_number.clone(),
            version: o.version,
        }
    }
}

impl OrganisationForm {
    pub fn kinds(&self) -> Vec<&'static str> {
        OrganisationKind::ALL.iter().map(|k| k.as_str()).collect()
    }
}

pub async fn update_organisation(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<OrganisationForm>,
) -> Result<Response, AppError> {
    let input = OrganisationInput {
        name: form.name.clone(),
        kind: form.kind.clone(),
        org_number: form.org_number.clone(),
    };
    let (errors, status) =
        match service::update_organisation(&state, &principal, form.version, &input).await {
            Ok(_) => return Ok(see_other("/organisation", "organisation-saved")),
            Err(error) => FormErrors::rejected(&ctx, error, "org-", "name")?,
        };
    let forms = OverviewForms {
        settings: Some(form),
        settings_errors: errors,
        ..Default::default()
    };
    overview_page(&state, ctx, &principal, forms, status).await
}

#[derive(Debug, Default, Deserialize)]
pub struct UnitForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    parent_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    manager_id: Option<i64>,
    #[serde(default)]
    description: String,
    #[serde(default)]
    version: i64,
}

impl UnitForm {
    fn input(&self) -> UnitInput {
        UnitInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            parent_id: self.parent_id,
            manager_id: self.manager_id,
            description: self.description.clone(),
        }
    }
}

pub async fn create_unit(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<UnitForm>,
) -> Result<Response, AppError> {
    match service::create_unit(&state, &principal, &form.input()).await {
        Ok(unit) => Ok(see_other(
            &format!("/organisation/units/{}", unit.id),
            "unit-created",
        )),
        Err(AppError::Invalid(errors)) => {
            let forms = OverviewForms {
                unit: Some(UnitFormValues::from(&form)),
                unit_errors: FormErrors::from_validation(&ctx, &errors),
                ..Default::default()
            };
            overview_page(
                &state,
                ctx,
                &principal,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "unit.html")]
struct UnitPage {
    ctx: PageContext,
    unit: OrgUnit,
    version: i64,
    form: UnitFormValues,
    choices: Choices,
    errors: FormErrors,
    can_edit: bool,
}

async fn unit_page_with(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    form: Option<(UnitFormValues, i64)>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let unit = service::get_unit(state, principal, id).await?;
    let path = tillit_store::org::unit_path(&state.db, principal.organisation_id, id).await?;
    let can_edit = principal
        .grants
        .allows_at(tillit_domain::auth::Action::ManageOrgUnits, &path);
    let (form, version) = form.unwrap_or_else(|| (UnitFormValues::from(&unit), unit.version));
    let page = UnitPage {
        choices: choices(state, principal).await?,
        unit,
        version,
        form,
        errors,
        can_edit,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn unit_page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    unit_page_with(
        &state,
        ctx,
        &principal,
        id,
        None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn update_unit(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<UnitForm>,
) -> Result<Response, AppError> {
    let (errors, status) =
        match service::update_unit(&state, &principal, id, form.version, &form.input()).await {
            Ok(unit) => {
                return Ok(see_other(
                    &format!("/organisation/units/{}", unit.id),
                    "unit-saved",
                ))
            }
            Err(error) => FormErrors::rejected(&ctx, error, "", "name")?,
        };
    unit_page_with(
        &state,
        ctx,
        &principal,
        id,
        Some((UnitFormValues::from(&form), form.version)),
        errors,
        status,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    version: i64,
}

pub async fn delete_unit(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<DeleteForm>,
) -> Result<Response, AppError> {
    let (errors, status) = match service::delete_unit(&state, &principal, id, form.version).await {
        Ok(()) => return Ok(see_other("/organisation", "unit-deleted")),
        Err(error) => FormErrors::rejected(&ctx, error, "", "name")?,
    };
    unit_page_with(&state, ctx, &principal, id, None, errors, status).await
}

#[derive(Debug, Default, Deserialize)]
pub struct ControllerForm {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub org_number: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub version: i64,
}

impl ControllerForm {
    fn input(&self) -> ControllerInput {
        ControllerInput {
            name: self.name.clone(),
            org_number: self.org_number.clone(),
            unit_id: self.unit_id,
            description: self.description.clone(),
        }
    }

    pub fn is_unit(&self, id: &i64) -> bool {
        self.unit_id == Some(*id)
    }
}

impl From<&DataController> for ControllerForm {
    fn from(c: &DataController) -> Self {
        Self {
            name: c.name.clone(),
            org_number: c.org_number.clone(),
            unit_id: c.unit_id,
            description: c.description.clone(),
            version: c.version,
        }
    }
}

pub async fn create_controller(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<ControllerForm>,
) -> Result<Response, AppError> {
    match service::create_controller(&state, &principal, &form.input()).await {
        Ok(_) => Ok(see_other("/organisation", "controller-created")),
        Err(AppError::Invalid(errors)) => {
            let forms = OverviewForms {
                controller_errors: FormErrors::from_validation(&ctx, &errors)
                    .prefixed("controller-"),
                controller: form,
                ..Default::default()
            };
            overview_page(
                &state,
                ctx,
                &principal,
                forms,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "controller.html")]
struct ControllerPage {
    ctx: PageContext,
    controller: DataController,
    form: ControllerForm,
    unit_rows: Vec<TreeRow>,
    errors: FormErrors,
}

pub async fn controller_page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let controller = service::get_controller(&state, &principal, id).await?;
    let page = ControllerPage {
        form: ControllerForm::from(&controller),
        controller,
        unit_rows: tree_rows_for(&state, &principal).await?,
        errors: FormErrors::default(),
        ctx,
    };
    render(&page)
}

pub async fn update_controller(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<ControllerForm>,
) -> Result<Response, AppError> {
    let (errors, status) =
        match service::update_controller(&state, &principal, id, form.version, &form.input()).await
        {
            Ok(_) => {
                return Ok(see_other(
                    &format!("/organisation/controllers/{id}"),
                    "controller-saved",
                ))
            }
            Err(error) => FormErrors::rejected(&ctx, error, "controller-", "name")?,
        };
    let controller = service::get_controller(&state, &principal, id).await?;
    let page = ControllerPage {
        controller,
        form,
        unit_rows: tree_rows_for(&state, &principal).await?,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

/// The organisation's units in tree order, for pickers on other pages.
pub async fn tree_rows_for(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<TreeRow>, AppError> {
    Ok(tree_rows(&service::all_units(state, principal).await?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    fn unit(id: i64, parent: Option<i64>, name: &str) -> OrgUnit {
        OrgUnit {
            id,
            organisation_id: 1,
            parent_id: parent,
            name: name.into(),
            kind: "unit".into(),
            manager_id: None,
            manager_name: None,
            description: String::new(),
            version: 1,
            created_at: Utc::now(),
            updated_at: Utc::now(),
        }
    }

    #[test]
    fn tree_is_depth_first_with_depths() {
        let rows = tree_rows(&[
            unit(2, Some(1), "B"),
            unit(1, None, "A"),
            unit(3, Some(2), "C"),
            unit(4, None, "D"),
        ]);
        let order: Vec<(i64, usize)> = rows.iter().map(|r| (r.unit.id, r.depth)).collect();
        assert_eq!(order, vec![(1, 0), (2, 1), (3, 2), (4, 0)]);
    }

    #[test]
    fn a_subtree_is_the_unit_and_the_rows_below_it() {
        let rows = tree_rows(&[
            unit(1, None, "A"),
            unit(2, Some(1), "B"),
            unit(3, Some(2), "C"),
            unit(5, Some(1), "E"),
            unit(4, None, "D"),
        ]);
        let ids = |within| -> Vec<i64> {
            subtree_rows(&rows, within)
                .iter()
                .map(|r| r.unit.id)
                .collect()
        };
        assert_eq!(ids(Some(2)), vec![2, 3]);
        assert_eq!(ids(Some(1)), vec![1, 2, 3, 5]);
        assert_eq!(ids(Some(4)), vec![4]);
        assert_eq!(ids(Some(99)), Vec::<i64>::new());
        assert_eq!(ids(None).len(), 5);
    }
}
