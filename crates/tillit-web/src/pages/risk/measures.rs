//! The action plan (åtgärdsplan, 9 §): the list of measures with filters, a new measure
//! (also started from a risk or from an unmet protection requirement), one measure with
//! the ten items of the plan, its edit form and its yearly follow-ups.
//!
//! Everyone who reads risk work reads the plan; those who manage risks change it. Every
//! form works without JavaScript.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::pagination::PageRequest;
use tillit_domain::risk::{
    FollowUpInput, MeasureCategory, MeasureFunction, MeasureInput, MeasureStatus, RiskMatrix,
};
use tillit_domain::ValidationErrors;
use tillit_store::risk::{FollowUp, Measure, MeasureFilter, Risk, RiskFilter};

use super::{code_label, level_badge, step_label, step_options, LevelBadge};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, FormValues, IdPath, QueryParams, RepeatedForm};
use crate::filter_params::{self, year_dates};
use crate::pages::picker::{self, Picker, PickerInput, PickerKind};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::classification as classification_service;
use crate::services::incidents as incident_service;
use crate::services::risk::{self as service, MeasureDetail};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/risks/measures", get(list).post(create))
        .route("/risks/measures/new", get(new_form))
        .route("/risks/measures/{id}", get(detail).post(update))
        .route("/risks/measures/{id}/delete", post(delete))
        .route("/risks/measures/{id}/follow-ups", post(follow_up))
}

/// How many risks the risk picker offers.
const RISK_PICKER_LIMIT: i64 = 500;
/// How many people the responsible picker offers.
const PEOPLE_LIMIT: i64 = 2000;

fn date(value: &NaiveDate) -> String {
    value.format("%Y-%m-%d").to_string()
}

fn date_opt(value: &Option<NaiveDate>) -> String {
    value.as_ref().map(date).unwrap_or_default()
}

/// "RA-0001 R3 Obehörig åtkomst": a risk as a picker and the plan name it.
fn risk_label(risk: &Risk) -> String {
    format!("{} {}", risk.reference(), risk.title)
}

/// A measure as a row of the plan.
struct MeasureRow {
    id: i64,
    designation: String,
    title: String,
    risk_count: i64,
    responsible_name: String,
    planned_on: String,
    done_on: String,
    status: &'static str,
    status_label: String,
    residual: Option<LevelBadge>,
}

impl MeasureRow {
    fn new(ctx: &PageContext, measure: Measure, today: NaiveDate) -> Self {
        let status = measure.status(today).as_str();
        MeasureRow {
            status_label: code_label(ctx, "measure-status", status),
            status,
            residual: measure
                .residual_level
                .as_deref()
                .map(|code| level_badge(ctx, code)),
            planned_on: date(&measure.planned_on),
            done_on: date_opt(&measure.done_on),
            id: measure.id,
            designation: measure.designation,
            title: measure.title,
            risk_count: measure.risk_count,
            responsible_name: measure.responsible_name,
        }
    }

    fn late(&self) -> bool {
        self.status == MeasureStatus::Late.as_str()
    }
}

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// `planned`, `late`, `done` or empty for all.
    #[serde(default)]
    status: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    responsible_id: Option<i64>,
    #[serde(default)]
    q: String,
    /// Only the measures for risks of this analysis.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    analysis_id: Option<i64>,
    /// Only the measures for risks of analyses of this unit or below it.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    /// Only those done in this year (the annual report's links).
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    done_year: Option<i32>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    page: Option<u32>,
}

#[derive(Template)]
#[template(path = "measures.html")]
struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    rows: Vec<MeasureRow>,
    total: i64,
    current_page: u32,
    page_count: u32,
    statuses: Vec<(&'static str, String)>,
    people: Vec<(i64, String)>,
    /// The analysis the list is limited to, as "RA-0001 Title".
    analysis: Option<String>,
    can_manage: bool,
}

impl ListPage {
    fn responsible_selected(&self, id: &i64) -> bool {
        self.query.responsible_id == Some(*id)
    }

