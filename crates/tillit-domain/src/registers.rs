//! The register of networks and information systems (C06) and the register of
//! information assets (C07): choices, input validation, designations and the yearly
//! confirmation rule.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::validation::{optional_text, required_text, ValidationErrors};

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;
pub const SHORT_TEXT_MAX: usize = 200;
pub const PREFIX_MAX: usize = 8;
/// The register must be confirmed at least this often.
pub const CONFIRMATION_INTERVAL_DAYS: i64 = 365;
/// Upper bound for an acceptable recovery time: ten years in hours.
pub const RECOVERY_HOURS_MAX: i64 = 87_600;

/// Defines a closed set of choices stored as snake_case text.
macro_rules! choice {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }

            pub fn parse(value: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|c| c.as_str() == value)
            }
        }
    };
}

choice!(
    /// What kind of register entry this is (seed 001 §4).
    SystemKind {
        Network => "network",
        InformationSystem => "information_system",
        ItService => "it_service",
    }
);

impl SystemKind {
    /// The designation prefix used until the organisation configures its own.
    pub fn default_prefix(self) -> &'static str {
        match self {
            SystemKind::Network => "NW",
            SystemKind::InformationSystem => "IS",
            SystemKind::ItService => "IT",
        }
    }
}

choice!(
    /// How much the organisation's work depends on the entry.
    Criticality {
        Low => "low",
        Medium => "medium",
        High => "high",
        Critical => "critical",
    }
);

choice!(
    /// Where the entry runs.
    Hosting {
        OwnDataCentre => "own_data_centre",
        Supplier => "supplier",
        Cloud => "cloud",
    }
);

choice!(
    /// The form information takes.
    AssetForm {
        Digital => "digital",
        Paper => "paper",
        Spoken => "spoken",
    }
);

choice!(
    /// Categories of personal data that call for extra care in health and social care.
    PersonalDataCategory {
        /// Uppgifter om hälsa (GDPR art. 9).
        Health => "health",
        /// Skyddad identitet (sekretessmarkering, skyddad folkbokföring).
        ProtectedIdentity => "protected_identity",
        /// Personnummer and samordningsnummer.
        SocialSecurityNumber => "social_security_number",
        /// Data about children.
        Children => "children",
        /// Other special categories (GDPR art. 9), e.g. ethnic origin, religion.
        OtherSpecialCategory => "other_special_category",
        /// Data on offences (GDPR art. 10).
        CriminalOffences => "criminal_offences",
    }
);

choice!(
    /// How a list of register entries is ordered.
    #[derive(Default)]
    SystemSort {
        /// By name.
        #[default]
        Name => "name",
        /// By designation.
        Designation => "designation",
        /// Most critical first.
        Criticality => "criticality",
        /// Most recently changed first.
        Updated => "updated",
    }
);

choice!(
    /// Something that happened to a register entry and calls for a new classification
    /// and risk analysis (seed 001 §5: at changes and procurements).
    SystemEventKind {
        /// The entry was added to the register.
        Added => "added",
        /// The system or its use changes.
        Change => "change",
        /// The system, or a part of it, is to be procured.
        Procurement => "procurement",
    }
);

/// Days the owner has to classify and risk-analyse an entry after an event.
pub const PROMPT_DUE_DAYS: i64 = 30;

choice!(
    /// How a list of information assets is ordered.
    #[derive(Default)]
    AssetSort {
        /// By name.
        #[default]
        Name => "name",
        /// Business-critical assets first, then by name.
        BusinessCritical => "business_critical",
        /// Most recently changed first.
        Updated => "updated",
    }
);

/// Formats a designation: the prefix and the number with at least four digits, `IS-0042`.
pub fn format_designation(prefix: &str, number: i64) -> String {
    format!("{prefix}-{number:04}")
}

/// Checks an organisation's designation prefix: 1–8 capital letters A–Z or digits.
pub fn parse_prefix(value: &str) -> Result<String, ValidationErrors> {
    let prefix = value.trim();
    let valid = !prefix.is_empty()
        && prefix.len() <= PREFIX_MAX
        && prefix
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if valid {
        Ok(prefix.to_owned())
    } else {
        Err(ValidationErrors::single("prefix", "invalid-prefix"))
    }
}

/// Whether the register needs confirming: never confirmed, or last confirmed more than
/// [`CONFIRMATION_INTERVAL_DAYS`] before `today`.
pub fn confirmation_overdue(last_confirmed: Option<NaiveDate>, today: NaiveDate) -> bool {
    match last_confirmed {
        None => true,
        Some(date) => (today - date).num_days() > CONFIRMATION_INTERVAL_DAYS,
    }
}

