//! Bulk import of the registers from a checked file, and what an export writes beside
//! the entries themselves.
//!
//! An import writes all its rows in one transaction with multi-row INSERTs: the
//! entries, their owners and dependencies (or the systems holding each asset), the first
//! history version of every system, and one audit event listing what was created.
//! Designations come from the organisation's counters, which are first moved past any
//! designation the file gives, so none is ever handed out twice.

use std::collections::HashMap;

use serde::Serialize;
use tillit_domain::register_import::{
    designation_number, AssetRow, DependsOn, References, SystemRow,
};
use tillit_domain::registers::{format_designation, SystemKind};
use tillit_domain::search::fold;

use super::batch::{self, insert_asset_rows, insert_pairs, user_names};
use super::import_runs;
use super::lock_organisation;
use crate::audit::{self, NewEvent};
use crate::db::{Db, Tx};
use crate::error::{Result, StoreError};
use crate::{now, Actor};

/// Rows per statement of an import, and so between progress reports: more than the
/// bulk loads take, for fewer reports on a large file.
const ROWS_PER_STATEMENT: usize = 500;

/// Told the number of rows written so far, after every statement's worth.
pub type Progress<'a> = &'a (dyn Fn(usize) + Send + Sync);

/// What an import created; also the audit event's record of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ImportSummary {
    /// `systems` or `assets`.
    pub register: &'static str,
    /// Where the rows came from, e.g. the file name.
    pub source: String,
    pub count: usize,
    /// The new entries' ids, in the order of the file's rows.
    pub ids: Vec<i64>,
    /// The new systems' designations in the order of the rows (none for assets).
    pub designations: Vec<String>,
}

/// What the rows of a file may refer to: the organisation's accounts, units and
/// register entries.
pub async fn import_references(db: &Db, organisation_id: i64) -> Result<References> {
    let users = read!(
        db,
        fetch_all,
        (i64, String),
        "SELECT id, email FROM app_user WHERE organisation_id = $1",
        organisation_id
    )?;
    let units = read!(
        db,
        fetch_all,
        (i64, String),
        "SELECT id, name FROM org_unit WHERE organisation_id = $1",
        organisation_id
    )?;
    let systems = read!(
        db,
        fetch_all,
        (i64, String),
        "SELECT id, designation FROM information_system WHERE organisation_id = $1",
        organisation_id
    )?;
    let mut references = References {
        users: users
            .into_iter()
            .map(|(id, email)| (email.to_lowercase(), id))
            .collect(),
        systems: systems
            .into_iter()
            .map(|(id, designation)| (designation.to_uppercase(), id))
            .collect(),
        ..References::default()
    };
    for (id, name) in units {
        references.units.entry(fold(&name)).or_default().push(id);
    }
    Ok(references)
}

/// The organisation with this organisation number (as stored, `NNNNNN-NNNN`), for
/// naming the importing organisation on the command line.
pub async fn organisation_by_number(db: &Db, org_number: &str) -> Result<Option<i64>> {
    Ok(read_scalar!(
        db,
        fetch_optional,
        i64,
        "SELECT id FROM organisation WHERE org_number = $1",
        org_number
    )?)
}

/// A designation taken or a unit removed since the file was checked refuses the whole
/// import, as a duplicate or a conflict, rather than as a database failure.
fn refused(error: StoreError) -> StoreError {
    match &error {
        StoreError::Database(sqlx::Error::Database(db)) if db.is_foreign_key_violation() => {
            StoreError::Conflict
        }
        _ => error.on_unique("information_system_designation_key", "designation"),
    }
}

