//! `/governance/maturity`: the maturity self-assessments (C27), a new assessment, the
//! answer form grouped by level and area with tillit's own suggestions, and the result
//! with its level, feedback and radar chart.

use std::collections::BTreeMap;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::maturity::{Answer, AssessmentInput, Evidence, MaturityFacts, TOP_LEVEL};
use tillit_domain::pagination::PageRequest;
use tillit_domain::ValidationErrors;
use tillit_store::maturity::Assessment;

use super::governance_charts::{radar, Series};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{FormData, IdPath, RepeatedForm};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::maturity::{self as service, Suggestion};
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/governance/maturity", get(list).post(create))
        .route("/governance/maturity/{id}", get(detail).post(answer))
}

pub struct Row {
    id: i64,
    title: String,
    scope: String,
    assessed_on: String,
    status: String,
    level: String,
}

pub struct Choice {
    value: String,
    label: String,
}

/// The radar chart and its figures as a table.
pub struct RadarView {
    svg: String,
    caption: String,
    areas: Vec<String>,
    rows: Vec<(String, Vec<u8>)>,
}

#[derive(Template)]
#[template(path = "maturity.html")]
struct ListPage {
    ctx: PageContext,
    rows: Vec<Row>,
    levels: Vec<(String, String)>,
    radar: Option<RadarView>,
    can_manage: bool,
    scopes: Vec<Choice>,
    form: NewForm,
    errors: FormErrors,
}

#[derive(Debug, Default, Deserialize)]
pub struct NewForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    unit_id: String,
    #[serde(default)]
    assessed_on: String,
}

fn scope_name(ctx: &PageContext, a: &Assessment) -> String {
    a.unit_name
        .clone()
        .unwrap_or_else(|| ctx.t("maturity-scope-organisation"))
}

fn status_label(ctx: &PageContext, a: &Assessment) -> String {
    ctx.t(&format!("maturity-status-{}", a.status.as_str()))
}

fn level_of(a: &Assessment) -> Result<u8, AppError> {
    Ok(match a.status.as_str() {
        "completed" => u8::try_from(a.level).unwrap_or(0),
        _ => service::score(a)?.level,
    })
}

fn level_text(ctx: &PageContext, level: u8) -> String {
    if level == 0 {
        ctx.t("maturity-level-none")
    } else {
        ctx.t1("maturity-level-n", "level", level)
    }
}

/// Per area, the level its questions reach, for each assessment (oldest first).
fn radar_view(
    ctx: &PageContext,
    id: &str,
    assessments: &[Assessment],
) -> Result<Option<RadarView>, AppError> {
    if assessments.is_empty() {
        return Ok(None);
    }
    let content = service::content()?;
    let areas: Vec<String> = content
        .areas()
        .iter()
        .map(|a| a.name.in_language(ctx.lang).to_owned())
        .collect();
    let mut rows = Vec::new();
    for a in assessments {
        let score = service::score(a)?;
        let values: Vec<u8> = score.areas.iter().map(|s| s.level).collect();
        rows.push((format!("{} ({})", a.title, a.assessed_on), values));
    }
    let series: Vec<Series> = rows
        .iter()
        .map(|(name, values)| Series {
            name: name.clone(),
            values: values.clone(),
        })
        .collect();
    let caption = ctx.t("maturity-radar-title");
    let svg = radar(
        id,
        &caption,
        &ctx.t("maturity-radar-description"),
        &areas,
        TOP_LEVEL,
        &series,
    );
    Ok(Some(RadarView {
        svg,
        caption,
        areas,
        rows,
    }))
}

async fn scope_choices(
    state: &AppState,
    ctx: &PageContext,
    principal: &Principal,
) -> Result<Vec<Choice>, AppError> {
    let units = crate::services::org::all_units(state, principal).await?;
    let mut choices = vec![Choice {
        value: String::new(),
        label: ctx.t("maturity-scope-organisation"),
    }];
    choices.extend(
        units
            .iter()
            .filter(|u| u.parent_id.is_none())
            .map(|u| Choice {
                value: u.id.to_string(),
                label: u.name.clone(),
            }),
    );
    Ok(choices)
}

