//! Risk analyses: the list, a new analysis, one analysis with its risks, approval
//! (fastställande) and revision, approved versions and their comparison.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use tillit_domain::auth::Action;
use tillit_domain::pagination::PageRequest;
use tillit_domain::risk::{renewal_overdue, AnalysisInput, Scope};
use tillit_store::risk::{AnalysisFilter, AnalysisSnapshot, AnalysisVersionSummary, Risk};

use super::{code_label, level_badge, rejected, step_label, LevelBadge};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{empty_as_none, FormData, IdPath, QueryParams, RepeatedForm};
use crate::filter_params::{choice, year_times};
use crate::pages::org::TreeRow;
use crate::pages::picker::{self, Picker, PickerInput, PickerKind};
use crate::pages::{render, see_other, FormErrors, PageContext};
use crate::services::risk as service;
use crate::services::risk_export;
use crate::state::AppState;
use crate::time::format_local;

#[derive(Debug, Default, Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default)]
    scope: String,
    #[serde(default)]
    show: String,
    /// Only those with a version approved in this year (the annual report's links).
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    approved_year: Option<i32>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    page: Option<u32>,
}

pub struct AnalysisRow {
    id: i64,
    designation: String,
    title: String,
    scope: String,
    unit_name: String,
    status: String,
    approved_at: String,
    next_renewal: String,
    overdue: bool,
    risk_count: i64,
}

fn scope_label(ctx: &PageContext, scope: &str) -> String {
    code_label(ctx, "risk-scope", scope)
}

fn status_label(ctx: &PageContext, analysis: &tillit_store::risk::Analysis) -> String {
    if analysis.is_draft() && analysis.current_version > 0 {
        ctx.t1(
            "analysis-status-revising",
            "version",
            analysis.current_version,
        )
    } else if analysis.is_draft() {
        ctx.t("analysis-status-draft")
    } else {
        ctx.t1(
            "analysis-status-approved",
            "version",
            analysis.current_version,
        )
    }
}

fn scopes(ctx: &PageContext) -> Vec<(&'static str, String)> {
    Scope::ALL
        .into_iter()
        .map(|s| (s.as_str(), scope_label(ctx, s.as_str())))
        .collect()
}

#[derive(Template)]
#[template(path = "risk_analyses.html")]
struct ListPage {
    ctx: PageContext,
    query: ListQuery,
    rows: Vec<AnalysisRow>,
    total: i64,
    current_page: u32,
    page_count: u32,
    units: Vec<TreeRow>,
    scopes: Vec<(&'static str, String)>,
    can_manage: bool,
}

impl ListPage {
    fn is_unit(&self, id: &i64) -> bool {
        self.query.unit_id == Some(*id)
    }

    fn page_link(&self, page: u32) -> String {
        let unit = self
            .query
            .unit_id
            .map(|u| u.to_string())
            .unwrap_or_default();
        let approved_year = self
            .query
            .approved_year
            .map(|y| y.to_string())
            .unwrap_or_default();
        let query = serde_urlencoded::to_string([
            ("q", self.query.q.as_str()),
            ("unit_id", unit.as_str()),
            ("scope", self.query.scope.as_str()),
            ("show", self.query.show.as_str()),
            ("approved_year", approved_year.as_str()),
        ])
        .unwrap_or_default();
        format!("/risks/analyses?{query}&page={page}")
    }

    fn previous_link(&self) -> Option<String> {
        (self.current_page > 1).then(|| self.page_link(self.current_page - 1))
    }

