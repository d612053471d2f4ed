//! Risk analysis and action plans (riskanalys och åtgärdsplan).
//!
//! The organisation records its risk-analysis method ([`MethodInput`]), whose matrix
//! ([`RiskMatrix`]) turns a likelihood and a consequence into a risk level by a table
//! that is data, not code. An analysis ([`AnalysisInput`]) covers systems, a process, a
//! unit or the whole organisation and lists risks ([`RiskInput`]), each with a treatment
//! ([`TreatmentInput`]). Measures ([`MeasureInput`]) carry the ten items of the action
//! plan and are followed up yearly ([`FollowUpInput`]). Level definitions, matrix
//! presets and the sector risk catalogue live in `content/risk/` ([`RiskContent`]).

mod access;
mod analysis;
mod content;
mod entry;
mod matrix;
mod measure;
mod method;

#[cfg(test)]
mod tests;

pub use access::{may_change_measure, may_read_measure};
pub use analysis::{
    renewal_due, renewal_overdue, retained_until, AnalysisDraft, AnalysisInput, Scope,
    RENEWAL_MONTHS, RETENTION_YEARS,
};
pub use content::{
    CatalogueMeasure, CatalogueRisk, LevelDefinition, Preset, RiskContent, RiskContentError,
};
pub use entry::{RiskDraft, RiskInput, RiskStatus, Treatment, TreatmentInput};
pub use matrix::{step_label, MatrixError, RiskLevel, RiskMatrix, Step};
pub use measure::{
    FollowUpDraft, FollowUpInput, MeasureCategory, MeasureDraft, MeasureFunction, MeasureInput,
    MeasureStatus,
};
pub use method::{matrix_error_code, MethodDraft, MethodInput};
