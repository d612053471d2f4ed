//! Information classification (C08): classified objects and their approved versions,
//! the organisation's own requirements, self-assessments and coverage.

mod assessments;
mod coverage;
mod objects;
mod requirements;

pub use assessments::{assess, assessments, unmet_requirements, Assessment, UnmetRequirement};
pub use coverage::{coverage, unclassified, Coverage, CoverageCount, Unclassified};
pub use objects::{
    approve, create_named_object, derived_levels, get_object, list_objects, object_for, versions,
    ClassificationObject, ClassificationVersion, ObjectFilter, Subject,
};
pub use requirements::{
    create_own_requirement, get_own_requirement, list_own_requirements, update_own_requirement,
    OwnRequirement,
};
