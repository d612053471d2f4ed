//! Governing documents and internal control through the pages and the API: the landing
//! page, a document created for a checklist item and reflected in the checklist, a form
//! refused for a review date in the past that keeps what was typed, new versions with the
//! earlier one readable, stale versions, refusals by role and organisation, and an
//! administration reporting on the internal control plan.

use chrono::{Datelike, Days, NaiveDate, Utc};
use serde_json::json;
use tillit_domain::auth::Role;
use tillit_domain::users::Language;

use crate::harness::{html, TestApp};

fn sv(app: &TestApp, id: &str) -> String {
    app.text(Language::Sv, id)
}

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// "<label>: <message>", as the document form shows a refused field.
fn field_message(app: &TestApp, field: &str, code: &str) -> String {
    format!(
        "{}: {}",
        sv(app, &format!("document-field-{}", field.replace('_', "-"))),
        sv(app, &format!("field-error-{code}"))
    )
}

web_test!(
    a_document_for_a_checklist_item_shows_in_the_checklist,
    |app| async move {
        let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;
        let landing = browser.get("/governance").await;
        landing.expect(200);
        for link in [
            "/governance/documents",
            "/governance/internal-control",
            "/governance/maturity",
            "/governance/calendar",
        ] {
            assert!(
                landing.text().contains(&format!("href=\"{link}\"")),
                "{link}"
            );
        }
        assert!(landing.page().contains(&sv(&app, "nav-governance")));

        let new = browser
            .get("/governance/documents/new?checklist_item=log-routines")
            .await;
        new.expect(200);
        assert_eq!(
            html::selected(&new.text(), "checklist_item"),
            Some("log-routines".into())
        );
        assert_eq!(html::selected(&new.text(), "kind"), Some("routine".into()));

        let owner = app.a.target.id.to_string();
        let review = day(today() + Days::new(300));
        let from = day(today());
        let created = browser
            .post(
                "/governance/documents",
                &[
                    ("kind", "routine"),
                    ("title", "Rutin för logguppföljning"),
                    ("owner_id", &owner),
                    ("approver", "Regionstyrelsen"),
                    ("case_number", "RS/12/2026"),
                    ("valid_from", &from),
                    ("next_review", &review),
                    ("consultation", "done"),
                    ("status", "approved"),
                    ("checklist_item", "log-routines"),
                    ("requirement_code", "K-GOV-01"),
                    ("legal_reference", "HSLF-FS 2016:40 4 kap. 9 §"),
                ],
            )
            .await;
        created.expect(303);
        assert!(created.location().ends_with("notice=document-created"));
        let page = browser.get(created.location()).await;
        page.expect(200);
        let text = page.page();
        for value in [
            "Rutin för logguppföljning",
            "RS/12/2026",
            "Regionstyrelsen",
            &sv(&app, "document-status-approved"),
            "K-GOV-01",
        ] {
            assert!(text.contains(value), "{value:?} on the page");
        }

        let start = browser.get("/").await;
        start.expect(200);
        assert!(start
            .page()
            .contains(&sv(&app, "governance-card-documents")));

        let checklist = browser.get("/governance/documents/checklist").await;
        checklist.expect(200);
        assert!(checklist.page().contains("Rutin för logguppföljning"));

        let token = &app.a.member(Role::Employee).token;
        let items = app
            .api(axum::http::Method::GET, "/api/v1/documents/checklist")
            .token(token)
            .send()
            .await;
        items.expect(200);
        let items = items.json();
        let item = |id: &str| {
            items
                .as_array()
                .expect("items")
                .iter()
                .find(|i| i["id"] == id)
                .cloned()
                .expect("item")
        };
        assert_eq!(item("log-routines")["current"], true);
        assert_eq!(item("log-routines")["approved"], true);
        assert_eq!(item("continuity-plans")["exists"], false);
        assert!(item("incident-routines")["sources"][0]
            .as_str()
            .is_some_and(|s| s.contains("20 §")));
    }
);

