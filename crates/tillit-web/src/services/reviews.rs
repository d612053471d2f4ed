//! Management reviews (ledningens genomgång, C24): prepared from the live figures of the
//! whole organisation, edited, held (which freezes the items) and followed by the
//! decisions of the meeting, each of which may become a measure or a task.
//!
//! A review speaks for the whole organisation, so reading it needs ViewReviews for the
//! whole organisation and changing it ManageReviews for the whole organisation; turning
//! a decision into a measure also needs the right to plan measures there.

use chrono::{Datelike, NaiveDate};
use tillit_domain::auth::Action;
use tillit_domain::review::{DecisionInput, ItemKey, ReviewInput};
use tillit_domain::risk::{MeasureCategory, MeasureDraft, MeasureFunction, RiskLevel};
use tillit_domain::users::Language;
use tillit_store::reviews::figures::{self, ItemFigures, Period};
use tillit_store::reviews::{self as store, Decision, Review, ReviewEdit};
use tillit_store::risk::Measure;
use tillit_store::tasks::Task;
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::i18n::I18n;
use crate::services::risk::today;
use crate::state::AppState;

/// The longest measure title taken from a decision's text.
const MEASURE_TITLE_MAX: usize = 200;

fn require_view(principal: &Principal) -> Result<(), AppError> {
    principal.require_everywhere(Action::ViewReviews)
}

fn require_manage(principal: &Principal) -> Result<(), AppError> {
    principal.require_everywhere(Action::ManageReviews)
}

pub async fn list(
    state: &AppState,
    principal: &Principal,
    limit: i64,
    offset: i64,
) -> Result<Page<Review>, AppError> {
    require_view(principal)?;
    Ok(store::list_reviews(&state.db, principal.organisation_id, limit, offset).await?)
}

/// One agenda item as shown: its text and its figures (as held, or counted now).
#[derive(Debug, Clone)]
pub struct ItemView {
    pub key: ItemKey,
    pub body: String,
    pub figures: ItemFigures,
}

#[derive(Debug, Clone)]
pub struct ReviewDetail {
    pub review: Review,
    /// The period the figures count, from the previous review's meeting.
    pub period: Period,
    pub items: Vec<ItemView>,
    pub decisions: Vec<Decision>,
}

/// The period a review's figures count: from the previous review's meeting (or the
/// start of the year) to today.
async fn period_for(
    state: &AppState,
    organisation_id: i64,
    year: i64,
    meeting_on: NaiveDate,
) -> Result<Period, AppError> {
    let start_of_year = i32::try_from(year)
        .ok()
        .and_then(|y| NaiveDate::from_ymd_opt(y, 1, 1))
        .unwrap_or(meeting_on);
    let from = store::previous_meeting(&state.db, organisation_id, meeting_on)
        .await?
        .unwrap_or(start_of_year);
    Ok(Period {
        from,
        today: today(),
    })
}

/// Counts every item's figures for a review meeting on `meeting_on`.
pub async fn live_figures(
    state: &AppState,
    organisation_id: i64,
    period: &Period,
) -> Result<Vec<(ItemKey, ItemFigures)>, AppError> {
    Ok(figures::live_figures(&state.db, organisation_id, period).await?)
}

pub async fn detail(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<ReviewDetail, AppError> {
    require_view(principal)?;
    let organisation_id = principal.organisation_id;
    let review = store::get_review(&state.db, organisation_id, id).await?;
    let period = period_for(state, organisation_id, review.year, review.meeting_on).await?;
    let stored = store::review_items(&state.db, organisation_id, id).await?;
    let live = if review.is_held() {
        Vec::new()
    } else {
        live_figures(state, organisation_id, &period).await?
    };
    let mut items = Vec::with_capacity(stored.len());
    for item in stored {
        let Some(key) = item.key() else { continue };
        let figures = match &item.figures {
            Some(json) => serde_json::from_str(json).map_err(AppError::internal)?,
            None => live
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, f)| f.clone())
                .unwrap_or_default(),
        };
        items.push(ItemView {
            key,
            body: item.body,
            figures,
        });
    }
    let decisions = store::decisions(&state.db, organisation_id, id).await?;
    Ok(ReviewDetail {
        review,
        period,
        items,
        decisions,
    })
}

/// Prepares a review: every item starts with a text written from its live figures in
/// the language of the one who prepares it.
pub async fn create(
    state: &AppState,
    principal: &Principal,
    input: &ReviewInput<'_>,
    language: Language,
) -> Result<Review, AppError> {
    require_manage(principal)?;
    let draft = input.validate(today())?;
    let organisation_id = principal.organisation_id;
    let period = period_for(state, organisation_id, draft.year.into(), draft.meeting_on).await?;
    let live = live_figures(state, organisation_id, &period).await?;
    let bodies: Vec<(ItemKey, String)> = live
        .iter()
        .map(|(key, figures)| (*key, summary(&state.i18n, language, *key, &period, figures)))
        .collect();
    Ok(store::create_review(
        &state.db,
        organisation_id,
        &principal.actor(),
        &draft,
        &bodies,
    )
    .await?)
}

