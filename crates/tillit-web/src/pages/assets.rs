//! The register of information assets (informationstillgångar): list with filters,
//! create, detail with edit, and the systems that hold each asset. Every page calls the
//! same service functions as the API.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{AssetForm, AssetInput, AssetSort, PersonalDataCategory};
use tillit_domain::validation::ValidationErrors;
use tillit_store::registers::{AssetFilter, InformationAsset};
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
use crate::services::registers::AssetDetail;
use crate::state::AppState;

fn form_label(ctx: &PageContext, form: &str) -> String {
    ctx.t(&format!("asset-form-{form}"))
}

fn category_label(ctx: &PageContext, category: &str) -> String {
    ctx.t(&format!("asset-category-{}", category.replace('_', "-")))
}

fn forms() -> Vec<&'static str> {
    AssetForm::ALL.iter().map(|f| f.as_str()).collect()
}

fn categories() -> Vec<&'static str> {
    PersonalDataCategory::ALL
        .iter()
        .map(|c| c.as_str())
        .collect()
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    pub q: String,
    #[serde(default)]
    pub form: String,
    /// `yes`, `no` or empty for both.
    #[serde(default)]
    pub personal_data: String,
    #[serde(default)]
    pub category: String,
    /// `yes`, `no` or empty for both.
    #[serde(default)]
    pub business_critical: String,
    /// The unit; the assets of the units below it are listed too, unless `unit_only`.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub unit_id: Option<i64>,
    /// `yes`: the unit's own assets only.
    #[serde(default)]
    pub unit_only: String,
    /// `yes` (with an approved classification), `no` or empty for both.
    #[serde(default)]
    pub classified: String,
    #[serde(default)]
    pub sort: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub page: Option<u32>,
}

#[derive(Template)]
#[template(path = "assets.html")]
struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    page: Page<InformationAsset>,
    current_page: u32,
    page_count: u32,
    forms: Vec<&'static str>,
    categories: Vec<&'static str>,
    units: Vec<TreeRow>,
    sorts: Vec<&'static str>,
    can_manage: bool,
}

impl ListPage {
    fn sort_label(&self, sort: &str) -> String {
        self.ctx
            .t(&format!("asset-sort-{}", sort.replace('_', "-")))
    }

    fn form_label(&self, form: &str) -> String {
        form_label(&self.ctx, form)
    }

    fn category_label(&self, category: &str) -> String {
        category_label(&self.ctx, category)
    }

    fn unit_selected(&self, id: &i64) -> bool {
        self.query.unit_id == Some(*id)
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
            ("form", self.query.form.as_str()),
            ("personal_data", self.query.personal_data.as_str()),
            ("category", self.query.category.as_str()),
            ("business_critical", self.query.business_critical.as_str()),
            ("unit_id", unit.as_str()),
            ("unit_only", self.query.unit_only.as_str()),
            ("classified", self.query.classified.as_str()),
            ("sort", self.query.sort.as_str()),
        ])
        .unwrap_or_default()
    }

    fn page_link(&self, page: u32) -> String {
        format!("/register/assets?{}&page={page}", self.filter_query())
    }

    /// The export of every asset the filters select.
    fn export_link(&self, format: &str) -> String {
        format!("/register/assets/export.{format}?{}", self.filter_query())
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

/// An optional choice as a filter value, recording `invalid-choice` for an unknown one.
fn optional_choice<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    if value.is_empty() {
        return None;
    }
    let parsed = parse(value);
    if parsed.is_none() {
        errors.add(field, "invalid-choice");
    }
    parsed
}

