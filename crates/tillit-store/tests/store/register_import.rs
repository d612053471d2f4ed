use std::sync::atomic::{AtomicUsize, Ordering};

use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_domain::register_import::{AssetRow, DependsOn, RowError, SystemRow};
use tillit_domain::registers::{AssetInput, SystemInput};
use tillit_store::audit::{self, EventFilter};
use tillit_store::registers::{self, AssetFilter, SystemFilter};
use tillit_store::registers::{import, import_runs};
use tillit_store::{db_test, org, Db, StoreError};

use crate::{actor, organisation, user_named};

async fn user(db: &Db, organisation_id: i64, email: &str) -> i64 {
    user_named(db, organisation_id, email, &format!("Namn {email}")).await
}

/// A run of `kind` whose file has been checked, ready to write.
async fn writing_run(db: &Db, organisation_id: i64, kind: &str) -> i64 {
    let run = import_runs::start_run(db, organisation_id, kind, "fil.csv", None)
        .await
        .unwrap();
    import_runs::begin_writing(db, organisation_id, run.id, 1)
        .await
        .unwrap();
    run.id
}

fn system_row(
    row: usize,
    designation: Option<&str>,
    name: &str,
    kind: &str,
    owners: Vec<i64>,
    depends_on: Vec<DependsOn>,
) -> SystemRow {
    SystemRow {
        row,
        designation: designation.map(str::to_owned),
        draft: SystemInput {
            name: name.into(),
            kind: kind.into(),
            criticality: "high".into(),
            hosting: "cloud".into(),
            object_owner_id: owners.first().copied(),
            owner_ids: owners,
            ..Default::default()
        }
        .validate()
        .unwrap(),
        depends_on,
    }
}

fn asset_row(row: usize, name: &str, owner_id: i64, system_ids: Vec<i64>) -> AssetRow {
    AssetRow {
        row,
        draft: AssetInput {
            name: name.into(),
            form: "digital".into(),
            owner_id: Some(owner_id),
            contains_personal_data: true,
            personal_data_categories: vec!["health".into()],
            ..Default::default()
        }
        .validate()
        .unwrap(),
        system_ids,
    }
}

async fn import_events(db: &Db, organisation_id: i64) -> Vec<audit::AuditEvent> {
    let filter = EventFilter {
        action: Some("import".into()),
        ..Default::default()
    };
    audit::list(db, organisation_id, &filter, PageRequest::default())
        .await
        .unwrap()
        .items
}

