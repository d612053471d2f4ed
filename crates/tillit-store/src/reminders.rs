//! Reminders: what each user should look at now, gathered from every capability that
//! sets deadlines, for the daily e-mail digest.
//!
//! Each source is one query in one small function below. To add a source, add a
//! [`ReminderKind`] variant and a function returning `Vec<Reminder>`, and call it from
//! [`due_reminders`].

pub mod outbox;

use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::auth::Role;
use tillit_domain::registers::{confirmation_overdue, CONFIRMATION_INTERVAL_DAYS};
use tillit_domain::users::Language;

use crate::db::Db;
use crate::error::Result;

/// A task due within this many days is worth a reminder.
pub const TASK_NOTICE_DAYS: u64 = 7;

/// A governing document's review is announced this many days ahead: time enough to
/// send a revision out for consultation.
pub const DOCUMENT_REVIEW_NOTICE_DAYS: u64 = 30;

/// What a reminder is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReminderKind {
    /// An open task assigned to the user; `task_kind` as in [`crate::tasks::Task::kind`].
    Task { task_kind: String },
    /// The yearly confirmation of the register is overdue (to coordinators and
    /// administrators of the whole organisation).
    RegisterConfirmation,
    /// A classification's next review date has passed (to the object's owners).
    ClassificationReview,
    /// A measure of the action plan is past its planned date and not done (to the
    /// person responsible).
    MeasureLate,
    /// A risk analysis is past its yearly renewal (to coordinators of the whole
    /// organisation and the information owners of the systems it covers).
    RiskAnalysisRenewal,
    /// An own duty of the annual cycle is due within its reminder days (to its owner, or
    /// to the coordinators when nobody owns it); `duty_kind` as in
    /// [`tillit_domain::calendar::DutyKind::as_str`].
    CalendarDuty { duty_kind: String },
    /// A governing document in force is due for review within
    /// [`DOCUMENT_REVIEW_NOTICE_DAYS`] or overdue (to the document's owner).
    DocumentReview,
}

/// One thing one user should look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub user_id: i64,
    pub email: String,
    pub display_name: String,
    pub language: Language,
    pub kind: ReminderKind,
    /// The name of the thing: a system's designation and name, an asset, the organisation.
    pub subject: String,
    /// When it is or was due; `None` when it never was (a register never confirmed).
    pub due_on: Option<NaiveDate>,
    /// Where to deal with it, e.g. `/register/systems/42`.
    pub path: String,
}

impl Reminder {
    /// Due before `today`, or never done at all.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.due_on.is_none_or(|due| due < today)
    }
}

#[derive(sqlx::FromRow)]
struct Recipient {
    user_id: i64,
    email: String,
    display_name: String,
    locale: Option<String>,
}

impl Recipient {
    fn remind(
        self,
        kind: ReminderKind,
        subject: String,
        due_on: Option<NaiveDate>,
        path: String,
    ) -> Reminder {
        Reminder {
            user_id: self.user_id,
            email: self.email,
            display_name: self.display_name,
            language: self
                .locale
                .as_deref()
                .and_then(Language::parse)
                .unwrap_or_default(),
            kind,
            subject,
            due_on,
            path,
        }
    }
}

/// Everything in the organisation that needs attention on `today`, by user, then by
/// due date (never-done first).
pub async fn due_reminders(
    db: &Db,
    organisation_id: i64,
    today: NaiveDate,
) -> Result<Vec<Reminder>> {
    let mut reminders = tasks_due(db, organisation_id, today).await?;
    reminders.extend(register_confirmation(db, organisation_id, today).await?);
    reminders.extend(classification_reviews(db, organisation_id, today).await?);
    reminders.extend(late_measures(db, organisation_id, today).await?);
    reminders.extend(analysis_renewals(db, organisation_id, today).await?);
    reminders.extend(crate::calendar::duty_reminders(db, organisation_id, today).await?);
    reminders.extend(document_reviews(db, organisation_id, today).await?);
    reminders.sort_by(|a, b| {
        (a.user_id, a.due_on, &a.subject, &a.path).cmp(&(b.user_id, b.due_on, &b.subject, &b.path))
    });
    Ok(reminders)
}

/// Every organisation's id, for work done once per organisation.
pub async fn organisation_ids(db: &Db) -> Result<Vec<i64>> {
    Ok(read_scalar!(
        db,
        fetch_all,
        i64,
        "SELECT id FROM organisation ORDER BY id"
    )?)
}

#[derive(sqlx::FromRow)]
struct TaskRow {
    #[sqlx(flatten)]
    recipient: Recipient,
    kind: String,
    subject_kind: String,
    subject_id: i64,
    subject_name: String,
    due_on: NaiveDate,
}

