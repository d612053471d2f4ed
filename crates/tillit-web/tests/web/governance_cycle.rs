//! Maturity self-assessments and the annual cycle through the pages, the API and the
//! calendar feed.

use axum::http::Method;
use chrono::{Datelike, Days};
use serde_json::json;
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::calendar::ical;
use tillit_domain::users::Language;

use crate::harness::{create_account, fixture_actor, unique};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}

/// Every question of levels up to `top` met.
fn met_through(top: u8) -> serde_json::Value {
    let content = tillit_domain::maturity::MaturityContent::builtin().expect("content");
    let answers: serde_json::Map<String, serde_json::Value> = content
        .questions()
        .iter()
        .filter(|q| q.level <= top)
        .map(|q| (q.id.clone(), json!({"met": true, "note": "Klart"})))
        .collect();
    serde_json::Value::Object(answers)
}

web_test!(maturity_assessment_through_the_api, |app| async move {
    let coordinator = app.a.member(Role::Coordinator);
    let token = &coordinator.token;
    // Bad input: a missing title, a date that is no date, a unit that is no administration.
    let fields = app
        .api(Method::POST, "/api/v1/maturity-assessments")
        .token(token)
        .json(&json!({"title": " ", "assessed_on": "i morgon"}))
        .send()
        .await
        .invalid_fields();
    assert_eq!(fields, vec!["assessed_on"]);
    let fields = app
        .api(Method::POST, "/api/v1/maturity-assessments")
        .token(token)
        .json(&json!({"title": ""}))
        .send()
        .await
        .invalid_fields();
    assert_eq!(fields, vec!["title"]);
    let fields = app
        .api(Method::POST, "/api/v1/maturity-assessments")
        .token(token)
        .json(&json!({"title": "Akutkliniken", "unit_id": app.a.clinic}))
        .send()
        .await
        .invalid_fields();
    assert_eq!(fields, vec!["unit_id"]);
    let created = app
        .api(Method::POST, "/api/v1/maturity-assessments")
        .token(token)
        .json(&json!({"title": "Mognadsmätning 2026", "assessed_on": "2026-03-01", "unit_id": app.a.root}))
        .send()
        .await;
    created.expect(201);
    let created = created.json();
    let id = created["id"].as_i64().expect("id");
    assert_eq!(created["status"], "draft");
    assert_eq!(created["level"], 0);
    assert_eq!(created["next_steps"].as_array().expect("steps").len(), 6);

    // Level 1 met and one level-2 question: level 1, the rest of level 2 as next steps.
    let mut answers = met_through(1);
    answers["M2-01"] = json!({"met": true});
    answers["M2-02"] = json!({"met": false, "note": "Hälften klassade"});
    let path = format!("/api/v1/maturity-assessments/{id}");
    let saved = app
        .api(Method::PUT, &path)
        .token(token)
        .json(&json!({"answers": answers, "version": 1}))
        .send()
        .await;
    saved.expect(200);
    let saved = saved.json();
    assert_eq!(saved["level"], 1);
    assert_eq!(saved["version"], 2);
    let steps: Vec<&str> = saved["next_steps"]
        .as_array()
        .expect("steps")
        .iter()
        .map(|s| s["question_id"].as_str().expect("id"))
        .collect();
    assert_eq!(steps, vec!["M2-02", "M2-03", "M2-04", "M2-05"]);
    assert!(saved["next_steps"][0]["advice"]
        .as_str()
        .is_some_and(|a| !a.is_empty()));

    // A stale version, an unknown question, an employee, another organisation.
    app.api(Method::PUT, &path)
        .token(token)
        .json(&json!({"answers": {}, "version": 1}))
        .send()
        .await
        .problem(409, "conflict");
    let fields = app
        .api(Method::PUT, &path)
        .token(token)
        .json(&json!({"answers": {"M9-99": {"met": true}}, "version": 2}))
        .send()
        .await
        .invalid_fields();
    assert_eq!(fields, vec!["answers.M9-99"]);
    app.api(Method::PUT, &path)
        .token(&app.a.member(Role::InformationOwner).token)
        .json(&json!({"answers": {}, "version": 2}))
        .send()
        .await
        .problem(403, "forbidden");
    app.api(Method::GET, &path)
        .token(&app.a.member(Role::Employee).token)
        .send()
        .await
        .problem(403, "forbidden");
    app.api(Method::GET, &path)
        .token(&app.b.member(Role::Coordinator).token)
        .send()
        .await
        .problem(404, "not-found");

    let completed = app
        .api(Method::POST, &format!("{path}/complete"))
        .token(token)
        .json(&json!({"version": 2}))
        .send()
        .await;
    completed.expect(200);
    assert_eq!(completed.json()["status"], "completed");
    assert_eq!(completed.json()["level"], 1);
    // A completed assessment no longer changes.
    let fields = app
        .api(Method::PUT, &path)
        .token(token)
        .json(&json!({"answers": met_through(4), "version": 3}))
        .send()
        .await
        .invalid_fields();
    assert_eq!(fields, vec!["status"]);
    let latest = tillit_store::maturity::latest_maturity(&app.db, app.a.id, Some(app.a.root))
        .await
        .expect("latest")
        .expect("a completed result");
    assert_eq!((latest.assessment_id, latest.level), (id, 1));
    assert_eq!(
        tillit_store::maturity::latest_maturity(&app.db, app.a.id, None)
            .await
            .expect("latest"),
        None
    );
    assert_eq!(
        tillit_store::maturity::latest_maturity(&app.db, app.b.id, Some(app.a.root))
            .await
            .expect("latest"),
        None,
        "another organisation never sees it"
    );
    let list = app
        .api(Method::GET, "/api/v1/maturity-assessments")
        .token(&app.a.member(Role::Auditor).token)
        .send()
        .await;
    list.expect(200);
    assert_eq!(list.json()["total"], 1);
    assert_eq!(list.json()["items"][0]["level"], 1);
});

