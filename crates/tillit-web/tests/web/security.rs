//! CSRF protection of browser writes, and the security headers on every response.

use axum::http::Method;
use serde_json::json;
use tillit_domain::auth::Role;
use tillit_domain::users::Language;

use crate::harness::{Resp, PASSWORD};

web_test!(page_writes_need_the_sessions_csrf_token, |app| async move {
    let account = app.a.member(Role::Employee);
    let mut browser = app.signed_in(account).await;
    let tokens = || tillit_store::tokens::list_for_user(&app.db, account.id);
    let before = tokens().await.expect("tokens").len();
    let rejected = app.text(Language::Sv, "problem-csrf-rejected-title");

    let mut other = app.signed_in(app.a.member(Role::Auditor)).await;
    other.get("/profile").await.expect(200);
    let someone_elses = other.csrf.clone();
    assert_ne!(someone_elses, browser.csrf);
    for body in [
        "name=Utan+token".to_owned(),
        "name=Fel&csrf_token=fel".to_owned(),
        format!("name=Annans&csrf_token={someone_elses}"),
    ] {
        let resp = browser.post_raw("/profile/tokens", &body).await;
        resp.expect(403);
        assert!(resp.page().contains(&rejected), "{}", resp.page());
    }
    // A header with the wrong token is no better, and neither is JSON sent as a form would be.
    let wrong_header = browser
        .request_with(
            Method::POST,
            "/profile/tokens",
            Some(("application/x-www-form-urlencoded", "name=X".into())),
            &[("x-csrf-token", "fel")],
        )
        .await;
    wrong_header.expect(403);
    browser
        .request(
            Method::POST,
            "/profile/tokens",
            Some(("application/json", r#"{"name": "X"}"#.into())),
        )
        .await
        .expect(403);
    assert_eq!(
        tokens().await.expect("tokens").len(),
        before,
        "nothing was created"
    );

    browser
        .post("/profile/tokens", &[("name", "Med token")])
        .await
        .expect(200);
    let csrf = browser.csrf.clone();
    browser
        .request_with(
            Method::POST,
            "/profile/tokens",
            Some(("application/x-www-form-urlencoded", "name=Via+htmx".into())),
            &[("x-csrf-token", &csrf)],
        )
        .await
        .expect(200);
    assert_eq!(tokens().await.expect("tokens").len(), before + 2);

    // Logging out is a write too.
    browser.post_raw("/logout", "").await.expect(403);
    browser.get("/profile").await.expect(200);
});

web_test!(login_form_needs_its_csrf_cookie, |app| async move {
    let account = app.a.member(Role::Employee);
    let mut browser = app.browser();
    let form = [
        ("email", account.email.as_str()),
        ("password", PASSWORD),
        ("next", "/"),
    ];
    // Without having shown the form (no cookie), a login from another site is refused.
    let body = serde_urlencoded::to_string(form).expect("form");
    browser
        .post_raw("/login", &format!("{body}&csrf_token=gissad"))
        .await
        .expect(403);
    assert!(browser.cookie("tillit_session").is_none());
    // With the cookie but another token, too.
    browser.get("/login").await.expect(200);
    browser
        .post_raw("/login", &format!("{body}&csrf_token=gissad"))
        .await
        .expect(403);
    browser.post("/login", &form).await.expect_redirect("/");
});

web_test!(
    api_writes_with_a_token_need_no_csrf_but_session_writes_do,
    |app| async move {
        let org = &app.a;
        let body = json!({"name": "Via API", "kind": "unit", "parent_id": org.clinic});
        app.api(Method::POST, "/api/v1/org-units")
            .token(&org.admin().token)
            .json(&body)
            .send()
            .await
            .expect(201);
        // A token with a (stale or foreign) session cookie beside it is still a token call.
        app.api(Method::POST, "/api/v1/org-units")
            .token(&org.admin().token)
            .header("cookie", "tillit_session=gammal")
            .json(&body)
            .send()
            .await
            .expect(201);

        // The browser's session reaches the API too, but its writes need the CSRF header.
        let mut browser = app.signed_in(org.admin()).await;
        let before = app.footprint(org.id).await;
        let json_body = Some(("application/json", body.to_string()));
        browser
            .request(Method::POST, "/api/v1/org-units", json_body.clone())
            .await
            .problem(403, "csrf-rejected");
        assert_eq!(app.footprint(org.id).await, before);
        let csrf = browser.csrf.clone();
        browser
            .request_with(
                Method::POST,
                "/api/v1/org-units",
                json_body,
                &[("x-csrf-token", &csrf)],
            )
            .await
            .expect(201);
        browser
            .request(Method::GET, "/api/v1/org-units", None)
            .await
            .expect(200);

        // Without any credentials the API asks for them rather than for a CSRF token.
        let resp = app
            .api(Method::POST, "/api/v1/org-units")
            .json(&body)
            .send()
            .await;
        resp.problem(401, "unauthenticated");
        assert_eq!(resp.header("www-authenticate"), "Bearer");
        app.api(Method::GET, "/api/v1/org-units")
            .token("tillit_not-a-real-token")
            .send()
            .await
            .problem(401, "unauthenticated");
    }
);

fn assert_security_headers(resp: &Resp) {
    let csp = resp.header("content-security-policy");
    let directives: Vec<&str> = csp.split(';').map(str::trim).collect();
    for wanted in [
        "script-src 'self'",
        "frame-ancestors 'none'",
        "default-src 'none'",
        "form-action 'self'",
    ] {
        assert!(
            directives.contains(&wanted),
            "{}: CSP lacks {wanted}: {csp}",
            resp.what
        );
    }
    assert!(
        !csp.contains("unsafe-inline") && !csp.contains("unsafe-eval"),
        "{}: {csp}",
        resp.what
    );
    assert_eq!(
        resp.header("x-content-type-options"),
        "nosniff",
        "{}",
        resp.what
    );
    assert_eq!(resp.header("x-frame-options"), "DENY", "{}", resp.what);
    assert_eq!(
        resp.header("referrer-policy"),
        "same-origin",
        "{}",
        resp.what
    );
    assert!(!resp.header("x-request-id").is_empty(), "{}", resp.what);
}

web_test!(security_headers_are_on_every_response, |app| async move {
    let token = &app.a.admin().token;
    let mut responses = vec![
        app.api(Method::GET, "/login").send().await,
        app.api(Method::GET, "/").send().await,
        app.api(Method::GET, "/no/such/page").send().await,
        app.api(Method::GET, "/static/app.css").send().await,
        app.api(Method::GET, "/healthz").send().await,
        app.api(Method::GET, "/api/openapi.json").send().await,
        app.api(Method::GET, "/api/v1/org-units")
            .token(token)
            .send()
            .await,
        app.api(Method::GET, "/api/v1/org-units").send().await,
        app.api(Method::GET, "/api/v1/org-units/999999")
            .token(token)
            .send()
            .await,
        app.api(Method::POST, "/api/v1/org-units")
            .token(token)
            .raw("application/json", "{")
            .send()
            .await,
    ];
    let mut browser = app.signed_in(app.a.admin()).await;
    responses.push(browser.get("/organisation").await);
    responses.push(browser.get("/audit/999999").await);
    responses.push(browser.post_raw("/profile/tokens", "name=x").await);
    for resp in &responses {
        assert_security_headers(resp);
    }
    let statuses: Vec<u16> = responses.iter().map(|r| r.status.as_u16()).collect();
    assert_eq!(
        statuses,
        vec![200, 303, 404, 200, 200, 200, 200, 401, 404, 400, 200, 404, 403]
    );
    // Pages and API answers are never cached; the embedded assets may be.
    assert_eq!(responses[0].header("cache-control"), "no-store");
    assert_eq!(responses[6].header("cache-control"), "no-store");
    assert!(responses[3].header("cache-control").starts_with("public"));
});
