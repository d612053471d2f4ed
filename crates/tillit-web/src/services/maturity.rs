//! Maturity self-assessments (C27) for the pages and the API: who may read and answer
//! them, the scoring, and the suggestions tillit's own data gives.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use chrono::Datelike;
use tillit_domain::auth::Action;
use tillit_domain::maturity::{
    validate_answers, Answer, AssessmentInput, Evidence, MaturityContent, MaturityContentError,
    MaturityFacts, Score,
};
use tillit_domain::pagination::PageRequest;
use tillit_store::maturity::{self as store, Assessment};
use tillit_store::{org, Page};

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

static CONTENT: LazyLock<Result<MaturityContent, MaturityContentError>> =
    LazyLock::new(MaturityContent::builtin);

pub fn content() -> Result<&'static MaturityContent, AppError> {
    CONTENT.as_ref().map_err(AppError::internal)
}

/// Today in Swedish time.
pub fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}

pub async fn list(
    state: &AppState,
    principal: &Principal,
    page: PageRequest,
) -> Result<Page<Assessment>, AppError> {
    principal.require(Action::ViewMaturity)?;
    Ok(store::list(
        &state.db,
        principal.organisation_id,
        &principal.grants.reach(Action::ViewMaturity),
        page.limit(),
        page.offset(),
    )
    .await?)
}

/// The assessment, if the principal may read it: organisation-wide readers read all, a
/// unit reader the assessments of their administration.
pub async fn get(state: &AppState, principal: &Principal, id: i64) -> Result<Assessment, AppError> {
    principal.require(Action::ViewMaturity)?;
    let assessment = store::get(&state.db, principal.organisation_id, id).await?;
    require_at(state, principal, Action::ViewMaturity, assessment.unit_id).await?;
    Ok(assessment)
}

async fn require_at(
    state: &AppState,
    principal: &Principal,
    action: Action,
    unit_id: Option<i64>,
) -> Result<(), AppError> {
    let path = match unit_id {
        Some(unit) => org::unit_path(&state.db, principal.organisation_id, unit).await?,
        None => Vec::new(),
    };
    principal.require_at(action, &path)
}

pub async fn create(
    state: &AppState,
    principal: &Principal,
    input: &AssessmentInput<'_>,
) -> Result<Assessment, AppError> {
    principal.require(Action::ManageMaturity)?;
    let draft = input.validate(today())?;
    require_at(state, principal, Action::ManageMaturity, draft.unit_id).await?;
    Ok(store::create(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?)
}

pub async fn save_answers(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    answers: &BTreeMap<String, Answer>,
) -> Result<Assessment, AppError> {
    principal.require(Action::ManageMaturity)?;
    let current = get(state, principal, id).await?;
    require_at(state, principal, Action::ManageMaturity, current.unit_id).await?;
    validate_answers(content()?, answers)?;
    Ok(store::save_answers(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        answers,
    )
    .await?)
}

pub async fn complete(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
) -> Result<Assessment, AppError> {
    principal.require(Action::ManageMaturity)?;
    let current = get(state, principal, id).await?;
    require_at(state, principal, Action::ManageMaturity, current.unit_id).await?;
    let score = content()?.score(&current.answers);
    Ok(store::complete(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        score.level,
    )
    .await?)
}

pub fn score(assessment: &Assessment) -> Result<Score, AppError> {
    Ok(content()?.score(&assessment.answers))
}

/// What tillit's own data suggests for a question, with the figures behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    pub evidence: Evidence,
    pub met: bool,
}

/// What tillit's data shows for an assessment's scope (the organisation or one
/// administration), for a principal who may read that scope.
pub async fn facts(
    state: &AppState,
    principal: &Principal,
    unit_id: Option<i64>,
) -> Result<MaturityFacts, AppError> {
    require_at(state, principal, Action::ViewMaturity, unit_id).await?;
    Ok(store::facts(&state.db, principal.organisation_id, unit_id).await?)
}

/// The suggestion per question id, for the questions that have evidence.
pub fn suggestions(facts: &MaturityFacts) -> Result<BTreeMap<String, Suggestion>, AppError> {
    Ok(content()?
        .questions()
        .iter()
        .filter_map(|q| {
            let evidence = q.evidence?;
            Some((
                q.id.clone(),
                Suggestion {
                    evidence,
                    met: evidence.suggests_met(facts),
                },
            ))
        })
        .collect())
}

/// The completed assessments to compare in the radar chart: the latest few of the same
/// scope as `assessment` (itself included when completed), oldest first.
pub async fn comparison(
    state: &AppState,
    principal: &Principal,
    unit_id: Option<i64>,
    limit: usize,
) -> Result<Vec<Assessment>, AppError> {
    principal.require(Action::ViewMaturity)?;
    let reach = principal.grants.reach(Action::ViewMaturity);
    let all = store::list(&state.db, principal.organisation_id, &reach, 500, 0).await?;
    let mut picked: Vec<Assessment> = all
        .items
        .into_iter()
        .filter(|a| a.unit_id == unit_id && a.status.as_str() == "completed")
        .take(limit)
        .collect();
    picked.sort_by_key(|a| (a.assessed_on, a.id));
    Ok(picked)
}

/// A title for a new assessment: "Mognadsmätning 2026".
pub fn default_title(prefix: &str) -> String {
    format!("{prefix} {}", today().year())
}

/// Whether the principal may answer and complete assessments of this scope.
pub async fn save_allowed(
    state: &AppState,
    principal: &Principal,
    unit_id: Option<i64>,
) -> Result<bool, AppError> {
    match require_at(state, principal, Action::ManageMaturity, unit_id).await {
        Ok(()) => Ok(true),
        Err(AppError::Forbidden) => Ok(false),
        Err(other) => Err(other),
    }
}