/// Open tasks assigned to someone, due within [`TASK_NOTICE_DAYS`] or overdue.
async fn tasks_due(db: &Db, organisation_id: i64, today: NaiveDate) -> Result<Vec<Reminder>> {
    let horizon = today
        .checked_add_days(Days::new(TASK_NOTICE_DAYS))
        .unwrap_or(today);
    let rows = read!(
        db,
        fetch_all,
        TaskRow,
        "SELECT u.id AS user_id, u.email, u.display_name, u.locale, t.kind, t.subject_kind, t.subject_id, \
         COALESCE(s.designation || ' ' || s.name, a.name, '') AS subject_name, t.due_on FROM task t \
         JOIN app_user u ON u.id = t.assignee_id \
         LEFT JOIN information_system s ON t.subject_kind = 'information_system' AND s.id = t.subject_id \
         LEFT JOIN information_asset a ON t.subject_kind = 'information_asset' AND a.id = t.subject_id \
         WHERE t.organisation_id = $1 AND t.done_at IS NULL AND t.due_on <= $2 \
         AND u.organisation_id = $1 AND u.active = TRUE ORDER BY u.id, t.due_on, t.id",
        organisation_id,
        horizon
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let path = match row.subject_kind.as_str() {
                "information_system" => format!("/register/systems/{}", row.subject_id),
                "information_asset" => format!("/register/assets/{}", row.subject_id),
                _ => "/".to_owned(),
            };
            row.recipient.remind(
                ReminderKind::Task {
                    task_kind: row.kind,
                },
                row.subject_name,
                Some(row.due_on),
                path,
            )
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ConfirmerRow {
    #[sqlx(flatten)]
    recipient: Recipient,
    organisation_name: String,
    last_confirmed: Option<DateTime<Utc>>,
}

/// The register's yearly confirmation, when overdue, to everyone who may confirm it.
async fn register_confirmation(
    db: &Db,
    organisation_id: i64,
    today: NaiveDate,
) -> Result<Vec<Reminder>> {
    let rows = read!(
        db,
        fetch_all,
        ConfirmerRow,
        "SELECT u.id AS user_id, u.email, u.display_name, u.locale, o.name AS organisation_name, \
         (SELECT MAX(c.confirmed_at) FROM register_confirmation c WHERE c.organisation_id = $1) AS last_confirmed \
         FROM app_user u JOIN organisation o ON o.id = u.organisation_id \
         WHERE u.organisation_id = $1 AND u.active = TRUE AND EXISTS (SELECT 1 FROM role_assignment r \
         WHERE r.user_id = u.id AND r.organisation_id = $1 AND r.unit_id IS NULL AND r.role IN ($2, $3)) \
         ORDER BY u.id",
        organisation_id,
        Role::Administrator.as_str(),
        Role::Coordinator.as_str()
    )?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let last = row.last_confirmed.map(|at| at.date_naive());
            if !confirmation_overdue(last, today) {
                return None;
            }
            let due_on = last.and_then(|date| {
                date.checked_add_signed(chrono::Duration::days(CONFIRMATION_INTERVAL_DAYS))
            });
            Some(row.recipient.remind(
                ReminderKind::RegisterConfirmation,
                row.organisation_name,
                due_on,
                "/register".to_owned(),
            ))
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct ReviewRow {
    #[sqlx(flatten)]
    recipient: Recipient,
    object_id: i64,
    subject_name: String,
    next_review: NaiveDate,
}

/// Approved classifications whose next review date has passed, to the object's owners:
/// an asset's owner, a system's object owner and information owners, or the owner named
/// for a process or document.
async fn classification_reviews(
    db: &Db,
    organisation_id: i64,
    today: NaiveDate,
) -> Result<Vec<Reminder>> {
    const DUE: &str = "o.organisation_id = $1 AND o.current_version > 0 AND o.next_review < $2";
    let sql = format!(
        "SELECT u.id AS user_id, u.email, u.display_name, u.locale, x.object_id, x.subject_name, x.next_review FROM ( \
         SELECT o.id AS object_id, a.name AS subject_name, o.next_review, a.owner_id AS owner_id \
         FROM classification_object o JOIN information_asset a ON a.id = o.asset_id WHERE {DUE} \
         UNION SELECT o.id, s.designation || ' ' || s.name, o.next_review, s.object_owner_id \
         FROM classification_object o JOIN information_system s ON s.id = o.system_id WHERE {DUE} \
         UNION SELECT o.id, s.designation || ' ' || s.name, o.next_review, w.user_id \
         FROM classification_object o JOIN information_system s ON s.id = o.system_id \
         JOIN information_system_owner w ON w.system_id = s.id WHERE {DUE} \
         UNION SELECT o.id, o.name, o.next_review, o.owner_id FROM classification_object o \
         WHERE o.asset_id IS NULL AND o.system_id IS NULL AND {DUE} \
         ) x JOIN app_user u ON u.id = x.owner_id \
         WHERE u.organisation_id = $1 AND u.active = TRUE ORDER BY u.id, x.next_review, x.object_id"
    );
    let rows = read!(db, fetch_all, ReviewRow, &sql, organisation_id, today)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            row.recipient.remind(
                ReminderKind::ClassificationReview,
                row.subject_name,
                Some(row.next_review),
                format!("/classification/{}", row.object_id),
            )
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct MeasureRow {
    #[sqlx(flatten)]
    recipient: Recipient,
    measure_id: i64,
    subject_name: String,
    planned_on: NaiveDate,
}

/// Measures past their planned date and not done, to the person responsible.
async fn late_measures(db: &Db, organisation_id: i64, today: NaiveDate) -> Result<Vec<Reminder>> {
    let rows = read!(
        db,
        fetch_all,
        MeasureRow,
        "SELECT u.id AS user_id, u.email, u.display_name, u.locale, m.id AS measure_id, \
         m.designation || ' ' || m.title AS subject_name, m.planned_on FROM measure m \
         JOIN app_user u ON u.id = m.responsible_id \
         WHERE m.organisation_id = $1 AND m.done_on IS NULL AND m.planned_on < $2 \
         AND u.organisation_id = $1 AND u.active = TRUE ORDER BY u.id, m.planned_on, m.id",
        organisation_id,
        today
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            row.recipient.remind(
                ReminderKind::MeasureLate,
                row.subject_name,
                Some(row.planned_on),
                format!("/risks/measures/{}", row.measure_id),
            )
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct RenewalRow {
    #[sqlx(flatten)]
    recipient: Recipient,
    analysis_id: i64,
    subject_name: String,
    next_renewal: NaiveDate,
}

/// Risk analyses past their yearly renewal, to the coordinators of the whole
/// organisation and the information owners of the systems the analysis covers.
async fn analysis_renewals(
    db: &Db,
    organisation_id: i64,
    today: NaiveDate,
) -> Result<Vec<Reminder>> {
    let rows = read!(
        db,
        fetch_all,
        RenewalRow,
        "SELECT u.id AS user_id, u.email, u.display_name, u.locale, x.analysis_id, x.subject_name, x.next_renewal FROM ( \
         SELECT a.id AS analysis_id, a.designation || ' ' || a.title AS subject_name, a.next_renewal, r.user_id \
         FROM risk_analysis a JOIN role_assignment r ON r.organisation_id = a.organisation_id AND r.unit_id IS NULL \
         AND r.role = $3 WHERE a.organisation_id = $1 AND a.next_renewal < $2 \
         UNION SELECT a.id, a.designation || ' ' || a.title, a.next_renewal, w.user_id FROM risk_analysis a \
         JOIN risk_analysis_system x ON x.analysis_id = a.id JOIN information_system_owner w ON w.system_id = x.system_id \
         WHERE a.organisation_id = $1 AND a.next_renewal < $2 \
         ) x JOIN app_user u ON u.id = x.user_id \
         WHERE u.organisation_id = $1 AND u.active = TRUE ORDER BY u.id, x.next_renewal, x.analysis_id",
        organisation_id,
        today,
        Role::Coordinator.as_str()
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            row.recipient.remind(
                ReminderKind::RiskAnalysisRenewal,
                row.subject_name,
                Some(row.next_renewal),
                format!("/risks/analyses/{}", row.analysis_id),
            )
        })
        .collect())
}

#[derive(sqlx::FromRow)]
struct DocumentReviewRow {
    #[sqlx(flatten)]
    recipient: Recipient,
    document_id: i64,
    title: String,
    next_review: NaiveDate,
}

/// Governing documents in force due for review soon or overdue, to their owners.
async fn document_reviews(
    db: &Db,
    organisation_id: i64,
    today: NaiveDate,
) -> Result<Vec<Reminder>> {
    let horizon = today + Days::new(DOCUMENT_REVIEW_NOTICE_DAYS);
    let rows = read!(
        db,
        fetch_all,
        DocumentReviewRow,
        "SELECT u.id AS user_id, u.email, u.display_name, u.locale, d.id AS document_id, d.title, d.next_review \
         FROM governing_document d JOIN app_user u ON u.id = d.owner_id \
         WHERE d.organisation_id = $1 AND d.status = 'approved' AND d.next_review <= $2 AND u.active = TRUE \
         ORDER BY u.id, d.next_review, d.id",
        organisation_id,
        horizon
    )?;
    Ok(rows
        .into_iter()
        .map(|row| {
            row.recipient.remind(
                ReminderKind::DocumentReview,
                row.title,
                Some(row.next_review),
                format!("/governance/documents/{}", row.document_id),
            )
        })
        .collect())
}
