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

/// A value bound to a statement whose conditions depend on which filters are in use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Arg {
    Int(i64),
    Text(String),
    Bool(bool),
    Date(chrono::NaiveDate),
    Time(chrono::DateTime<chrono::Utc>),
}

/// A subquery of the ids of the units `units` and every unit below them; `units` is a
/// placeholder (`?`, `$n`), an id written into the statement, or a comma-separated list
/// of either.
pub(crate) fn unit_subtree(units: &str) -> String {
    format!(
        "WITH RECURSIVE sub(id) AS (SELECT id FROM org_unit WHERE id IN ({units}) \
         UNION ALL SELECT u.id FROM org_unit u JOIN sub ON u.parent_id = sub.id) SELECT id FROM sub"
    )
}

/// `WHERE` conditions for only the filters that are set, numbered `$1..$n`, so an
/// unfiltered list is a plain index scan rather than a test of every unused filter on
/// every row.
#[derive(Debug, Clone)]
pub(crate) struct Conditions {
    clauses: Vec<String>,
    args: Vec<Arg>,
}

impl Conditions {
    /// Starts with `organisation_id = $1`; later clauses may refer to `$1` too.
    pub(crate) fn for_organisation(column: &str, organisation_id: i64) -> Self {
        Self {
            clauses: vec![format!("{column} = $1")],
            args: vec![Arg::Int(organisation_id)],
        }
    }

    /// Adds `clause`, in which `?` stands for `arg`'s placeholder.
    pub(crate) fn and(&mut self, clause: &str, arg: Arg) {
        let placeholder = format!("${}", self.args.len() + 1);
        self.clauses.push(clause.replace('?', &placeholder));
        self.args.push(arg);
    }

    /// Adds an argument for a placeholder the caller writes itself (take its number from
    /// [`Conditions::next_placeholder`] first).
    pub(crate) fn push_arg(&mut self, arg: Arg) {
        self.args.push(arg);
    }

    /// Adds a clause that takes no argument.
    pub(crate) fn and_fixed(&mut self, clause: &str) {
        self.clauses.push(clause.to_owned());
    }

    pub(crate) fn sql(&self) -> String {
        self.clauses.join(" AND ")
    }

    /// The placeholder the next extra argument (e.g. a limit) will take.
    pub(crate) fn next_placeholder(&self) -> usize {
        self.args.len() + 1
    }

    /// `LIMIT … OFFSET …` numbered after the conditions, and every argument in order.
    pub(crate) fn limit_offset(&self, limit: i64, offset: i64) -> (String, Vec<Arg>) {
        let next = self.next_placeholder();
        (
            format!("LIMIT ${next} OFFSET ${}", next + 1),
            self.args_with([Arg::Int(limit), Arg::Int(offset)]),
        )
    }

    /// The condition arguments followed by `extra`, in placeholder order.
    pub(crate) fn args_with(&self, extra: impl IntoIterator<Item = Arg>) -> Vec<Arg> {
        self.args.iter().cloned().chain(extra).collect()
    }
}

/// The condition "the unit in `unit_column` is within `reach`": one of the reached units
/// or below one; the organisation itself (no unit) is reached only from everywhere.
/// Adds the units as arguments and returns the clause, `None` when everything is reached.
pub(crate) fn reach_clause(
    conditions: &mut Conditions,
    unit_column: &str,
    reach: &tillit_domain::auth::Reach,
) -> Option<String> {
    let tillit_domain::auth::Reach::Units(units) = reach else {
        return None;
    };
    if units.is_empty() {
        return Some("1 = 0".to_owned());
    }
    let mut placeholders = Vec::with_capacity(units.len());
    for unit in units {
        placeholders.push(format!("${}", conditions.next_placeholder()));
        conditions.push_arg(Arg::Int(*unit));
    }
    Some(format!(
        "{unit_column} IN ({})",
        unit_subtree(&placeholders.join(", "))
    ))
}

/// Like [`read!`], binding a list of [`Arg`]s.
macro_rules! read_args {
    ($db:expr, $method:ident, $ty:ty, $sql:expr, $args:expr) => {
        match $db {
            $crate::db::Db::Sqlite(s) => {
                let mut query = sqlx::query_as::<_, $ty>($sql);
                for arg in $args {
                    query = match arg {
                        $crate::sql::Arg::Int(v) => query.bind(v),
                        $crate::sql::Arg::Text(v) => query.bind(v),
                        $crate::sql::Arg::Bool(v) => query.bind(v),
                        $crate::sql::Arg::Date(v) => query.bind(v),
                        $crate::sql::Arg::Time(v) => query.bind(v),
                    };
                }
                query.$method(&s.read).await
            }
            $crate::db::Db::Postgres(pool) => {
                let mut query = sqlx::query_as::<_, $ty>($sql);
                for arg in $args {
                    query = match arg {
                        $crate::sql::Arg::Int(v) => query.bind(v),
                        $crate::sql::Arg::Text(v) => query.bind(v),
                        $crate::sql::Arg::Bool(v) => query.bind(v),
                        $crate::sql::Arg::Date(v) => query.bind(v),
                        $crate::sql::Arg::Time(v) => query.bind(v),
                    };
                }
                query.$method(pool).await
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_number_only_the_filters_in_use() {
        let mut conditions = Conditions::for_organisation("organisation_id", 7);
        conditions.and("name LIKE ?", Arg::Text("%a%".into()));
        conditions.and(
            "id IN (SELECT user_id FROM r WHERE role = ? AND organisation_id = $1)",
            Arg::Text("auditor".into()),
        );
        assert_eq!(
            conditions.sql(),
            "organisation_id = $1 AND name LIKE $2 AND id IN (SELECT user_id FROM r WHERE role = $3 AND organisation_id = $1)"
        );
        assert_eq!(conditions.next_placeholder(), 4);
        assert_eq!(conditions.args_with([Arg::Int(50)]).len(), 4);
    }
}
