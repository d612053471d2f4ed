//! Governing documents: how many are in force, whose review is overdue, and how much
//! of the required-documents checklist is met.

use tillit_store::documents;

use super::{Figure, Input, Section, SectionFuture};
use crate::services::documents::checklist_items;

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let summary = documents::documents_summary(
            input.db,
            input.organisation_id,
            input.scope.unit_id(),
            checklist_items()?,
            input.as_of,
        )
        .await?;
        let unit = input.unit_query();
        let figures = vec![
            Figure::share(
                "documents-approved",
                summary.approved,
                summary.total,
                Some(format!("/governance/documents?status=approved{unit}")),
            ),
            Figure::count(
                "documents-overdue",
                summary.overdue,
                Some(format!("/governance/documents?show=overdue{unit}")),
            ),
            Figure::share(
                "documents-checklist",
                summary.checklist_fulfilled,
                summary.checklist_items,
                Some("/governance/documents/checklist".to_owned()),
            ),
        ];
        Ok(Section::new("documents", figures, Vec::new()))
    })
}
