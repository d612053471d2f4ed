//! Both migration folders must end in the same logical schema: tables, columns, type
//! families, nullability, named constraints and indexes.

use std::collections::BTreeSet;

use sqlx::Row;
use tillit_store::test_support::TestDb;
use tillit_store::Engine;

type Schema = BTreeSet<String>;

/// SQLite stores timestamps and dates as text; the comparison is by family.
fn family(declared: &str) -> &'static str {
    match declared.to_ascii_lowercase().as_str() {
        "integer" | "bigint" => "integer",
        "boolean" => "boolean",
        "blob" | "bytea" => "bytes",
        _ => "text",
    }
}

async fn sqlite_schema(test: &TestDb) -> Schema {
    let pool = test.db.sqlite_pool().unwrap();
    let mut schema = Schema::new();
    let tables = sqlx::query("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '_sqlx_migrations'")
        .fetch_all(pool)
        .await
        .unwrap();
    for table in tables {
        let name: String = table.get("name");
        let sql: String = table.get("sql");
        schema.insert(format!("table {name}"));
        for column in sqlx::query("SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)")
            .bind(&name)
            .fetch_all(pool)
            .await
            .unwrap()
        {
            let column_name: String = column.get("name");
            let declared: String = column.get("type");
            let not_null = column.get::<i64, _>("notnull") == 1 || column.get::<i64, _>("pk") > 0;
            schema.insert(format!(
                "column {name}.{column_name} {} {}",
                family(&declared),
                if not_null { "not null" } else { "null" }
            ));
        }
        for word in sql.split("CONSTRAINT ").skip(1) {
            let constraint = word.split_whitespace().next().unwrap_or_default();
            schema.insert(format!("constraint {name}.{constraint}"));
        }
    }
    for index in sqlx::query(
        "SELECT name, tbl_name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    {
        schema.insert(format!(
            "index {}.{}",
            index.get::<String, _>("tbl_name"),
            index.get::<String, _>("name")
        ));
    }
    schema
}

async fn postgres_schema(test: &TestDb) -> Schema {
    let pool = test.db.as_postgres().unwrap();
    let mut schema = Schema::new();
    let columns = sqlx::query(
        "SELECT c.table_name::text AS table_name, c.column_name::text AS column_name, c.data_type::text AS data_type, c.is_nullable::text AS is_nullable \
         FROM information_schema.columns c JOIN information_schema.tables t ON t.table_name = c.table_name AND t.table_schema = c.table_schema \
         WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE' AND c.table_name <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    for column in columns {
        let table: String = column.get("table_name");
        schema.insert(format!("table {table}"));
        let data_type: String = column.get("data_type");
        let not_null = column.get::<String, _>("is_nullable") == "NO";
        schema.insert(format!(
            "column {table}.{} {} {}",
            column.get::<String, _>("column_name"),
            family(&data_type),
            if not_null { "not null" } else { "null" }
        ));
    }
    let constraints = sqlx::query(
        "SELECT rel.relname::text AS table_name, con.conname::text AS name FROM pg_constraint con \
         JOIN pg_class rel ON rel.oid = con.conrelid JOIN pg_namespace ns ON ns.oid = rel.relnamespace \
         WHERE ns.nspname = current_schema() AND con.contype IN ('u', 'c', 'f') AND rel.relname <> '_sqlx_migrations'",
    )
    .fetch_all(pool)
    .await
    .unwrap();
    let mut constraint_names = BTreeSet::new();
    for constraint in constraints {
        let name: String = constraint.get("name");
        schema.insert(format!(
            "constraint {}.{name}",
            constraint.get::<String, _>("table_name")
        ));
        constraint_names.insert(name);
    }
    let indexes = sqlx::query("SELECT tablename::text AS table_name, indexname::text AS name FROM pg_indexes WHERE schemaname = current_schema() AND tablename <> '_sqlx_migrations'")
        .fetch_all(pool)
        .await
        .unwrap();
    for index in indexes {
        let name: String = index.get("name");
        // Primary keys and unique constraints bring their own indexes on PostgreSQL.
        if name.ends_with("_pkey") || constraint_names.contains(&name) {
            continue;
        }
        schema.insert(format!(
            "index {}.{name}",
            index.get::<String, _>("table_name")
        ));
    }
    schema
}

#[tokio::test]
async fn both_engines_end_in_the_same_schema() {
    let Some(postgres) = TestDb::new(Engine::Postgres).await else {
        return;
    };
    let sqlite = TestDb::new(Engine::Sqlite).await.unwrap();
    let left = sqlite_schema(&sqlite).await;
    let right = postgres_schema(&postgres).await;
    let only_sqlite: Vec<_> = left.difference(&right).collect();
    let only_postgres: Vec<_> = right.difference(&left).collect();
    assert!(
        left.iter()
            .any(|s| s == "column audit_event.leaf_hash bytes not null"),
        "{left:#?}"
    );
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only in SQLite: {only_sqlite:#?}\nonly in PostgreSQL: {only_postgres:#?}"
    );
    sqlite.finish().await;
    postgres.finish().await;
}
