//! Improvement measures: done during the year, still planned, and late.

use tillit_store::reports::figures;

use super::{Figure, Input, Section, SectionFuture};

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let measures = figures::measures(
            input.db,
            input.organisation_id,
            input.scope,
            input.year,
            input.as_of,
        )
        .await?;
        let year = input.year.value();
        let unit = input.unit_query();
        let figures = vec![
            Figure::count(
                "measures-done",
                measures.done,
                Some(format!(
                    "/risks/measures?status=done&done_year={year}{unit}"
                )),
            ),
            Figure::count(
                "measures-planned",
                measures.planned,
                Some(format!("/risks/measures?status=planned{unit}")),
            ),
            Figure::count(
                "measures-late",
                measures.late,
                Some(format!("/risks/measures?status=late{unit}")),
            ),
        ];
        Ok(Section::new("measures", figures, Vec::new()))
    })
}
