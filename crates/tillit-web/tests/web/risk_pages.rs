//! The action plan (åtgärdsplan) and the sector risk catalogue through the pages: a
//! measure created for a risk and shown with the ten items of the plan, its yearly
//! follow-up, refusals (a done measure kept, a bad form, a stale version), who may read
//! and change the plan, and starting a risk from the catalogue.

use chrono::{Datelike, Duration, NaiveDate, Utc};
use tillit_domain::auth::Role;
use tillit_domain::risk::{AnalysisInput, RiskContent, RiskInput, Scope};
use tillit_domain::users::Language;
use tillit_store::risk;
use tillit_store::Actor;

use crate::harness::{html, Browser, Resp, TestApp};

fn sv(app: &TestApp, id: &str) -> String {
    app.text(Language::Sv, id)
}

fn today() -> NaiveDate {
    Utc::now()
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .date_naive()
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The message a measure form shows for a refused field: "<label>: <message>".
fn field_message(app: &TestApp, field: &str, code: &str) -> String {
    format!(
        "{}: {}",
        sv(app, &format!("risk-field-{}", field.replace('_', "-"))),
        sv(app, &format!("field-error-{code}"))
    )
}

/// A risk in a new draft analysis of organisation A, about a new system.
struct Fixture {
    analysis: i64,
    risk: i64,
    /// "RA-0001 R1 Utpressningsattack …", as the pickers name it.
    risk_label: String,
    system: i64,
    system_label: String,
}

async fn fixture(app: &TestApp, name: &str) -> Fixture {
    let org = &app.a;
    let actor = Actor::system("test-fixture");
    let system = app
        .create_system(org.id, &format!("Journalsystem {name}"))
        .await;
    let system_label = tillit_store::registers::get_system(&app.db, org.id, system)
        .await
        .map(|s| format!("{} {}", s.designation, s.name))
        .expect("system");
    let draft = AnalysisInput {
        title: &format!("Riskanalys {name}"),
        scope: Some(Scope::Systems),
        unit_id: None,
        process_name: "",
        system_ids: &[system],
        asset_ids: &[],
        participants: "Informationsägare, systemförvaltare",
        external_developments: "",
        incidents_considered: "",
    }
    .validate()
    .expect("valid analysis");
    let analysis = risk::create_analysis(&app.db, org.id, &actor, &draft)
        .await
        .expect("analysis");
    let matrix = RiskContent::builtin()
        .expect("content")
        .default_matrix()
        .clone();
    let title = format!("Utpressningsattack {name}");
    let draft = RiskInput {
        title: &title,
        description: "Journalen krypteras.",
        threat: "Kriminella grupper",
        vulnerability: "Platt nät och otestade säkerhetskopior",
        consequence: Some(3),
        consequence_reason: "Vården får gå över till papper.",
        likelihood: Some(3),
        likelihood_reason: "Angrepp mot sektorn är vanliga.",
        system_ids: &[system],
        catalogue_id: None,
    }
    .validate(&matrix)
    .expect("valid risk");
    let created = risk::create_risk(&app.db, org.id, &actor, analysis.id, &draft)
        .await
        .expect("risk");
    Fixture {
        analysis: analysis.id,
        risk: created.id,
        risk_label: format!("{} R{} {title}", analysis.designation, created.number),
        system,
        system_label,
    }
}

/// A complete measure form for the fixture's risk, as (name, value) pairs.
fn measure_form(app: &TestApp, fixture: &Fixture, title: &str) -> Vec<(String, String)> {
    let responsible = app.a.member(Role::InformationOwner).id;
    [
        ("risk_ids", fixture.risk.to_string()),
        ("system_ids", fixture.system.to_string()),
        ("title", title.to_owned()),
        (
            "description",
            "Säkerhetskopior i ett separat nät som inte kan ändras.".to_owned(),
        ),
        (
            "reason",
            "Gör det möjligt att återställa journalen utan att betala.".to_owned(),
        ),
        ("category", "technical".to_owned()),
        ("function", "corrective".to_owned()),
        ("residual_likelihood", "1".to_owned()),
        ("residual_consequence", "2".to_owned()),
        ("responsible_id", responsible.to_string()),
        ("planned_on", day(today() + Duration::days(60))),
        ("done_on", String::new()),
        ("done_note", String::new()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn set(form: &mut [(String, String)], name: &str, value: &str) {
    for (key, old) in form.iter_mut() {
        if key == name {
            *old = value.to_owned();
        }
    }
}

async fn post_form(browser: &mut Browser, path: &str, fields: &[(String, String)]) -> Resp {
    let fields: Vec<(&str, &str)> = fields
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    browser.post(path, &fields).await
}

/// The id in a redirect to `/risks/measures/{id}?notice=…`.
fn measure_id(resp: &Resp) -> i64 {
    resp.expect(303);
    resp.location()
        .strip_prefix("/risks/measures/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirect to a measure: {}", resp.location()))
}

/// Whether the page's error summary links `message` to the field `id`.
#[track_caller]
fn assert_summary(resp: &Resp, id: &str, message: &str) {
    let page = resp.page();
    assert!(
        page.contains(&format!("<a href=\"#{id}\">{message}</a>")),
        "the summary links {message:?} to #{id}: {page}"
    );
    assert!(
        resp.text().contains(&format!(" id=\"{id}\"")),
        "there is an element #{id}"
    );
}

web_test!(
    a_measure_is_created_for_a_risk_and_shows_the_ten_items,
    |app| async move {
        let fixture = fixture(&app, "A").await;
        let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;

        // Opened from the risk: the risk and the systems it affects are chosen.
        let new = browser
            .get(&format!("/risks/measures/new?risk={}", fixture.risk))
            .await;
        new.expect(200);
        assert_eq!(
            html::selected(&new.text(), "risk_ids"),
            Some(fixture.risk.to_string())
        );
        assert_eq!(
            html::checkboxes(&new.text(), "system_ids"),
            vec![(fixture.system.to_string(), true)]
        );
        assert!(new.page().contains(&fixture.risk_label));

        let form = measure_form(&app, &fixture, "Skyddad säkerhetskopiering");
        let created = post_form(&mut browser, "/risks/measures", &form).await;
        let id = measure_id(&created);
        assert!(created.location().ends_with("notice=measure-created"));

        let page = browser.get(created.location()).await;
        page.expect(200);
        let text = page.page();
        assert!(text.contains(&sv(&app, "notice-measure-created")));
        for item in [
            "measure-item-risks",
            "measure-item-systems",
            "measure-item-measure",
            "measure-item-reason",
            "measure-item-residual",
            "measure-item-responsible",
            "measure-item-planned",
            "measure-item-done",
            "measure-item-handled-risks",
            "measure-item-carried-out",
        ] {
            assert!(text.contains(&sv(&app, item)), "{item} on the page");
        }
        let planned = day(today() + Duration::days(60));
        for value in [
            fixture.risk_label.as_str(),
            fixture.system_label.as_str(),
            "Skyddad säkerhetskopiering",
            "Gör det möjligt att återställa journalen utan att betala.",
            &sv(&app, "measure-category-technical"),
            &sv(&app, "measure-function-corrective"),
            &app.a.member(Role::InformationOwner).display_name,
            &planned,
            &sv(&app, "measure-not-done"),
            &sv(&app, "measure-carried-out-no"),
        ] {
            assert!(text.contains(value), "{value:?} on the page: {text}");
        }
        assert!(
            page.text().contains("class=\"level-badge level-"),
            "the expected level is shown as a badge with its name"
        );

        // The plan lists it, and the store has it with its risk and system.
        let stored = risk::get_measure(&app.db, app.a.id, id)
            .await
            .expect("measure");
        assert_eq!(stored.risk_count, 1);
        assert!(stored.residual_level.is_some());
        let systems = risk::measure_systems(&app.db, app.a.id, id)
            .await
            .expect("systems");
        assert_eq!(systems.len(), 1);
        let list = browser.get("/risks/measures").await;
        list.expect(200);
        assert!(list.page().contains(&stored.designation));
        assert!(list.page().contains("Skyddad säkerhetskopiering"));
    }
);

web_test!(
    late_measures_are_flagged_in_words_and_filtered,
    |app| async move {
        let fixture = fixture(&app, "B").await;
        let mut browser = app.signed_in(app.a.member(Role::InformationOwner)).await;
        browser.get("/risks/measures/new").await.expect(200);
        let mut late = measure_form(&app, &fixture, "Segmenterat nät");
        set(&mut late, "planned_on", &day(today() - Duration::days(10)));
        measure_id(&post_form(&mut browser, "/risks/measures", &late).await);
        browser.get("/risks/measures/new").await.expect(200);
        let planned = measure_form(&app, &fixture, "Utbildning i nätfiske");
        measure_id(&post_form(&mut browser, "/risks/measures", &planned).await);

        let list = browser.get("/risks/measures?status=late").await;
        list.expect(200);
        let text = list.page();
        assert!(text.contains("Segmenterat nät"));
        assert!(!text.contains("Utbildning i nätfiske"));
        assert!(
            text.contains(&format!(
                "<span class=\"badge badge-warning\">{}</span>",
                sv(&app, "measure-status-late")
            )),
            "a late measure says so in words: {text}"
        );
        let planned_list = browser
            .get("/risks/measures?status=planned&q=utbildning")
            .await;
        assert!(planned_list.page().contains("Utbildning i nätfiske"));
        assert!(!planned_list.page().contains("Segmenterat nät"));
        let for_analysis = browser
            .get(&format!("/risks/measures?analysis_id={}", fixture.analysis))
            .await;
        assert!(for_analysis.page().contains("Segmenterat nät"));
        browser
            .get("/risks/measures?status=someday")
            .await
            .expect(422);
    }
);

web_test!(
    a_follow_up_is_recorded_and_a_done_measure_is_kept,
    |app| async move {
        let fixture = fixture(&app, "C").await;
        let mut browser = app.signed_in(app.a.member(Role::HeadOfOperations)).await;
        browser.get("/risks/measures/new").await.expect(200);
        let mut form = measure_form(&app, &fixture, "Provåterställning varje kvartal");
        set(&mut form, "planned_on", &day(today()));
        set(&mut form, "done_on", &day(today()));
        let id = measure_id(&post_form(&mut browser, "/risks/measures", &form).await);
        let path = format!("/risks/measures/{id}");
        let page = browser.get(&path).await;
        assert!(page.page().contains(&sv(&app, "measure-carried-out-yes")));

        // The yearly follow-up: a bad one is refused beside its fields, a good one kept.
        let year = today().year().to_string();
        let refused = browser
            .post(
                &format!("{path}/follow-ups"),
                &[("year", &year), ("effect", ""), ("next_step", "")],
            )
            .await;
        refused.expect(422);
        assert_summary(
            &refused,
            "follow-effect",
            &field_message(&app, "effect", "required"),
        );
        assert_summary(
            &refused,
            "follow-next_step",
            &field_message(&app, "next_step", "required"),
        );
        let recorded = browser
            .post(
                &format!("{path}/follow-ups"),
                &[
                    ("year", &year),
                    ("effect", "Återställningen tog fyra timmar i övningen."),
                    ("still_valid", "on"),
                    ("next_step", ""),
                ],
            )
            .await;
        recorded.expect_redirect(&format!("{path}?notice=measure-followed-up"));
        let page = browser.get(&path).await;
        assert!(page
            .page()
            .contains("Återställningen tog fyra timmar i övningen."));
        // One follow-up a year: a second for the same year is refused on the year and
        // the form keeps what was typed.
        let before = app.event_count(app.a.id).await;
        let twice = browser
            .post(
                &format!("{path}/follow-ups"),
                &[
                    ("year", &year),
                    ("effect", "En andra uppföljning samma år."),
                    ("still_valid", "on"),
                    ("next_step", ""),
                ],
            )
            .await;
        twice.expect(422);
        assert_summary(
            &twice,
            "follow-year",
            &field_message(&app, "year", "followed-up-this-year"),
        );
        assert!(twice.page().contains("En andra uppföljning samma år."));
        assert_eq!(app.event_count(app.a.id).await, before);
        assert_eq!(
            risk::follow_ups(&app.db, app.a.id, id)
                .await
                .expect("follow-ups")
                .len(),
            1
        );

        // A done measure is history: removing it is refused with a message.
        let version = risk::get_measure(&app.db, app.a.id, id)
            .await
            .expect("measure")
            .version;
        let before = app.event_count(app.a.id).await;
        let refused = browser
            .post(
                &format!("{path}/delete"),
                &[("version", &version.to_string())],
            )
            .await;
        refused.expect(422);
        assert_summary(
            &refused,
            "delete-measure",
            &field_message(&app, "measure", "done-kept"),
        );
        assert!(risk::get_measure(&app.db, app.a.id, id).await.is_ok());
        assert_eq!(app.event_count(app.a.id).await, before);

        // Nor can it be made not done again.
        set(&mut form, "done_on", "");
        form.push(("version".into(), version.to_string()));
        let undone = post_form(&mut browser, &path, &form).await;
        undone.expect(422);
        assert_summary(
            &undone,
            "done_on",
            &field_message(&app, "done_on", "done-kept"),
        );

        // A measure that is neither done nor followed up can be removed.
        browser.get("/risks/measures/new").await.expect(200);
        let form = measure_form(&app, &fixture, "Felaktigt inlagd åtgärd");
        let other = measure_id(&post_form(&mut browser, "/risks/measures", &form).await);
        browser
            .get(&format!("/risks/measures/{other}"))
            .await
            .expect(200);
        browser
            .post(
                &format!("/risks/measures/{other}/delete"),
                &[("version", "1")],
            )
            .await
            .expect_redirect("/risks/measures?notice=measure-deleted");
        assert!(risk::get_measure(&app.db, app.a.id, other).await.is_err());
    }
);

web_test!(
    a_bad_form_is_shown_again_with_its_errors_and_values,
    |app| async move {
        let fixture = fixture(&app, "D").await;
        let mut browser = app.signed_in(app.a.member(Role::NisAssessor)).await;
        browser.get("/risks/measures/new").await.expect(200);
        let before = app.event_count(app.a.id).await;
        let mut form = measure_form(&app, &fixture, "Multifaktorautentisering");
        set(&mut form, "reason", "");
        set(&mut form, "planned_on", &day(today()));
        set(&mut form, "done_on", &day(today() - Duration::days(3)));
        let refused = post_form(&mut browser, "/risks/measures", &form).await;
        refused.expect(422);
        assert_summary(
            &refused,
            "reason",
            &field_message(&app, "reason", "required"),
        );
        assert_summary(
            &refused,
            "done_note",
            &field_message(&app, "done_note", "required-when-early"),
        );
        let text = refused.text();
        assert_eq!(
            refused.field("title").as_deref(),
            Some("Multifaktorautentisering")
        );
        assert_eq!(
            refused.field("done_on"),
            Some(day(today() - Duration::days(3)))
        );
        assert_eq!(
            html::selected(&text, "category").as_deref(),
            Some("technical")
        );
        assert_eq!(
            html::selected(&text, "risk_ids"),
            Some(fixture.risk.to_string())
        );
        assert!(text.contains("id=\"reason\" name=\"reason\""));
        assert!(text.contains("aria-invalid=\"true\""));
        assert_eq!(app.event_count(app.a.id).await, before, "nothing written");

        // A date that is not a date is refused beside its field, with the rest.
        set(&mut form, "planned_on", "i vår");
        let refused = post_form(&mut browser, "/risks/measures", &form).await;
        refused.expect(422);
        assert_summary(
            &refused,
            "planned_on",
            &field_message(&app, "planned_on", "invalid-date"),
        );
        assert_summary(
            &refused,
            "reason",
            &field_message(&app, "reason", "required"),
        );
        assert_eq!(refused.field("planned_on").as_deref(), Some("i vår"));
    }
);

web_test!(
    a_stale_version_is_refused_with_a_message,
    |app| async move {
        let fixture = fixture(&app, "E").await;
        let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;
        browser.get("/risks/measures/new").await.expect(200);
        let mut form = measure_form(&app, &fixture, "Loggranskning");
        let id = measure_id(&post_form(&mut browser, "/risks/measures", &form).await);
        let path = format!("/risks/measures/{id}");
        browser.get(&path).await.expect(200);
        form.push(("version".into(), "1".into()));
        set(&mut form, "title", "Loggranskning varje vecka");
        post_form(&mut browser, &path, &form)
            .await
            .expect_redirect(&format!("{path}?notice=measure-saved"));

        // The same form sent again carries version 1, which is no longer current.
        set(&mut form, "title", "Loggranskning varje månad");
        let stale = post_form(&mut browser, &path, &form).await;
        stale.expect(409);
        assert!(stale.page().contains(&sv(&app, "conflict-reload")));
        assert_eq!(
            stale.field("title").as_deref(),
            Some("Loggranskning varje månad"),
            "what was typed is kept"
        );
        let stored = risk::get_measure(&app.db, app.a.id, id)
            .await
            .expect("measure");
        assert_eq!(stored.title, "Loggranskning varje vecka");
        browser
            .post(&format!("{path}/delete"), &[("version", "1")])
            .await
            .expect(409);
    }
);

web_test!(
    readers_see_the_plan_without_forms_and_employees_not_at_all,
    |app| async move {
        let fixture = fixture(&app, "F").await;
        let mut manager = app.signed_in(app.a.member(Role::Coordinator)).await;
        manager.get("/risks/measures/new").await.expect(200);
        let form = measure_form(&app, &fixture, "Behörighetsuppföljning");
        let id = measure_id(&post_form(&mut manager, "/risks/measures", &form).await);
        let path = format!("/risks/measures/{id}");

        let mut head = app.signed_in(app.a.member(Role::HeadOfOperations)).await;
        head.get("/risks/measures").await.expect(200);
        let page = head.get(&path).await;
        page.expect(200);
        assert!(page.text().contains(&format!("action=\"{path}\"")));

        let mut auditor = app.signed_in(app.a.member(Role::Auditor)).await;
        let list = auditor.get("/risks/measures").await;
        list.expect(200);
        assert!(!list.text().contains("href=\"/risks/measures/new\""));
        let page = auditor.get(&path).await;
        page.expect(200);
        assert!(page.page().contains("Behörighetsuppföljning"));
        assert!(
            !page
                .text()
                .contains("method=\"post\" action=\"/risks/measures/"),
            "no forms for a reader"
        );
        assert!(page.page().contains(&sv(&app, "measure-read-only")));
        auditor.get("/risks/measures/new").await.expect(403);
        auditor
            .post(&format!("{path}/delete"), &[("version", "1")])
            .await
            .expect(403);

        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        employee.get("/risks/measures").await.expect(403);
        employee.get(&path).await.expect(403);

        // Another organisation's measure is not found.
        let mut other = app.signed_in(app.b.member(Role::Coordinator)).await;
        other.get(&path).await.expect(404);
    }
);

web_test!(
    a_measure_can_start_from_an_unmet_requirement,
    |app| async move {
        let org = &app.a;
        let owner = org.member(Role::InformationOwner);
        let asset = app.create_asset(org.id, "Journal i akuten", owner.id).await;
        let draft = tillit_domain::classification::ClassificationInput {
            level_k: Some(2),
            level_r: Some(2),
            level_t: Some(1),
            participants: "Informationsägare".to_owned(),
            ..Default::default()
        }
        .validate(None, today())
        .expect("valid classification");
        let (object, _) = tillit_store::classification::approve(
            &app.db,
            org.id,
            &Actor::system("test-fixture"),
            tillit_store::classification::Subject::Asset(asset),
            None,
            &draft,
        )
        .await
        .expect("classification");
        let requirement = tillit_domain::classification::Catalogue::builtin()
            .expect("content")
            .requirements()
            .iter()
            .find(|r| r.id == "K-GOV-01")
            .expect("a built-in requirement")
            .clone();

        let mut browser = app.signed_in(org.member(Role::Coordinator)).await;
        let new = browser
            .get(&format!(
                "/risks/measures/new?object={}&requirement=K-GOV-01",
                object.id
            ))
            .await;
        new.expect(200);
        assert_eq!(
            new.field("title"),
            Some(requirement.title.sv.clone()),
            "the title comes from the requirement"
        );
        assert_eq!(
            new.field("source_requirement_code").as_deref(),
            Some("K-GOV-01")
        );
        let fields = [
            ("source_object_id", object.id.to_string()),
            ("source_requirement_code", "K-GOV-01".to_owned()),
            ("title", requirement.title.sv.clone()),
            ("reason", "Kravet är inte uppfyllt.".to_owned()),
            ("category", "organisational".to_owned()),
            ("function", "preventive".to_owned()),
            ("responsible_id", owner.id.to_string()),
            ("planned_on", day(today() + Duration::days(30))),
        ];
        let fields: Vec<(String, String)> =
            fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect();
        let created = post_form(&mut browser, "/risks/measures", &fields).await;
        let id = measure_id(&created);
        let stored = risk::get_measure(&app.db, org.id, id)
            .await
            .expect("measure");
        assert_eq!(stored.source_object_id, Some(object.id));
        assert_eq!(stored.source_requirement_code.as_deref(), Some("K-GOV-01"));
        let page = browser.get(&format!("/risks/measures/{id}")).await;
        assert!(page.page().contains("K-GOV-01"));
        assert!(page.page().contains(&sv(&app, "measure-no-risks")));
    }
);

web_test!(
    the_catalogue_lists_risks_with_measures_and_starts_a_risk,
    |app| async move {
        let fixture = fixture(&app, "G").await;
        let content = RiskContent::builtin().expect("content");
        let ransom = content.catalogue_risk("RC-RANSOM").expect("RC-RANSOM");

        let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;
        let page = browser.get("/risks/catalogue").await;
        page.expect(200);
        let text = page.page();
        assert!(text.contains("id=\"RC-RANSOM\""));
        for value in [
            &ransom.title.sv,
            &ransom.threat.sv,
            &ransom.vulnerability.sv,
            &ransom.consequence.sv,
            &ransom.sources[0],
            &ransom.measures[0].title.sv,
            &ransom.measures[0].iso27002[0],
            &sv(&app, "measure-category-technical"),
            &sv(&app, "measure-function-corrective"),
        ] {
            assert!(text.contains(value.as_str()), "{value:?} on the page");
        }
        assert!(
            page.text()
                .contains("<form method=\"get\" action=\"/risks/catalogue/start\""),
            "a manager can start a risk from the catalogue"
        );
        assert!(text.contains(&format!("<option value=\"{}\">", fixture.analysis)));

        browser
            .get(&format!(
                "/risks/catalogue/start?catalogue=RC-RANSOM&analysis={}",
                fixture.analysis
            ))
            .await
            .expect_redirect(&format!(
                "/risks/analyses/{}/risks?catalogue=RC-RANSOM",
                fixture.analysis
            ));
        browser
            .get(&format!(
                "/risks/catalogue/start?catalogue=RC-NOTHING&analysis={}",
                fixture.analysis
            ))
            .await
            .expect(422);
        browser
            .get("/risks/catalogue/start?catalogue=RC-RANSOM&analysis=")
            .await
            .expect(422);

        // Another organisation's analysis is not found; readers only read.
        let mut other = app.signed_in(app.b.member(Role::Coordinator)).await;
        other
            .get(&format!(
                "/risks/catalogue/start?catalogue=RC-RANSOM&analysis={}",
                fixture.analysis
            ))
            .await
            .expect(404);
        let mut auditor = app.signed_in(app.a.member(Role::Auditor)).await;
        let page = auditor.get("/risks/catalogue").await;
        page.expect(200);
        assert!(page.page().contains(&ransom.title.sv));
        assert!(!page.text().contains("action=\"/risks/catalogue/start\""));
        auditor
            .get(&format!(
                "/risks/catalogue/start?catalogue=RC-RANSOM&analysis={}",
                fixture.analysis
            ))
            .await
            .expect(403);
        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        employee.get("/risks/catalogue").await.expect(403);
    }
);
