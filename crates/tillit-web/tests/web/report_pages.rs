//! The annual information security report through the pages and the API: its figures
//! equal what the registers hold and link to lists that show the same records, a year
//! with no records says so in every section, approval freezes figures and texts and
//! needs the role, an approved report refuses edits, and the PDF and XLSX downloads.

use std::process::Command;

use axum::http::Method;
use chrono::Datelike;
use serde_json::{json, Value};
use tillit_domain::auth::Role;
use tillit_domain::users::Language;

use crate::harness::{unique, TestApp};
use crate::matrix::{incident_fixture, risk_fixture};

/// Reports made through the store for the route matrix.
pub(crate) mod fixture {
    use std::collections::BTreeMap;

    use chrono::Datelike;
    use tillit_domain::reports::{ReportScope, ReportYear};
    use tillit_store::reports::{self, Report};
    use tillit_store::Actor;

    use crate::harness::TestApp;

    fn actor() -> Actor {
        Actor::system("test-fixture")
    }

    /// A new draft report of this year for a new unit below the clinic.
    pub async fn draft(app: &TestApp, n: u32) -> Report {
        let unit = app
            .create_unit(app.a.id, &format!("Rapportenhet {n}"), Some(app.a.clinic))
            .await;
        let today = chrono::Utc::now().date_naive();
        let year = ReportYear::parse(i64::from(today.year()), today).expect("year");
        reports::create_report(
            &app.db,
            app.a.id,
            &actor(),
            year,
            ReportScope::Unit(unit),
            &BTreeMap::new(),
        )
        .await
        .expect("report")
    }

    /// A new report approved as version 1, with no sections frozen.
    pub async fn approved(app: &TestApp, n: u32) -> Report {
        let report = draft(app, n).await;
        let snapshot = serde_json::json!({ "as_of": "2026-01-01", "sections": [] });
        reports::approve_report(
            &app.db,
            app.a.id,
            &actor(),
            report.id,
            report.version,
            &snapshot,
        )
        .await
        .expect("approve")
    }
}

pub(crate) fn this_year() -> i32 {
    chrono::Utc::now().date_naive().year()
}

fn section<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["key"] == key)
        .unwrap_or_else(|| panic!("no section {key} in {report}"))
}

fn figure<'a>(report: &'a Value, section_key: &str, key: &str) -> &'a Value {
    section(report, section_key)["figures"]
        .as_array()
        .expect("figures")
        .iter()
        .find(|f| f["key"] == key)
        .unwrap_or_else(|| panic!("no figure {key} in {section_key}"))
}

pub(crate) async fn create(app: &TestApp, token: &str, year: i32, unit_id: Option<i64>) -> Value {
    let resp = app
        .api(Method::POST, "/api/v1/reports")
        .token(token)
        .json(&json!({ "year": year, "unit_id": unit_id }))
        .send()
        .await;
    resp.expect(201);
    resp.json()
}

pub(crate) async fn get(app: &TestApp, token: &str, id: i64) -> Value {
    let resp = app
        .api(Method::GET, &format!("/api/v1/reports/{id}"))
        .token(token)
        .send()
        .await;
    resp.expect(200);
    resp.json()
}

pub(crate) fn list_total(app: &TestApp, count: i64) -> String {
    app.state
        .i18n
        .text_with(Language::Sv, "list-total", &[("count", count.to_string())])
}

