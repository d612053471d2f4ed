//! Loading many register rows at once, and the systems list over many rows.

use chrono::{Duration, Utc};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{
    AssetDraft, AssetInput, Criticality, SystemDraft, SystemInput, SystemKind, SystemSort,
};
use tillit_store::audit::{self, EventFilter};
use tillit_store::registers::{self, SystemFilter};
use tillit_store::users::{self, NewUser};
use tillit_store::{db_test, org, Actor, Db, StoreError};

use crate::{actor, organisation};

async fn user(db: &Db, organisation_id: i64, email: &str, name: &str) -> i64 {
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
    tx.commit().await.unwrap();
    created.id
}

async fn unit(db: &Db, organisation_id: i64, name: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let draft = UnitDraft {
        name: name.into(),
        kind: UnitKind::Unit,
        parent_id: None,
        manager_id: None,
        description: String::new(),
    };
    let created = org::create_unit_in(&mut tx, organisation_id, &actor(), &draft)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    created.id
}

fn system(name: &str, kind: &str, owner: Option<i64>) -> SystemDraft {
    SystemInput {
        name: name.into(),
        kind: kind.into(),
        criticality: "high".into(),
        hosting: "own_data_centre".into(),
        object_owner_id: owner,
        owner_ids: owner.into_iter().collect(),
        ..Default::default()
    }
    .validate()
    .unwrap()
}

fn asset(name: &str, owner_id: i64, unit_id: Option<i64>) -> AssetDraft {
    AssetInput {
        name: name.into(),
        form: "digital".into(),
        owner_id: Some(owner_id),
        unit_id,
        contains_personal_data: true,
        personal_data_categories: vec!["health".into()],
        ..Default::default()
    }
    .validate()
    .unwrap()
}

/// Audit events of the organisation with this action on this type of object.
async fn events(db: &Db, organisation_id: i64, action: &str, object_type: &str) -> i64 {
    let filter = EventFilter {
        action: Some(action.into()),
        object_type: Some(object_type.into()),
        ..Default::default()
    };
    audit::list(db, organisation_id, &filter, PageRequest::default())
        .await
        .unwrap()
        .total
}

async fn total(db: &Db, organisation_id: i64, filter: SystemFilter) -> i64 {
    registers::list_systems(db, organisation_id, &filter, PageRequest::default())
        .await
        .unwrap()
        .total
}

db_test!(
    bulk_systems_continue_designations_with_history_and_audit,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "owner@region.se", "Olle Ägare").await;
        let first = registers::create_system(
            db,
            region,
            &actor(),
            &system("Journal", "information_system", None),
        )
        .await
        .unwrap();
        assert_eq!(first.designation, "IS-0001");

        // More rows than fit one statement, in two kinds.
        let drafts: Vec<SystemDraft> = (0..450)
            .map(|n| {
                let kind = if n % 3 == 0 {
                    "network"
                } else {
                    "information_system"
                };
                system(&format!("System {n:03}"), kind, Some(owner))
            })
            .collect();
        let at = Utc::now() - Duration::days(400);
        let mut tx = db.begin().await.unwrap();
        let created = registers::insert_systems(&mut tx, region, &actor(), at, &drafts)
            .await
            .unwrap();
        tx.commit().await.unwrap();

        assert_eq!(created.len(), 450);
        assert_eq!(created[0].designation, "NW-0001");
        assert_eq!(created[1].designation, "IS-0002");
        assert_eq!(created[2].designation, "IS-0003");
        assert_eq!(created[449].designation, "IS-0301");
        for (draft, entry) in drafts.iter().zip(&created) {
            assert_eq!(draft.name, entry.name);
        }
        let stored = registers::get_system(db, region, created[448].id)
            .await
            .unwrap();
        assert_eq!(stored.name, "System 448");
        assert_eq!(stored.designation, created[448].designation);
        assert_eq!(stored.object_owner_name.as_deref(), Some("Olle Ägare"));
        assert_eq!(stored.version, 1);
        assert_eq!(
            stored.created_at.timestamp_micros(),
            tillit_store::truncate_to_micros(at).timestamp_micros()
        );
        let owners = registers::system_owners(db, region, stored.id)
            .await
            .unwrap();
        assert_eq!(owners.len(), 1);
        let history = registers::system_history(db, region, stored.id)
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].changed_at, stored.created_at);
        let snapshot: serde_json::Value = serde_json::from_str(&history[0].snapshot).unwrap();
        assert_eq!(snapshot["designation"], stored.designation.as_str());
        assert_eq!(snapshot["owner_ids"], serde_json::json!([owner]));
        assert_eq!(
            events(db, region, "create", "information_system").await,
            1 + 450
        );

        // The search text covers designation and name, as for single creates.
        let found = total(
            db,
            region,
            SystemFilter {
                query: Some(created[448].designation.to_lowercase()),
                ..Default::default()
            },
        )
        .await;
        assert_eq!(found, 1);
        let next = registers::create_system(
            db,
            region,
            &actor(),
            &system("Efter", "information_system", None),
        )
        .await
        .unwrap();
        assert_eq!(next.designation, "IS-0302");
    }
);

