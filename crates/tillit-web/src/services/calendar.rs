//! The annual cycle (C35) for the pages, the API and the calendar feed.
//!
//! The calendar is the union of its [`Source`]s. To add one, add a variant to [`Source`], list it in [`Source::ALL`] and give it an
//! arm in [`Source::collect`]; everything else (pages, API, feed) follows.

use std::sync::LazyLock;

use axum::body::Bytes;

use chrono::{DateTime, Days, NaiveDate, Utc};
use tillit_domain::auth::{Action, Grants};
use tillit_domain::calendar::{
    ical, CycleContent, CycleContentError, DutyInput, DutyKind, Occurrence,
};
use tillit_domain::users::Language;
use tillit_store::calendar::{self as store, Duty, FeedAccess};
use tillit_store::{documents, Db};

use crate::auth::secrets::{random_token, token_hash};
use crate::auth::Principal;
use crate::error::AppError;
use crate::i18n::I18n;
use crate::state::AppState;

static CONTENT: LazyLock<Result<CycleContent, CycleContentError>> =
    LazyLock::new(CycleContent::builtin);

pub fn content() -> Result<&'static CycleContent, AppError> {
    CONTENT.as_ref().map_err(AppError::internal)
}

pub use crate::services::maturity::today;

/// Which duties to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarQuery {
    pub from: NaiveDate,
    pub to: NaiveDate,
    /// Only this user's duties.
    pub owner_id: Option<i64>,
    /// With an owner filter, also the duties nobody owns (the organisation's own
    /// points: management reviews, the annual report, the register confirmation).
    pub include_unowned: bool,
    pub kind: Option<DutyKind>,
}

/// A window longer than this is refused: a calendar is read a year or two at a time.
pub const MAX_DAYS: i64 = 3 * 366;

impl CalendarQuery {
    pub fn check(&self) -> Result<(), AppError> {
        if self.to < self.from {
            return Err(AppError::invalid("to", "out-of-range"));
        }
        if (self.to - self.from).num_days() > MAX_DAYS {
            return Err(AppError::invalid("to", "out-of-range"));
        }
        Ok(())
    }

    fn wants(&self, kinds: &[DutyKind]) -> bool {
        self.kind.is_none_or(|k| kinds.contains(&k))
    }

    fn keeps(&self, occurrence: &Occurrence) -> bool {
        let owner_ok = match (self.owner_id, occurrence.owner_id) {
            (None, _) => true,
            (Some(owner), Some(of)) => owner == of,
            (Some(_), None) => self.include_unowned,
        };
        owner_ok && self.kind.is_none_or(|k| k == occurrence.kind)
    }
}

/// Where the calendar's duties come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    RegisterConfirmation,
    RiskRenewals,
    MeasureFollowUps,
    FixedPoints,
    DocumentReviews,
    OwnDuties,
}

impl Source {
    pub const ALL: [Source; 6] = [
        Source::RegisterConfirmation,
        Source::RiskRenewals,
        Source::MeasureFollowUps,
        Source::FixedPoints,
        Source::DocumentReviews,
        Source::OwnDuties,
    ];

    fn kinds(self) -> &'static [DutyKind] {
        match self {
            Source::RegisterConfirmation => &[DutyKind::RegisterConfirmation],
            Source::RiskRenewals => &[DutyKind::RiskRenewal],
            Source::MeasureFollowUps => &[DutyKind::MeasureFollowUp],
            Source::FixedPoints => &[DutyKind::ManagementReview, DutyKind::AnnualReport],
            Source::DocumentReviews => &[DutyKind::DocumentReview],
            Source::OwnDuties => &DutyKind::OWN,
        }
    }

    async fn collect(
        self,
        db: &Db,
        organisation_id: i64,
        language: Language,
        query: &CalendarQuery,
        today: NaiveDate,
    ) -> Result<Vec<Occurrence>, AppError> {
        let (from, to) = (query.from, query.to);
        Ok(match self {
            Source::RegisterConfirmation => {
                let due_on = store::register_confirmation_due(db, organisation_id, today).await?;
                let key = Occurrence::new_key("register", organisation_id, due_on);
                (due_on >= from && due_on <= to)
                    .then(|| Occurrence {
                        kind: DutyKind::RegisterConfirmation,
                        key,
                        title: String::new(),
                        description: String::new(),
                        due_on,
                        owner_id: None,
                        owner_name: None,
                        unit_id: None,
                        path: "/register".to_owned(),
                    })
                    .into_iter()
                    .collect()
            }
            Source::RiskRenewals => store::risk_renewals(db, organisation_id, from, to).await?,
            Source::MeasureFollowUps => {
                store::measures_due(db, organisation_id, from, to, query.owner_id).await?
            }
            Source::FixedPoints => content()?
                .fixed()
                .iter()
                .flat_map(|fixed| {
                    fixed
                        .dates(from, to)
                        .into_iter()
                        .map(move |due_on| Occurrence {
                            kind: fixed.kind,
                            key: format!("{}-{organisation_id}-{due_on}", fixed.kind.as_str()),
                            title: fixed.title.in_language(language).to_owned(),
                            description: fixed.description.in_language(language).to_owned(),
                            due_on,
                            owner_id: None,
                            owner_name: None,
                            unit_id: None,
                            path: "/governance/calendar".to_owned(),
                        })
                })
                .collect(),
            Source::DocumentReviews => documents::review_dates(db, organisation_id, from, to)
                .await?
                .into_iter()
                .map(|review| Occurrence {
                    kind: DutyKind::DocumentReview,
                    key: Occurrence::new_key("document", review.document_id, review.due),
                    title: review.title,
                    description: String::new(),
                    due_on: review.due,
                    owner_id: Some(review.owner_id),
                    owner_name: Some(review.owner_name),
                    unit_id: review.unit_id,
                    path: format!("/governance/documents/{}", review.document_id),
                })
                .collect(),
            Source::OwnDuties => {
                let duties = store::duties(db, organisation_id, None).await?;
                store::own_occurrences(&duties, from, to)
            }
        })
    }
}

