//! The annual information security report (C25): its year, its scope and the rules for
//! its texts. What each section shows is decided where the figures are read.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::ValidationErrors;

/// The first year a report may cover; earlier years hold no records in tillit.
pub const FIRST_YEAR: i32 = 2000;
/// Longest text of one section, in characters.
pub const MAX_TEXT_CHARS: usize = 20_000;

/// Whose work a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReportScope {
    Organisation,
    /// The unit and every unit below it.
    Unit(i64),
}

impl ReportScope {
    pub fn from_unit(unit_id: Option<i64>) -> Self {
        unit_id.map_or(ReportScope::Organisation, ReportScope::Unit)
    }

    pub fn unit_id(self) -> Option<i64> {
        match self {
            ReportScope::Organisation => None,
            ReportScope::Unit(id) => Some(id),
        }
    }

    /// The stored key that keeps one report per year and scope.
    pub fn key(self) -> String {
        match self {
            ReportScope::Organisation => "organisation".to_owned(),
            ReportScope::Unit(id) => format!("unit:{id}"),
        }
    }
}

/// The calendar year a report covers: from 1 January up to (not including) the next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportYear(i32);

impl ReportYear {
    /// A year from [`FIRST_YEAR`] up to the current one: a report is written about the
    /// past year or, as a draft, the year under way.
    pub fn parse(year: i64, today: NaiveDate) -> Result<Self, ValidationErrors> {
        use chrono::Datelike;
        match i32::try_from(year) {
            Ok(y) if (FIRST_YEAR..=today.year()).contains(&y) => Ok(ReportYear(y)),
            _ => Err(ValidationErrors::single("year", "out-of-range")),
        }
    }

    /// A stored year, trusted as it is.
    pub fn stored(year: i64) -> Self {
        ReportYear(i32::try_from(year).unwrap_or(FIRST_YEAR))
    }

    pub fn value(self) -> i32 {
        self.0
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0, 1, 1).unwrap_or_default()
    }

    /// The first day after the year.
    pub fn end(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.0 + 1, 1, 1).unwrap_or_default()
    }

    /// The day the figures describe: the last day of a past year, or `today` while the
    /// year is under way.
    pub fn as_of(self, today: NaiveDate) -> NaiveDate {
        let last = self.end().pred_opt().unwrap_or_default();
        last.min(today)
    }
}

/// The editable texts of a report, by section key. Only keys in `allowed` are kept,
/// each at most [`MAX_TEXT_CHARS`] long; an unknown key or a long text is refused on
/// `texts.<key>`.
pub fn check_texts(
    texts: &BTreeMap<String, String>,
    allowed: &[&str],
) -> Result<BTreeMap<String, String>, ValidationErrors> {
    let mut errors = ValidationErrors::new();
    let mut kept = BTreeMap::new();
    for (key, text) in texts {
        let field = format!("texts.{key}");
        if !allowed.contains(&key.as_str()) {
            errors.add(&field, "unknown-section");
        } else if text.chars().count() > MAX_TEXT_CHARS {
            errors.add(&field, "too-long");
        } else {
            kept.insert(
                key.clone(),
                text.replace("\r\n", "\n").trim_end().to_owned(),
            );
        }
    }
    errors.finish(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn a_year_is_past_or_under_way() {
        let today = day(2026, 12, 7);
        assert!(ReportYear::parse(2025, today).is_ok());
        assert!(ReportYear::parse(2026, today).is_ok());
        assert!(ReportYear::parse(2027, today).unwrap_err().has("year"));
        assert!(ReportYear::parse(1999, today).unwrap_err().has("year"));
        assert!(ReportYear::parse(i64::MAX, today).is_err());
    }

    #[test]
    fn the_period_is_the_calendar_year() {
        let year = ReportYear::parse(2025, day(2026, 3, 1)).unwrap();
        assert_eq!(year.first_day(), day(2025, 1, 1));
        assert_eq!(year.end(), day(2026, 1, 1));
        assert_eq!(year.as_of(day(2026, 3, 1)), day(2025, 12, 31));
        let current = ReportYear::parse(2026, day(2026, 3, 1)).unwrap();
        assert_eq!(current.as_of(day(2026, 3, 1)), day(2026, 3, 1));
    }

    #[test]
    fn scope_keys_differ_per_unit() {
        assert_eq!(ReportScope::Organisation.key(), "organisation");
        assert_eq!(ReportScope::from_unit(Some(4)).key(), "unit:4");
        assert_eq!(ReportScope::from_unit(None), ReportScope::Organisation);
    }

    #[test]
    fn texts_keep_known_sections_only() {
        let mut texts = BTreeMap::new();
        texts.insert("summary".to_owned(), "Året i korthet\r\n".to_owned());
        assert_eq!(
            check_texts(&texts, &["summary"]).unwrap()["summary"],
            "Året i korthet"
        );
        texts.insert("secret".to_owned(), "x".to_owned());
        texts.insert("focus".to_owned(), "å".repeat(MAX_TEXT_CHARS + 1));
        let errors = check_texts(&texts, &["summary", "focus"]).unwrap_err();
        assert!(errors.has("texts.secret"));
        assert!(errors.has("texts.focus"));
    }
}
