//! The demo organisation's management reviews: spring 2026 held, with its decisions (one
//! made a measure of the action plan, one a task), and autumn 2026 prepared.

use anyhow::{anyhow, Context};
use chrono::{Days, NaiveDate, TimeZone, Utc};
use tillit_domain::review::{DecisionDraft, ItemKey, ReviewDraft, Term};
use tillit_domain::risk::{MeasureCategory, MeasureDraft, MeasureFunction, RiskContent};
use tillit_domain::users::Language;
use tillit_store::reviews::figures::{self, Period};
use tillit_store::reviews::{self, Review};
use tillit_store::{Actor, Db};
use tillit_web::i18n::I18n;
use tillit_web::services::reviews::summary;

/// The decisions of the spring review that became measures of the action plan.
const MEASURES_FROM_DECISIONS: usize = 1;

/// The coordinator prepares the reviews and records the decisions.
const COORDINATOR: &str = "samordnare@region.example";
const OWNER_IT: &str = "admin@region.example";
const OWNER_OPERATIONS: &str = "verksamhetschef@region.example";

const PARTICIPANTS: &str = "Regiondirektör (ordförande)\nHälso- och sjukvårdsdirektör\n\
    IT-direktör\nInformationssäkerhetssamordnare\nDataskyddsombud";

async fn person(db: &Db, email: &str) -> anyhow::Result<(i64, String)> {
    let found = tillit_store::users::credentials_by_email(db, email)
        .await?
        .ok_or_else(|| anyhow!("the demo account {email} is missing"))?;
    Ok((found.id, found.display_name))
}

fn day(year: i32, month: u32, date: u32) -> anyhow::Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, month, date).ok_or_else(|| anyhow!("no such day"))
}

/// Each item's text written from `period`'s figures, and the figures as JSON.
async fn items(
    db: &Db,
    organisation_id: i64,
    period: &Period,
) -> anyhow::Result<(Vec<(ItemKey, String)>, Vec<(ItemKey, String)>)> {
    let i18n = I18n::load();
    let counted = figures::live_figures(db, organisation_id, period).await?;
    let mut bodies = Vec::new();
    let mut frozen = Vec::new();
    for (key, figures) in counted {
        bodies.push((key, summary(&i18n, Language::Sv, key, period, &figures)));
        frozen.push((key, serde_json::to_string(&figures)?));
    }
    Ok((bodies, frozen))
}

/// Loads both reviews after the rest of the demo organisation, whose figures they count,
/// and returns how many measures their decisions added to the action plan.
pub(crate) async fn load_reviews(db: &Db, organisation_id: i64) -> anyhow::Result<usize> {
    let (coordinator_id, _) = person(db, COORDINATOR).await?;
    let coordinator = Actor::user(coordinator_id, COORDINATOR);
    let spring = held_spring(db, organisation_id, &coordinator)
        .await
        .context("the spring review")?;
    let today = Utc::now().date_naive();
    let draft = ReviewDraft {
        year: 2026,
        term: Term::Autumn,
        meeting_on: today + Days::new(7),
        participants: PARTICIPANTS.to_owned(),
    };
    let period = Period {
        from: spring.meeting_on,
        today,
    };
    let (bodies, _) = items(db, organisation_id, &period).await?;
    reviews::create_review(db, organisation_id, &coordinator, &draft, &bodies)
        .await
        .context("the autumn review")?;
    Ok(MEASURES_FROM_DECISIONS)
}

