//! Random tokens and their stored hashes.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 256 random bits, URL-safe text.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// What the database keeps instead of a session id or API token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// API tokens carry a prefix so they are recognisable in logs and secret scanners.
pub const API_TOKEN_PREFIX: &str = "tillit_";

pub fn new_api_token() -> String {
    format!("{API_TOKEN_PREFIX}{}", random_token())
}

/// Operator tokens carry their own prefix, which no user token starts with (`_` follows
/// `tillit` there), so a token is looked up only among its own kind.
pub const OPERATOR_TOKEN_PREFIX: &str = "tillitop_";

pub fn new_operator_token() -> String {
    format!("{OPERATOR_TOKEN_PREFIX}{}", random_token())
}

pub fn is_operator_token(token: &str) -> bool {
    token.starts_with(OPERATOR_TOKEN_PREFIX)
}

/// A password to sign in with once, typed by hand: 20 letters and digits without the
/// easily confused ones, in groups of four.
pub fn one_time_password() -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzACDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 20];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let chars: Vec<char> = bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(*b) % ALPHABET.len()]))
        .collect();
    chars
        .chunks(4)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

pub fn constant_time_eq(a: &str, b: &str) -> bool {
    use subtle::ConstantTimeEq;
    a.len() == b.len() && bool::from(a.as_bytes().ct_eq(b.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_stable() {
        assert_ne!(random_token(), random_token());
        assert_eq!(token_hash("abc"), token_hash("abc"));
        assert_ne!(token_hash("abc"), token_hash("abd"));
        assert!(new_api_token().starts_with("tillit_"));
        assert!(is_operator_token(&new_operator_token()));
        assert!(!is_operator_token(&new_api_token()));
        let password = one_time_password();
        assert_eq!(password.len(), 24);
        assert_ne!(password, one_time_password());
        assert!(constant_time_eq("abc", "abc"));
        assert!(!constant_time_eq("abc", "abd"));
        assert!(!constant_time_eq("abc", "abcd"));
    }
}