    fn filter_query(&self) -> String {
        let id = |value: Option<i64>| value.map(|id| id.to_string()).unwrap_or_default();
        let responsible = id(self.query.responsible_id);
        let analysis = id(self.query.analysis_id);
        let unit = id(self.query.unit_id);
        let done_year = self
            .query
            .done_year
            .map(|y| y.to_string())
            .unwrap_or_default();
        serde_urlencoded::to_string([
            ("status", self.query.status.as_str()),
            ("responsible_id", responsible.as_str()),
            ("q", self.query.q.as_str()),
            ("analysis_id", analysis.as_str()),
            ("unit_id", unit.as_str()),
            ("done_year", done_year.as_str()),
        ])
        .unwrap_or_default()
    }

    fn page_link(&self, page: u32) -> String {
        format!("/risks/measures?{}&page={page}", self.filter_query())
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

fn statuses(ctx: &PageContext) -> Vec<(&'static str, String)> {
    MeasureStatus::ALL
        .into_iter()
        .map(|s| (s.as_str(), code_label(ctx, "measure-status", s.as_str())))
        .collect()
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    principal.require(Action::ViewRisks)?;
    let today = service::today();
    let mut filter = MeasureFilter::on(today);
    filter.status = filter_params::choice("status", Some(&query.status), MeasureStatus::parse)?;
    filter.responsible_id = query.responsible_id;
    filter.search = Some(query.q.clone()).filter(|q| !q.trim().is_empty());
    filter.analysis_id = query.analysis_id;
    filter.unit_id = query.unit_id;
    filter.done_in = year_dates("done_year", query.done_year)?;
    let analysis = match query.analysis_id {
        Some(id) => {
            let analysis =
                tillit_store::risk::get_analysis(&state.db, principal.organisation_id, id).await?;
            Some(format!("{} {}", analysis.designation, analysis.title))
        }
        None => None,
    };
    let paging = PageRequest::parse(query.page, None)?;
    let page = service::list_measures(&state, &principal, &filter, paging.limit(), paging.offset())
        .await?;
    let people =
        tillit_store::users::user_choices(&state.db, principal.organisation_id, PEOPLE_LIMIT)
            .await?;
    let rows = page
        .items
        .into_iter()
        .map(|m| MeasureRow::new(&ctx, m, today))
        .collect();
    render(&ListPage {
        statuses: statuses(&ctx),
        ctx,
        query,
        rows,
        total: page.total,
        current_page: paging.page,
        page_count: paging.page_count(page.total),
        people,
        analysis,
        can_manage: principal.can(Action::ManageRisks),
    })
}

/// The fields of a measure as typed, kept when a submission is refused. Numbers and
/// dates stay text so that a bad value is shown again beside its message.
#[derive(Debug, Default, Deserialize)]
pub struct MeasureFields {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    category: String,
    #[serde(default)]
    function: String,
    #[serde(default)]
    residual_likelihood: String,
    #[serde(default)]
    residual_consequence: String,
    #[serde(default)]
    responsible_id: String,
    #[serde(default)]
    planned_on: String,
    #[serde(default)]
    done_on: String,
    #[serde(default)]
    done_note: String,
    /// The unmet requirement a new measure comes from: (object id, requirement code).
    #[serde(default)]
    source_object_id: String,
    #[serde(default)]
    source_requirement_code: String,
    /// The incident case a new measure comes from, and the case's version when the form
    /// was opened: the measure is linked to it.
    #[serde(default)]
    incident_id: String,
    #[serde(default)]
    incident_version: String,
    /// The case's designation and title, shown above the form.
    #[serde(default)]
    incident_label: String,
    #[serde(default)]
    version: i64,
    /// The text typed in the systems picker's search field.
    #[serde(default)]
    system_ids_q: String,
    /// The multi-selects, read from every value sent.
    #[serde(skip)]
    risk_ids: Vec<i64>,
    #[serde(skip)]
    system_ids: Vec<i64>,
}

/// The typed values read as numbers and dates, with what could not be read.
struct Parsed {
    residual_likelihood: Option<i64>,
    residual_consequence: Option<i64>,
    responsible_id: Option<i64>,
    planned_on: Option<NaiveDate>,
    done_on: Option<NaiveDate>,
    category: Option<MeasureCategory>,
    function: Option<MeasureFunction>,
    source: Option<(i64, String)>,
    errors: ValidationErrors,
}

fn number(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<i64> {
    match value.trim() {
        "" => None,
        text => text
            .parse()
            .map_err(|_| errors.add(field, "invalid-type"))
            .ok(),
    }
}

fn day(errors: &mut ValidationErrors, field: &str, value: &str) -> Option<NaiveDate> {
    match value.trim() {
        "" => None,
        text => NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| errors.add(field, "invalid-date"))
            .ok(),
    }
}

fn choice<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    match value.trim() {
        "" => None,
        text => {
            let parsed = parse(text);
            if parsed.is_none() {
                errors.add(field, "invalid-choice");
            }
            parsed
        }
    }
}

impl MeasureFields {
    fn from_measure(measure: &Measure, risks: &[Risk], system_ids: Vec<i64>) -> Self {
        Self {
            title: measure.title.clone(),
            description: measure.description.clone(),
            reason: measure.reason.clone(),
            category: measure.category.clone(),
            function: measure.function.clone(),
            residual_likelihood: measure
                .residual_likelihood
                .map(|v| v.to_string())
                .unwrap_or_default(),
            residual_consequence: measure
                .residual_consequence
                .map(|v| v.to_string())
                .unwrap_or_default(),
            responsible_id: measure.responsible_id.to_string(),
            planned_on: date(&measure.planned_on),
            done_on: date_opt(&measure.done_on),
            done_note: measure.done_note.clone(),
            source_object_id: measure
                .source_object_id
                .map(|v| v.to_string())
                .unwrap_or_default(),
            source_requirement_code: measure.source_requirement_code.clone().unwrap_or_default(),
            version: measure.version,
            system_ids_q: String::new(),
            risk_ids: risks.iter().map(|r| r.id).collect(),
            system_ids,
            ..Self::default()
        }
    }

