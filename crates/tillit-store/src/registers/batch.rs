//! The register rows written many at a time, on the crate's multi-row statements.

mod entries;

pub(super) use entries::{insert_asset_rows, insert_systems, user_names};

pub(super) use crate::batch::{
    execute, fetch, insert_pairs, values_sql, Value, ROWS_PER_STATEMENT,
};
