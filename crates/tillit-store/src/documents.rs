//! Governing documents (C04): the library with its earlier versions, the checklist of
//! documents the regulations require, and the figures and review dates the annual cycle
//! and the annual report read.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::documents::{ChecklistState, DocumentDraft, DocumentStatus, RequiredDocument};
use tillit_domain::search::{contains_pattern, fold};
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::{unit_in_organisation, user_in_organisation};
use crate::sql::{unit_subtree, Arg, Conditions};
use crate::{now, Actor, Page};

/// A governing document as it stands now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, sqlx::FromRow)]
pub struct Document {
    pub id: i64,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub approver: String,
    pub case_number: String,
    pub valid_from: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    pub requirement_code: Option<String>,
    pub legal_reference: String,
    pub consultation: String,
    pub status: String,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub checklist_item: Option<String>,
    /// The document's own version number: 1, then one more for every new version.
    pub revision: i64,
    /// Optimistic-concurrency counter of the row.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Document {
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        tillit_domain::documents::review_overdue(&self.status, self.next_review, today)
    }
}

const SELECT: &str = "SELECT d.id, d.kind, d.title, d.summary, d.owner_id, o.display_name AS owner_name, d.approver, \
    d.case_number, d.valid_from, d.next_review, d.requirement_code, d.legal_reference, d.consultation, d.status, \
    d.unit_id, u.name AS unit_name, d.checklist_item, d.revision, d.version, d.created_at, d.updated_at \
    FROM governing_document d JOIN app_user o ON o.id = d.owner_id LEFT JOIN org_unit u ON u.id = d.unit_id";

/// Which documents to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentFilter {
    pub search: Option<String>,
    pub kind: Option<String>,
    pub status: Option<String>,
    pub checklist_item: Option<String>,
    /// Only documents in force whose review date is before this day.
    pub overdue_on: Option<NaiveDate>,
    /// Only documents that apply to this unit or a unit below it.
    pub unit_id: Option<i64>,
}

fn unit_clause(conditions: &mut Conditions, unit: i64) {
    conditions.and(
        &format!("d.unit_id IN ({})", unit_subtree("?")),
        Arg::Int(unit),
    );
}

fn overdue_clause(conditions: &mut Conditions, today: NaiveDate) {
    conditions.and(
        "d.status <> 'repealed' AND d.next_review IS NOT NULL AND d.next_review < ?",
        Arg::Date(today),
    );
}

pub async fn list_documents(
    db: &Db,
    organisation_id: i64,
    filter: &DocumentFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<Document>> {
    let mut conditions = Conditions::for_organisation("d.organisation_id", organisation_id);
    if let Some(search) = filter.search.as_deref().filter(|s| !s.trim().is_empty()) {
        conditions.and(
            "d.search_title LIKE CAST(? AS TEXT) ESCAPE '\\'",
            Arg::Text(contains_pattern(search)),
        );
    }
    if let Some(kind) = &filter.kind {
        conditions.and("d.kind = ?", Arg::Text(kind.clone()));
    }
    if let Some(status) = &filter.status {
        conditions.and("d.status = ?", Arg::Text(status.clone()));
    }
    if let Some(item) = &filter.checklist_item {
        conditions.and("d.checklist_item = ?", Arg::Text(item.clone()));
    }
    if let Some(today) = filter.overdue_on {
        overdue_clause(&mut conditions, today);
    }
    if let Some(unit) = filter.unit_id {
        unit_clause(&mut conditions, unit);
    }
    let count_sql = format!(
        "SELECT COUNT(*) FROM governing_document d WHERE {}",
        conditions.sql()
    );
    let total = read_args!(db, fetch_one, (i64,), &count_sql, conditions.args_with([]))?.0;
    let (limit_offset, args) = conditions.limit_offset(limit, offset);
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY d.search_title, d.id {limit_offset}",
        conditions.sql()
    );
    let items = read_args!(db, fetch_all, Document, &sql, args)?;
    Ok(Page { items, total })
}

