//! The JSON API of the registers: systems and information assets, their dependencies,
//! history and yearly confirmation; who may change what.

use axum::http::Method;
use serde_json::{json, Value};
use tillit_domain::auth::Role;

use crate::harness::TestApp;

fn system_body(name: &str) -> Value {
    json!({
        "name": name,
        "kind": "information_system",
        "functionality": "Vårdpersonalens journal",
        "essential_services": "Hälso- och sjukvård",
        "in_cyber_security_act_scope": true,
        "criticality": "critical",
        "supplier": "Journalleverantören AB",
        "hosting": "supplier",
        "storage_country": "Sverige",
        "acceptable_recovery_time_hours": 4
    })
}

/// Adds `version` (and anything else) to a body.
fn with(mut body: Value, extra: Value) -> Value {
    for (key, value) in extra.as_object().expect("object") {
        body[key] = value.clone();
    }
    body
}

async fn create_system(app: &TestApp, token: &str, body: &Value) -> Value {
    app.api(Method::POST, "/api/v1/systems")
        .token(token)
        .json(body)
        .send()
        .await
        .expect(201)
        .json()
}

web_test!(
    systems_are_created_listed_read_and_updated,
    |app| async move {
        let org = &app.a;
        let token = &org.member(Role::Coordinator).token;
        let journal = create_system(&app, token, &system_body("Journalsystemet")).await;
        assert_eq!(journal["designation"], "IS-0001");
        assert_eq!(journal["version"], 1);
        assert_eq!(journal["criticality"], "critical");
        assert_eq!(journal["owners"], json!([]));
        let pacs = create_system(&app, token, &system_body("PACS")).await;
        assert_eq!(pacs["designation"], "IS-0002");
        let network = with(
            system_body("Vårdnätet"),
            json!({"kind": "network", "criticality": "high", "in_cyber_security_act_scope": false}),
        );
        let network = create_system(&app, token, &network).await;
        assert_eq!(network["designation"], "NW-0001");

        // Every role reads the register, filtered and searched.
        let auditor = &org.member(Role::Auditor).token;
        let list = app
            .api(Method::GET, "/api/v1/systems?sort=designation")
            .token(auditor)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(list["total"], 3);
        let designations: Vec<&str> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|s| s["designation"].as_str().expect("designation"))
            .collect();
        assert_eq!(designations, ["IS-0001", "IS-0002", "NW-0001"]);
        for (query, expected) in [
            ("kind=network", vec!["Vårdnätet"]),
            ("criticality=critical", vec!["Journalsystemet", "PACS"]),
            ("in_scope=false", vec!["Vårdnätet"]),
            ("q=journal", vec!["Journalsystemet"]),
            ("q=is-0002", vec!["PACS"]),
            ("per_page=1&page=2", vec!["PACS"]),
        ] {
            let list = app
                .api(Method::GET, &format!("/api/v1/systems?{query}"))
                .token(auditor)
                .send()
                .await
                .expect(200)
                .json();
            let names: Vec<&str> = list["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|s| s["name"].as_str().expect("name"))
                .collect();
            assert_eq!(names, expected, "?{query}");
        }
        let bad = app
            .api(Method::GET, "/api/v1/systems?kind=mainframe")
            .token(auditor)
            .send()
            .await;
        assert_eq!(bad.invalid_fields(), ["kind"]);

        // Update with the version read; the designation stays.
        let path = format!("/api/v1/systems/{}", journal["id"]);
        let owner = org.member(Role::InformationOwner);
        let update = with(
            system_body("Journalsystemet Cosmic"),
            json!({"version": 1, "object_owner_id": owner.id, "owner_ids": [owner.id]}),
        );
        let updated = app
            .api(Method::PUT, &path)
            .token(token)
            .json(&update)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(updated["designation"], "IS-0001");
        assert_eq!(updated["name"], "Journalsystemet Cosmic");
        assert_eq!(updated["version"], 2);
        assert_eq!(updated["object_owner_id"], owner.id);
        assert_eq!(updated["owners"][0]["id"], owner.id);
        let read = app
            .api(Method::GET, &path)
            .token(auditor)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(read["name"], "Journalsystemet Cosmic");
        let owned = app
            .api(
                Method::GET,
                &format!("/api/v1/systems?owner_id={}", owner.id),
            )
            .token(auditor)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(owned["total"], 1);

        // Both versions are kept.
        let history = app
            .api(Method::GET, &format!("{path}/history"))
            .token(auditor)
            .send()
            .await
            .expect(200)
            .json();
        let history = history.as_array().expect("versions");
        assert_eq!(history.len(), 2);
        assert_eq!(history[0]["snapshot"]["name"], "Journalsystemet");
        assert_eq!(history[1]["snapshot"]["name"], "Journalsystemet Cosmic");
        assert_eq!(history[1]["snapshot"]["owner_ids"], json!([owner.id]));
    }
);