db_test!(a_bad_bulk_reference_writes_nothing, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let other = organisation(db, "Region B", "232100-0024").await;
    let stranger = user(db, other, "x@other.se", "Främling").await;
    let owner = user(db, region, "owner@region.se", "Olle").await;
    let foreign_unit = unit(db, other, "Annan enhet").await;

    let drafts = vec![
        system("Bra", "information_system", Some(owner)),
        system("Dålig", "information_system", Some(stranger)),
    ];
    let mut tx = db.begin().await.unwrap();
    let refused = registers::insert_systems(&mut tx, region, &actor(), Utc::now(), &drafts)
        .await
        .unwrap_err();
    drop(tx);
    assert!(
        matches!(&refused, StoreError::Invalid(e) if e.has("object_owner_id") && e.has("owner_ids")),
        "{refused:?}"
    );
    let mut tx = db.begin().await.unwrap();
    let refused = registers::insert_assets(
        &mut tx,
        region,
        &actor(),
        Utc::now(),
        &[asset("Journal", owner, Some(foreign_unit))],
    )
    .await
    .unwrap_err();
    drop(tx);
    assert!(
        matches!(&refused, StoreError::Invalid(e) if e.has("unit_id") && !e.has("owner_id")),
        "{refused:?}"
    );
    assert_eq!(total(db, region, SystemFilter::default()).await, 0);
    assert_eq!(events(db, region, "create", "information_system").await, 0);
    assert_eq!(events(db, region, "create", "information_asset").await, 0);
});

db_test!(
    bulk_dependencies_refuse_cycles_duplicates_and_strangers,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let drafts: Vec<SystemDraft> = ["Nät", "Identitet", "Journal", "E-tjänst"]
            .iter()
            .map(|name| system(name, "information_system", None))
            .collect();
        let mut tx = db.begin().await.unwrap();
        let ids: Vec<i64> =
            registers::insert_systems(&mut tx, region, &actor(), Utc::now(), &drafts)
                .await
                .unwrap()
                .iter()
                .map(|s| s.id)
                .collect();
        let foreign = registers::insert_systems(
            &mut tx,
            other,
            &actor(),
            Utc::now(),
            &[system("Främmande", "network", None)],
        )
        .await
        .unwrap()[0]
            .id;
        tx.commit().await.unwrap();
        let (net, identity, journal, portal) = (ids[0], ids[1], ids[2], ids[3]);

        let mut tx = db.begin().await.unwrap();
        registers::add_dependencies(
            &mut tx,
            region,
            &actor(),
            &[(identity, net), (journal, net), (journal, identity)],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let attempt = |pairs: Vec<(i64, i64)>| async move {
            let mut tx = db.begin().await.unwrap();
            registers::add_dependencies(&mut tx, region, &actor(), &pairs).await
        };
        // Closing a cycle through the existing graph, in the new pairs, or on itself.
        for pairs in [
            vec![(portal, journal), (net, portal)],
            vec![(portal, journal), (journal, portal)],
            vec![(portal, portal)],
        ] {
            let refused = attempt(pairs.clone()).await.unwrap_err();
            assert!(
                matches!(&refused, StoreError::Invalid(e) if e.has("depends_on_id")),
                "{pairs:?}: {refused:?}"
            );
        }
        let duplicate = attempt(vec![(portal, journal), (journal, net)]).await;
        assert!(matches!(
            duplicate,
            Err(StoreError::Duplicate {
                field: "depends_on_id"
            })
        ));
        let twice = attempt(vec![(portal, journal), (portal, journal)]).await;
        assert!(matches!(twice, Err(StoreError::Duplicate { .. })));
        let stranger = attempt(vec![(portal, foreign)]).await.unwrap_err();
        assert!(matches!(&stranger, StoreError::Invalid(e) if e.has("depends_on_id")));

        let journal_deps: Vec<i64> = registers::dependencies(db, region, journal)
            .await
            .unwrap()
            .iter()
            .map(|s| s.id)
            .collect();
        assert_eq!(journal_deps.len(), 2);
        assert!(registers::dependents(db, region, portal)
            .await
            .unwrap()
            .is_empty());
        assert!(registers::dependencies(db, region, portal)
            .await
            .unwrap()
            .is_empty());
        assert_eq!(
            events(db, region, "add_dependency", "information_system").await,
            3
        );
    }
);

