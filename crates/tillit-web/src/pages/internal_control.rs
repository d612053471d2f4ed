//! Internal control: the plan of a year with the administrations' reporting status, one
//! item with its reports, and the forms to keep the plan and to report.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::internal_control::{Frequency, ItemInput, ReportInput, ReportStatus, YEARS};
use tillit_domain::ValidationErrors;
use tillit_store::internal_control::{report_status, ControlItem, ControlReport, ControlSummary};

use super::governance_documents::code_label;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, IdPath, QueryParams, RepeatedForm};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::documents::today;
use crate::services::internal_control as service;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/governance/internal-control", get(plan).post(create_item))
        .route(
            "/governance/internal-control/{id}",
            get(item).post(update_item),
        )
        .route(
            "/governance/internal-control/{id}/reports",
            post(save_report),
        )
}

fn this_year() -> i64 {
    i64::from(today().year())
}

fn frequencies(ctx: &PageContext) -> Vec<(&'static str, String)> {
    Frequency::ALL
        .into_iter()
        .map(|f| (f.as_str(), code_label(ctx, "ic-frequency", f.as_str())))
        .collect()
}

fn status_label(ctx: &PageContext, status: ReportStatus) -> String {
    code_label(ctx, "ic-status", status.as_str())
}

/// A unit as a checkbox of the item form: (id, name, checked).
struct UnitChoice {
    id: i64,
    label: String,
    checked: bool,
}

async fn unit_choices(
    state: &AppState,
    principal: &Principal,
    chosen: &[i64],
) -> Result<Vec<UnitChoice>, AppError> {
    // Administrations report; a unit of another kind is offered only once it was chosen.
    Ok(crate::pages::org::tree_rows_for(state, principal)
        .await?
        .into_iter()
        .filter(|row| row.unit.kind == "administration" || chosen.contains(&row.unit.id))
        .map(|row| UnitChoice {
            checked: chosen.contains(&row.unit.id),
            label: row.unit.name,
            id: row.unit.id,
        })
        .collect())
}

/// The item form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct ItemForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    risk: String,
    #[serde(default)]
    control: String,
    #[serde(default)]
    responsible: String,
    #[serde(default)]
    frequency: String,
    #[serde(default)]
    version: i64,
    #[serde(skip)]
    unit_ids: Vec<i64>,
}

impl ItemForm {
    fn read(form: RepeatedForm<ItemForm>) -> Result<Self, AppError> {
        let RepeatedForm(mut form, values) = form;
        form.unit_ids = values.ids("unit_ids")?;
        Ok(form)
    }

    fn input(&self) -> (ItemInput, ValidationErrors) {
        let mut errors = ValidationErrors::new();
        let year = match self.year.trim() {
            "" => None,
            text => text
                .parse()
                .map_err(|_| errors.add("year", "year-range"))
                .ok(),
        };
        let input = ItemInput {
            year,
            risk: self.risk.clone(),
            control: self.control.clone(),
            responsible: self.responsible.clone(),
            frequency: self.frequency.clone(),
            unit_ids: self.unit_ids.clone(),
        };
        (input, errors)
    }

    fn from_item(item: &ControlItem) -> Self {
        Self {
            year: item.year.to_string(),
            risk: item.risk.clone(),
            control: item.control.clone(),
            responsible: item.responsible.clone(),
            frequency: item.frequency.clone(),
            version: item.version,
            unit_ids: item.unit_ids.clone(),
        }
    }
}

/// Validates the form and reports the fields that could not be read first.
fn checked(form: &ItemForm) -> Result<ItemInput, AppError> {
    let (input, mut errors) = form.input();
    if errors.is_empty() {
        return Ok(input);
    }
    if let Err(more) = input.validate() {
        let more: Vec<_> = more
            .0
            .into_iter()
            .filter(|e| !errors.has(&e.field))
            .collect();
        errors.0.extend(more);
    }
    Err(AppError::Invalid(errors))
}

