//! The sector risk catalogue: typical information-security risks in health and social
//! care with suggested measures, as a starting point for the organisation's analyses.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::classification::Aspect;
use tillit_store::risk::AnalysisFilter;

use super::code_label;
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, QueryParams};
use crate::pages::{render, PageContext};
use crate::services::classification as classification_service;
use crate::services::risk as service;
use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/risks/catalogue", get(page))
        .route("/risks/catalogue/start", get(start))
}

/// How many analyses the "start a risk" pickers consider.
const ANALYSIS_LIMIT: i64 = 500;

/// A suggested measure as shown.
struct MeasureView {
    title: String,
    reason: String,
    category: String,
    function: String,
    iso27002: String,
}

/// A catalogue risk as shown.
struct RiskView {
    id: String,
    title: String,
    description: String,
    threat: String,
    vulnerability: String,
    consequence: String,
    aspects: String,
    sources: Vec<String>,
    measures: Vec<MeasureView>,
}

/// The aspect's name from the classification content, e.g. "Tillgänglighet".
fn aspect_name(ctx: &PageContext, aspect: Aspect) -> String {
    classification_service::catalogue()
        .map(|catalogue| {
            catalogue
                .aspect(aspect)
                .name
                .in_language(ctx.lang)
                .to_owned()
        })
        .unwrap_or_else(|_| aspect.as_str().to_owned())
}

#[derive(Template)]
#[template(path = "risk_catalogue.html")]
struct CataloguePage {
    ctx: PageContext,
    risks: Vec<RiskView>,
    /// Draft analyses a catalogue risk can be started in: (id, "RA-0001 Title").
    drafts: Vec<(i64, String)>,
    can_manage: bool,
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    principal.require(Action::ViewRisks)?;
    let can_manage = principal.can(Action::ManageRisks);
    let drafts = if can_manage {
        service::list_analyses(
            &state,
            &principal,
            &AnalysisFilter::default(),
            ANALYSIS_LIMIT,
            0,
        )
        .await?
        .items
        .into_iter()
        .filter(|a| a.is_draft())
        .map(|a| (a.id, format!("{} {}", a.designation, a.title)))
        .collect()
    } else {
        Vec::new()
    };
    let lang = ctx.lang;
    let risks = service::content()?
        .catalogue()
        .iter()
        .map(|risk| RiskView {
            id: risk.id.clone(),
            title: risk.title.in_language(lang).to_owned(),
            description: risk.description.in_language(lang).to_owned(),
            threat: risk.threat.in_language(lang).to_owned(),
            vulnerability: risk.vulnerability.in_language(lang).to_owned(),
            consequence: risk.consequence.in_language(lang).to_owned(),
            aspects: risk
                .aspects
                .iter()
                .map(|a| aspect_name(&ctx, *a))
                .collect::<Vec<_>>()
                .join(", "),
            sources: risk.sources.clone(),
            measures: risk
                .measures
                .iter()
                .map(|m| MeasureView {
                    title: m.title.in_language(lang).to_owned(),
                    reason: m.reason.in_language(lang).to_owned(),
                    category: code_label(&ctx, "measure-category", m.category.as_str()),
                    function: code_label(&ctx, "measure-function", m.function.as_str()),
                    iso27002: m.iso27002.join(", "),
                })
                .collect(),
        })
        .collect();
    render(&CataloguePage {
        ctx,
        risks,
        drafts,
        can_manage,
    })
}

#[derive(Debug, Default, Deserialize)]
pub struct StartQuery {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    analysis: Option<i64>,
    #[serde(default)]
    catalogue: String,
}

/// The "start a risk from the catalogue" form: on to the new-risk form of the chosen
/// analysis, filled in from the catalogue risk.
pub async fn start(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<StartQuery>,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    let risk = service::content()?
        .catalogue_risk(query.catalogue.trim())
        .ok_or_else(|| AppError::invalid("catalogue", "unknown-reference"))?;
    let analysis = query
        .analysis
        .ok_or_else(|| AppError::invalid("analysis", "required"))?;
    // An analysis of another organisation is simply not found; one outside the user's
    // units is refused.
    let detail = service::analysis(&state, &principal, analysis).await?;
    principal.require_at(Action::ManageRisks, &detail.unit_path)?;
    let query = serde_urlencoded::to_string([("catalogue", risk.id.as_str())])
        .map_err(AppError::internal)?;
    Ok(Redirect::to(&format!("/risks/analyses/{analysis}/risks?{query}")).into_response())
}
