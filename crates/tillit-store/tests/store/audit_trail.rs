use ed25519_dalek::SigningKey;
use tillit_audit::{chain_hash, EventRecord};
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_store::audit::{self, EventFilter, NewEvent, VerifyOutcome};
use tillit_store::{db_test, org, Db, Engine};

use crate::{actor, organisation};

/// seq, organisation, time, actor id, actor label, action, object type, object id, before, after.
type EventColumns = (
    i64,
    Option<i64>,
    chrono::DateTime<chrono::Utc>,
    Option<i64>,
    String,
    String,
    String,
    String,
    Option<String>,
    Option<String>,
);

fn key() -> SigningKey {
    SigningKey::from_bytes(&[7u8; 32])
}

/// A few changes, each leaving its events.
async fn some_history(db: &Db) -> i64 {
    let region = organisation(db, "Region A", "232100-0016").await;
    for name in ["Ett", "Två", "Tre", "Fyra"] {
        let draft = UnitDraft {
            name: name.into(),
            kind: UnitKind::Unit,
            parent_id: None,
            manager_id: None,
            description: String::new(),
        };
        org::create_unit(db, region, &actor(), &draft)
            .await
            .unwrap();
    }
    region
}

async fn outcome(db: &Db) -> VerifyOutcome {
    audit::verify(db, &key().verifying_key()).await.unwrap()
}

/// Runs `sql` behind the application's back, with the protecting triggers removed.
async fn tamper(db: &Db, sql: &str) {
    match db.engine() {
        Engine::Sqlite => {
            let pool = db.sqlite_pool().unwrap();
            for statement in [
                "DROP TRIGGER audit_event_refuse_update",
                "DROP TRIGGER audit_event_refuse_delete",
                sql,
            ] {
                sqlx::query(statement).execute(pool).await.unwrap();
            }
        }
        Engine::Postgres => {
            let pool = db.as_postgres().unwrap();
            for statement in [
                "DROP TRIGGER audit_event_refuse_update ON audit_event",
                "DROP TRIGGER audit_event_refuse_delete ON audit_event",
                sql,
            ] {
                sqlx::query(statement).execute(pool).await.unwrap();
            }
        }
    }
}

fn first_bad(outcome: &VerifyOutcome) -> Option<i64> {
    match outcome {
        VerifyOutcome::Intact(_) => None,
        VerifyOutcome::Broken { defect, .. } => Some(defect.first_bad_seq()),
    }
}

