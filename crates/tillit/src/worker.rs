//! Background work: signed audit checkpoints, clean-up and reminder mail, as jobs in the
//! database so several server processes share them without a leader.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Timelike, Utc};
use chrono_tz::Europe::Stockholm;
use ed25519_dalek::SigningKey;
use serde::{Deserialize, Serialize};
use tillit_store::jobs::{self, Job};
use tillit_store::reminders::outbox::{self, NewMail};
use tillit_store::reminders::{self, Reminder};
use tillit_store::{audit, sessions, throttle, Db};
use tokio::sync::watch;

use crate::mail::{self, digest, incident_notices, MailSettings};

const CHECKPOINT: &str = "audit.checkpoint";
const CLEANUP: &str = "cleanup";
/// Once a day: enqueues one [`REMINDERS_DIGEST`] per organisation.
const REMINDERS_DAILY: &str = "reminders.daily";
/// One organisation's digest mails for one day, composed into the outbox.
const REMINDERS_DIGEST: &str = "reminders.digest";
/// Composes the incident notices (new cases, escalations, reminder points of running
/// clocks) of every organisation into the outbox; every minute.
const INCIDENT_NOTICES: &str = "incidents.notices";
/// Sends the outbox through SMTP; enqueued every minute while mail is on.
const MAIL_SEND: &str = "mail.send";
/// The digest is composed at or after this hour, Swedish time.
const DIGEST_HOUR: u32 = 7;
/// Composed mail is kept this long, sent or not.
const OUTBOX_KEEP_DAYS: i64 = 30;

/// What a [`REMINDERS_DAILY`] or [`REMINDERS_DIGEST`] job is for.
#[derive(Debug, Serialize, Deserialize)]
struct DigestPayload {
    /// `None` for the daily job, which covers every organisation.
    organisation_id: Option<i64>,
    date: NaiveDate,
}

/// The moment an [`INCIDENT_NOTICES`] job composes for: the round that enqueued it.
#[derive(Debug, Serialize, Deserialize)]
struct NoticesPayload {
    at: DateTime<Utc>,
}

