//! `/reports/reviews`: the management reviews (ledningens genomgång) — the list, preparing
//! a new one, a review's items with their figures and texts, its decisions, marking it
//! held and its PDF.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::review::{DecisionInput, ItemKey, ReviewInput, Term};
use tillit_store::reviews::{Decision, Review};

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{FormData, FormValues, IdPath};
use crate::i18n::I18n;
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::review_export;
use crate::services::reviews::{self as service, ReviewDetail};
use crate::state::AppState;

/// People offered as a decision's owner.
const PEOPLE_LIMIT: i64 = 500;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reports/reviews", get(list).post(create))
        .route("/reports/reviews/new", get(new_form))
        .route("/reports/reviews/{id}", get(detail).post(update))
        .route("/reports/reviews/{id}/hold", post(hold))
        .route("/reports/reviews/{id}/decisions", post(add_decision))
        .route(
            "/reports/reviews/{id}/decisions/{decision_id}/measure",
            post(to_measure),
        )
        .route(
            "/reports/reviews/{id}/decisions/{decision_id}/task",
            post(to_task),
        )
        .route("/reports/reviews/{id}/export.pdf", get(export_pdf))
}

/// A refused form: field errors with this module's labels, or the stale-version message.
fn rejected(
    ctx: &PageContext,
    error: AppError,
    conflict_field: &str,
) -> Result<(FormErrors, StatusCode), AppError> {
    match error {
        AppError::Invalid(errors) => Ok((
            FormErrors::from_validation_in(ctx, &errors, "review"),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        AppError::Conflict => Ok((
            FormErrors::single(ctx, conflict_field, "conflict-reload"),
            StatusCode::CONFLICT,
        )),
        other => Err(other),
    }
}

/// A date typed in a form: empty is none, anything unreadable a field error.
fn form_date(
    errors: &mut tillit_domain::ValidationErrors,
    field: &str,
    value: &str,
) -> Option<NaiveDate> {
    let value = value.trim();
    if value.is_empty() {
        return None;
    }
    let parsed = NaiveDate::parse_from_str(value, "%Y-%m-%d").ok();
    if parsed.is_none() {
        errors.add(field, "invalid-date");
    }
    parsed
}

pub struct ReviewRow {
    id: i64,
    name: String,
    meeting_on: String,
    status: String,
}

#[derive(Template)]
#[template(path = "reviews.html")]
struct ListPage {
    ctx: PageContext,
    rows: Vec<ReviewRow>,
    can_manage: bool,
}

fn row(ctx: &PageContext, i18n: &I18n, review: &Review) -> ReviewRow {
    ReviewRow {
        id: review.id,
        name: service::review_name(i18n, ctx.lang, review),
        meeting_on: review.meeting_on.to_string(),
        status: ctx.t(&format!("review-status-{}", review.status)),
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let page = service::list(&state, &principal, 200, 0).await?;
    let rows = page
        .items
        .iter()
        .map(|r| row(&ctx, &state.i18n, r))
        .collect();
    render(&ListPage {
        can_manage: principal.grants.allows_everywhere(Action::ManageReviews),
        rows,
        ctx,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    term: String,
    #[serde(default)]
    meeting_on: String,
    #[serde(default)]
    participants: String,
}

#[derive(Template)]
#[template(path = "review_new.html")]
struct NewPage {
    ctx: PageContext,
    form: NewForm,
    terms: Vec<(&'static str, String)>,
    errors: FormErrors,
}

fn new_page(
    ctx: PageContext,
    form: NewForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let terms = Term::ALL
        .iter()
        .map(|t| (t.as_str(), ctx.t(&format!("review-term-{}", t.as_str()))))
        .collect();
    let mut response = render(&NewPage {
        ctx,
        form,
        terms,
        errors,
    })?;
    *response.status_mut() = status;
    Ok(response)
}

pub async fn new_form(ctx: PageContext, principal: Principal) -> Result<Response, AppError> {
    principal.require_everywhere(Action::ManageReviews)?;
    let (year, term) = service::suggested_term(crate::services::risk::today());
    let form = NewForm {
        year: year.to_string(),
        term: term.to_owned(),
        ..NewForm::default()
    };
    new_page(ctx, form, FormErrors::default(), StatusCode::OK)
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<NewForm>,
) -> Result<Response, AppError> {
    principal.require_everywhere(Action::ManageReviews)?;
    let mut errors = tillit_domain::ValidationErrors::new();
    let year = match form.year.trim() {
        "" => None,
        text => match text.parse() {
            Ok(year) => Some(year),
            Err(_) => {
                errors.add("year", "not-a-number");
                None
            }
        },
    };
    let meeting_on = form_date(&mut errors, "meeting_on", &form.meeting_on);
    let input = ReviewInput {
        year,
        term: &form.term,
        meeting_on,
        participants: &form.participants,
    };
    let result = if errors.is_empty() {
        service::create(&state, &principal, &input, ctx.lang).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(review) => Ok(see_other(
            &format!("/reports/reviews/{}", review.id),
            "review-created",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "year")?;
            new_page(ctx, form, errors, status)
        }
    }
}

pub struct FigureRow {
    label: String,
    value: String,
}

pub struct ItemSection {
    key: &'static str,
    number: usize,
    heading: String,
    rows: Vec<FigureRow>,
    lines: Vec<String>,
    body: String,
}

pub struct DecisionRow {
    id: i64,
    number: i64,
    text: String,
    owner: String,
    due_on: String,
    follow_up: String,
    measure_id: Option<i64>,
    open: bool,
}

#[derive(Default, Deserialize)]
pub struct DecisionForm {
    #[serde(default)]
    text: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    due_on: String,
}

#[derive(Template)]
#[template(path = "review.html")]
struct DetailPage {
    ctx: PageContext,
    id: i64,
    name: String,
    version: i64,
    held: bool,
    status: String,
    meeting_on: String,
    participants: String,
    period: String,
    held_note: String,
    items: Vec<ItemSection>,
    decisions: Vec<DecisionRow>,
    can_manage: bool,
    can_plan_measures: bool,
    people: Vec<(i64, String)>,
    decision: DecisionForm,
    errors: FormErrors,
    decision_errors: FormErrors,
}

fn decision_row(ctx: &PageContext, d: &Decision) -> DecisionRow {
    let follow_up = match (&d.measure_designation, d.task_id) {
        (Some(designation), _) => ctx.t1("review-decision-measure", "designation", designation),
        (None, Some(_)) => ctx.t("review-decision-task"),
        (None, None) => ctx.t("review-decision-open"),
    };
    DecisionRow {
        id: d.id,
        number: d.number,
        text: d.text.clone(),
        owner: d.owner_name.clone(),
        due_on: d.due_on.to_string(),
        follow_up,
        measure_id: d.measure_id,
        open: !d.is_converted(),
    }
}

struct Shown {
    /// The item texts as typed, when a save was refused.
    bodies: Option<Vec<(ItemKey, String)>>,
    participants: Option<String>,
    decision: DecisionForm,
    errors: FormErrors,
    decision_errors: FormErrors,
    status: StatusCode,
}

impl Shown {
    fn fresh() -> Self {
        Shown {
            bodies: None,
            participants: None,
            decision: DecisionForm::default(),
            errors: FormErrors::default(),
            decision_errors: FormErrors::default(),
            status: StatusCode::OK,
        }
    }
}

async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    shown: Shown,
) -> Result<Response, AppError> {
    let ReviewDetail {
        review,
        period,
        items,
        decisions,
    } = service::detail(state, principal, id).await?;
    let can_manage = principal.grants.allows_everywhere(Action::ManageReviews);
    let people = if can_manage {
        tillit_store::users::user_choices(&state.db, principal.organisation_id, PEOPLE_LIMIT)
            .await?
    } else {
        Vec::new()
    };
    let i18n = &state.i18n;
    let items = items
        .iter()
        .map(|item| {
            let (rows, lines) = review_export::figure_rows(i18n, ctx.lang, &item.figures);
            let body = shown
                .bodies
                .as_ref()
                .and_then(|b| b.iter().find(|(k, _)| *k == item.key))
                .map_or_else(|| item.body.clone(), |(_, body)| body.clone());
            ItemSection {
                key: item.key.as_str(),
                number: item.key.number(),
                heading: ctx.t(&format!(
                    "review-item-{}",
                    item.key.as_str().replace('_', "-")
                )),
                rows: rows
                    .into_iter()
                    .map(|(label, value)| FigureRow { label, value })
                    .collect(),
                lines,
                body,
            }
        })
        .collect();
    let held_note = match (&review.held_at, &review.held_by_label) {
        (Some(at), Some(by)) => ctx.t2("review-held-note", ("at", ctx.time(at)), ("by", by)),
        _ => String::new(),
    };
    let page = DetailPage {
        id: review.id,
        name: service::review_name(i18n, ctx.lang, &review),
        version: review.version,
        held: review.is_held(),
        status: ctx.t(&format!("review-status-{}", review.status)),
        meeting_on: review.meeting_on.to_string(),
        participants: shown
            .participants
            .unwrap_or_else(|| review.participants.clone()),
        period: ctx.t2(
            "review-period",
            ("from", period.from),
            ("today", period.today),
        ),
        held_note,
        items,
        decisions: decisions.iter().map(|d| decision_row(&ctx, d)).collect(),
        can_manage,
        can_plan_measures: principal.grants.allows_everywhere(Action::ManageRisks),
        people,
        decision: shown.decision,
        errors: shown.errors,
        decision_errors: shown.decision_errors,
        ctx,
    };
    let mut response = render(&page)?;
    *response.status_mut() = shown.status;
    Ok(response)
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    detail_page(&state, ctx, &principal, id, Shown::fresh()).await
}

/// The item texts of a submitted form, by their field names `item_<key>`.
fn item_bodies(values: &FormValues) -> Vec<(ItemKey, String)> {
    ItemKey::ALL
        .into_iter()
        .filter_map(|key| {
            values
                .first(&format!("item_{}", key.as_str()))
                .map(|body| (key, body.to_owned()))
        })
        .collect()
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    values: FormValues,
) -> Result<Response, AppError> {
    let version = values
        .first("version")
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| AppError::invalid("version", "required"))?;
    let participants = values.first("participants").unwrap_or_default().to_owned();
    let bodies = item_bodies(&values);
    match service::update(&state, &principal, id, version, &participants, &bodies).await {
        Ok(_) => Ok(see_other(
            &format!("/reports/reviews/{id}"),
            "review-updated",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "participants")?;
            let shown = Shown {
                bodies: Some(bodies),
                participants: Some(participants),
                errors,
                status,
                ..Shown::fresh()
            };
            detail_page(&state, ctx, &principal, id, shown).await
        }
    }
}

#[derive(Deserialize)]
pub struct VersionForm {
    version: i64,
}

pub async fn hold(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    match service::hold(&state, &principal, id, form.version).await {
        Ok(_) => Ok(see_other(&format!("/reports/reviews/{id}"), "review-held")),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "status")?;
            let shown = Shown {
                errors,
                status,
                ..Shown::fresh()
            };
            detail_page(&state, ctx, &principal, id, shown).await
        }
    }
}

pub async fn add_decision(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<DecisionForm>,
) -> Result<Response, AppError> {
    let mut errors = tillit_domain::ValidationErrors::new();
    let owner_id = match form.owner_id.trim() {
        "" => None,
        text => match text.parse() {
            Ok(owner) => Some(owner),
            Err(_) => {
                errors.add("owner_id", "invalid-type");
                None
            }
        },
    };
    let due_on = form_date(&mut errors, "due_on", &form.due_on);
    let input = DecisionInput {
        text: &form.text,
        owner_id,
        due_on,
    };
    let result = if errors.is_empty() {
        service::add_decision(&state, &principal, id, &input).await
    } else {
        Err(AppError::Invalid(errors))
    };
    match result {
        Ok(_) => Ok(see_other(
            &format!("/reports/reviews/{id}#decisions"),
            "review-decision-added",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "text")?;
            let shown = Shown {
                decision: form,
                decision_errors: errors.prefixed("decision-"),
                status,
                ..Shown::fresh()
            };
            detail_page(&state, ctx, &principal, id, shown).await
        }
    }
}

/// The review and decision ids of a decision's path; anything else is not found.
fn decision_path(raw: (String, String)) -> Result<(i64, i64), AppError> {
    let review = raw.0.parse().map_err(|_| AppError::NotFound)?;
    let decision = raw.1.parse().map_err(|_| AppError::NotFound)?;
    Ok((review, decision))
}

async fn converted(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    review_id: i64,
    result: Result<(), AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(()) => Ok(see_other(
            &format!("/reports/reviews/{review_id}#decisions"),
            "review-decision-converted",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "decision-text")?;
            let shown = Shown {
                decision_errors: errors.prefixed("decision-"),
                status,
                ..Shown::fresh()
            };
            detail_page(state, ctx, principal, review_id, shown).await
        }
    }
}

pub async fn to_measure(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(raw): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (review_id, decision_id) = decision_path(raw)?;
    let result = service::decision_to_measure(&state, &principal, review_id, decision_id, ctx.lang)
        .await
        .map(|_| ());
    converted(&state, ctx, &principal, review_id, result).await
}

pub async fn to_task(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path(raw): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (review_id, decision_id) = decision_path(raw)?;
    let result = service::decision_to_task(&state, &principal, review_id, decision_id)
        .await
        .map(|_| ());
    converted(&state, ctx, &principal, review_id, result).await
}

pub async fn export_pdf(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    Ok(review_export::pdf(&state, &principal, id, ctx.lang)
        .await?
        .into_response())
}