async fn system_total(db: &Db, organisation_id: i64) -> i64 {
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

async fn asset_total(db: &Db, organisation_id: i64) -> i64 {
    registers::list_assets(
        db,
        organisation_id,
        &AssetFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap()
    .total
}

db_test!(
    systems_are_imported_with_designations_owners_dependencies_and_history,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let anna = user(db, region, "anna@region.example").await;
        let bo = user(db, region, "bo@region.example").await;
        let existing = registers::create_system(
            db,
            region,
            &actor(),
            &SystemInput {
                name: "Befintligt".into(),
                kind: "information_system".into(),
                criticality: "low".into(),
                hosting: "cloud".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(existing.designation, "IS-0001");
        let rows = vec![
            system_row(
                2,
                Some("IS-0100"),
                "Journal",
                "information_system",
                vec![anna, bo],
                vec![DependsOn::Row(1), DependsOn::Existing(existing.id)],
            ),
            system_row(3, None, "Vårdnät", "network", vec![], vec![]),
            system_row(
                4,
                None,
                "Labb",
                "information_system",
                vec![bo],
                vec![DependsOn::Row(0)],
            ),
            system_row(5, Some("LEGACY-7"), "Gammalt", "it_service", vec![], vec![]),
        ];
        let seen = AtomicUsize::new(0);
        let summary = import::import_systems(
            db,
            region,
            &actor(),
            "system.xlsx",
            writing_run(db, region, "systems").await,
            &rows,
            &|n| {
                seen.store(n, Ordering::SeqCst);
            },
        )
        .await
        .unwrap();
        assert_eq!(seen.load(Ordering::SeqCst), 4);
        assert_eq!(summary.count, 4);
        // IS-0100 moved the counter past it: the row without a designation gets IS-0101.
        assert_eq!(
            summary.designations,
            vec!["IS-0100", "NW-0001", "IS-0101", "LEGACY-7"]
        );
        let next = registers::create_system(
            db,
            region,
            &actor(),
            &SystemInput {
                name: "Nästa".into(),
                kind: "information_system".into(),
                criticality: "low".into(),
                hosting: "cloud".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
        assert_eq!(next.designation, "IS-0102");

        let journal = summary.ids[0];
        let stored = registers::get_system(db, region, journal).await.unwrap();
        assert_eq!(stored.name, "Journal");
        assert_eq!(stored.object_owner_id, Some(anna));
        assert_eq!(
            stored.object_owner_name.as_deref(),
            Some("Namn anna@region.example")
        );
        let owners: Vec<i64> = registers::system_owners(db, region, journal)
            .await
            .unwrap()
            .iter()
            .map(|u| u.id)
            .collect();
        assert_eq!(owners.len(), 2);
        assert!(owners.contains(&anna) && owners.contains(&bo));
        let depends: Vec<String> = registers::dependencies(db, region, journal)
            .await
            .unwrap()
            .into_iter()
            .map(|s| s.designation)
            .collect();
        assert_eq!(depends, vec!["IS-0001", "NW-0001"]);
        let labb = registers::dependencies(db, region, summary.ids[2])
            .await
            .unwrap();
        assert_eq!(labb[0].designation, "IS-0100");
        let history = registers::system_history(db, region, journal)
            .await
            .unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].version, 1);
        assert!(history[0].snapshot.contains("\"designation\":\"IS-0100\""));

        let events = import_events(db, region).await;
        assert_eq!(events.len(), 1, "one audit event for the whole import");
        let after: ImportSummaryJson =
            serde_json::from_str(events[0].after_json.as_deref().unwrap()).unwrap();
        assert_eq!(after.count, 4);
        assert_eq!(after.source, "system.xlsx");
        assert_eq!(after.ids, summary.ids);
        assert_eq!(system_total(db, region).await, 6);
    }
);

#[derive(serde::Deserialize)]
struct ImportSummaryJson {
    count: usize,
    source: String,
    ids: Vec<i64>,
}

db_test!(
    a_designation_taken_meanwhile_refuses_the_whole_import,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        registers::create_system(
            db,
            region,
            &actor(),
            &SystemInput {
                name: "Först".into(),
                kind: "network".into(),
                criticality: "low".into(),
                hosting: "cloud".into(),
                ..Default::default()
            }
            .validate()
            .unwrap(),
        )
        .await
        .unwrap();
        let events_before =
            audit::list(db, region, &EventFilter::default(), PageRequest::default())
                .await
                .unwrap()
                .total;
        // Row checks ran before NW-0001 existed; the database still refuses it.
        let rows = vec![
            system_row(2, None, "Ny", "network", vec![], vec![]),
            system_row(3, Some("NW-0001"), "Krock", "network", vec![], vec![]),
        ];
        let krock = writing_run(db, region, "systems").await;
        let refused =
            import::import_systems(db, region, &actor(), "krock.csv", krock, &rows, &|_| {}).await;
        assert!(
            matches!(
                refused,
                Err(StoreError::Duplicate {
                    field: "designation"
                })
            ),
            "{refused:?}"
        );
        assert_eq!(system_total(db, region).await, 1);
        let run = import_runs::get_run(db, region, krock).await.unwrap();
        assert_eq!(
            run.state, "importing",
            "the run is not marked done with the rows"
        );
        let events_after = audit::list(db, region, &EventFilter::default(), PageRequest::default())
            .await
            .unwrap()
            .total;
        assert_eq!(events_after, events_before);
    }
);

db_test!(
    assets_are_imported_in_row_order_across_statements,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let owner = user(db, region, "agare@region.example").await;
        let summary = import::import_systems(
            db,
            region,
            &actor(),
            "s.csv",
            writing_run(db, region, "systems").await,
            &[system_row(
                2,
                None,
                "PACS",
                "information_system",
                vec![],
                vec![],
            )],
            &|_| {},
        )
        .await
        .unwrap();
        let pacs = summary.ids[0];
        // More rows than one statement takes, so ids from several statements line up.
        let rows: Vec<AssetRow> = (0..1_203)
            .map(|i| {
                let systems = if i % 100 == 0 { vec![pacs] } else { vec![] };
                asset_row(i + 2, &format!("Tillgång {i:05}"), owner, systems)
            })
            .collect();
        let calls = AtomicUsize::new(0);
        let summary = import::import_assets(
            db,
            region,
            &actor(),
            "t.xlsx",
            writing_run(db, region, "assets").await,
            &rows,
            &|_| {
                calls.fetch_add(1, Ordering::SeqCst);
            },
        )
        .await
        .unwrap();
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        assert_eq!(summary.count, 1_203);
        for (i, id) in summary.ids.iter().enumerate().step_by(97) {
            let asset = registers::get_asset(db, region, *id).await.unwrap();
            assert_eq!(asset.name, format!("Tillgång {i:05}"));
            assert_eq!(asset.personal_data_categories, vec!["health"]);
        }
        let held = registers::system_assets(db, region, pacs).await.unwrap();
        assert_eq!(held.len(), 13);
        assert_eq!(held[0].name, "Tillgång 00000");
        assert_eq!(asset_total(db, region).await, 1_203);
        assert_eq!(asset_total(db, other).await, 0);
        assert_eq!(import_events(db, region).await.len(), 2);
    }
);

db_test!(
    references_and_export_links_stay_in_the_organisation,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let anna = user(db, region, "Anna@Region.example").await;
        user(db, other, "norr@other.example").await;
        let unit = org::create_unit(
            db,
            region,
            &actor(),
            &UnitDraft {
                name: "Akuten".into(),
                kind: UnitKind::Unit,
                parent_id: None,
                manager_id: None,
                description: String::new(),
            },
        )
        .await
        .unwrap();
        let summary = import::import_systems(
            db,
            region,
            &actor(),
            "s.csv",
            writing_run(db, region, "systems").await,
            &[
                system_row(
                    2,
                    Some("IS-0009"),
                    "Ett",
                    "information_system",
                    vec![anna],
                    vec![],
                ),
                system_row(3, None, "Två", "network", vec![], vec![DependsOn::Row(0)]),
            ],
            &|_| {},
        )
        .await
        .unwrap();
        import::import_assets(
            db,
            region,
            &actor(),
            "a.csv",
            writing_run(db, region, "assets").await,
            &[asset_row(2, "Journal", anna, vec![summary.ids[0]])],
            &|_| {},
        )
        .await
        .unwrap();

        let references = import::import_references(db, region).await.unwrap();
        assert_eq!(references.users.get("anna@region.example"), Some(&anna));
        assert!(!references.users.contains_key("norr@other.example"));
        assert_eq!(references.units.get("akuten"), Some(&vec![unit.id]));
        assert_eq!(references.systems.get("IS-0009"), Some(&summary.ids[0]));
        assert_eq!(references.systems.len(), 2);
        assert!(import::import_references(db, other)
            .await
            .unwrap()
            .systems
            .is_empty());

        let links = import::system_links(db, region).await.unwrap();
        assert_eq!(
            links.emails.get(&anna).map(String::as_str),
            Some("Anna@Region.example")
        );
        assert_eq!(links.owners.get(&summary.ids[0]), Some(&vec![anna]));
        assert_eq!(
            links.depends_on.get(&summary.ids[1]),
            Some(&vec!["IS-0009".to_owned()])
        );
        let assets = import::asset_links(db, region).await.unwrap();
        assert_eq!(
            assets.held_by.values().next(),
            Some(&vec!["IS-0009".to_owned()])
        );
        let elsewhere = import::system_links(db, other).await.unwrap();
        assert!(elsewhere.owners.is_empty() && elsewhere.depends_on.is_empty());
        assert!(!elsewhere.emails.contains_key(&anna));
    }
);

