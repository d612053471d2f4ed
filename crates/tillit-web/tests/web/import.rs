//! Bulk import and export of the registers: uploads through the page and the API,
//! every kind of bad file, the 25 MB limit, templates and exports that import again.

use std::io::Cursor;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request};
use calamine::{Data, Reader, Xlsx};
use serde_json::Value;
use tillit_domain::auth::Role;
use tillit_domain::pagination::PageRequest;
use tillit_domain::users::Language;
use tillit_reports::Sheet;
use tillit_store::audit::EventFilter;
use tillit_store::registers::{self, AssetFilter, SystemFilter};

use crate::harness::{send, Browser, Resp, TestApp};

const BOUNDARY: &str = "tillit-test-boundary-7MA4YWxkTrZu0gW";
const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> Vec<u8> {
    let mut body = Vec::new();
    for (name, file_name, content) in fields {
        body.extend_from_slice(format!("--{BOUNDARY}\r\n").as_bytes());
        match file_name {
            Some(file) => body.extend_from_slice(
                format!(
                    "Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(content);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    body
}

/// Posts the upload form as a browser without script does: multipart, with the CSRF
/// token in the form's address.
async fn upload_with(app: &TestApp, browser: &Browser, csrf: &str, body: impl Into<Body>) -> Resp {
    let session = browser.cookie("tillit_session").expect("signed in");
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(format!("/register/import?csrf_token={csrf}"))
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={BOUNDARY}"),
        )
        .header(header::COOKIE, format!("tillit_session={session}"))
        .body(body.into())
        .expect("request");
    request
        .extensions_mut()
        .insert(ConnectInfo(browser.address));
    send(&app.router(), request).await
}

async fn upload(
    app: &TestApp,
    browser: &Browser,
    register: &str,
    file: &str,
    bytes: &[u8],
) -> Resp {
    let body = multipart(&[
        ("register", None, register.as_bytes()),
        ("file", Some(file), bytes),
    ]);
    upload_with(app, browser, &browser.csrf, body).await
}

/// Reloads the status page until the import has finished; returns the last page.
async fn finished_status(browser: &mut Browser) -> String {
    for _ in 0..1_000 {
        let resp = browser.get("/register/import/status").await;
        resp.expect(200);
        let page = resp.page();
        if !page.contains("hx-trigger=\"every 500ms\"") {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the import did not finish");
}

async fn coordinator(app: &TestApp) -> Browser {
    let mut browser = app.signed_in(app.a.member(Role::Coordinator)).await;
    browser.get("/register/import").await.expect(200);
    browser
}

fn csv(lines: &[&str]) -> Vec<u8> {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(lines.join("\r\n").as_bytes());
    bytes
}

fn xlsx(rows: Vec<Vec<&str>>) -> Vec<u8> {
    let mut rows = rows.into_iter();
    let header = rows.next().expect("heading row");
    let data: Vec<Vec<String>> = rows
        .map(|r| r.into_iter().map(str::to_owned).collect())
        .collect();
    tillit_reports::write_xlsx(vec![Sheet {
        name: "Data",
        header,
        widths: Vec::new(),
        rows: Box::new(data.into_iter()),
    }])
    .expect("xlsx")
}

async fn systems(app: &TestApp, organisation_id: i64) -> Vec<registers::InformationSystem> {
    let filter = SystemFilter::default();
    let page = PageRequest {
        page: 1,
        per_page: 500,
    };
    registers::list_systems(&app.db, organisation_id, &filter, page)
        .await
        .expect("systems")
        .items
}

async fn asset_count(app: &TestApp, organisation_id: i64) -> i64 {
    registers::list_assets(
        &app.db,
        organisation_id,
        &AssetFilter::default(),
        PageRequest::default(),
    )
    .await
    .expect("assets")
    .total
}

async fn import_events(app: &TestApp, organisation_id: i64) -> i64 {
    let filter = EventFilter {
        action: Some("import".into()),
        ..Default::default()
    };
    tillit_store::audit::list(&app.db, organisation_id, &filter, PageRequest::default())
        .await
        .expect("events")
        .total
}

/// `(row, field, code)` of every problem in a refused import.
fn problems(body: &Value) -> Vec<(Option<u64>, Option<String>, String)> {
    body["errors"]
        .as_array()
        .expect("errors")
        .iter()
        .map(|e| {
            assert!(e["detail"].as_str().is_some_and(|d| !d.is_empty()), "{e}");
            (
                e["row"].as_u64(),
                e["field"].as_str().map(str::to_owned),
                e["code"].as_str().expect("code").to_owned(),
            )
        })
        .collect()
}

web_test!(
    a_csv_file_is_imported_from_the_page_with_progress_and_outcome,
    |app| async move {
        let org = &app.a;
        let owner = &org.member(Role::InformationOwner).email;
        let mut browser = coordinator(&app).await;
        let form = browser.get("/register/import").await;
        let page = form.page();
        assert!(page.contains("enctype=\"multipart/form-data\""));
        assert!(page.contains(&format!(
            "action=\"/register/import?csrf_token={}\"",
            browser.csrf
        )));
        assert!(page.contains("/register/import/template/systems.xlsx"));
        let file = csv(&[
            "Beteckning;Namn;Typ;Kritikalitet;Driftmiljö;Objektägare (e-post);Beroende av (beteckningar)",
            &format!("IS-0500;Journalsystem;information_system;critical;supplier;{owner};NW-0501"),
            "NW-0501;Vårdnät;network;high;own_data_centre;;",
            ";Röntgen;information_system;high;cloud;;IS-0500",
        ]);
        upload(&app, &browser, "systems", "system.csv", &file)
            .await
            .expect_redirect("/register/import/status");
        let status = finished_status(&mut browser).await;
        assert!(
            status.contains("Importen är klar: 3 poster har lagts till."),
            "{status}"
        );
        assert!(status.contains("system.csv"));
        let stored = systems(&app, org.id).await;
        let designations: Vec<&str> = stored.iter().map(|s| s.designation.as_str()).collect();
        assert_eq!(stored.len(), 3);
        for expected in ["IS-0500", "NW-0501", "IS-0501"] {
            assert!(designations.contains(&expected), "{designations:?}");
        }
        let journal = stored
            .iter()
            .find(|s| s.designation == "IS-0500")
            .expect("journal");
        assert_eq!(
            journal.object_owner_id,
            Some(org.member(Role::InformationOwner).id)
        );
        let depends = registers::dependencies(&app.db, org.id, journal.id)
            .await
            .expect("deps");
        assert_eq!(depends[0].designation, "NW-0501");
        assert_eq!(import_events(&app, org.id).await, 1);
        assert!(systems(&app, app.b.id).await.is_empty());
    }
);

web_test!(
    an_xlsx_file_of_assets_is_imported_through_the_api,
    |app| async move {
        let org = &app.a;
        let system = app.create_system(org.id, "Journalsystem").await;
        let designation = registers::get_system(&app.db, org.id, system)
            .await
            .expect("system")
            .designation;
        let owner = org.target.email.clone();
        let unit = org.unit_names[1].clone();
        let file = xlsx(vec![
            vec![
                "Namn",
                "Form",
                "Informationsägare (e-post)",
                "Enhet",
                "Innehåller personuppgifter",
                "Kategorier av personuppgifter",
                "Lagras i system (beteckningar)",
            ],
            vec![
                "Patientjournal",
                "digital",
                &owner,
                &unit,
                "ja",
                "health, protected_identity",
                &designation,
            ],
            vec!["Remisser på papper", "paper", &owner, "", "nej", "", ""],
        ]);
        let resp = app
            .api(Method::POST, "/api/v1/assets/import")
            .token(&org.member(Role::Coordinator).token)
            .raw(XLSX, file)
            .send()
            .await;
        resp.expect(201);
        let body = resp.json();
        assert_eq!(body["imported"], 2);
        assert_eq!(body["register"], "assets");
        let first = body["ids"][0].as_i64().expect("id");
        let asset = registers::get_asset(&app.db, org.id, first)
            .await
            .expect("asset");
        assert_eq!(asset.name, "Patientjournal");
        assert_eq!(asset.owner_id, org.target.id);
        assert_eq!(asset.unit_id, Some(org.clinic));
        assert_eq!(
            asset.personal_data_categories,
            vec!["health", "protected_identity"]
        );
        let held = registers::asset_systems(&app.db, org.id, first)
            .await
            .expect("systems");
        assert_eq!(held[0].id, system);
        assert_eq!(asset_count(&app, org.id).await, 2);

        // A multipart body works too.
        let file = csv(&[
            "Namn,Form,Informationsägare (e-post)",
            &format!("Muntlig överlämning,spoken,{owner}"),
        ]);
        let resp = app
            .api(Method::POST, "/api/v1/assets/import")
            .token(&org.admin().token)
            .raw(
                &format!("multipart/form-data; boundary={BOUNDARY}"),
                multipart(&[("file", Some("muntligt.csv"), &file)]),
            )
            .send()
            .await;
        resp.expect(201);
        assert_eq!(asset_count(&app, org.id).await, 3);
    }
);

web_test!(
    every_bad_row_is_reported_and_nothing_is_written,
    |app| async move {
        let org = &app.a;
        let taken = app.create_system(org.id, "Befintligt").await;
        let taken = registers::get_system(&app.db, org.id, taken)
            .await
            .expect("system")
            .designation;
        let owner = org.target.email.clone();
        let file = csv(&[
            "Beteckning;Namn;Typ;Kritikalitet;Driftmiljö;Objektägare (e-post);Beroende av (beteckningar)",
            &format!("A-1;Bra rad;network;low;cloud;{owner};"),
            &format!("{taken};Dubblett mot registret;network;low;cloud;;"),
            "A-1;Dubblett i filen;network;low;cloud;;",
            "A-2;Okänd ägare;network;low;cloud;ingen@soder.example;",
            "A-3;Cirkel ett;network;low;cloud;;A-4",
            "A-4;Cirkel två;network;low;cloud;;A-3",
            ";;mainframe;low;cloud;;",
            "A-5;Okänt beroende;network;low;cloud;;XX-0001",
        ]);
        let before = systems(&app, org.id).await.len();
        let events = app.event_count(org.id).await;
        let resp = app
            .api(Method::POST, "/api/v1/systems/import")
            .token(&org.admin().token)
            .raw("text/csv", file.clone())
            .send()
            .await;
        let body = resp.problem(422, "import-rejected");
        let field = |f: &str| Some(f.to_owned());
        assert_eq!(
            problems(&body),
            vec![
                (Some(3), field("designation"), "duplicate".to_owned()),
                (
                    Some(4),
                    field("designation"),
                    "duplicate-in-file".to_owned()
                ),
                (
                    Some(5),
                    field("object_owner_email"),
                    "unknown-user".to_owned()
                ),
                (Some(6), field("depends_on"), "cycle".to_owned()),
                (Some(7), field("depends_on"), "cycle".to_owned()),
                (Some(8), field("name"), "required".to_owned()),
                (Some(8), field("kind"), "invalid-choice".to_owned()),
                (
                    Some(9),
                    field("depends_on"),
                    "unknown-designation".to_owned()
                ),
            ]
        );
        assert_eq!(body["errors"][2]["value"], "ingen@soder.example");
        assert_eq!(body["errors"][2]["column"], "Objektägare (e-post)");
        assert!(body["errors"][2]["detail"]
            .as_str()
            .is_some_and(|d| d.contains("ingen@soder.example")));
        assert_eq!(
            systems(&app, org.id).await.len(),
            before,
            "nothing imported"
        );
        assert_eq!(app.event_count(org.id).await, events, "nothing audited");

        // The page shows the same rows, each with its number, column and reason.
        let mut browser = coordinator(&app).await;
        upload(&app, &browser, "systems", "fel.csv", &file)
            .await
            .expect_redirect("/register/import/status");
        let status = finished_status(&mut browser).await;
        assert!(
            status.contains("Ingenting importerades: 8 fel i filen"),
            "{status}"
        );
        assert!(status.contains(&app.text(Language::Sv, "import-status-rejected-help")));
        for (row, text) in [
            ("3", format!("Beteckningen {taken} finns redan i förteckningen.")),
            ("5", "Det finns ingen användare med e-postadressen ingen@soder.example i organisationen.".to_owned()),
            ("6", "Beroendena bildar en cirkel".to_owned()),
            ("8", "Koden ”mainframe” är inte tillåten.".to_owned()),
            ("9", "Det finns ingen post med beteckningen XX-0001".to_owned()),
        ] {
            assert!(status.contains(&format!("<tr><td>{row}</td>")), "row {row}");
            assert!(status.contains(&text), "{text}");
        }
        assert_eq!(systems(&app, org.id).await.len(), before);
        assert_eq!(import_events(&app, org.id).await, 0);
    }
);

web_test!(a_formula_in_a_cell_is_refused_never_run, |app| async move {
    let org = &app.a;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    for (column, heading) in ["Namn", "Typ", "Kritikalitet", "Driftmiljö"]
        .iter()
        .enumerate()
    {
        sheet
            .write_string(0, column as u16, *heading)
            .expect("cell");
    }
    sheet.write_string(1, 0, "Journal").expect("cell");
    sheet
        .write_formula(
            1,
            1,
            rust_xlsxwriter::Formula::new("=CONCAT(\"net\",\"work\")").set_result("network"),
        )
        .expect("cell");
    sheet.write_string(1, 2, "low").expect("cell");
    sheet.write_string(1, 3, "cloud").expect("cell");
    let file = workbook.save_to_buffer().expect("xlsx");
    let resp = app
        .api(Method::POST, "/api/v1/systems/import")
        .token(&org.admin().token)
        .raw(XLSX, file)
        .send()
        .await;
    let body = resp.problem(422, "import-rejected");
    assert_eq!(problems(&body), vec![(Some(2), None, "formula".to_owned())]);
    assert_eq!(body["errors"][0]["column"], "B");
    assert!(systems(&app, org.id).await.is_empty());
});

web_test!(
    malformed_files_are_refused_with_a_clear_reason,
    |app| async move {
        let org = &app.a;
        let token = &org.admin().token;
        let mut broken = xlsx(vec![vec!["Namn"], vec!["Journal"]]);
        broken.truncate(broken.len() / 2);
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (broken, "malformed"),
            (b"Namn;Typ\nGodk\xE4nd;network\n".to_vec(), "not-utf8"),
            (
                vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1],
                "unsupported-format",
            ),
            (
                b"Namn;Typ;Kritikalitet;Driftm\xC3\xB6lj\xC3\xB6\n".to_vec(),
                "no-rows",
            ),
            (b"\n\n".to_vec(), "empty-file"),
        ];
        for (file, code) in cases {
            let resp = app
                .api(Method::POST, "/api/v1/systems/import")
                .token(token)
                .raw("application/octet-stream", file)
                .send()
                .await;
            let body = resp.problem(422, "import-rejected");
            assert_eq!(body["errors"][0]["code"], code, "{body}");
            let detail = body["errors"][0]["detail"].as_str().expect("detail");
            assert!(!detail.starts_with("import-error"), "{detail}");
        }
        // No body at all is a malformed request, not an empty file.
        app.api(Method::POST, "/api/v1/systems/import")
            .token(token)
            .send()
            .await
            .problem(400, "malformed-body");
        assert!(systems(&app, org.id).await.is_empty());
        assert_eq!(import_events(&app, org.id).await, 0);
    }
);

/// 200 MB sent in 1 MB chunks, without saying its length up front.
fn huge_stream() -> Body {
    let chunk = Bytes::from(vec![b'x'; 1024 * 1024]);
    let chunks = (0..200).map(move |_| Ok::<_, std::io::Error>(chunk.clone()));
    Body::from_stream(futures_util::stream::iter(chunks))
}

web_test!(a_200_mb_upload_is_refused_with_413, |app| async move {
    let org = &app.a;
    let browser = coordinator(&app).await;
    let before = app.footprint(org.id).await;
    let resp = app
        .api(Method::POST, "/api/v1/systems/import")
        .token(&org.admin().token)
        .raw("text/csv", huge_stream())
        .send()
        .await;
    let body = resp.problem(413, "payload-too-large");
    assert!(
        body["detail"].as_str().is_some_and(|d| d.contains("25 MB")),
        "{body}"
    );
    let resp = app
        .api(Method::POST, "/api/v1/assets/import")
        .token(&org.admin().token)
        .raw(
            &format!("multipart/form-data; boundary={BOUNDARY}"),
            huge_stream(),
        )
        .send()
        .await;
    resp.problem(413, "payload-too-large");

    let mut body = format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"register\"\r\n\r\nsystems\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"stor.csv\"\r\n\r\n"
    )
    .into_bytes();
    body.extend(std::iter::repeat_n(b'x', 26 * 1024 * 1024));
    let resp = upload_with(&app, &browser, &browser.csrf, body).await;
    resp.expect(413);
    assert!(
        resp.page()
            .contains("Filen är för stor. Den får vara högst 25 MB."),
        "{}",
        resp.text()
    );
    assert!(resp.page().contains("aria-invalid=\"true\""));
    assert_eq!(app.footprint(org.id).await, before);
    assert!(systems(&app, org.id).await.is_empty());
});

web_test!(
    uploads_need_the_csrf_token_and_the_import_permission,
    |app| async move {
        let org = &app.a;
        let file = csv(&[
            "Namn;Typ;Kritikalitet;Driftmiljö",
            "Journal;network;low;cloud",
        ]);
        let body = multipart(&[
            ("register", None, b"systems"),
            ("file", Some("s.csv"), &file),
        ]);
        let browser = coordinator(&app).await;
        upload_with(&app, &browser, "fel-token", body.clone())
            .await
            .expect(403);
        let session = browser
            .cookie("tillit_session")
            .expect("session")
            .to_owned();
        let mut request = Request::builder()
            .method(Method::POST)
            .uri("/register/import")
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={BOUNDARY}"),
            )
            .header(header::COOKIE, format!("tillit_session={session}"))
            .body(Body::from(body.clone()))
            .expect("request");
        request
            .extensions_mut()
            .insert(ConnectInfo(browser.address));
        send(&app.router(), request).await.expect(403);

        let mut owner = app.signed_in(org.member(Role::InformationOwner)).await;
        owner.get("/").await.expect(200);
        upload_with(&app, &owner, &owner.csrf, body)
            .await
            .expect(403);
        app.api(Method::POST, "/api/v1/systems/import")
            .token(&org.member(Role::Auditor).token)
            .raw("text/csv", file)
            .send()
            .await
            .problem(403, "forbidden");
        assert!(systems(&app, org.id).await.is_empty());
    }
);

web_test!(the_form_names_what_is_missing, |app| async move {
    let mut browser = coordinator(&app).await;
    let resp = upload_with(
        &app,
        &browser,
        &browser.csrf,
        multipart(&[("file", Some(""), b"")]),
    )
    .await;
    resp.expect(422);
    let page = resp.page();
    assert!(page.contains("Välj vilken förteckning filen ska läggas till i."));
    assert!(page.contains("Välj en fil att importera."));
    assert!(page.contains("href=\"#file\""));
    assert!(page.contains("aria-describedby=\"file-hint file-error\""));
    browser.get("/register/import/status").await.expect(200);
    assert!(browser
        .get("/register/import/status")
        .await
        .page()
        .contains("Du har ingen pågående eller nyligen avslutad import."));
});

web_test!(a_filled_in_template_imports, |app| async move {
    let org = &app.a;
    let mut browser = coordinator(&app).await;
    let resp = browser.get("/register/import/template/systems.xlsx").await;
    resp.expect(200);
    assert_eq!(resp.header("content-type"), XLSX);
    assert!(resp
        .header("content-disposition")
        .contains("tillit-import-systems.xlsx"));
    let template = tillit_reports::read(&resp.body).expect("template reads");
    let headings = template.header.cells.clone();
    assert_eq!(headings[0], "Beteckning");
    assert_eq!(template.rows.len(), 1, "one example row");
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(resp.body.to_vec())).expect("xlsx");
    assert_eq!(book.sheet_names().len(), 2);
    let codes = book.worksheet_range("Förklaring").expect("codes sheet");
    assert!(codes.rows().any(|r| r
        .iter()
        .any(|c| c == &Data::String("own_data_centre".into()))));

    // Replace the example with two filled-in rows and import.
    let owner = org.member(Role::InformationOwner).email.clone();
    let position = |heading: &str| headings.iter().position(|h| h == heading).expect(heading);
    let row = |name: &str| {
        let mut cells = vec![String::new(); headings.len()];
        cells[position("Namn")] = name.to_owned();
        cells[position("Typ")] = "it_service".to_owned();
        cells[position("Kritikalitet")] = "medium".to_owned();
        cells[position("Driftmiljö")] = "cloud".to_owned();
        cells[position("Informationsägare (e-post)")] = owner.clone();
        cells[position("Omfattas av cybersäkerhetslagen")] = "ja".to_owned();
        cells
    };
    let rows = vec![row("E-post"), row("Teams")];
    let filled = tillit_reports::write_xlsx(vec![Sheet {
        name: "System",
        header: headings.iter().map(String::as_str).collect(),
        widths: Vec::new(),
        rows: Box::new(rows.into_iter()),
    }])
    .expect("xlsx");
    upload(&app, &browser, "systems", "ifylld.xlsx", &filled)
        .await
        .expect_redirect("/register/import/status");
    let status = finished_status(&mut browser).await;
    assert!(status.contains("2 poster har lagts till"), "{status}");
    let stored = systems(&app, org.id).await;
    assert_eq!(stored.len(), 2);
    assert!(stored
        .iter()
        .all(|s| s.in_cyber_security_act_scope && s.kind == "it_service"));
    assert_eq!(stored[0].designation, "IT-0001");

    // The CSV template reads the same way.
    let csv_template = browser.get("/register/import/template/assets.csv").await;
    csv_template.expect(200);
    assert!(csv_template.header("content-type").starts_with("text/csv"));
    let table = tillit_reports::read(&csv_template.body).expect("csv template");
    assert_eq!(table.header.cells[0], "Namn");
    browser
        .get("/register/import/template/risks.csv")
        .await
        .expect(404);
});

