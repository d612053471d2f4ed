//! Styrning: the landing page, and the library of governing documents with its versions
//! and the checklist of documents the regulations require.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::documents::{
    Consultation, DocumentInput, DocumentKind, DocumentStatus, APPROVER_SUGGESTIONS,
};
use tillit_domain::pagination::PageRequest;
use tillit_domain::ValidationErrors;
use tillit_store::documents::{Document, DocumentFilter, DocumentRevision};

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams};
use crate::filter_params::choice;
use crate::pages::org::TreeRow;
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::documents as service;
use crate::services::internal_control as control_service;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/governance", get(landing))
        .route("/governance/documents", get(list).post(create))
        .route("/governance/documents/new", get(new_form))
        .route("/governance/documents/checklist", get(checklist))
        .route("/governance/documents/{id}", get(detail).post(update))
        .route("/governance/documents/{id}/edit", get(edit_form))
        .route("/governance/documents/{id}/versions/{number}", get(version))
        .merge(super::internal_control::routes())
}

/// How many people the owner list offers.
const PEOPLE_LIMIT: i64 = 2000;

fn date_opt(value: &Option<NaiveDate>) -> String {
    value
        .map(|d| d.format("%Y-%m-%d").to_string())
        .unwrap_or_default()
}

pub(crate) fn code_label(ctx: &PageContext, prefix: &str, code: &str) -> String {
    ctx.t(&format!("{prefix}-{}", code.replace('_', "-")))
}

fn kinds(ctx: &PageContext) -> Vec<(&'static str, String)> {
    DocumentKind::ALL
        .iter()
        .map(|k| (k.as_str(), code_label(ctx, "document-kind", k.as_str())))
        .collect()
}

fn statuses(ctx: &PageContext) -> Vec<(&'static str, String)> {
    DocumentStatus::ALL
        .iter()
        .map(|s| (s.as_str(), code_label(ctx, "document-status", s.as_str())))
        .collect()
}

fn consultations(ctx: &PageContext) -> Vec<(&'static str, String)> {
    Consultation::ALL
        .iter()
        .map(|c| {
            (
                c.as_str(),
                code_label(ctx, "document-consultation", c.as_str()),
            )
        })
        .collect()
}

/// The checklist item's title in the reader's language.
fn checklist_title(ctx: &PageContext, id: &str) -> String {
    service::checklist_items()
        .ok()
        .and_then(|items| items.iter().find(|i| i.id == id))
        .map(|i| i.title.in_language(ctx.lang).to_owned())
        .unwrap_or_else(|| id.to_owned())
}

// ----------------------------------------------------------------------------- landing

#[derive(Template)]
#[template(path = "governance.html")]
struct LandingPage {
    ctx: PageContext,
    documents: tillit_store::documents::DocumentsSummary,
    control: tillit_store::internal_control::ControlSummary,
    checklist_text: String,
    received_text: String,
}

pub async fn landing(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let year = i64::from(service::today().year());
    let documents = service::summary(&state, &principal).await?;
    let control = control_service::summary(&state, &principal, year).await?;
    let page = LandingPage {
        checklist_text: ctx.t2(
            "governance-of",
            ("done", documents.checklist_fulfilled),
            ("total", documents.checklist_items),
        ),
        received_text: ctx.t2(
            "governance-of",
            ("done", control.received),
            ("total", control.expected),
        ),
        documents,
        control,
        ctx,
    };
    render(&page)
}

// -------------------------------------------------------------------------------- list

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    show: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    page: Option<u32>,
}

struct DocumentRow {
    id: i64,
    title: String,
    kind: String,
    status: String,
    owner: String,
    approver: String,
    next_review: String,
    overdue: bool,
    revision: i64,
}

