//! The annual cycle (C35, årshjul): recurring duties with owners and due dates.
//!
//! Duties come from several sources: the registers and the action plan (register
//! confirmation, risk-analysis renewal, measure follow-up), the fixed points of
//! `content/governance/cycle.toml` (management reviews, the annual report), and the
//! organisation's own recurring duties (access reviews, continuity exercises, …). This
//! module holds the rules they share: recurrence, dates, validation and the iCalendar
//! text.

pub mod ical;

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::classification::Text;
use crate::validation::{optional_text, required_text, ValidationErrors};

const CYCLE_TOML: &str = include_str!("../../../content/governance/cycle.toml");

/// How often an own duty comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Recurrence {
    Yearly,
    HalfYearly,
    Quarterly,
    Monthly,
}

impl Recurrence {
    pub const ALL: [Recurrence; 4] = [
        Recurrence::Yearly,
        Recurrence::HalfYearly,
        Recurrence::Quarterly,
        Recurrence::Monthly,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Recurrence::Yearly => "yearly",
            Recurrence::HalfYearly => "half_yearly",
            Recurrence::Quarterly => "quarterly",
            Recurrence::Monthly => "monthly",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Recurrence::ALL.into_iter().find(|r| r.as_str() == value)
    }

    pub fn months(self) -> u32 {
        match self {
            Recurrence::Yearly => 12,
            Recurrence::HalfYearly => 6,
            Recurrence::Quarterly => 3,
            Recurrence::Monthly => 1,
        }
    }

    /// The due date after `date`. A day past the end of a shorter month falls on its last
    /// day, and the `anchor_day` (the day the duty was first set to) comes back when the
    /// month is long enough again.
    pub fn next_after(self, date: NaiveDate, anchor_day: u32) -> NaiveDate {
        let next_month = date
            .checked_add_months(Months::new(self.months()))
            .unwrap_or(date);
        on_day(next_month.year(), next_month.month(), anchor_day).unwrap_or(next_month)
    }

    /// Every due date from `first` on that falls within `from..=to`.
    pub fn occurrences(self, first: NaiveDate, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        let anchor = first.day();
        let mut dates = Vec::new();
        let mut date = first;
        while date <= to {
            if date >= from {
                dates.push(date);
            }
            let next = self.next_after(date, anchor);
            if next <= date {
                break;
            }
            date = next;
        }
        dates
    }
}

/// `day` of the month, or the month's last day when it is shorter.
pub fn on_day(year: i32, month: u32, day: u32) -> Option<NaiveDate> {
    (1..=day.clamp(1, 31))
        .rev()
        .find_map(|d| NaiveDate::from_ymd_opt(year, month, d))
}

/// Where a duty in the calendar comes from; also its type for filtering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DutyKind {
    /// The yearly confirmation of the register of networks and systems.
    RegisterConfirmation,
    /// A risk analysis's yearly renewal.
    RiskRenewal,
    /// A measure of the action plan due to be done.
    MeasureFollowUp,
    /// Management review, spring and autumn.
    ManagementReview,
    /// The yearly information security report.
    AnnualReport,
    /// A governing document's review.
    DocumentReview,
    /// The organisation's own: following up authorisations.
    AccessReview,
    /// The organisation's own: a continuity exercise.
    ContinuityExercise,
    /// The organisation's own, of any other kind.
    OtherDuty,
}

impl DutyKind {
    pub const ALL: [DutyKind; 9] = [
        DutyKind::RegisterConfirmation,
        DutyKind::RiskRenewal,
        DutyKind::MeasureFollowUp,
        DutyKind::ManagementReview,
        DutyKind::AnnualReport,
        DutyKind::DocumentReview,
        DutyKind::AccessReview,
        DutyKind::ContinuityExercise,
        DutyKind::OtherDuty,
    ];

    /// The kinds an organisation may give its own duties.
    pub const OWN: [DutyKind; 3] = [
        DutyKind::AccessReview,
        DutyKind::ContinuityExercise,
        DutyKind::OtherDuty,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DutyKind::RegisterConfirmation => "register_confirmation",
            DutyKind::RiskRenewal => "risk_renewal",
            DutyKind::MeasureFollowUp => "measure_follow_up",
            DutyKind::ManagementReview => "management_review",
            DutyKind::AnnualReport => "annual_report",
            DutyKind::DocumentReview => "document_review",
            DutyKind::AccessReview => "access_review",
            DutyKind::ContinuityExercise => "continuity_exercise",
            DutyKind::OtherDuty => "other_duty",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        DutyKind::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// One duty on one date, from whichever source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Occurrence {
    pub kind: DutyKind,
    /// Unique per source object and date, e.g. `measure-42-2026-05-01`; the iCalendar UID.
    pub key: String,
    pub title: String,
    pub description: String,
    pub due_on: NaiveDate,
    pub owner_id: Option<i64>,
    pub owner_name: Option<String>,
    pub unit_id: Option<i64>,
    /// Where to deal with it, e.g. `/risks/measures/42`.
    pub path: String,
}

impl Occurrence {
    pub fn new_key(source: &str, id: i64, due_on: NaiveDate) -> String {
        format!("{source}-{id}-{due_on}")
    }
}

/// A fixed recurring point of the cycle from `content/governance/cycle.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FixedDuty {
    pub kind: DutyKind,
    pub months: Vec<u32>,
    pub day: u32,
    pub title: Text,
    pub description: Text,
    pub sources: Vec<String>,
}

