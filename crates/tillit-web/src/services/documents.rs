//! Governing documents: the library, its versions and the checklist of documents the
//! regulations require. Everyone reads them; administrators and coordinators keep them.

use std::sync::LazyLock;

use chrono::NaiveDate;
use tillit_domain::auth::Action;
use tillit_domain::documents::{
    required_documents, ChecklistContentError, DocumentDraft, DocumentInput, DocumentRules,
    RequiredDocument,
};
use tillit_domain::ValidationErrors;
use tillit_store::documents::{
    self as store, ChecklistEntry, Document, DocumentFilter, DocumentRevision, DocumentsSummary,
};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::services::classification::all_requirements;
use crate::state::AppState;

static CHECKLIST: LazyLock<Result<Vec<RequiredDocument>, ChecklistContentError>> =
    LazyLock::new(required_documents);

/// The required-documents checklist shipped in `content/governance/`.
pub fn checklist_items() -> Result<&'static [RequiredDocument], AppError> {
    CHECKLIST
        .as_ref()
        .map(Vec::as_slice)
        .map_err(AppError::internal)
}

/// Today in Sweden, the day review dates are compared with.
pub fn today() -> NaiveDate {
    crate::services::risk::today()
}

pub async fn list(
    state: &AppState,
    principal: &Principal,
    filter: &DocumentFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<Document>, AppError> {
    principal.require(Action::ViewGovernance)?;
    Ok(store::list_documents(&state.db, principal.organisation_id, filter, limit, offset).await?)
}

/// A document with its earlier versions, newest first.
pub async fn get(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<(Document, Vec<DocumentRevision>), AppError> {
    principal.require(Action::ViewGovernance)?;
    let document = store::get_document(&state.db, principal.organisation_id, id).await?;
    let revisions = store::revisions(&state.db, principal.organisation_id, id).await?;
    Ok((document, revisions))
}

pub async fn revision(
    state: &AppState,
    principal: &Principal,
    id: i64,
    number: i64,
) -> Result<(DocumentRevision, Document), AppError> {
    principal.require(Action::ViewGovernance)?;
    Ok(store::revision(&state.db, principal.organisation_id, id, number).await?)
}

pub async fn checklist(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<ChecklistEntry>, AppError> {
    principal.require(Action::ViewGovernance)?;
    Ok(store::checklist(
        &state.db,
        principal.organisation_id,
        checklist_items()?,
        today(),
    )
    .await?)
}

pub async fn summary(
    state: &AppState,
    principal: &Principal,
) -> Result<DocumentsSummary, AppError> {
    principal.require(Action::ViewGovernance)?;
    Ok(store::documents_summary(
        &state.db,
        principal.organisation_id,
        None,
        checklist_items()?,
        today(),
    )
    .await?)
}

/// Validates a document against the checklist and the requirement catalogue; errors a
/// form found while reading its fields (`read_errors`) come first.
async fn validate(
    state: &AppState,
    principal: &Principal,
    input: &DocumentInput,
    read_errors: ValidationErrors,
) -> Result<DocumentDraft, AppError> {
    principal.require(Action::ManageDocuments)?;
    let codes: Vec<String> = all_requirements(state, principal)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    let rules = DocumentRules {
        today: today(),
        checklist: checklist_items()?,
        requirement_codes: &codes,
    };
    let mut errors = read_errors;
    match input.validate(&rules) {
        Ok(draft) if errors.is_empty() => Ok(draft),
        Ok(_) => Err(AppError::Invalid(errors)),
        Err(more) => {
            // A field that could not be read is reported once, as unreadable.
            let more: Vec<_> = more
                .0
                .into_iter()
                .filter(|e| !errors.has(&e.field))
                .collect();
            errors.0.extend(more);
            Err(AppError::Invalid(errors))
        }
    }
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    input: &DocumentInput,
    read_errors: ValidationErrors,
) -> Result<Document, AppError> {
    let draft = validate(state, principal, input, read_errors).await?;
    Ok(store::create_document(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?)
}

pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &DocumentInput,
    read_errors: ValidationErrors,
) -> Result<Document, AppError> {
    let draft = validate(state, principal, input, read_errors).await?;
    Ok(store::update_document(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &draft,
    )
    .await?)
}

/// Keeps the current version as it is and continues the document as its next version.
pub async fn new_version(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &DocumentInput,
    change_note: &str,
    read_errors: ValidationErrors,
) -> Result<Document, AppError> {
    let mut read_errors = read_errors;
    tillit_domain::validation::optional_text(&mut read_errors, "change_note", change_note, 1000);
    let draft = validate(state, principal, input, read_errors).await?;
    Ok(store::new_revision(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &draft,
        change_note,
    )
    .await?)
}
