use chrono::{Days, Utc};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{
    AssetDraft, AssetInput, Criticality, PersonalDataCategory, SystemDraft, SystemInput,
    SystemKind, SystemSort,
};
use tillit_store::audit::{self, EventFilter};
use tillit_store::registers::{self, AssetFilter, SystemFilter};
use tillit_store::{db_test, org, Db, StoreError};

use crate::{actor, organisation, user};

fn system(name: &str, kind: &str) -> SystemDraft {
    SystemInput {
        name: name.into(),
        kind: kind.into(),
        criticality: "high".into(),
        hosting: "supplier".into(),
        ..Default::default()
    }
    .validate()
    .unwrap()
}

fn asset(name: &str, owner_id: i64) -> AssetDraft {
    AssetInput {
        name: name.into(),
        form: "digital".into(),
        owner_id: Some(owner_id),
        contains_personal_data: true,
        personal_data_categories: vec!["health".into(), "protected_identity".into()],
        ..Default::default()
    }
    .validate()
    .unwrap()
}

async fn create(
    db: &Db,
    organisation_id: i64,
    draft: &SystemDraft,
) -> registers::InformationSystem {
    registers::create_system(db, organisation_id, &actor(), draft)
        .await
        .unwrap()
}

async fn count_systems(db: &Db, organisation_id: i64) -> i64 {
    registers::list_systems(
        db,
        organisation_id,
        &SystemFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap()
    .total
}

db_test!(
    designations_are_sequential_per_organisation_and_never_reused,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let journal = create(db, region, &system("Journalsystem", "information_system")).await;
        let pacs = create(db, region, &system("PACS", "information_system")).await;
        let zone = create(db, region, &system("Vårdnät", "network")).await;
        let mail = create(db, region, &system("E-post", "it_service")).await;
        let foreign = create(db, other, &system("Journal", "information_system")).await;
        assert_eq!(
            [
                journal.designation.as_str(),
                pacs.designation.as_str(),
                zone.designation.as_str(),
                mail.designation.as_str(),
                foreign.designation.as_str()
            ],
            ["IS-0001", "IS-0002", "NW-0001", "IT-0001", "IS-0001"]
        );

        // An update keeps the designation, even when the kind changes.
        let updated = registers::update_system(
            db,
            region,
            &actor(),
            pacs.id,
            pacs.version,
            &system("PACS bild", "network"),
        )
        .await
        .unwrap();
        assert_eq!(updated.designation, "IS-0002");
        let next = create(db, region, &system("Labbsystem", "information_system")).await;
        assert_eq!(next.designation, "IS-0003");

        // A configured prefix takes over; numbering continues.
        registers::set_designation_prefix(
            db,
            region,
            &actor(),
            SystemKind::InformationSystem,
            "SYS",
        )
        .await
        .unwrap();
        let dental = create(db, region, &system("Tandvårdssystem", "information_system")).await;
        assert_eq!(dental.designation, "SYS-0004");
        let taken = registers::set_designation_prefix(
            db,
            region,
            &actor(),
            SystemKind::InformationSystem,
            "NW",
        )
        .await;
        assert!(matches!(taken, Err(StoreError::Invalid(e)) if e.has("prefix")));
        let bad = registers::set_designation_prefix(
            db,
            region,
            &actor(),
            SystemKind::ItService,
            "it service",
        )
        .await;
        assert!(matches!(bad, Err(StoreError::Invalid(e)) if e.has("prefix")));
    }
);

db_test!(
    concurrent_creates_never_share_a_designation,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let first = system("Ett", "information_system");
        let second = system("Två", "information_system");
        let who = actor();
        let (a, b) = tokio::join!(
            registers::create_system(db, region, &who, &first),
            registers::create_system(db, region, &who, &second)
        );
        let mut designations = vec![a.unwrap().designation, b.unwrap().designation];
        designations.sort();
        assert_eq!(designations, vec!["IS-0001", "IS-0002"]);
        let (c, d) = tokio::join!(
            registers::create_system(db, region, &who, &first),
            registers::create_system(db, region, &who, &second)
        );
        assert_ne!(c.unwrap().designation, d.unwrap().designation);
        assert_eq!(count_systems(db, region).await, 4);
    }
);

