//! Connection pools for the two engines and write transactions.

use std::ops::{Deref, DerefMut};
use std::path::Path;
use std::str::FromStr;
use std::sync::Arc;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{ConnectOptions, Connection, Postgres, SqliteConnection, Transaction};
use tokio::sync::{Mutex, OwnedMappedMutexGuard, OwnedMutexGuard};

use tillit_domain::search::fold;

use crate::audit::head::{AuditHead, HeadCache};
use crate::error::Result;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("./migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Engine {
    Sqlite,
    Postgres,
}

impl Engine {
    pub fn as_str(self) -> &'static str {
        match self {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
    }
}

/// SQLite gets one writer connection (SQLite allows one writer at a time anyway) and a
/// pool of readers, so reads never wait behind a write.
#[derive(Debug, Clone)]
pub struct SqliteDb {
    pub(crate) read: SqlitePool,
    /// Held by one transaction at a time; `None` once closed. Not a pool: a pool pings
    /// every connection handed back, a round trip the next writer would wait for (ADR 0015).
    writer: Arc<Mutex<Option<Writer>>>,
    /// The database file, for the few readers that bypass the pools.
    pub(crate) path: std::path::PathBuf,
    /// The audit trail's head as the writer last committed it (ADR 0014).
    pub(crate) audit_head: HeadCache,
}

#[derive(Debug, Clone)]
pub enum Db {
    Sqlite(SqliteDb),
    Postgres(PgPool),
}

/// A write transaction on either engine.
pub enum Tx {
    Sqlite(SqliteTx),
    Postgres(Transaction<'static, Postgres>),
}

/// The SQLite writer connection, and whether a transaction may still be open on it.
#[derive(Debug)]
struct Writer {
    connection: SqliteConnection,
    /// Set before `BEGIN` and cleared after `COMMIT` or `ROLLBACK`, so a transaction
    /// abandoned at any point is rolled back before the next one begins.
    maybe_open: bool,
}

impl Writer {
    async fn roll_back(&mut self) {
        // Fails harmlessly when the transaction never began.
        if let Err(error) = sqlx::query("ROLLBACK").execute(&mut self.connection).await {
            tracing::debug!(%error, "rolling back the SQLite writer");
        }
        self.maybe_open = false;
    }
}

type WriterGuard = OwnedMappedMutexGuard<Option<Writer>, Writer>;

/// A SQLite write transaction, with the audit head it will leave when it commits.
pub struct SqliteTx {
    /// The writer, taken when the transaction ends; a transaction dropped unfinished hands
    /// it to a task that rolls back before anyone else may write.
    writer: Option<WriterGuard>,
    committed_head: HeadCache,
    /// The head after this transaction's latest append, published on commit.
    pub(crate) appended_head: Option<AuditHead>,
}

impl SqliteTx {
    async fn begin(db: &SqliteDb) -> Result<Self> {
        let locked = db.writer.clone().lock_owned().await;
        let mut writer = OwnedMutexGuard::try_map(locked, Option::as_mut)
            .map_err(|_| sqlx::Error::PoolClosed)?;
        if writer.maybe_open {
            writer.roll_back().await;
        }
        writer.maybe_open = true;
        sqlx::query("BEGIN IMMEDIATE")
            .execute(&mut writer.connection)
            .await?;
        Ok(Self {
            writer: Some(writer),
            committed_head: db.audit_head.clone(),
            appended_head: None,
        })
    }

    async fn commit(mut self) -> Result<()> {
        // On an error the transaction is dropped here and rolled back.
        if let Some(writer) = self.writer.as_mut() {
            sqlx::query("COMMIT")
                .execute(&mut writer.connection)
                .await?;
            writer.maybe_open = false;
        }
        self.writer = None;
        // Only now: a rolled-back append must never become the cached head.
        if let Some(head) = self.appended_head {
            self.committed_head.publish(head);
        }
        Ok(())
    }

