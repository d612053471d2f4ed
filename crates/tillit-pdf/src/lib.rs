//! PDF reports, typeset by the typst compiler running as a library.
//!
//! A report is a typst template built into the binary plus one `data.json` file: the
//! document serialised by serde. The template reads the data with `json("data.json")`
//! and prints its strings as text, so nothing a user wrote is ever read as markup. The
//! fonts are typst's own, built in too: rendering needs no file system and no network.
//!
//! The PDFs are tagged for accessibility and carry their title and language.

mod annual_report;
mod document;
mod draft;
mod labels;
mod review;
#[cfg(feature = "sample")]
mod sample;
mod world;

use typst_layout::PagedDocument;
use typst_pdf::{PdfOptions, Timestamp};

pub use annual_report::{AnnualReportDocument, AnnualReportSection, AnnualReportTable};
pub use document::{
    FollowUpRow, LevelSummary, MatrixSummary, MeasureRow, MethodSummary, RiskAnalysisDocument,
    RiskRow,
};
pub use draft::{Field, ReportDraftDocument};
pub use labels::Labels;
pub use review::{ManagementReviewDocument, ReviewItemSection};
#[cfg(feature = "sample")]
pub use sample::sample_document;

use world::TemplateWorld;

const RISK_ANALYSIS: &str = include_str!("../templates/risk_analysis.typ");
const REPORT_DRAFT: &str = include_str!("../templates/report_draft.typ");
const ANNUAL_REPORT: &str = include_str!("../templates/annual_report.typ");
const MANAGEMENT_REVIEW: &str = include_str!("../templates/management_review.typ");

/// Why a PDF could not be made. Either is a bug in tillit, not in the user's data.
#[derive(thiserror::Error, Debug)]
pub enum PdfError {
    #[error("the PDF template did not compile: {0}")]
    Compile(String),
    #[error("the PDF could not be written: {0}")]
    Export(String),
}

/// Renders a risk analysis with its action plan.
pub fn risk_analysis_pdf(doc: &RiskAnalysisDocument) -> Result<Vec<u8>, PdfError> {
    render(RISK_ANALYSIS, typst_data(doc)?, &doc.generated_on)
}

/// Renders the draft of a report to an authority.
pub fn report_draft_pdf(doc: &ReportDraftDocument) -> Result<Vec<u8>, PdfError> {
    let data = serde_json::to_vec(doc).map_err(|e| PdfError::Compile(format!("data.json: {e}")))?;
    render(REPORT_DRAFT, data, &doc.generated_on)
}

/// Renders the annual information security report.
pub fn annual_report_pdf(doc: &AnnualReportDocument) -> Result<Vec<u8>, PdfError> {
    let data = serde_json::to_vec(doc).map_err(|e| PdfError::Compile(format!("data.json: {e}")))?;
    render(ANNUAL_REPORT, data, &doc.generated_on)
}

/// Renders a management review with its items and decisions.
pub fn management_review_pdf(doc: &ManagementReviewDocument) -> Result<Vec<u8>, PdfError> {
    let data = serde_json::to_vec(doc).map_err(|e| PdfError::Compile(format!("data.json: {e}")))?;
    render(MANAGEMENT_REVIEW, data, &doc.generated_on)
}

/// The `data.json` the risk analysis template reads.
pub fn typst_data(doc: &RiskAnalysisDocument) -> Result<Vec<u8>, PdfError> {
    serde_json::to_vec(doc).map_err(|e| PdfError::Compile(format!("data.json: {e}")))
}

fn render(template: &str, data: Vec<u8>, today: &str) -> Result<Vec<u8>, PdfError> {
    let world = TemplateWorld::new(template, data, today).map_err(PdfError::Compile)?;
    let result = typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| PdfError::Compile(world.describe(&errors)))
        .and_then(|document| {
            let options = PdfOptions {
                timestamp: world.today.map(Timestamp::new_utc),
                ..PdfOptions::default()
            };
            typst_pdf::pdf(&document, &options)
                .map_err(|errors| PdfError::Export(world.describe(&errors)))
        });
    // Each report is typeset once: keep typst's caches from growing with every one.
    typst::comemo::evict(0);
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_template_error_names_its_line() {
        let template = "= Rubrik\n#panic(\"trasig\")\n";
        let Err(PdfError::Compile(message)) = render(template, b"{}".to_vec(), "2026-05-03") else {
            panic!("the template compiled");
        };
        assert!(message.contains("trasig"), "{message}");
        assert!(message.contains("(template line 2)"), "{message}");
    }

    #[test]
    fn a_report_draft_prints_its_fields_as_text() {
        let field = |label: &str, value: &str| Field {
            label: label.into(),
            value: value.into(),
        };
        let doc = ReportDraftDocument {
            lang: "sv".into(),
            title: "Cybersäkerhetslagen: Tidig varning – AVV-0001".into(),
            organisation: "Region Sörmark".into(),
            facts: vec![field("Mottagare", "CSIRT-enheten (CERT-SE)")],
            note: "Kopiera uppgifterna till mottagarens e-tjänst.".into(),
            fields: vec![
                field("Beskrivning", "Journalen krypterad #[panic()] *inte fet*"),
                field("Gränsöverskridande verkan", ""),
            ],
            missing: "Saknas i ärendet".into(),
            generated: "Skapad 2026-11-23 10:00".into(),
            generated_on: "2026-11-23".into(),
        };
        let pdf = report_draft_pdf(&doc).expect("a PDF");
        assert!(pdf.starts_with(b"%PDF-"));
    }

    #[test]
    fn the_template_reads_its_data_and_the_day() {
        let template = "#let d = json(\"data.json\")\n#d.name #datetime.today().display()";
        let pdf = render(template, r#"{"name": "Åsa"}"#.into(), "2026-05-03");
        assert!(pdf.is_ok_and(|pdf| pdf.starts_with(b"%PDF-")));
        let missing = render("#read(\"/etc/hostname\")", b"{}".to_vec(), "2026-05-03");
        assert!(matches!(missing, Err(PdfError::Compile(m)) if m.contains("not found")));
    }
}
