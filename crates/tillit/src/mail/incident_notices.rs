//! Incident notices, composed every minute: a new case to the unit's manager and head of
//! operations (seed 000 steps 1–3), an escalated track to its assessors, each running
//! clock at the organisation's reminder points (e.g. half the time, one hour left,
//! overdue) to the reporting role of its regime and the track's assessors, and the
//! provisional clocks of a track still waiting for its assessor at the same points to
//! the assessors, so an unassessed case never runs out unnoticed.
//!
//! Every notice has a dedupe key naming the thing, the point and the person, so the
//! outbox composes it once however often the job runs, and a clock that has passed
//! several points at once (the server was down) sends only the latest.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, Utc};
use tillit_domain::auth::Role;
use tillit_domain::incident::{
    parse_reminder_points, provisional, IncidentContent, ReminderPoint, Track,
    DEFAULT_REMINDER_POINTS,
};
use tillit_domain::users::Language;
use tillit_store::incidents::notices::{self, EscalatedTrack, RoleHolder};
use tillit_store::incidents::{self as store, ClockFilter, OpenClock, Settings, Visibility};
use tillit_store::{org, Db};

/// New cases are announced for this long after they were reported.
const ANNOUNCE_DAYS: i64 = 7;
/// The deadline scan reads at most this many clocks per organisation and minute.
const MAX_CLOCKS: i64 = 100_000;

/// A composed notice for one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub user_id: i64,
    pub name: String,
    pub address: String,
    pub subject: String,
    pub body: String,
    pub dedupe_key: String,
}

struct Person<'a> {
    user_id: i64,
    name: &'a str,
    address: &'a str,
    language: Language,
}

impl<'a> From<&'a RoleHolder> for Person<'a> {
    fn from(h: &'a RoleHolder) -> Self {
        Person {
            user_id: h.user_id,
            name: &h.display_name,
            address: &h.email,
            language: language(h.locale.as_deref()),
        }
    }
}

fn language(locale: Option<&str>) -> Language {
    locale.and_then(Language::parse).unwrap_or_default()
}

/// Who holds which role for which units, and the unit tree to tell who covers a case.
struct Directory {
    holders: Vec<RoleHolder>,
    parents: HashMap<i64, Option<i64>>,
}

impl Directory {
    fn path(&self, unit: i64) -> Vec<i64> {
        let mut path = vec![unit];
        let mut current = unit;
        while let Some(Some(parent)) = self.parents.get(&current) {
            if path.contains(parent) {
                break;
            }
            path.push(*parent);
            current = *parent;
        }
        path
    }

    /// Everyone holding one of `roles` for the unit, once each, by user id.
    fn covering(&self, roles: &[Role], unit: i64) -> Vec<&RoleHolder> {
        let path = self.path(unit);
        let mut found: BTreeMap<i64, &RoleHolder> = BTreeMap::new();
        for holder in &self.holders {
            let role_matches = Role::parse(&holder.role).is_some_and(|r| roles.contains(&r));
            let covers = holder.unit_id.is_none_or(|u| path.contains(&u));
            if role_matches && covers {
                found.entry(holder.user_id).or_insert(holder);
            }
        }
        found.into_values().collect()
    }
}

fn text(language: Language, sv: String, en: String) -> String {
    match language {
        Language::Sv => sv,
        Language::En => en,
    }
}

fn local(t: &DateTime<Utc>) -> String {
    t.with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%d %H:%M")
        .to_string()
}

fn notice(person: Person<'_>, subject: String, line: String, link: String, key: String) -> Notice {
    let body = text(
        person.language,
        format!(
            "Hej {}!\n\n{line}\n\n{link}\n\nDet här är ett automatiskt utskick från tillit och går inte att svara på.\n",
            person.name
        ),
        format!(
            "Hello {},\n\n{line}\n\n{link}\n\nThis message was sent automatically by tillit; replies are not read.\n",
            person.name
        ),
    );
    Notice {
        user_id: person.user_id,
        name: person.name.to_owned(),
        address: person.address.to_owned(),
        subject,
        body,
        dedupe_key: key,
    }
}

