//! Incident follow-ups: reports given in phases (the progress report while a
//! cybersecurity incident is ongoing, the supplements of an incomplete IMY notification),
//! measures created from a case, the cases a risk analysis considered, and statistics
//! scoped to the reader's units.

use axum::http::Method;
use chrono::{Duration, Utc};
use tillit_domain::auth::{role_allows, Action, Assignment, Role};
use tillit_domain::incident::{
    plan, ClockMoments, IncidentContent, IntakeInput, Targets, Track, TrackAssessment, TrackStatus,
};
use tillit_domain::users::Language;
use tillit_store::incidents;
use tillit_store::Actor;

use crate::harness::{create_account, Account, Browser, TestApp};

/// A case reported at `unit`, discovered `hours_ago`.
async fn case_at(app: &TestApp, unit: i64, title: &str, hours_ago: i64) -> incidents::Incident {
    let draft = IntakeInput {
        title,
        description: "Något gick fel.",
        started_at: None,
        discovered_at: Some(tillit_store::now() - Duration::hours(hours_ago)),
        unit_id: Some(unit),
        system_ids: &[],
        care_disrupted: true,
        personal_data: false,
        patient_harm: false,
    }
    .validate(Utc::now())
    .expect("valid intake");
    incidents::create_incident(&app.db, app.a.id, &Actor::system("test"), "intake", &draft)
        .await
        .expect("case")
}

fn sv(app: &TestApp, id: &str) -> String {
    app.text(Language::Sv, id)
}

