//! Incidents and deviations: cases by kind, personal data breaches registered against
//! those notified to IMY, and reports to authorities with the share on time per regime.
//! The figures are the incident module's statistics for the year.

use tillit_domain::reports::ReportScope;
use tillit_store::incidents::{statistics, StatisticsScope};

use super::{Figure, Input, LabelKind, Section, SectionFuture, Table, TableRow};

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let scope = match input.scope {
            ReportScope::Organisation => StatisticsScope::Organisation,
            ReportScope::Unit(id) => StatisticsScope::Units(vec![id]),
        };
        let stats = statistics(
            input.db,
            input.organisation_id,
            &scope,
            input.year.first_day(),
            input.year.end(),
        )
        .await?;
        let list = format!(
            "/incidents?year={}{}",
            input.year.value(),
            input.unit_query()
        );
        let submitted: i64 = stats.on_time.iter().map(|o| o.submitted).sum();
        let figures = vec![
            Figure::count("incidents-total", stats.total, Some(list.clone())),
            Figure::count(
                "breaches-registered",
                stats.breaches_registered,
                Some(format!("{list}&track=personal_data")),
            ),
            Figure::share(
                "breaches-reported",
                stats.breaches_reported,
                stats.breaches_registered,
                Some(format!("{list}&track=personal_data&reported=imy")),
            ),
            Figure::count(
                "reports-submitted",
                submitted,
                Some(format!("{list}&reported=any")),
            ),
        ];
        let by_category = Table {
            key: "incidents-by-category".into(),
            columns: vec![
                "report-column-category".into(),
                "report-column-cases".into(),
            ],
            rows: stats
                .by_category
                .iter()
                .map(|c| TableRow {
                    label: format!("incident-category-{}", c.label.replace('_', "-")),
                    label_kind: LabelKind::TextId,
                    detail: None,
                    cells: vec![Figure::count(
                        "cases",
                        c.count,
                        (c.label != "unassessed").then(|| format!("{list}&category={}", c.label)),
                    )],
                })
                .collect(),
        };
        let on_time = Table {
            key: "reports-on-time".into(),
            columns: vec![
                "report-column-regime".into(),
                "report-column-on-time".into(),
            ],
            rows: stats
                .on_time
                .iter()
                .map(|o| TableRow {
                    label: o.regime.clone(),
                    label_kind: LabelKind::Regime,
                    detail: None,
                    cells: vec![Figure::share("on-time", o.on_time, o.submitted, None)],
                })
                .collect(),
        };
        let tables = [by_category, on_time]
            .into_iter()
            .filter(|t| !t.rows.is_empty())
            .collect();
        Ok(Section::new("incidents", figures, tables))
    })
}
