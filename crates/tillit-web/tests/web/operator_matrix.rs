//! The operators' routes for every organisation role, an operator and nobody signed in;
//! and every organisation route for an operator, who must never read any content.

use axum::http::Method;
use tillit_domain::hosting::{Access, HostedOrganisationInput};
use tillit_domain::pagination::PageRequest;
use tillit_domain::users::Language;
use tillit_store::Actor;

use crate::harness::{unique, Account, Browser, Resp, TestApp};
use crate::matrix::{api_routes, fill, judge, page_routes, route, send, Caller, Route};
use crate::operator::{create_operator, fresh_org_number, operator_browser};

const Y: bool = true;
const N: bool = false;

/// Operator routes the sign-in tests cover (`tests/web/operator.rs`).
pub(crate) const COVERED_ELSEWHERE: [&str; 7] = [
    "GET /operator/login",
    "POST /operator/login",
    "GET /operator/login/two-factor",
    "POST /operator/login/two-factor",
    "POST /operator/logout",
    "POST /operator/two-factor",
    "POST /operator/two-factor/confirm",
];

/// A row of the operators' table: the organisation roles and nobody as in the main
/// matrix, and a column for an operator.
pub(crate) struct OperatorRoute {
    pub(crate) route: Route,
    pub(crate) operator: bool,
}

fn row(
    method: &str,
    path: &'static str,
    body: &'static str,
    ok: u16,
    roles: [bool; 9],
    operator: bool,
    anonymous: bool,
) -> OperatorRoute {
    OperatorRoute {
        route: route(method, path, body, ok, roles, anonymous),
        operator,
    }
}

