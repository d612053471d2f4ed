//! Optimistic concurrency: a change based on a stale version is refused, never applied
//! over someone else's.

use axum::http::Method;
use serde_json::json;
use tillit_domain::users::Language;

use crate::harness::html;

web_test!(
    second_api_update_with_the_same_version_conflicts,
    |app| async move {
        let org = &app.a;
        let path = format!("/api/v1/org-units/{}", org.ward);
        let token = &org.admin().token;
        let read = app.api(Method::GET, &path).token(token).send().await;
        let version = read.expect(200).json()["version"]
            .as_i64()
            .expect("version");

        let first = json!({"name": "Första ändringen", "kind": "unit", "parent_id": org.clinic, "version": version});
        let updated = app
            .api(Method::PUT, &path)
            .token(token)
            .json(&first)
            .send()
            .await;
        assert_eq!(updated.expect(200).json()["version"], version + 1);

        let events = app.event_count(org.id).await;
        let second = json!({"name": "Andra ändringen", "kind": "unit", "parent_id": org.clinic, "version": version});
        app.api(Method::PUT, &path)
            .token(token)
            .json(&second)
            .send()
            .await
            .problem(409, "conflict");
        assert_eq!(
            app.event_count(org.id).await,
            events,
            "a refused update is not in the audit trail"
        );

        let stored = app.unit(org.id, org.ward).await;
        assert_eq!(
            (stored.name.as_str(), stored.version),
            ("Första ändringen", version + 1)
        );

        // A delete with the stale version is refused the same way.
        app.api(
            Method::DELETE,
            &format!("/api/v1/org-units/{}?version={version}", org.ward),
        )
        .token(token)
        .send()
        .await
        .problem(409, "conflict");
        assert_eq!(app.unit_count(org.id).await, 4);

        // The same for users.
        let user_path = format!("/api/v1/users/{}", org.target.id);
        let user_version = app.user_version(org.id, org.target.id).await;
        let rename =
            |name: &str| json!({"display_name": name, "active": true, "version": user_version});
        app.api(Method::PUT, &user_path)
            .token(token)
            .json(&rename("Först"))
            .send()
            .await
            .expect(200);
        app.api(Method::PUT, &user_path)
            .token(token)
            .json(&rename("Sist"))
            .send()
            .await
            .problem(409, "conflict");
        let user = app
            .api(Method::GET, &user_path)
            .token(token)
            .send()
            .await
            .json();
        assert_eq!(user["display_name"], "Först");
    }
);

web_test!(
    stale_form_shows_the_conflict_and_keeps_what_was_typed,
    |app| async move {
        let org = &app.a;
        let path = format!("/organisation/units/{}", org.ward);
        let mut first = app.signed_in(org.admin()).await;
        let mut second = app
            .signed_in(org.member(tillit_domain::auth::Role::Coordinator))
            .await;

        // Both open the edit form of the same unit.
        let version = first
            .get(&path)
            .await
            .field("version")
            .expect("version field");
        assert_eq!(
            second.get(&path).await.field("version").as_ref(),
            Some(&version)
        );

        let clinic = org.clinic.to_string();
        let saved = first
            .post(
                &path,
                &[
                    ("name", "Första namnet"),
                    ("kind", "unit"),
                    ("parent_id", &clinic),
                    ("description", ""),
                    ("version", &version),
                ],
            )
            .await;
        saved.expect_redirect(&format!("{path}?notice=unit-saved"));

        let stale = second
            .post(
                &path,
                &[
                    ("name", "Andra namnet"),
                    ("kind", "operation"),
                    ("parent_id", &clinic),
                    ("description", "Det jag skrev"),
                    ("version", &version),
                ],
            )
            .await;
        stale.expect(409);
        let page = stale.page();
        assert!(
            page.contains(&app.text(Language::Sv, "conflict-reload")),
            "the conflict is explained: {page}"
        );
        assert!(
            page.contains("href=\"#name\""),
            "the error summary links to the field"
        );
        let html = stale.text();
        assert_eq!(
            html::input_value(&html, "name").as_deref(),
            Some("Andra namnet")
        );
        assert_eq!(
            html::textarea(&html, "description").as_deref(),
            Some("Det jag skrev")
        );
        assert_eq!(html::selected(&html, "kind").as_deref(), Some("operation"));
        assert_eq!(
            html::selected(&html, "parent_id").as_deref(),
            Some(clinic.as_str())
        );

        let stored = app.unit(org.id, org.ward).await;
        assert_eq!(stored.name, "Första namnet");
        assert_eq!(stored.description, "");
        assert_eq!(stored.version, version.parse::<i64>().expect("number") + 1);
    }
);
