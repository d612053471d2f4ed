//! Tenant isolation: nobody in organisation A can read, list, count, change or delete
//! anything of organisation B, through the API or the pages.

use axum::http::Method;
use serde_json::{json, Value};
use tillit_domain::auth::Role;

use crate::harness::TestApp;

/// Everything about B that A must not be able to change: the counts of its rows and
/// the versions of its organisation, units, controller and user.
async fn snapshot_of_b(app: &TestApp) -> ((i64, i64, i64), Vec<i64>) {
    let b = &app.b;
    let mut versions = vec![
        tillit_store::org::get_organisation(&app.db, b.id)
            .await
            .expect("organisation")
            .version,
    ];
    for id in [b.root, b.clinic, b.ward, b.sibling] {
        versions.push(app.unit(b.id, id).await.version);
    }
    versions.push(
        tillit_store::org::get_controller(&app.db, b.id, b.controller)
            .await
            .expect("controller")
            .version,
    );
    versions.push(app.user_version(b.id, b.target.id).await);
    versions.push(app.user_version(b.id, b.admin().id).await);
    (app.footprint(b.id).await, versions)
}

fn ids(list: &Value, key: &str) -> Vec<i64> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| item[key].as_i64().expect("id"))
        .collect()
}

web_test!(api_never_reaches_another_organisation, |app| async move {
    let (a, b) = (&app.a, &app.b);
    let token = &a.admin().token;
    let before = snapshot_of_b(&app).await;
    let b_event = b.first_event;

    let unit_update = json!({"name": "Kapad", "kind": "unit", "version": 1});
    let user_update = json!({"display_name": "Kapad", "active": false, "version": 1});
    let role = json!({"role": "administrator"});
    let requests: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/org-units/{}", b.ward), None),
        (
            Method::PUT,
            format!("/api/v1/org-units/{}", b.ward),
            Some(unit_update),
        ),
        (
            Method::DELETE,
            format!("/api/v1/org-units/{}?version=1", b.ward),
            None,
        ),
        (Method::GET, format!("/api/v1/users/{}", b.target.id), None),
        (
            Method::PUT,
            format!("/api/v1/users/{}", b.target.id),
            Some(user_update),
        ),
        (
            Method::POST,
            format!("/api/v1/users/{}/roles", b.target.id),
            Some(role.clone()),
        ),
        (
            Method::DELETE,
            format!("/api/v1/users/{}/roles", b.admin().id),
            Some(role),
        ),
        (Method::GET, format!("/api/v1/audit-events/{b_event}"), None),
        (
            Method::GET,
            format!("/api/v1/audit-events/{b_event}/proof"),
            None,
        ),
    ];
    for (method, path, body) in requests {
        let mut call = app.api(method, &path).token(token);
        if let Some(body) = body {
            call = call.json(&body);
        }
        call.send().await.problem(404, "not-found");
    }

    // References to B's rows from A's writes are unknown, not followed.
    let create = |extra: Value| {
        let mut body = json!({"name": "Ny enhet", "kind": "unit"});
        body.as_object_mut()
            .expect("object")
            .extend(extra.as_object().expect("object").clone());
        body
    };
    for (body, field) in [
        (create(json!({"parent_id": b.clinic})), "parent_id"),
        (create(json!({"manager_id": b.target.id})), "manager_id"),
    ] {
        let resp = app
            .api(Method::POST, "/api/v1/org-units")
            .token(token)
            .json(&body)
            .send()
            .await;
        assert_eq!(resp.invalid_fields(), vec![field.to_owned()]);
    }
    let grant = json!({"role": "auditor", "unit_id": b.ward});
    let resp = app
        .api(
            Method::POST,
            &format!("/api/v1/users/{}/roles", a.target.id),
        )
        .token(token)
        .json(&grant)
        .send()
        .await;
    assert_eq!(resp.invalid_fields(), vec!["unit_id".to_owned()]);

    // Lists and totals hold only A's rows, whatever the filter.
    let get = |path: String| app.api(Method::GET, &path).token(token).send();
    let units = get("/api/v1/org-units?per_page=500".into()).await.json();
    assert_eq!(units["total"], app.unit_count(a.id).await);
    let mut unit_ids = ids(&units, "id");
    unit_ids.sort_unstable();
    assert_eq!(unit_ids, vec![a.root, a.clinic, a.ward, a.sibling]);
    for path in [
        format!("/api/v1/org-units?parent_id={}", b.root),
        format!("/api/v1/org-units?name={}", b.label),
    ] {
        let filtered = get(path).await.json();
        assert_eq!(
            (filtered["total"].as_i64(), ids(&filtered, "id").len()),
            (Some(0), 0),
            "{filtered}"
        );
    }

    let users = get("/api/v1/users?per_page=500".into()).await.json();
    assert_eq!(users["total"], a.all_accounts().count() as i64);
    let emails: Vec<&str> = users["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|u| u["email"].as_str().expect("email"))
        .collect();
    assert!(emails.iter().all(|e| e.ends_with(&a.domain)), "{emails:?}");
    for path in [
        format!("/api/v1/users?q={}", b.domain),
        format!("/api/v1/users?unit_id={}", b.ward),
    ] {
        assert_eq!(get(path).await.json()["total"], 0);
    }
    let administrators = get("/api/v1/users?role=administrator".into()).await.json();
    assert_eq!(ids(&administrators, "id"), vec![a.admin().id]);

    let events = get("/api/v1/audit-events?per_page=500".into()).await.json();
    assert_eq!(events["total"], app.event_count(a.id).await);
    let b_events = tillit_store::audit::list(
        &app.db,
        b.id,
        &Default::default(),
        tillit_domain::pagination::PageRequest {
            page: 1,
            per_page: 500,
        },
    )
    .await
    .expect("b events");
    let seen = ids(&events, "seq");
    assert!(
        b_events.items.iter().all(|e| !seen.contains(&e.seq)),
        "no event of B is listed to A"
    );
    let by_object = get(format!(
        "/api/v1/audit-events?object_type=org_unit&object_id={}",
        b.ward
    ))
    .await
    .json();
    assert_eq!(by_object["total"], 0);

    assert_eq!(snapshot_of_b(&app).await, before, "B is untouched");
});