    /// Reads the multi-selects; an id that is not a number is refused beside its field.
    fn read_lists(&mut self, values: &FormValues, errors: &mut ValidationErrors) {
        for (field, target) in [
            ("risk_ids", &mut self.risk_ids),
            ("system_ids", &mut self.system_ids),
        ] {
            match values.ids(field) {
                Ok(ids) => *target = ids,
                Err(_) => errors.add(field, "invalid-type"),
            }
        }
    }

    fn parse(&self, mut errors: ValidationErrors) -> Parsed {
        let residual_likelihood = number(
            &mut errors,
            "residual_likelihood",
            &self.residual_likelihood,
        );
        let residual_consequence = number(
            &mut errors,
            "residual_consequence",
            &self.residual_consequence,
        );
        let responsible_id = number(&mut errors, "responsible_id", &self.responsible_id);
        let planned_on = day(&mut errors, "planned_on", &self.planned_on);
        let done_on = day(&mut errors, "done_on", &self.done_on);
        let category = choice(
            &mut errors,
            "category",
            &self.category,
            MeasureCategory::parse,
        );
        let function = choice(
            &mut errors,
            "function",
            &self.function,
            MeasureFunction::parse,
        );
        let source_object = number(&mut errors, "source", &self.source_object_id);
        let code = self.source_requirement_code.trim();
        let source = source_object
            .filter(|_| !code.is_empty())
            .map(|object| (object, code.to_owned()));
        Parsed {
            residual_likelihood,
            residual_consequence,
            responsible_id,
            planned_on,
            done_on,
            category,
            function,
            source,
            errors,
        }
    }

    fn input<'a>(&'a self, parsed: &'a Parsed) -> MeasureInput<'a> {
        MeasureInput {
            title: &self.title,
            description: &self.description,
            reason: &self.reason,
            category: parsed.category,
            function: parsed.function,
            risk_ids: &self.risk_ids,
            system_ids: &self.system_ids,
            residual_likelihood: parsed.residual_likelihood,
            residual_consequence: parsed.residual_consequence,
            responsible_id: parsed.responsible_id,
            planned_on: parsed.planned_on,
            done_on: parsed.done_on,
            done_note: &self.done_note,
            source: parsed
                .source
                .as_ref()
                .map(|(object, code)| (*object, code.as_str())),
        }
    }

