use chrono::{Days, Duration, NaiveDate, Utc};
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::classification::{ClassificationInput, ObjectKind};
use tillit_domain::registers::{AssetInput, SystemInput};
use tillit_domain::users::Language;
use tillit_store::classification::{self, Subject};
use tillit_store::reminders::outbox::{self, NewMail, MAX_ATTEMPTS};
use tillit_store::reminders::{self, Reminder, ReminderKind};
use tillit_store::users::{self, NewUser, UserChanges};
use tillit_store::{db_test, now, registers, tasks, Db};

use crate::{actor, organisation};

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

fn days_on(days: u64) -> NaiveDate {
    today().checked_add_days(Days::new(days)).unwrap()
}

async fn user(db: &Db, organisation_id: i64, email: &str, role: Option<Assignment>) -> i64 {
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
    if let Some(assignment) = role {
        users::assign_role_in(&mut tx, organisation_id, &actor(), created.id, assignment)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    created.id
}

fn everywhere(role: Role) -> Option<Assignment> {
    Some(Assignment {
        role,
        unit_id: None,
    })
}

/// A system; adding it gives each owner a task to classify it, due in 30 days.
async fn system(db: &Db, organisation_id: i64, owner: Option<i64>, info_owners: &[i64]) -> i64 {
    let draft = SystemInput {
        name: "Journalsystem".into(),
        kind: "information_system".into(),
        criticality: "high".into(),
        hosting: "supplier".into(),
        object_owner_id: owner,
        owner_ids: info_owners.to_vec(),
        ..Default::default()
    }
    .validate()
    .unwrap();
    registers::create_system(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

async fn asset(db: &Db, organisation_id: i64, owner: i64) -> i64 {
    let draft = AssetInput {
        name: "Patientjournal".into(),
        form: "digital".into(),
        owner_id: Some(owner),
        ..Default::default()
    }
    .validate()
    .unwrap();
    registers::create_asset(db, organisation_id, &actor(), &draft)
        .await
        .unwrap()
        .id
}

/// Approves a classification of `subject` whose review falls due a year from now.
async fn classify(db: &Db, organisation_id: i64, subject: Subject) {
    let draft = ClassificationInput {
        level_k: Some(2),
        level_r: Some(2),
        level_t: Some(2),
        participants: "Informationsägare".into(),
        ..ClassificationInput::default()
    }
    .validate(None, today())
    .unwrap();
    classification::approve(db, organisation_id, &actor(), subject, None, &draft)
        .await
        .unwrap();
}

fn of_user(reminders: &[Reminder], user_id: i64) -> Vec<&Reminder> {
    reminders.iter().filter(|r| r.user_id == user_id).collect()
}

fn is_task(reminder: &Reminder) -> bool {
    matches!(reminder.kind, ReminderKind::Task { .. })
}

db_test!(
    tasks_remind_their_assignee_a_week_ahead_and_when_late,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let other = organisation(db, "Region B", "232100-0024").await;
        let owner = user(db, region, "agare@a.example", None).await;
        users::set_locale(db, region, &actor(), owner, "en")
            .await
            .unwrap();
        let stranger = user(db, other, "agare@b.example", None).await;
        let journal = system(db, region, Some(owner), &[]).await;
        system(db, other, Some(stranger), &[]).await;

        let quiet = reminders::due_reminders(db, region, today()).await.unwrap();
        assert!(
            quiet.iter().all(|r| !is_task(r)),
            "a task due in 30 days waits: {quiet:?}"
        );

        let week_before = reminders::due_reminders(db, region, days_on(23))
            .await
            .unwrap();
        let mine = of_user(&week_before, owner);
        assert_eq!(mine.len(), 1, "{week_before:?}");
        assert_eq!(
            mine[0].kind,
            ReminderKind::Task {
                task_kind: tasks::CLASSIFY.into()
            }
        );
        assert_eq!(mine[0].subject, "IS-0001 Journalsystem");
        assert_eq!(mine[0].path, format!("/register/systems/{journal}"));
        assert_eq!(mine[0].email, "agare@a.example");
        assert_eq!(mine[0].language, Language::En);
        assert_eq!(mine[0].due_on, Some(days_on(30)));
        assert!(!mine[0].is_overdue(days_on(23)));
        assert!(
            week_before.iter().all(|r| r.user_id != stranger),
            "another organisation's tasks stay there"
        );

        let late = reminders::due_reminders(db, region, days_on(45))
            .await
            .unwrap();
        assert!(of_user(&late, owner)[0].is_overdue(days_on(45)));

        let open = tasks::open_tasks(db, region, owner, false, 10)
            .await
            .unwrap();
        tasks::complete_task(db, region, &actor(), open[0].task.id, open[0].task.version)
            .await
            .unwrap();
        let done = reminders::due_reminders(db, region, days_on(45))
            .await
            .unwrap();
        assert!(done.iter().all(|r| !is_task(r)), "done tasks are quiet");
    }
);

db_test!(
    an_unconfirmed_register_reminds_organisation_wide_coordinators_and_administrators,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let coordinator = user(
            db,
            region,
            "samordnare@a.example",
            everywhere(Role::Coordinator),
        )
        .await;
        let admin = user(
            db,
            region,
            "admin@a.example",
            everywhere(Role::Administrator),
        )
        .await;
        let auditor = user(db, region, "granskare@a.example", everywhere(Role::Auditor)).await;
        let left = user(
            db,
            region,
            "slutat@a.example",
            everywhere(Role::Coordinator),
        )
        .await;
        let user_row = users::get_user(db, region, left).await.unwrap();
        users::update_user(
            db,
            region,
            &actor(),
            left,
            user_row.version,
            &UserChanges {
                display_name: "Slutat",
                title: "",
                active: false,
            },
        )
        .await
        .unwrap();

        let never = reminders::due_reminders(db, region, today()).await.unwrap();
        let confirmers: Vec<i64> = never
            .iter()
            .filter(|r| r.kind == ReminderKind::RegisterConfirmation)
            .map(|r| r.user_id)
            .collect();
        assert_eq!(confirmers, vec![coordinator, admin]);
        assert!(never.iter().all(|r| r.user_id != auditor));
        let first = &never[0];
        assert_eq!(first.subject, "Region A");
        assert_eq!(first.path, "/register");
        assert_eq!(first.due_on, None, "never confirmed");
        assert_eq!(first.language, Language::Sv);
        assert!(first.is_overdue(today()));

        registers::confirm_register(db, region, &actor(), "Genomgången")
            .await
            .unwrap();
        let confirmed = reminders::due_reminders(db, region, today()).await.unwrap();
        assert!(confirmed
            .iter()
            .all(|r| r.kind != ReminderKind::RegisterConfirmation));

        let next_year = reminders::due_reminders(db, region, days_on(366))
            .await
            .unwrap();
        let again: Vec<&Reminder> = next_year
            .iter()
            .filter(|r| r.kind == ReminderKind::RegisterConfirmation)
            .collect();
        assert_eq!(again.len(), 2);
        assert_eq!(again[0].due_on, Some(days_on(365)));
    }
);

db_test!(
    overdue_classification_reviews_remind_every_owner,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let object_owner = user(db, region, "objekt@a.example", None).await;
        let info_owner = user(db, region, "info@a.example", None).await;
        let asset_owner = user(db, region, "tillgang@a.example", None).await;
        let process_owner = user(db, region, "process@a.example", None).await;
        let journal = system(db, region, Some(object_owner), &[info_owner, object_owner]).await;
        let record = asset(db, region, asset_owner).await;
        let process = classification::create_named_object(
            db,
            region,
            &actor(),
            ObjectKind::Process,
            "Inskrivning",
            Some(process_owner),
            None,
        )
        .await
        .unwrap();
        classify(db, region, Subject::System(journal)).await;
        classify(db, region, Subject::Asset(record)).await;
        classify(db, region, Subject::Object(process.id)).await;

        let in_time = reminders::due_reminders(db, region, days_on(200))
            .await
            .unwrap();
        assert!(in_time
            .iter()
            .all(|r| r.kind != ReminderKind::ClassificationReview));

        let later = days_on(400);
        let due = reminders::due_reminders(db, region, later).await.unwrap();
        let reviews: Vec<(i64, &str)> = due
            .iter()
            .filter(|r| r.kind == ReminderKind::ClassificationReview)
            .map(|r| (r.user_id, r.subject.as_str()))
            .collect();
        assert_eq!(
            reviews,
            vec![
                (object_owner, "IS-0001 Journalsystem"),
                (info_owner, "IS-0001 Journalsystem"),
                (asset_owner, "Patientjournal"),
                (process_owner, "Inskrivning"),
            ],
            "one reminder per owner, even one who is both object and information owner"
        );
        let object = classification::object_for(db, region, Subject::System(journal))
            .await
            .unwrap()
            .unwrap();
        let review = due
            .iter()
            .find(|r| r.kind == ReminderKind::ClassificationReview)
            .unwrap();
        assert_eq!(review.path, format!("/classification/{}", object.id));
        assert_eq!(review.due_on, object.next_review);
        assert!(review.is_overdue(later));
    }
);