web_test!(
    exports_neutralise_formulas_and_read_back_with_calamine,
    |app| async move {
        let org = &app.a;
        let dangerous = app
            .create_system(org.id, "=HYPERLINK(\"http://evil.example\",\"klicka\")")
            .await;
        app.create_system(org.id, "+46 Växel").await;
        app.create_system(app.b.id, "Norrs hemliga system").await;
        let reader = org.member(Role::Employee);
        let mut browser = app.signed_in(reader).await;

        let resp = browser.get("/register/systems/export.csv").await;
        resp.expect(200);
        assert!(resp
            .header("content-disposition")
            .starts_with("attachment; filename=\"tillit-systems-"));
        let text = resp.text();
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(text.contains("'+46 Växel"));
        assert!(!text.contains(";=HYPERLINK") && !text.starts_with("=HYPERLINK"));
        assert!(!text.contains("Norrs hemliga system"));
        // Read back, the apostrophe is gone again.
        let table = tillit_reports::read(&resp.body).expect("csv");
        assert!(table
            .rows
            .iter()
            .any(|r| r.cells[1].starts_with("=HYPERLINK")));

        let resp = browser.get("/register/systems/export.xlsx").await;
        resp.expect(200);
        assert_eq!(resp.header("content-type"), XLSX);
        let mut book: Xlsx<_> = Xlsx::new(Cursor::new(resp.body.to_vec())).expect("xlsx");
        let sheet = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&sheet).expect("sheet");
        assert_eq!(
            range.get_value((0, 0)),
            Some(&Data::String("Beteckning".into()))
        );
        let names: Vec<String> = range.rows().skip(1).map(|r| r[1].to_string()).collect();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"=HYPERLINK(\"http://evil.example\",\"klicka\")".to_owned()));
        let formulas = book.worksheet_formula(&sheet).expect("formulas");
        assert!(
            formulas.used_cells().all(|(_, _, f)| f.is_empty()),
            "no formula cells"
        );

        // The filters of the list apply.
        let system = registers::get_system(&app.db, org.id, dangerous)
            .await
            .expect("system");
        let resp = browser
            .get(&format!(
                "/register/systems/export.csv?q={}",
                system.designation
            ))
            .await;
        let table = tillit_reports::read(&resp.body).expect("csv");
        assert_eq!(table.rows.len(), 1);
        browser
            .get("/register/systems/export.csv?kind=mainframe")
            .await
            .expect(422);

        // The API gives the same file, and an exported file imports into another organisation.
        let resp = app
            .api(Method::GET, "/api/v1/systems/export?format=csv")
            .token(&reader.token)
            .send()
            .await;
        resp.expect(200);
        let mut exported = tillit_reports::read(&resp.body).expect("csv");
        for row in &mut exported.rows {
            row.cells[0].clear();
        }
        let header: Vec<&str> = exported.header.cells.iter().map(String::as_str).collect();
        let file =
            tillit_reports::write_csv(&[], &header, exported.rows.iter().map(|r| r.cells.clone()))
                .expect("csv");
        let resp = app
            .api(Method::POST, "/api/v1/systems/import")
            .token(&app.b.admin().token)
            .raw("text/csv", file)
            .send()
            .await;
        resp.expect(201);
        let names: Vec<String> = systems(&app, app.b.id)
            .await
            .into_iter()
            .map(|s| s.name)
            .collect();
        assert!(names.contains(&"=HYPERLINK(\"http://evil.example\",\"klicka\")".to_owned()));
        let fields = app
            .api(Method::GET, "/api/v1/systems/export?format=pdf")
            .token(&reader.token)
            .send()
            .await
            .invalid_fields();
        assert_eq!(fields, vec!["format"]);
    }
);

