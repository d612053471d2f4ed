//! The owner's self-assessment (självskattning) of each requirement.

use serde::{Deserialize, Serialize};

/// How well an object meets one requirement, as judged by its owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SelfAssessment {
    /// Uppfyllt.
    Fulfilled,
    /// Delvis uppfyllt.
    Partly,
    /// Ej uppfyllt.
    NotFulfilled,
    /// Ej tillämpligt.
    NotApplicable,
}

impl SelfAssessment {
    /// Every status, in the order a form offers them.
    pub const ALL: [SelfAssessment; 4] = [
        SelfAssessment::Fulfilled,
        SelfAssessment::Partly,
        SelfAssessment::NotFulfilled,
        SelfAssessment::NotApplicable,
    ];

    /// The code stored and used in the API.
    pub fn as_str(self) -> &'static str {
        match self {
            SelfAssessment::Fulfilled => "fulfilled",
            SelfAssessment::Partly => "partly",
            SelfAssessment::NotFulfilled => "not_fulfilled",
            SelfAssessment::NotApplicable => "not_applicable",
        }
    }

    /// Reads a code as written by [`SelfAssessment::as_str`].
    pub fn parse(value: &str) -> Option<SelfAssessment> {
        SelfAssessment::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
    }

    /// A requirement that is only partly met or not met becomes a proposed measure in
    /// the action plan.
    pub fn proposes_measure(self) -> bool {
        matches!(self, SelfAssessment::Partly | SelfAssessment::NotFulfilled)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for status in SelfAssessment::ALL {
            assert_eq!(SelfAssessment::parse(status.as_str()), Some(status));
        }
        assert_eq!(SelfAssessment::parse("uppfyllt"), None);
    }

    #[test]
    fn only_unmet_requirements_propose_a_measure() {
        let proposing: Vec<_> = SelfAssessment::ALL
            .into_iter()
            .filter(|status| status.proposes_measure())
            .collect();
        assert_eq!(
            proposing,
            [SelfAssessment::Partly, SelfAssessment::NotFulfilled]
        );
    }
}
