//! What every test needs: the app on a fresh database with two fixture organisations,
//! an API client, and a browser that logs in through the real forms.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::str::FromStr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use axum::Router;
use axum_extra::extract::cookie::Cookie;
use ed25519_dalek::SigningKey;
use http_body_util::BodyExt;
use rand::rngs::OsRng;
use serde_json::Value;
use tillit_domain::auth::{Assignment, Role};
use tillit_domain::org::{ControllerDraft, OrganisationKind, UnitDraft, UnitKind};
use tillit_domain::pagination::PageRequest;
use tillit_domain::users::Language;
use tillit_store::audit::EventFilter;
use tillit_store::org::NewOrganisation;
use tillit_store::users::NewUser;
use tillit_store::{Actor, Db};
use tillit_web::auth::{password, secrets, totp};
use tillit_web::{AppState, WebConfig};
use tower::ServiceExt;

/// The password of every fixture account.
pub const PASSWORD: &str = "rätt häftapparat 2026";

/// Argon2 is slow on purpose; every fixture account shares one hash per test run.
pub fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| password::hash(PASSWORD).expect("hash the fixture password"))
}

/// A number no other call in this test run gets, for unique names and addresses.
pub fn unique() -> u32 {
    static NEXT: AtomicU32 = AtomicU32::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

pub fn fixture_actor() -> Actor {
    Actor::system("test-fixture")
}

/// A user of a fixture organisation, with a personal API token and, for administrators
/// and coordinators, a two-factor secret already confirmed.
#[derive(Debug, Clone)]
pub struct Account {
    pub id: i64,
    pub email: String,
    pub display_name: String,
    pub token: String,
    pub totp_secret: Option<String>,
}

/// A fixture organisation (not a demo): four units, a data controller, one user per
/// role with the role for the whole organisation, and one user with no role at all.
///
/// ```text
/// <label> hälso- och sjukvårdsförvaltning   (root)
/// ├── <label> akutklinik                    (clinic)
/// │   └── <label> akutmottagning            (ward)
/// └── <label> ögonklinik                    (sibling)
/// ```
#[derive(Debug, Clone)]
pub struct Org {
    pub id: i64,
    pub label: &'static str,
    pub domain: String,
    pub root: i64,
    pub clinic: i64,
    pub ward: i64,
    pub sibling: i64,
    pub unit_names: Vec<String>,
    /// A data controller (personuppgiftsansvarig) of the organisation.
    pub controller: i64,
    pub controller_name: String,
    /// One account per role, in the order of `Role::ALL`.
    pub members: Vec<Account>,
    /// A user without roles, the object of user administration in the tests.
    pub target: Account,
    /// Sequence number of an audit event of this organisation (its creation).
    pub first_event: i64,
}

impl Org {
    pub fn member(&self, role: Role) -> &Account {
        let index = Role::ALL
            .iter()
            .position(|r| *r == role)
            .expect("known role");
        &self.members[index]
    }

    pub fn admin(&self) -> &Account {
        self.member(Role::Administrator)
    }

    pub fn all_accounts(&self) -> impl Iterator<Item = &Account> {
        self.members.iter().chain(std::iter::once(&self.target))
    }

    async fn seed(db: &Db, label: &'static str, slug: &str, org_number: &str) -> Org {
        let actor = fixture_actor();
        let mut tx = db.begin().await.expect("begin");
        let organisation = tillit_store::org::create_organisation(
            &mut tx,
            &actor,
            &NewOrganisation {
                name: &format!("Region {label}"),
                kind: OrganisationKind::Region,
                org_number,
                demo: false,
            },
        )
        .await
        .expect("create organisation");
        let id = organisation.id;
        let mut unit_names = Vec::new();
        let mut unit = |name: String, kind: UnitKind, parent_id: Option<i64>| {
            unit_names.push(name.clone());
            UnitDraft {
                name,
                kind,
                parent_id,
                manager_id: None,
                description: String::new(),
            }
        };
        let root_draft = unit(
            format!("{label} hälso- och sjukvårdsförvaltning"),
            UnitKind::Administration,
            None,
        );
        let root = tillit_store::org::create_unit_in(&mut tx, id, &actor, &root_draft)
            .await
            .expect("unit")
            .id;
        let clinic_draft = unit(
            format!("{label} akutklinik"),
            UnitKind::Operation,
            Some(root),
        );
        let clinic = tillit_store::org::create_unit_in(&mut tx, id, &actor, &clinic_draft)
            .await
            .expect("unit")
            .id;
        let ward_draft = unit(
            format!("{label} akutmottagning"),
            UnitKind::Unit,
            Some(clinic),
        );
        let ward = tillit_store::org::create_unit_in(&mut tx, id, &actor, &ward_draft)
            .await
            .expect("unit")
            .id;
        let sibling_draft = unit(
            format!("{label} ögonklinik"),
            UnitKind::Operation,
            Some(root),
        );
        let sibling = tillit_store::org::create_unit_in(&mut tx, id, &actor, &sibling_draft)
            .await
            .expect("unit")
            .id;
        let controller_name = format!("{label} hälso- och sjukvårdsnämnd");
        let controller_draft = ControllerDraft {
            name: controller_name.clone(),
            org_number: String::new(),
            unit_id: Some(root),
            description: String::new(),
        };
        let controller =
            tillit_store::org::create_controller_in(&mut tx, id, &actor, &controller_draft)
                .await
                .expect("controller")
                .id;
        tx.commit().await.expect("commit");

        let domain = format!("{slug}.example");
        let mut members = Vec::new();
        for role in Role::ALL {
            let email = format!("{}@{domain}", role.as_str().replace('_', "-"));
            let name = format!("{label} {}", role.as_str().replace('_', " "));
            let grant = [Assignment {
                role,
                unit_id: None,
            }];
            members.push(
                create_account(db, id, &email, &name, &grant, role.requires_two_factor()).await,
            );
        }
        let target = create_account(
            db,
            id,
            &format!("malperson@{domain}"),
            &format!("{label} målperson"),
            &[],
            false,
        )
        .await;
        let filter = EventFilter {
            action: Some("create".into()),
            object_type: Some("organisation".into()),
            ..Default::default()
        };
        let first_event = tillit_store::audit::list(db, id, &filter, PageRequest::default())
            .await
            .expect("events")
            .items[0]
            .seq;
        Org {
            id,
            label,
            domain,
            root,
            clinic,
            ward,
            sibling,
            unit_names,
            controller,
            controller_name,
            members,
            target,
            first_event,
        }
    }
}

/// Creates a user with the given roles, an API token and optionally two-factor login,
/// all through the store's own functions.
pub async fn create_account(
    db: &Db,
    organisation_id: i64,
    email: &str,
    display_name: &str,
    roles: &[Assignment],
    two_factor: bool,
) -> Account {
    let actor = fixture_actor();
    let mut tx = db.begin().await.expect("begin");
    let new = NewUser {
        email,
        display_name,
        title: "",
        password_hash: password_hash(),
    };
    let user = tillit_store::users::create_user_in(&mut tx, organisation_id, &actor, &new)
        .await
        .expect("create user");
    for assignment in roles {
        tillit_store::users::assign_role_in(&mut tx, organisation_id, &actor, user.id, *assignment)
            .await
            .expect("assign role");
    }
    tx.commit().await.expect("commit");
    let token = secrets::new_api_token();
    tillit_store::tokens::create(
        db,
        organisation_id,
        &actor,
        user.id,
        "test token",
        &secrets::token_hash(&token),
    )
    .await
    .expect("token");
    let totp_secret = if two_factor {
        Some(enable_two_factor(db, organisation_id, user.id).await)
    } else {
        None
    };
    Account {
        id: user.id,
        email: email.to_owned(),
        display_name: display_name.to_owned(),
        token,
        totp_secret,
    }
}

/// Turns on two-factor login for a user the way the profile page does, returning the secret.
pub async fn enable_two_factor(db: &Db, organisation_id: i64, user_id: i64) -> String {
    let secret = totp::new_secret();
    tillit_store::users::set_pending_totp(db, organisation_id, &fixture_actor(), user_id, &secret)
        .await
        .expect("pending totp");
    tillit_store::users::enable_totp(db, organisation_id, &fixture_actor(), user_id)
        .await
        .expect("enable totp");
    secret
}

/// The app on a fresh database with organisations A ("Söder") and B ("Norr").
pub struct TestApp {
    pub db: Db,
    pub state: AppState,
    router: Router,
    pub a: Org,
    pub b: Org,
}

impl TestApp {
    pub async fn with_config(db: &Db, config: WebConfig) -> TestApp {
        let a = Org::seed(db, "Söder", "soder", "232100-0016").await;
        let b = Org::seed(db, "Norr", "norr", "212000-0142").await;
        let state = AppState::new(db.clone(), config, SigningKey::generate(&mut OsRng));
        let router = tillit_web::app(state.clone());
        TestApp {
            db: db.clone(),
            state,
            router,
            a,
            b,
        }
    }

    pub fn router(&self) -> Router {
        self.router.clone()
    }

    /// A second app instance with its own connection pool to the same database and its
    /// own in-process state, as a second server process would have.
    pub async fn second_process(&self) -> (Router, Db) {
        let db = match &self.db {
            Db::Sqlite(_) => {
                let pool = self.db.sqlite_pool().expect("sqlite");
                let file: String =
                    sqlx::query_scalar("SELECT file FROM pragma_database_list WHERE name = 'main'")
                        .fetch_one(pool)
                        .await
                        .expect("database file");
                Db::connect_sqlite(std::path::Path::new(&file))
                    .await
                    .expect("second sqlite pool")
            }
            Db::Postgres(pool) => {
                let schema: String = sqlx::query_scalar("SELECT current_schema()")
                    .fetch_one(pool)
                    .await
                    .expect("schema");
                let url = std::env::var("TILLIT_TEST_PG_URL").expect("TILLIT_TEST_PG_URL");
                let options = sqlx::postgres::PgConnectOptions::from_str(&url)
                    .expect("url")
                    .options([("search_path", schema.as_str())]);
                Db::connect_postgres(options, 2)
                    .await
                    .expect("second postgres pool")
            }
        };
        let key = SigningKey::from_bytes(&self.state.audit_key.to_bytes());
        let state = AppState::new(db.clone(), (*self.state.config).clone(), key);
        (tillit_web::app(state), db)
    }

    /// A text of the user interface, as the app renders it.
    pub fn text(&self, language: Language, id: &str) -> String {
        self.state.i18n.text(language, id)
    }

    /// An API call: `app.api(Method::GET, "/api/v1/users").token(..).send().await`.
    pub fn api(&self, method: Method, path: &str) -> Call {
        Call::new(self.router.clone(), method, path)
    }

    /// A browser with no cookies yet.
    /// An API call to another app instance, such as [`TestApp::second_process`] gives.
    pub fn api_on(router: &Router, method: Method, path: &str) -> Call {
        Call::new(router.clone(), method, path)
    }

    pub fn browser(&self) -> Browser {
        Browser::new(self.router.clone())
    }

    /// A browser signed in as `account` through the login form (and second factor).
    pub async fn signed_in(&self, account: &Account) -> Browser {
        let mut browser = self.browser();
        browser.log_in_as(account).await;
        browser
    }

    pub async fn unit_count(&self, organisation_id: i64) -> i64 {
        tillit_store::org::count_units(&self.db, organisation_id)
            .await
            .expect("count units")
    }

    pub async fn user_count(&self, organisation_id: i64) -> i64 {
        tillit_store::users::count_active(&self.db, organisation_id)
            .await
            .expect("count users")
    }

    pub async fn event_count(&self, organisation_id: i64) -> i64 {
        let page = PageRequest {
            page: 1,
            per_page: 1,
        };
        tillit_store::audit::list(&self.db, organisation_id, &EventFilter::default(), page)
            .await
            .expect("events")
            .total
    }

    /// Units, users and audit events of an organisation: what a refused write must leave alone.
    pub async fn footprint(&self, organisation_id: i64) -> (i64, i64, i64) {
        (
            self.unit_count(organisation_id).await,
            self.user_count(organisation_id).await,
            self.event_count(organisation_id).await,
        )
    }

    pub async fn unit(&self, organisation_id: i64, id: i64) -> tillit_store::org::OrgUnit {
        tillit_store::org::get_unit(&self.db, organisation_id, id)
            .await
            .expect("unit")
    }

    pub async fn user_version(&self, organisation_id: i64, id: i64) -> i64 {
        tillit_store::users::get_user(&self.db, organisation_id, id)
            .await
            .expect("user")
            .version
    }

    /// Creates a leaf unit below `parent` through the store.
    pub async fn create_unit(
        &self,
        organisation_id: i64,
        name: &str,
        parent_id: Option<i64>,
    ) -> i64 {
        let draft = UnitDraft {
            name: name.to_owned(),
            kind: UnitKind::Unit,
            parent_id,
            manager_id: None,
            description: String::new(),
        };
        tillit_store::org::create_unit(&self.db, organisation_id, &fixture_actor(), &draft)
            .await
            .expect("create unit")
            .id
    }

    /// Creates an information system (no owners) through the store.
    pub async fn create_system(&self, organisation_id: i64, name: &str) -> i64 {
        let input = tillit_domain::registers::SystemInput {
            name: name.to_owned(),
            kind: "information_system".to_owned(),
            criticality: "medium".to_owned(),
            hosting: "supplier".to_owned(),
            ..Default::default()
        };
        let draft = input.validate().expect("valid system");
        tillit_store::registers::create_system(&self.db, organisation_id, &fixture_actor(), &draft)
            .await
            .expect("create system")
            .id
    }

    /// Creates a digital information asset owned by `owner_id` through the store.
    pub async fn create_asset(&self, organisation_id: i64, name: &str, owner_id: i64) -> i64 {
        let input = tillit_domain::registers::AssetInput {
            name: name.to_owned(),
            form: "digital".to_owned(),
            owner_id: Some(owner_id),
            ..Default::default()
        };
        let draft = input.validate().expect("valid asset");
        tillit_store::registers::create_asset(&self.db, organisation_id, &fixture_actor(), &draft)
            .await
            .expect("create asset")
            .id
    }
}

/// Sends one request and reads the whole response. No request may ever end in a 500.
pub async fn send(router: &Router, request: Request<Body>) -> Resp {
    let what = format!("{} {}", request.method(), request.uri());
    let response = router.clone().oneshot(request).await.expect("infallible");
    let status = response.status();
    let headers = response.headers().clone();
    let body = response
        .into_body()
        .collect()
        .await
        .expect("read body")
        .to_bytes();
    let resp = Resp {
        status,
        headers,
        body,
        what,
    };
    assert_ne!(
        resp.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "{} answered 500: {}",
        resp.what,
        resp.text()
    );
    resp
}

/// A response, read in full.
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// Method and path, for assertion messages.
    pub what: String,
}