fn mail<'a>(key: &'a str, address: &'a str) -> NewMail<'a> {
    NewMail {
        recipient_user_id: None,
        recipient_name: "Anna",
        recipient_address: address,
        subject: "Påminnelse från tillit",
        body: "Det här behöver du titta på:",
        dedupe_key: key,
    }
}

db_test!(
    outbox_composes_once_sends_once_and_retries_failures,
    |db| async move {
        let region = organisation(db, "Region A", "232100-0016").await;
        let lease = Duration::minutes(10);
        let recent = now() - Duration::days(2);
        let added = outbox::enqueue(
            db,
            region,
            &[
                mail("digest:1:2026-03-02", "a@a.example"),
                mail("digest:2:2026-03-02", "b@a.example"),
            ],
        )
        .await
        .unwrap();
        assert_eq!(added, 2);
        let again = outbox::enqueue(db, region, &[mail("digest:1:2026-03-02", "a@a.example")])
            .await
            .unwrap();
        assert_eq!(again, 0, "the same dedupe key is composed once");

        let first = outbox::claim(db, lease, recent).await.unwrap().unwrap();
        let second = outbox::claim(db, lease, recent).await.unwrap().unwrap();
        assert_ne!(first.id, second.id);
        assert_eq!(first.attempts, 1);
        assert!(
            outbox::claim(db, lease, recent).await.unwrap().is_none(),
            "claimed mails are leased to one sender"
        );

        outbox::mark_sent(db, first.id).await.unwrap();
        outbox::mark_failed(db, second.id, "421 try later", now() - Duration::seconds(1))
            .await
            .unwrap();
        let retried = outbox::claim(db, lease, recent).await.unwrap().unwrap();
        assert_eq!(retried.id, second.id, "a failed mail is tried again");
        assert_eq!(retried.attempts, 2);
        assert_eq!(retried.last_error.as_deref(), Some("421 try later"));
        outbox::mark_failed(db, second.id, "421 try later", now() + Duration::hours(1))
            .await
            .unwrap();
        assert!(
            outbox::claim(db, lease, recent).await.unwrap().is_none(),
            "not before its next attempt, and a sent mail never again"
        );

        let mails = outbox::mails(db, region, 10).await.unwrap();
        assert_eq!(mails.len(), 2);
        let sent = mails.iter().find(|m| m.id == first.id).unwrap();
        assert!(sent.sent_at.is_some());
        assert_eq!(sent.subject, "Påminnelse från tillit");

        outbox::enqueue(db, region, &[mail("digest:3:2026-03-02", "c@a.example")])
            .await
            .unwrap();
        assert!(
            outbox::claim(db, lease, now() + Duration::seconds(1))
                .await
                .unwrap()
                .is_none(),
            "mails composed before the cut-off are stale"
        );
        let third = outbox::claim(db, lease, recent).await.unwrap().unwrap();
        for _ in 1..MAX_ATTEMPTS {
            outbox::mark_failed(
                db,
                third.id,
                "550 no such user",
                now() - Duration::seconds(1),
            )
            .await
            .unwrap();
            outbox::claim(db, lease, recent).await.unwrap().unwrap();
        }
        outbox::mark_failed(
            db,
            third.id,
            "550 no such user",
            now() - Duration::seconds(1),
        )
        .await
        .unwrap();
        assert!(
            outbox::claim(db, lease, recent).await.unwrap().is_none(),
            "a mail is given up after {MAX_ATTEMPTS} attempts"
        );

        assert_eq!(
            outbox::delete_before(db, now() + Duration::seconds(1))
                .await
                .unwrap(),
            3
        );
    }
);

