//! The annual report scenario: the whole organisation's report of the current year,
//! a draft whose figures are counted over the large dataset, generated as a PDF. Timed
//! one request at a time on a server of its own, so its peak memory is the report's and
//! not what earlier load scenarios left behind in the allocator.

use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::Datelike;
use reqwest::Client;
use serde::Deserialize;
use serde_json::json;

use super::{mib, Scenario, Server, Site};

/// PDFs generated; the figures are the slowest and the last.
const RUNS: usize = 3;

pub(super) struct AnnualReportPdf {
    runs: Vec<Duration>,
    bytes: usize,
    peak_rss_kb: u64,
}

#[derive(Deserialize)]
struct Listed {
    items: Vec<Listing>,
}

#[derive(Deserialize)]
struct Listing {
    id: i64,
    year: i64,
    unit_id: Option<i64>,
    status: String,
}

/// The organisation's draft report of the current year (the demo has one), made if
/// missing.
async fn draft_report(client: &Client, base: &str, token: &str) -> anyhow::Result<i64> {
    let year = i64::from(chrono::Utc::now().year());
    let listed: Listed = client
        .get(format!("{base}/api/v1/reports?per_page=500"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    if let Some(found) = listed
        .items
        .iter()
        .find(|r| r.year == year && r.unit_id.is_none() && r.status == "draft")
    {
        return Ok(found.id);
    }
    let created: Listing = client
        .post(format!("{base}/api/v1/reports"))
        .bearer_auth(token)
        .json(&json!({ "year": year }))
        .send()
        .await?
        .error_for_status()?
        .json()
        .await?;
    Ok(created.id)
}

pub(super) async fn run(
    chosen: Scenario,
    site: &Site,
    client: &Client,
    token: &str,
) -> anyhow::Result<Option<AnnualReportPdf>> {
    if !chosen.includes(Scenario::AnnualReportPdf) {
        return Ok(None);
    }
    eprintln!("bench: annual report PDF of the whole organisation, {RUNS} times");
    let (server, _) = Server::start(site, client).await?;
    let measured = generate(&server, client, token).await;
    server.stop().await?;
    measured.map(Some)
}

async fn generate(
    server: &Server,
    client: &Client,
    token: &str,
) -> anyhow::Result<AnnualReportPdf> {
    let id = draft_report(client, &server.base, token).await?;
    let mut runs = Vec::with_capacity(RUNS);
    let mut bytes = 0;
    for _ in 0..RUNS {
        let started = Instant::now();
        let response = client
            .get(format!("{}/api/v1/reports/{id}/pdf", server.base))
            .bearer_auth(token)
            .send()
            .await
            .context("asking for the annual report PDF")?;
        if !response.status().is_success() {
            bail!("the annual report PDF answered {}", response.status());
        }
        let body = response.bytes().await?;
        runs.push(started.elapsed());
        if !body.starts_with(b"%PDF-") {
            bail!("the annual report download is not a PDF");
        }
        bytes = body.len();
    }
    Ok(AnnualReportPdf {
        runs,
        bytes,
        peak_rss_kb: server.status_kb("VmHWM")?,
    })
}

impl fmt::Display for AnnualReportPdf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slowest = self.runs.iter().max().copied().unwrap_or_default();
        let first = self.runs.first().copied().unwrap_or_default();
        writeln!(
            f,
            "{:<36} {:.2} s first, {:.2} s slowest of {}, {} KiB, peak RSS {:.1} MiB",
            "annual report PDF (organisation)",
            first.as_secs_f64(),
            slowest.as_secs_f64(),
            self.runs.len(),
            self.bytes / 1024,
            mib(self.peak_rss_kb)
        )
    }
}
