//! The register of networks and information systems (förteckning över nätverk och
//! informationssystem): list, create, detail with history, edit, yearly confirmation.
//! Every page calls the same service functions as the API.

use std::sync::Arc;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{Criticality, Hosting, SystemInput, SystemKind, SystemSort};
use tillit_domain::validation::ValidationErrors;
use tillit_store::registers::{
    InformationSystem, RegisterConfirmation, SystemFilter, SystemVersion,
};
use tillit_store::Page;

use tillit_store::classification::Subject;

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, FormValues, IdPath, QueryParams};
use crate::pages::org::TreeRow;
use crate::pages::picker::{self, Picker, PickerInput, PickerKind};
use crate::pages::{render, see_other, yes_no, FormErrors, PageContext};
use crate::services::classification::{self, ClassificationSummary};
use crate::services::registers as service;
use crate::services::registers::SystemDetail;
use crate::state::AppState;

fn kind_label(ctx: &PageContext, kind: &str) -> String {
    ctx.t(&format!("system-kind-{}", kind.replace('_', "-")))
}

fn criticality_label(ctx: &PageContext, criticality: &str) -> String {
    ctx.t(&format!("criticality-{}", criticality.replace('_', "-")))
}

fn hosting_label(ctx: &PageContext, hosting: &str) -> String {
    ctx.t(&format!("hosting-{}", hosting.replace('_', "-")))
}

fn may_manage(principal: &Principal) -> bool {
    principal.grants.allows_everywhere(Action::ManageRegisters)
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub criticality: String,
    /// `yes`, `no` or empty for both.
    #[serde(default)]
    pub in_scope: String,
    /// `yes` (with an approved classification), `no` or empty for both.
    #[serde(default)]
    pub classified: String,
    /// Only systems holding an asset of this unit or a unit below it.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub unit_id: Option<i64>,
    #[serde(default)]
    pub sort: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub page: Option<u32>,
}

#[derive(Template)]
#[template(path = "register.html")]
struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    page: Arc<Page<InformationSystem>>,
    current_page: u32,
    page_count: u32,
    kinds: Vec<&'static str>,
    criticalities: Vec<&'static str>,
    sorts: Vec<&'static str>,
    units: Vec<TreeRow>,
    latest: Option<RegisterConfirmation>,
    overdue: bool,
    can_manage: bool,
}

impl ListPage {
    fn unit_selected(&self, id: &i64) -> bool {
        self.query.unit_id == Some(*id)
    }

    fn sort_label(&self, sort: &str) -> String {
        self.ctx.t(&format!("register-sort-{sort}"))
    }

    fn kind_label(&self, kind: &str) -> String {
        kind_label(&self.ctx, kind)
    }

    fn criticality_label(&self, criticality: &str) -> String {
        criticality_label(&self.ctx, criticality)
    }

