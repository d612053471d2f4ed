//! Risk analysis and action plans: the method, analyses and their approved versions,
//! risks and their treatment, measures and their follow-up, and the management views.
//!
//! Everyone but employees reads risk work. Those who run analyses (coordinators,
//! information owners, heads of operations, NIS assessors, administrators) change it;
//! information owners and heads of operations approve (fastställer) analyses; only
//! information owners accept a risk; administrators and coordinators record the method.

use std::sync::LazyLock;

use chrono::{NaiveDate, Utc};
use tillit_domain::auth::Action;
use tillit_domain::risk::{
    AnalysisInput, FollowUpInput, MeasureInput, MethodInput, RiskContent, RiskContentError,
    RiskInput, RiskMatrix, TreatmentInput,
};
use tillit_store::registers::SystemRef;
use tillit_store::risk::{
    self as store, Analysis, AnalysisFilter, AnalysisSnapshot, AnalysisVersion,
    AnalysisVersionSummary, FollowUp, HeatMap, Measure, MeasureFilter, MethodVersion, Risk,
    RiskFilter, RiskMeasure, TreatmentDecision,
};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

static BUILTIN: LazyLock<Result<RiskContent, RiskContentError>> =
    LazyLock::new(RiskContent::builtin);

/// The built-in risk content, validated by tests and at start-up.
pub fn content() -> Result<&'static RiskContent, AppError> {
    BUILTIN.as_ref().map_err(AppError::internal)
}

/// The day that decides what is late: today in Sweden.
pub fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}

/// The method in force and its matrix; the default matrix until a method is recorded.
#[derive(Debug, Clone)]
pub struct Method {
    pub version: Option<MethodVersion>,
    pub matrix: RiskMatrix,
}

async fn current_method(state: &AppState, organisation_id: i64) -> Result<Method, AppError> {
    let version = store::current_method(&state.db, organisation_id).await?;
    let matrix = match &version {
        Some(version) => version.matrix.clone(),
        None => content()?.default_matrix().clone(),
    };
    Ok(Method { version, matrix })
}

pub async fn method(state: &AppState, principal: &Principal) -> Result<Method, AppError> {
    principal.require(Action::ViewRisks)?;
    current_method(state, principal.organisation_id).await
}

