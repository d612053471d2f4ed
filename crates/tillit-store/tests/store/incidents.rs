use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use tillit_domain::incident::{
    after_submission, due_at, plan, Category, ClockMoments, Deadline, DeviationAssessmentInput,
    FollowUpInput, IncidentContent, IntakeDraft, IntakeInput, Targets, Track, TrackAssessment,
    TrackStatus,
};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_store::incidents::{
    self, ClockFilter, IncidentFilter, NewAttachment, SettingsDraft, Submission, TrackDecision,
    Visibility,
};
use tillit_store::{db_test, org, Actor, Db, Engine, StoreError};

use crate::{actor, organisation};

async fn raw(db: &Db, statement: &str) -> Result<(), sqlx::Error> {
    match db.engine() {
        Engine::Sqlite => sqlx::query(statement)
            .execute(db.sqlite_pool().unwrap())
            .await
            .map(|_| ()),
        Engine::Postgres => sqlx::query(statement)
            .execute(db.as_postgres().unwrap())
            .await
            .map(|_| ()),
    }
}

async fn unit(db: &Db, organisation_id: i64, name: &str, parent_id: Option<i64>) -> i64 {
    let draft = UnitDraft {
        name: name.into(),
        kind: UnitKind::Unit,
        parent_id,
        manager_id: None,
        description: String::new(),
    };
    org::create_unit(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

fn intake(unit_id: i64, discovered: DateTime<Utc>, personal_data: bool) -> IntakeDraft {
    IntakeInput {
        title: "Journalsystemet är krypterat",
        description: "Skärmarna visar ett meddelande om lösensumma.",
        started_at: Some(discovered - Duration::hours(1)),
        discovered_at: Some(discovered),
        unit_id: Some(unit_id),
        system_ids: &[],
        care_disrupted: true,
        personal_data,
        patient_harm: false,
    }
    .validate(Utc::now())
    .unwrap()
}

fn cyber_decision(awareness: DateTime<Utc>, discovered: DateTime<Utc>) -> TrackDecision {
    let content = IncidentContent::builtin().unwrap();
    let regime = content
        .regime_for(Track::Cybersecurity, discovered.date_naive())
        .unwrap();
    let moments = ClockMoments {
        discovery: discovered,
        awareness: Some(awareness),
        decision: Some(awareness),
    };
    TrackDecision {
        assessment: TrackAssessment {
            track: Track::Cybersecurity,
            decision: TrackStatus::Reportable,
            reasoning: "Allvarlig driftstörning i vården".into(),
            awareness_at: Some(awareness),
            consulted: "LVS, Intraservice".into(),
            answers: BTreeMap::from([("operational-disruption".to_owned(), true)]),
            details: BTreeMap::new(),
        },
        regime: regime.id.clone(),
        planned: plan(regime, TrackStatus::Reportable, moments, &Targets::new()),
        forward_to: vec![],
    }
}

fn codes(error: StoreError) -> Vec<(String, &'static str)> {
    match error {
        StoreError::Invalid(errors) => errors.0.into_iter().map(|e| (e.field, e.code)).collect(),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

db_test!(
    a_case_runs_from_intake_through_every_report_to_closing,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let ward = unit(db, region, "Avdelning 12", None).await;
        let discovered = tillit_store::now() - Duration::hours(5);
        let case = incidents::create_incident(
            db,
            region,
            &Actor::system("Intraservice"),
            "api",
            &intake(ward, discovered, true),
        )
        .await
        .unwrap();
        assert_eq!(case.designation, "AVV-0001");
        assert!(case.is_open());
        // Personal data went to the data protection officer at once.
        let tracks = incidents::tracks(db, region, case.id).await.unwrap();
        assert_eq!(tracks.len(), 1);
        assert_eq!(tracks[0].track, "personal_data");
        assert_eq!(tracks[0].status, "escalated");

        let assessment = DeviationAssessmentInput {
            category: Some(Category::ItSecurity),
            reasoning: "Misstänkt betydande incident; journalen nere.",
            measures_taken: "Nätet isolerat",
            escalate: &[Track::Cybersecurity],
        }
        .validate()
        .unwrap();
        let stale = incidents::record_assessment(db, region, &actor(), case.id, 99, &assessment)
            .await
            .unwrap_err();
        assert!(matches!(stale, StoreError::Conflict));
        let case =
            incidents::record_assessment(db, region, &actor(), case.id, case.version, &assessment)
                .await
                .unwrap();
        assert_eq!(case.category.as_deref(), Some("it_security"));

        let awareness = discovered + Duration::hours(1);
        let decision = cyber_decision(awareness, discovered);
        incidents::decide_track(db, region, &actor(), case.id, case.version, &decision)
            .await
            .unwrap();
        let obligations = incidents::obligations(db, region, case.id).await.unwrap();
        let codes_due: Vec<(&str, Option<DateTime<Utc>>)> = obligations
            .iter()
            .map(|o| (o.code.as_str(), o.due_at))
            .collect();
        assert_eq!(
            codes_due,
            [
                (
                    "early_warning",
                    Some(due_at(awareness, Deadline::Hours(24)))
                ),
                ("notification", Some(due_at(awareness, Deadline::Hours(72)))),
                ("final_report", None),
                ("progress_report", None),
            ]
        );

        let clocks = incidents::open_clocks(
            db,
            region,
            &ClockFilter {
                visibility: Visibility::All,
                due_before: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
        assert_eq!(clocks.len(), 2);
        assert_eq!(clocks[0].code, "early_warning");
        let hidden = incidents::open_clocks(
            db,
            region,
            &ClockFilter {
                visibility: Visibility::Own { user_id: 4242 },
                due_before: None,
                limit: 10,
            },
        )
        .await
        .unwrap();
        assert!(hidden.is_empty());

        let case = incidents::get_incident(db, region, case.id).await.unwrap();
        let submission = Submission {
            submitted_at: tillit_store::now(),
            channel: "Telefon till CERT-SE".into(),
            reference: "CERT-2026-17".into(),
        };
        incidents::submit_report(
            db,
            region,
            &actor(),
            case.id,
            case.version,
            &incidents::Submitted {
                obligation_id: obligations[0].id,
                submission: &submission,
                started: &[],
            },
        )
        .await
        .unwrap();
        let case = incidents::get_incident(db, region, case.id).await.unwrap();
        let twice = incidents::submit_report(
            db,
            region,
            &actor(),
            case.id,
            case.version,
            &incidents::Submitted {
                obligation_id: obligations[0].id,
                submission: &submission,
                started: &[],
            },
        )
        .await
        .unwrap_err();
        assert_eq!(
            codes(twice),
            [("obligation".to_owned(), "already-submitted")]
        );
        // Submitting the notification starts the final report's clock.
        let final_due = due_at(submission.submitted_at, Deadline::Months(1));
        incidents::submit_report(
            db,
            region,
            &actor(),
            case.id,
            case.version,
            &incidents::Submitted {
                obligation_id: obligations[1].id,
                submission: &submission,
                started: &[(obligations[2].id, final_due)],
            },
        )
        .await
        .unwrap();
        let after = incidents::obligations(db, region, case.id).await.unwrap();
        assert_eq!(after[2].due_at, Some(final_due));
        assert_eq!(after[2].starts_at, Some(submission.submitted_at));

        // A decided track with submitted reports keeps its decision.
        let case = incidents::get_incident(db, region, case.id).await.unwrap();
        let redo = incidents::decide_track(db, region, &actor(), case.id, case.version, &decision)
            .await
            .unwrap_err();
        assert_eq!(codes(redo), [("decision".to_owned(), "track-reported")]);

        let case = incidents::get_incident(db, region, case.id).await.unwrap();
        let blocked = incidents::close_incident(db, region, &actor(), case.id, case.version)
            .await
            .unwrap_err();
        assert_eq!(
            codes(blocked),
            [
                ("close".to_owned(), "track-undecided"),
                ("close".to_owned(), "reports-open"),
                ("close".to_owned(), "root-cause-missing"),
                ("close".to_owned(), "lessons-missing"),
            ]
        );
        let privacy = TrackDecision {
            assessment: TrackAssessment {
                track: Track::PersonalData,
                decision: TrackStatus::DocumentedOnly,
                reasoning: "Krypterat men inte kopierat".into(),
                awareness_at: Some(awareness),
                consulted: String::new(),
                answers: BTreeMap::new(),
                details: BTreeMap::new(),
            },
            regime: "gdpr".into(),
            planned: vec![],
            forward_to: vec![],
        };
        incidents::decide_track(db, region, &actor(), case.id, case.version, &privacy)
            .await
            .unwrap();
        let case = incidents::get_incident(db, region, case.id).await.unwrap();
        incidents::submit_report(
            db,
            region,
            &actor(),
            case.id,
            case.version,
            &incidents::Submitted {
                obligation_id: obligations[2].id,
                submission: &submission,
                started: &[],
            },
        )
        .await
        .unwrap();
        // The final report given, the progress report due instead of it is no longer owed.
        let content = IncidentContent::builtin().unwrap();
        let regime = content.regime(&obligations[2].regime).unwrap();
        let changes = after_submission(
            regime,
            "final_report",
            submission.submitted_at,
            false,
            None,
            &Targets::new(),
        );
        assert!(!changes.is_empty(), "the final report changes a clock");
        let mut tx = db.begin().await.unwrap();
        let of = incidents::PhaseOf {
            incident_id: case.id,
            track: &obligations[2].track,
            regime: &obligations[2].regime,
        };
        incidents::change_clocks_in(&mut tx, region, &actor(), of, &changes, Utc::now())
            .await
            .unwrap();
        tx.commit().await.unwrap();
        let case = incidents::get_incident(db, region, case.id).await.unwrap();
        let follow_up = FollowUpInput {
            root_cause: "Nätfiske gav angriparen ett konto",
            lessons_learned: "Multifaktorautentisering för alla fjärråtkomster",
            measures_taken: "Återställt från säkerhetskopia",
            ended_at: Some(Utc::now() - Duration::minutes(5)),
        }
        .validate(discovered, Utc::now())
        .unwrap();
        let case =
            incidents::update_follow_up(db, region, &actor(), case.id, case.version, &follow_up)
                .await
                .unwrap();
        let closed = incidents::close_incident(db, region, &actor(), case.id, case.version)
            .await
            .unwrap();
        assert_eq!(closed.status, "closed");
        let after_close = incidents::add_note(db, region, &actor(), case.id, closed.version, "x")
            .await
            .unwrap_err();
        assert_eq!(
            codes(after_close),
            [("status".to_owned(), "incident-closed")]
        );

        let kinds: Vec<String> = incidents::entries(db, region, case.id)
            .await
            .unwrap()
            .into_iter()
            .map(|e| e.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                "reported",
                "escalated",
                "assessed",
                "escalated",
                "decided",
                "submitted",
                "submitted",
                "decided",
                "submitted",
                "report_dropped",
                "follow_up",
                "closed"
            ]
        );
        // The timeline cannot be rewritten.
        assert!(raw(db, "UPDATE incident_entry SET text = 'ändrat'")
            .await
            .is_err());
        assert!(raw(db, "DELETE FROM incident_entry").await.is_err());
    }
);

db_test!(
    lists_show_each_user_only_the_cases_they_may_see,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let care = unit(db, region, "Hälso- och sjukvård", None).await;
        let ward = unit(db, region, "Avdelning 12", Some(care)).await;
        let dental = unit(db, region, "Folktandvården", None).await;
        let now = Utc::now() - Duration::hours(1);
        incidents::create_incident(db, region, &actor(), "intake", &intake(ward, now, false))
            .await
            .unwrap();
        incidents::create_incident(db, region, &actor(), "intake", &intake(dental, now, false))
            .await
            .unwrap();
        let foreign =
            incidents::create_incident(db, region, &actor(), "api", &intake(ward, now, false))
                .await
                .unwrap();
        let in_other =
            incidents::create_incident(db, other, &actor(), "intake", &intake(ward, now, false))
                .await
                .unwrap_err();
        assert_eq!(
            codes(in_other),
            [("unit_id".to_owned(), "unknown-reference")]
        );

        let list = |visibility: Visibility, filter: IncidentFilter| async move {
            incidents::list_incidents(db, region, &visibility, &filter, 50, 0)
                .await
                .unwrap()
        };
        assert_eq!(
            list(Visibility::All, IncidentFilter::default()).await.total,
            3
        );
        let care_only = list(
            Visibility::Units {
                unit_ids: vec![care],
                user_id: 777,
            },
            IncidentFilter::default(),
        )
        .await;
        assert_eq!(care_only.total, 2);
        assert!(care_only.items.iter().all(|row| row.unit_id == ward));
        assert_eq!(
            list(Visibility::Own { user_id: 777 }, IncidentFilter::default())
                .await
                .total,
            0
        );
        let api_source = list(
            Visibility::All,
            IncidentFilter {
                unit_id: Some(dental),
                ..IncidentFilter::default()
            },
        )
        .await;
        assert_eq!(api_source.total, 1);
        assert_eq!(foreign.designation, "AVV-0003");
        assert!(incidents::get_incident(db, other, foreign.id)
            .await
            .is_err());
    }
);

db_test!(
    attachments_keep_their_checksum_and_settings_refuse_stale_writes,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let ward = unit(db, region, "Avdelning 12", None).await;
        let case = incidents::create_incident(
            db,
            region,
            &actor(),
            "intake",
            &intake(ward, Utc::now() - Duration::hours(1), false),
        )
        .await
        .unwrap();
        let file = NewAttachment {
            file_name: "logg.txt",
            content_type: "text/plain",
            content: b"2026-11-20 07:02 inloggning nekad",
        };
        let attachment =
            incidents::add_attachment(db, region, &actor(), case.id, case.version, &file)
                .await
                .unwrap();
        assert_eq!(attachment.sha256.len(), 64);
        assert_eq!(attachment.size_bytes, file.content.len() as i64);
        let stored = incidents::attachment(db, region, case.id, attachment.id)
            .await
            .unwrap();
        assert_eq!(stored.content, file.content);
        use sha2::Digest;
        assert_eq!(
            stored.sha256,
            hex::encode(sha2::Sha256::digest(file.content))
        );
        assert!(raw(db, "UPDATE incident_attachment SET file_name = 'x'")
            .await
            .is_err());

        let defaults = incidents::settings(db, region).await.unwrap();
        assert_eq!(defaults.reporting_mandate_role, "head_of_operations");
        assert_eq!(defaults.version, 0);
        let draft = SettingsDraft {
            reporting_mandate_role: "coordinator".into(),
            recipients: BTreeMap::from([("csl-2025".to_owned(), "NCSC".to_owned())]),
            targets: BTreeMap::from([("lex-maria/report".to_owned(), 2)]),
            reminder_points: "half, 2h, overdue".into(),
        };
        let saved = incidents::update_settings(db, region, &actor(), 0, &draft)
            .await
            .unwrap();
        assert_eq!(saved.version, 1);
        assert!(matches!(
            incidents::update_settings(db, region, &actor(), 0, &draft).await,
            Err(StoreError::Conflict)
        ));
        assert_eq!(incidents::settings(db, region).await.unwrap(), saved);
    }
);
