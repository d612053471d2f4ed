//! Export of the registers to CSV and XLSX, with the columns of the import templates so
//! an exported file can be imported again (into another organisation, say). Everyone
//! who reads the registers may export what the list filters select.

use axum::http::header;
use axum::response::{IntoResponse, Response};
use tillit_domain::auth::Action;
use tillit_domain::pagination::{PageRequest, MAX_PER_PAGE};
use tillit_domain::register_import::{columns, RegisterKind};
use tillit_reports::{Format, Sheet};
use tillit_store::registers::import::{self, AssetLinks, SystemLinks};
use tillit_store::registers::{
    self, AssetFilter, InformationAsset, InformationSystem, SystemFilter,
};
use tillit_store::{Db, Page};

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

/// An exported file.
pub struct Export {
    pub file_name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

impl IntoResponse for Export {
    /// A download: the browser saves it under `file_name` instead of showing it.
    fn into_response(self) -> Response {
        let disposition = format!("attachment; filename=\"{}\"", self.file_name);
        (
            [
                (header::CONTENT_TYPE, self.content_type.to_owned()),
                (header::CONTENT_DISPOSITION, disposition),
            ],
            self.bytes,
        )
            .into_response()
    }
}

/// Every row a list would show over all its pages, a page at a time.
async fn all_pages<T, F, Fut>(mut fetch: F) -> Result<Vec<T>, AppError>
where
    F: FnMut(PageRequest) -> Fut,
    Fut: std::future::Future<Output = tillit_store::error::Result<Page<T>>>,
{
    let mut items = Vec::new();
    for page in 1.. {
        let request = PageRequest {
            page,
            per_page: MAX_PER_PAGE,
        };
        let batch = fetch(request).await?;
        let done = batch.items.len() < MAX_PER_PAGE as usize
            || items.len() + batch.items.len() >= batch.total as usize;
        items.extend(batch.items);
        if done {
            break;
        }
    }
    Ok(items)
}

fn yes_no(value: bool) -> String {
    if value { "ja" } else { "nej" }.to_owned()
}

fn email(links: &std::collections::HashMap<i64, String>, id: Option<i64>) -> String {
    id.and_then(|id| links.get(&id).cloned())
        .unwrap_or_default()
}

fn system_cells(system: &InformationSystem, links: &SystemLinks) -> Vec<String> {
    let owners = links.owners.get(&system.id).map_or(String::new(), |ids| {
        ids.iter()
            .filter_map(|id| links.emails.get(id).cloned())
            .collect::<Vec<_>>()
            .join(", ")
    });
    columns(RegisterKind::Systems)
        .iter()
        .map(|column| match column.key {
            "designation" => system.designation.clone(),
            "name" => system.name.clone(),
            "kind" => system.kind.clone(),
            "functionality" => system.functionality.clone(),
            "essential_services" => system.essential_services.clone(),
            "in_cyber_security_act_scope" => yes_no(system.in_cyber_security_act_scope),
            "criticality" => system.criticality.clone(),
            "object_owner_email" => email(&links.emails, system.object_owner_id),
            "information_owner_emails" => owners.clone(),
            "system_administrator_email" => email(&links.emails, system.system_administrator_id),
            "supplier" => system.supplier.clone(),
            "sub_suppliers" => system.sub_suppliers.clone(),
            "hosting" => system.hosting.clone(),
            "storage_country" => system.storage_country.clone(),
            "acceptable_recovery_time_hours" => system
                .acceptable_recovery_time_hours
                .map(|h| h.to_string())
                .unwrap_or_default(),
            "depends_on" => links
                .depends_on
                .get(&system.id)
                .map(|d| d.join(", "))
                .unwrap_or_default(),
            _ => String::new(),
        })
        .collect()
}

fn asset_cells(asset: &InformationAsset, links: &AssetLinks) -> Vec<String> {
    columns(RegisterKind::Assets)
        .iter()
        .map(|column| match column.key {
            "name" => asset.name.clone(),
            "description" => asset.description.clone(),
            "form" => asset.form.clone(),
            "owner_email" => email(&links.emails, Some(asset.owner_id)),
            "unit" => asset.unit_name.clone().unwrap_or_default(),
            "processes" => asset.processes.clone(),
            "contains_personal_data" => yes_no(asset.contains_personal_data),
            "personal_data_categories" => asset.personal_data_categories.join(", "),
            "business_critical" => yes_no(asset.business_critical),
            "systems" => links
                .held_by
                .get(&asset.id)
                .map(|d| d.join(", "))
                .unwrap_or_default(),
            _ => String::new(),
        })
        .collect()
}

/// Writes the rows in a worker thread: a large workbook is seconds of CPU work.
async fn write(
    kind: RegisterKind,
    format: Format,
    rows: Vec<Vec<String>>,
) -> Result<Export, AppError> {
    let bytes = tokio::task::spawn_blocking(move || {
        let header: Vec<&str> = columns(kind).iter().map(|c| c.heading).collect();
        match format {
            Format::Csv => tillit_reports::write_csv(&[], &header, rows),
            Format::Xlsx => tillit_reports::write_xlsx(vec![Sheet {
                name: kind.sheet_name(),
                widths: vec![22.0; header.len()],
                header,
                rows: Box::new(rows.into_iter()),
            }]),
        }
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    let today = tillit_store::now().format("%Y-%m-%d");
    Ok(Export {
        file_name: format!("tillit-{}-{today}.{}", kind.as_str(), format.extension()),
        content_type: format.content_type(),
        bytes,
    })
}

/// The register of systems as the list with `filter` shows it (for a principal who may
/// read it).
pub async fn export_systems(
    state: &AppState,
    principal: &Principal,
    filter: &SystemFilter,
    format: Format,
) -> Result<Export, AppError> {
    principal.require(Action::ViewRegisters)?;
    systems_file(&state.db, principal.organisation_id, filter, format).await
}

/// The register of systems of an organisation as a file; asks nobody's permission (the
/// command line).
pub async fn systems_file(
    db: &Db,
    organisation_id: i64,
    filter: &SystemFilter,
    format: Format,
) -> Result<Export, AppError> {
    let systems =
        all_pages(|page| registers::list_systems(db, organisation_id, filter, page)).await?;
    let links = import::system_links(db, organisation_id).await?;
    let rows = systems.iter().map(|s| system_cells(s, &links)).collect();
    write(RegisterKind::Systems, format, rows).await
}

/// The register of information assets as the list with `filter` shows it.
pub async fn export_assets(
    state: &AppState,
    principal: &Principal,
    filter: &AssetFilter,
    format: Format,
) -> Result<Export, AppError> {
    principal.require(Action::ViewRegisters)?;
    assets_file(&state.db, principal.organisation_id, filter, format).await
}

/// The register of information assets of an organisation as a file; asks nobody's
/// permission (the command line).
pub async fn assets_file(
    db: &Db,
    organisation_id: i64,
    filter: &AssetFilter,
    format: Format,
) -> Result<Export, AppError> {
    let assets =
        all_pages(|page| registers::list_assets(db, organisation_id, filter, page)).await?;
    let links = import::asset_links(db, organisation_id).await?;
    let rows = assets.iter().map(|a| asset_cells(a, &links)).collect();
    write(RegisterKind::Assets, format, rows).await
}
