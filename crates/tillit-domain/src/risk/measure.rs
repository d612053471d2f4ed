//! Measures of the action plan with the ten items of 9 §, and their yearly follow-up.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use super::matrix::{RiskLevel, RiskMatrix};
use crate::validation::{optional_text, required_text, ValidationErrors};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;

/// The kind of protection a measure gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureCategory {
    Organisational,
    Personnel,
    Physical,
    Technical,
}

impl MeasureCategory {
    pub const ALL: [MeasureCategory; 4] = [
        MeasureCategory::Organisational,
        MeasureCategory::Personnel,
        MeasureCategory::Physical,
        MeasureCategory::Technical,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeasureCategory::Organisational => "organisational",
            MeasureCategory::Personnel => "personnel",
            MeasureCategory::Physical => "physical",
            MeasureCategory::Technical => "technical",
        }
    }

    pub fn parse(value: &str) -> Option<MeasureCategory> {
        MeasureCategory::ALL
            .into_iter()
            .find(|c| c.as_str() == value)
    }
}

/// When in the course of an event a measure works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureFunction {
    Preventive,
    Detective,
    Corrective,
}

impl MeasureFunction {
    pub const ALL: [MeasureFunction; 3] = [
        MeasureFunction::Preventive,
        MeasureFunction::Detective,
        MeasureFunction::Corrective,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeasureFunction::Preventive => "preventive",
            MeasureFunction::Detective => "detective",
            MeasureFunction::Corrective => "corrective",
        }
    }

    pub fn parse(value: &str) -> Option<MeasureFunction> {
        MeasureFunction::ALL
            .into_iter()
            .find(|f| f.as_str() == value)
    }
}

/// Where a measure stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasureStatus {
    Planned,
    /// The planned date has passed and the measure is not done.
    Late,
    Done,
}

impl MeasureStatus {
    pub const ALL: [MeasureStatus; 3] = [
        MeasureStatus::Planned,
        MeasureStatus::Late,
        MeasureStatus::Done,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MeasureStatus::Planned => "planned",
            MeasureStatus::Late => "late",
            MeasureStatus::Done => "done",
        }
    }

    pub fn parse(value: &str) -> Option<MeasureStatus> {
        MeasureStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn of(
        planned_on: NaiveDate,
        done_on: Option<NaiveDate>,
        today: NaiveDate,
    ) -> MeasureStatus {
        match done_on {
            Some(_) => MeasureStatus::Done,
            None if planned_on < today => MeasureStatus::Late,
            None => MeasureStatus::Planned,
        }
    }
}

/// A measure as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MeasureInput<'a> {
    pub title: &'a str,
    pub description: &'a str,
    /// Why this measure was chosen (item 4).
    pub reason: &'a str,
    pub category: Option<MeasureCategory>,
    pub function: Option<MeasureFunction>,
    /// The risks it is meant to handle (item 1).
    pub risk_ids: &'a [i64],
    /// The systems it affects (item 2).
    pub system_ids: &'a [i64],
    /// The expected position after the measure (item 5).
    pub residual_likelihood: Option<i64>,
    pub residual_consequence: Option<i64>,
    /// Who carries it out (item 6).
    pub responsible_id: Option<i64>,
    /// Items 7 and 8.
    pub planned_on: Option<NaiveDate>,
    pub done_on: Option<NaiveDate>,
    /// Required when the done date lies before the planned one.
    pub done_note: &'a str,
    /// The unmet requirement it comes from: (classified object, requirement code).
    pub source: Option<(i64, &'a str)>,
}

/// A measure ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MeasureDraft {
    pub title: String,
    pub description: String,
    pub reason: String,
    pub category: MeasureCategory,
    pub function: MeasureFunction,
    pub risk_ids: Vec<i64>,
    pub system_ids: Vec<i64>,
    pub residual: Option<(i64, i64, RiskLevel)>,
    pub responsible_id: i64,
    pub planned_on: NaiveDate,
    pub done_on: Option<NaiveDate>,
    pub done_note: String,
    pub source: Option<(i64, String)>,
}

