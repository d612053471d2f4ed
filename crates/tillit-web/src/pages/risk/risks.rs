//! One risk: describing it (from scratch or from the sector catalogue), assessing
//! likelihood and consequence against the matrix, deciding its treatment, and the
//! measures that handle it.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::risk::{CatalogueRisk, RiskInput, Treatment, TreatmentInput};

use super::{code_label, level_badge, rejected, step_label, step_options, LevelBadge};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams, RepeatedForm};
use crate::pages::picker::{self, Picker, PickerInput, PickerKind};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::risk as service;
use crate::state::AppState;
use crate::time::format_local;

/// The risk form as typed; affected systems come as a repeated field.
#[derive(Debug, Default, Deserialize)]
pub struct RiskForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    threat: String,
    #[serde(default)]
    vulnerability: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    likelihood: Option<i64>,
    #[serde(default)]
    likelihood_reason: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    consequence: Option<i64>,
    #[serde(default)]
    consequence_reason: String,
    #[serde(default)]
    catalogue_id: String,
    #[serde(default)]
    version: i64,
    #[serde(skip)]
    systems: PickerInput,
    /// Sent with the picker's search button: shown again, not saved.
    #[serde(skip)]
    searching: bool,
}

impl RiskForm {
    fn input(&self) -> RiskInput<'_> {
        RiskInput {
            title: &self.title,
            description: &self.description,
            threat: &self.threat,
            vulnerability: &self.vulnerability,
            consequence: self.consequence,
            consequence_reason: &self.consequence_reason,
            likelihood: self.likelihood,
            likelihood_reason: &self.likelihood_reason,
            system_ids: &self.systems.chosen,
            catalogue_id: Some(self.catalogue_id.as_str()).filter(|id| !id.is_empty()),
        }
    }

    fn read(form: RepeatedForm<RiskForm>) -> Result<Self, AppError> {
        let RepeatedForm(mut form, values) = form;
        form.systems = PickerInput::read(&values, "system_ids")?;
        form.searching = picker::searching(&values);
        Ok(form)
    }

    fn from_catalogue(ctx: &PageContext, risk: &CatalogueRisk) -> Self {
        Self {
            title: risk.title.in_language(ctx.lang).to_owned(),
            description: risk.description.in_language(ctx.lang).to_owned(),
            threat: risk.threat.in_language(ctx.lang).to_owned(),
            vulnerability: risk.vulnerability.in_language(ctx.lang).to_owned(),
            consequence_reason: risk.consequence.in_language(ctx.lang).to_owned(),
            catalogue_id: risk.id.clone(),
            ..Self::default()
        }
    }

    fn from_risk(risk: &tillit_store::risk::Risk, system_ids: Vec<i64>) -> Self {
        Self {
            title: risk.title.clone(),
            description: risk.description.clone(),
            threat: risk.threat.clone(),
            vulnerability: risk.vulnerability.clone(),
            likelihood: Some(risk.likelihood),
            likelihood_reason: risk.likelihood_reason.clone(),
            consequence: Some(risk.consequence),
            consequence_reason: risk.consequence_reason.clone(),
            catalogue_id: risk.catalogue_id.clone().unwrap_or_default(),
            version: risk.version,
            systems: PickerInput::chosen(system_ids),
            searching: false,
        }
    }

    fn is_likelihood(&self, value: &i64) -> bool {
        self.likelihood == Some(*value)
    }

    fn is_consequence(&self, value: &i64) -> bool {
        self.consequence == Some(*value)
    }
}

/// What the risk form offers: the matrix's steps with their definitions, and systems.
pub struct RiskChoices {
    likelihood: Vec<(i64, String, String)>,
    consequence: Vec<(i64, String, String)>,
    systems: Picker,
}

async fn risk_choices(
    state: &AppState,
    ctx: &PageContext,
    principal: &Principal,
    form: &RiskForm,
    errors: &FormErrors,
) -> Result<RiskChoices, AppError> {
    let method = service::method(state, principal).await?;
    let systems = Picker::new(
        PickerKind::Systems,
        "",
        "system_ids",
        ctx.t("risk-field-system-ids"),
    )
    .with_error(errors.for_field("system_ids"))
    .filled(state, principal, &form.systems)
    .await?;
    Ok(RiskChoices {
        likelihood: step_options(ctx, &method.matrix.likelihood),
        consequence: step_options(ctx, &method.matrix.consequence),
        systems,
    })
}