impl Resp {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body as HTML text with entities decoded, for looking for visible texts.
    pub fn page(&self) -> String {
        html::unescape(&self.text())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{}: not JSON ({e}): {}", self.what, self.text()))
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn location(&self) -> &str {
        self.header("location")
    }

    /// Asserts the status, showing the body when it is not the expected one.
    #[track_caller]
    pub fn expect(&self, status: u16) -> &Self {
        assert_eq!(
            self.status.as_u16(),
            status,
            "{}: unexpected status; body: {}",
            self.what,
            self.text()
        );
        self
    }

    /// Asserts a redirect (303) to exactly `target`.
    #[track_caller]
    pub fn expect_redirect(&self, target: &str) -> &Self {
        self.expect(303);
        assert_eq!(self.location(), target, "{}: redirect target", self.what);
        self
    }

    /// Asserts an RFC 9457 problem document with this status and code and returns it.
    #[track_caller]
    pub fn problem(&self, status: u16, code: &str) -> Value {
        self.expect(status);
        assert_eq!(
            self.header("content-type"),
            "application/problem+json",
            "{}",
            self.what
        );
        let body = self.json();
        assert_eq!(body["code"], code, "{}: {body}", self.what);
        assert_eq!(body["status"], status, "{}: {body}", self.what);
        assert_eq!(
            body["type"],
            format!("urn:tillit:problem:{code}"),
            "{}",
            self.what
        );
        assert!(
            body["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{}: {body}",
            self.what
        );
        body
    }

    /// A 422 problem document; returns the names of the fields it lists.
    #[track_caller]
    pub fn invalid_fields(&self) -> Vec<String> {
        let body = self.problem(422, "invalid-input");
        let fields: Vec<String> = body["errors"]
            .as_array()
            .expect("errors")
            .iter()
            .map(|e| e["field"].as_str().expect("field").to_owned())
            .collect();
        assert!(!fields.is_empty(), "{}: {body}", self.what);
        for error in body["errors"].as_array().expect("errors") {
            assert!(
                error["detail"].as_str().is_some_and(|d| !d.is_empty()),
                "{}: {body}",
                self.what
            );
        }
        fields
    }

    /// The value of a form field on the page.
    pub fn field(&self, name: &str) -> Option<String> {
        html::input_value(&self.text(), name)
    }

    /// `Set-Cookie` for `name`, as sent.
    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|v| v.starts_with(&format!("{name}=")))
            .map(str::to_owned)
    }
}

