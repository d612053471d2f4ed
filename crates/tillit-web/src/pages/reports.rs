//! `/reports`: the landing page "Rapporter", and the annual information security
//! report — the list of reports, a report's sections with figures linking to their
//! records, its texts, approval, versions and downloads.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::users::Language;
use tillit_store::reports::{Report, ReportVersionSummary};

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams};
use crate::pages::org::{tree_rows_for, TreeRow};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::reports::export::{self, Edition};
use crate::services::reports::words::Words;
use crate::services::reports::{self as service, Section};
use crate::services::risk::today;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports", get(landing))
        .route("/reports/annual", get(list).post(create))
        .route("/reports/annual/{id}", get(detail))
        .route("/reports/annual/{id}/texts", post(save_texts))
        .route("/reports/annual/{id}/approve", post(approve))
        .route("/reports/annual/{id}/new-draft", post(new_draft))
        .route("/reports/annual/{id}/report.pdf", get(pdf))
        .route("/reports/annual/{id}/figures.xlsx", get(xlsx))
}

#[derive(Template)]
#[template(path = "reports.html")]
struct LandingPage {
    ctx: PageContext,
}

pub async fn landing(ctx: PageContext, principal: Principal) -> Result<Response, AppError> {
    principal.require(Action::ViewReports)?;
    render(&LandingPage { ctx })
}

/// A report as listed.
pub struct ReportRow {
    id: i64,
    year: i64,
    scope: String,
    status: String,
    approved: String,
}

#[derive(Debug, Default)]
pub struct NewForm {
    year: String,
    unit_id: String,
}

#[derive(Template)]
#[template(path = "reports_annual.html")]
struct ListPage {
    ctx: PageContext,
    rows: Vec<ReportRow>,
    can_manage: bool,
    form: NewForm,
    errors: FormErrors,
    units: Vec<TreeRow>,
}

impl ListPage {
    fn is_unit(&self, id: &i64) -> bool {
        self.form.unit_id == id.to_string()
    }
}

fn status_label(ctx: &PageContext, report: &Report) -> String {
    ctx.t(&format!("report-status-{}", report.status))
}

