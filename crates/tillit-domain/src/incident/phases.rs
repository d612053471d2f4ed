//! Reports given in phases: the progress report due instead of the final report while a
//! cybersecurity incident is still ongoing (the final report then follows its end), and
//! the supplements of a GDPR notification submitted without every detail.
//!
//! Submitting a report and recording the incident's end change the open reports of the
//! case; these functions say how, and the store applies the changes.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::deadline::due_at;
use super::obligation::{effective_deadline, PlannedObligation, Targets};
use super::regime::{ClockStart, Deadline, Regime};

/// A change to the open reports of one regime of a case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "change")]
pub enum ClockChange {
    /// A report now owed, with its clock (a supplement of an incomplete report).
    Add(PlannedObligation),
    /// An open report's clock moves: it waits (no start) or runs from a new start.
    Move(PlannedObligation),
    /// An open report is no longer owed.
    Drop { code: String },
}

/// An open report of a case as the phase rules read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReport<'a> {
    pub code: &'a str,
    pub clock_start: &'a str,
    pub due_at: Option<DateTime<Utc>>,
}

fn clock(
    code: &str,
    start: &ClockStart,
    starts_at: Option<DateTime<Utc>>,
    deadline: Deadline,
) -> PlannedObligation {
    PlannedObligation {
        code: code.to_owned(),
        clock_start: start.as_code(),
        starts_at,
        due_at: starts_at.map(|s| due_at(s, deadline)),
    }
}

/// What submitting report `code` of `regime` at `at` changes, besides starting the
/// reports that wait for it ([`started_by`](super::started_by)):
/// - submitted as `incomplete`, its supplements are added, due from the submission;
/// - a report given instead of another while the incident is ongoing (the progress
///   report) moves that other report's clock to the incident's end: it runs from
///   `ended_at` if the end is known and waits for it otherwise;
/// - the report itself given (the final report), the report due instead of it is no
///   longer owed.
pub fn after_submission(
    regime: &Regime,
    code: &str,
    at: DateTime<Utc>,
    incomplete: bool,
    ended_at: Option<DateTime<Utc>>,
    targets: &Targets,
) -> Vec<ClockChange> {
    let mut changes = Vec::new();
    if incomplete {
        changes.extend(regime.supplements_of(code).map(|rule| {
            let deadline = effective_deadline(regime, rule, targets);
            ClockChange::Add(clock(&rule.code, &rule.clock_start, Some(at), deadline))
        }));
    }
    for rule in &regime.obligations {
        let Some(if_ongoing) = &rule.if_ongoing else {
            continue;
        };
        if if_ongoing.instead == code {
            let starts_at = match if_ongoing.clock_start {
                ClockStart::End => ended_at,
                _ => None,
            };
            changes.push(ClockChange::Move(clock(
                &rule.code,
                &if_ongoing.clock_start,
                starts_at,
                if_ongoing.deadline,
            )));
        } else if rule.code == code {
            changes.push(ClockChange::Drop {
                code: if_ongoing.instead.clone(),
            });
        }
    }
    changes
}

