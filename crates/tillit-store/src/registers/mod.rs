//! The register of networks and information systems (C06) and the register of
//! information assets (C07).
//!
//! Every function takes the caller's organisation and scopes by it; every change is
//! appended to the audit trail in the same transaction. Entries get a designation such
//! as `IS-0042` from a per-organisation counter that only grows, so a designation is
//! never handed out twice.

mod assets;
mod batch;
mod bulk;
mod confirmation;
mod dependencies;
mod events;
pub mod import;
pub mod import_runs;
mod picked;
mod systems;

pub use assets::{
    asset_systems, create_asset, create_asset_in, get_asset, link_asset_system, list_assets,
    system_assets, unlink_asset_system, update_asset, AssetFilter, AssetRef, InformationAsset,
};
pub use bulk::{add_dependencies, insert_assets, insert_systems, link_assets, record_confirmation};
pub use confirmation::{
    confirm_register, latest_confirmation, register_changes, register_overdue, RegisterChanges,
    RegisterConfirmation,
};
pub use dependencies::{add_dependency, dependencies, dependents, remove_dependency};
pub use events::{record_system_event, record_system_event_in, system_events, SystemEvent};
pub use picked::{assets_by_ids, systems_by_ids};
pub use systems::{
    create_system, create_system_in, get_system, list_systems, set_designation_prefix, set_owners,
    set_recovery_time, system_history, system_owners, update_system, InformationSystem,
    SystemFilter, SystemSnapshot, SystemVersion,
};

use serde::Serialize;
use tillit_domain::ValidationErrors;

use crate::db::{Engine, Tx};
use crate::error::{Result, StoreError};
use crate::references::user_in_organisation;

/// A short reference to a register entry, for links and pickers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, sqlx::FromRow)]
pub struct SystemRef {
    pub id: i64,
    pub designation: String,
    pub name: String,
}

/// A user named by an entry (owner, administrator).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct UserRef {
    pub id: i64,
    pub display_name: String,
}

/// Records `unknown-reference` for `field` unless `user_id` belongs to the organisation.
async fn check_user(
    tx: &mut Tx,
    errors: &mut ValidationErrors,
    organisation_id: i64,
    field: &str,
    user_id: Option<i64>,
) -> Result<()> {
    if let Some(id) = user_id {
        if !user_in_organisation(tx, organisation_id, id).await? {
            errors.add(field, "unknown-reference");
        }
    }
    Ok(())
}

/// The entry as a short reference, when it belongs to the organisation.
async fn system_ref_tx(tx: &mut Tx, organisation_id: i64, id: i64) -> Result<Option<SystemRef>> {
    Ok(in_tx!(
        &mut *tx,
        fetch_optional,
        SystemRef,
        "SELECT id, designation, name FROM information_system WHERE id = $1 AND organisation_id = $2",
        id,
        organisation_id
    )?)
}

/// Serialises changes to an organisation's dependency graph on PostgreSQL, where two
/// transactions could otherwise each add half of a cycle. SQLite has one writer anyway.
/// `FOR NO KEY UPDATE` leaves inserts that reference the organisation unblocked.
async fn lock_organisation(tx: &mut Tx, organisation_id: i64) -> Result<()> {
    if tx.engine() == Engine::Postgres {
        in_tx_scalar!(
            &mut *tx,
            fetch_optional,
            i64,
            "SELECT id FROM organisation WHERE id = $1 FOR NO KEY UPDATE",
            organisation_id
        )?;
    }
    Ok(())
}

/// A JSON text for a history snapshot or summary (serialising our own types cannot fail;
/// should it, `null` is stored rather than losing the change).
pub(crate) fn json_text(value: &impl Serialize) -> String {
    serde_json::to_value(value)
        .unwrap_or(serde_json::Value::Null)
        .to_string()
}

fn invalid(field: &str, code: &'static str) -> StoreError {
    StoreError::Invalid(ValidationErrors::single(field, code))
}
