//! Figures kept and checked against the audit trail (ADR 0008).
//!
//! Every change appends to the audit trail in its own transaction, so figures read after
//! the organisation's latest audit sequence number still hold while that number stays the
//! same — on the same day, since many figures count what is late today. A
//! [`CheckedCache`] keeps what it counted per key (which names the user when the figures
//! are a user's own), and counts anew when either has moved. The number is read with the
//! signed-in user at the start of every request
//! ([`Principal::audit_head`](crate::auth::Principal::audit_head)), so several server
//! processes sharing a database never show each other stale figures.

use std::collections::HashMap;
use std::future::Future;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{NaiveDate, Utc};

use crate::error::AppError;

/// Entries one process keeps per cache; past it, every entry is counted anew.
const KEPT_ENTRIES: usize = 10_000;

/// Today in UTC and in Sweden: figures use both, so they are recounted when either turns.
type Days = (NaiveDate, NaiveDate);

type Slot<V> = tokio::sync::Mutex<Option<Counted<V>>>;

struct Counted<V> {
    head: i64,
    days: Days,
    value: Arc<V>,
}

pub struct CheckedCache<K, V> {
    slots: Mutex<HashMap<K, Arc<Slot<V>>>>,
}

impl<K, V> Default for CheckedCache<K, V> {
    fn default() -> Self {
        Self {
            slots: Mutex::default(),
        }
    }
}

impl<K: Hash + Eq, V> CheckedCache<K, V> {
    /// What `count` gives for `key`, counted anew only when the organisation's audit
    /// trail has moved from `head` or the day has turned since it was last counted.
    /// `head` must be read before counting, so that a change landing during the count
    /// only causes one more.
    pub async fn get<F, Fut>(&self, head: i64, key: K, count: F) -> Result<Arc<V>, AppError>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, AppError>>,
    {
        let days = (Utc::now().date_naive(), crate::services::risk::today());
        // Holding the slot while counting makes concurrent requests for the same figures
        // wait for one count instead of each running their own.
        let slot = self.slot(key);
        let mut counted = slot.lock().await;
        if let Some(current) = counted
            .as_ref()
            .filter(|c| c.head == head && c.days == days)
        {
            return Ok(Arc::clone(&current.value));
        }
        let value = Arc::new(count().await?);
        *counted = Some(Counted {
            head,
            days,
            value: Arc::clone(&value),
        });
        Ok(value)
    }

    fn slot(&self, key: K) -> Arc<Slot<V>> {
        let mut slots = self.slots.lock().unwrap_or_else(PoisonError::into_inner);
        if slots.len() >= KEPT_ENTRIES && !slots.contains_key(&key) {
            slots.clear();
        }
        Arc::clone(slots.entry(key).or_default())
    }
}