/// Adds the checked rows of a file of systems to the register, all or nothing, and
/// marks its run (which must be writing) done with them.
pub async fn import_systems(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    source: &str,
    run_id: i64,
    rows: &[SystemRow],
    progress: Progress<'_>,
) -> Result<ImportSummary> {
    let at = now();
    let mut tx = db.begin().await?;
    lock_organisation(&mut tx, organisation_id).await?;
    let designations = designations(&mut tx, organisation_id, rows).await?;
    let names = user_names(&mut tx, organisation_id).await?;
    let mut ids = Vec::with_capacity(rows.len());
    for (chunk, chunk_designations) in rows
        .chunks(ROWS_PER_STATEMENT)
        .zip(designations.chunks(ROWS_PER_STATEMENT))
    {
        let drafts: Vec<_> = chunk.iter().map(|row| &row.draft).collect();
        let snapshots = batch::insert_systems(
            &mut tx,
            organisation_id,
            actor,
            at,
            &drafts,
            chunk_designations,
            &names,
        )
        .await
        .map_err(refused)?;
        ids.extend(snapshots.iter().map(|s| s.system.id));
        progress(ids.len());
    }
    let dependencies: Vec<(i64, i64)> = rows
        .iter()
        .zip(&ids)
        .flat_map(|(row, id)| {
            row.depends_on.iter().filter_map(|target| match target {
                DependsOn::Existing(other) => Some((*id, *other)),
                DependsOn::Row(index) => ids.get(*index).map(|other| (*id, *other)),
            })
        })
        .collect();
    insert_pairs(
        &mut tx,
        "system_dependency (system_id, depends_on_id)",
        &dependencies,
    )
    .await
    .map_err(refused)?;
    let summary = ImportSummary {
        register: "systems",
        source: source.to_owned(),
        count: ids.len(),
        ids,
        designations,
    };
    finish(tx, organisation_id, actor, run_id, summary).await
}

/// Adds the checked rows of a file of information assets to the register, all or
/// nothing, and marks its run (which must be writing) done with them.
pub async fn import_assets(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    source: &str,
    run_id: i64,
    rows: &[AssetRow],
    progress: Progress<'_>,
) -> Result<ImportSummary> {
    let at = now();
    let mut tx = db.begin().await?;
    let mut ids = Vec::with_capacity(rows.len());
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let drafts: Vec<_> = chunk.iter().map(|row| &row.draft).collect();
        let chunk_ids = insert_asset_rows(&mut tx, organisation_id, at, &drafts)
            .await
            .map_err(refused)?;
        let links: Vec<(i64, i64)> = chunk
            .iter()
            .zip(&chunk_ids)
            .flat_map(|(row, id)| row.system_ids.iter().map(|system| (*id, *system)))
            .collect();
        insert_pairs(&mut tx, "asset_system (asset_id, system_id)", &links)
            .await
            .map_err(refused)?;
        ids.extend(chunk_ids);
        progress(ids.len());
    }
    let summary = ImportSummary {
        register: "assets",
        source: source.to_owned(),
        count: ids.len(),
        ids,
        designations: Vec::new(),
    };
    finish(tx, organisation_id, actor, run_id, summary).await
}

/// Records the import in the audit trail, marks its run done and commits.
async fn finish(
    mut tx: Tx,
    organisation_id: i64,
    actor: &Actor,
    run_id: i64,
    summary: ImportSummary,
) -> Result<ImportSummary> {
    import_runs::finish_done_in(&mut tx, organisation_id, run_id, summary.count).await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(
            Some(organisation_id),
            "import",
            "register",
            summary.register,
        )
        .after(&summary),
    )
    .await?;
    tx.commit().await?;
    Ok(summary)
}

