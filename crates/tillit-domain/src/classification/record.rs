//! A classification as the information owner approves it: the object, the level per
//! aspect with the reasoning, who took part and when it is next reviewed.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use super::scale::{Aspect, Level, Levels};
use crate::validation::{optional_text, required_text, ValidationErrors};

pub const NAME_MAX: usize = 200;
pub const REASON_MAX: usize = 4000;
pub const PARTICIPANTS_MAX: usize = 1000;
/// A classification is reviewed at least this often (KLASSA: yearly).
pub const REVIEW_INTERVAL_MONTHS: u32 = 12;
/// The next review may be set at most this far ahead.
pub const REVIEW_MAX_MONTHS: u32 = 36;

/// What is classified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ObjectKind {
    /// An entry in the register of information assets.
    Asset,
    /// An entry in the register of networks and information systems.
    System,
    /// A process (verksamhetsprocess), named in the classification itself.
    Process,
    /// A single document, named in the classification itself.
    Document,
}

impl ObjectKind {
    pub const ALL: [ObjectKind; 4] = [
        ObjectKind::Asset,
        ObjectKind::System,
        ObjectKind::Process,
        ObjectKind::Document,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectKind::Asset => "asset",
            ObjectKind::System => "system",
            ObjectKind::Process => "process",
            ObjectKind::Document => "document",
        }
    }

    pub fn parse(value: &str) -> Option<ObjectKind> {
        ObjectKind::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// Processes and documents are not register entries, so the classification names them.
    pub fn is_named_in_classification(self) -> bool {
        matches!(self, ObjectKind::Process | ObjectKind::Document)
    }
}

/// The field a level is typed into, e.g. `level_k`.
pub fn level_field(aspect: Aspect) -> String {
    format!("level_{}", aspect.as_str().to_ascii_lowercase())
}

/// The field the reasoning for a level is typed into, e.g. `reason_k`.
pub fn reason_field(aspect: Aspect) -> String {
    format!("reason_{}", aspect.as_str().to_ascii_lowercase())
}

/// A classification as typed by the user. Levels are wide integers so that a value
/// outside the scale reaches validation and gets its own message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassificationInput {
    pub level_k: Option<i64>,
    pub level_r: Option<i64>,
    pub level_t: Option<i64>,
    /// Spårbarhet is optional.
    pub level_s: Option<i64>,
    #[serde(default)]
    pub reason_k: String,
    #[serde(default)]
    pub reason_r: String,
    #[serde(default)]
    pub reason_t: String,
    #[serde(default)]
    pub reason_s: String,
    pub participants: String,
    /// Empty means one year from today.
    pub next_review: Option<NaiveDate>,
}

impl ClassificationInput {
    fn level(&self, aspect: Aspect) -> Option<i64> {
        match aspect {
            Aspect::Confidentiality => self.level_k,
            Aspect::Integrity => self.level_r,
            Aspect::Availability => self.level_t,
            Aspect::Traceability => self.level_s,
        }
    }

    fn reason(&self, aspect: Aspect) -> &str {
        match aspect {
            Aspect::Confidentiality => &self.reason_k,
            Aspect::Integrity => &self.reason_r,
            Aspect::Availability => &self.reason_t,
            Aspect::Traceability => &self.reason_s,
        }
    }

    /// Checks the input. `derived` is the floor a system inherits from the assets it
    /// holds: no aspect may go below it, and raising one above it needs a reason.
    pub fn validate(
        &self,
        derived: Option<&Levels>,
        today: NaiveDate,
    ) -> Result<ClassificationDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let mut levels = Levels::default();
        let mut reasons = Reasons::default();
        for aspect in Aspect::ALL {
            let field = level_field(aspect);
            let reason = optional_text(
                &mut errors,
                &reason_field(aspect),
                self.reason(aspect),
                REASON_MAX,
            );
            let level = match self.level(aspect) {
                None if aspect.is_optional() => None,
                None => {
                    errors.add(&field, "required");
                    None
                }
                Some(value) => {
                    let level = u8::try_from(value).ok().and_then(Level::new);
                    if level.is_none() {
                        errors.add(&field, "level-range");
                    }
                    level
                }
            };
            let floor = derived.and_then(|d| d.get(aspect));
            if let Some(floor) = floor {
                match level {
                    Some(level) if level < floor => errors.add(&field, "below-derived"),
                    None if self.level(aspect).is_none() && aspect.is_optional() => {
                        errors.add(&field, "below-derived")
                    }
                    Some(level) if level > floor && reason.is_empty() => {
                        errors.add(&reason_field(aspect), "raise-needs-reason")
                    }
                    _ => {}
                }
            }
            if let Some(level) = level {
                levels = levels.with(aspect, level);
            }
            reasons.set(aspect, reason);
        }
        let participants = required_text(
            &mut errors,
            "participants",
            &self.participants,
            PARTICIPANTS_MAX,
        );
        let next_review = match self.next_review {
            None => default_next_review(today),
            Some(date) if date <= today => {
                errors.add("next_review", "date-not-future");
                date
            }
            Some(date) if today.checked_add_months(Months::new(REVIEW_MAX_MONTHS)) < Some(date) => {
                errors.add("next_review", "date-too-far");
                date
            }
            Some(date) => date,
        };
        errors.finish(ClassificationDraft {
            levels,
            derived: derived.copied(),
            reasons,
            participants,
            next_review,
        })
    }
}

/// One year after `today`, the default next review.
pub fn default_next_review(today: NaiveDate) -> NaiveDate {
    today
        .checked_add_months(Months::new(REVIEW_INTERVAL_MONTHS))
        .unwrap_or(today)
}

/// A classification is due for review once its next-review date has passed.
pub fn review_overdue(next_review: NaiveDate, today: NaiveDate) -> bool {
    next_review < today
}

