//! The classification overview: coverage of the registers as a chart with a data
//! table, the classified objects with filters, what is left to classify, naming a
//! process or document to classify, and the proposed measures.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use chrono::Utc;
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::classification::{review_overdue, ObjectKind};
use tillit_domain::pagination::PageRequest;
use tillit_reports::Format;
use tillit_store::classification::{
    ClassificationObject, CoverageCount, ObjectFilter, Subject, Unclassified, UnmetRequirement,
};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, QueryParams};
use crate::pages::org::TreeRow;
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::classification as service;
use crate::services::classification_export;
use crate::state::AppState;
use crate::time::year_in_utc;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    /// Only for the export: `csv` or `xlsx`.
    #[serde(default)]
    format: String,
    #[serde(default)]
    q: String,
    #[serde(default)]
    kind: String,
    /// `overdue`, `level4` or empty.
    #[serde(default)]
    show: String,
    /// Only objects with a version approved in this year (the annual report's links).
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    approved_year: Option<i32>,
    /// Only objects of this unit or a unit below it.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    page: Option<u32>,
}

impl ListQuery {
    fn filter(&self) -> Result<ObjectFilter, AppError> {
        let kind = match self.kind.as_str() {
            "" => None,
            kind => Some(
                ObjectKind::parse(kind)
                    .ok_or_else(|| AppError::invalid("kind", "invalid-choice"))?,
            ),
        };
        let (overdue_on, needs_protection_analysis) = match self.show.as_str() {
            "" => (None, false),
            "overdue" => (Some(Utc::now().date_naive()), false),
            "level4" => (None, true),
            _ => return Err(AppError::invalid("show", "invalid-choice")),
        };
        let approved_in = self
            .approved_year
            .map(|year| {
                year_in_utc(year).ok_or_else(|| AppError::invalid("approved_year", "out-of-range"))
            })
            .transpose()?;
        Ok(ObjectFilter {
            kind,
            overdue_on,
            needs_protection_analysis,
            query: Some(self.q.clone()).filter(|q| !q.trim().is_empty()),
            approved_in,
            unit_id: self.unit_id,
        })
    }

    /// The filters as query pairs, for links that keep them.
    fn filter_pairs(&self) -> Vec<(&'static str, String)> {
        let text = |value: Option<String>| value.unwrap_or_default();
        vec![
            ("q", self.q.clone()),
            ("kind", self.kind.clone()),
            ("show", self.show.clone()),
            (
                "approved_year",
                text(self.approved_year.map(|y| y.to_string())),
            ),
            ("unit_id", text(self.unit_id.map(|u| u.to_string()))),
        ]
    }
}

/// One bar of the coverage chart, in per cent of the register.
struct Bar {
    label: String,
    classified: i64,
    current: i64,
    total: i64,
    classified_percent: i64,
    current_percent: i64,
    /// Vertical position in the chart.
    y: i64,
}

fn bar(label: String, count: CoverageCount, y: i64) -> Bar {
    Bar {
        label,
        classified: count.classified,
        current: count.current,
        total: count.total,
        classified_percent: count.classified_percent(),
        current_percent: count.current_percent(),
        y,
    }
}

/// A row of the list of classified objects.
struct ObjectRow {
    id: i64,
    name: String,
    kind_label: String,
    levels: String,
    next_review: String,
    overdue: bool,
    level_four: bool,
}