    /// The list's filters as a query string.
    fn filter_query(&self) -> String {
        let unit = self
            .query
            .unit_id
            .map(|u| u.to_string())
            .unwrap_or_default();
        serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("kind", self.query.kind.as_str()),
            ("criticality", self.query.criticality.as_str()),
            ("in_scope", self.query.in_scope.as_str()),
            ("classified", self.query.classified.as_str()),
            ("unit_id", unit.as_str()),
            ("sort", self.query.sort.as_str()),
        ])
        .unwrap_or_default()
    }

    fn page_link(&self, page: u32) -> String {
        format!("/register?{}&page={page}", self.filter_query())
    }

    /// The export of every entry the filters select.
    fn export_link(&self, format: &str) -> String {
        format!("/register/systems/export.{format}?{}", self.filter_query())
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

/// The list's filters, also used by the export of what the list selects.
pub(crate) fn parse_filter(query: &ListQuery) -> Result<SystemFilter, AppError> {
    let mut errors = ValidationErrors::new();
    let kind = match query.kind.as_str() {
        "" => None,
        value => {
            let kind = SystemKind::parse(value);
            if kind.is_none() {
                errors.add("kind", "invalid-choice");
            }
            kind
        }
    };
    let criticality = match query.criticality.as_str() {
        "" => None,
        value => {
            let criticality = Criticality::parse(value);
            if criticality.is_none() {
                errors.add("criticality", "invalid-choice");
            }
            criticality
        }
    };
    let in_scope = yes_no(&mut errors, "in_scope", &query.in_scope);
    let classified = yes_no(&mut errors, "classified", &query.classified);
    let sort = match query.sort.as_str() {
        "" => SystemSort::default(),
        value => SystemSort::parse(value).unwrap_or_else(|| {
            errors.add("sort", "invalid-choice");
            SystemSort::default()
        }),
    };
    if !errors.0.is_empty() {
        return Err(AppError::Invalid(errors));
    }
    Ok(SystemFilter {
        kind,
        criticality,
        in_scope,
        classified,
        unit_id: query.unit_id,
        query: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
        sort,
        ..Default::default()
    })
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let filter = parse_filter(&query)?;
    let paging = PageRequest::parse(query.page, None)?;
    let page = service::system_list_page(&state, &principal, &filter, paging).await?;
    let page_count = paging.page_count(page.total);
    let (latest, overdue) = service::register_status(&state, &principal).await?;
    render(&ListPage {
        ctx,
        query,
        page,
        current_page: paging.page,
        page_count,
        kinds: SystemKind::ALL.iter().map(|k| k.as_str()).collect(),
        criticalities: Criticality::ALL.iter().map(|c| c.as_str()).collect(),
        sorts: SystemSort::ALL.iter().map(|s| s.as_str()).collect(),
        units: crate::pages::org::tree_rows_for(&state, &principal).await?,
        latest,
        overdue,
        can_manage: may_manage(&principal),
    })
}

#[derive(Debug, Deserialize)]
pub struct ConfirmForm {
    #[serde(default)]
    note: String,
}

pub async fn confirm(
    State(state): State<AppState>,
    principal: Principal,
    FormData(form): FormData<ConfirmForm>,
) -> Result<Response, AppError> {
    service::confirm_register(&state, &principal, form.note.trim()).await?;
    Ok(see_other("/register", "register-confirmed"))
}

/// The fields of an entry as typed, kept when a submission is refused.
#[derive(Debug, Default, Deserialize)]
pub struct SystemForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    functionality: String,
    #[serde(default)]
    essential_services: String,
    /// A checkbox: present when ticked.
    in_cyber_security_act_scope: Option<String>,
    #[serde(default)]
    criticality: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    object_owner_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    system_administrator_id: Option<i64>,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    sub_suppliers: String,
    #[serde(default)]
    hosting: String,
    #[serde(default)]
    storage_country: String,
    #[serde(default)]
    version: i64,
}

impl SystemForm {
    fn from_system(system: &InformationSystem) -> Self {
        Self {
            name: system.name.clone(),
            kind: system.kind.clone(),
            functionality: system.functionality.clone(),
            essential_services: system.essential_services.clone(),
            in_cyber_security_act_scope: system
                .in_cyber_security_act_scope
                .then(|| "on".to_owned()),
            criticality: system.criticality.clone(),
            object_owner_id: system.object_owner_id,
            system_administrator_id: system.system_administrator_id,
            supplier: system.supplier.clone(),
            sub_suppliers: system.sub_suppliers.clone(),
            hosting: system.hosting.clone(),
            storage_country: system.storage_country.clone(),
            version: system.version,
        }
    }

