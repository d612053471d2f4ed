//! Classified objects and their approved versions.

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::classification::{
    validate_object_name, Aspect, ClassificationDraft, Level, Levels, ObjectKind, Reasons,
};
use tillit_domain::search::{contains_pattern, fold};
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::references::{unit_in_organisation, user_in_organisation};
use crate::registers::json_text;
use crate::sql::{unit_subtree, Arg, Conditions};
use crate::tasks;
use crate::{now, Actor, Page};

/// A classified object with its current approved levels, if it has any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ClassificationObject {
    pub id: i64,
    pub organisation_id: i64,
    pub kind: String,
    pub asset_id: Option<i64>,
    pub system_id: Option<i64>,
    /// The asset's or system's name, or the name given to a process or document.
    pub name: String,
    /// The system's designation.
    pub designation: Option<String>,
    /// The owner of a process or document (assets and systems have their own owners).
    pub owner_id: Option<i64>,
    pub unit_id: Option<i64>,
    /// Number of the latest approved version; 0 before the first approval.
    pub current_version: i64,
    pub level_k: Option<i64>,
    pub level_r: Option<i64>,
    pub level_t: Option<i64>,
    pub level_s: Option<i64>,
    pub approved_at: Option<DateTime<Utc>>,
    pub next_review: Option<NaiveDate>,
    pub version: i64,
}

impl ClassificationObject {
    pub fn object_kind(&self) -> Option<ObjectKind> {
        ObjectKind::parse(&self.kind)
    }

    /// The levels of the current approved version.
    pub fn levels(&self) -> Option<Levels> {
        levels_from(self.level_k, self.level_r, self.level_t, self.level_s)
    }
}

/// One approved classification, never changed afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ClassificationVersion {
    pub id: i64,
    pub object_id: i64,
    pub number: i64,
    pub level_k: i64,
    pub level_r: i64,
    pub level_t: i64,
    pub level_s: Option<i64>,
    /// JSON: the levels inherited from the assets a system holds, when it held any.
    pub derived: Option<String>,
    /// JSON: [`Reasons`].
    pub reasons: String,
    pub participants: String,
    pub next_review: NaiveDate,
    pub approved_at: DateTime<Utc>,
    pub approved_by: Option<i64>,
    pub approved_by_label: String,
}

impl ClassificationVersion {
    pub fn levels(&self) -> Option<Levels> {
        levels_from(
            Some(self.level_k),
            Some(self.level_r),
            Some(self.level_t),
            self.level_s,
        )
    }

    pub fn derived_levels(&self) -> Option<Levels> {
        self.derived
            .as_deref()
            .and_then(|json| serde_json::from_str(json).ok())
    }

    pub fn reasons(&self) -> Reasons {
        serde_json::from_str(&self.reasons).unwrap_or_default()
    }
}

fn levels_from(k: Option<i64>, r: Option<i64>, t: Option<i64>, s: Option<i64>) -> Option<Levels> {
    let level = |value: i64| u8::try_from(value).ok().and_then(Level::new);
    Some(Levels::new(
        level(k?)?,
        level(r?)?,
        level(t?)?,
        s.and_then(level),
    ))
}

/// What a classification is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    Asset(i64),
    System(i64),
    /// A process or document that already has a classification object.
    Object(i64),
}

impl Subject {
    /// The subject named by exactly one of the three ids, as forms and the API give it.
    pub fn from_ids(
        asset_id: Option<i64>,
        system_id: Option<i64>,
        object_id: Option<i64>,
    ) -> Option<Subject> {
        match (asset_id, system_id, object_id) {
            (Some(id), None, None) => Some(Subject::Asset(id)),
            (None, Some(id), None) => Some(Subject::System(id)),
            (None, None, Some(id)) => Some(Subject::Object(id)),
            _ => None,
        }
    }

    /// The field that names the subject in a form or query, and its id.
    pub fn field(self) -> (&'static str, i64) {
        match self {
            Subject::Asset(id) => ("asset_id", id),
            Subject::System(id) => ("system_id", id),
            Subject::Object(id) => ("object_id", id),
        }
    }
}

const OBJECT_SELECT: &str = "SELECT o.id, o.organisation_id, o.kind, o.asset_id, o.system_id, \
     COALESCE(a.name, s.name, o.name) AS name, s.designation, o.owner_id, \
     COALESCE(o.unit_id, a.unit_id) AS unit_id, o.current_version, o.level_k, o.level_r, o.level_t, o.level_s, \
     o.approved_at, o.next_review, o.version \
     FROM classification_object o \
     LEFT JOIN information_asset a ON a.id = o.asset_id \
     LEFT JOIN information_system s ON s.id = o.system_id";

const VERSION_COLUMNS: &str =
    "id, object_id, number, level_k, level_r, level_t, level_s, derived, reasons, participants, \
     next_review, approved_at, approved_by, approved_by_label";

