//! The pages of the register of information assets (list, create, detail, edit, the
//! systems that hold an asset) and the editing on a system's page (information owners,
//! dependencies, assets held, acceptable recovery time), with who may do what.

use tillit_domain::auth::Role;
use tillit_domain::pagination::PageRequest;
use tillit_domain::registers::AssetInput;
use tillit_domain::users::Language;
use tillit_store::registers::{self, AssetFilter};
use tillit_store::Actor;

use crate::harness::{html, Browser, Resp, TestApp};

fn sv(app: &TestApp, id: &str) -> String {
    app.text(Language::Sv, id)
}

/// The message a form shows for a refused field: "<label>: <message>".
fn field_message(app: &TestApp, field: &str, code: &str) -> String {
    format!(
        "{}: {}",
        sv(app, &format!("field-{field}")),
        sv(app, &format!("field-error-{code}"))
    )
}

/// Creates an asset through the store.
async fn create_asset(app: &TestApp, organisation_id: i64, input: AssetInput) -> i64 {
    let draft = input.validate().expect("valid asset");
    registers::create_asset(
        &app.db,
        organisation_id,
        &Actor::system("test-fixture"),
        &draft,
    )
    .await
    .expect("create asset")
    .id
}

async fn asset_count(app: &TestApp, organisation_id: i64) -> i64 {
    registers::list_assets(
        &app.db,
        organisation_id,
        &AssetFilter::default(),
        PageRequest::default(),
    )
    .await
    .expect("assets")
    .total
}

/// Everything a refused submission must leave alone: assets, and the audit trail.
async fn asset_footprint(app: &TestApp) -> (i64, i64) {
    (
        asset_count(app, app.a.id).await,
        app.event_count(app.a.id).await,
    )
}

/// The opening tag of the element with this id.
fn tag_with_id<'a>(text: &'a str, id: &str) -> Option<&'a str> {
    let at = text.find(&format!(" id=\"{id}\""))?;
    let start = text[..at].rfind('<')?;
    let end = text[at..].find('>')? + at;
    Some(&text[start..=end])
}

