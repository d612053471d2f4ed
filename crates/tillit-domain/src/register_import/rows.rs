//! The check of every row of a file against the register's rules and against the
//! organisation's accounts, units and entries.

use std::collections::HashMap;

use super::columns::{yes_no, Column, ASSET_COLUMNS, SYSTEM_COLUMNS};
use super::cycles::on_cycles;
use super::{
    column_letters, parse_designation, ImportErrors, InputRow, InputTable, References, RowError,
    MAX_ROWS,
};
use crate::registers::{AssetDraft, AssetInput, PersonalDataCategory, SystemDraft, SystemInput};
use crate::search::fold;
use crate::users::normalise_email;
use crate::ValidationErrors;

/// What an imported entry depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DependsOn {
    /// An entry already in the register.
    Existing(i64),
    /// Another row of the same file, by its position among the file's data rows.
    Row(usize),
}

/// A checked row of a file of systems.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SystemRow {
    pub row: usize,
    /// As given in the file; `None` gets the next free designation of its kind.
    pub designation: Option<String>,
    pub draft: SystemDraft,
    /// Without duplicates.
    pub depends_on: Vec<DependsOn>,
}

/// A checked row of a file of information assets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssetRow {
    pub row: usize,
    pub draft: AssetDraft,
    /// The entries that hold the asset, without duplicates.
    pub system_ids: Vec<i64>,
}

/// Where the file has each known column: its cell position and its heading as written.
struct Layout {
    columns: &'static [Column],
    found: Vec<Option<(usize, String)>>,
    /// Cell positions that belong to a known column.
    mapped: Vec<bool>,
}

impl Layout {
    /// Maps the heading row; unknown, repeated and missing columns are errors.
    fn read(columns: &'static [Column], header: &InputRow) -> Result<Layout, ImportErrors> {
        let mut errors = Vec::new();
        let mut found: Vec<Option<(usize, String)>> = vec![None; columns.len()];
        let mut mapped = vec![false; header.cells.len()];
        for (position, heading) in header.cells.iter().enumerate() {
            if heading.trim().is_empty() {
                continue;
            }
            let error = |code| RowError {
                row: Some(header.number),
                field: None,
                column: Some(heading.trim().to_owned()),
                value: None,
                code,
            };
            match columns.iter().position(|c| c.matches(heading)) {
                None => errors.push(error("unknown-column")),
                Some(i) if found[i].is_some() => errors.push(error("duplicate-column")),
                Some(i) => {
                    found[i] = Some((position, heading.trim().to_owned()));
                    mapped[position] = true;
                }
            }
        }
        for (column, found) in columns.iter().zip(&found) {
            if column.required && found.is_none() {
                errors.push(RowError {
                    row: Some(header.number),
                    field: Some(column.key),
                    column: Some(column.heading.to_owned()),
                    value: None,
                    code: "missing-column",
                });
            }
        }
        if errors.is_empty() {
            Ok(Layout {
                columns,
                found,
                mapped,
            })
        } else {
            Err(ImportErrors(errors))
        }
    }

    fn index_of(&self, key: &str) -> Option<usize> {
        self.columns.iter().position(|c| c.key == key)
    }
}

/// The cells of one row, read by column key, collecting the row's errors.
struct Cells<'a> {
    row: &'a InputRow,
    layout: &'a Layout,
    errors: Vec<RowError>,
}

impl<'a> Cells<'a> {
    fn new(row: &'a InputRow, layout: &'a Layout) -> Self {
        Cells {
            row,
            layout,
            errors: Vec::new(),
        }
    }

    /// Refuses values in cells under no known heading, which would otherwise be lost.
    fn check_unmapped(&mut self) {
        for (position, value) in self.row.cells.iter().enumerate() {
            let mapped = self.layout.mapped.get(position).copied().unwrap_or(false);
            if !mapped && !value.trim().is_empty() {
                self.errors.push(RowError {
                    row: Some(self.row.number),
                    field: None,
                    column: Some(column_letters(position)),
                    value: None,
                    code: "cell-without-column",
                });
            }
        }
    }

