//! `tillit bench`: startup time, memory, throughput and audit verification, measured on
//! a fresh database loaded with `demo --scale large`.
//!
//! The bench drives this same binary as child processes (`demo`, `admin token`, `serve`,
//! `audit verify`) against a temporary data directory and, on PostgreSQL, a database
//! of its own that is dropped at the end. Load is generated in this process over
//! loopback, each scenario bounded in time. Every child is killed on every exit path.

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use reqwest::header::{COOKIE, LOCATION, SET_COOKIE};
use reqwest::{Client, RequestBuilder, StatusCode};
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::json;
use tokio::process::{Child, Command};
use tokio::task::JoinSet;

use crate::demo::DEMO_PASSWORD;

mod board;
mod calendar;
mod import;
mod incidents;
mod registers;
mod reports;
mod risk;

/// The demo administrator the bench signs in as.
const ADMIN_EMAIL: &str = "admin@region.example";
const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";
/// The trail size of the audit verification throughput figure.
const MILLION: u64 = 1_000_000;
/// Pages of users the read scenarios spread over (the large demo has about 100 of 50).
const PAGES: u64 = 100;
const READ_CONCURRENCY: u64 = 16;
const WRITE_CONCURRENCY: u64 = 4;
const READY_POLL: Duration = Duration::from_millis(5);
const READY_LIMIT: Duration = Duration::from_secs(60);
const STOP_LIMIT: Duration = Duration::from_secs(30);
const IDLE: Duration = Duration::from_secs(2);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// The database engine to measure.
    #[arg(long, value_enum, default_value = "sqlite")]
    engine: BenchEngine,
    /// PostgreSQL server to create the bench database on (default: TILLIT_TEST_PG_URL,
    /// else postgres://postgres@127.0.0.1:5432/postgres).
    #[arg(long, env = "TILLIT_TEST_PG_URL", hide_env_values = true)]
    pg_url: Option<String>,
    /// Duration of each load scenario, in seconds.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=600))]
    seconds: u64,
    /// Which scenarios to run; startup and memory are always measured.
    #[arg(long, value_enum, default_value = "all")]
    scenario: Scenario,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BenchEngine {
    Sqlite,
    Postgres,
}

