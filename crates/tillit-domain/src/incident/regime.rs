//! The reporting regimes in `content/incidents/`: which law applies to which track and
//! when, who receives the reports, and each obligation's clock.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::report::REPORT_FIELDS;
use super::track::Track;
use crate::auth::Role;
use crate::classification::Text;

const REGIMES_TOML: &str = include_str!("../../../../content/incidents/regimes.toml");
const SIGNIFICANCE_TOML: &str = include_str!("../../../../content/incidents/significance.toml");

/// When an obligation's clock starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ClockStart {
    /// When the event was discovered.
    Discovery,
    /// When the organisation became aware that the regime applies.
    Awareness,
    /// When the assessment decided to report.
    Decision,
    /// When the named obligation of the same regime was submitted.
    After(String),
    /// When the incident was handled: the case's end time.
    End,
}

impl ClockStart {
    fn parse(value: &str) -> Option<ClockStart> {
        match value {
            "discovery" => Some(ClockStart::Discovery),
            "awareness" => Some(ClockStart::Awareness),
            "decision" => Some(ClockStart::Decision),
            "end" => Some(ClockStart::End),
            other => other
                .strip_prefix("after:")
                .filter(|code| !code.is_empty())
                .map(|code| ClockStart::After(code.to_owned())),
        }
    }

    /// The stable code shown to users and stored with each obligation.
    pub fn as_code(&self) -> String {
        match self {
            ClockStart::Discovery => "discovery".into(),
            ClockStart::Awareness => "awareness".into(),
            ClockStart::Decision => "decision".into(),
            ClockStart::After(code) => format!("after:{code}"),
            ClockStart::End => "end".into(),
        }
    }
}

/// How long an obligation may take from its clock start.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Deadline {
    /// A legal deadline in hours: exact elapsed time, whatever the clocks on the wall do.
    Hours(u32),
    /// A legal deadline in calendar months, counted in Swedish time.
    Months(u32),
    /// The law says "as soon as possible"; the organisation's own target in calendar days.
    TargetDays(u32),
}

impl Deadline {
    /// Whether the law sets the time (rather than the organisation's own target).
    pub fn is_legal(self) -> bool {
        !matches!(self, Deadline::TargetDays(_))
    }
}

/// When an obligation arises once its track is reportable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    Always,
    /// Only when the assessment found a high risk for the data subjects.
    HighRisk,
    /// Only when the incident is still ongoing when the report falls due (the progress
    /// report); planned with the track and dropped when the incident ends in time.
    Ongoing,
    /// Only when the report it follows was submitted without every detail, which are then
    /// given in phases; added when that report is submitted as incomplete.
    Incomplete,
}

impl Condition {
    pub fn as_str(self) -> &'static str {
        match self {
            Condition::Always => "always",
            Condition::HighRisk => "high_risk",
            Condition::Ongoing => "ongoing",
            Condition::Incomplete => "incomplete",
        }
    }
}

/// What happens to a report when the incident is still ongoing as it falls due: another
/// report is due instead, and this one's clock starts again later.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct IfOngoing {
    /// The report due instead (an obligation of the regime with [`Condition::Ongoing`]).
    pub instead: String,
    pub clock_start: ClockStart,
    pub deadline: Deadline,
    pub sources: Vec<String>,
}

/// One report a regime asks for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObligationRule {
    pub code: String,
    pub name: Text,
    pub description: Text,
    pub clock_start: ClockStart,
    pub deadline: Deadline,
    pub when: Condition,
    /// The report-draft fields the recipient asks for, see [`REPORT_FIELDS`].
    pub fields: Vec<String>,
    pub sources: Vec<String>,
    pub if_ongoing: Option<IfOngoing>,
}

/// A law that makes some incidents reportable, with its obligations.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Regime {
    pub id: String,
    pub track: Track,
    pub name: Text,
    pub trigger: Text,
    /// First day (Swedish date) of incidents the regime applies to.
    pub effective_from: Option<NaiveDate>,
    /// The first day it no longer applies to.
    pub effective_until: Option<NaiveDate>,
    pub recipient: String,
    pub reporter_role: Role,
    pub sources: Vec<String>,
    pub obligations: Vec<ObligationRule>,
}