pub async fn get_document(db: &Db, organisation_id: i64, id: i64) -> Result<Document> {
    let sql = format!("{SELECT} WHERE d.id = $1 AND d.organisation_id = $2");
    read!(db, fetch_optional, Document, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

async fn document_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Document> {
    let sql = format!("{SELECT} WHERE d.id = $1 AND d.organisation_id = $2");
    in_tx!(
        &mut *tx,
        fetch_optional,
        Document,
        &sql,
        id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)
}

async fn check_references(tx: &mut Tx, organisation_id: i64, draft: &DocumentDraft) -> Result<()> {
    let mut errors = ValidationErrors::new();
    if !user_in_organisation(tx, organisation_id, draft.owner_id).await? {
        errors.add("owner_id", "unknown-reference");
    }
    if let Some(unit) = draft.unit_id {
        if !unit_in_organisation(tx, organisation_id, unit).await? {
            errors.add("unit_id", "unknown-reference");
        }
    }
    errors.finish(()).map_err(StoreError::Invalid)
}

/// Adds a document to the library as its version 1.
pub async fn create_document(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &DocumentDraft,
) -> Result<Document> {
    let mut tx = db.begin().await?;
    let document = create_document_in(&mut tx, organisation_id, actor, draft, now()).await?;
    tx.commit().await?;
    Ok(document)
}

/// [`create_document`] inside the caller's transaction, created at `at`.
pub async fn create_document_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &DocumentDraft,
    at: DateTime<Utc>,
) -> Result<Document> {
    check_references(tx, organisation_id, draft).await?;
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO governing_document (organisation_id, kind, title, search_title, summary, owner_id, approver, \
         case_number, valid_from, next_review, requirement_code, legal_reference, consultation, status, unit_id, \
         checklist_item, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17) RETURNING id",
        organisation_id,
        draft.kind.as_str(),
        draft.title.as_str(),
        fold(&draft.title),
        draft.summary.as_str(),
        draft.owner_id,
        draft.approver.as_str(),
        draft.case_number.as_str(),
        draft.valid_from,
        draft.next_review,
        draft.requirement_code.as_deref(),
        draft.legal_reference.as_str(),
        draft.consultation.as_str(),
        draft.status.as_str(),
        draft.unit_id,
        draft.checklist_item.as_deref(),
        at
    )?;
    let created = document_tx(tx, organisation_id, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "governing_document", id).after(&created),
    )
    .await?;
    Ok(created)
}

async fn write_fields(
    tx: &mut Tx,
    organisation_id: i64,
    id: i64,
    expected_version: i64,
    draft: &DocumentDraft,
    revision: i64,
) -> Result<()> {
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE governing_document SET kind = $1, title = $2, search_title = $3, summary = $4, owner_id = $5, \
         approver = $6, case_number = $7, valid_from = $8, next_review = $9, requirement_code = $10, \
         legal_reference = $11, consultation = $12, status = $13, unit_id = $14, checklist_item = $15, revision = $16, \
         updated_at = $17, version = version + 1 WHERE id = $18 AND organisation_id = $19 AND version = $20",
        draft.kind.as_str(),
        draft.title.as_str(),
        fold(&draft.title),
        draft.summary.as_str(),
        draft.owner_id,
        draft.approver.as_str(),
        draft.case_number.as_str(),
        draft.valid_from,
        draft.next_review,
        draft.requirement_code.as_deref(),
        draft.legal_reference.as_str(),
        draft.consultation.as_str(),
        draft.status.as_str(),
        draft.unit_id,
        draft.checklist_item.as_deref(),
        revision,
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    Ok(())
}

