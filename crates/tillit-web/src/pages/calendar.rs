//! `/governance/calendar`: the annual cycle (C35) as a year wheel and a list by month with
//! filters, the organisation's own recurring duties, the personal calendar feed, and the
//! feed itself at `/calendar/{token}.ics` for calendar clients that cannot send headers.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::Datelike;
use serde::Deserialize;
use tillit_domain::auth::{Action, Grants};
use tillit_domain::calendar::{year_bounds, DutyInput, DutyKind, Recurrence};
use tillit_domain::ValidationErrors;
use tillit_store::calendar::Duty;

use super::governance_charts::year_wheel;
use crate::api::calendar::{base_url, ics_response};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{FormData, IdPath, QueryParams};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::calendar::{self as service, CalendarQuery};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/governance/calendar", get(page))
        .route("/governance/calendar/duties", post(create))
        .route(
            "/governance/calendar/duties/{id}",
            get(duty_page).post(update),
        )
        .route("/governance/calendar/duties/{id}/done", post(done))
        .route("/governance/calendar/duties/{id}/delete", post(delete))
        .route("/governance/calendar/feed", post(new_feed))
        .route("/governance/calendar/feed/revoke", post(revoke_feed))
        .route("/calendar/{file}", get(feed))
}

pub struct Choice {
    value: String,
    label: String,
}

pub struct Row {
    due_on: String,
    summary: String,
    kind: String,
    owner: String,
    path: String,
}

pub struct MonthGroup {
    name: String,
    rows: Vec<Row>,
}

pub struct DutyRow {
    id: i64,
    title: String,
    kind: String,
    recurrence: String,
    next_due: String,
    owner: String,
}

/// The fields of the duty form as typed, kept when it is refused.
#[derive(Debug, Default, Deserialize)]
pub struct DutyForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    recurrence: String,
    #[serde(default)]
    next_due: String,
    #[serde(default)]
    owner_id: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    reminder_days: String,
    #[serde(default)]
    version: Option<i64>,
}

impl DutyForm {
    fn of(duty: &Duty) -> Self {
        Self {
            title: duty.title.clone(),
            description: duty.description.clone(),
            kind: duty.kind.as_str().to_owned(),
            recurrence: duty.recurrence.as_str().to_owned(),
            next_due: duty.next_due.to_string(),
            owner_id: duty.owner_id.map(|id| id.to_string()).unwrap_or_default(),
            unit_id: duty.unit_id.map(|id| id.to_string()).unwrap_or_default(),
            reminder_days: duty.reminder_days.to_string(),
            version: Some(duty.version),
        }
    }

