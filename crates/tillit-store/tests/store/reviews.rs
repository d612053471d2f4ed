use chrono::{Days, NaiveDate, Utc};
use tillit_domain::auth::Reach;
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::SystemInput;
use tillit_domain::review::{DecisionDraft, ItemKey, ReviewDraft, Term};
use tillit_domain::risk::{
    MeasureCategory, MeasureDraft, MeasureFunction, RiskContent, RiskMatrix,
};
use tillit_store::audit::{self, EventFilter};
use tillit_store::reviews::figures::{self, Period};
use tillit_store::reviews::{self, ReviewEdit};
use tillit_store::users::{self, NewUser};
use tillit_store::{board, db_test, org, registers, risk, tasks, Db, Engine, StoreError};

use crate::{actor, organisation};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn matrix() -> RiskMatrix {
    RiskContent::builtin().unwrap().default_matrix().clone()
}

async fn raw(db: &Db, statement: &str) -> Result<(), sqlx::Error> {
    match db.engine() {
        Engine::Sqlite => sqlx::query(statement)
            .execute(db.sqlite_pool().unwrap())
            .await
            .map(|_| ()),
        Engine::Postgres => sqlx::query(statement)
            .execute(db.as_postgres().unwrap())
            .await
            .map(|_| ()),
    }
}

async fn user(db: &Db, organisation_id: i64, email: &str) -> i64 {
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
    tx.commit().await.unwrap();
    created.id
}

fn review_draft(term: Term) -> ReviewDraft {
    ReviewDraft {
        year: 2026,
        term,
        meeting_on: today() + Days::new(30),
        participants: "Regiondirektör\nInformationssäkerhetssamordnare".into(),
    }
}

fn bodies() -> Vec<(ItemKey, String)> {
    ItemKey::ALL
        .into_iter()
        .map(|k| (k, format!("Text till {}", k.as_str())))
        .collect()
}

async fn events(db: &Db, organisation_id: i64, object_type: &str) -> Vec<String> {
    let filter = EventFilter {
        object_type: Some(object_type.into()),
        ..EventFilter::default()
    };
    audit::list(db, organisation_id, &filter, PageRequest::default())
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|e| e.action)
        .collect()
}