fn governing_document(
    owner_id: i64,
    status: tillit_domain::documents::DocumentStatus,
    next_review: NaiveDate,
) -> tillit_domain::documents::DocumentDraft {
    use tillit_domain::documents::{Consultation, DocumentDraft, DocumentKind};
    DocumentDraft {
        kind: DocumentKind::Routine,
        title: format!("Rutin som ses över {next_review}"),
        summary: String::new(),
        owner_id,
        approver: "Regionstyrelsen".into(),
        case_number: String::new(),
        valid_from: None,
        next_review: Some(next_review),
        requirement_code: None,
        legal_reference: String::new(),
        consultation: Consultation::Done,
        status,
        unit_id: None,
        checklist_item: None,
    }
}

db_test!(
    governing_documents_in_force_remind_their_owner_a_month_before_review,
    |db| async move {
        use tillit_domain::documents::DocumentStatus;
        use tillit_store::documents;
        let region = organisation(db, "Region A", "232100-0016").await;
        let owner = user(db, region, "agare@a.example", None).await;
        let soon = documents::create_document(
            db,
            region,
            &actor(),
            &governing_document(owner, DocumentStatus::Approved, days_on(20)),
        )
        .await
        .unwrap();
        for (status, due) in [
            (DocumentStatus::Approved, days_on(60)),
            (DocumentStatus::Draft, days_on(5)),
        ] {
            documents::create_document(
                db,
                region,
                &actor(),
                &governing_document(owner, status, due),
            )
            .await
            .unwrap();
        }

        let reminders = reminders::due_reminders(db, region, today()).await.unwrap();
        let reviews: Vec<&Reminder> = of_user(&reminders, owner)
            .into_iter()
            .filter(|r| r.kind == ReminderKind::DocumentReview)
            .collect();
        assert_eq!(
            reviews.len(),
            1,
            "only the approved one within 30 days: {reminders:?}"
        );
        assert_eq!(reviews[0].due_on, Some(days_on(20)));
        assert_eq!(
            reviews[0].path,
            format!("/governance/documents/{}", soon.id)
        );
    }
);
