//! The requirement catalogue: the built-in protection requirements and the
//! organisation's own, which administrators and coordinators add and change.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::classification::{Aspect, Category, Level, OwnRequirementInput, Requirement};

use super::{aspect_name, text};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::classification as service;
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct CatalogueQuery {
    /// K, R, T, S or empty for all.
    #[serde(default)]
    aspect: String,
    /// Only requirements that apply at this level of the aspect.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    level: Option<u8>,
}

struct RequirementView {
    code: String,
    aspect: String,
    min_level: u8,
    category: String,
    title: String,
    description: String,
    procurement: String,
    iso27002: String,
    sources: String,
    /// The id of an own requirement, for its edit link.
    own_id: Option<i64>,
}

/// The form for an own requirement, as typed.
#[derive(Debug, Default, Deserialize)]
pub struct RequirementForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    aspect: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    min_level: Option<i64>,
    #[serde(default)]
    category: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    procurement: String,
    #[serde(default)]
    iso27002: String,
    #[serde(default)]
    sources: String,
    #[serde(default)]
    version: i64,
}

impl RequirementForm {
    fn input(&self) -> OwnRequirementInput {
        OwnRequirementInput {
            code: self.code.clone(),
            aspect: self.aspect.clone(),
            min_level: self.min_level,
            category: self.category.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            procurement: self.procurement.clone(),
            iso27002: self.iso27002.clone(),
            sources: self.sources.clone(),
        }
    }

    fn from_input(input: OwnRequirementInput, version: i64) -> Self {
        Self {
            code: input.code,
            aspect: input.aspect,
            min_level: input.min_level,
            category: input.category,
            title: input.title,
            description: input.description,
            procurement: input.procurement,
            iso27002: input.iso27002,
            sources: input.sources,
            version,
        }
    }

    fn is_min_level(&self, level: &u8) -> bool {
        self.min_level == Some(i64::from(*level))
    }
}

/// What the requirement form offers.
struct Choices {
    aspects: Vec<(&'static str, String)>,
    levels: Vec<u8>,
    categories: Vec<(&'static str, String)>,
}

fn choices(ctx: &PageContext) -> Choices {
    Choices {
        aspects: Aspect::ALL
            .into_iter()
            .map(|a| (a.as_str(), aspect_name(ctx, a)))
            .collect(),
        levels: Level::ALL
            .into_iter()
            .filter(|l| *l > Level::MIN)
            .map(Level::get)
            .collect(),
        categories: Category::ALL
            .into_iter()
            .map(|c| (c.as_str(), ctx.t(&format!("category-{}", c.as_str()))))
            .collect(),
    }
}

fn view(ctx: &PageContext, requirement: Requirement, own_id: Option<i64>) -> RequirementView {
    RequirementView {
        aspect: aspect_name(ctx, requirement.aspect),
        min_level: requirement.min_level.get(),
        category: ctx.t(&format!("category-{}", requirement.category.as_str())),
        title: text(ctx, &requirement.title),
        description: text(ctx, &requirement.description),
        procurement: text(ctx, &requirement.procurement),
        iso27002: requirement
            .iso27002
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(", "),
        sources: requirement.sources.join("; "),
        code: requirement.id,
        own_id,
    }
}

/// A refused requirement form: field errors with this form's own labels.
fn rejected(ctx: &PageContext, error: AppError) -> Result<(FormErrors, StatusCode), AppError> {
    match error {
        AppError::Invalid(errors) => Ok((
            FormErrors::from_validation_in(ctx, &errors, "requirement"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        other => FormErrors::rejected(ctx, other, "", "code"),
    }
}

#[derive(Template)]
#[template(path = "requirements.html")]
struct CataloguePage {
    ctx: PageContext,
    query: CatalogueQuery,
    requirements: Vec<RequirementView>,
    choices: Choices,
    can_manage: bool,
    form: RequirementForm,
    errors: FormErrors,
}

async fn catalogue_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    query: CatalogueQuery,
    form: RequirementForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let aspect = match query.aspect.as_str() {
        "" => None,
        code => {
            Some(Aspect::parse(code).ok_or_else(|| AppError::invalid("aspect", "invalid-choice"))?)
        }
    };
    let level = match query.level {
        None => None,
        Some(value) => {
            Some(Level::new(value).ok_or_else(|| AppError::invalid("level", "level-range"))?)
        }
    };
    let own = service::own_requirements(state, principal).await?;
    let requirements = service::all_requirements(state, principal)
        .await?
        .into_iter()
        .filter(|r| aspect.is_none_or(|a| r.aspect == a))
        .filter(|r| level.is_none_or(|l| r.min_level <= l))
        .map(|r| {
            let own_id = own.iter().find(|o| o.code == r.id).map(|o| o.id);
            view(&ctx, r, own_id)
        })
        .collect();
    let page = CataloguePage {
        query,
        requirements,
        choices: choices(&ctx),
        can_manage: principal
            .grants
            .allows_everywhere(Action::ManageRequirements),
        form,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn catalogue(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<CatalogueQuery>,
) -> Result<Response, AppError> {
    let form = RequirementForm {
        aspect: Aspect::Confidentiality.as_str().to_owned(),
        min_level: Some(2),
        category: Category::Organisational.as_str().to_owned(),
        ..RequirementForm::default()
    };
    catalogue_page(
        &state,
        ctx,
        &principal,
        query,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<RequirementForm>,
) -> Result<Response, AppError> {
    match service::create_own_requirement(&state, &principal, &form.input()).await {
        Ok(_) => Ok(see_other(
            "/classification/requirements",
            "requirement-created",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            catalogue_page(
                &state,
                ctx,
                &principal,
                CatalogueQuery::default(),
                form,
                errors,
                status,
            )
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "requirement.html")]
struct EditPage {
    ctx: PageContext,
    id: i64,
    form: RequirementForm,
    choices: Choices,
    errors: FormErrors,
}

async fn edit_page(
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    form: RequirementForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    principal.require_everywhere(Action::ManageRequirements)?;
    let page = EditPage {
        id,
        form,
        choices: choices(&ctx),
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn edit_form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let own = service::own_requirement(&state, &principal, id).await?;
    let form = RequirementForm::from_input(own.as_input(), own.version);
    edit_page(
        ctx,
        &principal,
        id,
        form,
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
    FormData(form): FormData<RequirementForm>,
) -> Result<Response, AppError> {
    match service::update_own_requirement(&state, &principal, id, form.version, &form.input()).await
    {
        Ok(_) => Ok(see_other(
            "/classification/requirements",
            "requirement-saved",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            edit_page(ctx, &principal, id, form, errors, status).await
        }
    }
}
