//! Forms work without JavaScript: a bad submission comes back as the same page with an
//! error summary linked to the fields, and everything the user typed still there.

use tillit_domain::users::Language;

use crate::harness::{html, Resp, TestApp};

/// The error summary lists `field` as a link to its input, which is marked invalid.
fn assert_field_error(app: &TestApp, resp: &Resp, field: &str) {
    let page = resp.page();
    assert!(
        page.contains(&app.text(Language::Sv, "error-summary-title")),
        "error summary heading: {page}"
    );
    assert!(
        page.contains(&format!("<a href=\"#{field}\">")),
        "summary links to #{field}: {page}"
    );
    assert!(
        page.contains(&format!("id=\"{field}\"")),
        "the linked field exists: {page}"
    );
    assert!(
        page.contains(&format!("aria-describedby=\"{field}-error\"")),
        "the field points to its message"
    );
}

web_test!(
    unit_form_with_empty_name_keeps_the_typed_values,
    |app| async move {
        let org = &app.a;
        let mut browser = app.signed_in(org.admin()).await;
        browser.get("/organisation").await.expect(200);
        let before = app.footprint(org.id).await;
        let clinic = org.clinic.to_string();
        let manager = org.target.id.to_string();
        let resp = browser
            .post(
                "/organisation/units",
                &[
                    ("name", "   "),
                    ("kind", "operation"),
                    ("parent_id", &clinic),
                    ("manager_id", &manager),
                    ("description", "Beskrivning <som> jag skrev"),
                ],
            )
            .await;
        resp.expect(422);
        assert_field_error(&app, &resp, "name");
        let page = resp.page();
        let message = app.text(Language::Sv, "field-error-required");
        assert!(
            page.contains(&message),
            "the message says what is wrong: {page}"
        );
        let html = resp.text();
        assert_eq!(
            html::textarea(&html, "description").as_deref(),
            Some("Beskrivning <som> jag skrev")
        );
        assert!(!html.contains("<som>"), "typed text is escaped");
        assert_eq!(html::selected(&html, "kind").as_deref(), Some("operation"));
        assert_eq!(
            html::selected(&html, "parent_id").as_deref(),
            Some(clinic.as_str())
        );
        assert_eq!(
            html::selected(&html, "manager_id").as_deref(),
            Some(manager.as_str())
        );
        assert_eq!(app.footprint(org.id).await, before, "nothing was created");

        // Corrected, the same form goes through (post/redirect/get).
        let resp = browser
            .post(
                "/organisation/units",
                &[
                    ("name", "Ny klinik"),
                    ("kind", "operation"),
                    ("parent_id", &clinic),
                    ("description", ""),
                ],
            )
            .await;
        resp.expect(303);
        assert!(
            resp.location().starts_with("/organisation/units/")
                && resp.location().ends_with("?notice=unit-created"),
            "{}",
            resp.location()
        );
        let created = browser.get(resp.location()).await;
        created.expect(200);
        assert!(created
            .page()
            .contains(&app.text(Language::Sv, "notice-unit-created")));
        assert_eq!(app.unit_count(org.id).await, before.0 + 1);
    }
);

web_test!(edit_form_names_every_bad_field, |app| async move {
    let org = &app.a;
    let mut browser = app.signed_in(org.admin()).await;
    let path = format!("/organisation/units/{}", org.ward);
    let version = browser.get(&path).await.field("version").expect("version");
    let resp = browser
        .post(
            &path,
            &[
                ("name", ""),
                ("kind", "castle"),
                ("description", "Kvar"),
                ("version", &version),
            ],
        )
        .await;
    resp.expect(422);
    assert_field_error(&app, &resp, "name");
    assert_field_error(&app, &resp, "kind");
    assert_eq!(
        html::textarea(&resp.text(), "description").as_deref(),
        Some("Kvar")
    );
    assert_eq!(
        app.unit(org.id, org.ward).await.version.to_string(),
        version
    );

    // A number field with letters in it is named too, not a crash.
    let resp = browser
        .post(
            &path,
            &[
                ("name", "Akuten"),
                ("kind", "unit"),
                ("parent_id", "ett"),
                ("version", &version),
            ],
        )
        .await;
    resp.expect(422);
    assert!(
        resp.page()
            .contains(&app.text(Language::Sv, "field-parent-id")),
        "{}",
        resp.page()
    );
});

web_test!(
    new_user_form_keeps_values_but_never_the_password,
    |app| async move {
        let org = &app.a;
        let mut browser = app.signed_in(org.admin()).await;
        browser.get("/users/new").await.expect(200);
        let before = app.footprint(org.id).await;
        let secret = "hemligt lösenord 123";
        let resp = browser
            .post(
                "/users",
                &[
                    ("email", "inte-en-adress"),
                    ("display_name", "Karin Ny"),
                    ("title", "Sjuksköterska"),
                    ("password", secret),
                    ("role", "auditor"),
                ],
            )
            .await;
        resp.expect(422);
        assert_field_error(&app, &resp, "email");
        let html = resp.text();
        assert_eq!(
            html::input_value(&html, "email").as_deref(),
            Some("inte-en-adress")
        );
        assert_eq!(
            html::input_value(&html, "display_name").as_deref(),
            Some("Karin Ny")
        );
        assert_eq!(
            html::input_value(&html, "title").as_deref(),
            Some("Sjuksköterska")
        );
        assert_eq!(html::selected(&html, "role").as_deref(), Some("auditor"));
        assert!(
            !resp.page().contains(secret),
            "the password is never sent back"
        );
        assert_eq!(app.footprint(org.id).await, before);
    }
);
