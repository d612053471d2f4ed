//! The tracks an incident can run on at once, and what each assessment decides.
//!
//! Every incident starts with the head of operations' assessment of the deviation
//! (seed 000 steps 1–3), which may escalate it on up to three tracks: a suspected
//! significant incident to the NIS assessors, possible patient harm to the MAS/MAR, and
//! personal data to the data protection officer. Each track's assessor then decides
//! whether the incident is reportable under the regime in force.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::Role;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Track {
    /// Cybersäkerhetslagen, or the NIS Act for older incidents.
    Cybersecurity,
    /// GDPR art. 33–34.
    PersonalData,
    /// Lex Maria.
    PatientSafety,
}

impl Track {
    pub const ALL: [Track; 3] = [
        Track::Cybersecurity,
        Track::PersonalData,
        Track::PatientSafety,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Track::Cybersecurity => "cybersecurity",
            Track::PersonalData => "personal_data",
            Track::PatientSafety => "patient_safety",
        }
    }

    pub fn parse(value: &str) -> Option<Track> {
        Track::ALL.into_iter().find(|t| t.as_str() == value)
    }

    /// The role that assesses the track once it is escalated.
    pub fn assessor(self) -> Role {
        match self {
            Track::Cybersecurity => Role::NisAssessor,
            Track::PersonalData => Role::DataProtectionOfficer,
            Track::PatientSafety => Role::MasMar,
        }
    }

    /// The statuses an assessment of this track may decide.
    pub fn decisions(self) -> &'static [TrackStatus] {
        match self {
            Track::PersonalData => &[
                TrackStatus::NotReportable,
                TrackStatus::DocumentedOnly,
                TrackStatus::Reportable,
                TrackStatus::ReportableHighRisk,
            ],
            Track::Cybersecurity | Track::PatientSafety => {
                &[TrackStatus::NotReportable, TrackStatus::Reportable]
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TrackStatus {
    /// Escalated and waiting for the assessor.
    Escalated,
    /// Not reportable: not a significant incident, not a personal data breach, not a
    /// Lex Maria case.
    NotReportable,
    /// A personal data breach that is documented but unlikely to result in a risk, so
    /// not notified to IMY.
    DocumentedOnly,
    Reportable,
    /// A personal data breach with a high risk: IMY and the data subjects are told.
    ReportableHighRisk,
}

impl TrackStatus {
    pub const ALL: [TrackStatus; 5] = [
        TrackStatus::Escalated,
        TrackStatus::NotReportable,
        TrackStatus::DocumentedOnly,
        TrackStatus::Reportable,
        TrackStatus::ReportableHighRisk,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TrackStatus::Escalated => "escalated",
            TrackStatus::NotReportable => "not_reportable",
            TrackStatus::DocumentedOnly => "documented_only",
            TrackStatus::Reportable => "reportable",
            TrackStatus::ReportableHighRisk => "reportable_high_risk",
        }
    }

    pub fn parse(value: &str) -> Option<TrackStatus> {
        TrackStatus::ALL.into_iter().find(|s| s.as_str() == value)
    }

    pub fn is_reportable(self) -> bool {
        matches!(
            self,
            TrackStatus::Reportable | TrackStatus::ReportableHighRisk
        )
    }
}

/// What kind of incident it is, for statistics and the annual report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// An attack or other IT security incident.
    ItSecurity,
    /// An outage or disruption of a system or service.
    Outage,
    /// Information handled wrongly: sent to the wrong recipient, lost, altered.
    InformationHandling,
    /// Access to information without a need (snooping, missing access control).
    UnauthorisedAccess,
    Other,
}

impl Category {
    pub const ALL: [Category; 5] = [
        Category::ItSecurity,
        Category::Outage,
        Category::InformationHandling,
        Category::UnauthorisedAccess,
        Category::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::ItSecurity => "it_security",
            Category::Outage => "outage",
            Category::InformationHandling => "information_handling",
            Category::UnauthorisedAccess => "unauthorised_access",
            Category::Other => "other",
        }
    }

    pub fn parse(value: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == value)
    }
}

/// A track's standing as the case page and the close check see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TrackState {
    pub track: Track,
    pub status: TrackStatus,
    /// Obligations of the track not yet submitted.
    pub open_obligations: usize,
}

/// Why a case cannot be closed yet, each a stable code the user is shown.
pub fn close_blockers(
    deviation_assessed: bool,
    tracks: &[TrackState],
    root_cause: &str,
    lessons_learned: &str,
) -> Vec<&'static str> {
    let mut blockers = Vec::new();
    if !deviation_assessed {
        blockers.push("not-assessed");
    }
    if tracks.iter().any(|t| t.status == TrackStatus::Escalated) {
        blockers.push("track-undecided");
    }
    if tracks.iter().any(|t| t.open_obligations > 0) {
        blockers.push("reports-open");
    }
    if root_cause.trim().is_empty() {
        blockers.push("root-cause-missing");
    }
    if lessons_learned.trim().is_empty() {
        blockers.push("lessons-missing");
    }
    blockers
}

/// The moments an obligation's clock can start from, as far as they are known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClockMoments {
    pub discovery: DateTime<Utc>,
    pub awareness: Option<DateTime<Utc>>,
    pub decision: Option<DateTime<Utc>>,
}
