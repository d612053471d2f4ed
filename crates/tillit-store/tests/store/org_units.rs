use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_store::org::{self, UnitFilter};
use tillit_store::{db_test, StoreError};

use crate::{actor, organisation, user_named};

fn draft(name: &str, parent_id: Option<i64>) -> UnitDraft {
    UnitDraft {
        name: name.into(),
        kind: UnitKind::Unit,
        parent_id,
        manager_id: None,
        description: String::new(),
    }
}

db_test!(
    units_form_a_tree_scoped_to_their_organisation,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let top = org::create_unit(db, region, &actor(), &draft("Hälso- och sjukvården", None))
            .await
            .unwrap();
        let clinic = org::create_unit(db, region, &actor(), &draft("Akutkliniken", Some(top.id)))
            .await
            .unwrap();
        let ward = org::create_unit(
            db,
            region,
            &actor(),
            &draft("Avdelning 12", Some(clinic.id)),
        )
        .await
        .unwrap();
        org::create_unit(db, other, &actor(), &draft("Annan förvaltning", None))
            .await
            .unwrap();

        assert_eq!(
            org::unit_path(db, region, ward.id).await.unwrap(),
            vec![ward.id, clinic.id, top.id]
        );
        assert!(
            org::unit_path(db, other, ward.id).await.unwrap().is_empty(),
            "path must not leak across organisations"
        );
        assert!(matches!(
            org::get_unit(db, other, ward.id).await,
            Err(StoreError::NotFound)
        ));

        let page = org::list_units(db, region, &UnitFilter::default(), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(page.total, 3);
        let children = org::list_units(
            db,
            region,
            &UnitFilter {
                parent_id: Some(top.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            children
                .items
                .iter()
                .map(|u| u.name.as_str())
                .collect::<Vec<_>>(),
            vec!["Akutkliniken"]
        );
        let by_name = org::list_units(
            db,
            region,
            &UnitFilter {
                name: Some("AVDELNING".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(by_name.total, 1);
        for (within, expected) in [(clinic.id, 2), (ward.id, 1), (top.id, 3)] {
            let subtree = org::list_units(
                db,
                region,
                &UnitFilter {
                    within: Some(within),
                    ..Default::default()
                },
                PageRequest::default(),
            )
            .await
            .unwrap();
            assert_eq!(subtree.total, expected, "within {within}");
            assert_eq!(subtree.items.len() as i64, expected, "within {within}");
        }
        let foreign = org::list_units(
            db,
            other,
            &UnitFilter {
                within: Some(top.id),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(
            foreign.total, 0,
            "a unit of another organisation lists nothing"
        );

        // A parent in another organisation is refused and nothing is written.
        let foreign_parent = org::all_units(db, other).await.unwrap()[0].id;
        let refused = org::create_unit(
            db,
            region,
            &actor(),
            &draft("Smuggel", Some(foreign_parent)),
        )
        .await;
        assert!(matches!(refused, Err(StoreError::Invalid(e)) if e.has("parent_id")));
        assert_eq!(org::count_units(db, region).await.unwrap(), 3);
    }
);

db_test!(
    stale_versions_are_refused_and_cycles_prevented,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let top = org::create_unit(db, region, &actor(), &draft("Top", None))
            .await
            .unwrap();
        let child = org::create_unit(db, region, &actor(), &draft("Child", Some(top.id)))
            .await
            .unwrap();

        let renamed = org::update_unit(
            db,
            region,
            &actor(),
            &top,
            top.version,
            &draft("Top renamed", None),
        )
        .await
        .unwrap();
        assert_eq!(renamed.version, top.version + 1);
        let stale = org::update_unit(
            db,
            region,
            &actor(),
            &top,
            top.version,
            &draft("Lost update", None),
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));
        assert_eq!(
            org::get_unit(db, region, top.id).await.unwrap().name,
            "Top renamed"
        );

        let cycle = org::update_unit(
            db,
            region,
            &actor(),
            &renamed,
            renamed.version,
            &draft("Top", Some(child.id)),
        )
        .await;
        assert!(matches!(cycle, Err(StoreError::Invalid(e)) if e.has("parent_id")));

        let in_use = org::delete_unit(db, region, &actor(), top.id, renamed.version).await;
        assert!(matches!(in_use, Err(StoreError::Invalid(_))));
        org::delete_unit(db, region, &actor(), child.id, child.version)
            .await
            .unwrap();
        org::delete_unit(db, region, &actor(), top.id, renamed.version)
            .await
            .unwrap();
        assert_eq!(org::count_units(db, region).await.unwrap(), 0);
    }
);

db_test!(duplicate_org_numbers_name_the_field, |db| async move {
    organisation(db, "Region A", "232100-0016").await;
    let mut tx = db.begin().await.unwrap();
    let duplicate = org::create_organisation(
        &mut tx,
        &actor(),
        &org::NewOrganisation {
            name: "Again",
            kind: tillit_domain::org::OrganisationKind::Region,
            org_number: "232100-0016",
            demo: false,
        },
    )
    .await;
    assert!(matches!(
        duplicate,
        Err(StoreError::Duplicate {
            field: "org_number"
        })
    ));
});

db_test!(
    search_folds_swedish_letters_and_takes_wildcards_literally,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        for name in [
            "Östra vårdcentralen",
            "Åsele hemtjänst",
            "100% tillgänglighet",
            "Norra",
        ] {
            org::create_unit(db, region, &actor(), &draft(name, None))
                .await
                .unwrap();
        }
        let search = |text: &str| {
            let filter = UnitFilter {
                name: Some(text.into()),
                ..Default::default()
            };
            async move {
                org::list_units(db, region, &filter, PageRequest::default())
                    .await
                    .unwrap()
                    .items
                    .into_iter()
                    .map(|u| u.name)
                    .collect::<Vec<_>>()
            }
        };
        assert_eq!(search("östra").await, vec!["Östra vårdcentralen"]);
        assert_eq!(search("ÅSELE").await, vec!["Åsele hemtjänst"]);
        assert_eq!(search("%").await, vec!["100% tillgänglighet"]);
        assert_eq!(search("_").await, Vec::<String>::new());
    }
);

db_test!(
    a_written_unit_is_returned_and_audited_as_it_is_stored,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let manager = user_named(db, region, "chef@region.example", "Karin Chef").await;
        let top = org::create_unit(db, region, &actor(), &draft("Top", None))
            .await
            .unwrap();

        let mut led = draft("Vårdcentralen", Some(top.id));
        led.manager_id = Some(manager);
        led.description = "Primärvård".into();
        let created = org::create_unit(db, region, &actor(), &led).await.unwrap();
        assert_eq!(created.manager_name.as_deref(), Some("Karin Chef"));
        assert_eq!(
            created,
            org::get_unit(db, region, created.id).await.unwrap()
        );

        let mut moved = draft("Vårdcentralen Norr", None);
        moved.kind = UnitKind::Administration;
        let updated = org::update_unit(db, region, &actor(), &created, created.version, &moved)
            .await
            .unwrap();
        assert_eq!(
            updated,
            org::get_unit(db, region, created.id).await.unwrap()
        );
        assert_eq!(updated.manager_name, None);

        let trail = tillit_store::audit::list(
            db,
            region,
            &tillit_store::audit::EventFilter {
                object_type: Some("org_unit".into()),
                object_id: Some(created.id.to_string()),
                action: Some("update".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        let stored = serde_json::to_value(&updated).unwrap();
        let audited: serde_json::Value =
            serde_json::from_str(trail.items[0].after_json.as_deref().unwrap()).unwrap();
        assert_eq!(
            audited, stored,
            "the update's audit event carries the stored unit"
        );
    }
);

db_test!(
    writes_that_check_their_own_references_name_every_bad_field,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let stranger = user_named(db, other, "annan@region-b.example", "Annan Chef").await;
        let foreign_unit = org::create_unit(db, other, &actor(), &draft("Annan", None))
            .await
            .unwrap();
        let top = org::create_unit(db, region, &actor(), &draft("Top", None))
            .await
            .unwrap();
        let events = || async {
            tillit_store::audit::list(
                db,
                region,
                &tillit_store::audit::EventFilter::default(),
                PageRequest::default(),
            )
            .await
            .unwrap()
            .total
        };
        let events_before = events().await;

        let mut smuggled = draft("Smuggel", Some(foreign_unit.id));
        smuggled.manager_id = Some(stranger);
        let refused = org::create_unit(db, region, &actor(), &smuggled).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(e)) if e.has("parent_id") && e.has("manager_id")),
            "{refused:?}"
        );
        let mut foreign_manager = draft("Top", None);
        foreign_manager.manager_id = Some(stranger);
        let refused =
            org::update_unit(db, region, &actor(), &top, top.version, &foreign_manager).await;
        assert!(
            matches!(&refused, Err(StoreError::Invalid(e)) if e.has("manager_id") && !e.has("parent_id")),
            "{refused:?}"
        );
        assert_eq!(org::count_units(db, region).await.unwrap(), 1);
        assert_eq!(org::get_unit(db, region, top.id).await.unwrap(), top);
        assert_eq!(events().await, events_before, "nothing refused is audited");

        // A unit read, then deleted by someone else: the update finds nothing.
        let read = org::unit_for_change(db, region, top.id).await.unwrap();
        assert_eq!(
            (read.unit.clone(), read.path.clone()),
            (top.clone(), vec![top.id])
        );
        org::delete_unit(db, region, &actor(), top.id, top.version)
            .await
            .unwrap();
        let gone = org::update_unit(
            db,
            region,
            &actor(),
            &read.unit,
            top.version,
            &draft("Top", None),
        )
        .await;
        assert!(matches!(gone, Err(StoreError::NotFound)), "{gone:?}");
        assert!(matches!(
            org::unit_for_change(db, region, foreign_unit.id).await,
            Err(StoreError::NotFound)
        ));
    }
);

db_test!(
    a_unit_is_read_for_change_with_its_path_up_to_the_root,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let top = org::create_unit(db, region, &actor(), &draft("Top", None))
            .await
            .unwrap();
        let clinic = org::create_unit(db, region, &actor(), &draft("Klinik", Some(top.id)))
            .await
            .unwrap();
        let ward = org::create_unit(db, region, &actor(), &draft("Avdelning", Some(clinic.id)))
            .await
            .unwrap();
        let read = org::unit_for_change(db, region, ward.id).await.unwrap();
        assert_eq!(read.unit, org::get_unit(db, region, ward.id).await.unwrap());
        assert_eq!(read.path, vec![ward.id, clinic.id, top.id]);
        assert_eq!(
            read.path,
            org::unit_path(db, region, ward.id).await.unwrap()
        );

        // Moved to the top level: the audit event's before is the row it replaced.
        let moved = org::update_unit(
            db,
            region,
            &actor(),
            &read.unit,
            ward.version,
            &draft("Avdelning", None),
        )
        .await
        .unwrap();
        assert_eq!(moved.parent_id, None);
        assert_eq!(moved.version, ward.version + 1);
        let trail = tillit_store::audit::list(
            db,
            region,
            &tillit_store::audit::EventFilter {
                object_id: Some(ward.id.to_string()),
                action: Some("update".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        let before: serde_json::Value =
            serde_json::from_str(trail.items[0].before_json.as_deref().unwrap()).unwrap();
        assert_eq!(before, serde_json::to_value(&ward).unwrap());
    }
);
