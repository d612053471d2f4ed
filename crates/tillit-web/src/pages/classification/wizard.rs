//! The classification wizard: guiding questions and consequence descriptions per
//! aspect, a suggested level from the answers, and approval as a new version.
//!
//! One page, one form, no JavaScript needed: "suggest" sends the answers and comes back
//! with the levels they point at; "approve" validates and stores the classification.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::{NaiveDate, Utc};
use serde::Deserialize;
use tillit_domain::classification::{
    default_next_review, level_field, reason_field, Aspect, ClassificationInput, Level, Levels,
    Reasons,
};
use tillit_domain::ValidationErrors;
use tillit_store::classification::Subject;

use super::{protection_analysis_note, text};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, QueryParams};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::classification::{self as service, Target};
use crate::state::AppState;

/// `?asset_id=`, `?system_id=` or `?object_id=`: what to classify.
#[derive(Debug, Default, Deserialize)]
pub struct SubjectQuery {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    asset_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    system_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    object_id: Option<i64>,
}

impl SubjectQuery {
    fn subject(&self) -> Result<Subject, AppError> {
        Subject::from_ids(self.asset_id, self.system_id, self.object_id).ok_or(AppError::NotFound)
    }
}

/// The wizard's fields as typed: levels, reasons and answers by field name.
#[derive(Debug, Default)]
struct WizardForm {
    fields: Vec<(String, String)>,
}

impl WizardForm {
    fn get(&self, name: &str) -> &str {
        self.fields
            .iter()
            .find(|(field, _)| field == name)
            .map_or("", |(_, value)| value.trim())
    }

    fn set(&mut self, name: &str, value: String) {
        self.fields.retain(|(field, _)| field != name);
        self.fields.push((name.to_owned(), value));
    }

    /// The form for a first visit: the current levels and reasons, or the levels the
    /// assets give a system; participants and review date blank and one year ahead.
    fn initial(target: &Target, derived: Option<&Levels>, reasons: Option<&Reasons>) -> Self {
        let mut form = WizardForm::default();
        let current = target.object.as_ref().and_then(|o| o.levels());
        if let Some(levels) = current.as_ref().or(derived) {
            for aspect in Aspect::ALL {
                if let Some(level) = levels.get(aspect) {
                    form.set(&level_field(aspect), level.to_string());
                }
            }
        }
        if let Some(reasons) = reasons {
            for aspect in Aspect::ALL {
                form.set(&reason_field(aspect), reasons.get(aspect).to_owned());
            }
        }
        if let Some(object) = &target.object {
            form.set("version", object.version.to_string());
        }
        form.set(
            "next_review",
            default_next_review(Utc::now().date_naive()).to_string(),
        );
        form
    }

    /// The typed values for the service; a level or date that is not even a number or
    /// date is reported here, by field.
    fn input(&self, errors: &mut ValidationErrors) -> ClassificationInput {
        let mut level = |aspect: Aspect| {
            let field = level_field(aspect);
            match self.get(&field) {
                "" => None,
                value => value.parse::<i64>().map(Some).unwrap_or_else(|_| {
                    errors.add(&field, "level-range");
                    None
                }),
            }
        };
        let (level_k, level_r, level_t, level_s) = (
            level(Aspect::Confidentiality),
            level(Aspect::Integrity),
            level(Aspect::Availability),
            level(Aspect::Traceability),
        );
        let next_review = match self.get("next_review") {
            "" => None,
            value => NaiveDate::parse_from_str(value, "%Y-%m-%d")
                .map(Some)
                .unwrap_or_else(|_| {
                    errors.add("next_review", "invalid-date");
                    None
                }),
        };
        let reason = |aspect: Aspect| self.get(&reason_field(aspect)).to_owned();
        ClassificationInput {
            level_k,
            level_r,
            level_t,
            level_s,
            reason_k: reason(Aspect::Confidentiality),
            reason_r: reason(Aspect::Integrity),
            reason_t: reason(Aspect::Availability),
            reason_s: reason(Aspect::Traceability),
            participants: self.get("participants").to_owned(),
            next_review,
        }
    }

    fn expected_version(&self) -> Option<i64> {
        self.get("version").parse().ok()
    }

    /// Sets each aspect's level to the highest answer given to its questions, never
    /// below what the assets give a system.
    fn apply_suggestions(&mut self, derived: Option<&Levels>) -> Result<(), AppError> {
        let catalogue = service::catalogue()?;
        for aspect in Aspect::ALL {
            let answered = catalogue
                .questions(aspect)
                .filter_map(|q| self.get(&answer_field(&q.id)).parse::<u8>().ok())
                .filter_map(Level::new);
            let floor = derived.and_then(|d| d.get(aspect));
            if let Some(level) = answered.chain(floor).max() {
                self.set(&level_field(aspect), level.to_string());
            }
        }
        Ok(())
    }
}

fn answer_field(question_id: &str) -> String {
    format!("q_{question_id}")
}

/// One answer to a guiding question, as a radio button.
struct OptionView {
    level: u8,
    text: String,
    checked: bool,
}

struct QuestionView {
    field: String,
    text: String,
    options: Vec<OptionView>,
}

/// One level of the scale for one aspect: its name and what a loss means in care.
struct LevelView {
    level: u8,
    name: String,
    consequence: String,
    checked: bool,
    /// Below the level the assets give a system: not allowed.
    below_floor: bool,
}

struct AspectView {
    code: String,
    level_field: String,
    reason_field: String,
    name: String,
    definition: String,
    optional: bool,
    questions: Vec<QuestionView>,
    levels: Vec<LevelView>,
    /// For a system: the level the classified assets give.
    floor: Option<u8>,
    reason: String,
    /// No level chosen (only Spårbarhet may stay so).
    unset: bool,
}