/// Parses a required choice, recording `required` or `invalid-choice` for `field`.
fn choice<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Option<T> {
    let value = value.trim();
    let parsed = parse(value);
    if parsed.is_none() {
        errors.add(
            field,
            if value.is_empty() {
                "required"
            } else {
                "invalid-choice"
            },
        );
    }
    parsed
}

/// An entry in the register of networks and information systems, as typed by the user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemInput {
    pub name: String,
    pub kind: String,
    pub functionality: String,
    pub essential_services: String,
    pub in_cyber_security_act_scope: bool,
    pub criticality: String,
    pub object_owner_id: Option<i64>,
    pub system_administrator_id: Option<i64>,
    /// Information owners (informationsägare); several are allowed.
    #[serde(default)]
    pub owner_ids: Vec<i64>,
    pub supplier: String,
    pub sub_suppliers: String,
    pub hosting: String,
    pub storage_country: String,
    pub acceptable_recovery_time_hours: Option<i64>,
}

/// A validated register entry, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SystemDraft {
    pub name: String,
    pub kind: SystemKind,
    pub functionality: String,
    pub essential_services: String,
    pub in_cyber_security_act_scope: bool,
    pub criticality: Criticality,
    pub object_owner_id: Option<i64>,
    pub system_administrator_id: Option<i64>,
    /// Sorted, without duplicates.
    pub owner_ids: Vec<i64>,
    pub supplier: String,
    pub sub_suppliers: String,
    pub hosting: Hosting,
    pub storage_country: String,
    pub acceptable_recovery_time_hours: Option<i64>,
}

impl SystemInput {
    pub fn validate(&self) -> Result<SystemDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = required_text(&mut errors, "name", &self.name, NAME_MAX);
        let kind = choice(&mut errors, "kind", &self.kind, SystemKind::parse);
        let functionality =
            optional_text(&mut errors, "functionality", &self.functionality, TEXT_MAX);
        let essential_services = optional_text(
            &mut errors,
            "essential_services",
            &self.essential_services,
            TEXT_MAX,
        );
        let criticality = choice(
            &mut errors,
            "criticality",
            &self.criticality,
            Criticality::parse,
        );
        let supplier = optional_text(&mut errors, "supplier", &self.supplier, SHORT_TEXT_MAX);
        let sub_suppliers =
            optional_text(&mut errors, "sub_suppliers", &self.sub_suppliers, TEXT_MAX);
        let hosting = choice(&mut errors, "hosting", &self.hosting, Hosting::parse);
        let storage_country = optional_text(
            &mut errors,
            "storage_country",
            &self.storage_country,
            SHORT_TEXT_MAX,
        );
        if self
            .acceptable_recovery_time_hours
            .is_some_and(|h| !(0..=RECOVERY_HOURS_MAX).contains(&h))
        {
            errors.add("acceptable_recovery_time_hours", "out-of-range");
        }
        let mut owner_ids = self.owner_ids.clone();
        owner_ids.sort_unstable();
        owner_ids.dedup();
        match (kind, criticality, hosting) {
            (Some(kind), Some(criticality), Some(hosting)) => errors.finish(SystemDraft {
                name,
                kind,
                functionality,
                essential_services,
                in_cyber_security_act_scope: self.in_cyber_security_act_scope,
                criticality,
                object_owner_id: self.object_owner_id,
                system_administrator_id: self.system_administrator_id,
                owner_ids,
                supplier,
                sub_suppliers,
                hosting,
                storage_country,
                acceptable_recovery_time_hours: self.acceptable_recovery_time_hours,
            }),
            _ => Err(errors),
        }
    }
}

/// An entry in the register of information assets, as typed by the user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssetInput {
    pub name: String,
    pub description: String,
    pub form: String,
    pub owner_id: Option<i64>,
    pub unit_id: Option<i64>,
    pub processes: String,
    pub contains_personal_data: bool,
    #[serde(default)]
    pub personal_data_categories: Vec<String>,
    pub business_critical: bool,
}

/// A validated information asset, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssetDraft {
    pub name: String,
    pub description: String,
    pub form: AssetForm,
    pub owner_id: i64,
    pub unit_id: Option<i64>,
    pub processes: String,
    pub contains_personal_data: bool,
    /// In the order of [`PersonalDataCategory::ALL`], without duplicates.
    pub personal_data_categories: Vec<PersonalDataCategory>,
    pub business_critical: bool,
}