/// Corrects the current version of a document if nobody changed it since
/// `expected_version` was read.
pub async fn update_document(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &DocumentDraft,
) -> Result<Document> {
    let mut tx = db.begin().await?;
    let before = document_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    check_references(&mut tx, organisation_id, draft).await?;
    write_fields(
        &mut tx,
        organisation_id,
        id,
        expected_version,
        draft,
        before.revision,
    )
    .await?;
    let after = document_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "governing_document", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// An earlier version of a document, kept readable when a new version replaced it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct DocumentRevision {
    pub number: i64,
    pub title: String,
    pub status: String,
    pub valid_from: Option<NaiveDate>,
    /// What the version that replaced it changed.
    pub change_note: String,
    pub superseded_at: DateTime<Utc>,
    pub superseded_by_label: String,
}

/// Starts a new version: the current one is kept as it was, and the document takes the
/// fields of `draft` under the next version number.
pub async fn new_revision(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &DocumentDraft,
    change_note: &str,
) -> Result<Document> {
    let mut tx = db.begin().await?;
    let before = document_tx(&mut tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    check_references(&mut tx, organisation_id, draft).await?;
    let snapshot = serde_json::to_string(&before)
        .map_err(|e| StoreError::Database(sqlx::Error::Encode(Box::new(e))))?;
    exec_tx!(
        &mut tx,
        "INSERT INTO governing_document_revision (organisation_id, document_id, number, title, status, valid_from, \
         snapshot, change_note, superseded_at, superseded_by_label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        organisation_id,
        id,
        before.revision,
        before.title.as_str(),
        before.status.as_str(),
        before.valid_from,
        snapshot.as_str(),
        change_note.trim(),
        now(),
        actor.label.as_str()
    )
    .map_err(|e| {
        StoreError::from(e).on_unique("governing_document_revision_number_key", "version")
    })?;
    write_fields(
        &mut tx,
        organisation_id,
        id,
        expected_version,
        draft,
        before.revision + 1,
    )
    .await?;
    let after = document_tx(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "new_version",
            "governing_document",
            id,
        )
        .before(&before)
        .after(&(&after, change_note.trim())),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// The earlier versions of a document, newest first.
pub async fn revisions(db: &Db, organisation_id: i64, id: i64) -> Result<Vec<DocumentRevision>> {
    Ok(read!(
        db,
        fetch_all,
        DocumentRevision,
        "SELECT number, title, status, valid_from, change_note, superseded_at, superseded_by_label \
         FROM governing_document_revision WHERE document_id = $1 AND organisation_id = $2 ORDER BY number DESC",
        id,
        organisation_id
    )?)
}

/// One earlier version as it read when it was replaced.
pub async fn revision(
    db: &Db,
    organisation_id: i64,
    id: i64,
    number: i64,
) -> Result<(DocumentRevision, Document)> {
    let row = read!(
        db,
        fetch_optional,
        (String,),
        "SELECT snapshot FROM governing_document_revision WHERE document_id = $1 AND organisation_id = $2 AND number = $3",
        id,
        organisation_id,
        number
    )?
    .ok_or(StoreError::NotFound)?;
    let document: Document = serde_json::from_str(&row.0)
        .map_err(|e| StoreError::Database(sqlx::Error::Decode(Box::new(e))))?;
    let summary = revisions(db, organisation_id, id)
        .await?
        .into_iter()
        .find(|r| r.number == number)
        .ok_or(StoreError::NotFound)?;
    Ok((summary, document))
}

/// A document marked as fulfilling a checklist item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ChecklistDocument {
    pub id: i64,
    pub title: String,
    pub status: String,
    pub next_review: Option<NaiveDate>,
    pub checklist_item: String,
}

/// One item of the required-documents checklist with the documents that fulfil it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChecklistEntry {
    pub item: RequiredDocument,
    pub state: ChecklistState,
    pub documents: Vec<ChecklistDocument>,
}

