//! XLSX: the first worksheet is read cell by cell (so a huge sheet is refused before it
//! fills memory); workbooks are written with every value as a string cell.

use std::io::Cursor;

use calamine::{DataRef, Reader, Xlsx};
use rust_xlsxwriter::{Format as CellFormat, Workbook, XlsxError};
use tillit_domain::register_import::{column_letters, InputRow};

use crate::read::{push_row, ReadError, MAX_COLUMNS};

/// Why a file could not be written.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("writing XLSX: {0}")]
    Xlsx(#[from] XlsxError),
    #[error("writing CSV: {0}")]
    Csv(String),
}

/// One worksheet to write: a bold heading row, then the rows.
pub struct Sheet<'a> {
    pub name: &'a str,
    pub header: Vec<&'a str>,
    /// Column widths in characters, left to right; columns beyond get the default.
    pub widths: Vec<f64>,
    pub rows: Box<dyn Iterator<Item = Vec<String>> + 'a>,
}

pub(crate) fn read(bytes: &[u8]) -> Result<Vec<InputRow>, ReadError> {
    let malformed = |e: calamine::XlsxError| ReadError::Malformed(e.to_string());
    let mut workbook = Xlsx::new(Cursor::new(bytes)).map_err(malformed)?;
    let name = workbook
        .sheet_names()
        .first()
        .cloned()
        .ok_or_else(|| ReadError::Malformed("no worksheet".into()))?;
    let mut cells = workbook.worksheet_cells_reader(&name).map_err(malformed)?;
    let mut rows = Vec::new();
    let mut current: Option<InputRow> = None;
    while let Some(cell) = cells.next_cell_with_formula_metadata().map_err(malformed)? {
        let (row, column) = (cell.pos.0 as usize, cell.pos.1 as usize);
        let number = row + 1;
        if cell.formula.is_some() {
            return Err(ReadError::Formula {
                row: number,
                column: column_letters(column),
            });
        }
        if column >= MAX_COLUMNS {
            return Err(ReadError::TooManyColumns);
        }
        let text = text(&cell.value).ok_or_else(|| ReadError::CellError {
            row: number,
            column: column_letters(column),
        })?;
        if current.as_ref().is_some_and(|r| r.number != number) {
            if let Some(done) = current.take() {
                push_row(&mut rows, done)?;
            }
        }
        let entry = current.get_or_insert_with(|| InputRow {
            number,
            cells: Vec::new(),
        });
        if entry.cells.len() <= column {
            entry.cells.resize(column + 1, String::new());
        }
        entry.cells[column] = text;
    }
    if let Some(done) = current {
        push_row(&mut rows, done)?;
    }
    Ok(rows)
}

/// A cell's value as text; `None` for an error value such as `#REF!`. Whole numbers
/// lose the `.0` a spreadsheet gives every number.
fn text(value: &DataRef<'_>) -> Option<String> {
    Some(match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) | DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => s.clone(),
        DataRef::SharedString(s) => (*s).to_owned(),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        DataRef::Float(f) => f.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::DateTime(d) => d.to_string(),
        DataRef::Error(_) => return None,
    })
}

