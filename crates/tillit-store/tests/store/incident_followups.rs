//! Incident follow-ups in the store: the clock changes of reports given in phases, and
//! the incident cases a risk analysis considered, on both engines.

use chrono::{Duration, Utc};
use tillit_domain::incident::{
    due_at, ClockChange, Deadline, IntakeInput, PlannedObligation, Track, TrackAssessment,
    TrackStatus,
};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::risk::{AnalysisInput, Scope};
use tillit_store::incidents::{self, PhaseOf, Submission, Submitted, TrackDecision};
use tillit_store::{db_test, org, risk, Db, StoreError};

use crate::{actor, organisation};

/// A region with a unit and one open case there; returns (region, case id).
async fn case(db: &Db, org_number: &str) -> (i64, i64) {
    let region = organisation(db, "Region Följd", org_number).await;
    let draft = UnitDraft {
        name: "Avdelning 3".into(),
        kind: UnitKind::Unit,
        parent_id: None,
        manager_id: None,
        description: String::new(),
    };
    let unit = org::create_unit(db, region, &actor(), &draft)
        .await
        .unwrap()
        .id;
    let intake = IntakeInput {
        title: "Brev till fel patient",
        description: "Ett provsvar skickades till fel adress.",
        started_at: None,
        discovered_at: Some(Utc::now() - Duration::hours(20)),
        unit_id: Some(unit),
        system_ids: &[],
        care_disrupted: false,
        personal_data: true,
        patient_harm: false,
    }
    .validate(Utc::now())
    .unwrap();
    let case = incidents::create_incident(db, region, &actor(), "intake", &intake)
        .await
        .unwrap();
    (region, case.id)
}

