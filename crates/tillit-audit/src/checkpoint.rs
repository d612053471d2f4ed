//! Signed checkpoints: the log operator's statement about the tree's state.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};

use crate::Hash;

/// First line of every checkpoint body, naming the log.
const ORIGIN: &str = "tillit audit log";

/// A signed statement "the log had `tree_size` leaves with this root at this time".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Number of leaves in the tree.
    pub tree_size: u64,
    /// RFC 9162 root of those leaves.
    pub root: Hash,
    /// When the checkpoint was issued, in unix microseconds UTC.
    pub issued_at_micros: i64,
}

/// Why a checkpoint signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The signature is not a 64-byte Ed25519 signature.
    #[error("the checkpoint signature is not 64 bytes long")]
    MalformedSignature,
    /// The signature was not made over this checkpoint with this key.
    #[error("the checkpoint signature does not match the checkpoint and key")]
    BadSignature,
}

impl Checkpoint {
    /// Text that is signed, in the spirit of the C2SP signed-note / checkpoint format:
    /// `"tillit audit log\n{tree_size}\n{base64 root}\n{issued_at_micros}\n"`
    #[must_use]
    pub fn body(&self) -> String {
        format!(
            "{ORIGIN}\n{}\n{}\n{}\n",
            self.tree_size,
            BASE64.encode(self.root),
            self.issued_at_micros
        )
    }

    /// Ed25519 signature over [`Checkpoint::body`].
    #[must_use]
    pub fn sign(&self, key: &SigningKey) -> [u8; 64] {
        key.sign(self.body().as_bytes()).to_bytes()
    }

    /// Checks an Ed25519 signature over [`Checkpoint::body`], rejecting
    /// malleable signatures and weak keys.
    ///
    /// # Errors
    ///
    /// * [`CheckpointError::MalformedSignature`] if `signature` is not 64 bytes,
    /// * [`CheckpointError::BadSignature`] if it was not made by `key` over
    ///   this checkpoint.
    pub fn verify(&self, key: &VerifyingKey, signature: &[u8]) -> Result<(), CheckpointError> {
        let signature =
            Signature::from_slice(signature).map_err(|_| CheckpointError::MalformedSignature)?;
        key.verify_strict(self.body().as_bytes(), &signature)
            .map_err(|_| CheckpointError::BadSignature)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(seed: u8) -> SigningKey {
        SigningKey::from_bytes(&[seed; 32])
    }

    fn checkpoint() -> Checkpoint {
        Checkpoint {
            tree_size: 42,
            root: [0xab; 32],
            issued_at_micros: 1_700_000_000_000_000,
        }
    }

    #[test]
    fn body_has_the_documented_lines() {
        assert_eq!(
            checkpoint().body(),
            "tillit audit log\n42\nq6urq6urq6urq6urq6urq6urq6urq6urq6urq6urq6s=\n1700000000000000\n"
        );
    }

    #[test]
    fn signature_verifies_with_the_matching_key() {
        let signing_key = key(1);
        let signature = checkpoint().sign(&signing_key);
        assert_eq!(
            checkpoint().verify(&signing_key.verifying_key(), &signature),
            Ok(())
        );
    }

    #[test]
    fn signature_is_refused_with_another_key() {
        let signature = checkpoint().sign(&key(1));
        assert_eq!(
            checkpoint().verify(&key(2).verifying_key(), &signature),
            Err(CheckpointError::BadSignature)
        );
    }

    #[test]
    fn signature_is_refused_for_any_changed_field() {
        let signing_key = key(1);
        let signature = checkpoint().sign(&signing_key);
        let changed = [
            Checkpoint {
                tree_size: 43,
                ..checkpoint()
            },
            Checkpoint {
                root: [0xac; 32],
                ..checkpoint()
            },
            Checkpoint {
                issued_at_micros: 0,
                ..checkpoint()
            },
        ];
        for other in changed {
            assert_eq!(
                other.verify(&signing_key.verifying_key(), &signature),
                Err(CheckpointError::BadSignature),
                "{other:?}"
            );
        }
    }

    #[test]
    fn signature_of_the_wrong_length_is_malformed() {
        let signing_key = key(1);
        let signature = checkpoint().sign(&signing_key);
        assert_eq!(
            checkpoint().verify(&signing_key.verifying_key(), &signature[..63]),
            Err(CheckpointError::MalformedSignature)
        );
    }
}
