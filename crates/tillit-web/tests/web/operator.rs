//! Operators: their own sign-in with a mandatory second factor, the organisations they
//! create, suspend and reactivate, administrator access they reset, and the wall
//! between them and the organisations' content.

use axum::http::Method;
use tillit_domain::users::Language;
use tillit_store::audit::EventFilter;
use tillit_store::Actor;
use tillit_web::auth::{secrets, totp};

use crate::harness::{password_hash, unique, Account, Browser, TestApp, PASSWORD};

/// A new operator with an operator API token and, when asked, two-factor sign-in on.
pub(crate) async fn create_operator(app: &TestApp, two_factor: bool) -> Account {
    let email = format!("drift-{}@hosting.example", unique());
    let actor = Actor::system("test-fixture");
    let operator =
        tillit_store::operators::create_operator(&app.db, &actor, &email, password_hash())
            .await
            .expect("operator");
    let token = secrets::new_operator_token();
    tillit_store::operators::create_token(
        &app.db,
        &actor,
        operator.id,
        "test token",
        &secrets::token_hash(&token),
    )
    .await
    .expect("operator token");
    let totp_secret = if two_factor {
        let secret = totp::new_secret();
        tillit_store::operators::set_pending_totp(&app.db, operator.id, &secret)
            .await
            .expect("pending totp");
        tillit_store::operators::enable_totp(&app.db, &actor, operator.id)
            .await
            .expect("enable totp");
        Some(secret)
    } else {
        None
    };
    Account {
        id: operator.id,
        email,
        display_name: "Driftansvarig".into(),
        token,
        totp_secret,
    }
}

/// Signs an operator with two-factor sign-in on in through the operators' forms.
pub(crate) async fn operator_browser(app: &TestApp, operator: &Account) -> Browser {
    let mut browser = app.browser();
    browser.get("/operator/login").await.expect(200);
    let answer = browser
        .post(
            "/operator/login",
            &[("email", &operator.email), ("password", PASSWORD)],
        )
        .await;
    answer.expect_redirect("/operator/login/two-factor?next=%2Foperator");
    browser.get(answer.location()).await.expect(200);
    let secret = operator.totp_secret.as_deref().expect("two-factor secret");
    let code = totp::current_code(secret).expect("code");
    browser
        .post(
            "/operator/login/two-factor",
            &[("code", &code), ("next", "/operator")],
        )
        .await
        .expect_redirect("/operator");
    browser.get("/operator").await.expect(200);
    browser
}

/// A valid organisation number no other call in this run gets (Luhn check digit).
pub(crate) fn fresh_org_number() -> String {
    let prefix = format!("{:09}", 802_000_000 + unique());
    let digits: Vec<u32> = prefix.chars().filter_map(|c| c.to_digit(10)).collect();
    let sum: u32 = digits
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let v = if i % 2 == 0 { d * 2 } else { *d };
            if v > 9 {
                v - 9
            } else {
                v
            }
        })
        .sum();
    let check = (10 - sum % 10) % 10;
    format!("{}-{}{check}", &prefix[..6], &prefix[6..])
}