pub async fn get_object(db: &Db, organisation_id: i64, id: i64) -> Result<ClassificationObject> {
    let sql = format!("{OBJECT_SELECT} WHERE o.organisation_id = $1 AND o.id = $2");
    read!(
        db,
        fetch_optional,
        ClassificationObject,
        &sql,
        organisation_id,
        id
    )?
    .ok_or(StoreError::NotFound)
}

/// The classification object of an asset or a system, if it has been classified.
pub async fn object_for(
    db: &Db,
    organisation_id: i64,
    subject: Subject,
) -> Result<Option<ClassificationObject>> {
    let (column, id) = subject_column(subject);
    let sql = format!("{OBJECT_SELECT} WHERE o.organisation_id = $1 AND o.{column} = $2");
    Ok(read!(
        db,
        fetch_optional,
        ClassificationObject,
        &sql,
        organisation_id,
        id
    )?)
}

async fn object_for_tx(
    tx: &mut Tx,
    organisation_id: i64,
    subject: Subject,
) -> Result<Option<ClassificationObject>> {
    let (column, id) = subject_column(subject);
    let sql = format!("{OBJECT_SELECT} WHERE o.organisation_id = $1 AND o.{column} = $2");
    Ok(in_tx!(
        &mut *tx,
        fetch_optional,
        ClassificationObject,
        &sql,
        organisation_id,
        id
    )?)
}

fn subject_column(subject: Subject) -> (&'static str, i64) {
    match subject {
        Subject::Asset(id) => ("asset_id", id),
        Subject::System(id) => ("system_id", id),
        Subject::Object(id) => ("id", id),
    }
}

/// Starts a classification of a process or document: it gets a name, an owner and
/// optionally a unit, and is classified like any other object.
pub async fn create_named_object(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    kind: ObjectKind,
    name: &str,
    owner_id: Option<i64>,
    unit_id: Option<i64>,
) -> Result<ClassificationObject> {
    let mut tx = db.begin().await?;
    let object = create_named_object_in(
        &mut tx,
        organisation_id,
        actor,
        kind,
        name,
        owner_id,
        unit_id,
    )
    .await?;
    tx.commit().await?;
    Ok(object)
}

/// [`create_named_object`] inside the caller's transaction.
pub async fn create_named_object_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    kind: ObjectKind,
    name: &str,
    owner_id: Option<i64>,
    unit_id: Option<i64>,
) -> Result<ClassificationObject> {
    let mut errors = ValidationErrors::new();
    let name = match validate_object_name(name) {
        Ok(name) => name,
        Err(name_errors) => {
            errors.0.extend(name_errors.0);
            String::new()
        }
    };
    if !kind.is_named_in_classification() {
        errors.add("kind", "invalid-choice");
    }
    match owner_id {
        None => errors.add("owner_id", "required"),
        Some(id) if !user_in_organisation(tx, organisation_id, id).await? => {
            errors.add("owner_id", "unknown-reference")
        }
        Some(_) => {}
    }
    if let Some(unit) = unit_id {
        if !unit_in_organisation(tx, organisation_id, unit).await? {
            errors.add("unit_id", "unknown-reference");
        }
    }
    errors.finish(()).map_err(StoreError::Invalid)?;
    let stamp = now();
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO classification_object (organisation_id, kind, name, search_name, owner_id, unit_id, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
        organisation_id,
        kind.as_str(),
        name.as_str(),
        fold(&name),
        owner_id,
        unit_id,
        stamp
    )?;
    let object = object_for_tx(tx, organisation_id, Subject::Object(id))
        .await?
        .ok_or(StoreError::NotFound)?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "classification_object", id).after(&object),
    )
    .await?;
    Ok(object)
}

