//! Who is asking: sessions, API tokens, passwords and second factors.

pub mod operator;
pub mod password;
pub mod principal;
pub mod secrets;
pub mod totp;

pub use operator::{OperatorPrincipal, PendingOperatorLogin};
pub use principal::{PendingLogin, Principal};
