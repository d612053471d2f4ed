//! Times are stored in UTC and shown in Swedish time.

use chrono::{DateTime, Utc};
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
}
