//! Annual reports: one per year and scope, texts edited with optimistic concurrency,
//! approval freezes a version that is never changed, an approved report refuses edits
//! and starts a new draft, every change audited; and the figures count per scope.

use std::collections::BTreeMap;

use chrono::{Datelike, Utc};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_domain::reports::{ReportScope, ReportYear};
use tillit_store::audit::{self, EventFilter};
use tillit_store::reports::{self, figures};
use tillit_store::{db_test, org, Db, StoreError};

use crate::{actor, organisation};

fn year(y: i64) -> ReportYear {
    ReportYear::parse(y, Utc::now().date_naive()).unwrap()
}

fn texts(summary: &str) -> BTreeMap<String, String> {
    BTreeMap::from([("summary".to_owned(), summary.to_owned())])
}

async fn unit(db: &Db, organisation_id: i64, name: &str, parent_id: Option<i64>) -> i64 {
    let draft = UnitDraft {
        name: name.to_owned(),
        kind: UnitKind::Administration,
        parent_id,
        manager_id: None,
        description: String::new(),
    };
    org::create_unit(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

async fn report_events(db: &Db, organisation_id: i64, id: i64) -> Vec<String> {
    let filter = EventFilter {
        object_type: Some("annual_report".into()),
        object_id: Some(id.to_string()),
        ..EventFilter::default()
    };
    let mut actions: Vec<String> =
        audit::list(db, organisation_id, &filter, PageRequest::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.action)
            .collect();
    actions.reverse();
    actions
}

db_test!(
    approval_freezes_a_version_and_refuses_edits,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let report = reports::create_report(
            db,
            region,
            &actor(),
            year(2025),
            ReportScope::Organisation,
            &texts("Utkast"),
        )
        .await
        .unwrap();
        assert!(report.is_draft());
        assert_eq!(report.texts["summary"], "Utkast");

        let duplicate = reports::create_report(
            db,
            region,
            &actor(),
            year(2025),
            ReportScope::Organisation,
            &BTreeMap::new(),
        )
        .await;
        assert!(matches!(
            duplicate,
            Err(StoreError::Duplicate { field: "year" })
        ));

        let edited = reports::update_texts(
            db,
            region,
            &actor(),
            report.id,
            report.version,
            &texts("Året"),
        )
        .await
        .unwrap();
        assert_eq!(edited.version, report.version + 1);
        let stale = reports::update_texts(
            db,
            region,
            &actor(),
            report.id,
            report.version,
            &texts("Gammalt"),
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));

        let snapshot = serde_json::json!({ "as_of": "2025-12-31", "sections": [{ "key": "summary", "text": "Året" }] });
        let stale =
            reports::approve_report(db, region, &actor(), report.id, report.version, &snapshot)
                .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));
        let approved =
            reports::approve_report(db, region, &actor(), report.id, edited.version, &snapshot)
                .await
                .unwrap();
        assert_eq!(approved.status, "approved");
        assert_eq!(approved.current_version, 1);
        assert!(approved.approved_at.is_some());

        let refused = reports::update_texts(
            db,
            region,
            &actor(),
            report.id,
            approved.version,
            &texts("Ändrat"),
        )
        .await;
        assert!(matches!(refused, Err(StoreError::Invalid(ref e)) if e.has("status")));
        let again =
            reports::approve_report(db, region, &actor(), report.id, approved.version, &snapshot)
                .await;
        assert!(matches!(again, Err(StoreError::Invalid(ref e)) if e.has("status")));
        let unchanged = reports::get_report(db, region, report.id).await.unwrap();
        assert_eq!(unchanged, approved);

        let version = reports::report_version(db, region, report.id, 1)
            .await
            .unwrap();
        assert_eq!(version.snapshot, snapshot);

        let draft = reports::start_new_draft(db, region, &actor(), report.id, approved.version)
            .await
            .unwrap();
        assert!(draft.is_draft());
        assert_eq!(draft.texts["summary"], "Året");
        let second =
            reports::approve_report(db, region, &actor(), report.id, draft.version, &snapshot)
                .await
                .unwrap();
        assert_eq!(second.current_version, 2);
        let versions = reports::report_versions(db, region, report.id)
            .await
            .unwrap();
        assert_eq!(
            versions.iter().map(|v| v.number).collect::<Vec<_>>(),
            vec![2, 1]
        );

        assert_eq!(
            report_events(db, region, report.id).await,
            vec!["create", "update", "approve", "revise", "approve"]
        );

        // Another organisation sees none of it.
        let other = organisation(db, "Region B", "212000-0142").await;
        assert!(matches!(
            reports::get_report(db, other, report.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(reports::list_reports(db, other).await.unwrap().is_empty());
        assert!(reports::report_versions(db, other, report.id)
            .await
            .unwrap()
            .is_empty());
    }
);

db_test!(
    frozen_versions_cannot_be_changed_in_the_database,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let report = reports::create_report(
            db,
            region,
            &actor(),
            year(2025),
            ReportScope::Organisation,
            &BTreeMap::new(),
        )
        .await
        .unwrap();
        let snapshot = serde_json::json!({ "sections": [] });
        reports::approve_report(db, region, &actor(), report.id, report.version, &snapshot)
            .await
            .unwrap();
        let update = "UPDATE annual_report_version SET snapshot = '{}'";
        let delete = "DELETE FROM annual_report_version";
        for statement in [update, delete] {
            let refused = match db {
                Db::Sqlite(_) => sqlx::query(statement)
                    .execute(db.sqlite_pool().unwrap())
                    .await
                    .map(|_| ()),
                Db::Postgres(pool) => sqlx::query(statement).execute(pool).await.map(|_| ()),
            };
            assert!(refused.is_err(), "{statement} was allowed");
        }
    }
);