    /// The head an append in this transaction continues from, as far as this process
    /// knows without reading it: its own latest append, else the last committed one.
    pub(crate) fn known_head(&self) -> Option<AuditHead> {
        self.appended_head.or_else(|| self.committed_head.get())
    }
}

impl Drop for SqliteTx {
    fn drop(&mut self) {
        let Some(mut writer) = self.writer.take() else {
            return;
        };
        // The guard travels with the rollback, so no other transaction starts before it;
        // without a runtime the next `begin` rolls back instead.
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move { writer.roll_back().await });
        }
    }
}

impl Deref for SqliteTx {
    type Target = SqliteConnection;

    fn deref(&self) -> &SqliteConnection {
        match &self.writer {
            Some(writer) => &writer.connection,
            // Only `commit` and `drop` take the writer, and both consume the transaction.
            None => unreachable!("a SQLite transaction used after it ended"),
        }
    }
}

impl DerefMut for SqliteTx {
    fn deref_mut(&mut self) -> &mut SqliteConnection {
        match &mut self.writer {
            Some(writer) => &mut writer.connection,
            None => unreachable!("a SQLite transaction used after it ended"),
        }
    }
}

impl Tx {
    pub async fn commit(self) -> Result<()> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Postgres(t) => t.commit().await?,
        }
        Ok(())
    }

    pub fn engine(&self) -> Engine {
        match self {
            Tx::Sqlite(_) => Engine::Sqlite,
            Tx::Postgres(_) => Engine::Postgres,
        }
    }
}

