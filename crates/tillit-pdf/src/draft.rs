//! What a report-draft PDF shows: the fields an authority asks for, filled from an
//! incident case. Every text is already in the reader's language.

use serde::{Deserialize, Serialize};

/// A report draft as it is printed.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReportDraftDocument {
    /// `"sv"` or `"en"`.
    pub lang: String,
    /// E.g. "Cybersäkerhetslagen: Tidig varning – AVV-0001".
    pub title: String,
    pub organisation: String,
    /// Label and value pairs under the title: the case, recipient, due time, sources.
    pub facts: Vec<Field>,
    /// A line saying the draft is to be copied into the authority's e-service.
    pub note: String,
    /// The fields the recipient asks for, in its order.
    pub fields: Vec<Field>,
    /// What an empty field shows.
    pub missing: String,
    /// "Made <date time>", for the footer.
    pub generated: String,
    /// The day the document was made as `YYYY-MM-DD`: the PDF's creation date.
    pub generated_on: String,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Field {
    pub label: String,
    pub value: String,
}
