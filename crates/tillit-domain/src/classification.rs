//! Information classification (informationsklassning), KLASSA-compatible.
//!
//! An information asset, a system, a process or a document is classified on
//! Konfidentialitet, Riktighet, Tillgänglighet and optionally Spårbarhet, each on the
//! 0–4 scale ([`Levels`]). A system takes the highest level per aspect of the assets it
//! holds ([`Levels::highest`]); level 4 calls for a separate protection analysis.
//!
//! The scale's wording, the guiding questions and the requirement catalogue are data in
//! `content/`, read by [`Catalogue::from_toml`], which validates them and reports every
//! problem by item. A classification yields its requirement set
//! ([`Catalogue::requirements_for`]); the owner self-assesses each requirement
//! ([`SelfAssessment`]), and unmet ones become proposed measures.

mod assessment;
mod catalogue;
mod error;
mod model;
mod own;
mod raw;
mod record;
mod scale;
mod validate;

#[cfg(test)]
mod tests;

pub use assessment::SelfAssessment;
pub use catalogue::Catalogue;
pub use error::{ContentError, ContentFile, Issue, Problem};
pub use model::{
    AnswerOption, AspectDefinition, Category, Consequence, IsoControl, LevelDefinition, Question,
    Requirement, Text,
};
pub use own::OwnRequirementInput;
pub use record::{
    default_next_review, level_field, reason_field, review_overdue, validate_object_name,
    ClassificationDraft, ClassificationInput, ObjectKind, Reasons,
};
pub use scale::{Aspect, Level, LevelOutOfRange, Levels};
