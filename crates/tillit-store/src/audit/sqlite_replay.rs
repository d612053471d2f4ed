//! Replaying the trail straight from the SQLite file.
//!
//! `tillit audit verify` reads every event; through the async pool each row costs a
//! hand-off between threads and a copy of every column, which dominates the time. Here
//! one read-only connection steps through the rows and hashes borrowed column values.

use std::path::Path;

use rusqlite::{Connection, OpenFlags};
use tillit_audit::{Defect, EventRecord, StoredEvent};

use super::Replay;
use crate::error::{Result, StoreError};

fn sqlite_error(error: rusqlite::Error) -> StoreError {
    StoreError::Audit(format!("reading the audit trail: {error}"))
}

/// Feeds every event of the database file at `path` into `replay`, in order. The outer
/// result is an I/O failure; the inner one the first defect found.
pub(super) fn replay_file(path: &Path, replay: &mut Replay) -> Result<Result<(), Defect>> {
    let connection = Connection::open_with_flags(
        path,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(sqlite_error)?;
    let mut statement = connection
        .prepare(
            "SELECT seq, organisation_id, occurred_at, actor_id, actor_label, action, object_type, object_id, \
             before_json, after_json, leaf_hash, chain_hash FROM audit_event ORDER BY seq",
        )
        .map_err(sqlite_error)?;
    let mut rows = statement.query([]).map_err(sqlite_error)?;
    while let Some(row) = rows.next().map_err(sqlite_error)? {
        let text = |index| {
            row.get_ref(index)
                .and_then(|value| value.as_str().map_err(Into::into))
        };
        let optional_text = |index| {
            row.get_ref(index)
                .and_then(|value| value.as_str_or_null().map_err(Into::into))
        };
        let bytes = |index| {
            row.get_ref(index)
                .and_then(|value| value.as_blob().map_err(Into::into))
        };
        let occurred_at = chrono::DateTime::parse_from_rfc3339(text(2).map_err(sqlite_error)?)
            .map_err(|e| StoreError::Audit(format!("unreadable event time: {e}")))?;
        let record = EventRecord {
            seq: row.get(0).map_err(sqlite_error)?,
            occurred_at_micros: occurred_at.timestamp_micros(),
            organisation_id: row.get(1).map_err(sqlite_error)?,
            actor_id: row.get(3).map_err(sqlite_error)?,
            actor_label: text(4).map_err(sqlite_error)?,
            action: text(5).map_err(sqlite_error)?,
            object_type: text(6).map_err(sqlite_error)?,
            object_id: text(7).map_err(sqlite_error)?,
            before: optional_text(8).map_err(sqlite_error)?,
            after: optional_text(9).map_err(sqlite_error)?,
        };
        let event = StoredEvent {
            record,
            leaf_hash: bytes(10).map_err(sqlite_error)?,
            chain_hash: bytes(11).map_err(sqlite_error)?,
        };
        if let Err(defect) = replay.feed(&event) {
            return Ok(Err(defect));
        }
    }
    Ok(Ok(()))
}