impl DocumentRow {
    fn new(ctx: &PageContext, d: &Document, today: NaiveDate) -> Self {
        Self {
            id: d.id,
            title: d.title.clone(),
            kind: code_label(ctx, "document-kind", &d.kind),
            status: code_label(ctx, "document-status", &d.status),
            owner: d.owner_name.clone(),
            approver: d.approver.clone(),
            next_review: date_opt(&d.next_review),
            overdue: d.is_overdue(today),
            revision: d.revision,
        }
    }
}

#[derive(Template)]
#[template(path = "documents.html")]
struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    rows: Vec<DocumentRow>,
    total: i64,
    current_page: u32,
    page_count: u32,
    kinds: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    units: Vec<TreeRow>,
    can_manage: bool,
}

impl ListPage {
    fn is_unit(&self, id: &i64) -> bool {
        self.query.unit_id == Some(*id)
    }

    fn page_link(&self, page: u32) -> String {
        let unit = self
            .query
            .unit_id
            .map(|u| u.to_string())
            .unwrap_or_default();
        let query = serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("kind", self.query.kind.as_str()),
            ("status", self.query.status.as_str()),
            ("show", self.query.show.as_str()),
            ("unit_id", unit.as_str()),
        ])
        .unwrap_or_default();
        format!("/governance/documents?{query}&page={page}")
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let paging = PageRequest::parse(query.page, None)?;
    let today = service::today();
    let filter = DocumentFilter {
        search: Some(query.q.clone()),
        kind: choice("kind", Some(&query.kind), |c| {
            DocumentKind::parse(c).map(|k| k.as_str().to_owned())
        })?,
        status: choice("status", Some(&query.status), |c| {
            DocumentStatus::parse(c).map(|s| s.as_str().to_owned())
        })?,
        checklist_item: None,
        overdue_on: choice("show", Some(&query.show), |s| {
            (s == "overdue").then_some(today)
        })?,
        unit_id: query.unit_id,
    };
    let page = service::list(&state, &principal, &filter, paging.limit(), paging.offset()).await?;
    let rows = page
        .items
        .iter()
        .map(|d| DocumentRow::new(&ctx, d, today))
        .collect();
    let list = ListPage {
        rows,
        total: page.total,
        current_page: paging.page,
        page_count: paging.page_count(page.total),
        kinds: kinds(&ctx),
        statuses: statuses(&ctx),
        units: crate::pages::org::tree_rows_for(&state, &principal).await?,
        can_manage: principal.can(Action::ManageDocuments),
        query,
        ctx,
    };
    render(&list)
}

// -------------------------------------------------------------------------------- form

/// The document form as typed; numbers and dates are read when it is submitted.
#[derive(Debug, Default, Deserialize)]
pub struct DocumentForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    summary: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    approver: String,
    #[serde(default)]
    case_number: String,
    #[serde(default)]
    valid_from: String,
    #[serde(default)]
    next_review: String,
    #[serde(default)]
    requirement_code: String,
    #[serde(default)]
    legal_reference: String,
    #[serde(default)]
    consultation: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    checklist_item: String,
    #[serde(default)]
    version: i64,
    #[serde(default)]
    change_note: String,
    /// `new_version` keeps the current version and continues as the next one.
    #[serde(default)]
    save_as: String,
}

