use super::*;
use crate::registers::{AssetForm, Criticality, Hosting, SystemKind};

fn row(number: usize, cells: &[&str]) -> InputRow {
    InputRow {
        number,
        cells: cells.iter().map(|c| c.to_string()).collect(),
    }
}

/// A table whose heading row is line 1 and data rows follow on lines 2, 3, …
fn table(header: &[&str], rows: &[&[&str]]) -> InputTable {
    InputTable {
        header: row(1, header),
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, cells)| row(i + 2, cells))
            .collect(),
    }
}

fn references() -> References {
    References {
        users: [
            ("anna@region.example".to_owned(), 7),
            ("bo@region.example".to_owned(), 8),
        ]
        .into_iter()
        .collect(),
        units: [
            ("akuten".to_owned(), vec![3]),
            ("kansliet".to_owned(), vec![4, 5]),
        ]
        .into_iter()
        .collect(),
        systems: [("IS-0001".to_owned(), 100)].into_iter().collect(),
    }
}

const SYSTEM_HEADER: &[&str] = &[
    "Beteckning",
    "Namn",
    "Typ",
    "Kritikalitet",
    "Driftmiljö",
    "Objektägare (e-post)",
    "Informationsägare (e-post)",
    "Beroende av (beteckningar)",
    "Acceptabel återställningstid (timmar)",
];

/// (row, field, code) of every error.
fn codes(errors: &ImportErrors) -> Vec<(Option<usize>, Option<&'static str>, &'static str)> {
    errors.0.iter().map(|e| (e.row, e.field, e.code)).collect()
}

#[test]
fn a_valid_file_of_systems_resolves_people_and_dependencies() {
    let file = table(
        SYSTEM_HEADER,
        &[
            &[
                "is-0200",
                "Journal",
                "Information_System",
                "critical",
                "supplier",
                "Anna@Region.example",
                "anna@region.example; bo@region.example",
                "NW-0300, IS-0001",
                "4",
            ],
            &[
                "NW-0300",
                "Nätverk",
                "network",
                "high",
                "own_data_centre",
                "",
                "",
                "",
                "",
            ],
            &[
                "",
                "Utan beteckning",
                "it_service",
                "low",
                "cloud",
                "",
                "",
                "IS-0200",
                "4.0",
            ],
        ],
    );
    let rows = validate_systems(&file, &references()).unwrap();
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0].row, 2);
    assert_eq!(rows[0].designation.as_deref(), Some("IS-0200"));
    assert_eq!(rows[0].draft.kind, SystemKind::InformationSystem);
    assert_eq!(rows[0].draft.criticality, Criticality::Critical);
    assert_eq!(rows[0].draft.hosting, Hosting::Supplier);
    assert_eq!(rows[0].draft.object_owner_id, Some(7));
    assert_eq!(rows[0].draft.owner_ids, vec![7, 8]);
    assert_eq!(rows[0].draft.acceptable_recovery_time_hours, Some(4));
    assert_eq!(
        rows[0].depends_on,
        vec![DependsOn::Row(1), DependsOn::Existing(100)]
    );
    assert_eq!(rows[2].designation, None);
    assert_eq!(rows[2].depends_on, vec![DependsOn::Row(0)]);
    assert_eq!(rows[2].draft.acceptable_recovery_time_hours, Some(4));
}

#[test]
fn every_bad_row_is_reported_with_its_column_and_reason() {
    let file = table(
        SYSTEM_HEADER,
        &[
            &["", "", "mainframe", "high", "cloud", "", "", "", ""],
            &["", "Bra", "network", "high", "cloud", "", "", "", ""],
            &[
                "",
                "Okänd ägare",
                "network",
                "high",
                "cloud",
                "okand@region.example",
                "inte-en-adress",
                "",
                "-3",
            ],
            &[
                "",
                "Okänt beroende",
                "network",
                "high",
                "cloud",
                "",
                "",
                "XX-9999",
                "många",
            ],
        ],
    );
    let errors = validate_systems(&file, &references()).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            (Some(2), Some("name"), "required"),
            (Some(2), Some("kind"), "invalid-choice"),
            (Some(4), Some("object_owner_email"), "unknown-user"),
            (Some(4), Some("information_owner_emails"), "invalid-email"),
            (
                Some(4),
                Some("acceptable_recovery_time_hours"),
                "out-of-range"
            ),
            (
                Some(5),
                Some("acceptable_recovery_time_hours"),
                "invalid-number"
            ),
            (Some(5), Some("depends_on"), "unknown-designation"),
        ]
    );
    let kind = &errors.0[1];
    assert_eq!(kind.column.as_deref(), Some("Typ"));
    assert_eq!(kind.value.as_deref(), Some("mainframe"));
    assert_eq!(errors.0[2].value.as_deref(), Some("okand@region.example"));
    assert_eq!(errors.0[6].value.as_deref(), Some("XX-9999"));
}

#[test]
fn designations_may_not_repeat_in_the_file_or_the_register() {
    let file = table(
        SYSTEM_HEADER,
        &[
            &["IS-0500", "Ett", "network", "high", "cloud", "", "", "", ""],
            &["is-0500", "Två", "network", "high", "cloud", "", "", "", ""],
            &[
                "IS-0001",
                "Finns redan",
                "network",
                "high",
                "cloud",
                "",
                "",
                "",
                "",
            ],
            &[
                "IS 7", "Ogiltig", "network", "high", "cloud", "", "", "", "",
            ],
        ],
    );
    let errors = validate_systems(&file, &references()).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            (Some(3), Some("designation"), "duplicate-in-file"),
            (Some(4), Some("designation"), "duplicate"),
            (Some(5), Some("designation"), "invalid-designation"),
        ]
    );
}

