//! The incident part of the large dataset: 5,000 open cases from the last 30 days with
//! running, waiting and overdue clocks on every track, for the start page and the
//! deadline scan, and 2,500 closed cases over the last two years, with reports on time
//! and late, for the statistics.
//!
//! Cases go in with the store's multi-row inserts, in transactions of a thousand.

use anyhow::anyhow;
use chrono::{DateTime, Duration, Utc};
use tillit_domain::incident::{
    plan, started_by, Category, ClockMoments, IncidentContent, IntakeInput, Targets, Track,
    TrackStatus,
};
use tillit_store::incidents::{self as store, NewIncident, NewTrack};
use tillit_store::Db;

use super::{demo_actor, LargeTree};

pub(crate) const OPEN_CASES: usize = 5_000;
pub(super) const CLOSED_CASES: usize = 2_500;
const CASES_PER_TRANSACTION: usize = 1_000;

const TITLES: [(&str, Category); 6] = [
    ("Journalen svarar inte", Category::Outage),
    ("Misstänkt nätfiske mot personal", Category::ItSecurity),
    (
        "Brev skickat till fel mottagare",
        Category::InformationHandling,
    ),
    ("Obehörig läsning i journalen", Category::UnauthorisedAccess),
    ("Medicinteknisk utrustning tappade nätet", Category::Outage),
    ("Borttappad mobiltelefon i hemtjänsten", Category::Other),
];

/// What the large incident dataset holds.
pub(super) struct LargeIncidents {
    pub(super) open: usize,
    pub(super) closed: usize,
}

pub(super) async fn load_large_incidents(
    db: &Db,
    organisation_id: i64,
    tree: &LargeTree,
    systems: &[i64],
    now: DateTime<Utc>,
) -> anyhow::Result<LargeIncidents> {
    let content = IncidentContent::builtin().map_err(|e| anyhow!("{e}"))?;
    let cases: Vec<NewIncident> = (0..OPEN_CASES + CLOSED_CASES)
        .map(|n| case(&content, tree, systems, n, now))
        .collect::<anyhow::Result<_>>()?;
    for chunk in cases.chunks(CASES_PER_TRANSACTION) {
        let mut tx = db.begin().await?;
        store::insert_incidents(&mut tx, organisation_id, &demo_actor(), chunk).await?;
        tx.commit().await?;
    }
    Ok(LargeIncidents {
        open: OPEN_CASES,
        closed: CLOSED_CASES,
    })
}

/// Case `n`: open for the first [`OPEN_CASES`], closed after.
fn case(
    content: &IncidentContent,
    tree: &LargeTree,
    systems: &[i64],
    n: usize,
    now: DateTime<Utc>,
) -> anyhow::Result<NewIncident> {
    let open = n < OPEN_CASES;
    let age = if open {
        Duration::minutes(((n * 37) % (30 * 24 * 60)) as i64 + 30)
    } else {
        Duration::days(31 + ((n * 7) % 700) as i64)
    };
    let discovered = now - age;
    let placement = tree
        .placement(n * 13)
        .ok_or_else(|| anyhow!("the large tree has no units"))?;
    let (title, category) = TITLES[n % TITLES.len()];
    let system = systems.get((n * 31) % systems.len().max(1)).copied();
    let system_ids: Vec<i64> = system.into_iter().collect();
    let title = format!("{title} ({})", placement.unit_name);
    let draft = IntakeInput {
        title: &title,
        description: "Rapporterad av personal på enheten.",
        started_at: Some(discovered - Duration::minutes(45)),
        discovered_at: Some(discovered),
        unit_id: Some(placement.unit_id),
        system_ids: &system_ids,
        care_disrupted: n.is_multiple_of(3),
        personal_data: n.is_multiple_of(4),
        patient_harm: n.is_multiple_of(7),
    }
    .validate(now)
    .map_err(|e| anyhow!("case {n}: {e:?}"))?;
    let assessed_at = discovered + Duration::hours(2);
    // One open case in five still waits for the head of operations.
    let unassessed = open && n.is_multiple_of(5);
    let assessment = (!unassessed).then(|| {
        (
            category,
            "Bedömd av verksamhetschefen.".to_owned(),
            assessed_at.min(now),
            "verksamhetschef@region.example".to_owned(),
        )
    });
    let occurred = draft.occurred_on();
    let mut tracks = Vec::new();
    let candidates = [
        (n.is_multiple_of(3), Track::Cybersecurity),
        (n.is_multiple_of(4), Track::PersonalData),
        (n.is_multiple_of(7), Track::PatientSafety),
    ];
    for (applies, track) in candidates {
        if !applies || assessment.is_none() {
            continue;
        }
        let Some(regime) = content.regime_for(track, occurred) else {
            continue;
        };
        let decided_at = (discovered + Duration::hours(3)).min(now);
        let waiting = open && n.is_multiple_of(11);
        let status = if waiting {
            TrackStatus::Escalated
        } else if n.is_multiple_of(2) {
            TrackStatus::Reportable
        } else {
            TrackStatus::NotReportable
        };
        let awareness = discovered + Duration::minutes(30);
        let moments = ClockMoments {
            discovery: discovered,
            awareness: Some(awareness),
            decision: Some(decided_at),
        };
        let mut planned = plan(regime, status, moments, &Targets::new());
        // Open cases have submitted what is more than a day old; closed cases all, one
        // in ten of them late.
        let mut submitted = Vec::new();
        for index in 0..planned.len() {
            let Some(due) = planned[index].due_at else {
                continue;
            };
            let at = if open {
                if due - Duration::hours(12) > now || n.is_multiple_of(9) {
                    continue;
                }
                (due - Duration::hours(6)).min(now)
            } else if n.is_multiple_of(10) {
                due + Duration::hours(5)
            } else {
                due - Duration::hours(2)
            };
            submitted.push((planned[index].code.clone(), at));
            // The reports that wait for this one start when it is submitted.
            let code = planned[index].code.clone();
            for (waiting_code, due) in started_by(regime, &code, at, &Targets::new()) {
                for waiting in planned
                    .iter_mut()
                    .filter(|p| p.starts_at.is_none() && p.code == waiting_code)
                {
                    waiting.starts_at = Some(at);
                    waiting.due_at = Some(due);
                }
            }
        }
        if !open {
            planned.retain(|p| submitted.iter().any(|(code, _)| code == &p.code));
        }
        tracks.push(NewTrack {
            track,
            regime: regime.id.clone(),
            status,
            escalated_at: (discovered + Duration::hours(2)).min(now),
            decided: (!waiting).then(|| (decided_at, track.assessor().as_str().to_owned())),
            awareness_at: (!waiting).then_some(awareness),
            planned,
            submitted,
        });
    }
    Ok(NewIncident {
        closed: (!open).then(|| {
            (
                "Rutinen följdes inte; ändringen testades inte före driftsättning.".to_owned(),
                "Rutinen förtydligad och genomgången på arbetsplatsträff.".to_owned(),
                discovered + Duration::days(20),
            )
        }),
        draft,
        reported_at: discovered + Duration::minutes(15),
        reporter_label: if n.is_multiple_of(6) {
            "Intraservice (servicedesk)".to_owned()
        } else {
            "medarbetare@region.example".to_owned()
        },
        source: if n.is_multiple_of(6) { "api" } else { "intake" },
        assessment,
        tracks,
    })
}
