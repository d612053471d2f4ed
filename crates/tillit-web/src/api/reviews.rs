//! `/api/v1/reviews`: management reviews (ledningens genomgång) with their eight items,
//! decisions and PDF; and `/api/v1/board-dashboard`, the board's overview.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::review::{DecisionInput, ItemKey, ReviewInput};
use tillit_domain::ValidationErrors;
use tillit_store::board::{BoardRisk, Coverage};
use tillit_store::reviews::figures::ItemFigures;
use tillit_store::reviews::{Decision, Review};
use utoipa::ToSchema;

use crate::api::risks::parse_date;
use crate::api::tasks::TaskDto;
use crate::api::{ListResponse, Paging, Problem};
use crate::auth::principal::Lang;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{ApiJson, IdPath, QueryParams};
use crate::services::board as board_service;
use crate::services::review_export;
use crate::services::reviews::{self as service, ReviewDetail};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/reviews", get(list).post(create))
        .route("/reviews/{id}", get(detail).put(update))
        .route("/reviews/{id}/hold", post(hold))
        .route("/reviews/{id}/decisions", post(add_decision))
        .route(
            "/reviews/{id}/decisions/{decision_id}/measure",
            post(decision_to_measure),
        )
        .route(
            "/reviews/{id}/decisions/{decision_id}/task",
            post(decision_to_task),
        )
        .route("/reviews/{id}/pdf", get(pdf))
        .route("/board-dashboard", get(board_dashboard))
}

/// A management review as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDto {
    pub id: i64,
    pub year: i64,
    /// `spring` or `autumn`.
    pub term: String,
    pub meeting_on: NaiveDate,
    pub participants: String,
    /// `prepared` or `held` (the items are then frozen).
    pub status: String,
    pub held_at: Option<DateTime<Utc>>,
    pub held_by: Option<String>,
    /// Send back on changes; a stale value is refused with 409.
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Review> for ReviewDto {
    fn from(r: Review) -> Self {
        Self {
            id: r.id,
            year: r.year,
            term: r.term,
            meeting_on: r.meeting_on,
            participants: r.participants,
            status: r.status,
            held_at: r.held_at,
            held_by: r.held_by_label,
            version: r.version,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A counted figure of an item, by its stable code (e.g. `incidents`,
/// `incident-category:outage`, `risk-level:high`, `measures-overdue`).
#[derive(Debug, Serialize, ToSchema)]
pub struct FigureDto {
    pub code: String,
    pub value: i64,
}

/// A risk an item names.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewRiskDto {
    pub id: i64,
    /// The analysis's designation and the risk's number, e.g. `RA-0003 R2`.
    pub reference: String,
    pub title: String,
    pub level: String,
    pub treatment: Option<String>,
    pub measure_count: i64,
}

/// A named line of an item, e.g. a system without an information owner.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewLineDto {
    /// `system-without-owner`, `operation-without-manager` or `external-developments`.
    pub code: String,
    pub name: String,
}

/// One agenda item: its figures (as held, or counted now while prepared) and its text.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewItemDto {
    /// `world`, `goals`, `evaluation`, `risk_analysis`, `audits`, `serious_risks`,
    /// `gaps` or `internal_control`.
    pub key: String,
    /// 1–8 on the agenda.
    pub number: usize,
    pub text: String,
    pub figures: Vec<FigureDto>,
    pub risks: Vec<ReviewRiskDto>,
    pub lines: Vec<ReviewLineDto>,
}

fn item_dto(key: ItemKey, text: String, f: ItemFigures) -> ReviewItemDto {
    ReviewItemDto {
        key: key.as_str().to_owned(),
        number: key.number(),
        text,
        figures: f
            .figures
            .into_iter()
            .map(|f| FigureDto {
                code: f.code,
                value: f.value,
            })
            .collect(),
        risks: f
            .risks
            .into_iter()
            .map(|r| ReviewRiskDto {
                id: r.id,
                reference: r.reference,
                title: r.title,
                level: r.level,
                treatment: r.treatment,
                measure_count: r.measure_count,
            })
            .collect(),
        lines: f
            .lines
            .into_iter()
            .map(|l| ReviewLineDto {
                code: l.code,
                name: l.name,
            })
            .collect(),
    }
}

/// A decision of the meeting and what it became.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDecisionDto {
    pub id: i64,
    pub number: i64,
    pub text: String,
    pub owner_id: i64,
    pub owner_name: String,
    pub due_on: NaiveDate,
    /// The measure of the action plan it became.
    pub measure_id: Option<i64>,
    pub measure_designation: Option<String>,
    /// The task it became.
    pub task_id: Option<i64>,
    pub created_at: DateTime<Utc>,
}

