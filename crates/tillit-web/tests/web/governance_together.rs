//! The governance modules feed each other: the annual report, the management review,
//! the board's overview and the annual cycle count the governing documents, the internal
//! control plan and the maturity assessments as they are stored.

use axum::http::Method;
use chrono::{Datelike, Days, NaiveDate, Utc};
use serde_json::{json, Value};
use tillit_domain::auth::Role;
use tillit_domain::documents::{Consultation, DocumentDraft, DocumentKind, DocumentStatus};
use tillit_domain::internal_control::{Frequency, ItemDraft, ReportDraft, ReportStatus};
use tillit_domain::maturity::AssessmentDraft;
use tillit_store::Actor;

use crate::harness::TestApp;

fn actor() -> Actor {
    Actor::system("test-fixture")
}

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn document(
    app: &TestApp,
    title: &str,
    status: DocumentStatus,
    review: NaiveDate,
) -> DocumentDraft {
    DocumentDraft {
        kind: DocumentKind::Routine,
        title: title.to_owned(),
        summary: String::new(),
        owner_id: app.a.target.id,
        approver: "Regionstyrelsen".to_owned(),
        case_number: String::new(),
        valid_from: None,
        next_review: Some(review),
        requirement_code: None,
        legal_reference: String::new(),
        consultation: Consultation::Done,
        status,
        unit_id: None,
        checklist_item: None,
    }
}

/// Organisation A gets an approved routine whose review is ten days late, a draft due for
/// review in twenty days, this year's control with a deviation reported by the ward, and
/// a completed maturity assessment at level 2. Gives the draft's id.
async fn governance_data(app: &TestApp) -> i64 {
    let overdue = document(
        app,
        "Rutin för logguppföljning",
        DocumentStatus::Approved,
        today() - Days::new(10),
    );
    tillit_store::documents::create_document(&app.db, app.a.id, &actor(), &overdue)
        .await
        .expect("overdue document");
    let upcoming = document(
        app,
        "Rutin för behörighetstilldelning",
        DocumentStatus::Draft,
        today() + Days::new(20),
    );
    let upcoming = tillit_store::documents::create_document(&app.db, app.a.id, &actor(), &upcoming)
        .await
        .expect("upcoming document");

    let item = ItemDraft {
        year: i64::from(today().year()),
        risk: "Obehörig åtkomst till journalen".into(),
        control: "Stickprov av loggar".into(),
        responsible: "Samordnare".into(),
        frequency: Frequency::Yearly,
        unit_ids: vec![app.a.ward],
    };
    let item = tillit_store::internal_control::create_item(&app.db, app.a.id, &actor(), &item)
        .await
        .expect("control");
    let report = ReportDraft {
        unit_id: app.a.ward,
        status: ReportStatus::Deviation,
        result: "Stickprov gjort".into(),
        comments: String::new(),
        deviations: "Två konton utan behörighetsbeslut".into(),
    };
    tillit_store::internal_control::save_report(
        &app.db,
        app.a.id,
        &actor(),
        item.id,
        None,
        &report,
    )
    .await
    .expect("report");

    let assessment = AssessmentDraft {
        title: "Mognadsmätning".into(),
        assessed_on: today(),
        unit_id: None,
    };
    let assessment = tillit_store::maturity::create(&app.db, app.a.id, &actor(), &assessment)
        .await
        .expect("assessment");
    tillit_store::maturity::complete(
        &app.db,
        app.a.id,
        &actor(),
        assessment.id,
        assessment.version,
        2,
    )
    .await
    .expect("completed");
    upcoming.id
}

async fn get_json(app: &TestApp, token: &str, path: &str) -> Value {
    let resp = app.api(Method::GET, path).token(token).send().await;
    resp.expect(200);
    resp.json()
}

async fn post_json(app: &TestApp, token: &str, path: &str, body: Value) -> Value {
    let resp = app
        .api(Method::POST, path)
        .token(token)
        .json(&body)
        .send()
        .await;
    resp.expect(201);
    resp.json()
}

fn report_figure(report: &Value, section: &str, key: &str) -> Option<(i64, Option<i64>)> {
    report["sections"]
        .as_array()?
        .iter()
        .find(|s| s["key"] == section)?["figures"]
        .as_array()?
        .iter()
        .find(|f| f["key"] == key)
        .map(|f| (f["value"].as_i64().unwrap_or(-1), f["of"].as_i64()))
}

