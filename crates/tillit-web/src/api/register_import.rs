//! `/api/v1/systems/import`, `/api/v1/assets/import`: add many entries from a CSV or
//! XLSX file, all or nothing; `/api/v1/imports/…`: the runs of imports with their
//! progress and outcome; `/api/v1/systems/export`, `/api/v1/assets/export`: the
//! registers as CSV or XLSX, filtered like the lists.

use axum::extract::{FromRequest, Multipart, Request, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::register_import::{ImportErrors, RegisterKind};
use tillit_domain::registers::{
    AssetForm, AssetSort, Criticality, PersonalDataCategory, SystemKind, SystemSort,
};
use tillit_domain::users::Language;
use tillit_reports::Format;
use tillit_store::registers::import_runs::ImportRun;
use tillit_store::registers::{AssetFilter, SystemFilter};
use utoipa::{IntoParams, ToSchema};

use crate::api::Problem;
use crate::auth::principal::Lang;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{IdPath, QueryParams};
use crate::filter_params::choice;
use crate::middleware::RequestId;
use crate::pages::register_import::{read_upload, UploadError, MEGABYTE};
use crate::services::register_export as export;
use crate::services::register_import::{
    self as service, ImportFile, ImportOutcome, MAX_FILE_BYTES,
};
use crate::state::AppState;

/// What an import added.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportResultDto {
    /// `systems` or `assets`.
    pub register: String,
    /// Entries added.
    pub imported: usize,
    /// Their ids, in the order of the file's rows.
    pub ids: Vec<i64>,
    /// The new systems' designations in row order (empty for assets).
    pub designations: Vec<String>,
}

/// A refused import (RFC 9457): nothing was imported, and every problem is listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblem {
    #[schema(example = "urn:tillit:problem:import-rejected")]
    pub r#type: String,
    pub title: String,
    pub status: u16,
    /// `import-rejected`, or `payload-too-large` for a file over 25 MB.
    pub code: String,
    pub detail: String,
    pub request_id: String,
    pub errors: Vec<ImportProblemRow>,
}

/// One problem in an imported file.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportProblemRow {
    /// The row in the file (the first line or row is 1); empty for the file as a whole.
    pub row: Option<usize>,
    /// The column as the file names it (its heading, or its letter).
    pub column: Option<String>,
    /// The column's key, e.g. `owner_email`, when it is a known column.
    pub field: Option<String>,
    /// The offending value, where it helps.
    pub value: Option<String>,
    /// Stable reason, e.g. `unknown-user`, `cycle`, `formula`.
    pub code: String,
    /// The reason in the caller's language.
    pub detail: String,
}

struct Answer<'a> {
    state: &'a AppState,
    language: Language,
    request_id: String,
}

impl Answer<'_> {
    fn text(&self, id: &str) -> String {
        self.state.i18n.text(self.language, id)
    }

    fn problem(
        &self,
        status: StatusCode,
        code: &str,
        detail: String,
        errors: Vec<ImportProblemRow>,
    ) -> Response {
        let body = ImportProblem {
            r#type: format!("urn:tillit:problem:{code}"),
            title: self.text(&format!("problem-{code}-title")),
            status: status.as_u16(),
            code: code.to_owned(),
            detail,
            request_id: self.request_id.clone(),
            errors,
        };
        let json = serde_json::to_string(&body).unwrap_or_default();
        (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            json,
        )
            .into_response()
    }

    fn rejected(&self, errors: ImportErrors) -> Response {
        let rows = errors
            .0
            .into_iter()
            .map(|e| ImportProblemRow {
                detail: self.state.i18n.text_with(
                    self.language,
                    &format!("import-error-{}", e.code),
                    &[("value", e.value.clone().unwrap_or_default())],
                ),
                row: e.row,
                column: e.column,
                field: e.field.map(str::to_owned),
                value: e.value,
                code: e.code.to_owned(),
            })
            .collect();
        let detail = self.text("problem-import-rejected-detail");
        self.problem(
            StatusCode::UNPROCESSABLE_ENTITY,
            "import-rejected",
            detail,
            rows,
        )
    }

    fn too_large(&self) -> Response {
        let detail = self.state.i18n.text_with(
            self.language,
            "import-too-large",
            &[("megabytes", (MAX_FILE_BYTES / MEGABYTE).to_string())],
        );
        self.problem(
            StatusCode::PAYLOAD_TOO_LARGE,
            "payload-too-large",
            detail,
            Vec::new(),
        )
    }
}

/// The file of an import request: a `file` part of a multipart body, or the whole body.
async fn read_file(request: Request, state: &AppState) -> Result<ImportFile, UploadError> {
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    let file = if multipart {
        let multipart = Multipart::from_request(request, state)
            .await
            .map_err(|rejection| UploadError::Malformed(rejection.body_text()))?;
        read_upload(multipart).await?.file
    } else {
        let bytes = axum::body::Bytes::from_request(request, state)
            .await
            .map_err(|rejection| {
                if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                    UploadError::TooLarge
                } else {
                    UploadError::Malformed(rejection.body_text())
                }
            })?;
        (!bytes.is_empty()).then(|| ImportFile {
            name: "api".to_owned(),
            bytes,
        })
    };
    file.ok_or_else(|| {
        UploadError::Malformed(
            "no file: send it as the body or as the multipart part `file`".into(),
        )
    })
}