db_test!(
    a_unit_report_is_refused_for_a_foreign_unit,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "212000-0142").await;
        let foreign = unit(db, other, "Annan förvaltning", None).await;
        let refused = reports::create_report(
            db,
            region,
            &actor(),
            year(2025),
            ReportScope::Unit(foreign),
            &BTreeMap::new(),
        )
        .await;
        assert!(matches!(refused, Err(StoreError::Invalid(ref e)) if e.has("unit_id")));
        let own = unit(db, region, "Hälso- och sjukvård", None).await;
        let unit_report = reports::create_report(
            db,
            region,
            &actor(),
            year(2025),
            ReportScope::Unit(own),
            &BTreeMap::new(),
        )
        .await
        .unwrap();
        assert_eq!(
            unit_report.unit_name.as_deref(),
            Some("Hälso- och sjukvård")
        );
        // The organisation's own report of the same year is another scope.
        reports::create_report(
            db,
            region,
            &actor(),
            year(2025),
            ReportScope::Organisation,
            &BTreeMap::new(),
        )
        .await
        .unwrap();
        assert_eq!(reports::list_reports(db, region).await.unwrap().len(), 2);
    }
);

db_test!(figures_count_per_scope_and_year, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let health = unit(db, region, "Hälso- och sjukvård", None).await;
    let clinic = unit(db, region, "Akutkliniken", Some(health)).await;
    let dental = unit(db, region, "Folktandvården", None).await;
    let empty = figures::organisation(db, region, ReportScope::Organisation)
        .await
        .unwrap();
    assert_eq!(empty.units, 3);
    assert!(empty.role_holders.is_empty());

    let owner = {
        let mut tx = db.begin().await.unwrap();
        let user = tillit_store::users::create_user_in(
            &mut tx,
            region,
            &actor(),
            &tillit_store::users::NewUser {
                email: "agare@example.se",
                display_name: "Åsa Ägare",
                title: "",
                password_hash: "x",
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        user.id
    };
    for (name, unit_id) in [
        ("Journal", Some(clinic)),
        ("Röntgenbilder", Some(clinic)),
        ("Tandkort", Some(dental)),
    ] {
        let input = tillit_domain::registers::AssetInput {
            name: name.to_owned(),
            form: "digital".to_owned(),
            owner_id: Some(owner),
            unit_id,
            ..Default::default()
        };
        tillit_store::registers::create_asset(db, region, &actor(), &input.validate().unwrap())
            .await
            .unwrap();
    }
    let whole = figures::classification(db, region, ReportScope::Organisation)
        .await
        .unwrap();
    assert_eq!((whole.assets, whole.assets_classified), (3, 0));
    let per_unit: Vec<(String, i64)> = whole
        .per_unit
        .iter()
        .map(|u| (u.unit_name.clone(), u.assets))
        .collect();
    assert_eq!(
        per_unit,
        vec![
            ("Hälso- och sjukvård".to_owned(), 2),
            ("Folktandvården".to_owned(), 1)
        ]
    );
    let health_only = figures::classification(db, region, ReportScope::Unit(health))
        .await
        .unwrap();
    assert_eq!(health_only.assets, 2);
    assert_eq!(health_only.per_unit.len(), 1);
    assert_eq!(health_only.per_unit[0].unit_name, "Akutkliniken");

    let today = Utc::now().date_naive();
    let this_year = year(i64::from(today.year()));
    let work = figures::work(db, region, ReportScope::Organisation, this_year)
        .await
        .unwrap();
    assert_eq!(work.analyses_approved, 0);
    let risk = figures::risk(db, region, ReportScope::Unit(dental), today)
        .await
        .unwrap();
    assert_eq!(risk.analyses, 0);
    let measures = figures::measures(db, region, ReportScope::Organisation, this_year, today)
        .await
        .unwrap();
    assert_eq!((measures.done, measures.planned, measures.late), (0, 0, 0));
});
