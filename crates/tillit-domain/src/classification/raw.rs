//! The content files exactly as written, before validation.
//!
//! Scalars a reviewer might get wrong are read loosely (levels as any integer, aspects
//! and categories as any string, missing keys as `None` or empty) so that validation can
//! name the item and the problem instead of stopping at the first type error. Unknown
//! keys are refused, so a misspelt key is never silently ignored.

use serde::Deserialize;

/// A Swedish and English text pair, `name.sv = "…"` and `name.en = "…"`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawText {
    #[serde(default)]
    pub sv: String,
    #[serde(default)]
    pub en: String,
}

/// `levels.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLevelsFile {
    #[serde(default)]
    pub aspect: Vec<RawAspect>,
    #[serde(default)]
    pub level: Vec<RawLevel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAspect {
    pub code: Option<String>,
    #[serde(default)]
    pub name: RawText,
    #[serde(default)]
    pub definition: RawText,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub consequence: Vec<RawConsequence>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawConsequence {
    pub level: Option<i64>,
    #[serde(default)]
    pub text: RawText,
    #[serde(default)]
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLevel {
    pub value: Option<i64>,
    #[serde(default)]
    pub name: RawText,
    #[serde(default)]
    pub description: RawText,
    pub protection_analysis: Option<RawText>,
    #[serde(default)]
    pub sources: Vec<String>,
}

/// `questions.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestionsFile {
    #[serde(default)]
    pub question: Vec<RawQuestion>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawQuestion {
    pub id: Option<String>,
    pub aspect: Option<String>,
    #[serde(default)]
    pub text: RawText,
    #[serde(default)]
    pub sources: Vec<String>,
    #[serde(default)]
    pub option: Vec<RawOption>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOption {
    pub level: Option<i64>,
    #[serde(default)]
    pub text: RawText,
}

/// `catalogue.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCatalogueFile {
    #[serde(default)]
    pub requirement: Vec<RawRequirement>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRequirement {
    pub id: Option<String>,
    pub aspect: Option<String>,
    pub min_level: Option<i64>,
    pub category: Option<String>,
    #[serde(default)]
    pub title: RawText,
    #[serde(default)]
    pub description: RawText,
    #[serde(default)]
    pub procurement: RawText,
    #[serde(default)]
    pub iso27002: Vec<String>,
    #[serde(default)]
    pub sources: Vec<String>,
}