db_test!(stale_versions_are_refused, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let owner = user(db, region, "owner@region.se").await;
    let entry = create(db, region, &system("Journalsystem", "information_system")).await;
    let renamed = registers::update_system(
        db,
        region,
        &actor(),
        entry.id,
        entry.version,
        &system("Journalsystem 2", "information_system"),
    )
    .await
    .unwrap();
    assert_eq!(renamed.version, entry.version + 1);
    let stale = registers::update_system(
        db,
        region,
        &actor(),
        entry.id,
        entry.version,
        &system("Lost update", "information_system"),
    )
    .await;
    assert!(matches!(stale, Err(StoreError::Conflict)));
    let stale_owners =
        registers::set_owners(db, region, &actor(), entry.id, entry.version, &[owner]).await;
    assert!(matches!(stale_owners, Err(StoreError::Conflict)));
    assert_eq!(
        registers::get_system(db, region, entry.id)
            .await
            .unwrap()
            .name,
        "Journalsystem 2"
    );

    let record = registers::create_asset(db, region, &actor(), &asset("Journal", owner))
        .await
        .unwrap();
    registers::update_asset(
        db,
        region,
        &actor(),
        record.id,
        record.version,
        &asset("Journal 2", owner),
    )
    .await
    .unwrap();
    let stale_asset = registers::update_asset(
        db,
        region,
        &actor(),
        record.id,
        record.version,
        &asset("Lost", owner),
    )
    .await;
    assert!(matches!(stale_asset, Err(StoreError::Conflict)));
});

