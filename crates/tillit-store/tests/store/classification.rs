use chrono::{Days, NaiveDate, Utc};
use tillit_domain::classification::{
    Aspect, Catalogue, ClassificationDraft, ClassificationInput, Level, Levels, ObjectKind,
    OwnRequirementInput, SelfAssessment,
};
use tillit_domain::registers::{AssetInput, SystemEventKind, SystemInput};
use tillit_store::classification::{self, AssessmentInput, ObjectFilter, Subject};
use tillit_store::registers;
use tillit_store::tasks;
use tillit_store::{db_test, Actor, Db, Engine, StoreError};

use crate::{actor, organisation, user};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn draft(k: i64, r: i64, t: i64, s: Option<i64>, derived: Option<&Levels>) -> ClassificationDraft {
    ClassificationInput {
        level_k: Some(k),
        level_r: Some(r),
        level_t: Some(t),
        level_s: s,
        reason_k: "Journaluppgifter omfattas av sekretess.".into(),
        reason_t: "Höjd: akuten behöver systemet dygnet runt.".into(),
        participants: "Informationsägare, systemförvaltare, samordnare".into(),
        ..ClassificationInput::default()
    }
    .validate(derived, today())
    .unwrap()
}

async fn asset(db: &Db, organisation_id: i64, owner: i64, name: &str) -> i64 {
    let draft = AssetInput {
        name: name.into(),
        form: "digital".into(),
        owner_id: Some(owner),
        ..Default::default()
    }
    .validate()
    .unwrap();
    registers::create_asset(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

async fn system(db: &Db, organisation_id: i64, owner: Option<i64>, name: &str) -> i64 {
    let draft = SystemInput {
        name: name.into(),
        kind: "information_system".into(),
        criticality: "high".into(),
        hosting: "supplier".into(),
        object_owner_id: owner,
        ..Default::default()
    }
    .validate()
    .unwrap();
    registers::create_system(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

/// Runs a statement outside the repository, as someone with database access could.
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

fn level(n: u8) -> Level {
    Level::new(n).unwrap()
}

db_test!(
    approvals_are_versions_and_earlier_ones_stay_readable,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.example").await;
        let journal = asset(db, region, owner, "Patientjournal").await;

        let (object, first) = classification::approve(
            db,
            region,
            &actor(),
            Subject::Asset(journal),
            None,
            &draft(3, 3, 2, None, None),
        )
        .await
        .unwrap();
        assert_eq!(object.current_version, 1);
        assert_eq!(object.name, "Patientjournal");
        assert_eq!(object.object_kind(), Some(ObjectKind::Asset));
        assert_eq!(
            object.levels(),
            Some(Levels::new(level(3), level(3), level(2), None))
        );
        assert_eq!(first.number, 1);

        // A second approval with the version the user saw; a stale one is refused.
        let (object, second) = classification::approve(
            db,
            region,
            &actor(),
            Subject::Asset(journal),
            Some(object.version),
            &draft(4, 3, 2, Some(2), None),
        )
        .await
        .unwrap();
        assert_eq!(second.number, 2);
        assert_eq!(object.level_k, Some(4));
        let stale = classification::approve(
            db,
            region,
            &actor(),
            Subject::Asset(journal),
            Some(object.version - 1),
            &draft(1, 1, 1, None, None),
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
        let duplicate_first = classification::approve(
            db,
            region,
            &actor(),
            Subject::Asset(journal),
            None,
            &draft(1, 1, 1, None, None),
        )
        .await;
        assert!(matches!(duplicate_first, Err(StoreError::Conflict)));

        let versions = classification::versions(db, region, object.id)
            .await
            .unwrap();
        assert_eq!(
            versions.iter().map(|v| v.number).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(versions[1].level_k, 3, "the first version is unchanged");
        assert_eq!(
            versions[0].reasons().get(Aspect::Confidentiality),
            "Journaluppgifter omfattas av sekretess."
        );

        // The database itself refuses to change or remove an approved version.
        for statement in [
            "UPDATE classification_version SET level_k = 0",
            "DELETE FROM classification_version",
        ] {
            assert!(raw(db, statement).await.is_err(), "{statement} is refused");
        }
        assert_eq!(
            classification::versions(db, region, object.id)
                .await
                .unwrap()
                .len(),
            2
        );
    }
);

db_test!(
    a_system_inherits_the_highest_levels_of_its_assets,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.example").await;
        let journal = asset(db, region, owner, "Patientjournal").await;
        let schedule = asset(db, region, owner, "Schema").await;
        let unclassified = asset(db, region, owner, "Remisser").await;
        let cosmic = system(db, region, Some(owner), "Journalsystem").await;
        for held in [journal, schedule, unclassified] {
            registers::link_asset_system(db, region, &actor(), held, cosmic)
                .await
                .unwrap();
        }
        assert_eq!(
            classification::derived_levels(db, region, cosmic)
                .await
                .unwrap(),
            None,
            "no classified asset yet"
        );
        for (held, levels) in [
            (journal, draft(3, 2, 1, None, None)),
            (schedule, draft(1, 3, 2, Some(2), None)),
        ] {
            classification::approve(db, region, &actor(), Subject::Asset(held), None, &levels)
                .await
                .unwrap();
        }
        let derived = classification::derived_levels(db, region, cosmic)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            derived,
            Levels::new(level(3), level(3), level(2), Some(level(2)))
        );
        let (system, version) = classification::approve(
            db,
            region,
            &actor(),
            Subject::System(cosmic),
            None,
            &draft(3, 3, 3, Some(2), Some(&derived)),
        )
        .await
        .unwrap();
        assert_eq!(system.designation.as_deref(), Some("IS-0001"));
        assert_eq!(version.derived_levels(), Some(derived));
    }
);

db_test!(
    lists_and_coverage_count_only_the_own_organisation,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let owner = user(db, region, "agare@a.example").await;
        let stranger = user(db, other, "agare@b.example").await;
        let journal = asset(db, region, owner, "Patientjournal").await;
        asset(db, region, owner, "Passerloggar").await;
        let foreign = asset(db, other, stranger, "Annan journal").await;
        let cosmic = system(db, region, Some(owner), "Journalsystem").await;
        system(db, region, None, "Passersystem").await;
        classification::approve(
            db,
            region,
            &actor(),
            Subject::Asset(journal),
            None,
            &draft(4, 3, 2, None, None),
        )
        .await
        .unwrap();
        classification::approve(
            db,
            region,
            &actor(),
            Subject::System(cosmic),
            None,
            &draft(2, 2, 2, None, None),
        )
        .await
        .unwrap();
        classification::approve(
            db,
            other,
            &actor(),
            Subject::Asset(foreign),
            None,
            &draft(1, 1, 1, None, None),
        )
        .await
        .unwrap();
        let wrong_organisation = classification::approve(
            db,
            other,
            &actor(),
            Subject::Asset(journal),
            None,
            &draft(1, 1, 1, None, None),
        )
        .await;
        assert!(matches!(wrong_organisation, Err(StoreError::NotFound)));

        let process = classification::create_named_object(
            db,
            region,
            &actor(),
            ObjectKind::Process,
            "Läkemedelshantering",
            Some(owner),
            None,
        )
        .await
        .unwrap();
        assert_eq!(process.current_version, 0);
        let stranger_owner = classification::create_named_object(
            db,
            region,
            &actor(),
            ObjectKind::Document,
            "Rutin",
            Some(stranger),
            None,
        )
        .await;
        match stranger_owner {
            Err(StoreError::Invalid(errors)) => assert!(errors.has("owner_id")),
            other => panic!("expected invalid owner, got {other:?}"),
        }

        let all = classification::list_objects(db, region, &ObjectFilter::default(), 50, 0)
            .await
            .unwrap();
        assert_eq!(all.total, 3);
        let names: Vec<&str> = all.items.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(
            names,
            ["Journalsystem", "Läkemedelshantering", "Patientjournal"]
        );
        let level_four = classification::list_objects(
            db,
            region,
            &ObjectFilter {
                needs_protection_analysis: true,
                ..ObjectFilter::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(level_four.items.len(), 1);
        assert_eq!(level_four.items[0].name, "Patientjournal");
        let searched = classification::list_objects(
            db,
            region,
            &ObjectFilter {
                query: Some("LÄKEMEDEL".into()),
                ..ObjectFilter::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(searched.total, 1);
        let overdue = classification::list_objects(
            db,
            region,
            &ObjectFilter {
                overdue_on: today().checked_add_days(Days::new(400)),
                ..ObjectFilter::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(overdue.total, 2, "both approvals are due within a year");

        let coverage = classification::coverage(db, region, today()).await.unwrap();
        assert_eq!(
            (
                coverage.systems.total,
                coverage.systems.classified,
                coverage.systems.current
            ),
            (2, 1, 1)
        );
        assert_eq!(
            (
                coverage.assets.total,
                coverage.assets.classified,
                coverage.assets.current
            ),
            (2, 1, 1)
        );
        let later = today().checked_add_days(Days::new(400)).unwrap();
        let coverage = classification::coverage(db, region, later).await.unwrap();
        assert_eq!(
            coverage.assets.current, 0,
            "overdue once the review date passed"
        );
        assert_eq!(coverage.overdue(), 2, "one system and one asset");
        let open = classification::unclassified(db, region, 10).await.unwrap();
        let open: Vec<(&str, &str)> = open
            .iter()
            .map(|u| (u.kind.as_str(), u.name.as_str()))
            .collect();
        assert_eq!(
            open,
            [
                ("system", "IS-0002 Passersystem"),
                ("asset", "Passerloggar")
            ]
        );
    }
);

db_test!(
    self_assessments_record_unmet_requirements_as_proposed_measures,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.example").await;
        let journal = asset(db, region, owner, "Patientjournal").await;
        let (object, _) = classification::approve(
            db,
            region,
            &actor(),
            Subject::Asset(journal),
            None,
            &draft(3, 2, 2, None, None),
        )
        .await
        .unwrap();
        let person = Actor::user(owner, "Agnes Ägare");
        let met = classification::assess(
            db,
            region,
            &person,
            object.id,
            &AssessmentInput {
                requirement_code: "K-ACC-01",
                expected_version: None,
                status: SelfAssessment::Fulfilled,
                how: "Behörigheter tilldelas efter behovs- och riskanalys.",
            },
        )
        .await
        .unwrap();
        assert_eq!(met.version, 1);
        let missing_how = classification::assess(
            db,
            region,
            &person,
            object.id,
            &AssessmentInput {
                requirement_code: "K-LOG-01",
                expected_version: None,
                status: SelfAssessment::NotFulfilled,
                how: " ",
            },
        )
        .await;
        match missing_how {
            Err(StoreError::Invalid(errors)) => assert!(errors.has("how")),
            other => panic!("expected a missing how, got {other:?}"),
        }
        classification::assess(
            db,
            region,
            &person,
            object.id,
            &AssessmentInput {
                requirement_code: "K-LOG-01",
                expected_version: None,
                status: SelfAssessment::NotFulfilled,
                how: "Loggarna följs inte upp systematiskt.",
            },
        )
        .await
        .unwrap();
        let stale = classification::assess(
            db,
            region,
            &person,
            object.id,
            &AssessmentInput {
                requirement_code: "K-ACC-01",
                expected_version: None,
                status: SelfAssessment::Partly,
                how: "Delvis",
            },
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));
        classification::assess(
            db,
            region,
            &person,
            object.id,
            &AssessmentInput {
                requirement_code: "K-ACC-01",
                expected_version: Some(met.version),
                status: SelfAssessment::Partly,
                how: "Behörigheter ses inte över årligen.",
            },
        )
        .await
        .unwrap();

        let all = classification::assessments(db, region, object.id)
            .await
            .unwrap();
        assert_eq!(all.len(), 2);
        let unmet = classification::unmet_requirements(db, region, 50, 0)
            .await
            .unwrap();
        assert_eq!(unmet.total, 2);
        assert_eq!(
            unmet
                .items
                .iter()
                .map(|u| (
                    u.object_name.as_str(),
                    u.requirement_code.as_str(),
                    u.status.as_str()
                ))
                .collect::<Vec<_>>(),
            [
                ("Patientjournal", "K-ACC-01", "partly"),
                ("Patientjournal", "K-LOG-01", "not_fulfilled")
            ]
        );
        let other = organisation(db, "Region B", "232100-0024").await;
        assert_eq!(
            classification::unmet_requirements(db, other, 50, 0)
                .await
                .unwrap()
                .total,
            0
        );
    }
);

db_test!(own_requirements_have_unique_codes, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let catalogue = Catalogue::builtin().unwrap();
    let input = OwnRequirementInput {
        code: "ORG-K-01".into(),
        aspect: "K".into(),
        min_level: Some(2),
        category: "technical".into(),
        title: "Skärmlås".into(),
        description: "Arbetsstationer låses efter fem minuter.".into(),
        iso27002: "8.1".into(),
        ..OwnRequirementInput::default()
    };
    let requirement = input.validate(&catalogue).unwrap();
    let created = classification::create_own_requirement(db, region, &actor(), &requirement)
        .await
        .unwrap();
    assert_eq!(created.iso27002, "8.1");
    let again = classification::create_own_requirement(db, region, &actor(), &requirement).await;
    assert!(
        matches!(again, Err(StoreError::Duplicate { field: "code" })),
        "{again:?}"
    );
    let round_trip = created.as_input().validate(&catalogue).unwrap();
    assert_eq!(round_trip, requirement);
    let changed = OwnRequirementInput {
        min_level: Some(3),
        ..created.as_input()
    }
    .validate(&catalogue)
    .unwrap();
    let updated = classification::update_own_requirement(
        db,
        region,
        &actor(),
        created.id,
        created.version,
        &changed,
    )
    .await
    .unwrap();
    assert_eq!(updated.min_level, 3);
    let stale = classification::update_own_requirement(
        db,
        region,
        &actor(),
        created.id,
        created.version,
        &changed,
    )
    .await;
    assert!(matches!(stale, Err(StoreError::Conflict)));
    assert_eq!(
        classification::list_own_requirements(db, region)
            .await
            .unwrap()
            .len(),
        1
    );
});

db_test!(
    new_and_changed_systems_prompt_their_owners_until_classified,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.example").await;
        let cosmic = system(db, region, Some(owner), "Journalsystem").await;
        let orphan = system(db, region, None, "Gammalt system").await;

        let open = tasks::open_tasks(db, region, owner, false, 50)
            .await
            .unwrap();
        assert_eq!(open.len(), 1, "adding the entry prompts its owner");
        assert_eq!(open[0].task.subject_id, cosmic);
        assert_eq!(open[0].subject_name, "IS-0001 Journalsystem");
        assert_eq!(open[0].task.kind, tasks::CLASSIFY);
        let unassigned = tasks::open_tasks_about(db, region, "information_system", orphan)
            .await
            .unwrap();
        assert_eq!(unassigned.len(), 1);
        assert_eq!(unassigned[0].assignee_id, None);

        let empty = registers::record_system_event(
            db,
            region,
            &actor(),
            cosmic,
            SystemEventKind::Procurement,
            "  ",
        )
        .await;
        assert!(matches!(empty, Err(StoreError::Invalid(_))));
        let (event, created) = registers::record_system_event(
            db,
            region,
            &actor(),
            cosmic,
            SystemEventKind::Procurement,
            "Ny upphandling av journalsystem 2027",
        )
        .await
        .unwrap();
        assert_eq!(event.kind, "procurement");
        assert_eq!(created.len(), 1);
        assert_eq!(created[0].assignee_id, Some(owner));
        assert!(created[0].due_on > Some(today()));
        assert_eq!(
            registers::system_events(db, region, cosmic)
                .await
                .unwrap()
                .len(),
            2
        );
        assert_eq!(
            tasks::open_tasks(db, region, owner, false, 50)
                .await
                .unwrap()
                .len(),
            2
        );

        classification::approve(
            db,
            region,
            &Actor::user(owner, "Agnes"),
            Subject::System(cosmic),
            None,
            &draft(2, 2, 2, None, None),
        )
        .await
        .unwrap();
        assert!(
            tasks::open_tasks(db, region, owner, false, 50)
                .await
                .unwrap()
                .is_empty(),
            "classifying the system answers its prompts"
        );
        let orphan_task = &unassigned[0];
        let done = tasks::complete_task(db, region, &actor(), orphan_task.id, orphan_task.version)
            .await
            .unwrap();
        assert!(done.done_at.is_some());
        let again =
            tasks::complete_task(db, region, &actor(), orphan_task.id, orphan_task.version).await;
        assert!(matches!(again, Err(StoreError::Conflict)));
    }
);