/// Changes the participants and item texts of a prepared review.
pub async fn update(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    participants: &str,
    bodies: &[(ItemKey, String)],
) -> Result<Review, AppError> {
    require_manage(principal)?;
    let mut errors = tillit_domain::ValidationErrors::new();
    let participants = tillit_domain::validation::optional_text(
        &mut errors,
        "participants",
        participants,
        tillit_domain::review::TEXT_MAX,
    );
    let bodies: Vec<(ItemKey, String)> = bodies
        .iter()
        .map(|(key, body)| {
            let field = format!("item_{}", key.as_str());
            let text = tillit_domain::validation::optional_text(
                &mut errors,
                &field,
                body,
                tillit_domain::review::TEXT_MAX,
            );
            (*key, text)
        })
        .collect();
    if !errors.is_empty() {
        return Err(errors.into());
    }
    Ok(store::update_review(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        &ReviewEdit {
            expected_version,
            participants: &participants,
            bodies: &bodies,
        },
    )
    .await?)
}

/// Marks the review held, freezing each item with the figures counted now.
pub async fn hold(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
) -> Result<Review, AppError> {
    require_manage(principal)?;
    let organisation_id = principal.organisation_id;
    let review = store::get_review(&state.db, organisation_id, id).await?;
    let period = period_for(state, organisation_id, review.year, review.meeting_on).await?;
    let mut frozen = Vec::new();
    for (key, figures) in live_figures(state, organisation_id, &period).await? {
        frozen.push((
            key,
            serde_json::to_string(&figures).map_err(AppError::internal)?,
        ));
    }
    Ok(store::hold_review(
        &state.db,
        organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &frozen,
    )
    .await?)
}

pub async fn add_decision(
    state: &AppState,
    principal: &Principal,
    review_id: i64,
    input: &DecisionInput<'_>,
) -> Result<Decision, AppError> {
    require_manage(principal)?;
    let draft = input.validate(today())?;
    Ok(store::add_decision(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        review_id,
        &draft,
    )
    .await?)
}

/// The decision of this review, or 404 when it belongs to another.
async fn decision_of(
    state: &AppState,
    principal: &Principal,
    review_id: i64,
    decision_id: i64,
) -> Result<(Review, Decision), AppError> {
    let organisation_id = principal.organisation_id;
    let review = store::get_review(&state.db, organisation_id, review_id).await?;
    let decision = store::get_decision(&state.db, organisation_id, decision_id).await?;
    if decision.review_id != review.id {
        return Err(AppError::NotFound);
    }
    Ok((review, decision))
}

/// The name of a review as people say it, e.g. "ledningens genomgång våren 2026".
pub fn review_name(i18n: &I18n, language: Language, review: &Review) -> String {
    i18n.text_with(
        language,
        &format!("review-name-{}", review.term),
        &[("year", review.year.to_string())],
    )
}