db_test!(
    references_to_another_organisation_are_refused,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let outsider = user(db, other, "outsider@other.se").await;
        let insider = user(db, region, "insider@region.se").await;
        let foreign_unit = org::create_unit(
            db,
            other,
            &actor(),
            &UnitDraft {
                name: "Annan enhet".into(),
                kind: UnitKind::Unit,
                parent_id: None,
                manager_id: None,
                description: String::new(),
            },
        )
        .await
        .unwrap();
        let events_before =
            audit::list(db, region, &EventFilter::default(), PageRequest::default())
                .await
                .unwrap()
                .total;

        let mut draft = system("Smuggel", "information_system");
        draft.object_owner_id = Some(outsider);
        draft.system_administrator_id = Some(outsider);
        draft.owner_ids = vec![insider, outsider];
        let refused = registers::create_system(db, region, &actor(), &draft).await;
        assert!(matches!(&refused, Err(StoreError::Invalid(e))
            if e.has("object_owner_id") && e.has("system_administrator_id") && e.has("owner_ids")));
        assert_eq!(count_systems(db, region).await, 0);

        let entry = create(db, region, &system("Journalsystem", "information_system")).await;
        assert_eq!(
            entry.designation, "IS-0001",
            "a refused create uses no number"
        );
        let owners =
            registers::set_owners(db, region, &actor(), entry.id, entry.version, &[outsider]).await;
        assert!(matches!(owners, Err(StoreError::Invalid(e)) if e.has("owner_ids")));
        assert!(registers::system_owners(db, region, entry.id)
            .await
            .unwrap()
            .is_empty());

        let mut foreign_asset = asset("Journal", outsider);
        let refused = registers::create_asset(db, region, &actor(), &foreign_asset).await;
        assert!(matches!(refused, Err(StoreError::Invalid(e)) if e.has("owner_id")));
        foreign_asset.owner_id = insider;
        foreign_asset.unit_id = Some(foreign_unit.id);
        let refused = registers::create_asset(db, region, &actor(), &foreign_asset).await;
        assert!(matches!(refused, Err(StoreError::Invalid(e)) if e.has("unit_id")));
        let assets =
            registers::list_assets(db, region, &AssetFilter::default(), PageRequest::default())
                .await
                .unwrap();
        assert_eq!(assets.total, 0);

        // Only the one successful create was audited: the entry, the note that it was
        // added, and the task that prompts its classification.
        let events_after = audit::list(db, region, &EventFilter::default(), PageRequest::default())
            .await
            .unwrap()
            .total;
        assert_eq!(events_after, events_before + 3);
        // And the entry cannot be read from the other organisation.
        assert!(matches!(
            registers::get_system(db, other, entry.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(registers::system_history(db, other, entry.id)
            .await
            .unwrap()
            .is_empty());
    }
);

db_test!(dependency_cycles_are_refused, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let other = organisation(db, "Region B", "232100-0024").await;
    let journal = create(db, region, &system("Journal", "information_system")).await;
    let network = create(db, region, &system("Vårdnät", "network")).await;
    let hosting = create(db, region, &system("Drift", "it_service")).await;
    let foreign = create(db, other, &system("Främmande", "network")).await;

    registers::add_dependency(db, region, &actor(), journal.id, network.id)
        .await
        .unwrap();
    registers::add_dependency(db, region, &actor(), network.id, hosting.id)
        .await
        .unwrap();
    let cycle = registers::add_dependency(db, region, &actor(), hosting.id, journal.id).await;
    assert!(matches!(&cycle, Err(StoreError::Invalid(e))
        if e.0.iter().any(|f| f.field == "depends_on_id" && f.code == "cycle")));
    let itself = registers::add_dependency(db, region, &actor(), journal.id, journal.id).await;
    assert!(matches!(itself, Err(StoreError::Invalid(e)) if e.has("depends_on_id")));
    let twice = registers::add_dependency(db, region, &actor(), journal.id, network.id).await;
    assert!(matches!(
        twice,
        Err(StoreError::Duplicate {
            field: "depends_on_id"
        })
    ));
    let across = registers::add_dependency(db, region, &actor(), journal.id, foreign.id).await;
    assert!(matches!(across, Err(StoreError::Invalid(e)) if e.has("depends_on_id")));
    let from_other = registers::add_dependency(db, other, &actor(), foreign.id, journal.id).await;
    assert!(matches!(from_other, Err(StoreError::Invalid(_))));

    let deps = registers::dependencies(db, region, journal.id)
        .await
        .unwrap();
    assert_eq!(
        deps.iter().map(|s| s.id).collect::<Vec<_>>(),
        vec![network.id]
    );
    let users_of_network = registers::dependents(db, region, network.id).await.unwrap();
    assert_eq!(users_of_network[0].id, journal.id);
    assert!(registers::dependencies(db, other, journal.id)
        .await
        .unwrap()
        .is_empty());

    // Once the chain is broken, the former cycle-closing dependency is allowed.
    registers::remove_dependency(db, region, &actor(), network.id, hosting.id)
        .await
        .unwrap();
    registers::add_dependency(db, region, &actor(), hosting.id, journal.id)
        .await
        .unwrap();
    assert!(matches!(
        registers::remove_dependency(db, region, &actor(), network.id, hosting.id).await,
        Err(StoreError::NotFound)
    ));
});

db_test!(history_keeps_one_snapshot_per_version, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let owner = user(db, region, "owner@region.se").await;
    let first = create(db, region, &system("Journal", "information_system")).await;
    let second = registers::update_system(
        db,
        region,
        &actor(),
        first.id,
        first.version,
        &system("Journal v2", "information_system"),
    )
    .await
    .unwrap();
    let third = registers::set_owners(
        db,
        region,
        &actor(),
        first.id,
        second.version,
        &[owner, owner],
    )
    .await
    .unwrap();
    assert_eq!(third.version, 3);
    let history = registers::system_history(db, region, first.id)
        .await
        .unwrap();
    assert_eq!(
        history.iter().map(|v| v.version).collect::<Vec<_>>(),
        vec![1, 2, 3]
    );
    let snapshots: Vec<serde_json::Value> = history
        .iter()
        .map(|v| serde_json::from_str(&v.snapshot).unwrap())
        .collect();
    assert_eq!(snapshots[0]["name"], "Journal");
    assert_eq!(snapshots[1]["name"], "Journal v2");
    assert_eq!(snapshots[1]["version"], 2);
    assert_eq!(snapshots[1]["owner_ids"], serde_json::json!([]));
    assert_eq!(snapshots[2]["owner_ids"], serde_json::json!([owner]));
    assert_eq!(snapshots[2]["designation"], "IS-0001");
    assert_eq!(history[0].changed_by_label, "test");
    let owners = registers::system_owners(db, region, first.id)
        .await
        .unwrap();
    assert_eq!(owners.len(), 1);

    // Every change is in the audit trail too.
    let events = audit::list(
        db,
        region,
        &EventFilter {
            object_type: Some("information_system".into()),
            object_id: Some(first.id.to_string()),
            ..Default::default()
        },
        PageRequest::default(),
    )
    .await
    .unwrap();
    let actions: Vec<_> = events.items.iter().map(|e| e.action.as_str()).collect();
    assert_eq!(actions, vec!["set_owners", "update", "create"]);

    // Continuity planning fills in the recovery time later, as a new version.
    let refused =
        registers::set_recovery_time(db, region, &actor(), first.id, third.version, Some(-4)).await;
    assert!(
        matches!(refused, Err(StoreError::Invalid(e)) if e.has("acceptable_recovery_time_hours"))
    );
    let fourth =
        registers::set_recovery_time(db, region, &actor(), first.id, third.version, Some(4))
            .await
            .unwrap();
    assert_eq!(
        (fourth.version, fourth.acceptable_recovery_time_hours),
        (4, Some(4))
    );
    let stale =
        registers::set_recovery_time(db, region, &actor(), first.id, third.version, None).await;
    assert!(matches!(stale, Err(StoreError::Conflict)));
    let history = registers::system_history(db, region, first.id)
        .await
        .unwrap();
    assert_eq!(history.len(), 4);
    let last: serde_json::Value = serde_json::from_str(&history[3].snapshot).unwrap();
    assert_eq!(last["acceptable_recovery_time_hours"], 4);
    assert_eq!(last["owner_ids"], serde_json::json!([owner]));
});

