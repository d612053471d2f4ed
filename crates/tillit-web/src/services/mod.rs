//! What the pages and the API both call: permission check, validation, storage.

pub mod audit;
pub mod login;
pub mod org;
pub mod profile;
pub mod registers;
pub mod users;
