//! Tamper-evident audit log primitives.
//!
//! Every audit event is encoded canonically and hashed into a leaf
//! ([`event::EventRecord::leaf_hash`]). Leaves are linked in two ways:
//!
//! * a hash chain ([`event::chain_hash`]), which makes any edit, insertion or
//!   removal visible when the trail is replayed from the start, and
//! * an RFC 9162 Merkle tree ([`merkle`]), whose root is periodically signed
//!   as a [`checkpoint::Checkpoint`] so that an auditor can check inclusion and
//!   append-only growth without replaying everything.
//!
//! [`verify::ChainVerifier`] replays a stored trail and reports the first
//! [`verify::Defect`] it finds. The crate is pure: no I/O, no clocks, no
//! storage.

pub mod checkpoint;
pub mod event;
pub mod merkle;
pub mod verify;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use event::{canonical_json, chain_hash, EventRecord, GENESIS};
pub use merkle::{Frontier, ProofError};
pub use verify::{ChainVerifier, Defect, StoredEvent};

/// A SHA-256 digest: leaf hashes, chain hashes and Merkle tree nodes.
pub type Hash = [u8; 32];
