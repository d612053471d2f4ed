//! The organisations of the deployment as operators see them: hosting facts only.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::hosting::{Access, HostedOrganisationInput};
use tillit_domain::org::OrganisationKind;
use tillit_domain::pagination::PageRequest;
use tillit_store::audit::LatestCheckpoint;
use tillit_store::hosting::HostedOrganisation;

use crate::auth::OperatorPrincipal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::hosting::{self as service, OneTimeAccess, Overview};
use crate::state::AppState;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    pub page: Option<u32>,
}

#[derive(Template)]
#[template(path = "operator_organisations.html")]
struct ListPage {
    ctx: PageContext,
    overview: Overview,
    current_page: u32,
    page_count: u32,
}

impl ListPage {
    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| format!("/operator?page={}", self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count)
            .then(|| format!("/operator?page={}", self.current_page + 1))
    }

    fn size_text(&self, bytes: &i64) -> String {
        size_text(*bytes)
    }
}

/// Bytes as a size people read: kB, MB or GB with one decimal.
fn size_text(bytes: i64) -> String {
    let bytes = bytes as f64;
    let (value, unit) = if bytes >= 1e9 {
        (bytes / 1e9, "GB")
    } else if bytes >= 1e6 {
        (bytes / 1e6, "MB")
    } else {
        (bytes / 1e3, "kB")
    };
    format!("{value:.1} {unit}")
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    _operator: OperatorPrincipal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let paging = PageRequest::parse(query.page, None)?;
    let overview = service::overview(&state, paging).await?;
    let page_count = paging.page_count(overview.organisations.total);
    render(&ListPage {
        ctx,
        overview,
        current_page: paging.page,
        page_count,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    org_number: String,
    #[serde(default)]
    admin_email: String,
    #[serde(default)]
    admin_name: String,
}

impl NewForm {
    fn input(&self) -> HostedOrganisationInput {
        HostedOrganisationInput {
            name: self.name.clone(),
            kind: self.kind.clone(),
            org_number: self.org_number.clone(),
            admin_email: self.admin_email.clone(),
            admin_name: self.admin_name.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "operator_organisation_new.html")]
struct NewPage {
    ctx: PageContext,
    form: NewForm,
    errors: FormErrors,
    kinds: Vec<&'static str>,
}

fn new_page(
    ctx: PageContext,
    form: NewForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = NewPage {
        ctx,
        form,
        errors,
        kinds: OrganisationKind::ALL.iter().map(|k| k.as_str()).collect(),
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn new_form(
    ctx: PageContext,
    _operator: OperatorPrincipal,
) -> Result<Response, AppError> {
    let form = NewForm {
        kind: OrganisationKind::Municipality.as_str().to_owned(),
        ..NewForm::default()
    };
    new_page(ctx, form, FormErrors::default(), StatusCode::OK)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    operator: OperatorPrincipal,
    FormData(form): FormData<NewForm>,
) -> Result<Response, AppError> {
    match service::create(&state, &operator, &form.input()).await {
        Ok((organisation, access)) => {
            let page = DetailPage::new(&state, ctx, organisation, Some(access)).await?;
            render(&page)
        }
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation_in(&ctx, &errors, "operator");
            new_page(ctx, form, errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "operator_organisation.html")]
struct DetailPage {
    ctx: PageContext,
    organisation: HostedOrganisation,
    checkpoint: Option<LatestCheckpoint>,
    one_time: Option<OneTimeAccess>,
    access_errors: FormErrors,
    reset_errors: FormErrors,
    reset_email: String,
}

impl DetailPage {
    async fn new(
        state: &AppState,
        ctx: PageContext,
        organisation: HostedOrganisation,
        one_time: Option<OneTimeAccess>,
    ) -> Result<Self, AppError> {
        Ok(Self {
            ctx,
            organisation,
            checkpoint: service::latest_checkpoint(state).await?,
            one_time,
            access_errors: FormErrors::default(),
            reset_errors: FormErrors::default(),
            reset_email: String::new(),
        })
    }

    /// Whether a signed checkpoint covers the organisation's latest event.
    fn coverage_text(&self) -> String {
        let head = self.organisation.audit_head;
        match &self.checkpoint {
            Some(c) if head == 0 || c.tree_size >= head => {
                let at = self.ctx.time(&c.issued_at);
                format!("{} ({at})", self.ctx.t("operator-audit-covered-yes"))
            }
            _ => self.ctx.t("operator-audit-covered-pending"),
        }
    }
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    _operator: OperatorPrincipal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let organisation = service::organisation(&state, id).await?;
    render(&DetailPage::new(&state, ctx, organisation, None).await?)
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    #[serde(default)]
    version: i64,
}

async fn change_access(
    state: AppState,
    ctx: PageContext,
    operator: OperatorPrincipal,
    id: i64,
    version: i64,
    wanted: Access,
) -> Result<Response, AppError> {
    let error = match service::set_access(&state, &operator, id, version, wanted).await {
        Ok(_) => {
            let notice = match wanted {
                Access::Suspended => "organisation-suspended",
                Access::Active => "organisation-reactivated",
            };
            return Ok(see_other(&format!("/operator/organisations/{id}"), notice));
        }
        Err(error) => error,
    };
    let (errors, status) = FormErrors::rejected(&ctx, error, "", "suspended")?;
    let organisation = service::organisation(&state, id).await?;
    let mut page = DetailPage::new(&state, ctx, organisation, None).await?;
    page.access_errors = errors;
    Ok((status, render(&page)?).into_response())
}

pub async fn suspend(
    State(state): State<AppState>,
    ctx: PageContext,
    operator: OperatorPrincipal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    change_access(state, ctx, operator, id, form.version, Access::Suspended).await
}

pub async fn reactivate(
    State(state): State<AppState>,
    ctx: PageContext,
    operator: OperatorPrincipal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    change_access(state, ctx, operator, id, form.version, Access::Active).await
}

#[derive(Debug, Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    admin_email: String,
}

pub async fn reset_admin(
    State(state): State<AppState>,
    ctx: PageContext,
    operator: OperatorPrincipal,
    IdPath(id): IdPath,
    FormData(form): FormData<ResetForm>,
) -> Result<Response, AppError> {
    match service::reset_admin_access(&state, &operator, id, &form.admin_email).await {
        Ok(access) => {
            let organisation = service::organisation(&state, id).await?;
            render(&DetailPage::new(&state, ctx, organisation, Some(access)).await?)
        }
        Err(AppError::Invalid(errors)) => {
            let organisation = service::organisation(&state, id).await?;
            let reset_errors = FormErrors::from_validation_in(&ctx, &errors, "operator");
            let mut page = DetailPage::new(&state, ctx, organisation, None).await?;
            page.reset_errors = reset_errors;
            page.reset_email = form.admin_email;
            Ok((StatusCode::UNPROCESSABLE_ENTITY, render(&page)?).into_response())
        }
        Err(other) => Err(other),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(size_text(512_000), "512.0 kB");
        assert_eq!(size_text(3_400_000), "3.4 MB");
        assert_eq!(size_text(2_000_000_000), "2.0 GB");
    }
}
