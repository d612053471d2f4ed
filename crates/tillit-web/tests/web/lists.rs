//! Paging and filters of the API's lists.

use axum::http::Method;
use serde_json::Value;
use tillit_domain::auth::Role;

use crate::harness::TestApp;

async fn list(app: &TestApp, path: &str) -> Value {
    app.api(Method::GET, path)
        .token(&app.a.admin().token)
        .send()
        .await
        .expect(200)
        .json()
}

fn column<'a>(list: &'a Value, key: &str) -> Vec<&'a Value> {
    list["items"]
        .as_array()
        .expect("items")
        .iter()
        .map(|item| &item[key])
        .collect()
}

fn ids(list: &Value, key: &str) -> Vec<i64> {
    column(list, key)
        .into_iter()
        .map(|v| v.as_i64().expect("id"))
        .collect()
}

web_test!(users_are_paged_and_filtered, |app| async move {
    let org = &app.a;
    let everyone = list(&app, "/api/v1/users?per_page=500").await;
    let total = org.all_accounts().count() as i64;
    assert_eq!(
        (
            everyone["total"].as_i64(),
            everyone["page"].as_u64(),
            everyone["per_page"].as_u64()
        ),
        (Some(total), Some(1), Some(500))
    );
    assert_eq!(
        list(&app, "/api/v1/users").await["per_page"],
        50,
        "the default page size"
    );

    // Pages of three cover everyone exactly once.
    let mut paged = Vec::new();
    for page in 1..=4 {
        let chunk = list(&app, &format!("/api/v1/users?per_page=3&page={page}")).await;
        assert_eq!(
            (chunk["total"].as_i64(), chunk["page"].as_i64()),
            (Some(total), Some(page))
        );
        assert_eq!(
            chunk["items"].as_array().expect("items").len(),
            if page < 4 { 3 } else { 1 }
        );
        paged.extend(ids(&chunk, "id"));
    }
    assert_eq!(paged, ids(&everyone, "id"));
    let beyond = list(&app, "/api/v1/users?per_page=3&page=5").await;
    assert_eq!(
        (
            beyond["total"].as_i64(),
            beyond["items"].as_array().map(Vec::len)
        ),
        (Some(total), Some(0))
    );

    // q matches name or e-mail, ignoring case.
    let auditor = org.member(Role::Auditor);
    for q in ["AUDITOR", "auditor@soder", "Söder AUD"] {
        let found = list(&app, &format!("/api/v1/users?q={}", urlencode(q))).await;
        assert_eq!(ids(&found, "id"), vec![auditor.id], "q={q}");
        assert_eq!(found["total"], 1);
    }
    assert_eq!(
        list(&app, "/api/v1/users?q=nobody-by-this-name").await["total"],
        0
    );

    // role: users holding that role anywhere.
    let coordinators = list(&app, "/api/v1/users?role=coordinator").await;
    assert_eq!(
        ids(&coordinators, "id"),
        vec![org.member(Role::Coordinator).id]
    );
    assert_eq!(
        coordinators["items"][0]["roles"],
        serde_json::json!([{"role": "coordinator", "unit_id": null}])
    );
    let body = serde_json::json!({"role": "coordinator", "unit_id": org.ward});
    app.api(
        Method::POST,
        &format!("/api/v1/users/{}/roles", org.target.id),
    )
    .token(&org.admin().token)
    .json(&body)
    .send()
    .await
    .expect(200);
    let coordinators = list(&app, "/api/v1/users?role=coordinator").await;
    assert_eq!(coordinators["total"], 2);
    assert_eq!(
        ids(
            &list(&app, &format!("/api/v1/users?unit_id={}", org.ward)).await,
            "id"
        ),
        vec![org.target.id]
    );
    let both = list(&app, "/api/v1/users?role=coordinator&q=målperson").await;
    assert_eq!(ids(&both, "id"), vec![org.target.id]);
    assert_eq!(
        list(&app, "/api/v1/users?role=coordinator&q=auditor").await["total"],
        0
    );
});

web_test!(
    org_units_are_filtered_by_parent_and_name,
    |app| async move {
        let org = &app.a;
        let children = list(&app, &format!("/api/v1/org-units?parent_id={}", org.root)).await;
        let mut child_ids = ids(&children, "id");
        child_ids.sort_unstable();
        assert_eq!(
            (children["total"].as_i64(), child_ids),
            (Some(2), vec![org.clinic, org.sibling])
        );
        assert!(column(&children, "parent_id")
            .iter()
            .all(|p| p.as_i64() == Some(org.root)));
        assert_eq!(
            ids(
                &list(&app, &format!("/api/v1/org-units?parent_id={}", org.ward)).await,
                "id"
            ),
            Vec::<i64>::new()
        );
        assert_eq!(
            ids(&list(&app, "/api/v1/org-units?top_level=true").await, "id"),
            vec![org.root]
        );

        for name in ["AKUT", "akut", "Söder akut"] {
            let found = list(&app, &format!("/api/v1/org-units?name={}", urlencode(name))).await;
            let names: Vec<&str> = column(&found, "name")
                .into_iter()
                .map(|v| v.as_str().expect("name"))
                .collect();
            assert_eq!(
                names,
                vec!["Söder akutklinik", "Söder akutmottagning"],
                "name={name}"
            );
        }
        let both = list(
            &app,
            &format!("/api/v1/org-units?name=akut&parent_id={}", org.clinic),
        )
        .await;
        assert_eq!(ids(&both, "id"), vec![org.ward]);

        let first = list(&app, "/api/v1/org-units?per_page=3").await;
        let second = list(&app, "/api/v1/org-units?per_page=3&page=2").await;
        assert_eq!(
            (first["total"].as_i64(), second["total"].as_i64()),
            (Some(4), Some(4))
        );
        assert_eq!((ids(&first, "id").len(), ids(&second, "id").len()), (3, 1));
    }
);

