//! Incidents through the pages: an employee reports, the head of operations assesses and
//! escalates, the NIS assessors decide, the reporting mandate holder submits the reports
//! in order, and the case closes only when every track is done. Refusals: times in the
//! future or before the start, assessment without the mandate, submitting twice,
//! closing with open tracks, oversized and unknown attachments, a stale version.

use chrono::{Duration, Utc};
use tillit_domain::auth::Role;
use tillit_domain::users::Language;
use tillit_store::incidents;

use crate::harness::{html, Browser, Resp, TestApp};

fn sv(app: &TestApp, id: &str) -> String {
    app.text(Language::Sv, id)
}

/// A Swedish wall-clock time as the form's datetime-local input sends it.
fn local(hours_ago: i64) -> String {
    (Utc::now() - Duration::hours(hours_ago))
        .with_timezone(&chrono_tz::Europe::Stockholm)
        .format("%Y-%m-%dT%H:%M")
        .to_string()
}

/// The id in a redirect to `/incidents/{id}?notice=…`.
fn case_id(resp: &Resp) -> i64 {
    resp.expect(303);
    resp.location()
        .strip_prefix("/incidents/")
        .and_then(|rest| rest.split('?').next())
        .and_then(|id| id.parse().ok())
        .unwrap_or_else(|| panic!("redirect to a case: {}", resp.location()))
}

async fn version(app: &TestApp, id: i64) -> String {
    incidents::get_incident(&app.db, app.a.id, id)
        .await
        .expect("case")
        .version
        .to_string()
}

async fn report(app: &TestApp, browser: &mut Browser, title: &str) -> i64 {
    browser.get("/incidents/new").await.expect(200);
    let ward = app.a.ward.to_string();
    let started = local(3);
    let discovered = local(2);
    let resp = browser
        .post(
            "/incidents",
            &[
                ("title", title),
                (
                    "description",
                    "Journalen visar ett meddelande om lösensumma.",
                ),
                ("started_at", &started),
                ("discovered_at", &discovered),
                ("unit_id", &ward),
                ("care_disrupted", "on"),
            ],
        )
        .await;
    let id = case_id(&resp);
    assert!(resp.location().ends_with("notice=incident-reported"));
    id
}