impl AssetInput {
    pub fn validate(&self) -> Result<AssetDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = required_text(&mut errors, "name", &self.name, NAME_MAX);
        let description = optional_text(&mut errors, "description", &self.description, TEXT_MAX);
        let form = choice(&mut errors, "form", &self.form, AssetForm::parse);
        if self.owner_id.is_none() {
            errors.add("owner_id", "required");
        }
        let processes = optional_text(&mut errors, "processes", &self.processes, TEXT_MAX);
        let categories = self.categories(&mut errors);
        match (form, self.owner_id) {
            (Some(form), Some(owner_id)) => errors.finish(AssetDraft {
                name,
                description,
                form,
                owner_id,
                unit_id: self.unit_id,
                processes,
                contains_personal_data: self.contains_personal_data,
                personal_data_categories: categories,
                business_critical: self.business_critical,
            }),
            _ => Err(errors),
        }
    }

    /// Known categories in canonical order; categories without personal data are refused.
    fn categories(&self, errors: &mut ValidationErrors) -> Vec<PersonalDataCategory> {
        let parsed: Option<Vec<_>> = self
            .personal_data_categories
            .iter()
            .map(|c| PersonalDataCategory::parse(c.trim()))
            .collect();
        let Some(parsed) = parsed else {
            errors.add("personal_data_categories", "invalid-choice");
            return Vec::new();
        };
        if !parsed.is_empty() && !self.contains_personal_data {
            errors.add("personal_data_categories", "without-personal-data");
        }
        PersonalDataCategory::ALL
            .iter()
            .copied()
            .filter(|c| parsed.contains(c))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn system() -> SystemInput {
        SystemInput {
            name: " Journalsystem ".into(),
            kind: "information_system".into(),
            criticality: "critical".into(),
            hosting: "supplier".into(),
            owner_ids: vec![3, 1, 3],
            ..Default::default()
        }
    }

    fn asset() -> AssetInput {
        AssetInput {
            name: "Patientjournal".into(),
            form: "digital".into(),
            owner_id: Some(7),
            contains_personal_data: true,
            personal_data_categories: vec!["social_security_number".into(), "health".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_valid_system_is_trimmed_and_owners_deduplicated() {
        let draft = system().validate().unwrap();
        assert_eq!(draft.name, "Journalsystem");
        assert_eq!(draft.kind, SystemKind::InformationSystem);
        assert_eq!(draft.criticality, Criticality::Critical);
        assert_eq!(draft.hosting, Hosting::Supplier);
        assert_eq!(draft.owner_ids, vec![1, 3]);
    }

    #[test]
    fn every_bad_system_field_is_named() {
        let errors = SystemInput {
            name: " ".into(),
            kind: "mainframe".into(),
            criticality: String::new(),
            hosting: "basement".into(),
            acceptable_recovery_time_hours: Some(-1),
            ..Default::default()
        }
        .validate()
        .unwrap_err();
        let codes: Vec<_> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            codes,
            vec![
                ("name", "required"),
                ("kind", "invalid-choice"),
                ("criticality", "required"),
                ("hosting", "invalid-choice"),
                ("acceptable_recovery_time_hours", "out-of-range"),
            ]
        );
    }

    #[test]
    fn zero_recovery_time_is_allowed() {
        let mut input = system();
        input.acceptable_recovery_time_hours = Some(0);
        assert_eq!(
            input.validate().unwrap().acceptable_recovery_time_hours,
            Some(0)
        );
    }

    #[test]
    fn a_valid_asset_has_categories_in_canonical_order() {
        let draft = asset().validate().unwrap();
        assert_eq!(
            draft.personal_data_categories,
            vec![
                PersonalDataCategory::Health,
                PersonalDataCategory::SocialSecurityNumber
            ]
        );
        assert_eq!(draft.owner_id, 7);
    }

    #[test]
    fn asset_requires_owner_and_known_categories() {
        let mut input = asset();
        input.owner_id = None;
        input.form = "telepathic".into();
        input.personal_data_categories = vec!["shoe_size".into()];
        let errors = input.validate().unwrap_err();
        assert!(errors.has("owner_id"));
        assert!(errors.has("form"));
        assert!(errors.has("personal_data_categories"));
    }

    #[test]
    fn categories_need_personal_data() {
        let mut input = asset();
        input.contains_personal_data = false;
        let errors = input.validate().unwrap_err();
        assert_eq!(errors.0[0].code, "without-personal-data");
    }

    #[test]
    fn designations_and_prefixes() {
        assert_eq!(format_designation("IS", 42), "IS-0042");
        assert_eq!(format_designation("NW", 12345), "NW-12345");
        assert_eq!(parse_prefix(" SYS1 "), Ok("SYS1".into()));
        assert!(parse_prefix("is").is_err());
        assert!(parse_prefix("").is_err());
        assert!(parse_prefix("ABCDEFGHI").is_err());
    }

    #[test]
    fn confirmation_is_due_yearly() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert!(confirmation_overdue(None, day(2026, 1, 1)));
        assert!(!confirmation_overdue(
            Some(day(2025, 3, 1)),
            day(2026, 3, 1)
        ));
        assert!(confirmation_overdue(Some(day(2025, 3, 1)), day(2026, 3, 2)));
    }
}