    /// Reads the typed values; unparsable numbers and dates are field errors.
    fn input(&self) -> Result<DutyInput<'_>, AppError> {
        let mut errors = ValidationErrors::new();
        let next_due = crate::api::risks::parse_date(&mut errors, "next_due", Some(&self.next_due));
        let mut id = |field: &str, raw: &str| match raw.trim() {
            "" => None,
            raw => raw
                .parse::<i64>()
                .map_err(|_| errors.add(field, "invalid-choice"))
                .ok(),
        };
        let owner_id = id("owner_id", &self.owner_id);
        let unit_id = id("unit_id", &self.unit_id);
        let reminder_days = match self.reminder_days.trim() {
            "" => None,
            raw => raw
                .parse::<i64>()
                .map_err(|_| errors.add("reminder_days", "not-a-number"))
                .ok(),
        };
        errors.finish(())?;
        Ok(DutyInput {
            title: &self.title,
            description: &self.description,
            kind: &self.kind,
            recurrence: &self.recurrence,
            next_due,
            owner_id,
            unit_id,
            reminder_days,
        })
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct Filters {
    #[serde(default)]
    year: Option<i32>,
    #[serde(default)]
    owner: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    mine: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    ctx: PageContext,
    year: i32,
    filters: Filters,
    wheel: String,
    months: Vec<MonthGroup>,
    total: usize,
    kinds: Vec<Choice>,
    own_kinds: Vec<Choice>,
    recurrences: Vec<Choice>,
    people: Vec<Choice>,
    units: Vec<Choice>,
    duties: Vec<DutyRow>,
    can_manage: bool,
    form: DutyForm,
    errors: FormErrors,
    feed_created: Option<String>,
    new_feed_url: Option<String>,
}

fn kind_label(ctx: &PageContext, kind: DutyKind) -> String {
    ctx.t(&format!(
        "calendar-kind-{}",
        kind.as_str().replace('_', "-")
    ))
}

fn recurrence_label(ctx: &PageContext, recurrence: Recurrence) -> String {
    ctx.t(&format!(
        "calendar-recurrence-{}",
        recurrence.as_str().replace('_', "-")
    ))
}

fn month_names(ctx: &PageContext) -> [String; 12] {
    std::array::from_fn(|m| ctx.t(&format!("calendar-month-{}", m + 1)))
}

async fn people(state: &AppState, principal: &Principal) -> Result<Vec<Choice>, AppError> {
    Ok(
        tillit_store::users::user_choices(&state.db, principal.organisation_id, 2000)
            .await?
            .into_iter()
            .map(|(id, name)| Choice {
                value: id.to_string(),
                label: name,
            })
            .collect(),
    )
}

async fn units(state: &AppState, principal: &Principal) -> Result<Vec<Choice>, AppError> {
    Ok(crate::services::org::all_units(state, principal)
        .await?
        .iter()
        .map(|u| Choice {
            value: u.id.to_string(),
            label: u.name.clone(),
        })
        .collect())
}

fn duty_row(ctx: &PageContext, d: &Duty) -> DutyRow {
    DutyRow {
        id: d.id,
        title: d.title.clone(),
        kind: kind_label(ctx, d.kind),
        recurrence: recurrence_label(ctx, d.recurrence),
        next_due: d.next_due.to_string(),
        owner: d.owner_name.clone().unwrap_or_default(),
    }
}

struct Extra {
    form: DutyForm,
    errors: FormErrors,
    new_feed_url: Option<String>,
    status: StatusCode,
}

async fn calendar_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    filters: Filters,
    extra: Extra,
) -> Result<Response, AppError> {
    principal.require(Action::ViewCalendar)?;
    let today = service::today();
    let year = filters.year.unwrap_or(today.year()).clamp(2000, 2100);
    let (from, to) = year_bounds(year).ok_or(AppError::NotFound)?;
    let kind = DutyKind::parse(filters.kind.trim());
    let owner_id = if filters.mine == "on" {
        Some(principal.user_id)
    } else {
        filters.owner.trim().parse::<i64>().ok()
    };
    let query = CalendarQuery {
        from,
        to,
        owner_id,
        include_unowned: false,
        kind,
    };
    let found = service::occurrences(state, principal, ctx.lang, &query).await?;
    let names = month_names(&ctx);
    let mut counts = [0usize; 12];
    let mut months: Vec<MonthGroup> = names
        .iter()
        .map(|name| MonthGroup {
            name: name.clone(),
            rows: Vec::new(),
        })
        .collect();
    for o in &found {
        let index = o.due_on.month0() as usize;
        counts[index] += 1;
        months[index].rows.push(Row {
            due_on: o.due_on.to_string(),
            summary: service::summary(&state.i18n, ctx.lang, o),
            kind: kind_label(&ctx, o.kind),
            owner: o.owner_name.clone().unwrap_or_default(),
            path: o.path.clone(),
        });
    }
    let current = (today.year() == year).then(|| today.month0() as usize);
    let wheel = year_wheel(
        "year-wheel",
        &ctx.t1("calendar-wheel-title", "year", year),
        &ctx.t("calendar-wheel-description"),
        &names,
        &counts,
        current,
    );
    let duties = service::duties(state, principal)
        .await?
        .iter()
        .map(|d| duty_row(&ctx, d))
        .collect();
    let choices = |kinds: &[DutyKind]| {
        kinds
            .iter()
            .map(|k| Choice {
                value: k.as_str().to_owned(),
                label: kind_label(&ctx, *k),
            })
            .collect::<Vec<_>>()
    };
    let page = CalendarPage {
        year,
        wheel,
        months,
        total: found.len(),
        kinds: choices(&DutyKind::ALL),
        own_kinds: choices(&DutyKind::OWN),
        recurrences: Recurrence::ALL
            .iter()
            .map(|r| Choice {
                value: r.as_str().to_owned(),
                label: recurrence_label(&ctx, *r),
            })
            .collect(),
        people: people(state, principal).await?,
        units: units(state, principal).await?,
        duties,
        can_manage: principal.grants.allows_everywhere(Action::ManageCalendar),
        form: extra.form,
        errors: extra.errors,
        feed_created: service::feed_token_created(state, principal)
            .await?
            .map(|at| ctx.time(&at)),
        new_feed_url: extra.new_feed_url,
        filters,
        ctx,
    };
    Ok((extra.status, render(&page)?).into_response())
}

fn new_duty_form() -> DutyForm {
    DutyForm {
        kind: DutyKind::AccessReview.as_str().to_owned(),
        recurrence: Recurrence::Yearly.as_str().to_owned(),
        reminder_days: tillit_domain::calendar::DEFAULT_REMINDER_DAYS.to_string(),
        ..DutyForm::default()
    }
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(filters): QueryParams<Filters>,
) -> Result<Response, AppError> {
    let extra = Extra {
        form: new_duty_form(),
        errors: FormErrors::default(),
        new_feed_url: None,
        status: StatusCode::OK,
    };
    calendar_page(&state, ctx, &principal, filters, extra).await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<DutyForm>,
) -> Result<Response, AppError> {
    principal.require_everywhere(Action::ManageCalendar)?;
    let result = match form.input() {
        Ok(input) => service::create_duty(&state, &principal, &input).await,
        Err(error) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other("/governance/calendar", "calendar-duty-created")),
        Err(AppError::Invalid(errors)) => {
            let extra = Extra {
                errors: FormErrors::from_validation_in(&ctx, &errors, "calendar"),
                form,
                new_feed_url: None,
                status: StatusCode::UNPROCESSABLE_ENTITY,
            };
            calendar_page(&state, ctx, &principal, Filters::default(), extra).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Template)]
