//! Register scenarios: the list of networks and information systems, filtered by kind
//! and searched, 50 per page, as the rendered page (`/register`) and through the API
//! (`/api/v1/systems`), on the large dataset.

use std::time::Duration;

use anyhow::{bail, Context};
use reqwest::header::COOKIE;
use reqwest::Client;
use serde::Deserialize;

use super::{sign_in, Scenario, ScenarioRow, Server, TaskLog, Workload, READ_CONCURRENCY};

/// Searches the load cycles through: text typed in the search box and a kind filter
/// (empty for all kinds). Each matches at least two pages in the large dataset.
const SEARCHES: [(&str, &str); 8] = [
    ("journal", "information_system"),
    ("almby", "information_system"),
    ("nät", "network"),
    ("hemtjänst", "it_service"),
    ("larm", ""),
    ("folktandvården", "information_system"),
    ("västerby", ""),
    ("tidbok", "information_system"),
];
/// Pages of each search the load spreads over.
const PAGES: u64 = 2;
const PER_PAGE: &str = "50";

/// The systems list, one search and page per operation.
pub(super) enum SystemsList {
    /// `GET /register?q=…&kind=…&page=…` with a browser session cookie.
    Page { session: String },
    /// `GET /api/v1/systems?q=…&kind=…&per_page=50&page=…` with an API token.
    Api { token: String },
}

impl SystemsList {
    /// Operation number `n`: one request.
    pub(super) async fn operation(&self, client: &Client, base: &str, n: u64, log: &mut TaskLog) {
        let (query, kind) = SEARCHES[(n % SEARCHES.len() as u64) as usize];
        let page = ((n / SEARCHES.len() as u64) % PAGES + 1).to_string();
        let request = match self {
            SystemsList::Page { session } => client
                .get(format!("{base}/register"))
                .query(&[("q", query), ("kind", kind), ("page", &page)])
                .header(COOKIE, session),
            SystemsList::Api { token } => client
                .get(format!("{base}/api/v1/systems"))
                .query(&[
                    ("q", query),
                    ("kind", kind),
                    ("per_page", PER_PAGE),
                    ("page", &page),
                ])
                .bearer_auth(token),
        };
        log.send(request).await;
    }
}

/// Runs the chosen register scenarios against `server`, after checking that every
/// search fills the pages the load asks for.
pub(super) async fn run(
    chosen: Scenario,
    server: &Server,
    client: &Client,
    token: &str,
    duration: Duration,
) -> anyhow::Result<Vec<ScenarioRow>> {
    let page = chosen.includes(Scenario::SystemsPage);
    let api = chosen.includes(Scenario::SystemsApi);
    let mut rows = Vec::new();
    if page || api {
        check_searches(client, &server.base, token).await?;
    }
    if page {
        let session = sign_in(client, &server.base).await?;
        let workload = Workload::Systems(SystemsList::Page { session });
        rows.push(
            server
                .load(
                    "GET /register?q&kind (page)",
                    client,
                    workload,
                    READ_CONCURRENCY,
                    duration,
                )
                .await?,
        );
    }
    if api {
        let workload = Workload::Systems(SystemsList::Api {
            token: token.to_owned(),
        });
        rows.push(
            server
                .load(
                    "GET /api/v1/systems?q&kind",
                    client,
                    workload,
                    READ_CONCURRENCY,
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

/// Fails unless every search matches more than `PAGES - 1` full pages, so the load
/// measures full pages of results rather than empty ones.
async fn check_searches(client: &Client, base: &str, token: &str) -> anyhow::Result<()> {
    let needed = 50 * (PAGES as i64 - 1) + 1;
    for (query, kind) in SEARCHES {
        let listed: Listed = client
            .get(format!("{base}/api/v1/systems"))
            .query(&[("q", query), ("kind", kind), ("per_page", "1")])
            .bearer_auth(token)
            .send()
            .await?
            .error_for_status()
            .with_context(|| format!("GET /api/v1/systems?q={query}&kind={kind}"))?
            .json()
            .await?;
        if listed.total < needed {
            bail!(
                "the search {query:?} (kind {kind:?}) matches {} entries, fewer than the {needed} the bench pages through",
                listed.total
            );
        }
    }
    Ok(())
}