async fn import(
    state: AppState,
    principal: Principal,
    language: Language,
    request_id: Option<Extension<RequestId>>,
    kind: RegisterKind,
    request: Request,
) -> Result<Response, AppError> {
    service::require_importer(&principal)?;
    let answer = Answer {
        state: &state,
        language,
        request_id: request_id.map(|Extension(id)| id.0).unwrap_or_default(),
    };
    let file = match read_file(request, &state).await {
        Ok(file) => file,
        Err(UploadError::TooLarge) => return Ok(answer.too_large()),
        Err(UploadError::Malformed(message)) => return Err(AppError::MalformedBody(message)),
    };
    Ok(
        match service::import_now(&state, &principal, kind, file).await? {
            ImportOutcome::Imported(summary) => (
                StatusCode::CREATED,
                Json(ImportResultDto {
                    register: summary.register.to_owned(),
                    imported: summary.count,
                    ids: summary.ids,
                    designations: summary.designations,
                }),
            )
                .into_response(),
            ImportOutcome::Rejected(errors) => answer.rejected(errors),
        },
    )
}

/// Add networks and information systems from a CSV or XLSX file (administrators and
/// coordinators). Send the file as the body (any content type; the format is told by
/// the content) or as the part `file` of a multipart body, at most 25 MB. Every row is
/// checked first; if any is bad nothing is imported and the answer lists every problem.
/// Otherwise all rows are added in one transaction. The columns are those of the
/// template at `/register/import/template/systems.xlsx`.
#[utoipa::path(post, path = "/api/v1/systems/import", tag = "registers",
    request_body(content = Vec<u8>, description = "The CSV or XLSX file", content_type = "application/octet-stream"),
    responses((status = 201, body = ImportResultDto), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 413, body = ImportProblem), (status = 422, body = ImportProblem)),
    security(("bearer" = [])))]
pub async fn import_systems(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    request_id: Option<Extension<RequestId>>,
    request: Request,
) -> Result<Response, AppError> {
    import(
        state,
        principal,
        language,
        request_id,
        RegisterKind::Systems,
        request,
    )
    .await
}

/// Add information assets from a CSV or XLSX file (administrators and coordinators),
/// as for systems. The owners are given by e-mail address and the systems holding an
/// asset by designation. The columns are those of `/register/import/template/assets.xlsx`.
#[utoipa::path(post, path = "/api/v1/assets/import", tag = "registers",
    request_body(content = Vec<u8>, description = "The CSV or XLSX file", content_type = "application/octet-stream"),
    responses((status = 201, body = ImportResultDto), (status = 400, body = Problem), (status = 403, body = Problem),
        (status = 413, body = ImportProblem), (status = 422, body = ImportProblem)),
    security(("bearer" = [])))]
pub async fn import_assets(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    request_id: Option<Extension<RequestId>>,
    request: Request,
) -> Result<Response, AppError> {
    import(
        state,
        principal,
        language,
        request_id,
        RegisterKind::Assets,
        request,
    )
    .await
}

/// One import of a file: where it is, its progress and its outcome.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportRunDto {
    pub id: i64,
    /// `systems` or `assets`.
    pub register: String,
    pub file_name: String,
    /// `validating` (checking every row), `importing` (writing the rows), `done` or
    /// `failed` (nothing was imported).
    pub state: String,
    /// Rows to write, known once the file has been checked.
    pub total_rows: i64,
    /// Rows written so far; all of them once done. While importing on PostgreSQL it
    /// moves in steps of a few hundred rows; on SQLite it is written with the outcome.
    pub rows_done: i64,
    /// Why a run failed when it was not the file's rows: `conflict`, `invalid-input`,
    /// `internal`, or `interrupted` (the server stopped during the import).
    pub failure: Option<String>,
    /// Every problem in a refused file.
    pub errors: Vec<ImportProblemRow>,
    /// The user who started it; empty for the command line.
    pub started_by: Option<i64>,
    pub started_by_name: Option<String>,
    pub started_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
}

impl ImportRunDto {
    fn new(state: &AppState, language: Language, run: ImportRun) -> Self {
        let errors = run
            .problems()
            .into_iter()
            .map(|e| ImportProblemRow {
                detail: state.i18n.text_with(
                    language,
                    &format!("import-error-{}", e.code),
                    &[("value", e.value.clone().unwrap_or_default())],
                ),
                row: e.row,
                column: e.column,
                field: e.field,
                value: e.value,
                code: e.code,
            })
            .collect();
        Self {
            id: run.id,
            register: run.kind,
            file_name: run.file_name,
            state: run.state,
            total_rows: run.total_rows,
            rows_done: run.rows_done,
            failure: run.failure,
            errors,
            started_by: run.started_by,
            started_by_name: run.started_by_name,
            started_at: run.started_at,
            updated_at: run.updated_at,
            finished_at: run.finished_at,
        }
    }
}

