//! Checks that a row names something of the caller's own organisation.

use crate::db::Tx;
use crate::error::Result;

/// Whether `user_id` is an account of the organisation.
pub(crate) async fn user_in_organisation(
    tx: &mut Tx,
    organisation_id: i64,
    user_id: i64,
) -> Result<bool> {
    Ok(in_tx_scalar!(
        tx,
        fetch_optional,
        i64,
        "SELECT id FROM app_user WHERE id = $1 AND organisation_id = $2",
        user_id,
        organisation_id
    )?
    .is_some())
}

/// Whether `unit_id` is a unit of the organisation.
pub(crate) async fn unit_in_organisation(
    tx: &mut Tx,
    organisation_id: i64,
    unit_id: i64,
) -> Result<bool> {
    Ok(in_tx_scalar!(
        tx,
        fetch_optional,
        i64,
        "SELECT id FROM org_unit WHERE id = $1 AND organisation_id = $2",
        unit_id,
        organisation_id
    )?
    .is_some())
}
