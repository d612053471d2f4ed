//! Requirements an organisation adds to the built-in catalogue.

use serde::{Deserialize, Serialize};

use super::catalogue::Catalogue;
use super::model::{Category, IsoControl, Requirement, Text};
use super::scale::{Aspect, Level};
use crate::validation::{optional_text, required_text, ValidationErrors};

pub const CODE_MAX: usize = 20;
pub const TITLE_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;

/// An organisation's own requirement as typed by the user. Written in one language,
/// which is shown whatever the reader's language.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OwnRequirementInput {
    /// E.g. `ORG-K-01`; letters, digits and hyphens.
    pub code: String,
    /// K, R, T or S.
    pub aspect: String,
    pub min_level: Option<i64>,
    pub category: String,
    pub title: String,
    pub description: String,
    /// The requirement phrased for a tender (SKA-krav).
    #[serde(default)]
    pub procurement: String,
    /// ISO/IEC 27002:2022 controls, separated by commas or spaces.
    #[serde(default)]
    pub iso27002: String,
    /// One source per line.
    #[serde(default)]
    pub sources: String,
}

impl OwnRequirementInput {
    /// Checks the input; the code must not be one of the built-in catalogue's.
    pub fn validate(&self, catalogue: &Catalogue) -> Result<Requirement, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let code = required_text(&mut errors, "code", &self.code, CODE_MAX).to_uppercase();
        if !code.is_empty()
            && !code
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-')
        {
            errors.add("code", "invalid-code");
        } else if catalogue.requirement(&code).is_some() {
            errors.add("code", "taken");
        }
        let aspect = Aspect::parse(self.aspect.trim());
        if aspect.is_none() {
            errors.add("aspect", "invalid-choice");
        }
        let min_level = match self.min_level {
            None => {
                errors.add("min_level", "required");
                None
            }
            Some(value) => {
                let level = u8::try_from(value)
                    .ok()
                    .and_then(Level::new)
                    .filter(|level| *level > Level::MIN);
                if level.is_none() {
                    errors.add("min_level", "level-range-trigger");
                }
                level
            }
        };
        let category = Category::parse(self.category.trim());
        if category.is_none() {
            errors.add("category", "invalid-choice");
        }
        let title = required_text(&mut errors, "title", &self.title, TITLE_MAX);
        let description = required_text(&mut errors, "description", &self.description, TEXT_MAX);
        let procurement = optional_text(&mut errors, "procurement", &self.procurement, TEXT_MAX);
        let iso27002 = self.controls(&mut errors);
        let sources = optional_text(&mut errors, "sources", &self.sources, TEXT_MAX)
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty())
            .map(str::to_owned)
            .collect();
        match (aspect, min_level, category) {
            (Some(aspect), Some(min_level), Some(category)) => errors.finish(Requirement {
                id: code,
                aspect,
                min_level,
                category,
                title: same_in_both(title),
                description: same_in_both(description),
                procurement: same_in_both(procurement),
                iso27002,
                sources,
            }),
            _ => Err(errors),
        }
    }

    fn controls(&self, errors: &mut ValidationErrors) -> Vec<IsoControl> {
        let parsed: Option<Vec<IsoControl>> = self
            .iso27002
            .split(|c: char| c == ',' || c.is_whitespace())
            .filter(|part| !part.is_empty())
            .map(IsoControl::parse)
            .collect();
        match parsed {
            Some(mut controls) => {
                controls.sort_unstable();
                controls.dedup();
                controls
            }
            None => {
                errors.add("iso27002", "invalid-iso-control");
                Vec::new()
            }
        }
    }
}

fn same_in_both(text: String) -> Text {
    Text {
        sv: text.clone(),
        en: text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LEVELS: &str = include_str!("../../../../content/classification/levels.toml");
    const QUESTIONS: &str = include_str!("../../../../content/classification/questions.toml");
    const CATALOGUE: &str = include_str!("../../../../content/requirements/catalogue.toml");

    fn catalogue() -> Catalogue {
        Catalogue::from_toml(LEVELS, QUESTIONS, CATALOGUE).expect("content")
    }

    fn valid() -> OwnRequirementInput {
        OwnRequirementInput {
            code: "org-k-01".into(),
            aspect: "K".into(),
            min_level: Some(2),
            category: "technical".into(),
            title: "Skärmlås efter fem minuter".into(),
            description: "Arbetsstationer i vården låses efter fem minuters inaktivitet.".into(),
            procurement: "Leverantören ska stödja central styrning av skärmlås.".into(),
            iso27002: "8.1, 5.15 8.1".into(),
            sources: "Regionens riktlinje för arbetsstationer\n\nHSLF-FS 2016:40 3 kap.".into(),
        }
    }

    #[test]
    fn an_own_requirement_validates_into_a_catalogue_requirement() {
        let requirement = valid().validate(&catalogue()).expect("valid");
        assert_eq!(requirement.id, "ORG-K-01");
        assert_eq!(requirement.min_level, Level::new(2).expect("level"));
        assert_eq!(
            requirement
                .iso27002
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>(),
            ["5.15", "8.1"]
        );
        assert_eq!(requirement.sources.len(), 2);
        assert_eq!(requirement.title.sv, requirement.title.en);
    }

    #[test]
    fn bad_fields_are_named() {
        let taken = catalogue().requirements()[0].id.clone();
        let bad = OwnRequirementInput {
            code: taken,
            aspect: "X".into(),
            min_level: Some(0),
            category: "legal".into(),
            title: String::new(),
            description: "x".into(),
            iso27002: "9.1".into(),
            ..OwnRequirementInput::default()
        };
        let errors = bad.validate(&catalogue()).expect_err("invalid");
        let fields: Vec<_> = errors
            .0
            .iter()
            .map(|e| (e.field.as_str(), e.code))
            .collect();
        assert_eq!(
            fields,
            [
                ("code", "taken"),
                ("aspect", "invalid-choice"),
                ("min_level", "level-range-trigger"),
                ("category", "invalid-choice"),
                ("title", "required"),
                ("iso27002", "invalid-iso-control"),
            ]
        );
        let odd = OwnRequirementInput {
            code: "KRAV 1".into(),
            ..valid()
        };
        let errors = odd.validate(&catalogue()).expect_err("code");
        assert!(errors.has("code"));
    }
}
