//! Maturity: the level the latest completed self-assessment reached by the year's end.

use tillit_store::maturity;

use super::{Figure, Input, Section, SectionFuture};

/// The highest level of the maturity model.
const TOP_LEVEL: i64 = 4;

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let latest = maturity::maturity_as_of(
            input.db,
            input.organisation_id,
            input.scope.unit_id(),
            input.as_of,
        )
        .await?;
        let figures = latest
            .map(|m| {
                vec![Figure::share(
                    "maturity-level",
                    m.level,
                    TOP_LEVEL,
                    Some(format!("/governance/maturity/{}", m.assessment_id)),
                )]
            })
            .unwrap_or_default();
        Ok(Section::new("maturity", figures, Vec::new()))
    })
}
