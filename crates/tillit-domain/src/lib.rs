//! Pure rules and types of tillit: no I/O, no database, no HTTP.

pub mod auth;
pub mod calendar;
pub mod classification;
pub mod documents;
pub mod hosting;
pub mod incident;
pub mod internal_control;
pub mod maturity;
pub mod org;
pub mod pagination;
pub mod register_import;
pub mod registers;
pub mod reports;
pub mod review;
pub mod risk;
pub mod search;
pub mod users;
pub mod validation;

pub use validation::{FieldError, ValidationErrors};
