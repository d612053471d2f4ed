//! Times are stored in UTC and shown in Swedish time.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use chrono_tz::Europe::Stockholm;

pub fn format_local(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Stockholm)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

pub fn format_local_seconds(t: &DateTime<Utc>) -> String {
    t.with_timezone(&Stockholm)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// The start of `year` and of the year after, in UTC, as the annual report counts a
/// year; `None` for a year chrono cannot represent.
pub fn year_in_utc(year: i32) -> Option<(DateTime<Utc>, DateTime<Utc>)> {
    let start =
        |y: i32| NaiveDate::from_ymd_opt(y, 1, 1).map(|day| day.and_time(NaiveTime::MIN).and_utc());
    Some((start(year)?, start(year.checked_add(1)?)?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_swedish_summer_and_winter_time() {
        let summer = DateTime::parse_from_rfc3339("2026-07-01T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let winter = DateTime::parse_from_rfc3339("2026-01-15T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(format_local(&summer), "2026-07-01 12:00");
        assert_eq!(format_local(&winter), "2026-01-15 11:00");
    }

    #[test]
    fn a_year_runs_from_its_first_day_to_the_next_years() {
        let (from, until) = year_in_utc(2026).unwrap();
        assert_eq!(from.to_rfc3339(), "2026-01-01T00:00:00+00:00");
        assert_eq!(until.to_rfc3339(), "2027-01-01T00:00:00+00:00");
        assert_eq!(year_in_utc(i32::MAX), None);
    }
}
