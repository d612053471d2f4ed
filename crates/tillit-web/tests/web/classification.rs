//! Information classification through the pages and the API: the wizard, approved
//! versions, a system's levels from its assets, self-assessment and proposed measures,
//! own requirements, procurement view, coverage, and the tasks that prompt owners.

use std::io::Cursor;

use axum::http::Method;
use calamine::{Data, Reader, Xlsx};
use serde_json::{json, Value};
use tillit_domain::auth::Role;
use tillit_domain::users::Language;

use crate::harness::TestApp;

fn approval(subject: &str, id: i64, k: i64, r: i64, t: i64) -> Value {
    json!({
        subject: id,
        "level_k": k,
        "level_r": r,
        "level_t": t,
        "reason_k": "Journaluppgifter omfattas av sekretess.",
        "participants": "Informationsägare och systemförvaltare"
    })
}

async fn approve(app: &TestApp, token: &str, body: &Value) -> Value {
    app.api(Method::POST, "/api/v1/classifications")
        .token(token)
        .json(body)
        .send()
        .await
        .expect(201)
        .json()
}

/// Approved versions in organisation A, read through the store.
async fn version_count(app: &TestApp) -> i64 {
    let filter = tillit_store::classification::ObjectFilter::default();
    let objects = tillit_store::classification::list_objects(&app.db, app.a.id, &filter, 500, 0)
        .await
        .expect("objects");
    let mut count = 0;
    for object in objects.items {
        count += tillit_store::classification::versions(&app.db, app.a.id, object.id)
            .await
            .expect("versions")
            .len() as i64;
    }
    count
}

