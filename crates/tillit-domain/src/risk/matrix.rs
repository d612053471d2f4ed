//! The risk matrix: likelihood steps, consequence steps and the level of every cell.
//!
//! Steps are numbered from 1 (lowest). `cells[l - 1][c - 1]` is the level of likelihood
//! `l` and consequence `c`. A matrix is 3×3 to 5×5 (the two axes may differ) and the
//! level never falls when either likelihood or consequence rises.

use serde::{Deserialize, Serialize};

use crate::classification::Text;
use crate::users::Language;

pub const MIN_STEPS: usize = 3;
pub const MAX_STEPS: usize = 5;

/// The four risk levels every matrix maps onto; their names and colours are content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    Low,
    Medium,
    High,
    VeryHigh,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 4] = [
        RiskLevel::Low,
        RiskLevel::Medium,
        RiskLevel::High,
        RiskLevel::VeryHigh,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::Low => "low",
            RiskLevel::Medium => "medium",
            RiskLevel::High => "high",
            RiskLevel::VeryHigh => "very_high",
        }
    }

    pub fn parse(value: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|l| l.as_str() == value)
    }

    pub fn index(self) -> usize {
        self as usize
    }

    /// High and very high risks need a decided treatment and reach the management review.
    pub fn is_serious(self) -> bool {
        self >= RiskLevel::High
    }
}

/// One step of the likelihood or consequence scale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub label: Text,
    pub definition: Text,
}

/// "3 – Stor": step `value` of `steps` with its label in `language`; a value outside
/// the scale shows as the bare number.
pub fn step_label(steps: &[Step], value: i64, language: Language) -> String {
    usize::try_from(value)
        .ok()
        .and_then(|v| v.checked_sub(1))
        .and_then(|i| steps.get(i))
        .map(|step| format!("{value} – {}", step.label.in_language(language)))
        .unwrap_or_else(|| value.to_string())
}

/// Why a matrix or a position in it is not acceptable.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MatrixError {
    #[error("the {axis} scale has {steps} steps; a matrix has 3 to 5")]
    Size { axis: &'static str, steps: usize },
    #[error("the table has {rows} rows of {columns}; it must match the scales")]
    Shape { rows: usize, columns: usize },
    #[error("step {step} of the {axis} scale has no label")]
    Unlabelled { axis: &'static str, step: usize },
    #[error("the level falls from likelihood {likelihood}, consequence {consequence} onwards")]
    Falling {
        likelihood: usize,
        consequence: usize,
    },
    #[error("{axis} {value} is outside the matrix (1–{max})")]
    OutOfRange {
        axis: &'static str,
        value: i64,
        max: usize,
    },
}

/// The organisation's risk matrix.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMatrix {
    /// Lowest first.
    pub likelihood: Vec<Step>,
    /// Lowest first.
    pub consequence: Vec<Step>,
    /// One row per likelihood step, one column per consequence step.
    pub cells: Vec<Vec<RiskLevel>>,
}

impl RiskMatrix {
    /// Checks the size, shape, labels and that levels never fall along an axis.
    pub fn validate(&self) -> Result<(), MatrixError> {
        for (axis, steps) in [
            ("likelihood", &self.likelihood),
            ("consequence", &self.consequence),
        ] {
            if !(MIN_STEPS..=MAX_STEPS).contains(&steps.len()) {
                return Err(MatrixError::Size {
                    axis,
                    steps: steps.len(),
                });
            }
            if let Some(step) = steps
                .iter()
                .position(|s| s.label.sv.trim().is_empty() || s.label.en.trim().is_empty())
            {
                return Err(MatrixError::Unlabelled {
                    axis,
                    step: step + 1,
                });
            }
        }
        let columns = self.consequence.len();
        if self.cells.len() != self.likelihood.len()
            || self.cells.iter().any(|row| row.len() != columns)
        {
            return Err(MatrixError::Shape {
                rows: self.cells.len(),
                columns: self.cells.first().map_or(0, Vec::len),
            });
        }
        for (l, row) in self.cells.iter().enumerate() {
            for (c, level) in row.iter().enumerate() {
                let left = c.checked_sub(1).map(|c| row[c]);
                let below = l.checked_sub(1).map(|l| self.cells[l][c]);
                if left.is_some_and(|x| x > *level) || below.is_some_and(|x| x > *level) {
                    return Err(MatrixError::Falling {
                        likelihood: l + 1,
                        consequence: c + 1,
                    });
                }
            }
        }
        Ok(())
    }

    /// Checks that `likelihood` is a step of this matrix.
    pub fn likelihood_step(&self, likelihood: i64) -> Result<usize, MatrixError> {
        step_index("likelihood", likelihood, self.likelihood.len())
    }

    /// Checks that `consequence` is a step of this matrix.
    pub fn consequence_step(&self, consequence: i64) -> Result<usize, MatrixError> {
        step_index("consequence", consequence, self.consequence.len())
    }

    /// The combined level (sammanvägning) of a likelihood and a consequence.
    pub fn level(&self, likelihood: i64, consequence: i64) -> Result<RiskLevel, MatrixError> {
        let l = self.likelihood_step(likelihood)?;
        let c = self.consequence_step(consequence)?;
        Ok(self.cells[l][c])
    }

    /// Orders positions by level, then by the product of the steps, then by consequence,
    /// so "the largest risks" are ranked the same way everywhere.
    pub fn rank(&self, likelihood: i64, consequence: i64) -> Option<(RiskLevel, i64, i64)> {
        let level = self.level(likelihood, consequence).ok()?;
        Some((level, likelihood * consequence, consequence))
    }
}

fn step_index(axis: &'static str, value: i64, steps: usize) -> Result<usize, MatrixError> {
    usize::try_from(value)
        .ok()
        .filter(|v| (1..=steps).contains(v))
        .map(|v| v - 1)
        .ok_or(MatrixError::OutOfRange {
            axis,
            value,
            max: steps,
        })
}
