//! The demo organisation's maturity assessments and own recurring duties: two completed
//! organisation-wide assessments a year apart (level 1, then level 2 with gaps left on
//! level 3), one for an administration, and the access reviews, continuity exercises
//! and log checks the coordinator keeps in the annual cycle.

use std::collections::BTreeMap;

use anyhow::anyhow;
use chrono::{Datelike, Days, NaiveDate};
use tillit_domain::calendar::DutyInput;
use tillit_domain::maturity::{Answer, AssessmentInput, MaturityContent};
use tillit_store::{calendar, maturity, Actor, Db};

/// Counts of what was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoGovernance {
    pub assessments: usize,
    pub duties: usize,
}

async fn user_id(db: &Db, organisation_id: i64, email: &str) -> anyhow::Result<i64> {
    tillit_store::users::find_user_by_email(db, email)
        .await?
        .filter(|u| u.organisation_id == organisation_id)
        .map(|u| u.id)
        .ok_or_else(|| anyhow!("the demo has no user {email}"))
}

/// Answers: every question up to `level` met, and on the next level those in `also_met`;
/// the rest of the next level not met, with a note on what is missing.
fn answers(content: &MaturityContent, level: u8, also_met: &[&str]) -> BTreeMap<String, Answer> {
    content
        .questions()
        .iter()
        .filter(|q| q.level <= level + 1)
        .map(|q| {
            let met = q.level <= level || also_met.contains(&q.id.as_str());
            let note = if met {
                String::new()
            } else {
                "Påbörjat men inte genomfört i hela organisationen.".to_owned()
            };
            (q.id.clone(), Answer { met, note })
        })
        .collect()
}

pub async fn load(db: &Db, organisation_id: i64) -> anyhow::Result<DemoGovernance> {
    let content = MaturityContent::builtin().map_err(|e| anyhow!("{e}"))?;
    let coordinator_email = "samordnare@region.example";
    let coordinator = user_id(db, organisation_id, coordinator_email).await?;
    let owner = user_id(db, organisation_id, "informationsagare@region.example").await?;
    let head = user_id(db, organisation_id, "verksamhetschef@region.example").await?;
    let actor = Actor::user(coordinator, coordinator_email);
    let administration = tillit_store::org::all_units(db, organisation_id)
        .await?
        .into_iter()
        .find(|u| u.parent_id.is_none())
        .map(|u| u.id);
    let today = chrono::Utc::now().date_naive();
    let this_year = today.year();
    let date = |year: i32, month: u32| {
        NaiveDate::from_ymd_opt(year, month, 15).ok_or_else(|| anyhow!("demo date"))
    };

    let assessments = [
        (
            format!("Mognadsmätning {}", this_year - 1),
            date(this_year - 1, 3)?,
            None,
            answers(&content, 1, &["M2-01", "M2-05"]),
        ),
        (
            format!("Mognadsmätning {this_year}"),
            date(this_year, 3)?.min(today),
            None,
            answers(&content, 2, &["M3-01", "M3-03"]),
        ),
        (
            format!("Hälso- och sjukvårdsförvaltningen {this_year}"),
            date(this_year, 2)?.min(today),
            administration,
            answers(&content, 1, &["M2-03"]),
        ),
    ];
    for (title, assessed_on, unit_id, answers) in &assessments {
        let draft = AssessmentInput {
            title,
            assessed_on: Some(*assessed_on),
            unit_id: *unit_id,
        }
        .validate(today)
        .map_err(|e| anyhow!("demo assessment: {e}"))?;
        let created = maturity::create(db, organisation_id, &actor, &draft).await?;
        let saved = maturity::save_answers(
            db,
            organisation_id,
            &actor,
            created.id,
            created.version,
            answers,
        )
        .await?;
        let level = content.score(&saved.answers).level;
        maturity::complete(db, organisation_id, &actor, saved.id, saved.version, level).await?;
    }

    let in_days = |days: u64| today.checked_add_days(Days::new(days)).unwrap_or(today);
    let duties = [
        ("Behörighetsuppföljning journalsystemet", "Gå igenom vilka som har behörighet i journalsystemet och ta bort behörigheter som inte längre behövs.", "access_review", "quarterly", in_days(12), Some(owner)),
        ("Behörighetsuppföljning administratörskonton", "Kontrollera att varje administratörskonto har en namngiven ägare och ett behov.", "access_review", "half_yearly", in_days(45), Some(coordinator)),
        ("Kontinuitetsövning: avbrott i journalsystemet", "Öva reservrutinerna för vård utan journalsystem under en arbetsdag, och dokumentera lärdomarna.", "continuity_exercise", "yearly", in_days(75), Some(head)),
        ("Kontinuitetsövning: återställning från säkerhetskopia", "Återställ ett system från säkerhetskopia i testmiljön och mät tiden mot den acceptabla avbrottstiden.", "continuity_exercise", "yearly", in_days(160), None),
        ("Stickprov i loggarna", "Granska ett urval av åtkomsterna till patientjournalen och följ upp avvikelser.", "other_duty", "monthly", in_days(5), Some(owner)),
    ];
    for (title, description, kind, recurrence, next_due, owner_id) in duties {
        let draft = DutyInput {
            title,
            description,
            kind,
            recurrence,
            next_due: Some(next_due),
            owner_id,
            unit_id: None,
            reminder_days: Some(14),
        }
        .validate(today, None)
        .map_err(|e| anyhow!("demo duty: {e}"))?;
        calendar::create_duty(db, organisation_id, &actor, &draft).await?;
    }
    Ok(DemoGovernance {
        assessments: assessments.len(),
        duties: duties.len(),
    })
}