fn number(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<i64> {
    match value.trim() {
        "" => None,
        text => text
            .parse()
            .map_err(|_| errors.add(field, "invalid-choice"))
            .ok(),
    }
}

fn day(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<NaiveDate> {
    match value.trim() {
        "" => None,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.add(field, "invalid-date"))
            .ok(),
    }
}

impl DocumentForm {
    fn read(&self) -> (DocumentInput, ValidationErrors) {
        let mut errors = ValidationErrors::new();
        let input = DocumentInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            owner_id: number(&mut errors, "owner_id", &self.owner_id),
            approver: self.approver.clone(),
            case_number: self.case_number.clone(),
            valid_from: day(&mut errors, "valid_from", &self.valid_from),
            next_review: day(&mut errors, "next_review", &self.next_review),
            requirement_code: self.requirement_code.clone(),
            legal_reference: self.legal_reference.clone(),
            consultation: self.consultation.clone(),
            status: self.status.clone(),
            unit_id: number(&mut errors, "unit_id", &self.unit_id),
            checklist_item: self.checklist_item.clone(),
        };
        (input, errors)
    }

    fn from_document(d: &Document) -> Self {
        Self {
            kind: d.kind.clone(),
            title: d.title.clone(),
            summary: d.summary.clone(),
            owner_id: d.owner_id.to_string(),
            approver: d.approver.clone(),
            case_number: d.case_number.clone(),
            valid_from: date_opt(&d.valid_from),
            next_review: date_opt(&d.next_review),
            requirement_code: d.requirement_code.clone().unwrap_or_default(),
            legal_reference: d.legal_reference.clone(),
            consultation: d.consultation.clone(),
            status: d.status.clone(),
            unit_id: d.unit_id.map(|u| u.to_string()).unwrap_or_default(),
            checklist_item: d.checklist_item.clone().unwrap_or_default(),
            version: d.version,
            change_note: String::new(),
            save_as: String::new(),
        }
    }
}