db_test!(
    a_run_records_its_progress_and_is_done_with_its_rows,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let anna = user(db, region, "anna@region.example").await;
        let run = import_runs::start_run(db, region, "systems", "system.xlsx", Some(anna))
            .await
            .unwrap();
        assert_eq!(run.state, "validating");
        assert_eq!(
            run.started_by_name.as_deref(),
            Some("Namn anna@region.example")
        );
        assert_eq!(
            import_runs::latest_run(db, region, anna).await.unwrap(),
            Some(run.clone())
        );
        import_runs::begin_writing(db, region, run.id, 2)
            .await
            .unwrap();
        import_runs::record_progress(db, region, run.id, 1)
            .await
            .unwrap();
        let writing = import_runs::get_run(db, region, run.id).await.unwrap();
        assert_eq!(
            (
                writing.state.as_str(),
                writing.total_rows,
                writing.rows_done
            ),
            ("importing", 2, 1)
        );

        let rows = vec![
            system_row(2, None, "Ett", "network", vec![], vec![]),
            system_row(3, None, "Två", "network", vec![], vec![]),
        ];
        import::import_systems(db, region, &actor(), "system.xlsx", run.id, &rows, &|_| {})
            .await
            .unwrap();
        // A late report changes nothing once the run is done.
        import_runs::record_progress(db, region, run.id, 1)
            .await
            .unwrap();
        let done = import_runs::get_run(db, region, run.id).await.unwrap();
        assert_eq!((done.state.as_str(), done.rows_done), ("done", 2));
        assert!(done.finished_at.is_some());

        // Another organisation neither reads the run nor imports into it.
        assert!(matches!(
            import_runs::get_run(db, other, run.id).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            import_runs::latest_run(db, other, anna).await.unwrap(),
            None
        );
        let second = import_runs::start_run(db, region, "systems", "igen.csv", Some(anna))
            .await
            .unwrap();
        import_runs::begin_writing(db, region, second.id, 1)
            .await
            .unwrap();
        let refused = import::import_systems(
            db,
            other,
            &actor(),
            "igen.csv",
            second.id,
            &rows[..1],
            &|_| {},
        )
        .await;
        assert!(matches!(refused, Err(StoreError::Conflict)), "{refused:?}");
        assert_eq!(system_total(db, other).await, 0);
    }
);

