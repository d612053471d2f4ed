//! The searchable pickers of systems and information assets: the search without script
//! that keeps what was typed and chosen, the lookup that htmx asks, and saving what the
//! pickers chose.

use tillit_domain::auth::Role;
use tillit_store::registers;

use crate::harness::{html, TestApp};

/// The values of the checkboxes named `name`, ticked and not.
fn ticked_and_not(page: &str, name: &str) -> (Vec<String>, Vec<String>) {
    let boxes = html::checkboxes(page, name);
    let ticked = boxes.iter().filter(|b| b.1).map(|b| b.0.clone()).collect();
    let unticked = boxes.iter().filter(|b| !b.1).map(|b| b.0.clone()).collect();
    (ticked, unticked)
}

async fn designation(app: &TestApp, organisation_id: i64, id: i64) -> String {
    registers::get_system(&app.db, organisation_id, id)
        .await
        .expect("system")
        .designation
}

web_test!(
    a_search_without_script_keeps_what_was_typed_and_chosen,
    |app| async move {
        let org = &app.a;
        let journal = app.create_system(org.id, "Journalsystem").await;
        let xray = app.create_system(org.id, "Röntgensystem").await;
        app.create_system(org.id, "Labbsystem").await;
        app.create_system(app.b.id, "Norrs röntgen").await;
        let mut browser = app.signed_in(org.member(Role::Employee)).await;
        let form = browser.get("/incidents/new").await;
        form.expect(200);
        let page = form.page();
        assert!(page.contains("name=\"system_ids_q\""));
        assert!(page
            .contains("type=\"submit\" class=\"button button-secondary\" name=\"picker_search\""));
        assert!(page.contains("hx-get=\"/register/lookup/systems\""));
        assert!(page.contains("aria-live=\"polite\""));
        assert!(
            html::checkboxes(&page, "system_ids").is_empty(),
            "no list of every system"
        );

        let events = app.event_count(org.id).await;
        let journal_id = journal.to_string();
        let resp = browser
            .post(
                "/incidents",
                &[
                    ("title", "Röntgenbilder saknas i journalen"),
                    ("description", "Bilderna från i morse syns inte."),
                    ("system_ids", &journal_id),
                    ("system_ids_q", "röntgen"),
                    ("picker_search", "system_ids"),
                ],
            )
            .await;
        resp.expect(200);
        let page = resp.page();
        assert_eq!(
            html::input_value(&page, "title").as_deref(),
            Some("Röntgenbilder saknas i journalen")
        );
        assert_eq!(
            html::textarea(&page, "description").as_deref(),
            Some("Bilderna från i morse syns inte.")
        );
        assert_eq!(
            html::input_value(&page, "system_ids-q").as_deref(),
            Some("röntgen"),
            "the search text is kept"
        );
        let (ticked, unticked) = ticked_and_not(&page, "system_ids");
        assert_eq!(
            ticked,
            vec![journal_id.clone()],
            "the chosen system stays ticked"
        );
        assert_eq!(
            unticked,
            vec![xray.to_string()],
            "the match, and only this organisation's"
        );
        assert!(!page.contains("Labbsystem"), "no entry that does not match");
        assert!(page.contains("En träff."));
        assert!(!page.contains("error-summary"), "a search is not a refusal");
        assert_eq!(app.event_count(org.id).await, events, "nothing saved");

        // Ticking the match and sending the form: a refusal keeps both ticked, and
        // once complete the form saves both.
        let xray_id = xray.to_string();
        let mut fields = vec![
            ("title", "Röntgenbilder saknas i journalen"),
            ("description", "Bilderna från i morse syns inte."),
            ("system_ids", journal_id.as_str()),
            ("system_ids", xray_id.as_str()),
            ("system_ids_q", "röntgen"),
        ];
        let resp = browser.post("/incidents", &fields).await;
        resp.expect(422);
        let mut kept = ticked_and_not(&resp.page(), "system_ids").0;
        kept.sort_unstable();
        let mut both = vec![journal_id.clone(), xray_id.clone()];
        both.sort_unstable();
        assert_eq!(kept, both);
        let ward = org.ward.to_string();
        fields.extend([
            ("discovered_at", "2026-12-01T08:00"),
            ("unit_id", ward.as_str()),
        ]);
        let resp = browser.post("/incidents", &fields).await;
        resp.expect(303);
        let case = resp.location().to_owned();
        let page = browser.get(&case).await.page();
        assert!(
            page.contains("Journalsystem") && page.contains("Röntgensystem"),
            "{page}"
        );
    }
);

