//! Import and export scenario: a generated 10,000-row XLSX of information assets is
//! imported through `POST /api/v1/assets/import`, then exactly those assets are
//! exported again with `GET /api/v1/assets/export?format=xlsx&q=…`. Each is timed, and
//! the server's peak memory above what it held just before is measured by resetting
//! its high-water mark (`/proc/<pid>/clear_refs`) first.

use std::fmt;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use reqwest::Client;
use serde::Deserialize;
use tillit_domain::register_import::{RegisterKind, ASSET_COLUMNS};
use tillit_reports::Sheet;

use super::{mib, thousands, Scenario, Server};

/// Rows in the generated file.
const ROWS: usize = 10_000;
/// Every generated asset's name starts with this, so the export can select them.
const NAME: &str = "Importerad tillgång";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// The figures of the scenario.
pub(super) struct Transfers {
    file_bytes: usize,
    import: Timed,
    export: Timed,
    exported_rows: usize,
}

struct Timed {
    elapsed: Duration,
    /// Peak resident memory above what the server held when the request was sent.
    peak_growth_kb: u64,
}

#[derive(Deserialize)]
struct Users {
    items: Vec<User>,
}

#[derive(Deserialize)]
struct User {
    email: String,
}

#[derive(Deserialize)]
struct Systems {
    items: Vec<System>,
}

#[derive(Deserialize)]
struct System {
    designation: String,
}

#[derive(Deserialize)]
struct Imported {
    imported: usize,
}

async fn get_json<T: for<'de> Deserialize<'de>>(
    client: &Client,
    url: String,
    token: &str,
) -> anyhow::Result<T> {
    Ok(client
        .get(&url)
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()
        .with_context(|| format!("GET {url}"))?
        .json()
        .await?)
}

/// A workbook of `ROWS` assets owned by the demo's users, some held by its systems.
fn workbook(owners: &[String], systems: &[String]) -> anyhow::Result<Vec<u8>> {
    let header: Vec<&str> = ASSET_COLUMNS.iter().map(|c| c.heading).collect();
    let rows = (0..ROWS).map(|i| {
        ASSET_COLUMNS
            .iter()
            .map(|column| match column.key {
                "name" => format!("{NAME} {i:05}"),
                "description" => format!("Genererad för mätning av importen, rad {}", i + 2),
                "form" => ["digital", "paper", "spoken"][i % 3].to_owned(),
                "owner_email" => owners[i % owners.len()].clone(),
                "processes" => "Vård och behandling".to_owned(),
                "contains_personal_data" => if i % 2 == 0 { "ja" } else { "nej" }.to_owned(),
                "personal_data_categories" if i % 2 == 0 => {
                    "health, social_security_number".to_owned()
                }
                "business_critical" => if i % 5 == 0 { "ja" } else { "nej" }.to_owned(),
                "systems" if i % 4 == 0 && !systems.is_empty() => {
                    systems[i % systems.len()].clone()
                }
                _ => String::new(),
            })
            .collect::<Vec<String>>()
    });
    Ok(tillit_reports::write_xlsx(vec![Sheet {
        name: RegisterKind::Assets.sheet_name(),
        header,
        widths: Vec::new(),
        rows: Box::new(rows),
    }])?)
}

impl Server {
    /// Forgets the peak resident memory so far, so the next reading of `VmHWM` is the
    /// peak from now on; returns the resident memory now.
    fn reset_peak_kb(&self) -> anyhow::Result<u64> {
        let path = format!("/proc/{}/clear_refs", self.pid);
        std::fs::write(&path, "5").with_context(|| format!("writing {path}"))?;
        self.status_kb("VmRSS")
    }

    async fn timed(
        &self,
        request: reqwest::RequestBuilder,
        what: &str,
    ) -> anyhow::Result<(Timed, Vec<u8>)> {
        let before = self.reset_peak_kb()?;
        let started = Instant::now();
        let body = request
            .send()
            .await?
            .error_for_status()
            .with_context(|| what.to_owned())?
            .bytes()
            .await?;
        let elapsed = started.elapsed();
        let peak = self.status_kb("VmHWM")?;
        Ok((
            Timed {
                elapsed,
                peak_growth_kb: peak.saturating_sub(before),
            },
            body.to_vec(),
        ))
    }
}

/// Runs the scenario when it is chosen.
pub(super) async fn run(
    chosen: Scenario,
    server: &Server,
    client: &Client,
    token: &str,
) -> anyhow::Result<Option<Transfers>> {
    if !chosen.includes(Scenario::ImportExport) {
        return Ok(None);
    }
    let base = &server.base;
    let users: Users = get_json(client, format!("{base}/api/v1/users?per_page=500"), token).await?;
    let owners: Vec<String> = users.items.into_iter().map(|u| u.email).collect();
    if owners.is_empty() {
        bail!("the demo organisation has no users to own the imported assets");
    }
    let systems: Systems =
        get_json(client, format!("{base}/api/v1/systems?per_page=200"), token).await?;
    let systems: Vec<String> = systems.items.into_iter().map(|s| s.designation).collect();
    let file = workbook(&owners, &systems)?;
    let file_bytes = file.len();

    eprintln!(
        "bench: importing {ROWS} assets from a {} KiB XLSX",
        file_bytes / 1024
    );
    let request = client
        .post(format!("{base}/api/v1/assets/import"))
        .bearer_auth(token)
        .header(reqwest::header::CONTENT_TYPE, XLSX)
        .body(file);
    let (import, body) = server.timed(request, "POST /api/v1/assets/import").await?;
    let imported: Imported = serde_json::from_slice(&body).context("the import's answer")?;
    if imported.imported != ROWS {
        bail!("{} assets imported, not {ROWS}", imported.imported);
    }

    eprintln!("bench: exporting the imported assets to XLSX");
    let request = client
        .get(format!("{base}/api/v1/assets/export"))
        .query(&[("format", "xlsx"), ("q", NAME)])
        .bearer_auth(token);
    let (export, body) = server.timed(request, "GET /api/v1/assets/export").await?;
    let exported_rows = tillit_reports::read(&body)
        .context("reading the exported workbook back")?
        .rows
        .len();
    if exported_rows != ROWS {
        bail!("{exported_rows} assets exported, not {ROWS}");
    }
    Ok(Some(Transfers {
        file_bytes,
        import,
        export,
        exported_rows,
    }))
}

impl fmt::Display for Transfers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<36} {:.2} s, peak RSS +{:.1} MiB ({} KiB file)",
            format!("import {} assets (XLSX, API)", thousands(ROWS as u64)),
            self.import.elapsed.as_secs_f64(),
            mib(self.import.peak_growth_kb),
            self.file_bytes / 1024
        )?;
        writeln!(
            f,
            "{:<36} {:.2} s, peak RSS +{:.1} MiB",
            format!(
                "export {} assets (XLSX, API)",
                thousands(self.exported_rows as u64)
            ),
            self.export.elapsed.as_secs_f64(),
            mib(self.export.peak_growth_kb)
        )
    }
}
