//! Risk analysis and action plans: the method, analyses and their approved versions,
//! risks and their treatment, measures and their follow-up, and the management views.
//!
//! Everyone but employees reads risk work. Those who run analyses (coordinators,
//! information owners, heads of operations, NIS assessors, administrators) change it;
//! information owners and heads of operations approve (fastställer) analyses; only
//! information owners accept a risk; administrators and coordinators record the method.
//!
//! Each analysis belongs to a unit, or to the organisation itself, and a role reaches
//! the analyses of its unit and the units below it (ADR 0011): lists, overviews and the
//! start page count only what the user reaches, and every read or change of one
//! analysis, risk or measure asks the role at its unit. A measure belongs where its
//! risks belong.

use std::sync::{Arc, LazyLock};

use chrono::{NaiveDate, Utc};
use tillit_domain::auth::{Action, Reach};
use tillit_domain::risk::{
    may_change_measure, may_read_measure, AnalysisInput, FollowUpInput, MeasureInput, MethodInput,
    RiskContent, RiskContentError, RiskInput, RiskMatrix, Scope, TreatmentInput,
};
use tillit_store::registers::SystemRef;
use tillit_store::risk::{
    self as store, Analysis, AnalysisFilter, AnalysisSnapshot, AnalysisVersion,
    AnalysisVersionSummary, FollowUp, HeatMap, Measure, MeasureFilter, MethodVersion, Risk,
    RiskFilter, RiskListItem, RiskMeasure, TreatmentDecision,
};
use tillit_store::{org, Page};

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

/// The path from a unit up to the root; empty for the organisation itself (no unit).
async fn unit_path(
    state: &AppState,
    organisation_id: i64,
    unit_id: Option<i64>,
) -> Result<Vec<i64>, AppError> {
    match unit_id {
        Some(unit) => Ok(org::unit_path(&state.db, organisation_id, unit).await?),
        None => Ok(Vec::new()),
    }
}

/// The paths of several units, each as [`unit_path`] gives it.
async fn unit_paths(
    state: &AppState,
    organisation_id: i64,
    units: Vec<Option<i64>>,
) -> Result<Vec<Vec<i64>>, AppError> {
    let mut paths = Vec::with_capacity(units.len());
    for unit in units {
        paths.push(unit_path(state, organisation_id, unit).await?);
    }
    Ok(paths)
}

/// The analysis with the path of its unit, if the principal may do `action` on it.
async fn analysis_for(
    state: &AppState,
    principal: &Principal,
    id: i64,
    action: Action,
) -> Result<(Analysis, Vec<i64>), AppError> {
    let organisation_id = principal.organisation_id;
    let analysis = store::get_analysis(&state.db, organisation_id, id).await?;
    let path = unit_path(state, organisation_id, analysis.unit_id).await?;
    principal.require_at(action, &path)?;
    Ok((analysis, path))
}

/// The risk with the path of its analysis's unit, if the principal may do `action` on it.
async fn risk_for(
    state: &AppState,
    principal: &Principal,
    id: i64,
    action: Action,
) -> Result<(Risk, Vec<i64>), AppError> {
    let organisation_id = principal.organisation_id;
    let risk = store::get_risk(&state.db, organisation_id, id).await?;
    let path = unit_path(state, organisation_id, risk.unit_id).await?;
    principal.require_at(action, &path)?;
    Ok((risk, path))
}

/// The paths of the units a measure belongs to: those of its risks' analyses.
async fn measure_paths(
    state: &AppState,
    organisation_id: i64,
    id: i64,
) -> Result<Vec<Vec<i64>>, AppError> {
    let units = store::measure_units(&state.db, organisation_id, id).await?;
    unit_paths(state, organisation_id, units).await
}

