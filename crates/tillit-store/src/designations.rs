//! Designations such as `IS-0042` or `ÅT-0007`: per organisation and kind, a prefix and
//! a number that only grows, so a designation is never handed out twice.

use tillit_domain::registers::format_designation;
use tillit_domain::ValidationErrors;

use crate::db::Tx;
use crate::error::{Result, StoreError};

/// Hands out `count` consecutive designations of `kind`, starting the counter at
/// `default_prefix` the first time. One statement creates or increments the counter row,
/// which also locks it until the transaction ends, so two concurrent writers never get
/// the same number.
pub(crate) async fn reserve(
    tx: &mut Tx,
    organisation_id: i64,
    kind: &str,
    default_prefix: &str,
    count: usize,
) -> Result<Vec<String>> {
    Ok(
        reserve_numbered(tx, organisation_id, kind, default_prefix, count)
            .await?
            .into_iter()
            .map(|(designation, _)| designation)
            .collect(),
    )
}

/// [`reserve`], each designation with its number (`ÅT-0012` with 12), for the kinds
/// that keep the number to sort by.
pub(crate) async fn reserve_numbered(
    tx: &mut Tx,
    organisation_id: i64,
    kind: &str,
    default_prefix: &str,
    count: usize,
) -> Result<Vec<(String, i64)>> {
    if count == 0 {
        return Ok(Vec::new());
    }
    let count = i64::try_from(count)
        .map_err(|_| StoreError::Invalid(ValidationErrors::single("count", "out-of-range")))?;
    let (prefix, last) = in_tx!(
        &mut *tx,
        fetch_one,
        (String, i64),
        "INSERT INTO designation_counter (organisation_id, kind, prefix, last_number) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (organisation_id, kind) DO UPDATE SET last_number = designation_counter.last_number + $4 \
         RETURNING prefix, last_number",
        organisation_id,
        kind,
        default_prefix,
        count
    )?;
    Ok((last - count + 1..=last)
        .map(|n| (format_designation(&prefix, n), n))
        .collect())
}

/// The next single designation of `kind`; see [`reserve`].
pub(crate) async fn next(
    tx: &mut Tx,
    organisation_id: i64,
    kind: &str,
    default_prefix: &str,
) -> Result<String> {
    Ok(next_numbered(tx, organisation_id, kind, default_prefix)
        .await?
        .0)
}

/// [`next`] with its number; see [`reserve_numbered`].
pub(crate) async fn next_numbered(
    tx: &mut Tx,
    organisation_id: i64,
    kind: &str,
    default_prefix: &str,
) -> Result<(String, i64)> {
    reserve_numbered(tx, organisation_id, kind, default_prefix, 1)
        .await?
        .pop()
        .ok_or(StoreError::NotFound)
}