/// The designation of every row: its own, or the next free one of its kind. Each
/// kind's counter is moved past the highest number the file gives with that kind's
/// prefix, then on by the rows that need one, in one statement that also locks it.
async fn designations(
    tx: &mut Tx,
    organisation_id: i64,
    rows: &[SystemRow],
) -> Result<Vec<String>> {
    let prefixes: HashMap<String, String> = in_tx!(
        &mut *tx,
        fetch_all,
        (String, String),
        "SELECT kind, prefix FROM designation_counter WHERE organisation_id = $1",
        organisation_id
    )?
    .into_iter()
    .collect();
    let mut designations: Vec<Option<String>> =
        rows.iter().map(|r| r.designation.clone()).collect();
    for kind in SystemKind::ALL {
        let prefix = prefixes
            .get(kind.as_str())
            .map_or(kind.default_prefix(), String::as_str);
        let floor = rows
            .iter()
            .filter_map(|r| designation_number(r.designation.as_deref()?, prefix))
            .max()
            .unwrap_or(0);
        let needed = rows
            .iter()
            .filter(|r| r.designation.is_none() && r.draft.kind == *kind)
            .count() as i64;
        if floor == 0 && needed == 0 {
            continue;
        }
        let (prefix, last) = in_tx!(
            &mut *tx,
            fetch_one,
            (String, i64),
            "INSERT INTO designation_counter (organisation_id, kind, prefix, last_number) VALUES ($1, $2, $3, $4 + $5) \
             ON CONFLICT (organisation_id, kind) DO UPDATE SET last_number = \
             CASE WHEN designation_counter.last_number > $4 THEN designation_counter.last_number ELSE $4 END + $5 \
             RETURNING prefix, last_number",
            organisation_id,
            kind.as_str(),
            prefix,
            floor,
            needed
        )?;
        let mut numbers = last - needed + 1..=last;
        for (designation, row) in designations.iter_mut().zip(rows) {
            if designation.is_none() && row.draft.kind == *kind {
                *designation = numbers.next().map(|n| format_designation(&prefix, n));
            }
        }
    }
    Ok(designations.into_iter().flatten().collect())
}

/// What an export of systems writes beside each entry: e-mail addresses rather than
/// account ids, the information owners and the designations depended on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SystemLinks {
    pub emails: HashMap<i64, String>,
    /// Information owners' account ids by system.
    pub owners: HashMap<i64, Vec<i64>>,
    /// Designations each system depends on, by system.
    pub depends_on: HashMap<i64, Vec<String>>,
}

/// What an export of assets writes beside each asset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssetLinks {
    pub emails: HashMap<i64, String>,
    /// Designations of the systems holding each asset, by asset.
    pub held_by: HashMap<i64, Vec<String>>,
}

async fn emails(db: &Db, organisation_id: i64) -> Result<HashMap<i64, String>> {
    Ok(read!(
        db,
        fetch_all,
        (i64, String),
        "SELECT id, email FROM app_user WHERE organisation_id = $1",
        organisation_id
    )?
    .into_iter()
    .collect())
}

fn grouped<V>(pairs: Vec<(i64, V)>) -> HashMap<i64, Vec<V>> {
    let mut map: HashMap<i64, Vec<V>> = HashMap::new();
    for (key, value) in pairs {
        map.entry(key).or_default().push(value);
    }
    map
}

/// The organisation's people, owners and dependencies, in three queries however many
/// entries are exported.
pub async fn system_links(db: &Db, organisation_id: i64) -> Result<SystemLinks> {
    let owners = read!(
        db,
        fetch_all,
        (i64, i64),
        "SELECT w.system_id, w.user_id FROM information_system_owner w JOIN information_system s ON s.id = w.system_id \
         WHERE s.organisation_id = $1 ORDER BY w.system_id, w.user_id",
        organisation_id
    )?;
    let depends_on = read!(
        db,
        fetch_all,
        (i64, String),
        "SELECT d.system_id, t.designation FROM system_dependency d JOIN information_system s ON s.id = d.system_id \
         JOIN information_system t ON t.id = d.depends_on_id WHERE s.organisation_id = $1 ORDER BY d.system_id, t.designation",
        organisation_id
    )?;
    Ok(SystemLinks {
        emails: emails(db, organisation_id).await?,
        owners: grouped(owners),
        depends_on: grouped(depends_on),
    })
}

/// The organisation's people and which systems hold which assets, in two queries.
pub async fn asset_links(db: &Db, organisation_id: i64) -> Result<AssetLinks> {
    let held_by = read!(
        db,
        fetch_all,
        (i64, String),
        "SELECT l.asset_id, s.designation FROM asset_system l JOIN information_system s ON s.id = l.system_id \
         WHERE s.organisation_id = $1 ORDER BY l.asset_id, s.designation",
        organisation_id
    )?;
    Ok(AssetLinks {
        emails: emails(db, organisation_id).await?,
        held_by: grouped(held_by),
    })
}