/// Every duty of the organisation that `query` asks for, by date.
pub async fn occurrences_for(
    db: &Db,
    organisation_id: i64,
    language: Language,
    query: &CalendarQuery,
) -> Result<Vec<Occurrence>, AppError> {
    query.check()?;
    let today = today();
    let mut all = Vec::new();
    for source in Source::ALL {
        if query.wants(source.kinds()) {
            let found = source
                .collect(db, organisation_id, language, query, today)
                .await?;
            all.extend(found.into_iter().filter(|o| query.keeps(o)));
        }
    }
    all.sort_by(|a, b| {
        (a.due_on, a.kind, &a.title, &a.key).cmp(&(b.due_on, b.kind, &b.title, &b.key))
    });
    Ok(all)
}

pub async fn occurrences(
    state: &AppState,
    principal: &Principal,
    language: Language,
    query: &CalendarQuery,
) -> Result<Vec<Occurrence>, AppError> {
    principal.require(Action::ViewCalendar)?;
    occurrences_for(&state.db, principal.organisation_id, language, query).await
}

/// The name of each kind of duty in `language`.
fn kind_labels(i18n: &I18n, language: Language) -> Vec<(DutyKind, String)> {
    DutyKind::ALL
        .iter()
        .map(|k| {
            let id = format!("calendar-kind-{}", k.as_str().replace('_', "-"));
            (*k, i18n.text(language, &id))
        })
        .collect()
}

fn summary_with(labels: &[(DutyKind, String)], occurrence: &Occurrence) -> String {
    let kind = labels
        .iter()
        .find(|(k, _)| *k == occurrence.kind)
        .map(|(_, label)| label.as_str())
        .unwrap_or_default();
    match occurrence.kind {
        DutyKind::ManagementReview | DutyKind::AnnualReport => occurrence.title.clone(),
        DutyKind::RegisterConfirmation => kind.to_owned(),
        _ => format!("{kind}: {}", occurrence.title),
    }
}

/// The heading of a duty as a person reads it: its type, and what it is about.
pub fn summary(i18n: &I18n, language: Language, occurrence: &Occurrence) -> String {
    summary_with(&kind_labels(i18n, language), occurrence)
}

pub async fn duties(state: &AppState, principal: &Principal) -> Result<Vec<Duty>, AppError> {
    principal.require(Action::ViewCalendar)?;
    Ok(store::duties(&state.db, principal.organisation_id, None).await?)
}

pub async fn duty(state: &AppState, principal: &Principal, id: i64) -> Result<Duty, AppError> {
    principal.require(Action::ViewCalendar)?;
    Ok(store::duty(&state.db, principal.organisation_id, id).await?)
}

