//! Audit events, their canonical encoding and the hash chain linking them.

mod encoding;
mod json;

use sha2::{Digest, Sha256};

use crate::merkle::LEAF_PREFIX;
use crate::Hash;
use encoding::ByteSink;

pub use json::canonical_json;

/// The chain hash that the first event of a trail chains from.
pub const GENESIS: Hash = [0u8; 32];

/// Version byte that starts every canonical encoding, so the format can evolve
/// without old and new encodings ever colliding.
const ENCODING_VERSION: u8 = 1;

/// One audit event as the application records it. Times are unix microseconds UTC.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventRecord<'a> {
    /// Position in the trail, starting at 1 and increasing by exactly 1.
    pub seq: i64,
    /// When the event happened, in unix microseconds UTC.
    pub occurred_at_micros: i64,
    /// The organisation the event belongs to, if any.
    pub organisation_id: Option<i64>,
    /// The user who caused the event, if it was a user.
    pub actor_id: Option<i64>,
    /// Human-readable actor name as it was when the event happened.
    pub actor_label: &'a str,
    /// What happened, e.g. `risk.update`.
    pub action: &'a str,
    /// Kind of the object acted on, e.g. `risk`.
    pub object_type: &'a str,
    /// Identifier of the object acted on.
    pub object_id: &'a str,
    /// Canonical JSON snapshot of the object before the event (see [`canonical_json`]).
    pub before: Option<&'a str>,
    /// Canonical JSON snapshot of the object after the event (see [`canonical_json`]).
    pub after: Option<&'a str>,
}

impl EventRecord<'_> {
    /// Unambiguous byte encoding: a version byte, then every field in order,
    /// integers as big-endian 8 bytes, optional fields with a 0/1 presence
    /// byte, strings as u32 BE length + UTF-8 bytes.
    ///
    /// These are exactly the bytes that [`EventRecord::leaf_hash`] hashes.
    #[must_use]
    pub fn canonical_bytes(&self) -> Vec<u8> {
        let mut bytes = Vec::new();
        self.encode_into(&mut bytes);
        bytes
    }

    /// RFC 9162 leaf hash: `SHA-256(0x00 || canonical_bytes)`.
    ///
    /// Streams the encoding into the hasher, so no buffer is allocated.
    #[must_use]
    pub fn leaf_hash(&self) -> Hash {
        let mut hasher = Sha256::new();
        hasher.update([LEAF_PREFIX]);
        self.encode_into(&mut hasher);
        hasher.finalize().into()
    }

    fn encode_into(&self, sink: &mut impl ByteSink) {
        sink.put(&[ENCODING_VERSION]);
        sink.put_i64(self.seq);
        sink.put_i64(self.occurred_at_micros);
        sink.put_optional_i64(self.organisation_id);
        sink.put_optional_i64(self.actor_id);
        sink.put_str(self.actor_label);
        sink.put_str(self.action);
        sink.put_str(self.object_type);
        sink.put_str(self.object_id);
        sink.put_optional_str(self.before);
        sink.put_optional_str(self.after);
    }
}

/// Chain hash: `SHA-256(previous_chain_hash || leaf_hash)`. The first event chains from [`GENESIS`].
#[must_use]
pub fn chain_hash(previous: &Hash, leaf: &Hash) -> Hash {
    Sha256::new()
        .chain_update(previous)
        .chain_update(leaf)
        .finalize()
        .into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> EventRecord<'static> {
        EventRecord {
            seq: 1,
            occurred_at_micros: 1_700_000_000_000_000,
            organisation_id: Some(3),
            actor_id: None,
            actor_label: "Ada",
            action: "risk.update",
            object_type: "risk",
            object_id: "42",
            before: None,
            after: Some(r#"{"title":"Flood"}"#),
        }
    }

    #[test]
    fn canonical_bytes_follow_the_documented_layout() {
        let record = EventRecord {
            seq: 1,
            occurred_at_micros: 2,
            organisation_id: Some(3),
            actor_id: None,
            actor_label: "a",
            action: "",
            object_type: "t",
            object_id: "id",
            before: None,
            after: Some("{}"),
        };
        let mut expected = vec![ENCODING_VERSION];
        expected.extend_from_slice(&1i64.to_be_bytes());
        expected.extend_from_slice(&2i64.to_be_bytes());
        expected.push(1);
        expected.extend_from_slice(&3i64.to_be_bytes());
        expected.push(0);
        expected.extend_from_slice(&[0, 0, 0, 1, b'a']);
        expected.extend_from_slice(&[0, 0, 0, 0]);
        expected.extend_from_slice(&[0, 0, 0, 1, b't']);
        expected.extend_from_slice(&[0, 0, 0, 2, b'i', b'd']);
        expected.push(0);
        expected.extend_from_slice(&[1, 0, 0, 0, 2, b'{', b'}']);
        assert_eq!(record.canonical_bytes(), expected);
    }

    #[test]
    fn leaf_hash_hashes_the_canonical_bytes_with_the_leaf_prefix() {
        let record = sample();
        let mut hasher = Sha256::new();
        hasher.update([0x00]);
        hasher.update(record.canonical_bytes());
        let expected: Hash = hasher.finalize().into();
        assert_eq!(record.leaf_hash(), expected);
    }

    #[test]
    fn moving_bytes_between_adjacent_strings_changes_the_hash() {
        let first = EventRecord {
            actor_label: "ab",
            action: "c",
            ..sample()
        };
        let second = EventRecord {
            actor_label: "a",
            action: "bc",
            ..sample()
        };
        assert_ne!(first.leaf_hash(), second.leaf_hash());
    }

    #[test]
    fn absent_and_empty_snapshots_hash_differently() {
        let absent = EventRecord {
            before: None,
            ..sample()
        };
        let empty = EventRecord {
            before: Some(""),
            ..sample()
        };
        assert_ne!(absent.leaf_hash(), empty.leaf_hash());
    }

    #[test]
    fn absent_and_zero_ids_hash_differently() {
        let absent = EventRecord {
            actor_id: None,
            ..sample()
        };
        let zero = EventRecord {
            actor_id: Some(0),
            ..sample()
        };
        assert_ne!(absent.leaf_hash(), zero.leaf_hash());
    }

    #[test]
    fn chain_hash_is_sha256_of_previous_then_leaf() {
        let leaf = sample().leaf_hash();
        let mut concatenated = GENESIS.to_vec();
        concatenated.extend_from_slice(&leaf);
        let expected: Hash = Sha256::digest(&concatenated).into();
        assert_eq!(chain_hash(&GENESIS, &leaf), expected);
        assert_ne!(chain_hash(&GENESIS, &leaf), chain_hash(&leaf, &GENESIS));
    }
}
