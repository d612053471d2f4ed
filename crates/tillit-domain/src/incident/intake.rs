//! The one intake: any signed-in employee reports a deviation (avvikelse) in a short form.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Europe::Stockholm;

use super::deadline::from_swedish;
use crate::validation::{optional_text, required_text, ValidationErrors};

pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 8000;
/// Clocks on phones and servers disagree a little; a time this far ahead still counts
/// as now.
const CLOCK_SKEW: Duration = Duration::minutes(5);

/// A report as the employee gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeInput<'a> {
    pub title: &'a str,
    /// What happened.
    pub description: &'a str,
    /// When it started, if known.
    pub started_at: Option<DateTime<Utc>>,
    pub discovered_at: Option<DateTime<Utc>>,
    pub unit_id: Option<i64>,
    pub system_ids: &'a [i64],
    pub care_disrupted: bool,
    pub personal_data: bool,
    pub patient_harm: bool,
}

/// A report ready to be stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IntakeDraft {
    pub title: String,
    pub description: String,
    pub started_at: Option<DateTime<Utc>>,
    pub discovered_at: DateTime<Utc>,
    pub unit_id: i64,
    pub system_ids: Vec<i64>,
    pub care_disrupted: bool,
    pub personal_data: bool,
    pub patient_harm: bool,
}

impl IntakeDraft {
    /// The moment that decides which rules the incident is judged by: when it started,
    /// or when it was discovered if the start is unknown.
    pub fn occurred_at(&self) -> DateTime<Utc> {
        self.started_at.unwrap_or(self.discovered_at)
    }

    /// The Swedish date of [`IntakeDraft::occurred_at`].
    pub fn occurred_on(&self) -> NaiveDate {
        self.occurred_at().with_timezone(&Stockholm).date_naive()
    }
}

impl IntakeInput<'_> {
    /// Checks every field as of `now`: nothing starts or is discovered in the future,
    /// and nothing is discovered before it started.
    pub fn validate(&self, now: DateTime<Utc>) -> Result<IntakeDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = required_text(&mut errors, "title", self.title, TITLE_MAX);
        let description = required_text(&mut errors, "description", self.description, TEXT_MAX);
        let latest = now + CLOCK_SKEW;
        if self.started_at.is_some_and(|t| t > latest) {
            errors.add("started_at", "in-future");
        }
        match self.discovered_at {
            None => errors.add("discovered_at", "required"),
            Some(t) if t > latest => errors.add("discovered_at", "in-future"),
            Some(t) if self.started_at.is_some_and(|s| t < s) => {
                errors.add("discovered_at", "before-start")
            }
            Some(_) => {}
        }
        if self.unit_id.is_none() {
            errors.add("unit_id", "required");
        }
        let mut system_ids = self.system_ids.to_vec();
        system_ids.sort_unstable();
        system_ids.dedup();
        errors.finish(IntakeDraft {
            title,
            description,
            started_at: self.started_at,
            discovered_at: self.discovered_at.unwrap_or(now),
            unit_id: self.unit_id.unwrap_or_default(),
            system_ids,
            care_disrupted: self.care_disrupted,
            personal_data: self.personal_data,
            patient_harm: self.patient_harm,
        })
    }
}

/// Reads a Swedish wall-clock time as typed in a form (`2026-03-29T02:30`, with or
/// without seconds, `T` or a space).
pub fn parse_swedish_time(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ]
    .iter()
    .find_map(|format| NaiveDateTime::parse_from_str(value, format).ok())
    .map(from_swedish)
}

/// What the case learned, as given: the root cause, lessons learned, the measures taken
/// and when the incident ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpInput<'a> {
    pub root_cause: &'a str,
    pub lessons_learned: &'a str,
    pub measures_taken: &'a str,
    pub ended_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FollowUpDraft {
    pub root_cause: String,
    pub lessons_learned: String,
    pub measures_taken: String,
    pub ended_at: Option<DateTime<Utc>>,
}

impl FollowUpInput<'_> {
    /// An incident cannot end before it started (or was discovered) or in the future.
    pub fn validate(
        &self,
        began: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<FollowUpDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let root_cause = optional_text(&mut errors, "root_cause", self.root_cause, TEXT_MAX);
        let lessons_learned = optional_text(
            &mut errors,
            "lessons_learned",
            self.lessons_learned,
            TEXT_MAX,
        );
        let measures_taken =
            optional_text(&mut errors, "measures_taken", self.measures_taken, TEXT_MAX);
        match self.ended_at {
            Some(t) if t > now + CLOCK_SKEW => errors.add("ended_at", "in-future"),
            Some(t) if t < began => errors.add("ended_at", "before-start"),
            _ => {}
        }
        errors.finish(FollowUpDraft {
            root_cause,
            lessons_learned,
            measures_taken,
            ended_at: self.ended_at,
        })
    }
}
