//! Information classification: approving versions, the requirement set an object must
//! meet, the owner's self-assessment, the organisation's own requirements, coverage,
//! and the tasks that prompt owners to classify.
//!
//! Everyone signed in reads classifications. An object is classified and self-assessed
//! by its owners (an asset's owner, a system's object and information owners, the owner
//! named on a process or document) and by those who manage the registers for the whole
//! organisation.

use std::sync::LazyLock;

use chrono::Utc;
use tillit_domain::auth::{may_edit_register_entry, Action};
use tillit_domain::classification::{
    review_overdue, Catalogue, ClassificationInput, ContentError, Levels, ObjectKind,
    OwnRequirementInput, Requirement, SelfAssessment,
};
use tillit_domain::registers::SystemEventKind;
use tillit_domain::ValidationErrors;
use tillit_store::classification::{
    self, Assessment, AssessmentInput, ClassificationObject, ClassificationVersion, Coverage,
    ObjectFilter, OwnRequirement, Subject, Unclassified, UnmetRequirement,
};
use tillit_store::registers::{self, SystemEvent};
use tillit_store::tasks::{self, OpenTask, Task};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

static BUILTIN: LazyLock<Result<Catalogue, ContentError>> = LazyLock::new(Catalogue::builtin);

/// The built-in classification content. It is validated by tests and when the server
/// starts, so an error here means a broken build.
pub fn catalogue() -> Result<&'static Catalogue, AppError> {
    BUILTIN.as_ref().map_err(AppError::internal)
}

/// What a classification is about, and who may classify it.
#[derive(Debug, Clone)]
pub struct Target {
    pub subject: Subject,
    pub kind: ObjectKind,
    pub name: String,
    /// The register entry's own page, for links back.
    pub register_path: Option<String>,
    pub owner_ids: Vec<i64>,
    /// The existing classification object, if the target was classified or named before.
    pub object: Option<ClassificationObject>,
}

impl Target {
    pub fn may_classify(&self, principal: &Principal) -> bool {
        may_edit_register_entry(&principal.grants, principal.user_id, &self.owner_ids)
    }
}

/// Finds what `subject` names in the caller's organisation, with its owners.
pub async fn target(
    state: &AppState,
    principal: &Principal,
    subject: Subject,
) -> Result<Target, AppError> {
    principal.require(Action::ViewRegisters)?;
    let organisation_id = principal.organisation_id;
    let db = &state.db;
    match subject {
        Subject::Asset(id) => {
            let asset = registers::get_asset(db, organisation_id, id).await?;
            Ok(Target {
                subject,
                kind: ObjectKind::Asset,
                name: asset.name,
                register_path: Some(format!("/register/assets/{id}")),
                owner_ids: vec![asset.owner_id],
                object: classification::object_for(db, organisation_id, subject).await?,
            })
        }
        Subject::System(id) => {
            let system = registers::get_system(db, organisation_id, id).await?;
            let mut owner_ids: Vec<i64> = registers::system_owners(db, organisation_id, id)
                .await?
                .into_iter()
                .map(|u| u.id)
                .collect();
            owner_ids.extend(system.object_owner_id);
            Ok(Target {
                subject,
                kind: ObjectKind::System,
                name: format!("{} {}", system.designation, system.name),
                register_path: Some(format!("/register/systems/{id}")),
                owner_ids,
                object: classification::object_for(db, organisation_id, subject).await?,
            })
        }
        Subject::Object(id) => {
            let object = classification::get_object(db, organisation_id, id).await?;
            match (object.asset_id, object.system_id) {
                (Some(asset), _) => Box::pin(target(state, principal, Subject::Asset(asset))).await,
                (_, Some(system)) => {
                    Box::pin(target(state, principal, Subject::System(system))).await
                }
                _ => Ok(Target {
                    subject,
                    kind: object.object_kind().ok_or(AppError::NotFound)?,
                    name: object.name.clone(),
                    register_path: None,
                    owner_ids: object.owner_id.into_iter().collect(),
                    object: Some(object),
                }),
            }
        }
    }
}

/// The classification wizard for `subject`.
pub fn classify_link(subject: Subject) -> String {
    let (field, id) = subject.field();
    format!("/classification/classify?{field}={id}")
}

/// What a register entry's page shows about its classification.
#[derive(Debug, Clone)]
pub struct ClassificationSummary {
    pub object: Option<ClassificationObject>,
    /// The wizard for this entry.
    pub classify_link: String,
    pub may_classify: bool,
    pub overdue: bool,
}

impl ClassificationSummary {
    /// "K3 R2 T2", or nothing before the first approval.
    pub fn levels(&self) -> Option<String> {
        self.object
            .as_ref()
            .and_then(ClassificationObject::levels)
            .map(|levels| levels.to_string())
    }
}