fn first_chars(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// Turns a decision into a measure of the action plan, owned by the decision's owner
/// and planned for its due date. It addresses no risk, so it belongs to the organisation.
pub async fn decision_to_measure(
    state: &AppState,
    principal: &Principal,
    review_id: i64,
    decision_id: i64,
    language: Language,
) -> Result<(Decision, Measure), AppError> {
    require_manage(principal)?;
    principal.require_everywhere(Action::ManageRisks)?;
    let (review, decision) = decision_of(state, principal, review_id, decision_id).await?;
    let method = crate::services::risk::method(state, principal).await?;
    let name = review_name(&state.i18n, language, &review);
    let title = first_chars(
        decision.text.lines().next().unwrap_or_default(),
        MEASURE_TITLE_MAX,
    );
    let draft = MeasureDraft {
        title,
        description: decision.text.clone(),
        reason: state.i18n.text_with(
            language,
            "review-measure-reason",
            &[("review", name), ("number", decision.number.to_string())],
        ),
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Preventive,
        risk_ids: Vec::new(),
        system_ids: Vec::new(),
        residual: None,
        responsible_id: decision.owner_id,
        planned_on: decision.due_on,
        done_on: None,
        done_note: String::new(),
        source: None,
    };
    Ok(store::decision_to_measure(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        decision.id,
        &draft,
        &method.matrix,
    )
    .await?)
}

/// Turns a decision into a task for its owner.
pub async fn decision_to_task(
    state: &AppState,
    principal: &Principal,
    review_id: i64,
    decision_id: i64,
) -> Result<(Decision, Task), AppError> {
    require_manage(principal)?;
    let (_, decision) = decision_of(state, principal, review_id, decision_id).await?;
    Ok(store::decision_to_task(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        decision.id,
    )
    .await?)
}

/// A figure's label in `language`: incident kinds and risk levels by their own names.
pub fn figure_label(i18n: &I18n, language: Language, code: &str) -> String {
    if let Some(category) = code.strip_prefix("incident-category:") {
        return i18n.text(
            language,
            &format!("incident-category-{}", category.replace('_', "-")),
        );
    }
    if let Some(level) = code.strip_prefix("risk-level:") {
        return level_label(language, level);
    }
    i18n.text(language, &format!("review-figure-{code}"))
}

/// A risk level's name from the risk content.
pub fn level_label(language: Language, level: &str) -> String {
    RiskLevel::parse(level)
        .and_then(|l| {
            crate::services::risk::content()
                .ok()
                .map(|c| c.level(l).label.in_language(language).to_owned())
        })
        .unwrap_or_else(|| level.to_owned())
}

fn value_of(figures: &ItemFigures, code: &str) -> i64 {
    figures
        .figures
        .iter()
        .find(|f| f.code == code)
        .map_or(0, |f| f.value)
}

/// The text an item starts with: its figures in a sentence or two.
pub fn summary(
    i18n: &I18n,
    language: Language,
    key: ItemKey,
    period: &Period,
    figures: &ItemFigures,
) -> String {
    let v = |code: &str| value_of(figures, code).to_string();
    let text = |id: &str, args: &[(&str, String)]| i18n.text_with(language, id, args);
    match key {
        ItemKey::World => {
            let kinds = figures
                .figures
                .iter()
                .filter(|f| f.code.starts_with("incident-category:"))
                .map(|f| {
                    format!(
                        "{} {}",
                        figure_label(i18n, language, &f.code).to_lowercase(),
                        f.value
                    )
                })
                .collect::<Vec<_>>()
                .join(", ");
            let mut out = text(
                "review-summary-world",
                &[
                    ("from", period.from.to_string()),
                    ("count", v("incidents")),
                    ("breaches", v("breaches-registered")),
                ],
            );
            if !kinds.is_empty() {
                out.push(' ');
                out.push_str(&text("review-summary-world-kinds", &[("kinds", kinds)]));
            }
            out
        }
        ItemKey::Goals => text(
            "review-summary-goals",
            &[
                ("from", period.from.to_string()),
                ("done", v("measures-done-period")),
                ("approved", v("analyses-approved-period")),
                ("followed", v("follow-ups-period")),
            ],
        ),
        ItemKey::Evaluation => text(
            "review-summary-evaluation",
            &[
                ("done", v("measures-done")),
                ("overdue", v("measures-overdue")),
                ("planned", v("measures-planned")),
            ],
        ),
        ItemKey::RiskAnalysis => {
            let serious = figures
                .figures
                .iter()
                .filter(|f| {
                    f.code
                        .strip_prefix("risk-level:")
                        .and_then(RiskLevel::parse)
                        .is_some_and(RiskLevel::is_serious)
                })
                .map(|f| f.value)
                .sum::<i64>();
            let total = figures
                .figures
                .iter()
                .filter(|f| f.code.starts_with("risk-level:"))
                .map(|f| f.value)
                .sum::<i64>();
            text(
                "review-summary-risk-analysis",
                &[
                    ("total", total.to_string()),
                    ("serious", serious.to_string()),
                    ("approved", v("analyses-approved")),
                    ("overdue", v("analyses-overdue")),
                ],
            )
        }
        ItemKey::Audits => text("review-summary-audits", &[]),
        ItemKey::SeriousRisks => text(
            "review-summary-serious-risks",
            &[("count", v("serious-risks"))],
        ),
        ItemKey::Gaps => text(
            "review-summary-gaps",
            &[
                ("systems", v("systems-without-owner")),
                ("operations", v("operations-without-manager")),
                ("unclassified", v("systems-unclassified")),
            ],
        ),
        ItemKey::InternalControl => text(
            "review-summary-internal-control",
            &[
                ("year", period.today.year().to_string()),
                ("items", v("control-items")),
                ("expected", v("control-reports-expected")),
                ("received", v("control-reports-received")),
                ("deviations", v("control-deviations")),
            ],
        ),
    }
}

/// The year a new review is most likely for, and its term.
pub fn suggested_term(today: NaiveDate) -> (i32, &'static str) {
    if today.month() <= 6 {
        (today.year(), "spring")
    } else {
        (today.year(), "autumn")
    }
}