db_test!(
    bulk_assets_come_back_in_order_and_link_to_own_systems,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let owner = user(db, region, "owner@region.se", "Olle").await;
        let ward = unit(db, region, "Avdelning 12").await;
        let drafts: Vec<AssetDraft> = (0..430)
            .map(|n| {
                asset(
                    &format!("Tillgång {n:03}"),
                    owner,
                    (n % 2 == 0).then_some(ward),
                )
            })
            .collect();
        let mut tx = db.begin().await.unwrap();
        let journal = registers::insert_systems(
            &mut tx,
            region,
            &actor(),
            Utc::now(),
            &[system("Journal", "information_system", None)],
        )
        .await
        .unwrap()[0]
            .id;
        let foreign = registers::insert_systems(
            &mut tx,
            other,
            &actor(),
            Utc::now(),
            &[system("Främmande", "information_system", None)],
        )
        .await
        .unwrap()[0]
            .id;
        let assets = registers::insert_assets(&mut tx, region, &actor(), Utc::now(), &drafts)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(assets.len(), 430);
        for n in [0, 199, 200, 201, 429] {
            let stored = registers::get_asset(db, region, assets[n].id)
                .await
                .unwrap();
            assert_eq!(stored.name, format!("Tillgång {n:03}"));
            assert_eq!(stored.unit_id, (n % 2 == 0).then_some(ward));
            assert_eq!(stored.personal_data_categories, ["health"]);
            assert_eq!(stored.owner_name, "Olle");
        }

        let links = vec![(assets[0].id, journal), (assets[429].id, journal)];
        let mut tx = db.begin().await.unwrap();
        registers::link_assets(&mut tx, region, &actor(), &links)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let held = registers::system_assets(db, region, journal).await.unwrap();
        assert_eq!(
            held.iter().map(|a| a.id).collect::<Vec<_>>(),
            [assets[0].id, assets[429].id]
        );
        assert_eq!(
            events(db, region, "link_system", "information_asset").await,
            2
        );

        let mut tx = db.begin().await.unwrap();
        let again = registers::link_assets(&mut tx, region, &actor(), &links[..1]).await;
        drop(tx);
        assert!(matches!(
            again,
            Err(StoreError::Duplicate { field: "system_id" })
        ));
        let mut tx = db.begin().await.unwrap();
        let stranger =
            registers::link_assets(&mut tx, region, &actor(), &[(assets[1].id, foreign)])
                .await
                .unwrap_err();
        drop(tx);
        assert!(matches!(&stranger, StoreError::Invalid(e) if e.has("system_id")));
        assert_eq!(
            registers::asset_systems(db, region, assets[1].id)
                .await
                .unwrap()
                .len(),
            0
        );
    }
);

