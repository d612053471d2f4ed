//! `/api/v1/documents`: governing documents (styrdokument) with their earlier versions,
//! and the checklist of documents the regulations require.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::documents::{DocumentInput, DocumentKind, DocumentStatus};
use tillit_domain::ValidationErrors;
use tillit_store::documents::{ChecklistEntry, Document, DocumentFilter, DocumentRevision};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::filter_params::choice;
use crate::services::documents as service;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/documents", get(list).post(create))
        .route("/documents/checklist", get(checklist))
        .route("/documents/{id}", get(detail).put(update))
        .route("/documents/{id}/versions", get(versions).post(new_version))
        .route("/documents/{id}/versions/{number}", get(version))
}

/// A governing document as it stands now.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDto {
    pub id: i64,
    /// `policy`, `guideline`, `routine`, `instruction`, `plan` or `process`.
    pub kind: String,
    pub title: String,
    pub summary: String,
    /// The user who owns the document.
    pub owner_id: i64,
    pub owner_name: String,
    /// The decision body, e.g. Regionfullmäktige.
    pub approver: String,
    /// Diarienummer.
    pub case_number: String,
    pub valid_from: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    /// The review date has passed and the document is not repealed.
    pub review_overdue: bool,
    /// A code of the requirement catalogue (`/api/v1/requirements`).
    pub requirement_code: Option<String>,
    /// A law or regulation and paragraph, as text.
    pub legal_reference: String,
    /// `not_started`, `ongoing` or `done`.
    pub consultation: String,
    /// `draft`, `approved` (fastställd) or `repealed` (upphävd).
    pub status: String,
    /// The unit it applies to; empty for the whole organisation.
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// The checklist item (`/api/v1/documents/checklist`) it fulfils.
    pub checklist_item: Option<String>,
    /// The document's own version number; earlier versions are under `/versions`.
    pub document_version: i64,
    /// Send back on changes; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Document> for DocumentDto {
    fn from(d: Document) -> Self {
        Self {
            review_overdue: d.is_overdue(service::today()),
            id: d.id,
            kind: d.kind,
            title: d.title,
            summary: d.summary,
            owner_id: d.owner_id,
            owner_name: d.owner_name,
            approver: d.approver,
            case_number: d.case_number,
            valid_from: d.valid_from,
            next_review: d.next_review,
            requirement_code: d.requirement_code,
            legal_reference: d.legal_reference,
            consultation: d.consultation,
            status: d.status,
            unit_id: d.unit_id,
            unit_name: d.unit_name,
            checklist_item: d.checklist_item,
            document_version: d.revision,
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

/// An earlier version, kept readable after a new version replaced it.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentVersionDto {
    pub number: i64,
    pub title: String,
    pub status: String,
    pub valid_from: Option<NaiveDate>,
    /// What the version that replaced it changed.
    pub change_note: String,
    pub superseded_at: DateTime<Utc>,
    pub superseded_by_label: String,
}

impl From<DocumentRevision> for DocumentVersionDto {
    fn from(r: DocumentRevision) -> Self {
        Self {
            number: r.number,
            title: r.title,
            status: r.status,
            valid_from: r.valid_from,
            change_note: r.change_note,
            superseded_at: r.superseded_at,
            superseded_by_label: r.superseded_by_label,
        }
    }
}

/// An earlier version with the document as it then read.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentVersionDetailDto {
    #[serde(flatten)]
    pub summary: DocumentVersionDto,
    pub document: DocumentDto,
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DocumentQuery {
    /// Title contains (case-insensitive).
    pub q: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    /// Only documents marked as fulfilling this checklist item.
    pub checklist_item: Option<String>,
    /// Only documents in force whose review date has passed.
    pub overdue: Option<bool>,
    /// Only documents that apply to this unit or a unit below it.
    pub unit_id: Option<i64>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

impl DocumentQuery {
    fn filter(&self) -> Result<DocumentFilter, AppError> {
        Ok(DocumentFilter {
            search: self.q.clone().filter(|q| !q.trim().is_empty()),
            kind: choice("kind", self.kind.as_deref(), |c| {
                DocumentKind::parse(c).map(|k| k.as_str().to_owned())
            })?,
            status: choice("status", self.status.as_deref(), |c| {
                DocumentStatus::parse(c).map(|s| s.as_str().to_owned())
            })?,
            checklist_item: self.checklist_item.clone().filter(|c| !c.trim().is_empty()),
            overdue_on: self
                .overdue
                .filter(|overdue| *overdue)
                .map(|_| service::today()),
            unit_id: self.unit_id,
        })
    }
}

/// List documents by title, filtered and paginated.
#[utoipa::path(get, path = "/api/v1/documents", tag = "governance", params(DocumentQuery),
    responses((status = 200, body = ListResponse<DocumentDto>), (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<DocumentQuery>,
) -> Result<Json<ListResponse<DocumentDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = query.filter()?;
    let page = service::list(&state, &principal, &filter, paging.limit(), paging.offset()).await?;
    Ok(Json(ListResponse::new(page, paging, DocumentDto::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentBody {
    /// `policy`, `guideline`, `routine`, `instruction`, `plan` or `process`.
    pub kind: String,
    /// Required, at most 200 characters.
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// A user of the organisation.
    pub owner_id: Option<i64>,
    /// The decision body; required for an approved document.
    #[serde(default)]
    pub approver: String,
    /// Diarienummer.
    #[serde(default)]
    pub case_number: String,
    /// Required for an approved document.
    #[serde(default)]
    pub valid_from: Option<NaiveDate>,
    /// Required for an approved document; a day in the past is refused with
    /// `review-date-past` unless the document is repealed.
    #[serde(default)]
    pub next_review: Option<NaiveDate>,
    /// A code of the requirement catalogue.
    #[serde(default)]
    pub requirement_code: Option<String>,
    #[serde(default)]
    pub legal_reference: String,
    /// `not_started`, `ongoing` or `done`.
    pub consultation: String,
    /// `draft`, `approved` or `repealed`.
    pub status: String,
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// The id of a checklist item the document fulfils.
    #[serde(default)]
    pub checklist_item: Option<String>,
    /// Required on update and new version: the version last read.
    #[serde(default)]
    pub version: Option<i64>,
    /// For a new version: what it changes.
    #[serde(default)]
    pub change_note: String,
}

impl DocumentBody {
    fn input(&self) -> DocumentInput {
        DocumentInput {
            kind: self.kind.clone(),
            title: self.title.clone(),
            summary: self.summary.clone(),
            owner_id: self.owner_id,
            approver: self.approver.clone(),
            case_number: self.case_number.clone(),
            valid_from: self.valid_from,
            next_review: self.next_review,
            requirement_code: self.requirement_code.clone().unwrap_or_default(),
            legal_reference: self.legal_reference.clone(),
            consultation: self.consultation.clone(),
            status: self.status.clone(),
            unit_id: self.unit_id,
            checklist_item: self.checklist_item.clone().unwrap_or_default(),
        }
    }

    fn expected_version(&self) -> Result<i64, AppError> {
        self.version
            .ok_or_else(|| AppError::invalid("version", "required"))
    }
}

/// Add a document as its version 1 (administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/documents", tag = "governance", request_body = DocumentBody,
    responses((status = 201, body = DocumentDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<DocumentBody>,
) -> Result<Response, AppError> {
    let created =
        service::create(&state, &principal, &body.input(), ValidationErrors::new()).await?;
    Ok((StatusCode::CREATED, Json(DocumentDto::from(created))).into_response())
}

/// One document with its earlier versions.
#[derive(Debug, Serialize, ToSchema)]
pub struct DocumentDetailDto {
    #[serde(flatten)]
    pub document: DocumentDto,
    /// Earlier versions, newest first.
    pub versions: Vec<DocumentVersionDto>,
}

#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "governance", params(("id" = i64, Path)),
    responses((status = 200, body = DocumentDetailDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<DocumentDetailDto>, AppError> {
    let (document, versions) = service::get(&state, &principal, id).await?;
    Ok(Json(DocumentDetailDto {
        document: document.into(),
        versions: versions.into_iter().map(Into::into).collect(),
    }))
}

/// Correct the current version (administrators and coordinators).
#[utoipa::path(put, path = "/api/v1/documents/{id}", tag = "governance", params(("id" = i64, Path)),
    request_body = DocumentBody,
    responses((status = 200, body = DocumentDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<DocumentBody>,
) -> Result<Json<DocumentDto>, AppError> {
    let version = body.expected_version()?;
    let updated = service::update(
        &state,
        &principal,
        id,
        version,
        &body.input(),
        ValidationErrors::new(),
    )
    .await?;
    Ok(Json(updated.into()))
}

/// The earlier versions of a document, newest first.
#[utoipa::path(get, path = "/api/v1/documents/{id}/versions", tag = "governance", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<DocumentVersionDto>), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn versions(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<Vec<DocumentVersionDto>>, AppError> {
    let (_, versions) = service::get(&state, &principal, id).await?;
    Ok(Json(versions.into_iter().map(Into::into).collect()))
}

/// Keep the current version as it is and continue as the next version with the fields
/// of the body (administrators and coordinators).
#[utoipa::path(post, path = "/api/v1/documents/{id}/versions", tag = "governance", params(("id" = i64, Path)),
    request_body = DocumentBody,
    responses((status = 201, body = DocumentDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn new_version(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<DocumentBody>,
) -> Result<Response, AppError> {
    let version = body.expected_version()?;
    let document = service::new_version(
        &state,
        &principal,
        id,
        version,
        &body.input(),
        &body.change_note,
        ValidationErrors::new(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(DocumentDto::from(document))).into_response())
}

/// An earlier version as it read when it was replaced.
#[utoipa::path(get, path = "/api/v1/documents/{id}/versions/{number}", tag = "governance",
    params(("id" = i64, Path), ("number" = i64, Path)),
    responses((status = 200, body = DocumentVersionDetailDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn version(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, number)): Path<(String, String)>,
) -> Result<Json<DocumentVersionDetailDto>, AppError> {
    let id = id.parse().map_err(|_| AppError::NotFound)?;
    let number = number.parse().map_err(|_| AppError::NotFound)?;
    let (summary, document) = service::revision(&state, &principal, id, number).await?;
    Ok(Json(DocumentVersionDetailDto {
        summary: summary.into(),
        document: document.into(),
    }))
}

/// One item of the required-documents checklist and how the documents fulfil it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ChecklistItemDto {
    pub id: String,
    pub kind: String,
    pub title: String,
    /// What the source asks for.
    pub requirement: String,
    pub continuously_updated: bool,
    /// Law or regulation and paragraph.
    pub sources: Vec<String>,
    /// A document marked as fulfilling it is not repealed.
    pub exists: bool,
    /// One of them is approved (fastställd).
    pub approved: bool,
    /// An approved one has a review date that has not passed.
    pub current: bool,
    pub document_ids: Vec<i64>,
}

impl From<ChecklistEntry> for ChecklistItemDto {
    fn from(e: ChecklistEntry) -> Self {
        Self {
            id: e.item.id,
            kind: e.item.kind.as_str().to_owned(),
            title: e.item.title.sv,
            requirement: e.item.requirement.sv,
            continuously_updated: e.item.continuously_updated,
            sources: e.item.sources,
            exists: e.state.exists,
            approved: e.state.approved,
            current: e.state.current,
            document_ids: e.documents.iter().map(|d| d.id).collect(),
        }
    }
}

/// The documents the regulations require: whether each exists, is approved and is current.
#[utoipa::path(get, path = "/api/v1/documents/checklist", tag = "governance",
    responses((status = 200, body = Vec<ChecklistItemDto>), (status = 401, body = Problem)), security(("bearer" = [])))]
pub async fn checklist(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<ChecklistItemDto>>, AppError> {
    let entries = service::checklist(&state, &principal).await?;
    Ok(Json(entries.into_iter().map(Into::into).collect()))
}
