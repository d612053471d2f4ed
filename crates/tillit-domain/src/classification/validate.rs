//! Turns the raw content files into validated content, reporting every problem found
//! with the item it belongs to. Every check of an item runs even after one has failed,
//! so a reviewer sees all that is wrong at once.

use std::collections::HashSet;

use serde::de::DeserializeOwned;

use super::error::{ContentFile, Issue, Problem};
use super::model::{
    AnswerOption, AspectDefinition, Category, Consequence, IsoControl, LevelDefinition, Question,
    Requirement, Text,
};
use super::raw::{
    RawAspect, RawCatalogueFile, RawConsequence, RawLevel, RawLevelsFile, RawOption, RawQuestion,
    RawQuestionsFile, RawRequirement, RawText,
};
use super::scale::{Aspect, Level};

/// Every procurement text starts like this, so a tender reads as a list of SKA-krav.
const SKA_PREFIX_SV: &str = "Leverantören ska";
const SKA_PREFIX_EN: &str = "The supplier shall";

/// The aspects and levels of the scale, each table complete and in order.
pub(super) type Scale = ([AspectDefinition; 4], [LevelDefinition; 5]);

/// Collects the problems found in one file.
pub(super) struct Report<'a> {
    file: ContentFile,
    problems: &'a mut Vec<Problem>,
}

impl<'a> Report<'a> {
    pub(super) fn new(file: ContentFile, problems: &'a mut Vec<Problem>) -> Report<'a> {
        Report { file, problems }
    }

    /// Parses the file's TOML; a file that cannot be read is one problem.
    pub(super) fn parse<T: DeserializeOwned>(&mut self, text: &str) -> Option<T> {
        toml::from_str(text)
            .map_err(|error| self.add_to_file(Issue::Syntax(error.to_string())))
            .ok()
    }

    fn add(&mut self, item: &str, issue: Issue) {
        self.problems.push(Problem {
            file: self.file,
            item: Some(item.to_owned()),
            issue,
        });
    }

    fn add_to_file(&mut self, issue: Issue) {
        self.problems.push(Problem {
            file: self.file,
            item: None,
            issue,
        });
    }

    /// Both languages present and not blank.
    fn text(&mut self, item: &str, field: &str, raw: RawText) -> Option<Text> {
        let sv = self.non_blank(item, field, "sv", raw.sv);
        let en = self.non_blank(item, field, "en", raw.en);
        Some(Text { sv: sv?, en: en? })
    }

    fn non_blank(&mut self, item: &str, field: &str, lang: &str, value: String) -> Option<String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.add(item, Issue::EmptyText(format!("{field}.{lang}")));
            return None;
        }
        Some(trimmed.to_owned())
    }

    /// True when `value` starts with `prefix`; reports it otherwise.
    fn starts_with(
        &mut self,
        item: &str,
        field: &'static str,
        value: &str,
        prefix: &'static str,
    ) -> bool {
        let phrased = value.starts_with(prefix);
        if !phrased {
            self.add(item, Issue::ProcurementPhrasing { field, prefix });
        }
        phrased
    }

    /// At least one source, none blank.
    fn sources(&mut self, item: &str, raw: Vec<String>) -> Option<Vec<String>> {
        if raw.is_empty() {
            self.add(item, Issue::NoSource);
            return None;
        }
        if raw.iter().any(|source| source.trim().is_empty()) {
            self.add(item, Issue::BlankSource);
            return None;
        }
        Some(
            raw.into_iter()
                .map(|source| source.trim().to_owned())
                .collect(),
        )
    }

    fn level(&mut self, item: &str, field: &'static str, raw: Option<i64>) -> Option<Level> {
        let Some(value) = raw else {
            self.add(item, Issue::Missing(field));
            return None;
        };
        let level = u8::try_from(value).ok().and_then(Level::new);
        if level.is_none() {
            self.add(item, Issue::LevelOutOfRange { field, value });
        }
        level
    }

    fn aspect(&mut self, item: &str, field: &'static str, raw: Option<&str>) -> Option<Aspect> {
        let Some(code) = raw else {
            self.add(item, Issue::Missing(field));
            return None;
        };
        let aspect = Aspect::parse(code.trim());
        if aspect.is_none() {
            self.add(item, Issue::UnknownAspect(code.to_owned()));
        }
        aspect
    }

    /// Present, unique within the file, and shaped `<aspect>-<AREA>-<NN>`.
    fn id(
        &mut self,
        item: &str,
        raw: Option<&str>,
        aspect: Option<Aspect>,
        seen: &mut HashSet<String>,
    ) -> Option<String> {
        let Some(id) = raw.map(str::trim).filter(|id| !id.is_empty()) else {
            self.add(item, Issue::Missing("id"));
            return None;
        };
        if !seen.insert(id.to_owned()) {
            self.add(item, Issue::DuplicateId(id.to_owned()));
            return None;
        }
        let aspect = aspect?;
        if !is_well_formed_id(id, aspect) {
            let prefix = aspect.as_str();
            self.add(
                item,
                Issue::MalformedId {
                    id: id.to_owned(),
                    prefix,
                },
            );
            return None;
        }
        Some(id.to_owned())
    }
}

