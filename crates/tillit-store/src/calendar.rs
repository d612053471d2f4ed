//! The annual cycle's data: the organisation's own recurring duties, the due dates the
//! registers and the action plan already hold, and the personal calendar feed tokens.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::calendar::{DutyDraft, DutyKind, Occurrence, Recurrence};
use tillit_domain::registers::CONFIRMATION_INTERVAL_DAYS;
use tillit_domain::users::Language;
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::reminders::{Reminder, ReminderKind};
use crate::{now, Actor};

/// An own recurring duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Duty {
    pub id: i64,
    pub title: String,
    pub description: String,
    pub kind: DutyKind,
    pub recurrence: Recurrence,
    pub next_due: NaiveDate,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    pub reminder_days: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[derive(sqlx::FromRow)]
struct DutyRow {
    id: i64,
    title: String,
    description: String,
    kind: String,
    recurrence: String,
    next_due: NaiveDate,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    unit_id: Option<i64>,
    unit_name: Option<String>,
    reminder_days: i64,
    version: i64,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

impl DutyRow {
    fn into_duty(self) -> Duty {
        Duty {
            id: self.id,
            title: self.title,
            description: self.description,
            kind: DutyKind::parse(&self.kind).unwrap_or(DutyKind::OtherDuty),
            recurrence: Recurrence::parse(&self.recurrence).unwrap_or(Recurrence::Yearly),
            next_due: self.next_due,
            owner_id: self.owner_id,
            owner_name: self.owner_name,
            unit_id: self.unit_id,
            unit_name: self.unit_name,
            reminder_days: self.reminder_days,
            version: self.version,
            created_at: self.created_at,
            updated_at: self.updated_at,
        }
    }
}

const SELECT_DUTY: &str = "SELECT d.id, d.title, d.description, d.kind, d.recurrence, d.next_due, d.owner_id, \
    w.display_name AS owner_name, d.unit_id, u.name AS unit_name, d.reminder_days, d.version, d.created_at, d.updated_at \
    FROM calendar_duty d LEFT JOIN app_user w ON w.id = d.owner_id LEFT JOIN org_unit u ON u.id = d.unit_id";

/// Refuses an owner or unit that is not the organisation's.
async fn check_references(tx: &mut Tx, organisation_id: i64, draft: &DutyDraft) -> Result<()> {
    let mut errors = ValidationErrors::new();
    if let Some(owner) = draft.owner_id {
        let found = in_tx_scalar!(
            &mut *tx,
            fetch_optional,
            i64,
            "SELECT id FROM app_user WHERE id = $1 AND organisation_id = $2",
            owner,
            organisation_id
        )?;
        if found.is_none() {
            errors.add("owner_id", "unknown-reference");
        }
    }
    if let Some(unit) = draft.unit_id {
        let found = in_tx_scalar!(
            &mut *tx,
            fetch_optional,
            i64,
            "SELECT id FROM org_unit WHERE id = $1 AND organisation_id = $2",
            unit,
            organisation_id
        )?;
        if found.is_none() {
            errors.add("unit_id", "unknown-reference");
        }
    }
    Ok(errors.finish(())?)
}

async fn duty_in(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Duty> {
    let sql = format!("{SELECT_DUTY} WHERE d.id = $1 AND d.organisation_id = $2");
    Ok(
        in_tx!(tx, fetch_optional, DutyRow, &sql, id, organisation_id)?
            .ok_or(StoreError::NotFound)?
            .into_duty(),
    )
}

pub async fn create_duty(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &DutyDraft,
) -> Result<Duty> {
    let at = now();
    let mut tx = db.begin().await?;
    check_references(&mut tx, organisation_id, draft).await?;
    let id = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "INSERT INTO calendar_duty (organisation_id, title, description, kind, recurrence, next_due, owner_id, unit_id, \
         reminder_days, version, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 1, $10, $10) RETURNING id",
        organisation_id,
        draft.title.as_str(),
        draft.description.as_str(),
        draft.kind.as_str(),
        draft.recurrence.as_str(),
        draft.next_due,
        draft.owner_id,
        draft.unit_id,
        draft.reminder_days,
        at
    )?;
    let created = duty_in(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "calendar_duty", id).after(&created),
    )
    .await?;
    tx.commit().await?;
    Ok(created)
}

pub async fn duty(db: &Db, organisation_id: i64, id: i64) -> Result<Duty> {
    let sql = format!("{SELECT_DUTY} WHERE d.id = $1 AND d.organisation_id = $2");
    Ok(
        read!(db, fetch_optional, DutyRow, &sql, id, organisation_id)?
            .ok_or(StoreError::NotFound)?
            .into_duty(),
    )
}