/// The reasoning behind the level of each aspect; empty when none was given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reasons {
    #[serde(rename = "K", default)]
    pub confidentiality: String,
    #[serde(rename = "R", default)]
    pub integrity: String,
    #[serde(rename = "T", default)]
    pub availability: String,
    #[serde(rename = "S", default)]
    pub traceability: String,
}

impl Reasons {
    pub fn get(&self, aspect: Aspect) -> &str {
        match aspect {
            Aspect::Confidentiality => &self.confidentiality,
            Aspect::Integrity => &self.integrity,
            Aspect::Availability => &self.availability,
            Aspect::Traceability => &self.traceability,
        }
    }

    fn set(&mut self, aspect: Aspect, reason: String) {
        match aspect {
            Aspect::Confidentiality => self.confidentiality = reason,
            Aspect::Integrity => self.integrity = reason,
            Aspect::Availability => self.availability = reason,
            Aspect::Traceability => self.traceability = reason,
        }
    }
}

/// A validated classification, ready to approve and store as a new version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClassificationDraft {
    pub levels: Levels,
    /// For a system: the highest levels of the assets it holds, when it holds any.
    pub derived: Option<Levels>,
    pub reasons: Reasons,
    pub participants: String,
    pub next_review: NaiveDate,
}

/// Checks the name of a process or document that is classified on its own.
pub fn validate_object_name(name: &str) -> Result<String, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let name = required_text(&mut errors, "name", name, NAME_MAX);
    errors.finish(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 22).expect("date")
    }

    fn input(k: i64, r: i64, t: i64, s: Option<i64>) -> ClassificationInput {
        ClassificationInput {
            level_k: Some(k),
            level_r: Some(r),
            level_t: Some(t),
            level_s: s,
            participants: "Informationsägare, systemförvaltare".into(),
            ..ClassificationInput::default()
        }
    }

    fn level(n: u8) -> Level {
        Level::new(n).expect("level")
    }

    fn codes(errors: &ValidationErrors) -> Vec<(String, &'static str)> {
        errors.0.iter().map(|e| (e.field.clone(), e.code)).collect()
    }

    #[test]
    fn a_complete_classification_validates_with_a_default_review_in_a_year() {
        let draft = input(3, 2, 1, None).validate(None, today()).expect("valid");
        assert_eq!(
            draft.levels,
            Levels::new(level(3), level(2), level(1), None)
        );
        assert_eq!(
            draft.next_review,
            NaiveDate::from_ymd_opt(2027, 11, 22).expect("date")
        );
        assert!(!review_overdue(draft.next_review, today()));
        assert!(review_overdue(today(), draft.next_review));
    }

    #[test]
    fn levels_outside_the_scale_and_missing_levels_name_their_field() {
        let mut bad = input(5, -1, 2, Some(9));
        bad.level_t = None;
        let errors = bad.validate(None, today()).expect_err("invalid");
        assert_eq!(
            codes(&errors),
            [
                ("level_k".to_owned(), "level-range"),
                ("level_r".to_owned(), "level-range"),
                ("level_t".to_owned(), "required"),
                ("level_s".to_owned(), "level-range"),
            ]
        );
    }

    #[test]
    fn a_system_cannot_go_below_its_assets_and_must_explain_a_raise() {
        let derived = Levels::new(level(3), level(2), level(2), Some(level(1)));
        let lower = input(2, 2, 2, Some(1));
        let errors = lower.validate(Some(&derived), today()).expect_err("below");
        assert_eq!(codes(&errors), [("level_k".to_owned(), "below-derived")]);

        let without_s = input(3, 2, 2, None);
        let errors = without_s.validate(Some(&derived), today()).expect_err("s");
        assert_eq!(codes(&errors), [("level_s".to_owned(), "below-derived")]);

        let raised = input(3, 2, 4, Some(1));
        let errors = raised
            .validate(Some(&derived), today())
            .expect_err("reason");
        assert_eq!(
            codes(&errors),
            [("reason_t".to_owned(), "raise-needs-reason")]
        );

        let mut explained = raised.clone();
        explained.reason_t = "Akutmottagningen kan inte vänta på reservrutiner.".into();
        let draft = explained.validate(Some(&derived), today()).expect("valid");
        assert!(draft.levels.needs_protection_analysis());
        assert_eq!(draft.derived, Some(derived));
        assert_eq!(
            draft.reasons.get(Aspect::Availability),
            "Akutmottagningen kan inte vänta på reservrutiner."
        );
    }

    #[test]
    fn participants_and_review_date_are_checked() {
        let mut bad = input(1, 1, 1, None);
        bad.participants = "  ".into();
        bad.next_review = Some(today());
        let errors = bad.validate(None, today()).expect_err("invalid");
        assert_eq!(
            codes(&errors),
            [
                ("participants".to_owned(), "required"),
                ("next_review".to_owned(), "date-not-future"),
            ]
        );
        bad.participants = "Ann".into();
        bad.next_review = NaiveDate::from_ymd_opt(2030, 1, 1);
        let errors = bad.validate(None, today()).expect_err("too far");
        assert_eq!(codes(&errors), [("next_review".to_owned(), "date-too-far")]);
    }

    #[test]
    fn object_kinds_round_trip_and_processes_are_named() {
        for kind in ObjectKind::ALL {
            assert_eq!(ObjectKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(ObjectKind::parse("person"), None);
        assert!(ObjectKind::Process.is_named_in_classification());
        assert!(!ObjectKind::System.is_named_in_classification());
        assert!(validate_object_name(" ").is_err());
        assert_eq!(
            validate_object_name(" Läkemedelshantering ").as_deref(),
            Ok("Läkemedelshantering")
        );
    }
}
