//! E-mail through SMTP (lettre over rustls with the ring provider). The digest job
//! composes reminder mail into the outbox ([`digest`]); the `mail.send` job sends it from
//! there with [`send_pending`]. Without `smtp_url` mail is off: the outbox fills and
//! nothing is sent.

pub mod digest;
pub mod incident_notices;
#[cfg(test)]
pub mod test_server;

use std::time::Duration;

use anyhow::Context;
use chrono::TimeDelta;
use lettre::message::header::{ContentType, HeaderName, HeaderValue};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use tillit_store::reminders::outbox::{self, OutboxMail};
use tillit_store::Db;

use crate::config::Config;

/// How long one SMTP command may take.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);
/// A claimed mail is left alone by other processes this long.
const LEASE_MINUTES: i64 = 10;
/// Mail composed longer ago than this is not sent: yesterday's digest helps nobody.
const STALE_AFTER_HOURS: i64 = 36;
/// At most this many mails are tried in one run of the send job.
const MAX_PER_RUN: usize = 200;

/// What the worker needs for mail: where links point, and the sender when mail is on.
pub struct MailSettings {
    /// Base address for links, without a trailing slash.
    pub public_url: String,
    pub mailer: Option<Mailer>,
}

impl MailSettings {
    /// Reads the settings and says once in the log whether mail is on.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let mailer = match config.smtp()? {
            Some((url, from)) => Some(Mailer::new(url, from)?),
            None => None,
        };
        match &mailer {
            Some(mailer) => {
                tracing::info!(relay = %mailer.relay, "reminder mail is sent through SMTP")
            }
            None => tracing::info!(
                "mail is off (no smtp_url): reminders are kept in the outbox and not sent"
            ),
        }
        Ok(Self {
            public_url: config.public_url(),
            mailer,
        })
    }
}

/// Sends mail through one SMTP server.
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    /// The server's host and port, for the log (never the credentials).
    relay: String,
}

/// Why a mail was not sent.
#[derive(Debug)]
pub struct Failure {
    pub message: String,
    /// The server or the address refused this mail for good; others may still go.
    pub permanent: bool,
}

impl Mailer {
    /// A sender for `smtp_url` (`smtp://`, `smtp://…?tls=required`, `smtps://`) with
    /// `mail_from` as the sender.
    pub fn new(smtp_url: &str, mail_from: &str) -> anyhow::Result<Self> {
        let from: Mailbox = mail_from.parse().with_context(|| {
            format!("TILLIT_MAIL_FROM={mail_from} is not an address like \"tillit <noreply@region.example>\"")
        })?;
        let relay = relay_name(smtp_url);
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(smtp_url)
            .with_context(|| format!("TILLIT_SMTP_URL ({relay}) is not a usable SMTP address"))?
            .timeout(Some(SMTP_TIMEOUT))
            .build();
        Ok(Self {
            transport,
            from,
            relay,
        })
    }

    /// Sends one mail from the outbox.
    pub async fn send(&self, mail: &OutboxMail) -> Result<(), Failure> {
        let message = self.message(mail).map_err(|error| Failure {
            message: error.to_string(),
            permanent: true,
        })?;
        self.transport
            .send(message)
            .await
            .map(|_| ())
            .map_err(|error| Failure {
                message: error.to_string(),
                permanent: error.is_permanent(),
            })
    }

    fn message(&self, mail: &OutboxMail) -> anyhow::Result<Message> {
        let address = mail
            .recipient_address
            .parse()
            .with_context(|| format!("{} is not an e-mail address", mail.recipient_address))?;
        let name = Some(mail.recipient_name.clone()).filter(|n| !n.is_empty());
        // The same row always gets the same id, so a repeat after a crash is recognisable.
        let message_id = format!(
            "<tillit.{}.{}@{}>",
            mail.id,
            mail.created_at.timestamp_micros(),
            self.from.email.domain()
        );
        Ok(Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(name, address))
            .subject(mail.subject.as_str())
            .message_id(Some(message_id))
            .raw_header(HeaderValue::new(
                HeaderName::new_from_ascii_str("Auto-Submitted"),
                "auto-generated".to_owned(),
            ))
            .header(ContentType::TEXT_PLAIN)
            .body(mail.body.clone())?)
    }
}

