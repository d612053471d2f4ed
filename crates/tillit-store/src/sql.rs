//! Dispatch one SQL text to whichever engine is in use.
//!
//! Both engines take `$1..$n` placeholders, so nearly every statement is written once.
//! The macros expand to a `match` with one arm per engine; only one arm runs.

/// Run a query on the read pool: `read!(db, fetch_all, Row, "SELECT ..", a, b)`.
macro_rules! read {
    ($db:expr, $method:ident, $ty:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $db {
            $crate::db::Db::Sqlite(s) => {
                sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(&s.read).await
            }
            $crate::db::Db::Postgres(pool) => {
                sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(pool).await
            }
        }
    };
}

/// A single-value query on the read pool.
macro_rules! read_scalar {
    ($db:expr, $method:ident, $ty:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $db {
            $crate::db::Db::Sqlite(s) => {
                sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(&s.read).await
            }
            $crate::db::Db::Postgres(pool) => {
                sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(pool).await
            }
        }
    };
}

/// A query inside a write transaction: `in_tx!(tx, fetch_one, Row, "..", a)`.
macro_rules! in_tx {
    ($tx:expr, $method:ident, $ty:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(&mut **t).await
            }
            $crate::db::Tx::Postgres(t) => {
                sqlx::query_as::<_, $ty>($sql)$(.bind($arg))*.$method(&mut **t).await
            }
        }
    };
}

macro_rules! in_tx_scalar {
    ($tx:expr, $method:ident, $ty:ty, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(&mut **t).await
            }
            $crate::db::Tx::Postgres(t) => {
                sqlx::query_scalar::<_, $ty>($sql)$(.bind($arg))*.$method(&mut **t).await
            }
        }
    };
}

/// A statement inside a write transaction; evaluates to the number of rows affected.
macro_rules! exec_tx {
    ($tx:expr, $sql:expr $(, $arg:expr)* $(,)?) => {
        match $tx {
            $crate::db::Tx::Sqlite(t) => {
                sqlx::query($sql)$(.bind($arg))*.execute(&mut **t).await.map(|r| r.rows_affected())
            }
            $crate::db::Tx::Postgres(t) => {
                sqlx::query($sql)$(.bind($arg))*.execute(&mut **t).await.map(|r| r.rows_affected())
            }
        }
    };
}
