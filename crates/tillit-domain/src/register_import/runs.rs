//! An import run: one import of a file, from the check of its rows to its outcome, as
//! every server process sees it.

use chrono::{DateTime, Duration, Utc};

/// Where an import run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunState {
    /// Reading the file and checking every row.
    Validating,
    /// Writing the rows.
    Importing,
    /// Every row written.
    Done,
    /// Refused (bad rows) or stopped by an error; nothing written.
    Failed,
}

impl RunState {
    pub const ALL: [RunState; 4] = [
        RunState::Validating,
        RunState::Importing,
        RunState::Done,
        RunState::Failed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RunState::Validating => "validating",
            RunState::Importing => "importing",
            RunState::Done => "done",
            RunState::Failed => "failed",
        }
    }

    pub fn parse(value: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn is_finished(self) -> bool {
        matches!(self, RunState::Done | RunState::Failed)
    }
}

/// How long an unfinished run may stand still before it counts as interrupted: the
/// server running it stopped, and its transaction was rolled back. The largest file
/// allowed is written in well under a minute.
pub const RUN_STALLED_AFTER: Duration = Duration::minutes(15);

/// The code of the failure recorded for an interrupted run.
pub const INTERRUPTED: &str = "interrupted";

/// The state of a run as recorded, unless it is unfinished and has not moved since
/// [`RUN_STALLED_AFTER`]: then it failed, interrupted.
pub fn effective_state(
    recorded: RunState,
    updated_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> RunState {
    if !recorded.is_finished() && now - updated_at > RUN_STALLED_AFTER {
        RunState::Failed
    } else {
        recorded
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_round_trip() {
        for state in RunState::ALL {
            assert_eq!(RunState::parse(state.as_str()), Some(state));
        }
        assert_eq!(RunState::parse("running"), None);
    }

    #[test]
    fn an_unfinished_run_that_stands_still_has_failed() {
        let updated = Utc::now();
        let soon = updated + Duration::minutes(14);
        let late = updated + Duration::minutes(16);
        assert_eq!(
            effective_state(RunState::Importing, updated, soon),
            RunState::Importing
        );
        assert_eq!(
            effective_state(RunState::Validating, updated, late),
            RunState::Failed
        );
        assert_eq!(
            effective_state(RunState::Importing, updated, late),
            RunState::Failed
        );
        assert_eq!(
            effective_state(RunState::Done, updated, late),
            RunState::Done
        );
    }
}
