use std::collections::BTreeMap;

use chrono::{DateTime, Datelike, Duration, NaiveDate, TimeZone, Timelike, Utc};
use chrono_tz::Europe::Stockholm;
use proptest::prelude::*;

use super::*;

fn utc(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn content() -> IncidentContent {
    IncidentContent::builtin().expect("the built-in incident content is valid")
}

fn swedish(t: DateTime<Utc>) -> chrono::NaiveDateTime {
    t.with_timezone(&Stockholm).naive_local()
}

#[test]
fn builtin_content_has_every_regime_the_law_requires() {
    let content = content();
    let ids: Vec<&str> = content.regimes().iter().map(|r| r.id.as_str()).collect();
    assert_eq!(ids, ["csl-2025", "nis-2018", "gdpr", "lex-maria"]);
    for regime in content.regimes() {
        assert!(!regime.sources.is_empty(), "{} cites no source", regime.id);
        for obligation in &regime.obligations {
            assert!(!obligation.sources.is_empty());
            assert!(!obligation.fields.is_empty());
        }
    }
    let csl = content.regime("csl-2025").unwrap();
    let deadlines: Vec<Deadline> = csl.obligations.iter().map(|o| o.deadline).collect();
    assert_eq!(
        deadlines,
        [
            Deadline::Hours(24),
            Deadline::Hours(72),
            Deadline::Months(1),
            Deadline::Months(1)
        ]
    );
    let final_report = csl.obligation("final_report").unwrap();
    assert_eq!(
        final_report.clock_start,
        ClockStart::After("notification".into())
    );
    // Still ongoing when the final report falls due: a progress report then, and the
    // final report one month after the incident has been handled.
    let if_ongoing = final_report.if_ongoing.as_ref().unwrap();
    assert_eq!(if_ongoing.instead, "progress_report");
    assert_eq!(if_ongoing.clock_start, ClockStart::End);
    assert_eq!(if_ongoing.deadline, Deadline::Months(1));
    assert_eq!(
        csl.obligation("progress_report").unwrap().when,
        Condition::Ongoing
    );
    let supplement = content
        .regime("gdpr")
        .unwrap()
        .obligation("imy_supplement")
        .unwrap();
    assert_eq!(supplement.when, Condition::Incomplete);
    assert_eq!(supplement.deadline, Deadline::TargetDays(28));
    assert!(supplement.sources.iter().any(|s| s.contains("33.4")));
    assert_eq!(
        content.regime("nis-2018").unwrap().obligations[0].deadline,
        Deadline::Hours(6)
    );
    assert_eq!(
        content.regime("gdpr").unwrap().obligations[0].deadline,
        Deadline::Hours(72)
    );
    assert!(content.questions().iter().any(|q| q.criterion));
}

#[test]
fn the_cybersecurity_regime_depends_on_when_the_incident_happened() {
    let content = content();
    let before = NaiveDate::from_ymd_opt(2026, 1, 14).unwrap();
    let from = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
    assert_eq!(
        content
            .regime_for(Track::Cybersecurity, before)
            .map(|r| r.id.as_str()),
        Some("nis-2018")
    );
    assert_eq!(
        content
            .regime_for(Track::Cybersecurity, from)
            .map(|r| r.id.as_str()),
        Some("csl-2025")
    );
    assert_eq!(
        content
            .regime_for(Track::PatientSafety, from)
            .map(|r| r.id.as_str()),
        Some("lex-maria")
    );
}

const REGIME: &str = r#"
[[regime]]
id = "x"
track = "cybersecurity"
name = { sv = "X", en = "X" }
trigger = { sv = "X", en = "X" }
recipient = "R"
reporter_role = "head_of_operations"
sources = ["Lag 1 §"]
[[regime.obligation]]
code = "a"
name = { sv = "A", en = "A" }
description = { sv = "A", en = "A" }
clock_start = "after:b"
within_hours = 5
within_months = 1
fields = ["summary", "colour"]
sources = []
"#;

const QUESTIONS: &str = r#"
[[question]]
id = "q"
criterion = true
text = { sv = "Q", en = "Q" }
help = { sv = "Q", en = "Q" }
sources = ["Lag 2 §"]
"#;

#[test]
fn invalid_content_is_refused_with_every_problem_named() {
    let error = IncidentContent::from_toml(REGIME, QUESTIONS).unwrap_err();
    let text = error.to_string();
    assert!(text.contains("clock_start must name an obligation listed before it"));
    assert!(text.contains("exactly one positive"));
    assert!(text.contains("unknown report field colour"));
    assert!(text.contains("cites its legal source"));
    let overlapping = format!(
        "{}\n{}",
        REGIME
            .replace("after:b", "awareness")
            .replace("within_months = 1\n", "")
            .replace(", \"colour\"", "")
            .replace("sources = []", "sources = [\"Lag 1 §\"]"),
        REGIME
            .replace("id = \"x\"", "id = \"y\"")
            .replace("after:b", "awareness")
            .replace("within_months = 1\n", "")
            .replace(", \"colour\"", "")
            .replace("sources = []", "sources = [\"Lag 1 §\"]")
    );
    let error = IncidentContent::from_toml(&overlapping, QUESTIONS).unwrap_err();
    assert!(error.to_string().contains("apply on the same days"));
}

#[test]
fn hour_deadlines_are_elapsed_time_across_summer_time() {
    // Summer time starts 2026-03-29 at 02:00; 24 hours after 01:30 Saturday-night CET is
    // 02:30 CEST on Monday's eve, not 01:30.
    let start = utc("2026-03-28T23:30:00Z");
    let due = due_at(start, Deadline::Hours(24));
    assert_eq!(due, utc("2026-03-29T23:30:00Z"));
    assert_eq!(
        swedish(due),
        NaiveDate::from_ymd_opt(2026, 3, 30)
            .unwrap()
            .and_hms_opt(1, 30, 0)
            .unwrap()
    );
}

#[test]
fn month_deadlines_keep_the_swedish_wall_time_and_clamp_the_day() {
    let start = utc("2026-01-31T09:00:00Z"); // 10:00 in Sweden
    let due = due_at(start, Deadline::Months(1));
    assert_eq!(due, utc("2026-02-28T09:00:00Z"));
    // Across the change to summer time the wall time stays 10:00.
    let start = utc("2026-03-15T09:00:00Z");
    assert_eq!(
        due_at(start, Deadline::Months(1)),
        utc("2026-04-15T08:00:00Z")
    );
}

#[test]
fn day_targets_that_land_in_the_spring_gap_move_forward() {
    // 02:30 on 2026-03-29 does not exist in Sweden.
    let start = utc("2026-03-26T01:30:00Z"); // 02:30 CET
    let due = due_at(start, Deadline::TargetDays(3));
    assert_eq!(swedish(due).hour(), 3);
    assert_eq!(due, utc("2026-03-29T01:00:00Z"));
    // 02:30 on 2026-10-25 occurs twice: the earlier one counts.
    let start = utc("2026-10-22T00:30:00Z"); // 02:30 CEST
    assert_eq!(
        due_at(start, Deadline::TargetDays(3)),
        utc("2026-10-25T00:30:00Z")
    );
}

#[test]
fn reminder_points_fall_inside_the_clock() {
    let start = utc("2026-11-20T08:00:00Z");
    let due = start + Duration::hours(24);
    assert_eq!(
        ReminderPoint::Half.at(start, due),
        Some(utc("2026-11-20T20:00:00Z"))
    );
    assert_eq!(
        ReminderPoint::HoursLeft(1).at(start, due),
        Some(utc("2026-11-21T07:00:00Z"))
    );
    assert_eq!(ReminderPoint::HoursLeft(30).at(start, due), None);
    assert_eq!(ReminderPoint::Overdue.at(start, due), Some(due));
    assert_eq!(
        parse_reminder_points("half, 2h,overdue"),
        Some(vec![
            ReminderPoint::Half,
            ReminderPoint::HoursLeft(2),
            ReminderPoint::Overdue
        ])
    );
    assert_eq!(parse_reminder_points("half, soon"), None);
    assert_eq!(parse_reminder_points(" "), None);
}

#[test]
fn a_reportable_track_plans_its_obligations_and_a_later_one_waits() {
    let content = content();
    let csl = content.regime("csl-2025").unwrap();
    let moments = ClockMoments {
        discovery: utc("2026-03-02T07:00:00Z"),
        awareness: Some(utc("2026-03-02T10:00:00Z")),
        decision: Some(utc("2026-03-02T12:00:00Z")),
    };
    let planned = plan(csl, TrackStatus::Reportable, moments, &Targets::new());
    let codes: Vec<&str> = planned.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(
        codes,
        [
            "early_warning",
            "notification",
            "final_report",
            "progress_report"
        ]
    );
    assert_eq!(planned[0].due_at, Some(utc("2026-03-03T10:00:00Z")));
    assert_eq!(planned[1].due_at, Some(utc("2026-03-05T10:00:00Z")));
    assert_eq!(planned[2].starts_at, None);
    assert_eq!(planned[2].clock_start, "after:notification");
    assert!(plan(csl, TrackStatus::NotReportable, moments, &Targets::new()).is_empty());

    let gdpr = content.regime("gdpr").unwrap();
    let reportable = plan(gdpr, TrackStatus::Reportable, moments, &Targets::new());
    assert_eq!(reportable.len(), 1);
    let high = plan(
        gdpr,
        TrackStatus::ReportableHighRisk,
        moments,
        &Targets::new(),
    );
    assert_eq!(high.len(), 2);

    let lex_maria = content.regime("lex-maria").unwrap();
    let targets = Targets::from([("lex-maria/investigation".to_owned(), 10)]);
    let planned = plan(lex_maria, TrackStatus::Reportable, moments, &targets);
    assert_eq!(planned[0].due_at, Some(utc("2026-03-05T12:00:00Z")));
    assert_eq!(planned[1].due_at, Some(utc("2026-03-12T12:00:00Z")));
}

fn discovered() -> DateTime<Utc> {
    utc("2026-11-20T08:00:00Z")
}

fn intake<'a>(
    started: Option<DateTime<Utc>>,
    discovered: Option<DateTime<Utc>>,
) -> IntakeInput<'a> {
    IntakeInput {
        title: "Journalen går inte att öppna",
        description: "Ingen på avdelningen kommer in i journalen sedan kl. 7.",
        started_at: started,
        discovered_at: discovered,
        unit_id: Some(4),
        system_ids: &[3, 1, 3],
        care_disrupted: true,
        personal_data: false,
        patient_harm: false,
    }
}

