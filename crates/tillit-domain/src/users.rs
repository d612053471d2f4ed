//! Accounts: what makes an acceptable e-mail address, name and password.

use serde::{Deserialize, Serialize};

use crate::auth::Role;
use crate::validation::{required_text, ValidationErrors};

pub const PASSWORD_MIN_CHARS: usize = 12;
pub const PASSWORD_MAX_CHARS: usize = 256;

/// Trimmed, lower-cased address with one `@` and a dot in the domain.
pub fn normalise_email(value: &str) -> Option<String> {
    let email = value.trim().to_lowercase();
    let (local, domain) = email.split_once('@')?;
    let valid = !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace())
        && !domain.contains('@')
        && email.len() <= 254;
    valid.then_some(email)
}

pub fn check_password(errors: &mut ValidationErrors, field: &str, password: &str) {
    let chars = password.chars().count();
    if chars == 0 {
        errors.add(field, "required");
    } else if chars < PASSWORD_MIN_CHARS {
        errors.add(field, "password-too-short");
    } else if chars > PASSWORD_MAX_CHARS {
        errors.add(field, "too-long");
    }
}

/// Supported interface languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Sv,
    En,
}

impl Language {
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Sv => "sv",
            Language::En => "en",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        match value.trim() {
            "sv" => Some(Language::Sv),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUserInput {
    pub email: String,
    pub display_name: String,
    pub title: String,
    pub password: String,
    pub role: String,
    pub unit_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUserDraft {
    pub email: String,
    pub display_name: String,
    pub title: String,
    pub password: String,
    pub role: Option<Role>,
    pub unit_id: Option<i64>,
}

impl NewUserInput {
    pub fn validate(&self) -> Result<NewUserDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let email = normalise_email(&self.email).unwrap_or_else(|| {
            errors.add(
                "email",
                if self.email.trim().is_empty() {
                    "required"
                } else {
                    "invalid-email"
                },
            );
            String::new()
        });
        let display_name = required_text(&mut errors, "display_name", &self.display_name, 200);
        let title = crate::validation::optional_text(&mut errors, "title", &self.title, 200);
        check_password(&mut errors, "password", &self.password);
        let role = if self.role.trim().is_empty() {
            None
        } else {
            let parsed = Role::parse(self.role.trim());
            if parsed.is_none() {
                errors.add("role", "invalid-choice");
            }
            parsed
        };
        errors.finish(NewUserDraft {
            email,
            display_name,
            title,
            password: self.password.clone(),
            role,
            unit_id: self.unit_id,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            normalise_email(" Admin@Region.Example "),
            Some("admin@region.example".into())
        );
        for bad in [
            "",
            "admin",
            "admin@",
            "@region.example",
            "a@b",
            "a b@region.example",
            "a@.x",
            "a@@b.se",
        ] {
            assert_eq!(normalise_email(bad), None, "{bad}");
        }
    }

    #[test]
    fn new_user_reports_each_field() {
        let input = NewUserInput {
            email: "nope".into(),
            password: "short".into(),
            role: "king".into(),
            ..Default::default()
        };
        let errors = input.validate().unwrap_err();
        for field in ["email", "display_name", "password", "role"] {
            assert!(errors.has(field), "{field}");
        }
    }

    #[test]
    fn languages_parse() {
        assert_eq!(Language::parse("en"), Some(Language::En));
        assert_eq!(Language::parse("de"), None);
    }
}
