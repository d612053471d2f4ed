//! The reminder jobs end to end: due work in a real database, the digest composed by the
//! worker's rounds, and the mail received by a real SMTP server.

use chrono::{Days, TimeZone};
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::org::OrganisationKind;
use tillit_domain::registers::SystemInput;
use tillit_store::org::{self, NewOrganisation};
use tillit_store::test_support::TestDb;
use tillit_store::users::{self, NewUser};
use tillit_store::{registers, Actor, Engine};

use super::*;
use crate::mail::test_server::{free_port, SmtpServer};
use crate::mail::Mailer;

const PUBLIC_URL: &str = "https://tillit.region.test";

struct Region {
    id: i64,
    system: i64,
}

fn actor() -> Actor {
    Actor::system("test")
}

async fn user(db: &Db, organisation_id: i64, email: &str, name: &str, role: Option<Role>) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let created = users::create_user_in(
        &mut tx,
        organisation_id,
        &actor(),
        &NewUser {
            email,
            display_name: name,
            title: "",
            password_hash: "x",
        },
    )
    .await
    .unwrap();
    if let Some(role) = role {
        let assignment = Assignment {
            role,
            unit_id: None,
        };
        users::assign_role_in(&mut tx, organisation_id, &actor(), created.id, assignment)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    created.id
}

/// A region whose register was never confirmed (the coordinator, in Swedish, is told)
/// and whose journal system's owner (in English) has a task due in 30 days.
async fn region(db: &Db) -> Region {
    let mut tx = db.begin().await.unwrap();
    let id = org::create_organisation(
        &mut tx,
        &actor(),
        &NewOrganisation {
            name: "Region Test",
            kind: OrganisationKind::Region,
            org_number: "232100-0016",
            demo: false,
        },
    )
    .await
    .unwrap()
    .id;
    tx.commit().await.unwrap();
    user(
        db,
        id,
        "samordnare@region.test",
        "Sara Samordnare",
        Some(Role::Coordinator),
    )
    .await;
    let owner = user(db, id, "owner@region.test", "Olle Owner", None).await;
    users::set_locale(db, id, &actor(), owner, "en")
        .await
        .unwrap();
    let draft = SystemInput {
        name: "Journalsystem".into(),
        kind: "information_system".into(),
        criticality: "high".into(),
        hosting: "supplier".into(),
        object_owner_id: Some(owner),
        ..Default::default()
    }
    .validate()
    .unwrap();
    let system = registers::create_system(db, id, &actor(), &draft)
        .await
        .unwrap()
        .id;
    Region { id, system }
}

/// `hour:minute` Swedish time, `days` from today.
fn swedish_time(days: u64, hour: u32, minute: u32) -> DateTime<Utc> {
    let day = Utc::now()
        .with_timezone(&Stockholm)
        .date_naive()
        .checked_add_days(Days::new(days))
        .unwrap();
    Stockholm
        .from_local_datetime(&day.and_hms_opt(hour, minute, 0).unwrap())
        .single()
        .unwrap()
        .with_timezone(&Utc)
}

fn key() -> SigningKey {
    SigningKey::generate(&mut rand::rngs::OsRng)
}

fn settings(mailer: Option<Mailer>) -> MailSettings {
    MailSettings {
        public_url: PUBLIC_URL.into(),
        mailer,
    }
}

