//! A management review as a PDF (typst) in Swedish or English: the meeting, the eight
//! agenda items with their figures and texts, and the decisions.

use chrono::Utc;
use tillit_domain::users::Language;
use tillit_pdf::{Field, ManagementReviewDocument, ReviewItemSection};
use tillit_store::reviews::figures::ItemFigures;

use crate::auth::Principal;
use crate::error::AppError;
use crate::i18n::I18n;
pub use crate::services::register_export::Export as DownloadFile;
use crate::services::reviews::{self as service, ReviewDetail};
use crate::state::AppState;
use crate::time::format_local;

/// The rows of an item's figure table, and its named lines, in `language`.
pub fn figure_rows(
    i18n: &I18n,
    language: Language,
    figures: &ItemFigures,
) -> (Vec<(String, String)>, Vec<String>) {
    let rows: Vec<(String, String)> = figures
        .figures
        .iter()
        .map(|f| {
            (
                service::figure_label(i18n, language, &f.code),
                f.value.to_string(),
            )
        })
        .collect();
    let mut lines: Vec<String> = figures
        .risks
        .iter()
        .map(|r| {
            let treatment = r.treatment.as_deref().unwrap_or("none");
            format!(
                "{} {} – {}, {}",
                r.reference,
                r.title,
                service::level_label(language, &r.level),
                i18n.text(language, &format!("risk-treatment-{treatment}"))
            )
        })
        .collect();
    lines.extend(figures.lines.iter().map(|l| {
        format!(
            "{}: {}",
            i18n.text(language, &format!("review-line-{}", l.code)),
            l.name
        )
    }));
    (rows, lines)
}

fn document(
    i18n: &I18n,
    language: Language,
    organisation: String,
    detail: &ReviewDetail,
) -> ManagementReviewDocument {
    let t = |id: &str| i18n.text(language, id);
    let review = &detail.review;
    let field = |label: &str, value: String| Field {
        label: t(label),
        value,
    };
    let mut facts = vec![
        field("review-field-meeting-on", review.meeting_on.to_string()),
        field(
            "review-field-status",
            t(&format!("review-status-{}", review.status)),
        ),
        field("review-field-participants", review.participants.clone()),
    ];
    if let (Some(at), Some(by)) = (&review.held_at, &review.held_by_label) {
        facts.push(Field {
            label: t("review-status-held"),
            value: format!("{} ({by})", format_local(at)),
        });
    }
    let items = detail
        .items
        .iter()
        .map(|item| {
            let (rows, lines) = figure_rows(i18n, language, &item.figures);
            ReviewItemSection {
                heading: format!(
                    "{}. {}",
                    item.key.number(),
                    t(&format!(
                        "review-item-{}",
                        item.key.as_str().replace('_', "-")
                    ))
                ),
                figures: rows
                    .into_iter()
                    .map(|(label, value)| Field { label, value })
                    .collect(),
                lines,
                text: item.body.clone(),
            }
        })
        .collect();
    let decisions = detail
        .decisions
        .iter()
        .map(|d| {
            let follow_up = match (&d.measure_designation, d.task_id) {
                (Some(designation), _) => i18n.text_with(
                    language,
                    "review-decision-measure",
                    &[("designation", designation.clone())],
                ),
                (None, Some(_)) => t("review-decision-task"),
                (None, None) => t("review-decision-open"),
            };
            vec![
                d.number.to_string(),
                d.text.clone(),
                d.owner_name.clone(),
                d.due_on.to_string(),
                follow_up,
            ]
        })
        .collect();
    let now = Utc::now();
    ManagementReviewDocument {
        lang: language.as_str().to_owned(),
        title: service::review_name(i18n, language, review),
        organisation,
        facts,
        figure_columns: vec![t("review-figure"), t("review-value")],
        items,
        decisions_heading: t("review-decisions"),
        decision_columns: vec![
            t("review-decision-number"),
            t("review-field-text"),
            t("review-field-owner-id"),
            t("review-field-due-on"),
            t("review-decision-follow-up"),
        ],
        decisions,
        missing: t("review-missing"),
        generated: i18n.text_with(language, "review-generated", &[("at", format_local(&now))]),
        generated_on: crate::services::risk::today().to_string(),
    }
}

/// The review as a PDF, typeset off the async runtime.
pub async fn pdf(
    state: &AppState,
    principal: &Principal,
    id: i64,
    language: Language,
) -> Result<DownloadFile, AppError> {
    let detail = service::detail(state, principal, id).await?;
    let organisation = crate::services::org::organisation(state, principal)
        .await?
        .name;
    let doc = document(&state.i18n, language, organisation, &detail);
    let file_name = format!(
        "ledningens-genomgang-{}-{}.pdf",
        detail.review.year, detail.review.term
    );
    let bytes = tokio::task::spawn_blocking(move || tillit_pdf::management_review_pdf(&doc))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)?;
    Ok(DownloadFile {
        file_name,
        content_type: "application/pdf",
        bytes,
    })
}
