//! Management reviews and the board's overview through the API and the pages: figures
//! pre-filled from the data and frozen when held, decisions that become measures and
//! tasks, refusals, and the overview scoped to the reader's units.

use axum::http::Method;
use chrono::{Days, Utc};
use serde_json::{json, Value};
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::users::Language;

use crate::harness::{create_account, unique, TestApp};

fn future(days: u64) -> String {
    (Utc::now().date_naive() + Days::new(days)).to_string()
}

fn figure(review: &Value, key: &str, code: &str) -> i64 {
    review["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["key"] == key)
        .and_then(|item| {
            item["figures"]
                .as_array()
                .expect("figures")
                .iter()
                .find(|f| f["code"] == code)
        })
        .and_then(|f| f["value"].as_i64())
        .unwrap_or_else(|| panic!("{key}/{code} in {review}"))
}

fn item_text(review: &Value, key: &str) -> String {
    review["items"]
        .as_array()
        .expect("items")
        .iter()
        .find(|item| item["key"] == key)
        .and_then(|item| item["text"].as_str())
        .expect("text")
        .to_owned()
}

async fn create_review(app: &TestApp, token: &str, year: i32, term: &str) -> Value {
    let body = json!({"year": year, "term": term, "meeting_on": future(10), "participants": "Ledningsgruppen"});
    let resp = app
        .api(Method::POST, "/api/v1/reviews")
        .token(token)
        .json(&body)
        .send()
        .await;
    resp.expect(201);
    resp.json()
}

web_test!(
    items_start_from_the_live_figures_and_freeze_when_held,
    |app| async move {
        let coordinator = app.a.member(Role::Coordinator).token.clone();
        let review = create_review(&app, &coordinator, 2026, "spring").await;
        let id = review["id"].as_i64().expect("id");
        assert_eq!(review["status"], "prepared");
        assert_eq!(review["items"].as_array().expect("items").len(), 8);
        let before = figure(&review, "gaps", "systems-without-owner");
        assert!(
            item_text(&review, "gaps").contains(&before.to_string()),
            "the text is written from the figures"
        );

        // Two new systems without owners show at once while the review is prepared.
        app.create_system(app.a.id, &format!("Nytt system {}", unique()))
            .await;
        app.create_system(app.a.id, &format!("Nytt system {}", unique()))
            .await;
        let path = format!("/api/v1/reviews/{id}");
        let live = app.api(Method::GET, &path).token(&coordinator).send().await;
        live.expect(200);
        let live = live.json();
        assert_eq!(figure(&live, "gaps", "systems-without-owner"), before + 2);

        // A stale version is refused, a current one saves the text.
        let version = live["version"].as_i64().expect("version");
        let edit = |version: i64| json!({"version": version, "participants": "Regionstyrelsen", "items": [{"key": "audits", "text": "Internrevisionen granskade loggningen."}]});
        app.api(Method::PUT, &path)
            .token(&coordinator)
            .json(&edit(version + 3))
            .send()
            .await
            .problem(409, "conflict");
        let edited = app
            .api(Method::PUT, &path)
            .token(&coordinator)
            .json(&edit(version))
            .send()
            .await;
        edited.expect(200);
        let edited = edited.json();
        assert_eq!(
            item_text(&edited, "audits"),
            "Internrevisionen granskade loggningen."
        );

        let held = app
            .api(Method::POST, &format!("{path}/hold"))
            .token(&coordinator)
            .json(&json!({"version": edited["version"]}))
            .send()
            .await;
        held.expect(200);
        assert_eq!(held.json()["status"], "held");

        // Held: later data does not move the figures, and the texts cannot change.
        app.create_system(app.a.id, &format!("Nytt system {}", unique()))
            .await;
        let frozen = app.api(Method::GET, &path).token(&coordinator).send().await;
        let frozen = frozen.json();
        assert_eq!(figure(&frozen, "gaps", "systems-without-owner"), before + 2);
        let fields = app
            .api(Method::PUT, &path)
            .token(&coordinator)
            .json(&edit(frozen["version"].as_i64().expect("version")))
            .send()
            .await
            .invalid_fields();
        assert_eq!(fields, ["status"]);

        let pdf = app
            .api(Method::GET, &format!("{path}/pdf"))
            .token(&coordinator)
            .send()
            .await;
        pdf.expect(200);
        assert_eq!(pdf.header("content-type"), "application/pdf");
        assert!(pdf.body.starts_with(b"%PDF"));

        // Organisation B sees nothing of it.
        app.api(Method::GET, &path)
            .token(&app.b.member(Role::Coordinator).token)
            .send()
            .await
            .problem(404, "not-found");
    }
);

web_test!(
    a_meeting_in_the_past_is_refused_naming_the_field,
    |app| async move {
        let coordinator = app.a.member(Role::Coordinator);
        let yesterday = (Utc::now().date_naive() - Days::new(1)).to_string();
        // Signing in is recorded; the refused forms after it write nothing.
        let mut browser = app.signed_in(coordinator).await;
        let before = app.footprint(app.a.id).await;
        let body =
            json!({"year": 2026, "term": "autumn", "meeting_on": yesterday, "participants": ""});
        let fields = app
            .api(Method::POST, "/api/v1/reviews")
            .token(&coordinator.token)
            .json(&body)
            .send()
            .await
            .invalid_fields();
        assert_eq!(fields, ["meeting_on"]);

        let page = browser
            .post(
                "/reports/reviews",
                &[
                    ("year", "2026"),
                    ("term", "autumn"),
                    ("meeting_on", &yesterday),
                    ("participants", "Regiondirektören"),
                ],
            )
            .await;
        page.expect(422);
        let html = page.page();
        assert!(html.contains(&app.text(Language::Sv, "field-error-meeting-in-past")));
        assert!(
            html.contains("href=\"#meeting_on\""),
            "the summary links the field"
        );
        assert!(html.contains("Regiondirektören"), "what was typed is kept");
        assert_eq!(app.footprint(app.a.id).await, before, "nothing was written");
    }
);

web_test!(
    a_decision_becomes_a_measure_in_the_action_plan_and_a_task,
    |app| async move {
        let coordinator = app.a.member(Role::Coordinator);
        let review = create_review(&app, &coordinator.token, 2026, "autumn").await;
        let id = review["id"].as_i64().expect("id");
        let owner = app.a.target.id;
        let decision = app
            .api(Method::POST, &format!("/api/v1/reviews/{id}/decisions"))
            .token(&coordinator.token)
            .json(&json!({"text": "Inför tvåfaktorsinloggning för all fjärråtkomst", "owner_id": owner, "due_on": future(90)}))
            .send()
            .await;
        decision.expect(201);
        let decision_id = decision.json()["id"].as_i64().expect("id");
        let converted = app
            .api(
                Method::POST,
                &format!("/api/v1/reviews/{id}/decisions/{decision_id}/measure"),
            )
            .token(&coordinator.token)
            .send()
            .await;
        converted.expect(201);
        let measure_id = converted.json()["measure"]["id"].as_i64().expect("measure");
        let measure = app
            .api(Method::GET, &format!("/api/v1/measures/{measure_id}"))
            .token(&coordinator.token)
            .send()
            .await;
        measure.expect(200);
        let measure = measure.json();
        assert_eq!(
            measure["title"],
            "Inför tvåfaktorsinloggning för all fjärråtkomst"
        );
        assert_eq!(measure["responsible_id"], owner);
        let plan = app
            .api(Method::GET, "/api/v1/measures?per_page=500")
            .token(&coordinator.token)
            .send()
            .await
            .json();
        assert!(
            plan["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|m| m["id"] == measure_id),
            "the measure is in the action plan"
        );
        // A decision is followed up once.
        app.api(
            Method::POST,
            &format!("/api/v1/reviews/{id}/decisions/{decision_id}/task"),
        )
        .token(&coordinator.token)
        .send()
        .await
        .invalid_fields();

        // Through the pages: a decision recorded, then made a task for its owner.
        let mut browser = app.signed_in(coordinator).await;
        let due = future(30);
        let owner_text = owner.to_string();
        browser
            .post(
                &format!("/reports/reviews/{id}/decisions"),
                &[
                    ("text", "Utbilda alla chefer i informationssäkerhet"),
                    ("owner_id", &owner_text),
                    ("due_on", &due),
                ],
            )
            .await
            .expect(303);
        let detail = app
            .api(Method::GET, &format!("/api/v1/reviews/{id}"))
            .token(&coordinator.token)
            .send()
            .await
            .json();
        let second = detail["decisions"][1]["id"]
            .as_i64()
            .expect("second decision");
        browser
            .post(
                &format!("/reports/reviews/{id}/decisions/{second}/task"),
                &[],
            )
            .await
            .expect(303);
        let tasks = tillit_store::tasks::open_tasks(&app.db, app.a.id, owner, false, 50)
            .await
            .expect("tasks");
        assert!(
            tasks
                .iter()
                .any(|t| t.task.note == "Utbilda alla chefer i informationssäkerhet"),
            "the owner has the task"
        );
        let page = browser.get(&format!("/reports/reviews/{id}")).await;
        page.expect(200);
        assert!(page
            .page()
            .contains(&format!("/risks/measures/{measure_id}")));
    }
);

web_test!(roles_without_permission_are_refused, |app| async move {
    let employee = &app.a.member(Role::Employee).token;
    for path in ["/api/v1/reviews", "/api/v1/board-dashboard"] {
        app.api(Method::GET, path)
            .token(employee)
            .send()
            .await
            .problem(403, "forbidden");
    }
    let before = app.footprint(app.a.id).await;
    let body = json!({"year": 2027, "term": "spring", "meeting_on": future(5)});
    for role in [
        Role::HeadOfOperations,
        Role::Auditor,
        Role::InformationOwner,
    ] {
        app.api(Method::POST, "/api/v1/reviews")
            .token(&app.a.member(role).token)
            .json(&body)
            .send()
            .await
            .problem(403, "forbidden");
    }
    assert_eq!(app.footprint(app.a.id).await, before);
    // A role for one unit does not read the organisation's reviews.
    let scoped = create_account(
        &app.db,
        app.a.id,
        &format!("hop-{}@{}", unique(), app.a.domain),
        "Verksamhetschef",
        &[Assignment {
            role: Role::HeadOfOperations,
            unit_id: Some(app.a.ward),
        }],
        false,
    )
    .await;
    app.api(Method::GET, "/api/v1/reviews")
        .token(&scoped.token)
        .send()
        .await
        .problem(403, "forbidden");
});

web_test!(
    the_board_overview_counts_within_the_readers_units,
    |app| async move {
        let admin = &app.a.admin().token;
        let read = |token: String| {
            let app = &app;
            async move {
                let resp = app
                    .api(Method::GET, "/api/v1/board-dashboard")
                    .token(&token)
                    .send()
                    .await;
                resp.expect(200);
                resp.json()
            }
        };
        let scoped = create_account(
            &app.db,
            app.a.id,
            &format!("hop-{}@{}", unique(), app.a.domain),
            "Verksamhetschef syskon",
            &[Assignment {
                role: Role::HeadOfOperations,
                unit_id: Some(app.a.sibling),
            }],
            false,
        )
        .await;
        let whole_before = read(admin.clone()).await;
        let scoped_before = read(scoped.token.clone()).await;
        assert!(whole_before["training_percent"].is_null());
        assert!(whole_before["maturity_level"].is_null());

        let yesterday = (Utc::now().date_naive() - Days::new(1)).to_string();
        let incident = json!({"title": "Larm", "description": "Larm från övervakningen", "discovered_at": format!("{yesterday}T08:00:00+01:00"), "unit_id": app.a.ward});
        app.api(Method::POST, "/api/v1/incidents")
            .token(admin)
            .json(&incident)
            .send()
            .await
            .expect(201);

        let whole = read(admin.clone()).await;
        assert_eq!(
            whole["incidents"]["open_cases"].as_i64(),
            whole_before["incidents"]["open_cases"]
                .as_i64()
                .map(|n| n + 1)
        );
        let scoped_after = read(scoped.token.clone()).await;
        assert_eq!(
            scoped_after["incidents"]["open_cases"], scoped_before["incidents"]["open_cases"],
            "a case of another unit is not counted"
        );
        // The first coverage row counts every system of the organisation.
        let systems = app
            .api(Method::GET, "/api/v1/systems?per_page=1")
            .token(admin)
            .send()
            .await
            .json();
        assert_eq!(whole["coverage"][0]["systems"], systems["total"]);

        let page = app
            .signed_in(app.a.admin())
            .await
            .get("/reports/board")
            .await;
        page.expect(200);
        let html = page.page();
        assert!(html.contains("role=\"img\""));
        assert!(html.contains(&app.text(Language::Sv, "board-no-data")));
        assert!(html.contains(&app.text(Language::Sv, "board-no-assessment")));
    }
);
