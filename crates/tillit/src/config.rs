//! Configuration: defaults, then `tillit.toml`, then `TILLIT_*` environment variables.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `postgres://…` for PostgreSQL; otherwise a SQLite file (created when missing).
    pub database_url: String,
    /// Where the SQLite database and the audit signing key live.
    pub data_dir: PathBuf,
    pub bind: SocketAddr,
    /// The Ed25519 key that signs audit checkpoints; several servers sharing one
    /// PostgreSQL must share it. Defaults to `<data_dir>/audit-signing.key`.
    pub audit_key_path: Option<PathBuf>,
    /// Served over TLS (directly or behind a proxy): `Secure` cookies and HSTS.
    pub secure_cookies: bool,
    pub trust_forwarded_for: bool,
    pub session_idle_minutes: i64,
    pub max_failed_logins: i64,
    pub log: String,
    /// Where reminder mail is sent: `smtp://host:25`, `smtp://host:587?tls=required`,
    /// `smtps://user:pass@host:465`. Empty: mail is off (the outbox still fills).
    pub smtp_url: String,
    /// The sender of reminder mail, e.g. `tillit <noreply@region.example>`.
    pub mail_from: String,
    /// The address people use to reach tillit, for links in mail. Defaults to
    /// `http://<bind>`.
    pub public_url: String,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: String::new(),
            data_dir: PathBuf::from("tillit-data"),
            bind: SocketAddr::from(([127, 0, 0, 1], 8080)),
            audit_key_path: None,
            secure_cookies: false,
            trust_forwarded_for: false,
            session_idle_minutes: 60,
            max_failed_logins: 10,
            log: "info".into(),
            smtp_url: String::new(),
            mail_from: String::new(),
            public_url: String::new(),
        }
    }
}

impl Config {
    /// Reads `path` (or `./tillit.toml` when it exists) and then the environment.
    pub fn load(path: Option<&Path>) -> anyhow::Result<Self> {
        let file = path
            .map(Path::to_path_buf)
            .or_else(|| Some(PathBuf::from("tillit.toml")).filter(|p| p.exists()));
        let mut config = match &file {
            Some(file) => {
                let text = std::fs::read_to_string(file)
                    .with_context(|| format!("reading {}", file.display()))?;
                toml::from_str(&text).with_context(|| format!("parsing {}", file.display()))?
            }
            None => Config::default(),
        };
        config.apply_env(|name| std::env::var(name).ok())?;
        Ok(config)
    }

    fn apply_env(&mut self, var: impl Fn(&str) -> Option<String>) -> anyhow::Result<()> {
        if let Some(v) = var("TILLIT_DATABASE_URL") {
            self.database_url = v;
        }
        if let Some(v) = var("TILLIT_DATA_DIR") {
            self.data_dir = v.into();
        }
        if let Some(v) = var("TILLIT_BIND") {
            self.bind = v.parse().with_context(|| {
                format!("TILLIT_BIND={v} is not an address like 127.0.0.1:8080")
            })?;
        }
        if let Some(v) = var("TILLIT_AUDIT_KEY_PATH") {
            self.audit_key_path = Some(v.into());
        }
        if let Some(v) = var("TILLIT_SECURE_COOKIES") {
            self.secure_cookies = parse_bool("TILLIT_SECURE_COOKIES", &v)?;
        }
        if let Some(v) = var("TILLIT_TRUST_FORWARDED_FOR") {
            self.trust_forwarded_for = parse_bool("TILLIT_TRUST_FORWARDED_FOR", &v)?;
        }
        if let Some(v) = var("TILLIT_SESSION_IDLE_MINUTES") {
            self.session_idle_minutes = v
                .parse()
                .with_context(|| format!("TILLIT_SESSION_IDLE_MINUTES={v} is not a number"))?;
        }
        if let Some(v) = var("TILLIT_MAX_FAILED_LOGINS") {
            self.max_failed_logins = v
                .parse()
                .with_context(|| format!("TILLIT_MAX_FAILED_LOGINS={v} is not a number"))?;
        }
        if let Some(v) = var("TILLIT_LOG") {
            self.log = v;
        }
        if let Some(v) = var("TILLIT_SMTP_URL") {
            self.smtp_url = v;
        }
        if let Some(v) = var("TILLIT_MAIL_FROM") {
            self.mail_from = v;
        }
        if let Some(v) = var("TILLIT_PUBLIC_URL") {
            self.public_url = v;
        }
        Ok(())
    }

    pub fn database_url(&self) -> String {
        if self.database_url.is_empty() {
            format!("sqlite://{}", self.data_dir.join("tillit.db").display())
        } else {
            self.database_url.clone()
        }
    }

