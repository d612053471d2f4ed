//! Why a Merkle proof could not be produced or did not verify.

/// Why a Merkle proof could not be produced or verified, or a stored
/// [`super::Frontier`] could not be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    /// The leaf index does not exist in a tree of this size.
    #[error("leaf index {index} is outside a tree of {tree_size} leaves")]
    IndexOutOfRange {
        /// The requested leaf index.
        index: u64,
        /// The number of leaves in the tree.
        tree_size: u64,
    },
    /// The old tree is larger than the new one.
    #[error("an old tree of {old_size} leaves cannot be a prefix of a tree of {new_size} leaves")]
    SizesOutOfOrder {
        /// The size of the older tree.
        old_size: u64,
        /// The size of the newer tree.
        new_size: u64,
    },
    /// The proof has too many or too few hashes for the tree sizes involved.
    #[error("the proof has the wrong number of hashes")]
    WrongProofLength,
    /// The proof is well formed but leads to a different root.
    #[error("the proof does not lead to the expected root")]
    RootMismatch,
    /// Stored frontier bytes are truncated, padded or of an unknown version.
    #[error("the stored frontier bytes are malformed")]
    MalformedFrontier,
}
