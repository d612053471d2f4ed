//! Risk analysis and action plans: the method record, analyses with approved versions,
//! risks with their treatment, measures with their follow-up, and the views for
//! management (heat map, largest risks, serious risks without a decided treatment).
//!
//! Functions that place a risk in the matrix take the organisation's current matrix
//! from the caller, who reads it with [`current_method`] (or falls back to the default
//! from `content/`).

mod analyses;
mod bulk;
mod incidents;
mod measures;
mod method;
mod overview;
mod risks;
mod snapshot;

pub use analyses::{
    analysis_systems, approve_analysis, approve_analysis_in, create_analysis, create_analysis_in,
    get_analysis, list_analyses, revise_analysis, update_analysis, Analysis, AnalysisFilter,
    AnalysisRow,
};
pub use bulk::{
    insert_analyses, insert_measures, insert_risks, NewAnalysis, NewMeasure, NewRisk, NewTreatment,
};
pub use incidents::{consider_incident, considered_incidents, ConsideredIncident};
pub use measures::{
    create_measure, create_measure_in, delete_measure, follow_ups, get_measure, list_measures,
    measure_risks, measure_systems, measure_units, record_follow_up, record_follow_up_in,
    risk_units, update_measure, FollowUp, Measure, MeasureFilter, MeasureRow,
};
pub use method::{current_method, method_versions, record_method, record_method_in, MethodVersion};
pub use overview::{heat_map, largest_risks, serious_untreated, HeatCell, HeatMap};
pub use risks::{
    create_risk, create_risk_in, decide_treatment, decide_treatment_in, delete_risk, get_risk,
    list_risk_items, list_risks, risk_measures, risk_systems, update_risk, Risk, RiskFilter,
    RiskListItem, RiskMeasure, RiskRow, TreatmentDecision,
};
pub use snapshot::{
    analysis_version, analysis_versions, working_snapshot, AnalysisSnapshot, AnalysisVersion,
    AnalysisVersionSummary, SnapshotMeasure, SnapshotRisk,
};

use tillit_domain::auth::Reach;
use tillit_domain::search::{contains_pattern, designation_pattern};
use tillit_domain::ValidationErrors;

use crate::db::Tx;
use crate::error::{Result, StoreError};
use crate::sql::{reach_clause, unit_subtree, Arg, Conditions};

/// A refusal naming the field the user can act on.
fn refused(field: &str, code: &'static str) -> StoreError {
    StoreError::Invalid(ValidationErrors::single(field, code))
}

/// Replaces the rows of a link table for `owner_id` with `ids`.
async fn replace_links(
    tx: &mut Tx,
    table: &str,
    owner_column: &str,
    target_column: &str,
    owner_id: i64,
    ids: &[i64],
) -> Result<()> {
    let delete = format!("DELETE FROM {table} WHERE {owner_column} = $1");
    exec_tx!(&mut *tx, &delete, owner_id)?;
    let insert = format!("INSERT INTO {table} ({owner_column}, {target_column}) VALUES ($1, $2)");
    for id in ids {
        exec_tx!(&mut *tx, &insert, owner_id, id)?;
    }
    Ok(())
}

/// The condition "the analysis's unit is `$n` or below it", for filtering by unit.
fn unit_subtree_clause(analysis_alias: &str) -> String {
    format!("{analysis_alias}.unit_id IN ({})", unit_subtree("?"))
}

/// Adds "the analysis `analysis_alias` is within `reach`".
fn within_reach(conditions: &mut Conditions, analysis_alias: &str, reach: &Reach) {
    if let Some(clause) = reach_clause(conditions, &format!("{analysis_alias}.unit_id"), reach) {
        conditions.and_fixed(&clause);
    }
}

/// The condition "the folded title in `title_column` or the designation in
/// `designation` contains `search`".
fn title_or_designation(
    conditions: &mut Conditions,
    title_column: &str,
    designation: &str,
    search: &str,
) {
    let title = conditions.next_placeholder();
    conditions.push_arg(Arg::Text(contains_pattern(search)));
    conditions.push_arg(Arg::Text(designation_pattern(search)));
    conditions.and_fixed(&format!(
        "({title_column} LIKE CAST(${title} AS TEXT) ESCAPE '\\' \
         OR {designation} LIKE CAST(${} AS TEXT) ESCAPE '\\')",
        title + 1
    ));
}