/// What recording that the incident ended at `ended_at` changes among the open reports
/// of `regime`:
/// - a report whose clock starts at the end runs from it;
/// - a report with a report due instead while ongoing (the final report): ended before
///   it falls due (or before its clock even started), the report due instead is no
///   longer owed; ended after, the report due instead was owed and this report's clock
///   starts again at the end.
pub fn after_end(
    regime: &Regime,
    open: &[OpenReport<'_>],
    ended_at: DateTime<Utc>,
) -> Vec<ClockChange> {
    let mut changes = Vec::new();
    let is_open = |code: &str| open.iter().any(|o| o.code == code);
    for report in open {
        let Some(rule) = regime.obligation(report.code) else {
            continue;
        };
        let end = ClockStart::End.as_code();
        if report.clock_start == end {
            let deadline = rule
                .if_ongoing
                .as_ref()
                .filter(|i| i.clock_start == ClockStart::End)
                .map_or(rule.deadline, |i| i.deadline);
            changes.push(ClockChange::Move(clock(
                report.code,
                &ClockStart::End,
                Some(ended_at),
                deadline,
            )));
            continue;
        }
        let Some(if_ongoing) = &rule.if_ongoing else {
            continue;
        };
        let ended_in_time = report.due_at.is_none_or(|due| ended_at < due);
        if ended_in_time {
            if is_open(&if_ongoing.instead) {
                changes.push(ClockChange::Drop {
                    code: if_ongoing.instead.clone(),
                });
            }
        } else {
            let starts_at = (if_ongoing.clock_start == ClockStart::End).then_some(ended_at);
            changes.push(ClockChange::Move(clock(
                report.code,
                &if_ongoing.clock_start,
                starts_at,
                if_ongoing.deadline,
            )));
        }
    }
    changes
}

/// Whether report `code` of `regime` may be submitted as incomplete: it has supplements.
pub fn may_be_incomplete(regime: &Regime, code: &str) -> bool {
    regime.supplements_of(code).next().is_some()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::incident::IncidentContent;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    fn content() -> IncidentContent {
        IncidentContent::builtin().unwrap()
    }

    #[test]
    fn the_notification_starts_both_the_final_and_the_progress_report() {
        let content = content();
        let csl = content.regime("csl-2025").unwrap();
        let at = utc("2026-03-05T10:00:00Z");
        let started = crate::incident::started_by(csl, "notification", at, &Targets::new());
        let due = utc("2026-04-05T09:00:00Z");
        assert_eq!(
            started,
            [
                ("final_report".to_owned(), due),
                ("progress_report".to_owned(), due)
            ]
        );
    }

    #[test]
    fn an_incident_ended_before_the_final_report_needs_no_progress_report() {
        let content = content();
        let csl = content.regime("csl-2025").unwrap();
        let due = utc("2026-04-05T09:00:00Z");
        let open = [
            OpenReport {
                code: "final_report",
                clock_start: "after:notification",
                due_at: Some(due),
            },
            OpenReport {
                code: "progress_report",
                clock_start: "after:notification",
                due_at: Some(due),
            },
        ];
        assert_eq!(
            after_end(csl, &open, utc("2026-03-20T12:00:00Z")),
            [ClockChange::Drop {
                code: "progress_report".into()
            }]
        );
        // Ended after the final report fell due: the progress report was owed, and the
        // final report runs one month from the end, in Swedish wall time.
        let ended = utc("2026-04-10T12:00:00Z");
        assert_eq!(
            after_end(csl, &open, ended),
            [ClockChange::Move(PlannedObligation {
                code: "final_report".into(),
                clock_start: "end".into(),
                starts_at: Some(ended),
                due_at: Some(utc("2026-05-10T12:00:00Z")),
            })]
        );
    }

    #[test]
    fn a_progress_report_makes_the_final_report_wait_for_the_end() {
        let content = content();
        let csl = content.regime("csl-2025").unwrap();
        let at = utc("2026-04-05T08:00:00Z");
        let waiting = after_submission(csl, "progress_report", at, false, None, &Targets::new());
        assert_eq!(
            waiting,
            [ClockChange::Move(PlannedObligation {
                code: "final_report".into(),
                clock_start: "end".into(),
                starts_at: None,
                due_at: None,
            })]
        );
        // Once the end is recorded, the waiting final report runs from it.
        let ended = utc("2026-06-30T22:30:00Z");
        let open = [OpenReport {
            code: "final_report",
            clock_start: "end",
            due_at: None,
        }];
        assert_eq!(
            after_end(csl, &open, ended),
            [ClockChange::Move(PlannedObligation {
                code: "final_report".into(),
                clock_start: "end".into(),
                starts_at: Some(ended),
                due_at: Some(utc("2026-07-31T22:30:00Z")),
            })]
        );
        // The end already known when the progress report is given: the clock runs at once.
        let ended_before = utc("2026-04-04T10:00:00Z");
        let running = after_submission(
            csl,
            "progress_report",
            at,
            false,
            Some(ended_before),
            &Targets::new(),
        );
        assert!(matches!(
            &running[..],
            [ClockChange::Move(p)] if p.starts_at == Some(ended_before)
                && p.due_at == Some(utc("2026-05-04T10:00:00Z"))
        ));
        // The final report given: the progress report is no longer owed.
        assert_eq!(
            after_submission(csl, "final_report", at, false, None, &Targets::new()),
            [ClockChange::Drop {
                code: "progress_report".into()
            }]
        );
    }

    #[test]
    fn an_incomplete_imy_notification_adds_a_supplement_with_the_organisations_target() {
        let content = content();
        let gdpr = content.regime("gdpr").unwrap();
        let at = utc("2026-03-02T09:00:00Z");
        assert!(may_be_incomplete(gdpr, "imy_notification"));
        assert!(!may_be_incomplete(gdpr, "subject_notice"));
        assert!(
            after_submission(gdpr, "imy_notification", at, false, None, &Targets::new()).is_empty()
        );
        let default = after_submission(gdpr, "imy_notification", at, true, None, &Targets::new());
        assert_eq!(
            default,
            [ClockChange::Add(PlannedObligation {
                code: "imy_supplement".into(),
                clock_start: "after:imy_notification".into(),
                starts_at: Some(at),
                due_at: Some(utc("2026-03-30T08:00:00Z")),
            })]
        );
        let targets = Targets::from([("gdpr/imy_supplement".to_owned(), 14)]);
        let own = after_submission(gdpr, "imy_notification", at, true, None, &targets);
        assert!(matches!(
            &own[..],
            [ClockChange::Add(p)] if p.due_at == Some(utc("2026-03-16T09:00:00Z"))
        ));
        // Supplements are never planned with the track, and never started by a submission.
        assert!(
            crate::incident::started_by(gdpr, "imy_notification", at, &Targets::new()).is_empty()
        );
    }

    #[test]
    fn if_ongoing_must_name_a_report_due_only_while_ongoing() {
        let regimes = r#"
[[regime]]
id = "x"
track = "cybersecurity"
name.sv = "X"
name.en = "X"
trigger.sv = "X"
trigger.en = "X"
recipient = "Y"
reporter_role = "head_of_operations"
sources = ["Lag"]

[[regime.obligation]]
code = "first"
name.sv = "A"
name.en = "A"
description.sv = "A"
description.en = "A"
clock_start = "awareness"
within_hours = 24
fields = []
sources = ["Lag"]

[[regime.obligation]]
code = "final"
name.sv = "B"
name.en = "B"
description.sv = "B"
description.en = "B"
clock_start = "after:first"
within_months = 1
fields = []
sources = ["Lag"]

[regime.obligation.if_ongoing]
instead = "first"
clock_start = "end"
within_months = 1
sources = ["Lag"]
"#;
        let significance = include_str!("../../../../content/incidents/significance.toml");
        let error = IncidentContent::from_toml(regimes, significance).unwrap_err();
        assert!(
            error.0.iter().any(|p| p.contains("if_ongoing.instead")),
            "{error}"
        );
    }
}
