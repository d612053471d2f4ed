//! Checks that a row names something of the caller's own organisation.

use tillit_domain::ValidationErrors;

use crate::db::Tx;
use crate::error::Result;

/// Whether `user_id` is an account of the organisation.
pub(crate) async fn user_in_organisation(
    tx: &mut Tx,
    organisation_id: i64,
    user_id: i64,
) -> Result<bool> {
    Ok(user_name_in_organisation(tx, organisation_id, user_id)
        .await?
        .is_some())
}

/// The display name of `user_id` if it is an account of the organisation.
pub(crate) async fn user_name_in_organisation(
    tx: &mut Tx,
    organisation_id: i64,
    user_id: i64,
) -> Result<Option<String>> {
    Ok(in_tx_scalar!(
        tx,
        fetch_optional,
        String,
        "SELECT display_name FROM app_user WHERE id = $1 AND organisation_id = $2",
        user_id,
        organisation_id
    )?)
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

/// The rows a record may refer to by id, each scoped by its organisation.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Referenced {
    System,
    Asset,
    Risk,
    Measure,
    Incident,
}

impl Referenced {
    fn table(self) -> &'static str {
        match self {
            Referenced::System => "information_system",
            Referenced::Asset => "information_asset",
            Referenced::Risk => "risk",
            Referenced::Measure => "measure",
            Referenced::Incident => "incident",
        }
    }
}

/// Records `unknown-reference` for `field` unless every id in `ids` is a row of the
/// organisation in `table`.
pub(crate) async fn check_ids(
    tx: &mut Tx,
    errors: &mut ValidationErrors,
    organisation_id: i64,
    table: Referenced,
    field: &str,
    ids: &[i64],
) -> Result<()> {
    let sql = format!(
        "SELECT id FROM {} WHERE id = $1 AND organisation_id = $2",
        table.table()
    );
    for id in ids {
        let found = in_tx_scalar!(&mut *tx, fetch_optional, i64, &sql, id, organisation_id)?;
        if found.is_none() {
            errors.add(field, "unknown-reference");
            break;
        }
    }
    Ok(())
}