web_test!(a_stale_system_version_is_a_conflict, |app| async move {
    let org = &app.a;
    let token = &org.admin().token;
    let system = create_system(&app, token, &system_body("Labbsystemet")).await;
    let path = format!("/api/v1/systems/{}", system["id"]);
    let first = with(system_body("Labbsystemet 2"), json!({"version": 1}));
    app.api(Method::PUT, &path)
        .token(token)
        .json(&first)
        .send()
        .await
        .expect(200);
    let events = app.event_count(org.id).await;
    let stale = with(system_body("Labbsystemet 3"), json!({"version": 1}));
    app.api(Method::PUT, &path)
        .token(token)
        .json(&stale)
        .send()
        .await
        .problem(409, "conflict");
    assert_eq!(app.event_count(org.id).await, events);
    let read = app.api(Method::GET, &path).token(token).send().await.json();
    assert_eq!(
        (read["name"].as_str(), read["version"].as_i64()),
        (Some("Labbsystemet 2"), Some(2))
    );
});

web_test!(bad_system_input_names_the_field, |app| async move {
    let org = &app.a;
    let token = &org.admin().token;
    let before = app.event_count(org.id).await;
    let bad = with(system_body(""), json!({"criticality": "extreme"}));
    let resp = app
        .api(Method::POST, "/api/v1/systems")
        .token(token)
        .json(&bad)
        .send()
        .await;
    assert_eq!(resp.invalid_fields(), ["name", "criticality"]);
    let foreign_owner = with(
        system_body("Tandvårdssystemet"),
        json!({"object_owner_id": app.b.admin().id}),
    );
    let resp = app
        .api(Method::POST, "/api/v1/systems")
        .token(token)
        .json(&foreign_owner)
        .send()
        .await;
    assert_eq!(resp.invalid_fields(), ["object_owner_id"]);
    assert_eq!(app.event_count(org.id).await, before);
});

web_test!(owners_edit_their_own_systems_only, |app| async move {
    let org = &app.a;
    let admin = &org.admin().token;
    let owner = org.member(Role::InformationOwner);
    let mine = with(
        system_body("Ägarens system"),
        json!({"object_owner_id": owner.id}),
    );
    let mine = create_system(&app, admin, &mine).await;
    let theirs = create_system(&app, admin, &system_body("Någon annans system")).await;
    let informed = with(
        system_body("Informationsägarens system"),
        json!({"owner_ids": [owner.id]}),
    );
    let informed = create_system(&app, admin, &informed).await;

    // The owner may not add entries.
    app.api(Method::POST, "/api/v1/systems")
        .token(&owner.token)
        .json(&system_body("Eget nytt"))
        .send()
        .await
        .problem(403, "forbidden");

    let update = with(
        system_body("Ägarens system, ändrat"),
        json!({"object_owner_id": owner.id, "version": 1}),
    );
    app.api(Method::PUT, &format!("/api/v1/systems/{}", mine["id"]))
        .token(&owner.token)
        .json(&update)
        .send()
        .await
        .expect(200);
    let update = with(
        system_body("Informationsägarens, ändrat"),
        json!({"owner_ids": [owner.id], "version": 1}),
    );
    app.api(Method::PUT, &format!("/api/v1/systems/{}", informed["id"]))
        .token(&owner.token)
        .json(&update)
        .send()
        .await
        .expect(200);
    let events = app.event_count(org.id).await;
    let update = with(
        system_body("Kapat"),
        json!({"object_owner_id": owner.id, "version": 1}),
    );
    app.api(Method::PUT, &format!("/api/v1/systems/{}", theirs["id"]))
        .token(&owner.token)
        .json(&update)
        .send()
        .await
        .problem(403, "forbidden");
    // Their own entry may depend on another; another's may not be changed that way.
    app.api(
        Method::POST,
        &format!("/api/v1/systems/{}/dependencies", theirs["id"]),
    )
    .token(&owner.token)
    .json(&json!({"depends_on_id": mine["id"]}))
    .send()
    .await
    .problem(403, "forbidden");
    assert_eq!(
        app.event_count(org.id).await,
        events,
        "refused changes write nothing"
    );
    app.api(
        Method::POST,
        &format!("/api/v1/systems/{}/dependencies", mine["id"]),
    )
    .token(&owner.token)
    .json(&json!({"depends_on_id": theirs["id"]}))
    .send()
    .await
    .expect(201);
});