/// Whether the page shows this field as refused: the message in the summary (linking to
/// the field) and beside the field, which points at it.
#[track_caller]
fn assert_field_refused(resp: &Resp, id: &str, message: &str) {
    let page = resp.page();
    assert!(page.contains(message), "{message:?} in {page}");
    assert!(
        page.contains(&format!("<a href=\"#{id}\">{message}</a>")),
        "the summary links {message:?} to #{id}: {page}"
    );
    let text = resp.text();
    assert!(
        tag_with_id(&text, &format!("{id}-error")).is_some(),
        "a message beside {id}"
    );
    let field = tag_with_id(&text, id).unwrap_or_else(|| panic!("no field {id}"));
    let described = field
        .split("aria-describedby=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default();
    assert!(
        described.split(' ').any(|d| d == format!("{id}-error")),
        "{field} points at its message"
    );
}

/// Posts a form of owned pairs.
async fn post_form(browser: &mut Browser, path: &str, fields: &[(String, String)]) -> Resp {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post(path, &fields).await
}

web_test!(the_asset_list_filters_and_searches, |app| async move {
    let org = &app.a;
    let owner = org.member(Role::InformationOwner).id;
    create_asset(
        &app,
        org.id,
        AssetInput {
            name: "Patientjournal akuten".into(),
            form: "digital".into(),
            owner_id: Some(owner),
            unit_id: Some(org.ward),
            contains_personal_data: true,
            personal_data_categories: vec!["health".into(), "protected_identity".into()],
            business_critical: true,
            ..Default::default()
        },
    )
    .await;
    create_asset(
        &app,
        org.id,
        AssetInput {
            name: "Remisser på papper".into(),
            form: "paper".into(),
            owner_id: Some(owner),
            unit_id: Some(org.clinic),
            ..Default::default()
        },
    )
    .await;
    create_asset(
        &app,
        org.id,
        AssetInput {
            name: "Muntlig rapport vid skiftbyte".into(),
            form: "spoken".into(),
            owner_id: Some(owner),
            contains_personal_data: true,
            personal_data_categories: vec!["health".into()],
            ..Default::default()
        },
    )
    .await;
    app.create_asset(app.b.id, "Annan organisations journal", app.b.target.id)
        .await;
    let mut browser = app.signed_in(org.member(Role::Employee)).await;

    let resp = browser.get("/register/assets").await;
    resp.expect(200);
    let page = resp.page();
    assert_eq!(page.matches("<h1").count(), 1, "one h1");
    assert!(page.contains(&sv(&app, "asset-register-title")));
    for name in [
        "Patientjournal akuten",
        "Remisser på papper",
        "Muntlig rapport vid skiftbyte",
    ] {
        assert!(page.contains(name), "{name} is listed");
    }
    assert!(
        !page.contains("Annan organisations journal"),
        "only the own organisation"
    );
    assert!(
        page.contains(&format!(
            "{}: {}, {}",
            sv(&app, "yes"),
            sv(&app, "asset-category-health"),
            sv(&app, "asset-category-protected-identity")
        )),
        "the categories of personal data are listed"
    );
    assert!(
        !page.contains("/register/assets/new"),
        "an employee may not add assets"
    );

    let shown = |resp: &Resp| {
        let page = resp.page();
        [
            "Patientjournal akuten",
            "Remisser på papper",
            "Muntlig rapport vid skiftbyte",
        ]
        .into_iter()
        .filter(|name| page.contains(name))
        .collect::<Vec<_>>()
    };
    let cases: [(&str, &[&str]); 8] = [
        ("q=JOURNAL", &["Patientjournal akuten"]),
        ("form=paper", &["Remisser på papper"]),
        ("form=spoken", &["Muntlig rapport vid skiftbyte"]),
        ("personal_data=no", &["Remisser på papper"]),
        (
            "personal_data=yes&category=health",
            &["Patientjournal akuten", "Muntlig rapport vid skiftbyte"],
        ),
        ("category=protected_identity", &["Patientjournal akuten"]),
        ("business_critical=yes", &["Patientjournal akuten"]),
        (
            "business_critical=no",
            &["Remisser på papper", "Muntlig rapport vid skiftbyte"],
        ),
    ];
    for (query, expected) in cases {
        let resp = browser.get(&format!("/register/assets?{query}")).await;
        resp.expect(200);
        let mut expected = expected.to_vec();
        expected.sort_unstable();
        let mut got = shown(&resp);
        got.sort_unstable();
        assert_eq!(got, expected, "?{query}");
    }

    let resp = browser
        .get(&format!("/register/assets?unit_id={}&form=", org.ward))
        .await;
    resp.expect(200);
    assert_eq!(shown(&resp), vec!["Patientjournal akuten"], "by unit");
    assert_eq!(
        html::selected(&resp.text(), "unit_id").as_deref(),
        Some(org.ward.to_string().as_str()),
        "the chosen unit stays chosen"
    );
    let resp = browser.get("/register/assets?form=paper").await;
    assert_eq!(
        html::selected(&resp.text(), "form").as_deref(),
        Some("paper")
    );

    // Bad filter values are refused, naming the filter.
    for (query, field, code) in [
        ("form=telepathic", "form", "invalid-choice"),
        ("personal_data=maybe", "personal-data", "invalid-choice"),
        ("business_critical=1", "business-critical", "invalid-choice"),
        ("category=shoe_size", "category", "invalid-choice"),
        ("unit_id=abc", "unit-id", "invalid-type"),
    ] {
        let resp = browser.get(&format!("/register/assets?{query}")).await;
        resp.expect(422);
        assert!(
            resp.page().contains(&field_message(&app, field, code)),
            "?{query} names {field}"
        );
    }
});

web_test!(
    the_asset_list_pages_and_keeps_the_filter,
    |app| async move {
        let org = &app.a;
        for n in 0..53 {
            app.create_asset(org.id, &format!("Arkivhandling {n:02}"), org.target.id)
                .await;
        }
        app.create_asset(org.id, "Labbsvar", org.target.id).await;
        let mut browser = app.signed_in(org.admin()).await;
        let resp = browser.get("/register/assets?q=arkiv").await;
        resp.expect(200);
        let text = resp.text();
        let page = resp.page();
        assert!(page.contains("Arkivhandling 00") && page.contains("Arkivhandling 49"));
        assert!(!page.contains("Arkivhandling 50"), "50 on a page");
        assert!(!page.contains("Labbsvar"));
        let next = text
            .split("href=\"")
            .find(|part| part.contains("rel=\"next\""))
            .and_then(|part| part.split('"').next())
            .map(html::unescape)
            .expect("a link to the next page");
        assert!(
            next.contains("q=arkiv") && next.contains("page=2"),
            "{next}"
        );
        let resp = browser.get(&next).await;
        resp.expect(200);
        let page = resp.page();
        assert!(page.contains("Arkivhandling 52"));
        assert!(!page.contains("Arkivhandling 00"));
        assert!(page.contains("rel=\"prev\""));
    }
);

web_test!(an_asset_is_created_through_the_form, |app| async move {
    let org = &app.a;
    let owner = org.member(Role::InformationOwner);
    let mut browser = app.signed_in(org.member(Role::Coordinator)).await;
    let resp = browser.get("/register/assets").await;
    assert!(
        resp.text().contains("href=\"/register/assets/new\""),
        "a coordinator is offered the form"
    );
    let resp = browser.get("/register/assets/new").await;
    resp.expect(200);
    assert_eq!(resp.page().matches("<h1").count(), 1, "one h1");
    let before = asset_footprint(&app).await;

    // Name and owner missing: both named, the rest of what was typed kept.
    let resp = browser
        .post(
            "/register/assets",
            &[
                ("name", " "),
                ("description", "Journalanteckningar <b>akut</b>"),
                ("form", "paper"),
                ("owner_id", ""),
                ("processes", "Vårdprocess akut"),
                ("contains_personal_data", "on"),
                ("category_health", "on"),
                ("business_critical", "on"),
            ],
        )
        .await;
    resp.expect(422);
    assert!(resp.page().contains(&sv(&app, "error-summary-title")));
    assert_field_refused(&resp, "name", &field_message(&app, "name", "required"));
    assert_field_refused(
        &resp,
        "owner_id",
        &field_message(&app, "owner-id", "required"),
    );
    let text = resp.text();
    assert!(!text.contains("<b>akut</b>"), "typed text is escaped");
    assert_eq!(
        html::textarea(&text, "description").as_deref(),
        Some("Journalanteckningar <b>akut</b>")
    );
    assert_eq!(html::selected(&text, "form").as_deref(), Some("paper"));
    assert_eq!(
        html::textarea(&text, "processes").as_deref(),
        Some("Vårdprocess akut")
    );
    assert!(text.contains("name=\"category_health\" type=\"checkbox\" value=\"on\" checked"));
    assert!(text.contains("name=\"business_critical\" type=\"checkbox\" value=\"on\" checked"));
    assert_eq!(asset_footprint(&app).await, before, "nothing written");

    let valid = |owner_id: String| {
        vec![
            ("name".to_owned(), "Röntgenbilder".to_owned()),
            ("form".to_owned(), "digital".to_owned()),
            ("owner_id".to_owned(), owner_id),
        ]
    };

    // An owner of another organisation is unknown here.
    let resp = post_form(
        &mut browser,
        "/register/assets",
        &valid(app.b.target.id.to_string()),
    )
    .await;
    resp.expect(422);
    assert_field_refused(
        &resp,
        "owner_id",
        &field_message(&app, "owner-id", "unknown-reference"),
    );
    // So is a unit of another organisation.
    let mut fields = valid(owner.id.to_string());
    fields.push(("unit_id".into(), app.b.ward.to_string()));
    let resp = post_form(&mut browser, "/register/assets", &fields).await;
    resp.expect(422);
    assert_field_refused(
        &resp,
        "unit_id",
        &field_message(&app, "unit-id", "unknown-reference"),
    );
    // An unknown form.
    let mut fields = valid(owner.id.to_string());
    fields[1].1 = "telepathic".into();
    let resp = post_form(&mut browser, "/register/assets", &fields).await;
    resp.expect(422);
    assert_field_refused(
        &resp,
        "form",
        &field_message(&app, "form", "invalid-choice"),
    );
    // Categories of personal data without personal data.
    let mut fields = valid(owner.id.to_string());
    fields.push(("category_protected_identity".into(), "on".into()));
    let resp = post_form(&mut browser, "/register/assets", &fields).await;
    resp.expect(422);
    assert_field_refused(
        &resp,
        "personal_data_categories",
        &field_message(&app, "personal-data-categories", "without-personal-data"),
    );
    // A name far too long.
    let mut fields = valid(owner.id.to_string());
    fields[0].1 = "x".repeat(201);
    let resp = post_form(&mut browser, "/register/assets", &fields).await;
    resp.expect(422);
    assert_field_refused(&resp, "name", &field_message(&app, "name", "too-long"));
    // An owner that is not a number never reaches the service; the field is named.
    let resp = post_form(&mut browser, "/register/assets", &valid("någon".into())).await;
    resp.expect(422);
    assert!(resp.page().contains(&sv(&app, "field-owner-id")));
    assert_eq!(asset_footprint(&app).await, before, "nothing written");

    let mut fields = valid(owner.id.to_string());
    fields.extend([
        ("unit_id".to_owned(), org.ward.to_string()),
        ("description".to_owned(), "Bilder från röntgen".to_owned()),
        ("processes".to_owned(), "Bilddiagnostik".to_owned()),
        ("contains_personal_data".to_owned(), "on".to_owned()),
        ("category_health".to_owned(), "on".to_owned()),
        ("category_protected_identity".to_owned(), "on".to_owned()),
        ("business_critical".to_owned(), "on".to_owned()),
    ]);
    let resp = post_form(&mut browser, "/register/assets", &fields).await;
    resp.expect(303);
    let location = resp.location().to_owned();
    assert!(location.starts_with("/register/assets/"), "{location}");
    assert!(location.ends_with("?notice=asset-created"), "{location}");
    let id: i64 = location
        .trim_start_matches("/register/assets/")
        .split('?')
        .next()
        .and_then(|id| id.parse().ok())
        .expect("asset id");
    let stored = registers::get_asset(&app.db, org.id, id)
        .await
        .expect("stored");
    assert_eq!(stored.name, "Röntgenbilder");
    assert_eq!(stored.owner_id, owner.id);
    assert_eq!(stored.unit_id, Some(org.ward));
    assert_eq!(
        stored.personal_data_categories,
        vec!["health".to_owned(), "protected_identity".to_owned()]
    );
    assert!(stored.business_critical && stored.contains_personal_data);
    assert_eq!(asset_footprint(&app).await.0, before.0 + 1);

    let resp = browser.get(&location).await;
    resp.expect(200);
    let page = resp.page();
    assert!(page.contains(&sv(&app, "notice-asset-created")));
    for shown in [
        "<h1>Röntgenbilder</h1>".to_owned(),
        "<dd>Bilder från röntgen</dd>".to_owned(),
        "<dd>Bilddiagnostik</dd>".to_owned(),
        format!("<dd>{}</dd>", owner.display_name),
        format!("<dd>{}</dd>", org.unit_names[2]),
        format!("<dd>{}</dd>", sv(&app, "asset-form-digital")),
        format!("<li>{}</li>", sv(&app, "asset-category-health")),
        format!("<li>{}</li>", sv(&app, "asset-category-protected-identity")),
        format!(
            "<dt>{}</dt><dd>{}</dd>",
            sv(&app, "field-business-critical"),
            sv(&app, "yes")
        ),
    ] {
        assert!(page.contains(&shown), "{shown} on the detail page");
    }
});

web_test!(
    the_asset_detail_is_edited_and_refuses_a_stale_version,
    |app| async move {
        let org = &app.a;
        let id = app.create_asset(org.id, "Provsvar", org.target.id).await;
        let mut browser = app.signed_in(org.admin()).await;
        let path = format!("/register/assets/{id}");
        let resp = browser.get(&path).await;
        resp.expect(200);
        let text = resp.text();
        assert_eq!(resp.page().matches("<h1").count(), 1, "one h1");
        assert_eq!(html::input_value(&text, "version").as_deref(), Some("1"));
        assert_eq!(
            html::input_value(&text, "name").as_deref(),
            Some("Provsvar")
        );
        assert_eq!(
            html::selected(&text, "owner_id").as_deref(),
            Some(org.target.id.to_string().as_str())
        );

        let owner = org.target.id.to_string();
        let fields = |version: &'static str, name: &'static str| {
            vec![
                ("name", name),
                ("form", "paper"),
                ("owner_id", owner.as_str()),
                ("contains_personal_data", "on"),
                ("category_children", "on"),
                ("version", version),
            ]
        };
        let events = app.event_count(org.id).await;
        let resp = browser.post(&path, &fields("1", "Provsvar labb")).await;
        resp.expect_redirect(&format!("{path}?notice=asset-saved"));
        let stored = registers::get_asset(&app.db, org.id, id)
            .await
            .expect("asset");
        assert_eq!(
            (stored.name.as_str(), stored.form.as_str(), stored.version),
            ("Provsvar labb", "paper", 2)
        );
        assert_eq!(stored.personal_data_categories, vec!["children".to_owned()]);
        assert_eq!(
            app.event_count(org.id).await,
            events + 1,
            "the change is in the audit trail"
        );

        // Someone else saved in between: the old version is refused and nothing changes.
        let resp = browser.post(&path, &fields("1", "Gammalt namn")).await;
        resp.expect(409);
        assert!(resp.page().contains(&sv(&app, "conflict-reload")));
        assert_eq!(
            html::input_value(&resp.text(), "name").as_deref(),
            Some("Gammalt namn"),
            "the typed value is kept"
        );
        let stored = registers::get_asset(&app.db, org.id, id)
            .await
            .expect("asset");
        assert_eq!((stored.name.as_str(), stored.version), ("Provsvar labb", 2));
        assert_eq!(app.event_count(org.id).await, events + 1);

        // A bad edit shows the message beside the field and keeps the stored asset.
        let resp = browser
            .post(
                &path,
                &[
                    ("name", "Provsvar"),
                    ("form", "digital"),
                    ("owner_id", ""),
                    ("version", "2"),
                ],
            )
            .await;
        resp.expect(422);
        assert_field_refused(
            &resp,
            "owner_id",
            &field_message(&app, "owner-id", "required"),
        );
        let stored = registers::get_asset(&app.db, org.id, id)
            .await
            .expect("asset");
        assert_eq!(stored.version, 2);

        // Another organisation's asset does not exist here.
        let theirs = app
            .create_asset(app.b.id, "Norrs journal", app.b.target.id)
            .await;
        browser
            .get(&format!("/register/assets/{theirs}"))
            .await
            .expect(404);
    }
);

web_test!(
    systems_are_linked_and_unlinked_on_the_asset_page,
    |app| async move {
        let org = &app.a;
        let asset = app
            .create_asset(org.id, "Läkemedelslista", org.target.id)
            .await;
        let system = app.create_system(org.id, "Läkemedelssystem").await;
        let theirs = app.create_system(app.b.id, "Norrs system").await;
        let mut browser = app.signed_in(org.admin()).await;
        let path = format!("/register/assets/{asset}");
        let resp = browser.get(&path).await;
        assert!(resp.page().contains(&sv(&app, "asset-no-systems")));
        assert!(
            resp.text().contains("hx-get=\"/register/lookup/systems\""),
            "the systems are searched for"
        );
        let found = browser
            .get("/register/lookup/systems?field=system_id&id=link-system_id&q=läkemedel")
            .await;
        assert_eq!(
            html::checkboxes(&found.text(), "system_id"),
            vec![(system.to_string(), false)]
        );
        assert!(!resp.page().contains("Norrs system"));

        let links = |app: &TestApp| {
            let db = app.db.clone();
            async move {
                registers::asset_systems(&db, org.id, asset)
                    .await
                    .expect("links")
                    .into_iter()
                    .map(|s| s.id)
                    .collect::<Vec<_>>()
            }
        };
        let resp = browser
            .post(
                &format!("{path}/systems"),
                &[("system_id", &system.to_string())],
            )
            .await;
        resp.expect_redirect(&format!("{path}?notice=asset-system-linked"));
        assert_eq!(links(&app).await, vec![system]);
        let resp = browser.get(&path).await;
        let page = resp.page();
        assert!(page.contains(&format!("href=\"/register/systems/{system}\"")));
        assert!(page.contains("Läkemedelssystem"));
        // The system's page lists the asset too.
        let resp = browser.get(&format!("/register/systems/{system}")).await;
        assert!(resp
            .text()
            .contains(&format!("href=\"/register/assets/{asset}\"")));

        let before = app.event_count(org.id).await;
        for (value, code) in [
            (system.to_string(), "duplicate"),
            (theirs.to_string(), "unknown-reference"),
            (String::new(), "required"),
        ] {
            let resp = browser
                .post(&format!("{path}/systems"), &[("system_id", &value)])
                .await;
            resp.expect(422);
            assert_field_refused(
                &resp,
                "link-system_id",
                &field_message(&app, "system-id", code),
            );
        }
        assert_eq!(links(&app).await, vec![system], "nothing changed");
        assert_eq!(app.event_count(org.id).await, before);

        let resp = browser
            .post(
                &format!("{path}/systems/remove"),
                &[("system_id", &system.to_string())],
            )
            .await;
        resp.expect_redirect(&format!("{path}?notice=asset-system-unlinked"));
        assert!(links(&app).await.is_empty());
        assert_eq!(app.event_count(org.id).await, before + 1);
        // Removing it again: there is nothing to remove.
        browser
            .post(
                &format!("{path}/systems/remove"),
                &[("system_id", &system.to_string())],
            )
            .await
            .expect(404);
    }
);

web_test!(
    information_owners_are_added_and_removed_on_the_system_page,
    |app| async move {
        let org = &app.a;
        let system = app.create_system(org.id, "Journalsystem").await;
        let owner = org.member(Role::InformationOwner);
        let mut browser = app.signed_in(org.member(Role::Coordinator)).await;
        let path = format!("/register/systems/{system}");
        let owners = |app: &TestApp| {
            let db = app.db.clone();
            async move {
                registers::system_owners(&db, org.id, system)
                    .await
                    .expect("owners")
                    .into_iter()
                    .map(|u| u.id)
                    .collect::<Vec<_>>()
            }
        };
        let resp = browser.get(&path).await;
        resp.expect(200);
        assert!(resp.text().contains(&format!("action=\"{path}/owners\"")));

        let resp = browser
            .post(
                &format!("{path}/owners"),
                &[("owner_id", &owner.id.to_string()), ("version", "1")],
            )
            .await;
        resp.expect_redirect(&format!("{path}?notice=system-owner-added"));
        let resp = browser
            .post(
                &format!("{path}/owners"),
                &[("owner_id", &org.target.id.to_string()), ("version", "2")],
            )
            .await;
        resp.expect(303);
        let mut expected = vec![owner.id, org.target.id];
        expected.sort_unstable();
        assert_eq!(owners(&app).await, expected, "several owners");
        let resp = browser.get(&path).await;
        let page = resp.page();
        assert!(page.contains(&owner.display_name) && page.contains(&org.target.display_name));

        let before = app.event_count(org.id).await;
        // Already an owner; of another organisation; nobody chosen.
        for (value, version, code) in [
            (owner.id.to_string(), "3", "already-listed"),
            (app.b.target.id.to_string(), "3", "unknown-reference"),
            (String::new(), "3", "required"),
        ] {
            let resp = browser
                .post(
                    &format!("{path}/owners"),
                    &[("owner_id", &value), ("version", version)],
                )
                .await;
            resp.expect(422);
            assert_field_refused(
                &resp,
                "owners-owner_ids",
                &field_message(&app, "owner-ids", code),
            );
        }
        // A stale version.
        let admin = org.admin().id.to_string();
        let resp = browser
            .post(
                &format!("{path}/owners"),
                &[("owner_id", &admin), ("version", "2")],
            )
            .await;
        resp.expect(409);
        assert!(resp.page().contains(&sv(&app, "conflict-reload")));
        assert_eq!(
            html::selected(&resp.text(), "owners-owner_ids").as_deref(),
            Some(admin.as_str()),
            "the choice is kept"
        );
        assert_eq!(owners(&app).await, expected, "nothing changed");
        assert_eq!(app.event_count(org.id).await, before);

        let resp = browser
            .post(
                &format!("{path}/owners/remove"),
                &[("owner_id", &org.target.id.to_string()), ("version", "3")],
            )
            .await;
        resp.expect_redirect(&format!("{path}?notice=system-owner-removed"));
        assert_eq!(owners(&app).await, vec![owner.id]);
        assert_eq!(app.event_count(org.id).await, before + 1);
    }
);

web_test!(
    a_cyclic_dependency_is_refused_with_a_message,
    |app| async move {
        let org = &app.a;
        let journal = app.create_system(org.id, "Journalsystem").await;
        let network = app.create_system(org.id, "Vårdnätet").await;
        let directory = app.create_system(org.id, "Katalogtjänst").await;
        let mut browser = app.signed_in(org.admin()).await;
        let add = |from: i64| format!("/register/systems/{from}/dependencies");
        let dependencies = |app: &TestApp, of: i64| {
            let db = app.db.clone();
            async move {
                registers::dependencies(&db, org.id, of)
                    .await
                    .expect("dependencies")
                    .into_iter()
                    .map(|s| s.id)
                    .collect::<Vec<_>>()
            }
        };
        browser.get(&format!("/register/systems/{journal}")).await;
        browser
            .post(&add(journal), &[("depends_on_id", &network.to_string())])
            .await
            .expect_redirect(&format!(
                "/register/systems/{journal}?notice=system-dependency-added"
            ));
        browser
            .post(&add(network), &[("depends_on_id", &directory.to_string())])
            .await
            .expect(303);
        assert_eq!(dependencies(&app, journal).await, vec![network]);

        // Directory -> journal would close journal -> network -> directory -> journal.
        let before = app.event_count(org.id).await;
        let resp = browser
            .post(&add(directory), &[("depends_on_id", &journal.to_string())])
            .await;
        resp.expect(422);
        let cycle = field_message(&app, "depends-on-id", "cycle");
        assert_field_refused(&resp, "dependencies-depends_on_id", &cycle);
        assert_eq!(
            html::checkboxes(&resp.text(), "depends_on_id"),
            vec![(journal.to_string(), true)],
            "the choice is kept"
        );
        // On itself, too.
        let resp = browser
            .post(
                &add(directory),
                &[("depends_on_id", &directory.to_string())],
            )
            .await;
        resp.expect(422);
        assert!(resp.page().contains(&cycle));
        assert!(
            dependencies(&app, directory).await.is_empty(),
            "nothing added"
        );
        assert_eq!(app.event_count(org.id).await, before, "nothing recorded");

        // In English as well.
        browser
            .post("/language", &[("language", "en"), ("next", "/")])
            .await
            .expect(303);
        let resp = browser
            .post(&add(directory), &[("depends_on_id", &journal.to_string())])
            .await;
        resp.expect(422);
        assert!(resp.page().contains(&format!(
            "{}: {}",
            app.text(Language::En, "field-depends-on-id"),
            app.text(Language::En, "field-error-cycle")
        )));

        let resp = browser
            .post(
                &format!("/register/systems/{journal}/dependencies/remove"),
                &[("depends_on_id", &network.to_string())],
            )
            .await;
        resp.expect_redirect(&format!(
            "/register/systems/{journal}?notice=system-dependency-removed"
        ));
        assert!(dependencies(&app, journal).await.is_empty());
    }
);

web_test!(
    assets_and_recovery_time_are_set_on_the_system_page,
    |app| async move {
        let org = &app.a;
        let system = app.create_system(org.id, "Labbsystem").await;
        let asset = app.create_asset(org.id, "Labbsvar", org.target.id).await;
        let theirs = app
            .create_asset(app.b.id, "Norrs labbsvar", app.b.target.id)
            .await;
        let mut browser = app.signed_in(org.admin()).await;
        let path = format!("/register/systems/{system}");
        let resp = browser.get(&path).await;
        assert!(resp.text().contains("name=\"asset_id_q\""));

        let held = |app: &TestApp| {
            let db = app.db.clone();
            async move {
                registers::system_assets(&db, org.id, system)
                    .await
                    .expect("assets")
                    .into_iter()
                    .map(|a| a.id)
                    .collect::<Vec<_>>()
            }
        };
        browser
            .post(
                &format!("{path}/assets"),
                &[("asset_id", &asset.to_string())],
            )
            .await
            .expect_redirect(&format!("{path}?notice=system-asset-linked"));
        assert_eq!(held(&app).await, vec![asset]);
        for (value, code) in [
            (asset.to_string(), "duplicate"),
            (theirs.to_string(), "unknown-reference"),
        ] {
            let resp = browser
                .post(&format!("{path}/assets"), &[("asset_id", &value)])
                .await;
            resp.expect(422);
            assert_field_refused(
                &resp,
                "assets-asset_id",
                &field_message(&app, "asset-id", code),
            );
        }
        browser
            .post(
                &format!("{path}/assets/remove"),
                &[("asset_id", &asset.to_string())],
            )
            .await
            .expect_redirect(&format!("{path}?notice=system-asset-unlinked"));
        assert!(held(&app).await.is_empty());

        let hours = |app: &TestApp| {
            let db = app.db.clone();
            async move {
                let entry = registers::get_system(&db, org.id, system)
                    .await
                    .expect("system");
                (entry.acceptable_recovery_time_hours, entry.version)
            }
        };
        let recovery = format!("{path}/recovery-time");
        let before = app.event_count(org.id).await;
        for (typed, code) in [
            ("ett dygn", "whole-hours"),
            ("2.5", "whole-hours"),
            ("-4", "out-of-range"),
            ("87601", "out-of-range"),
        ] {
            let resp = browser
                .post(
                    &recovery,
                    &[("acceptable_recovery_time_hours", typed), ("version", "1")],
                )
                .await;
            resp.expect(422);
            assert_field_refused(
                &resp,
                "recovery-acceptable_recovery_time_hours",
                &field_message(&app, "acceptable-recovery-time-hours", code),
            );
            assert_eq!(
                html::input_value(&resp.text(), "recovery-acceptable_recovery_time_hours")
                    .as_deref(),
                Some(typed),
                "what was typed is shown again"
            );
        }
        assert_eq!(hours(&app).await, (None, 1), "nothing changed");
        assert_eq!(app.event_count(org.id).await, before);

        browser
            .post(
                &recovery,
                &[("acceptable_recovery_time_hours", " 24 "), ("version", "1")],
            )
            .await
            .expect_redirect(&format!("{path}?notice=system-recovery-time-saved"));
        assert_eq!(hours(&app).await, (Some(24), 2));
        let resp = browser.get(&path).await;
        assert!(resp.page().contains(&app.state.i18n.text_with(
            Language::Sv,
            "system-recovery-hours",
            &[("hours", "24".into())]
        )));
        assert_eq!(
            html::input_value(&resp.text(), "recovery-acceptable_recovery_time_hours").as_deref(),
            Some("24")
        );
        // A stale version is refused; an empty field clears the time.
        browser
            .post(
                &recovery,
                &[("acceptable_recovery_time_hours", "48"), ("version", "1")],
            )
            .await
            .expect(409);
        assert_eq!(hours(&app).await, (Some(24), 2));
        browser
            .post(
                &recovery,
                &[("acceptable_recovery_time_hours", ""), ("version", "2")],
            )
            .await
            .expect(303);
        assert_eq!(hours(&app).await, (None, 3));
    }
);

web_test!(owners_edit_their_own_entries_only, |app| async move {
    let org = &app.a;
    let owner = org.member(Role::InformationOwner);
    let own_asset = app.create_asset(org.id, "Egen tillgång", owner.id).await;
    let other_asset = app
        .create_asset(org.id, "Annans tillgång", org.target.id)
        .await;
    let own_system = app.create_system(org.id, "Eget system").await;
    let other_system = app.create_system(org.id, "Annat system").await;
    registers::set_owners(
        &app.db,
        org.id,
        &Actor::system("test-fixture"),
        own_system,
        1,
        &[owner.id],
    )
    .await
    .expect("owner");
    let mut browser = app.signed_in(owner).await;

    // Their own asset: the edit and link forms, and the change goes through.
    let path = format!("/register/assets/{own_asset}");
    let resp = browser.get(&path).await;
    let text = resp.text();
    assert!(text.contains(&format!("action=\"{path}\"")));
    assert!(text.contains(&format!("action=\"{path}/systems\"")));
    let owner_id = owner.id.to_string();
    browser
        .post(
            &path,
            &[
                ("name", "Egen tillgång, ändrad"),
                ("form", "spoken"),
                ("owner_id", &owner_id),
                ("version", "1"),
            ],
        )
        .await
        .expect(303);
    browser
        .post(
            &format!("{path}/systems"),
            &[("system_id", &other_system.to_string())],
        )
        .await
        .expect(303);

    // Their own entry: the small forms, and the change goes through.
    let system_path = format!("/register/systems/{own_system}");
    let resp = browser.get(&system_path).await;
    assert!(resp
        .text()
        .contains(&format!("action=\"{system_path}/recovery-time\"")));
    browser
        .post(
            &format!("{system_path}/recovery-time"),
            &[("acceptable_recovery_time_hours", "8"), ("version", "2")],
        )
        .await
        .expect(303);
    browser
        .post(
            &format!("{system_path}/dependencies"),
            &[("depends_on_id", &other_system.to_string())],
        )
        .await
        .expect(303);

    // Someone else's: read only, and a change is refused with nothing written.
    let before = app.event_count(org.id).await;
    let other_path = format!("/register/assets/{other_asset}");
    let resp = browser.get(&other_path).await;
    resp.expect(200);
    assert!(!resp.text().contains("method=\"post\" action=\"/register"));
    browser
        .post(
            &other_path,
            &[
                ("name", "Kapad"),
                ("form", "paper"),
                ("owner_id", &owner_id),
                ("version", "1"),
            ],
        )
        .await
        .expect(403);
    let resp = browser
        .get(&format!("/register/systems/{other_system}"))
        .await;
    assert!(!resp.text().contains("method=\"post\" action=\"/register"));
    for (path, fields) in [
        (
            format!("/register/systems/{other_system}/owners"),
            vec![("owner_id", owner_id.clone()), ("version", "1".into())],
        ),
        (
            format!("/register/systems/{other_system}/recovery-time"),
            vec![
                ("acceptable_recovery_time_hours", "1".into()),
                ("version", "1".into()),
            ],
        ),
        (
            format!("/register/systems/{other_system}/assets"),
            vec![("asset_id", own_asset.to_string())],
        ),
        // Refused before the input is read, so an empty form is refused too.
        (
            format!("/register/systems/{other_system}/dependencies"),
            vec![],
        ),
    ] {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        browser.post(&path, &fields).await.expect(403);
    }
    browser.get("/register/assets/new").await.expect(403);
    assert_eq!(app.event_count(org.id).await, before, "nothing written");
});

web_test!(
    an_auditor_reads_the_assets_but_sees_no_forms,
    |app| async move {
        let org = &app.a;
        let asset = app
            .create_asset(org.id, "Passerloggar", org.target.id)
            .await;
        let system = app.create_system(org.id, "Passersystem").await;
        let mut browser = app.signed_in(org.member(Role::Auditor)).await;
        let resp = browser.get("/register/assets").await;
        resp.expect(200);
        assert!(resp.page().contains("Passerloggar"));
        assert!(!resp.text().contains("/register/assets/new"));
        let resp = browser.get(&format!("/register/assets/{asset}")).await;
        resp.expect(200);
        assert!(resp.page().contains("Passerloggar"));
        assert!(!resp.text().contains("method=\"post\" action=\"/register"));
        let resp = browser.get(&format!("/register/systems/{system}")).await;
        assert!(!resp.text().contains("method=\"post\" action=\"/register"));

        let before = (asset_footprint(&app).await, app.footprint(org.id).await);
        let user = org.target.id.to_string();
        browser
            .post(
                "/register/assets",
                &[("name", "Ny"), ("form", "digital"), ("owner_id", &user)],
            )
            .await
            .expect(403);
        browser
            .post(
                &format!("/register/assets/{asset}/systems"),
                &[("system_id", &system.to_string())],
            )
            .await
            .expect(403);
        browser
            .post(
                &format!("/register/systems/{system}/assets"),
                &[("asset_id", &asset.to_string())],
            )
            .await
            .expect(403);
        assert_eq!(
            (asset_footprint(&app).await, app.footprint(org.id).await),
            before
        );
    }
);

web_test!(the_register_pages_link_to_each_other, |app| async move {
    let org = &app.a;
    let mut browser = app.signed_in(org.member(Role::Employee)).await;
    let resp = browser.get("/register").await;
    let text = resp.text();
    assert!(text.contains("href=\"/register/assets\""));
    assert!(text.contains(&sv(&app, "register-part-assets")));
    let resp = browser.get("/register/assets").await;
    let text = resp.text();
    assert!(text.contains("href=\"/register\">"));
    assert!(text.contains("href=\"/register/assets\" aria-current=\"page\""));

    browser
        .post(
            "/language",
            &[("language", "en"), ("next", "/register/assets")],
        )
        .await
        .expect(303);
    let resp = browser.get("/register/assets").await;
    let page = resp.page();
    assert!(page.contains(&app.text(Language::En, "asset-register-title")));
    assert!(page.contains(&app.text(Language::En, "register-part-systems")));
});

web_test!(
    the_asset_list_sorts_in_the_page_and_the_api,
    |app| async move {
        let org = &app.a;
        let owner = org.member(Role::InformationOwner).id;
        for (name, critical) in [
            ("Arkiv", false),
            ("Journal", true),
            ("Beställningar", false),
        ] {
            create_asset(
                &app,
                org.id,
                AssetInput {
                    name: name.into(),
                    form: "digital".into(),
                    owner_id: Some(owner),
                    business_critical: critical,
                    ..Default::default()
                },
            )
            .await;
        }
        let mut browser = app.signed_in(org.member(Role::Auditor)).await;
        let order = |page: &str| -> Vec<usize> {
            ["Arkiv", "Journal", "Beställningar"]
                .iter()
                .map(|name| page.find(&format!(">{name}<")).expect(name))
                .collect()
        };
        let by_name = order(&browser.get("/register/assets").await.expect(200).page());
        assert!(
            by_name[0] < by_name[2] && by_name[2] < by_name[1],
            "by name"
        );
        let critical_first = order(
            &browser
                .get("/register/assets?sort=business_critical")
                .await
                .expect(200)
                .page(),
        );
        assert!(critical_first[1] < critical_first[0], "Journal first");
        browser.get("/register/assets?sort=size").await.expect(422);

        let list = app
            .api(axum::http::Method::GET, "/api/v1/assets?sort=updated")
            .token(&org.member(Role::Auditor).token)
            .send()
            .await
            .expect(200)
            .json();
        let names: Vec<&str> = list["items"]
            .as_array()
            .expect("items")
            .iter()
            .map(|a| a["name"].as_str().expect("name"))
            .collect();
        assert_eq!(names, ["Beställningar", "Journal", "Arkiv"], "latest first");
    }
);
