//! Deadline arithmetic for the legal clocks.
//!
//! Hour deadlines are elapsed time: 24 hours are 24 hours even across a change to or
//! from summer time. Month and day deadlines are calendar time in Sweden: one month
//! after 31 January 10:00 is the last day of February at 10:00, and three days after
//! a Friday 14:00 is Monday 14:00, whatever the clocks did in between.

use chrono::{
    DateTime, Days, Duration, LocalResult, Months, NaiveDateTime, TimeZone, Timelike, Utc,
};
use chrono_tz::Europe::Stockholm;
use serde::Serialize;

use super::regime::Deadline;

/// When a deadline that starts at `start` falls due.
pub fn due_at(start: DateTime<Utc>, deadline: Deadline) -> DateTime<Utc> {
    match deadline {
        Deadline::Hours(hours) => start + Duration::hours(i64::from(hours)),
        Deadline::Months(months) => {
            let local = start.with_timezone(&Stockholm).naive_local();
            // `checked_add_months` keeps the day where it exists and otherwise takes the
            // last day of the month; it fails only beyond the calendar's range.
            let target = local
                .checked_add_months(Months::new(months))
                .unwrap_or(NaiveDateTime::MAX);
            from_swedish(target)
        }
        Deadline::TargetDays(days) => {
            let local = start.with_timezone(&Stockholm).naive_local();
            let target = local
                .checked_add_days(Days::new(u64::from(days)))
                .unwrap_or(NaiveDateTime::MAX);
            from_swedish(target)
        }
    }
}

/// A Swedish wall-clock time as an instant. A time that occurs twice (the autumn hour)
/// is the earlier one and a time that never occurs (the spring gap) is the end of the
/// gap, so a deadline never moves later than the wall clock says and a later start never
/// gives an earlier deadline.
pub fn from_swedish(local: NaiveDateTime) -> DateTime<Utc> {
    let exists = |t: NaiveDateTime| match Stockholm.from_local_datetime(&t) {
        LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => Some(t.with_timezone(&Utc)),
        LocalResult::None => None,
    };
    exists(local).unwrap_or_else(|| {
        let minute = local.with_second(0).and_then(|t| t.with_nanosecond(0));
        minute
            .and_then(|start| (1..=180).find_map(|m| exists(start + Duration::minutes(m))))
            .unwrap_or_else(|| Utc.from_utc_datetime(&local))
    })
}

/// Where a running clock stands at a moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ClockState {
    /// Time is left.
    Running { seconds_left: i64 },
    /// The deadline has passed.
    Overdue { seconds_over: i64 },
}

impl ClockState {
    pub fn at(due: DateTime<Utc>, now: DateTime<Utc>) -> ClockState {
        let left = (due - now).num_seconds();
        if now < due {
            ClockState::Running { seconds_left: left }
        } else {
            ClockState::Overdue {
                seconds_over: -left,
            }
        }
    }

    pub fn is_overdue(self) -> bool {
        matches!(self, ClockState::Overdue { .. })
    }
}

/// A point on a running clock at which the responsible people are reminded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReminderPoint {
    /// Half of the time is gone.
    Half,
    /// This many hours are left.
    HoursLeft(u32),
    /// The deadline has passed.
    Overdue,
}

impl ReminderPoint {
    /// Parses `half`, `overdue` or `<n>h` (hours left).
    pub fn parse(value: &str) -> Option<ReminderPoint> {
        match value.trim() {
            "half" => Some(ReminderPoint::Half),
            "overdue" => Some(ReminderPoint::Overdue),
            other => other
                .strip_suffix('h')
                .and_then(|n| n.parse().ok())
                .filter(|n| *n > 0)
                .map(ReminderPoint::HoursLeft),
        }
    }

    pub fn as_code(self) -> String {
        match self {
            ReminderPoint::Half => "half".into(),
            ReminderPoint::HoursLeft(n) => format!("{n}h"),
            ReminderPoint::Overdue => "overdue".into(),
        }
    }

    /// When this point is reached on a clock from `start` to `due`, or `None` when the
    /// clock is too short for it (an hours-left point at or before the start).
    pub fn at(self, start: DateTime<Utc>, due: DateTime<Utc>) -> Option<DateTime<Utc>> {
        match self {
            ReminderPoint::Half => Some(start + (due - start) / 2),
            ReminderPoint::HoursLeft(hours) => {
                let at = due - Duration::hours(i64::from(hours));
                (at > start).then_some(at)
            }
            ReminderPoint::Overdue => Some(due),
        }
    }
}

/// The reminder points used when an organisation has not chosen its own.
pub const DEFAULT_REMINDER_POINTS: [ReminderPoint; 3] = [
    ReminderPoint::Half,
    ReminderPoint::HoursLeft(1),
    ReminderPoint::Overdue,
];

/// Parses a comma-separated list such as `half, 1h, overdue`; `None` if any part is
/// not a reminder point or the list is empty.
pub fn parse_reminder_points(value: &str) -> Option<Vec<ReminderPoint>> {
    let points: Option<Vec<ReminderPoint>> = value
        .split(',')
        .filter(|part| !part.trim().is_empty())
        .map(ReminderPoint::parse)
        .collect();
    points.filter(|p| !p.is_empty())
}
