//! Incidents (C18–C22, C37): one intake, the triage of seed 000, and every legal clock
//! at once.
//!
//! An employee reports a deviation ([`IntakeInput`]). The head of operations assesses
//! it and escalates it on up to three [`Track`]s ([`DeviationAssessmentInput`]); each
//! track's assessor decides whether it is reportable ([`TrackAssessmentInput`]) under
//! the [`Regime`] in force when the incident happened (`content/incidents/`). A
//! reportable track owes reports ([`plan`]) whose clocks run by [`due_at`]; the case
//! closes when no track is undecided, every report is submitted and the root cause and
//! lessons learned are written ([`close_blockers`]).

mod assessment;
mod deadline;
mod intake;
mod obligation;
mod phases;
mod regime;
mod report;
mod track;

#[cfg(test)]
mod tests;

pub use assessment::{
    detail_fields, suggests_significant, DeviationAssessment, DeviationAssessmentInput,
    TrackAssessment, TrackAssessmentInput,
};
pub use deadline::{
    due_at, from_swedish, parse_reminder_points, ClockState, ReminderPoint, DEFAULT_REMINDER_POINTS,
};
pub use intake::{parse_swedish_time, FollowUpDraft, FollowUpInput, IntakeDraft, IntakeInput};
pub use obligation::{
    clock_start_time, effective_deadline, plan, provisional, started_by, PlannedObligation, Targets,
};
pub use phases::{after_end, after_submission, may_be_incomplete, ClockChange, OpenReport};
pub use regime::{
    ClockStart, Condition, Deadline, IfOngoing, IncidentContent, IncidentContentError,
    ObligationRule, Regime, SignificanceQuestion,
};
pub use report::REPORT_FIELDS;
pub use track::{close_blockers, Category, ClockMoments, Track, TrackState, TrackStatus};