/// `K-ACC-01`: the aspect's code, an area of upper-case letters, a two-digit number.
fn is_well_formed_id(id: &str, aspect: Aspect) -> bool {
    let mut parts = id.split('-');
    let (Some(code), Some(area), Some(number), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    code == aspect.as_str()
        && !area.is_empty()
        && area.bytes().all(|b| b.is_ascii_uppercase())
        && number.len() == 2
        && number.bytes().all(|b| b.is_ascii_digit())
}

/// How a problem names an item: its id, or its position when it has none.
fn item_name(kind: &str, position: usize, id: Option<&str>) -> String {
    match id.map(str::trim).filter(|id| !id.is_empty()) {
        Some(id) => id.to_owned(),
        None => format!("{kind} #{}", position + 1),
    }
}

/// One slot per aspect or level, so that repeated and missing entries show.
struct Table<T, const N: usize> {
    claimed: [bool; N],
    entries: [Option<T>; N],
}

impl<T, const N: usize> Table<T, N> {
    fn new() -> Table<T, N> {
        Table {
            claimed: [false; N],
            entries: std::array::from_fn(|_| None),
        }
    }

    /// Claims slot `index`; false when an earlier entry already claimed it.
    fn claim(&mut self, index: usize) -> bool {
        !std::mem::replace(&mut self.claimed[index], true)
    }

    fn put(&mut self, index: usize, entry: Option<T>) {
        self.entries[index] = entry;
    }

    /// The slots no entry has claimed.
    fn unclaimed(&self) -> Vec<usize> {
        (0..N).filter(|&index| !self.claimed[index]).collect()
    }

    /// Every slot filled with a valid entry, or `None`.
    fn complete(self) -> Option<[T; N]> {
        let entries: Option<Vec<T>> = self.entries.into_iter().collect();
        entries?.try_into().ok()
    }
}

/// `levels.toml`: every aspect with a consequence per level, and every level.
pub(super) fn scale(raw: RawLevelsFile, report: &mut Report<'_>) -> Option<Scale> {
    let aspects = aspects(raw.aspect, report);
    let levels = levels(raw.level, report);
    Some((aspects?, levels?))
}

fn aspects(raw: Vec<RawAspect>, report: &mut Report<'_>) -> Option<[AspectDefinition; 4]> {
    let mut table = Table::<AspectDefinition, 4>::new();
    for (position, raw) in raw.into_iter().enumerate() {
        let item = match raw.code.as_deref() {
            Some(code) => format!("aspect {code}"),
            None => format!("aspect #{}", position + 1),
        };
        let Some(aspect) = report.aspect(&item, "code", raw.code.as_deref()) else {
            continue;
        };
        if !table.claim(aspect.index()) {
            report.add(&item, Issue::DuplicateAspect(aspect.as_str()));
            continue;
        }
        table.put(
            aspect.index(),
            aspect_definition(aspect, &item, raw, report),
        );
    }
    for index in table.unclaimed() {
        report.add_to_file(Issue::MissingAspect(Aspect::ALL[index].as_str()));
    }
    table.complete()
}

fn aspect_definition(
    aspect: Aspect,
    item: &str,
    raw: RawAspect,
    report: &mut Report<'_>,
) -> Option<AspectDefinition> {
    let name = report.text(item, "name", raw.name);
    let definition = report.text(item, "definition", raw.definition);
    let sources = report.sources(item, raw.sources);
    let consequences = consequences(item, raw.consequence, report);
    Some(AspectDefinition {
        aspect,
        name: name?,
        definition: definition?,
        consequences: consequences?,
        sources: sources?,
    })
}

fn consequences(
    aspect_item: &str,
    raw: Vec<RawConsequence>,
    report: &mut Report<'_>,
) -> Option<[Consequence; 5]> {
    let mut table = Table::<Consequence, 5>::new();
    for (position, raw) in raw.into_iter().enumerate() {
        let positional = format!("{aspect_item}, consequence #{}", position + 1);
        let level = report.level(&positional, "level", raw.level);
        let item = match level {
            Some(level) => format!("{aspect_item}, level {level}"),
            None => positional,
        };
        let text = report.text(&item, "text", raw.text);
        let sources = report.sources(&item, raw.sources);
        let Some(level) = level else { continue };
        if !table.claim(level.index()) {
            report.add(aspect_item, Issue::DuplicateLevel(level.get()));
            continue;
        }
        let consequence = text.zip(sources).map(|(text, sources)| Consequence {
            level,
            text,
            sources,
        });
        table.put(level.index(), consequence);
    }
    for index in table.unclaimed() {
        report.add(
            aspect_item,
            Issue::MissingConsequence(Level::ALL[index].get()),
        );
    }
    table.complete()
}

fn levels(raw: Vec<RawLevel>, report: &mut Report<'_>) -> Option<[LevelDefinition; 5]> {
    let mut table = Table::<LevelDefinition, 5>::new();
    for (position, raw) in raw.into_iter().enumerate() {
        let positional = format!("level #{}", position + 1);
        let level = report.level(&positional, "value", raw.value);
        let item = level.map_or(positional, |level| format!("level {level}"));
        let definition = level_definition(level, &item, raw, report);
        let Some(level) = level else { continue };
        if !table.claim(level.index()) {
            report.add(&item, Issue::DuplicateLevel(level.get()));
            continue;
        }
        table.put(level.index(), definition);
    }
    for index in table.unclaimed() {
        report.add_to_file(Issue::MissingLevel(Level::ALL[index].get()));
    }
    table.complete()
}

fn level_definition(
    level: Option<Level>,
    item: &str,
    raw: RawLevel,
    report: &mut Report<'_>,
) -> Option<LevelDefinition> {
    let name = report.text(item, "name", raw.name);
    let description = report.text(item, "description", raw.description);
    let sources = report.sources(item, raw.sources);
    let analysis = raw
        .protection_analysis
        .map(|text| report.text(item, "protection_analysis", text));
    let level = level?;
    let protection_analysis = match (analysis, level.needs_protection_analysis()) {
        (Some(text), true) => Some(text?),
        (None, false) => None,
        (None, true) => {
            report.add(item, Issue::MissingProtectionAnalysis(level.get()));
            return None;
        }
        (Some(_), false) => {
            report.add(item, Issue::UnexpectedProtectionAnalysis(level.get()));
            return None;
        }
    };
    Some(LevelDefinition {
        level,
        name: name?,
        description: description?,
        protection_analysis,
        sources: sources?,
    })
}

/// `questions.toml`: valid questions, and at least one for every aspect.
pub(super) fn questions(raw: RawQuestionsFile, report: &mut Report<'_>) -> Vec<Question> {
    let mut seen = HashSet::new();
    let mut asked = [false; 4];
    let mut questions = Vec::with_capacity(raw.question.len());
    for (position, raw) in raw.question.into_iter().enumerate() {
        let item = item_name("question", position, raw.id.as_deref());
        let aspect = report.aspect(&item, "aspect", raw.aspect.as_deref());
        if let Some(aspect) = aspect {
            asked[aspect.index()] = true;
        }
        questions.extend(question(&item, aspect, raw, &mut seen, report));
    }
    for aspect in Aspect::ALL.into_iter().filter(|a| !asked[a.index()]) {
        report.add_to_file(Issue::NoQuestions(aspect.as_str()));
    }
    questions
}

fn question(
    item: &str,
    aspect: Option<Aspect>,
    raw: RawQuestion,
    seen: &mut HashSet<String>,
    report: &mut Report<'_>,
) -> Option<Question> {
    let id = report.id(item, raw.id.as_deref(), aspect, seen);
    let text = report.text(item, "text", raw.text);
    let sources = report.sources(item, raw.sources);
    let options = answer_options(item, raw.option, report);
    Some(Question {
        id: id?,
        aspect: aspect?,
        text: text?,
        options: options?,
        sources: sources?,
    })
}

/// At least two options, each with its own level; returned lowest level first.
fn answer_options(
    item: &str,
    raw: Vec<RawOption>,
    report: &mut Report<'_>,
) -> Option<Vec<AnswerOption>> {
    if raw.len() < 2 {
        report.add(item, Issue::TooFewOptions);
    }
    let mut levels_used = HashSet::new();
    let options: Vec<Option<AnswerOption>> = raw
        .into_iter()
        .enumerate()
        .map(|(position, raw)| {
            let level = report.level(item, "option.level", raw.level);
            let text = report.text(item, &format!("option #{}.text", position + 1), raw.text);
            let level = level?;
            if !levels_used.insert(level) {
                report.add(item, Issue::DuplicateLevel(level.get()));
                return None;
            }
            Some(AnswerOption { level, text: text? })
        })
        .collect();
    let mut options: Vec<AnswerOption> = options.into_iter().collect::<Option<_>>()?;
    if options.len() < 2 {
        return None;
    }
    options.sort_by_key(|option| option.level);
    Some(options)
}

/// `catalogue.toml`: the valid requirements, in file order.
pub(super) fn requirements(raw: RawCatalogueFile, report: &mut Report<'_>) -> Vec<Requirement> {
    let mut seen = HashSet::new();
    raw.requirement
        .into_iter()
        .enumerate()
        .filter_map(|(position, raw)| {
            let item = item_name("requirement", position, raw.id.as_deref());
            requirement(&item, raw, &mut seen, report)
        })
        .collect()
}

fn requirement(
    item: &str,
    raw: RawRequirement,
    seen: &mut HashSet<String>,
    report: &mut Report<'_>,
) -> Option<Requirement> {
    let aspect = report.aspect(item, "aspect", raw.aspect.as_deref());
    let id = report.id(item, raw.id.as_deref(), aspect, seen);
    let min_level = report.level(item, "min_level", raw.min_level);
    let category = category(item, raw.category.as_deref(), report);
    let title = report.text(item, "title", raw.title);
    let description = report.text(item, "description", raw.description);
    let procurement = procurement(item, raw.procurement, report);
    let iso27002 = controls(item, raw.iso27002, report);
    let sources = report.sources(item, raw.sources);
    Some(Requirement {
        id: id?,
        aspect: aspect?,
        min_level: min_level?,
        category: category?,
        title: title?,
        description: description?,
        procurement: procurement?,
        iso27002: iso27002?,
        sources: sources?,
    })
}

fn category(item: &str, raw: Option<&str>, report: &mut Report<'_>) -> Option<Category> {
    let Some(value) = raw else {
        report.add(item, Issue::Missing("category"));
        return None;
    };
    let category = Category::parse(value.trim());
    if category.is_none() {
        report.add(item, Issue::UnknownCategory(value.to_owned()));
    }
    category
}

/// The SKA-krav texts, phrased for a tender.
fn procurement(item: &str, raw: RawText, report: &mut Report<'_>) -> Option<Text> {
    let text = report.text(item, "procurement", raw)?;
    let sv = report.starts_with(item, "procurement.sv", &text.sv, SKA_PREFIX_SV);
    let en = report.starts_with(item, "procurement.en", &text.en, SKA_PREFIX_EN);
    (sv && en).then_some(text)
}

/// At least one ISO/IEC 27002:2022 control, all of them real.
fn controls(item: &str, raw: Vec<String>, report: &mut Report<'_>) -> Option<Vec<IsoControl>> {
    if raw.is_empty() {
        report.add(item, Issue::NoControl);
        return None;
    }
    let controls: Vec<Option<IsoControl>> = raw
        .iter()
        .map(|value| IsoControl::parse(value.trim()))
        .collect();
    for (value, control) in raw.iter().zip(&controls) {
        if control.is_none() {
            report.add(item, Issue::UnknownControl(value.clone()));
        }
    }
    controls.into_iter().collect()
}