impl Regime {
    /// Whether an incident that started on `date` is judged by this regime.
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective_from.is_none_or(|from| from <= date)
            && self.effective_until.is_none_or(|until| date < until)
    }

    pub fn obligation(&self, code: &str) -> Option<&ObligationRule> {
        self.obligations.iter().find(|o| o.code == code)
    }

    /// The reports added when report `code` is submitted as incomplete (the supplements).
    pub fn supplements_of(&self, code: &str) -> impl Iterator<Item = &ObligationRule> {
        let start = ClockStart::After(code.to_owned());
        self.obligations
            .iter()
            .filter(move |o| o.when == Condition::Incomplete && o.clock_start == start)
    }

    /// The role that may mark this regime's reports as submitted: for the cybersecurity
    /// track the organisation's reporting mandate when it has named one, otherwise the
    /// regime's own reporting role.
    pub fn reporting_role(&self, mandate: Option<Role>) -> Role {
        match (self.track, mandate) {
            (Track::Cybersecurity, Some(role)) => role,
            _ => self.reporter_role,
        }
    }
}

/// A question of the decision support for "betydande incident".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignificanceQuestion {
    pub id: String,
    /// A legal criterion: yes to any of them suggests a significant incident.
    pub criterion: bool,
    pub text: Text,
    pub help: Text,
    pub sources: Vec<String>,
}

/// Everything in `content/incidents/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncidentContent {
    regimes: Vec<Regime>,
    questions: Vec<SignificanceQuestion>,
}

/// The content is invalid; every problem found is listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the incident content has {} problem(s):\n  {}", .0.len(), .0.join("\n  "))]
pub struct IncidentContentError(pub Vec<String>);

impl IncidentContent {
    /// The content shipped in `content/incidents/`, compiled into the binary.
    pub fn builtin() -> Result<IncidentContent, IncidentContentError> {
        IncidentContent::from_toml(REGIMES_TOML, SIGNIFICANCE_TOML)
    }

    pub fn from_toml(
        regimes_toml: &str,
        significance_toml: &str,
    ) -> Result<IncidentContent, IncidentContentError> {
        let mut problems = Vec::new();
        let regimes: Option<RawRegimeFile> = toml::from_str(regimes_toml)
            .map_err(|e| problems.push(format!("regimes.toml: {e}")))
            .ok();
        let significance: Option<RawSignificanceFile> = toml::from_str(significance_toml)
            .map_err(|e| problems.push(format!("significance.toml: {e}")))
            .ok();
        let (Some(regimes), Some(significance)) = (regimes, significance) else {
            return Err(IncidentContentError(problems));
        };
        let regimes = regimes
            .regime
            .into_iter()
            .filter_map(|raw| regime(raw, &mut problems))
            .collect::<Vec<_>>();
        check_regimes(&regimes, &mut problems);
        let questions = questions(significance.question, &mut problems);
        if problems.is_empty() {
            Ok(IncidentContent { regimes, questions })
        } else {
            Err(IncidentContentError(problems))
        }
    }

    pub fn regimes(&self) -> &[Regime] {
        &self.regimes
    }

    pub fn regime(&self, id: &str) -> Option<&Regime> {
        self.regimes.iter().find(|r| r.id == id)
    }

    /// The regime of `track` in force for an incident that started on `date`.
    pub fn regime_for(&self, track: Track, date: NaiveDate) -> Option<&Regime> {
        self.regimes
            .iter()
            .find(|r| r.track == track && r.in_force_on(date))
    }

