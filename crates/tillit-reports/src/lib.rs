//! Spreadsheets in and out: reading CSV and XLSX files for import, writing them for
//! export and as import templates. PDF reports and SVG charts will live here too.
//!
//! Nothing read is ever evaluated: a formula in an uploaded XLSX is refused, every text
//! is written to XLSX as a string cell, and a CSV value that a spreadsheet would take
//! for a formula is written with a leading apostrophe.

mod csv;
mod read;
mod template;
mod xlsx;

pub use read::{read, Format, ReadError, MAX_COLUMNS};
pub use template::{template, CodeLabels};
pub use xlsx::{Sheet, WriteError};

/// Writes a CSV file: UTF-8 with a byte order mark and semicolons, as Swedish Excel
/// expects, the `comments` as `#` lines first.
pub fn write_csv<I>(comments: &[String], header: &[&str], rows: I) -> Result<Vec<u8>, WriteError>
where
    I: IntoIterator<Item = Vec<String>>,
{
    csv::write(comments, header, rows)
}

/// Writes an XLSX workbook with one worksheet per sheet, in order.
pub fn write_xlsx(sheets: Vec<Sheet<'_>>) -> Result<Vec<u8>, WriteError> {
    xlsx::write(sheets)
}
