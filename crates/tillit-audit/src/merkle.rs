//! RFC 9162 section 2.1 Merkle trees over audit leaves.
//!
//! All functions take leaf hashes (already hashed with the `0x00` prefix, see
//! [`crate::event::EventRecord::leaf_hash`]), never raw leaf data.

mod consistency;
mod error;
mod frontier;
mod inclusion;

use sha2::{Digest, Sha256};

use crate::Hash;

pub use consistency::{consistency_proof, verify_consistency};
pub use error::ProofError;
pub use frontier::Frontier;
pub use inclusion::{inclusion_proof, verify_inclusion};

/// Domain separation byte that starts every leaf hash input.
pub(crate) const LEAF_PREFIX: u8 = 0x00;

/// Domain separation byte that starts every interior node hash input.
const NODE_PREFIX: u8 = 0x01;

/// Interior node hash `SHA-256(0x01 || left || right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    Sha256::new()
        .chain_update([NODE_PREFIX])
        .chain_update(left)
        .chain_update(right)
        .finalize()
        .into()
}

/// MTH over a list of leaf hashes (already leaf-hashed). Empty tree = SHA-256 of the empty string.
#[must_use]
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [leaf] => *leaf,
        _ => {
            let (left, right) = leaves.split_at(split_point(leaves.len()));
            node_hash(&root(left), &root(right))
        }
    }
}

/// The root of the tree with no leaves: SHA-256 of the empty string.
fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// The largest power of two strictly smaller than `size`, where RFC 9162
/// splits a tree of `size >= 2` leaves into its left and right subtrees.
fn split_point(size: usize) -> usize {
    1 << (size - 1).ilog2()
}

/// The number of leaves as a tree size.
fn tree_size(leaves: &[Hash]) -> u64 {
    // usize is at most 64 bits wide on every supported target.
    leaves.len() as u64
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Certificate Transparency reference leaves (RFC 6962 test vectors).
    const REFERENCE_LEAF_DATA: [&str; 8] = [
        "",
        "00",
        "10",
        "2021",
        "3031",
        "40414243",
        "5051525354555657",
        "606162636465666768696a6b6c6d6e6f",
    ];

    /// Roots of the first 1..=8 reference leaves.
    const REFERENCE_ROOTS: [&str; 8] = [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    fn reference_leaves() -> Vec<Hash> {
        REFERENCE_LEAF_DATA
            .iter()
            .map(|data| {
                let data = hex::decode(data).unwrap();
                Sha256::new()
                    .chain_update([LEAF_PREFIX])
                    .chain_update(data)
                    .finalize()
                    .into()
            })
            .collect()
    }

    /// RFC 9162 MTH written as literally as possible: recursion on the
    /// largest power of two below n, found by counting up.
    fn naive_root(leaves: &[Hash]) -> Hash {
        match leaves.len() {
            0 => Sha256::digest(b"").into(),
            1 => leaves[0],
            n => {
                let mut k = 1;
                while k * 2 < n {
                    k *= 2;
                }
                let mut hasher = Sha256::new();
                hasher.update([1u8]);
                hasher.update(naive_root(&leaves[..k]));
                hasher.update(naive_root(&leaves[k..]));
                hasher.finalize().into()
            }
        }
    }

    #[test]
    fn empty_root_is_sha256_of_nothing() {
        assert_eq!(
            hex::encode(root(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn roots_match_certificate_transparency_vectors() {
        let leaves = reference_leaves();
        for (size, expected) in (1..=8).zip(REFERENCE_ROOTS) {
            assert_eq!(hex::encode(root(&leaves[..size])), expected, "size {size}");
        }
    }

    #[test]
    fn roots_match_the_naive_definition() {
        let leaves: Vec<Hash> = (0u8..=70).map(|i| Sha256::digest([i]).into()).collect();
        for size in 0..=leaves.len() {
            assert_eq!(
                root(&leaves[..size]),
                naive_root(&leaves[..size]),
                "size {size}"
            );
        }
    }

    #[test]
    fn split_point_is_the_largest_power_of_two_below_size() {
        let expected = [(2, 1), (3, 2), (4, 2), (5, 4), (8, 4), (9, 8), (1000, 512)];
        for (size, split) in expected {
            assert_eq!(split_point(size), split, "size {size}");
        }
    }

    #[test]
    fn node_hash_is_ordered() {
        let left = [1u8; 32];
        let right = [2u8; 32];
        assert_ne!(node_hash(&left, &right), node_hash(&right, &left));
    }
}

/// Helpers shared by the property tests of the submodules.
#[cfg(test)]
mod test_support {
    use super::*;
    use proptest::prelude::*;

    /// `count` distinct pseudo-random leaf hashes derived from `seed`.
    pub fn leaves(seed: u64, count: usize) -> Vec<Hash> {
        (0..count as u64)
            .map(|index| {
                Sha256::new()
                    .chain_update(seed.to_be_bytes())
                    .chain_update(index.to_be_bytes())
                    .finalize()
                    .into()
            })
            .collect()
    }

    /// A copy of `hash` with one bit flipped.
    pub fn flipped(hash: &Hash, byte: usize, bit: u8) -> Hash {
        let mut copy = *hash;
        copy[byte % 32] ^= 1 << (bit % 8);
        copy
    }

    /// Strategy for a position of one bit inside a hash.
    pub fn bit_position() -> impl Strategy<Value = (usize, u8)> {
        (0..32usize, 0..8u8)
    }
}
