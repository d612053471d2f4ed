//! Every figure and table cell of the annual report links to a list of exactly the
//! records it counts: for the whole organisation and for a unit with a sub-unit, with
//! records outside the unit that must not be counted. The list page shows the figure as
//! its total, and the API list with the same filters agrees.

use std::collections::BTreeSet;

use axum::http::Method;
use chrono::{Days, Utc};
use serde_json::Value;
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::classification::ClassificationInput;
use tillit_domain::documents::{Consultation, DocumentDraft, DocumentKind, DocumentStatus};
use tillit_domain::registers::AssetInput;
use tillit_domain::users::Language;
use tillit_store::classification::{self, Subject};
use tillit_store::users::{self, UserChanges};

use crate::harness::{create_account, fixture_actor, unique, TestApp};
use crate::matrix::{incident_fixture, risk_fixture};
use crate::report_pages::{create, get, list_total, this_year};

/// A figure or table cell with a link: where it is, its count and its link.
struct Linked {
    label: String,
    value: i64,
    link: String,
}

/// Every figure and table cell of the report that links somewhere.
fn linked(report: &Value) -> Vec<Linked> {
    let mut found = Vec::new();
    let mut add = |label: String, figure: &Value| {
        if let (Some(link), Some(value)) = (figure["link"].as_str(), figure["value"].as_i64()) {
            found.push(Linked {
                label,
                value,
                link: link.to_owned(),
            });
        }
    };
    let text = |value: &Value| value.as_str().expect("text").to_owned();
    for section in report["sections"].as_array().expect("sections") {
        let key = text(&section["key"]);
        for figure in section["figures"].as_array().expect("figures") {
            add(format!("{key}/{}", text(&figure["key"])), figure);
        }
        for table in section["tables"].as_array().expect("tables") {
            for row in table["rows"].as_array().expect("rows") {
                for cell in row["cells"].as_array().expect("cells") {
                    let label = [&table["key"], &row["label"], &cell["key"]].map(text);
                    add(format!("{key}/{}", label.join("/")), cell);
                }
            }
        }
    }
    found
}

/// The total a list page shows, `None` for a page that is no list.
fn listed_total(app: &TestApp, html: &str) -> Option<i64> {
    html.split("<p role=\"status\">").skip(1).find_map(|rest| {
        let text = rest.split("</p>").next()?;
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let count = digits.parse().ok()?;
        (text == list_total(app, count)).then_some(count)
    })
}

/// The API list with the filters of a list page, for the lists the unit, classification,
/// role and document figures link to (`yes`/`no` become `true`/`false`).
fn api_list(link: &str) -> Option<String> {
    let (path, query) = link.split_once('?').unwrap_or((link, ""));
    let api = match path {
        "/organisation" => "/api/v1/org-units",
        "/classification" => "/api/v1/classifications",
        "/register" => "/api/v1/systems",
        "/register/assets" => "/api/v1/assets",
        "/users" => "/api/v1/users",
        "/governance/documents" => "/api/v1/documents",
        _ => return None,
    };
    let query: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((key, "yes")) => format!("{key}=true"),
            Some((key, "no")) => format!("{key}=false"),
            Some(("show", "overdue")) => "overdue=true".to_owned(),
            _ => pair.to_owned(),
        })
        .collect();
    Some(format!("{api}?{}", query.join("&")))
}

async fn asset_at(app: &TestApp, name: &str, unit_id: Option<i64>) -> i64 {
    let draft = AssetInput {
        name: name.to_owned(),
        form: "digital".to_owned(),
        owner_id: Some(app.a.target.id),
        unit_id,
        ..Default::default()
    }
    .validate()
    .expect("valid asset");
    tillit_store::registers::create_asset(&app.db, app.a.id, &fixture_actor(), &draft)
        .await
        .expect("asset")
        .id
}

