//! The JSON API of risk analysis: the method record, analyses approved into frozen
//! versions and revised, risks and their treatment, the action plan with its yearly
//! follow-up, the management overview; bad input, who may do what, and isolation.

use axum::http::Method;
use chrono::Datelike;
use serde_json::{json, Value};
use tillit_domain::auth::Role;

use crate::harness::{Resp, TestApp};

fn today() -> chrono::NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}

fn days_ahead(days: u64) -> String {
    (today() + chrono::Days::new(days)).to_string()
}

/// The `(field, code)` pairs of a 422 problem document.
#[track_caller]
fn field_errors(resp: &Resp) -> Vec<(String, String)> {
    resp.invalid_fields();
    resp.json()["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            (
                e["field"].as_str().expect("field").to_owned(),
                e["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

/// Asserts a 422 that names exactly this field with this code.
#[track_caller]
fn assert_refused(resp: &Resp, field: &str, code: &str) {
    assert_eq!(
        field_errors(resp),
        vec![(field.to_owned(), code.to_owned())],
        "{}",
        resp.what
    );
}

/// Adds (or replaces) keys of a body.
fn with(mut body: Value, extra: Value) -> Value {
    for (key, value) in extra.as_object().expect("object") {
        body[key] = value.clone();
    }
    body
}

fn method_body() -> Value {
    json!({
        "name": "Regionens riskanalysmetod",
        "standard": "SS-ISO/IEC 27005:2022",
        "description": "Sannolikhet och konsekvens i fyra steg.",
        "decided_by": "Regionstyrelsen",
        "decided_on": today().to_string(),
        "preset": 4
    })
}

fn risk_body(title: &str, likelihood: i64, consequence: i64) -> Value {
    json!({
        "title": title,
        "description": "Beskrivning av risken.",
        "threat": "Utpressningsvirus via e-post",
        "vulnerability": "Ej uppdaterade klienter",
        "likelihood": likelihood,
        "likelihood_reason": "Har hänt flera regioner senaste året.",
        "consequence": consequence,
        "consequence_reason": "Journalen blir oåtkomlig för vården.",
        "catalogue_id": "RC-RANSOM"
    })
}

struct Api<'a> {
    app: &'a TestApp,
}

impl Api<'_> {
    async fn call(&self, method: Method, path: &str, token: &str, body: Option<&Value>) -> Resp {
        let mut call = self.app.api(method, path).token(token);
        if let Some(body) = body {
            call = call.json(body);
        }
        call.send().await
    }

    async fn get(&self, path: &str, token: &str) -> Value {
        self.call(Method::GET, path, token, None)
            .await
            .expect(200)
            .json()
    }

    async fn post(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.call(Method::POST, path, token, Some(body)).await
    }

    async fn put(&self, path: &str, token: &str, body: &Value) -> Resp {
        self.call(Method::PUT, path, token, Some(body)).await
    }

    async fn delete(&self, path: &str, token: &str) -> Resp {
        self.call(Method::DELETE, path, token, None).await
    }
}

fn titles(list: &Value) -> Vec<String> {
    list.as_array()
        .expect("array")
        .iter()
        .map(|r| r["title"].as_str().expect("title").to_owned())
        .collect()
}

web_test!(
    a_risk_analysis_is_run_approved_revised_and_followed_up,
    |app| async move {
        let org = &app.a;
        let api = Api { app: &app };
        let admin = &org.admin().token;
        let coordinator = &org.member(Role::Coordinator).token;
        let owner = &org.member(Role::InformationOwner).token;
        let head = &org.member(Role::HeadOfOperations).token;

        // Until a method is recorded the default matrix applies, without a number.
        let current = api.get("/api/v1/risk-methods/current", coordinator).await;
        assert_eq!(current["number"], Value::Null);
        assert_eq!(current["levels"].as_array().expect("levels").len(), 4);
        assert_eq!(
            api.get("/api/v1/risk-methods", coordinator).await,
            json!([])
        );

        // The method, from the 4×4 preset.
        let method = api
            .post("/api/v1/risk-methods", admin, &method_body())
            .await
            .expect(201)
            .json();
        assert_eq!(method["number"], 1);
        assert_eq!(method["standard"], "SS-ISO/IEC 27005:2022");
        assert_eq!(method["decided_on"], today().to_string());
        assert_eq!(
            method["matrix"]["likelihood"]
                .as_array()
                .expect("steps")
                .len(),
            4
        );
        assert_eq!(method["matrix"]["cells"][3][3], "very_high");
        assert_eq!(method["matrix"]["cells"][0][0], "low");
        assert!(method["matrix"]["likelihood"][0]["label"]["sv"]
            .as_str()
            .is_some_and(|l| !l.is_empty()));
        let kept_until = method["kept_until"].as_str().expect("kept until");
        assert_eq!(
            kept_until[..4].parse::<i32>().expect("year"),
            today().year() + 5,
            "kept five years"
        );
        let current = api.get("/api/v1/risk-methods/current", owner).await;
        assert_eq!(current["number"], 1);
        assert_eq!(current["name"], "Regionens riskanalysmetod");
        let versions = api.get("/api/v1/risk-methods", owner).await;
        assert_eq!(versions.as_array().expect("versions").len(), 1);

        // An analysis of one system, with two risks.
        let system = app.create_system(org.id, "Journalsystemet").await;
        let analysis = api
            .post(
                "/api/v1/risk-analyses",
                coordinator,
                &json!({
                    "title": "Riskanalys journalsystemet",
                    "scope": "systems",
                    "system_ids": [system],
                    "participants": "Systemförvaltare, informationsägare",
                    "external_developments": "Ökat antal angrepp mot vården",
                    "incidents_considered": "Driftstopp i mars"
                }),
            )
            .await
            .expect(201)
            .json();
        let id = analysis["id"].as_i64().expect("id");
        assert_eq!(analysis["designation"], "RA-0001");
        assert_eq!(analysis["status"], "draft");
        assert_eq!(analysis["current_version"], 0);
        assert_eq!(analysis["systems"][0]["id"], system);
        assert_eq!(analysis["risks"], json!([]));
        let path = format!("/api/v1/risk-analyses/{id}");

        let ransom = api
            .post(
                &format!("{path}/risks"),
                coordinator,
                &with(
                    risk_body("Utpressningsvirus", 4, 4),
                    json!({"system_ids": [system]}),
                ),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(ransom["designation"], "R1");
        assert_eq!(ransom["level"], "very_high");
        assert_eq!(ransom["status"], "open");
        assert_eq!(ransom["catalogue_id"], "RC-RANSOM");
        assert_eq!(ransom["systems"][0]["id"], system);
        let outage = api
            .post(
                &format!("{path}/risks"),
                coordinator,
                &risk_body("Driftstopp", 2, 2),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(outage["designation"], "R2");
        assert_eq!(outage["level"], "medium");
        let ransom_id = ransom["id"].as_i64().expect("id");
        let outage_id = outage["id"].as_i64().expect("id");

        // Approval needs a treatment for every risk.
        let detail = api.get(&path, owner).await;
        assert_eq!(detail["risk_count"], 2);
        assert_eq!(
            titles(&detail["risks"]),
            vec!["Utpressningsvirus", "Driftstopp"]
        );
        let approve = json!({"version": detail["version"]});
        let resp = api.post(&format!("{path}/approve"), owner, &approve).await;
        assert_refused(&resp, "risks", "untreated-risks");

        let reduce = json!({"treatment": "reduce", "justification": "Säkerhetskopior och patchning", "version": 1});
        let ransom = api
            .post(
                &format!("/api/v1/risks/{ransom_id}/treatment"),
                coordinator,
                &reduce,
            )
            .await
            .expect(200)
            .json();
        assert_eq!(ransom["treatment"], "reduce");
        assert_eq!(ransom["status"], "in_treatment");
        assert_eq!(ransom["justification"], "Säkerhetskopior och patchning");
        let accept = json!({"treatment": "accept", "justification": "Låg nivå, reservrutin finns", "version": 1});
        let outage = api
            .post(
                &format!("/api/v1/risks/{outage_id}/treatment"),
                owner,
                &accept,
            )
            .await
            .expect(200)
            .json();
        assert_eq!(outage["status"], "handled");
        assert!(outage["handled_at"].is_string());

        let detail = api.get(&path, owner).await;
        let approved = api
            .post(
                &format!("{path}/approve"),
                owner,
                &json!({"version": detail["version"]}),
            )
            .await
            .expect(200)
            .json();
        assert_eq!(approved["status"], "approved");
        assert_eq!(approved["current_version"], 1);
        assert_eq!(approved["versions"].as_array().expect("versions").len(), 1);
        assert_eq!(approved["versions"][0]["method_number"], 1);
        assert!(approved["next_renewal"].is_string());
        assert_eq!(approved["renewal_overdue"], false);

        let v1 = api.get(&format!("{path}/versions/1"), head).await;
        assert_eq!(v1["number"], 1);
        assert_eq!(v1["snapshot"]["analysis"]["status"], "approved");
        assert_eq!(
            titles(&v1["snapshot"]["risks"]),
            vec!["Utpressningsvirus", "Driftstopp"]
        );
        assert_eq!(v1["snapshot"]["risks"][0]["systems"][0]["id"], system);
        api.call(Method::GET, &format!("{path}/versions/2"), head, None)
            .await
            .problem(404, "not-found");

        // An approved analysis is frozen, its risks too.
        let ransom = api.get(&format!("/api/v1/risks/{ransom_id}"), owner).await;
        let change = with(
            risk_body("Utpressningsvirus mot journalen", 3, 4),
            json!({"version": ransom["version"], "system_ids": [system]}),
        );
        let resp = api
            .put(&format!("/api/v1/risks/{ransom_id}"), coordinator, &change)
            .await;
        assert_refused(&resp, "analysis", "frozen");
        let resp = api
            .put(
                &path,
                coordinator,
                &json!({"title": "Ändrad", "scope": "organisation", "version": approved["version"]}),
            )
            .await;
        assert_refused(&resp, "analysis", "frozen");

        // A measure with its expected residual position, reflected on the risk.
        let planned_on = days_ahead(30);
        let measure_body = json!({
            "title": "Daglig säkerhetskopiering offline",
            "description": "Kopior som inte nås från nätet.",
            "reason": "Återställning utan att betala lösen",
            "category": "technical",
            "function": "corrective",
            "risk_ids": [ransom_id],
            "system_ids": [system],
            "residual_likelihood": 1,
            "residual_consequence": 2,
            "responsible_id": org.target.id,
            "planned_on": planned_on
        });
        let measure = api
            .post("/api/v1/measures", coordinator, &measure_body)
            .await
            .expect(201)
            .json();
        let measure_id = measure["id"].as_i64().expect("id");
        assert_eq!(measure["designation"], "ÅT-0001");
        assert_eq!(measure["status"], "planned");
        assert_eq!(measure["residual_level"], "low");
        assert_eq!(measure["risks"][0]["id"], ransom_id);
        assert_eq!(measure["systems"][0]["id"], system);
        assert_eq!(measure["follow_ups"], json!([]));
        let ransom = api.get(&format!("/api/v1/risks/{ransom_id}"), owner).await;
        assert_eq!(ransom["residual_likelihood"], 1);
        assert_eq!(ransom["residual_consequence"], 2);
        assert_eq!(ransom["residual_level"], "low");
        assert_eq!(ransom["measures"][0]["id"], measure_id);
        assert_eq!(ransom["measures"][0]["status"], "planned");

        // A revision makes it a draft again; the change is approved as version 2.
        let detail = api.get(&path, coordinator).await;
        let revised = api
            .post(
                &format!("{path}/revise"),
                coordinator,
                &json!({"version": detail["version"]}),
            )
            .await
            .expect(200)
            .json();
        assert_eq!(revised["status"], "draft");
        assert_eq!(revised["current_version"], 1);
        let changed = api
            .put(
                &format!("/api/v1/risks/{ransom_id}"),
                coordinator,
                &with(change.clone(), json!({"version": ransom["version"]})),
            )
            .await
            .expect(200)
            .json();
        assert_eq!(changed["title"], "Utpressningsvirus mot journalen");
        assert_eq!(changed["likelihood"], 3);
        assert_eq!(changed["level"], "very_high");
        // The accepted risk is handled, so it is kept as history.
        let outage = api.get(&format!("/api/v1/risks/{outage_id}"), owner).await;
        let resp = api
            .delete(
                &format!("/api/v1/risks/{outage_id}?version={}", outage["version"]),
                coordinator,
            )
            .await;
        assert_refused(&resp, "risk", "handled-kept");

        let detail = api.get(&path, head).await;
        let approved = api
            .post(
                &format!("{path}/approve"),
                head,
                &json!({"version": detail["version"]}),
            )
            .await
            .expect(200)
            .json();
        assert_eq!(approved["current_version"], 2);
        let versions = api.get(&format!("{path}/versions"), head).await;
        let numbers: Vec<i64> = versions
            .as_array()
            .expect("versions")
            .iter()
            .map(|v| v["number"].as_i64().expect("number"))
            .collect();
        assert_eq!(numbers, vec![2, 1], "newest first");
        let v1 = api.get(&format!("{path}/versions/1"), head).await;
        let v2 = api.get(&format!("{path}/versions/2"), head).await;
        assert_eq!(v1["snapshot"]["risks"][0]["title"], "Utpressningsvirus");
        assert_eq!(v1["snapshot"]["risks"][0]["likelihood"], 4);
        assert_eq!(
            v1["snapshot"]["measures"],
            json!([]),
            "no measure yet in v1"
        );
        assert_eq!(
            v2["snapshot"]["risks"][0]["title"],
            "Utpressningsvirus mot journalen"
        );
        assert_eq!(v2["snapshot"]["risks"][0]["likelihood"], 3);
        assert_eq!(v2["snapshot"]["measures"][0]["id"], measure_id);
        assert_eq!(
            v2["snapshot"]["measures"][0]["risk_ids"],
            json!([ransom_id])
        );

        // Done before the planned date needs a note; with one it is done.
        let done = with(
            measure_body.clone(),
            json!({"done_on": today().to_string(), "version": measure["version"]}),
        );
        let measure_path = format!("/api/v1/measures/{measure_id}");
        let resp = api.put(&measure_path, coordinator, &done).await;
        assert_refused(&resp, "done_note", "required-when-early");
        let stale = measure["version"].clone();
        let measure = api
            .put(
                &measure_path,
                coordinator,
                &with(
                    done.clone(),
                    json!({"done_note": "Leverantören kunde tidigare"}),
                ),
            )
            .await
            .expect(200)
            .json();
        assert_eq!(measure["status"], "done");
        assert_eq!(measure["done_on"], today().to_string());
        assert_eq!(measure["done_note"], "Leverantören kunde tidigare");
        let ransom = api.get(&format!("/api/v1/risks/{ransom_id}"), owner).await;
        assert_eq!(ransom["status"], "handled", "every measure is done");
        assert_eq!(ransom["measures"][0]["status"], "done");

        // A stale version is refused with 409.
        api.put(
            &measure_path,
            coordinator,
            &with(done.clone(), json!({"done_note": "Igen", "version": stale})),
        )
        .await
        .problem(409, "conflict");
        let detail = api.get(&path, head).await;
        let stale_analysis = detail["version"].as_i64().expect("version") - 1;
        api.post(
            &format!("{path}/revise"),
            coordinator,
            &json!({"version": stale_analysis}),
        )
        .await
        .problem(409, "conflict");

        // A done measure cannot be removed or undone.
        let resp = api
            .delete(
                &format!("{measure_path}?version={}", measure["version"]),
                coordinator,
            )
            .await;
        assert_refused(&resp, "measure", "done-kept");
        let undone = with(measure_body.clone(), json!({"version": measure["version"]}));
        let resp = api.put(&measure_path, coordinator, &undone).await;
        assert_refused(&resp, "done_on", "done-kept");

        // The yearly follow-up.
        let follow_up = api
            .post(
                &format!("{measure_path}/follow-ups"),
                owner,
                &json!({"year": today().year(), "effect": "Återställning testad", "still_valid": true}),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(follow_up["measure_id"], measure_id);
        assert_eq!(follow_up["year"], today().year());
        let measure = api.get(&measure_path, owner).await;
        assert_eq!(measure["follow_ups"][0]["effect"], "Återställning testad");

        // Lists and filters.
        let done_list = api.get("/api/v1/measures?status=done", owner).await;
        assert_eq!(done_list["total"], 1);
        let planned = api.get("/api/v1/measures?status=planned", owner).await;
        assert_eq!(planned["total"], 0);
        let by_risk = api
            .get(
                &format!("/api/v1/measures?risk_id={ransom_id}&analysis_id={id}"),
                owner,
            )
            .await;
        assert_eq!(by_risk["items"][0]["id"], measure_id);
        let analyses = api
            .get("/api/v1/risk-analyses?scope=systems&q=journal", owner)
            .await;
        assert_eq!(analyses["total"], 1);
        assert_eq!(analyses["items"][0]["id"], id);
        assert_eq!(
            api.get("/api/v1/risk-analyses?overdue=true", owner).await["total"],
            0
        );

        // A second analysis with a serious risk nobody has decided on.
        let other = api
            .post(
                "/api/v1/risk-analyses",
                coordinator,
                &json!({"title": "Övergripande riskanalys", "scope": "organisation"}),
            )
            .await
            .expect(201)
            .json();
        let serious = api
            .post(
                &format!("/api/v1/risk-analyses/{}/risks", other["id"]),
                coordinator,
                &risk_body("Nätfiske mot chefer", 4, 3),
            )
            .await
            .expect(201)
            .json();
        assert_eq!(serious["level"], "very_high");

        let risks = api.get("/api/v1/risks", owner).await;
        assert_eq!(risks["total"], 3);
        assert_eq!(
            titles(&risks["items"]),
            vec![
                "Utpressningsvirus mot journalen",
                "Nätfiske mot chefer",
                "Driftstopp"
            ],
            "largest first"
        );
        let untreated = api.get("/api/v1/risks?serious_untreated=true", owner).await;
        assert_eq!(untreated["items"][0]["id"], serious["id"]);
        assert_eq!(untreated["total"], 1);
        let by_system = api
            .get(
                &format!("/api/v1/risks?system_id={system}&level=very_high"),
                owner,
            )
            .await;
        assert_eq!(by_system["total"], 1);
        assert_eq!(by_system["items"][0]["id"], ransom_id);
        let handled = api
            .get(
                &format!("/api/v1/risks?status=handled&analysis_id={id}"),
                owner,
            )
            .await;
        assert_eq!(handled["total"], 2);

        // The overview: heat map of current and residual, largest, serious untreated.
        let overview = api.get("/api/v1/risk-overview", head).await;
        let count = |cells: &Value, l: i64, c: i64| {
            cells
                .as_array()
                .expect("cells")
                .iter()
                .find(|cell| cell["likelihood"] == l && cell["consequence"] == c)
                .map_or(0, |cell| cell["count"].as_i64().expect("count"))
        };
        let current = &overview["heat_map"]["current"];
        let residual = &overview["heat_map"]["residual"];
        assert_eq!(
            (
                count(current, 3, 4),
                count(current, 2, 2),
                count(current, 4, 3)
            ),
            (1, 1, 1)
        );
        assert_eq!(
            (
                count(residual, 1, 2),
                count(residual, 2, 2),
                count(residual, 4, 3)
            ),
            (1, 1, 1),
            "the reduced risk moves to its residual position"
        );
        assert_eq!(count(residual, 3, 4), 0);
        assert_eq!(overview["serious_untreated_total"], 1);
        assert_eq!(overview["serious_untreated"][0]["id"], serious["id"]);
        let largest: Vec<&Value> = overview["largest"]
            .as_array()
            .expect("largest")
            .iter()
            .map(|r| &r["id"])
            .collect();
        assert_eq!(
            largest,
            vec![&serious["id"], &json!(outage_id)],
            "handled by done measures is left out; accepted stays"
        );
        assert_eq!(overview["matrix"]["cells"][3][3], "very_high");

        // The catalogue analyses start from.
        let catalogue = api.get("/api/v1/risk-catalogue", owner).await;
        let ransom = catalogue
            .as_array()
            .expect("catalogue")
            .iter()
            .find(|r| r["id"] == "RC-RANSOM")
            .expect("ransomware is in the catalogue");
        assert!(!ransom["sources"].as_array().expect("sources").is_empty());
        assert!(!ransom["measures"].as_array().expect("measures").is_empty());
        assert!(ransom["title"]["sv"]
            .as_str()
            .is_some_and(|t| !t.is_empty()));
    }
);

web_test!(bad_risk_input_is_refused_by_field, |app| async move {
    let org = &app.a;
    let api = Api { app: &app };
    let admin = &org.admin().token;
    let coordinator = &org.member(Role::Coordinator).token;
    let owner = &org.member(Role::InformationOwner).token;
    let head = &org.member(Role::HeadOfOperations).token;
    let before = app.event_count(org.id).await;

    // The method.
    let resp = api
        .post(
            "/api/v1/risk-methods",
            admin,
            &with(method_body(), json!({"preset": 7})),
        )
        .await;
    assert_refused(&resp, "preset", "invalid-choice");
    let resp = api
        .post(
            "/api/v1/risk-methods",
            admin,
            &with(method_body(), json!({"decided_on": "31/12/2025"})),
        )
        .await;
    assert_refused(&resp, "decided_on", "invalid-date");
    let resp = api
        .post(
            "/api/v1/risk-methods",
            admin,
            &with(method_body(), json!({"decided_on": days_ahead(3)})),
        )
        .await;
    assert_refused(&resp, "decided_on", "in-future");
    let step = |sv: &str| json!({"label": {"sv": sv, "en": sv}});
    let steps = json!([step("Låg"), step("Medel"), step("Hög")]);
    let matrix = |cells: Value| {
        let mut body = method_body();
        body.as_object_mut().expect("object").remove("preset");
        with(
            body,
            json!({"matrix": {"likelihood": steps, "consequence": steps, "cells": cells}}),
        )
    };
    let falling = matrix(json!([
        ["low", "high", "medium"],
        ["low", "medium", "high"],
        ["medium", "high", "very_high"]
    ]));
    let resp = api.post("/api/v1/risk-methods", admin, &falling).await;
    assert_refused(&resp, "matrix", "matrix-falling");
    let unknown = matrix(json!([
        ["low", "low", "medium"],
        ["low", "medium", "huge"],
        ["medium", "high", "very_high"]
    ]));
    let resp = api.post("/api/v1/risk-methods", admin, &unknown).await;
    assert_refused(&resp, "matrix", "invalid-choice");
    let mut neither = method_body();
    neither.as_object_mut().expect("object").remove("preset");
    let resp = api.post("/api/v1/risk-methods", admin, &neither).await;
    assert_refused(&resp, "matrix", "required");
    // Only administrators and coordinators record the method.
    api.post("/api/v1/risk-methods", owner, &method_body())
        .await
        .problem(403, "forbidden");

    // Analyses.
    let resp = api
        .post(
            "/api/v1/risk-analyses",
            coordinator,
            &json!({"title": "Analys", "scope": "everything"}),
        )
        .await;
    assert_refused(&resp, "scope", "invalid-choice");
    let resp = api
        .post(
            "/api/v1/risk-analyses",
            coordinator,
            &json!({"title": "Analys", "scope": "unit"}),
        )
        .await;
    assert_refused(&resp, "unit_id", "required");
    let resp = api
        .post(
            "/api/v1/risk-analyses",
            coordinator,
            &json!({"title": "Analys", "scope": "organisation", "owner": 1}),
        )
        .await;
    assert_refused(&resp, "owner", "unknown-field");
    let resp = api
        .call(
            Method::GET,
            "/api/v1/risk-analyses?scope=galaxy",
            owner,
            None,
        )
        .await;
    assert_refused(&resp, "scope", "invalid-choice");
    assert_eq!(app.event_count(org.id).await, before, "nothing was written");

    let analysis = api
        .post(
            "/api/v1/risk-analyses",
            coordinator,
            &json!({"title": "Analys", "scope": "organisation"}),
        )
        .await
        .expect(201)
        .json();
    let path = format!("/api/v1/risk-analyses/{}", analysis["id"]);

    // Risks: steps outside the 4×4 default matrix, unknown catalogue risk.
    let resp = api
        .post(
            &format!("{path}/risks"),
            coordinator,
            &risk_body("Risk", 9, 2),
        )
        .await;
    assert_refused(&resp, "likelihood", "out-of-range");
    let resp = api
        .post(
            &format!("{path}/risks"),
            coordinator,
            &risk_body("Risk", 2, 0),
        )
        .await;
    assert_refused(&resp, "consequence", "out-of-range");
    let resp = api
        .post(
            &format!("{path}/risks"),
            coordinator,
            &with(risk_body("Risk", 2, 2), json!({"catalogue_id": "RC-NOPE"})),
        )
        .await;
    assert_refused(&resp, "catalogue_id", "unknown-reference");
    let resp = api
        .post(
            &format!("{path}/risks"),
            coordinator,
            &with(risk_body("Risk", 2, 2), json!({"likelihood_reason": ""})),
        )
        .await;
    assert_refused(&resp, "likelihood_reason", "required");
    let risk = api
        .post(
            &format!("{path}/risks"),
            coordinator,
            &risk_body("Risk", 3, 3),
        )
        .await
        .expect(201)
        .json();
    let risk_path = format!("/api/v1/risks/{}", risk["id"]);
    for (query, field) in [("level=huge", "level"), ("status=closed", "status")] {
        let resp = api
            .call(Method::GET, &format!("/api/v1/risks?{query}"), owner, None)
            .await;
        assert_refused(&resp, field, "invalid-choice");
    }

    // Treatment: unknown choice, missing justification, accepting without being the owner.
    let resp = api
        .post(
            &format!("{risk_path}/treatment"),
            coordinator,
            &json!({"treatment": "ignore", "justification": "Nej", "version": 1}),
        )
        .await;
    assert_refused(&resp, "treatment", "invalid-choice");
    let resp = api
        .post(
            &format!("{risk_path}/treatment"),
            coordinator,
            &json!({"treatment": "reduce", "version": 1}),
        )
        .await;
    assert_refused(&resp, "justification", "required");
    let resp = api
        .post(
            &format!("{risk_path}/treatment"),
            head,
            &json!({"treatment": "accept", "justification": "Vi lever med det", "version": 1}),
        )
        .await;
    assert_refused(&resp, "treatment", "accept-needs-owner");
    let risk = api.get(&risk_path, owner).await;
    assert_eq!(risk["treatment"], Value::Null, "nothing was decided");
    api.post(
        &format!("{risk_path}/treatment"),
        head,
        &json!({"treatment": "reduce", "justification": "Åtgärdas", "version": 1}),
    )
    .await
    .expect(200);

    // Approving is for information owners and heads of operations.
    let detail = api.get(&path, owner).await;
    let approve = json!({"version": detail["version"]});
    for role in [Role::Coordinator, Role::Administrator, Role::NisAssessor] {
        api.post(
            &format!("{path}/approve"),
            &org.member(role).token,
            &approve,
        )
        .await
        .problem(403, "forbidden");
    }
    assert_eq!(api.get(&path, owner).await["status"], "draft");
    // Employees do not see risk work at all.
    let employee = &org.member(Role::Employee).token;
    api.call(Method::GET, &path, employee, None)
        .await
        .problem(403, "forbidden");

    // Measures: unknown choices and dates, all named at once; residual outside the matrix.
    let measure = json!({
        "title": "Åtgärd",
        "reason": "Skäl",
        "category": "magic",
        "function": "hopeful",
        "risk_ids": [risk["id"]],
        "residual_likelihood": 1,
        "residual_consequence": 1,
        "responsible_id": org.target.id,
        "planned_on": "2026-13-45",
        "done_on": "igår"
    });
    let resp = api.post("/api/v1/measures", coordinator, &measure).await;
    let mut errors = field_errors(&resp);
    errors.sort();
    assert_eq!(
        errors,
        vec![
            ("category".to_owned(), "invalid-choice".to_owned()),
            ("done_on".to_owned(), "invalid-date".to_owned()),
            ("function".to_owned(), "invalid-choice".to_owned()),
            ("planned_on".to_owned(), "invalid-date".to_owned()),
        ]
    );
    let valid = with(
        measure.clone(),
        json!({"category": "physical", "function": "preventive", "planned_on": days_ahead(10), "done_on": null}),
    );
    let resp = api
        .post(
            "/api/v1/measures",
            coordinator,
            &with(valid.clone(), json!({"residual_likelihood": 5})),
        )
        .await;
    assert_refused(&resp, "residual_likelihood", "out-of-range");
    let resp = api
        .post(
            "/api/v1/measures",
            coordinator,
            &with(
                valid.clone(),
                json!({"done_on": days_ahead(1), "planned_on": days_ahead(1)}),
            ),
        )
        .await;
    assert_refused(&resp, "done_on", "in-future");
    let resp = api
        .post(
            "/api/v1/measures",
            coordinator,
            &with(valid.clone(), json!({"risk_ids": []})),
        )
        .await;
    assert_refused(&resp, "risk_ids", "required");
    let resp = api
        .call(Method::GET, "/api/v1/measures?status=someday", owner, None)
        .await;
    assert_refused(&resp, "status", "invalid-choice");
    let created = api
        .post("/api/v1/measures", coordinator, &valid)
        .await
        .expect(201)
        .json();
    let resp = api
        .post(
            &format!("/api/v1/measures/{}/follow-ups", created["id"]),
            coordinator,
            &json!({"year": today().year() + 1, "effect": "Bra", "still_valid": true}),
        )
        .await;
    assert_refused(&resp, "year", "out-of-range");
    let resp = api
        .post(
            &format!("/api/v1/measures/{}/follow-ups", created["id"]),
            coordinator,
            &json!({"year": today().year(), "effect": "Bra", "still_valid": false}),
        )
        .await;
    assert_refused(&resp, "next_step", "required");
    // Paging is bounded.
    let resp = api
        .call(Method::GET, "/api/v1/measures?per_page=501", owner, None)
        .await;
    assert_eq!(field_errors(&resp)[0].0, "per_page");
});

web_test!(
    risk_work_never_reaches_another_organisation,
    |app| async move {
        let (a, b) = (&app.a, &app.b);
        let api = Api { app: &app };
        let b_coordinator = &b.member(Role::Coordinator).token;

        // Organisation B runs an analysis with a risk and a measure.
        let analysis = api
            .post(
                "/api/v1/risk-analyses",
                b_coordinator,
                &json!({"title": "Norrs riskanalys", "scope": "organisation"}),
            )
            .await
            .expect(201)
            .json();
        let analysis_id = analysis["id"].as_i64().expect("id");
        let risk = api
            .post(
                &format!("/api/v1/risk-analyses/{analysis_id}/risks"),
                b_coordinator,
                &risk_body("Norrs risk", 3, 3),
            )
            .await
            .expect(201)
            .json();
        let risk_id = risk["id"].as_i64().expect("id");
        let measure = api
            .post(
                "/api/v1/measures",
                b_coordinator,
                &json!({
                    "title": "Norrs åtgärd",
                    "reason": "Skäl",
                    "category": "technical",
                    "function": "preventive",
                    "risk_ids": [risk_id],
                    "residual_likelihood": 1,
                    "residual_consequence": 1,
                    "responsible_id": b.target.id,
                    "planned_on": days_ahead(20)
                }),
            )
            .await
            .expect(201)
            .json();
        let measure_id = measure["id"].as_i64().expect("id");
        let b_events = app.event_count(b.id).await;

        // A's people get 404 for every one of them, reading or writing.
        let a_admin = &a.admin().token;
        let a_owner = &a.member(Role::InformationOwner).token;
        let analysis_path = format!("/api/v1/risk-analyses/{analysis_id}");
        let risk_path = format!("/api/v1/risks/{risk_id}");
        let measure_path = format!("/api/v1/measures/{measure_id}");
        for token in [a_admin, a_owner] {
            for path in [
                analysis_path.clone(),
                format!("{analysis_path}/versions"),
                format!("{analysis_path}/versions/1"),
                risk_path.clone(),
                measure_path.clone(),
            ] {
                api.call(Method::GET, &path, token, None)
                    .await
                    .problem(404, "not-found");
            }
        }
        let version = json!({"version": 1});
        let writes: Vec<(Method, String, Option<Value>)> = vec![
            (
                Method::PUT,
                analysis_path.clone(),
                Some(json!({"title": "Kapad", "scope": "organisation", "version": 1})),
            ),
            (
                Method::POST,
                format!("{analysis_path}/approve"),
                Some(version.clone()),
            ),
            (
                Method::POST,
                format!("{analysis_path}/revise"),
                Some(version.clone()),
            ),
            (
                Method::POST,
                format!("{analysis_path}/risks"),
                Some(risk_body("Kapad", 1, 1)),
            ),
            (
                Method::PUT,
                risk_path.clone(),
                Some(with(risk_body("Kapad", 1, 1), version.clone())),
            ),
            (
                Method::POST,
                format!("{risk_path}/treatment"),
                Some(json!({"treatment": "reduce", "justification": "Kapad", "version": 1})),
            ),
            (Method::DELETE, format!("{risk_path}?version=1"), None),
            (
                Method::PUT,
                measure_path.clone(),
                Some(json!({
                    "title": "Kapad", "reason": "Kapad", "category": "technical", "function": "preventive",
                    "risk_ids": [risk_id], "residual_likelihood": 1, "residual_consequence": 1,
                    "responsible_id": a.target.id, "planned_on": days_ahead(5), "version": 1
                })),
            ),
            (Method::DELETE, format!("{measure_path}?version=1"), None),
            (
                Method::POST,
                format!("{measure_path}/follow-ups"),
                Some(json!({"year": today().year(), "effect": "Kapad", "still_valid": true})),
            ),
        ];
        for (method, path, body) in writes {
            let what = format!("{method} {path}");
            let token = if path.ends_with("/approve") {
                a_owner
            } else {
                a_admin
            };
            let resp = api.call(method, &path, token, body.as_ref()).await;
            resp.problem(404, "not-found");
            assert_eq!(resp.status, 404, "{what}");
        }

        // References from A's writes to B's rows are unknown, not followed.
        let own_analysis = api
            .post(
                "/api/v1/risk-analyses",
                a_admin,
                &json!({"title": "Söders analys", "scope": "organisation"}),
            )
            .await
            .expect(201)
            .json();
        let resp = api
            .post(
                "/api/v1/measures",
                a_admin,
                &json!({
                    "title": "Söders åtgärd", "reason": "Skäl", "category": "technical",
                    "function": "preventive", "risk_ids": [risk_id], "residual_likelihood": 1,
                    "residual_consequence": 1, "responsible_id": a.target.id,
                    "planned_on": days_ahead(5)
                }),
            )
            .await;
        assert_refused(&resp, "risk_ids", "unknown-reference");
        let resp = api
            .post(
                "/api/v1/risk-analyses",
                a_admin,
                &json!({"title": "Söders analys", "scope": "unit", "unit_id": b.ward}),
            )
            .await;
        assert_refused(&resp, "unit_id", "unknown-reference");

        // Lists, filters and the overview hold only A's work.
        for path in [
            "/api/v1/risks".to_owned(),
            "/api/v1/measures".to_owned(),
            format!("/api/v1/risks?analysis_id={analysis_id}"),
            format!("/api/v1/measures?risk_id={risk_id}"),
            format!("/api/v1/measures?analysis_id={analysis_id}"),
            "/api/v1/risk-analyses?q=Norr".to_owned(),
        ] {
            let list = api.get(&path, a_owner).await;
            assert_eq!(list["total"], 0, "{path}: {list}");
            assert_eq!(list["items"], json!([]), "{path}");
        }
        let analyses = api.get("/api/v1/risk-analyses", a_owner).await;
        assert_eq!(analyses["total"], 1);
        assert_eq!(analyses["items"][0]["id"], own_analysis["id"]);
        let overview = api.get("/api/v1/risk-overview", a_owner).await;
        assert_eq!(overview["heat_map"]["current"], json!([]));
        assert_eq!(overview["largest"], json!([]));
        assert_eq!(api.get("/api/v1/risk-methods", a_owner).await, json!([]));

        // B's work is untouched and still B's.
        assert_eq!(
            app.event_count(b.id).await,
            b_events,
            "nothing written in B"
        );
        let b_owner = &b.member(Role::InformationOwner).token;
        let risk = api.get(&risk_path, b_owner).await;
        assert_eq!(
            (risk["title"].clone(), risk["version"].clone()),
            (json!("Norrs risk"), json!(1))
        );
        let measure = api.get(&measure_path, b_owner).await;
        assert_eq!(measure["title"], "Norrs åtgärd");
        assert_eq!(measure["version"], 1);
    }
);

web_test!(
    an_analysis_exports_as_pdf_and_xlsx_through_the_api,
    |app| async move {
        let token = &app.a.member(Role::Coordinator).token;
        let created = app
            .api(Method::POST, "/api/v1/risk-analyses")
            .token(token)
            .json(&json!({"title": "Övergripande riskanalys", "scope": "organisation"}))
            .send()
            .await;
        created.expect(201);
        let id = created.json()["id"].as_i64().expect("id");
        let pdf = app
            .api(
                Method::GET,
                &format!("/api/v1/risk-analyses/{id}/export?lang=en"),
            )
            .token(token)
            .send()
            .await;
        pdf.expect(200);
        assert_eq!(pdf.header("content-type"), "application/pdf");
        assert!(pdf.body.starts_with(b"%PDF-"));
        let xlsx = app
            .api(
                Method::GET,
                &format!("/api/v1/risk-analyses/{id}/export?format=xlsx"),
            )
            .token(token)
            .send()
            .await;
        xlsx.expect(200);
        assert!(xlsx.body.starts_with(b"PK"));
        app.api(
            Method::GET,
            &format!("/api/v1/risk-analyses/{id}/export?format=docx"),
        )
        .token(token)
        .send()
        .await
        .problem(422, "invalid-input");
        app.api(
            Method::GET,
            &format!("/api/v1/risk-analyses/{id}/export?version=3"),
        )
        .token(token)
        .send()
        .await
        .problem(404, "not-found");
        let other = &app.b.member(Role::Coordinator).token;
        app.api(Method::GET, &format!("/api/v1/risk-analyses/{id}/export"))
            .token(other)
            .send()
            .await
            .problem(404, "not-found");
    }
);

web_test!(
    the_risk_list_shows_what_another_process_changed,
    |app| async move {
        let api = Api { app: &app };
        let coordinator = &app.a.member(Role::Coordinator).token;
        let analysis = api
            .post(
                "/api/v1/risk-analyses",
                coordinator,
                &json!({"title": "Övergripande riskanalys", "scope": "organisation"}),
            )
            .await
            .expect(201)
            .json();
        let risk = api
            .post(
                &format!("/api/v1/risk-analyses/{}/risks", analysis["id"]),
                coordinator,
                &risk_body("Nätfiske mot chefer", 4, 3),
            )
            .await
            .expect(201)
            .json();
        let path = "/api/v1/risks?level=very_high";
        let listed = api.get(path, coordinator).await;
        assert_eq!(titles(&listed["items"]), ["Nätfiske mot chefer"]);
        assert_eq!(api.get(path, coordinator).await, listed, "read twice");
        let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;
        let page = browser
            .get("/risks/list?level=very_high")
            .await
            .expect(200)
            .page();
        assert!(page.contains("Nätfiske mot chefer"), "{page}");

        // Lowered by another server process: gone from the very high risks at once.
        let (other, _db) = app.second_process().await;
        let lowered = with(
            risk_body("Nätfiske mot chefer", 1, 3),
            json!({"version": risk["version"]}),
        );
        TestApp::api_on(
            &other,
            Method::PUT,
            &format!("/api/v1/risks/{}", risk["id"]),
        )
        .token(coordinator)
        .json(&lowered)
        .send()
        .await
        .expect(200);
        assert_eq!(api.get(path, coordinator).await["total"], 0);
        let page = browser
            .get("/risks/list?level=very_high")
            .await
            .expect(200)
            .page();
        assert!(!page.contains("Nätfiske mot chefer"), "{page}");
    }
);