fn codes(errors: &ValidationErrors) -> Vec<(&str, &str)> {
    errors
        .0
        .iter()
        .map(|e| (e.field.as_str(), e.code))
        .collect()
}

use crate::ValidationErrors;

#[test]
fn intake_refuses_times_in_the_future_and_discovery_before_start() {
    let now = utc("2026-11-22T10:00:00Z");
    let draft = intake(Some(discovered() - Duration::hours(1)), Some(discovered()))
        .validate(now)
        .unwrap();
    assert_eq!(draft.system_ids, [1, 3]);
    assert_eq!(draft.occurred_at(), discovered() - Duration::hours(1));

    let error = intake(None, Some(now + Duration::hours(1)))
        .validate(now)
        .unwrap_err();
    assert_eq!(codes(&error), [("discovered_at", "in-future")]);
    let error = intake(
        Some(discovered()),
        Some(discovered() - Duration::minutes(1)),
    )
    .validate(now)
    .unwrap_err();
    assert_eq!(codes(&error), [("discovered_at", "before-start")]);
    let mut missing = intake(None, None);
    missing.title = " ";
    missing.unit_id = None;
    assert_eq!(
        codes(&missing.validate(now).unwrap_err()),
        [
            ("title", "required"),
            ("discovered_at", "required"),
            ("unit_id", "required")
        ]
    );
}