web_test!(
    figures_equal_the_records_and_link_to_them,
    |app| async move {
        let n = unique();
        risk_fixture::approved(&app, n).await;
        let draft = risk_fixture::analysis(&app, n + 1).await;
        let risk = risk_fixture::risk(&app, draft.id, n + 2).await;
        risk_fixture::measure(&app, risk.id, n + 3).await;
        for name in ["Journal", "Röntgen", "Lab"] {
            app.create_system(app.a.id, &format!("{name} {n}")).await;
        }
        app.create_asset(app.a.id, &format!("Patientlistor {n}"), app.a.target.id)
            .await;
        incident_fixture::case(&app).await;
        // Organisation B's records are never counted.
        app.create_system(app.b.id, &format!("Annan {n}")).await;

        let coordinator = app.a.member(Role::Coordinator);
        let created = create(&app, &coordinator.token, this_year(), None).await;
        let id = created["id"].as_i64().expect("id");
        let report = get(&app, &coordinator.token, id).await;
        assert_eq!(report["status"], "draft");

        let approved = figure(&report, "work", "analyses-approved");
        assert_eq!(approved["value"], 1, "{report}");
        let systems = figure(&report, "classification", "systems-classified");
        assert_eq!(
            (systems["value"].as_i64(), systems["of"].as_i64()),
            (Some(0), Some(3))
        );
        let assets = figure(&report, "classification", "assets-classified");
        assert_eq!(assets["of"], 1);
        let analyses = figure(&report, "risk", "analyses-approved-total");
        assert_eq!(
            (analyses["value"].as_i64(), analyses["of"].as_i64()),
            (Some(1), Some(2))
        );
        assert_eq!(figure(&report, "risk", "analyses-draft")["value"], 1);
        assert_eq!(figure(&report, "measures", "measures-planned")["value"], 1);
        assert_eq!(figure(&report, "incidents", "incidents-total")["value"], 1);
        assert_eq!(
            figure(&report, "incidents", "breaches-registered")["value"],
            0
        );
        assert_eq!(figure(&report, "organisation", "units")["value"], 4);
        assert!(!section(&report, "work")["no_data"].as_bool().expect("flag"));

        // Each counted figure links to a list of exactly the records it counts.
        let mut browser = app.signed_in(app.a.admin()).await;
        for (section_key, key) in [
            ("work", "analyses-approved"),
            ("risk", "analyses-approved-total"),
            ("risk", "analyses-draft"),
            ("measures", "measures-planned"),
            ("incidents", "incidents-total"),
            ("risk", "high-open"),
            ("risk", "serious-untreated"),
        ] {
            let figure = figure(&report, section_key, key);
            let link = figure["link"].as_str().expect("a link");
            let page = browser.get(link).await;
            page.expect(200);
            let value = figure["value"].as_i64().expect("value");
            assert!(
                page.page().contains(&list_total(&app, value)),
                "{link} lists {value} records"
            );
        }
        let page = browser.get(&format!("/reports/annual/{id}")).await;
        page.expect(200);
        let html = page.page();
        assert!(html.contains(&format!(
            "href=\"/risks/analyses?approved_year={}\"",
            this_year()
        )));
        assert!(html.contains(&app.text(Language::Sv, "report-section-incidents")));
    }
);

web_test!(
    a_year_without_records_says_so_in_every_section,
    |app| async move {
        let coordinator = app.a.member(Role::Coordinator);
        let created = create(&app, &coordinator.token, 2001, None).await;
        let id = created["id"].as_i64().expect("id");
        let report = get(&app, &coordinator.token, id).await;
        for key in ["work", "incidents"] {
            assert!(
                section(&report, key)["no_data"].as_bool().expect("flag"),
                "{key}"
            );
        }
        let mut browser = app.signed_in(coordinator).await;
        let page = browser.get(&format!("/reports/annual/{id}")).await;
        page.expect(200);
        let no_data =
            app.state
                .i18n
                .text_with(Language::Sv, "report-no-data", &[("year", "2001".into())]);
        assert!(
            page.page().matches(&no_data).count() >= 2,
            "the empty year is named"
        );
        let pdf = browser
            .get(&format!("/reports/annual/{id}/report.pdf"))
            .await;
        pdf.expect(200);
        assert!(pdf.body.starts_with(b"%PDF-"));
        let text = pdf_text(&pdf.body);
        assert!(
            text.contains("Årsrapport informationssäkerhet 2001"),
            "{text}"
        );
        assert!(
            text.contains("Inga uppgifter registrerade för 2001"),
            "{text}"
        );
        let xlsx = browser
            .get(&format!("/reports/annual/{id}/figures.xlsx"))
            .await;
        xlsx.expect(200);
        assert!(xlsx.body.starts_with(b"PK"));
    }
);

