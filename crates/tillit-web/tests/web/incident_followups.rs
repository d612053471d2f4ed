//! Incident follow-ups: reports given in phases (the progress report while a
//! cybersecurity incident is ongoing, the supplements of an incomplete IMY notification)
//! and statistics scoped to the reader's units.

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
            .get(&format!("/incidents/{}/obligations/{}", case.id, progress.id))
            .await;
        draft.expect(200);
        assert!(draft.page().contains("id=\"phase-note\""));
        // Not an incomplete report: no supplement to promise.
        assert!(!draft.page().contains("name=\"incomplete\""));
        app.api(
            Method::GET,
            &format!("/api/v1/incidents/{}/obligations/{}/draft", case.id, progress.id),
        )
        .token(&head.token)
        .send()
        .await
        .expect(200);
        let pdf = browser
            .get(&format!("/incidents/{}/obligations/{}/draft.pdf", case.id, progress.id))
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
        assert!(page.page().contains(&sv(&app, "incident-clock-waiting-end")));

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
        let timeline = incidents::entries(&app.db, app.a.id, case.id).await.unwrap();
        assert!(timeline.iter().any(|e| e.kind == "clock_moved"));
    }
);

web_test!(
    an_incident_that_ended_before_the_final_report_needs_no_progress_report,
    |app| async move {
        let case = case_at(&app, app.a.ward, "Nätverksavbrott", 10 * 24).await;
        reportable(&app, &case, Track::Cybersecurity).await;
        let mut browser = app
            .signed_in(app.a.member(Role::HeadOfOperations))
            .await;
        submit_on_page(&app, &mut browser, case.id, "early_warning", 9 * 24, false).await;
        submit_on_page(&app, &mut browser, case.id, "notification", 8 * 24, false).await;
        assert!(obligation(&app, case.id, "progress_report").await.is_some());
        let before = obligation(&app, case.id, "final_report").await.unwrap();
        end_on_page(&app, &mut browser, case.id, 7 * 24).await;
        assert!(obligation(&app, case.id, "progress_report").await.is_none());
        let after = obligation(&app, case.id, "final_report").await.unwrap();
        assert_eq!(after.due_at, before.due_at, "the final report keeps its clock");
        let timeline = incidents::entries(&app.db, app.a.id, case.id).await.unwrap();
        assert!(timeline.iter().any(|e| e.kind == "report_dropped"));
        let page = browser.get(&format!("/incidents/{}", case.id)).await;
        assert!(page.page().contains(&sv(&app, "incident-entry-report-dropped")));
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
            .get(&format!("/incidents/{}/obligations/{}", case.id, notification.id))
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
            notification.submitted_at.map(|at| tillit_domain::incident::due_at(
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
        &format!("{}-enhet-{}@{}", role.as_str(), crate::harness::unique(), app.a.domain),
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