db_test!(
    every_change_is_recorded_with_before_and_after,
    |db| async move {
        let region = some_history(db).await;
        let events = audit::list(db, region, &EventFilter::default(), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(events.total, 5, "organisation + four units");
        let newest = &events.items[0];
        assert_eq!(
            (newest.action.as_str(), newest.object_type.as_str()),
            ("create", "org_unit")
        );
        assert!(newest.before_json.is_none());
        assert!(newest
            .after_json
            .as_deref()
            .unwrap()
            .contains("\"name\":\"Fyra\""));
        let filtered = audit::list(
            db,
            region,
            &EventFilter {
                object_type: Some("organisation".into()),
                ..Default::default()
            },
            PageRequest::default(),
        )
        .await
        .unwrap();
        assert_eq!(filtered.total, 1);
        let other = organisation(db, "Region B", "232100-0024").await;
        let foreign = audit::list(db, other, &EventFilter::default(), PageRequest::default())
            .await
            .unwrap();
        assert!(foreign
            .items
            .iter()
            .all(|e| e.organisation_id == Some(other)));
    }
);

db_test!(intact_trail_verifies_with_checkpoints, |db| async move {
    some_history(db).await;
    assert_eq!(audit::extend_tree(db, &key()).await.unwrap(), Some(5));
    assert_eq!(
        audit::extend_tree(db, &key()).await.unwrap(),
        None,
        "nothing new, no checkpoint"
    );
    audit::record(
        db,
        &actor(),
        NewEvent {
            organisation_id: None,
            action: "login",
            object_type: "session",
            object_id: "x".into(),
            before: None,
            after: None,
        },
    )
    .await
    .unwrap();
    assert_eq!(audit::extend_tree(db, &key()).await.unwrap(), Some(6));
    match outcome(db).await {
        VerifyOutcome::Intact(report) => {
            assert_eq!(report.verified_up_to, 6);
            assert_eq!(report.checkpoints_checked, 2);
        }
        broken => panic!("expected intact, got {broken:?}"),
    }
});

db_test!(the_database_refuses_to_change_the_trail, |db| async move {
    some_history(db).await;
    audit::extend_tree(db, &key()).await.unwrap();
    for statement in [
        "UPDATE audit_event SET action = 'x' WHERE seq = 2",
        "DELETE FROM audit_event WHERE seq = 2",
        "DELETE FROM audit_checkpoint",
    ] {
        let result = match db.engine() {
            Engine::Sqlite => sqlx::query(statement)
                .execute(db.sqlite_pool().unwrap())
                .await
                .map(|_| ()),
            Engine::Postgres => sqlx::query(statement)
                .execute(db.as_postgres().unwrap())
                .await
                .map(|_| ()),
        };
        let error = result.expect_err(statement).to_string();
        assert!(error.contains("append-only"), "{statement}: {error}");
    }
    assert_eq!(first_bad(&outcome(db).await), None);
});

db_test!(a_changed_event_is_named, |db| async move {
    some_history(db).await;
    tamper(
        db,
        "UPDATE audit_event SET actor_label = 'someone else' WHERE seq = 3",
    )
    .await;
    assert_eq!(first_bad(&outcome(db).await), Some(3));
});

db_test!(a_removed_event_is_named, |db| async move {
    some_history(db).await;
    tamper(db, "DELETE FROM audit_event WHERE seq = 2").await;
    assert_eq!(first_bad(&outcome(db).await), Some(2));
});

db_test!(removing_the_newest_events_is_detected, |db| async move {
    some_history(db).await;
    tamper(db, "DELETE FROM audit_event WHERE seq >= 4").await;
    assert_eq!(first_bad(&outcome(db).await), Some(4));
});

db_test!(
    a_rewritten_chain_is_caught_by_the_signed_checkpoint,
    |db| async move {
        some_history(db).await;
        audit::extend_tree(db, &key()).await.unwrap();
        // Change event 2 and recompute every hash after it, as a careful attacker would.
        tamper(
            db,
            "UPDATE audit_event SET actor_label = 'forger' WHERE seq = 2",
        )
        .await;
        let rows: Vec<EventColumns> =
        match db.engine() {
            Engine::Sqlite => sqlx::query_as("SELECT seq, organisation_id, occurred_at, actor_id, actor_label, action, object_type, object_id, before_json, after_json FROM audit_event ORDER BY seq")
                .fetch_all(db.sqlite_pool().unwrap()).await.unwrap(),
            Engine::Postgres => sqlx::query_as("SELECT seq, organisation_id, occurred_at, actor_id, actor_label, action, object_type, object_id, before_json, after_json FROM audit_event ORDER BY seq")
                .fetch_all(db.as_postgres().unwrap()).await.unwrap(),
        };
        let mut chain = tillit_audit::GENESIS;
        for row in &rows {
            let record = EventRecord {
                seq: row.0,
                occurred_at_micros: row.2.timestamp_micros(),
                organisation_id: row.1,
                actor_id: row.3,
                actor_label: &row.4,
                action: &row.5,
                object_type: &row.6,
                object_id: &row.7,
                before: row.8.as_deref(),
                after: row.9.as_deref(),
            };
            let leaf = record.leaf_hash();
            chain = chain_hash(&chain, &leaf);
            let update = "UPDATE audit_event SET leaf_hash = $1, chain_hash = $2 WHERE seq = $3";
            match db.engine() {
                Engine::Sqlite => sqlx::query(update)
                    .bind(leaf.to_vec())
                    .bind(chain.to_vec())
                    .bind(row.0)
                    .execute(db.sqlite_pool().unwrap())
                    .await
                    .map(|_| ())
                    .unwrap(),
                Engine::Postgres => sqlx::query(update)
                    .bind(leaf.to_vec())
                    .bind(chain.to_vec())
                    .bind(row.0)
                    .execute(db.as_postgres().unwrap())
                    .await
                    .map(|_| ())
                    .unwrap(),
            };
        }
        let outcome = outcome(db).await;
        assert!(
            matches!(outcome, VerifyOutcome::Broken { .. }),
            "{outcome:?}"
        );
    }
);

db_test!(
    inclusion_proofs_verify_against_the_signed_root,
    |db| async move {
        let region = some_history(db).await;
        audit::extend_tree(db, &key()).await.unwrap();
        let proof = audit::inclusion_proof(db, region, 3)
            .await
            .unwrap()
            .expect("covered by a checkpoint");
        let decode = |h: &str| -> [u8; 32] {
            (0..32)
                .map(|i| u8::from_str_radix(&h[i * 2..i * 2 + 2], 16).unwrap())
                .collect::<Vec<u8>>()
                .try_into()
                .unwrap()
        };
        let path: Vec<[u8; 32]> = proof.audit_path.iter().map(|h| decode(h)).collect();
        tillit_audit::merkle::verify_inclusion(
            &decode(&proof.leaf_hash),
            proof.leaf_index,
            proof.tree_size,
            &path,
            &decode(&proof.root_hash),
        )
        .unwrap();
        let mut wrong = path.clone();
        wrong[0][0] ^= 1;
        assert!(tillit_audit::merkle::verify_inclusion(
            &decode(&proof.leaf_hash),
            proof.leaf_index,
            proof.tree_size,
            &wrong,
            &decode(&proof.root_hash)
        )
        .is_err());
        // Another organisation cannot export this event.
        let other = organisation(db, "Region B", "232100-0024").await;
        assert!(audit::inclusion_proof(db, other, 3).await.is_err());
    }
);

db_test!(
    no_checkpoint_is_signed_over_a_tampered_event,
    |db| async move {
        some_history(db).await;
        audit::extend_tree(db, &key()).await.unwrap();
        audit::record(
            db,
            &actor(),
            NewEvent {
                organisation_id: None,
                action: "login",
                object_type: "session",
                object_id: "x".into(),
                before: None,
                after: None,
            },
        )
        .await
        .unwrap();
        tamper(db, "UPDATE audit_event SET action = 'logout' WHERE seq = 6").await;
        let refused = audit::extend_tree(db, &key()).await;
        assert!(refused
            .unwrap_err()
            .to_string()
            .contains("refusing to sign"));
        assert_eq!(
            audit::latest_checkpoint(db)
                .await
                .unwrap()
                .unwrap()
                .tree_size,
            5
        );
    }
);

/// Another connection pool on the same database, as a second process would open.
async fn second_process(db: &Db) -> Db {
    match db {
        Db::Sqlite(_) => {
            let file: String =
                sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                    .fetch_one(db.sqlite_pool().unwrap())
                    .await
                    .unwrap();
            Db::connect_sqlite(std::path::Path::new(&file))
                .await
                .unwrap()
        }
        Db::Postgres(pool) => {
            let schema: String = sqlx::query_scalar("SELECT current_schema()")
                .fetch_one(pool)
                .await
                .unwrap();
            let url = tillit_store::test_support::postgres_url().unwrap();
            let options = <sqlx::postgres::PgConnectOptions as std::str::FromStr>::from_str(&url)
                .unwrap()
                .options([("search_path", schema.as_str())]);
            Db::connect_postgres(options, 2).await.unwrap()
        }
    }
}

fn login(object_id: &str) -> NewEvent<'static> {
    NewEvent::new(None, "login", "session", object_id)
}