/// The measure, if the principal may change it (and so the risks it addresses).
async fn measure_to_change(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<Measure, AppError> {
    principal.require(Action::ManageRisks)?;
    let organisation_id = principal.organisation_id;
    let measure = store::get_measure(&state.db, organisation_id, id).await?;
    let paths = measure_paths(state, organisation_id, id).await?;
    if may_change_measure(&principal.grants, &paths) {
        Ok(measure)
    } else {
        Err(AppError::Forbidden)
    }
}

/// Refuses, on `risk_ids`, risks the principal may not plan measures for: a measure
/// changes what the plan says about every risk it addresses.
async fn check_measure_risks(
    state: &AppState,
    principal: &Principal,
    risk_ids: &[i64],
) -> Result<(), AppError> {
    let organisation_id = principal.organisation_id;
    let units = store::risk_units(&state.db, organisation_id, risk_ids).await?;
    if units.is_empty() && !risk_ids.is_empty() {
        // None of them is the organisation's: the store names them as unknown.
        return Ok(());
    }
    let paths = unit_paths(state, organisation_id, units).await?;
    if may_change_measure(&principal.grants, &paths) {
        Ok(())
    } else {
        Err(AppError::invalid("risk_ids", OUTSIDE_REACH))
    }
}

/// The refusal of a place the user may not run analyses at.
const OUTSIDE_REACH: &str = "outside-reach";

/// Refuses, on the field the user chose it with, an analysis placed where the principal
/// may not run analyses. An unknown unit is left to the store, which names it.
async fn check_placement(
    state: &AppState,
    principal: &Principal,
    scope: Scope,
    unit_id: Option<i64>,
) -> Result<(), AppError> {
    let path = unit_path(state, principal.organisation_id, unit_id).await?;
    if (unit_id.is_some() && path.is_empty())
        || principal.grants.allows_at(Action::ManageRisks, &path)
    {
        return Ok(());
    }
    let field = if scope == Scope::Organisation {
        "scope"
    } else {
        "unit_id"
    };
    Err(AppError::invalid(field, OUTSIDE_REACH))
}

/// Where the principal reads risk work.
fn reach(principal: &Principal) -> Reach {
    principal.grants.reach(Action::ViewRisks)
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
    let filter = AnalysisFilter {
        reach: reach(principal),
        ..filter.clone()
    };
    Ok(store::list_analyses(&state.db, principal.organisation_id, &filter, limit, offset).await?)
}

/// An analysis with what it covers, its risks and its approved versions.
#[derive(Debug, Clone)]
pub struct AnalysisDetail {
    pub analysis: Analysis,
    /// The path from its unit up to the root; empty for the organisation itself.
    pub unit_path: Vec<i64>,
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
    let (analysis, unit_path) = analysis_for(state, principal, id, Action::ViewRisks).await?;
    let organisation_id = principal.organisation_id;
    let db = &state.db;
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
        unit_path,
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
    check_placement(state, principal, draft.scope, draft.unit_id).await?;
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
    analysis_for(state, principal, id, Action::ManageRisks).await?;
    let draft = input.validate()?;
    check_placement(state, principal, draft.scope, draft.unit_id).await?;
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
    analysis_for(state, principal, id, Action::ApproveRiskAnalysis).await?;
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
    analysis_for(state, principal, id, Action::ManageRisks).await?;
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
    analysis_for(state, principal, id, Action::ViewRisks).await?;
    Ok(store::analysis_versions(&state.db, principal.organisation_id, id).await?)
}

pub async fn version(
    state: &AppState,
    principal: &Principal,
    id: i64,
    number: i64,
) -> Result<AnalysisVersion, AppError> {
    analysis_for(state, principal, id, Action::ViewRisks).await?;
    Ok(store::analysis_version(&state.db, principal.organisation_id, id, number).await?)
}

/// The analysis as it is now, in the same shape as an approved version.
pub async fn working_copy(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<AnalysisSnapshot, AppError> {
    analysis_for(state, principal, id, Action::ViewRisks).await?;
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
) -> Result<Page<RiskListItem>, AppError> {
    principal.require(Action::ViewRisks)?;
    let filter = RiskFilter {
        reach: reach(principal),
        ..filter.clone()
    };
    Ok(
        store::list_risk_items(&state.db, principal.organisation_id, &filter, limit, offset)
            .await?,
    )
}

/// A page of the risk list as its page and the API show it, kept per filter, reach and
/// page and checked against the audit trail (ADR 0008).
pub async fn risk_list_page(
    state: &AppState,
    principal: &Principal,
    filter: &RiskFilter,
    limit: i64,
    offset: i64,
) -> Result<Arc<Page<RiskListItem>>, AppError> {
    principal.require(Action::ViewRisks)?;
    let organisation_id = principal.organisation_id;
    let filter = RiskFilter {
        reach: reach(principal),
        ..filter.clone()
    };
    let key = (organisation_id, filter.clone(), limit, offset);
    state
        .risk_pages
        .get(principal.audit_head, key, || async move {
            Ok(store::list_risk_items(&state.db, organisation_id, &filter, limit, offset).await?)
        })
        .await
}

/// A risk with the systems it affects and the measures addressing it.
#[derive(Debug, Clone)]
pub struct RiskDetail {
    pub risk: Risk,
    /// The path from its analysis's unit up to the root; empty for the organisation.
    pub unit_path: Vec<i64>,
    pub systems: Vec<SystemRef>,
    pub measures: Vec<RiskMeasure>,
}

pub async fn risk(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<RiskDetail, AppError> {
    let (risk, unit_path) = risk_for(state, principal, id, Action::ViewRisks).await?;
    let organisation_id = principal.organisation_id;
    let systems = store::risk_systems(&state.db, organisation_id, id).await?;
    let measures = store::risk_measures(&state.db, organisation_id, id).await?;
    Ok(RiskDetail {
        risk,
        unit_path,
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
    analysis_for(state, principal, analysis_id, Action::ManageRisks).await?;
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
    risk_for(state, principal, id, Action::ManageRisks).await?;
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
    let (_, path) = risk_for(state, principal, id, Action::ManageRisks).await?;
    let (treatment, justification) = input.validate()?;
    if treatment.needs_information_owner() && !principal.grants.allows_at(Action::AcceptRisk, &path)
    {
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
    risk_for(state, principal, id, Action::ManageRisks).await?;
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
    let filter = MeasureFilter {
        reach: reach(principal),
        ..filter.clone()
    };
    Ok(store::list_measures(&state.db, principal.organisation_id, &filter, limit, offset).await?)
}

/// A measure with its risks (those the reader reaches), systems and follow-ups.
#[derive(Debug, Clone)]
pub struct MeasureDetail {
    pub measure: Measure,
    pub risks: Vec<Risk>,
    /// Whether the reader may change it and follow it up.
    pub may_change: bool,
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
    let measure = store::get_measure(db, organisation_id, id).await?;
    let paths = measure_paths(state, organisation_id, id).await?;
    if !may_read_measure(&principal.grants, &paths) {
        return Err(AppError::Forbidden);
    }
    let mut risks = Vec::new();
    for risk in store::measure_risks(db, organisation_id, id).await? {
        let path = unit_path(state, organisation_id, risk.unit_id).await?;
        if principal.grants.allows_at(Action::ViewRisks, &path) {
            risks.push(risk);
        }
    }
    Ok(MeasureDetail {
        measure,
        risks,
        may_change: may_change_measure(&principal.grants, &paths),
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
    check_measure_risks(state, principal, &draft.risk_ids).await?;
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
    let stored = measure_to_change(state, principal, id).await?;
    // Where a measure came from is fixed when it is created.
    let source = stored
        .source_object_id
        .zip(stored.source_requirement_code.as_deref());
    let input = MeasureInput {
        source,
        ..input.clone()
    };
    let method = current_method(state, principal.organisation_id).await?;
    let draft = input.validate(&method.matrix, today())?;
    check_measure_risks(state, principal, &draft.risk_ids).await?;
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
    measure_to_change(state, principal, id).await?;
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
    measure_to_change(state, principal, measure_id).await?;
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
    let reach = reach(principal);
    let heat_map = store::heat_map(db, organisation_id, unit_id, &reach).await?;
    let mut largest = Vec::new();
    for risk in store::largest_risks(db, organisation_id, unit_id, &reach, LARGEST_COUNT).await? {
        let measures = store::risk_measures(db, organisation_id, risk.id).await?;
        largest.push(LargeRisk { risk, measures });
    }
    let serious_untreated =
        store::serious_untreated(db, organisation_id, unit_id, &reach, 50).await?;
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
    /// Measures past their planned date, of the risks the user reaches.
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
    let reach = reach(principal);
    let mut late = MeasureFilter::on(today);
    late.reach = reach.clone();
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
        reach: reach.clone(),
        ..AnalysisFilter::default()
    };
    let overdue_analyses = store::list_analyses(db, organisation_id, &overdue, 1, 0)
        .await?
        .total;
    let serious_untreated = store::serious_untreated(db, organisation_id, None, &reach, 1)
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
