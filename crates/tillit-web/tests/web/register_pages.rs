//! The pages of the register of networks and information systems: list with filters,
//! create and edit forms, history, conflicts, read-only auditors, yearly confirmation.

use tillit_domain::auth::Role;
use tillit_domain::users::Language;

use crate::harness::{html, TestApp};

fn overdue_text(app: &TestApp) -> String {
    app.text(Language::Sv, "register-confirmation-overdue")
}

web_test!(the_list_shows_and_filters_the_systems, |app| async move {
    let org = &app.a;
    let journal = app.create_system(org.id, "Journalsystem Cosmic").await;
    app.create_system(org.id, "Röntgen PACS").await;
    app.create_system(app.b.id, "Annan organisations system")
        .await;
    let mut browser = app.signed_in(org.admin()).await;

    let resp = browser.get("/register").await;
    resp.expect(200);
    let page = resp.page();
    assert_eq!(page.matches("<h1").count(), 1, "one h1");
    assert!(page.contains(&app.text(Language::Sv, "register-title")));
    assert!(page.contains("Journalsystem Cosmic"));
    assert!(page.contains("Röntgen PACS"));
    assert!(
        !page.contains("Annan organisations system"),
        "only the own organisation"
    );
    assert!(page.contains(&format!("/register/systems/{journal}")));

    let resp = browser
        .get("/register?q=journal&kind=&criticality=&in_scope=")
        .await;
    resp.expect(200);
    let page = resp.page();
    assert!(page.contains("Journalsystem Cosmic"));
    assert!(!page.contains("Röntgen PACS"), "the search filters: {page}");

    let resp = browser.get("/register?kind=network").await;
    resp.expect(200);
    let page = resp.page();
    assert!(!page.contains("Journalsystem Cosmic"), "the kind filters");
    assert_eq!(
        html::selected(&resp.text(), "kind").as_deref(),
        Some("network")
    );

    let resp = browser.get("/register?in_scope=yes").await;
    resp.expect(200);
    assert!(!resp.page().contains("Röntgen PACS"), "not in scope");

    let resp = browser.get("/register?sort=designation").await;
    resp.expect(200);
    assert_eq!(
        html::selected(&resp.text(), "sort").as_deref(),
        Some("designation")
    );

    // htmx asks for the same page; the filters work without JavaScript too.
    browser.get("/register?kind=bogus").await.expect(422);
});

web_test!(a_system_is_created_through_the_form, |app| async move {
    let org = &app.a;
    let mut browser = app.signed_in(org.admin()).await;
    let resp = browser.get("/register/systems/new").await;
    resp.expect(200);
    assert_eq!(resp.page().matches("<h1").count(), 1, "one h1");

    let resp = browser
        .post(
            "/register/systems",
            &[
                ("name", "  "),
                ("kind", "it_service"),
                ("functionality", "Journalföring <i> vården"),
                ("criticality", "critical"),
                ("hosting", "cloud"),
                ("storage_country", "Sverige"),
                ("supplier", "Leverantör AB"),
            ],
        )
        .await;
    resp.expect(422);
    let page = resp.page();
    assert!(page.contains(&app.text(Language::Sv, "error-summary-title")));
    assert!(
        page.contains("<a href=\"#name\">"),
        "summary links to the field"
    );
    assert!(page.contains("aria-describedby=\"name-error\""));
    let text = resp.text();
    assert!(!text.contains("<i>"), "typed text is escaped");
    assert_eq!(
        html::textarea(&text, "functionality").as_deref(),
        Some("Journalföring <i> vården")
    );
    assert_eq!(html::selected(&text, "kind").as_deref(), Some("it_service"));
    assert_eq!(
        html::selected(&text, "criticality").as_deref(),
        Some("critical")
    );
    assert_eq!(html::selected(&text, "hosting").as_deref(), Some("cloud"));
    assert_eq!(
        html::input_value(&text, "storage_country").as_deref(),
        Some("Sverige")
    );
    assert_eq!(
        html::input_value(&text, "supplier").as_deref(),
        Some("Leverantör AB")
    );

    let resp = browser
        .post(
            "/register/systems",
            &[
                ("name", "Labbsystem"),
                ("kind", "information_system"),
                ("criticality", "high"),
                ("hosting", "supplier"),
                ("in_cyber_security_act_scope", "on"),
            ],
        )
        .await;
    resp.expect(303);
    let location = resp.location().to_owned();
    assert!(location.starts_with("/register/systems/"), "{location}");
    assert!(location.ends_with("?notice=system-created"), "{location}");
    let resp = browser.get(&location).await;
    resp.expect(200);
    let page = resp.page();
    assert!(page.contains(&app.text(Language::Sv, "notice-system-created")));
    assert!(page.contains("Labbsystem"));
    assert!(page.contains(&app.text(Language::Sv, "hosting-supplier")));

    let resp = browser.get("/register?in_scope=yes").await;
    assert!(
        resp.page().contains("Labbsystem"),
        "in scope of cybersäkerhetslagen"
    );
});