async fn object_ids(db: &Db, from_seq: i64) -> Vec<(i64, String)> {
    let sql = "SELECT seq, object_id FROM audit_event WHERE seq >= $1 ORDER BY seq";
    match db {
        Db::Sqlite(_) => sqlx::query_as(sql)
            .bind(from_seq)
            .fetch_all(db.sqlite_pool().unwrap())
            .await
            .unwrap(),
        Db::Postgres(pool) => sqlx::query_as(sql)
            .bind(from_seq)
            .fetch_all(pool)
            .await
            .unwrap(),
    }
}

db_test!(
    a_rolled_back_append_leaves_no_head_behind,
    |db| async move {
        some_history(db).await;
        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            audit::append(&mut tx, &actor(), login("kept"))
                .await
                .unwrap(),
            6
        );
        tx.commit().await.unwrap();

        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            audit::append(&mut tx, &actor(), login("undone"))
                .await
                .unwrap(),
            7
        );
        assert_eq!(
            audit::append(&mut tx, &actor(), login("undone too"))
                .await
                .unwrap(),
            8
        );
        drop(tx);

        assert_eq!(
            audit::record(db, &actor(), login("after")).await.unwrap(),
            7
        );
        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            audit::append(&mut tx, &actor(), login("last"))
                .await
                .unwrap(),
            8
        );
        tx.commit().await.unwrap();
        assert_eq!(
            object_ids(db, 6).await,
            vec![(6, "kept".into()), (7, "after".into()), (8, "last".into())]
        );
        match outcome(db).await {
            VerifyOutcome::Intact(report) => assert_eq!(report.verified_up_to, 8),
            broken => panic!("expected intact, got {broken:?}"),
        }
    }
);