web_test!(approval_freezes_and_needs_the_role, |app| async move {
    let coordinator = app.a.member(Role::Coordinator);
    let created = create(&app, &coordinator.token, this_year(), Some(app.a.clinic)).await;
    let id = created["id"].as_i64().expect("id");
    let version = created["version"].as_i64().expect("version");

    let texts = app
        .api(Method::PUT, &format!("/api/v1/reports/{id}/texts"))
        .token(&coordinator.token)
        .json(&json!({ "texts": { "summary": "Året i korthet." }, "version": version }))
        .send()
        .await;
    texts.expect(200);
    let version = texts.json()["version"].as_i64().expect("version");
    app.api(Method::PUT, &format!("/api/v1/reports/{id}/texts"))
        .token(&coordinator.token)
        .json(&json!({ "texts": { "summary": "Inaktuell" }, "version": version - 1 }))
        .send()
        .await
        .problem(409, "conflict");
    let unknown = app
        .api(Method::PUT, &format!("/api/v1/reports/{id}/texts"))
        .token(&coordinator.token)
        .json(&json!({ "texts": { "secret": "x" }, "version": version }))
        .send()
        .await;
    assert_eq!(unknown.invalid_fields(), vec!["texts.secret"]);

    let head = app.a.member(Role::HeadOfOperations);
    let before = app.event_count(app.a.id).await;
    app.api(Method::POST, &format!("/api/v1/reports/{id}/approve"))
        .token(&head.token)
        .json(&json!({ "version": version }))
        .send()
        .await
        .problem(403, "forbidden");
    assert_eq!(app.event_count(app.a.id).await, before, "nothing written");

    // A case at the ward after the approval is not in the frozen figures.
    let approved = app
        .api(Method::POST, &format!("/api/v1/reports/{id}/approve"))
        .token(&coordinator.token)
        .json(&json!({ "version": version }))
        .send()
        .await;
    approved.expect(200);
    let approved = approved.json();
    assert_eq!(approved["status"], "approved");
    assert_eq!(approved["current_version"], 1);
    let frozen = figure(&approved, "incidents", "incidents-total")["value"].clone();
    incident_fixture::case(&app).await;
    let reread = get(&app, &coordinator.token, id).await;
    assert_eq!(
        figure(&reread, "incidents", "incidents-total")["value"],
        frozen
    );
    assert_eq!(section(&reread, "summary")["text"], "Året i korthet.");

    let version = reread["version"].as_i64().expect("version");
    let before = app.event_count(app.a.id).await;
    let refused = app
        .api(Method::PUT, &format!("/api/v1/reports/{id}/texts"))
        .token(&coordinator.token)
        .json(&json!({ "texts": { "summary": "Ändrad" }, "version": version }))
        .send()
        .await;
    assert_eq!(refused.invalid_fields(), vec!["status"]);
    assert_eq!(app.event_count(app.a.id).await, before, "nothing written");

    let mut browser = app.signed_in(coordinator).await;
    let page = browser.get(&format!("/reports/annual/{id}")).await;
    page.expect(200);
    assert!(!page.page().contains("name=\"summary\""), "no text field");
    let refused = browser
        .post(
            &format!("/reports/annual/{id}/texts"),
            &[("version", &version.to_string()), ("summary", "Ändrad")],
        )
        .await;
    refused.expect(422);
    assert!(refused
        .page()
        .contains(&app.text(Language::Sv, "field-error-report-frozen")));

    let draft = app
        .api(Method::POST, &format!("/api/v1/reports/{id}/new-draft"))
        .token(&coordinator.token)
        .json(&json!({ "version": version }))
        .send()
        .await;
    draft.expect(200);
    let draft = draft.json();
    assert_eq!(draft["status"], "draft");
    assert_eq!(section(&draft, "summary")["text"], "Året i korthet.");
    let frozen = app
        .api(Method::GET, &format!("/api/v1/reports/{id}/versions/1"))
        .token(&coordinator.token)
        .send()
        .await;
    frozen.expect(200);
    assert_eq!(
        figure(&frozen.json(), "incidents", "incidents-total")["value"],
        figure(&approved, "incidents", "incidents-total")["value"]
    );
});

web_test!(
    one_report_per_year_and_scope_through_the_form,
    |app| async move {
        let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;
        browser.get("/reports/annual").await.expect(200);
        let year = this_year().to_string();
        let created = browser
            .post("/reports/annual", &[("year", &year), ("unit_id", "")])
            .await;
        created.expect(303);
        browser.get("/reports/annual").await.expect(200);
        let again = browser
            .post("/reports/annual", &[("year", &year), ("unit_id", "")])
            .await;
        again.expect(422);
        assert!(again
            .page()
            .contains(&app.text(Language::Sv, "field-error-duplicate")));
        let future = (this_year() + 1).to_string();
        let refused = browser
            .post("/reports/annual", &[("year", &future), ("unit_id", "")])
            .await;
        refused.expect(422);
        assert!(
            refused.page().contains(&format!("value=\"{future}\"")),
            "what was typed is kept"
        );
        let landing = browser.get("/reports").await;
        landing.expect(200);
        for link in ["/reports/annual", "/reports/reviews", "/reports/board"] {
            assert!(
                landing.page().contains(&format!("href=\"{link}\"")),
                "{link}"
            );
        }
    }
);

/// The PDF's text layer (poppler's `pdftotext`), with runs of whitespace made one space.
fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).expect("write");
    let output = Command::new("pdftotext")
        .args(["-layout", "-enc", "UTF-8"])
        .arg(&path)
        .arg("-")
        .output()
        .unwrap_or_else(|e| panic!("cannot run pdftotext ({e}): install poppler-utils"));
    assert!(output.status.success(), "pdftotext failed");
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
