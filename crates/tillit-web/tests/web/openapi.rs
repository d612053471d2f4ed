//! The OpenAPI document is snapshot-tested, so every change to the API is deliberate.

use axum::http::Method;

web_test!(openapi_document_matches_the_snapshot, |app| async move {
    let resp = app.api(Method::GET, "/api/openapi.json").send().await;
    resp.expect(200);
    assert!(resp.header("content-type").starts_with("application/json"));
    let document = resp.json();
    for path in [
        "/api/v1/org-units",
        "/api/v1/users",
        "/api/v1/audit-events",
        "/api/v1/audit/verify",
    ] {
        assert!(
            document["paths"].get(path).is_some(),
            "{path} is documented"
        );
    }
    assert!(document["components"]["securitySchemes"]
        .get("bearer")
        .is_some());

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_json_snapshot!("openapi", document));
});