db_test!(
    a_review_is_prepared_edited_held_and_frozen,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let review =
            reviews::create_review(db, region, &actor(), &review_draft(Term::Spring), &bodies())
                .await
                .unwrap();
        assert_eq!(review.status, "prepared");
        let items = reviews::review_items(db, region, review.id).await.unwrap();
        let keys: Vec<&str> = items.iter().map(|i| i.item_key.as_str()).collect();
        assert_eq!(
            keys,
            ItemKey::ALL.map(ItemKey::as_str).to_vec(),
            "agenda order"
        );
        assert_eq!(items[0].body, "Text till world");

        // One review per term and year.
        let twice = reviews::create_review(db, region, &actor(), &review_draft(Term::Spring), &[])
            .await
            .unwrap_err();
        assert!(
            matches!(twice, StoreError::Duplicate { field: "term" }),
            "{twice:?}"
        );

        let audit_text = [(
            ItemKey::Audits,
            "Internrevisionen granskade loggning.".to_owned(),
        )];
        let edit = |version| ReviewEdit {
            expected_version: version,
            participants: "Regionstyrelsens presidium",
            bodies: &audit_text,
        };
        let stale =
            reviews::update_review(db, region, &actor(), review.id, &edit(review.version + 5))
                .await
                .unwrap_err();
        assert!(matches!(stale, StoreError::Conflict));
        let edited = reviews::update_review(db, region, &actor(), review.id, &edit(review.version))
            .await
            .unwrap();
        assert_eq!(edited.version, review.version + 1);
        assert_eq!(edited.participants, "Regionstyrelsens presidium");
        let items = reviews::review_items(db, region, review.id).await.unwrap();
        let audits = items.iter().find(|i| i.item_key == "audits").unwrap();
        assert_eq!(audits.body, "Internrevisionen granskade loggning.");
        assert!(
            items.iter().all(|i| i.figures.is_none()),
            "figures are live while prepared"
        );

        let frozen: Vec<(ItemKey, String)> = ItemKey::ALL
            .into_iter()
            .map(|k| {
                (
                    k,
                    format!(
                        r#"{{"figures":[{{"code":"{}","value":1}}],"risks":[],"lines":[]}}"#,
                        k.as_str()
                    ),
                )
            })
            .collect();
        let stale = reviews::hold_review(db, region, &actor(), review.id, review.version, &frozen)
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::Conflict));
        let held = reviews::hold_review(db, region, &actor(), review.id, edited.version, &frozen)
            .await
            .unwrap();
        assert!(held.is_held());
        assert!(held.held_at.is_some());
        let items = reviews::review_items(db, region, review.id).await.unwrap();
        assert!(
            items.iter().all(|i| i.figures.is_some()),
            "every item kept its figures"
        );

        // Held: the store refuses edits, and the database refuses them too.
        let late = reviews::update_review(db, region, &actor(), review.id, &edit(held.version))
            .await
            .unwrap_err();
        assert!(
            matches!(late, StoreError::Invalid(ref e) if e.has("status")),
            "{late:?}"
        );
        let again = reviews::hold_review(db, region, &actor(), review.id, held.version, &frozen)
            .await
            .unwrap_err();
        assert!(matches!(again, StoreError::Invalid(ref e) if e.has("status")));
        let bypass = format!(
            "UPDATE management_review_item SET body = 'ändrad' WHERE review_id = {}",
            review.id
        );
        assert!(
            raw(db, &bypass).await.is_err(),
            "a held item cannot be changed"
        );
        let delete = format!(
            "DELETE FROM management_review_item WHERE review_id = {}",
            review.id
        );
        assert!(raw(db, &delete).await.is_err(), "items are never removed");

        assert_eq!(
            events(db, region, "management_review").await,
            ["hold", "update", "create"]
        );
        // Another organisation sees nothing of it.
        let other = organisation(db, "Region B", "232100-0024").await;
        assert!(matches!(
            reviews::get_review(db, other, review.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(reviews::review_items(db, other, review.id)
            .await
            .unwrap()
            .is_empty());
    }
);

db_test!(decisions_become_measures_or_tasks_once, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let owner = user(db, region, "agare@region.se").await;
    let review =
        reviews::create_review(db, region, &actor(), &review_draft(Term::Autumn), &bodies())
            .await
            .unwrap();
    let draft = |text: &str, owner_id| DecisionDraft {
        text: text.into(),
        owner_id,
        due_on: today() + Days::new(90),
    };
    let other = organisation(db, "Region B", "232100-0024").await;
    let stranger = user(db, other, "annan@region.se").await;
    let refused =
        reviews::add_decision(db, region, &actor(), review.id, &draft("Utbilda", stranger))
            .await
            .unwrap_err();
    assert!(matches!(refused, StoreError::Invalid(ref e) if e.has("owner_id")));

    let first = reviews::add_decision(
        db,
        region,
        &actor(),
        review.id,
        &draft("Inför MFA i vården", owner),
    )
    .await
    .unwrap();
    let second = reviews::add_decision(
        db,
        region,
        &actor(),
        review.id,
        &draft("Utbilda alla chefer", owner),
    )
    .await
    .unwrap();
    assert_eq!((first.number, second.number), (1, 2));

    let measure_draft = MeasureDraft {
        title: "Inför MFA i vården".into(),
        description: String::new(),
        reason: "Beslut 1 vid ledningens genomgång".into(),
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Preventive,
        risk_ids: Vec::new(),
        system_ids: Vec::new(),
        residual: None,
        responsible_id: owner,
        planned_on: first.due_on,
        done_on: None,
        done_note: String::new(),
        source: None,
    };
    let (converted, measure) =
        reviews::decision_to_measure(db, region, &actor(), first.id, &measure_draft, &matrix())
            .await
            .unwrap();
    assert_eq!(converted.measure_id, Some(measure.id));
    assert_eq!(
        converted.measure_designation.as_deref(),
        Some(measure.designation.as_str())
    );
    let planned = risk::get_measure(db, region, measure.id).await.unwrap();
    assert_eq!(planned.responsible_id, owner);

    let twice = reviews::decision_to_task(db, region, &actor(), first.id)
        .await
        .unwrap_err();
    assert!(matches!(twice, StoreError::Invalid(ref e) if e.has("target")));

    let (tasked, task) = reviews::decision_to_task(db, region, &actor(), second.id)
        .await
        .unwrap();
    assert_eq!(tasked.task_id, Some(task.id));
    assert_eq!(task.assignee_id, Some(owner));
    assert_eq!(task.due_on, Some(second.due_on));
    let open = tasks::open_tasks(db, region, owner, false, 10)
        .await
        .unwrap();
    assert!(open.iter().any(|t| t.task.id == task.id));

    let listed = reviews::decisions(db, region, review.id).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|d| d.is_converted()));
    assert_eq!(
        events(db, region, "management_review_decision").await,
        ["convert", "convert", "create", "create"]
    );
});