pub async fn method_versions(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<MethodVersion>, AppError> {
    principal.require(Action::ViewRisks)?;
    Ok(store::method_versions(&state.db, principal.organisation_id).await?)
}

pub async fn record_method(
    state: &AppState,
    principal: &Principal,
    input: &MethodInput<'_>,
) -> Result<MethodVersion, AppError> {
    principal.require_everywhere(Action::ManageRiskMethod)?;
    let draft = input.validate(today())?;
    Ok(store::record_method(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?)
}

pub async fn list_analyses(
    state: &AppState,
    principal: &Principal,
    filter: &AnalysisFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<Analysis>, AppError> {
    principal.require(Action::ViewRisks)?;
    Ok(store::list_analyses(&state.db, principal.organisation_id, filter, limit, offset).await?)
}

/// An analysis with what it covers, its risks and its approved versions.
#[derive(Debug, Clone)]
pub struct AnalysisDetail {
    pub analysis: Analysis,
    pub systems: Vec<SystemRef>,
    pub assets: Vec<(i64, String)>,
    pub risks: Vec<Risk>,
    pub versions: Vec<AnalysisVersionSummary>,
}

pub async fn analysis(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<AnalysisDetail, AppError> {
    principal.require(Action::ViewRisks)?;
    let organisation_id = principal.organisation_id;
    let db = &state.db;
    let analysis = store::get_analysis(db, organisation_id, id).await?;
    let (systems, assets) = store::analysis_systems(db, organisation_id, id).await?;
    let filter = RiskFilter {
        analysis_id: Some(id),
        ..RiskFilter::default()
    };
    let risks = store::list_risks(db, organisation_id, &filter, true, 500, 0)
        .await?
        .items;
    let versions = store::analysis_versions(db, organisation_id, id).await?;
    Ok(AnalysisDetail {
        analysis,
        systems,
        assets,
        risks,
        versions,
    })
}

pub async fn create_analysis(
    state: &AppState,
    principal: &Principal,
    input: &AnalysisInput<'_>,
) -> Result<Analysis, AppError> {
    principal.require(Action::ManageRisks)?;
    let draft = input.validate()?;
    Ok(store::create_analysis(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
    )
    .await?)
}

pub async fn update_analysis(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &AnalysisInput<'_>,
) -> Result<Analysis, AppError> {
    principal.require(Action::ManageRisks)?;
    let draft = input.validate()?;
    Ok(store::update_analysis(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &draft,
    )
    .await?)
}

pub async fn approve_analysis(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
) -> Result<Analysis, AppError> {
    principal.require(Action::ApproveRiskAnalysis)?;
    Ok(store::approve_analysis(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
    )
    .await?)
}

pub async fn revise_analysis(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
) -> Result<Analysis, AppError> {
    principal.require(Action::ManageRisks)?;
    Ok(store::revise_analysis(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
    )
    .await?)
}

pub async fn versions(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<Vec<AnalysisVersionSummary>, AppError> {
    principal.require(Action::ViewRisks)?;
    store::get_analysis(&state.db, principal.organisation_id, id).await?;
    Ok(store::analysis_versions(&state.db, principal.organisation_id, id).await?)
}

pub async fn version(
    state: &AppState,
    principal: &Principal,
    id: i64,
    number: i64,
) -> Result<AnalysisVersion, AppError> {
    principal.require(Action::ViewRisks)?;
    Ok(store::analysis_version(&state.db, principal.organisation_id, id, number).await?)
}

/// The analysis as it is now, in the same shape as an approved version.
pub async fn working_copy(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<AnalysisSnapshot, AppError> {
    principal.require(Action::ViewRisks)?;
    Ok(store::working_snapshot(&state.db, principal.organisation_id, id).await?)
}

/// One side of a comparison: an approved version, or the working copy (`None`).
pub async fn side(
    state: &AppState,
    principal: &Principal,
    id: i64,
    number: Option<i64>,
) -> Result<AnalysisSnapshot, AppError> {
    match number {
        Some(number) => Ok(version(state, principal, id, number).await?.snapshot),
        None => working_copy(state, principal, id).await,
    }
}

/// One risk in two versions of an analysis, matched by its number.
#[derive(Debug, Clone)]
pub struct ComparedRisk {
    pub number: i64,
    pub left: Option<Risk>,
    pub right: Option<Risk>,
}

impl ComparedRisk {
    /// Whether what the analysis says about the risk differs between the two.
    pub fn changed(&self) -> bool {
        match (&self.left, &self.right) {
            (Some(a), Some(b)) => {
                (
                    &a.title,
                    &a.description,
                    &a.threat,
                    &a.vulnerability,
                    a.likelihood,
                    a.consequence,
                    &a.level,
                    &a.treatment,
                    &a.treatment_reason,
                    &a.status,
                ) != (
                    &b.title,
                    &b.description,
                    &b.threat,
                    &b.vulnerability,
                    b.likelihood,
                    b.consequence,
                    &b.level,
                    &b.treatment,
                    &b.treatment_reason,
                    &b.status,
                )
            }
            _ => true,
        }
    }
}

/// The risks of two versions side by side, in number order.
pub fn compare(left: &AnalysisSnapshot, right: &AnalysisSnapshot) -> Vec<ComparedRisk> {
    let mut numbers: Vec<i64> = left
        .risks
        .iter()
        .chain(&right.risks)
        .map(|r| r.risk.number)
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    let find = |snapshot: &AnalysisSnapshot, number: i64| {
        snapshot
            .risks
            .iter()
            .find(|r| r.risk.number == number)
            .map(|r| r.risk.clone())
    };
    numbers
        .into_iter()
        .map(|number| ComparedRisk {
            number,
            left: find(left, number),
            right: find(right, number),
        })
        .collect()
}

pub async fn list_risks(
    state: &AppState,
    principal: &Principal,
    filter: &RiskFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<Risk>, AppError> {
    principal.require(Action::ViewRisks)?;
    Ok(store::list_risks(
        &state.db,
        principal.organisation_id,
        filter,
        false,
        limit,
        offset,
    )
    .await?)
}

/// A risk with the systems it affects and the measures addressing it.
#[derive(Debug, Clone)]
pub struct RiskDetail {
    pub risk: Risk,
    pub systems: Vec<SystemRef>,
    pub measures: Vec<RiskMeasure>,
}

pub async fn risk(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<RiskDetail, AppError> {
    principal.require(Action::ViewRisks)?;
    let organisation_id = principal.organisation_id;
    let risk = store::get_risk(&state.db, organisation_id, id).await?;
    let systems = store::risk_systems(&state.db, organisation_id, id).await?;
    let measures = store::risk_measures(&state.db, organisation_id, id).await?;
    Ok(RiskDetail {
        risk,
        systems,
        measures,
    })
}

/// Refuses a catalogue reference that is not in the sector catalogue.
fn check_catalogue(input: &RiskInput<'_>) -> Result<(), AppError> {
    match input.catalogue_id {
        Some(id) if content()?.catalogue_risk(id).is_none() => {
            Err(AppError::invalid("catalogue_id", "unknown-reference"))
        }
        _ => Ok(()),
    }
}

pub async fn create_risk(
    state: &AppState,
    principal: &Principal,
    analysis_id: i64,
    input: &RiskInput<'_>,
) -> Result<Risk, AppError> {
    principal.require(Action::ManageRisks)?;
    check_catalogue(input)?;
    let method = current_method(state, principal.organisation_id).await?;
    let draft = input.validate(&method.matrix)?;
    Ok(store::create_risk(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        analysis_id,
        &draft,
    )
    .await?)
}

pub async fn update_risk(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &RiskInput<'_>,
) -> Result<Risk, AppError> {
    principal.require(Action::ManageRisks)?;
    check_catalogue(input)?;
    let method = current_method(state, principal.organisation_id).await?;
    let draft = input.validate(&method.matrix)?;
    Ok(store::update_risk(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &draft,
    )
    .await?)
}

/// Records a treatment. Accepting a risk is the information owner's decision, so only
/// an information owner may choose it.
pub async fn decide_treatment(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &TreatmentInput<'_>,
) -> Result<Risk, AppError> {
    principal.require(Action::ManageRisks)?;
    let (treatment, justification) = input.validate()?;
    if treatment.needs_information_owner() && !principal.can(Action::AcceptRisk) {
        return Err(AppError::invalid("treatment", "accept-needs-owner"));
    }
    let method = current_method(state, principal.organisation_id).await?;
    let decision = TreatmentDecision {
        expected_version,
        treatment,
        justification: &justification,
    };
    Ok(store::decide_treatment(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        &decision,
        &method.matrix,
    )
    .await?)
}

pub async fn delete_risk(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
) -> Result<(), AppError> {
    principal.require(Action::ManageRisks)?;
    Ok(store::delete_risk(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
    )
    .await?)
}

pub async fn list_measures(
    state: &AppState,
    principal: &Principal,
    filter: &MeasureFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<Measure>, AppError> {
    principal.require(Action::ViewRisks)?;
    Ok(store::list_measures(&state.db, principal.organisation_id, filter, limit, offset).await?)
}

/// A measure with its risks, systems and follow-ups.
#[derive(Debug, Clone)]
pub struct MeasureDetail {
    pub measure: Measure,
    pub risks: Vec<Risk>,
    pub systems: Vec<SystemRef>,
    pub follow_ups: Vec<FollowUp>,
}

pub async fn measure(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<MeasureDetail, AppError> {
    principal.require(Action::ViewRisks)?;
    let organisation_id = principal.organisation_id;
    let db = &state.db;
    Ok(MeasureDetail {
        measure: store::get_measure(db, organisation_id, id).await?,
        risks: store::measure_risks(db, organisation_id, id).await?,
        systems: store::measure_systems(db, organisation_id, id).await?,
        follow_ups: store::follow_ups(db, organisation_id, id).await?,
    })
}

pub async fn create_measure(
    state: &AppState,
    principal: &Principal,
    input: &MeasureInput<'_>,
) -> Result<Measure, AppError> {
    principal.require(Action::ManageRisks)?;
    let method = current_method(state, principal.organisation_id).await?;
    let draft = input.validate(&method.matrix, today())?;
    Ok(store::create_measure(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &draft,
        &method.matrix,
    )
    .await?)
}

pub async fn update_measure(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
    input: &MeasureInput<'_>,
) -> Result<Measure, AppError> {
    principal.require(Action::ManageRisks)?;
    // Where a measure came from is fixed when it is created.
    let stored = store::get_measure(&state.db, principal.organisation_id, id).await?;
    let source = stored
        .source_object_id
        .zip(stored.source_requirement_code.as_deref());
    let input = MeasureInput {
        source,
        ..input.clone()
    };
    let method = current_method(state, principal.organisation_id).await?;
    let draft = input.validate(&method.matrix, today())?;
    Ok(store::update_measure(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &draft,
        &method.matrix,
    )
    .await?)
}

pub async fn delete_measure(
    state: &AppState,
    principal: &Principal,
    id: i64,
    expected_version: i64,
) -> Result<(), AppError> {
    principal.require(Action::ManageRisks)?;
    let method = current_method(state, principal.organisation_id).await?;
    Ok(store::delete_measure(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        expected_version,
        &method.matrix,
    )
    .await?)
}

pub async fn record_follow_up(
    state: &AppState,
    principal: &Principal,
    measure_id: i64,
    input: &FollowUpInput<'_>,
) -> Result<FollowUp, AppError> {
    principal.require(Action::ManageRisks)?;
    let draft = input.validate(today())?;
    Ok(store::record_follow_up(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        measure_id,
        &draft,
    )
    .await?)
}

/// A large risk and the measures reducing it.
#[derive(Debug, Clone)]
pub struct LargeRisk {
    pub risk: Risk,
    pub measures: Vec<RiskMeasure>,
}

/// What management sees, for the organisation or one unit and those below it.
#[derive(Debug, Clone)]
pub struct Overview {
    pub matrix: RiskMatrix,
    pub heat_map: HeatMap,
    pub largest: Vec<LargeRisk>,
    pub serious_untreated: Page<Risk>,
}

pub const LARGEST_COUNT: i64 = 5;

pub async fn overview(
    state: &AppState,
    principal: &Principal,
    unit_id: Option<i64>,
) -> Result<Overview, AppError> {
    principal.require(Action::ViewRisks)?;
    let organisation_id = principal.organisation_id;
    let db = &state.db;
    if let Some(unit) = unit_id {
        match tillit_store::org::get_unit(db, organisation_id, unit).await {
            Err(tillit_store::StoreError::NotFound) => {
                return Err(AppError::invalid("unit_id", "unknown-reference"))
            }
            other => {
                other?;
            }
        }
    }
    let method = current_method(state, organisation_id).await?;
    let heat_map = store::heat_map(db, organisation_id, unit_id).await?;
    let mut largest = Vec::new();
    for risk in store::largest_risks(db, organisation_id, unit_id, LARGEST_COUNT).await? {
        let measures = store::risk_measures(db, organisation_id, risk.id).await?;
        largest.push(LargeRisk { risk, measures });
    }
    let serious_untreated = store::serious_untreated(db, organisation_id, unit_id, 50).await?;
    Ok(Overview {
        matrix: method.matrix,
        heat_map,
        largest,
        serious_untreated,
    })
}

/// The figures the start page shows about risk work.
#[derive(Debug, Clone, Copy, Default)]
pub struct RiskStatus {
    /// The user the figures were counted for.
    pub user_id: i64,
    /// Measures past their planned date in the organisation.
    pub late_measures: i64,
    /// Of those, the ones the user is responsible for.
    pub my_late_measures: i64,
    /// Analyses past their yearly renewal.
    pub overdue_analyses: i64,
    /// High and very high risks without a decided treatment.
    pub serious_untreated: i64,
}

/// What needs attention in the risk work; `None` for those who do not see it.
pub async fn status(
    state: &AppState,
    principal: &Principal,
) -> Result<Option<RiskStatus>, AppError> {
    if !principal.can(Action::ViewRisks) {
        return Ok(None);
    }
    let db = &state.db;
    let organisation_id = principal.organisation_id;
    let today = today();
    let mut late = MeasureFilter::on(today);
    late.status = Some(tillit_domain::risk::MeasureStatus::Late);
    let late_measures = store::list_measures(db, organisation_id, &late, 1, 0)
        .await?
        .total;
    late.responsible_id = Some(principal.user_id);
    let my_late_measures = store::list_measures(db, organisation_id, &late, 1, 0)
        .await?
        .total;
    let overdue = AnalysisFilter {
        overdue_on: Some(today),
        ..AnalysisFilter::default()
    };
    let overdue_analyses = store::list_analyses(db, organisation_id, &overdue, 1, 0)
        .await?
        .total;
    let serious_untreated = store::serious_untreated(db, organisation_id, None, 1)
        .await?
        .total;
    Ok(Some(RiskStatus {
        user_id: principal.user_id,
        late_measures,
        my_late_measures,
        overdue_analyses,
        serious_untreated,
    }))
}
