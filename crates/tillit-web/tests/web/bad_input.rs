//! Bad input on the API always gets a 4xx naming what was wrong, never a 500, and a
//! refused write leaves no trace.

use axum::http::Method;
use serde_json::json;
use tillit_domain::auth::Role;

use crate::harness::TestApp;

/// Sends a write that must be refused and checks that nothing was written.
async fn refused_write(
    app: &TestApp,
    method: Method,
    path: &str,
    token: &str,
    content_type: &str,
    body: impl Into<axum::body::Body>,
) -> crate::harness::Resp {
    let before = app.footprint(app.a.id).await;
    let resp = app
        .api(method, path)
        .token(token)
        .raw(content_type, body)
        .send()
        .await;
    assert_eq!(
        app.footprint(app.a.id).await,
        before,
        "{}: refused but something was written",
        resp.what
    );
    resp
}

web_test!(broken_json_is_a_400, |app| async move {
    let token = &app.a.admin().token;
    for body in [
        r#"{"name": "Akuten", "kind": "unit""#,
        "not json",
        r#"{"name": "A", "kind": "unit"} trailing"#,
        "",
    ] {
        let resp = refused_write(
            &app,
            Method::POST,
            "/api/v1/org-units",
            token,
            "application/json",
            body,
        )
        .await;
        let problem = resp.problem(400, "malformed-body");
        assert!(
            problem["detail"].as_str().is_some_and(|d| !d.is_empty()),
            "{problem}"
        );
    }
    let resp = refused_write(
        &app,
        Method::POST,
        "/api/v1/org-units",
        token,
        "text/plain",
        r#"{"name": "A", "kind": "unit"}"#,
    )
    .await;
    resp.problem(400, "malformed-body");
});

web_test!(missing_and_mistyped_fields_are_named, |app| async move {
    let token = &app.a.admin().token;
    let ward = app.a.ward;
    let cases: Vec<(Method, String, serde_json::Value, &str)> = vec![
        (
            Method::POST,
            "/api/v1/org-units".into(),
            json!({"kind": "unit"}),
            "name",
        ),
        (
            Method::POST,
            "/api/v1/org-units".into(),
            json!({"name": "Akuten"}),
            "kind",
        ),
        (
            Method::POST,
            "/api/v1/org-units".into(),
            json!({"name": 5, "kind": "unit"}),
            "name",
        ),
        (
            Method::POST,
            "/api/v1/org-units".into(),
            json!({"name": "Akuten", "kind": "unit", "parent_id": "ett"}),
            "parent_id",
        ),
        (
            Method::POST,
            "/api/v1/org-units".into(),
            json!({"name": "  ", "kind": "unit"}),
            "name",
        ),
        (
            Method::POST,
            "/api/v1/org-units".into(),
            json!({"name": "Akuten", "kind": "castle"}),
            "kind",
        ),
        (
            Method::POST,
            "/api/v1/org-units".into(),
            json!({"name": "Akuten", "kind": "unit", "parent_id": 999_999}),
            "parent_id",
        ),
        (
            Method::PUT,
            format!("/api/v1/org-units/{ward}"),
            json!({"name": "Akuten", "kind": "unit"}),
            "version",
        ),
        (
            Method::PUT,
            format!("/api/v1/org-units/{ward}"),
            json!({"name": "Akuten", "kind": "unit", "version": "1"}),
            "version",
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            json!({"email": "ny@soder.example", "display_name": "Ny"}),
            "password",
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            json!({"email": "ny@soder.example", "display_name": "Ny", "password": "kort"}),
            "password",
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            json!({"email": "inte en adress", "display_name": "Ny", "password": "tillräckligt långt"}),
            "email",
        ),
        (
            Method::POST,
            "/api/v1/users".into(),
            json!({"email": app.a.target.email, "display_name": "Ny", "password": "tillräckligt långt"}),
            "email",
        ),
        (
            Method::POST,
            format!("/api/v1/users/{}/roles", app.a.target.id),
            json!({"role": "king"}),
            "role",
        ),
        (
            Method::POST,
            format!("/api/v1/users/{}/roles", app.a.target.id),
            json!({"role": "auditor", "unit_id": true}),
            "unit_id",
        ),
    ];
    for (method, path, body, field) in cases {
        let resp = refused_write(
            &app,
            method,
            &path,
            token,
            "application/json",
            body.to_string(),
        )
        .await;
        let fields = resp.invalid_fields();
        assert_eq!(fields[0], field, "{}: {body}", resp.what);
    }
});

web_test!(bad_query_parameters_are_named, |app| async move {
    let token = &app.a.admin().token;
    let cases = [
        ("/api/v1/users?per_page=501", "per_page"),
        ("/api/v1/org-units?per_page=501", "per_page"),
        ("/api/v1/audit-events?per_page=501", "per_page"),
        ("/api/v1/users?per_page=0", "per_page"),
        ("/api/v1/users?page=0", "page"),
        ("/api/v1/users?page=many", "page"),
        ("/api/v1/users?role=king", "role"),
        ("/api/v1/users?page=1&page=2", "page"),
        ("/api/v1/org-units?parent_id=top", "parent_id"),
        ("/api/v1/audit-events?from=yesterday", "from"),
    ];
    for (path, field) in cases {
        let resp = app.api(Method::GET, path).token(token).send().await;
        assert_eq!(resp.invalid_fields(), vec![field.to_owned()], "{path}");
    }
    app.api(Method::GET, "/api/v1/users?per_page=500")
        .token(token)
        .send()
        .await
        .expect(200);
    let delete = format!("/api/v1/org-units/{}", app.a.ward);
    let resp = refused_write(&app, Method::DELETE, &delete, token, "application/json", "").await;
    assert_eq!(resp.invalid_fields(), vec!["version".to_owned()]);
});