#[derive(Template)]
#[template(path = "risk_new.html")]
struct NewPage {
    ctx: PageContext,
    analysis_id: i64,
    analysis_title: String,
    form: RiskForm,
    choices: RiskChoices,
    errors: FormErrors,
}

async fn new_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    analysis_id: i64,
    form: RiskForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    let detail = service::analysis(state, principal, analysis_id).await?;
    principal.require_at(Action::ManageRisks, &detail.unit_path)?;
    let page = NewPage {
        analysis_id,
        analysis_title: format!("{} {}", detail.analysis.designation, detail.analysis.title),
        choices: risk_choices(state, &ctx, principal, &form, &errors).await?,
        form,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Debug, Default, Deserialize)]
pub struct NewQuery {
    /// A sector catalogue risk to start from.
    #[serde(default)]
    catalogue: String,
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(analysis_id): IdPath,
    QueryParams(query): QueryParams<NewQuery>,
) -> Result<Response, AppError> {
    let form = match query.catalogue.as_str() {
        "" => RiskForm::default(),
        id => {
            let risk = service::content()?
                .catalogue_risk(id)
                .ok_or_else(|| AppError::invalid("catalogue", "unknown-reference"))?;
            RiskForm::from_catalogue(&ctx, risk)
        }
    };
    let detail = service::analysis(&state, &principal, analysis_id).await?;
    let form = RiskForm {
        systems: PickerInput::chosen(detail.systems.iter().map(|s| s.id).collect()),
        ..form
    };
    new_page(
        &state,
        ctx,
        &principal,
        analysis_id,
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
    IdPath(analysis_id): IdPath,
    form: RepeatedForm<RiskForm>,
) -> Result<Response, AppError> {
    let form = RiskForm::read(form)?;
    if form.searching {
        let errors = FormErrors::default();
        return new_page(
            &state,
            ctx,
            &principal,
            analysis_id,
            form,
            errors,
            StatusCode::OK,
        )
        .await;
    }
    match service::create_risk(&state, &principal, analysis_id, &form.input()).await {
        Ok(risk) => Ok(see_other(&format!("/risks/{}", risk.id), "risk-created")),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "title")?;
            new_page(&state, ctx, &principal, analysis_id, form, errors, status).await
        }
    }
}

/// The treatment form as typed.
#[derive(Debug, Default, Deserialize)]
pub struct TreatmentForm {
    #[serde(default)]
    treatment: String,
    #[serde(default)]
    justification: String,
    #[serde(default)]
    version: i64,
}

pub struct MeasureLine {
    id: i64,
    designation: String,
    title: String,
    state: String,
    residual: Option<LevelBadge>,
}

pub struct SuggestedMeasure {
    title: String,
    reason: String,
    kind: String,
}

