//! Classifications and SKA-krav as CSV or XLSX: the classified objects with their
//! current levels, and one object's requirement set phrased for a tender.

use chrono::Utc;
use tillit_domain::classification::{review_overdue, Aspect};
use tillit_domain::pagination::MAX_PER_PAGE;
use tillit_domain::users::Language;
use tillit_reports::{Format, Sheet};
use tillit_store::classification::{ClassificationObject, ObjectFilter, Subject};

use crate::auth::Principal;
use crate::error::AppError;
use crate::services::classification as service;
use crate::services::register_export::Export;
use crate::state::AppState;

const CLASSIFICATION_HEADER: [&str; 11] = [
    "Objekt",
    "Beteckning",
    "Typ",
    "Konfidentialitet",
    "Riktighet",
    "Tillgänglighet",
    "Spårbarhet",
    "Version",
    "Fastställd",
    "Nästa översyn",
    "Status",
];

const PROCUREMENT_HEADER: [&str; 6] = [
    "Krav",
    "Rubrik",
    "Ska-krav",
    "Skyddsaspekt",
    "ISO/IEC 27002:2022",
    "Källor",
];

fn level_cell(level: Option<i64>) -> String {
    level.map(|l| l.to_string()).unwrap_or_default()
}

fn classification_row(object: &ClassificationObject) -> Vec<String> {
    let today = Utc::now().date_naive();
    let status = match (object.current_version, object.next_review) {
        (0, _) => "ej klassad",
        (_, Some(date)) if review_overdue(date, today) => "översyn försenad",
        _ if object
            .levels()
            .is_some_and(|l| l.needs_protection_analysis()) =>
        {
            "kräver skyddsanalys"
        }
        _ => "aktuell",
    };
    vec![
        object.name.clone(),
        object.designation.clone().unwrap_or_default(),
        object.kind.clone(),
        level_cell(object.level_k),
        level_cell(object.level_r),
        level_cell(object.level_t),
        level_cell(object.level_s),
        object.current_version.to_string(),
        object
            .approved_at
            .map(|t| t.date_naive().to_string())
            .unwrap_or_default(),
        object
            .next_review
            .map(|d| d.to_string())
            .unwrap_or_default(),
        status.to_owned(),
    ]
}

/// Writes one sheet in a worker thread and names the file after `stem` and today.
async fn write(
    stem: String,
    sheet_name: &'static str,
    header: &'static [&'static str],
    rows: Vec<Vec<String>>,
    format: Format,
) -> Result<Export, AppError> {
    let bytes = tokio::task::spawn_blocking(move || match format {
        Format::Csv => tillit_reports::write_csv(&[], header, rows),
        Format::Xlsx => tillit_reports::write_xlsx(vec![Sheet {
            name: sheet_name,
            header: header.to_vec(),
            widths: vec![24.0; header.len()],
            rows: Box::new(rows.into_iter()),
        }]),
    })
    .await
    .map_err(AppError::internal)?
    .map_err(AppError::internal)?;
    let today = Utc::now().date_naive();
    Ok(Export {
        file_name: format!("{stem}-{today}.{}", format.extension()),
        content_type: format.content_type(),
        bytes,
    })
}

/// Every classified object the filter selects, with its current levels.
pub async fn classifications(
    state: &AppState,
    principal: &Principal,
    filter: &ObjectFilter,
    format: Format,
) -> Result<Export, AppError> {
    let mut rows = Vec::new();
    let limit = i64::from(MAX_PER_PAGE);
    loop {
        let offset = i64::try_from(rows.len()).map_err(AppError::internal)?;
        let page = service::list(state, principal, filter, limit, offset).await?;
        let fetched = page.items.len();
        rows.extend(page.items.iter().map(classification_row));
        if fetched < MAX_PER_PAGE as usize {
            break;
        }
    }
    write(
        "tillit-klassningar".to_owned(),
        "Klassningar",
        &CLASSIFICATION_HEADER,
        rows,
        format,
    )
    .await
}

/// One object's requirement set as SKA-krav for a tender, in `language`.
pub async fn procurement(
    state: &AppState,
    principal: &Principal,
    object_id: i64,
    language: Language,
    format: Format,
) -> Result<Export, AppError> {
    let target = service::target(state, principal, Subject::Object(object_id)).await?;
    let object = target.object.ok_or(AppError::NotFound)?;
    let catalogue = service::catalogue()?;
    let aspect_name = |aspect: Aspect| {
        catalogue
            .aspect(aspect)
            .name
            .in_language(language)
            .to_owned()
    };
    let rows = service::requirement_set(state, principal, &object)
        .await?
        .into_iter()
        .map(|item| {
            let r = item.requirement;
            vec![
                r.id.clone(),
                r.title.in_language(language).to_owned(),
                r.procurement.in_language(language).to_owned(),
                aspect_name(r.aspect),
                r.iso27002
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
                r.sources.join("; "),
            ]
        })
        .collect();
    write(
        format!("tillit-ska-krav-{object_id}"),
        "Ska-krav",
        &PROCUREMENT_HEADER,
        rows,
        format,
    )
    .await
}
