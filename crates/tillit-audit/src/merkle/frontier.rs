//! An append-only Merkle tree that remembers only its frontier.

use super::{empty_root, node_hash, ProofError};
use crate::Hash;

/// Version byte that starts the serialised form of a [`Frontier`].
const FORMAT_VERSION: u8 = 1;

/// Bytes before the subtree roots in the serialised form: version and size.
const HEADER_LEN: usize = 1 + 8;

/// Incremental tree: push leaf hashes one at a time in O(log n) memory and
/// read the root of everything pushed so far at any moment.
///
/// It keeps the compact range of the tree: one root per perfect subtree, the
/// subtrees being exactly those of the set bits of the size, largest (leftmost)
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Frontier {
    size: u64,
    /// Invariant: `subtree_roots.len() == size.count_ones()`.
    subtree_roots: Vec<Hash>,
}

impl Frontier {
    /// An empty tree.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a leaf hash (already leaf-hashed).
    pub fn push(&mut self, leaf: Hash) {
        let mut merged = leaf;
        // Every trailing one bit of the size is a perfect subtree of the same
        // height as `merged`; joining them works like a binary carry.
        for _ in 0..self.size.trailing_ones() {
            if let Some(left) = self.subtree_roots.pop() {
                merged = node_hash(&left, &merged);
            }
        }
        self.subtree_roots.push(merged);
        self.size += 1;
    }

    /// The number of leaves pushed so far.
    #[must_use]
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The RFC 9162 root of all leaves pushed so far; equals
    /// [`super::root`] over the same leaves.
    #[must_use]
    pub fn root(&self) -> Hash {
        let mut from_the_right = self.subtree_roots.iter().rev();
        match from_the_right.next() {
            None => empty_root(),
            Some(&smallest) => from_the_right.fold(smallest, |right, left| node_hash(left, &right)),
        }
    }

    /// Serialises the frontier for storage: a version byte, the size as 8
    /// big-endian bytes, then the subtree roots largest first.
    #[must_use]
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::with_capacity(HEADER_LEN + 32 * self.subtree_roots.len());
        bytes.push(FORMAT_VERSION);
        bytes.extend_from_slice(&self.size.to_be_bytes());
        for subtree_root in &self.subtree_roots {
            bytes.extend_from_slice(subtree_root);
        }
        bytes
    }

    /// Reads bytes written by [`Frontier::to_bytes`].
    ///
    /// # Errors
    ///
    /// [`ProofError::MalformedFrontier`] if the bytes are truncated, padded,
    /// of another format version, or hold a number of subtree roots that does
    /// not fit the size.
    pub fn from_bytes(b: &[u8]) -> Result<Self, ProofError> {
        let Some((&FORMAT_VERSION, rest)) = b.split_first() else {
            return Err(ProofError::MalformedFrontier);
        };
        let (size_bytes, root_bytes) = rest
            .split_first_chunk::<8>()
            .ok_or(ProofError::MalformedFrontier)?;
        let size = u64::from_be_bytes(*size_bytes);
        let chunks = root_bytes.chunks_exact(32);
        if !chunks.remainder().is_empty() || chunks.len() != size.count_ones() as usize {
            return Err(ProofError::MalformedFrontier);
        }
        let subtree_roots = chunks
            .map(Hash::try_from)
            .collect::<Result<_, _>>()
            .map_err(|_| ProofError::MalformedFrontier)?;
        Ok(Self {
            size,
            subtree_roots,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::root;
    use super::super::test_support::leaves;
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn empty_frontier_has_the_empty_root() {
        let frontier = Frontier::new();
        assert_eq!(frontier.size(), 0);
        assert_eq!(frontier.root(), root(&[]));
    }

    #[test]
    fn keeps_one_root_per_set_bit_of_the_size() {
        let mut frontier = Frontier::new();
        for leaf in leaves(1, 1000) {
            frontier.push(leaf);
            assert_eq!(
                frontier.subtree_roots.len(),
                frontier.size().count_ones() as usize
            );
        }
    }

    #[test]
    fn malformed_bytes_are_refused() {
        let mut frontier = Frontier::new();
        for leaf in leaves(2, 5) {
            frontier.push(leaf);
        }
        let bytes = frontier.to_bytes();
        let mut wrong_version = bytes.clone();
        wrong_version[0] = FORMAT_VERSION + 1;
        let mut wrong_size = bytes.clone();
        wrong_size[HEADER_LEN - 1] = 7;
        let mut padded = bytes.clone();
        padded.push(0);
        let malformed: [&[u8]; 6] = [
            &[],
            &bytes[..HEADER_LEN - 1],
            &bytes[..bytes.len() - 1],
            &wrong_version,
            &wrong_size,
            &padded,
        ];
        for candidate in malformed {
            assert_eq!(
                Frontier::from_bytes(candidate),
                Err(ProofError::MalformedFrontier),
                "{candidate:?}"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn root_equals_the_tree_root_at_every_size(seed: u64, count in 0usize..300) {
            let leaves = leaves(seed, count);
            let mut frontier = Frontier::new();
            prop_assert_eq!(frontier.root(), root(&[]));
            for (pushed, leaf) in (1..).zip(&leaves) {
                frontier.push(*leaf);
                prop_assert_eq!(frontier.size(), pushed as u64);
                prop_assert_eq!(frontier.root(), root(&leaves[..pushed]));
            }
        }

        #[test]
        fn round_trips_through_bytes(seed: u64, count in 0usize..300, more in 0usize..20) {
            let mut frontier = Frontier::new();
            for leaf in leaves(seed, count) {
                frontier.push(leaf);
            }
            let mut restored = Frontier::from_bytes(&frontier.to_bytes()).unwrap();
            prop_assert_eq!(&restored, &frontier);
            // The restored frontier keeps growing exactly like the original.
            for leaf in leaves(seed.wrapping_add(1), more) {
                frontier.push(leaf);
                restored.push(leaf);
            }
            prop_assert_eq!(restored.root(), frontier.root());
        }
    }
}