web_test!(
    a_case_runs_from_the_intake_to_closing_through_the_pages,
    |app| async move {
        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        let id = report(&app, &mut employee, "Utpressningsattack mot journalen").await;
        // The reporter follows the case; the list shows it as theirs.
        let mine = employee.get("/incidents").await;
        mine.expect(200);
        assert!(mine.page().contains("Utpressningsattack mot journalen"));
        assert!(mine.page().contains(&sv(&app, "incidents-mine")));
        // Nobody but the head of operations assesses.
        let coordinator_try = {
            let mut coordinator = app.signed_in(app.a.member(Role::Coordinator)).await;
            coordinator
                .get(&format!("/incidents/{id}"))
                .await
                .expect(200);
            let v = version(&app, id).await;
            coordinator
                .post(
                    &format!("/incidents/{id}/assessment"),
                    &[
                        ("version", &v),
                        ("category", "it_security"),
                        ("reasoning", "x"),
                    ],
                )
                .await
        };
        coordinator_try.expect(403);

        let mut head = app.signed_in(app.a.member(Role::HeadOfOperations)).await;
        let page = head.get(&format!("/incidents/{id}")).await;
        page.expect(200);
        // Care was disrupted, so the escalation to the NIS assessors is suggested.
        assert!(page
            .text()
            .contains("id=\"escalate-cybersecurity\" name=\"escalate-cybersecurity\" type=\"checkbox\" checked"));
        let v = version(&app, id).await;
        head.post(
            &format!("/incidents/{id}/assessment"),
            &[
                ("version", &v),
                ("category", "it_security"),
                ("reasoning", "Journalen är nere på hela sjukhuset."),
                ("measures_taken", "Nätet isolerat"),
                ("escalate-cybersecurity", "on"),
            ],
        )
        .await
        .expect_redirect(&format!("/incidents/{id}?notice=incident-assessed"));

        let mut assessor = app.signed_in(app.a.member(Role::NisAssessor)).await;
        let page = assessor.get(&format!("/incidents/{id}")).await;
        assert!(page
            .page()
            .contains(&sv(&app, "incident-significance-legend")));
        let v = version(&app, id).await;
        let awareness = local(1);
        assessor
            .post(
                &format!("/incidents/{id}/tracks/cybersecurity"),
                &[
                    ("version", &v),
                    ("answer-operational-disruption", "yes"),
                    ("answer-malicious", "yes"),
                    ("decision", "reportable"),
                    ("awareness_at", &awareness),
                    ("reasoning", "Betydande driftstörning i vården."),
                    ("consulted", "LVS, Intraservice"),
                    ("severity", "Hög"),
                ],
            )
            .await
            .expect_redirect(&format!("/incidents/{id}?notice=incident-decided"));

        let obligations = incidents::obligations(&app.db, app.a.id, id)
            .await
            .expect("obligations");
        let codes: Vec<&str> = obligations.iter().map(|o| o.code.as_str()).collect();
        assert_eq!(
            codes,
            [
                "early_warning",
                "notification",
                "final_report",
                "progress_report"
            ]
        );
        let page = head.get(&format!("/incidents/{id}")).await;
        assert!(page.page().contains("Cybersäkerhetslagen: Tidig varning"));
        // The start page shows the running clocks to those who read incidents, not to
        // the employee who reported.
        let start = head.get("/").await;
        assert!(start.page().contains(&sv(&app, "start-card-incidents")));
        assert!(start.page().contains("Cybersäkerhetslagen: Tidig varning"));
        let start = employee.get("/").await;
        assert!(!start.page().contains(&sv(&app, "start-card-incidents")));
        assert!(page.page().contains(&sv(&app, "incident-clock-waiting")));

        // The draft carries the answers and details; the JSON has the same fields.
        let draft = head
            .get(&format!(
                "/incidents/{id}/obligations/{}",
                obligations[0].id
            ))
            .await;
        draft.expect(200);
        assert!(draft.page().contains("CSIRT-enheten (CERT-SE)"));
        let json = head
            .get(&format!(
                "/incidents/{id}/obligations/{}/draft.json",
                obligations[0].id
            ))
            .await;
        let json = json.json();
        assert_eq!(json["fields"]["suspected_malicious"], "yes");
        let pdf = head
            .get(&format!(
                "/incidents/{id}/obligations/{}/draft.pdf",
                obligations[0].id
            ))
            .await;
        pdf.expect(200);
        assert!(pdf.body.starts_with(b"%PDF-"));
        assert!(json["fields"]["summary"]
            .as_str()
            .unwrap()
            .contains("lösensumma"));

        // Only the reporting mandate holder submits; the assessor cannot.
        let v = version(&app, id).await;
        assessor
            .post(
                &format!("/incidents/{id}/obligations/{}", obligations[0].id),
                &[("version", &v), ("channel", "Telefon"), ("reference", "")],
            )
            .await
            .expect(403);
        for obligation in &obligations[..2] {
            head.get(&format!("/incidents/{id}/obligations/{}", obligation.id))
                .await
                .expect(200);
            let v = version(&app, id).await;
            head.post(
                &format!("/incidents/{id}/obligations/{}", obligation.id),
                &[
                    ("version", &v),
                    ("channel", "IRON"),
                    ("reference", "CERT-1"),
                ],
            )
            .await
            .expect_redirect(&format!("/incidents/{id}?notice=incident-report-submitted"));
        }
        // Twice: refused with a message, nothing changes.
        let v = version(&app, id).await;
        let twice = head
            .post(
                &format!("/incidents/{id}/obligations/{}", obligations[0].id),
                &[("version", &v), ("channel", "IRON"), ("reference", "")],
            )
            .await;
        twice.expect(422);
        assert!(twice
            .page()
            .contains(&sv(&app, "field-error-already-submitted")));
        assert_eq!(version(&app, id).await, v);
        let after = incidents::obligations(&app.db, app.a.id, id).await.unwrap();
        assert!(
            after[2].due_at.is_some(),
            "the final report's clock started"
        );

        // Closing with a report open and nothing learned is refused with every reason.
        let v = version(&app, id).await;
        let refused = head
            .post(&format!("/incidents/{id}/close"), &[("version", &v)])
            .await;
        refused.expect(422);
        for code in ["reports-open", "root-cause-missing", "lessons-missing"] {
            assert!(refused
                .page()
                .contains(&sv(&app, &format!("field-error-{code}"))));
        }
        let v = version(&app, id).await;
        head.post(
            &format!("/incidents/{id}/obligations/{}", after[2].id),
            &[
                ("version", &v),
                ("channel", "IRON"),
                ("reference", "CERT-1"),
            ],
        )
        .await
        .expect(303);
        let v = version(&app, id).await;
        let ended = local(0);
        head.post(
            &format!("/incidents/{id}/follow-up"),
            &[
                ("version", &v),
                ("root_cause", "Nätfiske gav ett administratörskonto."),
                (
                    "lessons_learned",
                    "Multifaktorautentisering för fjärråtkomst.",
                ),
                ("measures_taken", "Återställt från säkerhetskopia."),
                ("ended_at", &ended),
            ],
        )
        .await
        .expect(303);
        let v = version(&app, id).await;
        head.post(&format!("/incidents/{id}/close"), &[("version", &v)])
            .await
            .expect_redirect(&format!("/incidents/{id}?notice=incident-closed-notice"));
        let closed = head.get(&format!("/incidents/{id}")).await;
        assert!(closed.page().contains(&sv(&app, "incident-status-closed")));
        // The timeline tells the story in order.
        let kinds: Vec<String> = incidents::entries(&app.db, app.a.id, id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(kinds.first().map(String::as_str), Some("reported"));
        assert_eq!(kinds.last().map(String::as_str), Some("closed"));
        assert_eq!(kinds.iter().filter(|k| *k == "submitted").count(), 3);
    }
);

web_test!(
    bad_intake_input_is_refused_field_by_field_and_nothing_is_stored,
    |app| async move {
        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        employee.get("/incidents/new").await.expect(200);
        let before = incidents::list_incidents(
            &app.db,
            app.a.id,
            &incidents::Visibility::All,
            &Default::default(),
            10,
            0,
        )
        .await
        .unwrap()
        .total;
        let future = (Utc::now() + Duration::hours(3))
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y-%m-%dT%H:%M")
            .to_string();
        let ward = app.a.ward.to_string();
        let resp = employee
            .post(
                "/incidents",
                &[
                    ("title", "Fel brev"),
                    ("description", "Ett provsvar skickades till fel patient."),
                    ("discovered_at", &future),
                    ("unit_id", &ward),
                ],
            )
            .await;
        resp.expect(422);
        let message = format!(
            "{}: {}",
            sv(&app, "incident-field-discovered-at"),
            sv(&app, "field-error-in-future")
        );
        assert!(resp.page().contains(&message), "{}", resp.page());
        // What was typed is kept.
        assert_eq!(
            html::input_value(&resp.text(), "title").as_deref(),
            Some("Fel brev")
        );
        let started = local(1);
        let discovered = local(2);
        let resp = employee
            .post(
                "/incidents",
                &[
                    ("title", "Fel brev"),
                    ("description", "Ett provsvar skickades till fel patient."),
                    ("started_at", &started),
                    ("discovered_at", &discovered),
                    ("unit_id", &ward),
                ],
            )
            .await;
        resp.expect(422);
        assert!(resp.page().contains(&sv(&app, "field-error-before-start")));
        let resp = employee
            .post(
                "/incidents",
                &[
                    ("title", ""),
                    ("description", "x"),
                    ("discovered_at", "igår"),
                    ("unit_id", ""),
                ],
            )
            .await;
        resp.expect(422);
        assert!(resp.page().contains(&sv(&app, "field-error-invalid-time")));
        let after = incidents::list_incidents(
            &app.db,
            app.a.id,
            &incidents::Visibility::All,
            &Default::default(),
            10,
            0,
        )
        .await
        .unwrap()
        .total;
        assert_eq!(before, after);
    }
);

web_test!(
    attachments_are_checked_for_size_and_type_and_stale_forms_conflict,
    |app| async move {
        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        let id = report(&app, &mut employee, "Kortsystemet sprider fel behörigheter").await;
        let mut coordinator = app.signed_in(app.a.member(Role::Coordinator)).await;
        let page = coordinator.get(&format!("/incidents/{id}")).await;
        page.expect(200);
        let csrf = html::input_value(&page.text(), "csrf_token").expect("csrf");
        let upload = |name: &str, content: Vec<u8>, version: String| {
            let boundary = "XyZzY";
            let mut body = Vec::new();
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"version\"\r\n\r\n{version}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(&content);
            body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
            (format!("multipart/form-data; boundary={boundary}"), body)
        };
        let path = format!("/incidents/{id}/attachments?csrf_token={csrf}");
        let v = version(&app, id).await;
        let (content_type, body) = upload("skript.exe", b"MZ".to_vec(), v.clone());
        let resp = coordinator
            .request(
                axum::http::Method::POST,
                &path,
                Some((&content_type, String::from_utf8_lossy(&body).into_owned())),
            )
            .await;
        resp.expect(422);
        assert!(resp.page().contains(&sv(&app, "field-error-file-type")));
        let big = vec![b'a'; 21 * 1024 * 1024];
        let (content_type, body) = upload("logg.txt", big, v.clone());
        let resp = coordinator
            .request(
                axum::http::Method::POST,
                &path,
                Some((&content_type, String::from_utf8_lossy(&body).into_owned())),
            )
            .await;
        assert!(
            resp.status == 413 || resp.status == 422,
            "oversized upload refused: {}",
            resp.status
        );
        assert!(incidents::attachments(&app.db, app.a.id, id)
            .await
            .unwrap()
            .is_empty());
        let (content_type, body) = upload("logg.txt", b"07:02 nekad".to_vec(), v.clone());
        coordinator
            .request(
                axum::http::Method::POST,
                &path,
                Some((&content_type, String::from_utf8_lossy(&body).into_owned())),
            )
            .await
            .expect(303);
        let files = incidents::attachments(&app.db, app.a.id, id).await.unwrap();
        assert_eq!(files.len(), 1);
        let download = coordinator
            .get(&format!("/incidents/{id}/attachments/{}", files[0].id))
            .await;
        download.expect(200);
        assert_eq!(download.text(), "07:02 nekad");
        assert_eq!(download.header("x-content-sha256"), files[0].sha256);
        // The form was read at the old version: a note now conflicts.
        let stale = coordinator
            .post(
                &format!("/incidents/{id}/notes"),
                &[("version", &v), ("text", "Leverantören kontaktad")],
            )
            .await;
        stale.expect(409);
        assert!(stale.page().contains(&sv(&app, "conflict-reload")));
    }
);

web_test!(
    each_track_is_decided_only_by_its_assessor,
    |app| async move {
        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        let id = report(&app, &mut employee, "Läkemedelsberedningen stannade").await;
        let assessors = [
            ("cybersecurity", Role::NisAssessor),
            ("personal_data", Role::DataProtectionOfficer),
            ("patient_safety", Role::MasMar),
        ];
        for (track, assessor) in assessors {
            for role in Role::ALL {
                let mut browser = app.signed_in(app.a.member(role)).await;
                browser.get("/incidents").await.expect(200);
                let v = version(&app, id).await;
                let resp = browser
                    .post(
                        &format!("/incidents/{id}/tracks/{track}"),
                        &[
                            ("version", &v),
                            ("decision", "not_reportable"),
                            ("reasoning", "Inte anmälningspliktig"),
                        ],
                    )
                    .await;
                let expected = if role == assessor { 303 } else { 403 };
                assert_eq!(resp.status.as_u16(), expected, "{role:?} deciding {track}");
            }
        }
        let tracks = incidents::tracks(&app.db, app.a.id, id).await.unwrap();
        assert_eq!(tracks.len(), 3);
        assert!(tracks.iter().all(|t| t.status == "not_reportable"));
    }
);

web_test!(
    statistics_count_breaches_registered_and_reported_and_reports_on_time,
    |app| async move {
        use tillit_domain::incident::{
            plan, ClockMoments, IncidentContent, IntakeInput, Targets, Track, TrackAssessment,
            TrackStatus,
        };
        use tillit_store::incidents::{Submission, Submitted, TrackDecision};
        use tillit_store::Actor;

        let actor = Actor::system("test");
        let content = IncidentContent::builtin().unwrap();
        let regime = content.regime("gdpr").unwrap();
        // Three breaches: two notified to IMY (one on time, one late), one only documented.
        for (n, decision, submit_after_hours) in [
            (1, TrackStatus::Reportable, Some(10)),
            (2, TrackStatus::Reportable, Some(80)),
            (3, TrackStatus::DocumentedOnly, None),
        ] {
            let discovered = tillit_store::now() - Duration::hours(100);
            let title = format!("Fel mottagare {n}");
            let draft = IntakeInput {
                title: &title,
                description: "Brev till fel patient.",
                started_at: None,
                discovered_at: Some(discovered),
                unit_id: Some(app.a.ward),
                system_ids: &[],
                care_disrupted: false,
                personal_data: true,
                patient_harm: false,
            }
            .validate(Utc::now())
            .unwrap();
            let case = incidents::create_incident(&app.db, app.a.id, &actor, "intake", &draft)
                .await
                .unwrap();
            let moments = ClockMoments {
                discovery: discovered,
                awareness: Some(discovered),
                decision: Some(discovered),
            };
            let decision_record = TrackDecision {
                assessment: TrackAssessment {
                    track: Track::PersonalData,
                    decision,
                    reasoning: "Bedömd".into(),
                    awareness_at: Some(discovered),
                    consulted: String::new(),
                    answers: Default::default(),
                    details: Default::default(),
                },
                regime: regime.id.clone(),
                planned: plan(regime, decision, moments, &Targets::new()),
                forward_to: vec![],
            };
            incidents::decide_track(
                &app.db,
                app.a.id,
                &actor,
                case.id,
                case.version,
                &decision_record,
            )
            .await
            .unwrap();
            if let Some(hours) = submit_after_hours {
                let case = incidents::get_incident(&app.db, app.a.id, case.id)
                    .await
                    .unwrap();
                let obligation = incidents::obligations(&app.db, app.a.id, case.id)
                    .await
                    .unwrap()[0]
                    .id;
                let submission = Submission {
                    submitted_at: discovered + Duration::hours(hours),
                    channel: "IMY:s e-tjänst".into(),
                    reference: String::new(),
                };
                incidents::submit_report(
                    &app.db,
                    app.a.id,
                    &actor,
                    case.id,
                    case.version,
                    &Submitted {
                        obligation_id: obligation,
                        submission: &submission,
                        started: &[],
                    },
                )
                .await
                .unwrap();
            }
        }
        let year = (tillit_store::now() - Duration::hours(100))
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y")
            .to_string();
        let mut coordinator = app.signed_in(app.a.member(Role::Coordinator)).await;
        let page = coordinator
            .get(&format!("/incidents/statistics?year={year}"))
            .await;
        page.expect(200);
        let stats = app
            .api(
                axum::http::Method::GET,
                &format!("/api/v1/incident-statistics?year={year}"),
            )
            .token(&app.a.member(Role::Coordinator).token)
            .send()
            .await;
        stats.expect(200);
        let stats = stats.json();
        assert_eq!(stats["total"], 3);
        assert_eq!(stats["breaches_registered"], 3);
        assert_eq!(stats["breaches_reported"], 2);
        assert_eq!(stats["on_time"][0]["regime"], "gdpr");
        assert_eq!(stats["on_time"][0]["submitted"], 2);
        assert_eq!(stats["on_time"][0]["on_time"], 1);
        assert!(page
            .page()
            .contains(&sv(&app, "incident-statistics-breaches-reported")));
        let xlsx = coordinator
            .get(&format!("/incidents/statistics/export.xlsx?year={year}"))
            .await;
        xlsx.expect(200);
        assert!(
            xlsx.body.starts_with(b"PK"),
            "an XLSX file is a zip archive"
        );
        // Employees see only their own reports, not the organisation's statistics.
        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        employee
            .get(&format!("/incidents/statistics?year={year}"))
            .await
            .expect(403);
    }
);