async fn digest_mail_reaches_a_real_smtp_server_once(engine: Engine) {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let Some(test) = TestDb::new(engine).await else {
        return;
    };
    let db = &test.db;
    let region = region(db).await;
    let mailer = Mailer::new(&server.url(), "tillit <noreply@region.test>").unwrap();
    let mail = settings(Some(mailer));
    let key = key();

    // 25 days on, the 30-day task is due within the week; the register is unconfirmed.
    round(db, &key, &mail, swedish_time(25, 7, 5))
        .await
        .unwrap();
    round(db, &key, &mail, swedish_time(25, 7, 6))
        .await
        .unwrap();
    let received = server.messages();
    assert_eq!(received.len(), 2, "{received:#?}");

    let swedish = received
        .iter()
        .find(|m| m.rcpt_to.contains("samordnare@region.test"))
        .expect("the coordinator's digest");
    assert_eq!(swedish.subject, "Påminnelse från tillit");
    assert!(swedish.to.contains("Sara Samordnare"), "{}", swedish.to);
    assert!(swedish.from.contains("noreply@region.test"));
    assert!(swedish.message_id.starts_with("<tillit."));
    assert!(swedish.body.contains("Det här behöver du titta på:"));
    assert!(
        swedish.body.lines().any(|line| line
            == "- Bekräfta förteckningen över nätverk och informationssystem (har aldrig bekräftats): https://tillit.region.test/register"),
        "{}",
        swedish.body
    );

    let english = received
        .iter()
        .find(|m| m.rcpt_to.contains("owner@region.test"))
        .expect("the owner's digest");
    assert_eq!(english.subject, "Reminder from tillit");
    let link = format!("{PUBLIC_URL}/register/systems/{}", region.system);
    assert!(
        english.body.lines().any(|line| line
            .starts_with("- Classify and risk-analyse IS-0001 Journalsystem (due ")
            && line.ends_with(&format!("): {link}"))),
        "{}",
        english.body
    );

    // The same day again, later: the digest is composed and sent once.
    round(db, &key, &mail, swedish_time(25, 9, 1))
        .await
        .unwrap();
    round(db, &key, &mail, swedish_time(25, 9, 2))
        .await
        .unwrap();
    assert_eq!(
        compose_digests(
            db,
            region.id,
            swedish_time(25, 9, 2).date_naive(),
            PUBLIC_URL
        )
        .await
        .unwrap(),
        0
    );
    assert_eq!(server.messages().len(), 2, "nothing is sent twice");
    let outbox = outbox::mails(db, region.id, 10).await.unwrap();
    assert_eq!(outbox.len(), 2);
    assert!(outbox
        .iter()
        .all(|m| m.sent_at.is_some() && m.attempts == 1));
    drop(server);
    test.finish().await;
}

#[tokio::test]
async fn digest_mail_reaches_a_real_smtp_server_once_sqlite() {
    digest_mail_reaches_a_real_smtp_server_once(Engine::Sqlite).await;
}

#[tokio::test]
async fn digest_mail_reaches_a_real_smtp_server_once_postgres() {
    digest_mail_reaches_a_real_smtp_server_once(Engine::Postgres).await;
}

#[tokio::test]
async fn mail_off_fills_the_outbox_from_seven_and_sends_nothing() {
    let test = TestDb::new(Engine::Sqlite).await.unwrap();
    let db = &test.db;
    let region = region(db).await;
    let mail = settings(None);
    let key = key();

    round(db, &key, &mail, swedish_time(25, 6, 59))
        .await
        .unwrap();
    assert!(
        outbox::mails(db, region.id, 10).await.unwrap().is_empty(),
        "nothing before seven"
    );
    round(db, &key, &mail, swedish_time(25, 7, 0))
        .await
        .unwrap();
    round(db, &key, &mail, swedish_time(25, 7, 1))
        .await
        .unwrap();
    let outbox = outbox::mails(db, region.id, 10).await.unwrap();
    assert_eq!(outbox.len(), 2);
    assert!(outbox
        .iter()
        .all(|m| m.sent_at.is_none() && m.attempts == 0));
    let day = swedish_time(25, 7, 0)
        .with_timezone(&Stockholm)
        .date_naive();
    assert!(outbox
        .iter()
        .all(|m| m.dedupe_key.ends_with(&format!(":{day}"))));
    test.finish().await;
}

