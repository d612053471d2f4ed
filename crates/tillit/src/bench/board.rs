//! The board's overview on the large dataset: the page (`/reports/board`) with a browser
//! session and the JSON (`/api/v1/board-dashboard`) with an API token, at concurrency 16.

use std::time::Duration;

use reqwest::header::COOKIE;
use reqwest::Client;

use super::{sign_in, Scenario, ScenarioRow, Server, TaskLog, Workload, READ_CONCURRENCY};

/// One read of the overview per operation.
pub(super) enum BoardLoad {
    /// `GET /reports/board` with a browser session cookie.
    Page { session: String },
    /// `GET /api/v1/board-dashboard` with an API token.
    Api { token: String },
}

impl BoardLoad {
    pub(super) async fn operation(&self, client: &Client, base: &str, log: &mut TaskLog) {
        let request = match self {
            BoardLoad::Page { session } => client
                .get(format!("{base}/reports/board"))
                .header(COOKIE, session),
            BoardLoad::Api { token } => client
                .get(format!("{base}/api/v1/board-dashboard"))
                .bearer_auth(token),
        };
        log.send(request).await;
    }
}

/// Runs the board scenario against `server`: the page, then the API.
pub(super) async fn run(
    chosen: Scenario,
    server: &Server,
    client: &Client,
    token: &str,
    duration: Duration,
) -> anyhow::Result<Vec<ScenarioRow>> {
    if !chosen.includes(Scenario::BoardDashboard) {
        return Ok(Vec::new());
    }
    let session = sign_in(client, &server.base).await?;
    let loads = [
        ("GET /reports/board (page)", BoardLoad::Page { session }),
        (
            "GET /api/v1/board-dashboard",
            BoardLoad::Api {
                token: token.to_owned(),
            },
        ),
    ];
    let mut rows = Vec::new();
    for (label, load) in loads {
        rows.push(
            server
                .load(
                    label,
                    client,
                    Workload::Board(load),
                    READ_CONCURRENCY,
                    duration,
                )
                .await?,
        );
    }
    Ok(rows)
}
