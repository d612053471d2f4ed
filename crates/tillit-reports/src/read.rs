//! Reading an uploaded file into a table of text cells with their row numbers.

use tillit_domain::register_import::{ImportErrors, InputRow, InputTable, RowError, MAX_ROWS};

/// The widest row read; anything further right is refused rather than held in memory.
pub const MAX_COLUMNS: usize = 200;
/// Comment and heading rows allowed above the data, beyond [`MAX_ROWS`].
const EXTRA_ROWS: usize = 100;

/// The file formats read and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    pub fn parse(value: &str) -> Option<Format> {
        match value.trim().to_lowercase().as_str() {
            "csv" => Some(Format::Csv),
            "xlsx" => Some(Format::Xlsx),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Xlsx => "xlsx",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        }
    }

    /// The format of a file by its first bytes: an XLSX is a ZIP archive, anything
    /// else is read as CSV. What a client says the file is does not matter.
    pub fn of(bytes: &[u8]) -> Format {
        if bytes.starts_with(b"PK\x03\x04") {
            Format::Xlsx
        } else {
            Format::Csv
        }
    }
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("the file holds no rows")]
    Empty,
    #[error("line {line} is not UTF-8")]
    NotUtf8 { line: usize },
    #[error("an old Excel (.xls) file or other binary format")]
    UnsupportedFormat,
    #[error("the file is damaged: {0}")]
    Malformed(String),
    #[error("cell {column}{row} holds a formula")]
    Formula { row: usize, column: String },
    #[error("cell {column}{row} holds an error value")]
    CellError { row: usize, column: String },
    #[error("more than {MAX_ROWS} rows")]
    TooManyRows,
    #[error("more than {MAX_COLUMNS} columns")]
    TooManyColumns,
}

impl ReadError {
    /// The problem as reported with the rows of an import.
    pub fn row_error(&self) -> RowError {
        let at = |code, row: &usize, column: &String| RowError {
            row: Some(*row),
            field: None,
            column: Some(column.clone()),
            value: None,
            code,
        };
        match self {
            ReadError::Empty => RowError::file("empty-file"),
            ReadError::NotUtf8 { line } => RowError {
                row: Some(*line),
                ..RowError::file("not-utf8")
            },
            ReadError::UnsupportedFormat => RowError::file("unsupported-format"),
            ReadError::Malformed(_) => RowError::file("malformed"),
            ReadError::Formula { row, column } => at("formula", row, column),
            ReadError::CellError { row, column } => at("cell-error", row, column),
            ReadError::TooManyRows => RowError::file("too-many-rows"),
            ReadError::TooManyColumns => RowError::file("too-many-columns"),
        }
    }
}

impl From<ReadError> for ImportErrors {
    fn from(error: ReadError) -> Self {
        error.row_error().into()
    }
}

/// Reads a CSV or XLSX file (told apart by its content). Blank rows are skipped, and
/// so are rows above the heading whose first cell starts with `#` (the templates
/// explain themselves there).
pub fn read(bytes: &[u8]) -> Result<InputTable, ReadError> {
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ReadError::UnsupportedFormat);
    }
    let rows = match Format::of(bytes) {
        Format::Csv => crate::csv::read(bytes)?,
        Format::Xlsx => crate::xlsx::read(bytes)?,
    };
    table(rows)
}

/// Keeps a raw row unless it is blank; refuses a file far beyond the size allowed.
pub(crate) fn push_row(rows: &mut Vec<InputRow>, row: InputRow) -> Result<(), ReadError> {
    if row.cells.len() > MAX_COLUMNS {
        return Err(ReadError::TooManyColumns);
    }
    if row.cells.iter().all(|c| c.trim().is_empty()) {
        return Ok(());
    }
    if rows.len() > MAX_ROWS + EXTRA_ROWS {
        return Err(ReadError::TooManyRows);
    }
    rows.push(row);
    Ok(())
}

fn table(rows: Vec<InputRow>) -> Result<InputTable, ReadError> {
    let mut rows = rows.into_iter().skip_while(|row| {
        row.cells
            .first()
            .is_some_and(|c| c.trim_start().starts_with('#'))
    });
    let header = rows.next().ok_or(ReadError::Empty)?;
    let rows: Vec<InputRow> = rows.collect();
    if rows.len() > MAX_ROWS {
        return Err(ReadError::TooManyRows);
    }
    Ok(InputTable { header, rows })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_are_told_apart_by_content() {
        assert_eq!(Format::of(b"PK\x03\x04rest"), Format::Xlsx);
        assert_eq!(Format::of(b"Namn;Typ"), Format::Csv);
        assert_eq!(Format::parse(" XLSX "), Some(Format::Xlsx));
        assert_eq!(Format::parse("xls"), None);
    }

    #[test]
    fn comments_and_blank_rows_above_the_heading_are_skipped() {
        let table =
            read("# Mall\n;;\n# Koder: a, b\nNamn;Typ\n\nEtt;network\n;\n".as_bytes()).unwrap();
        assert_eq!(table.header.number, 4);
        assert_eq!(table.header.cells, vec!["Namn", "Typ"]);
        assert_eq!(table.rows.len(), 1);
        assert_eq!(table.rows[0].number, 6);
    }

    #[test]
    fn a_comment_below_the_heading_is_data() {
        let table = read(b"Namn\n#1 system\n").unwrap();
        assert_eq!(table.rows[0].cells, vec!["#1 system"]);
    }

    #[test]
    fn empty_and_legacy_files_are_refused() {
        assert_eq!(read(b""), Err(ReadError::Empty));
        assert_eq!(read(b"\n;;\n"), Err(ReadError::Empty));
        assert_eq!(
            read(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1]),
            Err(ReadError::UnsupportedFormat)
        );
        assert_eq!(ReadError::Empty.row_error().code, "empty-file");
    }

    #[test]
    fn too_many_rows_are_refused() {
        let mut text = String::from("Namn\n");
        for i in 0..=MAX_ROWS {
            text.push_str(&format!("rad {i}\n"));
        }
        assert_eq!(read(text.as_bytes()), Err(ReadError::TooManyRows));
    }

    #[test]
    fn too_wide_rows_are_refused() {
        let text = vec!["x"; MAX_COLUMNS + 1].join(";");
        assert_eq!(read(text.as_bytes()), Err(ReadError::TooManyColumns));
    }
}
