//! Field-level validation errors shared by every capability.
//!
//! A `code` is a stable identifier (`required`, `too-long`, ...). The web layer turns it
//! into a Fluent message id (`field-error-<code>`) so the user reads it in their language.

use serde::Serialize;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub code: &'static str,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, thiserror::Error)]
#[error("invalid input in {} field(s)", .0.len())]
pub struct ValidationErrors(pub Vec<FieldError>);

impl ValidationErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn single(field: &str, code: &'static str) -> Self {
        let mut errors = Self::new();
        errors.add(field, code);
        errors
    }

    pub fn add(&mut self, field: &str, code: &'static str) {
        self.0.push(FieldError {
            field: field.to_owned(),
            code,
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    /// `Ok(value)` when nothing was recorded, otherwise the collected errors.
    pub fn finish<T>(self, value: T) -> Result<T, Self> {
        if self.is_empty() {
            Ok(value)
        } else {
            Err(self)
        }
    }
}

/// Trims `value` and checks it is present and at most `max` characters long.
pub fn required_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    max: usize,
) -> String {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        errors.add(field, "required");
    } else if trimmed.chars().count() > max {
        errors.add(field, "too-long");
    }
    trimmed.to_owned()
}

/// Trims an optional text; empty becomes empty, too long is an error.
pub fn optional_text(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    max: usize,
) -> String {
    let trimmed = value.trim();
    if trimmed.chars().count() > max {
        errors.add(field, "too-long");
    }
    trimmed.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn required_text_reports_missing_and_long_values() {
        let mut errors = ValidationErrors::new();
        assert_eq!(
            required_text(&mut errors, "name", "  Akuten ", 10),
            "Akuten"
        );
        assert!(errors.is_empty());
        required_text(&mut errors, "name", "   ", 10);
        required_text(&mut errors, "title", "abcdefghijk", 10);
        assert_eq!(
            errors.0,
            vec![
                FieldError {
                    field: "name".into(),
                    code: "required"
                },
                FieldError {
                    field: "title".into(),
                    code: "too-long"
                }
            ]
        );
    }

    #[test]
    fn finish_returns_errors_when_any() {
        assert_eq!(ValidationErrors::new().finish(5), Ok(5));
        assert!(ValidationErrors::single("x", "required").finish(5).is_err());
    }
}
