//! Audits: the year's internal control plan, the reports the administrations gave
//! against it and the deviations they found, per administration too.

use tillit_store::internal_control;

use super::{Figure, Input, LabelKind, Section, SectionFuture, Table, TableRow};

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let year = input.year.value();
        let summary =
            internal_control::summary(input.db, input.organisation_id, i64::from(year)).await?;
        let link = Some(format!("/governance/internal-control?year={year}"));
        let figures = vec![
            Figure::count("control-items", summary.items, link.clone()),
            Figure::share(
                "control-reports-received",
                summary.received,
                summary.expected,
                link.clone(),
            ),
            Figure::count("control-deviations", summary.deviations, link.clone()),
        ];
        let rows = summary
            .units
            .into_iter()
            .map(|unit| TableRow {
                label: unit.unit_name,
                label_kind: LabelKind::Name,
                detail: None,
                cells: vec![
                    Figure::share(
                        "control-reports-received",
                        unit.received,
                        unit.expected,
                        link.clone(),
                    ),
                    Figure::count("control-deviations", unit.deviations, link.clone()),
                ],
            })
            .collect();
        let table = Table {
            key: "control-per-unit".to_owned(),
            columns: vec![
                "report-column-unit".to_owned(),
                "report-column-reports-received".to_owned(),
                "report-column-deviations".to_owned(),
            ],
            rows,
        };
        Ok(Section::new("audits", figures, vec![table]))
    })
}