web_test!(pages_never_reach_another_organisation, |app| async move {
    let (a, b) = (&app.a, &app.b);
    let before = snapshot_of_b(&app).await;
    let mut browser = app.signed_in(a.admin()).await;

    for path in [
        format!("/organisation/units/{}", b.ward),
        format!("/organisation/controllers/{}", b.controller),
        format!("/users/{}", b.target.id),
        format!("/audit/{}", b.first_event),
        format!("/audit/{}/proof", b.first_event),
    ] {
        browser.get(&path).await.expect(404);
    }
    let b_token = tillit_store::tokens::list_for_user(&app.db, b.admin().id)
        .await
        .expect("tokens")[0]
        .id;
    let posts: Vec<(String, Vec<(&str, String)>)> = vec![
        (
            format!("/organisation/units/{}", b.ward),
            vec![
                ("name", "Kapad".into()),
                ("kind", "unit".into()),
                ("version", "1".into()),
            ],
        ),
        (
            format!("/organisation/units/{}/delete", b.ward),
            vec![("version", "1".into())],
        ),
        (
            format!("/organisation/controllers/{}", b.controller),
            vec![("name", "Kapad".into()), ("version", "1".into())],
        ),
        (format!("/users/{}/two-factor/reset", b.admin().id), vec![]),
        (
            format!("/users/{}", b.target.id),
            vec![("display_name", "Kapad".into()), ("version", "1".into())],
        ),
        (
            format!("/users/{}/roles", b.target.id),
            vec![("role", "administrator".into())],
        ),
        (
            format!("/users/{}/roles/revoke", b.admin().id),
            vec![("role", "administrator".into())],
        ),
        (format!("/profile/tokens/{b_token}/revoke"), vec![]),
    ];
    for (path, fields) in posts {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser.post(&path, &fields).await.expect(404);
    }
    assert!(tillit_store::access::by_token(
        &app.db,
        &tillit_web::auth::secrets::token_hash(&b.admin().token)
    )
    .await
    .expect("owner")
    .is_some());
    // Saving A's own settings changes only A.
    let version = tillit_store::org::get_organisation(&app.db, a.id)
        .await
        .expect("organisation")
        .version
        .to_string();
    let settings = [
        ("name", "Region Söder"),
        ("kind", "municipality"),
        ("org_number", "212000-0100"),
        ("version", version.as_str()),
    ];
    browser
        .post("/organisation", &settings)
        .await
        .expect_redirect("/organisation?notice=organisation-saved");
    assert_eq!(
        tillit_store::org::get_organisation(&app.db, b.id)
            .await
            .expect("organisation")
            .kind,
        "region"
    );
    // B's organisation number is B's: taking it is a duplicate, not an overwrite.
    let version = tillit_store::org::get_organisation(&app.db, a.id)
        .await
        .expect("organisation")
        .version
        .to_string();
    let taken = [
        ("name", "Region Söder"),
        ("kind", "region"),
        ("org_number", "212000-0142"),
        ("version", version.as_str()),
    ];
    browser.post("/organisation", &taken).await.expect(422);

    // Lists and counts on the pages show only A.
    let pages = [
        "/".to_owned(),
        "/organisation".to_owned(),
        "/users?page=1".to_owned(),
        format!("/users?q={}", b.domain),
        "/audit".to_owned(),
        "/users/new".to_owned(),
    ];
    let mut foreign: Vec<String> = b.unit_names.clone();
    foreign.push(format!("Region {}", b.label));
    foreign.push(b.controller_name.clone());
    foreign.extend(
        b.all_accounts()
            .flat_map(|u| [u.email.clone(), u.display_name.clone()]),
    );
    for path in pages {
        let page = browser.get(&path).await;
        page.expect(200);
        let text = page.page();
        for name in &foreign {
            assert!(
                !text.contains(name.as_str()),
                "{path} shows {name} of the other organisation"
            );
        }
    }
    let users = browser.get("/users").await.page();
    assert!(users.contains(&a.target.email) && users.contains(&a.admin().email));
    let count_text = app.state.i18n.text_with(
        tillit_domain::users::Language::Sv,
        "list-total",
        &[("count", a.all_accounts().count().to_string())],
    );
    assert!(
        users.contains(&count_text),
        "the total counts only A: {count_text}"
    );

    assert_eq!(snapshot_of_b(&app).await, before, "B is untouched");
});

web_test!(every_role_of_a_sees_nothing_of_b, |app| async move {
    let (a, b) = (&app.a, &app.b);
    for role in Role::ALL {
        let token = &a.member(role).token;
        app.api(Method::GET, &format!("/api/v1/org-units/{}", b.root))
            .token(token)
            .send()
            .await
            .problem(404, "not-found");
        let units = app
            .api(Method::GET, "/api/v1/org-units")
            .token(token)
            .send()
            .await
            .json();
        assert_eq!(units["total"], 4, "{}", role.as_str());
        // The other organisation's users are as unknown as ones that never existed.
        let foreign = app
            .api(Method::GET, &format!("/api/v1/users/{}", b.target.id))
            .token(token)
            .send()
            .await;
        let missing = app
            .api(Method::GET, "/api/v1/users/999999")
            .token(token)
            .send()
            .await;
        assert_eq!(foreign.status, missing.status, "{}", role.as_str());
    }
});
