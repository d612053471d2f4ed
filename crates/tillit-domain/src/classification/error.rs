//! What can be wrong with the classification content, reported item by item.

use std::fmt;

/// The content file a problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentFile {
    /// `content/classification/levels.toml`: aspects, levels and consequences.
    Levels,
    /// `content/classification/questions.toml`: guiding questions.
    Questions,
    /// `content/requirements/catalogue.toml`: the requirement catalogue.
    Catalogue,
}

impl ContentFile {
    /// The file's name, as a reviewer knows it.
    pub fn as_str(self) -> &'static str {
        match self {
            ContentFile::Levels => "levels.toml",
            ContentFile::Questions => "questions.toml",
            ContentFile::Catalogue => "catalogue.toml",
        }
    }
}

impl fmt::Display for ContentFile {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One thing wrong with one item.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Issue {
    #[error("the file cannot be read: {0}")]
    Syntax(String),
    #[error("`{0}` is missing")]
    Missing(&'static str),
    #[error("`{0}` is empty")]
    EmptyText(String),
    #[error("id `{id}` must look like `{prefix}-ABC-01` (aspect, area, two-digit number)")]
    MalformedId { id: String, prefix: &'static str },
    #[error("id `{0}` is used more than once")]
    DuplicateId(String),
    #[error("unknown aspect `{0}` (expected K, R, T or S)")]
    UnknownAspect(String),
    #[error("aspect {0} is defined more than once")]
    DuplicateAspect(&'static str),
    #[error("aspect {0} is not defined")]
    MissingAspect(&'static str),
    #[error("`{field}` = {value} is outside the scale 0–4")]
    LevelOutOfRange { field: &'static str, value: i64 },
    #[error("level {0} appears more than once")]
    DuplicateLevel(u8),
    #[error("level {0} is not defined")]
    MissingLevel(u8),
    #[error("no consequence is described for level {0}")]
    MissingConsequence(u8),
    #[error("level {0} must explain the separate protection analysis in `protection_analysis`")]
    MissingProtectionAnalysis(u8),
    #[error("level {0} does not need a protection analysis; remove `protection_analysis`")]
    UnexpectedProtectionAnalysis(u8),
    #[error("no source is cited")]
    NoSource,
    #[error("a source is blank")]
    BlankSource,
    #[error("unknown category `{0}` (expected organisational, personnel, physical or technical)")]
    UnknownCategory(String),
    #[error("no ISO/IEC 27002:2022 control is referenced")]
    NoControl,
    #[error("`{0}` is not an ISO/IEC 27002:2022 control (5.1–5.37, 6.1–6.8, 7.1–7.14, 8.1–8.34)")]
    UnknownControl(String),
    #[error("`{field}` must start with \"{prefix}\"")]
    ProcurementPhrasing {
        field: &'static str,
        prefix: &'static str,
    },
    #[error("a question needs at least two answer options")]
    TooFewOptions,
    #[error("aspect {0} has no guiding question")]
    NoQuestions(&'static str),
}

/// A problem found in the content: where, which item, and what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub file: ContentFile,
    /// The item's id or name (`K-ACC-01`, `aspect K`, `level 3`); `None` for the file.
    pub item: Option<String>,
    pub issue: Issue,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.item {
            Some(item) => write!(f, "{}: {item}: {}", self.file, self.issue),
            None => write!(f, "{}: {}", self.file, self.issue),
        }
    }
}

/// The classification content is invalid; `problems` lists every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the classification content has {} problem(s):\n{}", .problems.len(), one_per_line(.problems))]
pub struct ContentError {
    pub problems: Vec<Problem>,
}

impl ContentError {
    /// The problems reported for the item named `item`.
    pub fn for_item<'a>(&'a self, item: &'a str) -> impl Iterator<Item = &'a Issue> + 'a {
        self.problems
            .iter()
            .filter(move |problem| problem.item.as_deref() == Some(item))
            .map(|problem| &problem.issue)
    }
}

fn one_per_line(problems: &[Problem]) -> String {
    problems
        .iter()
        .map(|problem| format!("  {problem}"))
        .collect::<Vec<_>>()
        .join("\n")
}
