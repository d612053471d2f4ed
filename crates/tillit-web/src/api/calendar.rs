//! `/api/v1/calendar` (JSON and `.ics`) and `/api/v1/calendar-duties`: the annual cycle
//! (C35) and the organisation's own recurring duties.

use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use tillit_domain::auth::Action;
use tillit_domain::calendar::{year_bounds, DutyInput, DutyKind};
use tillit_domain::ValidationErrors;
use tillit_store::calendar::Duty;
use utoipa::ToSchema;

use crate::api::risks::parse_date;
use crate::api::{Problem, VersionParam};
use crate::auth::principal::Lang;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::ApiJson;
use crate::services::calendar::{self as service, CalendarQuery};
use crate::state::AppState;

/// One duty on one date.
#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarOccurrenceDto {
    /// Stable per duty and date; the UID in the iCalendar feed.
    pub key: String,
    /// `register_confirmation`, `risk_renewal`, `measure_follow_up`, `management_review`,
    /// `annual_report`, `document_review`, `access_review`, `continuity_exercise` or
    /// `other_duty`.
    pub kind: String,
    pub summary: String,
    pub description: String,
    pub due_on: NaiveDate,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: Option<i64>,
    /// Where to deal with it in tillit.
    pub path: String,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CalendarParams {
    /// `YYYY-MM-DD`; the first day of this year when left out.
    pub from: Option<String>,
    /// `YYYY-MM-DD`, at most three years after `from`; the last day of the year when left out.
    pub to: Option<String>,
    /// Only this user's duties.
    pub owner: Option<i64>,
    /// Only duties of this kind.
    pub kind: Option<String>,
}

pub(crate) fn query_from(
    from: Option<&str>,
    to: Option<&str>,
    owner: Option<i64>,
    kind: Option<&str>,
) -> Result<CalendarQuery, AppError> {
    use chrono::Datelike;
    let mut errors = ValidationErrors::new();
    let from = parse_date(&mut errors, "from", from);
    let to = parse_date(&mut errors, "to", to);
    let kind = match kind.map(str::trim).filter(|k| !k.is_empty()) {
        None => None,
        Some(k) => {
            let parsed = DutyKind::parse(k);
            if parsed.is_none() {
                errors.add("kind", "invalid-choice");
            }
            parsed
        }
    };
    errors.finish(())?;
    let (first, last) = year_bounds(service::today().year())
        .ok_or_else(|| AppError::internal("no calendar year"))?;
    let query = CalendarQuery {
        from: from.unwrap_or(first),
        to: to.unwrap_or(last),
        owner_id: owner,
        include_unowned: false,
        kind,
    };
    query.check()?;
    Ok(query)
}

/// The duties of the annual cycle within a window, by date.
#[utoipa::path(get, path = "/api/v1/calendar", tag = "calendar", params(CalendarParams),
    responses((status = 200, body = Vec<CalendarOccurrenceDto>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    Query(params): Query<CalendarParams>,
) -> Result<Json<Vec<CalendarOccurrenceDto>>, AppError> {
    let query = query_from(
        params.from.as_deref(),
        params.to.as_deref(),
        params.owner,
        params.kind.as_deref(),
    )?;
    let found = service::occurrences(&state, &principal, language, &query).await?;
    Ok(Json(
        found
            .into_iter()
            .map(|o| CalendarOccurrenceDto {
                summary: service::summary(&state.i18n, language, &o),
                key: o.key,
                kind: o.kind.as_str().to_owned(),
                description: o.description,
                due_on: o.due_on,
                owner_id: o.owner_id,
                owner_name: o.owner_name,
                unit_id: o.unit_id,
                path: o.path,
            })
            .collect(),
    ))
}

/// `https://host` of the request, for absolute links in the feed.
pub(crate) fn base_url(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.config.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}")
}

pub(crate) fn ics_response(body: Bytes) -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "inline; filename=\"arshjul.ics\"",
            ),
        ],
        body,
    )
        .into_response()
}