impl MeasureInput<'_> {
    /// Checks every item. A measure handles at least one risk unless it comes from an
    /// unmet requirement; the expected residual position is required when it handles
    /// risks and must be in `matrix`.
    pub fn validate(
        &self,
        matrix: &RiskMatrix,
        today: NaiveDate,
    ) -> Result<MeasureDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = required_text(&mut errors, "title", self.title, TITLE_MAX);
        let description = optional_text(&mut errors, "description", self.description, TEXT_MAX);
        let reason = required_text(&mut errors, "reason", self.reason, TEXT_MAX);
        let done_note = optional_text(&mut errors, "done_note", self.done_note, TEXT_MAX);
        if self.category.is_none() {
            errors.add("category", "required");
        }
        if self.function.is_none() {
            errors.add("function", "required");
        }
        let risk_ids = sorted(self.risk_ids);
        let system_ids = sorted(self.system_ids);
        if risk_ids.is_empty() && self.source.is_none() {
            errors.add("risk_ids", "required");
        }
        let residual = match (self.residual_likelihood, self.residual_consequence) {
            (None, None) if risk_ids.is_empty() => None,
            (likelihood, consequence) => {
                if likelihood.is_none() {
                    errors.add("residual_likelihood", "required");
                }
                if consequence.is_none() {
                    errors.add("residual_consequence", "required");
                }
                let likelihood = likelihood.unwrap_or(1);
                let consequence = consequence.unwrap_or(1);
                if matrix.likelihood_step(likelihood).is_err() {
                    errors.add("residual_likelihood", "out-of-range");
                }
                if matrix.consequence_step(consequence).is_err() {
                    errors.add("residual_consequence", "out-of-range");
                }
                matrix
                    .level(likelihood, consequence)
                    .ok()
                    .map(|level| (likelihood, consequence, level))
            }
        };
        if self.responsible_id.is_none() {
            errors.add("responsible_id", "required");
        }
        if self.planned_on.is_none() {
            errors.add("planned_on", "required");
        }
        if let Some(done_on) = self.done_on {
            if done_on > today {
                errors.add("done_on", "in-future");
            }
            if self.planned_on.is_some_and(|planned| done_on < planned) && done_note.is_empty() {
                errors.add("done_note", "required-when-early");
            }
        }
        errors.finish(MeasureDraft {
            title,
            description,
            reason,
            category: self.category.unwrap_or(MeasureCategory::Organisational),
            function: self.function.unwrap_or(MeasureFunction::Preventive),
            risk_ids,
            system_ids,
            residual,
            responsible_id: self.responsible_id.unwrap_or_default(),
            planned_on: self.planned_on.unwrap_or(today),
            done_on: self.done_on,
            done_note,
            source: self.source.map(|(object, code)| (object, code.to_owned())),
        })
    }
}

fn sorted(ids: &[i64]) -> Vec<i64> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    ids
}

/// The yearly follow-up of a measure as given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FollowUpInput<'a> {
    pub year: Option<i32>,
    /// What the measure achieved.
    pub effect: &'a str,
    pub still_valid: bool,
    pub next_step: &'a str,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FollowUpDraft {
    pub year: i32,
    pub effect: String,
    pub still_valid: bool,
    pub next_step: String,
}

impl FollowUpInput<'_> {
    /// The year is this year or an earlier one since 2000.
    pub fn validate(&self, today: NaiveDate) -> Result<FollowUpDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let effect = required_text(&mut errors, "effect", self.effect, TEXT_MAX);
        let next_step = optional_text(&mut errors, "next_step", self.next_step, TEXT_MAX);
        match self.year {
            None => errors.add("year", "required"),
            Some(year) if !(2000..=today.year()).contains(&year) => {
                errors.add("year", "out-of-range")
            }
            Some(_) => {}
        }
        if !self.still_valid && next_step.is_empty() {
            errors.add("next_step", "required");
        }
        errors.finish(FollowUpDraft {
            year: self.year.unwrap_or(today.year()),
            effect,
            still_valid: self.still_valid,
            next_step,
        })
    }
}