web_test!(
    audit_events_are_filtered_by_action_and_object,
    |app| async move {
        let org = &app.a;
        let unit_creations = list(
            &app,
            "/api/v1/audit-events?action=create&object_type=org_unit",
        )
        .await;
        assert_eq!(unit_creations["total"], 4, "the fixture's four units");
        let mut objects: Vec<i64> = column(&unit_creations, "object_id")
            .into_iter()
            .map(|v| v.as_str().expect("id").parse().expect("number"))
            .collect();
        objects.sort_unstable();
        assert_eq!(objects, vec![org.root, org.clinic, org.ward, org.sibling]);
        assert!(column(&unit_creations, "action")
            .iter()
            .all(|a| *a == "create"));

        let grants = list(&app, "/api/v1/audit-events?action=role_grant").await;
        assert_eq!(grants["total"], 9, "one role per fixture member");
        assert!(column(&grants, "object_type").iter().all(|t| *t == "user"));
        let users = list(&app, "/api/v1/audit-events?object_type=user&action=create").await;
        assert_eq!(users["total"], org.all_accounts().count() as i64);
        let one = list(
            &app,
            &format!(
                "/api/v1/audit-events?object_type=org_unit&object_id={}",
                org.ward
            ),
        )
        .await;
        assert_eq!(
            (one["total"].as_i64(), column(&one, "object_id")),
            (Some(1), vec![&Value::from(org.ward.to_string())])
        );
        let actor = list(
            &app,
            &format!("/api/v1/audit-events?actor_id={}", org.admin().id),
        )
        .await;
        assert_eq!(
            actor["total"], 0,
            "the fixture was written by the system, not the administrator"
        );
        assert_eq!(
            list(&app, "/api/v1/audit-events?action=no-such-action").await["total"],
            0
        );

        // Newest first, paged.
        let all = list(&app, "/api/v1/audit-events?per_page=500").await;
        let seqs = ids(&all, "seq");
        assert!(
            seqs.windows(2).all(|w| w[0] > w[1]),
            "newest first: {seqs:?}"
        );
        let page_two = list(&app, "/api/v1/audit-events?per_page=5&page=2").await;
        assert_eq!(ids(&page_two, "seq"), seqs[5..10].to_vec());
        assert_eq!(page_two["total"], all["total"]);

        // A time window: everything so far is before now, nothing after it.
        let now = urlencode(&chrono::Utc::now().to_rfc3339());
        assert_eq!(
            list(&app, &format!("/api/v1/audit-events?until={now}")).await["total"],
            all["total"]
        );
        assert_eq!(
            list(&app, &format!("/api/v1/audit-events?from={now}")).await["total"],
            0
        );
    }
);

fn urlencode(text: &str) -> String {
    serde_urlencoded::to_string([("", text)])
        .expect("encode")
        .trim_start_matches('=')
        .to_owned()
}

web_test!(
    the_user_list_shows_what_another_process_changed,
    |app| async move {
        let org = &app.a;
        let target = &org.target;
        let path = format!("/api/v1/users?q={}", urlencode(&target.display_name));
        let find = |list: &Value| {
            list["items"]
                .as_array()
                .expect("items")
                .iter()
                .find(|u| u["id"] == target.id)
                .cloned()
                .expect("the target user is listed")
        };
        let before = find(&list(&app, &path).await);
        assert_eq!(before["two_factor_enabled"], false);
        assert_eq!(find(&list(&app, &path).await), before, "read twice");

        let (other, other_db) = app.second_process().await;
        TestApp::api_on(&other, Method::PUT, &format!("/api/v1/users/{}", target.id))
            .token(&org.admin().token)
            .json(&serde_json::json!({
                "display_name": target.display_name,
                "title": "Systemförvaltare",
                "active": true,
                "version": before["version"],
            }))
            .send()
            .await
            .expect(200);
        let renamed = find(&list(&app, &path).await);
        assert_eq!(renamed["title"], "Systemförvaltare");

        crate::harness::enable_two_factor(&other_db, org.id, target.id).await;
        let secured = find(&list(&app, &path).await);
        assert_eq!(secured["two_factor_enabled"], true);

        // Starting the set-up over turns two-factor login off until it is confirmed again.
        let secret = tillit_web::auth::totp::new_secret();
        let actor = crate::harness::fixture_actor();
        tillit_store::users::set_pending_totp(&other_db, org.id, &actor, target.id, &secret)
            .await
            .expect("pending secret");
        let restarted = find(&list(&app, &path).await);
        assert_eq!(restarted["two_factor_enabled"], false);
    }
);