/// A moment `hours_ago` as the form's datetime-local input sends it (Swedish time).
fn local(hours_ago: i64) -> String {
    (Utc::now() - Duration::hours(hours_ago))
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// Decides `track` of the case reportable, aware at the discovery.
async fn reportable(app: &TestApp, case: &incidents::Incident, track: Track) {
    let content = IncidentContent::builtin().expect("content");
    let regime = content
        .regime_for(track, case.occurred_on)
        .expect("a regime in force");
    let moments = ClockMoments {
        discovery: case.discovered_at,
        awareness: Some(case.discovered_at),
        decision: Some(case.discovered_at),
    };
    let current = incidents::get_incident(&app.db, app.a.id, case.id)
        .await
        .expect("case");
    let decision = incidents::TrackDecision {
        assessment: TrackAssessment {
            track,
            decision: TrackStatus::Reportable,
            reasoning: "Anmälningspliktig".into(),
            awareness_at: Some(case.discovered_at),
            consulted: String::new(),
            answers: Default::default(),
            details: Default::default(),
        },
        regime: regime.id.clone(),
        planned: plan(regime, TrackStatus::Reportable, moments, &Targets::new()),
        forward_to: vec![],
    };
    incidents::decide_track(
        &app.db,
        app.a.id,
        &Actor::system("test"),
        case.id,
        current.version,
        &decision,
    )
    .await
    .expect("decided");
}

async fn version(app: &TestApp, id: i64) -> String {
    incidents::get_incident(&app.db, app.a.id, id)
        .await
        .expect("case")
        .version
        .to_string()
}

async fn obligation(app: &TestApp, id: i64, code: &str) -> Option<incidents::Obligation> {
    incidents::obligations(&app.db, app.a.id, id)
        .await
        .expect("obligations")
        .into_iter()
        .find(|o| o.code == code)
}

/// Marks the report `code` submitted `hours_ago` through its draft page's form.
async fn submit_on_page(
    app: &TestApp,
    browser: &mut Browser,
    id: i64,
    code: &str,
    hours_ago: i64,
    incomplete: bool,
) {
    let report = obligation(app, id, code).await.expect("the report");
    let v = version(app, id).await;
    let at = local(hours_ago);
    let mut form = vec![
        ("version", v.as_str()),
        ("submitted_at", at.as_str()),
        ("channel", "e-tjänst"),
        ("reference", "R-1"),
    ];
    if incomplete {
        form.push(("incomplete", "on"));
    }
    let resp = browser
        .post(&format!("/incidents/{id}/obligations/{}", report.id), &form)
        .await;
    resp.expect(303);
}

/// Records on the case page when the incident ended.
async fn end_on_page(app: &TestApp, browser: &mut Browser, id: i64, hours_ago: i64) {
    let v = version(app, id).await;
    let ended = local(hours_ago);
    browser
        .post(
            &format!("/incidents/{id}/follow-up"),
            &[
                ("version", v.as_str()),
                ("root_cause", "Utgånget certifikat"),
                ("lessons_learned", ""),
                ("measures_taken", ""),
                ("ended_at", ended.as_str()),
            ],
        )
        .await
        .expect(303);
}

web_test!(
    a_progress_report_is_due_while_the_incident_is_ongoing_and_the_final_report_follows_its_end,
    |app| async move {
        let case = case_at(&app, app.a.ward, "Utpressningsattack", 40 * 24).await;
        reportable(&app, &case, Track::Cybersecurity).await;
        let head = app.a.member(Role::HeadOfOperations);
        let mut browser = app.signed_in(head).await;
        submit_on_page(&app, &mut browser, case.id, "early_warning", 39 * 24, false).await;
        submit_on_page(&app, &mut browser, case.id, "notification", 38 * 24, false).await;
        // One month after the notification both the final report and, because the
        // incident is still ongoing, the progress report are due (and now overdue).
        let final_report = obligation(&app, case.id, "final_report").await.unwrap();
        let progress = obligation(&app, case.id, "progress_report").await.unwrap();
        assert!(final_report.due_at.is_some());
        assert_eq!(progress.due_at, final_report.due_at);
        let page = browser.get(&format!("/incidents/{}", case.id)).await;
        page.expect(200);
        let html = page.page();
        assert!(html.contains("Lägesrapport"));
        assert!(html.contains(&sv(&app, "incident-phase-ongoing")));
        assert!(html.contains(&sv(&app, "incident-phase-if-ongoing")));
        assert!(html.contains(&sv(&app, "incident-still-ongoing")));
        let draft = browser
            .get(&format!(
                "/incidents/{}/obligations/{}",
                case.id, progress.id
            ))
            .await;
        draft.expect(200);
        assert!(draft.page().contains("id=\"phase-note\""));
        // Not an incomplete report: no supplement to promise.
        assert!(!draft.page().contains("name=\"incomplete\""));
        app.api(
            Method::GET,
            &format!(
                "/api/v1/incidents/{}/obligations/{}/draft",
                case.id, progress.id
            ),
        )
        .token(&head.token)
        .send()
        .await
        .expect(200);
        let pdf = browser
            .get(&format!(
                "/incidents/{}/obligations/{}/draft.pdf",
                case.id, progress.id
            ))
            .await;
        pdf.expect(200);
        assert!(pdf.body.starts_with(b"%PDF"));

        // The progress report through the API: the final report now waits for the end.
        let v: i64 = version(&app, case.id).await.parse().unwrap();
        let resp = app
            .api(
                Method::POST,
                &format!(
                    "/api/v1/incidents/{}/obligations/{}/submission",
                    case.id, progress.id
                ),
            )
            .token(&head.token)
            .json(&serde_json::json!({"version": v, "channel": "CERT-SE:s e-tjänst"}))
            .send()
            .await;
        resp.expect(200);
        let listed = app
            .api(
                Method::GET,
                &format!("/api/v1/incidents/{}/obligations", case.id),
            )
            .token(&head.token)
            .send()
            .await;
        listed.expect(200);
        let listed = listed.json();
        let find = |code: &str| {
            listed
                .as_array()
                .unwrap()
                .iter()
                .find(|o| o["code"] == code)
                .cloned()
                .unwrap()
        };
        let final_json = find("final_report");
        assert_eq!(final_json["clock_start"], "end");
        assert!(final_json["due_at"].is_null());
        assert_eq!(final_json["if_ongoing"], "progress_report");
        assert_eq!(find("progress_report")["applies"], "ongoing");
        assert_eq!(find("progress_report")["status"], "submitted");
        let page = browser.get(&format!("/incidents/{}", case.id)).await;
        assert!(page
            .page()
            .contains(&sv(&app, "incident-clock-waiting-end")));

        // The end recorded: the final report is due one month after it.
        end_on_page(&app, &mut browser, case.id, 24).await;
        let case_now = incidents::get_incident(&app.db, app.a.id, case.id)
            .await
            .unwrap();
        let ended = case_now.ended_at.expect("ended");
        let final_report = obligation(&app, case.id, "final_report").await.unwrap();
        assert_eq!(final_report.starts_at, Some(ended));
        assert_eq!(
            final_report.due_at,
            Some(tillit_domain::incident::due_at(
                ended,
                tillit_domain::incident::Deadline::Months(1)
            ))
        );
        let timeline = incidents::entries(&app.db, app.a.id, case.id)
            .await
            .unwrap();
        assert!(timeline.iter().any(|e| e.kind == "clock_moved"));
    }
);

web_test!(
    an_incident_that_ended_before_the_final_report_needs_no_progress_report,
    |app| async move {
        let case = case_at(&app, app.a.ward, "Nätverksavbrott", 10 * 24).await;
        reportable(&app, &case, Track::Cybersecurity).await;
        let mut browser = app.signed_in(app.a.member(Role::HeadOfOperations)).await;
        submit_on_page(&app, &mut browser, case.id, "early_warning", 9 * 24, false).await;
        submit_on_page(&app, &mut browser, case.id, "notification", 8 * 24, false).await;
        assert!(obligation(&app, case.id, "progress_report").await.is_some());
        let before = obligation(&app, case.id, "final_report").await.unwrap();
        end_on_page(&app, &mut browser, case.id, 7 * 24).await;
        assert!(obligation(&app, case.id, "progress_report").await.is_none());
        let after = obligation(&app, case.id, "final_report").await.unwrap();
        assert_eq!(
            after.due_at, before.due_at,
            "the final report keeps its clock"
        );
        let timeline = incidents::entries(&app.db, app.a.id, case.id)
            .await
            .unwrap();
        assert!(timeline.iter().any(|e| e.kind == "report_dropped"));
        let page = browser.get(&format!("/incidents/{}", case.id)).await;
        assert!(page
            .page()
            .contains(&sv(&app, "incident-entry-report-dropped")));
    }
);

web_test!(
    an_incomplete_imy_notification_is_supplemented_on_a_clock_until_the_dpo_submits_it,
    |app| async move {
        let case = case_at(&app, app.a.ward, "Brev till fel patient", 30).await;
        reportable(&app, &case, Track::PersonalData).await;
        let dpo = app.a.member(Role::DataProtectionOfficer);
        let mut browser = app.signed_in(dpo).await;
        let notification = obligation(&app, case.id, "imy_notification").await.unwrap();
        let draft = browser
            .get(&format!(
                "/incidents/{}/obligations/{}",
                case.id, notification.id
            ))
            .await;
        draft.expect(200);
        assert!(draft.page().contains("name=\"incomplete\""));
        submit_on_page(&app, &mut browser, case.id, "imy_notification", 20, true).await;
        // Submitted as incomplete: the supplement runs on the organisation's target
        // (four weeks by default) from the notification.
        let notification = obligation(&app, case.id, "imy_notification").await.unwrap();
        let supplement = obligation(&app, case.id, "imy_supplement")
            .await
            .expect("a supplement is tracked");
        assert!(supplement.is_open());
        assert_eq!(supplement.starts_at, notification.submitted_at);
        assert_eq!(
            supplement.due_at,
            notification
                .submitted_at
                .map(|at| tillit_domain::incident::due_at(
                    at,
                    tillit_domain::incident::Deadline::TargetDays(28)
                ))
        );
        let page = browser.get(&format!("/incidents/{}", case.id)).await;
        assert!(page.page().contains("Komplettering till IMY"));
        assert!(page.page().contains(&sv(&app, "incident-phase-incomplete")));
        let clocks = app
            .api(Method::GET, "/api/v1/incident-clocks")
            .token(&dpo.token)
            .send()
            .await;
        clocks.expect(200);
        assert!(clocks.text().contains("imy_supplement"));

        // Only a report with supplements can be incomplete; nothing changes otherwise.
        let other = case_at(&app, app.a.ward, "Intrång", 30).await;
        reportable(&app, &other, Track::Cybersecurity).await;
        let early = obligation(&app, other.id, "early_warning").await.unwrap();
        let v: i64 = version(&app, other.id).await.parse().unwrap();
        let refused = app
            .api(
                Method::POST,
                &format!(
                    "/api/v1/incidents/{}/obligations/{}/submission",
                    other.id, early.id
                ),
            )
            .token(&app.a.member(Role::HeadOfOperations).token)
            .json(&serde_json::json!({"version": v, "channel": "CERT-SE", "incomplete": true}))
            .send()
            .await;
        assert_eq!(refused.invalid_fields(), ["incomplete"]);
        assert!(obligation(&app, other.id, "early_warning")
            .await
            .unwrap()
            .is_open());

        // The DPO gives the rest: the supplement is submitted and its clock stops.
        let v: i64 = version(&app, case.id).await.parse().unwrap();
        app.api(
            Method::POST,
            &format!(
                "/api/v1/incidents/{}/obligations/{}/submission",
                case.id, supplement.id
            ),
        )
        .token(&dpo.token)
        .json(&serde_json::json!({"version": v, "channel": "IMY:s e-tjänst", "reference": "DI-2026-1"}))
        .send()
        .await
        .expect(200);
        assert!(!obligation(&app, case.id, "imy_supplement")
            .await
            .unwrap()
            .is_open());
    }
);

/// A user holding `role` for `unit` only.
async fn scoped(app: &TestApp, role: Role, unit: i64) -> Account {
    let grant = [Assignment {
        role,
        unit_id: Some(unit),
    }];
    create_account(
        &app.db,
        app.a.id,
        &format!(
            "{}-enhet-{}@{}",
            role.as_str(),
            crate::harness::unique(),
            app.a.domain
        ),
        &format!("Enhetens {}", role.as_str()),
        &grant,
        role.requires_two_factor(),
    )
    .await
}

web_test!(
    statistics_count_only_the_units_a_scoped_reader_sees,
    |app| async move {
        case_at(&app, app.a.ward, "Avbrott på akutmottagningen", 2).await;
        case_at(&app, app.a.sibling, "Avbrott på ögonkliniken", 2).await;
        let year = (tillit_store::now() - Duration::hours(2))
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y")
            .to_string();
        let readers = Role::ALL
            .into_iter()
            .filter(|r| role_allows(*r, Action::ViewIncidents));
        for role in readers {
            // Held for the whole organisation: every case; held for the clinic: the ward's only.
            let clinic_reader = scoped(&app, role, app.a.clinic).await;
            for (account, total, scope) in [
                (app.a.member(role), 2, "organisation"),
                (&clinic_reader, 1, "units"),
            ] {
                let api = app
                    .api(
                        Method::GET,
                        &format!("/api/v1/incident-statistics?year={year}"),
                    )
                    .token(&account.token)
                    .send()
                    .await;
                api.expect(200);
                let stats = api.json();
                assert_eq!(stats["total"], total, "{role:?} {scope}");
                assert_eq!(stats["scope"], scope, "{role:?}");
                let units: Vec<&str> = stats["by_unit"]
                    .as_array()
                    .expect("units")
                    .iter()
                    .filter_map(|c| c["label"].as_str())
                    .collect();
                assert_eq!(
                    units.iter().any(|u| u.contains("ögonklinik")),
                    scope == "organisation",
                    "{role:?} {scope}: {units:?}"
                );

                let mut browser = app.signed_in(account).await;
                let page = browser
                    .get(&format!("/incidents/statistics?year={year}"))
                    .await;
                page.expect(200);
                assert_eq!(
                    page.page().contains("id=\"statistics-scope\""),
                    scope == "units",
                    "{role:?} {scope}"
                );
                assert_eq!(
                    page.page().contains("ögonklinik"),
                    scope == "organisation",
                    "{role:?} {scope}"
                );
                let xlsx = browser
                    .get(&format!("/incidents/statistics/export.xlsx?year={year}"))
                    .await;
                xlsx.expect(200);
                let table = tillit_reports::read(&xlsx.body).expect("an XLSX workbook");
                assert_eq!(
                    table.rows[0].cells[1],
                    total.to_string(),
                    "{role:?} {scope}: the summary's total"
                );
            }
        }
        // Employees read no statistics at all.
        let employee = app.a.member(Role::Employee);
        app.api(
            Method::GET,
            &format!("/api/v1/incident-statistics?year={year}"),
        )
        .token(&employee.token)
        .send()
        .await
        .expect(403);
    }
);

/// The analysis's current version.
async fn analysis_version(app: &TestApp, analysis: i64) -> i64 {
    tillit_store::risk::get_analysis(&app.db, app.a.id, analysis)
        .await
        .expect("analysis")
        .version
}

/// A draft risk analysis with one risk, through the API; returns (analysis, risk).
/// An analysis of the clinic (which the ward lies below) with one risk.
async fn analysis_with_risk(app: &TestApp) -> (i64, i64) {
    let token = &app.a.member(Role::Coordinator).token;
    let analysis = app
        .api(Method::POST, "/api/v1/risk-analyses")
        .token(token)
        .json(&serde_json::json!({"title": "Riskanalys journalen", "scope": "unit", "unit_id": app.a.clinic}))
        .send()
        .await;
    let analysis = analysis.expect(201).json()["id"].as_i64().expect("id");
    let risk = app
        .api(
            Method::POST,
            &format!("/api/v1/risk-analyses/{analysis}/risks"),
        )
        .token(token)
        .json(&serde_json::json!({"title": "Utpressning", "threat": "Utpressningsvirus",
            "vulnerability": "Ej uppdaterade servrar", "likelihood": 2, "likelihood_reason": "Har hänt",
            "consequence": 3, "consequence_reason": "Vården stannar"}))
        .send()
        .await;
    (
        analysis,
        risk.expect(201).json()["id"].as_i64().expect("id"),
    )
}

web_test!(
    a_measure_created_from_a_case_lands_in_the_action_plan_linked_to_the_case,
    |app| async move {
        let case = case_at(&app, app.a.ward, "Utpressningsattack mot journalen", 5).await;
        let (_, risk) = analysis_with_risk(&app).await;
        let head = app.a.member(Role::HeadOfOperations);
        let mut browser = app.signed_in(head).await;
        let v = version(&app, case.id).await;
        browser
            .post(
                &format!("/incidents/{}/risks", case.id),
                &[("version", v.as_str()), ("risk_id", &risk.to_string())],
            )
            .await
            .expect(303);
        // The case page offers the measure; the form comes filled from the case.
        let page = browser.get(&format!("/incidents/{}", case.id)).await;
        assert!(page.page().contains("id=\"create-measure\""));
        let form = browser
            .get(&format!("/risks/measures/new?incident={}", case.id))
            .await;
        form.expect(200);
        assert!(form.page().contains("id=\"from-incident\""));
        assert_eq!(
            form.field("title").as_deref(),
            Some("Utpressningsattack mot journalen")
        );
        assert_eq!(form.field("incident_id"), Some(case.id.to_string()));
        let v = version(&app, case.id).await;
        assert_eq!(form.field("incident_version"), Some(v.clone()));
        assert!(form
            .page()
            .contains(&format!("<option value=\"{risk}\" selected")));
        let head_id = head.id.to_string();
        let future = (Utc::now() + Duration::days(30))
            .format("%Y-%m-%d")
            .to_string();
        let case_id = case.id.to_string();
        let fields = |version: &str| {
            vec![
                ("incident_id", case_id.clone()),
                ("incident_version", version.to_owned()),
                ("risk_ids", risk.to_string()),
                ("title", "Multifaktorautentisering".to_owned()),
                ("reason", "Lärdom från attacken".to_owned()),
                ("category", "technical".to_owned()),
                ("function", "preventive".to_owned()),
                ("residual_likelihood", "1".to_owned()),
                ("residual_consequence", "2".to_owned()),
                ("responsible_id", head_id.clone()),
                ("planned_on", future.clone()),
            ]
        };
        let as_refs = |f: &[(&'static str, String)]| {
            f.iter().map(|(k, v)| (*k, v.clone())).collect::<Vec<_>>()
        };
        // A stale case version: a conflict, and no measure is written.
        let stale: Vec<(&str, String)> = as_refs(&fields("0"));
        let stale: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let conflict = browser.post("/risks/measures", &stale).await;
        assert_eq!(conflict.status.as_u16(), 409, "{}", conflict.page());
        assert!(incidents::incident_measures(&app.db, app.a.id, case.id)
            .await
            .unwrap()
            .is_empty());
        let good = as_refs(&fields(&v));
        let good: Vec<(&str, &str)> = good.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = browser.post("/risks/measures", &good).await;
        created.expect_redirect(&format!(
            "/incidents/{}?notice=incident-measure-created",
            case.id
        ));
        let linked = incidents::incident_measures(&app.db, app.a.id, case.id)
            .await
            .unwrap();
        assert_eq!(linked.len(), 1);
        assert_eq!(linked[0].title, "Multifaktorautentisering");
        let timeline = incidents::entries(&app.db, app.a.id, case.id)
            .await
            .unwrap();
        assert!(timeline.iter().any(|e| e.kind == "linked"));

        // Through the API, with the case's version; roles without the mandate are refused.
        let body = |version: String| {
            serde_json::json!({"version": version.parse::<i64>().unwrap(), "measure": {
                "title": "Utbildning i nätfiske", "reason": "Lärdom", "category": "organisational",
                "function": "preventive", "risk_ids": [risk], "residual_likelihood": 1,
                "residual_consequence": 2, "responsible_id": head.id, "planned_on": future}})
        };
        for role in [
            Role::InformationOwner,
            Role::DataProtectionOfficer,
            Role::Auditor,
        ] {
            app.api(
                Method::POST,
                &format!("/api/v1/incidents/{}/measures", case.id),
            )
            .token(&app.a.member(role).token)
            .json(&body(version(&app, case.id).await))
            .send()
            .await
            .problem(403, "forbidden");
        }
        let api = app
            .api(
                Method::POST,
                &format!("/api/v1/incidents/{}/measures", case.id),
            )
            .token(&head.token)
            .json(&body(version(&app, case.id).await))
            .send()
            .await;
        api.expect(201);
        assert!(api.json()["designation"].as_str().is_some());
        assert_eq!(
            incidents::incident_measures(&app.db, app.a.id, case.id)
                .await
                .unwrap()
                .len(),
            2
        );
    }
);

web_test!(
    a_risk_analysis_links_the_incident_cases_it_considered_and_freezes_them_on_approval,
    |app| async move {
        let ward_case = case_at(&app, app.a.ward, "Avbrott i journalen", 5).await;
        let other_case = case_at(&app, app.a.sibling, "Fel i ögonklinikens system", 5).await;
        let (analysis, risk) = analysis_with_risk(&app).await;
        let coordinator = app.a.member(Role::Coordinator);
        let mut browser = app.signed_in(coordinator).await;
        let page = browser.get(&format!("/risks/analyses/{analysis}")).await;
        page.expect(200);
        assert!(page.page().contains(&ward_case.designation));
        // Linked through the page, shown with a link to the case.
        let v = analysis_version(&app, analysis).await.to_string();
        browser
            .post(
                &format!("/risks/analyses/{analysis}/incidents"),
                &[
                    ("version", v.as_str()),
                    ("incident_id", &ward_case.id.to_string()),
                ],
            )
            .await
            .expect_redirect(&format!(
                "/risks/analyses/{analysis}?notice=analysis-incident-added"
            ));
        let page = browser.get(&format!("/risks/analyses/{analysis}")).await;
        assert!(page
            .page()
            .contains(&format!("<a href=\"/incidents/{}\">", ward_case.id)));
        // A stale version is a conflict; a missing case is named on its field.
        let stale = browser
            .post(
                &format!("/risks/analyses/{analysis}/incidents"),
                &[
                    ("version", v.as_str()),
                    ("incident_id", &other_case.id.to_string()),
                ],
            )
            .await;
        assert_eq!(stale.status.as_u16(), 409);
        // Through the API.
        app.api(Method::POST, &format!("/api/v1/risk-analyses/{analysis}/incidents"))
            .token(&coordinator.token)
            .json(&serde_json::json!({"version": analysis_version(&app, analysis).await, "incident_id": other_case.id}))
            .send()
            .await
            .expect(204);
        // A reader of the clinic sees only the ward's case among those considered, and
        // cannot link a case outside their units.
        let clinic_owner = scoped(&app, Role::InformationOwner, app.a.clinic).await;
        let listed = app
            .api(
                Method::GET,
                &format!("/api/v1/risk-analyses/{analysis}/incidents"),
            )
            .token(&clinic_owner.token)
            .send()
            .await;
        let listed = listed.expect(200).json();
        let ids: Vec<i64> = listed
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|c| c["id"].as_i64())
            .collect();
        assert_eq!(ids, [ward_case.id]);
        let all = app
            .api(
                Method::GET,
                &format!("/api/v1/risk-analyses/{analysis}/incidents"),
            )
            .token(&coordinator.token)
            .send()
            .await;
        assert_eq!(all.expect(200).json().as_array().unwrap().len(), 2);
        let mut owner_browser = app.signed_in(&clinic_owner).await;
        let owner_page = owner_browser
            .get(&format!("/risks/analyses/{analysis}"))
            .await;
        assert!(!owner_page.page().contains(&other_case.designation));
        let v = analysis_version(&app, analysis).await;
        app.api(
            Method::DELETE,
            &format!(
                "/api/v1/risk-analyses/{analysis}/incidents/{}?version={v}",
                other_case.id
            ),
        )
        .token(&coordinator.token)
        .send()
        .await
        .expect(204);
        // Approved: the remaining case is frozen into the version; no more changes.
        let treated = app
            .api(Method::POST, &format!("/api/v1/risks/{risk}/treatment"))
            .token(&coordinator.token)
            .json(&serde_json::json!({"treatment": "reduce", "justification": "Åtgärdas", "version": 1}))
            .send()
            .await;
        treated.expect(200);
        let v = analysis_version(&app, analysis).await;
        app.api(
            Method::POST,
            &format!("/api/v1/risk-analyses/{analysis}/approve"),
        )
        .token(&app.a.member(Role::InformationOwner).token)
        .json(&serde_json::json!({"version": v}))
        .send()
        .await
        .expect(200);
        let frozen = tillit_store::risk::analysis_version(&app.db, app.a.id, analysis, 1)
            .await
            .unwrap();
        assert_eq!(
            frozen
                .snapshot
                .incidents
                .iter()
                .map(|c| c.id)
                .collect::<Vec<_>>(),
            [ward_case.id]
        );
        let version_page = browser
            .get(&format!("/risks/analyses/{analysis}/versions/1"))
            .await;
        assert!(version_page.page().contains(&ward_case.designation));
        let refused = app
            .api(Method::POST, &format!("/api/v1/risk-analyses/{analysis}/incidents"))
            .token(&coordinator.token)
            .json(&serde_json::json!({"version": analysis_version(&app, analysis).await, "incident_id": other_case.id}))
            .send()
            .await;
        assert_eq!(refused.invalid_fields(), ["analysis"]);
        // Employees read no risk work.
        app.api(
            Method::GET,
            &format!("/api/v1/risk-analyses/{analysis}/incidents"),
        )
        .token(&app.a.member(Role::Employee).token)
        .send()
        .await
        .problem(403, "forbidden");
    }
);
