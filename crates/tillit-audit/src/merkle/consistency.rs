//! Consistency proofs between two sizes of the same tree, RFC 9162 section 2.1.4.

use super::{empty_root, node_hash, root, split_point, tree_size, ProofError};
use crate::Hash;

/// Consistency proof between tree sizes m and n (RFC 9162 2.1.4): proves that
/// the tree of the first `old_size` leaves is a prefix of the tree of all
/// `leaves`.
///
/// The proof is empty when `old_size` is 0 or equals `leaves.len()`; errors if
/// `old_size` exceeds `leaves.len()`.
///
/// # Errors
///
/// [`ProofError::SizesOutOfOrder`] if `old_size` exceeds `leaves.len()`.
pub fn consistency_proof(leaves: &[Hash], old_size: u64) -> Result<Vec<Hash>, ProofError> {
    let old_len = usize::try_from(old_size)
        .ok()
        .filter(|&old_len| old_len <= leaves.len())
        .ok_or_else(|| ProofError::SizesOutOfOrder {
            old_size,
            new_size: tree_size(leaves),
        })?;
    let mut proof = Vec::new();
    if old_len > 0 {
        collect_subproof(old_len, leaves, true, &mut proof);
    }
    Ok(proof)
}

/// RFC 9162 `SUBPROOF(m, D[n], b)`, appending to `proof`. `old_is_whole_subtree`
/// is the RFC's `b`: whether the old tree's root is this very subtree, which
/// the verifier already knows.
fn collect_subproof(
    old_len: usize,
    leaves: &[Hash],
    old_is_whole_subtree: bool,
    proof: &mut Vec<Hash>,
) {
    if old_len == leaves.len() {
        if !old_is_whole_subtree {
            proof.push(root(leaves));
        }
        return;
    }
    let (left, right) = leaves.split_at(split_point(leaves.len()));
    if old_len <= left.len() {
        collect_subproof(old_len, left, old_is_whole_subtree, proof);
        proof.push(root(right));
    } else {
        collect_subproof(old_len - left.len(), right, false, proof);
        proof.push(root(left));
    }
}

