//! Risk scenarios on the large dataset: the management overview with the heat maps for
//! the whole organisation (`/risks`), the list of high risks through the API
//! (`/api/v1/risks?level=high`), an analysis page with its risks and action plan
//! (`/risks/analyses/{id}`) and the analysis as a PDF (`…/export.pdf`).

use std::time::Duration;

use anyhow::{bail, Context};
use reqwest::header::COOKIE;
use reqwest::Client;
use serde::Deserialize;

use super::{sign_in, Scenario, ScenarioRow, Server, TaskLog, Workload, READ_CONCURRENCY};

/// Pages of high risks the list load spreads over (the large dataset has well over a
/// hundred pages of them).
const LIST_PAGES: u64 = 10;
const PER_PAGE: &str = "50";
/// Analyses the page and PDF loads cycle through.
const ANALYSES: &str = "50";
/// Typesetting is CPU work; four at a time already keeps both cores of a small server busy.
const PDF_CONCURRENCY: u64 = 4;

/// One risk read per operation.
pub(super) enum RiskLoad {
    /// `GET /risks` with a browser session cookie.
    HeatMap { session: String },
    /// `GET /api/v1/risks?level=high&per_page=50&page=…` with an API token.
    List { token: String },
    /// `GET /risks/analyses/{id}` with a browser session cookie.
    AnalysisPage { session: String, ids: Vec<i64> },
    /// `GET /risks/analyses/{id}/export.pdf` with a browser session cookie.
    Pdf { session: String, ids: Vec<i64> },
}

impl RiskLoad {
    /// Operation number `n`: one request.
    pub(super) async fn operation(&self, client: &Client, base: &str, n: u64, log: &mut TaskLog) {
        let request = match self {
            RiskLoad::HeatMap { session } => {
                client.get(format!("{base}/risks")).header(COOKIE, session)
            }
            RiskLoad::List { token } => {
                let page = (n % LIST_PAGES + 1).to_string();
                client
                    .get(format!("{base}/api/v1/risks"))
                    .query(&[("level", "high"), ("per_page", PER_PAGE), ("page", &page)])
                    .bearer_auth(token)
            }
            RiskLoad::AnalysisPage { session, ids } => {
                let id = ids[(n % ids.len() as u64) as usize];
                client
                    .get(format!("{base}/risks/analyses/{id}"))
                    .header(COOKIE, session)
            }
            RiskLoad::Pdf { session, ids } => {
                let id = ids[(n % ids.len() as u64) as usize];
                client
                    .get(format!("{base}/risks/analyses/{id}/export.pdf"))
                    .header(COOKIE, session)
            }
        };
        log.send(request).await;
    }
}

/// Runs the chosen risk scenarios against `server`, after checking that the large
/// dataset has the risks they read.
pub(super) async fn run(
    chosen: Scenario,
    server: &Server,
    client: &Client,
    token: &str,
    duration: Duration,
) -> anyhow::Result<Vec<ScenarioRow>> {
    let heat_map = chosen.includes(Scenario::RiskHeatMap);
    let list = chosen.includes(Scenario::RiskList);
    let page = chosen.includes(Scenario::RiskAnalysisPage);
    let pdf = chosen.includes(Scenario::RiskPdf);
    let mut rows = Vec::new();
    if !(heat_map || list || page || pdf) {
        return Ok(rows);
    }
    check_risks(client, &server.base, token).await?;
    let session = sign_in(client, &server.base).await?;
    let ids = if page || pdf {
        analysis_ids(client, &server.base, token).await?
    } else {
        Vec::new()
    };
    let scenarios: [(bool, &'static str, RiskLoad, u64); 4] = [
        (
            heat_map,
            "GET /risks (heat map page)",
            RiskLoad::HeatMap {
                session: session.clone(),
            },
            READ_CONCURRENCY,
        ),
        (
            list,
            "GET /api/v1/risks?level=high",
            RiskLoad::List {
                token: token.to_owned(),
            },
            READ_CONCURRENCY,
        ),
        (
            page,
            "GET /risks/analyses/{id} (page)",
            RiskLoad::AnalysisPage {
                session: session.clone(),
                ids: ids.clone(),
            },
            READ_CONCURRENCY,
        ),
        (
            pdf,
            "GET /risks/analyses/{id}/export.pdf",
            RiskLoad::Pdf { session, ids },
            PDF_CONCURRENCY,
        ),
    ];
    for (wanted, label, load, concurrency) in scenarios {
        if wanted {
            rows.push(
                server
                    .load(label, client, Workload::Risk(load), concurrency, duration)
                    .await?,
            );
        }
    }
    Ok(rows)
}

#[derive(Deserialize)]
struct Listed {
    total: i64,
    #[serde(default)]
    items: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    id: i64,
}

/// Fails unless the large dataset is loaded: at least 20,000 risks, enough high ones
/// to fill the pages the list load asks for.
async fn check_risks(client: &Client, base: &str, token: &str) -> anyhow::Result<()> {
    let count = |level: Option<&'static str>| {
        let mut request = client
            .get(format!("{base}/api/v1/risks"))
            .query(&[("per_page", "1")])
            .bearer_auth(token);
        if let Some(level) = level {
            request = request.query(&[("level", level)]);
        }
        async move {
            let listed: Listed = request
                .send()
                .await?
                .error_for_status()
                .context("GET /api/v1/risks")?
                .json()
                .await?;
            anyhow::Ok(listed.total)
        }
    };
    let all = count(None).await?;
    if all < 20_000 {
        bail!("the large dataset has {all} risks, fewer than the 20,000 the risk scenarios expect");
    }
    let high = count(Some("high")).await?;
    let needed = 50 * (LIST_PAGES as i64 - 1) + 1;
    if high < needed {
        bail!("the large dataset has {high} high risks, fewer than the {needed} the bench pages through");
    }
    Ok(())
}

/// The first analyses in designation order, each with twenty risks and its action plan.
async fn analysis_ids(client: &Client, base: &str, token: &str) -> anyhow::Result<Vec<i64>> {
    let listed: Listed = client
        .get(format!("{base}/api/v1/risk-analyses"))
        .query(&[("per_page", ANALYSES)])
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()
        .context("GET /api/v1/risk-analyses")?
        .json()
        .await?;
    let ids: Vec<i64> = listed.items.iter().map(|item| item.id).collect();
    if ids.is_empty() {
        bail!("the demo organisation has no risk analyses");
    }
    Ok(ids)
}
