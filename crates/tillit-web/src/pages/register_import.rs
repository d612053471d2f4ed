//! Import of the registers from a file: the upload form, the progress of a running
//! import and its outcome; the import templates; and export of the registers as the
//! list filters select them.
//!
//! The upload is a plain form (no script needed): the browser is sent on to the status
//! page, which shows the user's latest import run as recorded in the database (so any
//! server process shows it), which htmx refreshes every half second while the import
//! runs and which a reload refreshes without script.

use askama::Template;
use axum::extract::multipart::{Multipart, MultipartError, MultipartRejection};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tillit_domain::register_import::{RegisterKind, RunState};
use tillit_reports::Format;
use tillit_store::registers::import_runs::{ImportRun, RunProblem};

use crate::auth::principal::Lang;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::QueryParams;
use crate::pages::registers::ListQuery;
use crate::pages::{assets, registers, render, FormErrors, PageContext};
use crate::services::register_export as export;
use crate::services::register_import::{self as service, ImportFile, MAX_FILE_BYTES};
use crate::state::AppState;

pub(crate) const MEGABYTE: usize = 1024 * 1024;

/// The fields of an upload, as sent.
#[derive(Default)]
pub(crate) struct Upload {
    pub register: Option<String>,
    pub file: Option<ImportFile>,
}

/// Why an upload could not be read.
pub(crate) enum UploadError {
    TooLarge,
    Malformed(String),
}

impl From<MultipartError> for UploadError {
    fn from(error: MultipartError) -> Self {
        if error.status() == StatusCode::PAYLOAD_TOO_LARGE {
            UploadError::TooLarge
        } else {
            UploadError::Malformed(error.body_text())
        }
    }
}

/// Reads a multipart upload: the `file` part (an empty one counts as none) and the
/// `register` field; other parts are skipped.
pub(crate) async fn read_upload(mut multipart: Multipart) -> Result<Upload, UploadError> {
    let mut upload = Upload::default();
    while let Some(field) = multipart.next_field().await? {
        match field.name() {
            Some("register") => upload.register = Some(field.text().await?),
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await?;
                if !bytes.is_empty() {
                    upload.file = Some(ImportFile { name, bytes });
                }
            }
            _ => {}
        }
    }
    Ok(upload)
}

fn register_label(ctx: &PageContext, kind: RegisterKind) -> String {
    ctx.t(&format!("import-register-{}", kind.as_str()))
}

#[derive(Template)]
#[template(path = "import.html")]
struct FormPage {
    ctx: PageContext,
    errors: FormErrors,
    register: String,
    running: bool,
    max_megabytes: usize,
}

impl FormPage {
    fn registers(&self) -> Vec<(&'static str, String)> {
        RegisterKind::ALL
            .iter()
            .map(|k| (k.as_str(), register_label(&self.ctx, *k)))
            .collect()
    }
}