/// The server part of an SMTP URL, without user or password.
fn relay_name(smtp_url: &str) -> String {
    let rest = smtp_url
        .split_once("://")
        .map_or(smtp_url, |(_, rest)| rest);
    let rest = rest.rsplit_once('@').map_or(rest, |(_, host)| host);
    rest.split(['/', '?']).next().unwrap_or_default().to_owned()
}

/// What one run of the send job did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct SendReport {
    pub sent: usize,
    pub failed: usize,
}

/// Sends due outbox mail. A failure puts the mail back with a growing delay; a failure
/// that may be the server's (it is down, busy or refuses us) ends the run, so a dead
/// server is not asked once per mail.
pub async fn send_pending(db: &Db, mailer: &Mailer) -> anyhow::Result<SendReport> {
    let mut report = SendReport::default();
    let lease = TimeDelta::minutes(LEASE_MINUTES);
    let fresh_after = tillit_store::now() - TimeDelta::hours(STALE_AFTER_HOURS);
    for _ in 0..MAX_PER_RUN {
        let Some(mail) = outbox::claim(db, lease, fresh_after).await? else {
            break;
        };
        match mailer.send(&mail).await {
            Ok(()) => {
                outbox::mark_sent(db, mail.id).await?;
                report.sent += 1;
            }
            Err(failure) => {
                tracing::warn!(
                    mail = mail.id,
                    attempts = mail.attempts,
                    error = %failure.message,
                    "mail not sent"
                );
                let retry_at = tillit_store::now() + backoff(mail.attempts);
                outbox::mark_failed(db, mail.id, &failure.message, retry_at).await?;
                report.failed += 1;
                if !failure.permanent {
                    break;
                }
            }
        }
    }
    Ok(report)
}

/// Five minutes after the first failure, doubling up to six hours.
fn backoff(attempts: i64) -> TimeDelta {
    let doublings = u32::try_from(attempts.saturating_sub(1).clamp(0, 10)).unwrap_or(10);
    TimeDelta::minutes((5_i64 << doublings).min(6 * 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relay_names_hide_credentials() {
        assert_eq!(relay_name("smtp://127.0.0.1:2525"), "127.0.0.1:2525");
        assert_eq!(
            relay_name("smtps://user:p@ss@mail.region.example:465"),
            "mail.region.example:465"
        );
        assert_eq!(
            relay_name("smtp://mail.region.example:587?tls=required"),
            "mail.region.example:587"
        );
    }

    #[test]
    fn every_url_form_builds_a_sender_and_bad_settings_are_named() {
        for url in [
            "smtp://127.0.0.1:2525",
            "smtps://user:pass@mail.region.example:465",
            "smtp://mail.region.example:587?tls=required",
        ] {
            assert!(
                Mailer::new(url, "tillit <noreply@region.example>").is_ok(),
                "{url}"
            );
        }
        let bad_from = Mailer::new("smtp://127.0.0.1:2525", "nobody")
            .err()
            .unwrap();
        assert!(bad_from.to_string().contains("TILLIT_MAIL_FROM"));
        let bad_url = Mailer::new("http://user:secret@mail.example", "a@b.example")
            .err()
            .unwrap();
        assert!(bad_url.to_string().contains("TILLIT_SMTP_URL"));
        assert!(!format!("{bad_url:#}").contains("secret"));
    }

    #[test]
    fn retries_back_off_up_to_six_hours() {
        assert_eq!(backoff(1), TimeDelta::minutes(5));
        assert_eq!(backoff(2), TimeDelta::minutes(10));
        assert_eq!(backoff(4), TimeDelta::minutes(40));
        assert_eq!(backoff(9), TimeDelta::hours(6));
        assert_eq!(backoff(i64::MAX), TimeDelta::hours(6));
    }
}
