//! Risk work belongs to units (ADR 0011): a role held at a unit reaches the analyses of
//! that unit and the units below it, with their risks and measures, through the pages
//! and the API, and nothing else; roles held for the whole organisation reach all of it.

use axum::http::Method;
use chrono::Datelike;
use serde_json::{json, Value};
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::users::Language;

use crate::harness::{create_account, Account, Resp, TestApp};

/// Analyses with one serious risk each: at the ward (below the clinic), at the sibling
/// clinic and for the whole organisation; a measure for each of the first two.
struct Work {
    ward: Placed,
    sibling: Placed,
    whole: Placed,
}

struct Placed {
    analysis: i64,
    title: String,
    risk: i64,
    risk_title: String,
    measure: Option<i64>,
}

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}

fn risk_body(title: &str, likelihood: i64, consequence: i64) -> Value {
    json!({
        "title": title,
        "threat": "Utpressningsvirus via e-post",
        "vulnerability": "Ej uppdaterade klienter",
        "likelihood": likelihood,
        "likelihood_reason": "Har hänt i sektorn.",
        "consequence": consequence,
        "consequence_reason": "Vården stannar."
    })
}

fn measure_body(risk: i64, responsible: i64) -> Value {
    json!({
        "title": "Säkerhetskopior offline", "reason": "Återställning utan lösensumma",
        "category": "technical", "function": "corrective", "risk_ids": [risk],
        "residual_likelihood": 1, "residual_consequence": 2, "responsible_id": responsible,
        "planned_on": (today() + chrono::Days::new(30)).to_string()
    })
}

async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    body: Option<&Value>,
) -> Resp {
    let mut call = app.api(method, path).token(token);
    if let Some(body) = body {
        call = call.json(body);
    }
    call.send().await
}

async fn place(app: &TestApp, name: &str, scope: Value, with_measure: bool) -> Placed {
    let token = &app.a.member(Role::Coordinator).token;
    let title = format!("Riskanalys {name}");
    let body = with(json!({"title": title}), scope);
    let analysis = call(
        app,
        Method::POST,
        "/api/v1/risk-analyses",
        token,
        Some(&body),
    )
    .await;
    let analysis = analysis.expect(201).json()["id"].as_i64().expect("id");
    let risk_title = format!("Risk {name}");
    let risk = call(
        app,
        Method::POST,
        &format!("/api/v1/risk-analyses/{analysis}/risks"),
        token,
        Some(&risk_body(&risk_title, 4, 4)),
    )
    .await;
    let risk = risk.expect(201).json()["id"].as_i64().expect("id");
    let measure = if with_measure {
        let body = measure_body(risk, app.a.target.id);
        let created = call(app, Method::POST, "/api/v1/measures", token, Some(&body)).await;
        Some(created.expect(201).json()["id"].as_i64().expect("id"))
    } else {
        None
    };
    Placed {
        analysis,
        title,
        risk,
        risk_title,
        measure,
    }
}

fn with(mut body: Value, extra: Value) -> Value {
    for (key, value) in extra.as_object().expect("object") {
        body[key] = value.clone();
    }
    body
}

async fn work(app: &TestApp) -> Work {
    let org = &app.a;
    Work {
        ward: place(
            app,
            "akutmottagningen",
            json!({"scope": "unit", "unit_id": org.ward}),
            true,
        )
        .await,
        sibling: place(
            app,
            "ögonkliniken",
            json!({"scope": "unit", "unit_id": org.sibling}),
            true,
        )
        .await,
        whole: place(
            app,
            "hela regionen",
            json!({"scope": "organisation"}),
            false,
        )
        .await,
    }
}

fn ids(list: &Value) -> Vec<i64> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item["id"].as_i64().expect("id"))
        .collect()
}