db_test!(
    appends_by_another_process_are_chained_onto,
    |db| async move {
        some_history(db).await;
        let other = second_process(db).await;
        assert_eq!(
            audit::record(&other, &actor(), login("other 1"))
                .await
                .unwrap(),
            6
        );
        assert_eq!(
            audit::record(&other, &actor(), login("other 2"))
                .await
                .unwrap(),
            7
        );
        // This process last committed event 5; two appends in one transaction follow 7.
        let mut tx = db.begin().await.unwrap();
        assert_eq!(
            audit::append(&mut tx, &actor(), login("own 1"))
                .await
                .unwrap(),
            8
        );
        assert_eq!(
            audit::append(&mut tx, &actor(), login("own 2"))
                .await
                .unwrap(),
            9
        );
        tx.commit().await.unwrap();
        assert_eq!(
            audit::record(&other, &actor(), login("other 3"))
                .await
                .unwrap(),
            10
        );
        assert_eq!(
            audit::record(db, &actor(), login("own 3")).await.unwrap(),
            11
        );
        other.close().await;
        assert_eq!(
            object_ids(db, 6).await,
            vec![
                (6, "other 1".into()),
                (7, "other 2".into()),
                (8, "own 1".into()),
                (9, "own 2".into()),
                (10, "other 3".into()),
                (11, "own 3".into()),
            ]
        );
        match outcome(db).await {
            VerifyOutcome::Intact(report) => assert_eq!(report.verified_up_to, 11),
            broken => panic!("expected intact, got {broken:?}"),
        }
    }
);

db_test!(
    a_transaction_dropped_unfinished_lets_another_process_write,
    |db| async move {
        some_history(db).await;
        let other = second_process(db).await;
        let mut tx = db.begin().await.unwrap();
        audit::append(&mut tx, &actor(), login("abandoned"))
            .await
            .unwrap();
        drop(tx);
        // The other process gets the write lock although this one writes nothing more.
        assert_eq!(
            audit::record(&other, &actor(), login("other"))
                .await
                .unwrap(),
            6
        );
        assert_eq!(audit::record(db, &actor(), login("own")).await.unwrap(), 7);
        assert_eq!(
            object_ids(db, 6).await,
            vec![(6, "other".into()), (7, "own".into())]
        );
    }
);
