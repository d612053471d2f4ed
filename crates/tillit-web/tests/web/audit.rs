//! The audit trail records every write with its before and after, verifies as intact,
//! and proves single events against a signed checkpoint.

use axum::http::Method;
use ed25519_dalek::VerifyingKey;
use serde_json::{json, Value};
use tillit_audit::merkle::verify_inclusion;
use tillit_audit::{Checkpoint, Hash};
use tillit_domain::auth::Role;

use crate::harness::{TestApp, PASSWORD};

/// The one event matching the filter, found through the API.
async fn only_event(app: &TestApp, query: &str) -> Value {
    let resp = app
        .api(Method::GET, &format!("/api/v1/audit-events?{query}"))
        .token(&app.a.admin().token)
        .send()
        .await;
    let list = resp.expect(200).json();
    assert_eq!(list["total"], 1, "{query}: {list}");
    list["items"][0].clone()
}

fn hash(hex_text: &Value) -> Hash {
    hex::decode(hex_text.as_str().expect("hex"))
        .expect("hex")
        .try_into()
        .expect("32 bytes")
}

web_test!(
    every_write_is_recorded_with_before_and_after,
    |app| async move {
        let org = &app.a;
        let admin = org.admin();
        let token = &admin.token;

        let body = json!({"name": "Barnkliniken", "kind": "operation", "parent_id": org.root, "description": "Ny"});
        let unit = app
            .api(Method::POST, "/api/v1/org-units")
            .token(token)
            .json(&body)
            .send()
            .await
            .expect(201)
            .json();
        let id = unit["id"].as_i64().expect("id");
        let created = only_event(
            &app,
            &format!("action=create&object_type=org_unit&object_id={id}"),
        )
        .await;
        assert_eq!(
            (
                created["actor_id"].as_i64(),
                created["actor_label"].as_str()
            ),
            (Some(admin.id), Some(admin.email.as_str()))
        );
        assert_eq!(created["before"], Value::Null);
        assert_eq!(
            (&created["after"]["name"], &created["after"]["parent_id"]),
            (&json!("Barnkliniken"), &json!(org.root))
        );

        let update = json!({"name": "Barn- och ungdomskliniken", "kind": "operation", "parent_id": org.root, "version": 1});
        app.api(Method::PUT, &format!("/api/v1/org-units/{id}"))
            .token(token)
            .json(&update)
            .send()
            .await
            .expect(200);
        let updated = only_event(
            &app,
            &format!("action=update&object_type=org_unit&object_id={id}"),
        )
        .await;
        assert_eq!(
            (&updated["before"]["name"], &updated["before"]["version"]),
            (&json!("Barnkliniken"), &json!(1))
        );
        assert_eq!(
            (&updated["after"]["name"], &updated["after"]["version"]),
            (&json!("Barn- och ungdomskliniken"), &json!(2))
        );

        app.api(Method::DELETE, &format!("/api/v1/org-units/{id}?version=2"))
            .token(token)
            .send()
            .await
            .expect(204);
        let deleted = only_event(
            &app,
            &format!("action=delete&object_type=org_unit&object_id={id}"),
        )
        .await;
        assert_eq!(
            (&deleted["before"]["name"], &deleted["after"]),
            (&json!("Barn- och ungdomskliniken"), &Value::Null)
        );

        let new_user = json!({"email": "ny.kollega@soder.example", "display_name": "Ny Kollega", "password": PASSWORD, "role": "employee"});
        let user = app
            .api(Method::POST, "/api/v1/users")
            .token(token)
            .json(&new_user)
            .send()
            .await
            .expect(201)
            .json();
        let user_id = user["id"].as_i64().expect("id");
        let created = only_event(
            &app,
            &format!("action=create&object_type=user&object_id={user_id}"),
        )
        .await;
        assert_eq!(created["after"]["email"], "ny.kollega@soder.example");
        assert!(
            created["after"].get("password_hash").is_none(),
            "no password hash in the trail: {created}"
        );
        let first_role = only_event(&app, &format!("action=role_grant&object_id={user_id}")).await;
        assert_eq!(
            first_role["after"],
            json!({"role": "employee", "unit_id": null})
        );

        let grant = json!({"role": "information_owner", "unit_id": org.clinic});
        app.api(Method::POST, &format!("/api/v1/users/{user_id}/roles"))
            .token(token)
            .json(&grant)
            .send()
            .await
            .expect(200);
        let list = app
            .api(
                Method::GET,
                &format!("/api/v1/audit-events?action=role_grant&object_id={user_id}"),
            )
            .token(token)
            .send()
            .await
            .json();
        assert_eq!(list["total"], 2);
        assert_eq!(
            list["items"][0]["after"],
            json!({"role": "information_owner", "unit_id": org.clinic}),
            "newest first"
        );
        app.api(Method::DELETE, &format!("/api/v1/users/{user_id}/roles"))
            .token(token)
            .json(&grant)
            .send()
            .await
            .expect(200);
        let revoked = only_event(&app, &format!("action=role_revoke&object_id={user_id}")).await;
        assert_eq!(
            revoked["before"],
            json!({"role": "information_owner", "unit_id": org.clinic})
        );

        // Signing in, and failing to, through the real form.
        let employee = org.member(Role::Employee);
        let mut browser = app.browser();
        browser
            .log_in(&employee.email, "alldeles fel")
            .await
            .expect(422);
        let failed = only_event(&app, "action=login_failed").await;
        assert_eq!(
            (
                &failed["object_type"],
                &failed["after"]["reason"],
                &failed["actor_id"]
            ),
            (&json!("session"), &json!("password"), &Value::Null)
        );
        assert_eq!(failed["actor_label"], employee.email);
        browser.log_in_as(employee).await;
        let login = only_event(&app, "action=login").await;
        assert_eq!(
            (login["actor_id"].as_i64(), &login["object_type"]),
            (Some(employee.id), &json!("session"))
        );

        // Exporting an event with its proof is itself recorded.
        let seq = login["seq"].as_i64().expect("seq");
        app.api(Method::GET, &format!("/api/v1/audit-events/{seq}/proof"))
            .token(token)
            .send()
            .await
            .expect(200);
        let export = only_event(&app, "action=export").await;
        assert_eq!(
            (
                &export["object_type"],
                &export["object_id"],
                export["actor_id"].as_i64()
            ),
            (
                &json!("audit_event"),
                &json!(seq.to_string()),
                Some(admin.id)
            )
        );

        // A page write is recorded the same way.
        let mut admin_browser = app.signed_in(admin).await;
        let ward = app.unit(org.id, org.ward).await;
        let clinic = org.clinic.to_string();
        let version = ward.version.to_string();
        let path = format!("/organisation/units/{}", org.ward);
        admin_browser
            .post(
                &path,
                &[
                    ("name", "Akuten Söder"),
                    ("kind", "unit"),
                    ("parent_id", &clinic),
                    ("version", &version),
                ],
            )
            .await
            .expect(303);
        let page_update = only_event(
            &app,
            &format!("action=update&object_type=org_unit&object_id={}", org.ward),
        )
        .await;
        assert_eq!(
            (
                &page_update["before"]["name"],
                &page_update["after"]["name"]
            ),
            (&json!(ward.name), &json!("Akuten Söder"))
        );

        let verify = app
            .api(Method::GET, "/api/v1/audit/verify")
            .token(token)
            .send()
            .await
            .expect(200)
            .json();
        let head =
            tillit_store::audit::list(&app.db, org.id, &Default::default(), Default::default())
                .await
                .expect("events")
                .items[0]
                .seq;
        assert_eq!(verify["intact"], true, "{verify}");
        assert!(
            verify["verified_up_to"].as_i64().expect("seq") >= head,
            "{verify}"
        );
        assert_eq!(verify["first_bad_seq"], Value::Null);
        assert!(
            verify["checkpoints_checked"].as_u64().expect("count") >= 1,
            "the export signed a checkpoint: {verify}"
        );

        let page = admin_browser.post("/audit/verify", &[]).await;
        page.expect(200);
        let intact = app.text(tillit_domain::users::Language::Sv, "audit-intact");
        let up_to = app.state.i18n.text_with(
            tillit_domain::users::Language::Sv,
            "audit-verified-up-to",
            &[("seq", verify["verified_up_to"].to_string())],
        );
        assert!(
            page.page().contains(&intact) && page.page().contains(&up_to),
            "{}",
            page.page()
        );
    }
);