async fn form_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    register: String,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let running = service::latest_run(state, principal)
        .await?
        .is_some_and(|run| service::is_running(&run));
    let page = FormPage {
        ctx,
        errors,
        register,
        running,
        max_megabytes: MAX_FILE_BYTES / MEGABYTE,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    form_page(
        &state,
        ctx,
        &principal,
        RegisterKind::Systems.as_str().to_owned(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// Starts the import of an uploaded file and sends the browser to its progress.
pub async fn upload(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, AppError> {
    service::require_importer(&principal)?;
    let upload = match multipart {
        Ok(multipart) => read_upload(multipart).await,
        Err(rejection) => Err(UploadError::Malformed(rejection.body_text())),
    };
    let upload = match upload {
        Ok(upload) => upload,
        Err(UploadError::TooLarge) => {
            let message = ctx.t1(
                "import-form-file-too-large",
                "megabytes",
                MAX_FILE_BYTES / MEGABYTE,
            );
            let errors = FormErrors {
                items: vec![("file".into(), message)],
            };
            return form_page(
                &state,
                ctx,
                &principal,
                String::new(),
                errors,
                StatusCode::PAYLOAD_TOO_LARGE,
            )
            .await;
        }
        // A form post without the file part, e.g. url-encoded: the file is missing.
        Err(UploadError::Malformed(_)) => Upload::default(),
    };
    let register = upload.register.clone().unwrap_or_default();
    let kind = RegisterKind::parse(&register);
    let mut errors = FormErrors::default();
    if kind.is_none() {
        errors
            .items
            .push(("register".into(), ctx.t("import-form-register-missing")));
    }
    if upload.file.is_none() {
        errors
            .items
            .push(("file".into(), ctx.t("import-form-file-missing")));
    }
    let (Some(kind), Some(file)) = (kind, upload.file) else {
        return form_page(
            &state,
            ctx,
            &principal,
            register,
            errors,
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    };
    match service::start(&state, &principal, kind, file).await {
        Ok(()) => Ok(axum::response::Redirect::to("/register/import/status").into_response()),
        Err(AppError::Invalid(_)) => {
            let errors = FormErrors::single(&ctx, "file", "import-form-running");
            form_page(
                &state,
                ctx,
                &principal,
                register,
                errors,
                StatusCode::CONFLICT,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

/// One problem of a refused file, as the outcome table shows it.
struct Problem {
    row: String,
    column: String,
    message: String,
}

fn problem(ctx: &PageContext, error: &RunProblem) -> Problem {
    Problem {
        row: error.row.map(|r| r.to_string()).unwrap_or_default(),
        column: error.column.clone().unwrap_or_default(),
        message: ctx.t1(
            &format!("import-error-{}", error.code),
            "value",
            error.value.as_deref().unwrap_or_default(),
        ),
    }
}

/// A running import: what it is doing, and rows written of rows to write.
struct Running {
    doing: String,
    written: i64,
    total: i64,
}

/// What the status page shows of the principal's latest import.
struct Status {
    file_name: String,
    register: RegisterKind,
    register_label: String,
    running: Option<Running>,
    imported: Option<i64>,
    problems: Vec<Problem>,
    /// Stopped by an error: the message saying what to do.
    failure: Option<String>,
}

impl Status {
    fn register_path(&self) -> &'static str {
        match self.register {
            RegisterKind::Systems => "/register",
            RegisterKind::Assets => "/register/assets",
        }
    }
}

#[derive(Template)]
#[template(path = "import_status.html")]
struct StatusPage {
    ctx: PageContext,
    status: Option<Status>,
}

fn status_of(ctx: &PageContext, run: &ImportRun) -> Status {
    let register = RegisterKind::parse(&run.kind).unwrap_or(RegisterKind::Systems);
    let mut status = Status {
        file_name: run.file_name.clone(),
        register,
        register_label: register_label(ctx, register),
        running: None,
        imported: None,
        problems: Vec::new(),
        failure: None,
    };
    match run.recorded_state() {
        state @ (RunState::Validating | RunState::Importing) => {
            let doing = match state {
                RunState::Validating => ctx.t("import-status-checking"),
                _ => ctx.t1("import-status-writing", "total", run.total_rows),
            };
            status.running = Some(Running {
                doing,
                written: run.rows_done,
                total: run.total_rows,
            });
        }
        RunState::Done => status.imported = Some(run.rows_done),
        RunState::Failed => match run.failure.as_deref() {
            None => status.problems = run.problems().iter().map(|e| problem(ctx, e)).collect(),
            Some(code) => {
                let reason = match code {
                    "conflict" | "invalid-input" | "interrupted" => code,
                    _ => "internal",
                };
                status.failure = Some(ctx.t(&format!("import-failed-{reason}")));
            }
        },
    }
    status
}

/// The progress of the principal's latest import, or its outcome.
pub async fn status(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let run = service::latest_run(&state, &principal).await?;
    let status = run.map(|run| status_of(&ctx, &run));
    render(&StatusPage { ctx, status })
}

/// `systems.csv`, `assets.xlsx`: a register and a format.
fn parse_file_name(file: &str) -> Option<(RegisterKind, Format)> {
    let (register, extension) = file.split_once('.')?;
    Some((RegisterKind::parse(register)?, Format::parse(extension)?))
}

/// `/register/import/template/systems.xlsx` and the like.
pub async fn template(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    Path(file): Path<String>,
) -> Result<Response, AppError> {
    let (kind, format) = parse_file_name(&file).ok_or(AppError::NotFound)?;
    let bytes = service::template(&state, &principal, kind, format, language)?;
    Ok(export::Export {
        file_name: format!("tillit-import-{}.{}", kind.as_str(), format.extension()),
        content_type: format.content_type(),
        bytes,
    }
    .into_response())
}

async fn systems_export(
    state: AppState,
    principal: Principal,
    query: ListQuery,
    format: Format,
) -> Result<Response, AppError> {
    let filter = registers::parse_filter(&query)?;
    Ok(export::export_systems(&state, &principal, &filter, format)
        .await?
        .into_response())
}

async fn assets_export(
    state: AppState,
    principal: Principal,
    query: assets::ListQuery,
    format: Format,
) -> Result<Response, AppError> {
    let filter = assets::parse_filter(&query)?;
    Ok(export::export_assets(&state, &principal, &filter, format)
        .await?
        .into_response())
}

pub async fn systems_csv(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    systems_export(state, principal, query, Format::Csv).await
}

pub async fn systems_xlsx(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    systems_export(state, principal, query, Format::Xlsx).await
}

pub async fn assets_csv(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<assets::ListQuery>,
) -> Result<Response, AppError> {
    assets_export(state, principal, query, Format::Csv).await
}

pub async fn assets_xlsx(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<assets::ListQuery>,
) -> Result<Response, AppError> {
    assets_export(state, principal, query, Format::Xlsx).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_file_names_name_a_register_and_a_format() {
        assert_eq!(
            parse_file_name("systems.csv"),
            Some((RegisterKind::Systems, Format::Csv))
        );
        assert_eq!(
            parse_file_name("assets.xlsx"),
            Some((RegisterKind::Assets, Format::Xlsx))
        );
        assert_eq!(parse_file_name("assets.xls"), None);
        assert_eq!(parse_file_name("risks.csv"), None);
        assert_eq!(parse_file_name("systems"), None);
    }
}