/// The roles that read risk work, each held at the clinic only: whether it runs
/// analyses and whether it approves them.
const ROLES: [(Role, bool, bool); 8] = [
    (Role::Administrator, true, false),
    (Role::Coordinator, true, false),
    (Role::InformationOwner, true, true),
    (Role::HeadOfOperations, true, true),
    (Role::NisAssessor, true, false),
    (Role::MasMar, false, false),
    (Role::DataProtectionOfficer, false, false),
    (Role::Auditor, false, false),
];

async fn at_clinic(app: &TestApp, role: Role) -> Account {
    let org = &app.a;
    let grant = [Assignment {
        role,
        unit_id: Some(org.clinic),
    }];
    create_account(
        &app.db,
        org.id,
        &format!("klinik-{}@{}", role.as_str().replace('_', "-"), org.domain),
        &format!("Klinikens {}", role.as_str().replace('_', " ")),
        &grant,
        role.requires_two_factor(),
    )
    .await
}

fn untreated_figure(app: &TestApp, count: i64) -> String {
    format!(
        "<dt>{}</dt><dd>{count}</dd>",
        app.text(Language::Sv, "start-risks-untreated")
    )
}

web_test!(
    a_unit_role_reaches_the_risk_work_of_its_units_through_the_api,
    |app| async move {
        let app = &app;
        let work = work(app).await;
        let (ward, sibling, whole) = (&work.ward, &work.sibling, &work.whole);
        let coordinator = &app.a.member(Role::Coordinator).token;
        for (role, manages, approves) in ROLES {
            let account = at_clinic(app, role).await;
            let token = &account.token;
            let get =
                |path: String| async move { call(app, Method::GET, &path, token, None).await };

            // Lists hold only the work at the ward, below the clinic; the sibling clinic's
            // and the whole organisation's are outside.
            let analyses = get("/api/v1/risk-analyses".into()).await.expect(200).json();
            assert!(ids(&analyses).contains(&ward.analysis), "{role:?}");
            for item in analyses["items"].as_array().expect("items") {
                assert_eq!(item["unit_id"], app.a.ward, "{role:?}: {item}");
            }
            let risks = get("/api/v1/risks?per_page=100".into())
                .await
                .expect(200)
                .json();
            let ward_total = call(
                app,
                Method::GET,
                &format!("/api/v1/risks?analysis_id={}", ward.analysis),
                coordinator,
                None,
            )
            .await
            .expect(200)
            .json()["total"]
                .clone();
            assert_eq!(risks["total"], ward_total, "{role:?}");
            assert!(ids(&risks).contains(&ward.risk), "{role:?}");
            assert!(
                !ids(&risks).contains(&sibling.risk) && !ids(&risks).contains(&whole.risk),
                "{role:?}"
            );
            let measures = get("/api/v1/measures".into()).await.expect(200).json();
            assert_eq!(ids(&measures), [ward.measure.expect("measure")], "{role:?}");
            let overview = get("/api/v1/risk-overview".into()).await.expect(200).json();
            let mapped: i64 = overview["heat_map"]["current"]
                .as_array()
                .expect("cells")
                .iter()
                .map(|c| c["count"].as_i64().expect("count"))
                .sum();
            assert_eq!(json!(mapped), ward_total, "{role:?}");
            assert_eq!(overview["serious_untreated_total"], 1, "{role:?}");

            // One object at a time: the ward's are read, the others refused.
            for path in [
                format!("/api/v1/risk-analyses/{}", ward.analysis),
                format!("/api/v1/risk-analyses/{}/versions", ward.analysis),
                format!("/api/v1/risk-analyses/{}/export?format=xlsx", ward.analysis),
                format!("/api/v1/risks/{}", ward.risk),
                format!("/api/v1/measures/{}", ward.measure.expect("measure")),
            ] {
                get(path.clone()).await.expect(200);
            }
            for outside in [sibling, whole] {
                for path in [
                    format!("/api/v1/risk-analyses/{}", outside.analysis),
                    format!("/api/v1/risk-analyses/{}/versions", outside.analysis),
                    format!(
                        "/api/v1/risk-analyses/{}/export?format=xlsx",
                        outside.analysis
                    ),
                    format!("/api/v1/risks/{}", outside.risk),
                ] {
                    get(path.clone()).await.problem(403, "forbidden");
                }
            }
            let sibling_measure = format!("/api/v1/measures/{}", sibling.measure.expect("measure"));
            get(sibling_measure.clone()).await.problem(403, "forbidden");

            // Changes: those who run analyses change the ward's work and nothing outside.
            let before = app.event_count(app.a.id).await;
            let add_risk = |analysis: i64| async move {
                let path = format!("/api/v1/risk-analyses/{analysis}/risks");
                call(
                    app,
                    Method::POST,
                    &path,
                    token,
                    Some(&risk_body("Liten risk", 1, 1)),
                )
                .await
            };
            for outside in [sibling, whole] {
                add_risk(outside.analysis).await.problem(403, "forbidden");
                let treatment =
                    json!({"treatment": "reduce", "justification": "Åtgärdas", "version": 1});
                call(
                    app,
                    Method::POST,
                    &format!("/api/v1/risks/{}/treatment", outside.risk),
                    token,
                    Some(&treatment),
                )
                .await
                .problem(403, "forbidden");
                let approve = json!({"version": 1});
                call(
                    app,
                    Method::POST,
                    &format!("/api/v1/risk-analyses/{}/approve", outside.analysis),
                    token,
                    Some(&approve),
                )
                .await
                .problem(403, "forbidden");
            }
            let follow_up =
                json!({"year": today().year(), "effect": "Provad", "still_valid": true});
            call(
                app,
                Method::POST,
                &format!("{sibling_measure}/follow-ups"),
                token,
                Some(&follow_up),
            )
            .await
            .problem(403, "forbidden");
            let sideways = measure_body(sibling.risk, app.a.target.id);
            let resp = call(
                app,
                Method::POST,
                "/api/v1/measures",
                token,
                Some(&sideways),
            )
            .await;
            if manages {
                assert_eq!(resp.invalid_fields(), ["risk_ids"], "{role:?}");
            } else {
                resp.problem(403, "forbidden");
            }
            assert_eq!(
                app.event_count(app.a.id).await,
                before,
                "{role:?}: refused but written"
            );

            let added = add_risk(ward.analysis).await;
            let ward_version = call(
                app,
                Method::GET,
                &format!("/api/v1/risk-analyses/{}", ward.analysis),
                token,
                None,
            )
            .await
            .expect(200)
            .json()["version"]
                .clone();
            let approve = call(
                app,
                Method::POST,
                &format!("/api/v1/risk-analyses/{}/approve", ward.analysis),
                token,
                Some(&json!({"version": ward_version})),
            )
            .await;
            let new_analysis = |scope: Value| {
                let body = with(
                    json!({"title": format!("Ny analys {}", role.as_str())}),
                    scope,
                );
                async move {
                    call(
                        app,
                        Method::POST,
                        "/api/v1/risk-analyses",
                        token,
                        Some(&body),
                    )
                    .await
                }
            };
            let below = new_analysis(json!({"scope": "unit", "unit_id": app.a.ward})).await;
            let beside = new_analysis(json!({"scope": "unit", "unit_id": app.a.sibling})).await;
            let everything = new_analysis(json!({"scope": "organisation"})).await;
            if manages {
                added.expect(201);
                below.expect(201);
                for (resp, field) in [(&beside, "unit_id"), (&everything, "scope")] {
                    assert_eq!(resp.invalid_fields(), [field], "{role:?}");
                    assert_eq!(
                        resp.json()["errors"][0]["code"],
                        "outside-reach",
                        "{role:?}"
                    );
                }
            } else {
                for resp in [&added, &below, &beside, &everything] {
                    resp.problem(403, "forbidden");
                }
            }
            if approves {
                // Allowed to approve at the ward: refused only because a risk is untreated.
                assert_eq!(approve.invalid_fields(), ["risks"], "{role:?}");
            } else {
                approve.problem(403, "forbidden");
            }
        }

        // Organisation-wide roles keep seeing everything.
        let analyses = call(app, Method::GET, "/api/v1/risk-analyses", coordinator, None)
            .await
            .expect(200)
            .json();
        for placed in [ward, sibling, whole] {
            assert!(ids(&analyses).contains(&placed.analysis));
        }
        let overview = call(app, Method::GET, "/api/v1/risk-overview", coordinator, None)
            .await
            .expect(200)
            .json();
        assert_eq!(overview["serious_untreated_total"], 3);
    }
);