web_test!(
    operators_must_sign_in_with_a_second_factor,
    |app| async move {
        let operator = create_operator(&app, false).await;
        let mut browser = app.browser();
        let form = browser.get("/operator/login").await;
        form.expect(200);
        assert!(form
            .page()
            .contains(&app.text(Language::Sv, "operator-login-title")));

        // A user's password does not open the operators' door, nor the other way round.
        let user = app.a.admin().clone();
        browser
            .post(
                "/operator/login",
                &[("email", &user.email), ("password", PASSWORD)],
            )
            .await
            .expect(422);
        let mut user_browser = app.browser();
        user_browser
            .log_in(&operator.email, PASSWORD)
            .await
            .expect(422);

        // First sign-in: every page leads to the two-factor set-up.
        browser
            .post(
                "/operator/login",
                &[("email", &operator.email), ("password", PASSWORD)],
            )
            .await
            .expect_redirect("/operator");
        browser
            .get("/operator")
            .await
            .expect_redirect("/operator/two-factor");
        app.api(Method::GET, "/api/v1/operator/organisations")
            .token(&operator.token)
            .send()
            .await
            .problem(403, "forbidden");
        browser.get("/operator/two-factor").await.expect(200);
        browser
            .post("/operator/two-factor", &[])
            .await
            .expect_redirect("/operator/two-factor");
        let secret = tillit_store::operators::credentials_by_id(&app.db, operator.id)
            .await
            .expect("operator")
            .totp_secret
            .expect("pending secret");
        assert!(browser
            .get("/operator/two-factor")
            .await
            .page()
            .contains(&secret));
        browser
            .post("/operator/two-factor/confirm", &[("code", "12x")])
            .await
            .expect(422);
        let code = totp::current_code(&secret).expect("code");
        browser
            .post("/operator/two-factor/confirm", &[("code", &code)])
            .await
            .expect_redirect("/operator?notice=two-factor-enabled");
        let list = browser.get("/operator").await;
        list.expect(200);
        assert!(list.page().contains("Region Söder"));
        app.api(Method::GET, "/api/v1/operator/organisations")
            .token(&operator.token)
            .send()
            .await
            .expect(200);

        // Next time the code is asked for, and nothing opens before it is given.
        browser
            .post("/operator/logout", &[])
            .await
            .expect_redirect("/operator/login");
        browser
            .get("/operator")
            .await
            .expect_redirect("/operator/login?next=%2Foperator");
        browser.get("/operator/login").await.expect(200);
        browser
            .post(
                "/operator/login",
                &[("email", &operator.email), ("password", PASSWORD)],
            )
            .await
            .expect_redirect("/operator/login/two-factor?next=%2Foperator");
        browser
            .get("/operator")
            .await
            .expect_redirect("/operator/login?next=%2Foperator");
        browser.get("/operator/login/two-factor").await.expect(200);
        browser
            .post("/operator/login/two-factor", &[("code", "000000x")])
            .await
            .expect(422);
        let code = totp::current_code(&secret).expect("code");
        browser
            .post("/operator/login/two-factor", &[("code", &code)])
            .await
            .expect_redirect("/operator");
        browser.get("/operator").await.expect(200);
    }
);

web_test!(
    operator_sign_in_is_throttled,
    tillit_web::WebConfig {
        max_failed_logins: 3,
        ..Default::default()
    },
    |app| async move {
        let operator = create_operator(&app, true).await;
        let mut browser = app.browser();
        browser.get("/operator/login").await.expect(200);
        for _ in 0..3 {
            browser
                .post(
                    "/operator/login",
                    &[("email", &operator.email), ("password", "fel lösenord")],
                )
                .await
                .expect(422);
        }
        let refused = browser
            .post(
                "/operator/login",
                &[("email", &operator.email), ("password", PASSWORD)],
            )
            .await;
        refused.expect(429);
        assert!(refused
            .page()
            .contains(&app.text(Language::Sv, "login-throttled")));
    }
);

web_test!(
    a_new_organisation_gets_an_administrator_with_a_one_time_password,
    |app| async move {
        let operator = create_operator(&app, true).await;
        let mut browser = operator_browser(&app, &operator).await;
        browser.get("/operator/organisations/new").await.expect(200);
        let org_number = fresh_org_number();
        let bad = browser
            .post(
                "/operator/organisations",
                &[
                    ("name", "Vårdbolaget Väst AB"),
                    ("kind", "care_provider"),
                    ("org_number", "556000-0002"),
                    ("admin_email", "ingen adress"),
                    ("admin_name", "Vera Admin"),
                ],
            )
            .await;
        bad.expect(422);
        assert_eq!(bad.field("name").as_deref(), Some("Vårdbolaget Väst AB"));
        assert!(bad
            .page()
            .contains(&app.text(Language::Sv, "field-error-invalid-org-number")));
        assert!(bad
            .page()
            .contains(&app.text(Language::Sv, "field-error-invalid-email")));

        let created = browser
            .post(
                "/operator/organisations",
                &[
                    ("name", "Vårdbolaget Väst AB"),
                    ("kind", "care_provider"),
                    ("org_number", &org_number),
                    ("admin_email", "Vera@Vardbolaget.Example"),
                    ("admin_name", "Vera Admin"),
                ],
            )
            .await;
        created.expect(200);
        let page = created.page();
        let password = page
            .split("id=\"one-time-password\">")
            .nth(1)
            .and_then(|rest| rest.split('<').next())
            .expect("the one-time password is shown")
            .to_owned();
        assert_eq!(password.len(), 24);

        // The administrator must set up two-factor sign-in, then choose a password.
        let mut admin = app.browser();
        admin
            .log_in("vera@vardbolaget.example", &password)
            .await
            .expect_redirect("/");
        admin.get("/").await.expect_redirect("/profile/two-factor");
        admin.get("/profile/two-factor").await.expect(200);
        admin.post("/profile/two-factor", &[]).await.expect(303);
        let user = tillit_store::users::find_user_by_email(&app.db, "vera@vardbolaget.example")
            .await
            .expect("user")
            .expect("the administrator exists");
        let secret = tillit_store::users::credentials_by_id(&app.db, user.id)
            .await
            .expect("credentials")
            .totp_secret
            .expect("pending secret");
        let code = totp::current_code(&secret).expect("code");
        admin
            .post("/profile/two-factor/confirm", &[("code", &code)])
            .await
            .expect(303);
        admin.get("/organisation").await.expect_redirect("/profile");
        let profile = admin.get("/profile").await;
        profile.expect(200);
        assert!(profile
            .page()
            .contains(&app.text(Language::Sv, "password-change-required")));
        admin
            .post(
                "/profile/password",
                &[
                    ("current_password", &password),
                    ("new_password", "ett eget långt lösenord"),
                ],
            )
            .await
            .expect_redirect("/profile?notice=password-changed");
        let organisation = admin.get("/organisation").await;
        organisation.expect(200);
        assert!(organisation.page().contains("Vårdbolaget Väst AB"));
    }
);