async fn list_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: NewForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let page = service::list(state, principal, PageRequest::parse(Some(1), Some(500))?).await?;
    let mut rows = Vec::new();
    for a in &page.items {
        rows.push(Row {
            id: a.id,
            title: a.title.clone(),
            scope: scope_name(&ctx, a),
            assessed_on: a.assessed_on.to_string(),
            status: status_label(&ctx, a),
            level: level_text(&ctx, level_of(a)?),
        });
    }
    let compared = service::comparison(state, principal, None, 3).await?;
    let levels = service::content()?
        .levels()
        .iter()
        .map(|l| {
            (
                l.name.in_language(ctx.lang).to_owned(),
                l.description.in_language(ctx.lang).to_owned(),
            )
        })
        .collect();
    let page = ListPage {
        radar: radar_view(&ctx, "maturity-radar", &compared)?,
        rows,
        levels,
        can_manage: principal.can(Action::ManageMaturity),
        scopes: scope_choices(state, &ctx, principal).await?,
        form,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    principal.require(Action::ViewMaturity)?;
    let form = NewForm {
        title: service::default_title(&ctx.t("maturity-default-title")),
        ..NewForm::default()
    };
    list_page(
        &state,
        ctx,
        &principal,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<NewForm>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageMaturity)?;
    let mut errors = ValidationErrors::new();
    let assessed_on =
        crate::api::risks::parse_date(&mut errors, "assessed_on", Some(&form.assessed_on));
    let unit_id = match form.unit_id.trim() {
        "" => None,
        raw => raw
            .parse()
            .map_err(|_| errors.add("unit_id", "invalid-choice"))
            .ok(),
    };
    let result = match errors.finish(()) {
        Err(errors) => Err(AppError::Invalid(errors)),
        Ok(()) => {
            let input = AssessmentInput {
                title: &form.title,
                assessed_on,
                unit_id,
            };
            service::create(&state, &principal, &input).await
        }
    };
    match result {
        Ok(created) => Ok(see_other(
            &format!("/governance/maturity/{}", created.id),
            "maturity-created",
        )),
        Err(AppError::Invalid(errors)) => {
            let errors = FormErrors::from_validation_in(&ctx, &errors, "maturity");
            list_page(
                &state,
                ctx,
                &principal,
                form,
                errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            )
            .await
        }
        Err(other) => Err(other),
    }
}

pub struct QuestionView {
    id: String,
    text: String,
    area: String,
    sources: String,
    /// `met`, `not_met` or empty.
    answer: String,
    note: String,
    suggestion: Option<String>,
    suggestion_met: bool,
}

pub struct LevelGroup {
    name: String,
    description: String,
    questions: Vec<QuestionView>,
}

pub struct NextStep {
    text: String,
    advice: String,
    sources: String,
}

pub struct AreaRow {
    name: String,
    level: String,
    met: usize,
    total: usize,
}

#[derive(Template)]
#[template(path = "maturity_assessment.html")]
struct DetailPage {
    ctx: PageContext,
    id: i64,
    title: String,
    scope: String,
    assessed_on: String,
    status: String,
    draft: bool,
    completed_note: String,
    version: i64,
    level: String,
    next_level: String,
    next_steps: Vec<NextStep>,
    areas: Vec<AreaRow>,
    answered: String,
    groups: Vec<LevelGroup>,
    radar: Option<RadarView>,
    can_answer: bool,
    errors: FormErrors,
}

fn evidence_text(ctx: &PageContext, evidence: Evidence, facts: &MaturityFacts) -> String {
    match evidence {
        Evidence::AssetInventory => ctx.t2(
            "maturity-evidence-asset-inventory",
            ("systems", facts.systems),
            ("assets", facts.assets),
        ),
        Evidence::ClassificationShare => ctx.t2(
            "maturity-evidence-classification-share",
            ("percent", facts.classified_percent()),
            ("systems", facts.systems),
        ),
        Evidence::ApprovedRiskAnalyses => ctx.t1(
            "maturity-evidence-approved-risk-analyses",
            "count",
            facts.approved_analyses,
        ),
        Evidence::IncidentsHandled => ctx.t1(
            "maturity-evidence-incidents-handled",
            "count",
            facts.closed_incidents,
        ),
        Evidence::RiskMethod => ctx.t(if facts.risk_method_recorded {
            "maturity-evidence-risk-method-yes"
        } else {
            "maturity-evidence-risk-method-no"
        }),
        Evidence::MeasuresFollowedUp => ctx.t1(
            "maturity-evidence-measures-followed-up",
            "count",
            facts.measure_follow_ups,
        ),
    }
}