impl BenchEngine {
    fn name(self) -> &'static str {
        match self {
            BenchEngine::Sqlite => "sqlite",
            BenchEngine::Postgres => "postgres",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Scenario {
    All,
    /// `GET /api/v1/users` with an API token.
    ApiUsers,
    /// The rendered users page with a browser session.
    UsersPage,
    /// The rendered systems list, filtered and searched, with a browser session.
    SystemsPage,
    /// `GET /api/v1/systems`, filtered and searched, with an API token.
    SystemsApi,
    /// The risk overview page with the organisation's heat maps, with a browser session.
    RiskHeatMap,
    /// `GET /api/v1/risks?level=high`, 50 per page, with an API token.
    RiskList,
    /// An analysis page with its risks and action plan, with a browser session.
    RiskAnalysisPage,
    /// An analysis exported as PDF, with a browser session.
    RiskPdf,
    /// The start page with every running incident clock, with a browser session.
    IncidentStart,
    /// Incidents reported through the API at concurrency 4, then the audit trail verified.
    IncidentIntake,
    /// The deadline scan over every open report, straight on the database.
    IncidentScan,
    /// Create and update org units, then verify the audit trail.
    Write,
    /// Import 10,000 assets from an XLSX file and export them again.
    ImportExport,
    /// Verify an audit trail of 1,000,000 events.
    Audit,
    /// The whole organisation's annual report generated as a PDF, figures counted live.
    AnnualReportPdf,
    /// The administrator's personal iCalendar feed of the annual cycle.
    CalendarFeed,
    /// The board's overview, as its page and through the API, at concurrency 16.
    BoardDashboard,
}

impl Scenario {
    fn includes(self, scenario: Scenario) -> bool {
        self == Scenario::All || self == scenario
    }
}

/// Runs the bench and prints its figures. Fails (exit code 1) when an audit check fails.
pub async fn run(args: BenchArgs) -> anyhow::Result<ExitCode> {
    let exe = std::env::current_exe().context("finding the tillit executable")?;
    let dir = tempfile::Builder::new()
        .prefix("tillit-bench-")
        .tempdir()
        .context("creating a temporary directory")?;
    match args.engine {
        BenchEngine::Sqlite => {
            let database_url = format!("sqlite://{}", dir.path().join("tillit.db").display());
            bench(
                &args,
                &Site {
                    exe,
                    dir,
                    database_url,
                },
            )
            .await
        }
        BenchEngine::Postgres => {
            let server_url = args
                .pg_url
                .clone()
                .unwrap_or_else(|| DEFAULT_PG_URL.to_owned());
            let database = BenchDatabase::create(&server_url).await?;
            let result = bench(
                &args,
                &Site {
                    exe,
                    dir,
                    database_url: database.url.clone(),
                },
            )
            .await;
            if let Err(error) = database.drop().await {
                eprintln!("warning: {error:#}");
            }
            result
        }
    }
}

async fn bench(args: &BenchArgs, site: &Site) -> anyhow::Result<ExitCode> {
    let report = measure(args, site).await?;
    print!("{report}");
    Ok(if report.audit_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// Loads the data, starts the server twice and runs the chosen scenarios.
async fn measure(args: &BenchArgs, site: &Site) -> anyhow::Result<Report> {
    let duration = Duration::from_secs(args.seconds);
    eprintln!("bench: loading demo --scale large");
    let load = site.run_ok(&["demo", "--scale", "large"]).await?;
    let token = site
        .run_ok(&["admin", "token", ADMIN_EMAIL])
        .await?
        .stdout
        .trim()
        .to_owned();
    let client = http_client()?;

    eprintln!("bench: starting the server on the fresh database");
    let (server, first_start) = Server::start(site, &client).await?;
    server.stop().await?;
    eprintln!("bench: starting the server on the existing database");
    let (server, restart) = Server::start(site, &client).await?;
    tokio::time::sleep(IDLE).await;
    let idle_rss_kb = server.status_kb("VmRSS")?;

    let scenarios = run_scenarios(args.scenario, &server, &client, token.clone(), duration).await?;
    let transfers = import::run(args.scenario, &server, &client, &token).await?;
    server.stop().await?;
    let annual_report = reports::run(args.scenario, site, &client, &token).await?;
    let scan = incidents::deadline_scan(args.scenario, site).await?;
    let (verified, million) = check_audit(args.scenario, site).await?;
    Ok(Report {
        engine: args.engine.name(),
        cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
        load: load.wall,
        loaded: load
            .stdout
            .trim()
            .trim_start_matches("large dataset loaded: ")
            .to_owned(),
        first_start,
        restart,
        idle_rss_kb,
        scenarios,
        verified,
        million,
        transfers,
        scan,
        annual_report,
    })
}

/// Runs the chosen load scenarios against `server`, one after another.
async fn run_scenarios(
    chosen: Scenario,
    server: &Server,
    client: &Client,
    token: String,
    duration: Duration,
) -> anyhow::Result<Vec<ScenarioRow>> {
    let mut scenarios = Vec::new();
    if chosen.includes(Scenario::ApiUsers) {
        let workload = Workload::ApiUsers {
            token: token.clone(),
        };
        scenarios.push(
            server
                .load(
                    "GET /api/v1/users?per_page=50",
                    client,
                    workload,
                    READ_CONCURRENCY,
                    duration,
                )
                .await?,
        );
    }
    if chosen.includes(Scenario::UsersPage) {
        let session = sign_in(client, &server.base).await?;
        let workload = Workload::UsersPage { session };
        scenarios.push(
            server
                .load(
                    "GET /users (page)",
                    client,
                    workload,
                    READ_CONCURRENCY,
                    duration,
                )
                .await?,
        );
    }
    scenarios.extend(registers::run(chosen, server, client, &token, duration).await?);
    scenarios.extend(risk::run(chosen, server, client, &token, duration).await?);
    scenarios.extend(incidents::run(chosen, server, client, &token, duration).await?);
    scenarios.extend(calendar::run(chosen, server, client, duration).await?);
    scenarios.extend(board::run(chosen, server, client, &token, duration).await?);
    if chosen.includes(Scenario::Write) {
        let parents = some_unit_ids(client, &server.base, &token).await?;
        let workload = Workload::WriteUnits { token, parents };
        scenarios.push(
            server
                .load(
                    "write: create+update org unit",
                    client,
                    workload,
                    WRITE_CONCURRENCY,
                    duration,
                )
                .await?,
        );
    }
    Ok(scenarios)
}

/// With the server stopped: `audit verify` after the writes, then over a million events.
async fn check_audit(
    chosen: Scenario,
    site: &Site,
) -> anyhow::Result<(Option<Verified>, Option<Million>)> {
    let verify_label =
        if chosen.includes(Scenario::Write) || chosen.includes(Scenario::IncidentIntake) {
            "audit verify after writes"
        } else {
            "audit verify after load"
        };
    let needs_verify = chosen.includes(Scenario::Write)
        || chosen.includes(Scenario::IncidentIntake)
        || chosen.includes(Scenario::Audit);
    let verified = if needs_verify {
        Some(site.verify(verify_label).await?)
    } else {
        None
    };
    let million = match &verified {
        Some(before) if chosen.includes(Scenario::Audit) => {
            Some(verify_million(site, before).await?)
        }
        _ => None,
    };
    Ok((verified, million))
}

/// Tops the trail up to a million events and times `audit verify` over it.
async fn verify_million(site: &Site, before: &Verified) -> anyhow::Result<Million> {
    let have = before
        .events
        .context("audit verify did not say how many events it checked")?;
    let added = MILLION.saturating_sub(have);
    eprintln!("bench: appending {added} audit events");
    let started = Instant::now();
    let db = tillit_store::Db::connect(&site.database_url)
        .await
        .context("opening the bench database")?;
    let appended = tillit_store::audit::append_synthetic(&db, added)
        .await
        .context("appending audit events");
    db.close().await;
    appended?;
    let append_time = started.elapsed();
    let verified = site.verify("audit verify 1,000,000 events").await?;
    Ok(Million {
        added,
        append_time,
        verified,
    })
}

// ---------------------------------------------------------------------------------------
// Child processes.
// ---------------------------------------------------------------------------------------

/// The data directory and database of one bench run, and how to run `tillit` on them.
struct Site {
    exe: PathBuf,
    dir: tempfile::TempDir,
    database_url: String,
}

/// A `tillit` command that ran to completion.
struct Finished {
    success: bool,
    stdout: String,
    stderr: String,
    wall: Duration,
}

impl Site {
    /// `tillit <args>` pointed at this site, ignoring any `tillit.toml` and `TILLIT_*`
    /// settings of the bench's own environment.
    fn command(&self, args: &[&str]) -> Command {
        let mut command = Command::new(&self.exe);
        command
            .args(args)
            .current_dir(self.dir.path())
            .kill_on_drop(true);
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("TILLIT_") {
                command.env_remove(name);
            }
        }
        command
            .env("TILLIT_DATABASE_URL", &self.database_url)
            .env("TILLIT_DATA_DIR", self.dir.path());
        command
    }

    /// Runs `tillit <args>` to completion and times it.
    async fn run(&self, args: &[&str]) -> anyhow::Result<Finished> {
        let started = Instant::now();
        let output = self
            .command(args)
            .stdin(Stdio::null())
            .output()
            .await
            .with_context(|| format!("running tillit {}", args.join(" ")))?;
        Ok(Finished {
            success: output.status.success(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            wall: started.elapsed(),
        })
    }

    /// Like [`Site::run`], but a non-zero exit is an error.
    async fn run_ok(&self, args: &[&str]) -> anyhow::Result<Finished> {
        let finished = self.run(args).await?;
        if !finished.success {
            bail!(
                "tillit {} failed: {}",
                args.join(" "),
                last_line(&finished.stderr)
            );
        }
        Ok(finished)
    }

    /// Runs `tillit audit verify`; a broken trail is a result, not an error.
    async fn verify(&self, label: &'static str) -> anyhow::Result<Verified> {
        eprintln!("bench: {label}");
        let finished = self.run(&["audit", "verify"]).await?;
        Ok(Verified {
            label,
            events: verified_events(&finished.stdout),
            failure: (!finished.success).then(|| last_line(&finished.stderr).to_owned()),
            wall: finished.wall,
        })
    }

    fn server_log(&self) -> PathBuf {
        self.dir.path().join("serve.log")
    }
}

/// A running `tillit serve`, killed when dropped unless [`Server::stop`] ended it first.
struct Server {
    child: Child,
    pid: libc::pid_t,
    base: String,
    log: PathBuf,
}

impl Server {
    /// Starts the server on a free loopback port and returns it with the time from
    /// spawn to the first successful `GET /readyz`.
    async fn start(site: &Site, client: &Client) -> anyhow::Result<(Server, Duration)> {
        let port = free_port()?;
        let log = site.server_log();
        let out = File::options()
            .create(true)
            .append(true)
            .open(&log)
            .with_context(|| format!("opening {}", log.display()))?;
        let err = out.try_clone()?;
        let bind = format!("127.0.0.1:{port}");
        let started = Instant::now();
        let child = site
            .command(&["serve", "--bind", &bind])
            .stdin(Stdio::null())
            .stdout(out)
            .stderr(err)
            .spawn()
            .context("starting tillit serve")?;
        let pid = child
            .id()
            .and_then(|id| libc::pid_t::try_from(id).ok())
            .context("tillit serve has no process id")?;
        let mut server = Server {
            child,
            pid,
            base: format!("http://{bind}"),
            log,
        };
        server.wait_ready(client, started).await?;
        Ok((server, started.elapsed()))
    }

    async fn wait_ready(&mut self, client: &Client, started: Instant) -> anyhow::Result<()> {
        let url = format!("{}/readyz", self.base);
        loop {
            let ready = client
                .get(&url)
                .timeout(Duration::from_secs(1))
                .send()
                .await;
            if ready.is_ok_and(|response| response.status() == StatusCode::OK) {
                return Ok(());
            }
            if let Some(status) = self.child.try_wait()? {
                bail!(
                    "tillit serve exited ({status}) before it was ready:\n{}",
                    log_tail(&self.log)
                );
            }
            if started.elapsed() > READY_LIMIT {
                bail!(
                    "tillit serve was not ready after {} s:\n{}",
                    READY_LIMIT.as_secs(),
                    log_tail(&self.log)
                );
            }
            tokio::time::sleep(READY_POLL).await;
        }
    }

    /// A `kB` field of `/proc/<pid>/status`, such as `VmRSS` or `VmHWM`.
    fn status_kb(&self, field: &str) -> anyhow::Result<u64> {
        let path = format!("/proc/{}/status", self.pid);
        let status = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
        status_field_kb(&status, field).with_context(|| format!("no {field} in {path}"))
    }

    /// Runs one load scenario against this server and notes its peak memory after.
    async fn load(
        &self,
        label: &'static str,
        client: &Client,
        workload: Workload,
        concurrency: u64,
        duration: Duration,
    ) -> anyhow::Result<ScenarioRow> {
        eprintln!(
            "bench: {label}, {concurrency} at a time for {} s",
            duration.as_secs()
        );
        let load = Arc::new(Load {
            client: client.clone(),
            base: self.base.clone(),
            workload,
        });
        let traffic = drive(load, concurrency, duration).await?;
        Ok(ScenarioRow {
            label,
            traffic,
            peak_rss_kb: self.status_kb("VmHWM")?,
        })
    }

    /// Stops the server with SIGTERM, as an operator would, and waits for it to exit.
    async fn stop(mut self) -> anyhow::Result<()> {
        // SAFETY: kill(2) has no memory effects. `pid` is our child and has not been
        // reaped (only `try_wait` before readiness could have, and that ends `start`),
        // so it cannot name another process.
        if unsafe { libc::kill(self.pid, libc::SIGTERM) } != 0 {
            return Err(std::io::Error::last_os_error()).context("sending SIGTERM to tillit serve");
        }
        let status = tokio::time::timeout(STOP_LIMIT, self.child.wait())
            .await
            .with_context(|| {
                format!(
                    "tillit serve did not stop within {} s",
                    STOP_LIMIT.as_secs()
                )
            })??;
        if !status.success() {
            bail!(
                "tillit serve exited with {status}:\n{}",
                log_tail(&self.log)
            );
        }
        Ok(())
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // Fails only when the child has already exited, which is what we want anyway.
        let _ = self.child.start_kill();
    }
}

/// A loopback port that was free a moment ago.
fn free_port() -> anyhow::Result<u16> {
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0)).context("finding a free port")?;
    Ok(listener.local_addr()?.port())
}

/// The last lines of a log file, for error messages.
fn log_tail(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(20)..].join("\n")
}

fn last_line(text: &str) -> &str {
    text.lines()
        .rev()
        .find(|line| !line.trim().is_empty())
        .unwrap_or("(no output)")
}

/// A PostgreSQL database created for one bench run.
struct BenchDatabase {
    server_url: String,
    name: String,
    url: String,
}

impl BenchDatabase {
    async fn create(server_url: &str) -> anyhow::Result<BenchDatabase> {
        let name = format!("tillit_bench_{:08x}", rand::random::<u32>());
        let url = with_database(server_url, &name)?;
        tillit_store::db::create_postgres_database(server_url, &name)
            .await
            .context("creating the bench database (--pg-url)")?;
        Ok(BenchDatabase {
            server_url: server_url.to_owned(),
            name,
            url,
        })
    }