    fn next_link(&self) -> Option<String> {
        (self.current_page < self.page_count).then(|| self.page_link(self.current_page + 1))
    }
}

pub async fn list(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    QueryParams(query): QueryParams<ListQuery>,
) -> Result<Response, AppError> {
    let paging = PageRequest::parse(query.page, None)?;
    let today = service::today();
    let show = choice("show", Some(&query.show), |s| {
        ["overdue", "approved", "draft"]
            .into_iter()
            .find(|known| *known == s)
    })?;
    let filter = AnalysisFilter {
        search: Some(query.q.clone()),
        unit_id: query.unit_id,
        scope: choice("scope", Some(&query.scope), Scope::parse)?,
        overdue_on: (show == Some("overdue")).then_some(today),
        approved_once: show == Some("approved"),
        drafts_only: show == Some("draft"),
        approved_in: year_times("approved_year", query.approved_year)?,
        ..AnalysisFilter::default()
    };
    let page = service::list_analyses(&state, &principal, &filter, paging.limit(), paging.offset())
        .await?;
    let rows = page
        .items
        .iter()
        .map(|a| AnalysisRow {
            id: a.id,
            designation: a.designation.clone(),
            title: a.title.clone(),
            scope: scope_label(&ctx, &a.scope),
            unit_name: a.unit_name.clone().unwrap_or_default(),
            status: status_label(&ctx, a),
            approved_at: a.approved_at.as_ref().map(format_local).unwrap_or_default(),
            next_renewal: a.next_renewal.map(|d| d.to_string()).unwrap_or_default(),
            overdue: renewal_overdue(a.next_renewal, today),
            risk_count: a.risk_count,
        })
        .collect();
    let list = ListPage {
        rows,
        total: page.total,
        current_page: paging.page,
        page_count: paging.page_count(page.total),
        units: crate::pages::org::tree_rows_for(&state, &principal).await?,
        scopes: scopes(&ctx),
        can_manage: principal.can(Action::ManageRisks),
        query,
        ctx,
    };
    render(&list)
}

/// The analysis form as typed; systems and assets come as repeated fields.
#[derive(Debug, Default, Deserialize)]
pub struct AnalysisForm {
    #[serde(default)]
    title: String,
    #[serde(default)]
    scope: String,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    unit_id: Option<i64>,
    #[serde(default)]
    process_name: String,
    #[serde(default)]
    participants: String,
    #[serde(default)]
    external_developments: String,
    #[serde(default)]
    incidents_considered: String,
    #[serde(default)]
    version: i64,
    #[serde(skip)]
    systems: PickerInput,
    #[serde(skip)]
    assets: PickerInput,
    /// Sent with a picker's search button: shown again, not saved.
    #[serde(skip)]
    searching: bool,
}

impl AnalysisForm {
    fn input(&self) -> AnalysisInput<'_> {
        AnalysisInput {
            title: &self.title,
            scope: Scope::parse(&self.scope),
            unit_id: self.unit_id,
            process_name: &self.process_name,
            system_ids: &self.systems.chosen,
            asset_ids: &self.assets.chosen,
            participants: &self.participants,
            external_developments: &self.external_developments,
            incidents_considered: &self.incidents_considered,
        }
    }

    fn from_detail(detail: &service::AnalysisDetail) -> Self {
        let a = &detail.analysis;
        Self {
            title: a.title.clone(),
            scope: a.scope.clone(),
            unit_id: a.unit_id,
            process_name: a.process_name.clone(),
            participants: a.participants.clone(),
            external_developments: a.external_developments.clone(),
            incidents_considered: a.incidents_considered.clone(),
            version: a.version,
            systems: PickerInput::chosen(detail.systems.iter().map(|s| s.id).collect()),
            assets: PickerInput::chosen(detail.assets.iter().map(|a| a.0).collect()),
            searching: false,
        }
    }

    fn read(form: RepeatedForm<AnalysisForm>) -> Result<Self, AppError> {
        let RepeatedForm(mut form, values) = form;
        form.systems = PickerInput::read(&values, "system_ids")?;
        form.assets = PickerInput::read(&values, "asset_ids")?;
        form.searching = picker::searching(&values);
        Ok(form)
    }

    fn is_unit(&self, id: &i64) -> bool {
        self.unit_id == Some(*id)
    }
}