web_test!(
    maturity_is_read_within_the_readers_units_with_suggestions_from_their_data,
    |app| async move {
        let org = &app.a;
        let n = unique();
        // A second administration beside the fixture's, with its own coordinator.
        let social = app
            .create_unit(org.id, &format!("Socialförvaltningen {n}"), None)
            .await;
        let grant = [Assignment {
            role: Role::Coordinator,
            unit_id: Some(social),
        }];
        let social_coordinator = create_account(
            &app.db,
            org.id,
            &format!("soc-samordnare-{n}@{}", org.domain),
            "Socialförvaltningens samordnare",
            &grant,
            true,
        )
        .await;
        let owner = org.member(Role::InformationOwner).id;
        let journal = app.create_system(org.id, &format!("Journal {n}")).await;
        let records = app
            .create_asset(org.id, &format!("Journaler {n}"), owner)
            .await;
        tillit_store::registers::link_asset_system(
            &app.db,
            org.id,
            &fixture_actor(),
            records,
            journal,
        )
        .await
        .expect("link");

        let coordinator = &org.member(Role::Coordinator).token;
        let mut ids = Vec::new();
        for (token, unit) in [
            (coordinator, json!(null)),
            (coordinator, json!(org.root)),
            (&social_coordinator.token, json!(social)),
        ] {
            let created = app
                .api(Method::POST, "/api/v1/maturity-assessments")
                .token(token)
                .json(&json!({"title": format!("Mognad {n}"), "unit_id": unit}))
                .send()
                .await;
            created.expect(201);
            ids.push(created.json()["id"].as_i64().expect("id"));
        }
        app.api(Method::POST, "/api/v1/maturity-assessments")
            .token(&social_coordinator.token)
            .json(&json!({"title": "Hela regionen", "unit_id": null}))
            .send()
            .await
            .problem(403, "forbidden");

        // The administration's coordinator lists and reads its own assessment only.
        let listed = app
            .api(Method::GET, "/api/v1/maturity-assessments?per_page=100")
            .token(&social_coordinator.token)
            .send()
            .await;
        listed.expect(200);
        let listed = listed.json();
        let listed_ids: Vec<i64> = listed["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|a| a["id"].as_i64().expect("id"))
            .collect();
        assert_eq!(listed_ids, vec![ids[2]]);
        assert_eq!(listed["total"], 1);
        for hidden in &ids[..2] {
            app.api(
                Method::GET,
                &format!("/api/v1/maturity-assessments/{hidden}"),
            )
            .token(&social_coordinator.token)
            .send()
            .await
            .problem(403, "forbidden");
        }
        let mut browser = app.signed_in(&social_coordinator).await;
        let page = browser.get("/governance/maturity").await;
        page.expect(200);
        assert!(page
            .page()
            .contains(&format!("/governance/maturity/{}", ids[2])));
        assert!(!page
            .page()
            .contains(&format!("/governance/maturity/{}\"", ids[0])));

        // Suggestions come from the data of the assessment's own scope.
        let suggested = |assessment: &serde_json::Value, evidence: &str| {
            assessment["suggestions"]
                .as_array()
                .expect("suggestions")
                .iter()
                .find(|s| s["evidence"] == evidence)
                .map(|s| s["suggests_met"].as_bool().expect("flag"))
        };
        let whole = app
            .api(
                Method::GET,
                &format!("/api/v1/maturity-assessments/{}", ids[0]),
            )
            .token(coordinator)
            .send()
            .await;
        whole.expect(200);
        let whole = whole.json();
        assert!(whole["facts"]["systems"].as_i64().expect("systems") >= 1);
        assert!(whole["facts"]["assets"].as_i64().expect("assets") >= 1);
        assert_eq!(suggested(&whole, "asset_inventory"), Some(true));
        let own = app
            .api(
                Method::GET,
                &format!("/api/v1/maturity-assessments/{}", ids[2]),
            )
            .token(&social_coordinator.token)
            .send()
            .await;
        own.expect(200);
        let own = own.json();
        assert_eq!(own["facts"]["assets"], 0, "{own}");
        assert_eq!(own["facts"]["systems"], 0, "{own}");
        assert_eq!(suggested(&own, "asset_inventory"), Some(false));
    }
);

web_test!(
    maturity_pages_keep_input_and_show_the_result,
    |app| async move {
        let coordinator = app.a.member(Role::Coordinator);
        let mut browser = app.signed_in(coordinator).await;
        let page = browser.get("/governance/maturity").await;
        page.expect(200);
        assert!(page
            .page()
            .contains(&app.text(Language::Sv, "maturity-no-results")));
        let refused = browser
            .post(
                "/governance/maturity",
                &[("title", ""), ("unit_id", ""), ("assessed_on", "1 mars")],
            )
            .await;
        refused.expect(422);
        assert!(refused.page().contains("error-summary"));
        assert_eq!(refused.field("assessed_on").as_deref(), Some("1 mars"));

        let created = browser
            .post(
                "/governance/maturity",
                &[
                    ("title", "Mognad förvaltningen"),
                    ("unit_id", ""),
                    ("assessed_on", ""),
                ],
            )
            .await;
        created.expect(303);
        let location = created
            .location()
            .split('?')
            .next()
            .expect("path")
            .to_owned();
        assert!(location.starts_with("/governance/maturity/"));
        let id: i64 = location
            .rsplit('/')
            .next()
            .expect("id")
            .parse()
            .expect("number");

        // tillit's own data suggests the inventory exists once a system is registered.
        app.create_system(app.a.id, "Journalsystem").await;
        let form = browser.get(&location).await;
        form.expect(200);
        assert!(form
            .page()
            .contains(&app.text(Language::Sv, "maturity-suggest-met")));
        assert!(form
            .page()
            .contains("Förteckningen har 1 informationssystem"));

        // A stale version keeps what was typed.
        let stale = browser
            .post(
                &location,
                &[
                    ("version", "7"),
                    ("action", "save"),
                    ("answer-M1-01", "met"),
                    ("note-M1-01", "Policy beslutad 2025"),
                ],
            )
            .await;
        stale.expect(409);
        assert_eq!(
            crate::harness::html::textarea(&stale.text(), "note-M1-01").as_deref(),
            Some("Policy beslutad 2025")
        );

        let mut fields: Vec<(String, String)> = vec![
            ("version".into(), "1".into()),
            ("action".into(), "complete".into()),
        ];
        let content = tillit_domain::maturity::MaturityContent::builtin().expect("content");
        for q in content.questions().iter().filter(|q| q.level == 1) {
            fields.push((format!("answer-{}", q.id), "met".into()));
        }
        fields.push(("answer-M2-03".into(), "not_met".into()));
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        browser
            .post(&location, &pairs)
            .await
            .expect_redirect(&format!("{location}?notice=maturity-completed"));
        let result = browser.get(&location).await;
        result.expect(200);
        let text = result.page();
        assert!(text.contains(&app.text(Language::Sv, "maturity-status-completed")));
        assert!(text.contains("Nivå 1"));
        assert!(
            text.contains("role=\"img\""),
            "the radar chart is an image with a text alternative"
        );
        assert!(text.contains(&app.text(Language::Sv, "maturity-radar-table")));
        assert!(
            text.contains("Gör riskanalyser") || text.contains("Genomför riskanalyser"),
            "the feedback names what to do next"
        );
        assert!(
            !text.contains("name=\"answer-M1-01\""),
            "a completed assessment has no form"
        );
        let list = browser.get("/governance/maturity").await;
        assert!(list.page().contains("Mognad förvaltningen"));
        let stored = tillit_store::maturity::get(&app.db, app.a.id, id)
            .await
            .expect("stored");
        assert_eq!(stored.level, 1);

        // The employee is refused.
        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        employee.get("/governance/maturity").await.expect(403);
    }
);

web_test!(own_duties_through_the_api_and_pages, |app| async move {
    let coordinator = app.a.member(Role::Coordinator);
    let token = &coordinator.token;
    let yesterday = (today() - Days::new(1)).to_string();
    let soon = (today() + Days::new(20)).to_string();
    let fields = app
        .api(Method::POST, "/api/v1/calendar-duties")
        .token(token)
        .json(&json!({"title": "", "kind": "risk_renewal", "recurrence": "weekly", "next_due": yesterday, "reminder_days": 900}))
        .send()
        .await
        .invalid_fields();
    for field in ["title", "kind", "recurrence", "next_due", "reminder_days"] {
        assert!(fields.contains(&field.to_owned()), "{field} in {fields:?}");
    }
    let fields = app
        .api(Method::POST, "/api/v1/calendar-duties")
        .token(token)
        .json(&json!({"title": "Övning", "kind": "continuity_exercise", "recurrence": "yearly", "next_due": soon, "owner_id": app.b.admin().id}))
        .send()
        .await
        .invalid_fields();
    assert_eq!(fields, vec!["owner_id"], "an owner of another organisation");
    let created = app
        .api(Method::POST, "/api/v1/calendar-duties")
        .token(token)
        .json(&json!({"title": "Behörighetsuppföljning journalsystemet", "kind": "access_review", "recurrence": "quarterly", "next_due": soon, "owner_id": app.a.target.id}))
        .send()
        .await;
    created.expect(201);
    let duty = created.json();
    let id = duty["id"].as_i64().expect("id");
    let path = format!("/api/v1/calendar-duties/{id}");
    app.api(Method::PUT, &path)
        .token(token)
        .json(&json!({"title": "Ny", "kind": "access_review", "recurrence": "yearly", "next_due": soon, "version": 9}))
        .send()
        .await
        .problem(409, "conflict");
    app.api(Method::PUT, &path)
        .token(&app.a.member(Role::Auditor).token)
        .json(&json!({"title": "Ny", "kind": "access_review", "recurrence": "yearly", "next_due": soon, "version": 1}))
        .send()
        .await
        .problem(403, "forbidden");
    app.api(Method::GET, &path)
        .token(&app.b.member(Role::Coordinator).token)
        .send()
        .await
        .problem(404, "not-found");

    // The duty and the fixed points are in the calendar of the year.
    let year = today().year();
    let calendar = app
        .api(
            Method::GET,
            &format!("/api/v1/calendar?from={year}-01-01&to={year}-12-31"),
        )
        .token(token)
        .send()
        .await;
    calendar.expect(200);
    let items = calendar.json();
    let items = items.as_array().expect("items");
    assert!(items
        .iter()
        .any(|o| o["kind"] == "management_review" && o["due_on"] == format!("{year}-04-30")));
    assert!(items
        .iter()
        .any(|o| o["kind"] == "management_review" && o["due_on"] == format!("{year}-10-30")));
    assert!(items
        .iter()
        .any(|o| o["kind"] == "access_review" && o["due_on"] == soon));
    let mine = app
        .api(
            Method::GET,
            &format!(
                "/api/v1/calendar?owner={}&kind=access_review",
                app.a.target.id
            ),
        )
        .token(token)
        .send()
        .await
        .json();
    assert!(mine
        .as_array()
        .expect("items")
        .iter()
        .all(|o| o["owner_id"] == app.a.target.id));
    let fields = app
        .api(
            Method::GET,
            "/api/v1/calendar?from=2026-12-01&to=2026-01-01&kind=x",
        )
        .token(token)
        .send()
        .await
        .invalid_fields();
    assert!(fields.contains(&"kind".to_owned()));

    // The pages: a refused form keeps its input; the duty page marks it done.
    let mut browser = app.signed_in(coordinator).await;
    let refused = browser
        .post(
            "/governance/calendar/duties",
            &[
                ("title", "Kontinuitetsövning reservkraft"),
                ("kind", "continuity_exercise"),
                ("recurrence", "yearly"),
                ("next_due", &yesterday),
                ("reminder_days", "30"),
            ],
        )
        .await;
    refused.expect(422);
    assert_eq!(
        refused.field("title").as_deref(),
        Some("Kontinuitetsövning reservkraft")
    );
    assert_eq!(
        refused.field("next_due").as_deref(),
        Some(yesterday.as_str())
    );
    assert!(refused
        .page()
        .contains(&app.text(Language::Sv, "field-error-due-in-past")));
    let page = browser
        .get(&format!("/governance/calendar?year={year}"))
        .await;
    page.expect(200);
    let text = page.page();
    assert!(text.contains("Behörighetsuppföljning journalsystemet"));
    assert!(text.contains(&app.text(Language::Sv, "calendar-month-4")));
    assert_eq!(text.matches("<path ").count(), 12, "twelve month sectors");
    let duty_page = format!("/governance/calendar/duties/{id}");
    browser
        .post(&format!("{duty_page}/done"), &[("version", "1")])
        .await
        .expect_redirect(&format!("{duty_page}?notice=calendar-duty-done"));
    let moved = tillit_store::calendar::duty(&app.db, app.a.id, id)
        .await
        .expect("duty");
    let first: chrono::NaiveDate = soon.parse().expect("date");
    assert_eq!(
        moved.next_due,
        first
            .checked_add_months(chrono::Months::new(3))
            .expect("date")
    );
    browser
        .post(&format!("{duty_page}/delete"), &[("version", "1")])
        .await
        .expect(409);
    browser
        .post(&format!("{duty_page}/delete"), &[("version", "2")])
        .await
        .expect_redirect("/governance/calendar?notice=calendar-duty-deleted");
});

web_test!(the_calendar_feed_needs_a_live_token, |app| async move {
    let coordinator = app.a.member(Role::Coordinator);
    // Without a token, with a wrong one: refused, nothing about the organisation shown.
    app.api(Method::GET, "/api/v1/calendar.ics")
        .send()
        .await
        .problem(401, "unauthenticated");
    for path in ["/calendar/nothing.ics", "/calendar/.ics", "/calendar/abc"] {
        let refused = app.api(Method::GET, path).send().await;
        refused.expect(404);
        assert!(refused.text().contains("Kalenderflödet finns inte"));
        assert!(!refused.text().contains("Söder"));
    }

    // With the bearer token: a calendar of the coordinator's duties and the shared points.
    let ics = app
        .api(Method::GET, "/api/v1/calendar.ics")
        .token(&coordinator.token)
        .send()
        .await;
    ics.expect(200);
    assert!(ics.header("content-type").starts_with("text/calendar"));
    let text = ics.text();
    let lines = ical::unfold(&text);
    assert_eq!(lines.first().map(String::as_str), Some("BEGIN:VCALENDAR"));
    assert_eq!(lines.last().map(String::as_str), Some("END:VCALENDAR"));
    assert!(text.split("\r\n").all(|l| l.len() <= 75));
    let uids: Vec<&String> = lines.iter().filter(|l| l.starts_with("UID:")).collect();
    assert!(
        !uids.is_empty(),
        "the management reviews of the coming year are there"
    );
    let unique: std::collections::BTreeSet<&&String> = uids.iter().collect();
    assert_eq!(unique.len(), uids.len(), "every occurrence has its own UID");
    assert_eq!(
        lines.iter().filter(|l| *l == "BEGIN:VTODO").count(),
        lines
            .iter()
            .filter(|l| l.starts_with("DUE;VALUE=DATE:"))
            .count()
    );
    assert!(lines
        .iter()
        .any(|l| l.starts_with("SUMMARY:Ledningens genomgång")));
    assert!(lines.iter().any(|l| l.starts_with("URL:http://")));
    let again = app
        .api(Method::GET, "/api/v1/calendar.ics")
        .token(&coordinator.token)
        .send()
        .await
        .text();
    let again_uids: Vec<String> = ical::unfold(&again)
        .into_iter()
        .filter(|l| l.starts_with("UID:"))
        .collect();
    assert_eq!(
        again_uids.iter().collect::<Vec<_>>(),
        uids,
        "UIDs are stable"
    );

    // The personal feed address from the calendar page, then revoked.
    let mut browser = app.signed_in(coordinator).await;
    let made = browser.post("/governance/calendar/feed", &[]).await;
    made.expect(200);
    let url = made.field("feed-url").expect("the address is shown once");
    let path = url.split_once("://").expect("absolute").1;
    let path = &path[path.find('/').expect("path")..];
    assert!(path.starts_with("/calendar/") && path.ends_with(".ics"));
    let feed = app.api(Method::GET, path).send().await;
    feed.expect(200);
    assert!(ical::unfold(&feed.text())
        .iter()
        .any(|l| l.starts_with("X-WR-CALNAME:") && l.contains("Region Söder")));
    let page = browser.get("/governance/calendar").await;
    assert!(
        page.field("feed-url").is_none(),
        "the address is never shown again"
    );
    browser
        .post("/governance/calendar/feed/revoke", &[])
        .await
        .expect_redirect("/governance/calendar?notice=calendar-feed-revoked");
    app.api(Method::GET, path).send().await.expect(404);
});
