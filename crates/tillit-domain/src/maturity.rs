//! Maturity self-assessment (C27): a question set on four cumulative levels, grouped in
//! areas, scored automatically with feedback on what to do next.
//!
//! The questions live in `content/governance/maturity.toml`. An organisation (or one of
//! its administrations) answers each question met or not met; the level reached is the
//! highest level all of whose questions, and all lower levels' questions, are met.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::classification::Text;
use crate::validation::ValidationErrors;

const MATURITY_TOML: &str = include_str!("../../../content/governance/maturity.toml");

/// The highest level of the model.
pub const TOP_LEVEL: u8 = 4;

/// A share of classified systems at or above this many percent suggests that
/// classification is done (the question says "at least four in five").
pub const CLASSIFIED_SHARE_PERCENT: i64 = 80;

/// An axis of the radar chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Area {
    pub id: String,
    pub name: Text,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Level {
    pub number: u8,
    pub name: Text,
    pub description: Text,
}

/// What tillit's own data can tell about a question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Evidence {
    /// Systems or assets are registered.
    AssetInventory,
    /// At least [`CLASSIFIED_SHARE_PERCENT`] of the systems are classified.
    ClassificationShare,
    /// At least one risk analysis is approved.
    ApprovedRiskAnalyses,
    /// At least one incident is closed with its follow-up written.
    IncidentsHandled,
    /// A risk-analysis method is recorded.
    RiskMethod,
    /// At least one measure has a yearly follow-up.
    MeasuresFollowedUp,
}

impl Evidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Evidence::AssetInventory => "asset_inventory",
            Evidence::ClassificationShare => "classification_share",
            Evidence::ApprovedRiskAnalyses => "approved_risk_analyses",
            Evidence::IncidentsHandled => "incidents_handled",
            Evidence::RiskMethod => "risk_method",
            Evidence::MeasuresFollowedUp => "measures_followed_up",
        }
    }

    /// Whether the facts suggest the question is met.
    pub fn suggests_met(self, facts: &MaturityFacts) -> bool {
        match self {
            Evidence::AssetInventory => facts.systems + facts.assets > 0,
            Evidence::ClassificationShare => {
                facts.systems > 0
                    && facts.classified_systems * 100 >= facts.systems * CLASSIFIED_SHARE_PERCENT
            }
            Evidence::ApprovedRiskAnalyses => facts.approved_analyses > 0,
            Evidence::IncidentsHandled => facts.closed_incidents > 0,
            Evidence::RiskMethod => facts.risk_method_recorded,
            Evidence::MeasuresFollowedUp => facts.measure_follow_ups > 0,
        }
    }
}

/// The figures of the organisation that pre-answer questions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MaturityFacts {
    pub systems: i64,
    pub assets: i64,
    pub classified_systems: i64,
    pub approved_analyses: i64,
    pub closed_incidents: i64,
    pub risk_method_recorded: bool,
    pub measure_follow_ups: i64,
}