impl Db {
    /// Opens the database named by `url`: `postgres://…` for PostgreSQL, otherwise a
    /// SQLite file path or `sqlite://` URL (created with its directory when missing).
    pub async fn connect(url: &str) -> Result<Db> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url)?;
            Self::connect_postgres(options, 32).await
        } else {
            let path = url.strip_prefix("sqlite://").unwrap_or(url);
            Self::connect_sqlite(Path::new(path)).await
        }
    }

    pub async fn connect_sqlite(path: &Path) -> Result<Db> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(Duration::from_secs(10))
            .pragma("cache_size", "-16000")
            .pragma("temp_store", "memory");
        let writer = options.connect().await?;
        let readers = std::thread::available_parallelism()
            .map(|n| n.get() * 2)
            .unwrap_or(4) as u32;
        // A connection to a file cannot drop as a network peer can, so the ping sqlx sends
        // before handing out each connection is only a round trip to its worker thread.
        let read = SqlitePoolOptions::new()
            .max_connections(readers)
            .min_connections(1)
            .test_before_acquire(false)
            .connect_with(options.read_only(false))
            .await?;
        Ok(Db::Sqlite(SqliteDb {
            read,
            writer: Arc::new(Mutex::new(Some(Writer {
                connection: writer,
                maybe_open: false,
            }))),
            path: path.to_path_buf(),
            audit_head: HeadCache::default(),
        }))
    }

    pub async fn connect_postgres(options: PgConnectOptions, max_connections: u32) -> Result<Db> {
        let pool = PgPoolOptions::new()
            .max_connections(max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .connect_with(options)
            .await?;
        Ok(Db::Postgres(pool))
    }

    pub fn engine(&self) -> Engine {
        match self {
            Db::Sqlite(_) => Engine::Sqlite,
            Db::Postgres(_) => Engine::Postgres,
        }
    }

    pub async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(s) => {
                let mut writer = s.writer.lock().await;
                let writer = writer.as_mut().ok_or(sqlx::Error::PoolClosed)?;
                SQLITE_MIGRATIONS.run(&mut writer.connection).await?
            }
            Db::Postgres(pool) => POSTGRES_MIGRATIONS.run(pool).await?,
        }
        self.fill_search_text().await
    }

    /// Fills the folded search columns of rows written before they existed.
    async fn fill_search_text(&self) -> Result<()> {
        let units = read!(
            self,
            fetch_all,
            (i64, String),
            "SELECT id, name FROM org_unit WHERE search_name = '' AND name <> ''"
        )?;
        let users = read!(
            self,
            fetch_all,
            (i64, String, String),
            "SELECT id, display_name, email FROM app_user WHERE search_text = ''"
        )?;
        if units.is_empty() && users.is_empty() {
            return Ok(());
        }
        let mut tx = self.begin().await?;
        for (id, name) in units {
            exec_tx!(
                &mut tx,
                "UPDATE org_unit SET search_name = $1 WHERE id = $2",
                fold(&name),
                id
            )?;
        }
        for (id, name, email) in users {
            exec_tx!(
                &mut tx,
                "UPDATE app_user SET search_text = $1 WHERE id = $2",
                fold(&format!("{name} {email}")),
                id
            )?;
        }
        tx.commit().await
    }

    /// Starts a write transaction. On SQLite it takes the write lock at once
    /// (`BEGIN IMMEDIATE`) so a transaction never fails half-way on a busy database.
    pub async fn begin(&self) -> Result<Tx> {
        Ok(match self {
            Db::Sqlite(s) => Tx::Sqlite(SqliteTx::begin(s).await?),
            Db::Postgres(pool) => Tx::Postgres(pool.begin().await?),
        })
    }

    /// Refreshes PostgreSQL's planner statistics after a bulk load. SQLite is left
    /// alone: measured, its statistics made the users list slower, not faster.
    pub async fn analyze(&self) -> Result<()> {
        if let Db::Postgres(pool) = self {
            sqlx::query("ANALYZE").execute(pool).await?;
        }
        Ok(())
    }

    /// Round trip to the database, for readiness checks.
    pub async fn ping(&self) -> Result<()> {
        read_scalar!(self, fetch_one, i32, "SELECT 1")?;
        Ok(())
    }

    pub async fn close(&self) {
        match self {
            Db::Sqlite(s) => {
                s.read.close().await;
                if let Some(writer) = s.writer.lock().await.take() {
                    if let Err(error) = writer.connection.close().await {
                        tracing::warn!(%error, "closing the SQLite writer");
                    }
                }
            }
            Db::Postgres(pool) => pool.close().await,
        }
    }

    pub fn as_postgres(&self) -> Option<&PgPool> {
        match self {
            Db::Postgres(pool) => Some(pool),
            Db::Sqlite(_) => None,
        }
    }

    /// Connections to the SQLite file beside the store's writer, for tests and tools that
    /// go behind the store's back.
    pub fn sqlite_pool(&self) -> Option<&SqlitePool> {
        match self {
            Db::Sqlite(s) => Some(&s.read),
            Db::Postgres(_) => None,
        }
    }
}

/// Creates an empty PostgreSQL database named `name` (letters, digits and `_`) on the
/// server at `server_url`; used by `tillit bench` for a throw-away database.
pub async fn create_postgres_database(server_url: &str, name: &str) -> Result<()> {
    server_statement(
        server_url,
        &format!("CREATE DATABASE {}", identifier(name)?),
    )
    .await
}

/// Drops the database, disconnecting any session still attached to it.
pub async fn drop_postgres_database(server_url: &str, name: &str) -> Result<()> {
    server_statement(
        server_url,
        &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", identifier(name)?),
    )
    .await
}

fn identifier(name: &str) -> Result<&str> {
    let valid = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        Ok(name)
    } else {
        Err(crate::StoreError::Invalid(
            tillit_domain::ValidationErrors::single("name", "invalid-identifier"),
        ))
    }
}

async fn server_statement(server_url: &str, sql: &str) -> Result<()> {
    use sqlx::Connection;
    let mut connection = sqlx::PgConnection::connect(server_url).await?;
    sqlx::raw_sql(sql).execute(&mut connection).await?;
    connection.close().await?;
    Ok(())
}
