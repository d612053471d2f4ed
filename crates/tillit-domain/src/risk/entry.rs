//! One risk in an analysis (8 § 1–4) and the decision on how to treat it (9 §).

use serde::{Deserialize, Serialize};

use super::matrix::{RiskLevel, RiskMatrix};
use crate::validation::{optional_text, required_text, ValidationErrors};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;

/// A risk as the user described it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskInput<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub threat: &'a str,
    pub vulnerability: &'a str,
    pub consequence: Option<i64>,
    pub consequence_reason: &'a str,
    pub likelihood: Option<i64>,
    pub likelihood_reason: &'a str,
    pub system_ids: &'a [i64],
    /// The sector catalogue risk it was started from, if any.
    pub catalogue_id: Option<&'a str>,
}

/// A risk ready to be stored, with its level from the matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RiskDraft {
    pub title: String,
    pub description: String,
    pub threat: String,
    pub vulnerability: String,
    pub consequence: i64,
    pub consequence_reason: String,
    pub likelihood: i64,
    pub likelihood_reason: String,
    pub level: RiskLevel,
    pub system_ids: Vec<i64>,
    pub catalogue_id: Option<String>,
}

impl RiskInput<'_> {
    /// Checks the texts and that both assessments are steps of `matrix`; each
    /// assessment needs its reasoning.
    pub fn validate(&self, matrix: &RiskMatrix) -> Result<RiskDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = required_text(&mut errors, "title", self.title, TITLE_MAX);
        let description = optional_text(&mut errors, "description", self.description, TEXT_MAX);
        let threat = required_text(&mut errors, "threat", self.threat, TEXT_MAX);
        let vulnerability =
            required_text(&mut errors, "vulnerability", self.vulnerability, TEXT_MAX);
        let consequence_reason = required_text(
            &mut errors,
            "consequence_reason",
            self.consequence_reason,
            TEXT_MAX,
        );
        let likelihood_reason = required_text(
            &mut errors,
            "likelihood_reason",
            self.likelihood_reason,
            TEXT_MAX,
        );
        let consequence = step(&mut errors, "consequence", self.consequence, |v| {
            matrix.consequence_step(v).is_ok()
        });
        let likelihood = step(&mut errors, "likelihood", self.likelihood, |v| {
            matrix.likelihood_step(v).is_ok()
        });
        let mut system_ids = self.system_ids.to_vec();
        system_ids.sort_unstable();
        system_ids.dedup();
        let level = matrix
            .level(likelihood, consequence)
            .unwrap_or(RiskLevel::Low);
        errors.finish(RiskDraft {
            title,
            description,
            threat,
            vulnerability,
            consequence,
            consequence_reason,
            likelihood,
            likelihood_reason,
            level,
            system_ids,
            catalogue_id: self.catalogue_id.map(str::to_owned),
        })
    }
}

fn step(
    errors: &mut ValidationErrors,
    field: &str,
    value: Option<i64>,
    in_matrix: impl Fn(i64) -> bool,
) -> i64 {
    match value {
        None => {
            errors.add(field, "required");
            1
        }
        Some(v) if !in_matrix(v) => {
            errors.add(field, "out-of-range");
            1
        }
        Some(v) => v,
    }
}

/// How a risk is dealt with (9 §).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Treatment {
    Eliminate,
    Reduce,
    Accept,
}

impl Treatment {
    pub const ALL: [Treatment; 3] = [Treatment::Eliminate, Treatment::Reduce, Treatment::Accept];

    pub fn as_str(self) -> &'static str {
        match self {
            Treatment::Eliminate => "eliminate",
            Treatment::Reduce => "reduce",
            Treatment::Accept => "accept",
        }
    }

    pub fn parse(value: &str) -> Option<Treatment> {
        Treatment::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// Accepting a risk is the information owner's decision.
    pub fn needs_information_owner(self) -> bool {
        self == Treatment::Accept
    }
}

/// A treatment decision as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TreatmentInput<'a> {
    pub treatment: Option<Treatment>,
    pub justification: &'a str,
}

impl TreatmentInput<'_> {
    pub fn validate(&self) -> Result<(Treatment, String), ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let justification =
            required_text(&mut errors, "justification", self.justification, TEXT_MAX);
        if self.treatment.is_none() {
            errors.add("treatment", "required");
        }
        errors.finish((self.treatment.unwrap_or(Treatment::Reduce), justification))
    }
}

/// Where a risk stands in its treatment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskStatus {
    /// No treatment decided yet.
    Open,
    /// To be eliminated or reduced; measures are not all done.
    InTreatment,
    /// Accepted, or every measure addressing it is done. Kept forever as history.
    Handled,
}

impl RiskStatus {
    pub const ALL: [RiskStatus; 3] = [
        RiskStatus::Open,
        RiskStatus::InTreatment,
        RiskStatus::Handled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskStatus::Open => "open",
            RiskStatus::InTreatment => "in_treatment",
            RiskStatus::Handled => "handled",
        }
    }

    pub fn parse(value: &str) -> Option<RiskStatus> {
        RiskStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    /// A risk's status from its treatment and its measures.
    pub fn of(treatment: Option<Treatment>, measures: usize, measures_done: usize) -> RiskStatus {
        match treatment {
            None => RiskStatus::Open,
            Some(Treatment::Accept) => RiskStatus::Handled,
            Some(_) if measures > 0 && measures_done == measures => RiskStatus::Handled,
            Some(_) => RiskStatus::InTreatment,
        }
    }
}
