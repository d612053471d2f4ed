//! The risk content in `content/risk/`: level definitions, matrix presets and the
//! sector risk catalogue, validated when loaded.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use super::matrix::{RiskLevel, RiskMatrix, Step};
use super::measure::{MeasureCategory, MeasureFunction};
use crate::classification::{Aspect, Text};

const MATRIX_TOML: &str = include_str!("../../../../content/risk/matrix.toml");
const CATALOGUE_TOML: &str = include_str!("../../../../content/risk/catalogue.toml");

/// What a risk level means and how it is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelDefinition {
    pub level: RiskLevel,
    pub label: Text,
    pub definition: Text,
    /// A background colour; the label is always shown with it.
    pub colour: String,
}

/// A ready-made matrix an organisation can start its method from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Preset {
    pub size: usize,
    pub sources: Vec<String>,
    pub matrix: RiskMatrix,
}

/// A typical risk in health and social care, with suggested measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueRisk {
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub threat: Text,
    pub vulnerability: Text,
    pub consequence: Text,
    pub aspects: Vec<Aspect>,
    pub sources: Vec<String>,
    pub measures: Vec<CatalogueMeasure>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogueMeasure {
    pub title: Text,
    pub reason: Text,
    pub category: MeasureCategory,
    pub function: MeasureFunction,
    pub iso27002: Vec<String>,
}

/// Everything in `content/risk/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RiskContent {
    levels: Vec<LevelDefinition>,
    presets: Vec<Preset>,
    default_size: usize,
    catalogue: Vec<CatalogueRisk>,
}

/// The content is invalid; every problem found is listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the risk content has {} problem(s):\n  {}", .0.len(), .0.join("\n  "))]
pub struct RiskContentError(pub Vec<String>);

impl RiskContent {
    /// The content shipped in `content/risk/`, compiled into the binary.
    pub fn builtin() -> Result<RiskContent, RiskContentError> {
        RiskContent::from_toml(MATRIX_TOML, CATALOGUE_TOML)
    }

    pub fn from_toml(
        matrix_toml: &str,
        catalogue_toml: &str,
    ) -> Result<RiskContent, RiskContentError> {
        let mut problems = Vec::new();
        let matrix: Option<RawMatrixFile> = toml::from_str(matrix_toml)
            .map_err(|e| problems.push(format!("matrix.toml: {e}")))
            .ok();
        let catalogue: Option<RawCatalogueFile> = toml::from_str(catalogue_toml)
            .map_err(|e| problems.push(format!("catalogue.toml: {e}")))
            .ok();
        let (Some(matrix), Some(catalogue)) = (matrix, catalogue) else {
            return Err(RiskContentError(problems));
        };
        let levels = levels(matrix.level, &mut problems);
        let (presets, default_size) = presets(matrix.preset, &mut problems);
        let catalogue = catalogue_risks(catalogue.risk, &mut problems);
        if problems.is_empty() {
            Ok(RiskContent {
                levels,
                presets,
                default_size,
                catalogue,
            })
        } else {
            Err(RiskContentError(problems))
        }
    }

    /// The four levels, lowest first.
    pub fn levels(&self) -> &[LevelDefinition] {
        &self.levels
    }

    pub fn level(&self, level: RiskLevel) -> &LevelDefinition {
        &self.levels[level.index()]
    }

    pub fn presets(&self) -> &[Preset] {
        &self.presets
    }

    /// The preset of `size`, if there is one.
    pub fn preset(&self, size: usize) -> Option<&Preset> {
        self.presets.iter().find(|p| p.size == size)
    }

    /// The matrix an organisation uses until it records its own method.
    pub fn default_matrix(&self) -> &RiskMatrix {
        self.presets
            .iter()
            .find(|p| p.size == self.default_size)
            .map(|p| &p.matrix)
            .unwrap_or(&self.presets[0].matrix)
    }

    pub fn catalogue(&self) -> &[CatalogueRisk] {
        &self.catalogue
    }