web_test!(
    auditors_read_the_registers_but_never_write,
    |app| async move {
        let org = &app.a;
        let admin = &org.admin().token;
        let auditor = org.member(Role::Auditor);
        let system = create_system(&app, admin, &system_body("E-post")).await;
        let path = format!("/api/v1/systems/{}", system["id"]);
        app.api(Method::GET, &path)
            .token(&auditor.token)
            .send()
            .await
            .expect(200);
        app.api(Method::GET, &format!("{path}/history"))
            .token(&auditor.token)
            .send()
            .await
            .expect(200);
        let before = app.event_count(org.id).await;
        app.api(Method::POST, "/api/v1/systems")
            .token(&auditor.token)
            .json(&system_body("Granskarens system"))
            .send()
            .await
            .problem(403, "forbidden");
        app.api(Method::PUT, &path)
            .token(&auditor.token)
            .json(&with(system_body("Ändrat"), json!({"version": 1})))
            .send()
            .await
            .problem(403, "forbidden");
        app.api(Method::POST, "/api/v1/register-confirmations")
            .token(&auditor.token)
            .json(&json!({"note": "Nej"}))
            .send()
            .await
            .problem(403, "forbidden");
        let asset = json!({"name": "Patientjournal", "form": "digital", "owner_id": auditor.id});
        app.api(Method::POST, "/api/v1/assets")
            .token(&auditor.token)
            .json(&asset)
            .send()
            .await
            .problem(403, "forbidden");
        assert_eq!(app.event_count(org.id).await, before);
    }
);

web_test!(
    another_organisations_entries_are_not_found,
    |app| async move {
        let a = &app.a;
        let b_admin = &app.b.admin().token;
        let system = create_system(&app, &a.admin().token, &system_body("Söders journal")).await;
        let asset = app
            .create_asset(a.id, "Söders journalanteckningar", a.target.id)
            .await;
        let before = app.event_count(a.id).await;
        let path = format!("/api/v1/systems/{}", system["id"]);
        app.api(Method::GET, &path)
            .token(b_admin)
            .send()
            .await
            .problem(404, "not-found");
        app.api(Method::GET, &format!("{path}/history"))
            .token(b_admin)
            .send()
            .await
            .problem(404, "not-found");
        app.api(Method::PUT, &path)
            .token(b_admin)
            .json(&with(system_body("Kapat"), json!({"version": 1})))
            .send()
            .await
            .problem(404, "not-found");
        app.api(Method::POST, &format!("{path}/dependencies"))
            .token(b_admin)
            .json(&json!({"depends_on_id": system["id"]}))
            .send()
            .await
            .problem(404, "not-found");
        let asset_path = format!("/api/v1/assets/{asset}");
        app.api(Method::GET, &asset_path)
            .token(b_admin)
            .send()
            .await
            .problem(404, "not-found");
        let list = app
            .api(Method::GET, "/api/v1/systems")
            .token(b_admin)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(list["total"], 0);
        let list = app
            .api(Method::GET, "/api/v1/assets")
            .token(b_admin)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(list["total"], 0);
        // A system of B cannot depend on one of A either.
        let own = create_system(&app, b_admin, &system_body("Norrs journal")).await;
        let resp = app
            .api(
                Method::POST,
                &format!("/api/v1/systems/{}/dependencies", own["id"]),
            )
            .token(b_admin)
            .json(&json!({"depends_on_id": system["id"]}))
            .send()
            .await;
        assert_eq!(resp.invalid_fields(), ["depends_on_id"]);
        assert_eq!(app.event_count(a.id).await, before);
    }
);