/// The list's filters, also used by the export of what the list selects.
pub(crate) fn parse_filter(query: &ListQuery) -> Result<AssetFilter, AppError> {
    let mut errors = ValidationErrors::new();
    let form = optional_choice(&mut errors, "form", &query.form, AssetForm::parse);
    let category = optional_choice(
        &mut errors,
        "category",
        &query.category,
        PersonalDataCategory::parse,
    );
    let contains_personal_data = yes_no(&mut errors, "personal_data", &query.personal_data);
    let business_critical = yes_no(&mut errors, "business_critical", &query.business_critical);
    let classified = yes_no(&mut errors, "classified", &query.classified);
    let unit_only = yes_no(&mut errors, "unit_only", &query.unit_only).unwrap_or(false);
    let sort = optional_choice(&mut errors, "sort", &query.sort, AssetSort::parse);
    Ok(errors.finish(AssetFilter {
        form,
        unit_id: query.unit_id,
        unit_only,
        contains_personal_data,
        business_critical,
        category,
        classified,
        query: Some(query.q.clone()).filter(|q| !q.trim().is_empty()),
        sort: sort.unwrap_or_default(),
        ..Default::default()
    })?)
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let filter = parse_filter(&query)?;
    let paging = PageRequest::parse(query.page, None)?;
    let page = service::list_assets(&state, &principal, &filter, paging).await?;
    let page_count = paging.page_count(page.total);
    let units = crate::pages::org::tree_rows_for(&state, &principal).await?;
    render(&ListPage {
        ctx,
        query,
        page,
        current_page: paging.page,
        page_count,
        forms: forms(),
        categories: categories(),
        units,
        sorts: AssetSort::ALL.iter().map(|s| s.as_str()).collect(),
        can_manage: principal.grants.allows_everywhere(Action::ManageRegisters),
    })
}

/// The fields of an asset as typed, kept when a submission is refused. Each category of
/// personal data is its own checkbox (`category_<category>`): the form reader takes one
/// value per name.
#[derive(Debug, Default, Deserialize)]
pub struct AssetFields {
    #[serde(default)]
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    form: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    owner_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default)]
    processes: String,
    /// Checkboxes: present when ticked.
    contains_personal_data: Option<String>,
    category_health: Option<String>,
    category_protected_identity: Option<String>,
    category_social_security_number: Option<String>,
    category_children: Option<String>,
    category_other_special_category: Option<String>,
    category_criminal_offences: Option<String>,
    business_critical: Option<String>,
    #[serde(default)]
    version: i64,
}

impl AssetFields {
    fn from_asset(asset: &InformationAsset) -> Self {
        let mut fields = Self {
            name: asset.name.clone(),
            description: asset.description.clone(),
            form: asset.form.clone(),
            owner_id: Some(asset.owner_id),
            unit_id: asset.unit_id,
            processes: asset.processes.clone(),
            contains_personal_data: asset.contains_personal_data.then(|| "on".to_owned()),
            business_critical: asset.business_critical.then(|| "on".to_owned()),
            version: asset.version,
            ..Default::default()
        };
        for category in PersonalDataCategory::ALL {
            if asset
                .personal_data_categories
                .iter()
                .any(|c| c == category.as_str())
            {
                *fields.category_mut(*category) = Some("on".to_owned());
            }
        }
        fields
    }

    fn category(&self, category: PersonalDataCategory) -> &Option<String> {
        match category {
            PersonalDataCategory::Health => &self.category_health,
            PersonalDataCategory::ProtectedIdentity => &self.category_protected_identity,
            PersonalDataCategory::SocialSecurityNumber => &self.category_social_security_number,
            PersonalDataCategory::Children => &self.category_children,
            PersonalDataCategory::OtherSpecialCategory => &self.category_other_special_category,
            PersonalDataCategory::CriminalOffences => &self.category_criminal_offences,
        }
    }

    fn category_mut(&mut self, category: PersonalDataCategory) -> &mut Option<String> {
        match category {
            PersonalDataCategory::Health => &mut self.category_health,
            PersonalDataCategory::ProtectedIdentity => &mut self.category_protected_identity,
            PersonalDataCategory::SocialSecurityNumber => &mut self.category_social_security_number,
            PersonalDataCategory::Children => &mut self.category_children,
            PersonalDataCategory::OtherSpecialCategory => &mut self.category_other_special_category,
            PersonalDataCategory::CriminalOffences => &mut self.category_criminal_offences,
        }
    }

