//! A risk analysis: what it covers, who took part, and what was considered (8 §).

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::validation::{optional_text, required_text, ValidationErrors};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 8000;
/// An analysis is renewed at least yearly (6 §).
pub const RENEWAL_MONTHS: u32 = 12;
/// Analyses, their versions and the method are kept this long (7–8 §§).
pub const RETENTION_YEARS: u32 = 5;

/// What an analysis covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One or more systems or information assets from the registers.
    Systems,
    /// A process, named in the analysis.
    Process,
    /// A unit of the organisation.
    Unit,
    /// The whole organisation (övergripande riskanalys).
    Organisation,
}

impl Scope {
    pub const ALL: [Scope; 4] = [
        Scope::Systems,
        Scope::Process,
        Scope::Unit,
        Scope::Organisation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Systems => "systems",
            Scope::Process => "process",
            Scope::Unit => "unit",
            Scope::Organisation => "organisation",
        }
    }

    pub fn parse(value: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// The unit an analysis of this scope belongs to, given the one chosen: an
    /// organisation-wide analysis belongs to the organisation itself, never to a unit.
    pub fn unit(self, chosen: Option<i64>) -> Option<i64> {
        match self {
            Scope::Organisation => None,
            _ => chosen,
        }
    }
}

/// An analysis's description as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnalysisInput<'a> {
    pub title: &'a str,
    pub scope: Option<Scope>,
    pub unit_id: Option<i64>,
    pub process_name: &'a str,
    pub system_ids: &'a [i64],
    pub asset_ids: &'a [i64],
    pub participants: &'a str,
    /// External developments (omvärldsföreteelser) taken into account.
    pub external_developments: &'a str,
    /// Incidents taken into account.
    pub incidents_considered: &'a str,
}

/// An analysis description ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AnalysisDraft {
    pub title: String,
    pub scope: Scope,
    pub unit_id: Option<i64>,
    pub process_name: String,
    pub system_ids: Vec<i64>,
    pub asset_ids: Vec<i64>,
    pub participants: String,
    pub external_developments: String,
    pub incidents_considered: String,
}

impl AnalysisInput<'_> {
    pub fn validate(&self) -> Result<AnalysisDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = required_text(&mut errors, "title", self.title, TITLE_MAX);
        let process_name = optional_text(&mut errors, "process_name", self.process_name, TITLE_MAX);
        let participants = optional_text(&mut errors, "participants", self.participants, TEXT_MAX);
        let external_developments = optional_text(
            &mut errors,
            "external_developments",
            self.external_developments,
            TEXT_MAX,
        );
        let incidents_considered = optional_text(
            &mut errors,
            "incidents_considered",
            self.incidents_considered,
            TEXT_MAX,
        );
        let mut system_ids = self.system_ids.to_vec();
        system_ids.sort_unstable();
        system_ids.dedup();
        let mut asset_ids = self.asset_ids.to_vec();
        asset_ids.sort_unstable();
        asset_ids.dedup();
        match self.scope {
            None => errors.add("scope", "required"),
            Some(Scope::Systems) if system_ids.is_empty() && asset_ids.is_empty() => {
                errors.add("system_ids", "required")
            }
            Some(Scope::Process) if process_name.is_empty() => {
                errors.add("process_name", "required")
            }
            Some(Scope::Unit) if self.unit_id.is_none() => errors.add("unit_id", "required"),
            Some(_) => {}
        }
        let scope = self.scope.unwrap_or(Scope::Organisation);
        errors.finish(AnalysisDraft {
            title,
            scope,
            unit_id: scope.unit(self.unit_id),
            process_name,
            system_ids,
            asset_ids,
            participants,
            external_developments,
            incidents_considered,
        })
    }
}

/// When an analysis approved on `approved_on` must be renewed.
pub fn renewal_due(approved_on: NaiveDate) -> NaiveDate {
    approved_on
        .checked_add_months(Months::new(RENEWAL_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

/// Whether the yearly renewal is late.
pub fn renewal_overdue(next_renewal: Option<NaiveDate>, today: NaiveDate) -> bool {
    next_renewal.is_some_and(|due| due < today)
}

/// The first day a record made on `made_on` may be removed.
pub fn retained_until(made_on: NaiveDate) -> NaiveDate {
    made_on
        .checked_add_months(Months::new(RETENTION_YEARS * 12))
        .unwrap_or(NaiveDate::MAX)
}