async fn held_spring(db: &Db, organisation_id: i64, coordinator: &Actor) -> anyhow::Result<Review> {
    let meeting_on = day(2026, 4, 21)?;
    let period = Period {
        from: day(2026, 1, 1)?,
        today: meeting_on,
    };
    let (mut bodies, frozen) = items(db, organisation_id, &period).await?;
    for (key, body) in &mut bodies {
        match key {
            ItemKey::Goals => body.push_str(
                "\n\nMålet om en fastställd riskanalys för varje samhällsviktigt system är uppnått \
                 till två tredjedelar; resten planeras till hösten.",
            ),
            ItemKey::Audits => {
                *body = "Regionens revisorer granskade under våren hur loggar följs upp i \
                    journalsystemet. Granskningen visade att stickprov görs men inte dokumenteras."
                    .to_owned();
            }
            ItemKey::InternalControl => {
                *body = "Internkontrollplanens två kontroller för informationssäkerhet \
                    (behörighetsgenomgång och incidentrapportering) är rapporterade från alla \
                    förvaltningar utom Regionservice."
                    .to_owned();
            }
            _ => {}
        }
    }
    let draft = ReviewDraft {
        year: 2026,
        term: Term::Spring,
        meeting_on,
        participants: PARTICIPANTS.to_owned(),
    };
    let prepared_at = Utc
        .with_ymd_and_hms(2026, 4, 7, 9, 0, 0)
        .single()
        .ok_or_else(|| anyhow!("no such time"))?;
    let held_at = Utc
        .with_ymd_and_hms(2026, 4, 21, 14, 30, 0)
        .single()
        .ok_or_else(|| anyhow!("no such time"))?;
    let mut tx = db.begin().await?;
    let review = reviews::create_review_in(
        &mut tx,
        organisation_id,
        coordinator,
        &draft,
        &bodies,
        prepared_at,
    )
    .await?;
    let held = reviews::hold_review_in(
        &mut tx,
        organisation_id,
        coordinator,
        review.id,
        review.version,
        &frozen,
        held_at,
    )
    .await?;
    tx.commit().await?;
    decide(db, organisation_id, coordinator, &held, held_at).await?;
    Ok(held)
}

async fn decide(
    db: &Db,
    organisation_id: i64,
    coordinator: &Actor,
    review: &Review,
    at: chrono::DateTime<Utc>,
) -> anyhow::Result<()> {
    let (it_owner, _) = person(db, OWNER_IT).await?;
    let (operations_owner, _) = person(db, OWNER_OPERATIONS).await?;
    let decisions = [
        (
            "Tvåfaktorsinloggning införs för all fjärråtkomst till vårdens system.",
            it_owner,
            day(2026, 10, 31)?,
        ),
        (
            "Alla chefer i hälso- och sjukvården genomgår grundutbildningen i informationssäkerhet.",
            operations_owner,
            day(2027, 3, 31)?,
        ),
        (
            "Uppföljningen av loggar i journalsystemet dokumenteras månadsvis.",
            operations_owner,
            day(2027, 1, 31)?,
        ),
    ];
    let matrix = RiskContent::builtin()
        .map_err(|e| anyhow!("{e:?}"))?
        .default_matrix()
        .clone();
    let mut tx = db.begin().await?;
    let mut added = Vec::new();
    for (text, owner_id, due_on) in decisions {
        let draft = DecisionDraft {
            text: text.to_owned(),
            owner_id,
            due_on,
        };
        added.push(
            reviews::add_decision_in(&mut tx, organisation_id, coordinator, review.id, &draft, at)
                .await?,
        );
    }
    if let Some(first) = added.first() {
        let measure = MeasureDraft {
            title: "Tvåfaktorsinloggning för fjärråtkomst".to_owned(),
            description: first.text.clone(),
            reason: "Beslut 1 vid ledningens genomgång våren 2026.".to_owned(),
            category: MeasureCategory::Technical,
            function: MeasureFunction::Preventive,
            risk_ids: Vec::new(),
            system_ids: Vec::new(),
            residual: None,
            responsible_id: first.owner_id,
            planned_on: first.due_on,
            done_on: None,
            done_note: String::new(),
            source: None,
        };
        reviews::decision_to_measure_in(
            &mut tx,
            organisation_id,
            coordinator,
            first.id,
            &measure,
            &matrix,
            at,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}
