//! Risk-analysis coverage: analyses approved and in draft, renewals past due, and the
//! high risks still open.

use tillit_store::reports::figures;

use super::{Figure, Input, Section, SectionFuture};

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let risk = figures::risk(input.db, input.organisation_id, input.scope, input.as_of).await?;
        let unit = input.unit_query();
        let figures = vec![
            Figure::share(
                "analyses-approved-total",
                risk.approved,
                risk.analyses,
                Some(format!("/risks/analyses?show=approved{unit}")),
            ),
            Figure::count(
                "analyses-draft",
                risk.drafts,
                Some(format!("/risks/analyses?show=draft{unit}")),
            ),
            Figure::count(
                "renewal-overdue",
                risk.renewal_overdue,
                Some(format!("/risks/analyses?show=overdue{unit}")),
            ),
            Figure::count(
                "very-high-open",
                risk.very_high_open,
                Some(format!("/risks/list?level=very_high&show=unhandled{unit}")),
            ),
            Figure::count(
                "high-open",
                risk.high_open,
                Some(format!("/risks/list?level=high&show=unhandled{unit}")),
            ),
            Figure::count(
                "serious-untreated",
                risk.serious_untreated,
                Some(format!("/risks/list?show=untreated{unit}")),
            ),
        ];
        Ok(Section::new("risk", figures, Vec::new()))
    })
}