    fn input(&self) -> AssetInput {
        AssetInput {
            name: self.name.clone(),
            description: self.description.clone(),
            form: self.form.clone(),
            owner_id: self.owner_id,
            unit_id: self.unit_id,
            processes: self.processes.clone(),
            contains_personal_data: self.contains_personal_data.is_some(),
            personal_data_categories: PersonalDataCategory::ALL
                .iter()
                .filter(|c| self.category(**c).is_some())
                .map(|c| c.as_str().to_owned())
                .collect(),
            business_critical: self.business_critical.is_some(),
        }
    }

    fn has_category(&self, category: &str) -> bool {
        PersonalDataCategory::parse(category).is_some_and(|c| self.category(c).is_some())
    }

    fn is_owner(&self, id: &i64) -> bool {
        self.owner_id == Some(*id)
    }

    fn is_unit(&self, id: &i64) -> bool {
        self.unit_id == Some(*id)
    }

    fn personal_data(&self) -> bool {
        self.contains_personal_data.is_some()
    }

    fn critical(&self) -> bool {
        self.business_critical.is_some()
    }
}

/// What the asset form offers to choose from.
struct Choices {
    forms: Vec<&'static str>,
    categories: Vec<&'static str>,
    people: Vec<(i64, String)>,
    units: Vec<TreeRow>,
}

async fn choices(state: &AppState, principal: &Principal) -> Result<Choices, AppError> {
    let people =
        tillit_store::users::user_choices(&state.db, principal.organisation_id, 2000).await?;
    Ok(Choices {
        forms: forms(),
        categories: categories(),
        people,
        units: crate::pages::org::tree_rows_for(state, principal).await?,
    })
}

#[derive(Template)]
#[template(path = "asset_new.html")]
struct NewPage {
    ctx: PageContext,
    form: AssetFields,
    errors: FormErrors,
    choices: Choices,
}

impl NewPage {
    fn form_label(&self, form: &str) -> String {
        form_label(&self.ctx, form)
    }

    fn category_label(&self, category: &str) -> String {
        category_label(&self.ctx, category)
    }
}

async fn new_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: AssetFields,
    errors: FormErrors,
) -> Result<Response, AppError> {
    principal.require_everywhere(Action::ManageRegisters)?;
    let status = if errors.any() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    let choices = choices(state, principal).await?;
    let page = NewPage {
        ctx,
        form,
        errors,
        choices,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let form = AssetFields {
        form: AssetForm::Digital.as_str().to_owned(),
        ..Default::default()
    };
    new_page(&state, ctx, &principal, form, FormErrors::default()).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<AssetFields>,
) -> Result<Response, AppError> {
    match service::create_asset(&state, &principal, &form.input()).await {
        Ok(detail) => Ok(see_other(
            &format!("/register/assets/{}", detail.asset.id),
            "asset-created",
        )),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation(&ctx, &errors);
            new_page(&state, ctx, &principal, form, errors).await
        }
        Err(other) => Err(other),
    }
}

/// A refused submission on the detail page, shown again beside its form.
enum Refused {
    Nothing,
    Edit(Box<AssetFields>, FormErrors),
    /// Linking systems, searched or refused: what was chosen and typed in the picker,
    /// and the errors (ids prefixed `link-`).
    Link(PickerInput, FormErrors),
}

#[derive(Template)]
#[template(path = "asset.html")]
struct DetailPage {
    ctx: PageContext,
    detail: AssetDetail,
    form: AssetFields,
    errors: FormErrors,
    link_errors: FormErrors,
    choices: Choices,
    /// The systems to link, for those who may edit.
    systems: Option<Picker>,
    can_edit: bool,
    classification: ClassificationSummary,
}

impl DetailPage {
    fn form_label(&self, form: &str) -> String {
        form_label(&self.ctx, form)
    }

    fn category_label(&self, category: &str) -> String {
        category_label(&self.ctx, category)
    }
}

