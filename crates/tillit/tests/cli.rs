//! The binary end to end: migrate, demo (with its registers, and at large scale), admin,
//! audit verify (also after tampering).

use std::path::Path;
use std::process::{Command, Output};

fn tillit(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args(args)
        .env("TILLIT_DATA_DIR", data_dir)
        .env_remove("TILLIT_DATABASE_URL")
        .env("TILLIT_LOG", "warn")
        .output()
        .expect("run tillit")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn demo_admin_and_an_intact_trail() {
    let dir = tempfile::tempdir().unwrap();
    let migrated = tillit(dir.path(), &["migrate"]);
    assert!(migrated.status.success(), "{}", stderr(&migrated));

    let demo = tillit(dir.path(), &["demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    assert!(stdout(&demo).contains("admin@region.example"));
    assert!(stdout(&demo).contains("operator@drift.example"));
    assert!(
        !tillit(dir.path(), &["demo"]).status.success(),
        "the demo loads once"
    );

    let token = tillit(dir.path(), &["admin", "token", "granskare@region.example"]);
    assert!(token.status.success(), "{}", stderr(&token));
    assert!(stdout(&token).trim().starts_with("tillit_"));

    let created = tillit(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "Ny.Person@Region.Example",
            "--name",
            "Ny Person",
            "--password",
            "a long enough password",
            "--role",
            "auditor",
        ],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let weak = tillit(
        dir.path(),
        &[
            "admin",
            "create-user",
            "--email",
            "x@region.example",
            "--name",
            "X",
            "--password",
            "short",
        ],
    );
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("password"), "{}", stderr(&weak));

    let verified = tillit(dir.path(), &["audit", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
    assert!(stdout(&verified).contains("intact"));
}

#[test]
fn operators_and_their_tokens_are_created_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let created = tillit(
        dir.path(),
        &["admin", "create-operator", "Drift@Hosting.Example"],
    );
    assert!(created.status.success(), "{}", stderr(&created));
    let printed = stdout(&created);
    assert!(
        printed.contains("operator drift@hosting.example created"),
        "{printed}"
    );
    let password = printed
        .lines()
        .find_map(|line| line.strip_prefix("password (shown once): "))
        .expect("a generated password is printed");
    assert_eq!(password.len(), 24);

    let again = tillit(
        dir.path(),
        &["admin", "create-operator", "drift@hosting.example"],
    );
    assert!(!again.status.success(), "the address is taken");
    let weak = tillit(
        dir.path(),
        &[
            "admin",
            "create-operator",
            "kort@hosting.example",
            "--password",
            "kort",
        ],
    );
    assert!(!weak.status.success());
    assert!(stderr(&weak).contains("password"), "{}", stderr(&weak));
    let given = tillit(
        dir.path(),
        &[
            "admin",
            "create-operator",
            "egen@hosting.example",
            "--password",
            "ett långt eget lösenord",
        ],
    );
    assert!(given.status.success(), "{}", stderr(&given));
    assert!(!stdout(&given).contains("shown once"));

    let token = tillit(
        dir.path(),
        &["admin", "operator-token", "drift@hosting.example"],
    );
    assert!(token.status.success(), "{}", stderr(&token));
    assert!(stdout(&token).trim().starts_with("tillitop_"));
    let unknown = tillit(
        dir.path(),
        &["admin", "operator-token", "ingen@hosting.example"],
    );
    assert!(!unknown.status.success());

    let verified = tillit(dir.path(), &["audit", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
}

#[tokio::test]
async fn verify_names_the_first_bad_sequence_number_after_tampering() {
    let dir = tempfile::tempdir().unwrap();
    assert!(tillit(dir.path(), &["demo"]).status.success());
    assert!(tillit(dir.path(), &["audit", "verify"]).status.success());

    let url = format!("sqlite://{}", dir.path().join("tillit.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    for statement in [
        "DROP TRIGGER audit_event_refuse_update",
        "UPDATE audit_event SET after_json = '{\"name\":\"forged\"}' WHERE seq = 17",
    ] {
        sqlx::query(statement).execute(&pool).await.unwrap();
    }
    pool.close().await;

    let broken = tillit(dir.path(), &["audit", "verify"]);
    assert!(!broken.status.success());
    assert!(
        stderr(&broken).contains("sequence number 17"),
        "{}",
        stderr(&broken)
    );
}

async fn sqlite(data_dir: &Path) -> sqlx::SqlitePool {
    let url = format!("sqlite://{}", data_dir.join("tillit.db").display());
    sqlx::SqlitePool::connect(&url).await.unwrap()
}

async fn count(pool: &sqlx::SqlitePool, sql: &str) -> i64 {
    sqlx::query_scalar(sql).fetch_one(pool).await.unwrap()
}

#[tokio::test]
async fn demo_registers_are_linked_and_confirmed() {
    let dir = tempfile::tempdir().unwrap();
    let demo = tillit(dir.path(), &["demo"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let pool = sqlite(dir.path()).await;

    assert_eq!(
        count(&pool, "SELECT COUNT(*) FROM information_system").await,
        16
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(DISTINCT designation) FROM information_system"
        )
        .await,
        16,
        "designations are unique"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM information_system WHERE kind = 'network'"
        )
        .await,
        4
    );
    let assets = count(&pool, "SELECT COUNT(*) FROM information_asset").await;
    assert!((15..=30).contains(&assets), "{assets} assets");
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM information_asset WHERE personal_data_categories LIKE '%\"health\"%'"
        )
        .await,
        19
    );

    let journal_depends_on: Vec<String> = sqlx::query_scalar(
        "SELECT t.name FROM system_dependency d JOIN information_system s ON s.id = d.system_id \
         JOIN information_system t ON t.id = d.depends_on_id \
         WHERE s.name LIKE 'VIS Kosmos%' ORDER BY t.name",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        journal_depends_on,
        ["Identitets- och behörighetstjänst", "Vårdnätet"]
    );
    let record_held_by: Vec<String> = sqlx::query_scalar(
        "SELECT s.designation FROM asset_system l JOIN information_asset a ON a.id = l.asset_id \
         JOIN information_system s ON s.id = l.system_id WHERE a.name = 'Patientjournal' ORDER BY s.designation",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(record_held_by, ["IS-0001", "IS-0006"]);
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM register_confirmation c JOIN app_user u ON u.id = c.confirmed_by \
             WHERE u.email = 'samordnare@region.example' AND c.system_count = 15"
        )
        .await,
        1
    );
    // Every entry has its first version in the history.
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM information_system_history WHERE version = 1"
        )
        .await,
        16
    );
    pool.close().await;

    let verified = tillit(dir.path(), &["audit", "verify"]);
    assert!(verified.status.success(), "{}", stderr(&verified));
}

#[tokio::test]
async fn large_demo_has_thousands_of_systems_and_assets() {
    let dir = tempfile::tempdir().unwrap();
    let large = tillit(dir.path(), &["demo", "--scale", "large"]);
    assert!(large.status.success(), "{}", stderr(&large));
    let said = stdout(&large);
    assert!(said.starts_with("large dataset loaded: "), "{said}");

    let pool = sqlite(dir.path()).await;
    let systems = count(&pool, "SELECT COUNT(*) FROM information_system").await;
    let assets = count(&pool, "SELECT COUNT(*) FROM information_asset").await;
    assert!(systems >= 2_000, "{systems} systems");
    assert!(assets >= 10_000, "{assets} assets");
    assert!(
        said.contains(&format!("{systems} systems, {assets} assets")),
        "{said}"
    );
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(DISTINCT designation) FROM information_system"
        )
        .await,
        systems
    );
    // Spread over the organisation: many owners and units, every asset held somewhere
    // or deliberately not (spoken and paper forms), every entry with an owner.
    assert!(
        count(
            &pool,
            "SELECT COUNT(DISTINCT object_owner_id) FROM information_system"
        )
        .await
            >= 500
    );
    assert!(
        count(
            &pool,
            "SELECT COUNT(DISTINCT unit_id) FROM information_asset"
        )
        .await
            >= 240
    );
    assert!(count(&pool, "SELECT COUNT(*) FROM asset_system").await >= assets);
    assert!(count(&pool, "SELECT COUNT(*) FROM system_dependency").await >= systems);
    assert_eq!(
        count(
            &pool,
            "SELECT COUNT(*) FROM information_system WHERE object_owner_id IS NULL"
        )
        .await,
        0
    );
    pool.close().await;
}

#[test]
fn bad_configuration_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_tillit"))
        .args(["migrate"])
        .env("TILLIT_DATA_DIR", dir.path())
        .env("TILLIT_BIND", "not-an-address")
        .output()
        .unwrap();
    assert!(!output.status.success());
    assert!(stderr(&output).contains("TILLIT_BIND"));
}