    /// Drops the database, disconnecting anything a killed server left behind.
    async fn drop(self) -> anyhow::Result<()> {
        tillit_store::db::drop_postgres_database(&self.server_url, &self.name)
            .await
            .context("dropping the bench database")
    }
}

/// `url` naming database `name` instead of its own, keeping any `?parameters`.
fn with_database(url: &str, name: &str) -> anyhow::Result<String> {
    let (scheme, rest) = url
        .split_once("://")
        .context("the PostgreSQL URL must look like postgres://user@host:port/database")?;
    let (location, parameters) = rest
        .split_once('?')
        .map_or((rest, None), |(l, p)| (l, Some(p)));
    let authority = location
        .split_once('/')
        .map_or(location, |(authority, _)| authority);
    Ok(match parameters {
        Some(parameters) => format!("{scheme}://{authority}/{name}?{parameters}"),
        None => format!("{scheme}://{authority}/{name}"),
    })
}

// ---------------------------------------------------------------------------------------
// HTTP.
// ---------------------------------------------------------------------------------------

fn http_client() -> anyhow::Result<Client> {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .timeout(REQUEST_TIMEOUT)
        .build()
        .context("building the HTTP client")
}

/// Signs in as the demo administrator through the login form; returns the session cookie.
async fn sign_in(client: &Client, base: &str) -> anyhow::Result<String> {
    let form = client
        .get(format!("{base}/login"))
        .send()
        .await?
        .error_for_status()
        .context("GET /login")?;
    let csrf_cookie =
        set_cookie(&form, "tillit_csrf").context("GET /login set no tillit_csrf cookie")?;
    let page = form.text().await?;
    let csrf_token =
        hidden_input(&page, "csrf_token").context("the login page has no csrf_token field")?;
    let response = client
        .post(format!("{base}/login"))
        .header(COOKIE, format!("tillit_csrf={csrf_cookie}"))
        .form(&[
            ("email", ADMIN_EMAIL),
            ("password", DEMO_PASSWORD),
            ("csrf_token", &csrf_token),
        ])
        .send()
        .await?;
    if !response.status().is_redirection() {
        bail!(
            "signing in as {ADMIN_EMAIL} failed with {}",
            response.status()
        );
    }
    let target = response
        .headers()
        .get(LOCATION)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if target.starts_with("/login/two-factor") {
        bail!("{ADMIN_EMAIL} must complete two-factor sign-in; the bench needs the demo organisation's relaxed policy");
    }
    let session = set_cookie(&response, "tillit_session")
        .context("signing in set no tillit_session cookie")?;
    Ok(format!("tillit_session={session}"))
}

fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|header| header.to_str().ok())
        .find_map(|header| set_cookie_value(header, name))
        .map(str::to_owned)
}