db_test!(register_is_overdue_until_confirmed, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let other = organisation(db, "Region B", "232100-0024").await;
    let today = Utc::now().date_naive();
    assert!(registers::register_overdue(db, region, today)
        .await
        .unwrap());
    let journal = create(db, region, &system("Journal", "information_system")).await;
    create(db, region, &system("Vårdnät", "network")).await;

    let changes = registers::register_changes(db, region).await.unwrap();
    assert_eq!(changes.created, vec!["IS-0001", "NW-0001"]);
    let confirmation = registers::confirm_register(db, region, &actor(), "Genomgånget")
        .await
        .unwrap();
    assert_eq!(confirmation.system_count, 2);
    let summary: serde_json::Value = serde_json::from_str(&confirmation.changes_summary).unwrap();
    assert_eq!(summary["note"], "Genomgånget");
    assert_eq!(
        summary["created"],
        serde_json::json!(["IS-0001", "NW-0001"])
    );

    assert!(!registers::register_overdue(db, region, today)
        .await
        .unwrap());
    let later = today.checked_add_days(Days::new(366)).unwrap();
    assert!(registers::register_overdue(db, region, later)
        .await
        .unwrap());
    assert!(
        registers::register_overdue(db, other, today).await.unwrap(),
        "a confirmation counts only for its own organisation"
    );

    registers::update_system(
        db,
        region,
        &actor(),
        journal.id,
        journal.version,
        &system("Journal 2", "information_system"),
    )
    .await
    .unwrap();
    let changes = registers::register_changes(db, region).await.unwrap();
    assert!(changes.created.is_empty());
    assert_eq!(changes.changed, vec!["IS-0001"]);
    assert_eq!(
        registers::latest_confirmation(db, region)
            .await
            .unwrap()
            .unwrap()
            .id,
        confirmation.id
    );
});

