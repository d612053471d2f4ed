//! The binary end to end: migrate, demo, admin, audit verify (also after tampering).

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