/// The value in a `Set-Cookie` header when it sets cookie `name`.
fn set_cookie_value<'h>(header: &'h str, name: &str) -> Option<&'h str> {
    let pair = header.split(';').next()?;
    let (key, value) = pair.split_once('=')?;
    (key.trim() == name).then(|| value.trim())
}

/// The `value` of the `<input>` named `name` in `html`.
fn hidden_input(html: &str, name: &str) -> Option<String> {
    let wanted = format!("name=\"{name}\"");
    html.split("<input")
        .skip(1)
        .filter_map(|rest| rest.split('>').next())
        .find(|tag| tag.contains(&wanted))
        .and_then(|tag| {
            let (_, after) = tag.split_once("value=\"")?;
            after.split('"').next().map(str::to_owned)
        })
}

#[derive(Deserialize)]
struct Listed {
    items: Vec<Unit>,
}

#[derive(Deserialize)]
struct Unit {
    id: i64,
    version: i64,
}

/// A few existing unit ids, to create the write scenario's units below.
async fn some_unit_ids(client: &Client, base: &str, token: &str) -> anyhow::Result<Vec<i64>> {
    let listed: Listed = client
        .get(format!("{base}/api/v1/org-units?per_page=5"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()
        .context("GET /api/v1/org-units")?
        .json()
        .await?;
    let ids: Vec<i64> = listed.items.iter().map(|unit| unit.id).collect();
    if ids.is_empty() {
        bail!("the demo organisation has no units");
    }
    Ok(ids)
}

// ---------------------------------------------------------------------------------------
// Load generation.
// ---------------------------------------------------------------------------------------

/// What the load tasks send.
enum Workload {
    /// `GET /api/v1/users?per_page=50&page=…` with an API token.
    ApiUsers { token: String },
    /// `GET /users?page=…` with a browser session cookie.
    UsersPage { session: String },
    /// `POST /api/v1/org-units` and then `PUT` of the new unit, below one of `parents`.
    WriteUnits { token: String, parents: Vec<i64> },
    /// The systems list, as a page or through the API.
    Systems(registers::SystemsList),
    /// Risk overview, lists, pages and exports.
    Risk(risk::RiskLoad),
    /// The start page with its clocks and the incident intake.
    Incident(incidents::IncidentLoad),
    /// The annual cycle's calendar feed.
    Calendar(calendar::CalendarLoad),
    /// The board's overview.
    Board(board::BoardLoad),
}

/// A workload aimed at one server.
struct Load {
    client: Client,
    base: String,
    workload: Workload,
}

impl Load {
    /// Operation number `n` (distinct across tasks): one request, or a create and update.
    async fn operation(&self, n: u64, log: &mut TaskLog) {
        let page = n % PAGES + 1;
        match &self.workload {
            Workload::ApiUsers { token } => {
                let request = self
                    .client
                    .get(format!(
                        "{}/api/v1/users?per_page=50&page={page}",
                        self.base
                    ))
                    .bearer_auth(token);
                log.send(request).await;
            }
            Workload::UsersPage { session } => {
                log.send(
                    self.client
                        .get(format!("{}/users?page={page}", self.base))
                        .header(COOKIE, session),
                )
                .await;
            }
            Workload::Systems(list) => list.operation(&self.client, &self.base, n, log).await,
            Workload::Risk(load) => load.operation(&self.client, &self.base, n, log).await,
            Workload::Incident(load) => load.operation(&self.client, &self.base, n, log).await,
            Workload::Calendar(load) => load.operation(&self.client, &self.base, log).await,
            Workload::Board(load) => load.operation(&self.client, &self.base, log).await,
            Workload::WriteUnits { token, parents } => {
                // `parents` is never empty: `some_unit_ids` refuses an empty list.
                let parent = parents[(n % parents.len() as u64) as usize];
                if self
                    .create_and_update(log, token, parent, n)
                    .await
                    .is_some()
                {
                    log.operations += 1;
                }
            }
        }
    }

    async fn create_and_update(
        &self,
        log: &mut TaskLog,
        token: &str,
        parent: i64,
        n: u64,
    ) -> Option<()> {
        let units = format!("{}/api/v1/org-units", self.base);
        let body =
            json!({ "name": format!("Bench unit {n}"), "kind": "unit", "parent_id": parent });
        let created: Unit = log
            .send_json(self.client.post(&units).bearer_auth(token).json(&body))
            .await?;
        let body = json!({ "name": format!("Bench unit {n} (renamed)"), "kind": "unit", "parent_id": parent, "version": created.version });
        log.send(
            self.client
                .put(format!("{units}/{}", created.id))
                .bearer_auth(token)
                .json(&body),
        )
        .await?;
        Some(())
    }
}

/// What one load task saw.
#[derive(Default)]
struct TaskLog {
    /// Latency of every successful request, in microseconds.
    latencies_us: Vec<u32>,
    errors: u64,
    /// Completed operations, for scenarios where one takes several requests.
    operations: u64,
    first_error: Option<String>,
}

impl TaskLog {
    /// Sends a request and reads its body, timing both. Failures and non-2xx answers
    /// count as errors and give `None`.
    async fn send(&mut self, request: RequestBuilder) -> Option<Vec<u8>> {
        let started = Instant::now();
        let outcome = async { request.send().await?.error_for_status()?.bytes().await }.await;
        match outcome {
            Ok(body) => {
                self.latencies_us
                    .push(u32::try_from(started.elapsed().as_micros()).unwrap_or(u32::MAX));
                Some(Vec::from(body))
            }
            Err(error) => {
                // With its causes: reqwest's own message rarely says what went wrong.
                self.error(format!("{:#}", anyhow::Error::from(error)));
                None
            }
        }
    }

    async fn send_json<T: DeserializeOwned>(&mut self, request: RequestBuilder) -> Option<T> {
        let body = self.send(request).await?;
        serde_json::from_slice(&body)
            .map_err(|error| self.error(format!("unexpected response: {error}")))
            .ok()
    }

    fn error(&mut self, message: String) {
        self.errors += 1;
        self.first_error.get_or_insert(message);
    }

    fn merge(&mut self, other: TaskLog) {
        self.latencies_us.extend(other.latencies_us);
        self.errors += other.errors;
        self.operations += other.operations;
        if self.first_error.is_none() {
            self.first_error = other.first_error;
        }
    }
}

/// Runs `concurrency` tasks issuing operations back to back until `duration` is up.
async fn drive(load: Arc<Load>, concurrency: u64, duration: Duration) -> anyhow::Result<Traffic> {
    let started = Instant::now();
    let deadline = started + duration;
    let mut tasks = JoinSet::new();
    for task in 0..concurrency {
        let load = Arc::clone(&load);
        tasks.spawn(async move {
            let mut log = TaskLog::default();
            let mut n = task;
            while Instant::now() < deadline {
                load.operation(n, &mut log).await;
                n += concurrency;
            }
            log
        });
    }
    let mut total = TaskLog::default();
    while let Some(log) = tasks.join_next().await {
        total.merge(log.context("a load task panicked")?);
    }
    total.latencies_us.sort_unstable();
    Ok(Traffic {
        elapsed: started.elapsed(),
        log: total,
    })
}

/// The merged result of one scenario, latencies sorted.
struct Traffic {
    elapsed: Duration,
    log: TaskLog,
}

impl Traffic {
    fn per_second(&self, count: u64) -> f64 {
        count as f64 / self.elapsed.as_secs_f64()
    }

    fn requests_per_second(&self) -> f64 {
        self.per_second(self.log.latencies_us.len() as u64)
    }

    /// Percentile latency in milliseconds, or NaN with no successful request.
    fn percentile_ms(&self, per_cent: u64) -> f64 {
        percentile(&self.log.latencies_us, per_cent).map_or(f64::NAN, |us| f64::from(us) / 1000.0)
    }
}

/// The nearest-rank `per_cent` percentile of `sorted`.
fn percentile(sorted: &[u32], per_cent: u64) -> Option<u32> {
    let len = sorted.len() as u64;
    let rank = (per_cent.min(100) * len).div_ceil(100).max(1);
    sorted.get(usize::try_from(rank - 1).ok()?).copied()
}

/// A `kB` field such as `VmRSS:     18432 kB` in `/proc/<pid>/status`.
fn status_field_kb(status: &str, field: &str) -> Option<u64> {
    status.lines().find_map(|line| {
        line.strip_prefix(field)?
            .strip_prefix(':')?
            .trim()
            .strip_suffix("kB")?
            .trim()
            .parse()
            .ok()
    })
}

/// The event count in `audit trail intact: N events and …`.
fn verified_events(stdout: &str) -> Option<u64> {
    stdout.lines().find_map(|line| {
        line.strip_prefix("audit trail intact: ")?
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    })
}

// ---------------------------------------------------------------------------------------
// The report.
// ---------------------------------------------------------------------------------------

struct ScenarioRow {
    label: &'static str,
    traffic: Traffic,
    peak_rss_kb: u64,
}

/// One run of `tillit audit verify`.
struct Verified {
    label: &'static str,
    /// Events checked, when it passed.
    events: Option<u64>,
    /// Its last line of error output, when it failed.
    failure: Option<String>,
    wall: Duration,
}

struct Million {
    added: u64,
    append_time: Duration,
    verified: Verified,
}

struct Report {
    engine: &'static str,
    cores: usize,
    load: Duration,
    /// What `demo --scale large` said it loaded.
    loaded: String,
    first_start: Duration,
    restart: Duration,
    idle_rss_kb: u64,
    scenarios: Vec<ScenarioRow>,
    verified: Option<Verified>,
    million: Option<Million>,
    transfers: Option<import::Transfers>,
    scan: Option<incidents::Scan>,
    annual_report: Option<reports::AnnualReportPdf>,
}

impl Report {
    fn audit_passed(&self) -> bool {
        let million = self.million.as_ref().map(|m| &m.verified);
        self.verified
            .iter()
            .chain(million)
            .all(|v| v.failure.is_none())
    }
}

fn mib(kb: u64) -> f64 {
    kb as f64 / 1024.0
}

/// `1234567` as `1,234,567`.
fn thousands(n: u64) -> String {
    let mut groups = Vec::new();
    let mut rest = n;
    while rest >= 1000 {
        groups.push(format!("{:03}", rest % 1000));
        rest /= 1000;
    }
    groups.push(rest.to_string());
    groups.reverse();
    groups.join(",")
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "tillit bench — engine {} — {} cores",
            self.engine, self.cores
        )?;
        writeln!(
            f,
            "{:<36} {:.1} s ({})",
            "load demo --scale large",
            self.load.as_secs_f64(),
            self.loaded
        )?;
        writeln!(
            f,
            "{:<36} {:.3} s",
            "startup to ready (fresh db)",
            self.first_start.as_secs_f64()
        )?;
        writeln!(
            f,
            "{:<36} {:.3} s",
            "startup to ready (existing db)",
            self.restart.as_secs_f64()
        )?;
        writeln!(f, "{:<36} {:.1} MiB", "idle RSS", mib(self.idle_rss_kb))?;
        if !self.scenarios.is_empty() {
            writeln!(
                f,
                "{:<36} {:>8} {:>8} {:>8} {:>8} {:>12}",
                "scenario", "req/s", "p50 ms", "p99 ms", "errors", "peak RSS MiB"
            )?;
        }
        for row in &self.scenarios {
            write_scenario(f, row)?;
        }
        if let Some(verified) = &self.verified {
            write_verified(f, verified)?;
        }
        if let Some(transfers) = &self.transfers {
            write!(f, "{transfers}")?;
        }
        if let Some(scan) = &self.scan {
            write!(f, "{scan}")?;
        }
        if let Some(annual_report) = &self.annual_report {
            write!(f, "{annual_report}")?;
        }
        if let Some(million) = &self.million {
            let append = format!("append {} events", thousands(million.added));
            writeln!(
                f,
                "{:<36} {:.1} s",
                append,
                million.append_time.as_secs_f64()
            )?;
            write_throughput(f, &million.verified)?;
        }
        for row in &self.scenarios {
            if let Some(error) = &row.traffic.log.first_error {
                writeln!(f, "first error in {}: {error}", row.label)?;
            }
        }
        Ok(())
    }
}

