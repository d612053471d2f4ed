//! Incident scenarios on the large dataset: the start page with every running clock for
//! someone who reads all cases (`GET /`), the intake through the API
//! (`POST /api/v1/incidents`, the audit trail verified afterwards), and, with the server
//! stopped, the deadline scan over every open report that the notice job runs each
//! minute.

use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Utc;
use reqwest::header::COOKIE;
use reqwest::Client;
use serde::Deserialize;
use serde_json::json;
use tillit_store::incidents::{self as store, ClockFilter, Visibility};

use super::{
    sign_in, some_unit_ids, Scenario, ScenarioRow, Server, Site, TaskLog, Workload,
    READ_CONCURRENCY, WRITE_CONCURRENCY,
};
use crate::demo::large_incidents::OPEN_CASES;

/// Scans timed for the deadline-scan figure.
const SCANS: usize = 20;

/// One incident operation.
pub(super) enum IncidentLoad {
    /// `GET /` with a browser session cookie.
    StartPage { session: String },
    /// `POST /api/v1/incidents` with an API token, at one of `units`.
    Intake { token: String, units: Vec<i64> },
}

impl IncidentLoad {
    pub(super) async fn operation(&self, client: &Client, base: &str, n: u64, log: &mut TaskLog) {
        let request = match self {
            IncidentLoad::StartPage { session } => {
                client.get(format!("{base}/")).header(COOKIE, session)
            }
            IncidentLoad::Intake { token, units } => {
                let unit = units[(n % units.len() as u64) as usize];
                let discovered = (Utc::now() - chrono::Duration::minutes(30)).to_rfc3339();
                client
                    .post(format!("{base}/api/v1/incidents"))
                    .bearer_auth(token)
                    .json(&json!({
                        "title": format!("Larm från övervakningen {n}"),
                        "description": "Tjänsten svarar inte på hälsokontrollen.",
                        "discovered_at": discovered,
                        "unit_id": unit,
                        "care_disrupted": n.is_multiple_of(3),
                    }))
            }
        };
        log.send(request).await;
    }
}

pub(super) async fn run(
    chosen: Scenario,
    server: &Server,
    client: &Client,
    token: &str,
    duration: Duration,
) -> anyhow::Result<Vec<ScenarioRow>> {
    let start = chosen.includes(Scenario::IncidentStart);
    let intake = chosen.includes(Scenario::IncidentIntake);
    let mut rows = Vec::new();
    if !(start || intake) {
        return Ok(rows);
    }
    check_cases(client, &server.base, token).await?;
    if start {
        let session = sign_in(client, &server.base).await?;
        rows.push(
            server
                .load(
                    "GET / (start page, all clocks)",
                    client,
                    Workload::Incident(IncidentLoad::StartPage { session }),
                    READ_CONCURRENCY,
                    duration,
                )
                .await?,
        );
    }
    if intake {
        let units = some_unit_ids(client, &server.base, token).await?;
        rows.push(
            server
                .load(
                    "POST /api/v1/incidents (intake)",
                    client,
                    Workload::Incident(IncidentLoad::Intake {
                        token: token.to_owned(),
                        units,
                    }),
                    WRITE_CONCURRENCY,
                    duration,
                )
                .await?,
        );
    }
    Ok(rows)
}

#[derive(Deserialize)]
struct Listed {
    total: i64,
}

/// Fails unless the large dataset's open cases are there.
async fn check_cases(client: &Client, base: &str, token: &str) -> anyhow::Result<()> {
    let listed: Listed = client
        .get(format!("{base}/api/v1/incidents"))
        .query(&[("status", "open"), ("per_page", "1")])
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()
        .context("GET /api/v1/incidents")?
        .json()
        .await?;
    if listed.total < OPEN_CASES as i64 {
        bail!(
            "the large dataset has {} open incidents, fewer than the {OPEN_CASES} the incident scenarios expect",
            listed.total
        );
    }
    Ok(())
}

/// The deadline scan: every running clock of the organisation, as the notice job reads
/// them, and the whole notice composition around it.
pub(super) struct Scan {
    clocks: usize,
    scan_mean: Duration,
    scan_max: Duration,
    compose_mean: Duration,
    compose_max: Duration,
}

fn mean_max(times: &[Duration]) -> (Duration, Duration) {
    let total: Duration = times.iter().sum();
    (
        total / times.len().max(1) as u32,
        times.iter().copied().max().unwrap_or_default(),
    )
}

/// Times the scan with the server stopped, straight on the database.
pub(super) async fn deadline_scan(chosen: Scenario, site: &Site) -> anyhow::Result<Option<Scan>> {
    if !chosen.includes(Scenario::IncidentScan) {
        return Ok(None);
    }
    let db = tillit_store::Db::connect(&site.database_url)
        .await
        .context("opening the bench database")?;
    let organisation_id = tillit_store::org::first_organisation_id(&db)
        .await?
        .context("the bench database has no organisation")?;
    let filter = ClockFilter {
        visibility: Visibility::All,
        due_before: None,
        limit: 100_000,
    };
    let mut scans = Vec::with_capacity(SCANS);
    let mut composes = Vec::with_capacity(SCANS);
    let mut clocks = 0;
    for _ in 0..SCANS {
        let started = Instant::now();
        clocks = store::open_clocks(&db, organisation_id, &filter)
            .await?
            .len();
        scans.push(started.elapsed());
        let started = Instant::now();
        crate::mail::incident_notices::compose(&db, organisation_id, Utc::now(), "http://bench")
            .await?;
        composes.push(started.elapsed());
    }
    db.close().await;
    let (scan_mean, scan_max) = mean_max(&scans);
    let (compose_mean, compose_max) = mean_max(&composes);
    Ok(Some(Scan {
        clocks,
        scan_mean,
        scan_max,
        compose_mean,
        compose_max,
    }))
}

impl fmt::Display for Scan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        writeln!(
            f,
            "{:<36} mean {:.1} ms, max {:.1} ms",
            format!("deadline scan ({} running clocks)", self.clocks),
            ms(self.scan_mean),
            ms(self.scan_max)
        )?;
        writeln!(
            f,
            "{:<36} mean {:.1} ms, max {:.1} ms",
            "incident notices composed",
            ms(self.compose_mean),
            ms(self.compose_max)
        )
    }
}