#[template(path = "calendar_duty.html")]
struct DutyPage {
    ctx: PageContext,
    id: i64,
    title: String,
    summary: DutyRow,
    description: String,
    unit: String,
    reminder_days: i64,
    version: i64,
    can_manage: bool,
    own_kinds: Vec<Choice>,
    recurrences: Vec<Choice>,
    people: Vec<Choice>,
    units: Vec<Choice>,
    form: DutyForm,
    errors: FormErrors,
}

async fn render_duty(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    duty: Duty,
    form: Option<DutyForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let own_kinds = DutyKind::OWN
        .iter()
        .map(|k| Choice {
            value: k.as_str().to_owned(),
            label: kind_label(&ctx, *k),
        })
        .collect();
    let recurrences = Recurrence::ALL
        .iter()
        .map(|r| Choice {
            value: r.as_str().to_owned(),
            label: recurrence_label(&ctx, *r),
        })
        .collect();
    let page = DutyPage {
        id: duty.id,
        title: duty.title.clone(),
        summary: duty_row(&ctx, &duty),
        description: duty.description.clone(),
        unit: duty.unit_name.clone().unwrap_or_default(),
        reminder_days: duty.reminder_days,
        version: duty.version,
        can_manage: principal.grants.allows_everywhere(Action::ManageCalendar),
        own_kinds,
        recurrences,
        people: people(state, principal).await?,
        units: units(state, principal).await?,
        form: form.unwrap_or_else(|| DutyForm::of(&duty)),
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn duty_page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    let duty = service::duty(&state, &principal, id).await?;
    render_duty(
        &state,
        ctx,
        &principal,
        duty,
        None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<DutyForm>,
) -> Result<Response, AppError> {
    principal.require_everywhere(Action::ManageCalendar)?;
    let version = form
        .version
        .ok_or_else(|| AppError::invalid("version", "required"));
    let result = match (form.input(), version) {
        (Ok(input), Ok(version)) => {
            service::update_duty(&state, &principal, id, version, &input).await
        }
        (Err(error), _) | (_, Err(error)) => Err(error),
    };
    match result {
        Ok(_) => Ok(see_other(
            &format!("/governance/calendar/duties/{id}"),
            "calendar-duty-saved",
        )),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict)) => {
            let duty = service::duty(&state, &principal, id).await?;
            let (errors, status) = match error {
                AppError::Invalid(errors) => (
                    FormErrors::from_validation_in(&ctx, &errors, "calendar"),
                    StatusCode::UNPROCESSABLE_ENTITY,
                ),
                _ => (
                    FormErrors::single(&ctx, "version", "conflict-reload"),
                    StatusCode::CONFLICT,
                ),
            };
            render_duty(&state, ctx, &principal, duty, Some(form), errors, status).await
        }
        Err(other) => Err(other),
    }
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    version: i64,
}

pub async fn done(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    service::mark_done(&state, &principal, id, form.version).await?;
    Ok(see_other(
        &format!("/governance/calendar/duties/{id}"),
        "calendar-duty-done",
    ))
}

pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    service::delete_duty(&state, &principal, id, form.version).await?;
    Ok(see_other("/governance/calendar", "calendar-duty-deleted"))
}

/// Makes a new personal feed address and shows it once.
pub async fn new_feed(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let token = service::new_feed_token(&state, &principal).await?;
    let url = format!("{}/calendar/{token}.ics", base_url(&state, &headers));
    let extra = Extra {
        form: new_duty_form(),
        errors: FormErrors::default(),
        new_feed_url: Some(url),
        status: StatusCode::OK,
    };
    calendar_page(&state, ctx, &principal, Filters::default(), extra).await
}

pub async fn revoke_feed(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Response, AppError> {
    match service::revoke_feed_token(&state, &principal).await {
        Ok(()) | Err(AppError::NotFound) => {
            Ok(see_other("/governance/calendar", "calendar-feed-revoked"))
        }
        Err(other) => Err(other),
    }
}

/// A refusal a calendar client can show: plain text, the same for a token that never
/// existed, was revoked or belongs to someone who may no longer read the calendar.
fn feed_refused() -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "Kalenderflödet finns inte eller har återkallats. Skapa en ny adress på sidan Årshjul i tillit.\n\
         The calendar feed does not exist or has been revoked. Create a new address on the annual cycle page in tillit.\n",
    )
        .into_response()
}

/// `/calendar/{token}.ics`: the personal feed, authenticated by the token in its address.
pub async fn feed(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let Some(token) = file.strip_suffix(".ics").filter(|t| !t.is_empty()) else {
        return Ok(feed_refused());
    };
    let Some(access) = service::feed_access(&state, token).await? else {
        return Ok(feed_refused());
    };
    let name = format!(
        "{} – {}",
        state.i18n.text(access.language, "calendar-feed-name"),
        access.organisation_name
    );
    let request = service::FeedRequest::new(
        access.organisation_id,
        access.user_id,
        &Grants::new(access.assignments),
        access.language,
        name,
        base_url(&state, &headers),
    );
    let body = service::feed(&state, access.audit_head, request).await?;
    Ok(ics_response(body))
}