#[derive(Template)]
#[template(path = "risk.html")]
struct DetailPage {
    ctx: PageContext,
    risk: tillit_store::risk::Risk,
    level: LevelBadge,
    residual: Option<LevelBadge>,
    likelihood: String,
    consequence: String,
    residual_position: String,
    treatment: String,
    status: String,
    decided: String,
    systems: Vec<(i64, String)>,
    measures: Vec<MeasureLine>,
    suggested: Vec<SuggestedMeasure>,
    treatments: Vec<(&'static str, String)>,
    form: RiskForm,
    treatment_form: TreatmentForm,
    choices: Option<RiskChoices>,
    errors: FormErrors,
    can_manage: bool,
    draft: bool,
}

#[allow(clippy::too_many_arguments)]
async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    form: Option<RiskForm>,
    treatment_form: Option<TreatmentForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let detail = service::risk(state, principal, id).await?;
    let method = service::method(state, principal).await?;
    let can_manage = principal
        .grants
        .allows_at(Action::ManageRisks, &detail.unit_path);
    let risk = detail.risk;
    let draft = risk.analysis_status == "draft";
    let form = form.unwrap_or_else(|| {
        RiskForm::from_risk(&risk, detail.systems.iter().map(|s| s.id).collect())
    });
    let choices = if can_manage && draft {
        Some(risk_choices(state, &ctx, principal, &form, &errors).await?)
    } else {
        None
    };
    let today = service::today();
    let suggested = risk
        .catalogue_id
        .as_deref()
        .and_then(|id| service::content().ok()?.catalogue_risk(id))
        .map(|c| {
            c.measures
                .iter()
                .map(|m| SuggestedMeasure {
                    title: m.title.in_language(ctx.lang).to_owned(),
                    reason: m.reason.in_language(ctx.lang).to_owned(),
                    kind: format!(
                        "{}, {}",
                        code_label(&ctx, "measure-category", m.category.as_str()),
                        code_label(&ctx, "measure-function", m.function.as_str())
                    ),
                })
                .collect()
        })
        .unwrap_or_default();
    let page = DetailPage {
        level: level_badge(&ctx, &risk.level),
        residual: risk.residual_level.as_deref().map(|l| level_badge(&ctx, l)),
        likelihood: step_label(&ctx, &method.matrix.likelihood, risk.likelihood),
        consequence: step_label(&ctx, &method.matrix.consequence, risk.consequence),
        residual_position: match (risk.residual_likelihood, risk.residual_consequence) {
            (Some(l), Some(c)) => format!(
                "{} / {}",
                step_label(&ctx, &method.matrix.likelihood, l),
                step_label(&ctx, &method.matrix.consequence, c)
            ),
            _ => String::new(),
        },
        treatment: risk
            .treatment
            .as_deref()
            .map(|t| code_label(&ctx, "risk-treatment", t))
            .unwrap_or_else(|| ctx.t("risk-treatment-none")),
        status: code_label(&ctx, "risk-status", &risk.status),
        decided: match (&risk.decided_by_label, &risk.decided_at) {
            (Some(by), Some(at)) => format!("{by}, {}", format_local(at)),
            _ => String::new(),
        },
        systems: detail
            .systems
            .iter()
            .map(|s| (s.id, format!("{} {}", s.designation, s.name)))
            .collect(),
        measures: detail
            .measures
            .iter()
            .map(|m| MeasureLine {
                id: m.id,
                designation: m.designation.clone(),
                title: m.title.clone(),
                state: match m.done_on {
                    Some(done) => ctx.t1("risk-measure-done-on", "date", done),
                    None if m.planned_on < today => {
                        ctx.t1("risk-measure-late-since", "date", m.planned_on)
                    }
                    None => ctx.t1("risk-measure-planned-on", "date", m.planned_on),
                },
                residual: m.residual_level.as_deref().map(|l| level_badge(&ctx, l)),
            })
            .collect(),
        suggested,
        treatments: Treatment::ALL
            .into_iter()
            .map(|t| (t.as_str(), code_label(&ctx, "risk-treatment", t.as_str())))
            .collect(),
        form,
        treatment_form: treatment_form.unwrap_or_else(|| TreatmentForm {
            treatment: risk.treatment.clone().unwrap_or_default(),
            justification: risk.treatment_reason.clone(),
            version: risk.version,
        }),
        choices,
        errors,
        can_manage,
        draft,
        risk,
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
        None,
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
    form: RepeatedForm<RiskForm>,
) -> Result<Response, AppError> {
    let form = RiskForm::read(form)?;
    if form.searching {
        let errors = FormErrors::default();
        let form = Some(form);
        return detail_page(
            &state,
            ctx,
            &principal,
            id,
            form,
            None,
            errors,
            StatusCode::OK,
        )
        .await;
    }
    match service::update_risk(&state, &principal, id, form.version, &form.input()).await {
        Ok(_) => Ok(see_other(&format!("/risks/{id}"), "risk-saved")),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "title")?;
            detail_page(
                &state,
                ctx,
                &principal,
                id,
                Some(form),
                None,
                errors,
                status,
            )
            .await
        }
    }
}

pub async fn treatment(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<TreatmentForm>,
) -> Result<Response, AppError> {
    let input = TreatmentInput {
        treatment: Treatment::parse(&form.treatment),
        justification: &form.justification,
    };
    match service::decide_treatment(&state, &principal, id, form.version, &input).await {
        Ok(_) => Ok(see_other(&format!("/risks/{id}"), "risk-treatment-decided")),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "treatment")?;
            detail_page(
                &state,
                ctx,
                &principal,
                id,
                None,
                Some(form),
                errors,
                status,
            )
            .await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct DeleteForm {
    version: i64,
}

pub async fn delete(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<DeleteForm>,
) -> Result<Response, AppError> {
    let analysis_id = service::risk(&state, &principal, id)
        .await?
        .risk
        .analysis_id;
    match service::delete_risk(&state, &principal, id, form.version).await {
        Ok(()) => Ok(see_other(
            &format!("/risks/analyses/{analysis_id}"),
            "risk-deleted",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "risk")?;
            detail_page(&state, ctx, &principal, id, None, None, errors, status).await
        }
    }
}