    fn has_risk(&self, id: &i64) -> bool {
        self.risk_ids.contains(id)
    }

    /// What the systems picker has chosen and typed.
    fn systems(&self) -> PickerInput {
        PickerInput {
            chosen: self.system_ids.clone(),
            query: self.system_ids_q.trim().to_owned(),
        }
    }

    fn is_responsible(&self, id: &i64) -> bool {
        self.responsible_id == id.to_string()
    }

    fn is_likelihood(&self, step: &i64) -> bool {
        self.residual_likelihood == step.to_string()
    }

    fn is_consequence(&self, step: &i64) -> bool {
        self.residual_consequence == step.to_string()
    }

    fn has_source(&self) -> bool {
        !self.source_requirement_code.trim().is_empty()
    }

    /// The incident case a new measure comes from, with the case's version.
    fn incident_origin(&self) -> Option<(i64, i64)> {
        let incident = self.incident_id.trim().parse().ok()?;
        let version = self.incident_version.trim().parse().ok()?;
        Some((incident, version))
    }
}

/// Checks and stores a measure: a new one, or changes to `existing`. Values that could
/// not be read are refused together with everything else the domain finds.
async fn save(
    state: &AppState,
    principal: &Principal,
    form: &MeasureFields,
    parsed: &Parsed,
    existing: Option<i64>,
) -> Result<Measure, AppError> {
    let input = form.input(parsed);
    if !parsed.errors.is_empty() {
        let mut errors = parsed.errors.clone();
        let method = service::method(state, principal).await?;
        if let Err(more) = input.validate(&method.matrix, service::today()) {
            for error in more.0 {
                if !errors.has(&error.field) {
                    errors.0.push(error);
                }
            }
        }
        return Err(AppError::Invalid(errors));
    }
    match (existing, form.incident_origin()) {
        (None, Some((incident, version))) => {
            incident_service::create_measure(state, principal, incident, version, &input).await
        }
        (None, None) => service::create_measure(state, principal, &input).await,
        (Some(id), _) => service::update_measure(state, principal, id, form.version, &input).await,
    }
}

/// A refused form: field errors with the risk module's labels, a stale version as a
/// message at `conflict_field`.
fn rejected(
    ctx: &PageContext,
    error: AppError,
    prefix: &str,
    conflict_field: &str,
) -> Result<(FormErrors, StatusCode), AppError> {
    match error {
        AppError::Invalid(errors) => Ok((
            FormErrors::from_validation_in(ctx, &errors, "risk").prefixed(prefix),
            StatusCode::UNPROCESSABLE_ENTITY,
        )),
        other => FormErrors::rejected(ctx, other, prefix, conflict_field),
    }
}

/// One step of the residual scales: value, "2 – Möjlig" and its definition.
struct StepOption {
    value: i64,
    label: String,
    definition: String,
}

fn steps(ctx: &PageContext, steps: &[tillit_domain::risk::Step]) -> Vec<StepOption> {
    step_options(ctx, steps)
        .into_iter()
        .map(|(value, label, definition)| StepOption {
            label: format!("{value} – {label}"),
            value,
            definition,
        })
        .collect()
}

/// What the measure form offers to choose from.
struct Choices {
    risks: Vec<(i64, String)>,
    systems: Picker,
    people: Vec<(i64, String)>,
    likelihood: Vec<StepOption>,
    consequence: Vec<StepOption>,
    categories: Vec<(&'static str, String)>,
    functions: Vec<(&'static str, String)>,
}

async fn choices(
    state: &AppState,
    ctx: &PageContext,
    principal: &Principal,
    matrix: &RiskMatrix,
    form: &MeasureFields,
    errors: &FormErrors,
) -> Result<Choices, AppError> {
    let systems = Picker::new(
        PickerKind::Systems,
        "",
        "system_ids",
        ctx.t("risk-field-system-ids"),
    )
    .with_hint(ctx.t("measure-systems-hint"))
    .with_error(errors.for_field("system_ids"))
    .filled(state, principal, &form.systems())
    .await?;
    let mut risks: Vec<(i64, String, String, i64)> = service::list_risks(
        state,
        principal,
        &RiskFilter::default(),
        RISK_PICKER_LIMIT,
        0,
    )
    .await?
    .items
    .into_iter()
    .map(|r| {
        let label = format!("{} {}", r.reference(), r.title);
        (r.id, label, r.analysis_designation, r.number)
    })
    .collect();
    risks.sort_by(|a, b| (&a.2, a.3).cmp(&(&b.2, b.3)));
    Ok(Choices {
        risks: risks
            .into_iter()
            .map(|(id, label, _, _)| (id, label))
            .collect(),
        systems,
        people: tillit_store::users::user_choices(
            &state.db,
            principal.organisation_id,
            PEOPLE_LIMIT,
        )
        .await?,
        likelihood: steps(ctx, &matrix.likelihood),
        consequence: steps(ctx, &matrix.consequence),
        categories: MeasureCategory::ALL
            .into_iter()
            .map(|c| (c.as_str(), code_label(ctx, "measure-category", c.as_str())))
            .collect(),
        functions: MeasureFunction::ALL
            .into_iter()
            .map(|f| (f.as_str(), code_label(ctx, "measure-function", f.as_str())))
            .collect(),
    })
}

/// The unmet requirement a measure comes from, as shown.
struct SourceView {
    object_id: i64,
    object_name: String,
    code: String,
    title: String,
}

async fn source_view(
    state: &AppState,
    ctx: &PageContext,
    principal: &Principal,
    object_id: i64,
    code: &str,
) -> Result<SourceView, AppError> {
    let object =
        tillit_store::classification::get_object(&state.db, principal.organisation_id, object_id)
            .await?;
    let title = classification_service::all_requirements(state, principal)
        .await?
        .into_iter()
        .find(|r| r.id == code)
        .map(|r| r.title.in_language(ctx.lang).to_owned())
        .unwrap_or_default();
    Ok(SourceView {
        object_id,
        object_name: object.name,
        code: code.to_owned(),
        title,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    /// A risk the measure is to handle.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    risk: Option<i64>,
    /// A classified object with an unmet requirement, and the requirement's code.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    object: Option<i64>,
    #[serde(default)]
    requirement: String,
    /// An incident case the measure follows from.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    incident: Option<i64>,
}

#[derive(Template)]
#[template(path = "measure_new.html")]
struct NewPage {
    ctx: PageContext,
    form: MeasureFields,
    errors: FormErrors,
    /// Always there; optional so that the fields are shared with the detail page.
    choices: Option<Choices>,
    source: Option<SourceView>,
    /// The risk the form was opened from, as "RA-0001 R3 Title".
    from_risk: Option<String>,
}

impl NewPage {
    /// The incident case the form was opened from: its id and designation.
    fn incident_origin(&self) -> Option<(i64, &str)> {
        self.form
            .incident_origin()
            .map(|(id, _)| (id, self.form.incident_label.as_str()))
    }
}

async fn new_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: MeasureFields,
    errors: FormErrors,
    from_risk: Option<String>,
    status: StatusCode,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    let method = service::method(state, principal).await?;
    let choices = Some(choices(state, &ctx, principal, &method.matrix, &form, &errors).await?);
    let source = match form.source_object_id.trim().parse::<i64>() {
        Ok(object) if form.has_source() => Some(
            source_view(
                state,
                &ctx,
                principal,
                object,
                form.source_requirement_code.trim(),
            )
            .await?,
        ),
        _ => None,
    };
    let page = NewPage {
        ctx,
        form,
        errors,
        choices,
        source,
        from_risk,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<NewQuery>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    let mut form = MeasureFields {
        responsible_id: principal.user_id.to_string(),
        ..MeasureFields::default()
    };
    let mut from_risk = None;
    if let Some(id) = query.risk {
        let detail = service::risk(&state, &principal, id).await?;
        form.risk_ids = vec![detail.risk.id];
        form.system_ids = detail.systems.iter().map(|s| s.id).collect();
        from_risk = Some(risk_label(&detail.risk));
    }
    let code = query.requirement.trim();
    if let (Some(object_id), false) = (query.object, code.is_empty()) {
        let object = tillit_store::classification::get_object(
            &state.db,
            principal.organisation_id,
            object_id,
        )
        .await?;
        if let Some(requirement) = classification_service::all_requirements(&state, &principal)
            .await?
            .into_iter()
            .find(|r| r.id == code)
        {
            form.title = requirement.title.in_language(ctx.lang).to_owned();
            form.description = requirement.description.in_language(ctx.lang).to_owned();
            form.category = requirement.category.as_str().to_owned();
        }
        if let Some(system) = object.system_id {
            if !form.system_ids.contains(&system) {
                form.system_ids.push(system);
            }
        }
        form.source_object_id = object_id.to_string();
        form.source_requirement_code = code.to_owned();
    }
    if let Some(incident) = query.incident {
        let case = incident_service::measure_prefill(&state, &principal, incident).await?;
        form.title = case.title.clone();
        form.description = case.root_cause;
        form.reason = ctx.t1(
            "measure-from-incident-reason",
            "case",
            case.designation.clone(),
        ) + "\n"
            + &case.lessons_learned;
        form.system_ids = case.system_ids;
        form.risk_ids = case.risk_ids;
        form.responsible_id = case.responsible_id.to_string();
        form.incident_id = incident.to_string();
        form.incident_version = case.version.to_string();
        form.incident_label = format!("{} {}", case.designation, case.title);
    }
    new_page(
        &state,
        ctx,
        &principal,
        form,
        FormErrors::default(),
        from_risk,
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    RepeatedForm(mut form, values): RepeatedForm<MeasureFields>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    let mut errors = ValidationErrors::new();
    form.read_lists(&values, &mut errors);
    if picker::searching(&values) {
        let errors = FormErrors::default();
        return new_page(&state, ctx, &principal, form, errors, None, StatusCode::OK).await;
    }
    let parsed = form.parse(errors);
    match save(&state, &principal, &form, &parsed, None).await {
        Ok(_) if form.incident_origin().is_some() => Ok(see_other(
            &format!("/incidents/{}", form.incident_id.trim()),
            "incident-measure-created",
        )),
        Ok(measure) => Ok(see_other(
            &format!("/risks/measures/{}", measure.id),
            "measure-created",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "", "title")?;
            new_page(&state, ctx, &principal, form, errors, None, status).await
        }
    }
}

/// A risk the measure handles, as shown on its page.
struct RiskView {
    id: i64,
    label: String,
    analysis_id: i64,
    level: LevelBadge,
    position: String,
    status: String,
    handled: bool,
}

/// A yearly follow-up as shown.
struct FollowUpView {
    year: i64,
    effect: String,
    still_valid: bool,
    next_step: String,
    recorded: String,
    recorded_by: String,
}

impl FollowUpView {
    fn new(ctx: &PageContext, follow_up: FollowUp) -> Self {
        FollowUpView {
            recorded: ctx.time(&follow_up.recorded_at),
            year: follow_up.year,
            effect: follow_up.effect,
            still_valid: follow_up.still_valid,
            next_step: follow_up.next_step,
            recorded_by: follow_up.recorded_by_label,
        }
    }
}

/// The follow-up form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct FollowUpFields {
    #[serde(default)]
    year: String,
    #[serde(default)]
    effect: String,
    /// A checkbox: present when ticked.
    still_valid: Option<String>,
    #[serde(default)]
    next_step: String,
}

impl FollowUpFields {
    fn fresh() -> Self {
        Self {
            year: service::today().year().to_string(),
            still_valid: Some("on".into()),
            ..Self::default()
        }
    }

    fn still_valid(&self) -> bool {
        self.still_valid.is_some()
    }
}

/// A refused submission on the detail page, shown again beside its form.
enum Refused {
    Nothing,
    Edit(Box<MeasureFields>, FormErrors),
    Delete(FormErrors),
    FollowUp(FollowUpFields, FormErrors),
}

#[derive(Template)]
#[template(path = "measure.html")]
struct DetailPage {
    ctx: PageContext,
    measure: Measure,
    status: &'static str,
    status_label: String,
    category_label: String,
    function_label: String,
    risks: Vec<RiskView>,
    systems: Vec<(i64, String)>,
    residual_likelihood: String,
    residual_consequence: String,
    residual: Option<LevelBadge>,
    source: Option<SourceView>,
    follow_ups: Vec<FollowUpView>,
    can_manage: bool,
    form: MeasureFields,
    errors: FormErrors,
    delete_errors: FormErrors,
    follow_form: FollowUpFields,
    follow_errors: FormErrors,
    /// For the edit form; `None` when the page is read-only.
    choices: Option<Choices>,
}

impl DetailPage {
    fn form_date(&self, value: &NaiveDate) -> String {
        date(value)
    }

    fn late(&self) -> bool {
        self.status == MeasureStatus::Late.as_str()
    }

    fn done(&self) -> bool {
        self.status == MeasureStatus::Done.as_str()
    }

    fn handled_risks(&self) -> Vec<&RiskView> {
        self.risks.iter().filter(|r| r.handled).collect()
    }
}

async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    refused: Refused,
    status: StatusCode,
) -> Result<Response, AppError> {
    let MeasureDetail {
        measure,
        risks,
        may_change: can_manage,
        systems,
        follow_ups,
    } = service::measure(state, principal, id).await?;
    let method = service::method(state, principal).await?;
    let matrix = &method.matrix;
    let today = service::today();
    let measure_status = measure.status(today).as_str();
    let fresh =
        || MeasureFields::from_measure(&measure, &risks, systems.iter().map(|s| s.id).collect());
    let (form, errors, delete_errors, follow_form, follow_errors) = match refused {
        Refused::Nothing => (
            fresh(),
            FormErrors::default(),
            FormErrors::default(),
            FollowUpFields::fresh(),
            FormErrors::default(),
        ),
        Refused::Edit(form, errors) => (
            *form,
            errors,
            FormErrors::default(),
            FollowUpFields::fresh(),
            FormErrors::default(),
        ),
        Refused::Delete(errors) => (
            fresh(),
            FormErrors::default(),
            errors,
            FollowUpFields::fresh(),
            FormErrors::default(),
        ),
        Refused::FollowUp(follow, errors) => (
            fresh(),
            FormErrors::default(),
            FormErrors::default(),
            follow,
            errors,
        ),
    };
    let choices = if can_manage {
        let mut choices = choices(state, &ctx, principal, matrix, &form, &errors).await?;
        // What the measure already names stays choosable even when the list stops short.
        for risk in &risks {
            if !choices.risks.iter().any(|(r, _)| *r == risk.id) {
                choices.risks.push((risk.id, risk_label(risk)));
            }
        }
        if !choices
            .people
            .iter()
            .any(|(p, _)| *p == measure.responsible_id)
        {
            choices
                .people
                .push((measure.responsible_id, measure.responsible_name.clone()));
        }
        Some(choices)
    } else {
        None
    };
    let risk_views = risks
        .iter()
        .map(|risk| RiskView {
            id: risk.id,
            label: risk_label(risk),
            analysis_id: risk.analysis_id,
            level: level_badge(&ctx, &risk.level),
            position: format!(
                "{}, {}",
                step_label(&ctx, &matrix.likelihood, risk.likelihood),
                step_label(&ctx, &matrix.consequence, risk.consequence)
            ),
            status: code_label(&ctx, "measure-risk-status", &risk.status),
            handled: risk.status == "handled",
        })
        .collect();
    let source = match (&measure.source_object_id, &measure.source_requirement_code) {
        (Some(object), Some(code)) => {
            Some(source_view(state, &ctx, principal, *object, code).await?)
        }
        _ => None,
    };
    let page = DetailPage {
        status: measure_status,
        status_label: code_label(&ctx, "measure-status", measure_status),
        category_label: code_label(&ctx, "measure-category", &measure.category),
        function_label: code_label(&ctx, "measure-function", &measure.function),
        risks: risk_views,
        systems: systems
            .iter()
            .map(|s| (s.id, format!("{} {}", s.designation, s.name)))
            .collect(),
        residual_likelihood: measure
            .residual_likelihood
            .map(|v| step_label(&ctx, &matrix.likelihood, v))
            .unwrap_or_default(),
        residual_consequence: measure
            .residual_consequence
            .map(|v| step_label(&ctx, &matrix.consequence, v))
            .unwrap_or_default(),
        residual: measure
            .residual_level
            .as_deref()
            .map(|code| level_badge(&ctx, code)),
        source,
        follow_ups: follow_ups
            .into_iter()
            .map(|f| FollowUpView::new(&ctx, f))
            .collect(),
        can_manage,
        form,
        errors,
        delete_errors,
        follow_form,
        follow_errors,
        choices,
        measure,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    detail_page(
        &state,
        ctx,
        &principal,
        id,
        Refused::Nothing,
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    RepeatedForm(mut form, values): RepeatedForm<MeasureFields>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    // The source is where the measure came from; it is not changed by editing.
    let stored = service::measure(&state, &principal, id).await?.measure;
    form.source_object_id = stored
        .source_object_id
        .map(|v| v.to_string())
        .unwrap_or_default();
    form.source_requirement_code = stored.source_requirement_code.unwrap_or_default();
    let mut errors = ValidationErrors::new();
    form.read_lists(&values, &mut errors);
    if picker::searching(&values) {
        let refused = Refused::Edit(Box::new(form), FormErrors::default());
        return detail_page(&state, ctx, &principal, id, refused, StatusCode::OK).await;
    }
    let parsed = form.parse(errors);
    let (errors, status) = match save(&state, &principal, &form, &parsed, Some(id)).await {
        Ok(_) => return Ok(see_other(&format!("/risks/measures/{id}"), "measure-saved")),
        Err(error) => rejected(&ctx, error, "", "title")?,
    };
    detail_page(
        &state,
        ctx,
        &principal,
        id,
        Refused::Edit(Box::new(form), errors),
        status,
    )
    .await
}

#[derive(Debug, Default, Deserialize)]
pub struct DeleteForm {
    #[serde(default)]
    version: i64,
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<DeleteForm>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    let (errors, status) = match service::delete_measure(&state, &principal, id, form.version).await
    {
        Ok(()) => return Ok(see_other("/risks/measures", "measure-deleted")),
        Err(error) => rejected(&ctx, error, "delete-", "measure")?,
    };
    detail_page(&state, ctx, &principal, id, Refused::Delete(errors), status).await
}

pub async fn follow_up(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<FollowUpFields>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    let mut errors = ValidationErrors::new();
    let year = number(&mut errors, "year", &form.year).map(|y| i32::try_from(y).unwrap_or(0));
    let input = FollowUpInput {
        year,
        effect: &form.effect,
        still_valid: form.still_valid(),
        next_step: &form.next_step,
    };
    let result = if errors.is_empty() {
        service::record_follow_up(&state, &principal, id, &input)
            .await
            .map(|_| ())
    } else {
        // A year that is not a number is refused with whatever else is missing.
        if let Err(more) = input.validate(service::today()) {
            errors
                .0
                .extend(more.0.into_iter().filter(|e| e.field != "year"));
        }
        Err(AppError::Invalid(errors))
    };
    let (errors, status) = match result {
        Ok(()) => {
            return Ok(see_other(
                &format!("/risks/measures/{id}"),
                "measure-followed-up",
            ))
        }
        Err(error) => rejected(&ctx, error, "follow-", "effect")?,
    };
    detail_page(
        &state,
        ctx,
        &principal,
        id,
        Refused::FollowUp(form, errors),
        status,
    )
    .await
}
