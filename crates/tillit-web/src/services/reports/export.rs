//! The annual report as a PDF (typst) and its figures as an XLSX appendix, in Swedish or
//! English: the draft as it reads now, or an approved version as it was frozen.

use chrono::{NaiveDate, Utc};
use tillit_domain::users::Language;
use tillit_pdf::{AnnualReportDocument, AnnualReportSection, AnnualReportTable};
use tillit_reports::Sheet;
use tillit_store::reports::Report;

use super::words::Words;
use super::Section;
use crate::auth::Principal;
use crate::error::AppError;
use crate::services::register_export::Export as DownloadFile;
use crate::state::AppState;
use crate::time::format_local;

/// Which state of the report to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Edition {
    /// The draft as it reads now, or the current approved version.
    Current,
    Version(i64),
}

/// The report with the sections of the chosen edition and its approval line.
struct Gathered {
    report: Report,
    organisation: String,
    scope: String,
    as_of: NaiveDate,
    sections: Vec<Section>,
    /// Number, approver and time of the approved version exported.
    approval: Option<(i64, String, String)>,
}

async fn gather(
    state: &AppState,
    principal: &Principal,
    id: i64,
    edition: Edition,
) -> Result<Gathered, AppError> {
    let organisation = crate::services::org::organisation(state, principal)
        .await?
        .name;
    let (report, as_of, sections, approval) = match edition {
        Edition::Current => {
            let detail = super::detail(state, principal, id).await?;
            let approval = (!detail.report.is_draft()).then(|| {
                (
                    detail.report.current_version,
                    detail.report.approved_by_label.clone().unwrap_or_default(),
                    detail
                        .report
                        .approved_at
                        .as_ref()
                        .map(format_local)
                        .unwrap_or_default(),
                )
            });
            (detail.report, detail.as_of, detail.sections, approval)
        }
        Edition::Version(number) => {
            let (report, version, snapshot) = super::version(state, principal, id, number).await?;
            let approval = (
                version.number,
                version.approved_by_label,
                format_local(&version.approved_at),
            );
            (report, snapshot.as_of, snapshot.sections, Some(approval))
        }
    };
    let scope = report
        .unit_name
        .clone()
        .unwrap_or_else(|| organisation.clone());
    Ok(Gathered {
        report,
        organisation,
        scope,
        as_of,
        sections,
        approval,
    })
}

fn title(words: &Words<'_>, year: i64) -> String {
    words.i18n.text_with(
        words.language,
        "report-annual-title",
        &[("year", year.to_string())],
    )
}

fn document(words: &Words<'_>, gathered: &Gathered) -> AnnualReportDocument {
    let year = gathered.report.year;
    let status = match &gathered.approval {
        Some((number, by, at)) => words.i18n.text_with(
            words.language,
            "report-approved-line",
            &[
                ("number", number.to_string()),
                ("by", by.clone()),
                ("at", at.clone()),
            ],
        ),
        None => words.t("report-status-draft"),
    };
    let now = Utc::now();
    AnnualReportDocument {
        lang: words.language.as_str().to_owned(),
        title: title(words, year),
        organisation: gathered.organisation.clone(),
        scope: gathered.scope.clone(),
        status,
        as_of: words.i18n.text_with(
            words.language,
            "report-as-of",
            &[("day", gathered.as_of.to_string())],
        ),
        sections: gathered
            .sections
            .iter()
            .map(|s| AnnualReportSection {
                heading: words.heading(s),
                figures: s
                    .figures
                    .iter()
                    .map(|f| (words.figure_label(f), words.figure_value(f)))
                    .collect(),
                tables: s
                    .tables
                    .iter()
                    .map(|t| AnnualReportTable {
                        caption: words.t(&format!("report-table-{}", t.key)),
                        columns: t.columns.iter().map(|c| words.t(c)).collect(),
                        rows: t
                            .rows
                            .iter()
                            .map(|r| {
                                std::iter::once(words.row_label(r))
                                    .chain(r.detail.clone())
                                    .chain(r.cells.iter().map(|c| words.figure_value(c)))
                                    .collect()
                            })
                            .collect(),
                    })
                    .collect(),
                text: s.text.clone(),
                no_data: if s.no_data {
                    words.no_data(year)
                } else {
                    String::new()
                },
            })
            .collect(),
        missing: words.t("report-no-text"),
        generated: words.i18n.text_with(
            words.language,
            "report-generated",
            &[("at", format_local(&now))],
        ),
        generated_on: now.date_naive().to_string(),
    }
}