web_test!(
    suspension_refuses_sign_in_and_tokens_until_reactivated,
    |app| async move {
        let operator = create_operator(&app, true).await;
        let org = &app.a;
        let member = org.member(tillit_domain::auth::Role::Employee).clone();
        let mut signed_in = app.signed_in(&member).await;
        let path = format!("/api/v1/operator/organisations/{}", org.id);
        let hosted = app
            .api(Method::GET, &path)
            .token(&operator.token)
            .send()
            .await;
        hosted.expect(200);
        let version = hosted.json()["version"].as_i64().expect("version");
        assert!(hosted.json().get("members").is_none());

        let stale = serde_json::json!({ "version": version + 1 });
        app.api(Method::POST, &format!("{path}/suspend"))
            .token(&operator.token)
            .json(&stale)
            .send()
            .await
            .problem(409, "conflict");
        let body = serde_json::json!({ "version": version });
        let suspended = app
            .api(Method::POST, &format!("{path}/suspend"))
            .token(&operator.token)
            .json(&body)
            .send()
            .await;
        suspended.expect(200);
        assert!(suspended.json()["suspended_at"].is_string());
        let again = app
            .api(Method::POST, &format!("{path}/suspend"))
            .token(&operator.token)
            .json(&serde_json::json!({ "version": version + 1 }))
            .send()
            .await;
        assert_eq!(again.invalid_fields(), ["suspended"]);

        // Users are signed out, cannot sign in, and their tokens are refused.
        signed_in.get("/").await.expect_redirect("/login?next=%2F");
        let mut browser = app.browser();
        let refused = browser.log_in(&member.email, PASSWORD).await;
        refused.expect(403);
        assert!(refused
            .page()
            .contains(&app.text(Language::Sv, "login-suspended")));
        let api = app
            .api(Method::GET, "/api/v1/org-units")
            .token(&member.token)
            .send()
            .await;
        let problem = api.problem(403, "organisation-suspended");
        assert_eq!(
            problem["title"],
            app.text(Language::Sv, "problem-organisation-suspended-title")
        );
        // The other organisation goes on as before.
        app.api(Method::GET, "/api/v1/org-units")
            .token(&app.b.admin().token)
            .send()
            .await
            .expect(200);

        let reactivated = app
            .api(Method::POST, &format!("{path}/reactivate"))
            .token(&operator.token)
            .json(&serde_json::json!({ "version": version + 1 }))
            .send()
            .await;
        reactivated.expect(200);
        assert!(reactivated.json()["suspended_at"].is_null());
        app.api(Method::GET, "/api/v1/org-units")
            .token(&member.token)
            .send()
            .await
            .expect(200);
        browser
            .log_in(&member.email, PASSWORD)
            .await
            .expect_redirect("/");

        let actions: Vec<String> = tillit_store::audit::list(
            &app.db,
            org.id,
            &EventFilter {
                object_type: Some("organisation".into()),
                ..Default::default()
            },
            tillit_domain::pagination::PageRequest::default(),
        )
        .await
        .expect("events")
        .items
        .into_iter()
        .filter(|e| e.actor_label == format!("operator:{}", operator.email))
        .map(|e| e.action)
        .collect();
        assert_eq!(actions, ["reactivate", "suspend"]);
    }
);

