//! Pure rules and types of tillit: no I/O, no database, no HTTP.

pub mod auth;
pub mod classification;
pub mod hosting;
pub mod incident;
pub mod org;
pub mod pagination;
pub mod register_import;
pub mod registers;
pub mod reports;
pub mod risk;
pub mod search;
pub mod users;
pub mod validation;
pub mod documents;
pub mod internal_control;
pub mod maturity;
pub mod calendar;
pub mod review;

pub use validation::{FieldError, ValidationErrors};