async fn system_holding(app: &TestApp, name: &str, assets: &[i64]) -> i64 {
    let id = app.create_system(app.a.id, name).await;
    for asset in assets {
        tillit_store::registers::link_asset_system(&app.db, app.a.id, &fixture_actor(), *asset, id)
            .await
            .expect("link");
    }
    id
}

async fn approve(app: &TestApp, subject: Subject) {
    let draft = ClassificationInput {
        level_k: Some(2),
        level_r: Some(2),
        level_t: Some(2),
        reason_k: "Uppgifterna omfattas av sekretess.".into(),
        participants: "Informationsägare, samordnare".into(),
        ..ClassificationInput::default()
    }
    .validate(None, Utc::now().date_naive())
    .expect("valid classification");
    classification::approve(&app.db, app.a.id, &fixture_actor(), subject, None, &draft)
        .await
        .expect("approve");
}

/// A governing document that applies to `unit_id`, approved or a draft; an approved one
/// may be past its review date.
async fn document_at(
    app: &TestApp,
    title: &str,
    unit_id: Option<i64>,
    status: DocumentStatus,
    review_overdue: bool,
) {
    let today = Utc::now().date_naive();
    let next_review = if review_overdue {
        today - Days::new(10)
    } else {
        today + Days::new(200)
    };
    let draft = DocumentDraft {
        kind: DocumentKind::Routine,
        title: title.to_owned(),
        summary: String::new(),
        owner_id: app.a.target.id,
        approver: "Regionstyrelsen".to_owned(),
        case_number: String::new(),
        valid_from: None,
        next_review: Some(next_review),
        requirement_code: None,
        legal_reference: String::new(),
        consultation: Consultation::NotStarted,
        status,
        unit_id,
        checklist_item: None,
    };
    tillit_store::documents::create_document(&app.db, app.a.id, &fixture_actor(), &draft)
        .await
        .expect("document");
}

/// A user holding `roles`, active unless said otherwise.
async fn holder(app: &TestApp, n: u32, name: &str, roles: &[Assignment], active: bool) {
    let email = format!("{}-{n}@{}", name.to_lowercase(), app.a.domain);
    let account = create_account(&app.db, app.a.id, &email, name, roles, false).await;
    if !active {
        let version = app.user_version(app.a.id, account.id).await;
        let changes = UserChanges {
            display_name: name,
            title: "",
            active: false,
        };
        users::update_user(
            &app.db,
            app.a.id,
            &fixture_actor(),
            account.id,
            version,
            &changes,
        )
        .await
        .expect("deactivate");
    }
}

