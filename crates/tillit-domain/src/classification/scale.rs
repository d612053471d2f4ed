//! The classification scale: the aspects an object is judged on and the 0–4 levels.

use std::borrow::Borrow;
use std::fmt;

use serde::{Deserialize, Serialize};

/// A consequence aspect (skyddsaspekt) on which an object is classified.
///
/// Serialised as its Swedish one-letter code, the form used in KLASSA ("K3 R2 T2").
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Aspect {
    /// Konfidentialitet: only those entitled can reach the information.
    #[serde(rename = "K")]
    Confidentiality,
    /// Riktighet: the information is current, complete, correct and understandable.
    #[serde(rename = "R")]
    Integrity,
    /// Tillgänglighet: the information can be reached when it is needed.
    #[serde(rename = "T")]
    Availability,
    /// Spårbarhet: who did what, and when, can be followed afterwards. Optional.
    #[serde(rename = "S")]
    Traceability,
}

impl Aspect {
    /// Every aspect, in the order KLASSA lists them.
    pub const ALL: [Aspect; 4] = [
        Aspect::Confidentiality,
        Aspect::Integrity,
        Aspect::Availability,
        Aspect::Traceability,
    ];

    /// The one-letter Swedish code: `K`, `R`, `T` or `S`.
    pub fn as_str(self) -> &'static str {
        match self {
            Aspect::Confidentiality => "K",
            Aspect::Integrity => "R",
            Aspect::Availability => "T",
            Aspect::Traceability => "S",
        }
    }

    /// Reads a one-letter code as written by [`Aspect::as_str`].
    pub fn parse(value: &str) -> Option<Aspect> {
        Aspect::ALL.into_iter().find(|a| a.as_str() == value)
    }

    /// Spårbarhet may be left out of a classification; the other three may not.
    pub fn is_optional(self) -> bool {
        self == Aspect::Traceability
    }

    /// Position in [`Aspect::ALL`], for tables indexed by aspect.
    pub(super) fn index(self) -> usize {
        match self {
            Aspect::Confidentiality => 0,
            Aspect::Integrity => 1,
            Aspect::Availability => 2,
            Aspect::Traceability => 3,
        }
    }
}

impl fmt::Display for Aspect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A classification level on KLASSA's scale: 0 Ingen eller försumbar, 1 Måttlig,
/// 2 Betydande, 3 Allvarlig, 4 Synnerligen allvarlig.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(try_from = "u8", into = "u8")]
pub struct Level(u8);

/// A number that is not a level on the 0–4 scale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("level {0} is outside the scale 0–4")]
pub struct LevelOutOfRange(pub u8);

impl Level {
    /// Level 0, Ingen eller försumbar.
    pub const MIN: Level = Level(0);
    /// Level 4, Synnerligen allvarlig.
    pub const MAX: Level = Level(4);
    /// Every level, lowest first.
    pub const ALL: [Level; 5] = [Level(0), Level(1), Level(2), Level(3), Level(4)];

    /// The level with this number, if it is on the 0–4 scale.
    pub fn new(value: u8) -> Option<Level> {
        (value <= Level::MAX.0).then_some(Level(value))
    }

    /// The level as a number, 0–4.
    pub fn get(self) -> u8 {
        self.0
    }

    /// Level 4 lies outside the requirement catalogue: it concerns Sweden's security and
    /// calls for a separate analysis of the protection needed.
    pub fn needs_protection_analysis(self) -> bool {
        self == Level::MAX
    }

    /// Position in [`Level::ALL`], for tables indexed by level.
    pub(super) fn index(self) -> usize {
        usize::from(self.0)
    }
}

impl TryFrom<u8> for Level {
    type Error = LevelOutOfRange;

    fn try_from(value: u8) -> Result<Self, Self::Error> {
        Level::new(value).ok_or(LevelOutOfRange(value))
    }
}