#[tokio::test]
async fn a_dead_server_leaves_mail_for_a_later_try() {
    let test = TestDb::new(Engine::Sqlite).await.unwrap();
    let db = &test.db;
    let region = region(db).await;
    let date = swedish_time(25, 8, 0).date_naive();
    assert_eq!(
        compose_digests(db, region.id, date, PUBLIC_URL)
            .await
            .unwrap(),
        2
    );
    let dead = format!("smtp://127.0.0.1:{}", free_port());
    let mailer = Mailer::new(&dead, "tillit <noreply@region.test>").unwrap();
    let report = mail::send_pending(db, &mailer).await.unwrap();
    assert_eq!(
        report,
        mail::SendReport { sent: 0, failed: 1 },
        "a server that does not answer ends the run"
    );
    let report = mail::send_pending(db, &mailer).await.unwrap();
    assert_eq!(report.failed, 1, "the other mail is tried next time");
    assert_eq!(
        mail::send_pending(db, &mailer).await.unwrap(),
        mail::SendReport::default(),
        "failed mail waits for its next attempt"
    );
    let outbox = outbox::mails(db, region.id, 10).await.unwrap();
    assert!(outbox
        .iter()
        .all(|m| m.sent_at.is_none() && m.attempts == 1 && m.last_error.is_some()));
    test.finish().await;
}