web_test!(
    a_dependency_cycle_is_refused_naming_the_field,
    |app| async move {
        let org = &app.a;
        let token = &org.member(Role::Coordinator).token;
        let journal = create_system(&app, token, &system_body("Journal")).await;
        let network = create_system(
            &app,
            token,
            &with(system_body("Nät"), json!({"kind": "network"})),
        )
        .await;
        let identity = create_system(&app, token, &system_body("Inloggning")).await;
        let depend = |from: &Value, to: &Value| {
            let path = format!("/api/v1/systems/{}/dependencies", from["id"]);
            let body = json!({"depends_on_id": to["id"]});
            let app = &app;
            async move {
                app.api(Method::POST, &path)
                    .token(token)
                    .json(&body)
                    .send()
                    .await
            }
        };
        let detail = depend(&journal, &identity).await.expect(201).json();
        assert_eq!(detail["dependencies"][0]["id"], identity["id"]);
        depend(&identity, &network).await.expect(201);
        let events = app.event_count(org.id).await;
        assert_eq!(
            depend(&network, &journal).await.invalid_fields(),
            ["depends_on_id"]
        );
        assert_eq!(
            depend(&journal, &journal).await.invalid_fields(),
            ["depends_on_id"]
        );
        assert_eq!(
            depend(&journal, &identity).await.invalid_fields(),
            ["depends_on_id"]
        );
        assert_eq!(app.event_count(org.id).await, events);

        // Removing a dependency lets the other direction in.
        app.api(
            Method::DELETE,
            &format!(
                "/api/v1/systems/{}/dependencies/{}",
                identity["id"], network["id"]
            ),
        )
        .token(token)
        .send()
        .await
        .expect(204);
        app.api(
            Method::DELETE,
            &format!(
                "/api/v1/systems/{}/dependencies/{}",
                identity["id"], network["id"]
            ),
        )
        .token(token)
        .send()
        .await
        .problem(404, "not-found");
        depend(&network, &journal).await.expect(201);
    }
);