    /// The input for the service; `owner_ids` and the recovery time are kept from
    /// `current` (they are not on this form).
    fn input(&self, current: Option<&SystemDetail>) -> SystemInput {
        SystemInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            functionality: self.functionality.clone(),
            essential_services: self.essential_services.clone(),
            in_cyber_security_act_scope: self.in_cyber_security_act_scope.is_some(),
            criticality: self.criticality.clone(),
            object_owner_id: self.object_owner_id,
            system_administrator_id: self.system_administrator_id,
            owner_ids: current
                .map(|d| d.owners.iter().map(|o| o.id).collect())
                .unwrap_or_default(),
            supplier: self.supplier.clone(),
            sub_suppliers: self.sub_suppliers.clone(),
            hosting: self.hosting.clone(),
            storage_country: self.storage_country.clone(),
            acceptable_recovery_time_hours: current
                .and_then(|d| d.system.acceptable_recovery_time_hours),
        }
    }

    fn is_object_owner(&self, id: &i64) -> bool {
        self.object_owner_id == Some(*id)
    }

    fn is_administrator(&self, id: &i64) -> bool {
        self.system_administrator_id == Some(*id)
    }

    fn in_scope(&self) -> bool {
        self.in_cyber_security_act_scope.is_some()
    }
}

/// What the entry form offers to choose from.
struct Choices {
    kinds: Vec<&'static str>,
    criticalities: Vec<&'static str>,
    hostings: Vec<&'static str>,
    people: Vec<(i64, String)>,
}

async fn choices(state: &AppState, principal: &Principal) -> Result<Choices, AppError> {
    let people =
        tillit_store::users::user_choices(&state.db, principal.organisation_id, 2000).await?;
    Ok(Choices {
        kinds: SystemKind::ALL.iter().map(|k| k.as_str()).collect(),
        criticalities: Criticality::ALL.iter().map(|c| c.as_str()).collect(),
        hostings: Hosting::ALL.iter().map(|h| h.as_str()).collect(),
        people,
    })
}

#[derive(Template)]
#[template(path = "system_new.html")]
struct NewPage {
    ctx: PageContext,
    form: SystemForm,
    errors: FormErrors,
    choices: Choices,
}

impl NewPage {
    fn kind_label(&self, kind: &str) -> String {
        kind_label(&self.ctx, kind)
    }

    fn criticality_label(&self, criticality: &str) -> String {
        criticality_label(&self.ctx, criticality)
    }

    fn hosting_label(&self, hosting: &str) -> String {
        hosting_label(&self.ctx, hosting)
    }
}