/// Verifies a consistency proof between tree sizes m and n (RFC 9162 2.1.4.2).
///
/// Beyond the RFC, which covers `0 < old_size < new_size`, equal sizes need
/// equal roots and an empty proof, and an empty old tree (whose root must be
/// the empty root) is consistent with every tree given an empty proof.
///
/// # Errors
///
/// * [`ProofError::SizesOutOfOrder`] if `old_size` exceeds `new_size`,
/// * [`ProofError::WrongProofLength`] if the proof has too many or too few
///   hashes for these sizes,
/// * [`ProofError::RootMismatch`] if the proof does not lead to both roots.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesOutOfOrder { old_size, new_size });
    }
    if old_size == 0 || old_size == new_size {
        let roots_agree = if old_size == 0 {
            *old_root == empty_root()
        } else {
            old_root == new_root
        };
        return match (proof.is_empty(), roots_agree) {
            (false, _) => Err(ProofError::WrongProofLength),
            (true, false) => Err(ProofError::RootMismatch),
            (true, true) => Ok(()),
        };
    }
    // When the old tree is a complete subtree the verifier knows its root, so
    // the proof leaves it out and it becomes the starting point.
    let (start, rest) = if old_size.is_power_of_two() {
        (old_root, proof)
    } else {
        proof.split_first().ok_or(ProofError::WrongProofLength)?
    };
    if proof.is_empty() {
        return Err(ProofError::WrongProofLength);
    }
    // `node` walks up from the old tree's last leaf, `last` from the new one's.
    let mut node = old_size - 1;
    let mut last = new_size - 1;
    while node & 1 == 1 {
        node >>= 1;
        last >>= 1;
    }
    let mut old_computed = *start;
    let mut new_computed = *start;
    for sibling in rest {
        if last == 0 {
            return Err(ProofError::WrongProofLength);
        }
        if node & 1 == 1 || node == last {
            old_computed = node_hash(sibling, &old_computed);
            new_computed = node_hash(sibling, &new_computed);
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            new_computed = node_hash(&new_computed, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(ProofError::WrongProofLength);
    }
    if old_computed != *old_root || new_computed != *new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bit_position, flipped, leaves};
    use super::*;
    use proptest::prelude::*;

    /// Sizes `(old, new)` with `1 <= old <= new < 300`.
    fn size_pair() -> impl Strategy<Value = (usize, usize)> {
        (1usize..300).prop_flat_map(|new| (1..=new, Just(new)))
    }

    #[test]
    fn proofs_match_the_rfc_example() {
        // RFC 9162 2.1.5: a tree of 7 leaves a..f, d6 with subtrees
        // g = (a, b), i = (e, f), j = d6, k = (a..d), l = (e..d6).
        let leaves = leaves(1, 7);
        let (c, d, j) = (leaves[2], leaves[3], leaves[6]);
        let (g, i) = (root(&leaves[0..2]), root(&leaves[4..6]));
        let (k, l) = (root(&leaves[0..4]), root(&leaves[4..7]));
        assert_eq!(consistency_proof(&leaves, 3), Ok(vec![c, d, g, l]));
        assert_eq!(consistency_proof(&leaves, 4), Ok(vec![l]));
        assert_eq!(consistency_proof(&leaves, 6), Ok(vec![i, j, k]));
    }

    #[test]
    fn trivial_sizes_need_an_empty_proof() {
        let leaves = leaves(2, 5);
        let full = root(&leaves);
        assert_eq!(consistency_proof(&leaves, 0), Ok(vec![]));
        assert_eq!(consistency_proof(&leaves, 5), Ok(vec![]));
        assert_eq!(verify_consistency(0, 5, &root(&[]), &full, &[]), Ok(()));
        assert_eq!(verify_consistency(5, 5, &full, &full, &[]), Ok(()));
        assert_eq!(
            verify_consistency(0, 5, &full, &full, &[]),
            Err(ProofError::RootMismatch)
        );
        assert_eq!(
            verify_consistency(5, 5, &full, &root(&leaves[..4]), &[]),
            Err(ProofError::RootMismatch)
        );
        assert_eq!(
            verify_consistency(5, 5, &full, &full, &[full]),
            Err(ProofError::WrongProofLength)
        );
    }

    #[test]
    fn shrinking_is_refused() {
        let leaves = leaves(3, 4);
        let expected = ProofError::SizesOutOfOrder {
            old_size: 5,
            new_size: 4,
        };
        assert_eq!(consistency_proof(&leaves, 5), Err(expected));
        let tree_root = root(&leaves);
        assert_eq!(
            verify_consistency(5, 4, &tree_root, &tree_root, &[]),
            Err(expected)
        );
    }

    #[test]
    fn empty_proof_between_different_sizes_is_refused() {
        let leaves = leaves(4, 8);
        assert_eq!(
            verify_consistency(4, 8, &root(&leaves[..4]), &root(&leaves), &[]),
            Err(ProofError::WrongProofLength)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn prefixes_prove_consistent((old, new) in size_pair(), seed: u64) {
            let leaves = leaves(seed, new);
            let proof = consistency_proof(&leaves, old as u64).unwrap();
            prop_assert_eq!(
                verify_consistency(old as u64, new as u64, &root(&leaves[..old]), &root(&leaves), &proof),
                Ok(())
            );
        }

        #[test]
        fn tampering_breaks_the_proof(
            (old, new) in size_pair(),
            seed: u64,
            proof_position: prop::sample::Index,
            (byte, bit) in bit_position(),
        ) {
            let leaves = leaves(seed, new);
            let old_root = root(&leaves[..old]);
            let new_root = root(&leaves);
            let proof = consistency_proof(&leaves, old as u64).unwrap();
            let (old, new) = (old as u64, new as u64);

            let tampered_old = flipped(&old_root, byte, bit);
            prop_assert!(verify_consistency(old, new, &tampered_old, &new_root, &proof).is_err());

            let tampered_new = flipped(&new_root, byte, bit);
            prop_assert!(verify_consistency(old, new, &old_root, &tampered_new, &proof).is_err());

            if !proof.is_empty() {
                let mut tampered_proof = proof.clone();
                let position = proof_position.index(proof.len());
                tampered_proof[position] = flipped(&proof[position], byte, bit);
                prop_assert!(verify_consistency(old, new, &old_root, &new_root, &tampered_proof).is_err());
            }
        }

        #[test]
        fn a_rewritten_history_is_not_consistent(
            (old, new) in size_pair(),
            seed: u64,
            rewritten: prop::sample::Index,
        ) {
            let original = leaves(seed, new);
            let mut rewritten_leaves = original.clone();
            let position = rewritten.index(old);
            rewritten_leaves[position] = flipped(&original[position], 0, 0);
            let proof = consistency_proof(&rewritten_leaves, old as u64).unwrap();
            prop_assert!(verify_consistency(
                old as u64,
                new as u64,
                &root(&original[..old]),
                &root(&rewritten_leaves),
                &proof,
            ).is_err());
        }
    }
}