/// One API request being built.
pub struct Call {
    router: Router,
    request: axum::http::request::Builder,
    body: Body,
}

impl Call {
    fn new(router: Router, method: Method, path: &str) -> Call {
        Call {
            router,
            request: Request::builder().method(method).uri(path),
            body: Body::empty(),
        }
    }

    pub fn token(mut self, token: &str) -> Call {
        self.request = self
            .request
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        self
    }

    pub fn header(mut self, name: &str, value: &str) -> Call {
        self.request = self.request.header(name, value);
        self
    }

    pub fn json(self, body: &Value) -> Call {
        self.raw("application/json", body.to_string())
    }

    pub fn raw(mut self, content_type: &str, body: impl Into<Body>) -> Call {
        self.request = self.request.header(header::CONTENT_TYPE, content_type);
        self.body = body.into();
        self
    }

    pub async fn send(self) -> Resp {
        let request = self.request.body(self.body).expect("request");
        send(&self.router, request).await
    }
}

/// A browser: keeps cookies, sends form posts with the CSRF token of the last page it
/// showed, and connects from its own client address.
pub struct Browser {
    router: Router,
    cookies: BTreeMap<String, String>,
    /// The CSRF token of the last page that had one.
    pub csrf: String,
    pub address: SocketAddr,
    /// Every session cookie value the server ever set in this browser.
    pub sessions_seen: Vec<String>,
}