fn rejected(ctx: &PageContext, error: AppError) -> Result<(FormErrors, StatusCode), AppError> {
    match error {
        AppError::Invalid(errors) => Ok((
            FormErrors::from_validation_in(ctx, &errors, "ic"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        AppError::Conflict => Ok((
            FormErrors::single(ctx, "risk", "conflict-reload"),
            StatusCode::CONFLICT,
        )),
        other => Err(other),
    }
}

// -------------------------------------------------------------------------------- plan

#[derive(Debug, Default, Deserialize)]
pub struct PlanQuery {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    year: Option<i64>,
}

struct ItemRow {
    id: i64,
    risk: String,
    control: String,
    responsible: String,
    frequency: String,
    /// One cell per unit column: the status text, empty where the unit is not asked.
    cells: Vec<String>,
}

#[derive(Template)]
#[template(path = "internal_control.html")]
struct PlanPage {
    ctx: PageContext,
    year: i64,
    years: Vec<i64>,
    columns: Vec<String>,
    rows: Vec<ItemRow>,
    summary: ControlSummary,
    can_manage: bool,
    form: ItemForm,
    units: Vec<UnitChoice>,
    frequencies: Vec<(&'static str, String)>,
    errors: FormErrors,
}

async fn plan_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    year: i64,
    form: ItemForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    if !YEARS.contains(&year) {
        return Err(AppError::invalid("year", "year-range"));
    }
    let items = service::items(state, principal, year).await?;
    let reports: Vec<ControlReport> = service::reports_for_year(state, principal, year).await?;
    let summary = service::summary(state, principal, year).await?;
    let columns: Vec<(i64, String)> = summary
        .units
        .iter()
        .map(|u| (u.unit_id, u.unit_name.clone()))
        .collect();
    let rows = items
        .iter()
        .map(|item| ItemRow {
            id: item.id,
            risk: item.risk.clone(),
            control: item.control.clone(),
            responsible: item.responsible.clone(),
            frequency: code_label(&ctx, "ic-frequency", &item.frequency),
            cells: columns
                .iter()
                .map(|(unit, _)| {
                    if item.unit_ids.contains(unit) {
                        status_label(&ctx, report_status(&reports, item.id, *unit))
                    } else {
                        String::new()
                    }
                })
                .collect(),
        })
        .collect();
    let mut years = service::years(state, principal).await?;
    for candidate in [this_year(), this_year() + 1, year] {
        if !years.contains(&candidate) {
            years.push(candidate);
        }
    }
    years.sort_unstable_by(|a, b| b.cmp(a));
    let page = PlanPage {
        year,
        years,
        columns: columns.into_iter().map(|(_, name)| name).collect(),
        rows,
        summary,
        can_manage: principal.can(Action::ManageInternalControl),
        units: unit_choices(state, principal, &form.unit_ids).await?,
        frequencies: frequencies(&ctx),
        form,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn plan(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<PlanQuery>,
) -> Result<Response, AppError> {
    let year = query.year.unwrap_or_else(this_year);
    let form = ItemForm {
        year: year.to_string(),
        frequency: Frequency::Yearly.as_str().to_owned(),
        ..ItemForm::default()
    };
    plan_page(
        &state,
        ctx,
        &principal,
        year,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create_item(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    form: RepeatedForm<ItemForm>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageInternalControl)?;
    let form = ItemForm::read(form)?;
    let outcome = match checked(&form) {
        Ok(input) => service::create_item(&state, &principal, &input).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(item) => Ok(see_other(
            &format!("/governance/internal-control?year={}", item.year),
            "control-item-created",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            let year = form
                .year
                .trim()
                .parse()
                .ok()
                .filter(|y| YEARS.contains(y))
                .unwrap_or_else(this_year);
            plan_page(&state, ctx, &principal, year, form, errors, status).await
        }
    }
}

// -------------------------------------------------------------------------------- item

/// The report form as typed; `version` is empty for a unit's first report.
#[derive(Debug, Default, Deserialize)]
pub struct ReportForm {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default)]
    status: String,
    #[serde(default)]
    result: String,
    #[serde(default)]
    comments: String,
    #[serde(default)]
    deviations: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    version: Option<i64>,
}

impl ReportForm {
    fn input(&self) -> ReportInput {
        ReportInput {
            unit_id: self.unit_id,
            status: self.status.clone(),
            result: self.result.clone(),
            comments: self.comments.clone(),
            deviations: self.deviations.clone(),
        }
    }
}

/// One unit's report form: as typed after a refusal, otherwise its current report.
struct RowForm {
    status: String,
    result: String,
    comments: String,
    deviations: String,
    version: String,
    open: bool,
    errors: FormErrors,
}

/// One reporting unit of the item, with its report if given.
struct ReportRow {
    unit_id: i64,
    unit_name: String,
    status: String,
    result: String,
    comments: String,
    deviations: String,
    reported_by: String,
    updated_at: String,
    may_report: bool,
    form: RowForm,
}

#[derive(Template)]
#[template(path = "internal_control_item.html")]
struct ItemPage {
    ctx: PageContext,
    item: ControlItem,
    frequency: String,
    reports: Vec<ReportRow>,
    can_manage: bool,
    form: ItemForm,
    units: Vec<UnitChoice>,
    frequencies: Vec<(&'static str, String)>,
    errors: FormErrors,
    statuses: Vec<(&'static str, String)>,
    /// A refused report for a unit that has no form here.
    stray_errors: FormErrors,
}

impl ItemPage {
    fn may_report_somewhere(&self) -> bool {
        self.reports.iter().any(|r| r.may_report)
    }
}

#[derive(Default)]
struct ItemForms {
    form: Option<ItemForm>,
    errors: FormErrors,
    /// A refused report, shown again in its unit's form.
    report: Option<(ReportForm, FormErrors)>,
}

fn row_form(
    report: Option<&ControlReport>,
    refused: &mut Option<(ReportForm, FormErrors)>,
    unit_id: i64,
) -> RowForm {
    if let Some((typed, _)) = refused
        .as_ref()
        .filter(|(typed, _)| typed.unit_id == Some(unit_id))
    {
        let version = typed.version.map(|v| v.to_string()).unwrap_or_default();
        let status = typed.status.clone();
        let result = typed.result.clone();
        let comments = typed.comments.clone();
        let deviations = typed.deviations.clone();
        let errors = refused.take().map(|(_, errors)| errors).unwrap_or_default();
        return RowForm {
            status,
            result,
            comments,
            deviations,
            version,
            open: true,
            errors,
        };
    }
    RowForm {
        status: report
            .map(|r| r.status.clone())
            .unwrap_or_else(|| ReportStatus::Reported.as_str().to_owned()),
        result: report.map(|r| r.result.clone()).unwrap_or_default(),
        comments: report.map(|r| r.comments.clone()).unwrap_or_default(),
        deviations: report.map(|r| r.deviations.clone()).unwrap_or_default(),
        version: report.map(|r| r.version.to_string()).unwrap_or_default(),
        open: false,
        errors: FormErrors::default(),
    }
}

async fn item_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    forms: ItemForms,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (item, reports) = service::item(state, principal, id).await?;
    let units = crate::services::org::all_units(state, principal).await?;
    let mut refused = forms.report;
    let mut rows = Vec::new();
    for unit_id in &item.unit_ids {
        let report = reports.iter().find(|r| r.unit_id == *unit_id);
        let name = units
            .iter()
            .find(|u| u.id == *unit_id)
            .map(|u| u.name.clone())
            .unwrap_or_default();
        rows.push(ReportRow {
            unit_id: *unit_id,
            unit_name: name,
            status: status_label(&ctx, report_status(&reports, item.id, *unit_id)),
            result: report.map(|r| r.result.clone()).unwrap_or_default(),
            comments: report.map(|r| r.comments.clone()).unwrap_or_default(),
            deviations: report.map(|r| r.deviations.clone()).unwrap_or_default(),
            reported_by: report
                .map(|r| r.reported_by_label.clone())
                .unwrap_or_default(),
            updated_at: report.map(|r| ctx.time(&r.updated_at)).unwrap_or_default(),
            may_report: service::may_report_for(state, principal, *unit_id).await?,
            form: row_form(report, &mut refused, *unit_id),
        });
    }
    let stray_errors = refused.map(|(_, errors)| errors).unwrap_or_default();
    let form = forms.form.unwrap_or_else(|| ItemForm::from_item(&item));
    let page = ItemPage {
        stray_errors,
        frequency: code_label(&ctx, "ic-frequency", &item.frequency),
        units: unit_choices(state, principal, &form.unit_ids).await?,
        frequencies: frequencies(&ctx),
        statuses: [ReportStatus::Reported, ReportStatus::Deviation]
            .into_iter()
            .map(|s| (s.as_str(), status_label(&ctx, s)))
            .collect(),
        can_manage: principal.can(Action::ManageInternalControl),
        item,
        reports: rows,
        form,
        errors: forms.errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn item(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    item_page(
        &state,
        ctx,
        &principal,
        id,
        ItemForms::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn update_item(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    form: RepeatedForm<ItemForm>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageInternalControl)?;
    let form = ItemForm::read(form)?;
    let outcome = match checked(&form) {
        Ok(input) => service::update_item(&state, &principal, id, form.version, &input).await,
        Err(error) => Err(error),
    };
    match outcome {
        Ok(_) => Ok(see_other(
            &format!("/governance/internal-control/{id}"),
            "control-item-saved",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            let forms = ItemForms {
                form: Some(form),
                errors,
                ..ItemForms::default()
            };
            item_page(&state, ctx, &principal, id, forms, status).await
        }
    }
}

pub async fn save_report(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    crate::extract::FormData(report): crate::extract::FormData<ReportForm>,
) -> Result<Response, AppError> {
    match service::save_report(&state, &principal, id, report.version, &report.input()).await {
        Ok(_) => Ok(see_other(
            &format!("/governance/internal-control/{id}"),
            "control-report-saved",
        )),
        Err(error) => {
            let (report_errors, status) = match error {
                AppError::Conflict => (
                    FormErrors::single(&ctx, "result", "conflict-reload"),
                    StatusCode::CONFLICT,
                ),
                AppError::Invalid(errors) => (
                    FormErrors::from_validation_in(&ctx, &errors, "ic"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                other => return Err(other),
            };
            let forms = ItemForms {
                report: Some((report, report_errors)),
                ..ItemForms::default()
            };
            item_page(&state, ctx, &principal, id, forms, status).await
        }
    }
}