    /// The cell of column `key`, empty when the file has no such column.
    fn text(&self, key: &str) -> &'a str {
        self.layout
            .index_of(key)
            .and_then(|i| self.layout.found[i].as_ref())
            .and_then(|(position, _)| self.row.cells.get(*position))
            .map_or("", |cell| cell.trim())
    }

    fn has_error(&self, key: &str) -> bool {
        self.errors.iter().any(|e| e.field == Some(key))
    }

    fn error(&mut self, key: &'static str, code: &'static str, value: Option<&str>) {
        let column = self.layout.index_of(key).map(|i| {
            self.layout.found[i]
                .as_ref()
                .map_or(self.layout.columns[i].heading.to_owned(), |(_, h)| {
                    h.clone()
                })
        });
        self.errors.push(RowError {
            row: Some(self.row.number),
            field: Some(key),
            column,
            value: value.map(str::to_owned),
            code,
        });
    }

    fn yes_no(&mut self, key: &'static str) -> bool {
        let text = self.text(key);
        yes_no(text).unwrap_or_else(|| {
            self.error(key, "invalid-yes-no", Some(text));
            false
        })
    }

    /// A code, in lower case so `Network` reads as `network`; the input's own check
    /// refuses an unknown one.
    fn code(&self, key: &str) -> String {
        self.text(key).to_lowercase()
    }

    fn user(&mut self, key: &'static str, references: &References) -> Option<i64> {
        match self.text(key) {
            "" => None,
            text => self.lookup_user(key, text, references),
        }
    }

    fn users(&mut self, key: &'static str, references: &References) -> Vec<i64> {
        let mut ids: Vec<i64> = items(self.text(key))
            .filter_map(|text| self.lookup_user(key, text, references))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    fn lookup_user(
        &mut self,
        key: &'static str,
        text: &str,
        references: &References,
    ) -> Option<i64> {
        let Some(email) = normalise_email(text) else {
            self.error(key, "invalid-email", Some(text));
            return None;
        };
        let id = references.users.get(&email).copied();
        if id.is_none() {
            self.error(key, "unknown-user", Some(text));
        }
        id
    }

    fn hours(&mut self, key: &'static str) -> Option<i64> {
        let text = self.text(key);
        if text.is_empty() {
            return None;
        }
        let whole = text.parse::<i64>().ok().or_else(|| {
            text.parse::<f64>()
                .ok()
                .filter(|f| f.fract() == 0.0 && f.abs() < 1e15)
                .map(|f| f as i64)
        });
        if whole.is_none() {
            self.error(key, "invalid-number", Some(text));
        }
        whole
    }

    /// Turns the input check's field errors into errors of this row's columns, unless
    /// the column already has one (an unknown owner is not also a missing one).
    fn field_errors(&mut self, errors: ValidationErrors, column_of: fn(&str) -> &'static str) {
        for error in errors.0 {
            let key = column_of(&error.field);
            if self.has_error(key) {
                continue;
            }
            let value =
                matches!(error.code, "invalid-choice" | "out-of-range").then(|| self.text(key));
            self.error(key, error.code, value);
        }
    }
}

/// The items of a list cell: separated by commas, semicolons or line breaks.
fn items(text: &str) -> impl Iterator<Item = &str> {
    text.split([',', ';', '\n', '\r'])
        .map(str::trim)
        .filter(|item| !item.is_empty())
}

/// Refuses a file without data rows or with too many.
fn check_size(table: &InputTable) -> Result<(), ImportErrors> {
    if table.rows.is_empty() {
        Err(RowError::file("no-rows").into())
    } else if table.rows.len() > MAX_ROWS {
        Err(RowError::file("too-many-rows").into())
    } else {
        Ok(())
    }
}

