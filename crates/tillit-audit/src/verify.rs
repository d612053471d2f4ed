//! Streaming verification of a stored audit trail.

mod defect;

use crate::checkpoint::Checkpoint;
use crate::event::{chain_hash, EventRecord, GENESIS};
use crate::merkle::Frontier;
use crate::Hash;

pub use defect::Defect;

/// One stored row of the trail: the event and the hashes stored beside it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredEvent<'a> {
    /// The event fields as stored.
    pub record: EventRecord<'a>,
    /// The stored leaf hash, expected to be `record.leaf_hash()`.
    pub leaf_hash: &'a [u8],
    /// The stored chain hash, expected to chain this leaf onto the previous row.
    pub chain_hash: &'a [u8],
}

/// Streaming verification of a stored trail: feed stored rows in ascending seq order.
///
/// Memory use is O(log n) regardless of the trail's length. After a defect
/// the verifier stays at the last good event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainVerifier {
    /// Sequence number of the last event that checked out, 0 before the first.
    last_good_seq: i64,
    /// Chain hash of the last event that checked out, [`GENESIS`] before the first.
    previous_chain_hash: Hash,
    /// Merkle tree of every event that checked out.
    frontier: Frontier,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        Self {
            last_good_seq: 0,
            previous_chain_hash: GENESIS,
            frontier: Frontier::new(),
        }
    }
}

impl ChainVerifier {
    /// A verifier expecting the event with sequence number 1.
    #[must_use]
    pub fn new() -> Self {
        Self::default()
    }

    /// Continues a verification that already covered the events up to
    /// `frontier.size()`, the last of which has the chain hash `last_chain_hash`.
    /// Used to check only what was appended since the last checkpoint.
    #[must_use]
    pub fn resume(last_chain_hash: Hash, frontier: Frontier) -> Self {
        Self {
            last_good_seq: i64::try_from(frontier.size()).unwrap_or(i64::MAX),
            previous_chain_hash: last_chain_hash,
            frontier,
        }
    }

    /// Checks the next stored event: its sequence number must follow the last
    /// one, its stored leaf hash must match its fields and its stored chain
    /// hash must chain that leaf onto the previous event.
    ///
    /// # Errors
    ///
    /// * [`Defect::Gap`] if the sequence number does not follow the last good one,
    /// * [`Defect::LeafMismatch`] if the fields do not hash to the stored leaf hash,
    /// * [`Defect::ChainMismatch`] if the stored chain hash does not chain from
    ///   the previous event.
    ///
    /// After an error the verifier still expects the same next event.
    pub fn check(&mut self, event: &StoredEvent<'_>) -> Result<(), Defect> {
        let seq = event.record.seq;
        // Cannot overflow: reaching i64::MAX takes 2^63 checked events.
        let expected = self.last_good_seq + 1;
        if seq != expected {
            return Err(Defect::Gap {
                expected,
                found: seq,
            });
        }
        let leaf = event.record.leaf_hash();
        if event.leaf_hash != leaf {
            return Err(Defect::LeafMismatch { seq });
        }
        let chained = chain_hash(&self.previous_chain_hash, &leaf);
        if event.chain_hash != chained {
            return Err(Defect::ChainMismatch { seq });
        }
        self.last_good_seq = seq;
        self.previous_chain_hash = chained;
        self.frontier.push(leaf);
        Ok(())
    }

    /// Sequence number of the last event that checked out (0 if none).
    #[must_use]
    pub fn verified_up_to(&self) -> i64 {
        self.last_good_seq
    }

    /// Merkle tree of every event that checked out.
    #[must_use]
    pub fn frontier(&self) -> &Frontier {
        &self.frontier
    }

    /// Check a stored signed checkpoint against what has been verified so far:
    /// call when `verified_up_to() == tree_size`. Compares root and signature.
    ///
    /// A checkpoint of any other size is reported as
    /// [`Defect::CheckpointMismatch`], since it cannot be confirmed.
    ///
    /// # Errors
    ///
    /// * [`Defect::BadSignature`] if `signature` is not `key`'s signature over
    ///   the checkpoint,
    /// * [`Defect::CheckpointMismatch`] if the checkpoint's size or root
    ///   differs from the verified trail's.
    pub fn check_checkpoint(
        &self,
        checkpoint: &Checkpoint,
        signature: &[u8],
        key: &ed25519_dalek::VerifyingKey,
    ) -> Result<(), Defect> {
        let tree_size = checkpoint.tree_size;
        if checkpoint.verify(key, signature).is_err() {
            return Err(Defect::BadSignature { tree_size });
        }
        if tree_size != self.frontier.size() || checkpoint.root != self.frontier.root() {
            return Err(Defect::CheckpointMismatch { tree_size });
        }
        Ok(())
    }

    /// After the last row: the caller passes the highest seq the store claims
    /// (e.g. from the head row); a shorter verified trail is [`Defect::Truncated`].
    ///
    /// Returns the last verified sequence number.
    ///
    /// # Errors
    ///
    /// [`Defect::Truncated`] if fewer events were verified than claimed.
    pub fn finish(&self, claimed_last_seq: i64) -> Result<i64, Defect> {
        if self.last_good_seq < claimed_last_seq {
            return Err(Defect::Truncated {
                first_missing: self.last_good_seq + 1,
                claimed_last: claimed_last_seq,
            });
        }
        Ok(self.last_good_seq)
    }
}

#[cfg(test)]
mod tests;