fn file_name(gathered: &Gathered, extension: &str) -> String {
    let edition = match &gathered.approval {
        Some((number, ..)) => format!("v{number}"),
        None => "utkast".to_owned(),
    };
    let scope = match gathered.report.unit_id {
        Some(unit) => format!("-enhet{unit}"),
        None => String::new(),
    };
    format!(
        "arsrapport-{}{scope}-{edition}.{extension}",
        gathered.report.year
    )
}

/// The report as a PDF. Typesetting runs off the async workers.
pub async fn pdf(
    state: &AppState,
    principal: &Principal,
    id: i64,
    edition: Edition,
    language: Language,
) -> Result<DownloadFile, AppError> {
    let gathered = gather(state, principal, id, edition).await?;
    let words = Words {
        i18n: &state.i18n,
        language,
    };
    let doc = document(&words, &gathered);
    let bytes = tokio::task::spawn_blocking(move || tillit_pdf::annual_report_pdf(&doc))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(DownloadFile {
        file_name: file_name(&gathered, "pdf"),
        content_type: "application/pdf",
        bytes,
    })
}

/// The report's figures as an XLSX appendix: one row per figure and per table cell.
pub async fn xlsx(
    state: &AppState,
    principal: &Principal,
    id: i64,
    edition: Edition,
    language: Language,
) -> Result<DownloadFile, AppError> {
    let gathered = gather(state, principal, id, edition).await?;
    let words = Words {
        i18n: &state.i18n,
        language,
    };
    let mut rows: Vec<Vec<String>> = Vec::new();
    for section in &gathered.sections {
        let heading = words.heading(section);
        for figure in &section.figures {
            rows.push(vec![
                heading.clone(),
                words.figure_label(figure),
                figure.value.to_string(),
                figure.of.map(|o| o.to_string()).unwrap_or_default(),
                figure.percent().map(|p| p.to_string()).unwrap_or_default(),
            ]);
        }
        for table in &section.tables {
            let caption = words.t(&format!("report-table-{}", table.key));
            for row in &table.rows {
                let label = match &row.detail {
                    Some(detail) => format!("{caption}: {} – {detail}", words.row_label(row)),
                    None => format!("{caption}: {}", words.row_label(row)),
                };
                for cell in &row.cells {
                    rows.push(vec![
                        heading.clone(),
                        label.clone(),
                        cell.value.to_string(),
                        cell.of.map(|o| o.to_string()).unwrap_or_default(),
                        cell.percent().map(|p| p.to_string()).unwrap_or_default(),
                    ]);
                }
            }
        }
    }
    let header: Vec<String> = [
        "report-column-section",
        "report-column-figure",
        "report-column-value",
        "report-column-of",
        "report-column-percent",
    ]
    .into_iter()
    .map(|id| words.t(id))
    .collect();
    let sheet_name = words.t("report-sheet-figures");
    let sheet = Sheet {
        name: &sheet_name,
        header: header.iter().map(String::as_str).collect(),
        widths: vec![34.0, 60.0, 10.0, 10.0, 10.0],
        rows: Box::new(rows.into_iter()),
    };
    let bytes = tillit_reports::write_xlsx(vec![sheet]).map_err(AppError::internal)?;
    Ok(DownloadFile {
        file_name: file_name(&gathered, "xlsx"),
        content_type: tillit_reports::Format::Xlsx.content_type(),
        bytes,
    })
}
