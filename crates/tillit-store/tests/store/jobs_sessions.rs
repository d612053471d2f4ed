use chrono::Duration;
use tillit_domain::org::{UnitDraft, UnitKind};
use tillit_store::sessions::{self, NewSession};
use tillit_store::throttle::{self, Scope};
use tillit_store::users::{self, NewUser};
use tillit_store::{access, db_test, jobs, now, org, Db};

use crate::{actor, organisation};

async fn user(db: &Db) -> (i64, i64) {
    let region = organisation(db, "Region A", "232100-0016").await;
    let mut tx = db.begin().await.unwrap();
    let created = users::create_user_in(
        &mut tx,
        region,
        &actor(),
        &NewUser {
            email: "anna@region.example",
            display_name: "Anna",
            title: "",
            password_hash: "x",
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    (region, created.id)
}

db_test!(
    periodic_jobs_are_enqueued_once_and_claimed_once,
    |db| async move {
        assert!(
            jobs::enqueue(db, "audit.checkpoint", "2026-11-22T10:00", "{}", now())
                .await
                .unwrap()
        );
        assert!(
            !jobs::enqueue(db, "audit.checkpoint", "2026-11-22T10:00", "{}", now())
                .await
                .unwrap()
        );
        assert!(
            jobs::enqueue(db, "later", "k", "{}", now() + Duration::hours(1))
                .await
                .unwrap()
        );
        let job = jobs::claim(db, Duration::minutes(5))
            .await
            .unwrap()
            .expect("a due job");
        assert_eq!(job.kind, "audit.checkpoint");
        assert!(
            jobs::claim(db, Duration::minutes(5))
                .await
                .unwrap()
                .is_none(),
            "leased job and future job are not claimable"
        );
        jobs::complete(db, job.id).await.unwrap();
        assert!(
            !jobs::enqueue(db, "audit.checkpoint", "2026-11-22T10:00", "{}", now())
                .await
                .unwrap(),
            "finished jobs still dedupe"
        );
    }
);

db_test!(failed_jobs_are_retried_later, |db| async move {
    jobs::enqueue(db, "flaky", "1", "{}", now()).await.unwrap();
    let job = jobs::claim(db, Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    jobs::retry(db, job.id, "boom", now() - Duration::seconds(1))
        .await
        .unwrap();
    let again = jobs::claim(db, Duration::minutes(5))
        .await
        .unwrap()
        .unwrap();
    assert_eq!((again.id, again.attempts), (job.id, 2));
});

db_test!(
    sessions_live_until_expiry_and_are_replaced,
    |db| async move {
        let (region, user_id) = user(db).await;
        let new = |hash: &'static str, lifetime| NewSession {
            id_hash: hash,
            user_id,
            organisation_id: region,
            csrf_token: "csrf",
            second_factor_pending: false,
            lifetime,
        };
        sessions::create(db, &new("first", Duration::minutes(10)), None)
            .await
            .unwrap();
        assert_eq!(
            access::by_session(db, "first")
                .await
                .unwrap()
                .unwrap()
                .identity
                .id,
            user_id
        );
        sessions::create(db, &new("second", Duration::minutes(10)), Some("first"))
            .await
            .unwrap();
        assert!(
            access::by_session(db, "first").await.unwrap().is_none(),
            "rotated away"
        );
        sessions::create(db, &new("expired", Duration::minutes(-1)), None)
            .await
            .unwrap();
        assert!(access::by_session(db, "expired").await.unwrap().is_none());
        assert_eq!(sessions::delete_expired(db).await.unwrap(), 1);
        sessions::delete(db, "second").await.unwrap();
        assert!(access::by_session(db, "second").await.unwrap().is_none());
    }
);

db_test!(
    failed_logins_are_counted_per_subject_and_window,
    |db| async move {
        let at = now();
        for _ in 0..3 {
            throttle::record_failure(db, Scope::Account, "anna@region.example", at)
                .await
                .unwrap();
        }
        throttle::record_failure(db, Scope::Address, "127.0.0.1", at)
            .await
            .unwrap();
        let since = at - Duration::minutes(15);
        assert_eq!(
            throttle::failures_since(db, Scope::Account, "anna@region.example", since)
                .await
                .unwrap(),
            3
        );
        assert_eq!(
            throttle::failures_since(db, Scope::Account, "bo@region.example", since)
                .await
                .unwrap(),
            0
        );
        assert_eq!(
            throttle::failures_since(db, Scope::Address, "127.0.0.1", since)
                .await
                .unwrap(),
            1
        );
        assert_eq!(
            throttle::failures_since(db, Scope::Account, "anna@region.example", at)
                .await
                .unwrap(),
            0,
            "outside the window"
        );
        throttle::clear(db, Scope::Account, "anna@region.example")
            .await
            .unwrap();
        assert_eq!(
            throttle::failures_since(db, Scope::Account, "anna@region.example", since)
                .await
                .unwrap(),
            0
        );
    }
);

db_test!(
    access_carries_the_position_of_the_organisations_own_audit_trail,
    |db| async move {
        let (region, user_id) = user(db).await;
        let other = organisation(db, "Region B", "232100-0024").await;
        sessions::create(
            db,
            &NewSession {
                id_hash: "live",
                user_id,
                organisation_id: region,
                csrf_token: "csrf",
                second_factor_pending: false,
                lifetime: Duration::minutes(10),
            },
            None,
        )
        .await
        .unwrap();
        let head = || async {
            access::by_session(db, "live")
                .await
                .unwrap()
                .expect("live session")
                .audit_head
        };
        let unit = |name: &str| UnitDraft {
            name: name.into(),
            kind: UnitKind::Unit,
            parent_id: None,
            manager_id: None,
            description: String::new(),
        };
        let before = head().await;
        assert!(before > 0, "creating the organisation and user left events");
        org::create_unit(db, other, &actor(), &unit("Annan"))
            .await
            .unwrap();
        assert_eq!(head().await, before, "another organisation's change");
        org::create_unit(db, region, &actor(), &unit("Egen"))
            .await
            .unwrap();
        assert!(head().await > before, "the organisation's own change");
    }
);