web_test!(
    suspension_through_the_pages_shows_conflicts,
    |app| async move {
        let operator = create_operator(&app, true).await;
        let mut browser = operator_browser(&app, &operator).await;
        let org = &app.b;
        let path = format!("/operator/organisations/{}", org.id);
        let page = browser.get(&path).await;
        page.expect(200);
        let version = page.field("version").expect("version field");
        // Someone else changes the organisation meanwhile.
        tillit_store::org::update_organisation(
            &app.db,
            org.id,
            &Actor::system("test-fixture"),
            version.parse().expect("number"),
            &tillit_store::org::OrganisationChanges {
                name: "Region Norr",
                kind: tillit_domain::org::OrganisationKind::Region,
                org_number: "212000-0142",
            },
        )
        .await
        .expect("update");
        let conflict = browser
            .post(&format!("{path}/suspend"), &[("version", &version)])
            .await;
        conflict.expect(409);
        assert!(conflict
            .page()
            .contains(&app.text(Language::Sv, "conflict-reload")));
        let fresh = conflict.field("version").expect("version field");
        browser
            .post(&format!("{path}/suspend"), &[("version", &fresh)])
            .await
            .expect_redirect(&format!("{path}?notice=organisation-suspended"));
        let shown = browser.get(&path).await;
        assert!(shown
            .page()
            .contains(&app.text(Language::Sv, "operator-reactivate")));
    }
);

web_test!(
    an_administrators_access_is_reset_with_a_new_one_time_password,
    |app| async move {
        let operator = create_operator(&app, true).await;
        let org = &app.a;
        let admin = org.admin().clone();
        let path = format!("/api/v1/operator/organisations/{}/admin-reset", org.id);
        let employee = org.member(tillit_domain::auth::Role::Employee);
        let refused = app
            .api(Method::POST, &path)
            .token(&operator.token)
            .json(&serde_json::json!({ "admin_email": employee.email }))
            .send()
            .await;
        assert_eq!(refused.invalid_fields(), ["admin_email"]);
        let before = app.event_count(org.id).await;

        let reset = app
            .api(Method::POST, &path)
            .token(&operator.token)
            .json(&serde_json::json!({ "admin_email": admin.email.to_uppercase() }))
            .send()
            .await;
        reset.expect(200);
        let password = reset.json()["one_time_password"]
            .as_str()
            .expect("password")
            .to_owned();
        assert_eq!(app.event_count(org.id).await, before + 1);
        let event = tillit_store::audit::list(
            &app.db,
            org.id,
            &EventFilter::default(),
            tillit_domain::pagination::PageRequest::default(),
        )
        .await
        .expect("events")
        .items
        .remove(0);
        assert_eq!(event.action, "access_reset");
        assert_eq!(event.actor_label, format!("operator:{}", operator.email));
        assert_eq!(event.object_id, admin.id.to_string());

        let mut browser = app.browser();
        browser.log_in(&admin.email, PASSWORD).await.expect(422);
        browser
            .log_in(&admin.email, &password)
            .await
            .expect_redirect("/");
        browser
            .get("/users")
            .await
            .expect_redirect("/profile/two-factor");
    }
);

web_test!(
    operators_and_users_stay_in_their_own_realm,
    |app| async move {
        let operator = create_operator(&app, true).await;
        let admin = app.a.admin().clone();

        let as_operator = app
            .api(Method::GET, "/api/v1/org-units")
            .token(&operator.token)
            .send()
            .await;
        as_operator.problem(403, "operator-account");
        app.api(Method::GET, "/api/v1/operator/organisations")
            .token(&admin.token)
            .send()
            .await
            .problem(403, "forbidden");

        let mut operator_pages = operator_browser(&app, &operator).await;
        let refused = operator_pages.get("/organisation").await;
        refused.expect(403);
        assert!(refused
            .page()
            .contains(&app.text(Language::Sv, "problem-operator-account-title")));
        assert!(!refused.page().contains(&app.a.unit_names[0]));

        let mut user_pages = app.signed_in(&admin).await;
        user_pages.get("/operator").await.expect(403);
        user_pages
            .get("/operator/organisations/new")
            .await
            .expect(403);

        // One browser may hold both sessions, signed in one after the other; each realm
        // sees only its own.
        user_pages.get("/operator/login").await.expect(200);
        user_pages
            .post(
                "/operator/login",
                &[("email", &operator.email), ("password", PASSWORD)],
            )
            .await
            .expect_redirect("/operator/login/two-factor?next=%2Foperator");
        user_pages
            .get("/operator/login/two-factor")
            .await
            .expect(200);
        let secret = operator.totp_secret.as_deref().expect("secret");
        let code = totp::current_code(secret).expect("code");
        user_pages
            .post("/operator/login/two-factor", &[("code", &code)])
            .await
            .expect_redirect("/operator");
        assert!(user_pages.cookie("tillit_session").is_some());
        user_pages.get("/organisation").await.expect(200);
        user_pages.get("/operator").await.expect(200);
        user_pages
            .post("/operator/logout", &[])
            .await
            .expect_redirect("/operator/login");
        user_pages.get("/organisation").await.expect(200);
    }
);
