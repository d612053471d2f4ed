//! The calendar as iCalendar text (RFC 5545): one VTODO per duty occurrence, with a
//! stable UID, so a calendar client updates an entry instead of adding a copy.

use chrono::{DateTime, NaiveDate, Utc};

/// One entry of the feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    /// Unique and stable for the duty on this date.
    pub uid: &'a str,
    pub summary: &'a str,
    pub description: &'a str,
    pub due_on: NaiveDate,
    /// An absolute link to the duty in tillit.
    pub url: &'a str,
}

/// The whole calendar. `stamp` is when the feed was made (DTSTAMP).
pub fn calendar<'a>(
    name: &str,
    entries: impl IntoIterator<Item = Entry<'a>>,
    stamp: DateTime<Utc>,
) -> String {
    let stamp = stamp.format("%Y%m%dT%H%M%SZ").to_string();
    let mut out = String::with_capacity(4096);
    line(&mut out, "BEGIN:VCALENDAR");
    line(&mut out, "VERSION:2.0");
    line(&mut out, "PRODID:-//tillit//årshjul//SV");
    line(&mut out, "CALSCALE:GREGORIAN");
    line(&mut out, "METHOD:PUBLISH");
    line(&mut out, &format!("X-WR-CALNAME:{}", escape(name)));
    for entry in entries {
        let day = entry.due_on.format("%Y%m%d");
        line(&mut out, "BEGIN:VTODO");
        line(&mut out, &format!("UID:{}", escape(entry.uid)));
        line(&mut out, &format!("DTSTAMP:{stamp}"));
        line(&mut out, &format!("DTSTART;VALUE=DATE:{day}"));
        line(&mut out, &format!("DUE;VALUE=DATE:{day}"));
        line(&mut out, &format!("SUMMARY:{}", escape(entry.summary)));
        if !entry.description.is_empty() {
            line(
                &mut out,
                &format!("DESCRIPTION:{}", escape(entry.description)),
            );
        }
        line(&mut out, &format!("URL:{}", entry.url));
        line(&mut out, "END:VTODO");
    }
    line(&mut out, "END:VCALENDAR");
    out
}

/// TEXT values escape backslash, semicolon, comma and line breaks (RFC 5545 3.3.11).
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            ';' => out.push_str("\\;"),
            ',' => out.push_str("\\,"),
            '\n' => out.push_str("\\n"),
            '\r' => {}
            c => out.push(c),
        }
    }
    out
}

/// Appends a content line folded at 75 octets (never inside a character), ended by CRLF.
fn line(out: &mut String, content: &str) {
    let mut width = 0;
    for c in content.chars() {
        let size = c.len_utf8();
        if width + size > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += size;
    }
    out.push_str("\r\n");
}

/// Unfolds a calendar's lines (for reading one back).
pub fn unfold(text: &str) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for raw in text.split("\r\n") {
        match (raw.strip_prefix(' '), lines.last_mut()) {
            (Some(rest), Some(last)) => last.push_str(rest),
            _ => lines.push(raw.to_owned()),
        }
    }
    if lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    lines
}
