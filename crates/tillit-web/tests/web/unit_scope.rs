//! A role held at a unit covers that unit and everything below it, and nothing else.

use axum::http::Method;
use serde_json::{json, Value};
use tillit_domain::auth::{Assignment, Role};

use crate::harness::{create_account, Resp, TestApp};

async fn create_below(app: &TestApp, token: &str, parent: Value) -> Resp {
    let body = json!({"name": format!("Ny enhet {}", crate::harness::unique()), "kind": "unit", "parent_id": parent});
    app.api(Method::POST, "/api/v1/org-units")
        .token(token)
        .json(&body)
        .send()
        .await
}

web_test!(
    unit_coordinator_manages_only_their_subtree,
    |app| async move {
        let org = &app.a;
        // A coordinator for the clinic (which has the ward below it); the sibling clinic and
        // the root administration are outside.
        let grant = [Assignment {
            role: Role::Coordinator,
            unit_id: Some(org.clinic),
        }];
        let coordinator = create_account(
            &app.db,
            org.id,
            &format!("klinik-samordnare@{}", org.domain),
            "Klinikens samordnare",
            &grant,
            true,
        )
        .await;
        let token = &coordinator.token;

        let child = create_below(&app, token, json!(org.clinic)).await;
        let child_id = child.expect(201).json()["id"].as_i64().expect("id");
        create_below(&app, token, json!(org.ward)).await.expect(201);
        create_below(&app, token, json!(child_id)).await.expect(201);

        for parent in [Value::Null, json!(org.sibling), json!(org.root)] {
            let before = app.footprint(org.id).await;
            create_below(&app, token, parent.clone())
                .await
                .problem(403, "forbidden");
            assert_eq!(
                app.footprint(org.id).await,
                before,
                "parent {parent}: refused but written"
            );
        }

        // Editing inside the subtree works; moving a unit out of it, or editing outside, does not.
        let ward = app.unit(org.id, org.ward).await;
        let edit = |name: &str, parent: i64, version: i64| json!({"name": name, "kind": "unit", "parent_id": parent, "version": version});
        let path = format!("/api/v1/org-units/{}", org.ward);
        app.api(Method::PUT, &path)
            .token(token)
            .json(&edit("Akuten", org.clinic, ward.version))
            .send()
            .await
            .expect(200);
        app.api(Method::PUT, &path)
            .token(token)
            .json(&edit("Akuten", org.sibling, ward.version + 1))
            .send()
            .await
            .problem(403, "forbidden");
        let sibling = app.unit(org.id, org.sibling).await;
        let sibling_path = format!("/api/v1/org-units/{}", org.sibling);
        let rename = json!({"name": "Utanför", "kind": "operation", "parent_id": org.root, "version": sibling.version});
        app.api(Method::PUT, &sibling_path)
            .token(token)
            .json(&rename)
            .send()
            .await
            .problem(403, "forbidden");
        app.api(
            Method::DELETE,
            &format!("{sibling_path}?version={}", sibling.version),
        )
        .token(token)
        .send()
        .await
        .problem(403, "forbidden");
        assert_eq!(app.unit(org.id, org.sibling).await, sibling);
        assert_eq!(app.unit(org.id, org.ward).await.parent_id, Some(org.clinic));

        // Reading is not limited, but organisation-wide powers are not granted.
        app.api(Method::GET, &sibling_path)
            .token(token)
            .send()
            .await
            .expect(200);
        app.api(Method::GET, "/api/v1/audit-events")
            .token(token)
            .send()
            .await
            .problem(403, "forbidden");

        // The pages apply the same rule.
        let mut browser = app.signed_in(&coordinator).await;
        let before = app.footprint(org.id).await;
        for parent in ["", &org.sibling.to_string()] {
            browser
                .post(
                    "/organisation/units",
                    &[
                        ("name", "Via formulär"),
                        ("kind", "unit"),
                        ("parent_id", parent),
                    ],
                )
                .await
                .expect(403);
        }
        assert_eq!(app.footprint(org.id).await, before);
        let ward_id = org.ward.to_string();
        browser
            .post(
                "/organisation/units",
                &[
                    ("name", "Via formulär"),
                    ("kind", "unit"),
                    ("parent_id", &ward_id),
                ],
            )
            .await
            .expect(303);
        assert_eq!(app.unit_count(org.id).await, before.0 + 1);

        // The edit form is offered only inside the subtree.
        let inside = browser
            .get(&format!("/organisation/units/{}", org.ward))
            .await;
        assert!(
            inside.field("version").is_some(),
            "edit form inside the subtree"
        );
        let outside = browser
            .get(&format!("/organisation/units/{}", org.sibling))
            .await;
        outside.expect(200);
        assert!(
            outside.field("version").is_none(),
            "no edit form outside the subtree"
        );
    }
);

web_test!(
    unit_roles_do_not_reach_upwards_for_other_roles,
    |app| async move {
        let org = &app.a;
        // An auditor for one unit may not read the organisation's audit trail.
        let grant = [Assignment {
            role: Role::Auditor,
            unit_id: Some(org.clinic),
        }];
        let auditor = create_account(
            &app.db,
            org.id,
            &format!("enhetsgranskare@{}", org.domain),
            "Enhetens granskare",
            &grant,
            false,
        )
        .await;
        app.api(Method::GET, "/api/v1/audit-events")
            .token(&auditor.token)
            .send()
            .await
            .problem(403, "forbidden");
        app.api(Method::GET, "/api/v1/audit/verify")
            .token(&auditor.token)
            .send()
            .await
            .problem(403, "forbidden");
        let mut browser = app.signed_in(&auditor).await;
        browser.get("/audit").await.expect(403);
    }
);
