//! The texts of a report's headings, figures and table rows in the reader's language,
//! shared by the page and the exports.

use tillit_domain::users::Language;

use super::sections::{Figure, LabelKind, Section, TableRow};
use crate::i18n::I18n;
use crate::services::incidents::content;

pub struct Words<'a> {
    pub i18n: &'a I18n,
    pub language: Language,
}

impl Words<'_> {
    pub fn t(&self, id: &str) -> String {
        self.i18n.text(self.language, id)
    }

    pub fn heading(&self, section: &Section) -> String {
        self.t(&format!("report-section-{}", section.key))
    }

    pub fn figure_label(&self, figure: &Figure) -> String {
        self.t(&format!("report-figure-{}", figure.key))
    }

    /// "12", or "12 av 40 (30 %)" for a share.
    pub fn figure_value(&self, figure: &Figure) -> String {
        match figure.of {
            None => figure.value.to_string(),
            Some(of) => self.i18n.text_with(
                self.language,
                "report-share",
                &[
                    ("value", figure.value.to_string()),
                    ("of", of.to_string()),
                    ("percent", figure.percent().unwrap_or(0).to_string()),
                ],
            ),
        }
    }

    pub fn row_label(&self, row: &TableRow) -> String {
        match row.label_kind {
            LabelKind::Name => row.label.clone(),
            LabelKind::TextId => self.t(&row.label),
            LabelKind::Regime => content()
                .ok()
                .and_then(|c| c.regime(&row.label))
                .map(|r| r.name.in_language(self.language).to_owned())
                .unwrap_or_else(|| row.label.clone()),
        }
    }

    /// What a section that found nothing says.
    pub fn no_data(&self, year: i64) -> String {
        self.i18n.text_with(
            self.language,
            "report-no-data",
            &[("year", year.to_string())],
        )
    }
}
