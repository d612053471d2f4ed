//! What can be wrong with a stored trail.

/// The first thing found wrong with a stored trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Defect {
    /// A sequence number is missing, repeated or out of order.
    #[error("expected event {expected} but found event {found}")]
    Gap {
        /// The sequence number that should have come next.
        expected: i64,
        /// The sequence number that came instead.
        found: i64,
    },
    /// The event's fields do not match its stored leaf hash.
    #[error("event {seq} does not match its stored leaf hash")]
    LeafMismatch {
        /// The altered event.
        seq: i64,
    },
    /// The event's stored chain hash does not follow from the previous event.
    #[error("event {seq} does not match its stored chain hash")]
    ChainMismatch {
        /// The first event whose chain hash is wrong.
        seq: i64,
    },
    /// A validly signed checkpoint disagrees with the verified trail.
    #[error("the checkpoint at tree size {tree_size} does not match the verified trail")]
    CheckpointMismatch {
        /// The size the checkpoint speaks for.
        tree_size: u64,
    },
    /// A checkpoint's signature does not verify.
    #[error("the checkpoint at tree size {tree_size} has an invalid signature")]
    BadSignature {
        /// The size the checkpoint speaks for.
        tree_size: u64,
    },
    /// The trail ends before the last event the store claims to hold.
    #[error("event {first_missing} is missing: the trail ends before event {claimed_last}")]
    Truncated {
        /// The first sequence number that should be there but is not.
        first_missing: i64,
        /// The last sequence number the store claims to hold.
        claimed_last: i64,
    },
}

impl Defect {
    /// The first sequence number that does not match (for checkpoints:
    /// `tree_size`), for the CLI message.
    ///
    /// For a gap it is the expected sequence number; for a truncation the
    /// first missing one.
    #[must_use]
    pub fn first_bad_seq(&self) -> i64 {
        match *self {
            Self::Gap { expected, .. } => expected,
            Self::LeafMismatch { seq } | Self::ChainMismatch { seq } => seq,
            Self::CheckpointMismatch { tree_size } | Self::BadSignature { tree_size } => {
                i64::try_from(tree_size).unwrap_or(i64::MAX)
            }
            Self::Truncated { first_missing, .. } => first_missing,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_bad_seq_and_message_name_the_same_number() {
        let defects = [
            (
                Defect::Gap {
                    expected: 4,
                    found: 6,
                },
                4,
            ),
            (Defect::LeafMismatch { seq: 7 }, 7),
            (Defect::ChainMismatch { seq: 8 }, 8),
            (Defect::CheckpointMismatch { tree_size: 9 }, 9),
            (Defect::BadSignature { tree_size: 10 }, 10),
            (
                Defect::Truncated {
                    first_missing: 11,
                    claimed_last: 12,
                },
                11,
            ),
        ];
        for (defect, seq) in defects {
            assert_eq!(defect.first_bad_seq(), seq);
            assert!(defect.to_string().contains(&seq.to_string()), "{defect}");
        }
    }

    #[test]
    fn huge_checkpoint_sizes_saturate() {
        let defect = Defect::BadSignature {
            tree_size: u64::MAX,
        };
        assert_eq!(defect.first_bad_seq(), i64::MAX);
    }
}
