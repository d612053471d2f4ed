//! The annual cycle's calendar feed on the large dataset: the administrator's personal
//! feed address (`GET /calendar/{token}.ics`), which holds the organisation's shared
//! points, every risk-analysis renewal and the administrator's own measures for a year
//! ahead.

use std::time::Duration;

use anyhow::{bail, Context};
use reqwest::header::COOKIE;
use reqwest::Client;

use super::{
    hidden_input, sign_in, Scenario, ScenarioRow, Server, TaskLog, Workload, READ_CONCURRENCY,
};

/// One calendar operation.
pub(super) enum CalendarLoad {
    /// `GET` of a personal feed address (a path with its token).
    Feed { path: String },
}

impl CalendarLoad {
    pub(super) async fn operation(&self, client: &Client, base: &str, log: &mut TaskLog) {
        match self {
            CalendarLoad::Feed { path } => {
                log.send(client.get(format!("{base}{path}"))).await;
            }
        }
    }
}

pub(super) async fn run(
    chosen: Scenario,
    server: &Server,
    client: &Client,
    duration: Duration,
) -> anyhow::Result<Vec<ScenarioRow>> {
    if !chosen.includes(Scenario::CalendarFeed) {
        return Ok(Vec::new());
    }
    let path = feed_path(client, &server.base).await?;
    let body = client
        .get(format!("{}{path}", server.base))
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let entries = body.matches("BEGIN:VTODO").count();
    if entries == 0 {
        bail!("the calendar feed has no entries; the large demo should fill it");
    }
    eprintln!(
        "bench: the calendar feed has {entries} entries, {} bytes",
        body.len()
    );
    Ok(vec![
        server
            .load(
                "GET /calendar/{token}.ics (feed)",
                client,
                Workload::Calendar(CalendarLoad::Feed { path }),
                READ_CONCURRENCY,
                duration,
            )
            .await?,
    ])
}

/// Makes the administrator's feed address through the calendar page, as a person would.
async fn feed_path(client: &Client, base: &str) -> anyhow::Result<String> {
    let session = sign_in(client, base).await?;
    let page = client
        .get(format!("{base}/governance/calendar"))
        .header(COOKIE, &session)
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let csrf = hidden_input(&page, "csrf_token").context("the calendar page has no form")?;
    let made = client
        .post(format!("{base}/governance/calendar/feed"))
        .header(COOKIE, &session)
        .form(&[("csrf_token", csrf.as_str())])
        .send()
        .await?
        .error_for_status()?
        .text()
        .await?;
    let marker = "id=\"feed-url\" readonly value=\"";
    let start = made.find(marker).context("no feed address shown")? + marker.len();
    let url = &made[start..start + made[start..].find('"').context("feed address")?];
    let path = &url[url.find("/calendar/").context("feed path")?..];
    Ok(path.to_owned())
}