/// Placeholders: `{n}`, `{org_number}` (a valid unused number), `{hosted}` and
/// `{hosted_version}` (a new active organisation), `{hosted_admin}` (its administrator's
/// address), `{suspended}` and `{suspended_version}` (a new suspended organisation).
#[rustfmt::skip]
pub(crate) fn operator_routes() -> Vec<OperatorRoute> {
    const NO: [bool; 9] = [N; 9];
    vec![
        //                                                                                                                        roles  operator anon
        row("GET",  "/operator",                                  "",                                                          200, NO, Y, N),
        row("POST", "/operator/language",                         "language=sv&next=/operator",                                303, [Y; 9], Y, Y),
        row("GET",  "/operator/two-factor",                       "",                                                          200, NO, Y, N),
        row("GET",  "/operator/organisations/new",                "",                                                          200, NO, Y, N),
        row("POST", "/operator/organisations",                    "name=Kommun {n}&kind=municipality&org_number={org_number}&admin_email=admin-{n}@kommun.example&admin_name=Admin {n}", 200, NO, Y, N),
        row("GET",  "/operator/organisations/{hosted}",           "",                                                          200, NO, Y, N),
        row("POST", "/operator/organisations/{hosted}/suspend",   "version={hosted_version}",                                  303, NO, Y, N),
        row("POST", "/operator/organisations/{suspended}/reactivate", "version={suspended_version}",                           303, NO, Y, N),
        row("POST", "/operator/organisations/{hosted}/admin-reset", "admin_email={hosted_admin}",                              200, NO, Y, N),
        row("GET",    "/api/v1/operator/organisations",           "",                                                          200, NO, Y, N),
        row("POST",   "/api/v1/operator/organisations",           r#"{"name": "Kommun {n}", "kind": "municipality", "org_number": "{org_number}", "admin_email": "admin-{n}@kommun.example", "admin_name": "Admin {n}"}"#, 201, NO, Y, N),
        row("GET",    "/api/v1/operator/organisations/{hosted}",  "",                                                          200, NO, Y, N),
        row("POST",   "/api/v1/operator/organisations/{hosted}/suspend", r#"{"version": {hosted_version}}"#,                   200, NO, Y, N),
        row("POST",   "/api/v1/operator/organisations/{suspended}/reactivate", r#"{"version": {suspended_version}}"#,          200, NO, Y, N),
        row("POST",   "/api/v1/operator/organisations/{hosted}/admin-reset", r#"{"admin_email": "{hosted_admin}"}"#,          200, NO, Y, N),
    ]
}

async fn hosted_organisation(app: &TestApp, n: u32, suspended: bool) -> (i64, i64, String) {
    let admin = format!("admin-{n}@hosted.example");
    let draft = HostedOrganisationInput {
        name: format!("Omsorg {n}"),
        kind: "social_care_provider".into(),
        org_number: fresh_org_number(),
        admin_email: admin.clone(),
        admin_name: format!("Admin {n}"),
    }
    .validate()
    .expect("valid organisation");
    let actor = Actor::operator("fixture@hosting.example");
    let (mut hosted, _) = tillit_store::hosting::create(&app.db, &actor, &draft, "hash")
        .await
        .expect("hosted organisation");
    if suspended {
        hosted = tillit_store::hosting::set_access(
            &app.db,
            &actor,
            hosted.id,
            hosted.version,
            Access::Suspended,
        )
        .await
        .expect("suspend");
    }
    (hosted.id, hosted.version, admin)
}

async fn fill_operator(app: &TestApp, route: &Route) -> (String, String) {
    let text = format!("{}\n{}", route.path, route.body);
    let n = unique();
    let mut values = vec![("{n}", n.to_string()), ("{org_number}", fresh_org_number())];
    if text.contains("{hosted}") {
        let (id, version, admin) = hosted_organisation(app, n, false).await;
        values.push(("{hosted}", id.to_string()));
        values.push(("{hosted_version}", version.to_string()));
        values.push(("{hosted_admin}", admin));
    }
    if text.contains("{suspended}") {
        let (id, version, _) = hosted_organisation(app, n, true).await;
        values.push(("{suspended}", id.to_string()));
        values.push(("{suspended_version}", version.to_string()));
    }
    let (mut path, mut body) = (route.path.to_owned(), route.body.to_owned());
    for (placeholder, value) in values {
        path = path.replace(placeholder, &value);
        body = body.replace(placeholder, &value);
    }
    (path, body)
}

/// Organisations, and events and versions of all of them: what a refused operator
/// request must leave alone.
async fn hosting_footprint(app: &TestApp) -> (i64, i64, i64) {
    let page = PageRequest {
        page: 1,
        per_page: 500,
    };
    let all = tillit_store::hosting::list(&app.db, page)
        .await
        .expect("organisations");
    let events = all.items.iter().map(|o| o.audit_events).sum();
    let versions = all.items.iter().map(|o| o.version).sum();
    (all.total, events, versions)
}

async fn check_operator_cell(
    app: &TestApp,
    route: &Route,
    mut caller: Caller<'_>,
    allowed: bool,
) -> Option<String> {
    let (path, body) = fill_operator(app, route).await;
    let before = hosting_footprint(app).await;
    let resp = send(app, route, &mut caller, &path, &body).await;
    let who = caller
        .account
        .map_or("nobody".to_owned(), |a| a.email.clone());
    if !judge(app, route, &path, caller.account.is_some(), allowed, &resp) {
        let got: String = resp.text().chars().take(200).collect();
        return Some(format!(
            "{} {path} as {who}: expected {}, got {} {} {got}",
            route.method,
            if allowed { "allowed" } else { "refused" },
            resp.status,
            resp.location()
        ));
    }
    if !allowed && hosting_footprint(app).await != before {
        return Some(format!(
            "{} {path} as {who}: refused, but something was written",
            route.method
        ));
    }
    None
}

web_test!(every_operator_route_for_every_role, |app| async move {
    let operator = create_operator(&app, true).await;
    let mut operator_pages = operator_browser(&app, &operator).await;
    let mut browsers = Vec::new();
    for role in tillit_domain::auth::Role::ALL {
        browsers.push(app.signed_in(app.a.member(role)).await);
    }
    let mut anonymous = app.browser();
    anonymous.get("/operator/login").await.expect(200);

    let mut failures = Vec::new();
    for row in operator_routes() {
        let route = &row.route;
        for (column, role) in tillit_domain::auth::Role::ALL.into_iter().enumerate() {
            let caller = Caller {
                account: Some(app.a.member(role)),
                browser: &mut browsers[column],
            };
            failures.extend(check_operator_cell(&app, route, caller, route.roles[column]).await);
        }
        let caller = Caller {
            account: Some(&operator),
            browser: &mut operator_pages,
        };
        failures.extend(check_operator_cell(&app, route, caller, row.operator).await);
        let caller = Caller {
            account: None,
            browser: &mut anonymous,
        };
        failures.extend(check_operator_cell(&app, route, caller, route.anonymous).await);
    }
    assert!(
        failures.is_empty(),
        "{} cells of the operator matrix are wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
});

/// Whether an organisation route refused the operator as an operator.
fn refused_as_operator(app: &TestApp, route: &Route, resp: &Resp) -> bool {
    if route.is_api() {
        let body: serde_json::Value = serde_json::from_slice(&resp.body).unwrap_or_default();
        resp.status == 403 && body["code"] == "operator-account"
    } else {
        resp.status == 403
            && resp
                .page()
                .contains(&app.text(Language::Sv, "problem-operator-account-title"))
    }
}

/// The texts of organisation A that no answer to an operator may contain.
fn content_of(app: &TestApp) -> Vec<String> {
    let org = &app.a;
    let mut texts = org.unit_names.clone();
    texts.push(org.controller_name.clone());
    texts.extend(
        org.all_accounts()
            .flat_map(|a| [a.email.clone(), a.display_name.clone()]),
    );
    texts
}

/// Sends the route as the operator; returns the path, the answer and whether organisation
/// A's units, users or audit trail changed.
async fn operator_request(
    app: &TestApp,
    route: &Route,
    operator: &Account,
    browser: &mut Browser,
) -> (String, Resp, bool) {
    let (path, body) = fill(app, None, route).await;
    let before = app.footprint(app.a.id).await;
    let mut caller = Caller {
        account: Some(operator),
        browser,
    };
    let resp = send(app, route, &mut caller, &path, &body).await;
    let written = app.footprint(app.a.id).await != before;
    (path, resp, written)
}

web_test!(
    an_operator_reads_no_content_through_any_organisation_route,
    |app| async move {
        let operator = create_operator(&app, true).await;
        let mut browser = operator_browser(&app, &operator).await;
        let content = content_of(&app);
        let mut failures = Vec::new();
        for route in page_routes().iter().chain(api_routes().iter()) {
            let (path, resp, written) =
                operator_request(&app, route, &operator, &mut browser).await;
            let text = resp.page();
            if let Some(leak) = content.iter().find(|c| text.contains(c.as_str())) {
                failures.push(format!(
                    "{} {path}: the answer shows {leak:?}",
                    route.method
                ));
            }
            // Public routes (the language switch) serve anyone; every other one refuses.
            if !route.anonymous && !refused_as_operator(&app, route, &resp) {
                let got: String = resp.text().chars().take(160).collect();
                failures.push(format!(
                    "{} {path}: expected the operator refused, got {} {} {got}",
                    route.method,
                    resp.status,
                    resp.location()
                ));
            }
            if written {
                failures.push(format!("{} {path}: something was written", route.method));
            }
            // Sent back to an operator page, so the CSRF token stays the operator's.
            browser.get("/operator").await.expect(200);
        }
        // The operators' own pages and API show no content either.
        for path in [
            "/operator".to_owned(),
            format!("/operator/organisations/{}", app.a.id),
        ] {
            let page = browser.get(&path).await;
            page.expect(200);
            if let Some(leak) = content.iter().find(|c| page.page().contains(c.as_str())) {
                failures.push(format!("GET {path}: shows {leak:?}"));
            }
        }
        for path in [
            "/api/v1/operator/organisations".to_owned(),
            format!("/api/v1/operator/organisations/{}", app.a.id),
        ] {
            let answer = app
                .api(Method::GET, &path)
                .token(&operator.token)
                .send()
                .await;
            answer.expect(200);
            if let Some(leak) = content.iter().find(|c| answer.text().contains(c.as_str())) {
                failures.push(format!("GET {path}: shows {leak:?}"));
            }
        }
        assert!(
            failures.is_empty(),
            "{} operator answers are wrong:\n{}",
            failures.len(),
            failures.join("\n")
        );
    }
);