web_test!(
    a_unit_role_reaches_the_risk_work_of_its_units_through_the_pages,
    |app| async move {
        let work = work(&app).await;
        let (ward, sibling, whole) = (&work.ward, &work.sibling, &work.whole);
        for (role, manages, _) in ROLES {
            let account = at_clinic(&app, role).await;
            let mut browser = app.signed_in(&account).await;

            let listed = browser.get("/risks/analyses").await.expect(200).page();
            assert!(listed.contains(&ward.title), "{role:?}: {listed}");
            assert!(
                !listed.contains(&sibling.title) && !listed.contains(&whole.title),
                "{role:?}"
            );
            let risks = browser.get("/risks/list").await.expect(200).page();
            assert!(risks.contains(&ward.risk_title), "{role:?}");
            assert!(
                !risks.contains(&sibling.risk_title) && !risks.contains(&whole.risk_title),
                "{role:?}"
            );
            let overview = browser.get("/risks").await.expect(200).page();
            assert!(overview.contains(&ward.risk_title), "{role:?}");
            assert!(
                !overview.contains(&sibling.risk_title) && !overview.contains(&whole.risk_title),
                "{role:?}"
            );
            let measures = browser.get("/risks/measures").await.expect(200).page();
            assert!(
                measures.contains(&format!(
                    "/risks/measures/{}\"",
                    ward.measure.expect("measure")
                )),
                "{role:?}"
            );
            assert!(
                !measures.contains(&format!(
                    "/risks/measures/{}\"",
                    sibling.measure.expect("measure")
                )),
                "{role:?}"
            );
            let start = browser.get("/").await.expect(200).page();
            assert!(
                start.contains(&untreated_figure(&app, 1)),
                "{role:?}: {start}"
            );

            let page = browser
                .get(&format!("/risks/analyses/{}", ward.analysis))
                .await
                .expect(200)
                .page();
            assert_eq!(
                page.contains("name=\"version\""),
                manages,
                "{role:?}: the edit form only for those who run analyses"
            );
            for path in [
                format!("/risks/analyses/{}/export.xlsx", ward.analysis),
                format!("/risks/{}", ward.risk),
                format!("/risks/measures/{}", ward.measure.expect("measure")),
            ] {
                browser.get(&path).await.expect(200);
            }
            for outside in [sibling, whole] {
                for path in [
                    format!("/risks/analyses/{}", outside.analysis),
                    format!("/risks/analyses/{}/export.xlsx", outside.analysis),
                    format!("/risks/analyses/{}/export.pdf", outside.analysis),
                    format!("/risks/{}", outside.risk),
                ] {
                    browser.get(&path).await.expect(403);
                }
            }
            browser
                .get(&format!(
                    "/risks/measures/{}",
                    sibling.measure.expect("measure")
                ))
                .await
                .expect(403);
            let before = app.event_count(app.a.id).await;
            browser
                .post(
                    &format!("/risks/{}/treatment", sibling.risk),
                    &[
                        ("treatment", "reduce"),
                        ("justification", "Åtgärdas"),
                        ("version", "1"),
                    ],
                )
                .await
                .expect(403);
            assert_eq!(app.event_count(app.a.id).await, before, "{role:?}");
        }
        let mut coordinator = app.signed_in(app.a.member(Role::Coordinator)).await;
        let start = coordinator.get("/").await.expect(200).page();
        assert!(start.contains(&untreated_figure(&app, 3)), "{start}");
        coordinator
            .get(&format!("/risks/analyses/{}", sibling.analysis))
            .await
            .expect(200);
    }
);