fn value(report: &Value, section: &str, key: &str) -> (Option<i64>, Option<i64>) {
    let figure = report["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .find(|s| s["key"] == section)
        .and_then(|s| s["figures"].as_array())
        .and_then(|figures| figures.iter().find(|f| f["key"] == key))
        .unwrap_or_else(|| panic!("no figure {section}/{key}"));
    (figure["value"].as_i64(), figure["of"].as_i64())
}

fn role_holders(report: &Value, role: &str) -> Option<i64> {
    let label = format!("role-{}", role.replace('_', "-"));
    report["sections"]
        .as_array()?
        .iter()
        .find(|s| s["key"] == "organisation")?["tables"]
        .as_array()?
        .iter()
        .find(|t| t["key"] == "role-holders")?["rows"]
        .as_array()?
        .iter()
        .find(|r| r["label"] == label.as_str())?["cells"][0]["value"]
        .as_i64()
}

web_test!(
    every_figure_and_cell_links_to_the_records_it_counts,
    |app| async move {
        let n = unique();
        risk_fixture::approved(&app, n).await;
        let draft = risk_fixture::analysis(&app, n + 1).await;
        let risk = risk_fixture::risk(&app, draft.id, n + 2).await;
        risk_fixture::measure(&app, risk.id, n + 3).await;
        incident_fixture::case(&app).await;

        // The unit's report covers the clinic and the ward below it; the eye clinic
        // beside it and assets of no unit are outside.
        let (clinic, ward, sibling) = (app.a.clinic, app.a.ward, app.a.sibling);
        let journal = asset_at(&app, "Journal", Some(ward)).await;
        let referrals = asset_at(&app, "Remisser", Some(clinic)).await;
        let eyes = asset_at(&app, "Ögonbilder", Some(sibling)).await;
        asset_at(&app, "Lösa anteckningar", None).await;
        // Systems are classified before the assets they hold, so no levels are derived.
        let cosmic = system_holding(&app, "Cosmic", &[journal]).await;
        let eye_system = system_holding(&app, "Ögonsystem", &[eyes]).await;
        system_holding(&app, "Remissystem", &[referrals]).await;
        system_holding(&app, "Oanvänt", &[]).await;
        for subject in [
            Subject::System(cosmic),
            Subject::System(eye_system),
            Subject::Asset(journal),
            Subject::Asset(eyes),
        ] {
            approve(&app, subject).await;
        }
        let on = |role: Role, unit_id: i64| Assignment {
            role,
            unit_id: Some(unit_id),
        };
        holder(&app, n, "Ulla", &[on(Role::Coordinator, clinic)], true).await;
        holder(&app, n, "Ville", &[on(Role::Coordinator, ward)], true).await;
        holder(&app, n, "Ines", &[on(Role::Coordinator, ward)], false).await;
        // A coordinator elsewhere who audits the clinic is no coordinator of the clinic.
        let elsewhere = [on(Role::Coordinator, sibling), on(Role::Auditor, clinic)];
        holder(&app, n, "Olle", &elsewhere, true).await;

        // Documents of the ward (approved, review overdue), the clinic (a draft), the eye
        // clinic and the whole organisation (approved).
        document_at(
            &app,
            "Loggrutin",
            Some(ward),
            DocumentStatus::Approved,
            true,
        )
        .await;
        document_at(
            &app,
            "Incidentrutin",
            Some(clinic),
            DocumentStatus::Draft,
            false,
        )
        .await;
        document_at(
            &app,
            "Ögonrutin",
            Some(sibling),
            DocumentStatus::Approved,
            true,
        )
        .await;
        document_at(&app, "Policy", None, DocumentStatus::Approved, false).await;

        let coordinator = app.a.member(Role::Coordinator);
        let admin = app.a.admin();
        let mut browser = app.signed_in(admin).await;
        // (scope, classifications approved, systems classified of, assets classified of,
        // coordinators): the organisation's coordinator holds the role everywhere.
        for (unit, approved, systems, assets, coordinators, documents) in [
            (None, 4, (2, 4), (2, 4), 4, ((3, 4), 2)),
            (Some(clinic), 2, (1, 2), (1, 2), 2, ((1, 2), 1)),
        ] {
            let created = create(&app, &coordinator.token, this_year(), unit).await;
            let report = get(
                &app,
                &coordinator.token,
                created["id"].as_i64().expect("id"),
            )
            .await;
            assert_eq!(
                value(&report, "work", "classifications-approved"),
                (Some(approved), None),
                "{unit:?}"
            );
            assert_eq!(
                value(&report, "classification", "systems-classified"),
                (Some(systems.0), Some(systems.1)),
                "{unit:?}"
            );
            assert_eq!(
                value(&report, "classification", "assets-classified"),
                (Some(assets.0), Some(assets.1)),
                "{unit:?}"
            );
            assert_eq!(
                role_holders(&report, "coordinator"),
                Some(coordinators),
                "{unit:?}"
            );
            let ((approved_documents, documents_total), overdue_documents) = documents;
            assert_eq!(
                value(&report, "documents", "documents-approved"),
                (Some(approved_documents), Some(documents_total)),
                "{unit:?}"
            );
            assert_eq!(
                value(&report, "documents", "documents-overdue"),
                (Some(overdue_documents), None),
                "{unit:?}"
            );

            let mut listed = BTreeSet::new();
            for figure in linked(&report) {
                let page = browser.get(&figure.link).await;
                page.expect(200);
                let Some(total) = listed_total(&app, &page.page()) else {
                    continue;
                };
                assert_eq!(
                    figure.value, total,
                    "{} ({unit:?}) counts {} but {} lists {total}",
                    figure.label, figure.value, figure.link
                );
                if let Some(api) = api_list(&figure.link) {
                    let resp = app.api(Method::GET, &api).token(&admin.token).send().await;
                    resp.expect(200);
                    assert_eq!(
                        resp.json()["total"].as_i64(),
                        Some(figure.value),
                        "{} ({unit:?}): {api}",
                        figure.label
                    );
                }
                listed.insert(figure.label);
            }
            for expected in [
                "organisation/units",
                "work/classifications-approved",
                "classification/systems-classified",
                "classification/assets-classified",
                "work/analyses-approved",
                "incidents/incidents-total",
                "documents/documents-approved",
                "documents/documents-overdue",
            ] {
                assert!(
                    listed.contains(expected),
                    "{expected} not followed: {listed:?}"
                );
            }
            for (prefix, rows) in [
                ("organisation/role-holders/", 2),
                ("classification/coverage-per-unit/", 1),
            ] {
                assert!(
                    listed.iter().filter(|l| l.starts_with(prefix)).count() >= rows,
                    "{prefix} ({unit:?}): {listed:?}"
                );
            }
        }
    }
);

web_test!(
    the_filters_the_report_links_to_refuse_bad_values,
    |app| async move {
        let admin = app.a.admin();
        let mut browser = app.signed_in(admin).await;
        let message = |field: &str, code: &str| {
            format!(
                "{}: {}",
                app.text(Language::Sv, &format!("field-{field}")),
                app.text(Language::Sv, &format!("field-error-{code}"))
            )
        };
        for (path, field, code) in [
            (
                "/classification?approved_year=last",
                "approved-year",
                "invalid-type",
            ),
            (
                "/classification?approved_year=300000",
                "approved-year",
                "out-of-range",
            ),
            ("/classification?unit_id=top", "unit-id", "invalid-type"),
            ("/register?classified=maybe", "classified", "invalid-choice"),
            ("/register?unit_id=top", "unit-id", "invalid-type"),
            (
                "/register/systems/export.csv?classified=maybe",
                "classified",
                "invalid-choice",
            ),
            (
                "/register/assets?classified=maybe",
                "classified",
                "invalid-choice",
            ),
            (
                "/register/assets?unit_only=maybe",
                "unit-only",
                "invalid-choice",
            ),
            ("/users?active=maybe", "active", "invalid-choice"),
            ("/users?subunits=maybe", "subunits", "invalid-choice"),
            ("/users?unit_id=top", "unit-id", "invalid-type"),
            ("/organisation?unit_id=top", "unit-id", "invalid-type"),
        ] {
            let resp = browser.get(path).await;
            resp.expect(422);
            assert!(
                resp.page().contains(&message(field, code)),
                "{path} names {field}"
            );
        }
        for (path, field) in [
            (
                "/api/v1/classifications?approved_year=last",
                "approved_year",
            ),
            (
                "/api/v1/classifications?approved_year=300000",
                "approved_year",
            ),
            ("/api/v1/classifications?unit_id=top", "unit_id"),
            ("/api/v1/systems?classified=maybe", "classified"),
            ("/api/v1/systems?unit_id=top", "unit_id"),
            ("/api/v1/systems/export?classified=maybe", "classified"),
            ("/api/v1/assets?classified=maybe", "classified"),
            ("/api/v1/assets?unit_only=maybe", "unit_only"),
            ("/api/v1/assets/export?unit_only=maybe", "unit_only"),
            ("/api/v1/users?subunits=maybe", "subunits"),
            ("/api/v1/users?active=maybe", "active"),
            ("/api/v1/org-units?unit_id=top", "unit_id"),
        ] {
            let resp = app.api(Method::GET, path).token(&admin.token).send().await;
            assert_eq!(resp.invalid_fields(), vec![field.to_owned()], "{path}");
        }
    }
);