/// What the analysis form offers.
pub struct AnalysisChoices {
    scopes: Vec<(&'static str, String)>,
    units: Vec<TreeRow>,
    systems: Picker,
    assets: Picker,
}

async fn analysis_choices(
    state: &AppState,
    ctx: &PageContext,
    principal: &Principal,
    form: &AnalysisForm,
    errors: &FormErrors,
) -> Result<AnalysisChoices, AppError> {
    let systems = Picker::new(
        PickerKind::Systems,
        "",
        "system_ids",
        ctx.t("risk-field-system-ids"),
    )
    .with_hint(ctx.t("analysis-systems-hint"))
    .with_error(errors.for_field("system_ids"))
    .filled(state, principal, &form.systems)
    .await?;
    let assets = Picker::new(
        PickerKind::Assets,
        "",
        "asset_ids",
        ctx.t("risk-field-asset-ids"),
    )
    .with_error(errors.for_field("asset_ids"))
    .filled(state, principal, &form.assets)
    .await?;
    Ok(AnalysisChoices {
        scopes: scopes(ctx),
        units: crate::pages::org::tree_rows_for(state, principal).await?,
        systems,
        assets,
    })
}

#[derive(Template)]
#[template(path = "risk_analysis_new.html")]
struct NewPage {
    ctx: PageContext,
    form: AnalysisForm,
    choices: AnalysisChoices,
    errors: FormErrors,
}

async fn new_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    form: AnalysisForm,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    principal.require(Action::ManageRisks)?;
    let page = NewPage {
        choices: analysis_choices(state, &ctx, principal, &form, &errors).await?,
        form,
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn new_form(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
) -> Result<Response, AppError> {
    let form = AnalysisForm {
        scope: Scope::Systems.as_str().to_owned(),
        ..AnalysisForm::default()
    };
    new_page(
        &state,
        ctx,
        &principal,
        form,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn create(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    form: RepeatedForm<AnalysisForm>,
) -> Result<Response, AppError> {
    let form = AnalysisForm::read(form)?;
    if form.searching {
        let errors = FormErrors::default();
        return new_page(&state, ctx, &principal, form, errors, StatusCode::OK).await;
    }
    match service::create_analysis(&state, &principal, &form.input()).await {
        Ok(created) => Ok(see_other(
            &format!("/risks/analyses/{}", created.id),
            "analysis-created",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "title")?;
            new_page(&state, ctx, &principal, form, errors, status).await
        }
    }
}

pub struct RiskRowView {
    id: i64,
    designation: String,
    title: String,
    likelihood: String,
    consequence: String,
    level: LevelBadge,
    residual: Option<LevelBadge>,
    treatment: String,
    status: String,
}

fn risk_rows(
    ctx: &PageContext,
    matrix: &tillit_domain::risk::RiskMatrix,
    risks: &[Risk],
) -> Vec<RiskRowView> {
    risks.iter().map(|r| risk_row(ctx, matrix, r)).collect()
}

fn risk_row(ctx: &PageContext, matrix: &tillit_domain::risk::RiskMatrix, r: &Risk) -> RiskRowView {
    RiskRowView {
        id: r.id,
        designation: r.designation(),
        title: r.title.clone(),
        likelihood: step_label(ctx, &matrix.likelihood, r.likelihood),
        consequence: step_label(ctx, &matrix.consequence, r.consequence),
        level: level_badge(ctx, &r.level),
        residual: r.residual_level.as_deref().map(|l| level_badge(ctx, l)),
        treatment: r
            .treatment
            .as_deref()
            .map(|t| code_label(ctx, "risk-treatment", t))
            .unwrap_or_else(|| ctx.t("risk-treatment-none")),
        status: code_label(ctx, "risk-status", &r.status),
    }
}

pub struct VersionView {
    number: i64,
    approved_at: String,
    approved_by: String,
    kept_until: String,
}

fn version_views(versions: &[AnalysisVersionSummary]) -> Vec<VersionView> {
    versions
        .iter()
        .map(|v| VersionView {
            number: v.number,
            approved_at: format_local(&v.approved_at),
            approved_by: v.approved_by_label.clone(),
            kept_until: v.kept_until.to_string(),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "risk_analysis.html")]
struct DetailPage {
    ctx: PageContext,
    analysis: tillit_store::risk::Analysis,
    scope: String,
    status: String,
    approved_at: String,
    overdue: bool,
    systems: Vec<(i64, String)>,
    assets: Vec<(i64, String)>,
    risks: Vec<RiskRowView>,
    versions: Vec<VersionView>,
    form: AnalysisForm,
    choices: Option<AnalysisChoices>,
    errors: FormErrors,
    can_manage: bool,
    can_approve: bool,
    /// The incident cases considered that the reader may see, and those they may add.
    incidents: crate::pages::incidents::considered::ConsideredView,
}

impl DetailPage {
    fn is_draft(&self) -> bool {
        self.analysis.is_draft()
    }
}

pub(crate) async fn detail_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    form: Option<AnalysisForm>,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let detail = service::analysis(state, principal, id).await?;
    let method = service::method(state, principal).await?;
    let can_manage = principal
        .grants
        .allows_at(Action::ManageRisks, &detail.unit_path);
    let form = form.unwrap_or_else(|| AnalysisForm::from_detail(&detail));
    let choices = if can_manage && detail.analysis.is_draft() {
        Some(analysis_choices(state, &ctx, principal, &form, &errors).await?)
    } else {
        None
    };
    let incidents = crate::pages::incidents::considered::view(
        state,
        principal,
        id,
        can_manage && detail.analysis.is_draft(),
    )
    .await?;
    let a = &detail.analysis;
    let page = DetailPage {
        incidents,
        scope: scope_label(&ctx, &a.scope),
        status: status_label(&ctx, a),
        approved_at: a.approved_at.as_ref().map(format_local).unwrap_or_default(),
        overdue: renewal_overdue(a.next_renewal, service::today()),
        systems: detail
            .systems
            .iter()
            .map(|s| (s.id, format!("{} {}", s.designation, s.name)))
            .collect(),
        assets: detail.assets.clone(),
        risks: risk_rows(&ctx, &method.matrix, &detail.risks),
        versions: version_views(&detail.versions),
        form,
        choices,
        errors,
        can_manage,
        can_approve: principal
            .grants
            .allows_at(Action::ApproveRiskAnalysis, &detail.unit_path),
        analysis: detail.analysis,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

pub async fn detail(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
) -> Result<Response, AppError> {
    detail_page(
        &state,
        ctx,
        &principal,
        id,
        None,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn update(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    form: RepeatedForm<AnalysisForm>,
) -> Result<Response, AppError> {
    let form = AnalysisForm::read(form)?;
    if form.searching {
        let errors = FormErrors::default();
        return detail_page(
            &state,
            ctx,
            &principal,
            id,
            Some(form),
            errors,
            StatusCode::OK,
        )
        .await;
    }
    match service::update_analysis(&state, &principal, id, form.version, &form.input()).await {
        Ok(_) => Ok(see_other(
            &format!("/risks/analyses/{id}"),
            "analysis-saved",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "title")?;
            detail_page(&state, ctx, &principal, id, Some(form), errors, status).await
        }
    }
}

#[derive(Debug, Deserialize)]
pub struct VersionForm {
    version: i64,
}

pub async fn approve(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    match service::approve_analysis(&state, &principal, id, form.version).await {
        Ok(_) => Ok(see_other(
            &format!("/risks/analyses/{id}"),
            "analysis-approved",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "analysis")?;
            detail_page(&state, ctx, &principal, id, None, errors, status).await
        }
    }
}

pub async fn revise(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    FormData(form): FormData<VersionForm>,
) -> Result<Response, AppError> {
    match service::revise_analysis(&state, &principal, id, form.version).await {
        Ok(_) => Ok(see_other(
            &format!("/risks/analyses/{id}"),
            "analysis-revising",
        )),
        Err(error) => {
            let (errors, status) = rejected(&ctx, error, "analysis")?;
            detail_page(&state, ctx, &principal, id, None, errors, status).await
        }
    }
}

/// A frozen (or current) analysis laid out for reading.
pub struct SnapshotView {
    heading: String,
    analysis: tillit_store::risk::Analysis,
    scope: String,
    systems: Vec<String>,
    assets: Vec<String>,
    risks: Vec<RiskRowView>,
    measures: Vec<(String, String, String, String)>,
    /// The incident cases considered when the version was approved: (id, designation).
    incidents: Vec<(i64, String)>,
}

fn snapshot_view(
    ctx: &PageContext,
    matrix: &tillit_domain::risk::RiskMatrix,
    heading: String,
    snapshot: AnalysisSnapshot,
) -> SnapshotView {
    let risks: Vec<Risk> = snapshot.risks.iter().map(|r| r.risk.clone()).collect();
    SnapshotView {
        incidents: snapshot
            .incidents
            .iter()
            .map(|i| (i.id, i.designation.clone()))
            .collect(),
        heading,
        scope: scope_label(ctx, &snapshot.analysis.scope),
        systems: snapshot
            .systems
            .iter()
            .map(|s| format!("{} {}", s.designation, s.name))
            .collect(),
        assets: snapshot.assets.iter().map(|a| a.1.clone()).collect(),
        risks: risk_rows(ctx, matrix, &risks),
        measures: snapshot
            .measures
            .iter()
            .map(|m| {
                (
                    m.measure.designation.clone(),
                    m.measure.title.clone(),
                    m.measure.responsible_name.clone(),
                    m.measure
                        .done_on
                        .map(|d| ctx.t1("risk-measure-done-on", "date", d))
                        .unwrap_or_else(|| {
                            ctx.t1("risk-measure-planned-on", "date", m.measure.planned_on)
                        }),
                )
            })
            .collect(),
        analysis: snapshot.analysis,
    }
}

#[derive(Template)]
#[template(path = "risk_analysis_version.html")]
struct VersionPage {
    ctx: PageContext,
    id: i64,
    number: i64,
    approved: String,
    kept_until: String,
    view: SnapshotView,
}

pub async fn version(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path((id, number)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let (id, number) = (parse_id(&id)?, parse_id(&number)?);
    let version = service::version(&state, &principal, id, number).await?;
    let method = service::method(&state, &principal).await?;
    let heading = format!(
        "{} {}",
        version.snapshot.analysis.designation, version.snapshot.analysis.title
    );
    let page = VersionPage {
        id,
        number,
        approved: ctx.t1(
            "analysis-version-approved",
            "by",
            &version.approved_by_label,
        ) + " "
            + &format_local(&version.approved_at),
        kept_until: version.kept_until.to_string(),
        view: snapshot_view(&ctx, &method.matrix, heading, version.snapshot),
        ctx,
    };
    render(&page)
}

fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.parse().map_err(|_| AppError::NotFound)
}

#[derive(Debug, Default, Deserialize)]
pub struct CompareQuery {
    /// A version number; empty for the working copy.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    left: Option<i64>,
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    right: Option<i64>,
}

pub struct ComparedRow {
    number: i64,
    changed: bool,
    left: Option<RiskRowView>,
    right: Option<RiskRowView>,
}

#[derive(Template)]
#[template(path = "risk_analysis_compare.html")]
struct ComparePage {
    ctx: PageContext,
    id: i64,
    heading: String,
    left_label: String,
    right_label: String,
    rows: Vec<ComparedRow>,
    versions: Vec<i64>,
    query: CompareQuery,
}

impl ComparePage {
    fn is_left(&self, number: &i64) -> bool {
        self.query.left == Some(*number)
    }

    fn is_right(&self, number: &i64) -> bool {
        self.query.right == Some(*number)
    }
}

pub async fn compare(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<CompareQuery>,
) -> Result<Response, AppError> {
    let left = service::side(&state, &principal, id, query.left).await?;
    let right = service::side(&state, &principal, id, query.right).await?;
    let method = service::method(&state, &principal).await?;
    let versions = service::versions(&state, &principal, id).await?;
    let side_label = |number: Option<i64>| match number {
        Some(n) => ctx.t1("analysis-version", "version", n),
        None => ctx.t("analysis-working-copy"),
    };
    let view = |risk: Option<Risk>| risk.map(|r| risk_row(&ctx, &method.matrix, &r));
    let rows = service::compare(&left, &right)
        .into_iter()
        .map(|c| ComparedRow {
            number: c.number,
            changed: c.changed(),
            left: view(c.left),
            right: view(c.right),
        })
        .collect();
    let page = ComparePage {
        id,
        heading: format!("{} {}", right.analysis.designation, right.analysis.title),
        left_label: side_label(query.left),
        right_label: side_label(query.right),
        rows,
        versions: versions.iter().map(|v| v.number).collect(),
        query,
        ctx,
    };
    render(&page)
}

#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    /// An approved version; empty for the working copy.
    #[serde(default, deserialize_with = "empty_as_none::deserialize")]
    version: Option<i64>,
}

fn edition(query: &ExportQuery) -> risk_export::Edition {
    query.version.map_or(
        risk_export::Edition::WorkingCopy,
        risk_export::Edition::Version,
    )
}

/// The analysis with its action plan as a PDF, in the reader's language.
pub async fn export_pdf(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, AppError> {
    let file = risk_export::pdf(&state, &principal, id, edition(&query), ctx.lang).await?;
    Ok(file.into_response())
}

/// The analysis with its action plan as an XLSX workbook.
pub async fn export_xlsx(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    IdPath(id): IdPath,
    QueryParams(query): QueryParams<ExportQuery>,
) -> Result<Response, AppError> {
    let file = risk_export::xlsx(&state, &principal, id, edition(&query), ctx.lang).await?;
    Ok(file.into_response())
}
