//! Management reviews (ledningens genomgång): the review with its agenda items, the
//! decisions of the meeting, and what each decision became (a measure or a task).
//!
//! While a review is prepared its figures are counted live ([`figures`]); holding it
//! stores each item's figures as they were, and the database refuses any later change
//! of a held item.

mod decisions;
pub mod figures;

pub use decisions::{
    add_decision, add_decision_in, decision_to_measure, decision_to_measure_in, decision_to_task,
    decisions, get_decision, Decision, DECISION_TASK,
};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use tillit_domain::review::{ItemKey, ReviewDraft, ReviewStatus};
use tillit_domain::ValidationErrors;

use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::{now, Actor, Page};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Review {
    pub id: i64,
    pub organisation_id: i64,
    pub year: i64,
    /// `spring` or `autumn`.
    pub term: String,
    pub meeting_on: NaiveDate,
    pub participants: String,
    /// `prepared` or `held`.
    pub status: String,
    pub held_at: Option<DateTime<Utc>>,
    pub held_by_label: Option<String>,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Review {
    pub fn is_held(&self) -> bool {
        ReviewStatus::parse(&self.status) == Some(ReviewStatus::Held)
    }
}

/// One agenda item: its text, and once the review is held, its figures as they were
/// (JSON of [`figures::ItemFigures`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct ReviewItem {
    pub review_id: i64,
    pub item_key: String,
    pub body: String,
    pub figures: Option<String>,
}

impl ReviewItem {
    pub fn key(&self) -> Option<ItemKey> {
        ItemKey::parse(&self.item_key)
    }
}

const COLUMNS: &str =
    "id, organisation_id, year, term, meeting_on, participants, status, held_at, \
    held_by_label, version, created_at, updated_at";

fn refused(field: &str, code: &'static str) -> StoreError {
    StoreError::Invalid(ValidationErrors::single(field, code))
}

async fn review_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Review> {
    let sql =
        format!("SELECT {COLUMNS} FROM management_review WHERE id = $1 AND organisation_id = $2");
    in_tx!(&mut *tx, fetch_optional, Review, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

async fn items_tx(tx: &mut Tx, review_id: i64) -> Result<Vec<ReviewItem>> {
    let rows = in_tx!(
        &mut *tx,
        fetch_all,
        ReviewItem,
        "SELECT review_id, item_key, body, figures FROM management_review_item WHERE review_id = $1",
        review_id
    )?;
    Ok(in_agenda_order(rows))
}

fn in_agenda_order(mut items: Vec<ReviewItem>) -> Vec<ReviewItem> {
    items.sort_by_key(|item| item.key().map_or(usize::MAX, ItemKey::number));
    items
}

/// A review and its items, as the audit trail records it.
#[derive(Serialize)]
struct Recorded<'a> {
    review: &'a Review,
    items: &'a [ReviewItem],
}

/// Creates a prepared review with its eight items, each starting from `bodies` (the
/// text written from the live figures). One review per term and year.
pub async fn create_review(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    draft: &ReviewDraft,
    bodies: &[(ItemKey, String)],
) -> Result<Review> {
    let mut tx = db.begin().await?;
    let review = create_review_in(&mut tx, organisation_id, actor, draft, bodies, now()).await?;
    tx.commit().await?;
    Ok(review)
}

/// [`create_review`] inside the caller's transaction, created at `at`.
pub async fn create_review_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    draft: &ReviewDraft,
    bodies: &[(ItemKey, String)],
    at: DateTime<Utc>,
) -> Result<Review> {
    let id = in_tx_scalar!(
        &mut *tx,
        fetch_one,
        i64,
        "INSERT INTO management_review (organisation_id, year, term, meeting_on, participants, status, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, 'prepared', $6, $6) RETURNING id",
        organisation_id,
        i64::from(draft.year),
        draft.term.as_str(),
        draft.meeting_on,
        draft.participants.as_str(),
        at
    )
    .map_err(|e| StoreError::from(e).on_unique("management_review_term_key", "term"))?;
    for key in ItemKey::ALL {
        let body = bodies
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, body)| body.as_str());
        exec_tx!(
            &mut *tx,
            "INSERT INTO management_review_item (review_id, item_key, body) VALUES ($1, $2, $3)",
            id,
            key.as_str(),
            body
        )?;
    }
    let review = review_tx(tx, organisation_id, id).await?;
    let items = items_tx(tx, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "create", "management_review", id).after(&Recorded {
            review: &review,
            items: &items,
        }),
    )
    .await?;
    Ok(review)
}

pub async fn get_review(db: &Db, organisation_id: i64, id: i64) -> Result<Review> {
    let sql =
        format!("SELECT {COLUMNS} FROM management_review WHERE id = $1 AND organisation_id = $2");
    read!(db, fetch_optional, Review, &sql, id, organisation_id)?.ok_or(StoreError::NotFound)
}

/// The items of a review in agenda order.
pub async fn review_items(db: &Db, organisation_id: i64, id: i64) -> Result<Vec<ReviewItem>> {
    let rows = read!(
        db,
        fetch_all,
        ReviewItem,
        "SELECT i.review_id, i.item_key, i.body, i.figures FROM management_review_item i \
         JOIN management_review r ON r.id = i.review_id WHERE i.review_id = $1 AND r.organisation_id = $2",
        id,
        organisation_id
    )?;
    Ok(in_agenda_order(rows))
}

