//! What a management review PDF shows: the meeting, the eight agenda items with their
//! figures and texts, and the decisions. Every text is already in the reader's language.

use serde::{Deserialize, Serialize};

use crate::draft::Field;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManagementReviewDocument {
    /// `"sv"` or `"en"`.
    pub lang: String,
    /// E.g. "Ledningens genomgång våren 2026".
    pub title: String,
    pub organisation: String,
    /// Label and value pairs under the title: meeting day, status, participants, period.
    pub facts: Vec<Field>,
    /// Column headings of each item's figure table: what is counted, and the value.
    pub figure_columns: Vec<String>,
    pub items: Vec<ReviewItemSection>,
    pub decisions_heading: String,
    /// Column headings of the decision table: number, decision, owner, due, follow-up.
    pub decision_columns: Vec<String>,
    pub decisions: Vec<Vec<String>>,
    /// What an empty list or text shows.
    pub missing: String,
    /// "Made <date time>", for the footer.
    pub generated: String,
    /// The day the document was made as `YYYY-MM-DD`: the PDF's creation date.
    pub generated_on: String,
}

/// One agenda item: its heading, figures as label and value, named lines and its text.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ReviewItemSection {
    pub heading: String,
    pub figures: Vec<Field>,
    pub lines: Vec<String>,
    pub text: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(label: &str, value: &str) -> Field {
        Field {
            label: label.into(),
            value: value.into(),
        }
    }

    #[test]
    fn a_review_prints_items_and_decisions_as_text() {
        let doc = ManagementReviewDocument {
            lang: "sv".into(),
            title: "Ledningens genomgång våren 2026".into(),
            organisation: "Region Sörmark".into(),
            facts: vec![field("Mötesdag", "2026-04-14")],
            figure_columns: vec!["Uppgift".into(), "Antal".into()],
            items: vec![
                ReviewItemSection {
                    heading: "1. Omvärld – risker och trender".into(),
                    figures: vec![field("Incidenter", "12")],
                    lines: vec!["RA-0001: #[panic()] nya hot".into()],
                    text: "Fler nätfiskeförsök *inte fet*".into(),
                },
                ReviewItemSection {
                    heading: "5. Revisioner".into(),
                    figures: Vec::new(),
                    lines: Vec::new(),
                    text: String::new(),
                },
            ],
            decisions_heading: "Beslut".into(),
            decision_columns: ["Nr", "Beslut", "Ägare", "Klart", "Följs upp som"]
                .map(String::from)
                .to_vec(),
            decisions: vec![["1", "Utbilda alla chefer", "Åsa", "2026-09-30", "ÅT-0007"]
                .map(String::from)
                .to_vec()],
            missing: "Ej ifyllt".into(),
            generated: "Skapad 2026-04-14 10:00".into(),
            generated_on: "2026-04-14".into(),
        };
        let pdf = crate::management_review_pdf(&doc).expect("a PDF");
        assert!(pdf.starts_with(b"%PDF-"));
    }
}
