//! Inclusion proofs (audit paths), RFC 9162 section 2.1.3.

use super::{node_hash, root, split_point, tree_size, ProofError};
use crate::Hash;

/// Audit path (inclusion proof) for leaf `index` in the tree of the first `leaves.len()` leaves. Errors if index out of range.
///
/// The path lists sibling subtree roots from the leaf upwards.
///
/// # Errors
///
/// [`ProofError::IndexOutOfRange`] if `index` is not below `leaves.len()`.
pub fn inclusion_proof(leaves: &[Hash], index: u64) -> Result<Vec<Hash>, ProofError> {
    let position = usize::try_from(index)
        .ok()
        .filter(|&position| position < leaves.len())
        .ok_or_else(|| ProofError::IndexOutOfRange {
            index,
            tree_size: tree_size(leaves),
        })?;
    let mut path = Vec::new();
    collect_path(position, leaves, &mut path);
    Ok(path)
}

/// RFC 9162 `PATH(m, D[n])`, appending to `path`.
fn collect_path(position: usize, leaves: &[Hash], path: &mut Vec<Hash>) {
    if leaves.len() <= 1 {
        return;
    }
    let (left, right) = leaves.split_at(split_point(leaves.len()));
    if position < left.len() {
        collect_path(position, left, path);
        path.push(root(right));
    } else {
        collect_path(position - left.len(), right, path);
        path.push(root(left));
    }
}

/// RFC 9162 2.1.3.2 verification algorithm. Returns `Ok(())` when the proof leads to `root`.
///
/// # Errors
///
/// * [`ProofError::IndexOutOfRange`] if `index` is not below `tree_size`,
/// * [`ProofError::WrongProofLength`] if the proof has too many or too few
///   hashes for this index and tree size,
/// * [`ProofError::RootMismatch`] if the proof leads to a different root.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    tree_size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    if index >= tree_size {
        return Err(ProofError::IndexOutOfRange { index, tree_size });
    }
    // `node` walks up from the leaf, `last` from the tree's last leaf.
    let mut node = index;
    let mut last = tree_size - 1;
    let mut computed = *leaf;
    for sibling in proof {
        if last == 0 {
            return Err(ProofError::WrongProofLength);
        }
        if node & 1 == 1 || node == last {
            computed = node_hash(sibling, &computed);
            // Skip levels where the node is a left child without a sibling.
            while node & 1 == 0 && node != 0 {
                node >>= 1;
                last >>= 1;
            }
        } else {
            computed = node_hash(&computed, sibling);
        }
        node >>= 1;
        last >>= 1;
    }
    if last != 0 {
        return Err(ProofError::WrongProofLength);
    }
    if computed != *root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::test_support::{bit_position, flipped, leaves};
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn single_leaf_tree_has_an_empty_path() {
        let leaves = leaves(1, 1);
        assert_eq!(inclusion_proof(&leaves, 0), Ok(vec![]));
        assert_eq!(verify_inclusion(&leaves[0], 0, 1, &[], &leaves[0]), Ok(()));
    }

    #[test]
    fn path_lists_siblings_from_the_leaf_upwards() {
        let leaves = leaves(2, 7);
        // Leaf 2 in a tree of 7: sibling leaf 3, then leaves 0..2, then 4..7.
        let expected = vec![leaves[3], root(&leaves[0..2]), root(&leaves[4..7])];
        assert_eq!(inclusion_proof(&leaves, 2), Ok(expected));
        // Leaf 6 is alone on the right: sibling 4..6, then 0..4.
        let expected = vec![root(&leaves[4..6]), root(&leaves[0..4])];
        assert_eq!(inclusion_proof(&leaves, 6), Ok(expected));
    }

    #[test]
    fn out_of_range_index_is_refused() {
        let leaves = leaves(3, 5);
        let expected = ProofError::IndexOutOfRange {
            index: 5,
            tree_size: 5,
        };
        assert_eq!(inclusion_proof(&leaves, 5), Err(expected));
        assert_eq!(
            verify_inclusion(&leaves[0], 5, 5, &[], &root(&leaves)),
            Err(expected)
        );
        assert_eq!(
            inclusion_proof(&[], 0),
            Err(ProofError::IndexOutOfRange {
                index: 0,
                tree_size: 0
            })
        );
    }

    #[test]
    fn extra_or_missing_hashes_are_refused() {
        let leaves = leaves(4, 6);
        let tree_root = root(&leaves);
        let mut proof = inclusion_proof(&leaves, 3).unwrap();
        proof.push(leaves[0]);
        assert_eq!(
            verify_inclusion(&leaves[3], 3, 6, &proof, &tree_root),
            Err(ProofError::WrongProofLength)
        );
        proof.truncate(proof.len() - 2);
        assert_eq!(
            verify_inclusion(&leaves[3], 3, 6, &proof, &tree_root),
            Err(ProofError::WrongProofLength)
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn every_leaf_proves_its_inclusion(seed: u64, size in 1usize..300) {
            let leaves = leaves(seed, size);
            let tree_root = root(&leaves);
            for (index, leaf) in (0u64..).zip(&leaves) {
                let proof = inclusion_proof(&leaves, index).unwrap();
                prop_assert_eq!(
                    verify_inclusion(leaf, index, size as u64, &proof, &tree_root),
                    Ok(())
                );
            }
        }

        #[test]
        fn tampering_breaks_the_proof(
            seed: u64,
            (size, index) in (1usize..300).prop_flat_map(|size| (Just(size), 0..size)),
            proof_position: prop::sample::Index,
            (byte, bit) in bit_position(),
        ) {
            let leaves = leaves(seed, size);
            let tree_root = root(&leaves);
            let leaf = &leaves[index];
            let index = index as u64;
            let size = size as u64;
            let proof = inclusion_proof(&leaves, index).unwrap();

            let tampered_leaf = flipped(leaf, byte, bit);
            prop_assert!(verify_inclusion(&tampered_leaf, index, size, &proof, &tree_root).is_err());

            let tampered_root = flipped(&tree_root, byte, bit);
            prop_assert!(verify_inclusion(leaf, index, size, &proof, &tampered_root).is_err());

            if !proof.is_empty() {
                let mut tampered_proof = proof.clone();
                let position = proof_position.index(proof.len());
                tampered_proof[position] = flipped(&proof[position], byte, bit);
                prop_assert!(verify_inclusion(leaf, index, size, &tampered_proof, &tree_root).is_err());
            }
        }

        #[test]
        fn a_proof_does_not_fit_another_index(
            seed: u64,
            (size, index, other) in (2usize..300)
                .prop_flat_map(|size| (Just(size), 0..size, 0..size))
                .prop_filter("distinct indices", |(_, index, other)| index != other),
        ) {
            let leaves = leaves(seed, size);
            let proof = inclusion_proof(&leaves, index as u64).unwrap();
            prop_assert!(
                verify_inclusion(&leaves[index], other as u64, size as u64, &proof, &root(&leaves)).is_err()
            );
        }
    }
}
