//! Governing documents (styrdokument): their kinds, statuses and consultation, the rules a
//! document must meet, when its review is overdue, and the checklist of documents the
//! regulations require (`content/governance/required_documents.toml`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::classification::Text;
use crate::validation::{optional_text, required_text};
use crate::ValidationErrors;

const REQUIRED_DOCUMENTS_TOML: &str =
    include_str!("../../../content/governance/required_documents.toml");

macro_rules! code_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => $code:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $($variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code),+
                }
            }

            pub fn parse(value: &str) -> Option<$name> {
                Self::ALL.iter().copied().find(|v| v.as_str() == value)
            }
        }
    };
}

code_enum!(
    /// What kind of governing document it is.
    DocumentKind {
        Policy => "policy",
        Guideline => "guideline",
        Routine => "routine",
        Instruction => "instruction",
        Plan => "plan",
        Process => "process",
    }
);

code_enum!(
    /// Utkast, fastställd or upphävd.
    DocumentStatus {
        Draft => "draft",
        Approved => "approved",
        Repealed => "repealed",
    }
);

code_enum!(
    /// How far the consultation (remiss, samverkan) has come.
    Consultation {
        NotStarted => "not_started",
        Ongoing => "ongoing",
        Done => "done",
    }
);

/// Decision bodies offered as suggestions; any other body may be typed.
pub const APPROVER_SUGGESTIONS: [&str; 5] = [
    "Regionfullmäktige",
    "Regionstyrelsen",
    "Regiondirektören",
    "Förvaltningschef",
    "Informationssäkerhetsrådet",
];

/// A review date at or before `today` has passed; repealed documents are never reviewed.
pub fn review_overdue(status: &str, next_review: Option<NaiveDate>, today: NaiveDate) -> bool {
    status != DocumentStatus::Repealed.as_str() && next_review.is_some_and(|due| due < today)
}

/// A document as a form or an API body gives it, before validation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DocumentInput {
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub owner_id: Option<i64>,
    pub approver: String,
    pub case_number: String,
    pub valid_from: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    pub requirement_code: String,
    pub legal_reference: String,
    pub consultation: String,
    pub status: String,
    pub unit_id: Option<i64>,
    pub checklist_item: String,
}

/// What a document is checked against besides its own fields.
pub struct DocumentRules<'a> {
    pub today: NaiveDate,
    pub checklist: &'a [RequiredDocument],
    /// Codes of the requirement catalogue (built-in and the organisation's own).
    pub requirement_codes: &'a [String],
}

/// A document that passed validation; references to users and units are checked by the
/// store in the organisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentDraft {
    pub kind: DocumentKind,
    pub title: String,
    pub summary: String,
    pub owner_id: i64,
    pub approver: String,
    pub case_number: String,
    pub valid_from: Option<NaiveDate>,
    pub next_review: Option<NaiveDate>,
    pub requirement_code: Option<String>,
    pub legal_reference: String,
    pub consultation: Consultation,
    pub status: DocumentStatus,
    pub unit_id: Option<i64>,
    pub checklist_item: Option<String>,
}

fn choice<T>(
    errors: &mut ValidationErrors,
    field: &str,
    value: &str,
    parse: fn(&str) -> Option<T>,
) -> Option<T> {
    if value.trim().is_empty() {
        errors.add(field, "required");
        return None;
    }
    let parsed = parse(value.trim());
    if parsed.is_none() {
        errors.add(field, "invalid-choice");
    }
    parsed
}