#[test]
fn rows_depending_on_each_other_in_a_circle_are_refused() {
    let file = table(
        SYSTEM_HEADER,
        &[
            &["A-1", "Ett", "network", "high", "cloud", "", "", "A-2", ""],
            &["A-2", "Två", "network", "high", "cloud", "", "", "A-3", ""],
            &["A-3", "Tre", "network", "high", "cloud", "", "", "A-1", ""],
            &[
                "A-4",
                "Beror på cirkeln",
                "network",
                "high",
                "cloud",
                "",
                "",
                "A-1",
                "",
            ],
            &[
                "A-5",
                "Sig själv",
                "network",
                "high",
                "cloud",
                "",
                "",
                "a-5",
                "",
            ],
        ],
    );
    let errors = validate_systems(&file, &references()).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            (Some(2), Some("depends_on"), "cycle"),
            (Some(3), Some("depends_on"), "cycle"),
            (Some(4), Some("depends_on"), "cycle"),
            (Some(6), Some("depends_on"), "cycle"),
        ]
    );
}

#[test]
fn heading_problems_are_reported_before_any_row() {
    let file = table(
        &["Namn", "Färg", "Typ", "typ", "Driftmiljö"],
        &[&["", "", "", "", ""]],
    );
    let errors = validate_systems(&file, &references()).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            (Some(1), None, "unknown-column"),
            (Some(1), None, "duplicate-column"),
            (Some(1), Some("criticality"), "missing-column"),
        ]
    );
    assert_eq!(errors.0[0].column.as_deref(), Some("Färg"));
    assert_eq!(errors.0[2].column.as_deref(), Some("Kritikalitet"));
}

#[test]
fn english_headings_and_keys_are_accepted() {
    let file = table(
        &["name", "Kind", "CRITICALITY", "Hosting"],
        &[&["Ett", "network", "low", "cloud"]],
    );
    assert_eq!(validate_systems(&file, &references()).unwrap().len(), 1);
}

#[test]
fn a_value_under_no_heading_is_refused() {
    let file = table(
        &["Namn", "Typ", "Kritikalitet", "Driftmiljö", ""],
        &[
            &["Ett", "network", "low", "cloud", "vilsen"],
            &["Två", "network", "low", "cloud", "", "också vilsen"],
        ],
    );
    let errors = validate_systems(&file, &references()).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            (Some(2), None, "cell-without-column"),
            (Some(3), None, "cell-without-column"),
        ]
    );
    assert_eq!(errors.0[0].column.as_deref(), Some("E"));
    assert_eq!(errors.0[1].column.as_deref(), Some("F"));
}

#[test]
fn a_file_without_rows_is_refused() {
    let file = table(SYSTEM_HEADER, &[]);
    let errors = validate_systems(&file, &references()).unwrap_err();
    assert_eq!(codes(&errors), vec![(None, None, "no-rows")]);
}

const ASSET_HEADER: &[&str] = &[
    "Namn",
    "Form",
    "Informationsägare (e-post)",
    "Enhet",
    "Innehåller personuppgifter",
    "Kategorier av personuppgifter",
    "Verksamhetskritisk",
    "Lagras i system (beteckningar)",
];

#[test]
fn a_valid_file_of_assets() {
    let file = table(
        ASSET_HEADER,
        &[&[
            "Patientjournal",
            "Digital",
            "anna@region.example",
            "Akuten",
            "ja",
            "Health; social_security_number",
            "x",
            "is-0001, IS-0001",
        ]],
    );
    let rows = validate_assets(&file, &references()).unwrap();
    let draft = &rows[0].draft;
    assert_eq!(draft.form, AssetForm::Digital);
    assert_eq!(draft.owner_id, 7);
    assert_eq!(draft.unit_id, Some(3));
    assert!(draft.contains_personal_data && draft.business_critical);
    assert_eq!(
        draft.personal_data_categories,
        vec![
            PersonalDataCategory::Health,
            PersonalDataCategory::SocialSecurityNumber
        ]
    );
    assert_eq!(rows[0].system_ids, vec![100]);
}

#[test]
fn bad_asset_rows_name_owner_unit_categories_and_systems() {
    let file = table(
        ASSET_HEADER,
        &[
            &["Utan ägare", "paper", "", "", "", "", "", ""],
            &[
                "Okänd ägare",
                "paper",
                "okand@region.example",
                "Kansliet",
                "kanske",
                "shoe_size",
                "",
                "IS-0404",
            ],
            &[
                "Okänd enhet",
                "paper",
                "bo@region.example",
                "Ingenstans",
                "nej",
                "health",
                "",
                "",
            ],
        ],
    );
    let errors = validate_assets(&file, &references()).unwrap_err();
    assert_eq!(
        codes(&errors),
        vec![
            (Some(2), Some("owner_email"), "required"),
            (Some(3), Some("owner_email"), "unknown-user"),
            (Some(3), Some("unit"), "ambiguous-unit"),
            (Some(3), Some("personal_data_categories"), "invalid-choice"),
            (Some(3), Some("systems"), "unknown-designation"),
            (Some(3), Some("contains_personal_data"), "invalid-yes-no"),
            (Some(4), Some("unit"), "unknown-unit"),
            (
                Some(4),
                Some("personal_data_categories"),
                "without-personal-data"
            ),
        ]
    );
    assert_eq!(errors.0[3].value.as_deref(), Some("shoe_size"));
}