impl From<Decision> for ReviewDecisionDto {
    fn from(d: Decision) -> Self {
        Self {
            id: d.id,
            number: d.number,
            text: d.text,
            owner_id: d.owner_id,
            owner_name: d.owner_name,
            due_on: d.due_on,
            measure_id: d.measure_id,
            measure_designation: d.measure_designation,
            task_id: d.task_id,
            created_at: d.created_at,
        }
    }
}

/// A review with its items and decisions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewDetailDto {
    #[serde(flatten)]
    pub review: ReviewDto,
    /// The first day the figures count (the previous review's meeting).
    pub period_from: NaiveDate,
    pub items: Vec<ReviewItemDto>,
    pub decisions: Vec<ReviewDecisionDto>,
}

impl From<ReviewDetail> for ReviewDetailDto {
    fn from(d: ReviewDetail) -> Self {
        Self {
            review: d.review.into(),
            period_from: d.period.from,
            items: d
                .items
                .into_iter()
                .map(|i| item_dto(i.key, i.body, i.figures))
                .collect(),
            decisions: d
                .decisions
                .into_iter()
                .map(ReviewDecisionDto::from)
                .collect(),
        }
    }
}

/// The organisation's management reviews, the latest meeting first.
#[utoipa::path(get, path = "/api/v1/reviews", tag = "reviews", params(Paging),
    responses((status = 200, body = ListResponse<ReviewDto>), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(paging): QueryParams<Paging>,
) -> Result<Json<ListResponse<ReviewDto>>, AppError> {
    let request = paging.request()?;
    let page = service::list(
        &state,
        &principal,
        i64::from(request.per_page),
        request.offset(),
    )
    .await?;
    Ok(Json(ListResponse::new(page, request, ReviewDto::from)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewReviewBody {
    pub year: Option<i32>,
    /// `spring` or `autumn`.
    pub term: Option<String>,
    /// Today or later.
    pub meeting_on: Option<String>,
    #[serde(default)]
    pub participants: String,
}

/// Prepare a review: every item starts with a text written from its live figures, in the
/// language of the request.
#[utoipa::path(post, path = "/api/v1/reviews", tag = "reviews", request_body = NewReviewBody,
    responses((status = 201, body = ReviewDetailDto), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    ApiJson(body): ApiJson<NewReviewBody>,
) -> Result<Response, AppError> {
    let mut errors = ValidationErrors::new();
    let meeting_on = parse_date(&mut errors, "meeting_on", body.meeting_on.as_deref());
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let input = ReviewInput {
        year: body.year,
        term: body.term.as_deref().unwrap_or_default(),
        meeting_on,
        participants: &body.participants,
    };
    let review = service::create(&state, &principal, &input, language).await?;
    let detail = service::detail(&state, &principal, review.id).await?;
    Ok((StatusCode::CREATED, Json(ReviewDetailDto::from(detail))).into_response())
}

/// A review with its items (figures counted now while prepared, as held once held) and
/// its decisions.
#[utoipa::path(get, path = "/api/v1/reviews/{id}", tag = "reviews", params(("id" = i64, Path)),
    responses((status = 200, body = ReviewDetailDto), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn detail(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Json<ReviewDetailDto>, AppError> {
    Ok(Json(service::detail(&state, &principal, id).await?.into()))
}

/// A new text for one item.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ItemTextBody {
    pub key: String,
    pub text: String,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateReviewBody {
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
    #[serde(default)]
    pub participants: String,
    /// The items whose text changes; the others keep theirs.
    #[serde(default)]
    pub items: Vec<ItemTextBody>,
}

/// Change the participants and item texts of a prepared review.
#[utoipa::path(put, path = "/api/v1/reviews/{id}", tag = "reviews", params(("id" = i64, Path)),
    request_body = UpdateReviewBody,
    responses((status = 200, body = ReviewDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<UpdateReviewBody>,
) -> Result<Json<ReviewDetailDto>, AppError> {
    let mut bodies = Vec::with_capacity(body.items.len());
    for item in body.items {
        let key = ItemKey::parse(&item.key)
            .ok_or_else(|| AppError::invalid("items", "invalid-choice"))?;
        bodies.push((key, item.text));
    }
    service::update(
        &state,
        &principal,
        id,
        body.version,
        &body.participants,
        &bodies,
    )
    .await?;
    Ok(Json(service::detail(&state, &principal, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HoldBody {
    /// The version last read; a stale value is refused with 409.
    pub version: i64,
}

/// Mark the review held: each item is kept with its figures as they are now.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/hold", tag = "reviews", params(("id" = i64, Path)),
    request_body = HoldBody,
    responses((status = 200, body = ReviewDetailDto), (status = 403, body = Problem), (status = 404, body = Problem),
        (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn hold(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<HoldBody>,
) -> Result<Json<ReviewDetailDto>, AppError> {
    service::hold(&state, &principal, id, body.version).await?;
    Ok(Json(service::detail(&state, &principal, id).await?.into()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewDecisionBody {
    pub text: String,
    pub owner_id: Option<i64>,
    /// Today or later.
    pub due_on: Option<String>,
}

/// Record a decision of the meeting, with its owner and due date.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/decisions", tag = "reviews", params(("id" = i64, Path)),
    request_body = ReviewDecisionBody,
    responses((status = 201, body = ReviewDecisionDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn add_decision(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    ApiJson(body): ApiJson<ReviewDecisionBody>,
) -> Result<Response, AppError> {
    let mut errors = ValidationErrors::new();
    let due_on = parse_date(&mut errors, "due_on", body.due_on.as_deref());
    if !errors.is_empty() {
        return Err(errors.into());
    }
    let input = DecisionInput {
        text: &body.text,
        owner_id: body.owner_id,
        due_on,
    };
    let decision = service::add_decision(&state, &principal, id, &input).await?;
    Ok((StatusCode::CREATED, Json(ReviewDecisionDto::from(decision))).into_response())
}

fn decision_ids(raw: (String, String)) -> Result<(i64, i64), AppError> {
    let review = raw.0.parse().map_err(|_| AppError::NotFound)?;
    let decision = raw.1.parse().map_err(|_| AppError::NotFound)?;
    Ok((review, decision))
}

/// A decision and the measure it became.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionMeasureDto {
    pub decision: ReviewDecisionDto,
    pub measure: crate::api::measures::MeasureDto,
}

/// Turn the decision into a measure of the risk module's action plan, with the decision's
/// owner as responsible and its due date as planned date (both or neither are written).
#[utoipa::path(post, path = "/api/v1/reviews/{id}/decisions/{decision_id}/measure", tag = "reviews",
    params(("id" = i64, Path), ("decision_id" = i64, Path)),
    responses((status = 201, body = DecisionMeasureDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn decision_to_measure(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    Path(raw): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (review_id, decision_id) = decision_ids(raw)?;
    let (decision, measure) =
        service::decision_to_measure(&state, &principal, review_id, decision_id, language).await?;
    let body = DecisionMeasureDto {
        decision: decision.into(),
        measure: measure.into(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// A decision and the task it became.
#[derive(Debug, Serialize, ToSchema)]
pub struct DecisionTaskDto {
    pub decision: ReviewDecisionDto,
    pub task: TaskDto,
}

/// Turn the decision into a task for its owner, due when the decision is.
#[utoipa::path(post, path = "/api/v1/reviews/{id}/decisions/{decision_id}/task", tag = "reviews",
    params(("id" = i64, Path), ("decision_id" = i64, Path)),
    responses((status = 201, body = DecisionTaskDto), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn decision_to_task(
    State(state): State<AppState>,
    principal: Principal,
    Path(raw): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (review_id, decision_id) = decision_ids(raw)?;
    let (decision, task) =
        service::decision_to_task(&state, &principal, review_id, decision_id).await?;
    let body = DecisionTaskDto {
        decision: decision.into(),
        task: task.into(),
    };
    Ok((StatusCode::CREATED, Json(body)).into_response())
}

/// The review as a PDF (tagged), in the language of the request.
#[utoipa::path(get, path = "/api/v1/reviews/{id}/pdf", tag = "reviews", params(("id" = i64, Path)),
    responses((status = 200, description = "The review as a PDF", content_type = "application/pdf"),
        (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn pdf(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    Ok(review_export::pdf(&state, &principal, id, language)
        .await?
        .into_response())
}

/// One of the largest risks and how it is being reduced.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardRiskDto {
    pub id: i64,
    pub reference: String,
    pub title: String,
    /// The level now.
    pub level: String,
    /// The level expected once its measures are done.
    pub residual_level: Option<String>,
    pub treatment: Option<String>,
    pub measures_done: i64,
    pub measures_planned: i64,
}

impl From<&BoardRisk> for BoardRiskDto {
    fn from(r: &BoardRisk) -> Self {
        Self {
            id: r.id,
            reference: r.reference.clone(),
            title: r.title.clone(),
            level: r.level.clone(),
            residual_level: r.residual_level.clone(),
            treatment: r.treatment.clone(),
            measures_done: r.measures_done,
            measures_planned: r.measures_planned,
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardIncidentsDto {
    pub open_cases: i64,
    pub clocks_running: i64,
    pub clocks_overdue: i64,
    /// Reports to authorities submitted in the last twelve months.
    pub reports_submitted: i64,
    pub reports_on_time: i64,
    /// Of those, the share on time in whole per cent.
    pub on_time_percent: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardRenewalsDto {
    pub analyses_overdue: i64,
    pub register_confirmed_at: Option<DateTime<Utc>>,
    pub register_overdue: bool,
    /// Governing document reviews overdue; none until documents are kept in tillit.
    pub documents_overdue: Option<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoardCoverageDto {
    /// None: every system of the organisation.
    pub unit_id: Option<i64>,
    pub name: String,
    pub systems: i64,
    pub classified: i64,
    pub risk_analysed: i64,
}

impl From<&Coverage> for BoardCoverageDto {
    fn from(c: &Coverage) -> Self {
        Self {
            unit_id: c.unit_id,
            name: c.name.clone(),
            systems: c.systems,
            classified: c.classified,
            risk_analysed: c.risk_analysed,
        }
    }
}

/// The board's overview; a part the caller may not read, or whose data does not exist
/// yet (training, maturity), is null.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoardDashboardDto {
    pub largest_risks: Option<Vec<BoardRiskDto>>,
    pub incidents: Option<BoardIncidentsDto>,
    pub renewals: BoardRenewalsDto,
    pub coverage: Vec<BoardCoverageDto>,
    pub training_percent: Option<i64>,
    pub maturity_level: Option<i64>,
    pub counted_at: DateTime<Utc>,
}

/// The board's overview (styrelsens översikt), counted within the caller's units.
#[utoipa::path(get, path = "/api/v1/board-dashboard", tag = "reviews",
    responses((status = 200, body = BoardDashboardDto), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn board_dashboard(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<BoardDashboardDto>, AppError> {
    let board = board_service::dashboard(&state, &principal).await?;
    Ok(Json(BoardDashboardDto {
        largest_risks: board
            .largest_risks
            .as_ref()
            .map(|risks| risks.iter().map(BoardRiskDto::from).collect()),
        incidents: board.incidents.as_ref().map(|i| BoardIncidentsDto {
            open_cases: i.open_cases,
            clocks_running: i.clocks_running,
            clocks_overdue: i.clocks_overdue,
            reports_submitted: i.reports_submitted,
            reports_on_time: i.reports_on_time,
            on_time_percent: board_service::percent(i.reports_on_time, i.reports_submitted),
        }),
        renewals: BoardRenewalsDto {
            analyses_overdue: board.renewals.analyses_overdue,
            register_confirmed_at: board.renewals.register_confirmed_at,
            register_overdue: board.renewals.register_overdue,
            documents_overdue: board.documents_overdue,
        },
        coverage: board.coverage.iter().map(BoardCoverageDto::from).collect(),
        training_percent: board.training_percent,
        maturity_level: board.maturity_level,
        counted_at: board.counted_at,
    }))
}