impl DocumentInput {
    pub fn validate(&self, rules: &DocumentRules<'_>) -> Result<DocumentDraft, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let kind = choice(&mut errors, "kind", &self.kind, DocumentKind::parse);
        let title = required_text(&mut errors, "title", &self.title, 200);
        let summary = optional_text(&mut errors, "summary", &self.summary, 4000);
        if self.owner_id.is_none() {
            errors.add("owner_id", "required");
        }
        let status = choice(&mut errors, "status", &self.status, DocumentStatus::parse);
        let consultation = choice(
            &mut errors,
            "consultation",
            &self.consultation,
            Consultation::parse,
        );
        let approved = status == Some(DocumentStatus::Approved);
        let approver = if approved {
            required_text(&mut errors, "approver", &self.approver, 200)
        } else {
            optional_text(&mut errors, "approver", &self.approver, 200)
        };
        let case_number = optional_text(&mut errors, "case_number", &self.case_number, 60);
        if approved && self.valid_from.is_none() {
            errors.add("valid_from", "required");
        }
        match self.next_review {
            None if approved => errors.add("next_review", "required"),
            Some(due) if status != Some(DocumentStatus::Repealed) && due < rules.today => {
                errors.add("next_review", "review-date-past")
            }
            Some(due) if self.valid_from.is_some_and(|from| due <= from) => {
                errors.add("next_review", "review-before-valid-from")
            }
            _ => {}
        }
        let requirement_code = match self.requirement_code.trim() {
            "" => None,
            code if rules.requirement_codes.iter().any(|c| c == code) => Some(code.to_owned()),
            _ => {
                errors.add("requirement_code", "unknown-reference");
                None
            }
        };
        let legal_reference =
            optional_text(&mut errors, "legal_reference", &self.legal_reference, 300);
        let checklist_item = match self.checklist_item.trim() {
            "" => None,
            id if rules.checklist.iter().any(|item| item.id == id) => Some(id.to_owned()),
            _ => {
                errors.add("checklist_item", "unknown-reference");
                None
            }
        };
        match (kind, status, consultation, self.owner_id) {
            (Some(kind), Some(status), Some(consultation), Some(owner_id)) if errors.is_empty() => {
                Ok(DocumentDraft {
                    kind,
                    title,
                    summary,
                    owner_id,
                    approver,
                    case_number,
                    valid_from: self.valid_from,
                    next_review: self.next_review,
                    requirement_code,
                    legal_reference,
                    consultation,
                    status,
                    unit_id: self.unit_id,
                    checklist_item,
                })
            }
            _ => Err(errors),
        }
    }
}

/// A document the regulations require, from `required_documents.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequiredDocument {
    pub id: String,
    pub kind: DocumentKind,
    pub title: Text,
    pub requirement: Text,
    pub continuously_updated: bool,
    pub sources: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    item: Vec<RawItem>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    id: String,
    kind: String,
    title: Text,
    requirement: Text,
    #[serde(default)]
    continuously_updated: bool,
    #[serde(default)]
    sources: Vec<String>,
}

/// The checklist content is invalid; every problem found is listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the required-documents checklist has {} problem(s):\n  {}", .0.len(), .0.join("\n  "))]
pub struct ChecklistContentError(pub Vec<String>);

/// The checklist shipped in `content/governance/`, compiled into the binary.
pub fn required_documents() -> Result<Vec<RequiredDocument>, ChecklistContentError> {
    required_documents_from_toml(REQUIRED_DOCUMENTS_TOML)
}

pub fn required_documents_from_toml(
    text: &str,
) -> Result<Vec<RequiredDocument>, ChecklistContentError> {
    let raw: RawFile =
        toml::from_str(text).map_err(|e| ChecklistContentError(vec![e.to_string()]))?;
    let mut problems = Vec::new();
    let mut items = Vec::new();
    for item in raw.item {
        let name = item.id.clone();
        if item.id.trim().is_empty() {
            problems.push("an item has no id".to_owned());
        }
        if items.iter().any(|i: &RequiredDocument| i.id == item.id) {
            problems.push(format!("{name}: the id is used twice"));
        }
        if item.sources.iter().all(|s| s.trim().is_empty()) {
            problems.push(format!("{name}: no source is cited"));
        }
        for text in [&item.title, &item.requirement] {
            if text.sv.trim().is_empty() || text.en.trim().is_empty() {
                problems.push(format!("{name}: a text lacks Swedish or English"));
            }
        }
        let Some(kind) = DocumentKind::parse(&item.kind) else {
            problems.push(format!("{name}: unknown kind {}", item.kind));
            continue;
        };
        items.push(RequiredDocument {
            id: item.id,
            kind,
            title: item.title,
            requirement: item.requirement,
            continuously_updated: item.continuously_updated,
            sources: item.sources,
        });
    }
    if items.is_empty() && problems.is_empty() {
        problems.push("the checklist is empty".to_owned());
    }
    if problems.is_empty() {
        Ok(items)
    } else {
        Err(ChecklistContentError(problems))
    }
}

/// How one checklist item stands, from the documents marked as fulfilling it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct ChecklistState {
    /// A document that is not repealed.
    pub exists: bool,
    /// An approved (fastställd) document.
    pub approved: bool,
    /// An approved document whose review date has not passed.
    pub current: bool,
}

