//! The page shown for an error.

use askama::Template;
use axum::response::{Html, IntoResponse, Response};
use tillit_domain::users::Language;

use crate::auth::Principal;
use crate::error::ErrorReport;
use crate::pages::PageContext;
use crate::state::AppState;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    ctx: PageContext,
    title: String,
    detail: String,
    request_id: String,
    fields: Vec<String>,
}

pub fn render_error_page(
    state: &AppState,
    language: Language,
    principal: Option<Principal>,
    report: &ErrorReport,
    request_id: &str,
) -> Response {
    let ctx = PageContext::for_error(state, language, principal);
    let fields = report
        .fields
        .iter()
        .map(|f| {
            format!(
                "{}: {}",
                ctx.t(&format!("field-{}", f.field.replace('_', "-"))),
                ctx.t(&format!("field-error-{}", f.code))
            )
        })
        .collect();
    let page = ErrorPage {
        title: ctx.t(&format!("problem-{}-title", report.code)),
        detail: ctx.t(&format!("problem-{}-detail", report.code)),
        request_id: request_id.to_owned(),
        fields,
        ctx,
    };
    let body = page.render().unwrap_or_else(|_| report.code.to_owned());
    (report.status, Html(body)).into_response()
}
