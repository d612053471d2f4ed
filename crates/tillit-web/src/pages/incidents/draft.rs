//! `/incidents/{id}/obligations/{obligation_id}`: a report draft with the fields its
//! recipient asks for, filled from the case, as a page and as JSON to copy into the
//! authority's e-service; and, for the reporting role, marking it as submitted.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::Utc;

use super::list::report_label;
use super::{clock_view, ClockView};
use crate::auth::Principal;
use crate::error::AppError;
use crate::pages::risk::code_label;
use crate::pages::{render, FormErrors, PageContext};
use crate::services::incidents::{self as service, ReportDraft};
use crate::state::AppState;
use crate::time::format_local;

#[derive(Template)]
#[template(path = "incident_draft.html")]
struct DraftPage {
    ctx: PageContext,
    id: i64,
    obligation_id: i64,
    version: i64,
    designation: String,
    title: String,
    report: String,
    description: String,
    recipient: String,
    sources: String,
    clock: Option<ClockView>,
    submitted: Option<String>,
    fields: Vec<(String, String)>,
    json: String,
    can_submit: bool,
    /// The report may be submitted without every detail (its supplements follow).
    may_be_incomplete: bool,
    /// When the report is due only in a phase of the incident: why, in the reader's words.
    phase_note: Option<String>,
    errors: FormErrors,
}

pub(super) async fn draft_page(
    state: &AppState,
    ctx: PageContext,
    principal: &Principal,
    id: i64,
    obligation_id: i64,
    errors: FormErrors,
    status: StatusCode,
) -> Result<Response, AppError> {
    let (detail, draft, rule) = service::draft(state, principal, id, obligation_id).await?;
    let obligation = detail
        .obligations
        .iter()
        .find(|o| o.id == obligation_id)
        .ok_or(AppError::NotFound)?;
    let regime = service::content()?
        .regime(&obligation.regime)
        .ok_or(AppError::NotFound)?;
    let can_submit = detail.incident.is_open()
        && obligation.is_open()
        && service::may_submit(principal, regime, &detail.settings, &detail.unit_path);
    let json = serde_json::to_string_pretty(&draft_json(&draft)).map_err(AppError::internal)?;
    let page = DraftPage {
        id,
        obligation_id,
        version: detail.incident.version,
        designation: detail.incident.designation.clone(),
        title: detail.incident.title.clone(),
        report: report_label(&ctx, &obligation.regime, &obligation.code),
        description: rule.description.in_language(ctx.lang).to_owned(),
        recipient: draft.recipient.clone(),
        sources: rule.sources.join("; "),
        clock: obligation
            .due_at
            .filter(|_| obligation.is_open())
            .map(|due| clock_view(&ctx, &due, Utc::now())),
        submitted: obligation.submitted_at.map(|at| {
            format!(
                "{}, {} ({})",
                obligation.submitted_by_label.clone().unwrap_or_default(),
                format_local(&at),
                obligation.channel.clone().unwrap_or_default()
            )
        }),
        fields: draft
            .fields
            .iter()
            .map(|(field, value)| (code_label(&ctx, "report-field", field), value.clone()))
            .collect(),
        json,
        can_submit,
        may_be_incomplete: tillit_domain::incident::may_be_incomplete(regime, &obligation.code),
        phase_note: super::case::phase_note(&ctx, rule),
        errors,
        ctx,
    };
    Ok((status, render(&page)?).into_response())
}

/// The draft as structured JSON: field codes and values, for copying.
fn draft_json(draft: &ReportDraft) -> serde_json::Value {
    serde_json::json!({
        "incident": draft.incident,
        "regime": draft.regime,
        "obligation": draft.obligation,
        "recipient": draft.recipient,
        "due_at": draft.due_at,
        "sources": draft.sources,
        "fields": draft.fields.iter().map(|(k, v)| (k.clone(), serde_json::Value::from(v.as_str()))).collect::<serde_json::Map<String, serde_json::Value>>(),
    })
}

pub async fn page(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path((id, obligation_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    draft_page(
        &state,
        ctx,
        &principal,
        id,
        obligation_id,
        FormErrors::default(),
        StatusCode::OK,
    )
    .await
}

pub async fn json(
    State(state): State<AppState>,
    principal: Principal,
    Path((id, obligation_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (_, draft, _) = service::draft(&state, &principal, id, obligation_id).await?;
    Ok(Json(draft_json(&draft)).into_response())
}

/// The draft as a PDF, in the reader's language.
pub async fn pdf(
    State(state): State<AppState>,
    ctx: PageContext,
    principal: Principal,
    Path((id, obligation_id)): Path<(i64, i64)>,
) -> Result<Response, AppError> {
    let (detail, draft, rule) = service::draft(&state, &principal, id, obligation_id).await?;
    let obligation = detail
        .obligations
        .iter()
        .find(|o| o.id == obligation_id)
        .ok_or(AppError::NotFound)?;
    let organisation = crate::services::org::organisation(&state, &principal).await?;
    let field = |label: String, value: String| tillit_pdf::Field { label, value };
    let now = Utc::now();
    let doc = tillit_pdf::ReportDraftDocument {
        lang: ctx.lang_code().to_owned(),
        title: format!(
            "{} – {}",
            report_label(&ctx, &obligation.regime, &obligation.code),
            detail.incident.designation
        ),
        organisation: organisation.name,
        facts: vec![
            field(
                ctx.t("incident-field-case"),
                format!("{} {}", detail.incident.designation, detail.incident.title),
            ),
            field(ctx.t("incident-recipient"), draft.recipient.clone()),
            field(ctx.t("incident-due"), ctx.time_opt(&draft.due_at)),
            field(ctx.t("incident-sources"), rule.sources.join("; ")),
        ],
        note: ctx.t("incident-draft-hint"),
        fields: draft
            .fields
            .iter()
            .map(|(code, value)| field(code_label(&ctx, "report-field", code), value.clone()))
            .collect(),
        missing: ctx.t("incident-draft-missing"),
        generated: format!("tillit – {}", ctx.time(&now)),
        generated_on: now
            .with_timezone(&chrono_tz::Europe::Stockholm)
            .format("%Y-%m-%d")
            .to_string(),
    };
    let bytes = tokio::task::spawn_blocking(move || tillit_pdf::report_draft_pdf(&doc))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    let file_name = format!(
        "{}-{}-{}.pdf",
        detail.incident.designation, obligation.regime, obligation.code
    );
    Ok((
        [
            (
                axum::http::header::CONTENT_TYPE,
                "application/pdf".to_owned(),
            ),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{file_name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
