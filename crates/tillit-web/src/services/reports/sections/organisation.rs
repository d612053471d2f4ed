//! Organisation and roles: the units the report covers and who holds the security roles.

use tillit_store::reports::figures;

use super::{Figure, Input, LabelKind, Section, SectionFuture, Table, TableRow};

/// The text id of a role code, e.g. `role-data-protection-officer`.
fn role_text_id(role: &str) -> String {
    format!("role-{}", role.replace('_', "-"))
}

pub fn section<'a>(input: &'a Input<'a>) -> SectionFuture<'a> {
    Box::pin(async move {
        let figures = figures::organisation(input.db, input.organisation_id, input.scope).await?;
        // The holders of a role on the unit's assignments or those of the units below it.
        let unit = input
            .scope
            .unit_id()
            .map(|id| format!("&unit_id={id}&subunits=yes"))
            .unwrap_or_default();
        let roles = Table {
            key: "role-holders".into(),
            columns: vec!["report-column-role".into(), "report-column-holders".into()],
            rows: figures
                .role_holders
                .iter()
                .map(|r| TableRow {
                    label: role_text_id(&r.role),
                    label_kind: LabelKind::TextId,
                    detail: None,
                    cells: vec![Figure::count(
                        "holders",
                        r.holders,
                        Some(format!("/users?role={}&active=yes{unit}", r.role)),
                    )],
                })
                .collect(),
        };
        let people = Table {
            key: "key-people".into(),
            columns: vec!["report-column-role".into(), "report-column-person".into()],
            rows: figures
                .key_people
                .iter()
                .map(|p| TableRow {
                    label: role_text_id(&p.role),
                    label_kind: LabelKind::TextId,
                    detail: Some(match &p.unit_name {
                        Some(unit) => format!("{} ({unit})", p.name),
                        None => p.name.clone(),
                    }),
                    cells: Vec::new(),
                })
                .collect(),
        };
        let units_link = match input.scope.unit_id() {
            Some(id) => format!("/organisation?unit_id={id}"),
            None => "/organisation".to_owned(),
        };
        let units = Figure::count("units", figures.units, Some(units_link));
        let tables = [roles, people]
            .into_iter()
            .filter(|t| !t.rows.is_empty())
            .collect();
        Ok(Section::new("organisation", vec![units], tables))
    })
}