/// The errors of a file in row order (a row's own order kept).
fn sorted(mut errors: Vec<RowError>) -> ImportErrors {
    errors.sort_by_key(|e| e.row);
    ImportErrors(errors)
}

fn system_column(field: &str) -> &'static str {
    match field {
        "object_owner_id" => "object_owner_email",
        "system_administrator_id" => "system_administrator_email",
        "owner_ids" => "information_owner_emails",
        other => SYSTEM_COLUMNS
            .iter()
            .find(|c| c.key == other)
            .map_or("name", |c| c.key),
    }
}

fn asset_column(field: &str) -> &'static str {
    match field {
        "owner_id" => "owner_email",
        "unit_id" => "unit",
        other => ASSET_COLUMNS
            .iter()
            .find(|c| c.key == other)
            .map_or("name", |c| c.key),
    }
}

/// A system row before its dependencies are resolved.
struct Pending<'a> {
    row: &'a InputRow,
    designation: Option<String>,
    draft: Option<SystemDraft>,
    depends_on: Vec<&'a str>,
}

/// Checks every row of a file of systems. Dependencies may name entries already in the
/// register or rows of the file (by their designation, earlier or later in the file).
pub fn validate_systems(
    table: &InputTable,
    references: &References,
) -> Result<Vec<SystemRow>, ImportErrors> {
    check_size(table)?;
    let layout = Layout::read(SYSTEM_COLUMNS, &table.header)?;
    let mut errors = Vec::new();
    let mut in_file: HashMap<String, usize> = HashMap::new();
    let mut pending = Vec::with_capacity(table.rows.len());
    for (index, row) in table.rows.iter().enumerate() {
        let mut cells = Cells::new(row, &layout);
        cells.check_unmapped();
        let designation = match cells.text("designation") {
            "" => None,
            text => match parse_designation(text) {
                None => {
                    cells.error("designation", "invalid-designation", Some(text));
                    None
                }
                Some(designation) if references.systems.contains_key(&designation) => {
                    cells.error("designation", "duplicate", Some(text));
                    None
                }
                Some(designation) if in_file.contains_key(&designation) => {
                    cells.error("designation", "duplicate-in-file", Some(text));
                    None
                }
                Some(designation) => {
                    in_file.insert(designation.clone(), index);
                    Some(designation)
                }
            },
        };
        let input = SystemInput {
            name: cells.text("name").to_owned(),
            kind: cells.code("kind"),
            functionality: cells.text("functionality").to_owned(),
            essential_services: cells.text("essential_services").to_owned(),
            in_cyber_security_act_scope: cells.yes_no("in_cyber_security_act_scope"),
            criticality: cells.code("criticality"),
            object_owner_id: cells.user("object_owner_email", references),
            system_administrator_id: cells.user("system_administrator_email", references),
            owner_ids: cells.users("information_owner_emails", references),
            supplier: cells.text("supplier").to_owned(),
            sub_suppliers: cells.text("sub_suppliers").to_owned(),
            hosting: cells.code("hosting"),
            storage_country: cells.text("storage_country").to_owned(),
            acceptable_recovery_time_hours: cells.hours("acceptable_recovery_time_hours"),
        };
        let draft = input
            .validate()
            .map_err(|e| cells.field_errors(e, system_column))
            .ok();
        let depends_on = items(cells.text("depends_on")).collect();
        errors.append(&mut cells.errors);
        pending.push(Pending {
            row,
            designation,
            draft,
            depends_on,
        });
    }
    let mut edges: Vec<Vec<usize>> = vec![Vec::new(); pending.len()];
    let mut resolved = Vec::with_capacity(pending.len());
    for (index, entry) in pending.iter().enumerate() {
        let mut cells = Cells::new(entry.row, &layout);
        let mut depends_on = Vec::new();
        for text in &entry.depends_on {
            let target = match parse_designation(text) {
                None => {
                    cells.error("depends_on", "invalid-designation", Some(text));
                    continue;
                }
                Some(designation) => match in_file.get(&designation) {
                    Some(row) => DependsOn::Row(*row),
                    None => match references.systems.get(&designation) {
                        Some(id) => DependsOn::Existing(*id),
                        None => {
                            cells.error("depends_on", "unknown-designation", Some(text));
                            continue;
                        }
                    },
                },
            };
            if !depends_on.contains(&target) {
                depends_on.push(target);
                if let DependsOn::Row(row) = target {
                    edges[index].push(row);
                }
            }
        }
        errors.append(&mut cells.errors);
        resolved.push(depends_on);
    }
    for (index, cyclic) in on_cycles(&edges).into_iter().enumerate() {
        if cyclic {
            let mut cells = Cells::new(pending[index].row, &layout);
            cells.error("depends_on", "cycle", Some(cells.text("depends_on")));
            errors.append(&mut cells.errors);
        }
    }
    if !errors.is_empty() {
        return Err(sorted(errors));
    }
    Ok(pending
        .into_iter()
        .zip(resolved)
        .filter_map(|(entry, depends_on)| {
            Some(SystemRow {
                row: entry.row.number,
                designation: entry.designation,
                draft: entry.draft?,
                depends_on,
            })
        })
        .collect())
}