async fn new_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: SystemForm,
    errors: FormErrors,
) -> Result<Response, AppError> {
    principal.require_everywhere(Action::ManageRegisters)?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let choices = choices(state, principal).await?;
    Ok((
        status,
        render(&NewPage {
            ctx,
            form,
            errors,
            choices,
        })?,
    )
        .into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let form = SystemForm {
        kind: SystemKind::InformationSystem.as_str().to_owned(),
        criticality: Criticality::Medium.as_str().to_owned(),
        hosting: Hosting::OwnDataCentre.as_str().to_owned(),
        ..Default::default()
    };
    new_page(&state, ctx, &principal, form, FormErrors::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<SystemForm>,
) -> Result<Response, AppError> {
    match service::create_system(&state, &principal, &form.input(None)).await {
        Ok(detail) => Ok(see_other(
            &format!("/register/systems/{}", detail.system.id),
            "system-created",
        )),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation(&ctx, &errors);
            new_page(&state, ctx, &principal, form, errors).await
        }
        Err(other) => Err(other),
    }
}

/// The small forms beside an entry, each with its own route; the ids of a form's
/// fields start with its prefix.
const OWNERS: &str = "owners-";
const DEPENDENCIES: &str = "dependencies-";
const ASSETS: &str = "assets-";
const RECOVERY: &str = "recovery-";

/// A refused submission on the detail page, shown again beside its form.
enum Refused {
    Nothing,
    Edit(Box<SystemForm>, FormErrors),
    /// One of the small forms: its prefix, the errors (ids prefixed) and the value typed.
    Side(&'static str, FormErrors, String),
    /// A picker's form, searched or refused: its prefix, the errors and what was
    /// chosen and typed.
    Pick(&'static str, FormErrors, PickerInput),
}

/// What the small forms offer to choose from; the pickers only for those who may edit.
struct Pickers {
    /// People who are not information owners of the entry yet.
    owners: Vec<(i64, String)>,
    /// Entries to depend on.
    dependencies: Option<Picker>,
    /// Assets to hold.
    assets: Option<Picker>,
}

/// The pickers of the small forms; the one sent (`picked`) keeps what was chosen and
/// typed in it.
async fn pickers(
    state: &AppState,
    ctx: &PageContext,
    principal: &Principal,
    detail: &SystemDetail,
    people: &[(i64, String)],
    side: &(&'static str, FormErrors, String),
    picked: Option<(&'static str, PickerInput)>,
) -> Result<Pickers, AppError> {
    let input_for = |prefix: &str| match &picked {
        Some((sent, input)) if *sent == prefix => input.clone(),
        _ => PickerInput::default(),
    };
    let error_for = |prefix: &str, field: &str| {
        (side.0 == prefix)
            .then(|| side.1.for_field(&format!("{prefix}{field}")))
            .flatten()
    };
    let dependencies = Picker::new(
        PickerKind::Systems,
        DEPENDENCIES,
        "depends_on_id",
        ctx.t("field-depends-on-id"),
    )
    .with_error(error_for(DEPENDENCIES, "depends_on_id"))
    .filled(state, principal, &input_for(DEPENDENCIES))
    .await?;
    let assets = Picker::new(
        PickerKind::Assets,
        ASSETS,
        "asset_id",
        ctx.t("field-asset-id"),
    )
    .with_error(error_for(ASSETS, "asset_id"))
    .filled(state, principal, &input_for(ASSETS))
    .await?;
    Ok(Pickers {
        owners: people
            .iter()
            .filter(|(p, _)| !detail.owners.iter().any(|o| o.id == *p))
            .cloned()
            .collect(),
        dependencies: Some(dependencies),
        assets: Some(assets),
    })
}

#[derive(Template)]
#[template(path = "system.html")]
struct DetailPage {
    ctx: PageContext,
    detail: SystemDetail,
    history: Vec<HistoryRow>,
    form: SystemForm,
    errors: FormErrors,
    /// The prefix of the small form that was refused, its errors and the value typed.
    side: (&'static str, FormErrors, String),
    choices: Choices,
    pickers: Pickers,
    can_edit: bool,
    classification: ClassificationSummary,
}

impl DetailPage {
    fn kind_label(&self, kind: &str) -> String {
        kind_label(&self.ctx, kind)
    }

    fn criticality_label(&self, criticality: &str) -> String {
        criticality_label(&self.ctx, criticality)
    }

    fn hosting_label(&self, hosting: &str) -> String {
        hosting_label(&self.ctx, hosting)
    }

    /// The errors of the small form with this prefix, if it was the one refused.
    fn side_errors(&self, prefix: &str) -> Option<&FormErrors> {
        (self.side.0 == prefix && self.side.1.any()).then_some(&self.side.1)
    }

    fn side_error(&self, id: &str) -> Option<String> {
        self.side.1.for_field(id)
    }

    fn side_invalid(&self, id: &str) -> bool {
        self.side.1.has(id)
    }

    /// Whether `value` was the choice in the refused small form with this prefix.
    fn side_chosen(&self, prefix: &str, value: &i64) -> bool {
        self.side.0 == prefix && self.side.2 == value.to_string()
    }

    /// The recovery time as typed in a refused submission, else as stored.
    fn recovery_value(&self) -> String {
        if self.side.0 == RECOVERY {
            self.side.2.clone()
        } else {
            self.detail
                .system
                .acceptable_recovery_time_hours
                .map(|h| h.to_string())
                .unwrap_or_default()
        }
    }
}

/// One version in the history table, with the fields it changed.
struct HistoryRow {
    version: SystemVersion,
    /// Labels of the fields that differ from the version before; empty for the first.
    changed: Vec<String>,
}

/// Snapshot fields that never count as a change: bookkeeping, and names that follow
/// the ids beside them.
const UNCOMPARED: [&str; 7] = [
    "id",
    "organisation_id",
    "version",
    "created_at",
    "updated_at",
    "object_owner_name",
    "system_administrator_name",
];

/// The fields whose values differ between two snapshots, in the current snapshot's order.
fn changed_fields(previous: &serde_json::Value, current: &serde_json::Value) -> Vec<String> {
    let Some(fields) = current.as_object() else {
        return Vec::new();
    };
    fields
        .iter()
        .filter(|(key, _)| !UNCOMPARED.contains(&key.as_str()))
        .filter(|(key, value)| previous.get(key.as_str()) != Some(*value))
        .map(|(key, _)| key.clone())
        .collect()
}

/// The history, oldest first, with each version's changes as field labels.
fn history_rows(ctx: &PageContext, versions: Vec<SystemVersion>) -> Vec<HistoryRow> {
    let mut previous: Option<serde_json::Value> = None;
    versions
        .into_iter()
        .map(|version| {
            let current: serde_json::Value =
                serde_json::from_str(&version.snapshot).unwrap_or_default();
            let changed = previous
                .as_ref()
                .map(|before| {
                    changed_fields(before, &current)
                        .iter()
                        .map(|field| ctx.t(&format!("field-{}", field.replace('_', "-"))))
                        .collect()
                })
                .unwrap_or_default();
            previous = Some(current);
            HistoryRow { version, changed }
        })
        .collect()
}

async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    refused: Refused,
    status: StatusCode,
) -> Result<Response, AppError> {
    let detail = service::get_system(state, principal, id).await?;
    let history = history_rows(&ctx, service::system_history(state, principal, id).await?);
    let can_edit = may_edit(principal, &detail);
    let mut picked = None;
    let (form, errors, side) = match refused {
        Refused::Nothing => (
            SystemForm::from_system(&detail.system),
            FormErrors::default(),
            ("", FormErrors::default(), String::new()),
        ),
        Refused::Edit(form, errors) => (*form, errors, ("", FormErrors::default(), String::new())),
        Refused::Side(prefix, errors, typed) => (
            SystemForm::from_system(&detail.system),
            FormErrors::default(),
            (prefix, errors, typed),
        ),
        Refused::Pick(prefix, errors, input) => {
            picked = Some((prefix, input));
            (
                SystemForm::from_system(&detail.system),
                FormErrors::default(),
                (prefix, errors, String::new()),
            )
        }
    };
    let choices = choices(state, principal).await?;
    let pickers = if can_edit {
        pickers(
            state,
            &ctx,
            principal,
            &detail,
            &choices.people,
            &side,
            picked,
        )
        .await?
    } else {
        Pickers {
            owners: Vec::new(),
            dependencies: None,
            assets: None,
        }
    };
    let classification =
        classification::summary(state, principal, Subject::System(detail.system.id)).await?;
    let page = DetailPage {
        ctx,
        detail,
        history,
        form,
        errors,
        side,
        choices,
        pickers,
        can_edit,
        classification,
    };
    Ok((status, render(&page)?).into_response())
}

fn may_edit(principal: &Principal, detail: &SystemDetail) -> bool {
    service::may_edit_system(
        principal,
        detail.system.object_owner_id,
        detail.owners.iter().map(|o| o.id),
    )
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    detail_page(
        &state,
        ctx,
        &principal,
        id,
        Refused::Nothing,
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<SystemForm>,
) -> Result<Response, AppError> {
    let current = service::get_system(&state, &principal, id).await?;
    let input = form.input(Some(&current));
    let (errors, status) =
        match service::update_system(&state, &principal, id, form.version, &input).await {
            Ok(_) => {
                return Ok(see_other(
                    &format!("/register/systems/{id}"),
                    "system-saved",
                ))
            }
            Err(error) => FormErrors::rejected(&ctx, error, "", "name")?,
        };
    let refused = Refused::Edit(Box::new(form), errors);
    detail_page(&state, ctx, &principal, id, refused, status).await
}

/// The entry, when the principal may change it; refused before any input is looked at.
async fn editable_system(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<SystemDetail, AppError> {
    let detail = service::get_system(state, principal, id).await?;
    if may_edit(principal, &detail) {
        Ok(detail)
    } else {
        Err(AppError::Forbidden)
    }
}

/// One submission of a small form: its prefix, the field a stale version is reported
/// at, and the notice shown after a success.
struct Side {
    prefix: &'static str,
    field: &'static str,
    notice: &'static str,
}

/// Where a small form ends: back to the entry with a notice, or the page again with
/// the refusal and the value typed beside the form.
async fn side_outcome(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    result: Result<(), AppError>,
    side: Side,
    typed: String,
) -> Result<Response, AppError> {
    let prefix = side.prefix;
    refused_or_done(state, ctx, principal, id, result, side, |errors| {
        Refused::Side(prefix, errors, typed)
    })
    .await
}

/// Like [`side_outcome`], for a form with a picker: refused, it keeps what was chosen
/// and typed in it.
async fn pick_outcome(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    result: Result<(), AppError>,
    side: Side,
    input: PickerInput,
) -> Result<Response, AppError> {
    let prefix = side.prefix;
    refused_or_done(state, ctx, principal, id, result, side, |errors| {
        Refused::Pick(prefix, errors, input)
    })
    .await
}

async fn refused_or_done(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    result: Result<(), AppError>,
    side: Side,
    refused: impl FnOnce(FormErrors) -> Refused,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(&format!("/register/systems/{id}"), side.notice)),
        Err(error) => {
            let (errors, status) = FormErrors::rejected(&ctx, error, side.prefix, side.field)?;
            detail_page(state, ctx, principal, id, refused(errors), status).await
        }
    }
}

/// A picker's form sent with its search button: the page again, nothing saved.
async fn searched(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    prefix: &'static str,
    input: PickerInput,
) -> Result<Response, AppError> {
    let refused = Refused::Pick(prefix, FormErrors::default(), input);
    detail_page(state, ctx, principal, id, refused, StatusCode::OK).await
}

#[derive(Debug, Deserialize)]
pub struct OwnerForm {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    owner_id: Option<i64>,
    #[serde(default)]
    version: i64,
}

/// Adds an information owner; the other owners stay.
pub async fn add_owner(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<OwnerForm>,
) -> Result<Response, AppError> {
    let current = editable_system(&state, &principal, id).await?;
    let result = match form.owner_id {
        None => Err(AppError::invalid("owner_ids", "required")),
        Some(owner) if current.owners.iter().any(|o| o.id == owner) => {
            Err(AppError::invalid("owner_ids", "already-listed"))
        }
        Some(owner) => {
            let mut owners: Vec<i64> = current.owners.iter().map(|o| o.id).collect();
            owners.push(owner);
            service::set_system_owners(&state, &principal, id, form.version, &owners)
                .await
                .map(|_| ())
        }
    };
    let typed = form.owner_id.map(|o| o.to_string()).unwrap_or_default();
    side_outcome(
        &state,
        ctx,
        &principal,
        id,
        result,
        Side {
            prefix: OWNERS,
            field: "owner_ids",
            notice: "system-owner-added",
        },
        typed,
    )
    .await
}

/// Removes one information owner; the other owners stay.
pub async fn remove_owner(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<OwnerForm>,
) -> Result<Response, AppError> {
    let current = editable_system(&state, &principal, id).await?;
    let owner = form
        .owner_id
        .ok_or_else(|| AppError::invalid("owner_id", "required"))?;
    if !current.owners.iter().any(|o| o.id == owner) {
        return Err(AppError::NotFound);
    }
    let owners: Vec<i64> = current
        .owners
        .iter()
        .map(|o| o.id)
        .filter(|o| *o != owner)
        .collect();
    let result = service::set_system_owners(&state, &principal, id, form.version, &owners)
        .await
        .map(|_| ());
    side_outcome(
        &state,
        ctx,
        &principal,
        id,
        result,
        Side {
            prefix: OWNERS,
            field: "owner_ids",
            notice: "system-owner-removed",
        },
        String::new(),
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct DependencyForm {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    depends_on_id: Option<i64>,
}

/// Adds the entries ticked in the picker as dependencies, all or none; or, sent with
/// the search button, shows the picker's matches.
pub async fn add_dependency(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    values: FormValues,
) -> Result<Response, AppError> {
    editable_system(&state, &principal, id).await?;
    let input = PickerInput::read(&values, "depends_on_id")?;
    if picker::searching(&values) {
        return searched(&state, ctx, &principal, id, DEPENDENCIES, input).await;
    }
    let result = if input.chosen.is_empty() {
        Err(AppError::invalid("depends_on_id", "required"))
    } else {
        service::add_dependencies(&state, &principal, id, &input.chosen).await
    };
    pick_outcome(
        &state,
        ctx,
        &principal,
        id,
        result,
        Side {
            prefix: DEPENDENCIES,
            field: "depends_on_id",
            notice: "system-dependency-added",
        },
        input,
    )
    .await
}

pub async fn remove_dependency(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<DependencyForm>,
) -> Result<Response, AppError> {
    editable_system(&state, &principal, id).await?;
    let other = form
        .depends_on_id
        .ok_or_else(|| AppError::invalid("depends_on_id", "required"))?;
    service::remove_dependency(&state, &principal, id, other).await?;
    Ok(see_other(
        &format!("/register/systems/{id}"),
        "system-dependency-removed",
    ))
}

#[derive(Debug, Deserialize)]
pub struct AssetLinkForm {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    asset_id: Option<i64>,
}

/// Links the assets ticked in the picker, all or none; or, sent with the search button,
/// shows the picker's matches.
pub async fn link_asset(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    values: FormValues,
) -> Result<Response, AppError> {
    editable_system(&state, &principal, id).await?;
    let input = PickerInput::read(&values, "asset_id")?;
    if picker::searching(&values) {
        return searched(&state, ctx, &principal, id, ASSETS, input).await;
    }
    let result = if input.chosen.is_empty() {
        Err(AppError::invalid("asset_id", "required"))
    } else {
        service::link_system_assets(&state, &principal, id, &input.chosen).await
    };
    pick_outcome(
        &state,
        ctx,
        &principal,
        id,
        result,
        Side {
            prefix: ASSETS,
            field: "asset_id",
            notice: "system-asset-linked",
        },
        input,
    )
    .await
}

pub async fn unlink_asset(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<AssetLinkForm>,
) -> Result<Response, AppError> {
    editable_system(&state, &principal, id).await?;
    let asset = form
        .asset_id
        .ok_or_else(|| AppError::invalid("asset_id", "required"))?;
    service::unlink_system_asset(&state, &principal, id, asset).await?;
    Ok(see_other(
        &format!("/register/systems/{id}"),
        "system-asset-unlinked",
    ))
}

#[derive(Debug, Deserialize)]
pub struct RecoveryForm {
    /// Whole hours; empty clears it. Read as text so that a typing mistake is shown
    /// beside the field.
    #[serde(default)]
    acceptable_recovery_time_hours: String,
    #[serde(default)]
    version: i64,
}

pub async fn set_recovery_time(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<RecoveryForm>,
) -> Result<Response, AppError> {
    editable_system(&state, &principal, id).await?;
    let typed = form.acceptable_recovery_time_hours.trim().to_owned();
    let hours = match typed.as_str() {
        "" => Ok(None),
        text => text
            .parse::<i64>()
            .map(Some)
            .map_err(|_| AppError::invalid("acceptable_recovery_time_hours", "whole-hours")),
    };
    let result = match hours {
        Ok(hours) => service::set_recovery_time(&state, &principal, id, form.version, hours)
            .await
            .map(|_| ()),
        Err(error) => Err(error),
    };
    side_outcome(
        &state,
        ctx,
        &principal,
        id,
        result,
        Side {
            prefix: RECOVERY,
            field: "acceptable_recovery_time_hours",
            notice: "system-recovery-time-saved",
        },
        typed,
    )
    .await
}