/// What the document form offers.
struct Choices {
    kinds: Vec<(&'static str, String)>,
    statuses: Vec<(&'static str, String)>,
    consultations: Vec<(&'static str, String)>,
    people: Vec<(String, String)>,
    units: Vec<(String, String)>,
    checklist: Vec<(String, String)>,
    approvers: Vec<&'static str>,
    requirements: Vec<(String, String)>,
}

async fn choices(
    state: &AppState,
    ctx: &PageContext,
    principal: &Principal,
) -> Result<Choices, AppError> {
    let people =
        tillit_store::users::user_choices(&state.db, principal.organisation_id, PEOPLE_LIMIT)
            .await?
            .into_iter()
            .map(|(id, name)| (id.to_string(), name))
            .collect();
    let units = crate::pages::org::tree_rows_for(state, principal)
        .await?
        .into_iter()
        .map(|row| {
            (
                row.unit.id.to_string(),
                format!("{}{}", "– ".repeat(row.depth), row.unit.name),
            )
        })
        .collect();
    let requirements = crate::services::classification::all_requirements(state, principal)
        .await?
        .into_iter()
        .map(|r| {
            let title = r.title.in_language(ctx.lang).to_owned();
            (r.id, title)
        })
        .collect();
    Ok(Choices {
        kinds: kinds(ctx),
        statuses: statuses(ctx),
        consultations: consultations(ctx),
        people,
        units,
        checklist: service::checklist_items()?
            .iter()
            .map(|i| (i.id.clone(), i.title.in_language(ctx.lang).to_owned()))
            .collect(),
        approvers: APPROVER_SUGGESTIONS.to_vec(),
        requirements,
    })
}

/// A refused document form: field errors with the document labels, or the stale-version
/// message at the title.
fn rejected(ctx: &PageContext, error: AppError) -> Result<(FormErrors, StatusCode), AppError> {
    match error {
        AppError::Invalid(errors) => Ok((
            FormErrors::from_validation_in(ctx, &errors, "document"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        AppError::Conflict => Ok((
            FormErrors::single(ctx, "title", "conflict-reload"),
            StatusCode::CONFLICT,
        )),
        other => Err(other),
    }
}

#[derive(Template)]
#[template(path = "document_new.html")]
struct NewPage {
    ctx: PageContext,
    form: DocumentForm,
    choices: Choices,
    errors: FormErrors,
}

async fn new_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: DocumentForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    principal.require(Action::ManageDocuments)?;
    let page = NewPage {
        choices: choices(state, &ctx, principal).await?,
        form,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    #[serde(default)]
    checklist_item: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<NewQuery>,
) -> Result<Response, AppError> {
    let item = service::checklist_items()?
        .iter()
        .find(|i| i.id == query.checklist_item);
    let form = DocumentForm {
        kind: item
            .map_or(DocumentKind::Routine, |i| i.kind)
            .as_str()
            .to_owned(),
        title: item
            .map(|i| i.title.in_language(ctx.lang).to_owned())
            .unwrap_or_default(),
        owner_id: principal.user_id.to_string(),
        consultation: Consultation::NotStarted.as_str().to_owned(),
        status: DocumentStatus::Draft.as_str().to_owned(),
        checklist_item: item.map(|i| i.id.clone()).unwrap_or_default(),
        ..DocumentForm::default()
    };
    new_page(
        &state,
        ctx,
        &principal,
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
    FormData(form): FormData<DocumentForm>,
) -> Result<Response, AppError> {
    let (input, read_errors) = form.read();
    match service::create(&state, &principal, &input, read_errors).await {
        Ok(document) => Ok(see_other(
            &format!("/governance/documents/{}", document.id),
            "document-created",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            new_page(&state, ctx, &principal, form, errors, status).await
        }
    }
}

// ------------------------------------------------------------------------------ detail

/// A document's fields as shown.
struct DocumentView {
    id: i64,
    title: String,
    kind: String,
    status: String,
    summary: String,
    owner: String,
    approver: String,
    case_number: String,
    valid_from: String,
    next_review: String,
    overdue: bool,
    requirement: Option<(String, String)>,
    legal_reference: String,
    consultation: String,
    unit: String,
    checklist_item: Option<String>,
    revision: i64,
    updated_at: String,
}

async fn document_view(
    state: &AppState,
    ctx: &PageContext,
    principal: &Principal,
    d: &Document,
) -> Result<DocumentView, AppError> {
    let requirement = match &d.requirement_code {
        Some(code) => {
            let title = crate::services::classification::all_requirements(state, principal)
                .await?
                .into_iter()
                .find(|r| &r.id == code)
                .map(|r| r.title.in_language(ctx.lang).to_owned())
                .unwrap_or_default();
            Some((code.clone(), title))
        }
        None => None,
    };
    Ok(DocumentView {
        id: d.id,
        title: d.title.clone(),
        kind: code_label(ctx, "document-kind", &d.kind),
        status: code_label(ctx, "document-status", &d.status),
        summary: d.summary.clone(),
        owner: d.owner_name.clone(),
        approver: d.approver.clone(),
        case_number: d.case_number.clone(),
        valid_from: date_opt(&d.valid_from),
        next_review: date_opt(&d.next_review),
        overdue: d.is_overdue(service::today()),
        requirement,
        legal_reference: d.legal_reference.clone(),
        consultation: code_label(ctx, "document-consultation", &d.consultation),
        unit: d
            .unit_name
            .clone()
            .unwrap_or_else(|| ctx.t("document-whole-organisation")),
        checklist_item: d
            .checklist_item
            .as_deref()
            .map(|id| checklist_title(ctx, id)),
        revision: d.revision,
        updated_at: ctx.time(&d.updated_at),
    })
}

struct RevisionRow {
    number: i64,
    title: String,
    status: String,
    valid_from: String,
    change_note: String,
    superseded_at: String,
    superseded_by: String,
}

impl RevisionRow {
    fn new(ctx: &PageContext, r: &DocumentRevision) -> Self {
        Self {
            number: r.number,
            title: r.title.clone(),
            status: code_label(ctx, "document-status", &r.status),
            valid_from: date_opt(&r.valid_from),
            change_note: r.change_note.clone(),
            superseded_at: ctx.time(&r.superseded_at),
            superseded_by: r.superseded_by_label.clone(),
        }
    }
}

#[derive(Template)]
#[template(path = "document.html")]
struct DetailPage {
    ctx: PageContext,
    document: DocumentView,
    revisions: Vec<RevisionRow>,
    can_manage: bool,
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let (document, revisions) = service::get(&state, &principal, id).await?;
    let page = DetailPage {
        document: document_view(&state, &ctx, &principal, &document).await?,
        revisions: revisions
            .iter()
            .map(|r| RevisionRow::new(&ctx, r))
            .collect(),
        can_manage: principal.can(Action::ManageDocuments),
        ctx,
    };
    render(&page)
}

#[derive(Template)]
#[template(path = "document_edit.html")]
struct EditPage {
    ctx: PageContext,
    id: i64,
    revision: i64,
    form: DocumentForm,
    choices: Choices,
    errors: FormErrors,
}

async fn edit_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    document: &Document,
    form: DocumentForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    principal.require(Action::ManageDocuments)?;
    let page = EditPage {
        id: document.id,
        revision: document.revision,
        choices: choices(state, &ctx, principal).await?,
        form,
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
    let (document, _) = service::get(&state, &principal, id).await?;
    let form = DocumentForm::from_document(&document);
    edit_page(
        &state,
        ctx,
        &principal,
        &document,
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
    FormData(form): FormData<DocumentForm>,
) -> Result<Response, AppError> {
    let (document, _) = service::get(&state, &principal, id).await?;
    let (input, read_errors) = form.read();
    let outcome = if form.save_as == "new_version" {
        service::new_version(
            &state,
            &principal,
            id,
            form.version,
            &input,
            &form.change_note,
            read_errors,
        )
        .await
        .map(|_| "document-new-version")
    } else {
        service::update(&state, &principal, id, form.version, &input, read_errors)
            .await
            .map(|_| "document-saved")
    };
    match outcome {
        Ok(notice) => Ok(see_other(&format!("/governance/documents/{id}"), notice)),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error)?;
            edit_page(&state, ctx, &principal, &document, form, errors, status).await
        }
    }
}

#[derive(Template)]
#[template(path = "document_version.html")]
struct VersionPage {
    ctx: PageContext,
    document: DocumentView,
    revision: RevisionRow,
    notice: String,
}

pub async fn version(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let id: i64 = id.parse().map_err(|_| AppError::NotFound)?;
    let number: i64 = number.parse().map_err(|_| AppError::NotFound)?;
    let (revision, document) = service::revision(&state, &principal, id, number).await?;
    let revision = RevisionRow::new(&ctx, &revision);
    let page = VersionPage {
        document: document_view(&state, &ctx, &principal, &document).await?,
        notice: ctx.t2(
            "document-version-superseded",
            ("time", &revision.superseded_at),
            ("who", &revision.superseded_by),
        ),
        revision,
        ctx,
    };
    render(&page)
}

// --------------------------------------------------------------------------- checklist

struct ChecklistRow {
    id: String,
    title: String,
    requirement: String,
    sources: String,
    continuously_updated: bool,
    exists: bool,
    approved: bool,
    current: bool,
    documents: Vec<(i64, String, String)>,
}

#[derive(Template)]
#[template(path = "documents_checklist.html")]
struct ChecklistPage {
    ctx: PageContext,
    rows: Vec<ChecklistRow>,
    fulfilled: usize,
    can_manage: bool,
}

pub async fn checklist(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let entries = service::checklist(&state, &principal).await?;
    let rows: Vec<ChecklistRow> = entries
        .into_iter()
        .map(|e| ChecklistRow {
            title: e.item.title.in_language(ctx.lang).to_owned(),
            requirement: e.item.requirement.in_language(ctx.lang).to_owned(),
            sources: e.item.sources.join("; "),
            continuously_updated: e.item.continuously_updated,
            exists: e.state.exists,
            approved: e.state.approved,
            current: e.state.current,
            documents: e
                .documents
                .iter()
                .map(|d| {
                    (
                        d.id,
                        d.title.clone(),
                        code_label(&ctx, "document-status", &d.status),
                    )
                })
                .collect(),
            id: e.item.id,
        })
        .collect();
    let page = ChecklistPage {
        fulfilled: rows.iter().filter(|r| r.current).count(),
        rows,
        can_manage: principal.can(Action::ManageDocuments),
        ctx,
    };
    render(&page)
}