db_test!(systems_are_filtered_and_searched, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let other = organisation(db, "Region B", "232100-0024").await;
    let owner = user(db, region, "owner@region.se").await;
    let mut journal = system("Östra journalen", "information_system");
    journal.criticality = Criticality::Critical;
    journal.in_cyber_security_act_scope = true;
    journal.owner_ids = vec![owner];
    create(db, region, &journal).await;
    let mut network = system("Vårdnät", "network");
    network.object_owner_id = Some(owner);
    create(db, region, &network).await;
    create(db, region, &system("E-post", "it_service")).await;
    create(db, other, &system("Östra annan", "information_system")).await;

    let list = |filter: SystemFilter| async move {
        registers::list_systems(db, region, &filter, PageRequest::default())
            .await
            .unwrap()
    };
    let names = |page: &tillit_store::Page<registers::InformationSystem>| {
        page.items
            .iter()
            .map(|s| s.name.clone())
            .collect::<Vec<_>>()
    };
    let all = list(SystemFilter::default()).await;
    assert_eq!(all.total, 3);
    assert_eq!(names(&all), vec!["E-post", "Vårdnät", "Östra journalen"]);
    let search = list(SystemFilter {
        query: Some("östra".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(names(&search), vec!["Östra journalen"]);
    let by_designation = list(SystemFilter {
        query: Some("nw-0001".into()),
        ..Default::default()
    })
    .await;
    assert_eq!(names(&by_designation), vec!["Vårdnät"]);
    let by_kind = list(SystemFilter {
        kind: Some(SystemKind::ItService),
        ..Default::default()
    })
    .await;
    assert_eq!(names(&by_kind), vec!["E-post"]);
    let critical = list(SystemFilter {
        criticality: Some(Criticality::Critical),
        in_scope: Some(true),
        ..Default::default()
    })
    .await;
    assert_eq!(critical.total, 1);
    let owned = list(SystemFilter {
        owner_id: Some(owner),
        ..Default::default()
    })
    .await;
    assert_eq!(names(&owned), vec!["Vårdnät", "Östra journalen"]);
    let by_criticality = list(SystemFilter {
        sort: SystemSort::Criticality,
        ..Default::default()
    })
    .await;
    assert_eq!(by_criticality.items[0].name, "Östra journalen");
    let by_designation = list(SystemFilter {
        sort: SystemSort::Designation,
        ..Default::default()
    })
    .await;
    assert_eq!(
        by_designation
            .items
            .iter()
            .map(|s| s.designation.as_str())
            .collect::<Vec<_>>(),
        vec!["IS-0001", "IT-0001", "NW-0001"]
    );
    let second_page = registers::list_systems(
        db,
        region,
        &SystemFilter::default(),
        PageRequest {
            page: 2,
            per_page: 2,
        },
    )
    .await
    .unwrap();
    assert_eq!((second_page.items.len(), second_page.total), (1, 3));
});

db_test!(
    assets_link_to_systems_of_their_own_organisation,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let owner = user(db, region, "owner@region.se").await;
        let journal = create(db, region, &system("Journal", "information_system")).await;
        let foreign = create(db, other, &system("Främmande", "information_system")).await;
        let record = registers::create_asset(db, region, &actor(), &asset("Patientjournal", owner))
            .await
            .unwrap();
        assert_eq!(record.owner_name, "owner@region.se");
        assert_eq!(
            record.personal_data_categories,
            vec![
                PersonalDataCategory::Health.as_str(),
                PersonalDataCategory::ProtectedIdentity.as_str()
            ]
        );
        let mut paper = asset("Remisser på papper", owner);
        paper.form = tillit_domain::registers::AssetForm::Paper;
        paper.contains_personal_data = false;
        paper.personal_data_categories.clear();
        registers::create_asset(db, region, &actor(), &paper)
            .await
            .unwrap();

        registers::link_asset_system(db, region, &actor(), record.id, journal.id)
            .await
            .unwrap();
        assert!(matches!(
            registers::link_asset_system(db, region, &actor(), record.id, journal.id).await,
            Err(StoreError::Duplicate { field: "system_id" })
        ));
        let across =
            registers::link_asset_system(db, region, &actor(), record.id, foreign.id).await;
        assert!(matches!(across, Err(StoreError::Invalid(e)) if e.has("system_id")));
        let from_other =
            registers::link_asset_system(db, other, &actor(), record.id, foreign.id).await;
        assert!(matches!(from_other, Err(StoreError::NotFound)));

        let held = registers::asset_systems(db, region, record.id)
            .await
            .unwrap();
        assert_eq!(
            held.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![journal.id]
        );
        assert!(registers::asset_systems(db, other, record.id)
            .await
            .unwrap()
            .is_empty());
        let holds = registers::system_assets(db, region, journal.id)
            .await
            .unwrap();
        assert_eq!(
            holds.iter().map(|a| a.id).collect::<Vec<_>>(),
            vec![record.id]
        );
        assert!(matches!(
            registers::get_asset(db, other, record.id).await,
            Err(StoreError::NotFound)
        ));

        let in_journal = registers::list_assets(
            db,
            region,
            &AssetFilter {
                system_id: Some(journal.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(in_journal.total, 1);
        let personal = registers::list_assets(
            db,
            region,
            &AssetFilter {
                contains_personal_data: Some(false),
                query: Some("REMISS".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(personal.total, 1);
        let protected = registers::list_assets(
            db,
            region,
            &AssetFilter {
                category: Some(PersonalDataCategory::ProtectedIdentity),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(protected.items[0].id, record.id);
        assert_eq!(protected.total, 1);
        let children = registers::list_assets(
            db,
            region,
            &AssetFilter {
                category: Some(PersonalDataCategory::Children),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(children.total, 0);
        assert!(
            registers::list_assets(db, other, &AssetFilter::default(), PageRequest::default())
                .await
                .unwrap()
                .items
                .is_empty()
        );

        registers::unlink_asset_system(db, region, &actor(), record.id, journal.id)
            .await
            .unwrap();
        assert!(registers::asset_systems(db, region, record.id)
            .await
            .unwrap()
            .is_empty());
        assert!(matches!(
            registers::unlink_asset_system(db, region, &actor(), record.id, journal.id).await,
            Err(StoreError::NotFound)
        ));
    }
);
