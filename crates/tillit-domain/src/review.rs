//! The management review (ledningens genomgång): held in spring and autumn with seven
//! agenda items and the follow-up of the internal control plan, and the decisions the
//! meeting takes, each with an owner and a due date.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validation::{optional_text, required_text};
use crate::ValidationErrors;

/// The longest participant list and item text kept.
pub const TEXT_MAX: usize = 20_000;
/// The longest decision text.
pub const DECISION_MAX: usize = 2_000;

/// When in the year the review is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Term {
    /// Vår.
    Spring,
    /// Höst.
    Autumn,
}

impl Term {
    pub const ALL: [Term; 2] = [Term::Spring, Term::Autumn];

    pub fn as_str(self) -> &'static str {
        match self {
            Term::Spring => "spring",
            Term::Autumn => "autumn",
        }
    }

    pub fn parse(value: &str) -> Option<Term> {
        Term::ALL.into_iter().find(|t| t.as_str() == value)
    }
}

/// Prepared (förberedd) until the meeting is held (genomförd), which freezes the items.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    Prepared,
    Held,
}

impl ReviewStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ReviewStatus::Prepared => "prepared",
            ReviewStatus::Held => "held",
        }
    }

    pub fn parse(value: &str) -> Option<ReviewStatus> {
        match value {
            "prepared" => Some(ReviewStatus::Prepared),
            "held" => Some(ReviewStatus::Held),
            _ => None,
        }
    }
}

/// The agenda: the seven items of seed 004 and, from 2023, the internal control plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKey {
    /// 1. Omvärld – risker och trender.
    World,
    /// 2. Resultat från måluppföljning.
    Goals,
    /// 3. Utvärderingar av regler, arbetssätt, åtgärder och stöd.
    Evaluation,
    /// 4. Övergripande riskanalys.
    RiskAnalysis,
    /// 5. Interna och externa revisioner.
    Audits,
    /// 6. Allvarliga risker som inte har åtgärdats, med förslag till beslut.
    SeriousRisks,
    /// 7. Brister i ansvar, resurser, mandat och befogenheter.
    Gaps,
    /// Uppföljning av internkontrollplanen.
    InternalControl,
}

impl ItemKey {
    pub const ALL: [ItemKey; 8] = [
        ItemKey::World,
        ItemKey::Goals,
        ItemKey::Evaluation,
        ItemKey::RiskAnalysis,
        ItemKey::Audits,
        ItemKey::SeriousRisks,
        ItemKey::Gaps,
        ItemKey::InternalControl,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemKey::World => "world",
            ItemKey::Goals => "goals",
            ItemKey::Evaluation => "evaluation",
            ItemKey::RiskAnalysis => "risk_analysis",
            ItemKey::Audits => "audits",
            ItemKey::SeriousRisks => "serious_risks",
            ItemKey::Gaps => "gaps",
            ItemKey::InternalControl => "internal_control",
        }
    }

    pub fn parse(value: &str) -> Option<ItemKey> {
        ItemKey::ALL.into_iter().find(|k| k.as_str() == value)
    }

    /// The item's number on the agenda, 1–8.
    pub fn number(self) -> usize {
        ItemKey::ALL
            .iter()
            .position(|k| *k == self)
            .map_or(0, |at| at + 1)
    }
}

/// A review as the user entered it.
#[derive(Debug, Clone, Default)]
pub struct ReviewInput<'a> {
    pub year: Option<i32>,
    pub term: &'a str,
    pub meeting_on: Option<NaiveDate>,
    pub participants: &'a str,
}

/// A review ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReviewDraft {
    pub year: i32,
    pub term: Term,
    pub meeting_on: NaiveDate,
    pub participants: String,
}

impl ReviewInput<'_> {
    /// Checks every field; a meeting date before `today` is refused when creating.
    pub fn validate(&self, today: NaiveDate) -> Result<ReviewDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let participants = optional_text(&mut errors, "participants", self.participants, TEXT_MAX);
        match self.year {
            None => errors.add("year", "required"),
            Some(year) if !(2000..=2100).contains(&year) => errors.add("year", "out-of-range"),
            Some(_) => {}
        }
        let term = Term::parse(self.term.trim());
        if term.is_none() {
            errors.add(
                "term",
                if self.term.trim().is_empty() {
                    "required"
                } else {
                    "invalid-choice"
                },
            );
        }
        match self.meeting_on {
            None => errors.add("meeting_on", "required"),
            Some(day) if day < today => errors.add("meeting_on", "meeting-in-past"),
            Some(_) => {}
        }
        errors.finish(ReviewDraft {
            year: self.year.unwrap_or_default(),
            term: term.unwrap_or(Term::Spring),
            meeting_on: self.meeting_on.unwrap_or(today),
            participants,
        })
    }
}

/// A decision of the meeting as the user entered it.
#[derive(Debug, Clone, Default)]
pub struct DecisionInput<'a> {
    pub text: &'a str,
    pub owner_id: Option<i64>,
    pub due_on: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionDraft {
    pub text: String,
    pub owner_id: i64,
    pub due_on: NaiveDate,
}

impl DecisionInput<'_> {
    pub fn validate(&self, today: NaiveDate) -> Result<DecisionDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let text = required_text(&mut errors, "text", self.text, DECISION_MAX);
        if self.owner_id.is_none() {
            errors.add("owner_id", "required");
        }
        match self.due_on {
            None => errors.add("due_on", "required"),
            Some(day) if day < today => errors.add("due_on", "due-in-past"),
            Some(_) => {}
        }
        errors.finish(DecisionDraft {
            text,
            owner_id: self.owner_id.unwrap_or_default(),
            due_on: self.due_on.unwrap_or(today),
        })
    }
}

/// What a decision was turned into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DecisionTarget {
    /// A measure in the risk module's action plan.
    Measure,
    /// A task for the decision's owner.
    Task,
}

impl DecisionTarget {
    pub fn parse(value: &str) -> Option<DecisionTarget> {
        match value {
            "measure" => Some(DecisionTarget::Measure),
            "task" => Some(DecisionTarget::Task),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("date")
    }

    #[test]
    fn a_meeting_in_the_past_is_refused_on_its_field() {
        let input = ReviewInput {
            year: Some(2026),
            term: "autumn",
            meeting_on: Some(day(2026, 3, 1)),
            participants: "",
        };
        let errors = input.validate(day(2026, 3, 2)).expect_err("past");
        assert!(errors.has("meeting_on"));
        assert!(input.validate(day(2026, 3, 1)).is_ok());
    }

    #[test]
    fn every_missing_field_is_named() {
        let errors = ReviewInput::default()
            .validate(day(2026, 1, 1))
            .expect_err("empty");
        for field in ["year", "term", "meeting_on"] {
            assert!(errors.has(field), "{field}");
        }
        let errors = DecisionInput::default()
            .validate(day(2026, 1, 1))
            .expect_err("empty");
        for field in ["text", "owner_id", "due_on"] {
            assert!(errors.has(field), "{field}");
        }
    }

    #[test]
    fn items_are_numbered_in_agenda_order() {
        assert_eq!(ItemKey::World.number(), 1);
        assert_eq!(ItemKey::Gaps.number(), 7);
        assert_eq!(ItemKey::InternalControl.number(), 8);
        for key in ItemKey::ALL {
            assert_eq!(ItemKey::parse(key.as_str()), Some(key));
        }
    }
}