#[test]
fn swedish_times_from_forms_are_read_in_swedish_time() {
    assert_eq!(
        parse_swedish_time("2026-07-01T12:00"),
        Some(utc("2026-07-01T10:00:00Z"))
    );
    assert_eq!(
        parse_swedish_time("2026-01-15 12:00:30"),
        Some(utc("2026-01-15T11:00:30Z"))
    );
    assert_eq!(parse_swedish_time("igår"), None);
}

#[test]
fn track_assessments_check_decision_awareness_and_details() {
    let content = content();
    let now = utc("2026-11-22T10:00:00Z");
    let answers = [("operational-disruption".to_owned(), true)];
    let details = [("severity".to_owned(), "Hög".to_owned())];
    let input = TrackAssessmentInput {
        track: Track::Cybersecurity,
        decision: Some(TrackStatus::Reportable),
        reasoning: "Journalen nere i sex timmar.",
        awareness_at: Some(discovered() + Duration::hours(2)),
        consulted: "LVS, utvecklingsledare IT",
        answers: &answers,
        details: &details,
    };
    let assessment = input
        .validate(discovered(), now, content.questions())
        .unwrap();
    assert_eq!(
        suggests_significant(content.questions(), &assessment.answers),
        Some(true)
    );
    let unanswered = BTreeMap::from([("financial-loss".to_owned(), false)]);
    assert_eq!(suggests_significant(content.questions(), &unanswered), None);

    let wrong = TrackAssessmentInput {
        decision: Some(TrackStatus::ReportableHighRisk),
        awareness_at: Some(discovered() - Duration::hours(1)),
        ..input.clone()
    };
    assert_eq!(
        codes(
            &wrong
                .validate(discovered(), now, content.questions())
                .unwrap_err()
        ),
        [
            ("decision", "invalid-choice"),
            ("awareness_at", "before-discovery")
        ]
    );
    let counts = [("subjects_count".to_owned(), "många".to_owned())];
    let privacy = TrackAssessmentInput {
        track: Track::PersonalData,
        awareness_at: None,
        answers: &[],
        details: &counts,
        ..input
    };
    assert_eq!(
        codes(
            &privacy
                .validate(discovered(), now, content.questions())
                .unwrap_err()
        ),
        [
            ("awareness_at", "required"),
            ("subjects_count", "not-a-number")
        ]
    );
}

