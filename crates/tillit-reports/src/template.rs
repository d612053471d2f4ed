//! Import templates: the heading row with the Swedish column names, one example row,
//! and an explanation of every column and its allowed codes (a second sheet in XLSX,
//! `#` lines above the heading in CSV, which the importer skips).

use tillit_domain::register_import::{columns, Column, ColumnValue, RegisterKind};

use crate::read::Format;
use crate::xlsx::{Sheet, WriteError};

/// The explanations' texts by message id, in the reader's language.
pub type CodeLabels<'a> = dyn Fn(&str) -> String + 'a;

/// The message id of a code's meaning, e.g. `import-code-kind-information-system`.
fn code_id(column: &Column, code: &str) -> String {
    format!("import-code-{}-{}", column.key, code).replace('_', "-")
}

fn help_id(column: &Column) -> String {
    format!("import-column-{}", column.key).replace('_', "-")
}

/// One line of the explanation: a column (heading set) or one of its codes.
struct Line {
    heading: String,
    required: String,
    value: String,
    meaning: String,
}

impl Line {
    fn cells(self) -> Vec<String> {
        vec![self.heading, self.required, self.value, self.meaning]
    }

    /// The line as a CSV comment.
    fn comment(&self) -> String {
        if self.heading.is_empty() {
            return format!("    {} = {}", self.value, self.meaning);
        }
        let mut line = self.heading.clone();
        if !self.required.is_empty() {
            line.push_str(&format!(" ({})", self.required));
        }
        line.push_str(&format!(": {}", self.meaning));
        if !self.value.is_empty() {
            line.push_str(&format!(" ({})", self.value));
        }
        line
    }
}

/// The explanation: per column its heading, whether it is required and what to fill
/// in, then one line per allowed code.
fn explanation(columns: &[Column], text: &CodeLabels<'_>) -> Vec<Line> {
    let mut lines = Vec::new();
    for column in columns {
        lines.push(Line {
            heading: column.heading.to_owned(),
            required: if column.required {
                text("import-template-required-yes")
            } else {
                String::new()
            },
            value: match column.value {
                ColumnValue::YesNo => text("import-template-yes-no"),
                _ => String::new(),
            },
            meaning: text(&help_id(column)),
        });
        for code in column.value.codes() {
            lines.push(Line {
                heading: String::new(),
                required: String::new(),
                value: code.to_owned(),
                meaning: text(&code_id(column, code)),
            });
        }
    }
    lines
}

/// The template of a register's import file.
pub fn template(
    kind: RegisterKind,
    format: Format,
    text: &CodeLabels<'_>,
) -> Result<Vec<u8>, WriteError> {
    let columns = columns(kind);
    let header: Vec<&str> = columns.iter().map(|c| c.heading).collect();
    let example: Vec<String> = columns.iter().map(|c| c.example.to_owned()).collect();
    match format {
        Format::Csv => {
            let mut comments = vec![
                text(&format!("import-template-title-{}", kind.as_str())),
                text("import-template-instructions"),
            ];
            comments.extend(explanation(columns, text).iter().map(Line::comment));
            crate::write_csv(&comments, &header, [example])
        }
        Format::Xlsx => {
            let codes_header = [
                text("import-template-column"),
                text("import-template-required"),
                text("import-template-value"),
                text("import-template-meaning"),
            ];
            let codes_name = text("import-template-sheet-codes");
            let lines = explanation(columns, text);
            crate::write_xlsx(vec![
                Sheet {
                    name: kind.sheet_name(),
                    header,
                    widths: vec![22.0; columns.len()],
                    rows: Box::new(std::iter::once(example)),
                },
                Sheet {
                    name: &codes_name,
                    header: codes_header.iter().map(String::as_str).collect(),
                    widths: vec![34.0, 14.0, 26.0, 80.0],
                    rows: Box::new(lines.into_iter().map(Line::cells)),
                },
            ])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tillit_domain::register_import::{validate_systems, References};

    fn labels(id: &str) -> String {
        format!("«{id}»")
    }

    #[test]
    fn every_code_and_column_is_explained() {
        let rows: Vec<Vec<String>> = explanation(columns(RegisterKind::Systems), &labels)
            .into_iter()
            .map(Line::cells)
            .collect();
        let codes: Vec<&str> = rows
            .iter()
            .map(|r| r[2].as_str())
            .filter(|c| !c.is_empty() && !c.starts_with('«'))
            .collect();
        for code in [
            "network",
            "information_system",
            "it_service",
            "low",
            "critical",
            "own_data_centre",
            "cloud",
        ] {
            assert!(codes.contains(&code), "{code}");
        }
        assert!(rows
            .iter()
            .any(|r| r[3] == "«import-code-kind-information-system»"));
        assert!(rows
            .iter()
            .any(|r| r[0] == "Beteckning" && r[3] == "«import-column-designation»"));
        assert!(rows
            .iter()
            .any(|r| r[0] == "Namn" && r[1] == "«import-template-required-yes»"));
    }

    #[test]
    fn the_csv_template_reads_back_as_heading_and_example() {
        for kind in RegisterKind::ALL {
            let bytes = template(kind, Format::Csv, &labels).unwrap();
            let table = crate::read(&bytes).unwrap();
            let headings: Vec<&str> = columns(kind).iter().map(|c| c.heading).collect();
            assert_eq!(table.header.cells, headings);
            assert_eq!(table.rows.len(), 1);
            let text = String::from_utf8_lossy(&bytes);
            let explained = match kind {
                RegisterKind::Systems => {
                    "information_system = «import-code-kind-information-system»"
                }
                RegisterKind::Assets => {
                    "Namn («import-template-required-yes»): «import-column-name»"
                }
            };
            assert!(text.contains(explained), "{text}");
        }
    }

    #[test]
    fn the_xlsx_template_has_the_example_first_and_the_codes_second() {
        let bytes = template(RegisterKind::Assets, Format::Xlsx, &labels).unwrap();
        let table = crate::read(&bytes).unwrap();
        assert_eq!(table.header.cells[0], "Namn");
        assert_eq!(table.rows[0].cells[0], "Patientjournal");
        let mut book: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(&bytes)).unwrap();
        use calamine::Reader;
        assert_eq!(book.sheet_names().len(), 2);
        let codes = book
            .worksheet_range("«import-template-sheet-codes»")
            .unwrap();
        assert!(codes.rows().any(|r| r
            .iter()
            .any(|c| c == &calamine::Data::String("protected_identity".into()))));
    }

    #[test]
    fn a_filled_template_validates() {
        let bytes = template(RegisterKind::Systems, Format::Csv, &labels).unwrap();
        let mut table = crate::read(&bytes).unwrap();
        // The example names people that are not in this organisation.
        table.rows[0].cells[7].clear();
        table.rows[0].cells[8].clear();
        let rows = validate_systems(&table, &References::default()).unwrap();
        assert_eq!(rows[0].draft.name, "Journalsystem");
    }
}