/// The caller's calendar as iCalendar (RFC 5545): their own duties, and for those who
/// run the programme the organisation's unowned points, a month back and a year ahead.
/// Calendar clients that cannot send a bearer token use the personal feed address
/// created on the calendar page instead.
#[utoipa::path(get, path = "/api/v1/calendar.ics", tag = "calendar",
    responses((status = 200, description = "iCalendar text", content_type = "text/calendar"), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn ics(
    State(state): State<AppState>,
    principal: Principal,
    Lang(language): Lang,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    principal.require(Action::ViewCalendar)?;
    let request = service::FeedRequest::new(
        principal.organisation_id,
        principal.user_id,
        &principal.grants,
        language,
        state.i18n.text(language, "calendar-feed-name"),
        base_url(&state, &headers),
    );
    let body = service::feed(&state, principal.audit_head, request).await?;
    Ok(ics_response(body))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CalendarDutyDto {
    pub id: i64,
    pub title: String,
    pub description: String,
    /// `access_review`, `continuity_exercise` or `other_duty`.
    pub kind: String,
    /// `yearly`, `half_yearly`, `quarterly` or `monthly`.
    pub recurrence: String,
    pub next_due: NaiveDate,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: Option<i64>,
    pub unit_name: Option<String>,
    /// The owner is reminded by e-mail this many days before the due date.
    pub reminder_days: i64,
    pub version: i64,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Duty> for CalendarDutyDto {
    fn from(d: Duty) -> Self {
        Self {
            id: d.id,
            title: d.title,
            description: d.description,
            kind: d.kind.as_str().to_owned(),
            recurrence: d.recurrence.as_str().to_owned(),
            next_due: d.next_due,
            owner_id: d.owner_id,
            owner_name: d.owner_name,
            unit_id: d.unit_id,
            unit_name: d.unit_name,
            reminder_days: d.reminder_days,
            version: d.version,
            created_at: d.created_at,
            updated_at: d.updated_at,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarDutyBody {
    /// Required, at most 200 characters.
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// `access_review`, `continuity_exercise` or `other_duty`.
    pub kind: String,
    /// `yearly`, `half_yearly`, `quarterly` or `monthly`.
    pub recurrence: String,
    /// `YYYY-MM-DD`, not in the past for a new duty.
    #[schema(value_type = String, format = Date)]
    pub next_due: Option<String>,
    #[serde(default)]
    pub owner_id: Option<i64>,
    #[serde(default)]
    pub unit_id: Option<i64>,
    /// 0–365, default 14.
    #[serde(default)]
    pub reminder_days: Option<i64>,
    /// Required when changing: the version last read.
    #[serde(default)]
    pub version: Option<i64>,
}

fn input(body: &CalendarDutyBody) -> Result<DutyInput<'_>, AppError> {
    let mut errors = ValidationErrors::new();
    let next_due = parse_date(&mut errors, "next_due", body.next_due.as_deref());
    if body.next_due.is_none() {
        errors.add("next_due", "required");
    }
    errors.finish(())?;
    Ok(DutyInput {
        title: &body.title,
        description: &body.description,
        kind: &body.kind,
        recurrence: &body.recurrence,
        next_due,
        owner_id: body.owner_id,
        unit_id: body.unit_id,
        reminder_days: body.reminder_days,
    })
}

/// The organisation's own recurring duties, soonest first.
#[utoipa::path(get, path = "/api/v1/calendar-duties", tag = "calendar",
    responses((status = 200, body = Vec<CalendarDutyDto>), (status = 401, body = Problem), (status = 403, body = Problem)),
    security(("bearer" = [])))]
pub async fn list_duties(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Vec<CalendarDutyDto>>, AppError> {
    let duties = service::duties(&state, &principal).await?;
    Ok(Json(
        duties.into_iter().map(CalendarDutyDto::from).collect(),
    ))
}

/// Add an own recurring duty, e.g. an access review or a continuity exercise
/// (administrators and coordinators of the whole organisation).
#[utoipa::path(post, path = "/api/v1/calendar-duties", tag = "calendar", request_body = CalendarDutyBody,
    responses((status = 201, body = CalendarDutyDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn create_duty(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<CalendarDutyBody>,
) -> Result<Response, AppError> {
    let created = service::create_duty(&state, &principal, &input(&body)?).await?;
    Ok((StatusCode::CREATED, Json(CalendarDutyDto::from(created))).into_response())
}

#[utoipa::path(get, path = "/api/v1/calendar-duties/{id}", tag = "calendar",
    responses((status = 200, body = CalendarDutyDto), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn get_duty(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
) -> Result<Json<CalendarDutyDto>, AppError> {
    Ok(Json(service::duty(&state, &principal, id).await?.into()))
}

/// Change an own duty; `version` is required and a stale one is refused with 409.
#[utoipa::path(put, path = "/api/v1/calendar-duties/{id}", tag = "calendar", request_body = CalendarDutyBody,
    responses((status = 200, body = CalendarDutyDto), (status = 400, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn update_duty(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<CalendarDutyBody>,
) -> Result<Json<CalendarDutyDto>, AppError> {
    let version = body
        .version
        .ok_or_else(|| AppError::invalid("version", "required"))?;
    let updated = service::update_duty(&state, &principal, id, version, &input(&body)?).await?;
    Ok(Json(updated.into()))
}

/// Remove an own duty at the version last read.
#[utoipa::path(delete, path = "/api/v1/calendar-duties/{id}", tag = "calendar", params(VersionParam),
    responses((status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)),
    security(("bearer" = [])))]
pub async fn delete_duty(
    State(state): State<AppState>,
    principal: Principal,
    Path(id): Path<i64>,
    Query(version): Query<VersionParam>,
) -> Result<StatusCode, AppError> {
    service::delete_duty(&state, &principal, id, version.version).await?;
    Ok(StatusCode::NO_CONTENT)
}