web_test!(
    assets_are_created_listed_and_updated_by_their_owner,
    |app| async move {
        let org = &app.a;
        let coordinator = &org.member(Role::Coordinator).token;
        let owner = org.member(Role::InformationOwner);
        let body = json!({
            "name": "Patientjournal",
            "form": "digital",
            "owner_id": owner.id,
            "unit_id": org.clinic,
            "contains_personal_data": true,
            "personal_data_categories": ["health", "protected_identity"],
            "business_critical": true
        });
        let asset = app
            .api(Method::POST, "/api/v1/assets")
            .token(coordinator)
            .json(&body)
            .send()
            .await
            .expect(201)
            .json();
        assert_eq!(asset["owner_id"], owner.id);
        assert_eq!(
            asset["personal_data_categories"],
            json!(["health", "protected_identity"])
        );
        let other =
            json!({"name": "Remisser på papper", "form": "paper", "owner_id": org.target.id});
        let other = app
            .api(Method::POST, "/api/v1/assets")
            .token(coordinator)
            .json(&other)
            .send()
            .await
            .expect(201)
            .json();
        let missing_owner = json!({"name": "Utan ägare", "form": "spoken"});
        let resp = app
            .api(Method::POST, "/api/v1/assets")
            .token(coordinator)
            .json(&missing_owner)
            .send()
            .await;
        assert_eq!(resp.invalid_fields(), ["owner_id"]);

        let list = app
            .api(Method::GET, "/api/v1/assets?category=health")
            .token(&org.member(Role::Employee).token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(list["total"], 1);
        assert_eq!(list["items"][0]["name"], "Patientjournal");

        let update = with(
            body.clone(),
            json!({"name": "Patientjournal (HSL)", "version": 1}),
        );
        let updated = app
            .api(Method::PUT, &format!("/api/v1/assets/{}", asset["id"]))
            .token(&owner.token)
            .json(&update)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(updated["version"], 2);
        app.api(Method::PUT, &format!("/api/v1/assets/{}", asset["id"]))
            .token(&owner.token)
            .json(&update)
            .send()
            .await
            .problem(409, "conflict");
        let take = json!({"name": "Remisser", "form": "paper", "owner_id": owner.id, "version": 1});
        app.api(Method::PUT, &format!("/api/v1/assets/{}", other["id"]))
            .token(&owner.token)
            .json(&take)
            .send()
            .await
            .problem(403, "forbidden");
    }
);

web_test!(the_register_is_confirmed_yearly, |app| async move {
    let org = &app.a;
    let coordinator = &org.member(Role::Coordinator).token;
    let status = app
        .api(Method::GET, "/api/v1/register-confirmations/latest")
        .token(&org.member(Role::Employee).token)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(status, json!({"latest": null, "overdue": true}));
    create_system(&app, coordinator, &system_body("Journal")).await;
    let confirmation = app
        .api(Method::POST, "/api/v1/register-confirmations")
        .token(coordinator)
        .json(&json!({"note": "Genomgånget med förvaltningarna"}))
        .send()
        .await
        .expect(201)
        .json();
    assert_eq!(confirmation["system_count"], 1);
    assert_eq!(confirmation["changes"]["created"], json!(["IS-0001"]));
    assert_eq!(
        confirmation["changes"]["note"],
        "Genomgånget med förvaltningarna"
    );
    let status = app
        .api(Method::GET, "/api/v1/register-confirmations/latest")
        .token(&org.member(Role::Auditor).token)
        .send()
        .await
        .expect(200)
        .json();
    assert_eq!(status["overdue"], false);
    assert_eq!(status["latest"]["id"], confirmation["id"]);
});

web_test!(
    assets_are_linked_to_the_systems_that_hold_them,
    |app| async move {
        let org = &app.a;
        let admin = &org.admin().token;
        let owner = org.member(Role::InformationOwner);
        let system = create_system(&app, admin, &system_body("Journalsystemet")).await;
        let asset = app.create_asset(org.id, "Patientjournal", owner.id).await;
        let foreign = app
            .create_asset(org.id, "Annans tillgång", org.target.id)
            .await;
        let path = format!("/api/v1/assets/{asset}/systems");
        let linked = app
            .api(Method::POST, &path)
            .token(&owner.token)
            .json(&json!({"system_id": system["id"]}))
            .send()
            .await
            .expect(201)
            .json();
        assert_eq!(linked["systems"][0]["designation"], "IS-0001");
        let duplicate = app
            .api(Method::POST, &path)
            .token(&owner.token)
            .json(&json!({"system_id": system["id"]}))
            .send()
            .await;
        assert_eq!(duplicate.invalid_fields(), ["system_id"]);
        let detail = app
            .api(Method::GET, &format!("/api/v1/systems/{}", system["id"]))
            .token(&owner.token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(detail["assets"][0]["id"], asset);
        let held = app
            .api(
                Method::GET,
                &format!("/api/v1/assets?system_id={}", system["id"]),
            )
            .token(&owner.token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(held["total"], 1);
        app.api(Method::POST, &format!("/api/v1/assets/{foreign}/systems"))
            .token(&owner.token)
            .json(&json!({"system_id": system["id"]}))
            .send()
            .await
            .problem(403, "forbidden");
        app.api(Method::DELETE, &format!("{path}/{}", system["id"]))
            .token(&owner.token)
            .send()
            .await
            .expect(204);
        app.api(Method::DELETE, &format!("{path}/{}", system["id"]))
            .token(&owner.token)
            .send()
            .await
            .problem(404, "not-found");
    }
);

web_test!(
    the_register_list_shows_what_another_process_changed,
    |app| async move {
        let org = &app.a;
        let token = &org.admin().token;
        let created = create_system(&app, token, &system_body("Labbsystemet")).await;
        let list_path = "/api/v1/systems?q=labb&kind=information_system";
        let names = |list: Value| -> Vec<String> {
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .map(|s| s["name"].as_str().expect("name").to_owned())
                .collect()
        };
        let read = || async {
            app.api(Method::GET, list_path)
                .token(token)
                .send()
                .await
                .expect(200)
                .json()
        };
        assert_eq!(names(read().await), ["Labbsystemet"]);
        assert_eq!(names(read().await), ["Labbsystemet"], "read twice");
        let mut browser = app.signed_in(org.admin()).await;
        let page = browser.get("/register?q=labb").await.expect(200).page();
        assert!(page.contains("Labbsystemet"), "{page}");

        let (other, _db) = app.second_process().await;
        let path = format!("/api/v1/systems/{}", created["id"]);
        let renamed = with(
            system_body("Labbsystemet Klinisk kemi"),
            json!({"version": created["version"]}),
        );
        TestApp::api_on(&other, Method::PUT, &path)
            .token(token)
            .json(&renamed)
            .send()
            .await
            .expect(200);

        assert_eq!(names(read().await), ["Labbsystemet Klinisk kemi"]);
        let page = browser.get("/register?q=labb").await.expect(200).page();
        assert!(page.contains("Labbsystemet Klinisk kemi"), "{page}");
    }
);
