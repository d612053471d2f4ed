//! The start page counts its figures once and reuses them while nothing in the
//! organisation has changed: a change, made in this process or in another one sharing
//! the database, shows at the next visit, and each user sees their own figures.

use axum::http::Method;
use serde_json::json;
use tillit_domain::auth::Role;
use tillit_domain::users::Language;

use crate::harness::TestApp;

fn units_figure(app: &TestApp, count: i64) -> String {
    format!(
        "<dt>{}</dt><dd>{count}</dd>",
        app.text(Language::Sv, "start-units")
    )
}

web_test!(
    start_page_shows_a_change_made_through_another_process,
    |app| async move {
        let org = &app.a;
        let mut browser = app.signed_in(org.admin()).await;
        let before = app.unit_count(org.id).await;
        for _ in 0..2 {
            let page = browser.get("/").await.expect(200).page();
            assert!(page.contains(&units_figure(&app, before)), "{page}");
        }

        let (other, _db) = app.second_process().await;
        TestApp::api_on(&other, Method::POST, "/api/v1/org-units")
            .token(&org.admin().token)
            .json(&json!({"name": "Barnkliniken", "kind": "operation", "parent_id": org.root}))
            .send()
            .await
            .expect(201);

        let page = browser.get("/").await.expect(200).page();
        assert!(page.contains(&units_figure(&app, before + 1)), "{page}");
    }
);

web_test!(start_page_tasks_are_each_users_own, |app| async move {
    let org = &app.a;
    let mut coordinator = app.signed_in(org.member(Role::Coordinator)).await;
    let mut employee = app.signed_in(org.member(Role::Employee)).await;
    let no_tasks = app.text(Language::Sv, "start-no-tasks");
    for browser in [&mut coordinator, &mut employee] {
        let page = browser.get("/").await.expect(200).page();
        assert!(page.contains(&no_tasks), "{page}");
    }

    // A new system without owners prompts those who manage the register.
    let system = app.create_system(org.id, "Journalsystemet").await;
    let task_link = format!("/classification/classify?system_id={system}");

    let page = coordinator.get("/").await.expect(200).page();
    assert!(page.contains(&task_link), "{page}");
    let page = employee.get("/").await.expect(200).page();
    assert!(
        page.contains(&no_tasks) && !page.contains(&task_link),
        "{page}"
    );
});

web_test!(
    navigation_offers_risk_work_only_to_those_who_may_read_it,
    |app| async move {
        let risks_link = format!(
            "<a href=\"/risks\">{}</a>",
            app.text(Language::Sv, "nav-risks")
        );
        let mut employee = app.signed_in(app.a.member(Role::Employee)).await;
        let page = employee.get("/").await.expect(200).page();
        assert!(!page.contains(&risks_link), "{page}");
        employee.get("/risks").await.expect(403);
        let mut coordinator = app.signed_in(app.a.member(Role::Coordinator)).await;
        let page = coordinator.get("/").await.expect(200).page();
        assert!(page.contains(&risks_link), "{page}");
    }
);
