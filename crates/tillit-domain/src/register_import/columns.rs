//! The columns of an import file. Templates and exports head them with the Swedish
//! heading; on import the English heading and the key are accepted too, in any case.

use super::RegisterKind;
use crate::registers::{AssetForm, Criticality, Hosting, PersonalDataCategory, SystemKind};

/// What a column holds, which decides how a cell is read.
#[derive(Debug, Clone, Copy)]
pub enum ColumnValue {
    /// Free text.
    Text,
    /// `ja`/`nej` (also yes/no, true/false, 1/0, x); empty is no.
    YesNo,
    /// A whole number of hours.
    Hours,
    /// A designation such as `IS-0042`; empty gets the next free one.
    Designation,
    /// The e-mail address of an account of the organisation.
    Email,
    /// Several e-mail addresses, separated by commas, semicolons or line breaks.
    Emails,
    /// Several designations of register entries.
    Designations,
    /// The name of a unit of the organisation.
    Unit,
    /// One of the codes listed.
    Code(fn() -> Vec<&'static str>),
    /// Several of the codes listed.
    Codes(fn() -> Vec<&'static str>),
}

impl ColumnValue {
    /// The allowed codes, for a column of codes.
    pub fn codes(self) -> Vec<&'static str> {
        match self {
            ColumnValue::Code(codes) | ColumnValue::Codes(codes) => codes(),
            _ => Vec::new(),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct Column {
    /// Stable name, used in API error reports and message ids.
    pub key: &'static str,
    /// The heading in templates and exports.
    pub heading: &'static str,
    /// Also accepted as heading on import.
    pub heading_en: &'static str,
    /// Whether a file must have this column.
    pub required: bool,
    pub value: ColumnValue,
    /// The value in the template's example row.
    pub example: &'static str,
}

impl Column {
    /// Whether `heading`, as written in a file, names this column.
    pub fn matches(&self, heading: &str) -> bool {
        let wanted = normalise_heading(heading);
        [self.heading, self.heading_en, self.key]
            .iter()
            .any(|h| normalise_heading(h) == wanted)
    }
}

/// Lower case with runs of white space as one space, so `" Namn "` matches `Namn`.
fn normalise_heading(heading: &str) -> String {
    heading
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

fn kinds() -> Vec<&'static str> {
    SystemKind::ALL.iter().map(|k| k.as_str()).collect()
}

fn criticalities() -> Vec<&'static str> {
    Criticality::ALL.iter().map(|c| c.as_str()).collect()
}

fn hostings() -> Vec<&'static str> {
    Hosting::ALL.iter().map(|h| h.as_str()).collect()
}

fn forms() -> Vec<&'static str> {
    AssetForm::ALL.iter().map(|f| f.as_str()).collect()
}

fn categories() -> Vec<&'static str> {
    PersonalDataCategory::ALL
        .iter()
        .map(|c| c.as_str())
        .collect()
}

const fn column(
    key: &'static str,
    heading: &'static str,
    heading_en: &'static str,
    required: bool,
    value: ColumnValue,
    example: &'static str,
) -> Column {
    Column {
        key,
        heading,
        heading_en,
        required,
        value,
        example,
    }
}

/// The register of networks and information systems.
pub const SYSTEM_COLUMNS: &[Column] = &[
    column(
        "designation",
        "Beteckning",
        "Designation",
        false,
        ColumnValue::Designation,
        "",
    ),
    column(
        "name",
        "Namn",
        "Name",
        true,
        ColumnValue::Text,
        "Journalsystem",
    ),
    column(
        "kind",
        "Typ",
        "Kind",
        true,
        ColumnValue::Code(kinds),
        "information_system",
    ),
    column(
        "functionality",
        "Funktion",
        "Functionality",
        false,
        ColumnValue::Text,
        "Elektronisk patientjournal för slutenvård och öppenvård",
    ),
    column(
        "essential_services",
        "Samhällsviktiga tjänster",
        "Essential services",
        false,
        ColumnValue::Text,
        "Hälso- och sjukvård",
    ),
    column(
        "in_cyber_security_act_scope",
        "Omfattas av cybersäkerhetslagen",
        "In scope of the Cybersecurity Act",
        false,
        ColumnValue::YesNo,
        "ja",
    ),
    column(
        "criticality",
        "Kritikalitet",
        "Criticality",
        true,
        ColumnValue::Code(criticalities),
        "critical",
    ),
    column(
        "object_owner_email",
        "Objektägare (e-post)",
        "Object owner (e-mail)",
        false,
        ColumnValue::Email,
        "objektagare@region.example",
    ),
    column(
        "information_owner_emails",
        "Informationsägare (e-post)",
        "Information owners (e-mail)",
        false,
        ColumnValue::Emails,
        "informationsagare@region.example",
    ),
    column(
        "system_administrator_email",
        "Systemförvaltare (e-post)",
        "System administrator (e-mail)",
        false,
        ColumnValue::Email,
        "",
    ),
    column(
        "supplier",
        "Leverantör",
        "Supplier",
        false,
        ColumnValue::Text,
        "Journalbolaget AB",
    ),
    column(
        "sub_suppliers",
        "Underleverantörer",
        "Sub-suppliers",
        false,
        ColumnValue::Text,
        "",
    ),
    column(
        "hosting",
        "Driftmiljö",
        "Hosting",
        true,
        ColumnValue::Code(hostings),
        "supplier",
    ),
    column(
        "storage_country",
        "Lagringsland",
        "Country of storage",
        false,
        ColumnValue::Text,
        "Sverige",
    ),
    column(
        "acceptable_recovery_time_hours",
        "Acceptabel återställningstid (timmar)",
        "Acceptable recovery time (hours)",
        false,
        ColumnValue::Hours,
        "4",
    ),
    column(
        "depends_on",
        "Beroende av (beteckningar)",
        "Depends on (designations)",
        false,
        ColumnValue::Designations,
        "",
    ),
];