impl Browser {
    pub fn new(router: Router) -> Browser {
        let n = unique();
        let address = SocketAddr::from(([10, (n >> 16) as u8, (n >> 8) as u8, n as u8], 50000));
        Browser {
            router,
            cookies: BTreeMap::new(),
            csrf: String::new(),
            address,
            sessions_seen: Vec::new(),
        }
    }

    /// The same cookies, talking to another app instance.
    pub fn switch_to(&mut self, router: Router) {
        self.router = router;
    }

    pub fn cookie(&self, name: &str) -> Option<&str> {
        self.cookies.get(name).map(String::as_str)
    }

    pub fn set_cookie(&mut self, name: &str, value: &str) {
        self.cookies.insert(name.to_owned(), value.to_owned());
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.request(Method::GET, path, None).await
    }

    /// Posts a form with the CSRF token of the last page shown.
    pub async fn post(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut fields = fields.to_vec();
        let csrf = self.csrf.clone();
        if !csrf.is_empty() {
            fields.push(("csrf_token", &csrf));
        }
        self.post_raw(path, &serde_urlencoded::to_string(&fields).expect("form"))
            .await
    }

    /// Posts exactly this url-encoded body.
    pub async fn post_raw(&mut self, path: &str, body: &str) -> Resp {
        self.request(
            Method::POST,
            path,
            Some(("application/x-www-form-urlencoded", body.to_owned())),
        )
        .await
    }

