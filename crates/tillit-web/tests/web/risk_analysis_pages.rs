//! The risk-analysis pages: the method record, a guided analysis from scope to approval,
//! risks from the sector catalogue, treatment decisions, frozen versions, revision and
//! comparison, and the management overview — with who may do what.

use tillit_domain::auth::Role;
use tillit_domain::users::Language;
use tillit_store::risk::{self, AnalysisFilter};

use crate::harness::{html, TestApp};

fn sv(app: &TestApp, id: &str) -> String {
    html::unescape(&app.text(Language::Sv, id))
}

/// The id at the end of a redirect such as `/risks/analyses/7?notice=…`.
fn id_in(location: &str, prefix: &str) -> i64 {
    location
        .strip_prefix(prefix)
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("an id after {prefix} in {location}"))
}

fn version_in(page: &str) -> String {
    html::input_value(page, "version").expect("a version field")
}

web_test!(
    an_analysis_runs_from_scope_to_approved_versions,
    |app| async move {
        let org = &app.a;
        let journal = app.create_system(org.id, "Journalsystem").await;
        let journal = journal.to_string();
        let mut coordinator = app.signed_in(org.member(Role::Coordinator)).await;
        let mut owner = app.signed_in(org.member(Role::InformationOwner)).await;
        let mut head = app.signed_in(org.member(Role::HeadOfOperations)).await;

        // The method: the default 4×4 matrix until one is documented.
        let page = coordinator.get("/risks/method").await;
        page.expect(200);
        assert!(page.text().contains(&sv(&app, "method-none")));
        coordinator
            .post(
                "/risks/method",
                &[
                    ("name", "Söders riskmetod"),
                    ("standard", "SS-ISO/IEC 27005:2022"),
                    ("decided_by", "Regiondirektören"),
                    ("decided_on", "2026-01-15"),
                    ("size", "4"),
                ],
            )
            .await
            .expect_redirect("/risks/method?notice=method-recorded");
        let method = risk::current_method(&app.db, org.id)
            .await
            .unwrap()
            .expect("recorded");
        assert_eq!(
            (method.number, method.name.as_str()),
            (1, "Söders riskmetod")
        );

        // A new analysis: the scope "systems" needs a system; what was typed stays.
        owner.get("/risks/analyses/new").await.expect(200);
        let refused = owner
            .post(
                "/risks/analyses",
                &[("title", "Journalanalys"), ("scope", "systems")],
            )
            .await;
        refused.expect(422);
        assert!(refused.text().contains(&sv(&app, "field-error-required")));
        assert!(refused.text().contains("value=\"Journalanalys\""));
        let created = owner
            .post(
                "/risks/analyses",
                &[
                    ("title", "Riskanalys journalsystem"),
                    ("scope", "systems"),
                    ("system_ids", &journal),
                    ("participants", "Informationsägare, systemförvaltare"),
                ],
            )
            .await;
        created.expect(303);
        let analysis = id_in(created.location(), "/risks/analyses/");

        // A risk started from the sector catalogue, assessed against the matrix.
        let form = owner
            .get(&format!(
                "/risks/analyses/{analysis}/risks?catalogue=RC-RANSOM"
            ))
            .await;
        form.expect(200);
        let catalogue_title = html::input_value(&form.page(), "title").expect("title");
        assert!(
            !catalogue_title.is_empty(),
            "the catalogue fills in the title"
        );
        let fields = |likelihood: &'static str| {
            vec![
                ("title", "Utpressningsvirus stoppar journalen"),
                ("threat", "Kriminella grupper"),
                ("vulnerability", "Servrar som inte patchas"),
                ("likelihood", likelihood),
                ("likelihood_reason", "Har drabbat flera regioner"),
                ("consequence", "4"),
                ("consequence_reason", "Vården stannar"),
                ("catalogue_id", "RC-RANSOM"),
                ("system_ids", journal.as_str()),
            ]
        };
        let outside = owner
            .post(&format!("/risks/analyses/{analysis}/risks"), &fields("9"))
            .await;
        outside.expect(422);
        assert!(outside
            .text()
            .contains(&sv(&app, "field-error-out-of-range")));
        let added = owner
            .post(&format!("/risks/analyses/{analysis}/risks"), &fields("3"))
            .await;
        added.expect(303);
        let risk_id = id_in(added.location(), "/risks/");

        // Approval needs a treatment for every risk; only the owner may accept one.
        let page = owner.get(&format!("/risks/analyses/{analysis}")).await;
        let version = version_in(&page.page());
        let untreated = owner
            .post(
                &format!("/risks/analyses/{analysis}/approve"),
                &[("version", &version)],
            )
            .await;
        untreated.expect(422);
        assert!(untreated
            .text()
            .contains(&sv(&app, "field-error-untreated-risks")));

        let page = head.get(&format!("/risks/{risk_id}")).await;
        let risk_version = version_in(&page.page());
        let accept = [
            ("treatment", "accept"),
            ("justification", "Kostnaden står inte i proportion"),
            ("version", risk_version.as_str()),
        ];
        let refused = head
            .post(&format!("/risks/{risk_id}/treatment"), &accept)
            .await;
        refused.expect(422);
        assert!(refused
            .text()
            .contains(&sv(&app, "field-error-accept-needs-owner")));
        owner
            .post(&format!("/risks/{risk_id}/treatment"), &accept)
            .await
            .expect(303);

        let page = owner.get(&format!("/risks/analyses/{analysis}")).await;
        let version = version_in(&page.page());
        owner
            .post(
                &format!("/risks/analyses/{analysis}/approve"),
                &[("version", &version)],
            )
            .await
            .expect(303);
        let page = owner.get(&format!("/risks/analyses/{analysis}")).await;
        assert!(
            page.text().contains("Fastställd, version 1"),
            "{}",
            page.text()
        );

        // Frozen: the risk cannot be changed until a revision starts.
        let page = owner.get(&format!("/risks/{risk_id}")).await;
        assert!(page.text().contains(&sv(&app, "risk-frozen-notice")));
        let current = risk::get_risk(&app.db, org.id, risk_id).await.unwrap();
        let frozen = owner
            .post(
                &format!("/risks/{risk_id}"),
                &[
                    fields("2"),
                    vec![("version", current.version.to_string().as_str())],
                ]
                .concat(),
            )
            .await;
        frozen.expect(422);
        assert!(frozen.text().contains(&sv(&app, "field-error-frozen")));

        let page = owner.get(&format!("/risks/analyses/{analysis}")).await;
        let version = version_in(&page.page());
        owner
            .post(
                &format!("/risks/analyses/{analysis}/revise"),
                &[("version", &version)],
            )
            .await
            .expect(303);
        // Seen before the change, the management overview still shows it after.
        let before = owner.get("/risks").await;
        assert!(before
            .text()
            .contains("Utpressningsvirus stoppar journalen"));
        let current = risk::get_risk(&app.db, org.id, risk_id).await.unwrap();
        let mut revised = fields("2");
        revised[0] = ("title", "Utpressningsvirus slår ut journal och lab");
        let current_version = current.version.to_string();
        revised.push(("version", current_version.as_str()));
        owner
            .post(&format!("/risks/{risk_id}"), &revised)
            .await
            .expect(303);
        let page = owner.get(&format!("/risks/analyses/{analysis}")).await;
        let version = version_in(&page.page());
        owner
            .post(
                &format!("/risks/analyses/{analysis}/approve"),
                &[("version", &version)],
            )
            .await
            .expect(303);

        // Both versions stay readable and can be compared side by side.
        let first = owner
            .get(&format!("/risks/analyses/{analysis}/versions/1"))
            .await;
        first.expect(200);
        assert!(first.text().contains("Utpressningsvirus stoppar journalen"));
        assert!(!first.text().contains("slår ut journal och lab"));
        let compared = owner
            .get(&format!(
                "/risks/analyses/{analysis}/compare?left=1&right=2"
            ))
            .await;
        compared.expect(200);
        let text = compared.text();
        assert!(
            text.contains("Utpressningsvirus stoppar journalen")
                && text.contains("slår ut journal och lab")
        );
        assert!(text.contains("compare-changed"));

        // The management overview counts the risk; an employee sees no risk work.
        let overview = owner.get("/risks").await;
        overview.expect(200);
        assert!(overview.text().contains("slår ut journal och lab"));
        // Exports: the frozen version 1 as PDF, the working copy as XLSX.
        let pdf = owner
            .get(&format!("/risks/analyses/{analysis}/export.pdf?version=1"))
            .await;
        pdf.expect(200);
        assert_eq!(pdf.header("content-type"), "application/pdf");
        assert!(pdf.body.starts_with(b"%PDF-"));
        assert!(pdf.header("content-disposition").contains("-v1.pdf"));
        let xlsx = owner
            .get(&format!("/risks/analyses/{analysis}/export.xlsx"))
            .await;
        xlsx.expect(200);
        assert!(xlsx.body.starts_with(b"PK"), "an XLSX is a ZIP archive");
        let mut employee = app.signed_in(org.member(Role::Employee)).await;
        employee
            .get(&format!("/risks/analyses/{analysis}/export.pdf"))
            .await
            .expect(403);
        let listed = owner.get("/risks/list?q=utpressning").await;
        listed.expect(200);
        assert!(listed.text().contains("slår ut journal och lab"));
        let none = owner.get("/risks/list?q=finns-inte").await;
        assert!(!none.text().contains("slår ut journal och lab"));
        owner.get("/risks/list?level=enorm").await.expect(422);
        employee.get("/risks").await.expect(403);
        employee
            .get(&format!("/risks/analyses/{analysis}"))
            .await
            .expect(403);

        // The other organisation sees none of it.
        let mut other = app.signed_in(app.b.member(Role::Coordinator)).await;
        other
            .get(&format!("/risks/analyses/{analysis}"))
            .await
            .expect(404);
        other.get(&format!("/risks/{risk_id}")).await.expect(404);
    }
);

