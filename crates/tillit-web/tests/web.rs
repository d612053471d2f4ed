//! Integration tests of the web crate: the whole app, built with `app(state)`, driven
//! through `tower::ServiceExt::oneshot` on both database engines.
//!
//! One test binary for the crate (CI builds one per crate); the tests live in the
//! modules under `tests/web/`.

/// Runs an async test body once per engine with a seeded [`harness::TestApp`]:
/// `web_test!(name, |app| async move { .. })`, or with a [`tillit_web::WebConfig`]
/// as the second argument.
macro_rules! web_test {
    ($name:ident, |$app:ident| $body:expr) => {
        web_test!($name, tillit_web::WebConfig::default(), |$app| $body);
    };
    ($name:ident, $config:expr, |$app:ident| $body:expr) => {
        tillit_store::db_test!($name, |db| async move {
            let $app = $crate::harness::TestApp::with_config(db, $config).await;
            $body.await;
        });
    };
}

#[path = "web/harness.rs"]
mod harness;

#[path = "web/asset_pages.rs"]
mod asset_pages;
#[path = "web/audit.rs"]
mod audit;
#[path = "web/bad_input.rs"]
mod bad_input;
#[path = "web/classification.rs"]
mod classification;
#[path = "web/concurrency.rs"]
mod concurrency;
#[path = "web/forms.rs"]
mod forms;
#[path = "web/governance_cycle.rs"]
mod governance_cycle;
#[path = "web/governance_documents.rs"]
mod governance_documents;
#[path = "web/governance_together.rs"]
mod governance_together;
#[path = "web/import.rs"]
mod import;
#[path = "web/incident_followups.rs"]
mod incident_followups;
#[path = "web/incident_pages.rs"]
mod incident_pages;
#[path = "web/isolation.rs"]
mod isolation;
#[path = "web/lists.rs"]
mod lists;
#[path = "web/login.rs"]
mod login;
#[path = "web/matrix.rs"]
mod matrix;
#[path = "web/openapi.rs"]
mod openapi;
#[path = "web/operator.rs"]
mod operator;
#[path = "web/operator_matrix.rs"]
mod operator_matrix;
#[path = "web/pickers.rs"]
mod pickers;
#[path = "web/register_pages.rs"]
mod register_pages;
#[path = "web/registers.rs"]
mod registers;
#[path = "web/report_links.rs"]
mod report_links;
#[path = "web/report_pages.rs"]
mod report_pages;
#[path = "web/reviews.rs"]
mod reviews;
#[path = "web/risk_analysis_pages.rs"]
mod risk_analysis_pages;
#[path = "web/risk_api.rs"]
mod risk_api;
#[path = "web/risk_pages.rs"]
mod risk_pages;
#[path = "web/risk_scope.rs"]
mod risk_scope;
#[path = "web/security.rs"]
mod security;
#[path = "web/start_page.rs"]
mod start_page;
#[path = "web/unit_scope.rs"]
mod unit_scope;
#[path = "web/year_filters.rs"]
mod year_filters;
