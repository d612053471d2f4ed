use std::collections::BTreeMap;

use chrono::{Days, NaiveDate, Utc};
use tillit_domain::auth::{Assignment, Reach, Role};
use tillit_domain::calendar::{DutyInput, DutyKind};
use tillit_domain::maturity::{Answer, AssessmentInput, AssessmentStatus};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::registers::{AssetInput, SystemInput};
use tillit_store::calendar;
use tillit_store::maturity;
use tillit_store::registers;
use tillit_store::reminders::{self, ReminderKind};
use tillit_store::users::{self, NewUser};
use tillit_store::{db_test, Db, StoreError};

use crate::{actor, organisation};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

async fn unit(db: &Db, organisation_id: i64, name: &str, parent_id: Option<i64>) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let draft = UnitDraft {
        name: name.into(),
        kind: UnitKind::Administration,
        parent_id,
        manager_id: None,
        description: String::new(),
    };
    let id = tillit_store::org::create_unit_in(&mut tx, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id;
    tx.commit().await.unwrap();
    id
}

async fn user(db: &Db, organisation_id: i64, email: &str, role: Option<Role>) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let created = users::create_user_in(
        &mut tx,
        organisation_id,
        &actor(),
        &NewUser {
            email,
            display_name: email,
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

fn met(ids: &[&str]) -> BTreeMap<String, Answer> {
    ids.iter()
        .map(|id| {
            (
                (*id).to_owned(),
                Answer {
                    met: true,
                    note: String::new(),
                },
            )
        })
        .collect()
}

db_test!(
    maturity_assessments_complete_once_and_stay_in_their_organisation,
    |db| async move {
        let region = organisation(db, "Region Mognad", "232100-0016").await;
        let other = organisation(db, "Region Annan", "212000-0142").await;
        let administration = unit(db, region, "Hälso- och sjukvårdsförvaltningen", None).await;
        let clinic = unit(db, region, "Akutkliniken", Some(administration)).await;

        let below = AssessmentInput {
            title: "Akutkliniken",
            assessed_on: None,
            unit_id: Some(clinic),
        }
        .validate(today())
        .unwrap();
        match maturity::create(db, region, &actor(), &below).await {
            Err(StoreError::Invalid(errors)) => assert!(errors.has("unit_id")),
            other => panic!("a unit below an administration is refused: {other:?}"),
        }

        let mut ids = Vec::new();
        for (title, on, unit_id) in [
            ("Mognad 2025", "2025-03-01", None),
            ("Mognad 2026", "2026-03-01", None),
            ("Förvaltningen 2026", "2026-04-01", Some(administration)),
        ] {
            let draft = AssessmentInput {
                title,
                assessed_on: Some(on.parse().unwrap()),
                unit_id,
            }
            .validate(today())
            .unwrap();
            ids.push(
                maturity::create(db, region, &actor(), &draft)
                    .await
                    .unwrap()
                    .id,
            );
        }
        let saved = maturity::save_answers(db, region, &actor(), ids[0], 1, &met(&["M1-01"]))
            .await
            .unwrap();
        assert_eq!(saved.version, 2);
        assert_eq!(saved.answers.len(), 1);
        assert!(matches!(
            maturity::save_answers(db, region, &actor(), ids[0], 1, &met(&[])).await,
            Err(StoreError::Conflict)
        ));
        assert!(matches!(
            maturity::save_answers(db, other, &actor(), ids[0], 2, &met(&[])).await,
            Err(StoreError::NotFound)
        ));
        let done = maturity::complete(db, region, &actor(), ids[0], 2, 1)
            .await
            .unwrap();
        assert_eq!(done.status, AssessmentStatus::Completed);
        assert!(done.completed_at.is_some());
        match maturity::save_answers(db, region, &actor(), ids[0], 3, &met(&["M1-02"])).await {
            Err(StoreError::Invalid(errors)) => assert!(errors.has("status")),
            other => panic!("a completed assessment is frozen: {other:?}"),
        }
        maturity::complete(db, region, &actor(), ids[1], 1, 2)
            .await
            .unwrap();
        maturity::complete(db, region, &actor(), ids[2], 1, 1)
            .await
            .unwrap();

        let latest = maturity::latest_maturity(db, region, None)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((latest.assessment_id, latest.level), (ids[1], 2));
        let per_scope = maturity::latest_maturity_per_scope(db, region)
            .await
            .unwrap();
        let levels: Vec<(Option<i64>, i64)> =
            per_scope.iter().map(|m| (m.unit_id, m.level)).collect();
        assert_eq!(levels, vec![(None, 2), (Some(administration), 1)]);
        assert_eq!(
            maturity::latest_maturity(db, other, None).await.unwrap(),
            None
        );
        let page = maturity::list(db, region, &Reach::Everywhere, 2, 0)
            .await
            .unwrap();
        assert_eq!(page.total, 3);
        assert_eq!(page.items[0].id, ids[2], "newest first");
        assert_eq!(
            maturity::list(db, other, &Reach::Everywhere, 50, 0)
                .await
                .unwrap()
                .total,
            0
        );
        // A reader of one administration lists its assessments, not the organisation's.
        let within = maturity::list(db, region, &Reach::Units(vec![administration]), 50, 0)
            .await
            .unwrap();
        assert_eq!(within.total, 1);
        assert_eq!(
            within.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![ids[2]]
        );
        let elsewhere = unit(db, region, "Regionservice", None).await;
        let none = maturity::list(db, region, &Reach::Units(vec![elsewhere]), 50, 0)
            .await
            .unwrap();
        assert_eq!((none.total, none.items.len()), (0, 0));
        assert_eq!(
            maturity::list(db, region, &Reach::Units(Vec::new()), 50, 0)
                .await
                .unwrap()
                .total,
            0
        );

        let facts = maturity::facts(db, region, None).await.unwrap();
        assert_eq!(facts.systems, 0);
        assert!(!facts.risk_method_recorded);
    }
);

async fn asset_in(db: &Db, organisation_id: i64, owner: i64, name: &str, unit_id: i64) -> i64 {
    let draft = AssetInput {
        name: name.into(),
        form: "digital".into(),
        owner_id: Some(owner),
        unit_id: Some(unit_id),
        ..Default::default()
    }
    .validate()
    .unwrap();
    registers::create_asset(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

async fn system_named(db: &Db, organisation_id: i64, name: &str) -> i64 {
    let draft = SystemInput {
        name: name.into(),
        kind: "information_system".into(),
        criticality: "high".into(),
        hosting: "supplier".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    registers::create_system(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

db_test!(
    maturity_facts_count_an_administrations_branch,
    |db| async move {
        let region = organisation(db, "Region Fakta", "232100-0016").await;
        let owner = user(db, region, "agare@region.test", None).await;
        let care = unit(db, region, "Hälso- och sjukvårdsförvaltningen", None).await;
        let clinic = unit(db, region, "Akutkliniken", Some(care)).await;
        let social = unit(db, region, "Socialförvaltningen", None).await;

        let journal = system_named(db, region, "Journalsystem").await;
        let lab = system_named(db, region, "Labbsystem").await;
        system_named(db, region, "Ekonomisystem").await;
        let records = asset_in(db, region, owner, "Patientjournal", clinic).await;
        asset_in(db, region, owner, "Remisser", care).await;
        let files = asset_in(db, region, owner, "Personakter", social).await;
        registers::link_asset_system(db, region, &actor(), records, journal)
            .await
            .unwrap();
        registers::link_asset_system(db, region, &actor(), files, lab)
            .await
            .unwrap();

        let whole = maturity::facts(db, region, None).await.unwrap();
        assert_eq!((whole.systems, whole.assets), (3, 3));
        let branch = maturity::facts(db, region, Some(care)).await.unwrap();
        assert_eq!(
            (branch.systems, branch.assets),
            (1, 2),
            "the clinic's asset counts for its administration, and only the system holding it"
        );
        let other = maturity::facts(db, region, Some(social)).await.unwrap();
        assert_eq!((other.systems, other.assets), (1, 1));
        assert_eq!(
            branch.approved_analyses + branch.closed_incidents + branch.measure_follow_ups,
            0
        );
    }
);

db_test!(own_duties_recur_remind_and_are_versioned, |db| async move {
    let region = organisation(db, "Region Årshjul", "232100-0016").await;
    let other = organisation(db, "Region Annan", "212000-0142").await;
    let owner = user(db, region, "agare@region.test", None).await;
    let coordinator = user(
        db,
        region,
        "samordnare@region.test",
        Some(Role::Coordinator),
    )
    .await;
    let stranger = user(db, other, "annan@region.test", None).await;

    let draft = |title: &'static str,
                 kind: &'static str,
                 owner_id: Option<i64>,
                 days: u64,
                 reminder: i64| {
        DutyInput {
            title,
            kind,
            recurrence: "quarterly",
            next_due: Some(today() + Days::new(days)),
            owner_id,
            reminder_days: Some(reminder),
            ..Default::default()
        }
        .validate(today(), None)
        .unwrap()
    };
    let foreign = draft("Fel ägare", "access_review", Some(stranger), 5, 14);
    match calendar::create_duty(db, region, &actor(), &foreign).await {
        Err(StoreError::Invalid(errors)) => assert!(errors.has("owner_id")),
        other => panic!("an owner of another organisation is refused: {other:?}"),
    }
    let access = calendar::create_duty(
        db,
        region,
        &actor(),
        &draft(
            "Behörighetsuppföljning",
            "access_review",
            Some(owner),
            10,
            14,
        ),
    )
    .await
    .unwrap();
    let exercise = calendar::create_duty(
        db,
        region,
        &actor(),
        &draft("Kontinuitetsövning", "continuity_exercise", None, 40, 14),
    )
    .await
    .unwrap();
    assert_eq!(access.kind, DutyKind::AccessReview);
    assert_eq!(access.owner_name.as_deref(), Some("agare@region.test"));

    // The owner is reminded inside the reminder days; nobody owns the exercise, which is
    // not due for reminding yet.
    let due = reminders::due_reminders(db, region, today()).await.unwrap();
    let duty_reminders: Vec<_> = due
        .iter()
        .filter(|r| matches!(r.kind, ReminderKind::CalendarDuty { .. }))
        .collect();
    assert_eq!(duty_reminders.len(), 1);
    assert_eq!(duty_reminders[0].user_id, owner);
    assert_eq!(duty_reminders[0].subject, "Behörighetsuppföljning");
    assert_eq!(
        duty_reminders[0].path,
        format!("/governance/calendar/duties/{}", access.id)
    );
    // Thirty days on, the unowned exercise goes to the coordinator.
    let later = reminders::due_reminders(db, region, today() + Days::new(30))
        .await
        .unwrap();
    assert!(later
        .iter()
        .any(|r| r.user_id == coordinator && r.subject == "Kontinuitetsövning"));
    assert!(reminders::due_reminders(db, other, today())
        .await
        .unwrap()
        .is_empty());

    // Marking done moves the date by the recurrence; a stale version is refused.
    let done = calendar::mark_done(db, region, &actor(), access.id, 1)
        .await
        .unwrap();
    assert_eq!(
        done.next_due,
        access
            .next_due
            .checked_add_months(chrono::Months::new(3))
            .unwrap()
    );
    assert!(matches!(
        calendar::mark_done(db, region, &actor(), access.id, 1).await,
        Err(StoreError::Conflict)
    ));
    assert!(matches!(
        calendar::duty(db, other, access.id).await,
        Err(StoreError::NotFound)
    ));
    let occurrences = calendar::own_occurrences(
        &calendar::duties(db, region, None).await.unwrap(),
        today(),
        today() + Days::new(365),
    );
    assert!(
        occurrences
            .iter()
            .filter(|o| o.title == "Kontinuitetsövning")
            .count()
            >= 4
    );
    assert_eq!(
        calendar::duties(db, region, Some(owner))
            .await
            .unwrap()
            .len(),
        1
    );
    assert!(matches!(
        calendar::delete_duty(db, region, &actor(), exercise.id, 5).await,
        Err(StoreError::Conflict)
    ));
    calendar::delete_duty(db, region, &actor(), exercise.id, 1)
        .await
        .unwrap();
    assert_eq!(calendar::duties(db, region, None).await.unwrap().len(), 1);
});

db_test!(feed_tokens_are_replaced_and_revoked, |db| async move {
    let region = organisation(db, "Region Flöde", "232100-0016").await;
    let reader = user(db, region, "lasare@region.test", Some(Role::Auditor)).await;
    assert_eq!(
        calendar::feed_token_created(db, reader).await.unwrap(),
        None
    );
    calendar::create_feed_token(db, region, &actor(), reader, "hash-1")
        .await
        .unwrap();
    let access = calendar::feed_access(db, "hash-1").await.unwrap().unwrap();
    assert_eq!((access.user_id, access.organisation_id), (reader, region));
    assert_eq!(access.assignments.len(), 1);
    calendar::create_feed_token(db, region, &actor(), reader, "hash-2")
        .await
        .unwrap();
    assert_eq!(
        calendar::feed_access(db, "hash-1").await.unwrap(),
        None,
        "the old token is replaced"
    );
    assert!(calendar::feed_access(db, "hash-2").await.unwrap().is_some());
    calendar::revoke_feed_token(db, region, &actor(), reader)
        .await
        .unwrap();
    assert_eq!(calendar::feed_access(db, "hash-2").await.unwrap(), None);
    assert!(matches!(
        calendar::revoke_feed_token(db, region, &actor(), reader).await,
        Err(StoreError::NotFound)
    ));
    assert_eq!(
        calendar::feed_token_created(db, reader).await.unwrap(),
        None
    );
});