web_test!(
    a_review_date_in_the_past_is_refused_naming_the_field_and_keeps_the_input,
    |app| async move {
        let mut browser = app.signed_in(app.a.member(Role::Administrator)).await;
        browser.get("/governance/documents/new").await.expect(200);
        let owner = app.a.target.id.to_string();
        let past = day(today() - Days::new(1));
        let refused = browser
            .post(
                "/governance/documents",
                &[
                    ("kind", "policy"),
                    ("title", "Informationssäkerhetspolicy"),
                    ("owner_id", &owner),
                    ("approver", "Regionfullmäktige"),
                    ("case_number", "RS/937/2018"),
                    ("valid_from", "2020-11-01"),
                    ("next_review", &past),
                    ("consultation", "done"),
                    ("status", "approved"),
                ],
            )
            .await;
        refused.expect(422);
        let text = refused.page();
        assert!(
            text.contains(&field_message(&app, "next_review", "review-date-past")),
            "{text}"
        );
        assert!(refused.text().contains("href=\"#next_review\""));
        assert_eq!(
            refused.field("title").as_deref(),
            Some("Informationssäkerhetspolicy")
        );
        assert_eq!(refused.field("case_number").as_deref(), Some("RS/937/2018"));
        assert_eq!(refused.field("next_review").as_deref(), Some(past.as_str()));
        assert_eq!(
            html::selected(&refused.text(), "status"),
            Some("approved".into())
        );

        // An unreadable date is named too, and nothing was written.
        let unreadable = browser
            .post(
                "/governance/documents",
                &[
                    ("kind", "policy"),
                    ("title", "Policy"),
                    ("owner_id", &owner),
                    ("next_review", "nästa vår"),
                    ("consultation", "done"),
                    ("status", "draft"),
                ],
            )
            .await;
        unreadable.expect(422);
        assert!(unreadable
            .page()
            .contains(&field_message(&app, "next_review", "invalid-date")));
        let listed =
            tillit_store::documents::list_documents(&app.db, app.a.id, &Default::default(), 50, 0)
                .await
                .expect("list");
        assert_eq!(listed.total, 0);
    }
);

web_test!(
    the_api_keeps_versions_and_refuses_stale_foreign_and_unpermitted_changes,
    |app| async move {
        let coordinator = &app.a.member(Role::Coordinator).token;
        let body = json!({
            "kind": "plan",
            "title": "Kontinuitetsplan för journalsystemet",
            "owner_id": app.a.target.id,
            "consultation": "ongoing",
            "status": "draft",
            "next_review": day(today() + Days::new(30)),
        });
        let mut past = body.clone();
        past["next_review"] = json!(day(today() - Days::new(10)));
        let refused = app
            .api(axum::http::Method::POST, "/api/v1/documents")
            .token(coordinator)
            .json(&past)
            .send()
            .await;
        assert_eq!(refused.invalid_fields(), vec!["next_review"]);
        let refused = refused.json();
        assert_eq!(refused["errors"][0]["code"], "review-date-past");

        app.api(axum::http::Method::POST, "/api/v1/documents")
            .token(&app.a.member(Role::Employee).token)
            .json(&body)
            .send()
            .await
            .problem(403, "forbidden");

        let created = app
            .api(axum::http::Method::POST, "/api/v1/documents")
            .token(coordinator)
            .json(&body)
            .send()
            .await;
        created.expect(201);
        let created = created.json();
        let id = created["id"].as_i64().expect("id");
        assert_eq!(created["document_version"], 1);

        let mut second = body.clone();
        second["title"] = json!("Kontinuitetsplan 2.0");
        second["version"] = created["version"].clone();
        second["change_note"] = json!("Reservrutiner för akuten");
        let revised = app
            .api(
                axum::http::Method::POST,
                &format!("/api/v1/documents/{id}/versions"),
            )
            .token(coordinator)
            .json(&second)
            .send()
            .await;
        revised.expect(201);
        assert_eq!(revised.json()["document_version"], 2);

        // The version read before the new version is stale now.
        app.api(axum::http::Method::PUT, &format!("/api/v1/documents/{id}"))
            .token(coordinator)
            .json(&second)
            .send()
            .await
            .problem(409, "conflict");

        let earlier = app
            .api(
                axum::http::Method::GET,
                &format!("/api/v1/documents/{id}/versions/1"),
            )
            .token(&app.a.member(Role::Auditor).token)
            .send()
            .await;
        earlier.expect(200);
        let earlier = earlier.json();
        assert_eq!(
            earlier["document"]["title"],
            "Kontinuitetsplan för journalsystemet"
        );
        assert_eq!(earlier["change_note"], "Reservrutiner för akuten");

        // The page shows the history and the earlier version.
        let mut browser = app.signed_in(app.a.member(Role::Employee)).await;
        let page = browser.get(&format!("/governance/documents/{id}")).await;
        page.expect(200);
        assert!(page.page().contains("Reservrutiner för akuten"));
        browser
            .get(&format!("/governance/documents/{id}/versions/1"))
            .await
            .expect(200);

        // Another organisation sees none of it.
        app.api(axum::http::Method::GET, &format!("/api/v1/documents/{id}"))
            .token(&app.b.member(Role::Administrator).token)
            .send()
            .await
            .problem(404, "not-found");
        app.api(
            axum::http::Method::GET,
            &format!("/api/v1/documents/{id}/versions/7"),
        )
        .token(coordinator)
        .send()
        .await
        .problem(404, "not-found");
        let listed = app
            .api(axum::http::Method::GET, "/api/v1/documents?kind=plan")
            .token(coordinator)
            .send()
            .await;
        listed.expect(200);
        assert_eq!(listed.json()["total"], 1);
        app.api(axum::http::Method::GET, "/api/v1/documents?kind=memo")
            .token(coordinator)
            .send()
            .await
            .problem(422, "invalid-input");
    }
);