async fn system(db: &Db, organisation_id: i64, name: &str) -> i64 {
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

db_test!(figures_count_the_organisations_own_data, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let owner = user(db, region, "agare@region.se").await;
    system(db, region, "Journalsystem").await;
    system(db, region, "Labbsystem").await;
    let operation = UnitDraft {
        name: "Akutkliniken".into(),
        kind: UnitKind::Operation,
        parent_id: None,
        manager_id: None,
        description: String::new(),
    };
    org::create_unit(db, region, &actor(), &operation)
        .await
        .unwrap();
    // A measure without risks, planned for last month and not done: overdue.
    let late = MeasureDraft {
        title: "Rutin för loggkontroll".into(),
        description: String::new(),
        reason: "Krav i föreskrifterna".into(),
        category: MeasureCategory::Organisational,
        function: MeasureFunction::Detective,
        risk_ids: Vec::new(),
        system_ids: Vec::new(),
        residual: None,
        responsible_id: owner,
        planned_on: today() - Days::new(30),
        done_on: None,
        done_note: String::new(),
        source: None,
    };
    risk::create_measure(db, region, &actor(), &late, &matrix())
        .await
        .unwrap();
    // Another organisation's data is never counted.
    let other = organisation(db, "Region B", "232100-0024").await;
    system(db, other, "Främmande system").await;

    let period = Period {
        from: today() - Days::new(180),
        today: today(),
    };
    let all = figures::live_figures(db, region, &period).await.unwrap();
    assert_eq!(all.len(), ItemKey::ALL.len());
    let value = |key: ItemKey, code: &str| {
        all.iter()
            .find(|(k, _)| *k == key)
            .and_then(|(_, f)| f.figures.iter().find(|f| f.code == code))
            .map(|f| f.value)
    };
    assert_eq!(value(ItemKey::Gaps, "systems-without-owner"), Some(2));
    assert_eq!(value(ItemKey::Gaps, "operations-without-manager"), Some(1));
    assert_eq!(value(ItemKey::Gaps, "systems-unclassified"), Some(2));
    assert_eq!(value(ItemKey::Evaluation, "measures-overdue"), Some(1));
    assert_eq!(value(ItemKey::Evaluation, "measures-done"), Some(0));
    assert_eq!(value(ItemKey::World, "incidents"), Some(0));
    assert_eq!(value(ItemKey::SeriousRisks, "serious-risks"), Some(0));

    let coverage = board::coverage(db, region, &Reach::Everywhere)
        .await
        .unwrap();
    assert_eq!(coverage[0].unit_id, None);
    assert_eq!((coverage[0].systems, coverage[0].classified), (2, 0));
    let nothing = board::coverage(db, region, &Reach::Units(Vec::new()))
        .await
        .unwrap();
    assert!(nothing.is_empty());
    let renewals = board::renewal_figures(db, region, &Reach::Everywhere, today())
        .await
        .unwrap();
    assert!(renewals.register_overdue, "never confirmed");
    let incidents = board::incident_figures(db, region, &Reach::Everywhere, Utc::now())
        .await
        .unwrap();
    assert_eq!(incidents.open_cases, 0);
    assert!(board::largest_risks(db, region, &Reach::Everywhere)
        .await
        .unwrap()
        .is_empty());
});