/// The organisation's own duties, soonest first; only `owner_id`'s when given.
pub async fn duties(db: &Db, organisation_id: i64, owner_id: Option<i64>) -> Result<Vec<Duty>> {
    let rows = match owner_id {
        None => {
            let sql =
                format!("{SELECT_DUTY} WHERE d.organisation_id = $1 ORDER BY d.next_due, d.id");
            read!(db, fetch_all, DutyRow, &sql, organisation_id)?
        }
        Some(owner) => {
            let sql = format!(
                "{SELECT_DUTY} WHERE d.organisation_id = $1 AND d.owner_id = $2 ORDER BY d.next_due, d.id"
            );
            read!(db, fetch_all, DutyRow, &sql, organisation_id, owner)?
        }
    };
    Ok(rows.into_iter().map(DutyRow::into_duty).collect())
}

pub async fn update_duty(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    draft: &DutyDraft,
) -> Result<Duty> {
    let mut tx = db.begin().await?;
    let before = duty_in(&mut tx, organisation_id, id).await?;
    check_references(&mut tx, organisation_id, draft).await?;
    let changed = exec_tx!(
        &mut tx,
        "UPDATE calendar_duty SET title = $1, description = $2, kind = $3, recurrence = $4, next_due = $5, owner_id = $6, \
         unit_id = $7, reminder_days = $8, version = version + 1, updated_at = $9 \
         WHERE id = $10 AND organisation_id = $11 AND version = $12",
        draft.title.as_str(),
        draft.description.as_str(),
        draft.kind.as_str(),
        draft.recurrence.as_str(),
        draft.next_due,
        draft.owner_id,
        draft.unit_id,
        draft.reminder_days,
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = duty_in(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "calendar_duty", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Records that the duty was done for its current due date: the next date follows by its
/// recurrence.
pub async fn mark_done(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<Duty> {
    let mut tx = db.begin().await?;
    let before = duty_in(&mut tx, organisation_id, id).await?;
    let next = before
        .recurrence
        .next_after(before.next_due, before.next_due.day());
    let changed = exec_tx!(
        &mut tx,
        "UPDATE calendar_duty SET next_due = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND organisation_id = $4 AND version = $5",
        next,
        now(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = duty_in(&mut tx, organisation_id, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "done", "calendar_duty", id)
            .before(&before)
            .after(&after),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

pub async fn delete_duty(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    let before = duty_in(&mut tx, organisation_id, id).await?;
    let removed = exec_tx!(
        &mut tx,
        "DELETE FROM calendar_duty WHERE id = $1 AND organisation_id = $2 AND version = $3",
        id,
        organisation_id,
        expected_version
    )?;
    if removed == 0 {
        return Err(StoreError::Conflict);
    }
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "delete", "calendar_duty", id).before(&before),
    )
    .await?;
    tx.commit().await
}

/// The own duties' dates within `from..=to`.
pub fn own_occurrences(duties: &[Duty], from: NaiveDate, to: NaiveDate) -> Vec<Occurrence> {
    duties
        .iter()
        .flat_map(|duty| {
            duty.recurrence
                .occurrences(duty.next_due, from, to)
                .into_iter()
                .map(move |due_on| Occurrence {
                    kind: duty.kind,
                    key: Occurrence::new_key("duty", duty.id, due_on),
                    title: duty.title.clone(),
                    description: duty.description.clone(),
                    due_on,
                    owner_id: duty.owner_id,
                    owner_name: duty.owner_name.clone(),
                    unit_id: duty.unit_id,
                    path: format!("/governance/calendar/duties/{}", duty.id),
                })
        })
        .collect()
}

/// When the register's yearly confirmation is next due: a year after the latest, or
/// today when it was never confirmed.
pub async fn register_confirmation_due(
    db: &Db,
    organisation_id: i64,
    today: NaiveDate,
) -> Result<NaiveDate> {
    let last = read_scalar!(
        db,
        fetch_one,
        Option<DateTime<Utc>>,
        "SELECT MAX(confirmed_at) FROM register_confirmation WHERE organisation_id = $1",
        organisation_id
    )?;
    Ok(last
        .map(|at| at.date_naive())
        .and_then(|date| {
            date.checked_add_signed(chrono::Duration::days(CONFIRMATION_INTERVAL_DAYS))
        })
        .unwrap_or(today))
}

#[derive(sqlx::FromRow)]
struct DatedRow {
    id: i64,
    subject: String,
    due_on: NaiveDate,
    owner_id: Option<i64>,
    owner_name: Option<String>,
    unit_id: Option<i64>,
}

/// Approved risk analyses whose yearly renewal falls within `from..=to`.
pub async fn risk_renewals(
    db: &Db,
    organisation_id: i64,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<Occurrence>> {
    let rows = read!(
        db,
        fetch_all,
        DatedRow,
        "SELECT a.id, a.designation || ' ' || a.title AS subject, a.next_renewal AS due_on, \
         CAST(NULL AS BIGINT) AS owner_id, CAST(NULL AS TEXT) AS owner_name, a.unit_id FROM risk_analysis a \
         WHERE a.organisation_id = $1 AND a.next_renewal >= $2 AND a.next_renewal <= $3 ORDER BY a.next_renewal, a.id",
        organisation_id,
        from,
        to
    )?;
    Ok(dated(
        rows,
        DutyKind::RiskRenewal,
        "risk-analysis",
        "/risks/analyses",
    ))
}

/// Measures not done whose planned date falls within `from..=to`; only `owner_id`'s
/// when given.
pub async fn measures_due(
    db: &Db,
    organisation_id: i64,
    from: NaiveDate,
    to: NaiveDate,
    owner_id: Option<i64>,
) -> Result<Vec<Occurrence>> {
    const COLUMNS: &str = "SELECT m.id, m.designation || ' ' || m.title AS subject, m.planned_on AS due_on, \
        m.responsible_id AS owner_id, u.display_name AS owner_name, CAST(NULL AS BIGINT) AS unit_id \
        FROM measure m JOIN app_user u ON u.id = m.responsible_id";
    let rows = match owner_id {
        None => {
            let sql = format!(
                "{COLUMNS} WHERE m.organisation_id = $1 AND m.done_on IS NULL AND m.planned_on >= $2 \
                 AND m.planned_on <= $3 ORDER BY m.planned_on, m.id"
            );
            read!(db, fetch_all, DatedRow, &sql, organisation_id, from, to)?
        }
        Some(owner) => {
            let sql = format!(
                "{COLUMNS} WHERE m.responsible_id = $4 AND m.done_on IS NULL AND m.organisation_id = $1 \
                 AND m.planned_on >= $2 AND m.planned_on <= $3 ORDER BY m.planned_on, m.id"
            );
            read!(
                db,
                fetch_all,
                DatedRow,
                &sql,
                organisation_id,
                from,
                to,
                owner
            )?
        }
    };
    Ok(dated(
        rows,
        DutyKind::MeasureFollowUp,
        "measure",
        "/risks/measures",
    ))
}

fn dated(rows: Vec<DatedRow>, kind: DutyKind, source: &str, base: &str) -> Vec<Occurrence> {
    rows.into_iter()
        .map(|row| Occurrence {
            kind,
            key: Occurrence::new_key(source, row.id, row.due_on),
            title: row.subject,
            description: String::new(),
            due_on: row.due_on,
            owner_id: row.owner_id,
            owner_name: row.owner_name,
            unit_id: row.unit_id,
            path: format!("{base}/{}", row.id),
        })
        .collect()
}

/// Replaces the user's feed token with a new one (only its hash is given and kept).
pub async fn create_feed_token(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
    token_hash: &str,
) -> Result<DateTime<Utc>> {
    let at = now();
    let mut tx = db.begin().await?;
    revoke_in(&mut tx, user_id, at).await?;
    let id = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "INSERT INTO calendar_feed_token (organisation_id, user_id, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        organisation_id,
        user_id,
        token_hash,
        at
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "calendar_feed_token", id)
            .after(&serde_json::json!({ "user_id": user_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(at)
}

async fn revoke_in(tx: &mut Tx, user_id: i64, at: DateTime<Utc>) -> Result<u64> {
    Ok(exec_tx!(
        tx,
        "UPDATE calendar_feed_token SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
        at,
        user_id
    )?)
}

/// Revokes the user's feed token; `NotFound` when there was none.
pub async fn revoke_feed_token(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    user_id: i64,
) -> Result<()> {
    let mut tx = db.begin().await?;
    if revoke_in(&mut tx, user_id, now()).await? == 0 {
        return Err(StoreError::NotFound);
    }
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "revoke",
            "calendar_feed_token",
            user_id,
        ),
    )
    .await?;
    tx.commit().await
}

/// When the user's live feed token was made, if there is one.
pub async fn feed_token_created(db: &Db, user_id: i64) -> Result<Option<DateTime<Utc>>> {
    Ok(read_scalar!(
        db,
        fetch_optional,
        DateTime<Utc>,
        "SELECT created_at FROM calendar_feed_token WHERE user_id = $1 AND revoked_at IS NULL",
        user_id
    )?)
}

/// The active user of an unsuspended organisation behind a live feed token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedAccess {
    pub user_id: i64,
    pub organisation_id: i64,
    pub organisation_name: String,
    pub language: Language,
    pub assignments: Vec<Assignment>,
    /// The organisation's latest audit sequence number, read with the token: a feed
    /// made at this position still holds while it stays (ADR 0008).
    pub audit_head: i64,
}

#[derive(sqlx::FromRow)]
struct FeedRow {
    user_id: i64,
    organisation_id: i64,
    organisation_name: String,
    locale: Option<String>,
    role: Option<String>,
    unit_id: Option<i64>,
    audit_head: i64,
}

pub async fn feed_access(db: &Db, token_hash: &str) -> Result<Option<FeedAccess>> {
    let rows = read!(
        db,
        fetch_all,
        FeedRow,
        "SELECT u.id AS user_id, u.organisation_id, o.name AS organisation_name, u.locale, r.role, r.unit_id, \
         (SELECT COALESCE(MAX(a.seq), 0) FROM audit_event a WHERE a.organisation_id = u.organisation_id) AS audit_head \
         FROM calendar_feed_token t JOIN app_user u ON u.id = t.user_id JOIN organisation o ON o.id = u.organisation_id \
         LEFT JOIN role_assignment r ON r.user_id = u.id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.active = TRUE AND o.suspended_at IS NULL",
        token_hash
    )?;
    Ok(rows.first().map(|first| FeedAccess {
        user_id: first.user_id,
        organisation_id: first.organisation_id,
        organisation_name: first.organisation_name.clone(),
        language: first
            .locale
            .as_deref()
            .and_then(Language::parse)
            .unwrap_or_default(),
        assignments: rows
            .iter()
            .filter_map(|row| {
                Some(Assignment {
                    role: Role::parse(row.role.as_deref()?)?,
                    unit_id: row.unit_id,
                })
            })
            .collect(),
        audit_head: first.audit_head,
    }))
}

#[derive(sqlx::FromRow)]
struct DutyReminderRow {
    user_id: i64,
    email: String,
    display_name: String,
    locale: Option<String>,
    duty_id: i64,
    kind: String,
    title: String,
    next_due: NaiveDate,
    reminder_days: i64,
}

/// Own duties due within their reminder days (or late), to their owner, or to the
/// coordinators of the whole organisation when nobody owns them.
pub(crate) async fn duty_reminders(
    db: &Db,
    organisation_id: i64,
    today: NaiveDate,
) -> Result<Vec<Reminder>> {
    let horizon = today.checked_add_days(Days::new(365)).unwrap_or(today);
    let rows = read!(
        db,
        fetch_all,
        DutyReminderRow,
        "SELECT u.id AS user_id, u.email, u.display_name, u.locale, d.id AS duty_id, d.kind, d.title, d.next_due, \
         d.reminder_days FROM calendar_duty d JOIN app_user u ON u.organisation_id = d.organisation_id \
         AND (u.id = d.owner_id OR (d.owner_id IS NULL AND EXISTS (SELECT 1 FROM role_assignment r \
         WHERE r.user_id = u.id AND r.organisation_id = d.organisation_id AND r.unit_id IS NULL AND r.role = $3))) \
         WHERE d.organisation_id = $1 AND d.next_due <= $2 AND u.active = TRUE ORDER BY u.id, d.next_due, d.id",
        organisation_id,
        horizon,
        Role::Coordinator.as_str()
    )?;
    Ok(rows
        .into_iter()
        .filter(|row| {
            row.next_due
                .checked_sub_days(Days::new(row.reminder_days.max(0).unsigned_abs()))
                .is_some_and(|from| from <= today)
        })
        .map(|row| Reminder {
            user_id: row.user_id,
            email: row.email,
            display_name: row.display_name,
            language: row
                .locale
                .as_deref()
                .and_then(Language::parse)
                .unwrap_or_default(),
            kind: ReminderKind::CalendarDuty {
                duty_kind: row.kind,
            },
            subject: row.title,
            due_on: Some(row.next_due),
            path: format!("/governance/calendar/duties/{}", row.duty_id),
        })
        .collect())
}