impl ChecklistState {
    /// Folds in one document with `status` and `next_review`.
    pub fn with(mut self, status: &str, next_review: Option<NaiveDate>, today: NaiveDate) -> Self {
        if status == DocumentStatus::Repealed.as_str() {
            return self;
        }
        self.exists = true;
        if status == DocumentStatus::Approved.as_str() {
            self.approved = true;
            if !review_overdue(status, next_review, today) {
                self.current = true;
            }
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    fn input() -> DocumentInput {
        DocumentInput {
            kind: "policy".into(),
            title: "Informationssäkerhetspolicy".into(),
            owner_id: Some(3),
            approver: "Regionfullmäktige".into(),
            valid_from: Some(day("2026-01-01")),
            next_review: Some(day("2027-01-01")),
            consultation: "done".into(),
            status: "approved".into(),
            ..DocumentInput::default()
        }
    }

    fn validate(input: &DocumentInput) -> Result<DocumentDraft, ValidationErrors> {
        let checklist = required_documents().unwrap();
        let codes = vec!["K-GOV-01".to_owned()];
        input.validate(&DocumentRules {
            today: day("2026-06-01"),
            checklist: &checklist,
            requirement_codes: &codes,
        })
    }

    fn codes(errors: ValidationErrors) -> Vec<(String, &'static str)> {
        errors.0.into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn the_shipped_checklist_is_valid_and_cites_every_item() {
        let items = required_documents().unwrap();
        assert_eq!(items.len(), 7);
        assert!(items.iter().all(|i| !i.sources.is_empty()));
        assert!(items.iter().any(|i| i.id == "continuity-plans"));
    }

    #[test]
    fn a_review_date_in_the_past_is_refused_naming_the_field() {
        let mut past = input();
        past.next_review = Some(day("2026-05-31"));
        assert_eq!(
            codes(validate(&past).unwrap_err()),
            vec![("next_review".into(), "review-date-past")]
        );
        past.status = "repealed".into();
        assert!(validate(&past).is_ok());
    }

    #[test]
    fn an_approved_document_needs_approver_dates_and_a_known_reference() {
        let mut bare = input();
        bare.approver = " ".into();
        bare.valid_from = None;
        bare.next_review = None;
        bare.requirement_code = "X-1".into();
        bare.checklist_item = "nope".into();
        assert_eq!(
            codes(validate(&bare).unwrap_err()),
            vec![
                ("approver".into(), "required"),
                ("valid_from".into(), "required"),
                ("next_review".into(), "required"),
                ("requirement_code".into(), "unknown-reference"),
                ("checklist_item".into(), "unknown-reference"),
            ]
        );
        let mut draft = bare.clone();
        draft.status = "draft".into();
        draft.requirement_code = "K-GOV-01".into();
        draft.checklist_item = "risk-method".into();
        let valid = validate(&draft).unwrap();
        assert_eq!(valid.checklist_item.as_deref(), Some("risk-method"));
        assert_eq!(valid.requirement_code.as_deref(), Some("K-GOV-01"));
    }

    #[test]
    fn overdue_means_a_passed_review_date_of_a_document_in_force() {
        let today = day("2026-06-01");
        assert!(review_overdue("approved", Some(day("2026-05-31")), today));
        assert!(!review_overdue("approved", Some(today), today));
        assert!(!review_overdue("repealed", Some(day("2020-01-01")), today));
        assert!(!review_overdue("draft", None, today));
    }

    #[test]
    fn checklist_state_needs_an_approved_current_document() {
        let today = day("2026-06-01");
        let state = ChecklistState::default().with("draft", None, today);
        assert_eq!(
            (state.exists, state.approved, state.current),
            (true, false, false)
        );
        let stale = state.with("approved", Some(day("2026-01-01")), today);
        assert_eq!(
            (stale.exists, stale.approved, stale.current),
            (true, true, false)
        );
        assert!(
            stale
                .with("approved", Some(day("2027-01-01")), today)
                .current
        );
        assert!(
            !ChecklistState::default()
                .with("repealed", None, today)
                .exists
        );
    }

    #[test]
    fn broken_checklist_content_is_reported_item_by_item() {
        let error = required_documents_from_toml(
            "[[item]]\nid = \"a\"\nkind = \"memo\"\ntitle.sv = \"A\"\ntitle.en = \"\"\nrequirement.sv = \"x\"\nrequirement.en = \"x\"\n",
        )
        .unwrap_err();
        assert_eq!(error.0.len(), 3);
    }
}
