//! Work done during the year: analyses and classifications approved, measures done,
//! incident cases closed.

use tillit_store::reports::figures;

use super::{Figure, Input, Section, SectionFuture};

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let work = figures::work(input.db, input.organisation_id, input.scope, input.year).await?;
        let year = input.year.value();
        let unit = input.unit_query();
        let figures = vec![
            Figure::count(
                "analyses-approved",
                work.analyses_approved,
                Some(format!("/risks/analyses?approved_year={year}{unit}")),
            ),
            Figure::count(
                "classifications-approved",
                work.classifications_approved,
                Some(format!("/classification?approved_year={year}{unit}")),
            ),
            Figure::count(
                "measures-done",
                work.measures_done,
                Some(format!(
                    "/risks/measures?status=done&done_year={year}{unit}"
                )),
            ),
            Figure::count(
                "incidents-closed",
                work.incidents_closed,
                Some(format!("/incidents?status=closed&closed_year={year}{unit}")),
            ),
        ];
        Ok(Section::new("work", figures, Vec::new()))
    })
}