web_test!(
    a_stale_analysis_form_is_refused_and_nothing_changes,
    |app| async move {
        let org = &app.a;
        let mut owner = app.signed_in(org.member(Role::InformationOwner)).await;
        let created = owner
            .post(
                "/risks/analyses",
                &[
                    ("title", "Övergripande riskanalys"),
                    ("scope", "organisation"),
                ],
            )
            .await;
        created.expect(303);
        let analysis = id_in(created.location(), "/risks/analyses/");
        let page = owner.get(&format!("/risks/analyses/{analysis}")).await;
        let version = version_in(&page.page());
        owner
            .post(
                &format!("/risks/analyses/{analysis}"),
                &[
                    ("title", "Övergripande riskanalys 2026"),
                    ("scope", "organisation"),
                    ("version", &version),
                ],
            )
            .await
            .expect(303);
        let stale = owner
            .post(
                &format!("/risks/analyses/{analysis}"),
                &[
                    ("title", "Skrivs inte"),
                    ("scope", "organisation"),
                    ("version", &version),
                ],
            )
            .await;
        stale.expect(409);
        assert!(stale.text().contains(&sv(&app, "conflict-reload")));
        let listed = risk::list_analyses(&app.db, org.id, &AnalysisFilter::default(), 50, 0)
            .await
            .unwrap();
        assert_eq!(listed.items[0].title, "Övergripande riskanalys 2026");
    }
);
