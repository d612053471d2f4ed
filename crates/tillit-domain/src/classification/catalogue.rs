//! The loaded classification content and the requirement set it yields for an object.

use super::error::{ContentError, ContentFile};
use super::model::{AspectDefinition, LevelDefinition, Question, Requirement};
use super::raw::{RawCatalogueFile, RawLevelsFile, RawQuestionsFile};
use super::scale::{Aspect, Level, Levels};
use super::validate::{self, Report};

/// The classification model and requirement catalogue from `content/`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalogue {
    aspects: [AspectDefinition; 4],
    levels: [LevelDefinition; 5],
    questions: Vec<Question>,
    requirements: Vec<Requirement>,
}

const LEVELS_TOML: &str = include_str!("../../../../content/classification/levels.toml");
const QUESTIONS_TOML: &str = include_str!("../../../../content/classification/questions.toml");
const CATALOGUE_TOML: &str = include_str!("../../../../content/requirements/catalogue.toml");

impl Catalogue {
    /// The content shipped in `content/`, compiled into the binary.
    pub fn builtin() -> Result<Catalogue, ContentError> {
        Catalogue::from_toml(LEVELS_TOML, QUESTIONS_TOML, CATALOGUE_TOML)
    }

    /// Reads and validates the three content files: `levels.toml`, `questions.toml`
    /// and `catalogue.toml`. On failure the error lists every problem in all three
    /// files, each with the item it concerns.
    pub fn from_toml(
        levels_toml: &str,
        questions_toml: &str,
        catalogue_toml: &str,
    ) -> Result<Catalogue, ContentError> {
        let mut problems = Vec::new();

        let mut report = Report::new(ContentFile::Levels, &mut problems);
        let scale = report
            .parse::<RawLevelsFile>(levels_toml)
            .and_then(|raw| validate::scale(raw, &mut report));

        let mut report = Report::new(ContentFile::Questions, &mut problems);
        let questions = report
            .parse::<RawQuestionsFile>(questions_toml)
            .map(|raw| validate::questions(raw, &mut report));

        let mut report = Report::new(ContentFile::Catalogue, &mut problems);
        let requirements = report
            .parse::<RawCatalogueFile>(catalogue_toml)
            .map(|raw| validate::requirements(raw, &mut report));

        match (scale, questions, requirements) {
            (Some((aspects, levels)), Some(questions), Some(requirements))
                if problems.is_empty() =>
            {
                Ok(Catalogue {
                    aspects,
                    levels,
                    questions,
                    requirements,
                })
            }
            _ => Err(ContentError { problems }),
        }
    }

    /// The definition and consequence descriptions of `aspect`.
    pub fn aspect(&self, aspect: Aspect) -> &AspectDefinition {
        &self.aspects[aspect.index()]
    }

    /// The name and meaning of `level`.
    pub fn level(&self, level: Level) -> &LevelDefinition {
        &self.levels[level.index()]
    }

    /// The guiding questions for `aspect`, in file order.
    pub fn questions(&self, aspect: Aspect) -> impl Iterator<Item = &Question> {
        self.questions.iter().filter(move |q| q.aspect == aspect)
    }

    /// Every requirement, in file order.
    pub fn requirements(&self) -> &[Requirement] {
        &self.requirements
    }

    /// The requirement with this id.
    pub fn requirement(&self, id: &str) -> Option<&Requirement> {
        self.requirements.iter().find(|r| r.id == id)
    }

    /// The requirements an object with these levels must meet, in file order.
    pub fn requirements_for(&self, levels: &Levels) -> Vec<&Requirement> {
        self.requirements
            .iter()
            .filter(|requirement| requirement.applies_to(levels))
            .collect()
    }
}