impl From<Level> for u8 {
    fn from(level: Level) -> u8 {
        level.0
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The levels of one classified object (an information asset, a system, a process or a
/// document). Spårbarhet is `None` when the object was not classified on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Levels {
    pub confidentiality: Level,
    pub integrity: Level,
    pub availability: Level,
    pub traceability: Option<Level>,
}

impl Levels {
    /// The levels of an object; `traceability` is `None` when Spårbarhet was left out.
    pub fn new(
        confidentiality: Level,
        integrity: Level,
        availability: Level,
        traceability: Option<Level>,
    ) -> Levels {
        Levels {
            confidentiality,
            integrity,
            availability,
            traceability,
        }
    }

    /// The level for `aspect`; `None` only for an unclassified Spårbarhet.
    pub fn get(&self, aspect: Aspect) -> Option<Level> {
        match aspect {
            Aspect::Confidentiality => Some(self.confidentiality),
            Aspect::Integrity => Some(self.integrity),
            Aspect::Availability => Some(self.availability),
            Aspect::Traceability => self.traceability,
        }
    }

    /// These levels with `aspect` set to `level`, e.g. a system's derived level raised
    /// by its owner.
    pub fn with(self, aspect: Aspect, level: Level) -> Levels {
        let mut levels = self;
        match aspect {
            Aspect::Confidentiality => levels.confidentiality = level,
            Aspect::Integrity => levels.integrity = level,
            Aspect::Availability => levels.availability = level,
            Aspect::Traceability => levels.traceability = Some(level),
        }
        levels
    }

    /// The level of a whole made of these parts, e.g. a system from the assets it holds:
    /// the highest level wins per aspect. Spårbarhet stays `None` only if no part has it.
    /// `None` when there are no parts.
    pub fn highest<I>(parts: I) -> Option<Levels>
    where
        I: IntoIterator,
        I::Item: Borrow<Levels>,
    {
        parts
            .into_iter()
            .map(|part| *part.borrow())
            .reduce(Levels::max_per_aspect)
    }

    /// True when any aspect is at level 4, which needs a separate protection analysis.
    pub fn needs_protection_analysis(&self) -> bool {
        Aspect::ALL
            .into_iter()
            .filter_map(|aspect| self.get(aspect))
            .any(Level::needs_protection_analysis)
    }

    fn max_per_aspect(self, other: Levels) -> Levels {
        Levels {
            confidentiality: self.confidentiality.max(other.confidentiality),
            integrity: self.integrity.max(other.integrity),
            availability: self.availability.max(other.availability),
            // `None` orders below every `Some`, so this keeps any classified level.
            traceability: self.traceability.max(other.traceability),
        }
    }
}

/// KLASSA's short form, e.g. `K3 R2 T2` or `K3 R2 T2 S1`.
impl fmt::Display for Levels {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut separator = "";
        for aspect in Aspect::ALL {
            if let Some(level) = self.get(aspect) {
                write!(f, "{separator}{aspect}{level}")?;
                separator = " ";
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn levels(k: u8, r: u8, t: u8, s: Option<u8>) -> Levels {
        let level = |n| Level::new(n).expect("test level on the scale");
        Levels::new(level(k), level(r), level(t), s.map(level))
    }

    #[test]
    fn aspect_codes_round_trip() {
        for aspect in Aspect::ALL {
            assert_eq!(Aspect::parse(aspect.as_str()), Some(aspect));
            assert_eq!(Aspect::ALL[aspect.index()], aspect);
        }
        assert_eq!(Aspect::parse("k"), None);
        assert_eq!(Aspect::parse("X"), None);
        assert!(Aspect::Traceability.is_optional());
        assert!(!Aspect::Availability.is_optional());
    }

    #[test]
    fn level_accepts_only_zero_to_four() {
        assert_eq!(Level::new(0), Some(Level::MIN));
        assert_eq!(Level::new(4), Some(Level::MAX));
        assert_eq!(Level::new(5), None);
        assert_eq!(Level::try_from(7), Err(LevelOutOfRange(7)));
        assert_eq!(u8::from(Level::MAX), 4);
        for (index, level) in Level::ALL.into_iter().enumerate() {
            assert_eq!(level.index(), index);
        }
    }

    #[test]
    fn levels_display_in_klassa_short_form() {
        assert_eq!(levels(3, 2, 1, None).to_string(), "K3 R2 T1");
        assert_eq!(levels(0, 0, 0, Some(4)).to_string(), "K0 R0 T0 S4");
    }

    #[test]
    fn levels_deserialise_only_on_the_scale() {
        let read = |text: &str| toml::from_str::<Levels>(text);
        assert_eq!(
            read("confidentiality = 3\nintegrity = 2\navailability = 1").ok(),
            Some(levels(3, 2, 1, None))
        );
        assert!(read("confidentiality = 5\nintegrity = 2\navailability = 1").is_err());
        assert_eq!(
            toml::from_str::<std::collections::BTreeMap<Aspect, Level>>("K = 2\nS = 0").ok(),
            Some(
                [
                    (Aspect::Confidentiality, Level(2)),
                    (Aspect::Traceability, Level::MIN)
                ]
                .into()
            )
        );
    }

    #[test]
    fn highest_takes_the_maximum_per_aspect() {
        let journal = levels(3, 2, 1, None);
        let lab = levels(2, 3, 2, Some(1));
        let booking = levels(1, 1, 3, None);
        assert_eq!(
            Levels::highest([journal, lab, booking]),
            Some(levels(3, 3, 3, Some(1)))
        );
        assert_eq!(Levels::highest([journal].iter()), Some(journal));
        assert_eq!(
            Levels::highest([journal, booking]).and_then(|l| l.traceability),
            None
        );
        assert_eq!(Levels::highest(Vec::<Levels>::new()), None);
    }

    #[test]
    fn with_sets_one_aspect() {
        let base = levels(1, 1, 1, None);
        assert_eq!(
            base.with(Aspect::Availability, Level::MAX),
            levels(1, 1, 4, None)
        );
        assert_eq!(
            base.with(Aspect::Traceability, Level::MIN),
            levels(1, 1, 1, Some(0))
        );
        assert_eq!(base.get(Aspect::Traceability), None);
    }

    #[test]
    fn level_four_anywhere_needs_a_protection_analysis() {
        assert!(!levels(3, 3, 3, Some(3)).needs_protection_analysis());
        assert!(levels(0, 4, 0, None).needs_protection_analysis());
        assert!(levels(0, 0, 0, Some(4)).needs_protection_analysis());
    }
}
