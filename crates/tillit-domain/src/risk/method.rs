//! The organisation's choice of risk-analysis method (7 §): which method, which
//! established standard it builds on, its scales and matrix, and who decided it when.
//! Every change is a new version, kept at least five years.

use chrono::NaiveDate;
use serde::Serialize;

use super::matrix::{MatrixError, RiskMatrix};
use crate::validation::{optional_text, required_text, ValidationErrors};

pub const NAME_MAX: usize = 200;
pub const TEXT_MAX: usize = 4000;

/// A method as the user gave it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MethodInput<'a> {
    pub name: &'a str,
    /// E.g. "SS-ISO/IEC 27005:2022" or "SS-ISO 31000:2018".
    pub standard: &'a str,
    pub description: &'a str,
    /// The body or person that decided the method.
    pub decided_by: &'a str,
    pub decided_on: Option<NaiveDate>,
    pub matrix: RiskMatrix,
}

/// A method ready to be stored as the next version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MethodDraft {
    pub name: String,
    pub standard: String,
    pub description: String,
    pub decided_by: String,
    pub decided_on: NaiveDate,
    pub matrix: RiskMatrix,
}

impl MethodInput<'_> {
    /// Checks every field; a decision cannot lie after `today`.
    pub fn validate(&self, today: NaiveDate) -> Result<MethodDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let name = required_text(&mut errors, "name", self.name, NAME_MAX);
        let standard = required_text(&mut errors, "standard", self.standard, NAME_MAX);
        let description = optional_text(&mut errors, "description", self.description, TEXT_MAX);
        let decided_by = required_text(&mut errors, "decided_by", self.decided_by, NAME_MAX);
        match self.decided_on {
            None => errors.add("decided_on", "required"),
            Some(date) if date > today => errors.add("decided_on", "in-future"),
            Some(_) => {}
        }
        if let Err(error) = self.matrix.validate() {
            errors.add("matrix", matrix_error_code(&error));
        }
        let decided_on = self.decided_on.unwrap_or(today);
        errors.finish(MethodDraft {
            name,
            standard,
            description,
            decided_by,
            decided_on,
            matrix: self.matrix.clone(),
        })
    }
}

/// The stable error code for a matrix that cannot be used.
pub fn matrix_error_code(error: &MatrixError) -> &'static str {
    match error {
        MatrixError::Size { .. } => "matrix-size",
        MatrixError::Shape { .. } => "matrix-shape",
        MatrixError::Unlabelled { .. } => "required",
        MatrixError::Falling { .. } => "matrix-falling",
        MatrixError::OutOfRange { .. } => "out-of-range",
    }
}