/// The organisation's reviews, the latest meeting first.
pub async fn list_reviews(
    db: &Db,
    organisation_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Page<Review>> {
    let sql = format!(
        "SELECT {COLUMNS} FROM management_review WHERE organisation_id = $1 \
         ORDER BY meeting_on DESC, id DESC LIMIT $2 OFFSET $3"
    );
    let items = read!(db, fetch_all, Review, &sql, organisation_id, limit, offset)?;
    let total = read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT COUNT(*) FROM management_review WHERE organisation_id = $1",
        organisation_id
    )?;
    Ok(Page { items, total })
}

/// The meeting day of the review before this one, from which its figures count.
pub async fn previous_meeting(
    db: &Db,
    organisation_id: i64,
    before: NaiveDate,
) -> Result<Option<NaiveDate>> {
    Ok(read_scalar!(
        db,
        fetch_optional,
        NaiveDate,
        "SELECT meeting_on FROM management_review WHERE organisation_id = $1 AND meeting_on < $2 \
         ORDER BY meeting_on DESC LIMIT 1",
        organisation_id,
        before
    )?)
}

/// What an edit of a prepared review changes.
#[derive(Debug, Clone)]
pub struct ReviewEdit<'a> {
    pub expected_version: i64,
    pub participants: &'a str,
    /// New texts of the items that change; the others keep theirs.
    pub bodies: &'a [(ItemKey, String)],
}

/// Changes the participants and item texts of a prepared review at the version the user
/// saw. A held review is refused on `status`.
pub async fn update_review(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    edit: &ReviewEdit<'_>,
) -> Result<Review> {
    let mut tx = db.begin().await?;
    let before = review_tx(&mut tx, organisation_id, id).await?;
    if before.version != edit.expected_version {
        return Err(StoreError::Conflict);
    }
    if before.is_held() {
        return Err(refused("status", "review-held"));
    }
    let items_before = items_tx(&mut tx, id).await?;
    for (key, body) in edit.bodies {
        exec_tx!(
            &mut tx,
            "UPDATE management_review_item SET body = $1 WHERE review_id = $2 AND item_key = $3",
            body.as_str(),
            id,
            key.as_str()
        )?;
    }
    let changed = exec_tx!(
        &mut tx,
        "UPDATE management_review SET participants = $1, version = version + 1, updated_at = $2 \
         WHERE id = $3 AND organisation_id = $4 AND version = $5",
        edit.participants,
        now(),
        id,
        organisation_id,
        edit.expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = review_tx(&mut tx, organisation_id, id).await?;
    let items_after = items_tx(&mut tx, id).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "update", "management_review", id)
            .before(&Recorded {
                review: &before,
                items: &items_before,
            })
            .after(&Recorded {
                review: &after,
                items: &items_after,
            }),
    )
    .await?;
    tx.commit().await?;
    Ok(after)
}

/// Marks a prepared review held at the version the user saw, storing each item's
/// `figures` (JSON) as they were: from then on the items are frozen.
pub async fn hold_review(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    figures: &[(ItemKey, String)],
) -> Result<Review> {
    let mut tx = db.begin().await?;
    let review = hold_review_in(
        &mut tx,
        organisation_id,
        actor,
        id,
        expected_version,
        figures,
        now(),
    )
    .await?;
    tx.commit().await?;
    Ok(review)
}

/// [`hold_review`] inside the caller's transaction, held at `at`.
pub async fn hold_review_in(
    tx: &mut Tx,
    organisation_id: i64,
    actor: &Actor,
    id: i64,
    expected_version: i64,
    figures: &[(ItemKey, String)],
    at: DateTime<Utc>,
) -> Result<Review> {
    let before = review_tx(tx, organisation_id, id).await?;
    if before.version != expected_version {
        return Err(StoreError::Conflict);
    }
    if before.is_held() {
        return Err(refused("status", "review-held"));
    }
    for key in ItemKey::ALL {
        let json = figures
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("{}", |(_, json)| json.as_str());
        exec_tx!(
            &mut *tx,
            "UPDATE management_review_item SET figures = $1 WHERE review_id = $2 AND item_key = $3",
            json,
            id,
            key.as_str()
        )?;
    }
    let changed = exec_tx!(
        &mut *tx,
        "UPDATE management_review SET status = 'held', held_at = $1, held_by_label = $2, version = version + 1, \
         updated_at = $1 WHERE id = $3 AND organisation_id = $4 AND version = $5",
        at,
        actor.label.as_str(),
        id,
        organisation_id,
        expected_version
    )?;
    if changed == 0 {
        return Err(StoreError::Conflict);
    }
    let after = review_tx(tx, organisation_id, id).await?;
    let items = items_tx(tx, id).await?;
    audit::append(
        tx,
        actor,
        NewEvent::new(Some(organisation_id), "hold", "management_review", id)
            .before(&before)
            .after(&Recorded {
                review: &after,
                items: &items,
            }),
    )
    .await?;
    Ok(after)
}