/// The register of information assets.
pub const ASSET_COLUMNS: &[Column] = &[
    column(
        "name",
        "Namn",
        "Name",
        true,
        ColumnValue::Text,
        "Patientjournal",
    ),
    column(
        "description",
        "Beskrivning",
        "Description",
        false,
        ColumnValue::Text,
        "Journalanteckningar, läkemedelslistor och remisser",
    ),
    column(
        "form",
        "Form",
        "Form",
        true,
        ColumnValue::Code(forms),
        "digital",
    ),
    column(
        "owner_email",
        "Informationsägare (e-post)",
        "Information owner (e-mail)",
        true,
        ColumnValue::Email,
        "informationsagare@region.example",
    ),
    column("unit", "Enhet", "Unit", false, ColumnValue::Unit, ""),
    column(
        "processes",
        "Processer",
        "Processes",
        false,
        ColumnValue::Text,
        "Vård och behandling",
    ),
    column(
        "contains_personal_data",
        "Innehåller personuppgifter",
        "Contains personal data",
        false,
        ColumnValue::YesNo,
        "ja",
    ),
    column(
        "personal_data_categories",
        "Kategorier av personuppgifter",
        "Personal data categories",
        false,
        ColumnValue::Codes(categories),
        "health, social_security_number",
    ),
    column(
        "business_critical",
        "Verksamhetskritisk",
        "Business-critical",
        false,
        ColumnValue::YesNo,
        "ja",
    ),
    column(
        "systems",
        "Lagras i system (beteckningar)",
        "Held by systems (designations)",
        false,
        ColumnValue::Designations,
        "",
    ),
];

/// The columns of a register's files, in template order.
pub fn columns(kind: RegisterKind) -> &'static [Column] {
    match kind {
        RegisterKind::Systems => SYSTEM_COLUMNS,
        RegisterKind::Assets => ASSET_COLUMNS,
    }
}

/// Reads a yes/no cell; `None` when it is neither. Empty is no.
pub fn yes_no(value: &str) -> Option<bool> {
    match value.trim().to_lowercase().as_str() {
        "ja" | "j" | "yes" | "y" | "true" | "sant" | "1" | "x" => Some(true),
        "" | "nej" | "n" | "no" | "false" | "falskt" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_match_in_either_language_and_any_case() {
        let owner = &ASSET_COLUMNS[3];
        assert!(owner.matches(" informationsägare  (E-POST) "));
        assert!(owner.matches("Information owner (e-mail)"));
        assert!(owner.matches("owner_email"));
        assert!(!owner.matches("Ägare"));
    }

    #[test]
    fn keys_and_headings_are_unique_per_register() {
        for kind in RegisterKind::ALL {
            let columns = columns(kind);
            for (i, a) in columns.iter().enumerate() {
                for b in &columns[i + 1..] {
                    assert_ne!(a.key, b.key);
                    assert!(
                        !a.matches(b.heading) && !a.matches(b.heading_en),
                        "{}",
                        a.key
                    );
                }
            }
        }
    }

    #[test]
    fn code_columns_list_their_codes() {
        assert_eq!(
            SYSTEM_COLUMNS[2].value.codes(),
            vec!["network", "information_system", "it_service"]
        );
        assert!(SYSTEM_COLUMNS[1].value.codes().is_empty());
    }

    #[test]
    fn yes_and_no_in_swedish_and_english() {
        for yes in ["ja", "Ja", "JA", "yes", "true", "1", "x", " X "] {
            assert_eq!(yes_no(yes), Some(true), "{yes}");
        }
        for no in ["", "nej", "No", "false", "0"] {
            assert_eq!(yes_no(no), Some(false), "{no}");
        }
        assert_eq!(yes_no("kanske"), None);
    }
}