/// The checklist of `items` as the organisation's documents fulfil it on `today`.
pub async fn checklist(
    db: &Db,
    organisation_id: i64,
    items: &[RequiredDocument],
    today: NaiveDate,
) -> Result<Vec<ChecklistEntry>> {
    let documents = read!(
        db,
        fetch_all,
        ChecklistDocument,
        "SELECT id, title, status, next_review, checklist_item FROM governing_document \
         WHERE organisation_id = $1 AND checklist_item IS NOT NULL ORDER BY search_title, id",
        organisation_id
    )?;
    Ok(items
        .iter()
        .map(|item| {
            let documents: Vec<ChecklistDocument> = documents
                .iter()
                .filter(|d| d.checklist_item == item.id)
                .cloned()
                .collect();
            let state = documents
                .iter()
                .fold(ChecklistState::default(), |state, d| {
                    state.with(&d.status, d.next_review, today)
                });
            ChecklistEntry {
                item: item.clone(),
                state,
                documents,
            }
        })
        .collect())
}

/// The library in figures, for reports.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct DocumentsSummary {
    pub total: i64,
    pub draft: i64,
    pub approved: i64,
    pub repealed: i64,
    /// Documents in force whose review date has passed.
    pub overdue: i64,
    pub checklist_items: i64,
    /// Checklist items with an approved document whose review date has not passed.
    pub checklist_fulfilled: i64,
}

/// Counts of the documents of the organisation, or with `unit` of the documents that
/// apply to that unit or a unit below it, on `today`. The checklist is always the
/// organisation's.
pub async fn documents_summary(
    db: &Db,
    organisation_id: i64,
    unit: Option<i64>,
    items: &[RequiredDocument],
    today: NaiveDate,
) -> Result<DocumentsSummary> {
    let mut conditions = Conditions::for_organisation("d.organisation_id", organisation_id);
    if let Some(unit) = unit {
        unit_clause(&mut conditions, unit);
    }
    let overdue = conditions.next_placeholder();
    let sql = format!(
        "SELECT d.status, COUNT(*), SUM(CASE WHEN d.status <> 'repealed' AND d.next_review < ${overdue} THEN 1 ELSE 0 END) \
         FROM governing_document d WHERE {} GROUP BY d.status",
        conditions.sql()
    );
    let rows = read_args!(
        db,
        fetch_all,
        (String, i64, i64),
        &sql,
        conditions.args_with([Arg::Date(today)])
    )?;
    let mut summary = DocumentsSummary::default();
    for (status, count, overdue) in rows {
        summary.total += count;
        summary.overdue += overdue;
        match DocumentStatus::parse(&status) {
            Some(DocumentStatus::Draft) => summary.draft += count,
            Some(DocumentStatus::Approved) => summary.approved += count,
            Some(DocumentStatus::Repealed) => summary.repealed += count,
            None => {}
        }
    }
    let entries = checklist(db, organisation_id, items, today).await?;
    summary.checklist_items = entries.len() as i64;
    summary.checklist_fulfilled = entries.iter().filter(|e| e.state.current).count() as i64;
    Ok(summary)
}

/// The organisation's documents in force whose review date has passed on `today`.
pub async fn overdue_documents(db: &Db, organisation_id: i64, today: NaiveDate) -> Result<i64> {
    Ok(read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM governing_document WHERE organisation_id = $1 \
         AND status <> 'repealed' AND next_review < $2",
        organisation_id,
        today
    )?)
}

/// A review that falls due: for the annual cycle and reminders.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReviewDate {
    pub document_id: i64,
    pub title: String,
    pub kind: String,
    pub status: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub unit_id: Option<i64>,
    pub due: NaiveDate,
}

/// The reviews of documents in force due from `from` to `to` (both included), earliest
/// first.
pub async fn review_dates(
    db: &Db,
    organisation_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<ReviewDate>> {
    Ok(read!(
        db,
        fetch_all,
        ReviewDate,
        "SELECT d.id AS document_id, d.title, d.kind, d.status, d.owner_id, o.display_name AS owner_name, d.unit_id, \
         d.next_review AS due FROM governing_document d JOIN app_user o ON o.id = d.owner_id \
         WHERE d.organisation_id = $1 AND d.status <> 'repealed' AND d.next_review >= $2 AND d.next_review <= $3 \
         ORDER BY d.next_review, d.id",
        organisation_id,
        from,
        to
    )?)
}