/// Checks every row of a file of information assets. The systems that hold an asset
/// must already be in the register.
pub fn validate_assets(
    table: &InputTable,
    references: &References,
) -> Result<Vec<AssetRow>, ImportErrors> {
    check_size(table)?;
    let layout = Layout::read(ASSET_COLUMNS, &table.header)?;
    let mut errors = Vec::new();
    let mut rows = Vec::with_capacity(table.rows.len());
    for row in &table.rows {
        let mut cells = Cells::new(row, &layout);
        cells.check_unmapped();
        let owner_id = match cells.text("owner_email") {
            "" => None,
            _ => cells.user("owner_email", references),
        };
        let unit_id = match cells.text("unit") {
            "" => None,
            name => match references.units.get(&fold(name)).map(Vec::as_slice) {
                Some([id]) => Some(*id),
                Some([_, _, ..]) => {
                    cells.error("unit", "ambiguous-unit", Some(name));
                    None
                }
                _ => {
                    cells.error("unit", "unknown-unit", Some(name));
                    None
                }
            },
        };
        let categories: Vec<String> = items(cells.text("personal_data_categories"))
            .map(str::to_lowercase)
            .collect();
        if let Some(unknown) = categories
            .iter()
            .find(|c| PersonalDataCategory::parse(c).is_none())
        {
            let unknown = unknown.clone();
            cells.error("personal_data_categories", "invalid-choice", Some(&unknown));
        }
        let mut system_ids = Vec::new();
        for text in items(cells.text("systems")) {
            let id = parse_designation(text).and_then(|d| references.systems.get(&d).copied());
            match id {
                Some(id) if !system_ids.contains(&id) => system_ids.push(id),
                Some(_) => {}
                None => cells.error("systems", "unknown-designation", Some(text)),
            }
        }
        let input = AssetInput {
            name: cells.text("name").to_owned(),
            description: cells.text("description").to_owned(),
            form: cells.code("form"),
            owner_id,
            unit_id,
            processes: cells.text("processes").to_owned(),
            contains_personal_data: cells.yes_no("contains_personal_data"),
            personal_data_categories: categories,
            business_critical: cells.yes_no("business_critical"),
        };
        let draft = input
            .validate()
            .map_err(|e| cells.field_errors(e, asset_column))
            .ok();
        errors.append(&mut cells.errors);
        if let Some(draft) = draft {
            rows.push(AssetRow {
                row: row.number,
                draft,
                system_ids,
            });
        }
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(sorted(errors))
    }
}

#[cfg(test)]
mod tests;