    pub fn questions(&self) -> &[SignificanceQuestion] {
        &self.questions
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegimeFile {
    regime: Vec<RawRegime>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegime {
    id: String,
    track: String,
    name: Text,
    trigger: Text,
    effective_from: Option<NaiveDate>,
    effective_until: Option<NaiveDate>,
    recipient: String,
    reporter_role: String,
    sources: Vec<String>,
    obligation: Vec<RawObligation>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObligation {
    code: String,
    name: Text,
    description: Text,
    clock_start: String,
    within_hours: Option<u32>,
    within_months: Option<u32>,
    target_days: Option<u32>,
    #[serde(default)]
    when: Option<String>,
    fields: Vec<String>,
    sources: Vec<String>,
    if_ongoing: Option<RawIfOngoing>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawIfOngoing {
    instead: String,
    clock_start: String,
    within_hours: Option<u32>,
    within_months: Option<u32>,
    target_days: Option<u32>,
    sources: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSignificanceFile {
    question: Vec<RawQuestion>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawQuestion {
    id: String,
    criterion: bool,
    text: Text,
    help: Text,
    sources: Vec<String>,
}

fn blank(text: &Text) -> bool {
    text.sv.trim().is_empty() || text.en.trim().is_empty()
}

fn no_sources(sources: &[String]) -> bool {
    sources.is_empty() || sources.iter().any(|s| s.trim().is_empty())
}

fn regime(raw: RawRegime, problems: &mut Vec<String>) -> Option<Regime> {
    let id = raw.id.clone();
    let before = problems.len();
    let track = Track::parse(&raw.track);
    if track.is_none() {
        problems.push(format!("regime {id}: unknown track {}", raw.track));
    }
    let reporter_role = Role::parse(&raw.reporter_role);
    if reporter_role.is_none() {
        problems.push(format!("regime {id}: unknown role {}", raw.reporter_role));
    }
    if blank(&raw.name) || blank(&raw.trigger) || raw.recipient.trim().is_empty() {
        problems.push(format!(
            "regime {id}: name, trigger and recipient are required"
        ));
    }
    if no_sources(&raw.sources) {
        problems.push(format!("regime {id}: every regime cites its legal sources"));
    }
    if let (Some(from), Some(until)) = (raw.effective_from, raw.effective_until) {
        if from >= until {
            problems.push(format!(
                "regime {id}: effective_from must come before effective_until"
            ));
        }
    }
    let mut codes = HashSet::new();
    let mut obligations = Vec::new();
    for raw_obligation in raw.obligation {
        let code = raw_obligation.code.clone();
        if !codes.insert(code.clone()) {
            problems.push(format!("regime {id}: obligation {code} appears twice"));
        }
        if let Some(obligation) = obligation(&id, raw_obligation, &codes, problems) {
            obligations.push(obligation);
        }
    }
    if obligations.is_empty() && problems.len() == before {
        problems.push(format!("regime {id}: has no obligations"));
    }
    check_if_ongoing(&id, &obligations, problems);
    (problems.len() == before).then_some(Regime {
        id,
        track: track?,
        name: raw.name,
        trigger: raw.trigger,
        effective_from: raw.effective_from,
        effective_until: raw.effective_until,
        recipient: raw.recipient.trim().to_owned(),
        reporter_role: reporter_role?,
        sources: raw.sources,
        obligations,
    })
}

/// `earlier` holds the codes up to and including this one; an `after:` clock may only
/// follow an obligation listed before it.
fn obligation(
    regime: &str,
    raw: RawObligation,
    earlier: &HashSet<String>,
    problems: &mut Vec<String>,
) -> Option<ObligationRule> {
    let code = raw.code;
    let before = problems.len();
    let clock_start = ClockStart::parse(&raw.clock_start);
    match &clock_start {
        None => problems.push(format!(
            "regime {regime}, obligation {code}: unknown clock_start {}",
            raw.clock_start
        )),
        Some(ClockStart::After(other)) if other == &code || !earlier.contains(other) => {
            problems.push(format!(
                "regime {regime}, obligation {code}: clock_start must name an obligation listed before it"
            ))
        }
        Some(_) => {}
    }
    let deadline = deadline_of(
        (raw.within_hours, raw.within_months, raw.target_days),
        &format!("regime {regime}, obligation {code}"),
        problems,
    );
    let if_ongoing = raw.if_ongoing.and_then(|raw| {
        if_ongoing(
            &format!("regime {regime}, obligation {code}"),
            raw,
            problems,
        )
    });
    let when = match raw.when.as_deref() {
        None | Some("always") => Some(Condition::Always),
        Some("high_risk") => Some(Condition::HighRisk),
        Some("ongoing") => Some(Condition::Ongoing),
        Some("incomplete") => Some(Condition::Incomplete),
        Some(other) => {
            problems.push(format!(
                "regime {regime}, obligation {code}: unknown when {other}"
            ));
            None
        }
    };
    if blank(&raw.name) || blank(&raw.description) {
        problems.push(format!(
            "regime {regime}, obligation {code}: name and description are required"
        ));
    }
    if no_sources(&raw.sources) {
        problems.push(format!(
            "regime {regime}, obligation {code}: every obligation cites its legal source"
        ));
    }
    for field in &raw.fields {
        if !REPORT_FIELDS.contains(&field.as_str()) {
            problems.push(format!(
                "regime {regime}, obligation {code}: unknown report field {field}"
            ));
        }
    }
    (problems.len() == before).then_some(ObligationRule {
        code,
        name: raw.name,
        description: raw.description,
        clock_start: clock_start?,
        deadline: deadline?,
        when: when?,
        fields: raw.fields,
        sources: raw.sources,
        if_ongoing,
    })
}

/// Exactly one positive deadline of the three kinds.
fn deadline_of(
    (hours, months, days): (Option<u32>, Option<u32>, Option<u32>),
    what: &str,
    problems: &mut Vec<String>,
) -> Option<Deadline> {
    match (hours, months, days) {
        (Some(h), None, None) if h > 0 => Some(Deadline::Hours(h)),
        (None, Some(m), None) if m > 0 => Some(Deadline::Months(m)),
        (None, None, Some(d)) if d > 0 => Some(Deadline::TargetDays(d)),
        _ => {
            problems.push(format!(
                "{what}: give exactly one positive within_hours, within_months or target_days"
            ));
            None
        }
    }
}

fn if_ongoing(what: &str, raw: RawIfOngoing, problems: &mut Vec<String>) -> Option<IfOngoing> {
    let before = problems.len();
    let clock_start = ClockStart::parse(&raw.clock_start);
    if clock_start.is_none() {
        problems.push(format!(
            "{what}: unknown if_ongoing.clock_start {}",
            raw.clock_start
        ));
    }
    let deadline = deadline_of(
        (raw.within_hours, raw.within_months, raw.target_days),
        &format!("{what}, if_ongoing"),
        problems,
    );
    if no_sources(&raw.sources) {
        problems.push(format!("{what}: if_ongoing cites its legal source"));
    }
    (problems.len() == before).then_some(IfOngoing {
        instead: raw.instead,
        clock_start: clock_start?,
        deadline: deadline?,
        sources: raw.sources,
    })
}

/// A report due instead while the incident is ongoing is one of the regime's reports
/// that applies only then, and it starts with the report it replaces.
fn check_if_ongoing(regime: &str, obligations: &[ObligationRule], problems: &mut Vec<String>) {
    for rule in obligations {
        let Some(if_ongoing) = &rule.if_ongoing else {
            continue;
        };
        let instead = obligations.iter().find(|o| o.code == if_ongoing.instead);
        let fits = instead.is_some_and(|o| {
            o.when == Condition::Ongoing
                && o.clock_start == rule.clock_start
                && o.deadline == rule.deadline
        });
        if !fits {
            problems.push(format!(
                "regime {regime}, obligation {}: if_ongoing.instead must name an obligation with when = \"ongoing\" and the same clock",
                rule.code
            ));
        }
    }
}

/// Regime ids are unique, and two regimes of one track never apply on the same day.
fn check_regimes(regimes: &[Regime], problems: &mut Vec<String>) {
    let mut ids = HashSet::new();
    for regime in regimes {
        if !ids.insert(regime.id.as_str()) {
            problems.push(format!("regime {} appears twice", regime.id));
        }
    }
    for (i, a) in regimes.iter().enumerate() {
        for b in &regimes[i + 1..] {
            let overlap = a.track == b.track
                && a.effective_from.max(b.effective_from).is_none_or(|start| {
                    [a.effective_until, b.effective_until]
                        .into_iter()
                        .flatten()
                        .all(|end| start < end)
                });
            if overlap {
                problems.push(format!(
                    "regimes {} and {} of one track apply on the same days",
                    a.id, b.id
                ));
            }
        }
    }
}

fn questions(raw: Vec<RawQuestion>, problems: &mut Vec<String>) -> Vec<SignificanceQuestion> {
    let mut ids = HashSet::new();
    let mut questions = Vec::new();
    for q in raw {
        if !ids.insert(q.id.clone()) {
            problems.push(format!("question {} appears twice", q.id));
        }
        if blank(&q.text) || blank(&q.help) {
            problems.push(format!("question {}: text and help are required", q.id));
        }
        if no_sources(&q.sources) {
            problems.push(format!(
                "question {}: every question cites its source",
                q.id
            ));
        }
        questions.push(SignificanceQuestion {
            id: q.id,
            criterion: q.criterion,
            text: q.text,
            help: q.help,
            sources: q.sources,
        });
    }
    if !questions.iter().any(|q| q.criterion) {
        problems.push("significance.toml: at least one question must be a criterion".into());
    }
    questions
}
