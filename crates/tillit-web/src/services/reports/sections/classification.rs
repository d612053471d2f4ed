//! Classification coverage: the share of systems and information assets with an
//! approved classification, and of assets per administration.

use tillit_store::reports::figures;

use super::{Figure, Input, LabelKind, Section, SectionFuture, Table, TableRow};

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let coverage =
            figures::classification(input.db, input.organisation_id, input.scope).await?;
        let unit = input.unit_query();
        let figures = vec![
            Figure::share(
                "systems-classified",
                coverage.systems_classified,
                coverage.systems,
                Some(format!("/register?classified=yes{unit}")),
            ),
            Figure::share(
                "assets-classified",
                coverage.assets_classified,
                coverage.assets,
                Some(format!("/register/assets?classified=yes{unit}")),
            ),
        ];
        let per_unit = Table {
            key: "coverage-per-unit".into(),
            columns: vec![
                "report-column-unit".into(),
                "report-column-assets-classified".into(),
            ],
            rows: coverage
                .per_unit
                .iter()
                .map(|u| TableRow {
                    label: u.unit_name.clone(),
                    label_kind: LabelKind::Name,
                    detail: None,
                    cells: vec![Figure::share(
                        "assets-classified",
                        u.classified,
                        u.assets,
                        Some(branch_assets_link(input, u.unit_id)),
                    )],
                })
                .collect(),
        };
        let tables = if per_unit.rows.is_empty() {
            Vec::new()
        } else {
            vec![per_unit]
        };
        Ok(Section::new("classification", figures, tables))
    })
}

/// The classified assets a row of the per-unit table counts: a unit's whole branch, but
/// only the own assets of the unit a unit's report is about (its sub-units have rows).
fn branch_assets_link(input: &Input<'_>, unit_id: i64) -> String {
    let own_only = if input.scope.unit_id() == Some(unit_id) {
        "&unit_only=yes"
    } else {
        ""
    };
    format!("/register/assets?classified=yes&unit_id={unit_id}{own_only}")
}