web_test!(
    assets_export_with_owner_addresses_and_systems,
    |app| async move {
        let org = &app.a;
        let system = app.create_system(org.id, "PACS").await;
        let asset = app
            .create_asset(org.id, "Röntgenbilder", org.target.id)
            .await;
        app.create_asset(app.b.id, "Norrs tillgång", app.b.target.id)
            .await;
        registers::link_asset_system(
            &app.db,
            org.id,
            &tillit_store::Actor::system("test"),
            asset,
            system,
        )
        .await
        .expect("link");
        let resp = app
            .api(Method::GET, "/api/v1/assets/export")
            .token(&org.member(Role::Auditor).token)
            .send()
            .await;
        resp.expect(200);
        let table = tillit_reports::read(&resp.body).expect("xlsx");
        assert_eq!(table.rows.len(), 1);
        let cells = &table.rows[0].cells;
        assert_eq!(cells[0], "Röntgenbilder");
        assert!(cells.contains(&org.target.email));
        assert!(cells.iter().any(|c| c.ends_with("-0001")), "{cells:?}");
    }
);

web_test!(
    an_import_never_reaches_another_organisation,
    |app| async move {
        let other = &app.b;
        let foreign = app.create_system(other.id, "Norrs journal").await;
        let foreign = registers::get_system(&app.db, other.id, foreign)
            .await
            .expect("system")
            .designation;
        let file = csv(&[
            "Namn;Form;Informationsägare (e-post);Lagras i system (beteckningar)",
            &format!("Lånad ägare;digital;{};", other.target.email),
            &format!("Lånat system;digital;{};{foreign}", app.a.target.email),
        ]);
        let resp = app
            .api(Method::POST, "/api/v1/assets/import")
            .token(&app.a.admin().token)
            .raw("text/csv", file)
            .send()
            .await;
        let body = resp.problem(422, "import-rejected");
        assert_eq!(
            problems(&body),
            vec![
                (
                    Some(2),
                    Some("owner_email".to_owned()),
                    "unknown-user".to_owned()
                ),
                (
                    Some(3),
                    Some("systems".to_owned()),
                    "unknown-designation".to_owned()
                ),
            ]
        );
        assert_eq!(asset_count(&app, app.a.id).await, 0);
        assert_eq!(asset_count(&app, other.id).await, 0);
    }
);