web_test!(
    an_administration_reports_on_the_internal_control_plan,
    |app| async move {
        let year = i64::from(today().year());
        let ward = app.a.ward.to_string();
        let year_text = year.to_string();
        let mut coordinator = app.signed_in(app.a.member(Role::Coordinator)).await;
        coordinator
            .get("/governance/internal-control")
            .await
            .expect(200);
        let refused = coordinator
            .post(
                "/governance/internal-control",
                &[
                    ("year", &year_text),
                    ("risk", "Verksamheten följer inte dataskyddslagstiftningen"),
                    ("control", ""),
                    ("responsible", "Informationssäkerhetssamordnare"),
                    ("frequency", "yearly"),
                ],
            )
            .await;
        refused.expect(422);
        assert_eq!(
            refused.field("responsible").as_deref(),
            Some("Informationssäkerhetssamordnare")
        );
        assert!(refused.text().contains("href=\"#unit_ids\""));
        let created = coordinator
            .post(
                "/governance/internal-control",
                &[
                    ("year", &year_text),
                    ("risk", "Verksamheten följer inte dataskyddslagstiftningen"),
                    ("control", "Stickprov av behörigheter i journalsystemet"),
                    ("responsible", "Informationssäkerhetssamordnare"),
                    ("frequency", "yearly"),
                    ("unit_ids", &ward),
                ],
            )
            .await;
        created.expect(303);
        let item = tillit_store::internal_control::list_items(&app.db, app.a.id, year)
            .await
            .expect("items")
            .pop()
            .expect("item");

        let mut head = app.signed_in(app.a.member(Role::HeadOfOperations)).await;
        let path = format!("/governance/internal-control/{}", item.id);
        head.get(&path).await.expect(200);
        let reports = format!("{path}/reports");
        let refused = head
            .post(
                &reports,
                &[
                    ("unit_id", &ward),
                    ("version", ""),
                    ("status", "deviation"),
                    ("result", "Tre konton kontrollerade"),
                    ("deviations", ""),
                ],
            )
            .await;
        refused.expect(422);
        assert!(refused.page().contains("Tre konton kontrollerade"));
        head.post(
            &reports,
            &[
                ("unit_id", &ward),
                ("version", ""),
                ("status", "deviation"),
                ("result", "Tre konton kontrollerade"),
                ("deviations", "Ett konto saknade beslut"),
            ],
        )
        .await
        .expect(303);

        let plan = coordinator.get("/governance/internal-control").await;
        plan.expect(200);
        assert!(plan.page().contains(&sv(&app, "ic-status-deviation")));
        let summary = app
            .api(
                axum::http::Method::GET,
                &format!("/api/v1/internal-control/summary?year={year}"),
            )
            .token(&app.a.member(Role::Auditor).token)
            .send()
            .await;
        summary.expect(200);
        let summary = summary.json();
        assert_eq!(
            (
                &summary["expected"],
                &summary["received"],
                &summary["deviations"]
            ),
            (&json!(1), &json!(1), &json!(1))
        );

        // An employee may not report, and a second "first report" is stale.
        app.api(
            axum::http::Method::POST,
            &format!("/api/v1/internal-control/items/{}/reports", item.id),
        )
        .token(&app.a.member(Role::Employee).token)
        .json(&json!({"unit_id": app.a.ward, "status": "reported", "result": "Klar"}))
        .send()
        .await
        .problem(403, "forbidden");
        app.api(
            axum::http::Method::POST,
            &format!("/api/v1/internal-control/items/{}/reports", item.id),
        )
        .token(&app.a.member(Role::HeadOfOperations).token)
        .json(&json!({"unit_id": app.a.ward, "status": "reported", "result": "Klar"}))
        .send()
        .await
        .problem(409, "conflict");
    }
);