    /// Any request with the browser's cookies, e.g. a JSON call from a page script.
    pub async fn request(
        &mut self,
        method: Method,
        path: &str,
        body: Option<(&str, String)>,
    ) -> Resp {
        self.request_with(method, path, body, &[]).await
    }

    pub async fn request_with(
        &mut self,
        method: Method,
        path: &str,
        body: Option<(&str, String)>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut request = Request::builder().method(method).uri(path);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.header(header::COOKIE, jar.join("; "));
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let body = match body {
            Some((content_type, text)) => {
                request = request.header(header::CONTENT_TYPE, content_type);
                Body::from(text)
            }
            None => Body::empty(),
        };
        let mut request = request.body(body).expect("request");
        request.extensions_mut().insert(ConnectInfo(self.address));
        let resp = send(&self.router, request).await;
        self.remember(&resp);
        resp
    }

    fn remember(&mut self, resp: &Resp) {
        for value in resp.headers.get_all(header::SET_COOKIE) {
            let cookie =
                Cookie::parse(value.to_str().expect("cookie text").to_owned()).expect("cookie");
            let removed =
                cookie.value().is_empty() || cookie.max_age().is_some_and(|age| age.is_zero());
            if removed {
                self.cookies.remove(cookie.name());
            } else {
                if cookie.name() == "tillit_session" {
                    self.sessions_seen.push(cookie.value().to_owned());
                }
                self.cookies
                    .insert(cookie.name().to_owned(), cookie.value().to_owned());
            }
        }
        let is_html = resp.header("content-type").starts_with("text/html");
        if let Some(token) = is_html
            .then(|| resp.field("csrf_token"))
            .flatten()
            .filter(|t| !t.is_empty())
        {
            self.csrf = token;
        }
    }