/// The classification of an asset or a system, for its page in the register.
pub async fn summary(
    state: &AppState,
    principal: &Principal,
    subject: Subject,
) -> Result<ClassificationSummary, AppError> {
    let target = target(state, principal, subject).await?;
    let today = Utc::now().date_naive();
    Ok(ClassificationSummary {
        may_classify: target.may_classify(principal),
        overdue: target
            .object
            .as_ref()
            .and_then(|o| o.next_review)
            .is_some_and(|date| review_overdue(date, today)),
        object: target.object,
        classify_link: classify_link(subject),
    })
}

/// The levels a system inherits from its classified assets; `None` for other objects.
pub async fn derived_levels(
    state: &AppState,
    principal: &Principal,
    target: &Target,
) -> Result<Option<Levels>, AppError> {
    match target.subject {
        Subject::System(id) => {
            Ok(classification::derived_levels(&state.db, principal.organisation_id, id).await?)
        }
        _ => Ok(None),
    }
}

/// Approves a classification of `target` as its next version.
pub async fn approve(
    state: &AppState,
    principal: &Principal,
    target: &Target,
    expected_version: Option<i64>,
    input: &ClassificationInput,
) -> Result<(ClassificationObject, ClassificationVersion), AppError> {
    if !target.may_classify(principal) {
        return Err(AppError::Forbidden);
    }
    let derived = derived_levels(state, principal, target).await?;
    let draft = input.validate(derived.as_ref(), Utc::now().date_naive())?;
    let subject = target
        .object
        .as_ref()
        .filter(|o| o.asset_id.is_none() && o.system_id.is_none())
        .map_or(target.subject, |o| Subject::Object(o.id));
    Ok(classification::approve(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        subject,
        expected_version,
        &draft,
    )
    .await?)
}

/// Names a process or document to classify. Its owner, or someone who manages the
/// registers, may do so.
pub async fn create_named_object(
    state: &AppState,
    principal: &Principal,
    kind: ObjectKind,
    name: &str,
    owner_id: Option<i64>,
    unit_id: Option<i64>,
) -> Result<ClassificationObject, AppError> {
    principal.require(Action::ViewRegisters)?;
    let own = owner_id == Some(principal.user_id);
    if !own && !principal.grants.allows_everywhere(Action::ManageRegisters) {
        return Err(AppError::Forbidden);
    }
    Ok(classification::create_named_object(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        kind,
        name,
        owner_id,
        unit_id,
    )
    .await?)
}

pub async fn versions(
    state: &AppState,
    principal: &Principal,
    object_id: i64,
) -> Result<Vec<ClassificationVersion>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(classification::versions(&state.db, principal.organisation_id, object_id).await?)
}

pub async fn list(
    state: &AppState,
    principal: &Principal,
    filter: &ObjectFilter,
    limit: i64,
    offset: i64,
) -> Result<Page<ClassificationObject>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(
        classification::list_objects(&state.db, principal.organisation_id, filter, limit, offset)
            .await?,
    )
}

/// The built-in requirements followed by the organisation's own.
pub async fn all_requirements(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<Requirement>, AppError> {
    principal.require(Action::ViewRegisters)?;
    let catalogue = catalogue()?;
    let own = classification::list_own_requirements(&state.db, principal.organisation_id).await?;
    let mut requirements = catalogue.requirements().to_vec();
    for stored in &own {
        match stored.as_input().validate(catalogue) {
            Ok(requirement) => requirements.push(requirement),
            // Only a code that a later catalogue took can fail here; the built-in wins.
            Err(errors) => tracing::warn!(code = stored.code, ?errors, "own requirement skipped"),
        }
    }
    Ok(requirements)
}

/// One requirement an object must meet, with the owner's assessment of it.
#[derive(Debug, Clone)]
pub struct AssessedRequirement {
    pub requirement: Requirement,
    pub assessment: Option<Assessment>,
}

/// The requirements the object's current levels trigger, with their assessments;
/// empty before the first approval.
pub async fn requirement_set(
    state: &AppState,
    principal: &Principal,
    object: &ClassificationObject,
) -> Result<Vec<AssessedRequirement>, AppError> {
    let Some(levels) = object.levels() else {
        return Ok(Vec::new());
    };
    let mut assessments =
        classification::assessments(&state.db, principal.organisation_id, object.id).await?;
    Ok(all_requirements(state, principal)
        .await?
        .into_iter()
        .filter(|requirement| requirement.applies_to(&levels))
        .map(|requirement| {
            let found = assessments
                .iter()
                .position(|a| a.requirement_code == requirement.id);
            AssessedRequirement {
                assessment: found.map(|index| assessments.swap_remove(index)),
                requirement,
            }
        })
        .collect())
}

/// Records the owner's self-assessment of one requirement of the object.
pub async fn assess(
    state: &AppState,
    principal: &Principal,
    target: &Target,
    requirement_code: &str,
    expected_version: Option<i64>,
    status: &str,
    how: &str,
) -> Result<Assessment, AppError> {
    if !target.may_classify(principal) {
        return Err(AppError::Forbidden);
    }
    let object = target.object.as_ref().ok_or(AppError::NotFound)?;
    let status = SelfAssessment::parse(status)
        .ok_or_else(|| ValidationErrors::single("status", "invalid-choice"))?;
    let applies = requirement_set(state, principal, object)
        .await?
        .iter()
        .any(|r| r.requirement.id == requirement_code);
    if !applies {
        return Err(AppError::NotFound);
    }
    let input = AssessmentInput {
        requirement_code,
        expected_version,
        status,
        how,
    };
    Ok(classification::assess(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        object.id,
        &input,
    )
    .await?)
}

/// Requirements assessed as partly met or not met: proposed measures for the action plan.
pub async fn proposed_measures(
    state: &AppState,
    principal: &Principal,
    limit: i64,
    offset: i64,
) -> Result<Page<UnmetRequirement>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(
        classification::unmet_requirements(&state.db, principal.organisation_id, limit, offset)
            .await?,
    )
}