pub(crate) fn write(sheets: Vec<Sheet<'_>>) -> Result<Vec<u8>, WriteError> {
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    for sheet in sheets {
        // Rows go out in order, so each sheet is flushed to a temporary file as it is
        // written instead of being held in memory.
        let worksheet = workbook.add_worksheet_with_constant_memory()?;
        worksheet.set_name(sheet.name)?;
        for (column, width) in sheet.widths.iter().enumerate() {
            worksheet.set_column_width(column as u16, *width)?;
        }
        worksheet.set_freeze_panes(1, 0)?;
        for (column, heading) in sheet.header.iter().enumerate() {
            worksheet.write_string_with_format(0, column as u16, *heading, &bold)?;
        }
        for (index, row) in sheet.rows.enumerate() {
            let number = u32::try_from(index + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
            for (column, value) in row.into_iter().enumerate() {
                if !value.is_empty() {
                    worksheet.write_string(number, column as u16, value)?;
                }
            }
        }
    }
    Ok(workbook.save_to_buffer()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn workbook(build: impl FnOnce(&mut rust_xlsxwriter::Worksheet)) -> Vec<u8> {
        let mut workbook = Workbook::new();
        build(workbook.add_worksheet());
        workbook.save_to_buffer().unwrap()
    }

    #[test]
    fn cells_are_read_as_text_with_their_row_numbers() {
        let bytes = workbook(|sheet| {
            sheet.write_string(0, 0, "Namn").unwrap();
            sheet.write_string(0, 2, "Timmar").unwrap();
            sheet.write_string(3, 0, "Journal").unwrap();
            sheet.write_number(3, 2, 24.0).unwrap();
            sheet.write_number(4, 2, 1.5).unwrap();
            sheet.write_boolean(4, 1, true).unwrap();
        });
        let rows = read(&bytes).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].number, 1);
        assert_eq!(rows[1].number, 4);
        assert_eq!(rows[1].cells, vec!["Journal", "", "24"]);
        assert_eq!(rows[2].cells, vec!["", "true", "1.5"]);
    }

    #[test]
    fn a_formula_is_refused_and_never_evaluated() {
        let bytes = workbook(|sheet| {
            sheet.write_string(0, 0, "Namn").unwrap();
            sheet.write_string(1, 0, "Journal").unwrap();
            sheet
                .write_formula(2, 1, rust_xlsxwriter::Formula::new("=1+1").set_result("2"))
                .unwrap();
        });
        assert_eq!(
            read(&bytes),
            Err(ReadError::Formula {
                row: 3,
                column: "B".into()
            })
        );
    }

    #[test]
    fn text_that_looks_like_a_formula_is_just_text() {
        let bytes = workbook(|sheet| {
            sheet.write_string(0, 0, "=1+1").unwrap();
        });
        assert_eq!(read(&bytes).unwrap()[0].cells, vec!["=1+1"]);
    }

    #[test]
    fn a_damaged_archive_is_malformed() {
        let mut bytes = workbook(|sheet| {
            sheet.write_string(0, 0, "Namn").unwrap();
        });
        bytes.truncate(bytes.len() / 2);
        assert!(matches!(read(&bytes), Err(ReadError::Malformed(_))));
        assert!(matches!(
            read(b"PK\x03\x04 not really a zip"),
            Err(ReadError::Malformed(_))
        ));
    }

    #[test]
    fn written_workbooks_hold_strings_only_and_read_back() {
        let rows = vec![
            vec!["=HYPERLINK(\"http://x\")".to_owned(), "4".to_owned()],
            vec!["Journal".to_owned(), String::new()],
        ];
        let bytes = write(vec![
            Sheet {
                name: "System",
                header: vec!["Namn", "Timmar"],
                widths: vec![30.0],
                rows: Box::new(rows.clone().into_iter()),
            },
            Sheet {
                name: "Koder",
                header: vec!["Kolumn"],
                widths: Vec::new(),
                rows: Box::new(std::iter::empty()),
            },
        ])
        .unwrap();
        let mut book = Xlsx::new(Cursor::new(&bytes)).unwrap();
        assert_eq!(book.sheet_names(), vec!["System", "Koder"]);
        let range = book.worksheet_range("System").unwrap();
        assert_eq!(
            range.get_value((1, 0)),
            Some(&calamine::Data::String("=HYPERLINK(\"http://x\")".into()))
        );
        assert_eq!(
            range.get_value((1, 1)),
            Some(&calamine::Data::String("4".into()))
        );
        let formulas = book.worksheet_formula("System").unwrap();
        assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
        let read_back = read(&bytes).unwrap();
        assert_eq!(read_back[0].cells, vec!["Namn", "Timmar"]);
        assert_eq!(read_back[1].cells, rows[0]);
        assert_eq!(read_back[2].cells, vec!["Journal"]);
    }
}
