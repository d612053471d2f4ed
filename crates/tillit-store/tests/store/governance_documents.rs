use chrono::{Days, NaiveDate, Utc};
use tillit_domain::documents::{
    required_documents, Consultation, DocumentDraft, DocumentKind, DocumentStatus,
};
use tillit_domain::internal_control::{Frequency, ItemDraft, ReportDraft, ReportStatus};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_store::audit::{self, EventFilter};
use tillit_store::documents::{self, DocumentFilter};
use tillit_store::{db_test, internal_control, org, Db, Engine, StoreError};

use crate::{actor, organisation, user};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn in_days(days: u64) -> NaiveDate {
    today().checked_add_days(Days::new(days)).unwrap()
}

fn days_ago(days: u64) -> NaiveDate {
    today().checked_sub_days(Days::new(days)).unwrap()
}

async fn unit(db: &Db, organisation_id: i64, name: &str) -> i64 {
    let draft = UnitDraft {
        name: name.into(),
        kind: UnitKind::Administration,
        parent_id: None,
        manager_id: None,
        description: String::new(),
    };
    org::create_unit(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

fn draft(title: &str, owner_id: i64, status: DocumentStatus, review: NaiveDate) -> DocumentDraft {
    DocumentDraft {
        kind: DocumentKind::Routine,
        title: title.into(),
        summary: String::new(),
        owner_id,
        approver: "Regionstyrelsen".into(),
        case_number: "RS/1/2026".into(),
        valid_from: Some(days_ago(30)),
        next_review: Some(review),
        requirement_code: None,
        legal_reference: String::new(),
        consultation: Consultation::Done,
        status,
        unit_id: None,
        checklist_item: Some("log-routines".into()),
    }
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

db_test!(
    a_new_version_keeps_the_earlier_one_and_a_stale_write_is_refused,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.se").await;
        let created = documents::create_document(
            db,
            region,
            &actor(),
            &draft(
                "Rutin för logguppföljning",
                owner,
                DocumentStatus::Approved,
                in_days(200),
            ),
        )
        .await
        .unwrap();
        assert_eq!((created.revision, created.version), (1, 1));
        assert_eq!(created.owner_name, "agare@a.se");

        let mut second = draft(
            "Rutin för logguppföljning 2.0",
            owner,
            DocumentStatus::Draft,
            in_days(365),
        );
        second.case_number = "RS/9/2026".into();
        let revised = documents::new_revision(
            db,
            region,
            &actor(),
            created.id,
            created.version,
            &second,
            "Stickprov varje månad",
        )
        .await
        .unwrap();
        assert_eq!((revised.revision, revised.status.as_str()), (2, "draft"));

        let history = documents::revisions(db, region, created.id).await.unwrap();
        assert_eq!(history.len(), 1);
        assert_eq!(history[0].number, 1);
        assert_eq!(history[0].change_note, "Stickprov varje månad");
        let (_, earlier) = documents::revision(db, region, created.id, 1)
            .await
            .unwrap();
        assert_eq!(earlier.title, "Rutin för logguppföljning");
        assert_eq!(earlier.case_number, "RS/1/2026");

        // The version read before the new version is stale now.
        let stale =
            documents::update_document(db, region, &actor(), created.id, created.version, &second)
                .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));
        let stale = documents::new_revision(
            db,
            region,
            &actor(),
            created.id,
            created.version,
            &second,
            "",
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));
        assert_eq!(
            documents::revisions(db, region, created.id)
                .await
                .unwrap()
                .len(),
            1
        );

        let events = audit::list(
            db,
            region,
            &EventFilter {
                object_type: Some("governing_document".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        let actions: Vec<&str> = events.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, vec!["new_version", "create"]);

        for statement in [
            "UPDATE governing_document_revision SET title = 'x'",
            "DELETE FROM governing_document_revision",
        ] {
            assert!(raw(db, statement).await.is_err(), "{statement} is refused");
        }

        // Another organisation sees nothing of it.
        let other = organisation(db, "Region B", "232100-0024").await;
        assert!(matches!(
            documents::get_document(db, other, created.id).await,
            Err(StoreError::NotFound)
        ));
        let foreign_owner = user(db, other, "b@b.se").await;
        let refused = documents::create_document(
            db,
            region,
            &actor(),
            &draft(
                "Fel ägare",
                foreign_owner,
                DocumentStatus::Draft,
                in_days(10),
            ),
        )
        .await;
        assert!(matches!(refused, Err(StoreError::Invalid(e)) if e.has("owner_id")));
    }
);

db_test!(
    overdue_filters_checklist_summary_and_review_dates_follow_the_data,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.se").await;
        let items = required_documents().unwrap();
        let overdue = documents::create_document(
            db,
            region,
            &actor(),
            &draft("Loggrutin", owner, DocumentStatus::Approved, days_ago(3)),
        )
        .await
        .unwrap();
        let mut incident = draft(
            "Incidentrutin",
            owner,
            DocumentStatus::Approved,
            in_days(40),
        );
        incident.checklist_item = Some("incident-routines".into());
        documents::create_document(db, region, &actor(), &incident)
            .await
            .unwrap();
        let mut repealed = draft(
            "Gammal policy",
            owner,
            DocumentStatus::Repealed,
            days_ago(400),
        );
        repealed.checklist_item = Some("security-policy".into());
        documents::create_document(db, region, &actor(), &repealed)
            .await
            .unwrap();

        let listed = documents::list_documents(
            db,
            region,
            &DocumentFilter {
                overdue_on: Some(today()),
                ..Default::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(listed.total, 1);
        assert_eq!(listed.items[0].id, overdue.id);
        let searched = documents::list_documents(
            db,
            region,
            &DocumentFilter {
                search: Some("INCIDENT".into()),
                status: Some("approved".into()),
                ..Default::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(searched.total, 1);

        let checklist = documents::checklist(db, region, &items, today())
            .await
            .unwrap();
        let state = |id: &str| {
            checklist
                .iter()
                .find(|e| e.item.id == id)
                .map(|e| (e.state.exists, e.state.approved, e.state.current))
                .unwrap()
        };
        assert_eq!(state("log-routines"), (true, true, false));
        assert_eq!(state("incident-routines"), (true, true, true));
        assert_eq!(state("security-policy"), (false, false, false));
        assert_eq!(state("continuity-plans"), (false, false, false));

        let summary = documents::documents_summary(db, region, None, &items, today())
            .await
            .unwrap();
        assert_eq!(
            (
                summary.total,
                summary.approved,
                summary.repealed,
                summary.overdue
            ),
            (3, 2, 1, 1)
        );
        assert_eq!(
            (summary.checklist_items, summary.checklist_fulfilled),
            (7, 1)
        );
        assert_eq!(
            documents::overdue_documents(db, region, today())
                .await
                .unwrap(),
            summary.overdue
        );
        assert_eq!(
            documents::overdue_documents(db, region, days_ago(3650))
                .await
                .unwrap(),
            0
        );

        let due = documents::review_dates(db, region, days_ago(10), in_days(60))
            .await
            .unwrap();
        let titles: Vec<&str> = due.iter().map(|d| d.title.as_str()).collect();
        assert_eq!(titles, vec!["Loggrutin", "Incidentrutin"]);
        assert_eq!(due[0].owner_name, "agare@a.se");
    }
);

db_test!(
    internal_control_reports_are_counted_per_unit_and_refused_when_stale,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let care = unit(db, region, "Hälso- och sjukvårdsförvaltningen").await;
        let dental = unit(db, region, "Folktandvården").await;
        let other = unit(db, region, "Kulturförvaltningen").await;
        let item = internal_control::create_item(
            db,
            region,
            &actor(),
            &ItemDraft {
                year: 2026,
                risk: "Verksamheten följer inte dataskyddslagstiftningen".into(),
                control: "Stickprov av behörigheter".into(),
                responsible: "Informationssäkerhetssamordnare".into(),
                frequency: Frequency::Yearly,
                unit_ids: vec![care, dental],
            },
        )
        .await
        .unwrap();
        assert_eq!(item.unit_ids.len(), 2);

        let report = |unit_id, status| ReportDraft {
            unit_id,
            status,
            result: "Kontrollen är gjord".into(),
            comments: String::new(),
            deviations: "Två konton utan beslut".into(),
        };
        let first = internal_control::save_report(
            db,
            region,
            &actor(),
            item.id,
            None,
            &report(care, ReportStatus::Reported),
        )
        .await
        .unwrap();
        // A second "first report" from the same unit is stale.
        assert!(matches!(
            internal_control::save_report(
                db,
                region,
                &actor(),
                item.id,
                None,
                &report(care, ReportStatus::Reported)
            )
            .await,
            Err(StoreError::Conflict)
        ));
        let changed = internal_control::save_report(
            db,
            region,
            &actor(),
            item.id,
            Some(first.version),
            &report(care, ReportStatus::Deviation),
        )
        .await
        .unwrap();
        assert_eq!(changed.status, "deviation");
        assert!(matches!(
            internal_control::save_report(
                db,
                region,
                &actor(),
                item.id,
                Some(first.version),
                &report(care, ReportStatus::Reported)
            )
            .await,
            Err(StoreError::Conflict)
        ));
        assert!(matches!(
            internal_control::save_report(
                db,
                region,
                &actor(),
                item.id,
                None,
                &report(other, ReportStatus::Reported)
            )
            .await,
            Err(StoreError::Invalid(e)) if e.has("unit_id")
        ));

        let summary = internal_control::summary(db, region, 2026).await.unwrap();
        assert_eq!(
            (
                summary.items,
                summary.expected,
                summary.received,
                summary.deviations
            ),
            (1, 2, 1, 1)
        );
        let dental_row = summary.units.iter().find(|u| u.unit_id == dental).unwrap();
        assert_eq!((dental_row.expected, dental_row.received), (1, 0));
        assert_eq!(
            internal_control::summary(db, region, 2025)
                .await
                .unwrap()
                .expected,
            0
        );
        let reports = internal_control::reports_for_year(db, region, 2026)
            .await
            .unwrap();
        assert_eq!(
            internal_control::report_status(&reports, item.id, dental),
            ReportStatus::NotReported
        );
        assert_eq!(
            internal_control::report_status(&reports, item.id, care),
            ReportStatus::Deviation
        );
        assert_eq!(
            internal_control::plan_years(db, region).await.unwrap(),
            vec![2026]
        );
        let events = audit::list(
            db,
            region,
            &EventFilter {
                object_type: Some("internal_control_report".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(events.total, 2);
    }
);