/// Asks the API of `router` for the caller's latest import until it has finished.
async fn finished_run(router: &axum::Router, token: &str) -> Value {
    for _ in 0..1_000 {
        let resp = TestApp::api_on(router, Method::GET, "/api/v1/imports/latest")
            .token(token)
            .send()
            .await;
        resp.expect(200);
        let run = resp.json();
        if run["state"] == "done" || run["state"] == "failed" {
            return run;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    panic!("the import did not finish");
}

web_test!(
    an_import_is_followed_from_another_server_process,
    |app| async move {
        let org = &app.a;
        let coordinator_account = org.member(Role::Coordinator);
        let (second, _db) = app.second_process().await;
        let mut browser = coordinator(&app).await;
        let file = csv(&[
            "Namn;Typ;Kritikalitet;Driftmiljö",
            "Journal;information_system;high;cloud",
            "Vårdnät;network;high;own_data_centre",
        ]);
        upload(&app, &browser, "systems", "två-system.csv", &file)
            .await
            .expect_redirect("/register/import/status");
        // The other process follows the import the first one runs, in the API and on
        // the page.
        let run = finished_run(&second, &coordinator_account.token).await;
        assert_eq!(run["state"], "done", "{run}");
        assert_eq!(run["register"], "systems");
        assert_eq!(run["file_name"], "två-system.csv");
        assert_eq!(
            (run["total_rows"].as_i64(), run["rows_done"].as_i64()),
            (Some(2), Some(2))
        );
        assert_eq!(run["started_by"], coordinator_account.id);
        assert!(run["finished_at"].is_string());
        browser.switch_to(second.clone());
        let status = browser.get("/register/import/status").await;
        status.expect(200);
        assert!(status
            .page()
            .contains("Importen är klar: 2 poster har lagts till."));
        assert!(status.page().contains("två-system.csv"));
        let id = run["id"].as_i64().expect("id");
        let by_id = TestApp::api_on(&second, Method::GET, &format!("/api/v1/imports/{id}"))
            .token(&org.admin().token)
            .send()
            .await;
        by_id.expect(200);
        assert_eq!(by_id.json()["rows_done"], 2);
        assert_eq!(systems(&app, org.id).await.len(), 2);

        // A run still writing shows its progress, polled by htmx or reloaded, from
        // either process.
        let writing = tillit_store::registers::import_runs::start_run(
            &app.db,
            org.id,
            "assets",
            "stor.xlsx",
            Some(coordinator_account.id),
        )
        .await
        .expect("run");
        tillit_store::registers::import_runs::begin_writing(&app.db, org.id, writing.id, 10_000)
            .await
            .expect("writing");
        tillit_store::registers::import_runs::record_progress(&app.db, org.id, writing.id, 2_500)
            .await
            .expect("progress");
        let page = browser.get("/register/import/status").await.page();
        assert!(page.contains("stor.xlsx"), "{page}");
        assert!(page.contains("max=\"10000\" value=\"2500\""), "{page}");
        assert!(page.contains("hx-trigger=\"every 500ms\""));
        assert!(page.contains("href=\"/register/import/status\""));
        let latest = TestApp::api_on(&second, Method::GET, "/api/v1/imports/latest")
            .token(&coordinator_account.token)
            .send()
            .await;
        assert_eq!(latest.json()["state"], "importing");
        assert_eq!(latest.json()["rows_done"], 2_500);
        // One import per user at a time, whichever process runs it.
        let form = browser.get("/register/import").await.page();
        assert!(form.contains(&app.text(Language::Sv, "import-running")));

        // Runs belong to their organisation.
        TestApp::api_on(&second, Method::GET, &format!("/api/v1/imports/{id}"))
            .token(&app.b.admin().token)
            .send()
            .await
            .problem(404, "not-found");
        TestApp::api_on(&second, Method::GET, "/api/v1/imports/latest")
            .token(&app.b.admin().token)
            .send()
            .await
            .problem(404, "not-found");
    }
);

web_test!(
    a_refused_file_is_recorded_as_a_failed_run_with_nothing_imported,
    |app| async move {
        let org = &app.a;
        let token = &org.admin().token;
        let events = app.event_count(org.id).await;
        let file = csv(&[
            "Namn;Typ;Kritikalitet;Driftmiljö",
            "Bra rad;network;low;cloud",
            "Fel typ;mainframe;low;cloud",
            ";network;low;cloud",
        ]);
        app.api(Method::POST, "/api/v1/systems/import")
            .token(token)
            .raw("text/csv", file)
            .send()
            .await
            .problem(422, "import-rejected");
        let resp = app
            .api(Method::GET, "/api/v1/imports/latest")
            .token(token)
            .send()
            .await;
        resp.expect(200);
        let run = resp.json();
        assert_eq!(run["state"], "failed", "{run}");
        assert_eq!(run["rows_done"], 0);
        assert_eq!(run["failure"], Value::Null);
        assert_eq!(
            problems(&run),
            vec![
                (
                    Some(3),
                    Some("kind".to_owned()),
                    "invalid-choice".to_owned()
                ),
                (Some(4), Some("name".to_owned()), "required".to_owned()),
            ]
        );
        assert!(systems(&app, org.id).await.is_empty());
        assert_eq!(import_events(&app, org.id).await, 0);
        assert_eq!(app.event_count(org.id).await, events, "nothing audited");
    }
);
