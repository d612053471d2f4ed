//! How much of the registers is classified, and how much of that is up to date.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::Db;
use crate::error::Result;

/// Counts for one register.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct CoverageCount {
    pub total: i64,
    /// Entries with an approved classification.
    pub classified: i64,
    /// Classified entries whose next review has not passed.
    pub current: i64,
}

impl CoverageCount {
    /// Classified entries in whole per cent of the register (0 for an empty register).
    pub fn classified_percent(&self) -> i64 {
        percent(self.classified, self.total)
    }

    /// Classified and current entries in whole per cent of the register.
    pub fn current_percent(&self) -> i64 {
        percent(self.current, self.total)
    }
}

fn percent(part: i64, total: i64) -> i64 {
    if total == 0 {
        0
    } else {
        part * 100 / total
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Coverage {
    pub systems: CoverageCount,
    pub assets: CoverageCount,
}

impl Coverage {
    /// Classified entries of both registers whose review date has passed.
    pub fn overdue(&self) -> i64 {
        (self.systems.classified - self.systems.current)
            + (self.assets.classified - self.assets.current)
    }
}

pub async fn coverage(db: &Db, organisation_id: i64, today: NaiveDate) -> Result<Coverage> {
    let count = |table: &'static str, column: &'static str| {
        format!(
            "SELECT COUNT(*) AS total, COUNT(o.id) AS classified, \
             COALESCE(SUM(CASE WHEN o.next_review >= $2 THEN 1 ELSE 0 END), 0) AS current \
             FROM {table} e LEFT JOIN classification_object o ON o.{column} = e.id AND o.current_version > 0 \
             WHERE e.organisation_id = $1"
        )
    };
    let systems = read!(
        db,
        fetch_one,
        CoverageCount,
        &count("information_system", "system_id"),
        organisation_id,
        today
    )?;
    let assets = read!(
        db,
        fetch_one,
        CoverageCount,
        &count("information_asset", "asset_id"),
        organisation_id,
        today
    )?;
    Ok(Coverage { systems, assets })
}

/// A register entry without an approved classification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Unclassified {
    pub kind: String,
    pub id: i64,
    pub name: String,
}

/// The first `limit` systems and assets that have never been classified, by name.
pub async fn unclassified(db: &Db, organisation_id: i64, limit: i64) -> Result<Vec<Unclassified>> {
    Ok(read!(
        db,
        fetch_all,
        Unclassified,
        "SELECT kind, id, name FROM ( \
           SELECT 'system' AS kind, e.id, e.designation || ' ' || e.name AS name, e.search_name FROM information_system e \
           WHERE e.organisation_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM classification_object o WHERE o.system_id = e.id AND o.current_version > 0) \
           UNION ALL \
           SELECT 'asset' AS kind, e.id, e.name, e.search_name FROM information_asset e \
           WHERE e.organisation_id = $1 AND NOT EXISTS \
             (SELECT 1 FROM classification_object o WHERE o.asset_id = e.id AND o.current_version > 0) \
         ) AS open_entries ORDER BY kind DESC, search_name, id LIMIT $2",
        organisation_id,
        limit
    )?)
}
