//! The annual information security report (C25): the stored report with its texts and
//! frozen versions, and the figures its sections count, each aggregated in SQL.

pub mod figures;
mod records;

pub use records::{
    approve_report, approve_report_in, create_report, create_report_in, get_report, list_reports,
    report_version, report_versions, start_new_draft, update_texts, Report, ReportVersion,
    ReportVersionSummary,
};

use tillit_domain::reports::ReportScope;

use crate::sql::unit_subtree;

/// The condition "the unit in `column` is the scope's unit or below it"; empty for the
/// whole organisation. Unit ids are integers, written into the statement.
pub(crate) fn unit_condition(column: &str, scope: ReportScope) -> String {
    match scope {
        ReportScope::Organisation => String::new(),
        ReportScope::Unit(id) => format!(" AND {column} IN ({})", unit_subtree(&id.to_string())),
    }
}
