//! CSV: UTF-8 with or without a byte order mark, separated by semicolons (as Swedish
//! Excel writes it), commas or tabs.

use tillit_domain::register_import::InputRow;

use crate::read::{push_row, ReadError};
use crate::xlsx::WriteError;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// First characters that make a spreadsheet treat a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

pub(crate) fn read(bytes: &[u8]) -> Result<Vec<InputRow>, ReadError> {
    let bytes = bytes.strip_prefix(BOM).unwrap_or(bytes);
    if let Err(error) = std::str::from_utf8(bytes) {
        let line = bytes[..error.valid_up_to()]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1;
        return Err(ReadError::NotUtf8 { line });
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter(bytes))
        .from_reader(bytes);
    let mut rows = Vec::new();
    // The reader's own line count skips blank lines, and a record's position is where
    // the line break before it begins; the row number is the line of its first byte.
    let mut counted = (0, 1);
    for record in reader.records() {
        let record = record.map_err(|e| ReadError::Malformed(e.to_string()))?;
        let mut start = record.position().map_or(counted.0, |p| p.byte() as usize);
        while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        let skipped = bytes.get(counted.0..start).unwrap_or_default();
        counted = (
            start,
            counted.1 + skipped.iter().filter(|b| **b == b'\n').count(),
        );
        let cells = record.iter().map(unneutralise).collect();
        push_row(
            &mut rows,
            InputRow {
                number: counted.1,
                cells,
            },
        )?;
    }
    Ok(rows)
}

/// The separator of the first line that is not a comment (`#`, perhaps quoted): whichever of semicolon,
/// comma and tab it has most of, outside quotes.
fn delimiter(bytes: &[u8]) -> u8 {
    let line = bytes
        .split(|b| *b == b'\n')
        .find(|line| {
            let comment = line.starts_with(b"#") || line.starts_with(b"\"#");
            !comment && !line.iter().all(u8::is_ascii_whitespace)
        })
        .unwrap_or_default();
    let mut quoted = false;
    let mut counts = [0usize; 3];
    for b in line {
        match b {
            b'"' => quoted = !quoted,
            b';' if !quoted => counts[0] += 1,
            b',' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let candidates = [b';', b',', b'\t'];
    let best = (0..3).max_by_key(|i| (counts[*i], 3 - i)).unwrap_or(0);
    candidates[best]
}

/// A value that would start a formula gets a leading apostrophe, which spreadsheets
/// take as "this is text".
fn neutralise(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

/// Undoes [`neutralise`], so an exported file imports back unchanged.
fn unneutralise(value: &str) -> String {
    match value.strip_prefix('\'') {
        Some(rest) if rest.starts_with(FORMULA_STARTS) => rest.to_owned(),
        _ => value.to_owned(),
    }
}

pub(crate) fn write<I>(comments: &[String], header: &[&str], rows: I) -> Result<Vec<u8>, WriteError>
where
    I: IntoIterator<Item = Vec<String>>,
{
    let mut writer = csv::WriterBuilder::new()
        .delimiter(b';')
        .flexible(true)
        .terminator(csv::Terminator::CRLF)
        .from_writer(BOM.to_vec());
    for comment in comments {
        writer.write_record([format!("# {comment}")])?;
    }
    writer.write_record(header.iter().map(|h| neutralise(h)))?;
    for row in rows {
        writer.write_record(row.iter().map(|cell| neutralise(cell)))?;
    }
    writer
        .into_inner()
        .map_err(|e| WriteError::Csv(e.to_string()))
}

impl From<csv::Error> for WriteError {
    fn from(error: csv::Error) -> Self {
        WriteError::Csv(error.to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(rows: &[InputRow]) -> Vec<Vec<&str>> {
        rows.iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn semicolons_commas_and_tabs_are_recognised() {
        for text in [
            "Namn;Typ\nÖrat, näsa;network\n",
            "Namn,Typ\n\"Örat, näsa\",network\n",
            "Namn\tTyp\nÖrat, näsa\tnetwork\n",
        ] {
            let rows = read(text.as_bytes()).unwrap();
            assert_eq!(
                cells(&rows),
                vec![vec!["Namn", "Typ"], vec!["Örat, näsa", "network"]],
                "{text}"
            );
        }
    }

    #[test]
    fn a_byte_order_mark_is_skipped() {
        let rows = read(b"\xEF\xBB\xBFNamn;Typ\r\nEtt;network\r\n").unwrap();
        assert_eq!(rows[0].cells[0], "Namn");
        assert_eq!(rows[1].number, 2);
    }

    #[test]
    fn quoted_line_breaks_keep_the_row_number_of_their_start() {
        let rows = read(b"Namn;Funktion\nEtt;\"rad ett\nrad tv\xC3\xA5\"\nTv\xC3\xA5;x\n").unwrap();
        assert_eq!(rows[1].cells[1], "rad ett\nrad två");
        assert_eq!(rows[2].number, 4);
    }

    #[test]
    fn latin_1_is_refused_with_its_line() {
        assert_eq!(
            read(b"Namn\nGodk\xE4nd\n"),
            Err(ReadError::NotUtf8 { line: 2 })
        );
    }

    #[test]
    fn formula_starts_are_neutralised_and_read_back() {
        for value in ["=SUM(A1:A2)", "+46701234567", "-1", "@cmd", "\tx", "\rx"] {
            let written = neutralise(value);
            assert_eq!(written, format!("'{value}"));
            assert_eq!(unneutralise(&written), value);
        }
        assert_eq!(neutralise("Journal"), "Journal");
        assert_eq!(unneutralise("'tis"), "'tis");
    }

    #[test]
    fn written_files_read_back() {
        let bytes = write(
            &["Koder: a, b".to_owned()],
            &["Namn", "Funktion"],
            vec![vec![
                "=cmd|' /C calc'!A0".to_owned(),
                "a;b \"c\"\nd".to_owned(),
            ]],
        )
        .unwrap();
        assert!(bytes.starts_with(BOM));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert!(
            text.starts_with("# Koder: a, b\r\nNamn;Funktion\r\n'=cmd"),
            "{text}"
        );
        let table = crate::read(&bytes).unwrap();
        assert_eq!(table.header.cells, vec!["Namn", "Funktion"]);
        assert_eq!(
            table.rows[0].cells,
            vec!["=cmd|' /C calc'!A0", "a;b \"c\"\nd"]
        );
    }
}