impl MaturityFacts {
    /// The share of systems classified, in whole percent.
    pub fn classified_percent(&self) -> i64 {
        (self.classified_systems * 100)
            .checked_div(self.systems)
            .unwrap_or(0)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Question {
    pub id: String,
    pub level: u8,
    pub area: String,
    pub text: Text,
    /// What to do to meet it: the feedback shown when it is not met.
    pub advice: Text,
    pub sources: Vec<String>,
    pub evidence: Option<Evidence>,
}

/// Everything in `content/governance/maturity.toml`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaturityContent {
    areas: Vec<Area>,
    levels: Vec<Level>,
    questions: Vec<Question>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the maturity content has {} problem(s):\n  {}", .0.len(), .0.join("\n  "))]
pub struct MaturityContentError(pub Vec<String>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    area: Vec<RawArea>,
    level: Vec<RawLevel>,
    question: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawText {
    sv: String,
    en: String,
}

impl RawText {
    fn text(self) -> Text {
        Text {
            sv: self.sv,
            en: self.en,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawArea {
    id: String,
    name: RawText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    number: u8,
    name: RawText,
    description: RawText,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    level: u8,
    area: String,
    text: RawText,
    advice: RawText,
    sources: Vec<String>,
    #[serde(default)]
    evidence: Option<Evidence>,
}

impl MaturityContent {
    /// The content shipped in `content/governance/`, compiled into the binary.
    pub fn builtin() -> Result<MaturityContent, MaturityContentError> {
        MaturityContent::from_toml(MATURITY_TOML)
    }

    pub fn from_toml(source: &str) -> Result<MaturityContent, MaturityContentError> {
        let raw: RawFile = toml::from_str(source)
            .map_err(|e| MaturityContentError(vec![format!("maturity.toml: {e}")]))?;
        let mut problems = Vec::new();
        let areas: Vec<Area> = raw
            .area
            .into_iter()
            .map(|a| Area {
                id: a.id,
                name: a.name.text(),
            })
            .collect();
        let area_ids: HashSet<&str> = areas.iter().map(|a| a.id.as_str()).collect();
        if area_ids.len() != areas.len() {
            problems.push("area ids must be unique".to_owned());
        }
        let levels: Vec<Level> = raw
            .level
            .into_iter()
            .map(|l| Level {
                number: l.number,
                name: l.name.text(),
                description: l.description.text(),
            })
            .collect();
        let numbers: Vec<u8> = levels.iter().map(|l| l.number).collect();
        if numbers != (1..=TOP_LEVEL).collect::<Vec<u8>>() {
            problems.push(format!("levels must be 1 to {TOP_LEVEL} in order"));
        }
        let mut seen = HashSet::new();
        let mut questions = Vec::new();
        for q in raw.question {
            if !seen.insert(q.id.clone()) {
                problems.push(format!("{}: the id is used twice", q.id));
            }
            if !(1..=TOP_LEVEL).contains(&q.level) {
                problems.push(format!("{}: level {} is not 1–4", q.id, q.level));
            }
            if !area_ids.contains(q.area.as_str()) {
                problems.push(format!("{}: unknown area {}", q.id, q.area));
            }
            if q.sources.iter().all(|s| s.trim().is_empty()) {
                problems.push(format!("{}: a source is required", q.id));
            }
            let texts = [&q.text.sv, &q.text.en, &q.advice.sv, &q.advice.en];
            if texts.iter().any(|t| t.trim().is_empty()) {
                problems.push(format!(
                    "{}: text and advice are required in both languages",
                    q.id
                ));
            }
            questions.push(Question {
                id: q.id,
                level: q.level,
                area: q.area,
                text: q.text.text(),
                advice: q.advice.text(),
                sources: q.sources,
                evidence: q.evidence,
            });
        }
        for level in 1..=TOP_LEVEL {
            if !questions.iter().any(|q| q.level == level) {
                problems.push(format!("level {level} has no questions"));
            }
        }
        if problems.is_empty() {
            Ok(MaturityContent {
                areas,
                levels,
                questions,
            })
        } else {
            Err(MaturityContentError(problems))
        }
    }

    pub fn areas(&self) -> &[Area] {
        &self.areas
    }

    pub fn levels(&self) -> &[Level] {
        &self.levels
    }

    pub fn questions(&self) -> &[Question] {
        &self.questions
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.id == id)
    }

    /// Scores `answers` (question id → met); an unanswered question counts as not met.
    pub fn score(&self, answers: &BTreeMap<String, Answer>) -> Score {
        let met = |q: &Question| answers.get(&q.id).is_some_and(|a| a.met);
        let reached_in = |questions: &mut dyn Iterator<Item = &Question>| {
            let questions: Vec<&Question> = questions.collect();
            (1..=TOP_LEVEL)
                .take_while(|level| {
                    questions
                        .iter()
                        .filter(|q| q.level == *level)
                        .all(|q| met(q))
                })
                .last()
                .unwrap_or(0)
        };
        let level = reached_in(&mut self.questions.iter());
        let areas = self
            .areas
            .iter()
            .map(|area| {
                let in_area = || self.questions.iter().filter(|q| q.area == area.id);
                AreaScore {
                    area: area.id.clone(),
                    level: reached_in(&mut in_area()),
                    met: in_area().filter(|q| met(q)).count(),
                    total: in_area().count(),
                }
            })
            .collect();
        let next_steps = self
            .questions
            .iter()
            .filter(|q| q.level == level + 1 && !met(q))
            .map(|q| q.id.clone())
            .collect();
        Score {
            level,
            areas,
            answered: answers
                .keys()
                .filter(|id| self.question(id).is_some())
                .count(),
            total: self.questions.len(),
            next_steps,
        }
    }
}

/// One answer: met or not, with an optional note on how it is met or what is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub met: bool,
    #[serde(default)]
    pub note: String,
}

/// The score of one area: the level its own questions reach, and how many are met.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaScore {
    pub area: String,
    pub level: u8,
    pub met: usize,
    pub total: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Score {
    /// 0 until every level-1 question is met.
    pub level: u8,
    pub areas: Vec<AreaScore>,
    pub answered: usize,
    pub total: usize,
    /// The unmet questions of the next level, in content order; empty at the top level.
    pub next_steps: Vec<String>,
}

/// Draft (utkast) or completed (avslutad).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AssessmentStatus {
    Draft,
    Completed,
}

impl AssessmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            AssessmentStatus::Draft => "draft",
            AssessmentStatus::Completed => "completed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value {
            "draft" => Some(AssessmentStatus::Draft),
            "completed" => Some(AssessmentStatus::Completed),
            _ => None,
        }
    }
}

/// A new assessment as typed.
#[derive(Debug, Clone, Default)]
pub struct AssessmentInput<'a> {
    pub title: &'a str,
    pub assessed_on: Option<NaiveDate>,
    /// An administration (a top-level unit); `None` for the whole organisation.
    pub unit_id: Option<i64>,
}

/// A checked new assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentDraft {
    pub title: String,
    pub assessed_on: NaiveDate,
    pub unit_id: Option<i64>,
}

impl AssessmentInput<'_> {
    pub fn validate(&self, today: NaiveDate) -> Result<AssessmentDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = self.title.trim();
        if title.is_empty() {
            errors.add("title", "required");
        } else if title.chars().count() > 200 {
            errors.add("title", "too-long");
        }
        let assessed_on = self.assessed_on.unwrap_or(today);
        errors.finish(AssessmentDraft {
            title: title.to_owned(),
            assessed_on,
            unit_id: self.unit_id,
        })
    }
}

/// Checks answers against the question set: every id must be a question, notes short.
pub fn validate_answers(
    content: &MaturityContent,
    answers: &BTreeMap<String, Answer>,
) -> Result<(), ValidationErrors> {
    let mut errors = ValidationErrors::new();
    for (id, answer) in answers {
        if content.question(id).is_none() {
            errors.add(&format!("answers.{id}"), "invalid-choice");
        } else if answer.note.chars().count() > 2000 {
            errors.add(&format!("answers.{id}"), "too-long");
        }
    }
    errors.finish(())
}

#[cfg(test)]
mod tests;