    pub fn catalogue_risk(&self, id: &str) -> Option<&CatalogueRisk> {
        self.catalogue.iter().find(|r| r.id == id)
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrixFile {
    level: Vec<RawLevel>,
    preset: Vec<RawPreset>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLevel {
    code: RiskLevel,
    colour: String,
    serious: bool,
    label: Text,
    definition: Text,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPreset {
    size: usize,
    #[serde(default)]
    default: bool,
    sources: Vec<String>,
    likelihood: Vec<Step>,
    consequence: Vec<Step>,
    cells: Vec<Vec<RiskLevel>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCatalogueFile {
    risk: Vec<RawRisk>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRisk {
    id: String,
    title: Text,
    description: Text,
    threat: Text,
    vulnerability: Text,
    consequence: Text,
    aspects: Vec<String>,
    sources: Vec<String>,
    measure: Vec<RawMeasure>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMeasure {
    title: Text,
    reason: Text,
    category: MeasureCategory,
    function: MeasureFunction,
    iso27002: Vec<String>,
}

fn blank(text: &Text) -> bool {
    text.sv.trim().is_empty() || text.en.trim().is_empty()
}

fn levels(raw: Vec<RawLevel>, problems: &mut Vec<String>) -> Vec<LevelDefinition> {
    let codes: Vec<RiskLevel> = raw.iter().map(|l| l.code).collect();
    if codes != RiskLevel::ALL {
        problems.push(
            "matrix.toml: the levels must be low, medium, high, very_high in that order".into(),
        );
    }
    raw.into_iter()
        .map(|l| {
            if l.serious != l.code.is_serious() {
                problems.push(format!(
                    "matrix.toml: level {}: `serious` must be {}",
                    l.code.as_str(),
                    l.code.is_serious()
                ));
            }
            if blank(&l.label) || blank(&l.definition) || !is_colour(&l.colour) {
                problems.push(format!(
                    "matrix.toml: level {}: label, definition and a #rrggbb colour are required",
                    l.code.as_str()
                ));
            }
            LevelDefinition {
                level: l.code,
                label: l.label,
                definition: l.definition,
                colour: l.colour,
            }
        })
        .collect()
}

fn is_colour(value: &str) -> bool {
    value.len() == 7 && value.starts_with('#') && value[1..].chars().all(|c| c.is_ascii_hexdigit())
}

fn presets(raw: Vec<RawPreset>, problems: &mut Vec<String>) -> (Vec<Preset>, usize) {
    let defaults: Vec<usize> = raw.iter().filter(|p| p.default).map(|p| p.size).collect();
    if defaults.len() != 1 {
        problems.push("matrix.toml: exactly one preset must be the default".into());
    }
    let presets = raw
        .into_iter()
        .map(|p| {
            let matrix = RiskMatrix {
                likelihood: p.likelihood,
                consequence: p.consequence,
                cells: p.cells,
            };
            if let Err(e) = matrix.validate() {
                problems.push(format!("matrix.toml: preset {}: {e}", p.size));
            }
            if matrix.likelihood.len() != p.size || matrix.consequence.len() != p.size {
                problems.push(format!(
                    "matrix.toml: preset {}: the scales must have {} steps",
                    p.size, p.size
                ));
            }
            let steps = matrix.likelihood.iter().chain(&matrix.consequence);
            if steps.clone().any(|s| blank(&s.definition)) {
                problems.push(format!(
                    "matrix.toml: preset {}: every step needs a definition",
                    p.size
                ));
            }
            if p.sources.iter().all(|s| s.trim().is_empty()) {
                problems.push(format!(
                    "matrix.toml: preset {}: no source is cited",
                    p.size
                ));
            }
            Preset {
                size: p.size,
                sources: p.sources,
                matrix,
            }
        })
        .collect::<Vec<_>>();
    if presets.is_empty() {
        problems.push("matrix.toml: no preset".into());
    }
    (presets, defaults.first().copied().unwrap_or(0))
}

fn catalogue_risks(raw: Vec<RawRisk>, problems: &mut Vec<String>) -> Vec<CatalogueRisk> {
    let mut seen = HashSet::new();
    raw.into_iter()
        .map(|r| {
            let item = format!("catalogue.toml: {}", r.id);
            if !r.id.starts_with("RC-") || !seen.insert(r.id.clone()) {
                problems.push(format!("{item}: ids are unique and start with RC-"));
            }
            let texts = [
                &r.title,
                &r.description,
                &r.threat,
                &r.vulnerability,
                &r.consequence,
            ];
            if texts.into_iter().any(blank) {
                problems.push(format!("{item}: every text needs Swedish and English"));
            }
            if r.sources.is_empty() || r.sources.iter().any(|s| s.trim().is_empty()) {
                problems.push(format!("{item}: cite at least one source, none blank"));
            }
            if r.measure.is_empty() {
                problems.push(format!("{item}: suggest at least one measure"));
            }
            let aspects = r
                .aspects
                .iter()
                .filter_map(|code| {
                    let aspect = Aspect::parse(code);
                    if aspect.is_none() {
                        problems.push(format!("{item}: unknown aspect `{code}`"));
                    }
                    aspect
                })
                .collect();
            let measures = r
                .measure
                .into_iter()
                .map(|m| {
                    if blank(&m.title) || blank(&m.reason) || m.iso27002.is_empty() {
                        problems.push(format!(
                            "{item}: a measure needs title, reason and a control"
                        ));
                    }
                    CatalogueMeasure {
                        title: m.title,
                        reason: m.reason,
                        category: m.category,
                        function: m.function,
                        iso27002: m.iso27002,
                    }
                })
                .collect();
            CatalogueRisk {
                id: r.id,
                title: r.title,
                description: r.description,
                threat: r.threat,
                vulnerability: r.vulnerability,
                consequence: r.consequence,
                aspects,
                sources: r.sources,
                measures,
            }
        })
        .collect()
}