#[test]
fn significance_is_suggested_by_any_criterion() {
    let content = content();
    let criteria: Vec<String> = content
        .questions()
        .iter()
        .filter(|q| q.criterion)
        .map(|q| q.id.clone())
        .collect();
    let mut answers: BTreeMap<String, bool> =
        criteria.iter().map(|id| (id.clone(), false)).collect();
    assert_eq!(
        suggests_significant(content.questions(), &answers),
        Some(false)
    );
    answers.insert(criteria[1].clone(), true);
    assert_eq!(
        suggests_significant(content.questions(), &answers),
        Some(true)
    );
}

#[test]
fn a_case_closes_only_when_every_track_is_done() {
    let open = TrackState {
        track: Track::PersonalData,
        status: TrackStatus::Escalated,
        open_obligations: 0,
    };
    let reporting = TrackState {
        track: Track::Cybersecurity,
        status: TrackStatus::Reportable,
        open_obligations: 1,
    };
    assert_eq!(
        close_blockers(false, &[open, reporting], "", " "),
        [
            "not-assessed",
            "track-undecided",
            "reports-open",
            "root-cause-missing",
            "lessons-missing"
        ]
    );
    let done = TrackState {
        open_obligations: 0,
        ..reporting
    };
    assert!(close_blockers(true, &[done], "Kortläsaren", "Testa ändringar").is_empty());
}

fn any_instant() -> impl Strategy<Value = DateTime<Utc>> {
    // 2018 to 2035: both regimes and many changes of summer time.
    (1_514_764_800i64..2_082_758_400i64).prop_map(|s| Utc.timestamp_opt(s, 0).unwrap())
}