web_test!(
    the_wizard_suggests_levels_and_approves_a_version,
    |app| async move {
        let org = &app.a;
        let owner = org.member(Role::InformationOwner);
        let journal = app.create_asset(org.id, "Patientjournal", owner.id).await;
        let mut browser = app.signed_in(owner).await;

        let resp = browser
            .get(&format!("/classification/classify?asset_id={journal}"))
            .await;
        resp.expect(200);
        let page = resp.page();
        assert_eq!(page.matches("<h1").count(), 1);
        assert!(page.contains("Patientjournal"));
        assert!(page.contains("Konfidentialitet"), "aspects are named");
        assert!(page.contains("Synnerligen allvarlig"), "levels are named");
        assert!(
            page.contains("name=\"q_K-Q-01\""),
            "guiding questions are asked"
        );

        // Answers to the confidentiality questions suggest the highest level answered.
        let fields = [
            ("asset_id", journal.to_string()),
            ("version", String::new()),
            ("q_K-Q-01", "3".into()),
            ("q_K-Q-02", "2".into()),
            ("action", "suggest".into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let resp = browser.post("/classification/classify", &fields).await;
        resp.expect(200);
        let page = resp.page();
        assert!(page.contains(&app.text(Language::Sv, "classify-suggested")));
        assert!(
            page.contains(r#"id="level_k-3" name="level_k" value="3" checked"#),
            "K is suggested at 3: {page}"
        );
        assert_eq!(version_count(&app).await, 0, "suggesting stores nothing");

        // Approval without participants is refused by field; nothing is stored.
        let mut approve_fields = vec![
            ("asset_id", journal.to_string()),
            ("version", String::new()),
            ("level_k", "3".into()),
            ("level_r", "2".into()),
            ("level_t", "2".into()),
            ("level_s", String::new()),
            ("reason_k", "Många patienters journaler.".into()),
            ("participants", String::new()),
            ("next_review", String::new()),
            ("action", "approve".into()),
        ];
        let as_pairs = |fields: &Vec<(&str, String)>| -> Vec<(String, String)> {
            fields
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.clone()))
                .collect()
        };
        let pairs = as_pairs(&approve_fields);
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let resp = browser.post("/classification/classify", &refs).await;
        resp.expect(422);
        let page = resp.page();
        assert!(page.contains(&format!(
            "{}: {}",
            app.text(Language::Sv, "field-participants"),
            app.text(Language::Sv, "field-error-required")
        )));
        assert!(
            page.contains("Många patienters journaler."),
            "typed text is kept"
        );
        assert_eq!(version_count(&app).await, 0);

        approve_fields[7].1 = "Agnes Ägare, Sam Samordnare".into();
        let pairs = as_pairs(&approve_fields);
        let refs: Vec<(&str, &str)> = pairs
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let resp = browser.post("/classification/classify", &refs).await;
        resp.expect(303);
        let location = resp.location().to_owned();
        assert!(location.starts_with("/classification/"), "{location}");
        let object_path = location.split('?').next().expect("path").to_owned();

        let page = browser.get(&object_path).await.expect(200).page();
        assert!(page.contains("3 Allvarlig"), "current level named: {page}");
        assert!(page.contains("K3 R2 T2"), "version listed");
        assert!(page.contains("Agnes Ägare, Sam Samordnare"));
        assert!(page.contains("K-GOV-01"), "requirement set shown");
        assert!(page.contains(&app.text(Language::Sv, "assessment-edit")));
        assert_eq!(version_count(&app).await, 1);
    }
);

web_test!(
    bad_levels_and_stale_versions_change_nothing,
    |app| async move {
        let org = &app.a;
        let token = &org.member(Role::Coordinator).token;
        let asset = app.create_asset(org.id, "Labbsvar", org.target.id).await;

        let mut bad = approval("asset_id", asset, 7, 2, 1);
        bad["level_s"] = json!(-1);
        let resp = app
            .api(Method::POST, "/api/v1/classifications")
            .token(token)
            .json(&bad)
            .send()
            .await;
        resp.problem(422, "invalid-input");
        assert_eq!(resp.invalid_fields(), ["level_k", "level_s"]);

        let mut past = approval("asset_id", asset, 2, 2, 1);
        past["next_review"] = json!("2020-01-01");
        let resp = app
            .api(Method::POST, "/api/v1/classifications")
            .token(token)
            .json(&past)
            .send()
            .await;
        resp.problem(422, "invalid-input");
        assert_eq!(resp.invalid_fields(), ["next_review"]);

        let two_subjects = json!({"asset_id": asset, "system_id": 1, "level_k": 1, "level_r": 1, "level_t": 1, "participants": "x"});
        let resp = app
            .api(Method::POST, "/api/v1/classifications")
            .token(token)
            .json(&two_subjects)
            .send()
            .await;
        resp.problem(422, "invalid-input");
        assert_eq!(version_count(&app).await, 0, "nothing was stored");

        let first = approve(&app, token, &approval("asset_id", asset, 2, 2, 1)).await;
        assert_eq!(first["current_version"], 1);
        assert_eq!(first["levels"], json!({"k": 2, "r": 2, "t": 1, "s": null}));
        let version = first["version"].as_i64().expect("version");
        // Someone else approved meanwhile: the first-time approval is now stale.
        let resp = app
            .api(Method::POST, "/api/v1/classifications")
            .token(token)
            .json(&approval("asset_id", asset, 1, 1, 1))
            .send()
            .await;
        resp.problem(409, "conflict");
        let mut next = approval("object_id", first["id"].as_i64().expect("id"), 4, 2, 1);
        next["version"] = json!(version);
        let second = approve(&app, token, &next).await;
        assert_eq!(second["current_version"], 2);
        assert_eq!(second["needs_protection_analysis"], true);
        assert_eq!(second["versions"].as_array().expect("versions").len(), 2);
        assert_eq!(
            second["versions"][1]["levels"]["k"], 2,
            "the first version stays"
        );
        let resp = app
            .api(Method::POST, "/api/v1/classifications")
            .token(token)
            .json(&next)
            .send()
            .await;
        resp.problem(409, "conflict");
        assert_eq!(version_count(&app).await, 2);
    }
);

web_test!(
    a_system_is_classified_no_lower_than_its_assets,
    |app| async move {
        let org = &app.a;
        let token = &org.member(Role::Coordinator).token;
        let system = app.create_system(org.id, "Röntgensystem").await;
        let images = app
            .create_asset(org.id, "Röntgenbilder", org.target.id)
            .await;
        tillit_store::registers::link_asset_system(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test"),
            images,
            system,
        )
        .await
        .expect("link");
        approve(&app, token, &approval("asset_id", images, 3, 3, 2)).await;

        let mut browser = app.signed_in(org.member(Role::Coordinator)).await;
        let page = browser
            .get(&format!("/classification/classify?system_id={system}"))
            .await
            .expect(200)
            .page();
        assert!(
            page.contains("K3 R3 T2"),
            "the floor from the assets is shown"
        );

        let resp = app
            .api(Method::POST, "/api/v1/classifications")
            .token(token)
            .json(&approval("system_id", system, 2, 3, 2))
            .send()
            .await;
        resp.problem(422, "invalid-input");
        assert_eq!(resp.invalid_fields(), ["level_k"]);
        let raised = approval("system_id", system, 3, 3, 4);
        let resp = app
            .api(Method::POST, "/api/v1/classifications")
            .token(token)
            .json(&raised)
            .send()
            .await;
        resp.problem(422, "invalid-input");
        assert_eq!(
            resp.invalid_fields(),
            ["reason_t"],
            "a raise needs a reason"
        );
        let mut explained = raised.clone();
        explained["reason_t"] = json!("Akuten behöver bilderna dygnet runt.");
        let classified = approve(&app, token, &explained).await;
        assert_eq!(classified["levels"]["t"], 4);
        assert_eq!(classified["versions"][0]["derived"]["availability"], 2);
    }
);

web_test!(
    owners_classify_their_own_and_auditors_only_read,
    |app| async move {
        let org = &app.a;
        let owner = org.member(Role::InformationOwner);
        let own = app.create_asset(org.id, "Egen tillgång", owner.id).await;
        let others = app
            .create_asset(org.id, "Annans tillgång", org.target.id)
            .await;
        approve(&app, &owner.token, &approval("asset_id", own, 1, 1, 1)).await;
        app.api(Method::POST, "/api/v1/classifications")
            .token(&owner.token)
            .json(&approval("asset_id", others, 1, 1, 1))
            .send()
            .await
            .problem(403, "forbidden");

        let foreign = app
            .create_asset(app.b.id, "Annan organisation", app.b.target.id)
            .await;
        app.api(Method::POST, "/api/v1/classifications")
            .token(&org.member(Role::Coordinator).token)
            .json(&approval("asset_id", foreign, 1, 1, 1))
            .send()
            .await
            .problem(404, "not-found");

        let list = app
            .api(Method::GET, "/api/v1/classifications")
            .token(&org.member(Role::Auditor).token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(list["total"], 1);
        let id = list["items"][0]["id"].as_i64().expect("id");
        let mut auditor = app.signed_in(org.member(Role::Auditor)).await;
        let page = auditor
            .get(&format!("/classification/{id}"))
            .await
            .expect(200)
            .page();
        assert!(page.contains("Egen tillgång"));
        assert!(
            !page.contains("/classification/classify?"),
            "no classify link"
        );
        assert!(
            !page.contains("action=\"/classification/"),
            "no forms for auditors"
        );
        auditor
            .get(&format!("/classification/classify?asset_id={own}"))
            .await
            .expect(403);
    }
);

web_test!(
    self_assessment_proposes_measures_for_unmet_requirements,
    |app| async move {
        let org = &app.a;
        let owner = org.member(Role::InformationOwner);
        let asset = app.create_asset(org.id, "Remisser", owner.id).await;
        let classified = approve(&app, &owner.token, &approval("asset_id", asset, 2, 1, 1)).await;
        let id = classified["id"].as_i64().expect("id");

        let set = app
            .api(
                Method::GET,
                &format!("/api/v1/classifications/{id}/requirements"),
            )
            .token(&owner.token)
            .send()
            .await
            .expect(200)
            .json();
        let codes: Vec<&str> = set
            .as_array()
            .expect("set")
            .iter()
            .map(|r| r["requirement"]["code"].as_str().expect("code"))
            .collect();
        assert!(codes.contains(&"K-GOV-01"));
        let expected = app
            .api(Method::GET, "/api/v1/requirements?k=2&r=1&t=1")
            .token(&owner.token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(
            expected.as_array().expect("list").len(),
            codes.len(),
            "the object's set is the catalogue's set for its levels"
        );

        let mut browser = app.signed_in(owner).await;
        let path = format!("/classification/{id}/requirements/K-GOV-01");
        let resp = browser
            .post(
                &path,
                &[("status", "not_fulfilled"), ("how", " "), ("version", "")],
            )
            .await;
        resp.expect(422);
        let page = resp.page();
        assert!(
            page.contains(r#"id="req-K-GOV-01-how-error""#),
            "the field is named: {page}"
        );
        browser
            .post(
                &path,
                &[
                    ("status", "not_fulfilled"),
                    ("how", "Ingen årlig översyn görs."),
                    ("version", ""),
                ],
            )
            .await
            .expect(303);
        let resp = browser
            .post(
                &path,
                &[
                    ("status", "fulfilled"),
                    ("how", "Översyn i mars."),
                    ("version", ""),
                ],
            )
            .await;
        resp.expect(409);
        browser
            .post(
                &format!("/classification/{id}/requirements/NOT-A-REQ"),
                &[("status", "fulfilled"), ("how", "x"), ("version", "")],
            )
            .await
            .expect(404);

        let measures = app
            .api(Method::GET, "/api/v1/proposed-measures")
            .token(&org.member(Role::Auditor).token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(measures["total"], 1);
        assert_eq!(measures["items"][0]["requirement_code"], "K-GOV-01");
        assert_eq!(measures["items"][0]["how"], "Ingen årlig översyn görs.");
        let page = browser
            .get("/classification/measures")
            .await
            .expect(200)
            .page();
        assert!(page.contains("Ingen årlig översyn görs."));
        assert!(page.contains("Remisser"));

        let procurement = browser
            .get(&format!("/classification/{id}/procurement"))
            .await
            .expect(200)
            .page();
        assert!(
            procurement.contains("Leverantören ska"),
            "SKA-krav are shown"
        );
    }
);

web_test!(own_requirements_extend_the_catalogue, |app| async move {
    let org = &app.a;
    let mut browser = app.signed_in(org.member(Role::Coordinator)).await;
    let fields = [
        ("code", "K-GOV-01"),
        ("aspect", "K"),
        ("min_level", "1"),
        ("category", "technical"),
        ("title", "Skärmlås"),
        ("description", "Skärmen låses efter fem minuter."),
        ("iso27002", "8.1"),
    ];
    let resp = browser.post("/classification/requirements", &fields).await;
    resp.expect(422);
    assert!(resp
        .page()
        .contains(&app.text(Language::Sv, "field-error-taken")));
    let mut fields = fields.to_vec();
    fields[0] = ("code", "org-k-01");
    browser
        .post("/classification/requirements", &fields)
        .await
        .expect(303);
    let resp = browser.post("/classification/requirements", &fields).await;
    resp.expect(422);
    assert!(resp
        .page()
        .contains(&app.text(Language::Sv, "field-error-duplicate")));

    let token = &org.member(Role::InformationOwner).token;
    let own = app
        .api(Method::GET, "/api/v1/requirements/ORG-K-01")
        .token(token)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(own["title"]["sv"], "Skärmlås");
    assert_eq!(own["iso27002"], json!(["8.1"]));
    let asset = app
        .create_asset(org.id, "Tillgång", org.member(Role::InformationOwner).id)
        .await;
    let classified = approve(&app, token, &approval("asset_id", asset, 1, 1, 1)).await;
    let id = classified["id"].as_i64().expect("id");
    let page = browser
        .get(&format!("/classification/{id}"))
        .await
        .expect(200)
        .page();
    assert!(page.contains("ORG-K-01"), "own requirements join the set");
});

web_test!(
    changes_prompt_owners_and_classifying_answers_them,
    |app| async move {
        let org = &app.a;
        let owner = org.member(Role::InformationOwner);
        let coordinator = &org.member(Role::Coordinator).token;
        let created = app
        .api(Method::POST, "/api/v1/systems")
        .token(coordinator)
        .json(&json!({"name": "Journalsystem", "kind": "information_system", "criticality": "critical",
                      "hosting": "supplier", "object_owner_id": owner.id}))
        .send()
        .await
        .expect(201)
        .json();
        let system = created["id"].as_i64().expect("id");
        let tasks = app
            .api(Method::GET, "/api/v1/tasks")
            .token(&owner.token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(
            tasks.as_array().expect("tasks").len(),
            1,
            "adding prompts the owner"
        );
        assert_eq!(tasks[0]["subject_name"], "IS-0001 Journalsystem");

        let mut browser = app.signed_in(owner).await;
        let resp = browser
            .post(
                &format!("/register/systems/{system}/events"),
                &[("kind", "procurement"), ("description", "")],
            )
            .await;
        resp.expect(422);
        let resp = browser
            .post(
                &format!("/register/systems/{system}/events"),
                &[
                    ("kind", "procurement"),
                    ("description", "Ny upphandling 2027"),
                ],
            )
            .await;
        resp.expect(303);
        let page = browser
            .get(&format!("/register/systems/{system}/events"))
            .await
            .expect(200)
            .page();
        assert!(page.contains("Ny upphandling 2027"));
        let start = browser.get("/").await.expect(200).page();
        assert_eq!(
            start.matches("/classification/classify?system_id=").count(),
            2,
            "two prompts on the start page: {start}"
        );

        approve(&app, &owner.token, &approval("system_id", system, 2, 2, 2)).await;
        let start = browser.get("/").await.expect(200).page();
        assert!(
            start.contains(&app.text(Language::Sv, "start-no-tasks")),
            "classifying answers the prompts"
        );
        assert!(start.contains(&app.text(Language::Sv, "start-card-classification")));
    }
);

web_test!(
    coverage_counts_classified_and_current_entries,
    |app| async move {
        let org = &app.a;
        let token = &org.member(Role::Coordinator).token;
        let first = app.create_asset(org.id, "A", org.target.id).await;
        app.create_asset(org.id, "B", org.target.id).await;
        let system = app.create_system(org.id, "S").await;
        approve(&app, token, &approval("asset_id", first, 1, 1, 1)).await;
        let coverage = app
            .api(Method::GET, "/api/v1/classification-coverage")
            .token(&org.member(Role::Employee).token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(
            coverage["assets"],
            json!({"total": 2, "classified": 1, "current": 1})
        );
        assert_eq!(
            coverage["systems"],
            json!({"total": 1, "classified": 0, "current": 0})
        );
        let mut browser = app.signed_in(org.member(Role::Employee)).await;
        let page = browser.get("/classification").await.expect(200).page();
        assert!(page.contains("<svg role=\"img\""), "a chart");
        assert!(
            page.contains("<td>1 (50 %)</td>"),
            "with a data table: {page}"
        );
        assert!(
            page.contains(&format!("/classification/classify?system_id={system}")),
            "unclassified entries are listed"
        );
    }
);

web_test!(
    classifications_and_ska_krav_are_exported_safely,
    |app| async move {
        let org = &app.a;
        let coordinator = &org.member(Role::Coordinator).token;
        let named = app
        .api(Method::POST, "/api/v1/classification-objects")
        .token(coordinator)
        .json(&json!({"kind": "document", "name": "=HYPERLINK(\"http://evil.example\")", "owner_id": org.target.id}))
        .send()
        .await
        .expect(201)
        .json();
        let id = named["id"].as_i64().expect("id");
        approve(&app, coordinator, &approval("object_id", id, 3, 2, 1)).await;

        let csv = app
            .api(Method::GET, "/api/v1/classifications/export?format=csv")
            .token(&org.member(Role::Auditor).token)
            .send()
            .await
            .expect(200)
            .text();
        assert!(
            csv.contains("'=HYPERLINK"),
            "a formula-looking name is neutralised: {csv}"
        );
        assert!(csv.contains(";3;2;1;"), "levels are exported: {csv}");

        let resp = app
            .api(Method::GET, "/api/v1/classifications/export")
            .token(coordinator)
            .send()
            .await;
        resp.expect(200);
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(resp.body.to_vec())).expect("xlsx");
        let sheet = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&sheet).expect("sheet");
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("Objekt".into()))
        );
        assert_eq!(
            range.get_value((1, 0)),
            Some(&Data::String("=HYPERLINK(\"http://evil.example\")".into())),
            "XLSX keeps the text as text"
        );
        let formulas = book.worksheet_formula(&sheet).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formulas"
        );

        let mut browser = app.signed_in(org.member(Role::Employee)).await;
        let resp = browser
            .get(&format!(
                "/classification/{id}/procurement/export?format=xlsx"
            ))
            .await;
        resp.expect(200);
        assert!(resp
            .header("content-disposition")
            .contains("tillit-ska-krav"));
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(resp.body.to_vec())).expect("xlsx");
        let range = book.worksheet_range("Ska-krav").expect("sheet");
        assert!(range
            .rows()
            .skip(1)
            .all(|row| row[2].to_string().starts_with("Leverantören ska")));
        assert!(range.rows().count() > 10, "the requirement set of K3 R2 T1");
        browser
            .get(&format!(
                "/classification/{id}/procurement/export?format=pdf"
            ))
            .await
            .expect(422);
    }
);