/// The latest reminder point a clock from `start` to `due` has reached at `now`.
fn reached(
    points: &[ReminderPoint],
    start: DateTime<Utc>,
    due: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<ReminderPoint> {
    points
        .iter()
        .filter_map(|p| p.at(start, due).map(|at| (at, *p)))
        .filter(|(at, _)| *at <= now)
        .max_by_key(|(at, _)| *at)
        .map(|(_, p)| p)
}

/// Every notice due in the organisation at `now`; links start with `public_url`.
pub async fn compose(
    db: &Db,
    organisation_id: i64,
    now: DateTime<Utc>,
    public_url: &str,
) -> anyhow::Result<Vec<Notice>> {
    let content = IncidentContent::builtin()?;
    let settings = store::settings(db, organisation_id).await?;
    let directory = Directory {
        holders: notices::role_holders(db, organisation_id).await?,
        parents: org::all_units(db, organisation_id)
            .await?
            .into_iter()
            .map(|u| (u.id, u.parent_id))
            .collect(),
    };
    let mut composed = Vec::new();
    let link = |incident_id: i64| format!("{public_url}/incidents/{incident_id}");

    for case in
        notices::unassessed_since(db, organisation_id, now - Duration::days(ANNOUNCE_DAYS)).await?
    {
        let mut people: Vec<Person<'_>> = directory
            .covering(&[Role::HeadOfOperations], case.unit_id)
            .into_iter()
            .map(Person::from)
            .collect();
        if let (Some(id), Some(address), Some(name)) = (
            case.manager_id,
            case.manager_email.as_deref(),
            case.manager_name.as_deref(),
        ) {
            if !people.iter().any(|p| p.user_id == id) {
                people.push(Person {
                    user_id: id,
                    name,
                    address,
                    language: language(case.manager_locale.as_deref()),
                });
            }
        }
        for person in people {
            let language = person.language;
            let key = format!("incident-reported:{}:{}", case.incident_id, person.user_id);
            composed.push(notice(
                person,
                text(
                    language,
                    format!("Ny avvikelse att bedöma: {} {}", case.designation, case.title),
                    format!("New deviation to assess: {} {}", case.designation, case.title),
                ),
                text(
                    language,
                    "En avvikelse har rapporterats i din verksamhet och väntar på din bedömning.".into(),
                    "A deviation has been reported in your unit and is waiting for your assessment.".into(),
                ),
                link(case.incident_id),
                key,
            ));
        }
    }

    let points = parse_reminder_points(&settings.reminder_points)
        .unwrap_or_else(|| DEFAULT_REMINDER_POINTS.to_vec());
    for track in notices::escalated_tracks(db, organisation_id).await? {
        let Some(kind) = Track::parse(&track.track) else {
            continue;
        };
        composed.extend(provisional_notices(
            &content, &settings, &directory, &track, &points, now, public_url,
        ));
        for holder in directory.covering(&[kind.assessor()], track.unit_id) {
            let person = Person::from(holder);
            let language = person.language;
            let key = format!("incident-escalated:{}:{}", track.track_id, person.user_id);
            composed.push(notice(
                person,
                text(
                    language,
                    format!("Att bedöma: {} {}", track.designation, track.title),
                    format!("To assess: {} {}", track.designation, track.title),
                ),
                text(
                    language,
                    format!(
                        "Ärendet har eskalerats till dig för bedömning av spåret {}.",
                        track_name(kind, Language::Sv)
                    ),
                    format!(
                        "The case has been escalated to you to assess its {} track.",
                        track_name(kind, Language::En)
                    ),
                ),
                link(track.incident_id),
                key,
            ));
        }
    }

    let clocks = store::open_clocks(
        db,
        organisation_id,
        &ClockFilter {
            visibility: Visibility::All,
            due_before: None,
            limit: MAX_CLOCKS,
        },
    )
    .await?;
    for clock in &clocks {
        let Some(point) = reached(&points, clock.starts_at, clock.due_at, now) else {
            continue;
        };
        composed.extend(clock_notices(
            &content, &settings, &directory, clock, point, now, public_url,
        ));
    }
    Ok(composed)
}

fn track_name(track: Track, language: Language) -> &'static str {
    match (track, language) {
        (Track::Cybersecurity, Language::Sv) => "cybersäkerhet",
        (Track::PersonalData, Language::Sv) => "personuppgifter",
        (Track::PatientSafety, Language::Sv) => "patientsäkerhet",
        (Track::Cybersecurity, Language::En) => "cybersecurity",
        (Track::PersonalData, Language::En) => "personal data",
        (Track::PatientSafety, Language::En) => "patient safety",
    }
}

