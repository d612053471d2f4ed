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

    // A parameter is in the path only when the path template names it; every other
    // parameter is an optional part of the query string unless it says otherwise.
    for (path, operations) in document["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            for parameter in operation["parameters"].as_array().into_iter().flatten() {
                let name = parameter["name"].as_str().expect("name");
                let named_in_path = path.contains(&format!("{{{name}}}"));
                assert_eq!(
                    parameter["in"] == "path",
                    named_in_path,
                    "{method} {path}: parameter {name} is in {}",
                    parameter["in"]
                );
            }
        }
    }

    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_json_snapshot!("openapi", document));
});