/// Enqueues the periodic jobs for the current minute/hour/day (idempotent) and runs due jobs.
pub async fn run(db: Db, key: SigningKey, mail: MailSettings, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(error) = round(&db, &key, &mail, Utc::now()).await {
            tracing::warn!(%error, "background round failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(15)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

/// One round as of `now`: enqueue what is periodic, then run every due job.
async fn round(
    db: &Db,
    key: &SigningKey,
    mail: &MailSettings,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let minute = now.format("%Y-%m-%dT%H:%M").to_string();
    jobs::enqueue(db, CHECKPOINT, &minute, "{}", tillit_store::now()).await?;
    let notices = NoticesPayload { at: now };
    jobs::enqueue(
        db,
        INCIDENT_NOTICES,
        &minute,
        &serde_json::to_string(&notices)?,
        tillit_store::now(),
    )
    .await?;
    if now.minute() == 0 || now.minute() == 30 {
        jobs::enqueue(
            db,
            CLEANUP,
            &now.format("%Y-%m-%dT%H").to_string(),
            "{}",
            tillit_store::now(),
        )
        .await?;
    }
    if let Some(date) = digest_day(now) {
        let payload = DigestPayload {
            organisation_id: None,
            date,
        };
        jobs::enqueue(
            db,
            REMINDERS_DAILY,
            &date.to_string(),
            &serde_json::to_string(&payload)?,
            tillit_store::now(),
        )
        .await?;
    }
    if mail.mailer.is_some() {
        jobs::enqueue(db, MAIL_SEND, &minute, "{}", tillit_store::now()).await?;
    }
    while let Some(job) = jobs::claim(db, chrono::Duration::minutes(5)).await? {
        match perform(db, key, mail, &job).await {
            Ok(()) => jobs::complete(db, job.id).await?,
            Err(error) => {
                tracing::warn!(kind = %job.kind, %error, "job failed");
                let backoff = chrono::Duration::seconds(30 * job.attempts.clamp(1, 20));
                jobs::retry(
                    db,
                    job.id,
                    &error.to_string(),
                    tillit_store::now() + backoff,
                )
                .await?;
            }
        }
    }
    Ok(())
}

/// The Swedish date whose digest is due at `now`: from 07:00 Swedish time that day.
fn digest_day(now: DateTime<Utc>) -> Option<NaiveDate> {
    let local = now.with_timezone(&Stockholm);
    (local.hour() >= DIGEST_HOUR).then(|| local.date_naive())
}

async fn perform(db: &Db, key: &SigningKey, mail: &MailSettings, job: &Job) -> anyhow::Result<()> {
    match job.kind.as_str() {
        CHECKPOINT => {
            if let Some(size) = audit::extend_tree(db, key).await? {
                tracing::debug!(size, "signed audit checkpoint");
            }
        }
        CLEANUP => {
            let now = tillit_store::now();
            sessions::delete_expired(db).await?;
            tillit_store::operators::delete_expired_sessions(db).await?;
            throttle::delete_before(db, now - chrono::Duration::days(1)).await?;
            jobs::delete_finished_before(db, now - chrono::Duration::days(7)).await?;
            outbox::delete_before(db, now - chrono::Duration::days(OUTBOX_KEEP_DAYS)).await?;
        }
        REMINDERS_DAILY => {
            let payload: DigestPayload = serde_json::from_str(&job.payload)?;
            schedule_digests(db, payload.date).await?;
        }
        REMINDERS_DIGEST => {
            let payload: DigestPayload = serde_json::from_str(&job.payload)?;
            let organisation_id = payload
                .organisation_id
                .ok_or_else(|| anyhow::anyhow!("digest job without an organisation"))?;
            let added =
                compose_digests(db, organisation_id, payload.date, &mail.public_url).await?;
            tracing::debug!(organisation_id, added, "reminder digests composed");
        }
        INCIDENT_NOTICES => {
            let payload: NoticesPayload = serde_json::from_str(&job.payload)?;
            for organisation_id in reminders::organisation_ids(db).await? {
                let added =
                    compose_incident_notices(db, organisation_id, payload.at, &mail.public_url)
                        .await?;
                if added > 0 {
                    tracing::debug!(organisation_id, added, "incident notices composed");
                }
            }
        }
        MAIL_SEND => {
            if let Some(mailer) = &mail.mailer {
                let report = mail::send_pending(db, mailer).await?;
                if report.sent + report.failed > 0 {
                    tracing::info!(sent = report.sent, failed = report.failed, "mail sent");
                }
            }
        }
        other => anyhow::bail!("unknown job kind {other}"),
    }
    Ok(())
}

/// Enqueues one digest job per organisation for `date`.
async fn schedule_digests(db: &Db, date: NaiveDate) -> anyhow::Result<()> {
    for organisation_id in reminders::organisation_ids(db).await? {
        let payload = DigestPayload {
            organisation_id: Some(organisation_id),
            date,
        };
        jobs::enqueue(
            db,
            REMINDERS_DIGEST,
            &format!("{date}:{organisation_id}"),
            &serde_json::to_string(&payload)?,
            tillit_store::now(),
        )
        .await?;
    }
    Ok(())
}

/// Composes one digest per user with something due on `date` into the outbox, once:
/// a user's digest for a day has the dedupe key `digest:<user>:<date>`. Returns how
/// many mails were added.
async fn compose_digests(
    db: &Db,
    organisation_id: i64,
    date: NaiveDate,
    public_url: &str,
) -> anyhow::Result<u64> {
    let due = reminders::due_reminders(db, organisation_id, date).await?;
    let composed: Vec<(&Reminder, String, digest::Digest)> = due
        .chunk_by(|a, b| a.user_id == b.user_id)
        .filter_map(|items| {
            let first = items.first()?;
            let digest = digest::compose(items, date, public_url)?;
            Some((first, format!("digest:{}:{date}", first.user_id), digest))
        })
        .collect();
    let mails: Vec<NewMail<'_>> = composed
        .iter()
        .map(|(recipient, dedupe_key, digest)| NewMail {
            recipient_user_id: Some(recipient.user_id),
            recipient_name: &recipient.display_name,
            recipient_address: &recipient.email,
            subject: &digest.subject,
            body: &digest.body,
            dedupe_key,
        })
        .collect();
    Ok(outbox::enqueue(db, organisation_id, &mails).await?)
}

/// Composes the organisation's incident notices due at `now` into the outbox; returns
/// how many were new.
async fn compose_incident_notices(
    db: &Db,
    organisation_id: i64,
    now: DateTime<Utc>,
    public_url: &str,
) -> anyhow::Result<u64> {
    let notices = incident_notices::compose(db, organisation_id, now, public_url).await?;
    let mails: Vec<NewMail<'_>> = notices
        .iter()
        .map(|n| NewMail {
            recipient_user_id: Some(n.user_id),
            recipient_name: &n.name,
            recipient_address: &n.address,
            subject: &n.subject,
            body: &n.body,
            dedupe_key: &n.dedupe_key,
        })
        .collect();
    Ok(outbox::enqueue(db, organisation_id, &mails).await?)
}

#[cfg(test)]
mod tests;