web_test!(
    the_lookup_finds_entries_by_designation_within_the_organisation,
    |app| async move {
        let org = &app.a;
        let journal = app.create_system(org.id, "Journalsystem").await;
        let theirs = app.create_system(app.b.id, "Norrs journalsystem").await;
        let journal_designation = designation(&app, org.id, journal).await;
        let mut browser = app.signed_in(org.member(Role::InformationOwner)).await;

        let resp = browser
            .get(&format!("/register/lookup/systems?q={journal_designation}"))
            .await;
        resp.expect(200);
        let page = resp.page();
        assert!(
            page.contains(&format!("{journal_designation} Journalsystem")),
            "{page}"
        );
        assert_eq!(
            ticked_and_not(&page, "system_ids").1,
            vec![journal.to_string()]
        );
        assert!(page.contains("hx-swap-oob=\"innerHTML\""));

        // By name, as htmx sends it: the search field and the ticked boxes under the
        // form's own names. Another organisation's entry is neither found nor shown
        // as chosen.
        let resp = browser
            .get(&format!(
                "/register/lookup/systems?field=depends_on_id&id=dependencies-depends_on_id&depends_on_id_q=JOURNAL&depends_on_id={theirs}"
            ))
            .await;
        resp.expect(200);
        let page = resp.page();
        assert!(!page.contains("Norrs"), "{page}");
        assert_eq!(
            ticked_and_not(&page, "depends_on_id"),
            (Vec::new(), vec![journal.to_string()])
        );
        assert!(page.contains(&format!("id=\"dependencies-depends_on_id-{journal}\"")));
        assert!(page.contains("id=\"dependencies-depends_on_id-count\""));

        // A chosen entry is listed as chosen, not again as a match.
        let resp = browser
            .get(&format!(
                "/register/lookup/systems?q=journal&selected={journal}"
            ))
            .await;
        assert_eq!(
            ticked_and_not(&resp.page(), "system_ids"),
            (vec![journal.to_string()], Vec::new())
        );

        // Assets by name, this organisation's only.
        let asset = app
            .create_asset(org.id, "Patientjournal", org.target.id)
            .await;
        app.create_asset(app.b.id, "Norrs patientjournal", app.b.target.id)
            .await;
        let page = browser
            .get("/register/lookup/assets?q=patientjournal")
            .await
            .page();
        assert_eq!(
            ticked_and_not(&page, "asset_ids").1,
            vec![asset.to_string()]
        );
        assert!(!page.contains("Norrs"));

        // No more than 50 matches, and the count says how many there are.
        for n in 0..51 {
            app.create_system(org.id, &format!("Seriesystem {n:02}"))
                .await;
        }
        let page = browser
            .get("/register/lookup/systems?q=seriesystem")
            .await
            .page();
        assert_eq!(ticked_and_not(&page, "system_ids").1.len(), 50);
        assert!(page.contains("Visar 50 av 51 träffar."), "{page}");

        // Names the lookup would put into the page must be plain.
        browser
            .get("/register/lookup/systems?q=a&field=x%22%3E")
            .await
            .expect(422);
    }
);

web_test!(
    the_system_page_adds_every_dependency_ticked_or_none,
    |app| async move {
        let org = &app.a;
        let journal = app.create_system(org.id, "Journalsystem").await;
        let network = app.create_system(org.id, "Vårdnätet").await;
        let directory = app.create_system(org.id, "Katalogtjänst").await;
        let mut browser = app.signed_in(org.admin()).await;
        let path = format!("/register/systems/{journal}");
        browser.get(&path).await.expect(200);
        let add = format!("{path}/dependencies");

        // Searching keeps the ticks and lists the matches; nothing is added.
        let network_id = network.to_string();
        let resp = browser
            .post(
                &add,
                &[
                    ("depends_on_id", &network_id),
                    ("depends_on_id_q", "katalog"),
                    ("picker_search", "depends_on_id"),
                ],
            )
            .await;
        resp.expect(200);
        let page = resp.page();
        assert_eq!(
            ticked_and_not(&page, "depends_on_id"),
            (vec![network_id.clone()], vec![directory.to_string()])
        );
        assert_eq!(
            html::input_value(&page, "dependencies-depends_on_id-q").as_deref(),
            Some("katalog")
        );
        let dependencies = |app: &TestApp, of: i64| {
            let db = app.db.clone();
            async move {
                let mut ids: Vec<i64> = registers::dependencies(&db, org.id, of)
                    .await
                    .expect("dependencies")
                    .into_iter()
                    .map(|s| s.id)
                    .collect();
                ids.sort_unstable();
                ids
            }
        };
        assert!(dependencies(&app, journal).await.is_empty());

        // Two ticked: both added.
        browser
            .post(
                &add,
                &[
                    ("depends_on_id", &network_id),
                    ("depends_on_id", &directory.to_string()),
                ],
            )
            .await
            .expect_redirect(&format!("{path}?notice=system-dependency-added"));
        let mut both = vec![network, directory];
        both.sort_unstable();
        assert_eq!(dependencies(&app, journal).await, both);

        // One of two would close a cycle: neither is added, the ticks are kept.
        let lab = app.create_system(org.id, "Labbsystem").await;
        let before = app.event_count(org.id).await;
        let resp = browser
            .post(
                &format!("/register/systems/{network}/dependencies"),
                &[
                    ("depends_on_id", &lab.to_string()),
                    ("depends_on_id", &journal.to_string()),
                ],
            )
            .await;
        resp.expect(422);
        let page = resp.page();
        assert!(
            page.contains("href=\"#dependencies-depends_on_id\""),
            "{page}"
        );
        let mut kept = ticked_and_not(&page, "depends_on_id").0;
        kept.sort_unstable();
        let mut expected = vec![lab.to_string(), journal.to_string()];
        expected.sort_unstable();
        assert_eq!(kept, expected);
        assert!(
            dependencies(&app, network).await.is_empty(),
            "nothing added"
        );
        assert_eq!(app.event_count(org.id).await, before);
    }
);
