use chrono::{TimeZone, Utc};

use super::ical::{self, Entry};
use super::*;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

#[test]
fn recurrences_step_by_their_months_and_keep_the_day() {
    let first = date(2026, 1, 31);
    assert_eq!(
        Recurrence::Monthly.occurrences(first, date(2026, 1, 1), date(2026, 4, 30)),
        vec![
            date(2026, 1, 31),
            date(2026, 2, 28),
            date(2026, 3, 31),
            date(2026, 4, 30)
        ]
    );
    assert_eq!(
        Recurrence::Quarterly.occurrences(date(2026, 2, 15), date(2026, 1, 1), date(2026, 12, 31)),
        vec![
            date(2026, 2, 15),
            date(2026, 5, 15),
            date(2026, 8, 15),
            date(2026, 11, 15)
        ]
    );
    assert_eq!(
        Recurrence::HalfYearly.occurrences(date(2025, 10, 1), date(2026, 1, 1), date(2026, 12, 31)),
        vec![date(2026, 4, 1), date(2026, 10, 1)]
    );
    assert_eq!(
        Recurrence::Yearly.occurrences(date(2024, 2, 29), date(2025, 1, 1), date(2028, 12, 31)),
        vec![
            date(2025, 2, 28),
            date(2026, 2, 28),
            date(2027, 2, 28),
            date(2028, 2, 29)
        ]
    );
    assert!(Recurrence::Yearly
        .occurrences(date(2027, 1, 1), date(2026, 1, 1), date(2026, 12, 31))
        .is_empty());
    assert_eq!(
        Recurrence::Yearly.next_after(date(2026, 3, 10), 10),
        date(2027, 3, 10)
    );
}

#[test]
fn recurrence_and_kind_names_round_trip() {
    for r in Recurrence::ALL {
        assert_eq!(Recurrence::parse(r.as_str()), Some(r));
    }
    for k in DutyKind::ALL {
        assert_eq!(DutyKind::parse(k.as_str()), Some(k));
    }
    assert_eq!(Recurrence::parse("weekly"), None);
}

#[test]
fn fixed_duties_fall_in_their_months() {
    let content = CycleContent::builtin().expect("the shipped cycle content is valid");
    let review = content
        .fixed()
        .iter()
        .find(|f| f.kind == DutyKind::ManagementReview)
        .expect("management review");
    assert_eq!(
        review.dates(date(2026, 1, 1), date(2026, 12, 31)),
        vec![date(2026, 4, 30), date(2026, 10, 30)]
    );
    assert_eq!(review.dates(date(2026, 5, 1), date(2026, 9, 30)), vec![]);
    let report = content
        .fixed()
        .iter()
        .find(|f| f.kind == DutyKind::AnnualReport)
        .expect("annual report");
    assert_eq!(
        report.dates(date(2026, 1, 1), date(2027, 12, 31)),
        vec![date(2026, 2, 28), date(2027, 2, 28)]
    );
    assert!(CycleContent::from_toml("[[fixed]]\nid = \"risk_renewal\"\nmonths = [13]\nday = 0\ntitle.sv = \"x\"\ntitle.en = \"x\"\ndescription.sv = \"\"\ndescription.en = \"\"\nsources = []\n").is_err());
}

#[test]
fn own_duties_are_checked() {
    let today = date(2026, 3, 1);
    let input = DutyInput {
        title: " Behörighetsuppföljning ",
        description: "Gå igenom behörigheterna i journalsystemet",
        kind: "access_review",
        recurrence: "quarterly",
        next_due: Some(date(2026, 3, 31)),
        owner_id: Some(4),
        unit_id: None,
        reminder_days: None,
    };
    let draft = input.validate(today, None).unwrap();
    assert_eq!(draft.title, "Behörighetsuppföljning");
    assert_eq!(draft.reminder_days, DEFAULT_REMINDER_DAYS);
    let bad = DutyInput {
        title: "",
        kind: "risk_renewal",
        recurrence: "weekly",
        next_due: Some(date(2026, 2, 1)),
        reminder_days: Some(400),
        ..Default::default()
    };
    let errors = bad.validate(today, None).unwrap_err();
    for field in ["title", "kind", "recurrence", "next_due", "reminder_days"] {
        assert!(errors.has(field), "{field}");
    }
    let kept = DutyInput {
        next_due: Some(date(2026, 2, 1)),
        ..input.clone()
    };
    assert!(kept.validate(today, Some(date(2026, 2, 1))).is_ok());
    let missing = DutyInput {
        next_due: None,
        ..input
    };
    assert!(missing.validate(today, None).unwrap_err().has("next_due"));
}

#[test]
fn the_ical_text_has_crlf_lines_folded_and_escaped() {
    let stamp = Utc.with_ymd_and_hms(2026, 3, 1, 8, 0, 0).unwrap();
    let long = "Behörighetsuppföljning av journalsystemet, labbsystemet; och röntgen ".repeat(3);
    let text = ical::calendar(
        "tillit – Region Test",
        [Entry {
            uid: "duty-7-2026-03-31@tillit",
            summary: &long,
            description: "Rad ett\nRad två",
            due_on: date(2026, 3, 31),
            url: "https://lis.example/governance/calendar",
        }],
        stamp,
    );
    assert!(text.starts_with("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"));
    assert!(text.ends_with("END:VCALENDAR\r\n"));
    for raw in text.split("\r\n") {
        assert!(raw.len() <= 75, "line longer than 75 octets: {raw}");
        assert!(!raw.contains('\n'));
    }
    let lines = ical::unfold(&text);
    assert!(lines.contains(&"UID:duty-7-2026-03-31@tillit".to_owned()));
    assert!(lines.contains(&"DTSTAMP:20260301T080000Z".to_owned()));
    assert!(lines.contains(&"DUE;VALUE=DATE:20260331".to_owned()));
    assert!(lines.contains(&"DESCRIPTION:Rad ett\\nRad två".to_owned()));
    assert!(lines.contains(&format!("SUMMARY:{}", ical::escape(&long))));
    assert!(lines
        .iter()
        .any(|l| l.starts_with("SUMMARY:") && l.contains("labbsystemet\\; och")));
    assert_eq!(lines.iter().filter(|l| *l == "BEGIN:VTODO").count(), 1);
}