pub async fn coverage(
    state: &AppState,
    principal: &Principal,
) -> Result<(Coverage, Vec<Unclassified>), AppError> {
    Ok((
        coverage_counts(state, principal).await?,
        classification::unclassified(&state.db, principal.organisation_id, 20).await?,
    ))
}

/// How much of each register is classified, and how much of that is still current.
pub async fn coverage_counts(
    state: &AppState,
    principal: &Principal,
) -> Result<Coverage, AppError> {
    principal.require(Action::ViewRegisters)?;
    let today = Utc::now().date_naive();
    Ok(classification::coverage(&state.db, principal.organisation_id, today).await?)
}

pub async fn own_requirements(
    state: &AppState,
    principal: &Principal,
) -> Result<Vec<OwnRequirement>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(classification::list_own_requirements(&state.db, principal.organisation_id).await?)
}

pub async fn own_requirement(
    state: &AppState,
    principal: &Principal,
    id: i64,
) -> Result<OwnRequirement, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(classification::get_own_requirement(&state.db, principal.organisation_id, id).await?)
}

pub async fn create_own_requirement(
    state: &AppState,
    principal: &Principal,
    input: &OwnRequirementInput,
) -> Result<OwnRequirement, AppError> {
    principal.require_everywhere(Action::ManageRequirements)?;
    let requirement = input.validate(catalogue()?)?;
    Ok(classification::create_own_requirement(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        &requirement,
    )
    .await?)
}

pub async fn update_own_requirement(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
    input: &OwnRequirementInput,
) -> Result<OwnRequirement, AppError> {
    principal.require_everywhere(Action::ManageRequirements)?;
    let requirement = input.validate(catalogue()?)?;
    Ok(classification::update_own_requirement(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
        &requirement,
    )
    .await?)
}

/// Notes a change or procurement of a system; its owners get a task to classify and
/// risk-analyse it. The entry's editors may note events.
pub async fn record_system_event(
    state: &AppState,
    principal: &Principal,
    system_id: i64,
    kind: &str,
    description: &str,
) -> Result<(SystemEvent, Vec<Task>), AppError> {
    let target = target(state, principal, Subject::System(system_id)).await?;
    if !target.may_classify(principal) {
        return Err(AppError::Forbidden);
    }
    let kind = SystemEventKind::parse(kind)
        .filter(|k| *k != SystemEventKind::Added)
        .ok_or_else(|| ValidationErrors::single("kind", "invalid-choice"))?;
    Ok(registers::record_system_event(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        system_id,
        kind,
        description,
    )
    .await?)
}

pub async fn system_events(
    state: &AppState,
    principal: &Principal,
    system_id: i64,
) -> Result<Vec<SystemEvent>, AppError> {
    principal.require(Action::ViewRegisters)?;
    Ok(registers::system_events(&state.db, principal.organisation_id, system_id).await?)
}

/// The caller's open tasks; those who manage the registers also see unassigned ones.
pub async fn my_tasks(state: &AppState, principal: &Principal) -> Result<Vec<OpenTask>, AppError> {
    let include_unassigned = principal.grants.allows_everywhere(Action::ManageRegisters);
    Ok(tasks::open_tasks(
        &state.db,
        principal.organisation_id,
        principal.user_id,
        include_unassigned,
        50,
    )
    .await?)
}

/// Marks a task done: its assignee may, and so may those who manage the registers.
pub async fn complete_task(
    state: &AppState,
    principal: &Principal,
    id: i64,
    version: i64,
) -> Result<Task, AppError> {
    let task = tasks::get_task(&state.db, principal.organisation_id, id).await?;
    let manager = principal.grants.allows_everywhere(Action::ManageRegisters);
    if task.assignee_id != Some(principal.user_id) && !manager {
        return Err(AppError::Forbidden);
    }
    Ok(tasks::complete_task(
        &state.db,
        principal.organisation_id,
        &principal.actor(),
        id,
        version,
    )
    .await?)
}