/// The caller's latest import (administrators and coordinators), from whichever server
/// ran it: poll it while `state` is `validating` or `importing`. 404 when the caller
/// never imported.
#[utoipa::path(get, path = "/api/v1/imports/latest", tag = "registers",
    responses((status = 200, body = ImportRunDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn latest_run(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
) -> Result<Json<ImportRunDto>, AppError> {
    let run = service::latest_run(&state, &principal)
        .await?
        .ok_or(AppError::NotFound)?;
    Ok(Json(ImportRunDto::new(&state, language, run)))
}

/// One import of the organisation (administrators and coordinators), with its progress
/// and outcome.
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "registers", params(("id" = i64, Path)),
    responses((status = 200, body = ImportRunDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_run(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    IdPath(id): IdPath,
) -> Result<Json<ImportRunDto>, AppError> {
    let run = service::get_run(&state, &principal, id).await?;
    Ok(Json(ImportRunDto::new(&state, language, run)))
}

fn format(value: Option<&str>) -> Result<Format, AppError> {
    Ok(choice("format", value, Format::parse)?.unwrap_or(Format::Xlsx))
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SystemExportQuery {
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
    /// `network`, `information_system` or `it_service`.
    pub kind: Option<String>,
    /// `low`, `medium`, `high` or `critical`.
    pub criticality: Option<String>,
    /// In (true) or out of (false) scope of cybersäkerhetslagen.
    pub in_scope: Option<bool>,
    /// Object owner or one of the information owners.
    pub owner_id: Option<i64>,
    /// Designation or name contains (case-insensitive).
    pub q: Option<String>,
    /// With (true) or without (false) an approved classification.
    pub classified: Option<bool>,
    /// Only systems holding an information asset of this unit or a unit below it.
    pub unit_id: Option<i64>,
    /// `name` (default), `designation`, `criticality` or `updated`.
    pub sort: Option<String>,
}

/// The register of networks and information systems as a file, filtered like the list,
/// with the columns of the import template.
#[utoipa::path(get, path = "/api/v1/systems/export", tag = "registers", params(SystemExportQuery),
    responses((status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn export_systems(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<SystemExportQuery>,
) -> Result<Response, AppError> {
    let filter = SystemFilter {
        kind: choice("kind", query.kind.as_deref(), SystemKind::parse)?,
        criticality: choice(
            "criticality",
            query.criticality.as_deref(),
            Criticality::parse,
        )?,
        in_scope: query.in_scope,
        owner_id: query.owner_id,
        query: query.q.clone().filter(|q| !q.trim().is_empty()),
        classified: query.classified,
        unit_id: query.unit_id,
        sort: choice("sort", query.sort.as_deref(), SystemSort::parse)?.unwrap_or_default(),
    };
    let format = format(query.format.as_deref())?;
    Ok(export::export_systems(&state, &principal, &filter, format)
        .await?
        .into_response())
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssetExportQuery {
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
    /// `digital`, `paper` or `spoken`.
    pub form: Option<String>,
    pub owner_id: Option<i64>,
    /// Only assets of this unit or, unless `unit_only`, a unit below it.
    pub unit_id: Option<i64>,
    /// With `unit_id`: that unit's own assets only.
    pub unit_only: Option<bool>,
    pub contains_personal_data: Option<bool>,
    pub business_critical: Option<bool>,
    /// Only assets held by this system.
    pub system_id: Option<i64>,
    /// Only assets with this category of personal data.
    pub category: Option<String>,
    /// Name contains (case-insensitive).
    pub q: Option<String>,
    /// With (true) or without (false) an approved classification.
    pub classified: Option<bool>,
    /// `name` (default), `business_critical` or `updated`.
    pub sort: Option<String>,
}

/// The register of information assets as a file, filtered like the list, with the
/// columns of the import template.
#[utoipa::path(get, path = "/api/v1/assets/export", tag = "registers", params(AssetExportQuery),
    responses((status = 200, description = "The file", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (status = 401, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn export_assets(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<AssetExportQuery>,
) -> Result<Response, AppError> {
    let filter = AssetFilter {
        form: choice("form", query.form.as_deref(), AssetForm::parse)?,
        owner_id: query.owner_id,
        unit_id: query.unit_id,
        unit_only: query.unit_only.unwrap_or(false),
        contains_personal_data: query.contains_personal_data,
        business_critical: query.business_critical,
        system_id: query.system_id,
        category: choice(
            "category",
            query.category.as_deref(),
            PersonalDataCategory::parse,
        )?,
        query: query.q.clone().filter(|q| !q.trim().is_empty()),
        classified: query.classified,
        sort: choice("sort", query.sort.as_deref(), AssetSort::parse)?.unwrap_or_default(),
    };
    let format = format(query.format.as_deref())?;
    Ok(export::export_assets(&state, &principal, &filter, format)
        .await?
        .into_response())
}
