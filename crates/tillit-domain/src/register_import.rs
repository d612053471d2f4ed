//! Bulk import of the registers from a spreadsheet (CSV or XLSX): the columns a file may
//! have, and the check of every row before anything is stored.
//!
//! The whole file is checked first. If any row is bad the import is refused with every
//! bad row, its column and the reason; only a file without a single bad row is imported,
//! and then all of it at once.

mod columns;
mod cycles;
mod rows;
mod runs;

use std::collections::HashMap;

use serde::Serialize;

pub use columns::{columns, yes_no, Column, ColumnValue, ASSET_COLUMNS, SYSTEM_COLUMNS};
pub use rows::{validate_assets, validate_systems, AssetRow, DependsOn, SystemRow};
pub use runs::{effective_state, RunState, INTERRUPTED, RUN_STALLED_AFTER};

/// The most data rows one file may hold (the bench imports 10,000).
pub const MAX_ROWS: usize = 50_000;
/// The longest designation a file may give an entry.
pub const DESIGNATION_MAX: usize = 40;

/// Which register a file fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RegisterKind {
    /// Networks and information systems.
    Systems,
    /// Information assets.
    Assets,
}

impl RegisterKind {
    pub const ALL: [RegisterKind; 2] = [RegisterKind::Systems, RegisterKind::Assets];

    pub fn as_str(self) -> &'static str {
        match self {
            RegisterKind::Systems => "systems",
            RegisterKind::Assets => "assets",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value.trim())
    }

    /// The name of the worksheet holding the register in templates and exports; in
    /// Swedish, like the column headings.
    pub fn sheet_name(self) -> &'static str {
        match self {
            RegisterKind::Systems => "System",
            RegisterKind::Assets => "Informationstillgångar",
        }
    }
}

/// One row of a file as read: its number in the file (the first line or row is 1) and
/// its cells as text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRow {
    pub number: usize,
    pub cells: Vec<String>,
}

/// A file as read: the heading row and the data rows below it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputTable {
    pub header: InputRow,
    pub rows: Vec<InputRow>,
}

/// What is wrong with one row (or, without a row number, with the file as a whole).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// The row's number in the file.
    pub row: Option<usize>,
    /// The column's key (e.g. `owner_email`) when the problem is in a known column.
    pub field: Option<&'static str>,
    /// The column as the file names it: its heading, or its letter for a cell outside
    /// any known column.
    pub column: Option<String>,
    /// The offending value, when showing it helps (an unknown e-mail or designation).
    pub value: Option<String>,
    /// Stable reason code, also the suffix of the message id `import-error-<code>`.
    pub code: &'static str,
}

impl RowError {
    /// A problem with the file as a whole.
    pub fn file(code: &'static str) -> Self {
        Self {
            row: None,
            field: None,
            column: None,
            value: None,
            code,
        }
    }
}

/// Every problem found in a file; the import is refused when there is any.
#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("{} problem(s) in the imported file", .0.len())]
pub struct ImportErrors(pub Vec<RowError>);

impl From<RowError> for ImportErrors {
    fn from(error: RowError) -> Self {
        ImportErrors(vec![error])
    }
}

/// What the rows of a file may refer to, all of the importing organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct References {
    /// Accounts by normalised e-mail address.
    pub users: HashMap<String, i64>,
    /// Units by folded name; two units may share a name.
    pub units: HashMap<String, Vec<i64>>,
    /// Register entries by designation in capitals.
    pub systems: HashMap<String, i64>,
}

/// A designation as given in a file, in capitals: 1–40 letters A–Z, digits and
/// hyphens, starting with a letter or digit.
pub fn parse_designation(value: &str) -> Option<String> {
    let designation = value.trim().to_uppercase();
    let valid = !designation.is_empty()
        && designation.len() <= DESIGNATION_MAX
        && designation
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        && !designation.starts_with('-');
    valid.then_some(designation)
}

/// The number of a designation of the form `<prefix>-<digits>`, so a counter with that
/// prefix can be moved past it and never hand it out again.
pub fn designation_number(designation: &str, prefix: &str) -> Option<i64> {
    let digits = designation.strip_prefix(prefix)?.strip_prefix('-')?;
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// The letters of a spreadsheet column from its 0-based index: 0 is `A`, 26 is `AA`.
pub fn column_letters(index: usize) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn designations_are_capitals_digits_and_hyphens() {
        assert_eq!(parse_designation(" is-0042 "), Some("IS-0042".into()));
        assert_eq!(parse_designation("LEGACY7"), Some("LEGACY7".into()));
        assert_eq!(parse_designation(""), None);
        assert_eq!(parse_designation("-12"), None);
        assert_eq!(parse_designation("IS 12"), None);
        assert_eq!(parse_designation("ÅÄ-1"), None);
        assert_eq!(parse_designation(&"A".repeat(41)), None);
    }

    #[test]
    fn designation_numbers_follow_their_prefix() {
        assert_eq!(designation_number("IS-0042", "IS"), Some(42));
        assert_eq!(designation_number("IS-12345", "IS"), Some(12345));
        assert_eq!(designation_number("IS-0042", "NW"), None);
        assert_eq!(designation_number("ISX-0042", "IS"), None);
        assert_eq!(designation_number("IS-", "IS"), None);
        assert_eq!(designation_number("IS-12A", "IS"), None);
    }

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn register_kinds_round_trip() {
        for kind in RegisterKind::ALL {
            assert_eq!(RegisterKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(RegisterKind::parse("risks"), None);
    }
}