    /// Shows the login page and submits e-mail and password; returns the answer to the post.
    pub async fn log_in(&mut self, email: &str, password: &str) -> Resp {
        self.get("/login").await.expect(200);
        self.post(
            "/login",
            &[("email", email), ("password", password), ("next", "/")],
        )
        .await
    }

    /// Logs in through the forms, giving the second factor when the account has one,
    /// and ends on the start page.
    pub async fn log_in_as(&mut self, account: &Account) {
        let answer = self.log_in(&account.email, PASSWORD).await;
        answer.expect(303);
        if let Some(secret) = &account.totp_secret {
            let step = answer.location().to_owned();
            assert!(
                step.starts_with("/login/two-factor"),
                "{}: {step}",
                account.email
            );
            self.get(&step).await.expect(200);
            let code = totp::current_code(secret).expect("code");
            self.post("/login/two-factor", &[("code", &code), ("next", "/")])
                .await
                .expect_redirect("/");
        } else {
            assert_eq!(answer.location(), "/", "{}", account.email);
        }
        self.get("/").await.expect(200);
    }
}

/// Just enough HTML reading for forms: values of inputs, textareas and selects.
pub mod html {
    /// The first tag `<{tag} ...>` with `id="{key}"` (ids are unique on a page), or else
    /// with `name="{key}"`; with what follows it.
    fn find_tag<'a>(html: &'a str, tag: &str, key: &str) -> Option<(&'a str, &'a str)> {
        let open = format!("<{tag} ");
        let tags = || {
            html.match_indices(&open).map(|(start, _)| {
                let after = &html[start..];
                after.split_at(after.find('>').map_or(after.len(), |end| end + 1))
            })
        };
        let by_id = format!(" id=\"{key}\"");
        let by_name = format!(" name=\"{key}\"");
        tags()
            .find(|(text, _)| text.contains(&by_id))
            .or_else(|| tags().find(|(text, _)| text.contains(&by_name)))
    }

    fn attribute(tag: &str, attribute: &str) -> Option<String> {
        let marker = format!(" {attribute}=\"");
        let start = tag.find(&marker)? + marker.len();
        let end = tag[start..].find('"')? + start;
        Some(unescape(&tag[start..end]))
    }

    /// The `value` of an `<input>`, found by id or name.
    pub fn input_value(html: &str, key: &str) -> Option<String> {
        find_tag(html, "input", key).map(|(tag, _)| attribute(tag, "value").unwrap_or_default())
    }

    /// The values of the checkboxes named `name`, in page order, with whether each is
    /// ticked.
    pub fn checkboxes(html: &str, name: &str) -> Vec<(String, bool)> {
        let by_name = format!(" name=\"{name}\"");
        html.match_indices("<input ")
            .filter_map(|(start, _)| {
                let tag = &html[start..];
                let tag = &tag[..tag.find('>')? + 1];
                let checkbox = tag.contains(" type=\"checkbox\"") && tag.contains(&by_name);
                checkbox.then(|| {
                    (
                        attribute(tag, "value").unwrap_or_default(),
                        tag.contains(" checked"),
                    )
                })
            })
            .collect()
    }

    /// The text of a `<textarea>`, found by id or name.
    pub fn textarea(html: &str, key: &str) -> Option<String> {
        let (_, tail) = find_tag(html, "textarea", key)?;
        tail.find("</textarea>").map(|end| unescape(&tail[..end]))
    }

    /// The value of the selected option of a `<select>`, found by id or name.
    pub fn selected(html: &str, key: &str) -> Option<String> {
        let (_, tail) = find_tag(html, "select", key)?;
        let options = &tail[..tail.find("</select>")?];
        options
            .split("<option")
            .skip(1)
            .map(|option| option.split('>').next().unwrap_or_default())
            .find(|attributes| attributes.contains(" selected"))
            .and_then(|attributes| attribute(&format!("<option{attributes}"), "value"))
    }

    pub fn unescape(text: &str) -> String {
        text.replace("&#34;", "\"")
            .replace("&#60;", "<")
            .replace("&#62;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&#38;", "&")
            .replace("&amp;", "&")
    }
}