db_test!(
    a_backdated_confirmation_lists_what_was_registered_before_it,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let coordinator = user(db, region, "samordnare@region.se", "Maria").await;
        let now = tillit_store::now();
        let mut tx = db.begin().await.unwrap();
        let early = registers::insert_systems(
            &mut tx,
            region,
            &actor(),
            now - Duration::days(400),
            &[
                system("Journal", "information_system", None),
                system("Vårdnät", "network", None),
            ],
        )
        .await
        .unwrap();
        let late = registers::insert_systems(
            &mut tx,
            region,
            &actor(),
            now - Duration::days(10),
            &[system("Teams", "it_service", None)],
        )
        .await
        .unwrap();
        let confirmation = registers::record_confirmation(
            &mut tx,
            region,
            &actor(),
            &Actor::user(coordinator, "Maria"),
            now - Duration::days(300),
            "Genomgånget",
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        assert_eq!(confirmation.confirmed_by, Some(coordinator));
        assert_eq!(confirmation.system_count, 2);
        let summary: serde_json::Value =
            serde_json::from_str(&confirmation.changes_summary).unwrap();
        assert_eq!(summary["note"], "Genomgånget");
        assert_eq!(
            summary["created"],
            serde_json::json!([early[0].designation, early[1].designation])
        );
        let latest = registers::latest_confirmation(db, region)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(latest, confirmation);
        let changes = registers::register_changes(db, region).await.unwrap();
        assert_eq!(changes.created, [late[0].designation.clone()]);
        assert!(!registers::register_overdue(db, region, now.date_naive())
            .await
            .unwrap());
        assert_eq!(
            events(db, region, "confirm", "register_confirmation").await,
            1
        );
    }
);

db_test!(
    the_systems_list_filters_searches_and_pages_over_many_rows,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let owner = user(db, region, "owner@region.se", "Olle").await;
        let drafts: Vec<SystemDraft> = (0..240)
            .map(|n| {
                let place = ["Almby", "Björkvik", "Ekeby"][n % 3];
                let (kind, prefix) = match n % 4 {
                    0 => ("network", "Lokalt nät"),
                    1 => ("it_service", "Tidbok"),
                    _ => ("information_system", "Journal"),
                };
                let mut draft = system(
                    &format!("{prefix} {place} {n:03}"),
                    kind,
                    (n % 5 == 0).then_some(owner),
                );
                if n % 8 == 2 {
                    draft.criticality = Criticality::Critical;
                }
                draft
            })
            .collect();
        let mut tx = db.begin().await.unwrap();
        registers::insert_systems(&mut tx, region, &actor(), Utc::now(), &drafts)
            .await
            .unwrap();
        registers::insert_systems(
            &mut tx,
            other,
            &actor(),
            Utc::now(),
            &[system(
                "Journal Almby främmande",
                "information_system",
                None,
            )],
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let filter = SystemFilter {
            kind: Some(SystemKind::InformationSystem),
            query: Some("ALMBY".into()),
            ..Default::default()
        };
        let expected: Vec<String> = {
            let mut names: Vec<String> = drafts
                .iter()
                .filter(|d| d.kind == SystemKind::InformationSystem && d.name.contains("Almby"))
                .map(|d| d.name.clone())
                .collect();
            names.sort();
            names
        };
        assert_eq!(expected.len(), 40);
        let mut seen = Vec::new();
        for page in 1..=3 {
            let listed =
                registers::list_systems(db, region, &filter, PageRequest { page, per_page: 15 })
                    .await
                    .unwrap();
            assert_eq!(listed.total, 40, "page {page}");
            seen.extend(listed.items.into_iter().map(|s| s.name));
        }
        assert_eq!(seen, expected);
        let past_the_end = registers::list_systems(
            db,
            region,
            &filter,
            PageRequest {
                page: 9,
                per_page: 15,
            },
        )
        .await
        .unwrap();
        assert!(past_the_end.items.is_empty());
        assert_eq!(past_the_end.total, 40);

        let owned_critical = SystemFilter {
            owner_id: Some(owner),
            criticality: Some(Criticality::Critical),
            ..Default::default()
        };
        assert_eq!(total(db, region, owned_critical).await, 6);
        let newest = registers::list_systems(
            db,
            region,
            &SystemFilter {
                sort: SystemSort::Updated,
                query: Some("tidbok".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(newest.total, 60);
        assert!(newest
            .items
            .windows(2)
            .all(|w| (w[0].updated_at, w[0].id) > (w[1].updated_at, w[1].id)));
        assert_eq!(total(db, other, SystemFilter::default()).await, 1);
    }
);
