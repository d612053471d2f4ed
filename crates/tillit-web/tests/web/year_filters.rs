//! The filters the annual report links with (a year, approved or draft, unhandled,
//! reported) select the same records in the pages and in the API, and a filter value
//! that makes no sense is refused naming its parameter.

use axum::http::Method;
use chrono::Datelike;
use tillit_domain::auth::Role;
use tillit_domain::users::Language;

use crate::harness::{fixture_actor, unique, TestApp};
use crate::matrix::{incident_fixture, risk_fixture};

async fn api_total(app: &TestApp, path: &str) -> i64 {
    let response = app
        .api(Method::GET, path)
        .token(&app.a.member(Role::Coordinator).token)
        .send()
        .await;
    response.expect(200);
    response.json()["total"].as_i64().expect("total")
}

fn list_total(app: &TestApp, count: i64) -> String {
    app.state
        .i18n
        .text_with(Language::Sv, "list-total", &[("count", count.to_string())])
}

web_test!(pages_and_api_select_alike, |app| async move {
    let n = unique();
    let approved = risk_fixture::approved(&app, n).await;
    let draft = risk_fixture::analysis(&app, n + 1).await;
    let risk = risk_fixture::risk(&app, draft.id, n + 2).await;
    risk_fixture::measure(&app, risk.id, n + 3).await;
    let case = incident_fixture::case(&app).await;
    let closable = incident_fixture::closable(&app).await;
    let closed = tillit_store::incidents::close_incident(
        &app.db,
        app.a.id,
        &fixture_actor(),
        closable.id,
        closable.version,
    )
    .await
    .expect("closed");
    let closed_year = closed.closed_at.expect("closed at").year();
    let approved_year = approved.approved_at.expect("approved").year();
    let case_year = case.occurred_on.year();

    let expected = [
        (
            "/risks/analyses",
            "/api/v1/risk-analyses",
            format!("approved_year={approved_year}"),
            1,
        ),
        (
            "/risks/analyses",
            "/api/v1/risk-analyses",
            "approved_year=2001".to_owned(),
            0,
        ),
        (
            "/risks/analyses",
            "/api/v1/risk-analyses",
            "approved=true".to_owned(),
            1,
        ),
        (
            "/risks/analyses",
            "/api/v1/risk-analyses",
            "draft=true".to_owned(),
            1,
        ),
        (
            "/risks/list",
            "/api/v1/risks",
            "unhandled=true".to_owned(),
            2,
        ),
        (
            "/risks/measures",
            "/api/v1/measures",
            format!("done_year={approved_year}"),
            0,
        ),
        (
            "/incidents",
            "/api/v1/incidents",
            format!("year={case_year}"),
            2,
        ),
        ("/incidents", "/api/v1/incidents", "year=2001".to_owned(), 0),
        (
            "/incidents",
            "/api/v1/incidents",
            "reported=any".to_owned(),
            0,
        ),
        (
            "/incidents",
            "/api/v1/incidents",
            format!("status=closed&closed_year={closed_year}"),
            1,
        ),
    ];
    let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;
    for (page, api, query, count) in expected {
        assert_eq!(
            api_total(&app, &format!("{api}?{query}")).await,
            count,
            "{api}?{query}"
        );
        // The pages spell the yes/no filters as a `show` choice.
        let page_query = match query.as_str() {
            "approved=true" => "show=approved".to_owned(),
            "draft=true" => "show=draft".to_owned(),
            "unhandled=true" => "show=unhandled".to_owned(),
            other => other.to_owned(),
        };
        let shown = browser.get(&format!("{page}?{page_query}")).await;
        shown.expect(200);
        assert!(
            shown.page().contains(&list_total(&app, count)),
            "{page}?{page_query} lists {count}"
        );
    }
});

web_test!(
    senseless_filter_values_name_their_parameter,
    |app| async move {
        let token = &app.a.member(Role::Coordinator).token;
        for (path, field) in [
            ("/api/v1/incidents?reported=yes", "reported"),
            ("/api/v1/incidents?closed_year=300000", "closed_year"),
            ("/api/v1/incidents?year=-300000", "year"),
            (
                "/api/v1/risk-analyses?approved_year=300000",
                "approved_year",
            ),
            ("/api/v1/measures?done_year=300000", "done_year"),
        ] {
            let fields = app
                .api(Method::GET, path)
                .token(token)
                .send()
                .await
                .invalid_fields();
            assert_eq!(fields, vec![field], "{path}");
        }
        let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;
        for path in [
            "/risks/analyses?show=everything",
            "/risks/analyses?approved_year=300000",
            "/risks/list?show=everything",
            "/risks/measures?done_year=300000",
            "/incidents?reported=yes",
        ] {
            browser.get(path).await.expect(422);
        }
    }
);
