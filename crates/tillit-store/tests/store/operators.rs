//! Operator accounts, sessions and tokens, and the organisations as operators see them.

use chrono::Duration;
use tillit_domain::auth::Role;
use tillit_domain::hosting::{Access, HostedOrganisationInput};
use tillit_domain::pagination::PageRequest;
use tillit_store::audit::EventFilter;
use tillit_store::operators::{self, NewOperatorSession};
use tillit_store::sessions::{self, NewSession};
use tillit_store::{access, audit, db_test, hosting, org, users, Actor, Db, StoreError};

use crate::organisation;

async fn operator(db: &Db) -> operators::Operator {
    operators::create_operator(db, &Actor::system("test"), "drift@hosting.example", "hash")
        .await
        .unwrap()
}

fn hosted_input() -> HostedOrganisationInput {
    HostedOrganisationInput {
        name: "Omsorg i Norr AB".into(),
        kind: "social_care_provider".into(),
        org_number: "5560000001".into(),
        admin_email: "chef@omsorg.example".into(),
        admin_name: "Chef Chefsson".into(),
    }
}

db_test!(operators_have_their_own_accounts, |db| async move {
    let created = operator(db).await;
    assert!(!created.two_factor_enabled);
    let duplicate =
        operators::create_operator(db, &Actor::system("test"), "drift@hosting.example", "h").await;
    assert!(matches!(
        duplicate,
        Err(StoreError::Duplicate { field: "email" })
    ));
    // Not a user of any organisation.
    assert!(users::find_user_by_email(db, "drift@hosting.example")
        .await
        .unwrap()
        .is_none());

    operators::set_pending_totp(db, created.id, "SECRET")
        .await
        .unwrap();
    let pending = operators::credentials_by_id(db, created.id).await.unwrap();
    assert_eq!(pending.totp_secret.as_deref(), Some("SECRET"));
    assert!(pending.totp_enabled_at.is_none());
    let actor = Actor::operator(&created.email);
    operators::enable_totp(db, &actor, created.id)
        .await
        .unwrap();
    let enabled = operators::find_by_email(db, "drift@hosting.example")
        .await
        .unwrap()
        .unwrap();
    assert!(enabled.two_factor_enabled);
    assert_eq!(enabled.version, 2);
});

db_test!(
    operator_sessions_and_tokens_are_their_own,
    |db| async move {
        let op = operator(db).await;
        let new = NewOperatorSession {
            id_hash: "first",
            operator_id: op.id,
            csrf_token: "csrf",
            second_factor_pending: true,
            lifetime: Duration::minutes(30),
        };
        operators::create_session(db, &new, None).await.unwrap();
        let pending = operators::by_session(db, "first").await.unwrap().unwrap();
        assert!(pending.second_factor_pending);
        assert_eq!(pending.email, op.email);
        let rotated = NewOperatorSession {
            id_hash: "second",
            second_factor_pending: false,
            ..new
        };
        operators::create_session(db, &rotated, Some("first"))
            .await
            .unwrap();
        assert!(operators::by_session(db, "first").await.unwrap().is_none());
        assert!(
            !operators::by_session(db, "second")
                .await
                .unwrap()
                .unwrap()
                .second_factor_pending
        );
        // An operator session is no user session, and the other way round.
        assert!(access::by_session(db, "second").await.unwrap().is_none());

        let expired = NewOperatorSession {
            id_hash: "old",
            lifetime: Duration::minutes(-1),
            ..rotated
        };
        operators::create_session(db, &expired, None).await.unwrap();
        assert!(operators::by_session(db, "old").await.unwrap().is_none());
        assert_eq!(operators::delete_expired_sessions(db).await.unwrap(), 1);
        operators::delete_session(db, "second").await.unwrap();
        assert!(operators::by_session(db, "second").await.unwrap().is_none());

        let actor = Actor::operator(&op.email);
        operators::create_token(db, &actor, op.id, "cli", "tokenhash")
            .await
            .unwrap();
        let by_token = operators::by_token(db, "tokenhash").await.unwrap().unwrap();
        assert_eq!(by_token.id, op.id);
        assert!(access::by_token(db, "tokenhash").await.unwrap().is_none());
        assert!(operators::by_token(db, "other").await.unwrap().is_none());
    }
);

db_test!(hosted_organisations_show_facts_only, |db| async move {
    let first = organisation(db, "Region Öst", "232100-0016").await;
    let actor = Actor::operator("drift@hosting.example");
    let draft = hosted_input().validate().unwrap();
    let (created, admin) = hosting::create(db, &actor, &draft, "onetime")
        .await
        .unwrap();
    assert_eq!(created.org_number, "556000-0001");
    assert_eq!(created.kind, "social_care_provider");
    assert_eq!((created.users, created.units), (1, 0));
    assert!(created.audit_events >= 3, "organisation, user and role");
    assert!(created.suspended_at.is_none());
    let roles = users::assignments(db, admin.id).await.unwrap();
    assert_eq!(roles[0].role, Role::Administrator);
    let credentials = users::credentials_by_email(db, "chef@omsorg.example")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(credentials.password_hash, "onetime");
    assert!(!credentials.suspended);

    // The operator is the actor of every event in the new organisation's own trail.
    let events = audit::list(
        db,
        created.id,
        &EventFilter::default(),
        PageRequest::default(),
    )
    .await
    .unwrap();
    assert!(events
        .items
        .iter()
        .all(|e| e.actor_label == "operator:drift@hosting.example"));

    let page = hosting::list(db, PageRequest::default()).await.unwrap();
    assert_eq!(page.total, 2);
    let names: Vec<&str> = page.items.iter().map(|o| o.name.as_str()).collect();
    assert_eq!(names, ["Omsorg i Norr AB", "Region Öst"]);
    assert_eq!(hosting::get(db, first).await.unwrap().users, 0);
    assert!(matches!(
        hosting::get(db, 999_999).await,
        Err(StoreError::NotFound)
    ));

    let again = hosting::create(db, &actor, &draft, "x").await;
    assert!(matches!(
        again,
        Err(StoreError::Duplicate {
            field: "org_number"
        })
    ));
    let facts = hosting::database_facts(db).await.unwrap();
    assert_eq!(facts.engine, db.engine().as_str());
    assert!(!facts.version.is_empty());
    assert!(facts.size_bytes > 0);
});

