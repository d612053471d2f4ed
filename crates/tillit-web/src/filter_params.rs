//! List filters as they arrive in a query string, for pages and the API alike: a code
//! picked from a fixed set, a calendar year. A value that does not parse is refused
//! with 422 naming its parameter, never silently ignored.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};

use crate::error::AppError;

/// From an instant up to (not including) another.
pub type TimeSpan = (DateTime<Utc>, DateTime<Utc>);

/// A code from a fixed set; empty (or only blanks) means "any".
pub fn choice<T>(
    field: &str,
    value: Option<&str>,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, AppError> {
    match value.map(str::trim).filter(|v| !v.is_empty()) {
        None => Ok(None),
        Some(v) => parse(v)
            .map(Some)
            .ok_or_else(|| AppError::invalid(field, "invalid-choice")),
    }
}

/// The first day of `year` and of the year after.
pub fn year_dates(
    field: &str,
    year: Option<i32>,
) -> Result<Option<(NaiveDate, NaiveDate)>, AppError> {
    let Some(year) = year else {
        return Ok(None);
    };
    let first_day = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1);
    match (first_day(year), year.checked_add(1).and_then(first_day)) {
        (Some(from), Some(until)) => Ok(Some((from, until))),
        _ => Err(AppError::invalid(field, "out-of-range")),
    }
}

/// The start of `year` and of the year after, as instants (UTC, as the report counts).
pub fn year_times(field: &str, year: Option<i32>) -> Result<Option<TimeSpan>, AppError> {
    let start = |day: NaiveDate| day.and_time(NaiveTime::MIN).and_utc();
    Ok(year_dates(field, year)?.map(|(from, until)| (start(from), start(until))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_year_spans_to_the_next_new_year() {
        let (from, until) = year_dates("year", Some(2025)).unwrap().unwrap();
        assert_eq!(from, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
        assert_eq!(until, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap());
        assert_eq!(year_dates("year", None).unwrap(), None);
    }

    #[test]
    fn an_impossible_year_names_its_field() {
        let error = year_times("closed_year", Some(i32::MAX)).unwrap_err();
        assert!(
            matches!(error, AppError::Invalid(e) if e.0.iter().any(|f| f.field == "closed_year"))
        );
    }

    #[test]
    fn an_unknown_code_names_its_field() {
        let parse = |s: &str| (s == "open").then_some(1);
        assert_eq!(choice("status", Some(" "), parse).unwrap(), None);
        assert_eq!(choice("status", Some("open"), parse).unwrap(), Some(1));
        assert!(choice("status", Some("shut"), parse).is_err());
    }
}