async fn list_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: NewForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let reports = service::list(state, principal).await?;
    let organisation = crate::services::org::organisation(state, principal)
        .await?
        .name;
    let rows = reports
        .iter()
        .map(|r| ReportRow {
            id: r.id,
            year: r.year,
            scope: r.unit_name.clone().unwrap_or_else(|| organisation.clone()),
            status: status_label(&ctx, r),
            approved: match (&r.approved_at, &r.approved_by_label) {
                (Some(at), Some(by)) => format!("{} ({by})", ctx.time(at)),
                _ => String::new(),
            },
        })
        .collect();
    let page = ListPage {
        rows,
        can_manage: principal.can(Action::ManageReports),
        form,
        errors,
        units: tree_rows_for(state, principal).await?,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let form = NewForm {
        year: (today().year() - 1).to_string(),
        unit_id: String::new(),
    };
    list_page(
        &state,
        ctx,
        &principal,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    unit_id: String,
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<CreateForm>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageReports)?;
    let year = form.year.trim().parse::<i64>();
    let unit_id = match form.unit_id.trim() {
        "" => Ok(None),
        id => id.parse::<i64>().map(Some),
    };
    let result = match (year, unit_id) {
        (Err(_), _) => Err(AppError::invalid("year", "out-of-range")),
        (_, Err(_)) => Err(AppError::invalid("unit_id", "unknown-reference")),
        (Ok(year), Ok(unit_id)) => service::create(&state, &principal, year, unit_id).await,
    };
    match result {
        Ok(report) => Ok(see_other(
            &format!("/reports/annual/{}", report.id),
            "report-created",
        )),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation_in(&ctx, &errors, "report");
            let form = NewForm {
                year: form.year,
                unit_id: form.unit_id,
            };
            list_page(
                &state,
                ctx,
                &principal,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

pub struct FigureView {
    label: String,
    value: String,
    link: Option<String>,
}

pub struct RowView {
    label: String,
    detail: Option<String>,
    cells: Vec<FigureView>,
}

pub struct TableView {
    caption: String,
    columns: Vec<String>,
    rows: Vec<RowView>,
}

pub struct SectionView {
    key: String,
    number: usize,
    heading: String,
    figures: Vec<FigureView>,
    tables: Vec<TableView>,
    text: String,
    paragraphs: Vec<String>,
    no_data: Option<String>,
    hint: String,
}

fn section_views(
    ctx: &PageContext,
    words: &Words<'_>,
    year: i64,
    sections: &[Section],
) -> Vec<SectionView> {
    let figure = |f: &service::Figure| FigureView {
        label: words.figure_label(f),
        value: words.figure_value(f),
        link: f.link.clone(),
    };
    sections
        .iter()
        .enumerate()
        .map(|(i, s)| SectionView {
            key: s.key.clone(),
            number: i + 1,
            heading: words.heading(s),
            figures: s.figures.iter().map(figure).collect(),
            tables: s
                .tables
                .iter()
                .map(|t| TableView {
                    caption: ctx.t(&format!("report-table-{}", t.key)),
                    columns: t.columns.iter().map(|c| ctx.t(c)).collect(),
                    rows: t
                        .rows
                        .iter()
                        .map(|r| RowView {
                            label: words.row_label(r),
                            detail: r.detail.clone(),
                            cells: r.cells.iter().map(figure).collect(),
                        })
                        .collect(),
                })
                .collect(),
            text: s.text.clone(),
            paragraphs: s
                .text
                .split("\n\n")
                .map(str::trim)
                .filter(|p| !p.is_empty())
                .map(str::to_owned)
                .collect(),
            no_data: s.no_data.then(|| words.no_data(year)),
            hint: ctx.t(&format!("report-hint-{}", s.key)),
        })
        .collect()
}

pub struct VersionView {
    number: i64,
    approved: String,
    by: String,
}

#[derive(Template)]
#[template(path = "report_annual.html")]
struct DetailPage {
    ctx: PageContext,
    id: i64,
    title: String,
    scope: String,
    status: String,
    draft: bool,
    approved_line: Option<String>,
    as_of: String,
    version: i64,
    sections: Vec<SectionView>,
    versions: Vec<VersionView>,
    can_edit: bool,
    can_approve: bool,
    can_start_draft: bool,
    errors: FormErrors,
}

async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    texts: Option<BTreeMap<String, String>>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let mut detail = service::detail(state, principal, id).await?;
    if let Some(texts) = texts {
        // Show what the user typed, not what is stored, when the save was refused.
        for section in &mut detail.sections {
            if let Some(text) = texts.get(&section.key) {
                section.text = text.clone();
            }
        }
    }
    let organisation = crate::services::org::organisation(state, principal)
        .await?
        .name;
    let words = Words {
        i18n: &state.i18n,
        language: ctx.lang,
    };
    let report = &detail.report;
    let page = DetailPage {
        id,
        title: ctx.t1("report-annual-title", "year", report.year),
        scope: report.unit_name.clone().unwrap_or(organisation),
        status: status_label(&ctx, report),
        draft: report.is_draft(),
        approved_line: match (&report.approved_at, &report.approved_by_label) {
            (Some(at), Some(by)) if !report.is_draft() => Some(state.i18n.text_with(
                ctx.lang,
                "report-approved-line",
                &[
                    ("number", report.current_version.to_string()),
                    ("by", by.clone()),
                    ("at", ctx.time(at)),
                ],
            )),
            _ => None,
        },
        as_of: ctx.t1("report-as-of", "day", detail.as_of),
        version: report.version,
        sections: section_views(&ctx, &words, report.year, &detail.sections),
        versions: detail
            .versions
            .iter()
            .map(|v: &ReportVersionSummary| VersionView {
                number: v.number,
                approved: ctx.time(&v.approved_at),
                by: v.approved_by_label.clone(),
            })
            .collect(),
        can_edit: detail.can_edit && report.is_draft(),
        can_approve: detail.can_approve,
        can_start_draft: detail.can_edit && !report.is_draft(),
        errors,
        ctx,
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

/// The texts form: a field per section key, plus the version read.
pub async fn save_texts(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(mut form): FormData<BTreeMap<String, String>>,
) -> Result<Response, AppError> {
    form.remove("csrf_token");
    let version = form
        .remove("version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| AppError::invalid("version", "required"))?;
    match service::update_texts(&state, &principal, id, version, &form).await {
        Ok(_) => Ok(see_other(&format!("/reports/annual/{id}"), "report-saved")),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            detail_page(&state, ctx, &principal, id, Some(form), errors, status).await
        }
    }
}

fn rejected(ctx: &PageContext, error: AppError) -> Result<(FormErrors, StatusCode), AppError> {
    match error {
        AppError::Invalid(errors) => {
            // A section's text is named by its heading and links to its text field.
            let items = errors
                .0
                .iter()
                .map(|e| match e.field.strip_prefix("texts.") {
                    Some(key) => (
                        format!("text-{key}"),
                        format!(
                            "{}: {}",
                            ctx.t(&format!("report-section-{key}")),
                            ctx.t(&format!("field-error-{}", e.code))
                        ),
                    ),
                    None => {
                        let single = tillit_domain::ValidationErrors(vec![e.clone()]);
                        FormErrors::from_validation_in(ctx, &single, "report")
                            .items
                            .remove(0)
                    }
                })
                .collect();
            Ok((FormErrors { items }, StatusCode::UNPROCESSABLE_ENTITY))
        }
        AppError::Conflict => Ok((
            FormErrors::single(ctx, "report", "conflict-reload"),
            StatusCode::CONFLICT,
        )),
        other => Err(other),
    }
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    version: i64,
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    match service::approve(&state, &principal, id, form.version).await {
        Ok(_) => Ok(see_other(
            &format!("/reports/annual/{id}"),
            "report-approved",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            detail_page(&state, ctx, &principal, id, None, errors, status).await
        }
    }
}

pub async fn new_draft(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    match service::new_draft(&state, &principal, id, form.version).await {
        Ok(_) => Ok(see_other(
            &format!("/reports/annual/{id}"),
            "report-draft-started",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            detail_page(&state, ctx, &principal, id, None, errors, status).await
        }
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    version: Option<i64>,
    #[serde(default)]
    lang: String,
}

impl ExportQuery {
    fn edition(&self) -> Edition {
        self.version.map_or(Edition::Current, Edition::Version)
    }

    fn language(&self, ctx: &PageContext) -> Result<Language, AppError> {
        match self.lang.as_str() {
            "" => Ok(ctx.lang),
            code => {
                Language::parse(code).ok_or_else(|| AppError::invalid("lang", "invalid-choice"))
            }
        }
    }
}

pub async fn pdf(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, AppError> {
    let language = query.language(&ctx)?;
    Ok(
        export::pdf(&state, &principal, id, query.edition(), language)
            .await?
            .into_response(),
    )
}

pub async fn xlsx(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(id): Path<i64>,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, AppError> {
    let language = query.language(&ctx)?;
    Ok(
        export::xlsx(&state, &principal, id, query.edition(), language)
            .await?
            .into_response(),
    )
}