#[derive(Template)]
#[template(path = "classification.html")]
struct OverviewPage {
    ctx: PageContext,
    query: ListQuery,
    bars: Vec<Bar>,
    rows: Vec<ObjectRow>,
    total: i64,
    current_page: u32,
    page_count: u32,
    unclassified: Vec<Unclassified>,
    kinds: Vec<(&'static str, String)>,
    units: Vec<TreeRow>,
    named_kinds: Vec<(&'static str, String)>,
    people: Vec<(i64, String)>,
    own_id: i64,
    named: NamedForm,
    errors: FormErrors,
}

impl OverviewPage {
    /// The export of what the filters select.
    fn export_link(&self, format: &str) -> String {
        let mut pairs = vec![("format", format.to_owned())];
        pairs.extend(self.query.filter_pairs());
        serde_urlencoded::to_string(pairs)
            .map(|q| format!("/classification/export?{q}"))
            .unwrap_or_default()
    }

    fn page_link(&self, page: u32) -> String {
        let mut pairs = self.query.filter_pairs();
        pairs.push(("page", page.to_string()));
        serde_urlencoded::to_string(pairs)
            .map(|q| format!("/classification?{q}"))
            .unwrap_or_default()
    }

    fn unit_selected(&self, id: &i64) -> bool {
        self.query.unit_id == Some(*id)
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }

    fn is_named_owner(&self, id: &i64) -> bool {
        self.named.owner_id.unwrap_or(self.own_id) == *id
    }
}

fn rows(ctx: &PageContext, page: Page<ClassificationObject>) -> Vec<ObjectRow> {
    let today = Utc::now().date_naive();
    page.items
        .into_iter()
        .map(|object| {
            let levels = object.levels();
            ObjectRow {
                id: object.id,
                kind_label: ctx.t(&format!("object-kind-{}", object.kind)),
                name: match &object.designation {
                    Some(designation) => format!("{designation} {}", object.name),
                    None => object.name.clone(),
                },
                levels: levels
                    .map(|l| l.to_string())
                    .unwrap_or_else(|| ctx.t("classification-not-yet")),
                next_review: object
                    .next_review
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
                overdue: object.next_review.is_some_and(|d| review_overdue(d, today)),
                level_four: levels.is_some_and(|l| l.needs_protection_analysis()),
            }
        })
        .collect()
}

fn kind_choices(ctx: &PageContext, kinds: &[ObjectKind]) -> Vec<(&'static str, String)> {
    kinds
        .iter()
        .map(|k| (k.as_str(), ctx.t(&format!("object-kind-{}", k.as_str()))))
        .collect()
}

async fn overview_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    query: ListQuery,
    named: NamedForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let filter = query.filter()?;
    let paging = PageRequest::parse(query.page, None)?;
    let page = service::list(state, principal, &filter, paging.limit(), paging.offset()).await?;
    let (coverage, unclassified) = service::coverage(state, principal).await?;
    let people = if principal.grants.allows_everywhere(Action::ManageRegisters) {
        tillit_store::users::user_choices(&state.db, principal.organisation_id, 2000).await?
    } else {
        vec![(principal.user_id, principal.display_name.clone())]
    };
    let page_view = OverviewPage {
        bars: vec![
            bar(ctx.t("coverage-systems"), coverage.systems, 0),
            bar(ctx.t("coverage-assets"), coverage.assets, 1),
        ],
        total: page.total,
        current_page: paging.page,
        page_count: paging.page_count(page.total),
        rows: rows(&ctx, page),
        unclassified,
        kinds: kind_choices(&ctx, &ObjectKind::ALL),
        units: crate::pages::org::tree_rows_for(state, principal).await?,
        named_kinds: kind_choices(&ctx, &[ObjectKind::Process, ObjectKind::Document]),
        people,
        own_id: principal.user_id,
        query,
        named,
        errors,
        ctx,
    };
    Ok((status, render(&page_view)?).into_response())
}

pub async fn overview(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    overview_page(
        &state,
        ctx,
        &principal,
        query,
        NamedForm::default(),
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

/// The classified objects the filters select, as CSV or XLSX.
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let format = Format::parse(&query.format)
        .ok_or_else(|| AppError::invalid("format", "invalid-choice"))?;
    let export =
        classification_export::classifications(&state, &principal, &query.filter()?, format)
            .await?;
    Ok(export.into_response())
}

/// A process or document to classify.
#[derive(Debug, Default, Deserialize)]
pub struct NamedForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    owner_id: Option<i64>,
}

pub async fn create_named(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    FormData(form): FormData<NamedForm>,
) -> Result<Response, AppError> {
    let result = match ObjectKind::parse(&form.kind).filter(|k| k.is_named_in_classification()) {
        Some(kind) => {
            service::create_named_object(&state, &principal, kind, &form.name, form.owner_id, None)
                .await
        }
        None => Err(AppError::invalid("kind", "invalid-choice")),
    };
    match result {
        Ok(object) => Ok(see_other(
            &service::classify_link(Subject::Object(object.id)),
            "classification-object-created",
        )),
        Err(error) => {
            let (errors, status) = FormErrors::rejected(&ctx, error, "named-", "name")?;
            overview_page(
                &state,
                ctx,
                &principal,
                ListQuery::default(),
                form,
                errors,
                status,
            )
            .await
        }
    }
}

struct MeasureRow {
    object_id: i64,
    object_name: String,
    kind_label: String,
    code: String,
    title: String,
    status_label: String,
    how: String,
    assessed: String,
}

#[derive(Template)]
#[template(path = "classification_measures.html")]
struct MeasuresPage {
    ctx: PageContext,
    rows: Vec<MeasureRow>,
    total: i64,
    current_page: u32,
    page_count: u32,
    /// Whether the reader may turn a proposed measure into one of the action plan.
    can_plan: bool,
}

#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    page: Option<u32>,
}

pub async fn measures(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<PageQuery>,
) -> Result<Response, AppError> {
    let paging = PageRequest::parse(query.page, None)?;
    let page =
        service::proposed_measures(&state, &principal, paging.limit(), paging.offset()).await?;
    let requirements = service::all_requirements(&state, &principal).await?;
    let title = |code: &str| {
        requirements
            .iter()
            .find(|r| r.id == code)
            .map(|r| super::text(&ctx, &r.title))
            .unwrap_or_default()
    };
    let rows = page
        .items
        .iter()
        .map(|m: &UnmetRequirement| MeasureRow {
            object_id: m.object_id,
            object_name: m.object_name.clone(),
            kind_label: ctx.t(&format!("object-kind-{}", m.object_kind)),
            title: title(&m.requirement_code),
            code: m.requirement_code.clone(),
            status_label: ctx.t(&format!("assessment-{}", m.status.replace('_', "-"))),
            how: m.how.clone(),
            assessed: format!("{}, {}", ctx.time(&m.assessed_at), m.assessed_by_label),
        })
        .collect();
    render(&MeasuresPage {
        can_plan: principal.can(tillit_domain::auth::Action::ManageRisks),
        rows,
        total: page.total,
        current_page: paging.page,
        page_count: paging.page_count(page.total),
        ctx,
    })
}