    pub fn audit_key_path(&self) -> PathBuf {
        self.audit_key_path
            .clone()
            .unwrap_or_else(|| self.data_dir.join("audit-signing.key"))
    }

    /// The base address for links in mail, without a trailing slash.
    pub fn public_url(&self) -> String {
        let url = self.public_url.trim();
        if url.is_empty() {
            format!("http://{}", self.bind)
        } else {
            url.trim_end_matches('/').to_owned()
        }
    }

    /// The SMTP server and sender, or `None` when mail is off. A server without a
    /// sender is a mistake, refused at startup.
    pub fn smtp(&self) -> anyhow::Result<Option<(&str, &str)>> {
        let url = self.smtp_url.trim();
        if url.is_empty() {
            return Ok(None);
        }
        let from = self.mail_from.trim();
        anyhow::ensure!(
            !from.is_empty(),
            "TILLIT_SMTP_URL (smtp_url) is set, so TILLIT_MAIL_FROM (mail_from) must name the sender"
        );
        Ok(Some((url, from)))
    }

    pub fn web(&self) -> tillit_web::WebConfig {
        tillit_web::WebConfig {
            secure_cookies: self.secure_cookies,
            session_idle_minutes: self.session_idle_minutes,
            trust_forwarded_for: self.trust_forwarded_for,
            max_failed_logins: self.max_failed_logins,
            ..Default::default()
        }
    }
}

fn parse_bool(name: &str, value: &str) -> anyhow::Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => anyhow::bail!("{name}={value} is not true or false"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_then_environment_override_defaults() {
        let mut config: Config =
            toml::from_str("bind = \"0.0.0.0:9000\"\nsession_idle_minutes = 30\n").unwrap();
        assert_eq!(config.bind.port(), 9000);
        assert_eq!(config.database_url(), "sqlite://tillit-data/tillit.db");
        config
            .apply_env(|name| match name {
                "TILLIT_DATABASE_URL" => Some("postgres://localhost/tillit".into()),
                "TILLIT_SESSION_IDLE_MINUTES" => Some("15".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(config.database_url(), "postgres://localhost/tillit");
        assert_eq!(config.session_idle_minutes, 15);
        assert_eq!(config.bind.port(), 9000);
    }

    #[test]
    fn bad_values_are_named() {
        let mut config = Config::default();
        let error = config
            .apply_env(|name| (name == "TILLIT_BIND").then(|| "nowhere".into()))
            .unwrap_err();
        assert!(error.to_string().contains("TILLIT_BIND"));
        assert!(toml::from_str::<Config>("unknown_key = 1").is_err());
    }

    #[test]
    fn mail_is_off_until_a_server_and_sender_are_given() {
        let mut config: Config = toml::from_str("bind = \"10.0.0.5:8080\"\n").unwrap();
        assert!(config.smtp().unwrap().is_none());
        assert_eq!(config.public_url(), "http://10.0.0.5:8080");

        config
            .apply_env(|name| (name == "TILLIT_SMTP_URL").then(|| "smtp://127.0.0.1:2525".into()))
            .unwrap();
        let error = config.smtp().unwrap_err();
        assert!(error.to_string().contains("TILLIT_MAIL_FROM"), "{error}");

        let mut config: Config = toml::from_str(
            "smtp_url = \"smtps://user:pass@mail.region.example:465\"\n\
             mail_from = \"tillit <noreply@region.example>\"\n\
             public_url = \"https://lis.region.example/\"\n",
        )
        .unwrap();
        assert_eq!(
            config.smtp().unwrap(),
            Some((
                "smtps://user:pass@mail.region.example:465",
                "tillit <noreply@region.example>"
            ))
        );
        assert_eq!(config.public_url(), "https://lis.region.example");
        config
            .apply_env(|name| match name {
                "TILLIT_SMTP_URL" => Some("smtp://mail.region.example:587?tls=required".into()),
                "TILLIT_MAIL_FROM" => Some("LIS <lis@region.example>".into()),
                "TILLIT_PUBLIC_URL" => Some("https://tillit.region.example".into()),
                _ => None,
            })
            .unwrap();
        assert_eq!(
            config.smtp().unwrap(),
            Some((
                "smtp://mail.region.example:587?tls=required",
                "LIS <lis@region.example>"
            ))
        );
        assert_eq!(config.public_url(), "https://tillit.region.example");
        config
            .apply_env(|name| (name == "TILLIT_SMTP_URL").then(String::new))
            .unwrap();
        assert!(config.smtp().unwrap().is_none(), "empty turns mail off");
    }
}