db_test!(
    suspension_is_versioned_and_signs_everyone_out,
    |db| async move {
        let actor = Actor::operator("drift@hosting.example");
        let draft = hosted_input().validate().unwrap();
        let (created, admin) = hosting::create(db, &actor, &draft, "onetime")
            .await
            .unwrap();
        sessions::create(
            db,
            &NewSession {
                id_hash: "admin-session",
                user_id: admin.id,
                organisation_id: created.id,
                csrf_token: "c",
                second_factor_pending: false,
                lifetime: Duration::minutes(30),
            },
            None,
        )
        .await
        .unwrap();

        let stale = hosting::set_access(
            db,
            &actor,
            created.id,
            created.version + 1,
            Access::Suspended,
        )
        .await;
        assert!(matches!(stale, Err(StoreError::Conflict)));
        let suspended =
            hosting::set_access(db, &actor, created.id, created.version, Access::Suspended)
                .await
                .unwrap();
        assert!(suspended.suspended_at.is_some());
        assert_eq!(suspended.version, created.version + 1);
        assert!(access::by_session(db, "admin-session")
            .await
            .unwrap()
            .is_none());
        assert!(
            users::credentials_by_id(db, admin.id)
                .await
                .unwrap()
                .suspended
        );
        let twice =
            hosting::set_access(db, &actor, created.id, suspended.version, Access::Suspended).await;
        assert!(matches!(twice, Err(StoreError::Invalid(e)) if e.has("suspended")));

        let active = hosting::set_access(db, &actor, created.id, suspended.version, Access::Active)
            .await
            .unwrap();
        assert!(active.suspended_at.is_none());
        let filter = EventFilter {
            object_type: Some("organisation".into()),
            ..Default::default()
        };
        let actions: Vec<String> = audit::list(db, created.id, &filter, PageRequest::default())
            .await
            .unwrap()
            .items
            .into_iter()
            .map(|e| e.action)
            .collect();
        assert_eq!(actions, ["reactivate", "suspend", "create"]);
    }
);

db_test!(
    admin_access_is_reset_for_administrators_only,
    |db| async move {
        let actor = Actor::operator("drift@hosting.example");
        let draft = hosted_input().validate().unwrap();
        let (created, admin) = hosting::create(db, &actor, &draft, "onetime")
            .await
            .unwrap();
        users::set_password(
            db,
            created.id,
            &Actor::user(admin.id, "chef"),
            admin.id,
            "own",
        )
        .await
        .unwrap();
        users::set_pending_totp(
            db,
            created.id,
            &Actor::user(admin.id, "chef"),
            admin.id,
            "S",
        )
        .await
        .unwrap();
        users::enable_totp(db, created.id, &Actor::user(admin.id, "chef"), admin.id)
            .await
            .unwrap();
        let other = organisation(db, "Region Öst", "232100-0016").await;

        let reset =
            hosting::reset_admin_access(db, &actor, created.id, "chef@omsorg.example", "new")
                .await
                .unwrap();
        assert_eq!(reset, admin.id);
        let credentials = users::credentials_by_id(db, admin.id).await.unwrap();
        assert_eq!(credentials.password_hash, "new");
        assert!(credentials.totp_secret.is_none() && credentials.totp_enabled_at.is_none());
        let event = audit::list(
            db,
            created.id,
            &EventFilter::default(),
            PageRequest::default(),
        )
        .await
        .unwrap()
        .items
        .remove(0);
        assert_eq!(
            (event.action.as_str(), event.actor_label.as_str()),
            ("access_reset", "operator:drift@hosting.example")
        );

        // Not through another organisation, and not for someone who is no administrator.
        let wrong_org =
            hosting::reset_admin_access(db, &actor, other, "chef@omsorg.example", "x").await;
        assert!(matches!(wrong_org, Err(StoreError::Invalid(e)) if e.has("admin_email")));
        let mut tx = db.begin().await.unwrap();
        users::create_user_in(
            &mut tx,
            created.id,
            &actor,
            &users::NewUser {
                email: "anstalld@omsorg.example",
                display_name: "Anställd",
                title: "",
                password_hash: "h",
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let employee =
            hosting::reset_admin_access(db, &actor, created.id, "anstalld@omsorg.example", "x")
                .await;
        assert!(matches!(employee, Err(StoreError::Invalid(e)) if e.has("admin_email")));
        assert!(org::get_organisation(db, created.id).await.is_ok());
    }
);
