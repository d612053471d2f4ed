//! Which reports a reportable track owes, and when each falls due.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::deadline::due_at;
use super::regime::{ClockStart, Condition, Deadline, ObligationRule, Regime};
use super::track::{ClockMoments, TrackStatus};

/// An obligation as it is stored when its track becomes reportable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlannedObligation {
    pub code: String,
    pub clock_start: String,
    /// `None` while the clock waits for another report to be submitted.
    pub starts_at: Option<DateTime<Utc>>,
    pub due_at: Option<DateTime<Utc>>,
}

/// The organisation's own targets for "as soon as possible", keyed `<regime>/<code>`,
/// in days; they replace the content's default targets but never a legal deadline.
pub type Targets = BTreeMap<String, u32>;

/// The deadline of `rule` in `regime` once the organisation's targets are applied.
pub fn effective_deadline(regime: &Regime, rule: &ObligationRule, targets: &Targets) -> Deadline {
    match rule.deadline {
        Deadline::TargetDays(days) => Deadline::TargetDays(
            targets
                .get(&format!("{}/{}", regime.id, rule.code))
                .copied()
                .filter(|d| *d > 0)
                .unwrap_or(days),
        ),
        legal => legal,
    }
}

/// The obligations a track with `status` owes under `regime`: none unless reportable;
/// those that hold only for a high risk only then; a report due only while the incident
/// is ongoing waits with the rest (it is dropped if the incident ends in time); the
/// supplements of an incomplete report come only with that report.
pub fn plan(
    regime: &Regime,
    status: TrackStatus,
    moments: ClockMoments,
    targets: &Targets,
) -> Vec<PlannedObligation> {
    if !status.is_reportable() {
        return Vec::new();
    }
    regime
        .obligations
        .iter()
        .filter(|rule| match rule.when {
            Condition::Always | Condition::Ongoing => true,
            Condition::HighRisk => status == TrackStatus::ReportableHighRisk,
            Condition::Incomplete => false,
        })
        .map(|rule| {
            let starts_at = clock_start_time(&rule.clock_start, moments, |_| None);
            PlannedObligation {
                code: rule.code.clone(),
                clock_start: rule.clock_start.as_code(),
                starts_at,
                due_at: starts_at.map(|s| due_at(s, effective_deadline(regime, rule, targets))),
            }
        })
        .collect()
}

/// The clocks a track waiting for its assessor would run if it is reportable: a legal
/// deadline does not wait for the assessment, so the reports whose clocks start at the
/// awareness or the discovery are counted from the discovery until the assessor records
/// when the organisation became aware. Reports that start later (at the decision or
/// after another report) have no clock yet.
pub fn provisional(
    regime: &Regime,
    discovery: DateTime<Utc>,
    targets: &Targets,
) -> Vec<PlannedObligation> {
    let moments = ClockMoments {
        discovery,
        awareness: None,
        decision: None,
    };
    plan(regime, TrackStatus::Reportable, moments, targets)
        .into_iter()
        .filter(|p| p.due_at.is_some())
        .collect()
}

/// The planned reports of `regime` whose clocks start when report `code` is submitted at
/// `at`, each with its due time counted from then (supplements are added, not started:
/// see [`after_submission`](super::after_submission)).
pub fn started_by(
    regime: &Regime,
    code: &str,
    at: DateTime<Utc>,
    targets: &Targets,
) -> Vec<(String, DateTime<Utc>)> {
    let start = ClockStart::After(code.to_owned());
    regime
        .obligations
        .iter()
        .filter(|rule| rule.clock_start == start && rule.when != Condition::Incomplete)
        .map(|rule| {
            let deadline = effective_deadline(regime, rule, targets);
            (rule.code.clone(), due_at(at, deadline))
        })
        .collect()
}

/// When the clock of an obligation starting at `start` begins, given the moments known
/// and the submission time of the other obligations (`submitted(code)`). A clock that
/// starts at the end waits until the end is recorded ([`after_end`](super::after_end)).
pub fn clock_start_time(
    start: &ClockStart,
    moments: ClockMoments,
    submitted: impl Fn(&str) -> Option<DateTime<Utc>>,
) -> Option<DateTime<Utc>> {
    match start {
        ClockStart::Discovery => Some(moments.discovery),
        ClockStart::Awareness => Some(moments.awareness.unwrap_or(moments.discovery)),
        ClockStart::Decision => moments.decision,
        ClockStart::After(code) => submitted(code),
        ClockStart::End => None,
    }
}