db_test!(
    phase_changes_add_move_and_drop_open_reports_only,
    |db| async move {
        let (region, id) = case(db, "232100-0040").await;
        let at = tillit_store::now() - Duration::hours(10);
        let planned = |code: &str, clock_start: &str| PlannedObligation {
            code: code.into(),
            clock_start: clock_start.into(),
            starts_at: None,
            due_at: None,
        };
        let decision = TrackDecision {
            assessment: TrackAssessment {
                track: Track::PersonalData,
                decision: TrackStatus::Reportable,
                reasoning: "Risk för de registrerade".into(),
                awareness_at: None,
                consulted: String::new(),
                answers: Default::default(),
                details: Default::default(),
            },
            regime: "gdpr".into(),
            planned: vec![PlannedObligation {
                starts_at: Some(at),
                due_at: Some(at + Duration::hours(72)),
                ..planned("imy_notification", "awareness")
            }],
            forward_to: vec![],
        };
        let current = incidents::get_incident(db, region, id).await.unwrap();
        incidents::decide_track(db, region, &actor(), id, current.version, &decision)
            .await
            .unwrap();
        let notification = incidents::obligations(db, region, id).await.unwrap()[0].clone();
        let supplement_due = due_at(at, Deadline::TargetDays(28));
        let current = incidents::get_incident(db, region, id).await.unwrap();
        let submission = Submission {
            submitted_at: at,
            channel: "IMY:s e-tjänst".into(),
            reference: String::new(),
        };
        let mut tx = db.begin().await.unwrap();
        incidents::submit_report_in(
            &mut tx,
            region,
            &actor(),
            id,
            current.version,
            &Submitted {
                obligation_id: notification.id,
                submission: &submission,
                started: &[],
            },
            tillit_store::now(),
        )
        .await
        .unwrap();
        let of = PhaseOf {
            incident_id: id,
            track: "personal_data",
            regime: "gdpr",
        };
        let add = ClockChange::Add(PlannedObligation {
            starts_at: Some(at),
            due_at: Some(supplement_due),
            ..planned("imy_supplement", "after:imy_notification")
        });
        // Adding twice adds once; moving and dropping a submitted report changes nothing.
        incidents::change_clocks_in(
            &mut tx,
            region,
            &actor(),
            of,
            &[
                add.clone(),
                add,
                ClockChange::Move(planned("imy_notification", "end")),
                ClockChange::Drop {
                    code: "imy_notification".into(),
                },
            ],
            tillit_store::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let reports = incidents::obligations(db, region, id).await.unwrap();
        assert_eq!(reports.len(), 2);
        assert_eq!(reports[0].clock_start, "awareness");
        assert!(!reports[0].is_open());
        assert_eq!(reports[1].code, "imy_supplement");
        assert_eq!(reports[1].due_at, Some(supplement_due));
        let entries = incidents::entries(db, region, id).await.unwrap();
        assert_eq!(
            entries.iter().filter(|e| e.kind == "report_added").count(),
            1
        );
        assert!(!entries.iter().any(|e| e.kind == "report_dropped"));

        // An open report moves to wait, and is dropped.
        let mut tx = db.begin().await.unwrap();
        incidents::change_clocks_in(
            &mut tx,
            region,
            &actor(),
            of,
            &[ClockChange::Move(planned("imy_supplement", "end"))],
            tillit_store::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let moved = incidents::obligations(db, region, id).await.unwrap();
        assert_eq!(moved[1].clock_start, "end");
        assert_eq!(moved[1].due_at, None);
        let mut tx = db.begin().await.unwrap();
        incidents::change_clocks_in(
            &mut tx,
            region,
            &actor(),
            of,
            &[ClockChange::Drop {
                code: "imy_supplement".into(),
            }],
            tillit_store::now(),
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        assert_eq!(
            incidents::obligations(db, region, id).await.unwrap().len(),
            1
        );
    }
);

db_test!(
    an_analysis_considers_cases_of_its_own_organisation_while_a_draft,
    |db| async move {
        let (region, id) = case(db, "232100-0057").await;
        let (other_region, other_case) = case(db, "232100-0065").await;
        let draft = AnalysisInput {
            title: "Riskanalys brevutskick",
            scope: Some(Scope::Organisation),
            unit_id: None,
            process_name: "",
            system_ids: &[],
            asset_ids: &[],
            participants: "",
            external_developments: "",
            incidents_considered: "Felutskick hos en annan region",
        }
        .validate()
        .unwrap();
        let analysis = risk::create_analysis(db, region, &actor(), &draft)
            .await
            .unwrap();
        // Another organisation's case is not ours to consider.
        let foreign = risk::consider_incident(
            db,
            region,
            &actor(),
            analysis.id,
            analysis.version,
            other_case,
            true,
        )
        .await;
        assert!(
            matches!(foreign, Err(StoreError::Invalid(_))),
            "{foreign:?}"
        );
        // A stale version is a conflict and nothing is linked.
        let stale = risk::consider_incident(
            db,
            region,
            &actor(),
            analysis.id,
            analysis.version + 1,
            id,
            true,
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{stale:?}");
        assert!(risk::considered_incidents(db, region, analysis.id)
            .await
            .unwrap()
            .is_empty());
        risk::consider_incident(
            db,
            region,
            &actor(),
            analysis.id,
            analysis.version,
            id,
            true,
        )
        .await
        .unwrap();
        let considered = risk::considered_incidents(db, region, analysis.id)
            .await
            .unwrap();
        assert_eq!(considered.iter().map(|c| c.id).collect::<Vec<_>>(), [id]);
        let after = risk::get_analysis(db, region, analysis.id).await.unwrap();
        assert_eq!(after.version, analysis.version + 1);
        let snapshot = risk::working_snapshot(db, region, analysis.id)
            .await
            .unwrap();
        assert_eq!(snapshot.incidents, considered);
        // The other organisation sees nothing of it.
        assert!(risk::considered_incidents(db, other_region, analysis.id)
            .await
            .unwrap()
            .is_empty());
        risk::consider_incident(db, region, &actor(), analysis.id, after.version, id, false)
            .await
            .unwrap();
        assert!(risk::considered_incidents(db, region, analysis.id)
            .await
            .unwrap()
            .is_empty());
    }
);