fn write_scenario(f: &mut fmt::Formatter<'_>, row: &ScenarioRow) -> fmt::Result {
    let traffic = &row.traffic;
    write!(
        f,
        "{:<36} {:>8.0} {:>8.1} {:>8.1} {:>8} {:>12.1}",
        row.label,
        traffic.requests_per_second(),
        traffic.percentile_ms(50),
        traffic.percentile_ms(99),
        traffic.log.errors,
        mib(row.peak_rss_kb)
    )?;
    if traffic.log.operations > 0 {
        write!(
            f,
            "   {:.0} ops/s",
            traffic.per_second(traffic.log.operations)
        )?;
    }
    writeln!(f)
}

fn write_verified(f: &mut fmt::Formatter<'_>, verified: &Verified) -> fmt::Result {
    let seconds = verified.wall.as_secs_f64();
    match (&verified.failure, verified.events) {
        (None, Some(events)) => writeln!(
            f,
            "{:<36} passed in {seconds:.2} s ({} events)",
            verified.label,
            thousands(events)
        ),
        (None, None) => writeln!(f, "{:<36} passed in {seconds:.2} s", verified.label),
        (Some(failure), _) => writeln!(
            f,
            "{:<36} FAILED in {seconds:.2} s: {failure}",
            verified.label
        ),
    }
}

