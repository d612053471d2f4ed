//! The organisation model: a care provider and its tree of administrations and units.

use serde::{Deserialize, Serialize};

use crate::validation::{optional_text, required_text, ValidationErrors};

pub const NAME_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 2000;

/// What kind of organisation this is; care and social care carry different duties.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrganisationKind {
    Region,
    Municipality,
    CareProvider,
    SocialCareProvider,
}

impl OrganisationKind {
    pub const ALL: [OrganisationKind; 4] = [
        OrganisationKind::Region,
        OrganisationKind::Municipality,
        OrganisationKind::CareProvider,
        OrganisationKind::SocialCareProvider,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            OrganisationKind::Region => "region",
            OrganisationKind::Municipality => "municipality",
            OrganisationKind::CareProvider => "care_provider",
            OrganisationKind::SocialCareProvider => "social_care_provider",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// A level in the organisation tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Nämnd or styrelse.
    Board,
    /// Förvaltning.
    Administration,
    /// Verksamhet, led by a verksamhetschef.
    Operation,
    /// Enhet.
    Unit,
}

impl UnitKind {
    pub const ALL: [UnitKind; 4] = [
        UnitKind::Board,
        UnitKind::Administration,
        UnitKind::Operation,
        UnitKind::Unit,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Board => "board",
            UnitKind::Administration => "administration",
            UnitKind::Operation => "operation",
            UnitKind::Unit => "unit",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.as_str() == value)
    }
}

/// A Swedish organisation number: ten digits, `NNNNNN-NNNN`, with a Luhn check digit.
/// Returns the number in that normalised form.
pub fn parse_org_number(value: &str) -> Option<String> {
    let digits: Vec<u32> = value
        .chars()
        .filter(|c| *c != '-' && *c != ' ')
        .map(|c| c.to_digit(10))
        .collect::<Option<_>>()?;
    if digits.len() != 10 || !luhn_valid(&digits) {
        return None;
    }
    let text: String = digits.iter().map(|d| char::from(b'0' + *d as u8)).collect();
    Some(format!("{}-{}", &text[..6], &text[6..]))
}

fn luhn_valid(digits: &[u32]) -> bool {
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = if i % 2 == 0 { d * 2 } else { *d };
            if v > 9 {
                v - 9
            } else {
                v
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The organisation's own details, as typed by an administrator.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationInput {
    pub name: String,
    pub kind: String,
    pub org_number: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationDraft {
    pub name: String,
    pub kind: OrganisationKind,
    pub org_number: String,
}

impl OrganisationInput {
    pub fn validate(&self) -> Result<OrganisationDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = required_text(&mut errors, "name", &self.name, NAME_MAX);
        let kind = OrganisationKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add("kind", "invalid-choice");
        }
        let org_number = parse_org_number(&self.org_number);
        if org_number.is_none() {
            errors.add(
                "org_number",
                if self.org_number.trim().is_empty() {
                    "required"
                } else {
                    "invalid-org-number"
                },
            );
        }
        match (kind, org_number) {
            (Some(kind), Some(org_number)) => errors.finish(OrganisationDraft {
                name,
                kind,
                org_number,
            }),
            _ => Err(errors),
        }
    }
}

/// Input for creating or editing an organisation unit, as typed by the user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitInput {
    pub name: String,
    pub kind: String,
    pub parent_id: Option<i64>,
    pub manager_id: Option<i64>,
    pub description: String,
}

/// A validated unit, ready to store.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitDraft {
    pub name: String,
    pub kind: UnitKind,
    pub parent_id: Option<i64>,
    pub manager_id: Option<i64>,
    pub description: String,
}

impl UnitInput {
    pub fn validate(&self) -> Result<UnitDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = required_text(&mut errors, "name", &self.name, NAME_MAX);
        let description = optional_text(
            &mut errors,
            "description",
            &self.description,
            DESCRIPTION_MAX,
        );
        let kind = UnitKind::parse(self.kind.trim());
        if kind.is_none() {
            errors.add(
                "kind",
                if self.kind.trim().is_empty() {
                    "required"
                } else {
                    "invalid-choice"
                },
            );
        }
        match kind {
            Some(kind) => errors.finish(UnitDraft {
                name,
                kind,
                parent_id: self.parent_id,
                manager_id: self.manager_id,
                description,
            }),
            None => Err(errors),
        }
    }
}

/// Input for a personuppgiftsansvarig (data controller) within the organisation.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ControllerInput {
    pub name: String,
    pub org_number: String,
    pub unit_id: Option<i64>,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ControllerDraft {
    pub name: String,
    pub org_number: String,
    pub unit_id: Option<i64>,
    pub description: String,
}

impl ControllerInput {
    pub fn validate(&self) -> Result<ControllerDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = required_text(&mut errors, "name", &self.name, NAME_MAX);
        let description = optional_text(
            &mut errors,
            "description",
            &self.description,
            DESCRIPTION_MAX,
        );
        let org_number = if self.org_number.trim().is_empty() {
            String::new()
        } else {
            parse_org_number(&self.org_number).unwrap_or_else(|| {
                errors.add("org_number", "invalid-org-number");
                String::new()
            })
        };
        errors.finish(ControllerDraft {
            name,
            org_number,
            unit_id: self.unit_id,
            description,
        })
    }
}

/// Whether making `new_parent` the parent of `unit` would put the unit below itself.
/// `new_parent_path` is the path from the new parent up to the root.
pub fn would_create_cycle(unit: i64, new_parent_path: &[i64]) -> bool {
    new_parent_path.contains(&unit)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_numbers_are_checked_and_normalised() {
        // 232100-0016 is a region-style number with a valid check digit.
        assert_eq!(parse_org_number("2321000016"), Some("232100-0016".into()));
        assert_eq!(parse_org_number("232100-0016"), Some("232100-0016".into()));
        assert_eq!(parse_org_number("232100-0017"), None);
        assert_eq!(parse_org_number("23210000"), None);
        assert_eq!(parse_org_number("abc"), None);
    }

    #[test]
    fn unit_input_names_every_bad_field() {
        let input = UnitInput {
            name: " ".into(),
            kind: "castle".into(),
            ..Default::default()
        };
        let errors = input.validate().unwrap_err();
        assert!(errors.has("name"));
        assert!(errors.has("kind"));
        let ok = UnitInput {
            name: " Akutkliniken ".into(),
            kind: "operation".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate().unwrap().name, "Akutkliniken");
    }

    #[test]
    fn controller_org_number_is_optional_but_must_be_valid() {
        let mut input = ControllerInput {
            name: "Hälso- och sjukvårdsnämnden".into(),
            ..Default::default()
        };
        assert!(input.validate().is_ok());
        input.org_number = "123".into();
        assert!(input.validate().unwrap_err().has("org_number"));
    }

    #[test]
    fn organisation_input_checks_kind_and_number() {
        let ok = OrganisationInput {
            name: "Region Sörmark".into(),
            kind: "region".into(),
            org_number: "2321000016".into(),
        };
        assert_eq!(ok.validate().unwrap().org_number, "232100-0016");
        let bad = OrganisationInput {
            name: "".into(),
            kind: "kingdom".into(),
            org_number: "1".into(),
        };
        let errors = bad.validate().unwrap_err();
        assert!(errors.has("name") && errors.has("kind") && errors.has("org_number"));
    }

    #[test]
    fn cycles_are_detected() {
        assert!(would_create_cycle(3, &[5, 3, 1]));
        assert!(!would_create_cycle(3, &[5, 4, 1]));
    }
}