/// The notices of the provisional clocks of a track waiting for its assessor: each clock
/// that runs from the discovery (the regime in force when the incident happened), at the
/// latest reminder point it has reached, to the track's assessors.
fn provisional_notices(
    content: &IncidentContent,
    settings: &Settings,
    directory: &Directory,
    track: &EscalatedTrack,
    points: &[ReminderPoint],
    now: DateTime<Utc>,
    public_url: &str,
) -> Vec<Notice> {
    let Some(kind) = Track::parse(&track.track) else {
        return Vec::new();
    };
    let Some(regime) = content.regime_for(kind, track.occurred_on) else {
        return Vec::new();
    };
    let assessors = directory.covering(&[kind.assessor()], track.unit_id);
    let mut composed = Vec::new();
    for clock in provisional(regime, track.discovered_at, &settings.targets) {
        let (Some(start), Some(due_at), Some(rule)) = (
            clock.starts_at,
            clock.due_at,
            regime.obligation(&clock.code),
        ) else {
            continue;
        };
        let Some(point) = reached(points, start, due_at, now) else {
            continue;
        };
        let due = local(&due_at);
        let overdue = now >= due_at;
        for holder in &assessors {
            let person = Person::from(*holder);
            let language = person.language;
            let report = format!(
                "{}: {}",
                regime.name.in_language(language),
                rule.name.in_language(language)
            );
            let subject = if overdue {
                text(
                    language,
                    format!("Obedömd och försenad: {report} för {}", track.designation),
                    format!("Unassessed and overdue: {report} for {}", track.designation),
                )
            } else {
                text(
                    language,
                    format!("Obedömd: {report} för {} senast {due}", track.designation),
                    format!("Unassessed: {report} for {} due {due}", track.designation),
                )
            };
            let line = text(
                language,
                format!(
                    "Spåret {} i {} {} väntar fortfarande på din bedömning. Om händelsen är anmälningspliktig ska {report} lämnas senast {due} (svensk tid), räknat från upptäckten.",
                    track_name(kind, Language::Sv),
                    track.designation,
                    track.title
                ),
                format!(
                    "The {} track of {} {} is still waiting for your assessment. If the event is reportable, {report} is due {due} (Swedish time), counted from the discovery.",
                    track_name(kind, Language::En),
                    track.designation,
                    track.title
                ),
            );
            let key = format!(
                "incident-provisional:{}:{}:{}:{}",
                track.track_id,
                clock.code,
                point.as_code(),
                person.user_id
            );
            composed.push(notice(
                person,
                subject,
                line,
                format!("{public_url}/incidents/{}", track.incident_id),
                key,
            ));
        }
    }
    composed
}

/// The notices of one clock at `point`: to the regime's reporting role (for
/// cybersecurity, the organisation's reporting mandate) and the track's assessors.
fn clock_notices(
    content: &IncidentContent,
    settings: &Settings,
    directory: &Directory,
    clock: &OpenClock,
    point: ReminderPoint,
    now: DateTime<Utc>,
    public_url: &str,
) -> Vec<Notice> {
    let Some(regime) = content.regime(&clock.regime) else {
        return Vec::new();
    };
    let Some(rule) = regime.obligation(&clock.code) else {
        return Vec::new();
    };
    let Some(track) = Track::parse(&clock.track) else {
        return Vec::new();
    };
    let reporter = regime.reporting_role(Role::parse(&settings.reporting_mandate_role));
    let due = local(&clock.due_at);
    let overdue = now >= clock.due_at;
    directory
        .covering(&[reporter, track.assessor()], clock.unit_id)
        .into_iter()
        .map(|holder| {
            let person = Person::from(holder);
            let language = person.language;
            let report = format!(
                "{}: {}",
                regime.name.in_language(language),
                rule.name.in_language(language)
            );
            let subject = if overdue {
                text(
                    language,
                    format!("Försenad: {report} för {}", clock.designation),
                    format!("Overdue: {report} for {}", clock.designation),
                )
            } else {
                text(
                    language,
                    format!("{report} för {} senast {due}", clock.designation),
                    format!("{report} for {} due {due}", clock.designation),
                )
            };
            let line = if overdue {
                text(
                    language,
                    format!("{report} för {} {} skulle ha lämnats senast {due} (svensk tid) och är inte markerad som lämnad.", clock.designation, clock.title),
                    format!("{report} for {} {} was due {due} (Swedish time) and is not marked as submitted.", clock.designation, clock.title),
                )
            } else {
                text(
                    language,
                    format!("{report} för {} {} ska lämnas senast {due} (svensk tid).", clock.designation, clock.title),
                    format!("{report} for {} {} is due {due} (Swedish time).", clock.designation, clock.title),
                )
            };
            let key = format!(
                "incident-clock:{}:{}:{}",
                clock.obligation_id,
                point.as_code(),
                person.user_id
            );
            notice(
                person,
                subject,
                line,
                format!("{public_url}/incidents/{}", clock.incident_id),
                key,
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_latest_reminder_point_reached_counts() {
        let start = Utc::now() - Duration::hours(30);
        let due = start + Duration::hours(24);
        let points = DEFAULT_REMINDER_POINTS.to_vec();
        assert_eq!(
            reached(&points, start, due, start + Duration::hours(1)),
            None
        );
        assert_eq!(
            reached(&points, start, due, start + Duration::hours(13)),
            Some(ReminderPoint::Half)
        );
        assert_eq!(
            reached(&points, start, due, due - Duration::minutes(30)),
            Some(ReminderPoint::HoursLeft(1))
        );
        assert_eq!(
            reached(&points, start, due, due + Duration::hours(2)),
            Some(ReminderPoint::Overdue)
        );
    }
}