web_test!(
    the_annual_report_counts_documents_internal_control_and_maturity,
    |app| async move {
        governance_data(&app).await;
        let coordinator = app.a.member(Role::Coordinator);
        let token = coordinator.token.as_str();

        let created = post_json(
            &app,
            token,
            "/api/v1/reports",
            json!({ "year": today().year() }),
        )
        .await;
        let report = get_json(&app, token, &format!("/api/v1/reports/{}", created["id"])).await;
        assert_eq!(
            report_figure(&report, "documents", "documents-approved"),
            Some((1, Some(2))),
            "{report}"
        );
        assert_eq!(
            report_figure(&report, "documents", "documents-overdue"),
            Some((1, None))
        );
        assert_eq!(
            report_figure(&report, "audits", "control-items"),
            Some((1, None))
        );
        assert_eq!(
            report_figure(&report, "audits", "control-reports-received"),
            Some((1, Some(1)))
        );
        assert_eq!(
            report_figure(&report, "audits", "control-deviations"),
            Some((1, None))
        );
        assert_eq!(
            report_figure(&report, "maturity", "maturity-level"),
            Some((2, Some(4)))
        );

        // Last year's report knows nothing of this year's plan or assessment.
        let earlier = post_json(
            &app,
            token,
            "/api/v1/reports",
            json!({ "year": today().year() - 1 }),
        )
        .await;
        let earlier = get_json(&app, token, &format!("/api/v1/reports/{}", earlier["id"])).await;
        assert_eq!(
            report_figure(&earlier, "maturity", "maturity-level"),
            None,
            "{earlier}"
        );
        assert_eq!(
            report_figure(&earlier, "audits", "control-items"),
            Some((0, None))
        );
    }
);

web_test!(
    the_review_the_board_and_the_cycle_show_the_governance_data,
    |app| async move {
        let upcoming = governance_data(&app).await;
        let coordinator = app.a.member(Role::Coordinator);
        let token = coordinator.token.as_str();

        let review = post_json(
            &app,
            token,
            "/api/v1/reviews",
            json!({
                "year": today().year(),
                "term": if today().month() <= 6 { "spring" } else { "autumn" },
                "meeting_on": (today() + Days::new(7)).to_string(),
            }),
        )
        .await;
        let control = review["items"]
            .as_array()
            .expect("items")
            .iter()
            .find(|item| item["key"] == "internal_control")
            .expect("the internal control item")
            .clone();
        let value = |code: &str| {
            control["figures"]
                .as_array()
                .and_then(|f| f.iter().find(|f| f["code"] == code))
                .and_then(|f| f["value"].as_i64())
        };
        assert_eq!(value("control-items"), Some(1), "{control}");
        assert_eq!(value("control-reports-expected"), Some(1));
        assert_eq!(value("control-deviations"), Some(1));
        let ward_name = control["lines"][0]["name"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(ward_name.ends_with("akutmottagning"), "{control}");

        let board = get_json(&app, token, "/api/v1/board-dashboard").await;
        assert_eq!(board["renewals"]["documents_overdue"], 1, "{board}");
        assert_eq!(board["maturity_level"], 2);
        let mut browser = app.signed_in(app.a.admin()).await;
        let page = browser.get("/reports/board").await;
        page.expect(200);
        assert!(page
            .page()
            .contains("href=\"/governance/documents?show=overdue\">1</a>"));

        let from = today().to_string();
        let to = (today() + Days::new(60)).to_string();
        let calendar = get_json(
            &app,
            token,
            &format!("/api/v1/calendar?from={from}&to={to}&kind=document_review"),
        )
        .await;
        let reviews: Vec<&Value> = calendar.as_array().expect("occurrences").iter().collect();
        assert_eq!(reviews.len(), 1, "only the review still ahead: {calendar}");
        assert_eq!(
            reviews[0]["path"],
            format!("/governance/documents/{upcoming}")
        );
        assert_eq!(reviews[0]["owner_id"], app.a.target.id);
    }
);

web_test!(
    a_calendar_feed_shows_a_duty_added_after_it_was_first_read,
    |app| async move {
        let coordinator = app.a.member(Role::Coordinator);
        let token = coordinator.token.as_str();
        let feed = || async {
            let resp = app
                .api(Method::GET, "/api/v1/calendar.ics")
                .token(token)
                .send()
                .await;
            resp.expect(200);
            resp.text()
        };
        let title = "Kontroll av journalbehörigheter";
        assert!(!feed().await.contains(title));
        assert_eq!(
            feed().await,
            feed().await,
            "the same feed until something changes"
        );

        post_json(
            &app,
            token,
            "/api/v1/calendar-duties",
            json!({
                "title": title,
                "kind": "access_review",
                "recurrence": "half_yearly",
                "next_due": (today() + Days::new(14)).to_string(),
                "owner_id": coordinator.id,
            }),
        )
        .await;
        assert!(
            feed().await.contains(title),
            "the new duty is in the next read"
        );
    }
);
