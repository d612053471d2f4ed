//! The validated content: aspect and level definitions, guiding questions and
//! protection requirements. Built only by [`super::Catalogue::from_toml`].

use std::fmt;

use serde::{Deserialize, Serialize, Serializer};

use super::scale::{Aspect, Level, Levels};
use crate::users::Language;

/// A text in Swedish (shown first) and English.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub sv: String,
    pub en: String,
}

impl Text {
    /// The text in `language`.
    pub fn in_language(&self, language: Language) -> &str {
        match language {
            Language::Sv => &self.sv,
            Language::En => &self.en,
        }
    }
}

/// What an aspect means and what a loss of it does at each level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AspectDefinition {
    pub aspect: Aspect,
    pub name: Text,
    pub definition: Text,
    /// One per level, lowest first; see [`AspectDefinition::consequence`].
    pub consequences: [Consequence; 5],
    pub sources: Vec<String>,
}

impl AspectDefinition {
    /// What a loss of this aspect at `level` means for care.
    pub fn consequence(&self, level: Level) -> &Consequence {
        &self.consequences[level.index()]
    }
}

/// The consequence description for one aspect at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Consequence {
    pub level: Level,
    pub text: Text,
    pub sources: Vec<String>,
}

/// The name and general meaning of one level of the scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct LevelDefinition {
    pub level: Level,
    pub name: Text,
    pub description: Text,
    /// What to do instead of the catalogue; present exactly on the levels for which
    /// [`Level::needs_protection_analysis`] holds.
    pub protection_analysis: Option<Text>,
    pub sources: Vec<String>,
}

/// A guiding question that helps an information owner pick a level for one aspect.
/// Each answer option points at a level; the highest answer is the suggestion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Question {
    pub id: String,
    pub aspect: Aspect,
    pub text: Text,
    /// At least two, ordered by level.
    pub options: Vec<AnswerOption>,
    pub sources: Vec<String>,
}

/// One answer to a guiding question and the level it suggests.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AnswerOption {
    pub level: Level,
    pub text: Text,
}

/// The kind of security measure, as in ISO/IEC 27002:2022's four themes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Organisatorisk: policies, routines, roles, agreements.
    Organisational,
    /// Personrelaterad: screening, awareness, training.
    Personnel,
    /// Fysisk: premises, entry, equipment.
    Physical,
    /// Teknisk: access control, logging, backup, encryption.
    Technical,
}

impl Category {
    /// Every category, in ISO/IEC 27002:2022's order of themes.
    pub const ALL: [Category; 4] = [
        Category::Organisational,
        Category::Personnel,
        Category::Physical,
        Category::Technical,
    ];

    /// The code used in `catalogue.toml` and the API.
    pub fn as_str(self) -> &'static str {
        match self {
            Category::Organisational => "organisational",
            Category::Personnel => "personnel",
            Category::Physical => "physical",
            Category::Technical => "technical",
        }
    }

    /// Reads a code as written by [`Category::as_str`].
    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// A control of ISO/IEC 27002:2022, e.g. `5.15` (access control).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IsoControl {
    theme: u8,
    number: u8,
}

impl IsoControl {
    /// Reads `theme.number`, accepting only controls that exist in the 2022 edition.
    pub fn parse(value: &str) -> Option<IsoControl> {
        let (theme, number) = value.split_once('.')?;
        let (theme, number) = (small_number(theme)?, small_number(number)?);
        let controls_in_theme = match theme {
            5 => 37,
            6 => 8,
            7 => 14,
            8 => 34,
            _ => return None,
        };
        (1..=controls_in_theme)
            .contains(&number)
            .then_some(IsoControl { theme, number })
    }
}

/// A one- or two-digit decimal number, written without sign or leading zero.
fn small_number(digits: &str) -> Option<u8> {
    let plain = (1..=2).contains(&digits.len())
        && !digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit());
    plain.then(|| digits.parse().ok()).flatten()
}

impl fmt::Display for IsoControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.theme, self.number)
    }
}

impl Serialize for IsoControl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

/// A protection requirement (skyddskrav) that a classification can trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Requirement {
    /// Stable id: aspect, area, number, e.g. `K-ACC-01`.
    pub id: String,
    /// The aspect whose level triggers the requirement.
    pub aspect: Aspect,
    /// The lowest level of `aspect` at which the requirement applies.
    pub min_level: Level,
    pub category: Category,
    pub title: Text,
    /// The requirement as the organisation meets it.
    pub description: Text,
    /// The same requirement phrased for a tender (SKA-krav): "Leverantören ska …".
    pub procurement: Text,
    pub iso27002: Vec<IsoControl>,
    /// Laws, regulations and method documents the requirement rests on.
    pub sources: Vec<String>,
}

impl Requirement {
    /// True when an object with these levels must meet this requirement: its level for
    /// the requirement's aspect is at least `min_level`.
    pub fn applies_to(&self, levels: &Levels) -> bool {
        levels
            .get(self.aspect)
            .is_some_and(|level| level >= self.min_level)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_controls_of_the_2022_edition_parse() {
        for valid in ["5.1", "5.15", "5.37", "6.8", "7.14", "8.1", "8.34"] {
            let control = IsoControl::parse(valid);
            assert_eq!(control.map(|c| c.to_string()).as_deref(), Some(valid));
        }
        for invalid in [
            "5.38", "6.9", "7.0", "8.35", "9.1", "4.1", "A.9", "5", "5.", "+5.1", "5.+1", "5.001",
            "05.1", "",
        ] {
            assert_eq!(IsoControl::parse(invalid), None, "{invalid}");
        }
    }

    #[test]
    fn categories_round_trip() {
        for category in Category::ALL {
            assert_eq!(Category::parse(category.as_str()), Some(category));
        }
        assert_eq!(Category::parse("administrative"), None);
    }
}