fn aspect_views(
    ctx: &PageContext,
    form: &WizardForm,
    derived: Option<&Levels>,
) -> Result<Vec<AspectView>, AppError> {
    let catalogue = service::catalogue()?;
    Ok(Aspect::ALL
        .into_iter()
        .map(|aspect| {
            let definition = catalogue.aspect(aspect);
            let chosen = form.get(&level_field(aspect));
            let floor = derived.and_then(|d| d.get(aspect)).map(Level::get);
            let questions = catalogue
                .questions(aspect)
                .map(|question| {
                    let field = answer_field(&question.id);
                    let answer = form.get(&field);
                    QuestionView {
                        text: text(ctx, &question.text),
                        options: question
                            .options
                            .iter()
                            .map(|option| OptionView {
                                level: option.level.get(),
                                text: text(ctx, &option.text),
                                checked: answer == option.level.to_string(),
                            })
                            .collect(),
                        field,
                    }
                })
                .collect();
            let levels = Level::ALL
                .into_iter()
                .map(|level| LevelView {
                    level: level.get(),
                    name: text(ctx, &catalogue.level(level).name),
                    consequence: text(ctx, &definition.consequence(level).text),
                    checked: chosen == level.to_string(),
                    below_floor: floor.is_some_and(|f| level.get() < f),
                })
                .collect();
            AspectView {
                code: aspect.as_str().to_ascii_lowercase(),
                level_field: level_field(aspect),
                reason_field: reason_field(aspect),
                name: text(ctx, &definition.name),
                definition: text(ctx, &definition.definition),
                optional: aspect.is_optional(),
                questions,
                levels,
                floor,
                reason: form.get(&reason_field(aspect)).to_owned(),
                unset: chosen.is_empty(),
            }
        })
        .collect())
}

#[derive(Template)]
#[template(path = "classification_wizard.html")]
struct WizardPage {
    ctx: PageContext,
    target: Target,
    subject_field: &'static str,
    subject_id: i64,
    aspects: Vec<AspectView>,
    derived: Option<String>,
    version: String,
    participants: String,
    next_review: String,
    protection_analysis_note: String,
    errors: FormErrors,
    suggested: bool,
}

/// How the page answers a submission: refused fields, or levels just suggested.
struct Feedback {
    errors: FormErrors,
    status: StatusCode,
    suggested: bool,
}

impl Feedback {
    fn none() -> Self {
        Self {
            errors: FormErrors::default(),
            status: StatusCode::OK,
            suggested: false,
        }
    }
}

async fn wizard_page(
    ctx: PageContext,
    principal: &Principal,
    target: Target,
    form: WizardForm,
    derived: Option<Levels>,
    feedback: Feedback,
) -> Result<Response, AppError> {
    if !target.may_classify(principal) {
        return Err(AppError::Forbidden);
    }
    let aspects = aspect_views(&ctx, &form, derived.as_ref())?;
    let protection_analysis_note = protection_analysis_note(&ctx)?;
    let subject = match &target.object {
        Some(object) if target.register_path.is_none() => Subject::Object(object.id),
        _ => target.subject,
    };
    let (subject_field, subject_id) = subject.field();
    let page = WizardPage {
        version: form.get("version").to_owned(),
        participants: form.get("participants").to_owned(),
        next_review: form.get("next_review").to_owned(),
        derived: derived.map(|d| d.to_string()),
        aspects,
        protection_analysis_note,
        subject_field,
        subject_id,
        target,
        errors: feedback.errors,
        suggested: feedback.suggested,
        ctx,
    };
    Ok((feedback.status, render(&page)?).into_response())
}

pub async fn form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<SubjectQuery>,
) -> Result<Response, AppError> {
    let target = service::target(&state, &principal, query.subject()?).await?;
    let derived = service::derived_levels(&state, &principal, &target).await?;
    let latest_reasons = match &target.object {
        Some(object) if object.current_version > 0 => {
            service::versions(&state, &principal, object.id)
                .await?
                .first()
                .map(|v| v.reasons())
        }
        _ => None,
    };
    let form = WizardForm::initial(&target, derived.as_ref(), latest_reasons.as_ref());
    wizard_page(ctx, &principal, target, form, derived, Feedback::none()).await
}

pub async fn submit(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(fields): FormData<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let mut form = WizardForm { fields };
    let query = SubjectQuery {
        asset_id: form.get("asset_id").parse().ok(),
        system_id: form.get("system_id").parse().ok(),
        object_id: form.get("object_id").parse().ok(),
    };
    let target = service::target(&state, &principal, query.subject()?).await?;
    if form.get("action") == "suggest" {
        let derived = service::derived_levels(&state, &principal, &target).await?;
        form.apply_suggestions(derived.as_ref())?;
        return wizard_page(
            ctx,
            &principal,
            target,
            form,
            derived,
            Feedback {
                suggested: true,
                ..Feedback::none()
            },
        )
        .await;
    }
    let mut typing_errors = ValidationErrors::new();
    let input = form.input(&mut typing_errors);
    let result = if typing_errors.is_empty() {
        service::approve(&state, &principal, &target, form.expected_version(), &input).await
    } else {
        Err(AppError::Invalid(typing_errors))
    };
    match result {
        Ok((object, _)) => Ok(see_other(
            &format!("/classification/{}", object.id),
            "classification-approved",
        )),
        Err(error) => {
            let (errors, status) = FormErrors::rejected(&ctx, error, "", "participants")?;
            let feedback = Feedback {
                errors,
                status,
                suggested: false,
            };
            let derived = service::derived_levels(&state, &principal, &target).await?;
            wizard_page(ctx, &principal, target, form, derived, feedback).await
        }
    }
}
