//! The assessments of seed 000: the head of operations assesses the deviation and
//! escalates; each track's assessor decides whether it is reportable.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::Serialize;

use super::regime::SignificanceQuestion;
use super::track::{Category, Track, TrackStatus};
use crate::validation::{optional_text, required_text, ValidationErrors};

pub const TEXT_MAX: usize = 8000;
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// The head of operations' assessment as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviationAssessmentInput<'a> {
    pub category: Option<Category>,
    pub reasoning: &'a str,
    pub measures_taken: &'a str,
    /// The tracks to escalate to their assessors.
    pub escalate: &'a [Track],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeviationAssessment {
    pub category: Category,
    pub reasoning: String,
    pub measures_taken: String,
    pub escalate: Vec<Track>,
}

impl DeviationAssessmentInput<'_> {
    pub fn validate(&self) -> Result<DeviationAssessment, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        if self.category.is_none() {
            errors.add("category", "required");
        }
        let reasoning = required_text(&mut errors, "reasoning", self.reasoning, TEXT_MAX);
        let measures_taken =
            optional_text(&mut errors, "measures_taken", self.measures_taken, TEXT_MAX);
        let mut escalate = self.escalate.to_vec();
        escalate.sort_unstable();
        escalate.dedup();
        errors.finish(DeviationAssessment {
            category: self.category.unwrap_or(Category::Other),
            reasoning,
            measures_taken,
            escalate,
        })
    }
}

/// The details each track's assessment records, by report-draft field.
pub fn detail_fields(track: Track) -> &'static [&'static str] {
    match track {
        Track::Cybersecurity => &["severity", "impact", "indicators"],
        Track::PersonalData => &[
            "data_subject_groups",
            "data_categories",
            "subjects_count",
            "records_count",
            "consequences",
            "inform_subjects",
        ],
        Track::PatientSafety => &["patient_impact"],
    }
}

const COUNT_FIELDS: [&str; 2] = ["subjects_count", "records_count"];

/// A track assessor's decision as given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackAssessmentInput<'a> {
    pub track: Track,
    pub decision: Option<TrackStatus>,
    pub reasoning: &'a str,
    /// When the organisation became aware that the regime applies.
    pub awareness_at: Option<DateTime<Utc>>,
    /// Who else was consulted (LVS, IT and security development leads, the service desk).
    pub consulted: &'a str,
    /// Answers to the significance questions, by question id (cybersecurity only).
    pub answers: &'a [(String, bool)],
    /// The track's details, by field of [`detail_fields`].
    pub details: &'a [(String, String)],
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrackAssessment {
    pub track: Track,
    pub decision: TrackStatus,
    pub reasoning: String,
    pub awareness_at: Option<DateTime<Utc>>,
    pub consulted: String,
    pub answers: BTreeMap<String, bool>,
    pub details: BTreeMap<String, String>,
}

impl TrackAssessmentInput<'_> {
    /// Checks the decision against the track, the awareness time against the discovery
    /// and `now`, and the answers against the significance `questions`.
    pub fn validate(
        &self,
        discovered_at: DateTime<Utc>,
        now: DateTime<Utc>,
        questions: &[SignificanceQuestion],
    ) -> Result<TrackAssessment, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        match self.decision {
            None => errors.add("decision", "required"),
            Some(d) if !self.track.decisions().contains(&d) => {
                errors.add("decision", "invalid-choice")
            }
            Some(_) => {}
        }
        let reasoning = required_text(&mut errors, "reasoning", self.reasoning, TEXT_MAX);
        let consulted = optional_text(&mut errors, "consulted", self.consulted, TEXT_MAX);
        let needs_awareness = self
            .decision
            .is_some_and(|d| d.is_reportable() || d == TrackStatus::DocumentedOnly);
        match self.awareness_at {
            None if needs_awareness && self.track != Track::PatientSafety => {
                errors.add("awareness_at", "required")
            }
            Some(t) if t > now + CLOCK_SKEW => errors.add("awareness_at", "in-future"),
            Some(t) if t < discovered_at => errors.add("awareness_at", "before-discovery"),
            _ => {}
        }
        let mut answers = BTreeMap::new();
        for (id, yes) in self.answers {
            if self.track != Track::Cybersecurity || !questions.iter().any(|q| &q.id == id) {
                errors.add("answers", "invalid-choice");
                break;
            }
            answers.insert(id.clone(), *yes);
        }
        let allowed = detail_fields(self.track);
        let mut details = BTreeMap::new();
        for (field, value) in self.details {
            if !allowed.contains(&field.as_str()) {
                errors.add(field, "invalid-choice");
                continue;
            }
            let value = optional_text(&mut errors, field, value, TEXT_MAX);
            if COUNT_FIELDS.contains(&field.as_str())
                && !value.is_empty()
                && value.parse::<u64>().is_err()
            {
                errors.add(field, "not-a-number");
            }
            if !value.is_empty() {
                details.insert(field.clone(), value);
            }
        }
        errors.finish(TrackAssessment {
            track: self.track,
            decision: self.decision.unwrap_or(TrackStatus::Escalated),
            reasoning,
            awareness_at: self.awareness_at,
            consulted,
            answers,
            details,
        })
    }
}

/// What the decision support suggests: significant if any legal criterion is answered
/// yes; `None` until every criterion has an answer.
pub fn suggests_significant(
    questions: &[SignificanceQuestion],
    answers: &BTreeMap<String, bool>,
) -> Option<bool> {
    let mut all_answered = true;
    for q in questions.iter().filter(|q| q.criterion) {
        match answers.get(&q.id) {
            Some(true) => return Some(true),
            Some(false) => {}
            None => all_answered = false,
        }
    }
    all_answered.then_some(false)
}
