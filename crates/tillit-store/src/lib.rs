//! The only crate that speaks SQL. One repository module per capability; every
//! function takes the caller's organisation and scopes its query by it.

#[macro_use]
mod sql;

pub mod access;
pub mod audit;
mod batch;
pub mod board;
pub mod calendar;
pub mod classification;
pub mod db;
mod designations;
pub mod documents;
pub mod error;
pub mod hosting;
pub mod incidents;
pub mod internal_control;
pub mod jobs;
pub mod maturity;
pub mod operators;
pub mod org;
mod references;
pub mod registers;
pub mod reminders;
pub mod reports;
pub mod reviews;
pub mod risk;
pub mod sessions;
pub mod tasks;
pub mod throttle;
pub mod tokens;
pub mod users;

#[cfg(any(test, feature = "test-support"))]
pub mod test_support;

pub use db::{Db, Engine, Tx};
pub use error::StoreError;

/// A page of rows and the total number of rows that match.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// Who made a change, as recorded in the audit trail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub label: String,
}

impl Actor {
    pub fn user(id: i64, label: impl Into<String>) -> Self {
        Self {
            user_id: Some(id),
            label: label.into(),
        }
    }

    /// An operator of the deployment; not a user of any organisation.
    pub fn operator(email: &str) -> Self {
        Self {
            user_id: None,
            label: format!("operator:{email}"),
        }
    }

    pub fn system(label: impl Into<String>) -> Self {
        Self {
            user_id: None,
            label: label.into(),
        }
    }
}

/// Time truncated to whole microseconds, the precision both engines store.
pub fn now() -> chrono::DateTime<chrono::Utc> {
    truncate_to_micros(chrono::Utc::now())
}

pub fn truncate_to_micros(t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_micros(t.timestamp_micros()).unwrap_or(t)
}
