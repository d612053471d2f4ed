//! What the annual information security report's PDF shows: its sections with their
//! figures, tables and texts. Every text is already in the reader's language.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnnualReportDocument {
    /// `"sv"` or `"en"`.
    pub lang: String,
    /// E.g. "Årsrapport informationssäkerhet 2025".
    pub title: String,
    pub organisation: String,
    /// The scope: the organisation's or a unit's name.
    pub scope: String,
    /// E.g. "Fastställd 2026-02-10 av …, version 1" or "Utkast".
    pub status: String,
    /// E.g. "Siffrorna avser 2025-12-31".
    pub as_of: String,
    pub sections: Vec<AnnualReportSection>,
    /// What a section without text shows.
    pub missing: String,
    /// "Made <date time>", for the footer.
    pub generated: String,
    /// The day the document was made as `YYYY-MM-DD`: the PDF's creation date.
    pub generated_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnnualReportSection {
    pub heading: String,
    /// Label and value, e.g. ("Klassade system", "12 av 40 (30 %)").
    pub figures: Vec<(String, String)>,
    pub tables: Vec<AnnualReportTable>,
    pub text: String,
    /// Said when the section found nothing for the year; empty otherwise.
    pub no_data: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct AnnualReportTable {
    pub caption: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<String>>,
}