db_test!(
    a_refused_file_keeps_every_problem_with_its_run,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let run = import_runs::start_run(db, region, "assets", "fel.csv", None)
            .await
            .unwrap();
        let problems = vec![
            RowError {
                row: Some(3),
                field: Some("owner_email"),
                column: Some("Informationsägare (e-post)".into()),
                value: Some("ingen@region.example".into()),
                code: "unknown-user",
            },
            RowError::file("no-rows"),
        ];
        import_runs::finish_failed(
            db,
            region,
            run.id,
            import_runs::Failure::Rejected(&problems),
        )
        .await
        .unwrap();
        // A finished run stays as it ended.
        import_runs::finish_failed(
            db,
            region,
            run.id,
            import_runs::Failure::Stopped("internal"),
        )
        .await
        .unwrap();
        let failed = import_runs::get_run(db, region, run.id).await.unwrap();
        assert_eq!((failed.state.as_str(), failed.error_count), ("failed", 2));
        assert_eq!(failed.failure, None);
        let kept = failed.problems();
        assert_eq!(kept.len(), 2);
        assert_eq!(kept[0].row, Some(3));
        assert_eq!(kept[0].field.as_deref(), Some("owner_email"));
        assert_eq!(kept[0].value.as_deref(), Some("ingen@region.example"));
        assert_eq!(kept[1].code, "no-rows");
        assert_eq!(asset_total(db, region).await, 0);
    }
);
