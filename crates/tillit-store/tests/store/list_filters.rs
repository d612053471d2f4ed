//! The list filters the annual report's figures link to: classified objects approved in
//! a year and of a unit subtree, systems and assets with an approved classification and
//! of a unit subtree, and users holding a role on a unit (or below it), active or not.
//! Each list selects exactly what the report's figure counts.

use chrono::{Datelike, NaiveDate, Utc};
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::classification::{ClassificationDraft, ClassificationInput, ObjectKind};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::{AssetInput, SystemInput};
use tillit_domain::reports::{ReportScope, ReportYear};
use tillit_store::classification::{self, ObjectFilter, Subject};
use tillit_store::registers::{self, AssetFilter, SystemFilter};
use tillit_store::reports::figures;
use tillit_store::users::{self, UserChanges, UserFilter};
use tillit_store::{db_test, org, Db};

use crate::{actor, organisation, user};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn report_year(year: i32) -> ReportYear {
    ReportYear::parse(i64::from(year), today()).unwrap()
}

/// The start of `year` and of the next, as the lists take a year.
fn year_span(year: i32) -> (chrono::DateTime<Utc>, chrono::DateTime<Utc>) {
    let start = |y: i32| {
        NaiveDate::from_ymd_opt(y, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap()
            .and_utc()
    };
    (start(year), start(year + 1))
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

async fn asset(db: &Db, organisation_id: i64, owner: i64, name: &str, unit: Option<i64>) -> i64 {
    let draft = AssetInput {
        name: name.into(),
        form: "digital".into(),
        owner_id: Some(owner),
        unit_id: unit,
        ..Default::default()
    }
    .validate()
    .unwrap();
    registers::create_asset(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

/// A system holding `assets`.
async fn system(db: &Db, organisation_id: i64, name: &str, assets: &[i64]) -> i64 {
    let draft = SystemInput {
        name: name.into(),
        kind: "information_system".into(),
        criticality: "high".into(),
        hosting: "supplier".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    let id = registers::create_system(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id;
    for asset in assets {
        registers::link_asset_system(db, organisation_id, &actor(), *asset, id)
            .await
            .unwrap();
    }
    id
}

fn levels() -> ClassificationDraft {
    ClassificationInput {
        level_k: Some(2),
        level_r: Some(2),
        level_t: Some(2),
        reason_k: "Uppgifterna omfattas av sekretess.".into(),
        participants: "Informationsägare, samordnare".into(),
        ..ClassificationInput::default()
    }
    .validate(None, today())
    .unwrap()
}

async fn approve(db: &Db, organisation_id: i64, subject: Subject) -> i64 {
    let (object, _) =
        classification::approve(db, organisation_id, &actor(), subject, None, &levels())
            .await
            .unwrap();
    object.id
}

async fn object_names(db: &Db, organisation_id: i64, filter: ObjectFilter) -> Vec<String> {
    let page = classification::list_objects(db, organisation_id, &filter, 100, 0)
        .await
        .unwrap();
    assert_eq!(page.total, page.items.len() as i64);
    let mut names: Vec<String> = page.items.into_iter().map(|o| o.name).collect();
    names.sort();
    names
}

async fn system_names(db: &Db, organisation_id: i64, filter: SystemFilter) -> Vec<String> {
    let page = registers::list_systems(db, organisation_id, &filter, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, page.items.len() as i64);
    let mut names: Vec<String> = page.items.into_iter().map(|s| s.name).collect();
    names.sort();
    names
}

async fn asset_names(db: &Db, organisation_id: i64, filter: AssetFilter) -> Vec<String> {
    let page = registers::list_assets(db, organisation_id, &filter, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, page.items.len() as i64);
    let mut names: Vec<String> = page.items.into_iter().map(|a| a.name).collect();
    names.sort();
    names
}

async fn user_names(db: &Db, organisation_id: i64, filter: UserFilter) -> Vec<String> {
    let page = users::list_users(db, organisation_id, &filter, PageRequest::default())
        .await
        .unwrap();
    assert_eq!(page.total, page.items.len() as i64);
    let mut names: Vec<String> = page
        .items
        .into_iter()
        .map(|u| u.user.display_name)
        .collect();
    names.sort();
    names
}

db_test!(
    classified_objects_by_approval_year_and_unit_subtree,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let health = unit(db, region, "Hälso- och sjukvård", None).await;
        let clinic = unit(db, region, "Akutkliniken", Some(health)).await;
        let dental = unit(db, region, "Folktandvården", None).await;
        let owner = user(db, region, "agare@a.example").await;

        let journal = asset(db, region, owner, "Journal", Some(clinic)).await;
        let xray = asset(db, region, owner, "Röntgen", Some(health)).await;
        let teeth = asset(db, region, owner, "Tandkort", Some(dental)).await;
        // Systems are classified before the assets they hold, so no levels are derived.
        let cosmic = system(db, region, "Cosmic", &[journal]).await;
        let dentsys = system(db, region, "T4", &[teeth]).await;
        approve(db, region, Subject::System(cosmic)).await;
        approve(db, region, Subject::System(dentsys)).await;
        let journal_object = approve(db, region, Subject::Asset(journal)).await;
        approve(db, region, Subject::Asset(teeth)).await;
        // A second version this year counts the object once.
        let object = classification::get_object(db, region, journal_object)
            .await
            .unwrap();
        classification::approve(
            db,
            region,
            &actor(),
            Subject::Asset(journal),
            Some(object.version),
            &levels(),
        )
        .await
        .unwrap();
        let process = classification::create_named_object(
            db,
            region,
            &actor(),
            ObjectKind::Process,
            "Läkemedelshantering",
            Some(owner),
            Some(clinic),
        )
        .await
        .unwrap();
        approve(db, region, Subject::Object(process.id)).await;
        classification::create_named_object(
            db,
            region,
            &actor(),
            ObjectKind::Document,
            "Rutin för journalgranskning",
            Some(owner),
            Some(health),
        )
        .await
        .unwrap();
        // Approved last year only.
        let last_year = today().year() - 1;
        let mut tx = db.begin().await.unwrap();
        classification::approve_in(
            &mut tx,
            region,
            &actor(),
            Subject::Asset(xray),
            None,
            &levels(),
            year_span(last_year).0 + chrono::Duration::days(40),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        // Another organisation's approval is never listed.
        let foreign_owner = user(db, other, "agare@b.example").await;
        let foreign = asset(db, other, foreign_owner, "Journal B", None).await;
        approve(db, other, Subject::Asset(foreign)).await;

        let this_year = today().year();
        let approved_in = |year: i32| ObjectFilter {
            approved_in: Some(year_span(year)),
            ..ObjectFilter::default()
        };
        assert_eq!(
            object_names(db, region, approved_in(this_year)).await,
            ["Cosmic", "Journal", "Läkemedelshantering", "T4", "Tandkort"]
        );
        assert_eq!(
            object_names(db, region, approved_in(last_year)).await,
            ["Röntgen"]
        );
        assert!(object_names(db, region, approved_in(this_year + 1))
            .await
            .is_empty());
        // The unit's subtree: its own and its sub-units' objects, and the systems
        // holding their assets.
        let of_unit = |unit_id: i64, year: Option<i32>| ObjectFilter {
            unit_id: Some(unit_id),
            approved_in: year.map(year_span),
            ..ObjectFilter::default()
        };
        assert_eq!(
            object_names(db, region, of_unit(health, None)).await,
            [
                "Cosmic",
                "Journal",
                "Läkemedelshantering",
                "Rutin för journalgranskning",
                "Röntgen"
            ]
        );
        assert_eq!(
            object_names(db, region, of_unit(health, Some(this_year))).await,
            ["Cosmic", "Journal", "Läkemedelshantering"]
        );
        assert_eq!(
            object_names(db, region, of_unit(dental, Some(this_year))).await,
            ["T4", "Tandkort"]
        );

        // The report's figure counts what the list shows.
        for (scope, filter) in [
            (ReportScope::Organisation, approved_in(this_year)),
            (ReportScope::Unit(health), of_unit(health, Some(this_year))),
            (ReportScope::Unit(clinic), of_unit(clinic, Some(this_year))),
            (ReportScope::Unit(dental), of_unit(dental, Some(this_year))),
        ] {
            let work = figures::work(db, region, scope, report_year(this_year))
                .await
                .unwrap();
            let listed = classification::list_objects(db, region, &filter, 100, 0)
                .await
                .unwrap();
            assert_eq!(work.classifications_approved, listed.total, "{scope:?}");
        }
        let last = figures::work(
            db,
            region,
            ReportScope::Organisation,
            report_year(last_year),
        )
        .await
        .unwrap();
        assert_eq!(last.classifications_approved, 1);
    }
);

db_test!(
    systems_and_assets_by_classification_and_unit_subtree,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let health = unit(db, region, "Hälso- och sjukvård", None).await;
        let clinic = unit(db, region, "Akutkliniken", Some(health)).await;
        let dental = unit(db, region, "Folktandvården", None).await;
        let owner = user(db, region, "agare@a.example").await;
        let journal = asset(db, region, owner, "Journal", Some(clinic)).await;
        let xray = asset(db, region, owner, "Röntgen", Some(health)).await;
        let teeth = asset(db, region, owner, "Tandkort", Some(dental)).await;
        asset(db, region, owner, "Lösa papper", None).await;
        let cosmic = system(db, region, "Cosmic", &[journal]).await;
        system(db, region, "PACS", &[xray]).await;
        let dentsys = system(db, region, "T4", &[teeth]).await;
        system(db, region, "Oanvänt", &[]).await;
        approve(db, region, Subject::System(cosmic)).await;
        approve(db, region, Subject::System(dentsys)).await;
        approve(db, region, Subject::Asset(journal)).await;
        approve(db, region, Subject::Asset(teeth)).await;
        // A process of the unit is classified but is no system or asset.
        let process = classification::create_named_object(
            db,
            region,
            &actor(),
            ObjectKind::Process,
            "Läkemedelshantering",
            Some(owner),
            Some(health),
        )
        .await
        .unwrap();
        approve(db, region, Subject::Object(process.id)).await;

        let systems = |classified: Option<bool>, unit_id: Option<i64>| SystemFilter {
            classified,
            unit_id,
            ..SystemFilter::default()
        };
        assert_eq!(
            system_names(db, region, systems(Some(true), None)).await,
            ["Cosmic", "T4"]
        );
        assert_eq!(
            system_names(db, region, systems(Some(false), None)).await,
            ["Oanvänt", "PACS"]
        );
        assert_eq!(
            system_names(db, region, systems(None, Some(health))).await,
            ["Cosmic", "PACS"]
        );
        assert_eq!(
            system_names(db, region, systems(None, Some(clinic))).await,
            ["Cosmic"]
        );
        assert_eq!(
            system_names(db, region, systems(Some(true), Some(health))).await,
            ["Cosmic"]
        );
        assert!(system_names(db, region, systems(Some(false), Some(dental)))
            .await
            .is_empty());

        let assets =
            |classified: Option<bool>, unit_id: Option<i64>, unit_only: bool| AssetFilter {
                classified,
                unit_id,
                unit_only,
                ..AssetFilter::default()
            };
        assert_eq!(
            asset_names(db, region, assets(Some(true), None, false)).await,
            ["Journal", "Tandkort"]
        );
        assert_eq!(
            asset_names(db, region, assets(Some(false), None, false)).await,
            ["Lösa papper", "Röntgen"]
        );
        assert_eq!(
            asset_names(db, region, assets(None, Some(health), false)).await,
            ["Journal", "Röntgen"]
        );
        assert_eq!(
            asset_names(db, region, assets(None, Some(health), true)).await,
            ["Röntgen"]
        );
        assert_eq!(
            asset_names(db, region, assets(Some(true), Some(health), false)).await,
            ["Journal"]
        );
        assert_eq!(
            asset_names(db, region, assets(Some(true), Some(dental), false)).await,
            ["Tandkort"]
        );

        // The report's figures count what the lists show, per unit as the links ask.
        for scope in [
            ReportScope::Organisation,
            ReportScope::Unit(health),
            ReportScope::Unit(dental),
        ] {
            let coverage = figures::classification(db, region, scope).await.unwrap();
            let unit = scope.unit_id();
            let count_systems = |classified| {
                let filter = systems(classified, unit);
                async move {
                    registers::list_systems(db, region, &filter, PageRequest::default())
                        .await
                        .unwrap()
                        .total
                }
            };
            assert_eq!(coverage.systems, count_systems(None).await, "{scope:?}");
            assert_eq!(
                coverage.systems_classified,
                count_systems(Some(true)).await,
                "{scope:?}"
            );
            let count_assets = |filter: AssetFilter| async move {
                registers::list_assets(db, region, &filter, PageRequest::default())
                    .await
                    .unwrap()
                    .total
            };
            assert_eq!(
                coverage.assets,
                count_assets(assets(None, unit, false)).await
            );
            assert_eq!(
                coverage.assets_classified,
                count_assets(assets(Some(true), unit, false)).await
            );
            for row in &coverage.per_unit {
                let own_only = unit == Some(row.unit_id);
                assert_eq!(
                    row.assets,
                    count_assets(assets(None, Some(row.unit_id), own_only)).await,
                    "{}",
                    row.unit_name
                );
                assert_eq!(
                    row.classified,
                    count_assets(assets(Some(true), Some(row.unit_id), own_only)).await,
                    "{}",
                    row.unit_name
                );
            }
        }
        let health_coverage = figures::classification(db, region, ReportScope::Unit(health))
            .await
            .unwrap();
        assert_eq!(
            (
                health_coverage.systems_classified,
                health_coverage.assets_classified
            ),
            (1, 1)
        );
    }
);

db_test!(users_by_one_assignment_of_role_and_unit, |db| async move {
    let region = organisation(db, "Region A", "232100-0016").await;
    let health = unit(db, region, "Hälso- och sjukvård", None).await;
    let clinic = unit(db, region, "Akutkliniken", Some(health)).await;
    let dental = unit(db, region, "Folktandvården", None).await;
    let assign = |user_id: i64, role: Role, unit_id: Option<i64>| async move {
        users::assign_role(db, region, &actor(), user_id, Assignment { role, unit_id })
            .await
            .unwrap();
    };
    let anna = user(db, region, "anna").await;
    assign(anna, Role::Coordinator, Some(health)).await;
    // Coordinator elsewhere and auditor on the unit: not a coordinator of the unit.
    let bo = user(db, region, "bo").await;
    assign(bo, Role::Coordinator, Some(dental)).await;
    assign(bo, Role::Auditor, Some(health)).await;
    let cilla = user(db, region, "cilla").await;
    assign(cilla, Role::Coordinator, Some(clinic)).await;
    let before = users::get_user(db, region, cilla).await.unwrap();
    users::update_user(
        db,
        region,
        &actor(),
        cilla,
        before.version,
        &UserChanges {
            display_name: "cilla",
            title: "",
            active: false,
        },
    )
    .await
    .unwrap();
    let dan = user(db, region, "dan").await;
    assign(dan, Role::Coordinator, None).await;
    let eva = user(db, region, "eva").await;
    assign(eva, Role::Auditor, Some(clinic)).await;

    let filter =
        |role: Option<Role>, unit_id: Option<i64>, subunits: bool, active: Option<bool>| {
            UserFilter {
                role,
                unit_id,
                subunits,
                active,
                ..UserFilter::default()
            }
        };
    let coordinator = Some(Role::Coordinator);
    // A role alone: anywhere, active or not, as before.
    assert_eq!(
        user_names(db, region, filter(coordinator, None, false, None)).await,
        ["anna", "bo", "cilla", "dan"]
    );
    assert_eq!(
        user_names(db, region, filter(coordinator, None, false, Some(true))).await,
        ["anna", "bo", "dan"]
    );
    assert_eq!(
        user_names(db, region, filter(None, None, false, Some(false))).await,
        ["cilla"]
    );
    assert_eq!(
        user_names(db, region, filter(coordinator, Some(health), false, None)).await,
        ["anna"]
    );
    assert_eq!(
        user_names(db, region, filter(coordinator, Some(health), true, None)).await,
        ["anna", "cilla"]
    );
    assert_eq!(
        user_names(
            db,
            region,
            filter(coordinator, Some(health), true, Some(true))
        )
        .await,
        ["anna"]
    );
    assert_eq!(
        user_names(db, region, filter(None, Some(health), false, None)).await,
        ["anna", "bo"]
    );
    assert_eq!(
        user_names(db, region, filter(None, Some(health), true, None)).await,
        ["anna", "bo", "cilla", "eva"]
    );
    assert_eq!(
        user_names(
            db,
            region,
            filter(Some(Role::Auditor), Some(clinic), true, None)
        )
        .await,
        ["eva"]
    );

    // The report's role holders are the active users the link lists.
    for scope in [
        ReportScope::Organisation,
        ReportScope::Unit(health),
        ReportScope::Unit(dental),
    ] {
        let holders = figures::organisation(db, region, scope)
            .await
            .unwrap()
            .role_holders;
        assert!(!holders.is_empty(), "{scope:?}");
        for held in holders {
            let role = Role::parse(&held.role);
            let unit_id = scope.unit_id();
            let listed = users::list_users(
                db,
                region,
                &filter(role, unit_id, unit_id.is_some(), Some(true)),
                PageRequest::default(),
            )
            .await
            .unwrap();
            assert_eq!(held.holders, listed.total, "{} in {scope:?}", held.role);
        }
    }
});
