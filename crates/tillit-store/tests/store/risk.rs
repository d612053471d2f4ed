use chrono::{Days, NaiveDate, Utc};
use tillit_domain::auth::Reach;
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::registers::SystemInput;
use tillit_domain::risk::{
    AnalysisDraft, AnalysisInput, FollowUpInput, MeasureCategory, MeasureDraft, MeasureFunction,
    MeasureInput, MeasureStatus, MethodInput, RiskContent, RiskDraft, RiskInput, RiskLevel,
    RiskMatrix, Scope, Treatment,
};
use tillit_store::risk::{self, AnalysisFilter, MeasureFilter, RiskFilter, TreatmentDecision};
use tillit_store::users::{self, NewUser};
use tillit_store::{db_test, org, registers, Db, Engine, StoreError};

use crate::{actor, organisation};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn matrix() -> RiskMatrix {
    RiskContent::builtin().unwrap().default_matrix().clone()
}

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

async fn user(db: &Db, organisation_id: i64, email: &str) -> i64 {
    let mut tx = db.begin().await.unwrap();
    let created = users::create_user_in(
        &mut tx,
        organisation_id,
        &actor(),
        &NewUser {
            email,
            display_name: email,
            title: "",
            password_hash: "x",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    created.id
}

async fn system(db: &Db, organisation_id: i64, name: &str) -> i64 {
    let draft = SystemInput {
        name: name.into(),
        kind: "information_system".into(),
        criticality: "high".into(),
        hosting: "supplier".into(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    registers::create_system(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
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

fn analysis_draft(title: &str, systems: &[i64], unit_id: Option<i64>) -> AnalysisDraft {
    AnalysisInput {
        title,
        scope: Some(match (systems.is_empty(), unit_id) {
            (false, _) => Scope::Systems,
            (true, Some(_)) => Scope::Unit,
            (true, None) => Scope::Organisation,
        }),
        unit_id,
        process_name: "",
        system_ids: systems,
        asset_ids: &[],
        participants: "Informationsägare, systemförvaltare, IT-säkerhet",
        external_developments: "Ökande utpressningsattacker mot vården",
        incidents_considered: "",
    }
    .validate()
    .unwrap()
}

fn risk_draft(title: &str, likelihood: i64, consequence: i64, systems: &[i64]) -> RiskDraft {
    RiskInput {
        title,
        description: "",
        threat: "Kriminell grupp",
        vulnerability: "Sårbarhet",
        consequence: Some(consequence),
        consequence_reason: "Så här illa blir det",
        likelihood: Some(likelihood),
        likelihood_reason: "Så här troligt är det",
        system_ids: systems,
        catalogue_id: None,
    }
    .validate(&matrix())
    .unwrap()
}

fn measure_draft(
    risks: &[i64],
    responsible: i64,
    residual: (i64, i64),
    planned_on: NaiveDate,
) -> MeasureDraft {
    MeasureInput {
        title: "Säkerhetskopior som inte kan skrivas över",
        description: "",
        reason: "Återställning utan lösensumma",
        category: Some(MeasureCategory::Technical),
        function: Some(MeasureFunction::Corrective),
        risk_ids: risks,
        system_ids: &[],
        residual_likelihood: Some(residual.0),
        residual_consequence: Some(residual.1),
        responsible_id: Some(responsible),
        planned_on: Some(planned_on),
        done_on: None,
        done_note: "",
        source: None,
    }
    .validate(&matrix(), today())
    .unwrap()
}

fn refused_code(result: Result<impl std::fmt::Debug, StoreError>) -> (String, &'static str) {
    match result {
        Err(StoreError::Invalid(errors)) => (errors.0[0].field.clone(), errors.0[0].code),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

db_test!(
    method_versions_are_kept_and_every_risk_follows_the_new_matrix,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        assert!(risk::current_method(db, region).await.unwrap().is_none());
        let mut input = MethodInput {
            name: "Regionens riskanalysmetod",
            standard: "SS-ISO/IEC 27005:2022",
            description: "",
            decided_by: "Regiondirektören",
            decided_on: Some(today()),
            matrix: matrix(),
        };
        let first = risk::record_method(db, region, &actor(), &input.validate(today()).unwrap())
            .await
            .unwrap();
        assert_eq!(first.number, 1);
        assert_eq!(
            first.kept_until,
            tillit_domain::risk::retained_until(today())
        );

        let analysis = risk::create_analysis(
            db,
            region,
            &actor(),
            &analysis_draft("Övergripande", &[], None),
        )
        .await
        .unwrap();
        let placed = risk::create_risk(
            db,
            region,
            &actor(),
            analysis.id,
            &risk_draft("Utpressning", 1, 1, &[]),
        )
        .await
        .unwrap();
        assert_eq!(placed.level, "low");

        // Version 2 calls the bottom-left cell medium; the stored risk follows.
        input.matrix.cells[0][0] = RiskLevel::Medium;
        input.matrix.cells[0][1] = RiskLevel::Medium;
        input.matrix.cells[1][0] = RiskLevel::Medium;
        input.matrix.cells[1][1] = input.matrix.cells[1][1].max(RiskLevel::Medium);
        let second = risk::record_method(db, region, &actor(), &input.validate(today()).unwrap())
            .await
            .unwrap();
        assert_eq!(second.number, 2);
        assert_eq!(
            risk::get_risk(db, region, placed.id).await.unwrap().level,
            "medium"
        );
        assert_eq!(risk::method_versions(db, region).await.unwrap().len(), 2);

        // A 3×3 matrix cannot hold a risk at likelihood 4.
        risk::create_risk(
            db,
            region,
            &actor(),
            analysis.id,
            &risk_draft("Nätfiske", 4, 2, &[]),
        )
        .await
        .unwrap();
        let small = MethodInput {
            matrix: RiskContent::builtin()
                .unwrap()
                .preset(3)
                .unwrap()
                .matrix
                .clone(),
            ..input
        };
        assert_eq!(
            refused_code(
                risk::record_method(db, region, &actor(), &small.validate(today()).unwrap()).await
            ),
            ("matrix".into(), "risks-outside-matrix")
        );

        for statement in [
            "UPDATE risk_method SET name = 'x'",
            "DELETE FROM risk_method",
        ] {
            assert!(raw(db, statement).await.is_err(), "{statement} is refused");
        }
        assert_eq!(risk::method_versions(db, region).await.unwrap().len(), 2);
    }
);

db_test!(
    approval_freezes_a_version_and_a_revision_leaves_it_unchanged,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let journal = system(db, region, "Journalsystem").await;
        let analysis = risk::create_analysis(
            db,
            region,
            &actor(),
            &analysis_draft("Riskanalys journalsystem", &[journal], None),
        )
        .await
        .unwrap();
        assert_eq!(analysis.designation, "RA-0001");
        assert_eq!(
            refused_code(
                risk::approve_analysis(db, region, &actor(), analysis.id, analysis.version).await
            ),
            ("risks".into(), "no-risks")
        );
        let first = risk::create_risk(
            db,
            region,
            &actor(),
            analysis.id,
            &risk_draft("Utpressningsvirus", 3, 4, &[journal]),
        )
        .await
        .unwrap();
        let second = risk::create_risk(
            db,
            region,
            &actor(),
            analysis.id,
            &risk_draft("Felskickade brev", 2, 2, &[]),
        )
        .await
        .unwrap();
        assert_eq!((first.number, second.number), (1, 2));
        assert_eq!(
            risk::risk_systems(db, region, first.id).await.unwrap()[0].id,
            journal
        );

        let analysis = risk::get_analysis(db, region, analysis.id).await.unwrap();
        assert_eq!(
            refused_code(
                risk::approve_analysis(db, region, &actor(), analysis.id, analysis.version).await
            ),
            ("risks".into(), "untreated-risks")
        );
        let m = matrix();
        for risk in [&first, &second] {
            risk::decide_treatment(
                db,
                region,
                &actor(),
                risk.id,
                &TreatmentDecision {
                    expected_version: risk.version,
                    treatment: Treatment::Reduce,
                    justification: "Måste ned",
                },
                &m,
            )
            .await
            .unwrap();
        }
        // A stale version of the analysis is refused.
        assert!(matches!(
            risk::approve_analysis(db, region, &actor(), analysis.id, analysis.version - 1).await,
            Err(StoreError::Conflict)
        ));
        let approved = risk::approve_analysis(db, region, &actor(), analysis.id, analysis.version)
            .await
            .unwrap();
        assert_eq!(
            (approved.status.as_str(), approved.current_version),
            ("approved", 1)
        );
        assert_eq!(
            approved.next_renewal,
            Some(tillit_domain::risk::renewal_due(today()))
        );

        // Frozen: neither the analysis nor its risks change until a revision starts.
        let first = risk::get_risk(db, region, first.id).await.unwrap();
        assert_eq!(
            refused_code(
                risk::update_risk(
                    db,
                    region,
                    &actor(),
                    first.id,
                    first.version,
                    &risk_draft("Ändrad", 1, 1, &[])
                )
                .await
            ),
            ("analysis".into(), "frozen")
        );
        assert_eq!(
            refused_code(
                risk::create_risk(
                    db,
                    region,
                    &actor(),
                    analysis.id,
                    &risk_draft("Ny", 1, 1, &[])
                )
                .await
            ),
            ("analysis".into(), "frozen")
        );
        assert_eq!(
            refused_code(
                risk::update_analysis(
                    db,
                    region,
                    &actor(),
                    approved.id,
                    approved.version,
                    &analysis_draft("Ny titel", &[journal], None)
                )
                .await
            ),
            ("analysis".into(), "frozen")
        );

        let revising = risk::revise_analysis(db, region, &actor(), approved.id, approved.version)
            .await
            .unwrap();
        assert!(revising.is_draft());
        risk::update_risk(
            db,
            region,
            &actor(),
            first.id,
            first.version,
            &risk_draft("Utpressningsvirus stoppar vården", 2, 4, &[journal]),
        )
        .await
        .unwrap();
        let again = risk::approve_analysis(db, region, &actor(), revising.id, revising.version)
            .await
            .unwrap();
        assert_eq!(again.current_version, 2);

        let versions = risk::analysis_versions(db, region, analysis.id)
            .await
            .unwrap();
        assert_eq!(
            versions.iter().map(|v| v.number).collect::<Vec<_>>(),
            [2, 1]
        );
        assert_eq!(
            versions[1].kept_until,
            tillit_domain::risk::retained_until(today())
        );
        let v1 = risk::analysis_version(db, region, analysis.id, 1)
            .await
            .unwrap();
        assert_eq!(v1.snapshot.risks[0].risk.title, "Utpressningsvirus");
        assert_eq!(v1.snapshot.risks[0].risk.likelihood, 3);
        assert_eq!(v1.snapshot.systems[0].id, journal);
        let v2 = risk::analysis_version(db, region, analysis.id, 2)
            .await
            .unwrap();
        assert_eq!(
            v2.snapshot.risks[0].risk.title,
            "Utpressningsvirus stoppar vården"
        );

        for statement in [
            "UPDATE risk_analysis_version SET snapshot = '{}'",
            "DELETE FROM risk_analysis_version",
        ] {
            assert!(raw(db, statement).await.is_err(), "{statement} is refused");
        }
        assert_eq!(
            risk::analysis_versions(db, region, analysis.id)
                .await
                .unwrap()
                .len(),
            2
        );
        // Another organisation sees none of it.
        let other = organisation(db, "Region B", "232100-0024").await;
        assert!(matches!(
            risk::get_analysis(db, other, analysis.id).await,
            Err(StoreError::NotFound)
        ));
        assert!(matches!(
            risk::analysis_version(db, other, analysis.id, 1).await,
            Err(StoreError::NotFound)
        ));
        assert_eq!(
            risk::list_risks(db, other, &RiskFilter::default(), false, 50, 0)
                .await
                .unwrap()
                .total,
            0
        );
    }
);

db_test!(
    measures_handle_risks_and_what_is_done_stays_as_history,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.example").await;
        let analysis = risk::create_analysis(
            db,
            region,
            &actor(),
            &analysis_draft("Övergripande", &[], None),
        )
        .await
        .unwrap();
        let m = matrix();
        let ransom = risk::create_risk(
            db,
            region,
            &actor(),
            analysis.id,
            &risk_draft("Utpressningsvirus", 4, 4, &[]),
        )
        .await
        .unwrap();
        let ransom = risk::decide_treatment(
            db,
            region,
            &actor(),
            ransom.id,
            &TreatmentDecision {
                expected_version: ransom.version,
                treatment: Treatment::Reduce,
                justification: "För hög",
            },
            &m,
        )
        .await
        .unwrap();
        assert_eq!(ransom.status, "in_treatment");

        let planned = today() + Days::new(30);
        let backups = risk::create_measure(
            db,
            region,
            &actor(),
            &measure_draft(&[ransom.id], owner, (2, 3), planned),
            &m,
        )
        .await
        .unwrap();
        assert_eq!(backups.designation, "ÅT-0001");
        let training = risk::create_measure(
            db,
            region,
            &actor(),
            &measure_draft(&[ransom.id], owner, (3, 4), planned),
            &m,
        )
        .await
        .unwrap();
        let ransom = risk::get_risk(db, region, ransom.id).await.unwrap();
        // The best expectation of the two measures.
        assert_eq!(
            (ransom.residual_likelihood, ransom.residual_consequence),
            (Some(2), Some(3))
        );
        assert_eq!(
            ransom.residual_level.as_deref(),
            Some(m.level(2, 3).unwrap().as_str())
        );

        // A stale version is refused; done before planned needs a note (domain) and is kept.
        let mut done = measure_draft(&[ransom.id], owner, (2, 3), planned);
        done.done_on = Some(today());
        done.done_note = "Leverantören kunde tidigare".into();
        assert!(matches!(
            risk::update_measure(
                db,
                region,
                &actor(),
                backups.id,
                backups.version + 1,
                &done,
                &m
            )
            .await,
            Err(StoreError::Conflict)
        ));
        let backups =
            risk::update_measure(db, region, &actor(), backups.id, backups.version, &done, &m)
                .await
                .unwrap();
        assert_eq!(backups.status(today()), MeasureStatus::Done);
        assert_eq!(
            risk::get_risk(db, region, ransom.id).await.unwrap().status,
            "in_treatment"
        );
        let mut training_done = measure_draft(&[ransom.id], owner, (3, 4), planned);
        training_done.done_on = Some(today());
        training_done.done_note = "Klart i förtid".into();
        risk::update_measure(
            db,
            region,
            &actor(),
            training.id,
            training.version,
            &training_done,
            &m,
        )
        .await
        .unwrap();
        let ransom = risk::get_risk(db, region, ransom.id).await.unwrap();
        assert_eq!(ransom.status, "handled");
        assert!(ransom.handled_at.is_some());

        // History stays: in the store and in the database itself.
        assert_eq!(
            refused_code(risk::delete_risk(db, region, &actor(), ransom.id, ransom.version).await),
            ("risk".into(), "handled-kept")
        );
        assert_eq!(
            refused_code(
                risk::delete_measure(db, region, &actor(), backups.id, backups.version, &m).await
            ),
            ("measure".into(), "done-kept")
        );
        let mut undone = measure_draft(&[ransom.id], owner, (2, 3), planned);
        undone.done_on = None;
        assert_eq!(
            refused_code(
                risk::update_measure(
                    db,
                    region,
                    &actor(),
                    backups.id,
                    backups.version,
                    &undone,
                    &m
                )
                .await
            ),
            ("done_on".into(), "done-kept")
        );
        for statement in [
            "DELETE FROM risk WHERE handled_at IS NOT NULL",
            "DELETE FROM measure WHERE done_on IS NOT NULL",
        ] {
            assert!(raw(db, statement).await.is_err(), "{statement} is refused");
        }

        let follow_up = FollowUpInput {
            year: Some(2026),
            effect: "Återläsning provad, fungerar",
            still_valid: true,
            next_step: "",
        }
        .validate(today())
        .unwrap();
        risk::record_follow_up(db, region, &actor(), backups.id, &follow_up)
            .await
            .unwrap();
        // One follow-up a year: the second for 2026 is refused on the year, and the
        // database refuses it too.
        let again = FollowUpInput {
            year: Some(2026),
            effect: "Provad igen",
            still_valid: true,
            next_step: "",
        }
        .validate(today())
        .unwrap();
        assert_eq!(
            refused_code(risk::record_follow_up(db, region, &actor(), backups.id, &again).await),
            ("year".into(), "followed-up-this-year")
        );
        let duplicate = format!(
            "INSERT INTO measure_follow_up (organisation_id, measure_id, year, effect, still_valid, next_step, \
             recorded_at, recorded_by_label) SELECT organisation_id, measure_id, year, effect, still_valid, next_step, \
             recorded_at, recorded_by_label FROM measure_follow_up WHERE measure_id = {}",
            backups.id
        );
        assert!(
            raw(db, &duplicate).await.is_err(),
            "the unique index refuses it"
        );
        let follow_ups = risk::follow_ups(db, region, backups.id).await.unwrap();
        assert_eq!((follow_ups.len(), follow_ups[0].year), (1, 2026));
        assert!(raw(db, "UPDATE measure_follow_up SET effect = 'x'")
            .await
            .is_err());

        // An open measure that is late shows as late; a planned one can be removed.
        let late = risk::create_measure(
            db,
            region,
            &actor(),
            &measure_draft(&[ransom.id], owner, (2, 2), today() - Days::new(3)),
            &m,
        )
        .await
        .unwrap();
        let mut filter = MeasureFilter::on(today());
        filter.status = Some(MeasureStatus::Late);
        let listed = risk::list_measures(db, region, &filter, 50, 0)
            .await
            .unwrap();
        assert_eq!(
            listed.items.iter().map(|m| m.id).collect::<Vec<_>>(),
            [late.id]
        );
        filter.status = Some(MeasureStatus::Done);
        assert_eq!(
            risk::list_measures(db, region, &filter, 50, 0)
                .await
                .unwrap()
                .total,
            2
        );
        risk::delete_measure(db, region, &actor(), late.id, late.version, &m)
            .await
            .unwrap();
        assert!(matches!(
            risk::get_measure(db, region, late.id).await,
            Err(StoreError::NotFound)
        ));
    }
);

db_test!(
    the_heat_map_and_largest_risks_filter_by_unit_and_below,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let care = unit(db, region, "Hälso- och sjukvård", None).await;
        let clinic = unit(db, region, "Akutkliniken", Some(care)).await;
        let dental = unit(db, region, "Folktandvården", None).await;
        let m = matrix();
        let at_clinic = risk::create_analysis(
            db,
            region,
            &actor(),
            &analysis_draft("Akuten", &[], Some(clinic)),
        )
        .await
        .unwrap();
        let at_dental = risk::create_analysis(
            db,
            region,
            &actor(),
            &analysis_draft("Tandvård", &[], Some(dental)),
        )
        .await
        .unwrap();
        let big = risk::create_risk(
            db,
            region,
            &actor(),
            at_clinic.id,
            &risk_draft("Stor", 4, 4, &[]),
        )
        .await
        .unwrap();
        let medium = risk::create_risk(
            db,
            region,
            &actor(),
            at_clinic.id,
            &risk_draft("Mellan", 2, 3, &[]),
        )
        .await
        .unwrap();
        let dental_risk = risk::create_risk(
            db,
            region,
            &actor(),
            at_dental.id,
            &risk_draft("Tand", 3, 4, &[]),
        )
        .await
        .unwrap();

        let whole = risk::heat_map(db, region, None, &Reach::Everywhere)
            .await
            .unwrap();
        assert_eq!(whole.current.iter().map(|c| c.count).sum::<i64>(), 3);
        let care_map = risk::heat_map(db, region, Some(care), &Reach::Everywhere)
            .await
            .unwrap();
        assert_eq!(
            care_map.current.iter().map(|c| c.count).sum::<i64>(),
            2,
            "the clinic is below care"
        );
        assert!(care_map
            .current
            .iter()
            .any(|c| (c.likelihood, c.consequence, c.count) == (4, 4, 1)));

        let largest = risk::largest_risks(db, region, None, &Reach::Everywhere, 5)
            .await
            .unwrap();
        assert_eq!(
            largest.iter().map(|r| r.id).collect::<Vec<_>>(),
            [big.id, dental_risk.id, medium.id]
        );
        let untreated = risk::serious_untreated(db, region, Some(dental), &Reach::Everywhere, 50)
            .await
            .unwrap();
        assert_eq!(
            untreated.items.iter().map(|r| r.id).collect::<Vec<_>>(),
            [dental_risk.id]
        );
        risk::decide_treatment(
            db,
            region,
            &actor(),
            dental_risk.id,
            &TreatmentDecision {
                expected_version: dental_risk.version,
                treatment: Treatment::Accept,
                justification: "Informationsägaren godtar",
            },
            &m,
        )
        .await
        .unwrap();
        assert_eq!(
            risk::serious_untreated(db, region, Some(dental), &Reach::Everywhere, 50)
                .await
                .unwrap()
                .total,
            0
        );

        // The residual map moves a risk once a measure promises a lower position.
        let owner = user(db, region, "agare@a.example").await;
        risk::create_measure(
            db,
            region,
            &actor(),
            &measure_draft(&[big.id], owner, (1, 2), today()),
            &m,
        )
        .await
        .unwrap();
        let care_map = risk::heat_map(db, region, Some(care), &Reach::Everywhere)
            .await
            .unwrap();
        assert!(care_map
            .residual
            .iter()
            .any(|c| (c.likelihood, c.consequence) == (1, 2)));
        assert!(!care_map
            .residual
            .iter()
            .any(|c| (c.likelihood, c.consequence) == (4, 4)));

        let listed = risk::list_analyses(
            db,
            region,
            &AnalysisFilter {
                unit_id: Some(care),
                ..AnalysisFilter::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(
            listed.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            [at_clinic.id]
        );
        let filtered = risk::list_risks(
            db,
            region,
            &RiskFilter {
                search: Some("tand".into()),
                ..RiskFilter::default()
            },
            false,
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(filtered.total, 1);
        let other = organisation(db, "Region B", "232100-0024").await;
        assert!(risk::heat_map(db, other, None, &Reach::Everywhere)
            .await
            .unwrap()
            .current
            .is_empty());
        assert!(risk::largest_risks(db, other, None, &Reach::Everywhere, 5)
            .await
            .unwrap()
            .is_empty());
    }
);

db_test!(
    late_measures_and_overdue_analyses_remind_the_right_people,
    |db| async move {
        use tillit_domain::auth::{Assignment, Role};
        use tillit_store::reminders::{self, ReminderKind};

        let region = organisation(db, "Region A", "232100-0016").await;
        let responsible = user(db, region, "ansvarig@a.example").await;
        let coordinator = user(db, region, "samordnare@a.example").await;
        let mut tx = db.begin().await.unwrap();
        users::assign_role_in(
            &mut tx,
            region,
            &actor(),
            coordinator,
            Assignment {
                role: Role::Coordinator,
                unit_id: None,
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let m = matrix();
        let analysis = risk::create_analysis(
            db,
            region,
            &actor(),
            &analysis_draft("Journalen", &[], None),
        )
        .await
        .unwrap();
        let ransom = risk::create_risk(
            db,
            region,
            &actor(),
            analysis.id,
            &risk_draft("Utpressning", 3, 3, &[]),
        )
        .await
        .unwrap();
        risk::decide_treatment(
            db,
            region,
            &actor(),
            ransom.id,
            &TreatmentDecision {
                expected_version: ransom.version,
                treatment: Treatment::Reduce,
                justification: "Ned",
            },
            &m,
        )
        .await
        .unwrap();
        let late = risk::create_measure(
            db,
            region,
            &actor(),
            &measure_draft(&[ransom.id], responsible, (1, 2), today() - Days::new(10)),
            &m,
        )
        .await
        .unwrap();
        // Approved thirteen months ago: the yearly renewal is a month late.
        let analysis = risk::get_analysis(db, region, analysis.id).await.unwrap();
        let long_ago = Utc::now() - chrono::Duration::days(395);
        let mut tx = db.begin().await.unwrap();
        risk::approve_analysis_in(
            &mut tx,
            region,
            &actor(),
            analysis.id,
            analysis.version,
            long_ago,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();

        let due = reminders::due_reminders(db, region, today()).await.unwrap();
        let mine = |user: i64, kind: ReminderKind| {
            due.iter()
                .filter(|r| r.user_id == user && r.kind == kind)
                .map(|r| r.path.clone())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            mine(responsible, ReminderKind::MeasureLate),
            [format!("/risks/measures/{}", late.id)]
        );
        assert_eq!(
            mine(coordinator, ReminderKind::RiskAnalysisRenewal),
            [format!("/risks/analyses/{}", analysis.id)]
        );
        assert!(mine(coordinator, ReminderKind::MeasureLate).is_empty());
    }
);

db_test!(
    risk_work_is_reached_at_a_unit_and_below_it,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let care = unit(db, region, "Hälso- och sjukvård", None).await;
        let clinic = unit(db, region, "Akutkliniken", Some(care)).await;
        let dental = unit(db, region, "Folktandvården", None).await;
        let owner = user(db, region, "agare@a.example").await;
        let m = matrix();
        let analysis = |title: &'static str, unit: Option<i64>| async move {
            risk::create_analysis(db, region, &actor(), &analysis_draft(title, &[], unit))
                .await
                .unwrap()
        };
        let whole = analysis("Övergripande", None).await;
        let at_clinic = analysis("Akuten", Some(clinic)).await;
        let at_dental = analysis("Tandvård", Some(dental)).await;
        let mut risks = Vec::new();
        for (analysis, title) in [(&whole, "Hela"), (&at_clinic, "Akut"), (&at_dental, "Tand")] {
            risks.push(
                risk::create_risk(
                    db,
                    region,
                    &actor(),
                    analysis.id,
                    &risk_draft(title, 4, 4, &[]),
                )
                .await
                .unwrap(),
            );
        }
        let (whole_risk, clinic_risk, dental_risk) = (&risks[0], &risks[1], &risks[2]);
        let m = &m;
        let measure = |risk_ids: Vec<i64>| async move {
            risk::create_measure(
                db,
                region,
                &actor(),
                &measure_draft(&risk_ids, owner, (1, 1), today()),
                m,
            )
            .await
            .unwrap()
            .id
        };
        let for_clinic = measure(vec![clinic_risk.id]).await;
        let for_both = measure(vec![clinic_risk.id, dental_risk.id]).await;
        let for_dental = measure(vec![dental_risk.id]).await;
        let for_organisation = measure(vec![whole_risk.id]).await;

        // A role at care reaches the clinic below it, not the sibling nor the organisation.
        let care_reach = Reach::Units(vec![care]);
        let analyses = risk::list_analyses(
            db,
            region,
            &AnalysisFilter {
                reach: care_reach.clone(),
                ..AnalysisFilter::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(
            analyses.items.iter().map(|a| a.id).collect::<Vec<_>>(),
            [at_clinic.id]
        );
        let filter = RiskFilter {
            reach: care_reach.clone(),
            ..RiskFilter::default()
        };
        let listed = risk::list_risk_items(db, region, &filter, 50, 0)
            .await
            .unwrap();
        assert_eq!(
            (
                listed.total,
                listed.items.iter().map(|r| r.id).collect::<Vec<_>>()
            ),
            (1, vec![clinic_risk.id])
        );
        assert_eq!(listed.items[0].measure_count, 2);
        assert_eq!(listed.items[0].unit_id, Some(clinic));
        let heat_map = risk::heat_map(db, region, None, &care_reach).await.unwrap();
        assert_eq!(heat_map.current.iter().map(|c| c.count).sum::<i64>(), 1);
        let largest = risk::largest_risks(db, region, None, &care_reach, 5)
            .await
            .unwrap();
        assert_eq!(
            largest.iter().map(|r| r.id).collect::<Vec<_>>(),
            [clinic_risk.id]
        );
        let untreated = risk::serious_untreated(db, region, None, &care_reach, 50)
            .await
            .unwrap();
        assert_eq!(untreated.total, 1);
        let mut measures = MeasureFilter::on(today());
        measures.reach = care_reach.clone();
        let mut reached: Vec<i64> = risk::list_measures(db, region, &measures, 50, 0)
            .await
            .unwrap()
            .items
            .iter()
            .map(|m| m.id)
            .collect();
        reached.sort_unstable();
        assert_eq!(
            reached,
            [for_clinic, for_both],
            "measures of reached risks only"
        );

        // Two roles reach both units; no role reaches nothing; everywhere reaches all.
        let both = RiskFilter {
            reach: Reach::Units(vec![dental, clinic]),
            ..RiskFilter::default()
        };
        assert_eq!(
            risk::list_risk_items(db, region, &both, 50, 0)
                .await
                .unwrap()
                .total,
            2
        );
        let nowhere = RiskFilter {
            reach: Reach::Units(vec![]),
            ..RiskFilter::default()
        };
        assert_eq!(
            risk::list_risk_items(db, region, &nowhere, 50, 0)
                .await
                .unwrap()
                .total,
            0
        );
        let everything = risk::list_risk_items(db, region, &RiskFilter::default(), 50, 0)
            .await
            .unwrap();
        assert_eq!(everything.total, 3);
        assert!(everything
            .items
            .iter()
            .any(|r| r.id == whole_risk.id && r.unit_id.is_none()));
        let all_measures = risk::list_measures(db, region, &MeasureFilter::on(today()), 50, 0)
            .await
            .unwrap();
        assert!(all_measures.items.iter().any(|m| m.id == for_organisation));

        // Where a measure belongs: the units of its risks' analyses.
        let mut units = risk::measure_units(db, region, for_both).await.unwrap();
        units.sort_unstable();
        assert_eq!(units, [Some(clinic), Some(dental)]);
        assert_eq!(
            risk::measure_units(db, region, for_dental).await.unwrap(),
            [Some(dental)]
        );
        assert_eq!(
            risk::measure_units(db, region, for_organisation)
                .await
                .unwrap(),
            [None]
        );
        let mut units = risk::risk_units(db, region, &[whole_risk.id, clinic_risk.id, 0])
            .await
            .unwrap();
        units.sort_unstable();
        assert_eq!(units, [None, Some(clinic)]);
    }
);

db_test!(
    designations_sort_as_numbers_and_are_searched,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.example").await;
        let m = matrix();
        // The counters stand just below the five-digit numbers.
        for kind in ["measure", "risk_analysis"] {
            let prefix = if kind == "measure" { "ÅT" } else { "RA" };
            raw(
                db,
                &format!(
                    "INSERT INTO designation_counter (organisation_id, kind, prefix, last_number) \
                     VALUES ({region}, '{kind}', '{prefix}', 9998)"
                ),
            )
            .await
            .unwrap();
        }
        let mut analyses = Vec::new();
        let mut measures = Vec::new();
        for title in ["Nio", "Tio"] {
            let analysis =
                risk::create_analysis(db, region, &actor(), &analysis_draft(title, &[], None))
                    .await
                    .unwrap();
            let created = risk::create_risk(
                db,
                region,
                &actor(),
                analysis.id,
                &risk_draft(title, 2, 2, &[]),
            )
            .await
            .unwrap();
            let measure = risk::create_measure(
                db,
                region,
                &actor(),
                &measure_draft(&[created.id], owner, (1, 1), today()),
                &m,
            )
            .await
            .unwrap();
            analyses.push(analysis);
            measures.push(measure);
        }
        assert_eq!(
            (
                analyses[1].designation.as_str(),
                measures[1].designation.as_str()
            ),
            ("RA-10000", "ÅT-10000")
        );
        let listed = risk::list_analyses(db, region, &AnalysisFilter::default(), 50, 0)
            .await
            .unwrap();
        assert_eq!(
            listed
                .items
                .iter()
                .map(|a| a.designation.as_str())
                .collect::<Vec<_>>(),
            ["RA-9999", "RA-10000"]
        );
        let listed = risk::list_measures(db, region, &MeasureFilter::on(today()), 50, 0)
            .await
            .unwrap();
        assert_eq!(
            listed
                .items
                .iter()
                .map(|m| m.designation.as_str())
                .collect::<Vec<_>>(),
            ["ÅT-9999", "ÅT-10000"]
        );
        let by_number = risk::list_risks(db, region, &RiskFilter::default(), true, 50, 0)
            .await
            .unwrap();
        assert_eq!(
            by_number
                .items
                .iter()
                .map(|r| r.reference())
                .collect::<Vec<_>>(),
            ["RA-9999 R1", "RA-10000 R1"]
        );

        // Searching finds designations, written in any case, as well as titles.
        let mut search = MeasureFilter::on(today());
        search.search = Some("åt-10000".into());
        let found = risk::list_measures(db, region, &search, 50, 0)
            .await
            .unwrap();
        assert_eq!(
            found.items.iter().map(|m| m.id).collect::<Vec<_>>(),
            [measures[1].id]
        );
        search.search = Some("säkerhetskopior".into());
        assert_eq!(
            risk::list_measures(db, region, &search, 50, 0)
                .await
                .unwrap()
                .total,
            2
        );
        let analyses_found = risk::list_analyses(
            db,
            region,
            &AnalysisFilter {
                search: Some("ra-9999".into()),
                ..AnalysisFilter::default()
            },
            50,
            0,
        )
        .await
        .unwrap();
        assert_eq!(
            analyses_found
                .items
                .iter()
                .map(|a| a.id)
                .collect::<Vec<_>>(),
            [analyses[0].id]
        );
        for (query, expected) in [
            ("RA-10000 R1", 1),
            ("ra-9999", 1),
            ("r1", 2),
            ("R2", 0),
            ("tio", 1),
        ] {
            let filter = RiskFilter {
                search: Some(query.into()),
                ..RiskFilter::default()
            };
            assert_eq!(
                risk::list_risk_items(db, region, &filter, 50, 0)
                    .await
                    .unwrap()
                    .total,
                expected,
                "{query}"
            );
        }
    }
);