web_test!(unknown_ids_are_not_found, |app| async move {
    let token = &app.a.admin().token;
    let update = json!({"name": "Akuten", "kind": "unit", "version": 1}).to_string();
    let user_update = json!({"display_name": "Ny", "active": true, "version": 1}).to_string();
    let role = json!({"role": "auditor"}).to_string();
    let cases: Vec<(Method, &str, Option<String>)> = vec![
        (Method::GET, "/api/v1/org-units/999999", None),
        (Method::GET, "/api/v1/org-units/abc", None),
        (
            Method::GET,
            "/api/v1/org-units/99999999999999999999999",
            None,
        ),
        (Method::PUT, "/api/v1/org-units/999999", Some(update)),
        (Method::DELETE, "/api/v1/org-units/999999?version=1", None),
        (Method::GET, "/api/v1/users/999999", None),
        (Method::PUT, "/api/v1/users/999999", Some(user_update)),
        (
            Method::POST,
            "/api/v1/users/999999/roles",
            Some(role.clone()),
        ),
        (Method::DELETE, "/api/v1/users/999999/roles", Some(role)),
        (Method::GET, "/api/v1/audit-events/999999", None),
        (Method::GET, "/api/v1/audit-events/999999/proof", None),
        (Method::GET, "/api/v1/no-such-collection", None),
    ];
    for (method, path, body) in cases {
        let resp = refused_write(
            &app,
            method,
            path,
            token,
            "application/json",
            body.unwrap_or_default(),
        )
        .await;
        resp.problem(404, "not-found");
    }
});

web_test!(oversize_bodies_are_refused, |app| async move {
    let token = &app.a.admin().token;
    let huge = format!(
        r#"{{"name": "{}", "kind": "unit"}}"#,
        "x".repeat(tillit_web::BODY_LIMIT)
    );
    let resp = refused_write(
        &app,
        Method::POST,
        "/api/v1/org-units",
        token,
        "application/json",
        huge.clone(),
    )
    .await;
    resp.problem(413, "payload-too-large");
    let path = format!("/api/v1/org-units/{}", app.a.ward);
    refused_write(&app, Method::PUT, &path, token, "application/json", huge)
        .await
        .problem(413, "payload-too-large");

    // The same through a form, which the CSRF check reads first.
    let mut browser = app.signed_in(app.a.admin()).await;
    let before = app.footprint(app.a.id).await;
    let name = "x".repeat(tillit_web::BODY_LIMIT);
    browser
        .post("/organisation/units", &[("name", &name), ("kind", "unit")])
        .await
        .expect(413);
    assert_eq!(app.footprint(app.a.id).await, before);
});

web_test!(writes_without_the_right_are_forbidden, |app| async move {
    let token = &app.a.member(Role::Employee).token;
    let body = json!({"name": "Akuten", "kind": "unit"}).to_string();
    refused_write(
        &app,
        Method::POST,
        "/api/v1/org-units",
        token,
        "application/json",
        body,
    )
    .await
    .problem(403, "forbidden");
    let path = format!("/api/v1/users/{}/roles", app.a.target.id);
    let grant = json!({"role": "administrator"}).to_string();
    refused_write(&app, Method::POST, &path, token, "application/json", grant)
        .await
        .problem(403, "forbidden");
    let update = json!({"name": "Akuten", "kind": "unit", "version": 1}).to_string();
    let auditor = &app.a.member(Role::Auditor).token;
    let path = format!("/api/v1/org-units/{}", app.a.ward);
    refused_write(
        &app,
        Method::PUT,
        &path,
        auditor,
        "application/json",
        update,
    )
    .await
    .problem(403, "forbidden");
});

web_test!(
    problem_documents_speak_the_callers_language,
    |app| async move {
        let token = &app.a.admin().token;
        let cases = [
            ("/api/v1/org-units/999999", 404, "not-found"),
            ("/api/v1/users?per_page=501", 422, "invalid-input"),
        ];
        for (path, status, code) in cases {
            let english = app
                .api(Method::GET, path)
                .token(token)
                .header("accept-language", "en-GB,en;q=0.9")
                .send()
                .await
                .problem(status, code);
            let swedish = app
                .api(Method::GET, path)
                .token(token)
                .header("accept-language", "sv-SE,sv;q=0.9,en;q=0.5")
                .send()
                .await
                .problem(status, code);
            assert_ne!(english["title"], swedish["title"], "{path}");
            assert_ne!(english["detail"], swedish["detail"], "{path}");
            assert_eq!(english["code"], swedish["code"]);
            assert_eq!(
                english["title"],
                app.text(
                    tillit_domain::users::Language::En,
                    &format!("problem-{code}-title")
                )
            );
            assert_eq!(
                swedish["title"],
                app.text(
                    tillit_domain::users::Language::Sv,
                    &format!("problem-{code}-title")
                )
            );
            if let Some(errors) = english["errors"].as_array() {
                assert_ne!(
                    errors[0]["detail"], swedish["errors"][0]["detail"],
                    "field messages are translated too"
                );
            }
        }
        // Swedish is the default; an unauthenticated caller is answered in its language too.
        let default = app
            .api(Method::GET, "/api/v1/users")
            .send()
            .await
            .problem(401, "unauthenticated");
        assert_eq!(
            default["title"],
            app.text(
                tillit_domain::users::Language::Sv,
                "problem-unauthenticated-title"
            )
        );
        let english = app
            .api(Method::GET, "/api/v1/users")
            .header("accept-language", "en")
            .send()
            .await
            .problem(401, "unauthenticated");
        assert_eq!(
            english["title"],
            app.text(
                tillit_domain::users::Language::En,
                "problem-unauthenticated-title"
            )
        );
    }
);
