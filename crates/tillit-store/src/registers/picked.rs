//! Entries and information assets named by id, as the pickers of forms show what has
//! been chosen. Ids of another organisation, or of nothing, are left out.

use super::{AssetRef, SystemRef};
use crate::batch::ROWS_PER_STATEMENT;
use crate::db::Db;
use crate::error::Result;
use crate::sql::Arg;

/// `organisation_id = $1 AND id IN ($2, …)` for a chunk of ids, and its arguments.
fn in_organisation(organisation_id: i64, ids: &[i64]) -> (String, Vec<Arg>) {
    let placeholders: Vec<String> = (0..ids.len()).map(|i| format!("${}", i + 2)).collect();
    let mut args = vec![Arg::Int(organisation_id)];
    args.extend(ids.iter().map(|id| Arg::Int(*id)));
    (
        format!(
            "organisation_id = $1 AND id IN ({})",
            placeholders.join(", ")
        ),
        args,
    )
}

/// The organisation's entries among `ids`, by designation.
pub async fn systems_by_ids(db: &Db, organisation_id: i64, ids: &[i64]) -> Result<Vec<SystemRef>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let (condition, args) = in_organisation(organisation_id, chunk);
        let sql = format!("SELECT id, designation, name FROM information_system WHERE {condition}");
        found.extend(read_args!(db, fetch_all, SystemRef, &sql, args)?);
    }
    found.sort_by(|a, b| a.designation.cmp(&b.designation));
    Ok(found)
}

/// The organisation's information assets among `ids`, by name.
pub async fn assets_by_ids(db: &Db, organisation_id: i64, ids: &[i64]) -> Result<Vec<AssetRef>> {
    let mut found = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(ROWS_PER_STATEMENT) {
        let (condition, args) = in_organisation(organisation_id, chunk);
        let sql = format!("SELECT id, name FROM information_asset WHERE {condition}");
        found.extend(read_args!(db, fetch_all, AssetRef, &sql, args)?);
    }
    found.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_the_organisation() {
        let (condition, args) = in_organisation(7, &[3, 9]);
        assert_eq!(condition, "organisation_id = $1 AND id IN ($2, $3)");
        assert_eq!(args, vec![Arg::Int(7), Arg::Int(3), Arg::Int(9)]);
    }
}
