//! Signing in and out: wrong passwords, throttling across server processes, session
//! rotation, the second factor and the session cookie's flags.

use axum::http::Method;
use tillit_domain::auth::Role;
use tillit_domain::users::Language;
use tillit_store::audit::EventFilter;
use tillit_web::WebConfig;

use crate::harness::{Browser, TestApp, PASSWORD};

const SESSION: &str = "tillit_session";

/// Audit events of organisation A with this action, newest first.
async fn events(app: &TestApp, action: &str) -> Vec<tillit_store::audit::AuditEvent> {
    let filter = EventFilter {
        action: Some(action.into()),
        ..Default::default()
    };
    tillit_store::audit::list(&app.db, app.a.id, &filter, Default::default())
        .await
        .expect("events")
        .items
}

web_test!(
    wrong_password_shows_the_form_again_with_the_email,
    |app| async move {
        let account = app.a.member(Role::Employee);
        let mut browser = app.browser();
        let resp = browser.log_in(&account.email, "inte rätt lösenord").await;
        resp.expect(422);
        assert!(
            resp.page()
                .contains(&app.text(Language::Sv, "login-failed")),
            "{}",
            resp.page()
        );
        assert_eq!(resp.field("email").as_deref(), Some(account.email.as_str()));
        assert_eq!(
            resp.field("password").as_deref(),
            Some(""),
            "the password is not sent back"
        );
        assert!(browser.cookie(SESSION).is_none());
        let failed = events(&app, "login_failed").await;
        assert_eq!(failed.len(), 1);
        assert_eq!(
            failed[0].after_json.as_deref(),
            Some(r#"{"reason":"password"}"#)
        );

        // An unknown address gets the very same answer.
        let unknown = browser.log_in("ingen@soder.example", PASSWORD).await;
        unknown.expect(422);
        assert!(unknown
            .page()
            .contains(&app.text(Language::Sv, "login-failed")));
        // A deactivated account cannot sign in either.
        tillit_store::users::update_user(
            &app.db,
            app.a.id,
            &tillit_store::Actor::system("test"),
            app.a.target.id,
            app.user_version(app.a.id, app.a.target.id).await,
            &tillit_store::users::UserChanges {
                display_name: "Slutat",
                title: "",
                active: false,
            },
        )
        .await
        .expect("deactivate");
        browser
            .log_in(&app.a.target.email, PASSWORD)
            .await
            .expect(422);
        app.api(Method::GET, "/api/v1/org-units")
            .token(&app.a.target.token)
            .send()
            .await
            .problem(401, "unauthenticated");

        browser
            .log_in(&account.email, PASSWORD)
            .await
            .expect_redirect("/");
        assert_eq!(events(&app, "login").await[0].actor_id, Some(account.id));
    }
);

web_test!(
    failed_logins_are_throttled_across_server_processes,
    WebConfig {
        max_failed_logins: 3,
        ..WebConfig::default()
    },
    |app| async move {
        let account = app.a.member(Role::Employee);
        let (second, second_db) = app.second_process().await;
        let throttled = app.text(Language::Sv, "login-throttled");

        // Three failures, each from another address, two on this process and one on the other.
        for router in [app.router(), app.router(), second.clone()] {
            Browser::new(router)
                .log_in(&account.email, "fel lösenord igen")
                .await
                .expect(422);
        }
        // Now even the right password is refused, by either process.
        for router in [app.router(), second.clone()] {
            let mut browser = Browser::new(router);
            let resp = browser.log_in(&account.email, PASSWORD).await;
            resp.expect(429);
            assert!(resp.page().contains(&throttled), "{}", resp.page());
            assert!(
                browser.cookie(SESSION).is_none(),
                "no session while throttled"
            );
        }
        // Other accounts are not affected.
        let mut other = Browser::new(second.clone());
        other
            .log_in(&app.a.member(Role::Auditor).email, PASSWORD)
            .await
            .expect_redirect("/");

        // Failures from one address count against the address, whichever accounts they name.
        let mut guesser = app.browser();
        for email in [
            "a@soder.example",
            "b@soder.example",
            &app.a.member(Role::MasMar).email,
        ] {
            guesser.log_in(email, "gissning").await.expect(422);
        }
        guesser
            .log_in(&app.a.member(Role::NisAssessor).email, PASSWORD)
            .await
            .expect(429);
        guesser.switch_to(second.clone());
        guesser
            .log_in(&app.a.member(Role::NisAssessor).email, PASSWORD)
            .await
            .expect(429);
        Browser::new(second)
            .log_in(&app.a.member(Role::NisAssessor).email, PASSWORD)
            .await
            .expect_redirect("/");
        second_db.close().await;
    }
);

web_test!(
    session_id_changes_at_login_and_dies_at_logout,
    |app| async move {
        let account = app.a.member(Role::Employee);
        let planted = "chosen-by-an-attacker";
        let mut browser = app.browser();
        browser.set_cookie(SESSION, planted);
        browser.log_in_as(account).await;
        let first = browser.cookie(SESSION).expect("session").to_owned();
        assert_ne!(first, planted);
        let mut attacker = app.browser();
        attacker.set_cookie(SESSION, planted);
        attacker.get("/").await.expect_redirect("/login?next=%2F");

        // Signing in again from a signed-in browser replaces the session.
        browser
            .post(
                "/login",
                &[
                    ("email", &account.email),
                    ("password", PASSWORD),
                    ("next", "/profile"),
                ],
            )
            .await
            .expect_redirect("/profile");
        let second = browser.cookie(SESSION).expect("session").to_owned();
        assert_ne!(second, first);
        let mut stale = app.browser();
        stale.set_cookie(SESSION, &first);
        stale.get("/").await.expect_redirect("/login?next=%2F");
        browser.get("/").await.expect(200);

        // Logging out ends the session on the server, not just in the browser.
        browser.post("/logout", &[]).await.expect_redirect("/login");
        assert!(browser.cookie(SESSION).is_none(), "the cookie is removed");
        let mut kept = app.browser();
        kept.set_cookie(SESSION, &second);
        kept.get("/profile")
            .await
            .expect_redirect("/login?next=%2Fprofile");

        // A new login gets a value never seen before.
        browser.log_in_as(account).await;
        let third = browser.cookie(SESSION).expect("session").to_owned();
        assert!(![planted.to_owned(), first, second].contains(&third));
        let unique: std::collections::BTreeSet<&String> = browser.sessions_seen.iter().collect();
        assert_eq!(
            unique.len(),
            browser.sessions_seen.len(),
            "no session value was ever reused"
        );
    }
);

web_test!(two_factor_login_needs_the_right_code, |app| async move {
    let admin = app.a.admin();
    let secret = admin
        .totp_secret
        .clone()
        .expect("administrators have two-factor");
    let mut browser = app.browser();
    let answer = browser.log_in(&admin.email, PASSWORD).await;
    answer.expect_redirect("/login/two-factor?next=%2F");
    let pending = browser.cookie(SESSION).expect("pending session").to_owned();
    assert!(events(&app, "login").await.is_empty(), "not signed in yet");

    // Half-way through, nothing is open.
    browser
        .get("/organisation")
        .await
        .expect_redirect("/login?next=%2Forganisation");
    let mut api = app
        .api(Method::GET, "/api/v1/org-units")
        .header("cookie", &format!("{SESSION}={pending}"))
        .send()
        .await;
    api.problem(401, "unauthenticated");

    browser.get(answer.location()).await.expect(200);
    let wrong = (0..1_000_000)
        .map(|n| format!("{n:06}"))
        .find(|code| !tillit_web::auth::totp::check(&secret, code))
        .expect("a wrong code");
    let refused = browser
        .post("/login/two-factor", &[("code", &wrong), ("next", "/")])
        .await;
    refused.expect(422);
    assert!(refused
        .page()
        .contains(&app.text(Language::Sv, "field-error-bad-code")));
    browser
        .get("/organisation")
        .await
        .expect_redirect("/login?next=%2Forganisation");

    let code = tillit_web::auth::totp::current_code(&secret).expect("code");
    browser
        .post(
            "/login/two-factor",
            &[("code", &code), ("next", "/organisation")],
        )
        .await
        .expect_redirect("/organisation");
    let signed_in = browser.cookie(SESSION).expect("session").to_owned();
    assert_ne!(
        signed_in, pending,
        "the session id rotates after the second factor"
    );
    browser.get("/organisation").await.expect(200);
    api = app
        .api(Method::GET, "/api/v1/org-units")
        .header("cookie", &format!("{SESSION}={pending}"))
        .send()
        .await;
    api.problem(401, "unauthenticated");

    let logins = events(&app, "login").await;
    assert_eq!((logins.len(), logins[0].actor_id), (1, Some(admin.id)));
    let failures = events(&app, "login_failed").await;
    assert_eq!(failures.len(), 1);
    assert_eq!(
        failures[0].after_json.as_deref(),
        Some(r#"{"reason":"second_factor"}"#)
    );
});

web_test!(
    session_cookie_is_http_only_and_same_site_lax,
    |app| async move {
        let mut browser = app.browser();
        let answer = browser
            .log_in(&app.a.member(Role::Employee).email, PASSWORD)
            .await;
        answer.expect(303);
        let cookie = answer.set_cookie(SESSION).expect("session cookie");
        let attributes: Vec<&str> = cookie.split(';').map(str::trim).collect();
        for wanted in ["HttpOnly", "SameSite=Lax", "Path=/"] {
            assert!(attributes.contains(&wanted), "{wanted} missing in {cookie}");
        }
        assert!(
            !attributes.contains(&"Secure"),
            "plain HTTP in tests: {cookie}"
        );
        let login_csrf = app
            .browser()
            .get("/login")
            .await
            .set_cookie("tillit_csrf")
            .expect("login CSRF cookie");
        assert!(login_csrf.contains("HttpOnly"), "{login_csrf}");
    }
);

web_test!(
    secure_deployments_mark_cookies_secure_and_send_hsts,
    WebConfig {
        secure_cookies: true,
        ..WebConfig::default()
    },
    |app| async move {
        let mut browser = app.browser();
        let answer = browser
            .log_in(&app.a.member(Role::Employee).email, PASSWORD)
            .await;
        let cookie = answer.set_cookie(SESSION).expect("session cookie");
        assert!(cookie.split(';').any(|a| a.trim() == "Secure"), "{cookie}");
        assert!(answer
            .header("strict-transport-security")
            .starts_with("max-age="));
    }
);

web_test!(
    next_parameter_only_leads_within_the_site,
    |app| async move {
        let account = app.a.member(Role::Employee);
        let hostile = [
            "//evil.example/",
            "/\\evil.example",
            "https://evil.example/",
            "/\r\nSet-Cookie: x=1",
            "/ok\u{7f}",
            "organisation",
        ];
        for next in hostile {
            let mut browser = app.browser();
            browser.get("/login").await.expect(200);
            let form = [
                ("email", account.email.as_str()),
                ("password", PASSWORD),
                ("next", next),
            ];
            browser.post("/login", &form).await.expect_redirect("/");
            browser.get("/").await.expect(200);
            // Signed in, the login page sends the browser on, and the language switch back.
            browser
                .get(&format!(
                    "/login?next={}",
                    serde_urlencoded::to_string([("", next)])
                        .expect("query")
                        .trim_start_matches('=')
                ))
                .await
                .expect_redirect("/");
            browser
                .post("/language", &[("language", "en"), ("next", next)])
                .await
                .expect_redirect("/");
        }
        // With a second factor too.
        let admin = app.a.admin();
        let mut browser = app.browser();
        browser.log_in(&admin.email, PASSWORD).await.expect(303);
        browser.get("/login/two-factor").await.expect(200);
        let code =
            tillit_web::auth::totp::current_code(admin.totp_secret.as_deref().expect("secret"))
                .expect("code");
        browser
            .post("/login/two-factor", &[("code", &code), ("next", "/\nx")])
            .await
            .expect_redirect("/");

        // Paths on the site are followed.
        let mut browser = app.browser();
        browser
            .get("/login?next=%2Fusers%3Fq%3Da")
            .await
            .expect(200);
        let form = [
            ("email", account.email.as_str()),
            ("password", PASSWORD),
            ("next", "/profile?tab=1"),
        ];
        browser
            .post("/login", &form)
            .await
            .expect_redirect("/profile?tab=1");
        browser.get("/profile").await.expect(200);
        browser
            .post(
                "/language",
                &[("language", "sv"), ("next", "/organisation")],
            )
            .await
            .expect_redirect("/organisation");
    }
);