async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    refused: Refused,
    status: StatusCode,
) -> Result<Response, AppError> {
    let detail = service::get_asset(state, principal, id).await?;
    let can_edit = service::may_edit_asset(principal, detail.asset.owner_id);
    let (form, errors, link_errors, link_input) = match refused {
        Refused::Nothing => (
            AssetFields::from_asset(&detail.asset),
            FormErrors::default(),
            FormErrors::default(),
            PickerInput::default(),
        ),
        Refused::Edit(form, errors) => {
            (*form, errors, FormErrors::default(), PickerInput::default())
        }
        Refused::Link(input, errors) => (
            AssetFields::from_asset(&detail.asset),
            FormErrors::default(),
            errors,
            input,
        ),
    };
    let mut choices = choices(state, principal).await?;
    // An owner who has left is still shown as the chosen owner.
    if !choices
        .people
        .iter()
        .any(|(p, _)| *p == detail.asset.owner_id)
    {
        choices
            .people
            .push((detail.asset.owner_id, detail.asset.owner_name.clone()));
    }
    let systems = if can_edit {
        let picker = Picker::new(
            PickerKind::Systems,
            "link-",
            "system_id",
            ctx.t("field-system-id"),
        )
        .with_error(link_errors.for_field("link-system_id"))
        .filled(state, principal, &link_input)
        .await?;
        Some(picker)
    } else {
        None
    };
    let classification =
        classification::summary(state, principal, Subject::Asset(detail.asset.id)).await?;
    let page = DetailPage {
        ctx,
        detail,
        form,
        errors,
        link_errors,
        choices,
        systems,
        can_edit,
        classification,
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
        Refused::Nothing,
        StatusCode::OK,
    )
    .await
}

/// The asset, when the principal may change it; refused before any input is looked at.
async fn editable_asset(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<AssetDetail, AppError> {
    let detail = service::get_asset(state, principal, id).await?;
    if service::may_edit_asset(principal, detail.asset.owner_id) {
        Ok(detail)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<AssetFields>,
) -> Result<Response, AppError> {
    editable_asset(&state, &principal, id).await?;
    let (errors, status) =
        match service::update_asset(&state, &principal, id, form.version, &form.input()).await {
            Ok(_) => return Ok(see_other(&format!("/register/assets/{id}"), "asset-saved")),
            Err(error) => FormErrors::rejected(&ctx, error, "", "name")?,
        };
    detail_page(
        &state,
        ctx,
        &principal,
        id,
        Refused::Edit(Box::new(form), errors),
        status,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct SystemLinkForm {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    system_id: Option<i64>,
}

/// Links the systems ticked in the picker, all or none; or, sent with the search
/// button, shows the picker's matches.
pub async fn link_system(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    values: FormValues,
) -> Result<Response, AppError> {
    editable_asset(&state, &principal, id).await?;
    let input = PickerInput::read(&values, "system_id")?;
    if picker::searching(&values) {
        let refused = Refused::Link(input, FormErrors::default());
        return detail_page(&state, ctx, &principal, id, refused, StatusCode::OK).await;
    }
    let result = if input.chosen.is_empty() {
        Err(AppError::invalid("system_id", "required"))
    } else {
        service::link_asset_systems(&state, &principal, id, &input.chosen).await
    };
    match result {
        Ok(()) => Ok(see_other(
            &format!("/register/assets/{id}"),
            "asset-system-linked",
        )),
        Err(error) => {
            let (errors, status) = FormErrors::rejected(&ctx, error, "link-", "system_id")?;
            let refused = Refused::Link(input, errors);
            detail_page(&state, ctx, &principal, id, refused, status).await
        }
    }
}

pub async fn unlink_system(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<SystemLinkForm>,
) -> Result<Response, AppError> {
    editable_asset(&state, &principal, id).await?;
    let system_id = form
        .system_id
        .ok_or_else(|| AppError::invalid("system_id", "required"))?;
    service::unlink_asset_system(&state, &principal, id, system_id).await?;
    Ok(see_other(
        &format!("/register/assets/{id}"),
        "asset-system-unlinked",
    ))
}
