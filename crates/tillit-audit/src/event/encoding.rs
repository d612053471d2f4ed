//! The primitive writers behind [`super::EventRecord::canonical_bytes`].
//!
//! The same encoder feeds either a byte buffer or a hasher, which guarantees
//! that the exported bytes and the hashed bytes never drift apart.

use sha2::{Digest, Sha256};

/// A destination for canonically encoded bytes.
pub(super) trait ByteSink {
    /// Appends raw bytes.
    fn put(&mut self, bytes: &[u8]);

    /// Appends an integer as 8 big-endian bytes.
    fn put_i64(&mut self, value: i64) {
        self.put(&value.to_be_bytes());
    }

    /// Appends a presence byte (0 or 1), then the integer if present.
    fn put_optional_i64(&mut self, value: Option<i64>) {
        match value {
            None => self.put(&[0]),
            Some(value) => {
                self.put(&[1]);
                self.put_i64(value);
            }
        }
    }

    /// Appends the UTF-8 length as a big-endian u32, then the UTF-8 bytes.
    ///
    /// Strings of 4 GiB or more are outside the format's domain; their length
    /// prefix saturates at `u32::MAX`. Audit fields are orders of magnitude
    /// smaller.
    fn put_str(&mut self, value: &str) {
        let length = u32::try_from(value.len()).unwrap_or(u32::MAX);
        self.put(&length.to_be_bytes());
        self.put(value.as_bytes());
    }

    /// Appends a presence byte (0 or 1), then the string if present.
    fn put_optional_str(&mut self, value: Option<&str>) {
        match value {
            None => self.put(&[0]),
            Some(value) => {
                self.put(&[1]);
                self.put_str(value);
            }
        }
    }
}

impl ByteSink for Vec<u8> {
    fn put(&mut self, bytes: &[u8]) {
        self.extend_from_slice(bytes);
    }
}

impl ByteSink for Sha256 {
    fn put(&mut self, bytes: &[u8]) {
        self.update(bytes);
    }
}