impl FixedDuty {
    /// The duty's dates within `from..=to`.
    pub fn dates(&self, from: NaiveDate, to: NaiveDate) -> Vec<NaiveDate> {
        (from.year()..=to.year())
            .flat_map(|year| {
                self.months
                    .iter()
                    .filter_map(move |month| on_day(year, *month, self.day))
            })
            .filter(|date| *date >= from && *date <= to)
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CycleContent {
    fixed: Vec<FixedDuty>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the cycle content has {} problem(s):\n  {}", .0.len(), .0.join("\n  "))]
pub struct CycleContentError(pub Vec<String>);

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCycle {
    fixed: Vec<RawFixed>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFixed {
    id: String,
    months: Vec<u32>,
    day: u32,
    title: Text,
    description: Text,
    sources: Vec<String>,
}

impl CycleContent {
    pub fn builtin() -> Result<CycleContent, CycleContentError> {
        CycleContent::from_toml(CYCLE_TOML)
    }

    pub fn from_toml(source: &str) -> Result<CycleContent, CycleContentError> {
        let raw: RawCycle = toml::from_str(source)
            .map_err(|e| CycleContentError(vec![format!("cycle.toml: {e}")]))?;
        let mut problems = Vec::new();
        let mut fixed = Vec::new();
        for f in raw.fixed {
            let kind = match DutyKind::parse(&f.id) {
                Some(kind @ (DutyKind::ManagementReview | DutyKind::AnnualReport)) => kind,
                _ => {
                    problems.push(format!("{}: not a fixed duty", f.id));
                    continue;
                }
            };
            if f.months.is_empty() || f.months.iter().any(|m| !(1..=12).contains(m)) {
                problems.push(format!("{}: months must be 1–12", f.id));
            }
            if !(1..=31).contains(&f.day) {
                problems.push(format!("{}: day must be 1–31", f.id));
            }
            if f.sources.is_empty() {
                problems.push(format!("{}: a source is required", f.id));
            }
            fixed.push(FixedDuty {
                kind,
                months: f.months,
                day: f.day,
                title: f.title,
                description: f.description,
                sources: f.sources,
            });
        }
        if problems.is_empty() {
            Ok(CycleContent { fixed })
        } else {
            Err(CycleContentError(problems))
        }
    }

    pub fn fixed(&self) -> &[FixedDuty] {
        &self.fixed
    }
}

/// Reminders go out this many days before an own duty is due, unless it says otherwise.
pub const DEFAULT_REMINDER_DAYS: i64 = 14;

/// An own recurring duty as typed.
#[derive(Debug, Clone, Default)]
pub struct DutyInput<'a> {
    pub title: &'a str,
    pub description: &'a str,
    pub kind: &'a str,
    pub recurrence: &'a str,
    pub next_due: Option<NaiveDate>,
    pub owner_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub reminder_days: Option<i64>,
}

/// A checked own duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DutyDraft {
    pub title: String,
    pub description: String,
    pub kind: DutyKind,
    pub recurrence: Recurrence,
    pub next_due: NaiveDate,
    pub owner_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub reminder_days: i64,
}

impl DutyInput<'_> {
    /// A new duty's first due date may not lie before `today`; an edited one may keep its
    /// date (`allow_past`), so a late duty can be renamed without being moved.
    pub fn validate(
        &self,
        today: NaiveDate,
        allow_past: Option<NaiveDate>,
    ) -> Result<DutyDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let title = required_text(&mut errors, "title", self.title, 200);
        let description = optional_text(&mut errors, "description", self.description, 4000);
        let kind = DutyKind::parse(self.kind.trim()).filter(|k| DutyKind::OWN.contains(k));
        if kind.is_none() {
            errors.add("kind", "invalid-choice");
        }
        let recurrence = Recurrence::parse(self.recurrence.trim());
        if recurrence.is_none() {
            errors.add("recurrence", "invalid-choice");
        }
        match self.next_due {
            None => errors.add("next_due", "required"),
            Some(date) if date < today && Some(date) != allow_past => {
                errors.add("next_due", "due-in-past")
            }
            Some(_) => {}
        }
        let reminder_days = self.reminder_days.unwrap_or(DEFAULT_REMINDER_DAYS);
        if !(0..=365).contains(&reminder_days) {
            errors.add("reminder_days", "out-of-range");
        }
        match (kind, recurrence, self.next_due) {
            (Some(kind), Some(recurrence), Some(next_due)) if errors.is_empty() => Ok(DutyDraft {
                title,
                description,
                kind,
                recurrence,
                next_due,
                owner_id: self.owner_id,
                unit_id: self.unit_id,
                reminder_days,
            }),
            _ => Err(errors),
        }
    }
}

/// The first and last day of `year`.
pub fn year_bounds(year: i32) -> Option<(NaiveDate, NaiveDate)> {
    Some((
        NaiveDate::from_ymd_opt(year, 1, 1)?,
        NaiveDate::from_ymd_opt(year, 12, 31)?,
    ))
}

#[cfg(test)]
mod tests;
