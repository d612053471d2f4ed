//! Background work: signed audit checkpoints and clean-up, as jobs in the database so
//! several server processes share them without a leader.

use std::time::Duration;

use chrono::{Timelike, Utc};
use ed25519_dalek::SigningKey;
use tillit_store::{audit, jobs, sessions, throttle, Db};
use tokio::sync::watch;

const CHECKPOINT: &str = "audit.checkpoint";
const CLEANUP: &str = "cleanup";

/// Enqueues the periodic jobs for the current minute/hour (idempotent) and runs due jobs.
pub async fn run(db: Db, key: SigningKey, mut shutdown: watch::Receiver<bool>) {
    loop {
        if let Err(error) = round(&db, &key).await {
            tracing::warn!(%error, "background round failed");
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(15)) => {}
            _ = shutdown.changed() => return,
        }
    }
}

async fn round(db: &Db, key: &SigningKey) -> anyhow::Result<()> {
    let now = Utc::now();
    let minute = now.format("%Y-%m-%dT%H:%M").to_string();
    jobs::enqueue(db, CHECKPOINT, &minute, "{}", tillit_store::now()).await?;
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
    while let Some(job) = jobs::claim(db, chrono::Duration::minutes(5)).await? {
        match perform(db, key, &job.kind).await {
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

async fn perform(db: &Db, key: &SigningKey, kind: &str) -> anyhow::Result<()> {
    match kind {
        CHECKPOINT => {
            if let Some(size) = audit::extend_tree(db, key).await? {
                tracing::debug!(size, "signed audit checkpoint");
            }
        }
        CLEANUP => {
            let now = tillit_store::now();
            sessions::delete_expired(db).await?;
            throttle::delete_before(db, now - chrono::Duration::days(1)).await?;
            jobs::delete_finished_before(db, now - chrono::Duration::days(7)).await?;
        }
        other => anyhow::bail!("unknown job kind {other}"),
    }
    Ok(())
}
