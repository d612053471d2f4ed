//! Information classification (C08): classified objects and their approved versions,
//! the organisation's own requirements, self-assessments and coverage.

mod assessments;
mod coverage;
mod objects;
mod requirements;

pub use assessments::{
    assess, assess_in, assessments, unmet_requirements, Assessment, AssessmentInput,
    UnmetRequirement,
};
pub use coverage::{coverage, unclassified, Coverage, CoverageCount, Unclassified};
pub(crate) use objects::object_in_unit_subtree;
pub use objects::{
    approve, approve_in, create_named_object, create_named_object_in, derived_levels, get_object,
    list_objects, object_for, versions, ClassificationObject, ClassificationVersion, ObjectFilter,
    Subject,
};
pub use requirements::{
    create_own_requirement, get_own_requirement, list_own_requirements, update_own_requirement,
    OwnRequirement,
};
