//! What the pages and the API both call: permission check, validation, storage.

pub mod audit;
pub mod board;
pub mod calendar;
pub mod checked_cache;
pub mod classification;
pub mod classification_export;
pub mod documents;
pub mod hosting;
pub mod incidents;
pub mod internal_control;
pub mod login;
pub mod maturity;
pub mod operator_login;
pub mod org;
pub mod profile;
pub mod register_export;
pub mod register_import;
pub mod registers;
pub mod reports;
pub mod review_export;
pub mod reviews;
pub mod risk;
pub mod risk_export;
pub mod start;
pub mod users;