/// A region with a ward, its head of operations (Swedish) and a NIS assessor for the
/// whole organisation (English); returns (organisation, ward, head of operations).
async fn incident_region(db: &Db) -> (i64, i64, i64) {
    let mut tx = db.begin().await.unwrap();
    let id = org::create_organisation(
        &mut tx,
        &actor(),
        &NewOrganisation {
            name: "Region Incident",
            kind: OrganisationKind::Region,
            org_number: "232100-0024",
            demo: false,
        },
    )
    .await
    .unwrap()
    .id;
    tx.commit().await.unwrap();
    let ward = org::create_unit(
        db,
        id,
        &actor(),
        &tillit_domain::org::UnitDraft {
            name: "Avdelning 12".into(),
            kind: tillit_domain::org::UnitKind::Unit,
            parent_id: None,
            manager_id: None,
            description: String::new(),
        },
    )
    .await
    .unwrap()
    .id;
    let head = user(db, id, "vc@region.test", "Vera Verksamhetschef", None).await;
    let mut tx = db.begin().await.unwrap();
    users::assign_role_in(
        &mut tx,
        id,
        &actor(),
        head,
        Assignment {
            role: Role::HeadOfOperations,
            unit_id: Some(ward),
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let assessor = user(
        db,
        id,
        "nis@region.test",
        "Nils Assessor",
        Some(Role::NisAssessor),
    )
    .await;
    users::set_locale(db, id, &actor(), assessor, "en")
        .await
        .unwrap();
    (id, ward, head)
}

async fn incident_notices_reach_a_real_smtp_server_once(engine: Engine) {
    use tillit_domain::incident::{
        plan, Category, ClockMoments, DeviationAssessmentInput, IncidentContent, IntakeInput,
        Targets, Track, TrackAssessment, TrackStatus,
    };
    use tillit_store::incidents::{self as store, TrackDecision};

    let Some(server) = SmtpServer::start() else {
        return;
    };
    let Some(test) = TestDb::new(engine).await else {
        return;
    };
    let db = &test.db;
    let (region, ward, head) = incident_region(db).await;
    let key = key();
    // Each round is in its own minute: the job of a minute is enqueued once. The region
    // has no one the daily digest would write to.
    let start = Utc::now() - chrono::Duration::minutes(10);
    let discovered = tillit_store::now() - chrono::Duration::hours(14);
    let draft = IntakeInput {
        title: "Journalen krypterad",
        description: "Meddelande om lösensumma på alla skärmar.",
        started_at: None,
        discovered_at: Some(discovered),
        unit_id: Some(ward),
        system_ids: &[],
        care_disrupted: true,
        personal_data: false,
        patient_harm: false,
    }
    .validate(Utc::now())
    .unwrap();
    let case = store::create_incident(db, region, &actor(), "intake", &draft)
        .await
        .unwrap();

    // Mail is off: the notice waits in the outbox and is sent once mail is on.
    round(db, &key, &settings(None), start).await.unwrap();
    let waiting = outbox::mails(db, region, 10).await.unwrap();
    assert_eq!(waiting.len(), 1);
    assert!(waiting[0].sent_at.is_none() && waiting[0].attempts == 0);
    let mail = settings(Some(
        Mailer::new(&server.url(), "tillit <noreply@region.test>").unwrap(),
    ));
    round(db, &key, &mail, start + chrono::Duration::minutes(2))
        .await
        .unwrap();
    let received = server.messages();
    assert_eq!(received.len(), 1, "{received:#?}");
    assert!(received[0].rcpt_to.contains("vc@region.test"));
    assert_eq!(
        received[0].subject,
        format!(
            "Ny avvikelse att bedöma: {} Journalen krypterad",
            case.designation
        )
    );
    assert!(received[0]
        .body
        .contains(&format!("{PUBLIC_URL}/incidents/{}", case.id)));

    // Assessed and escalated: the NIS assessor is told, in English.
    let assessment = DeviationAssessmentInput {
        category: Some(Category::ItSecurity),
        reasoning: "Misstänkt betydande incident",
        measures_taken: "",
        escalate: &[Track::Cybersecurity],
    }
    .validate()
    .unwrap();
    let case = store::record_assessment(db, region, &actor(), case.id, case.version, &assessment)
        .await
        .unwrap();
    round(db, &key, &mail, start + chrono::Duration::minutes(3))
        .await
        .unwrap();
    let received = server.messages();
    assert_eq!(received.len(), 3, "{received:#?}");
    let escalation = received
        .iter()
        .find(|m| m.rcpt_to.contains("nis@region.test") && m.subject.starts_with("To assess"))
        .expect("the assessor's notice");
    assert_eq!(
        escalation.subject,
        format!("To assess: {} Journalen krypterad", case.designation)
    );
    // Discovered 14 hours ago: the early warning's provisional clock is past half.
    let provisional = received
        .iter()
        .find(|m| m.subject.starts_with("Unassessed"))
        .expect("the provisional clock's reminder");
    assert!(provisional.rcpt_to.contains("nis@region.test"));
    assert!(provisional
        .subject
        .starts_with("Unassessed: Cybersecurity Act: Early warning for "));

    // Reportable with awareness 13 hours ago: the 24-hour clock is past half.
    let content = IncidentContent::builtin().unwrap();
    let regime = content
        .regime_for(Track::Cybersecurity, case.occurred_on)
        .unwrap();
    let awareness = tillit_store::now() - chrono::Duration::hours(13);
    let moments = ClockMoments {
        discovery: case.discovered_at,
        awareness: Some(awareness),
        decision: Some(awareness),
    };
    let decision = TrackDecision {
        assessment: TrackAssessment {
            track: Track::Cybersecurity,
            decision: TrackStatus::Reportable,
            reasoning: "Betydande".into(),
            awareness_at: Some(awareness),
            consulted: String::new(),
            answers: Default::default(),
            details: Default::default(),
        },
        regime: regime.id.clone(),
        planned: plan(regime, TrackStatus::Reportable, moments, &Targets::new()),
        forward_to: vec![],
    };
    store::decide_track(db, region, &actor(), case.id, case.version, &decision)
        .await
        .unwrap();
    let now = Utc::now();
    round(db, &key, &mail, now).await.unwrap();
    round(db, &key, &mail, now + chrono::Duration::minutes(1))
        .await
        .unwrap();
    let received = server.messages();
    let half: Vec<_> = received
        .iter()
        .filter(|m| !m.subject.starts_with("Unassessed"))
        .filter(|m| m.subject.contains("Tidig varning") || m.subject.contains("Early warning"))
        .collect();
    assert_eq!(
        half.len(),
        2,
        "the mandate holder and the assessor: {received:#?}"
    );
    assert!(half.iter().any(|m| m.rcpt_to.contains("vc@region.test")
        && m.subject
            .starts_with("Cybersäkerhetslagen: Tidig varning för ")));

    // Past the deadline: one overdue notice each, and nothing twice.
    let late = now + chrono::Duration::hours(12);
    round(db, &key, &mail, late).await.unwrap();
    round(db, &key, &mail, late + chrono::Duration::minutes(1))
        .await
        .unwrap();
    let received = server.messages();
    let overdue: Vec<_> = received
        .iter()
        .filter(|m| m.subject.starts_with("Försenad") || m.subject.starts_with("Overdue"))
        .collect();
    assert_eq!(overdue.len(), 2, "{received:#?}");
    assert_eq!(received.len(), 7);
    let keys: std::collections::HashSet<String> = outbox::mails(db, region, 50)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.dedupe_key)
        .collect();
    assert!(keys.contains(&format!("incident-reported:{}:{head}", case.id)));
    drop(server);
    test.finish().await;
}

#[tokio::test]
async fn incident_notices_reach_a_real_smtp_server_once_sqlite() {
    incident_notices_reach_a_real_smtp_server_once(Engine::Sqlite).await;
}

#[tokio::test]
async fn incident_notices_reach_a_real_smtp_server_once_postgres() {
    incident_notices_reach_a_real_smtp_server_once(Engine::Postgres).await;
}

/// Two rounds in a row at `at`; every reminder of a provisional clock received so far.
async fn unassessed(
    db: &Db,
    key: &SigningKey,
    mail: &MailSettings,
    server: &SmtpServer,
    at: DateTime<Utc>,
) -> Vec<crate::mail::test_server::Received> {
    round(db, key, mail, at).await.unwrap();
    round(db, key, mail, at + chrono::Duration::minutes(1))
        .await
        .unwrap();
    server
        .messages()
        .into_iter()
        .filter(|m| m.subject.starts_with("Unassessed"))
        .collect()
}

/// A track that nobody assesses: the assessor is reminded of its provisional clocks at the
/// organisation's reminder points, each point once, until the track is decided.
async fn provisional_clocks_remind_the_assessor_until_the_track_is_decided(engine: Engine) {
    use tillit_domain::incident::{
        Category, DeviationAssessmentInput, IncidentContent, IntakeInput, Track, TrackAssessment,
        TrackStatus,
    };
    use tillit_store::incidents::{self as store, TrackDecision};

    let Some(server) = SmtpServer::start() else {
        return;
    };
    let Some(test) = TestDb::new(engine).await else {
        return;
    };
    let db = &test.db;
    let (region, ward, _) = incident_region(db).await;
    let key = key();
    let mail = settings(Some(
        Mailer::new(&server.url(), "tillit <noreply@region.test>").unwrap(),
    ));
    let discovered = tillit_store::now() - chrono::Duration::hours(2);
    let draft = IntakeInput {
        title: "Nätverket nere",
        description: "Ingen kontakt med journalen.",
        started_at: None,
        discovered_at: Some(discovered),
        unit_id: Some(ward),
        system_ids: &[],
        care_disrupted: true,
        personal_data: false,
        patient_harm: false,
    }
    .validate(Utc::now())
    .unwrap();
    let case = store::create_incident(db, region, &actor(), "intake", &draft)
        .await
        .unwrap();
    let assessment = DeviationAssessmentInput {
        category: Some(Category::Outage),
        reasoning: "Kan vara betydande",
        measures_taken: "",
        escalate: &[Track::Cybersecurity],
    }
    .validate()
    .unwrap();
    let case = store::record_assessment(db, region, &actor(), case.id, case.version, &assessment)
        .await
        .unwrap();
    // Two hours in: no reminder point of the 24-hour clock is reached yet.
    let now = Utc::now();
    assert!(unassessed(db, &key, &mail, &server, now).await.is_empty());
    // Past half of the early warning's 24 hours: one reminder to the assessor.
    let half = discovered + chrono::Duration::hours(13);
    let sent = unassessed(db, &key, &mail, &server, half).await;
    assert_eq!(sent.len(), 1, "{sent:#?}");
    assert!(sent[0].rcpt_to.contains("nis@region.test"));
    assert!(sent[0].subject.contains("Early warning"));
    assert!(sent[0]
        .body
        .contains(&format!("{PUBLIC_URL}/incidents/{}", case.id)));
    // Past the deadline: the overdue reminder, and past half of the 72 hours too.
    let late = discovered + chrono::Duration::hours(37);
    let sent = unassessed(db, &key, &mail, &server, late).await;
    assert_eq!(sent.len(), 3, "{sent:#?}");
    assert!(sent.iter().any(|m| m
        .subject
        .starts_with("Unassessed and overdue: Cybersecurity Act: Early warning")));
    assert!(sent
        .iter()
        .any(|m| m.subject.contains("Incident notification")));
    // Decided: the provisional clocks are gone, no further reminder of them.
    let content = IncidentContent::builtin().unwrap();
    let regime = content
        .regime_for(Track::Cybersecurity, case.occurred_on)
        .unwrap();
    let decision = TrackDecision {
        assessment: TrackAssessment {
            track: Track::Cybersecurity,
            decision: TrackStatus::NotReportable,
            reasoning: "Inte betydande".into(),
            awareness_at: None,
            consulted: String::new(),
            answers: Default::default(),
            details: Default::default(),
        },
        regime: regime.id.clone(),
        planned: Vec::new(),
        forward_to: vec![],
    };
    store::decide_track(db, region, &actor(), case.id, case.version, &decision)
        .await
        .unwrap();
    let sent = unassessed(
        db,
        &key,
        &mail,
        &server,
        discovered + chrono::Duration::hours(80),
    )
    .await;
    assert_eq!(sent.len(), 3, "nothing more after the decision: {sent:#?}");
    drop(server);
    test.finish().await;
}

#[tokio::test]
async fn provisional_clocks_remind_the_assessor_until_the_track_is_decided_sqlite() {
    provisional_clocks_remind_the_assessor_until_the_track_is_decided(Engine::Sqlite).await;
}

#[tokio::test]
async fn provisional_clocks_remind_the_assessor_until_the_track_is_decided_postgres() {
    provisional_clocks_remind_the_assessor_until_the_track_is_decided(Engine::Postgres).await;
}

/// An own duty of the annual cycle reaches its owner by mail inside its reminder days,
/// once, in the owner's language.
async fn calendar_duty_reminder_reaches_its_owner(engine: Engine) {
    let Some(server) = SmtpServer::start() else {
        return;
    };
    let Some(test) = TestDb::new(engine).await else {
        return;
    };
    let db = &test.db;
    let region = region(db).await;
    let owner = users::find_user_by_email(db, "owner@region.test")
        .await
        .unwrap()
        .unwrap()
        .id;
    let today = swedish_time(0, 12, 0)
        .with_timezone(&Stockholm)
        .date_naive();
    let due = today.checked_add_days(Days::new(10)).unwrap();
    let draft = tillit_domain::calendar::DutyInput {
        title: "Behörighetsuppföljning journalsystemet",
        kind: "access_review",
        recurrence: "quarterly",
        next_due: Some(due),
        owner_id: Some(owner),
        reminder_days: Some(14),
        ..Default::default()
    }
    .validate(today, None)
    .unwrap();
    let duty = tillit_store::calendar::create_duty(db, region.id, &actor(), &draft)
        .await
        .unwrap();
    let mailer = Mailer::new(&server.url(), "tillit <noreply@region.test>").unwrap();
    let mail = settings(Some(mailer));
    let key = key();
    round(db, &key, &mail, swedish_time(0, 7, 5)).await.unwrap();
    round(db, &key, &mail, swedish_time(0, 7, 6)).await.unwrap();
    round(db, &key, &mail, swedish_time(0, 9, 0)).await.unwrap();
    let received = server.messages();
    let to_owner: Vec<_> = received
        .iter()
        .filter(|m| m.rcpt_to.contains("owner@region.test"))
        .collect();
    assert_eq!(to_owner.len(), 1, "{received:#?}");
    let expected = format!(
        "- Due in the annual cycle: Behörighetsuppföljning journalsystemet (due {due}): {PUBLIC_URL}/governance/calendar/duties/{}",
        duty.id
    );
    assert!(
        to_owner[0].body.lines().any(|line| line == expected),
        "{}",
        to_owner[0].body
    );
    drop(server);
    test.finish().await;
}

#[tokio::test]
async fn calendar_duty_reminder_reaches_its_owner_sqlite() {
    calendar_duty_reminder_reaches_its_owner(Engine::Sqlite).await;
}

#[tokio::test]
async fn calendar_duty_reminder_reaches_its_owner_postgres() {
    calendar_duty_reminder_reaches_its_owner(Engine::Postgres).await;
}
