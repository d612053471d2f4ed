//! The register of networks and information systems (förteckning över nätverk och
//! informationssystem): list, create, detail with history, edit, yearly confirmation.
//! Every page calls the same service functions as the API.

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

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams};
use crate::pages::{render, see_other, FormErrors, PageContext};
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
    page: Page<InformationSystem>,
    current_page: u32,
    page_count: u32,
    kinds: Vec<&'static str>,
    criticalities: Vec<&'static str>,
    sorts: Vec<&'static str>,
    latest: Option<RegisterConfirmation>,
    overdue: bool,
    can_manage: bool,
}

impl ListPage {
    fn sort_label(&self, sort: &str) -> String {
        self.ctx.t(&format!("register-sort-{sort}"))
    }

    fn kind_label(&self, kind: &str) -> String {
        kind_label(&self.ctx, kind)
    }

    fn criticality_label(&self, criticality: &str) -> String {
        criticality_label(&self.ctx, criticality)
    }

    fn page_link(&self, page: u32) -> String {
        serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("kind", self.query.kind.as_str()),
            ("criticality", self.query.criticality.as_str()),
            ("in_scope", self.query.in_scope.as_str()),
            ("sort", self.query.sort.as_str()),
            ("page", &page.to_string()),
        ])
        .map(|q| format!("/register?{q}"))
        .unwrap_or_default()
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

fn parse_filter(query: &ListQuery) -> Result<SystemFilter, AppError> {
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
    let in_scope = match query.in_scope.as_str() {
        "" => None,
        "yes" => Some(true),
        "no" => Some(false),
        _ => {
            errors.add("in_scope", "invalid-choice");
            None
        }
    };
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
    let page = service::list_systems(&state, &principal, &filter, paging).await?;
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

#[derive(Template)]
#[template(path = "system.html")]
struct DetailPage {
    ctx: PageContext,
    detail: SystemDetail,
    history: Vec<SystemVersion>,
    form: SystemForm,
    errors: FormErrors,
    choices: Choices,
    can_edit: bool,
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
}

async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    typed: Option<SystemForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let detail = service::get_system(state, principal, id).await?;
    let history = service::system_history(state, principal, id).await?;
    let can_edit = service::may_edit_system(
        principal,
        detail.system.object_owner_id,
        detail.owners.iter().map(|o| o.id),
    );
    let form = typed.unwrap_or_else(|| SystemForm::from_system(&detail.system));
    let choices = choices(state, principal).await?;
    let page = DetailPage {
        ctx,
        detail,
        history,
        form,
        errors,
        choices,
        can_edit,
    };
    Ok((status, render(&page)?).into_response())
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
        None,
        FormErrors::default(),
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
    detail_page(&state, ctx, &principal, id, Some(form), errors, status).await
}
