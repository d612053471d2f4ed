//! The sections of the annual report, in the order of the hand-written report it
//! replaces (seed 002). Each section is a module that counts its figures; a section with
//! no module is text only. Adding a section is one module and one line in [`SECTIONS`].

mod audits;
mod classification;
mod documents;
mod incidents;
mod maturity;
mod measures;
mod organisation;
mod risk;
mod work;

use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use tillit_domain::reports::{ReportScope, ReportYear};
use utoipa::ToSchema;

use crate::error::AppError;
use tillit_store::Db;

/// What a section's figures are counted for.
pub struct Input<'a> {
    pub db: &'a Db,
    pub organisation_id: i64,
    pub scope: ReportScope,
    pub year: ReportYear,
    /// The day the figures describe: the year's last day, or today while it runs.
    pub as_of: NaiveDate,
}

impl Input<'_> {
    /// `&unit_id=<id>` for a unit's report, so a link lists that unit's records only.
    pub fn unit_query(&self) -> String {
        self.scope
            .unit_id()
            .map(|id| format!("&unit_id={id}"))
            .unwrap_or_default()
    }
}

pub type SectionFuture<'a> = Pin<Box<dyn Future<Output = Result<Section, AppError>> + Send + 'a>>;
pub type Figures = for<'a> fn(&'a Input<'a>) -> SectionFuture<'a>;

/// Every section by key, with the module that counts its figures (`None`: text only).
/// The key names the heading (`report-section-<key>`) and the stored text.
pub const SECTIONS: [(&str, Option<Figures>); 12] = [
    ("summary", None),
    ("organisation", Some(organisation::section)),
    ("work", Some(work::section)),
    ("classification", Some(classification::section)),
    ("risk", Some(risk::section)),
    ("documents", Some(documents::section)),
    ("audits", Some(audits::section)),
    ("logs", None),
    ("incidents", Some(incidents::section)),
    ("maturity", Some(maturity::section)),
    ("measures", Some(measures::section)),
    ("focus", None),
];

/// The section keys, which are also the keys of the editable texts.
pub fn keys() -> Vec<&'static str> {
    SECTIONS.iter().map(|(key, _)| *key).collect()
}

/// One section as shown and as frozen on approval: its figures and tables, and the
/// text written for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Section {
    /// E.g. `classification`; the heading is the text `report-section-<key>`.
    pub key: String,
    pub figures: Vec<Figure>,
    pub tables: Vec<Table>,
    /// The text written for the section; empty when none is written yet.
    pub text: String,
    /// The section counts figures but found nothing for the year and scope.
    pub no_data: bool,
}

/// A count, optionally out of a total (shown as a share), with the list of the records
/// it counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Figure {
    /// The label is the text `report-figure-<key>`.
    pub key: String,
    pub value: i64,
    /// The total the value is part of, for a share.
    pub of: Option<i64>,
    /// The list of the records counted, in the web UI.
    pub link: Option<String>,
}

/// A small table of counts, e.g. coverage per administration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Table {
    /// The caption is the text `report-table-<key>`.
    pub key: String,
    /// Column headings as text ids; the first heads the row labels.
    pub columns: Vec<String>,
    pub rows: Vec<TableRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct TableRow {
    /// What `label_kind` says: a name (a unit's), a text id, or a regime code.
    pub label: String,
    pub label_kind: LabelKind,
    /// A text beside the label, e.g. the name of a role's holder.
    pub detail: Option<String>,
    pub cells: Vec<Figure>,
}

/// How a table row's label is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum LabelKind {
    /// As it is, e.g. a unit's name.
    Name,
    /// A text id, read in the reader's language.
    TextId,
    /// An incident regime's code, shown as the regime's name.
    Regime,
}

impl Figure {
    pub fn count(key: &str, value: i64, link: Option<String>) -> Self {
        Self {
            key: key.to_owned(),
            value,
            of: None,
            link,
        }
    }

    pub fn share(key: &str, value: i64, of: i64, link: Option<String>) -> Self {
        Self {
            key: key.to_owned(),
            value,
            of: Some(of),
            link,
        }
    }

    /// The share in whole per cent, when there is a total.
    pub fn percent(&self) -> Option<i64> {
        self.of.filter(|of| *of > 0).map(|of| self.value * 100 / of)
    }
}

impl Section {
    pub fn new(key: &str, figures: Vec<Figure>, tables: Vec<Table>) -> Self {
        let no_data = figures
            .iter()
            .all(|f| f.value == 0 && f.of.unwrap_or(0) == 0)
            && tables.iter().all(|t| t.rows.is_empty());
        Self {
            key: key.to_owned(),
            figures,
            tables,
            text: String::new(),
            no_data,
        }
    }

    fn text_only(key: &str) -> Self {
        Self {
            key: key.to_owned(),
            figures: Vec::new(),
            tables: Vec::new(),
            text: String::new(),
            no_data: false,
        }
    }

    /// Whether the section counts anything (text-only sections do not).
    pub fn has_figures(&self) -> bool {
        !self.figures.is_empty() || !self.tables.is_empty()
    }
}

/// Every section of the report for `input`, with the texts written so far.
pub async fn compute(
    input: &Input<'_>,
    texts: &std::collections::BTreeMap<String, String>,
) -> Result<Vec<Section>, AppError> {
    let mut sections = Vec::with_capacity(SECTIONS.len());
    for (key, figures) in SECTIONS {
        let mut section = match figures {
            Some(figures) => figures(input).await?,
            None => Section::text_only(key),
        };
        section.text = texts.get(key).cloned().unwrap_or_default();
        sections.push(section);
    }
    Ok(sections)
}