fn write_throughput(f: &mut fmt::Formatter<'_>, verified: &Verified) -> fmt::Result {
    let seconds = verified.wall.as_secs_f64();
    match (&verified.failure, verified.events) {
        (None, Some(events)) => {
            let rate = (events as f64 / seconds) as u64;
            writeln!(
                f,
                "{:<36} {seconds:.2} s = {} events/s ({} events)",
                verified.label,
                thousands(rate),
                thousands(events)
            )
        }
        _ => write_verified(f, verified),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let values: Vec<u32> = (1..=100).collect();
        assert_eq!(percentile(&values, 50), Some(50));
        assert_eq!(percentile(&values, 99), Some(99));
        assert_eq!(percentile(&values, 100), Some(100));
        assert_eq!(percentile(&values, 0), Some(1));
        assert_eq!(percentile(&[7], 99), Some(7));
        assert_eq!(percentile(&[1, 2, 3], 50), Some(2));
        assert_eq!(percentile(&[], 50), None);
    }

    #[test]
    fn cookies_are_read_from_set_cookie_headers() {
        let header = "tillit_csrf=abc-123_x; HttpOnly; SameSite=Strict; Path=/";
        assert_eq!(set_cookie_value(header, "tillit_csrf"), Some("abc-123_x"));
        assert_eq!(set_cookie_value(header, "tillit_session"), None);
        assert_eq!(
            set_cookie_value("tillit_session=; Max-Age=0", "tillit_session"),
            Some("")
        );
        assert_eq!(set_cookie_value("garbage", "tillit_csrf"), None);
    }

    #[test]
    fn hidden_inputs_are_found_by_name() {
        let html = r#"<form><input type="hidden" name="next" value="/">
            <input type="hidden" name="csrf_token" value="t0k3n"><input name="email" value=""></form>"#;
        assert_eq!(hidden_input(html, "csrf_token").as_deref(), Some("t0k3n"));
        assert_eq!(hidden_input(html, "next").as_deref(), Some("/"));
        assert_eq!(hidden_input(html, "password"), None);
    }

    #[test]
    fn proc_status_and_verify_output_are_parsed() {
        let status = "Name:\ttillit\nVmHWM:\t   40960 kB\nVmRSS:\t   18840 kB\n";
        assert_eq!(status_field_kb(status, "VmRSS"), Some(18840));
        assert_eq!(status_field_kb(status, "VmHWM"), Some(40960));
        assert_eq!(status_field_kb(status, "VmSwap"), None);
        let verify =
            "audit trail intact: 12345 events and 2 signed checkpoints verified in 0.40 s\n";
        assert_eq!(verified_events(verify), Some(12345));
        assert_eq!(
            verified_events("audit trail BROKEN at sequence number 7"),
            None
        );
    }

    #[test]
    fn bench_database_urls_keep_server_and_parameters() {
        let url = "postgres://postgres@127.0.0.1:5432/postgres";
        assert_eq!(
            with_database(url, "b").unwrap(),
            "postgres://postgres@127.0.0.1:5432/b"
        );
        assert_eq!(
            with_database("postgres://u:p@h/db?sslmode=disable", "b").unwrap(),
            "postgres://u:p@h/b?sslmode=disable"
        );
        assert_eq!(
            with_database("postgresql://h:5432", "b").unwrap(),
            "postgresql://h:5432/b"
        );
        assert!(with_database("not a url", "b").is_err());
    }

    #[test]
    fn thousands_are_grouped() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_100_000), "1,100,000");
    }
}