web_test!(
    inclusion_proof_verifies_against_the_signed_checkpoint,
    |app| async move {
        let org = &app.a;
        let token = &org.admin().token;
        // A few more events after the first one, so the tree has some depth.
        for n in 0..5 {
            let body = json!({"name": format!("Enhet {n}"), "kind": "unit"});
            app.api(Method::POST, "/api/v1/org-units")
                .token(token)
                .json(&body)
                .send()
                .await
                .expect(201);
        }
        let seq = org.first_event;
        let proof = app
            .api(Method::GET, &format!("/api/v1/audit-events/{seq}/proof"))
            .token(token)
            .send()
            .await
            .expect(200)
            .json();
        assert_eq!(proof["event"]["seq"], seq);
        assert_eq!(proof["event"]["action"], "create");
        let index = proof["leaf_index"].as_u64().expect("index");
        let size = proof["tree_size"].as_u64().expect("size");
        assert_eq!(index, seq as u64 - 1);
        assert!(size > index && size > 1, "{proof}");
        let leaf = hash(&proof["leaf_hash"]);
        let root = hash(&proof["root_hash"]);
        let path: Vec<Hash> = proof["audit_path"]
            .as_array()
            .expect("path")
            .iter()
            .map(hash)
            .collect();
        assert!(!path.is_empty());
        verify_inclusion(&leaf, index, size, &path, &root)
            .expect("the audit path leads to the signed root");

        // The checkpoint is signed by the server's audit key.
        let key_bytes: [u8; 32] = hex::decode(proof["public_key"].as_str().expect("key"))
            .expect("hex")
            .try_into()
            .expect("32 bytes");
        assert_eq!(key_bytes, app.state.audit_key.verifying_key().to_bytes());
        let key = VerifyingKey::from_bytes(&key_bytes).expect("key");
        let issued: chrono::DateTime<chrono::Utc> =
            serde_json::from_value(proof["checkpoint_issued_at"].clone()).expect("time");
        let checkpoint = Checkpoint {
            tree_size: size,
            root,
            issued_at_micros: issued.timestamp_micros(),
        };
        assert_eq!(
            checkpoint.body(),
            proof["checkpoint_body"].as_str().expect("body")
        );
        let signature = hex::decode(proof["signature"].as_str().expect("signature")).expect("hex");
        checkpoint
            .verify(&key, &signature)
            .expect("the checkpoint signature verifies");

        // And the checks are not vacuous: any change is caught.
        let mut other_leaf = leaf;
        other_leaf[0] ^= 1;
        assert!(verify_inclusion(&other_leaf, index, size, &path, &root).is_err());
        let bigger = Checkpoint {
            tree_size: size + 1,
            ..checkpoint
        };
        assert!(bigger.verify(&key, &signature).is_err());

        // The page export is the same document, as a download.
        let mut browser = app.signed_in(org.admin()).await;
        let download = browser.get(&format!("/audit/{seq}/proof")).await;
        download.expect(200);
        assert!(download
            .header("content-disposition")
            .starts_with("attachment"));
        let again = download.json();
        assert_eq!(
            (&again["leaf_hash"], &again["event"]),
            (&proof["leaf_hash"], &proof["event"])
        );
        let again_path: Vec<Hash> = again["audit_path"]
            .as_array()
            .expect("path")
            .iter()
            .map(hash)
            .collect();
        let again_size = again["tree_size"].as_u64().expect("size");
        verify_inclusion(
            &leaf,
            index,
            again_size,
            &again_path,
            &hash(&again["root_hash"]),
        )
        .expect("the downloaded proof verifies too");
    }
);