/// Approves a classification as the next version of `subject`'s classification.
/// `expected_version` is the object's version the user saw (`None` when the subject
/// had no approved classification yet); a different one is a conflict. Open prompts to classify
/// the subject are marked done.
pub async fn approve(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    subject: Subject,
    expected_version: Option<i64>,
    draft: &ClassificationDraft,
) -> Result<(ClassificationObject, ClassificationVersion)> {
    let mut tx = db.begin().await?;
    let approved = approve_in(
        &mut tx,
        organisation_id,
        actor,
        subject,
        expected_version,
        draft,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(approved)
}

/// [`approve`] inside the caller's transaction, approved at `approved_at` (the demo
/// dates its classifications in the past).
pub async fn approve_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    subject: Subject,
    expected_version: Option<i64>,
    draft: &ClassificationDraft,
    approved_at: DateTime<Utc>,
) -> Result<(ClassificationObject, ClassificationVersion)> {
    let before = match object_for_tx(tx, organisation_id, subject).await? {
        Some(object) => {
            // Before its first approval a named process or document has nothing that
            // could be overwritten, so the caller need not know its version.
            let first_approval = expected_version.is_none() && object.current_version == 0;
            if !first_approval && expected_version != Some(object.version) {
                return Err(StoreError::Conflict);
            }
            object
        }
        None if expected_version.is_some() => return Err(StoreError::Conflict),
        None => create_register_object(tx, organisation_id, subject).await?,
    };
    let number = before.current_version + 1;
    let level = |aspect: Aspect| draft.levels.get(aspect).map(|l| i64::from(l.get()));
    let version_id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO classification_version (organisation_id, object_id, number, level_k, level_r, level_t, level_s, \
         derived, reasons, participants, next_review, approved_at, approved_by, approved_by_label) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
        organisation_id,
        before.id,
        number,
        level(Aspect::Confidentiality),
        level(Aspect::Integrity),
        level(Aspect::Availability),
        level(Aspect::Traceability),
        draft.derived.as_ref().map(json_text),
        json_text(&draft.reasons),
        draft.participants.as_str(),
        draft.next_review,
        approved_at,
        actor.user_id,
        actor.label.as_str()
    )?;
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE classification_object SET current_version = $1, level_k = $2, level_r = $3, level_t = $4, level_s = $5, \
         approved_at = $6, next_review = $7, updated_at = $6, version = version + 1 \
         WHERE id = $8 AND organisation_id = $9 AND version = $10",
        number,
        level(Aspect::Confidentiality),
        level(Aspect::Integrity),
        level(Aspect::Availability),
        level(Aspect::Traceability),
        approved_at,
        draft.next_review,
        before.id,
        organisation_id,
        before.version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = object_for_tx(&mut *tx, organisation_id, Subject::Object(before.id))
        .await?
        .ok_or(StoreError::NotFound)?;
    let version = in_tx!(
        &mut *tx,
        fetch_one,
        ClassificationVersion,
        &format!("SELECT {VERSION_COLUMNS} FROM classification_version WHERE id = $1"),
        version_id
    )?;
    if let Some((kind, id)) = prompt_subject(&after) {
        tasks::complete_prompts_in(&mut *tx, organisation_id, actor, kind, id).await?;
    }
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "approve", "classification", after.id)
            .before(&before)
            .after(&version),
    )
    .await?;
    Ok((after, version))
}

/// The register entry whose classification prompts are answered by classifying `object`.
fn prompt_subject(object: &ClassificationObject) -> Option<(&'static str, i64)> {
    object
        .system_id
        .map(|id| ("information_system", id))
        .or(object.asset_id.map(|id| ("information_asset", id)))
}

/// Creates the classification object of an asset or system on its first approval.
async fn create_register_object(
    tx: &mut Tx,
    organisation_id: i64,
    subject: Subject,
) -> Result<ClassificationObject> {
    let (kind, table) = match subject {
        Subject::Asset(_) => (ObjectKind::Asset, "information_asset"),
        Subject::System(_) => (ObjectKind::System, "information_system"),
        Subject::Object(_) => return Err(StoreError::NotFound),
    };
    let (column, id) = subject_column(subject);
    let exists = in_tx_scalar!(
        &mut *tx,
        fetch_optional,
        i64,
        &format!("SELECT id FROM {table} WHERE id = $1 AND organisation_id = $2"),
        id,
        organisation_id
    )?;
    if exists.is_none() {
        return Err(StoreError::NotFound);
    }
    let stamp = now();
    in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        &format!(
            "INSERT INTO classification_object (organisation_id, kind, {column}, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $4) RETURNING id"
        ),
        organisation_id,
        kind.as_str(),
        id,
        stamp
    )
    .map_err(first_approval_race)?;
    object_for_tx(tx, organisation_id, subject)
        .await?
        .ok_or(StoreError::NotFound)
}

/// Two first approvals of the same entry at once: the second finds the object taken,
/// which to its user is a conflict like any other stale write.
fn first_approval_race(error: sqlx::Error) -> StoreError {
    match &error {
        sqlx::Error::Database(db) if db.is_unique_violation() => StoreError::Conflict,
        _ => StoreError::from(error),
    }
}

/// Every approved version of an object, newest first.
pub async fn versions(
    db: &Db,
    organisation_id: i64,
    object_id: i64,
) -> Result<Vec<ClassificationVersion>> {
    let sql = format!(
        "SELECT {VERSION_COLUMNS} FROM classification_version WHERE organisation_id = $1 AND object_id = $2 \
         ORDER BY number DESC"
    );
    Ok(read!(
        db,
        fetch_all,
        ClassificationVersion,
        &sql,
        organisation_id,
        object_id
    )?)
}