pub async fn create_duty(
    state: &AppState,
    principal: &Principal,
    input: &DutyInput<'_>,
) -> Result<Duty, AppError> {
    principal.require_everywhere(Action::ManageCalendar)?;
    let draft = input.validate(today(), None)?;
    Ok(store::create_duty(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?)
}

pub async fn update_duty(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    input: &DutyInput<'_>,
) -> Result<Duty, AppError> {
    principal.require_everywhere(Action::ManageCalendar)?;
    let current = store::duty(&state.db, principal.organisation_id, id).await?;
    let draft = input.validate(today(), Some(current.next_due))?;
    Ok(store::update_duty(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        &draft,
    )
    .await?)
}

pub async fn mark_done(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
) -> Result<Duty, AppError> {
    principal.require_everywhere(Action::ManageCalendar)?;
    Ok(store::mark_done(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
    )
    .await?)
}

pub async fn delete_duty(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
) -> Result<(), AppError> {
    principal.require_everywhere(Action::ManageCalendar)?;
    Ok(store::delete_duty(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
    )
    .await?)
}

/// A new personal feed token, replacing the old one; shown once, only its hash kept.
pub async fn new_feed_token(state: &AppState, principal: &Principal) -> Result<String, AppError> {
    principal.require(Action::ViewCalendar)?;
    let token = random_token();
    store::create_feed_token(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        principal.user_id,
        &token_hash(&token),
    )
    .await?;
    Ok(token)
}

pub async fn revoke_feed_token(state: &AppState, principal: &Principal) -> Result<(), AppError> {
    principal.require(Action::ViewCalendar)?;
    Ok(store::revoke_feed_token(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        principal.user_id,
    )
    .await?)
}

pub async fn feed_token_created(
    state: &AppState,
    principal: &Principal,
) -> Result<Option<DateTime<Utc>>, AppError> {
    Ok(store::feed_token_created(&state.db, principal.user_id).await?)
}

/// The window a calendar feed covers: a month back and a year ahead.
pub fn feed_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        today.checked_sub_days(Days::new(31)).unwrap_or(today),
        today.checked_add_days(Days::new(366)).unwrap_or(today),
    )
}

/// One user's calendar feed as asked for: their own duties, and for those who run the
/// programme the organisation's unowned points too.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FeedRequest {
    pub organisation_id: i64,
    pub user_id: i64,
    pub include_unowned: bool,
    pub language: Language,
    /// The calendar's name as the client shows it.
    pub name: String,
    /// Makes the links absolute.
    pub base_url: String,
}

impl FeedRequest {
    pub fn new(
        organisation_id: i64,
        user_id: i64,
        grants: &Grants,
        language: Language,
        name: String,
        base_url: String,
    ) -> Self {
        Self {
            organisation_id,
            user_id,
            include_unowned: grants.allows_everywhere(Action::ManageCalendar),
            language,
            name,
            base_url,
        }
    }

    fn query(&self, today: NaiveDate) -> CalendarQuery {
        let (from, to) = feed_window(today);
        CalendarQuery {
            from,
            to,
            owner_id: Some(self.user_id),
            include_unowned: self.include_unowned,
            kind: None,
        }
    }
}

/// The feed as iCalendar text, made anew only when the organisation's audit trail has
/// moved from `audit_head` or the day has turned (ADR 0008): calendar clients poll often.
pub async fn feed(
    state: &AppState,
    audit_head: i64,
    request: FeedRequest,
) -> Result<Bytes, AppError> {
    let text = state
        .calendar_feeds
        .get(audit_head, request.clone(), || async move {
            let query = request.query(today());
            let found =
                occurrences_for(&state.db, request.organisation_id, request.language, &query)
                    .await?;
            Ok(Bytes::from(ics(
                &state.i18n,
                request.language,
                &request.name,
                &found,
                &request.base_url,
            )))
        })
        .await?;
    Ok(Bytes::clone(&text))
}

/// The user behind a feed token, if the token is live and the user may read the calendar.
pub async fn feed_access(state: &AppState, token: &str) -> Result<Option<FeedAccess>, AppError> {
    let Some(access) = store::feed_access(&state.db, &token_hash(token)).await? else {
        return Ok(None);
    };
    let grants = Grants::new(access.assignments.clone());
    Ok(grants
        .allows_somewhere(Action::ViewCalendar)
        .then_some(access))
}

/// The calendar as iCalendar text; `base_url` makes the links absolute.
fn ics(
    i18n: &I18n,
    language: Language,
    name: &str,
    occurrences: &[Occurrence],
    base_url: &str,
) -> String {
    let labels = kind_labels(i18n, language);
    let rows: Vec<(String, String, String)> = occurrences
        .iter()
        .map(|o| {
            (
                format!("{}@tillit", o.key),
                summary_with(&labels, o),
                format!("{base_url}{}", o.path),
            )
        })
        .collect();
    let entries = occurrences
        .iter()
        .zip(&rows)
        .map(|(o, (uid, summary, url))| ical::Entry {
            uid,
            summary,
            description: &o.description,
            due_on: o.due_on,
            url,
        });
    ical::calendar(name, entries, tillit_store::now())
}