async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    assessment: Assessment,
    shown_answers: Option<BTreeMap<String, Answer>>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let content = service::content()?;
    let draft = assessment.status.as_str() == "draft";
    let score = service::score(&assessment)?;
    let reached = if draft {
        score.level
    } else {
        u8::try_from(assessment.level).unwrap_or(0)
    };
    let facts = service::facts(state, principal, assessment.unit_id).await?;
    let suggestions: BTreeMap<String, Suggestion> = service::suggestions(&facts)?;
    let answers = shown_answers.unwrap_or_else(|| assessment.answers.clone());
    let area_name = |id: &str| {
        content
            .areas()
            .iter()
            .find(|a| a.id == id)
            .map(|a| a.name.in_language(ctx.lang).to_owned())
            .unwrap_or_default()
    };
    let groups = content
        .levels()
        .iter()
        .map(|level| LevelGroup {
            name: level.name.in_language(ctx.lang).to_owned(),
            description: level.description.in_language(ctx.lang).to_owned(),
            questions: content
                .questions()
                .iter()
                .filter(|q| q.level == level.number)
                .map(|q| {
                    let given = answers.get(&q.id);
                    let suggestion = suggestions.get(&q.id);
                    QuestionView {
                        id: q.id.clone(),
                        text: q.text.in_language(ctx.lang).to_owned(),
                        area: area_name(&q.area),
                        sources: q.sources.join("; "),
                        answer: given
                            .map(|a| if a.met { "met" } else { "not_met" }.to_owned())
                            .unwrap_or_default(),
                        note: given.map(|a| a.note.clone()).unwrap_or_default(),
                        suggestion: suggestion.map(|s| evidence_text(&ctx, s.evidence, &facts)),
                        suggestion_met: suggestion.is_some_and(|s| s.met),
                    }
                })
                .collect(),
        })
        .collect();
    let next_steps = score
        .next_steps
        .iter()
        .filter_map(|id| content.question(id))
        .map(|q| NextStep {
            text: q.text.in_language(ctx.lang).to_owned(),
            advice: q.advice.in_language(ctx.lang).to_owned(),
            sources: q.sources.join("; "),
        })
        .collect();
    let areas = score
        .areas
        .iter()
        .map(|s| AreaRow {
            name: area_name(&s.area),
            level: level_text(&ctx, s.level),
            met: s.met,
            total: s.total,
        })
        .collect();
    let mut compared = service::comparison(state, principal, assessment.unit_id, 3).await?;
    if draft {
        compared.push(assessment.clone());
    }
    let can_answer = draft
        && principal.can(Action::ManageMaturity)
        && service::save_allowed(state, principal, assessment.unit_id).await?;
    let page = DetailPage {
        id: assessment.id,
        title: assessment.title.clone(),
        scope: scope_name(&ctx, &assessment),
        assessed_on: assessment.assessed_on.to_string(),
        status: status_label(&ctx, &assessment),
        draft,
        completed_note: match (&assessment.completed_at, &assessment.completed_by_label) {
            (Some(at), Some(by)) => {
                ctx.t2("maturity-completed-by", ("time", ctx.time(at)), ("by", by))
            }
            _ => String::new(),
        },
        version: assessment.version,
        level: level_text(&ctx, reached),
        next_level: level_text(&ctx, (reached + 1).min(TOP_LEVEL)),
        next_steps,
        areas,
        answered: ctx.t2(
            "maturity-answered",
            ("answered", score.answered),
            ("total", score.total),
        ),
        groups,
        radar: radar_view(&ctx, "assessment-radar", &compared)?,
        can_answer,
        errors,
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
    let assessment = service::get(&state, &principal, id).await?;
    detail_page(
        &state,
        ctx,
        &principal,
        assessment,
        None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    version: i64,
    #[serde(default)]
    action: String,
}

pub async fn answer(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    RepeatedForm(form, values): RepeatedForm<AnswerForm>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageMaturity)?;
    let content = service::content()?;
    let mut answers = BTreeMap::new();
    for q in content.questions() {
        let note = values
            .first(&format!("note-{}", q.id))
            .unwrap_or_default()
            .trim()
            .to_owned();
        let met = match values
            .first(&format!("answer-{}", q.id))
            .unwrap_or_default()
        {
            "met" => true,
            "not_met" => false,
            _ => continue,
        };
        answers.insert(q.id.clone(), Answer { met, note });
    }
    let saved = service::save_answers(&state, &principal, id, form.version, &answers).await;
    let result = match (saved, form.action.as_str()) {
        (Ok(saved), "complete") => service::complete(&state, &principal, id, saved.version)
            .await
            .map(|_| "maturity-completed"),
        (Ok(_), _) => Ok("maturity-saved"),
        (Err(error), _) => Err(error),
    };
    match result {
        Ok(notice) => Ok(see_other(&format!("/governance/maturity/{id}"), notice)),
        Err(error @ (AppError::Invalid(_) | AppError::Conflict)) => {
            let assessment = service::get(&state, &principal, id).await?;
            let (errors, status) = FormErrors::rejected(&ctx, error, "", "version")?;
            detail_page(
                &state,
                ctx,
                &principal,
                assessment,
                Some(answers),
                errors,
                status,
            )
            .await
        }
        Err(other) => Err(other),
    }
}
