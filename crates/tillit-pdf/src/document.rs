//! What a risk analysis PDF shows. Every text is already in the reader's language;
//! the template prints the fields as they are and never reads them as markup.

use serde::{Deserialize, Serialize};

use crate::labels::Labels;

/// A risk analysis with its action plan, as it is printed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RiskAnalysisDocument {
    /// `"sv"` or `"en"`: the language of the texts, for hyphenation and the PDF's
    /// language tag.
    pub lang: String,
    /// The fixed headings and captions.
    pub labels: Labels,
    pub organisation: String,
    pub title: String,
    pub scope: String,
    /// The approved version; `None` for a draft.
    pub version: Option<i64>,
    pub approved_by: Option<String>,
    /// The approval date, formatted for the reader.
    pub approved_at: Option<String>,
    /// When the document was made, formatted for the reader.
    pub generated_at: String,
    /// The day the document was made as `YYYY-MM-DD`: the PDF's creation date.
    pub generated_on: String,
    /// When the analysis must be renewed, formatted for the reader.
    pub next_renewal: Option<String>,
    pub method: MethodSummary,
    pub participants: String,
    /// External developments (omvärld) the analysis took into account.
    pub external_developments: String,
    pub incidents_considered: String,
    pub matrix: MatrixSummary,
    pub risks: Vec<RiskRow>,
    pub measures: Vec<MeasureRow>,
    /// Risks handled in earlier versions, one line each.
    pub handled_risks: Vec<String>,
    /// Measures done in earlier versions, one line each.
    pub done_measures: Vec<String>,
}

/// The risk analysis method the organisation decided on.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MethodSummary {
    pub name: String,
    pub standard: String,
    pub decided_by: String,
    pub decided_on: String,
}

/// The risk matrix as a heat map of the current risks.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MatrixSummary {
    /// Likelihood labels, lowest first.
    pub likelihood: Vec<String>,
    /// Consequence labels, lowest first.
    pub consequence: Vec<String>,
    pub levels: Vec<LevelSummary>,
    /// `cells[likelihood][consequence]`: an index into `levels`.
    pub cells: Vec<Vec<usize>>,
    /// `counts[likelihood][consequence]`: how many current risks the cell holds.
    pub counts: Vec<Vec<i64>>,
}

/// A risk level and its colour.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct LevelSummary {
    pub label: String,
    /// A hex colour such as `#2e7d32`; anything else prints grey.
    pub colour: String,
}

/// One risk, with its assessment and treatment.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct RiskRow {
    pub designation: String,
    pub title: String,
    pub description: String,
    pub threat: String,
    pub vulnerability: String,
    /// The affected systems, already joined.
    pub systems: String,
    pub consequence: String,
    pub consequence_reason: String,
    pub likelihood: String,
    pub likelihood_reason: String,
    pub level: String,
    /// The level's hex colour, as in [`LevelSummary::colour`].
    pub level_colour: String,
    pub treatment: String,
    pub treatment_reason: String,
    pub status: String,
}

/// One measure of the action plan.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MeasureRow {
    pub designation: String,
    pub title: String,
    /// The risks the measure treats, already joined.
    pub risks: String,
    /// The systems it concerns, already joined.
    pub systems: String,
    pub reason: String,
    /// The risk level expected once the measure is done; printed as a badge when it
    /// names one of the matrix's levels.
    pub residual_level: String,
    pub responsible: String,
    pub planned: String,
    pub done: String,
    pub status: String,
    pub follow_ups: Vec<FollowUpRow>,
}

/// A yearly follow-up of a measure.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FollowUpRow {
    pub year: i32,
    pub effect: String,
    pub still_valid: String,
    pub next_step: String,
}
