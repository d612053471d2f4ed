//! Multi-row statements: one `INSERT … VALUES (…), (…)` per chunk of rows, with the
//! values bound in order, on either engine. Shared by the register loads and import and
//! by the bulk load of risk work.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::sqlite::SqliteRow;
use sqlx::FromRow;

use crate::db::Tx;
use crate::error::Result;

/// Rows per INSERT statement (and ids per `IN` list): well below both engines' limits
/// on bound values (32,766 on SQLite, 65,535 on PostgreSQL). Larger statements save
/// little: sqlx looks up every numbered placeholder by name, which grows with the
/// square of their number on SQLite.
pub(crate) const ROWS_PER_STATEMENT: usize = 100;

/// A value bound to a statement built here.
pub(crate) enum Value<'a> {
    Int(i64),
    OptInt(Option<i64>),
    Text(&'a str),
    OptText(Option<&'a str>),
    Owned(String),
    Bool(bool),
    Time(DateTime<Utc>),
    OptTime(Option<DateTime<Utc>>),
    Date(NaiveDate),
    OptDate(Option<NaiveDate>),
}

macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                Value::Int(v) => query.bind(*v),
                Value::OptInt(v) => query.bind(*v),
                Value::Text(v) => query.bind(*v),
                Value::OptText(v) => query.bind(*v),
                Value::Owned(v) => query.bind(v.as_str()),
                Value::Bool(v) => query.bind(*v),
                Value::Time(v) => query.bind(*v),
                Value::OptTime(v) => query.bind(*v),
                Value::Date(v) => query.bind(*v),
                Value::OptDate(v) => query.bind(*v),
            };
        }
        query
    }};
}

pub(crate) async fn execute(tx: &mut Tx, sql: &str, values: &[Value<'_>]) -> Result<()> {
    match tx {
        Tx::Sqlite(t) => {
            bind_values!(sqlx::query(sql), values)
                .execute(&mut **t)
                .await?;
        }
        Tx::Postgres(t) => {
            bind_values!(sqlx::query(sql), values)
                .execute(&mut **t)
                .await?;
        }
    }
    Ok(())
}

pub(crate) async fn fetch<R>(tx: &mut Tx, sql: &str, values: &[Value<'_>]) -> Result<Vec<R>>
where
    R: for<'r> FromRow<'r, SqliteRow> + for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    Ok(match tx {
        Tx::Sqlite(t) => {
            bind_values!(sqlx::query_as::<_, R>(sql), values)
                .fetch_all(&mut **t)
                .await?
        }
        Tx::Postgres(t) => {
            bind_values!(sqlx::query_as::<_, R>(sql), values)
                .fetch_all(&mut **t)
                .await?
        }
    })
}

/// `rows` copies of `template` joined by commas, each `?` numbered as the next
/// placeholder after the `shared` ones (`$1..$shared`, bound first, the same for every
/// row).
pub(crate) fn values_sql(template: &str, rows: usize, shared: usize) -> String {
    let mut sql = String::with_capacity(rows * (template.len() + 16));
    let mut next = shared + 1;
    for row in 0..rows {
        if row > 0 {
            sql.push_str(", ");
        }
        for c in template.chars() {
            if c == '?' {
                sql.push('$');
                sql.push_str(&next.to_string());
                next += 1;
            } else {
                sql.push(c);
            }
        }
    }
    sql
}

/// Inserts `(a, b)` pairs into a two-column link table, a chunk per statement.
pub(crate) async fn insert_pairs(
    tx: &mut Tx,
    table_and_columns: &str,
    pairs: &[(i64, i64)],
) -> Result<()> {
    for chunk in pairs.chunks(ROWS_PER_STATEMENT) {
        let sql = format!(
            "INSERT INTO {table_and_columns} VALUES {}",
            values_sql("(?, ?)", chunk.len(), 0)
        );
        let values: Vec<Value> = chunk
            .iter()
            .flat_map(|(a, b)| [Value::Int(*a), Value::Int(*b)])
            .collect();
        execute(tx, &sql, &values).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_numbered_after_the_shared_ones() {
        assert_eq!(values_sql("($1, ?, ?)", 2, 1), "($1, $2, $3), ($1, $4, $5)");
        assert_eq!(
            values_sql("($1, ?, ?, $2)", 3, 2),
            "($1, $3, $4, $2), ($1, $5, $6, $2), ($1, $7, $8, $2)"
        );
        assert_eq!(values_sql("(?, ?)", 2, 0), "($1, $2), ($3, $4)");
        assert_eq!(values_sql("(?)", 0, 0), "");
    }
}