proptest! {
    #[test]
    fn an_hour_deadline_is_exactly_that_many_hours(start in any_instant(), hours in 1u32..2000) {
        let due = due_at(start, Deadline::Hours(hours));
        prop_assert_eq!((due - start).num_seconds(), i64::from(hours) * 3600);
    }

    #[test]
    fn a_month_deadline_keeps_the_day_or_the_month_end_and_the_wall_time(start in any_instant(), months in 1u32..13) {
        let due = due_at(start, Deadline::Months(months));
        let from = swedish(start);
        let to = swedish(due);
        prop_assert!(due > start);
        let month_index = |d: chrono::NaiveDateTime| d.year() * 12 + d.month0() as i32;
        prop_assert_eq!(month_index(to) - month_index(from), months as i32);
        prop_assert!(to.day() == from.day() || (to.day() < from.day() && (to + Duration::days(1)).month() != to.month()));
        // The wall time is kept, except when it fell in the spring gap (then the gap's end).
        let shift = (to.time() - from.time()).num_minutes();
        prop_assert!((0..=60).contains(&shift), "shift {}", shift);
    }

    #[test]
    fn a_day_target_lands_on_the_same_wall_time_that_many_days_later(start in any_instant(), days in 1u32..60) {
        let due = due_at(start, Deadline::TargetDays(days));
        let from = swedish(start);
        let to = swedish(due);
        prop_assert_eq!((to.date() - from.date()).num_days(), i64::from(days));
        let shift = (to.time() - from.time()).num_minutes();
        prop_assert!((0..=60).contains(&shift), "shift {}", shift);
        // Elapsed time differs from whole days by at most the one-hour clock change.
        let elapsed = (due - start).num_minutes() - i64::from(days) * 24 * 60;
        prop_assert!(elapsed.abs() <= 60);
    }

    #[test]
    fn later_starts_never_give_earlier_deadlines(a in any_instant(), gap in 0i64..10_000_000, hours in 1u32..100, months in 1u32..3, days in 1u32..30) {
        let b = a + Duration::seconds(gap);
        for deadline in [Deadline::Hours(hours), Deadline::Months(months), Deadline::TargetDays(days)] {
            prop_assert!(due_at(b, deadline) >= due_at(a, deadline), "{:?}", deadline);
        }
    }

    #[test]
    fn swedish_wall_times_round_trip_outside_the_clock_changes(t in any_instant()) {
        let back = from_swedish(swedish(t));
        // The autumn hour occurs twice: the later instant maps back to the earlier one.
        prop_assert!(back == t || back == t - Duration::hours(1));
    }

    #[test]
    fn reminder_points_lie_between_start_and_due(start in any_instant(), hours in 1u32..200, left in 1u32..48) {
        let due = due_at(start, Deadline::Hours(hours));
        for point in [ReminderPoint::Half, ReminderPoint::HoursLeft(left), ReminderPoint::Overdue] {
            if let Some(at) = point.at(start, due) {
                prop_assert!(at >= start && at <= due);
            }
        }
        let state = ClockState::at(due, due - Duration::seconds(1));
        prop_assert_eq!(state, ClockState::Running { seconds_left: 1 });
        prop_assert!(ClockState::at(due, due).is_overdue());
    }
}

#[test]
fn a_submission_starts_the_reports_that_wait_for_it_and_the_mandate_applies_to_cybersecurity() {
    use crate::auth::Role;
    let content = content();
    let csl = content.regime("csl-2025").unwrap();
    let at = utc("2026-01-31T09:00:00Z");
    assert_eq!(
        started_by(csl, "notification", at, &Targets::new()),
        [
            ("final_report".to_owned(), due_at(at, Deadline::Months(1))),
            (
                "progress_report".to_owned(),
                due_at(at, Deadline::Months(1))
            )
        ]
    );
    assert!(started_by(csl, "early_warning", at, &Targets::new()).is_empty());
    assert_eq!(csl.reporting_role(None), Role::HeadOfOperations);
    assert_eq!(
        csl.reporting_role(Some(Role::Coordinator)),
        Role::Coordinator
    );
    let gdpr = content.regime("gdpr").unwrap();
    assert_eq!(
        gdpr.reporting_role(Some(Role::Coordinator)),
        Role::DataProtectionOfficer
    );
}

#[test]
fn a_waiting_track_shows_the_clocks_that_run_from_the_discovery() {
    let content = content();
    let discovery = utc("2026-03-02T07:00:00Z");
    let csl = content.regime("csl-2025").unwrap();
    let clocks = provisional(csl, discovery, &Targets::new());
    let codes: Vec<&str> = clocks.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["early_warning", "notification"]);
    assert_eq!(clocks[0].starts_at, Some(discovery));
    assert_eq!(clocks[0].due_at, Some(utc("2026-03-03T07:00:00Z")));
    assert_eq!(clocks[1].due_at, Some(utc("2026-03-05T07:00:00Z")));
    // Lex Maria's clocks start at the decision: nothing runs before it.
    let lex_maria = content.regime("lex-maria").unwrap();
    assert!(provisional(lex_maria, discovery, &Targets::new()).is_empty());
}