web_test!(
    the_detail_shows_history_and_refuses_a_stale_version,
    |app| async move {
        let org = &app.a;
        let id = app.create_system(org.id, "E-post").await;
        let mut browser = app.signed_in(org.admin()).await;
        let path = format!("/register/systems/{id}");
        let resp = browser.get(&path).await;
        resp.expect(200);
        assert_eq!(resp.page().matches("<h1").count(), 1, "one h1");
        assert_eq!(
            html::input_value(&resp.text(), "version").as_deref(),
            Some("1")
        );

        let fields = |version: &'static str, name: &'static str| {
            vec![
                ("name", name),
                ("kind", "it_service"),
                ("criticality", "low"),
                ("hosting", "cloud"),
                ("version", version),
            ]
        };
        let resp = browser.post(&path, &fields("1", "E-post Exchange")).await;
        resp.expect_redirect(&format!("{path}?notice=system-saved"));
        let resp = browser.get(&path).await;
        resp.expect(200);
        let page = resp.page();
        assert!(page.contains("E-post Exchange"));
        assert!(page.contains(&app.text(Language::Sv, "system-history")));
        assert!(
            page.contains("<td>1</td>") && page.contains("<td>2</td>"),
            "both versions: {page}"
        );
        let second = page
            .split("<tr><td>2</td>")
            .nth(1)
            .and_then(|rest| rest.split("</tr>").next())
            .expect("the second version's row");
        for field in [
            "field-name",
            "field-kind",
            "field-criticality",
            "field-hosting",
        ] {
            let label = app.text(Language::Sv, field);
            assert!(
                second.contains(&label),
                "the second version names {label}: {second}"
            );
        }
        assert!(
            !second.contains(&app.text(Language::Sv, "field-supplier")),
            "and only what changed"
        );
        assert!(page.contains(&app.text(Language::Sv, "system-created")));
        assert_eq!(
            html::input_value(&resp.text(), "version").as_deref(),
            Some("2")
        );

        // Someone else saved in between: the old version is refused and nothing changes.
        let resp = browser.post(&path, &fields("1", "Gammalt namn")).await;
        resp.expect(409);
        let page = resp.page();
        assert!(
            page.contains(&app.text(Language::Sv, "conflict-reload")),
            "{page}"
        );
        assert_eq!(
            html::input_value(&resp.text(), "name").as_deref(),
            Some("Gammalt namn"),
            "the typed value is kept"
        );
        let resp = browser.get(&path).await;
        resp.expect(200);
        let text = resp.text();
        assert_eq!(
            html::input_value(&text, "name").as_deref(),
            Some("E-post Exchange")
        );
        assert_eq!(html::input_value(&text, "version").as_deref(), Some("2"));
        assert!(!text.contains("<td>3</td>"), "nothing was saved");
    }
);

web_test!(an_auditor_sees_no_forms, |app| async move {
    let org = &app.a;
    let id = app.create_system(org.id, "Passersystem").await;
    let mut browser = app.signed_in(org.member(Role::Auditor)).await;
    let resp = browser.get("/register").await;
    resp.expect(200);
    let text = resp.text();
    assert!(text.contains("Passersystem"));
    assert!(
        !text.contains("action=\"/register/confirm\""),
        "no confirm form on the list"
    );
    assert!(!text.contains("/register/systems/new"));
    let resp = browser.get(&format!("/register/systems/{id}")).await;
    resp.expect(200);
    assert!(
        !resp.text().contains("method=\"post\" action=\"/register"),
        "no edit form"
    );
    browser.get("/register/systems/new").await.expect(403);
    browser
        .post(
            &format!("/register/systems/{id}"),
            &[
                ("name", "Nytt"),
                ("kind", "network"),
                ("criticality", "low"),
                ("hosting", "cloud"),
                ("version", "1"),
            ],
        )
        .await
        .expect(403);
});

web_test!(
    confirming_the_register_removes_the_overdue_text,
    |app| async move {
        let org = &app.a;
        app.create_system(org.id, "Tandvårdssystem").await;
        let mut browser = app.signed_in(org.member(Role::Coordinator)).await;
        let resp = browser.get("/register").await;
        resp.expect(200);
        assert!(
            resp.page().contains(&overdue_text(&app)),
            "never confirmed is overdue"
        );
        assert!(resp
            .page()
            .contains(&app.text(Language::Sv, "register-never-confirmed")));

        let resp = browser
            .post(
                "/register/confirm",
                &[("note", "Genomgånget med objektägarna")],
            )
            .await;
        resp.expect_redirect("/register?notice=register-confirmed");
        let resp = browser.get("/register?notice=register-confirmed").await;
        resp.expect(200);
        let page = resp.page();
        assert!(!page.contains(&overdue_text(&app)), "no longer overdue");
        assert!(page.contains(&app.text(Language::Sv, "register-last-confirmed")));
        assert!(
            page.contains(&org.member(Role::Coordinator).display_name)
                || page.contains(&org.member(Role::Coordinator).email)
        );
    }
);

web_test!(the_register_is_in_english_too, |app| async move {
    let org = &app.a;
    app.create_system(org.id, "Journalsystem").await;
    let mut browser = app.signed_in(org.admin()).await;
    browser
        .post("/language", &[("language", "en"), ("next", "/register")])
        .await
        .expect(303);
    let resp = browser.get("/register").await;
    resp.expect(200);
    let page = resp.page();
    assert!(page.contains(&app.text(Language::En, "register-title")));
    assert!(page.contains(&app.text(Language::En, "system-kind-information-system")));
    assert!(page.contains(&app.text(Language::En, "register-confirmation-overdue")));
});
