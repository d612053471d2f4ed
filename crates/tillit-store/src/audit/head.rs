//! The audit trail's head as this process last committed it, on SQLite (ADR 0014).
//!
//! SQLite has one writer connection per process (ADR 0001), so the head a committed
//! append left is still the head when the next write transaction starts, unless another
//! process wrote to the file meanwhile. Then the next event's sequence number is taken
//! and its insert fails on the primary key; `append` reads the head and tries again.

use std::sync::{Arc, Mutex, PoisonError};

use tillit_audit::Hash;

/// The last event of the chain: its sequence number and chain hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct AuditHead {
    pub(crate) seq: i64,
    pub(crate) chain_hash: Hash,
}

/// The head as of this process's latest committed append, shared by the clones of a
/// SQLite `Db`. It is never ahead of the database: it is published after commit only.
#[derive(Debug, Clone, Default)]
pub(crate) struct HeadCache(Arc<Mutex<Option<AuditHead>>>);

impl HeadCache {
    pub(crate) fn get(&self) -> Option<AuditHead> {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a committed head. An older one (published late by a transaction that
    /// committed before a later one) is ignored.
    pub(crate) fn publish(&self, head: AuditHead) {
        let mut cached = self.0.lock().unwrap_or_else(PoisonError::into_inner);
        if cached.is_none_or(|current| current.seq < head.seq) {
            *cached = Some(head);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn head(seq: i64) -> AuditHead {
        AuditHead {
            seq,
            chain_hash: [u8::try_from(seq).unwrap(); 32],
        }
    }

    #[test]
    fn only_a_newer_head_replaces_the_cached_one() {
        let cache = HeadCache::default();
        assert_eq!(cache.get(), None);
        cache.publish(head(3));
        assert_eq!(cache.get(), Some(head(3)));
        cache.publish(head(2));
        assert_eq!(cache.get(), Some(head(3)), "a late, older head is ignored");
        let clone = cache.clone();
        clone.publish(head(4));
        assert_eq!(cache.get(), Some(head(4)), "clones share one head");
    }
}
