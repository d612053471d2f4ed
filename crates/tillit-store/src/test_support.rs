//! Databases for tests on both engines.
//!
//! SQLite tests get a fresh file in a temporary directory. PostgreSQL tests read
//! `TILLIT_TEST_PG_URL`, create a schema of their own and drop it afterwards. Without
//! the variable they are skipped with a notice, unless `CI=true`, where a missing
//! PostgreSQL is a failure.

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};
use std::str::FromStr;

use crate::db::{Db, Engine};

pub struct TestDb {
    pub db: Db,
    cleanup: Cleanup,
}

enum Cleanup {
    Sqlite(#[allow(dead_code)] tempfile::TempDir),
    Postgres { url: String, schema: String },
}

impl TestDb {
    /// A migrated, empty database, or `None` when PostgreSQL is not configured locally.
    pub async fn new(engine: Engine) -> Option<TestDb> {
        let test = match engine {
            Engine::Sqlite => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let db = Db::connect_sqlite(&dir.path().join("test.db"))
                    .await
                    .expect("open sqlite");
                TestDb {
                    db,
                    cleanup: Cleanup::Sqlite(dir),
                }
            }
            Engine::Postgres => {
                let url = postgres_url()?;
                let schema = format!("tillit_test_{}", rand::random::<u64>());
                let mut admin = PgConnection::connect(&url)
                    .await
                    .expect("connect to TILLIT_TEST_PG_URL");
                sqlx::query(&format!("CREATE SCHEMA {schema}"))
                    .execute(&mut admin)
                    .await
                    .expect("create schema");
                admin.close().await.ok();
                let options = PgConnectOptions::from_str(&url)
                    .expect("valid TILLIT_TEST_PG_URL")
                    .options([("search_path", schema.as_str())]);
                let db = Db::connect_postgres(options, 8)
                    .await
                    .expect("connect postgres");
                TestDb {
                    db,
                    cleanup: Cleanup::Postgres { url, schema },
                }
            }
        };
        test.db.migrate().await.expect("migrate");
        Some(test)
    }

    /// Path of the SQLite file, for tests that tamper with it directly.
    pub fn sqlite_path(&self) -> Option<std::path::PathBuf> {
        match &self.cleanup {
            Cleanup::Sqlite(dir) => Some(dir.path().join("test.db")),
            Cleanup::Postgres { .. } => None,
        }
    }

    pub async fn finish(self) {
        self.db.close().await;
        if let Cleanup::Postgres { url, schema } = self.cleanup {
            let mut admin = PgConnection::connect(&url)
                .await
                .expect("reconnect postgres");
            sqlx::query(&format!("DROP SCHEMA {schema} CASCADE"))
                .execute(&mut admin)
                .await
                .expect("drop schema");
        }
    }
}

/// The PostgreSQL URL for tests, or `None` (after a printed notice) to skip.
pub fn postgres_url() -> Option<String> {
    match std::env::var("TILLIT_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").as_deref() == Ok("true") => {
            panic!("TILLIT_TEST_PG_URL must be set when CI=true")
        }
        _ => {
            eprintln!(
                "notice: TILLIT_TEST_PG_URL is not set; skipping the PostgreSQL run of this test"
            );
            None
        }
    }
}

/// Runs an async test body once per engine: `db_test!(name, |db| async move { .. })`.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$db:ident| $body:expr) => {
        mod $name {
            use super::*;

            async fn run(engine: $crate::Engine) {
                let Some(test) = $crate::test_support::TestDb::new(engine).await else {
                    return;
                };
                {
                    let $db: &$crate::Db = &test.db;
                    $body.await;
                }
                test.finish().await;
            }

            #[tokio::test]
            async fn sqlite() {
                run($crate::Engine::Sqlite).await;
            }

            #[tokio::test]
            async fn postgres() {
                run($crate::Engine::Postgres).await;
            }
        }
    };
}
