//! Internal control (intern styrning och kontroll): the yearly plan of risks and controls,
//! which administrations must report on each, and the reports they give.

use serde::{Deserialize, Serialize};

use crate::validation::{optional_text, required_text};
use crate::ValidationErrors;

/// Plans are kept for years in this range.
pub const YEARS: std::ops::RangeInclusive<i64> = 2000..=2100;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    Yearly,
    HalfYearly,
    Quarterly,
    Monthly,
}

impl Frequency {
    pub const ALL: [Frequency; 4] = [
        Frequency::Yearly,
        Frequency::HalfYearly,
        Frequency::Quarterly,
        Frequency::Monthly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Yearly => "yearly",
            Frequency::HalfYearly => "half_yearly",
            Frequency::Quarterly => "quarterly",
            Frequency::Monthly => "monthly",
        }
    }

    pub fn parse(value: &str) -> Option<Frequency> {
        Frequency::ALL.into_iter().find(|f| f.as_str() == value)
    }
}

/// Where one administration's report on one item stands. `NotReported` is never stored:
/// it is the absence of a report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    NotReported,
    Reported,
    Deviation,
}

impl ReportStatus {
    pub const ALL: [ReportStatus; 3] = [
        ReportStatus::NotReported,
        ReportStatus::Reported,
        ReportStatus::Deviation,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReportStatus::NotReported => "not_reported",
            ReportStatus::Reported => "reported",
            ReportStatus::Deviation => "deviation",
        }
    }

    pub fn parse(value: &str) -> Option<ReportStatus> {
        ReportStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }
}

/// A plan item as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ItemInput {
    pub year: Option<i64>,
    pub risk: String,
    pub control: String,
    pub responsible: String,
    pub frequency: String,
    /// The administrations that must report on the item.
    pub unit_ids: Vec<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDraft {
    pub year: i64,
    pub risk: String,
    pub control: String,
    pub responsible: String,
    pub frequency: Frequency,
    pub unit_ids: Vec<i64>,
}

impl ItemInput {
    pub fn validate(&self) -> Result<ItemDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let year = match self.year {
            None => {
                errors.add("year", "required");
                0
            }
            Some(year) if !YEARS.contains(&year) => {
                errors.add("year", "year-range");
                0
            }
            Some(year) => year,
        };
        let risk = required_text(&mut errors, "risk", &self.risk, 1000);
        let control = required_text(&mut errors, "control", &self.control, 1000);
        let responsible = required_text(&mut errors, "responsible", &self.responsible, 200);
        let frequency = Frequency::parse(self.frequency.trim());
        if frequency.is_none() {
            errors.add(
                "frequency",
                if self.frequency.trim().is_empty() {
                    "required"
                } else {
                    "invalid-choice"
                },
            );
        }
        let mut unit_ids = self.unit_ids.clone();
        unit_ids.sort_unstable();
        unit_ids.dedup();
        if unit_ids.is_empty() {
            errors.add("unit_ids", "required");
        }
        match frequency {
            Some(frequency) if errors.is_empty() => Ok(ItemDraft {
                year,
                risk,
                control,
                responsible,
                frequency,
                unit_ids,
            }),
            _ => Err(errors),
        }
    }
}

/// An administration's report on one item, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportInput {
    pub unit_id: Option<i64>,
    pub status: String,
    pub result: String,
    pub comments: String,
    pub deviations: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReportDraft {
    pub unit_id: i64,
    /// Reported or deviation; a report is never "not reported".
    pub status: ReportStatus,
    pub result: String,
    pub comments: String,
    pub deviations: String,
}

impl ReportInput {
    pub fn validate(&self) -> Result<ReportDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.unit_id.is_none() {
            errors.add("unit_id", "required");
        }
        let status = match ReportStatus::parse(self.status.trim()) {
            Some(ReportStatus::NotReported) | None => {
                errors.add("status", "invalid-choice");
                None
            }
            some => some,
        };
        let result = required_text(&mut errors, "result", &self.result, 4000);
        let comments = optional_text(&mut errors, "comments", &self.comments, 4000);
        let deviations = if status == Some(ReportStatus::Deviation) {
            required_text(&mut errors, "deviations", &self.deviations, 4000)
        } else {
            optional_text(&mut errors, "deviations", &self.deviations, 4000)
        };
        match (self.unit_id, status) {
            (Some(unit_id), Some(status)) if errors.is_empty() => Ok(ReportDraft {
                unit_id,
                status,
                result,
                comments,
                deviations,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(errors: ValidationErrors) -> Vec<(String, &'static str)> {
        errors.0.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn an_item_needs_year_texts_frequency_and_reporting_units() {
        let errors = ItemInput {
            year: Some(1999),
            frequency: "weekly".into(),
            ..ItemInput::default()
        }
        .validate()
        .unwrap_err();
        assert_eq!(
            fields(errors),
            vec![
                ("year".into(), "year-range"),
                ("risk".into(), "required"),
                ("control".into(), "required"),
                ("responsible".into(), "required"),
                ("frequency".into(), "invalid-choice"),
                ("unit_ids".into(), "required"),
            ]
        );
        let draft = ItemInput {
            year: Some(2026),
            risk: "Bristande efterlevnad av GDPR".into(),
            control: "Stickprov i loggar".into(),
            responsible: "Informationssäkerhetssamordnare".into(),
            frequency: "yearly".into(),
            unit_ids: vec![4, 2, 4],
        }
        .validate()
        .unwrap();
        assert_eq!(draft.unit_ids, vec![2, 4]);
    }

    #[test]
    fn a_deviation_must_say_what_deviated_and_not_reported_is_no_report() {
        let mut input = ReportInput {
            unit_id: Some(2),
            status: "deviation".into(),
            result: "Kontroll genomförd".into(),
            ..ReportInput::default()
        };
        assert_eq!(
            fields(input.validate().unwrap_err()),
            vec![("deviations".into(), "required")]
        );
        input.deviations = "Två konton utan behörighetsbeslut".into();
        assert_eq!(input.validate().unwrap().status, ReportStatus::Deviation);
        input.status = "not_reported".into();
        assert_eq!(
            fields(input.validate().unwrap_err()),
            vec![("status".into(), "invalid-choice")]
        );
    }
}
