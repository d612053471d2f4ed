//! Who is asking: sessions, API tokens, passwords and second factors.

pub mod password;
pub mod principal;
pub mod secrets;
pub mod totp;

pub use principal::{PendingLogin, Principal};