/// The highest approved levels, aspect by aspect, of the assets `system_id` holds;
/// `None` when none of them is classified.
pub async fn derived_levels(
    db: &Db,
    organisation_id: i64,
    system_id: i64,
) -> Result<Option<Levels>> {
    #[derive(sqlx::FromRow)]
    struct Highest {
        classified: i64,
        level_k: Option<i64>,
        level_r: Option<i64>,
        level_t: Option<i64>,
        level_s: Option<i64>,
    }
    let highest = read!(
        db,
        fetch_one,
        Highest,
        "SELECT COUNT(o.id) AS classified, MAX(o.level_k) AS level_k, MAX(o.level_r) AS level_r, \
         MAX(o.level_t) AS level_t, MAX(o.level_s) AS level_s \
         FROM asset_system l JOIN classification_object o ON o.asset_id = l.asset_id \
         WHERE l.system_id = $1 AND o.organisation_id = $2 AND o.current_version > 0",
        system_id,
        organisation_id
    )?;
    Ok(if highest.classified == 0 {
        None
    } else {
        levels_from(
            highest.level_k,
            highest.level_r,
            highest.level_t,
            highest.level_s,
        )
    })
}

/// Which classified objects a list shows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ObjectFilter {
    pub kind: Option<ObjectKind>,
    /// Only objects whose next review date has passed (by `today`).
    pub overdue_on: Option<NaiveDate>,
    /// Only objects with a level 4 on some aspect.
    pub needs_protection_analysis: bool,
    pub query: Option<String>,
    /// Only objects with a version approved from the first time up to (not including)
    /// the second.
    pub approved_in: Option<(DateTime<Utc>, DateTime<Utc>)>,
    /// Only objects of this unit or a unit below it (see [`object_in_unit_subtree`]).
    pub unit_id: Option<i64>,
}

/// The condition "the object belongs to the unit `unit` or one below it", on
/// `classification_object o` left-joined to its `information_asset a`: a process or
/// document by its own unit, an asset by the asset's unit, and a system by the assets it
/// holds, as the annual report counts a unit's systems. `unit` is a placeholder or an id.
pub(crate) fn object_in_unit_subtree(unit: &str) -> String {
    let units = unit_subtree(unit);
    format!(
        "(COALESCE(o.unit_id, a.unit_id) IN ({units}) OR o.system_id IN (SELECT x.system_id \
         FROM asset_system x JOIN information_asset e ON e.id = x.asset_id WHERE e.unit_id IN ({units})))"
    )
}

pub async fn list_objects(
    db: &Db,
    organisation_id: i64,
    filter: &ObjectFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<ClassificationObject>> {
    let mut conditions = Conditions::for_organisation("o.organisation_id", organisation_id);
    if let Some(kind) = filter.kind {
        conditions.and("o.kind = ?", Arg::Text(kind.as_str().to_owned()));
    }
    if let Some(today) = filter.overdue_on {
        conditions.and(
            "o.current_version > 0 AND o.next_review < ?",
            Arg::Date(today),
        );
    }
    if filter.needs_protection_analysis {
        conditions.and(
            "? IN (o.level_k, o.level_r, o.level_t, o.level_s)",
            Arg::Int(i64::from(Level::MAX.get())),
        );
    }
    if let Some(query) = filter.query.as_deref().filter(|q| !q.trim().is_empty()) {
        conditions.and(
            "COALESCE(a.search_name, s.search_name, o.search_name) LIKE ? ESCAPE '\\'",
            Arg::Text(contains_pattern(&fold(query))),
        );
    }
    if let Some((from, until)) = filter.approved_in {
        let first = conditions.next_placeholder();
        conditions.push_arg(Arg::Time(from));
        conditions.push_arg(Arg::Time(until));
        conditions.and_fixed(&format!(
            "EXISTS (SELECT 1 FROM classification_version v WHERE v.object_id = o.id \
             AND v.approved_at >= ${first} AND v.approved_at < ${})",
            first + 1
        ));
    }
    if let Some(unit) = filter.unit_id {
        conditions.and(&object_in_unit_subtree("?"), Arg::Int(unit));
    }
    let from = "FROM classification_object o \
                LEFT JOIN information_asset a ON a.id = o.asset_id \
                LEFT JOIN information_system s ON s.id = o.system_id";
    let total_sql = format!("SELECT COUNT(*) AS total {from} WHERE {}", conditions.sql());
    #[derive(sqlx::FromRow)]
    struct Total {
        total: i64,
    }
    let total = read_args!(db, fetch_one, Total, &total_sql, conditions.args_with([]))?.total;
    let (limit_offset, args) = conditions.limit_offset(limit, offset);
    let sql = format!(
        "{OBJECT_SELECT} WHERE {} ORDER BY COALESCE(a.search_name, s.search_name, o.search_name), o.id {limit_offset}",
        conditions.sql()
    );
    let items = read_args!(db, fetch_all, ClassificationObject, &sql, args)?;
    Ok(Page { items, total })
}
