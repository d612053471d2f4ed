use ed25519_dalek::SigningKey;

use super::*;

/// An event row as a store would hold it, with owned strings.
#[derive(Clone)]
struct Row {
    seq: i64,
    actor_label: String,
    object_id: String,
    after: Option<String>,
    leaf_hash: Hash,
    chain_hash: Hash,
}

impl Row {
    fn record(&self) -> EventRecord<'_> {
        EventRecord {
            seq: self.seq,
            occurred_at_micros: 1_700_000_000_000_000 + self.seq,
            organisation_id: Some(1),
            actor_id: (self.seq % 3 != 0).then_some(self.seq % 5),
            actor_label: &self.actor_label,
            action: "control.update",
            object_type: "control",
            object_id: &self.object_id,
            before: None,
            after: self.after.as_deref(),
        }
    }

    fn stored(&self) -> StoredEvent<'_> {
        StoredEvent {
            record: self.record(),
            leaf_hash: &self.leaf_hash,
            chain_hash: &self.chain_hash,
        }
    }
}

/// A correctly hashed and chained trail of `count` events.
fn trail(count: i64) -> Vec<Row> {
    let mut previous = GENESIS;
    (1..=count)
        .map(|seq| {
            let mut row = Row {
                seq,
                actor_label: format!("user {}", seq % 7),
                object_id: seq.to_string(),
                after: Some(format!(r#"{{"revision":{seq}}}"#)),
                leaf_hash: [0; 32],
                chain_hash: [0; 32],
            };
            row.leaf_hash = row.record().leaf_hash();
            row.chain_hash = chain_hash(&previous, &row.leaf_hash);
            previous = row.chain_hash;
            row
        })
        .collect()
}

/// Feeds every row, stopping at the first defect.
fn verify(rows: &[Row]) -> Result<ChainVerifier, Defect> {
    let mut verifier = ChainVerifier::new();
    for row in rows {
        verifier.check(&row.stored())?;
    }
    Ok(verifier)
}

fn signing_key() -> SigningKey {
    SigningKey::from_bytes(&[9; 32])
}

#[test]
fn a_valid_trail_verifies() {
    let rows = trail(100);
    let verifier = verify(&rows).unwrap();
    assert_eq!(verifier.verified_up_to(), 100);
    assert_eq!(verifier.finish(100), Ok(100));
    let leaves: Vec<Hash> = rows.iter().map(|row| row.leaf_hash).collect();
    assert_eq!(verifier.frontier().size(), 100);
    assert_eq!(verifier.frontier().root(), crate::merkle::root(&leaves));
}

#[test]
fn an_empty_trail_verifies_as_empty() {
    let verifier = ChainVerifier::new();
    assert_eq!(verifier.verified_up_to(), 0);
    assert_eq!(verifier.finish(0), Ok(0));
}

#[test]
fn an_altered_field_is_a_leaf_mismatch_at_that_event() {
    let alterations: [fn(&mut Row); 3] = [
        |row| row.actor_label.push('!'),
        |row| row.object_id = "forged".to_owned(),
        |row| row.after = None,
    ];
    for alter in alterations {
        let mut rows = trail(20);
        alter(&mut rows[6]);
        let defect = verify(&rows).unwrap_err();
        assert_eq!(defect, Defect::LeafMismatch { seq: 7 });
        assert_eq!(defect.first_bad_seq(), 7);
    }
}

#[test]
fn verifier_stays_at_the_last_good_event_after_a_defect() {
    let mut rows = trail(20);
    rows[6].object_id = "forged".to_owned();
    let mut verifier = ChainVerifier::new();
    let outcomes: Vec<_> = rows
        .iter()
        .map(|row| verifier.check(&row.stored()))
        .collect();
    assert!(outcomes[..6].iter().all(Result::is_ok));
    assert_eq!(outcomes[6], Err(Defect::LeafMismatch { seq: 7 }));
    assert_eq!(verifier.verified_up_to(), 6);
    assert_eq!(verifier.frontier().size(), 6);
}

#[test]
fn a_removed_event_is_a_gap() {
    let mut rows = trail(20);
    rows.remove(9);
    assert_eq!(
        verify(&rows).unwrap_err(),
        Defect::Gap {
            expected: 10,
            found: 11
        }
    );
}

#[test]
fn a_trail_not_starting_at_one_is_a_gap() {
    let rows = trail(5);
    assert_eq!(
        verify(&rows[1..]).unwrap_err(),
        Defect::Gap {
            expected: 1,
            found: 2
        }
    );
}

#[test]
fn a_removed_event_with_renumbered_successors_is_a_leaf_mismatch() {
    let mut rows = trail(20);
    rows.remove(9);
    for row in &mut rows[9..] {
        row.seq -= 1;
    }
    assert_eq!(verify(&rows).unwrap_err(), Defect::LeafMismatch { seq: 10 });
}

#[test]
fn an_altered_chain_hash_is_a_chain_mismatch() {
    let mut rows = trail(20);
    rows[11].chain_hash[31] ^= 1;
    assert_eq!(
        verify(&rows).unwrap_err(),
        Defect::ChainMismatch { seq: 12 }
    );
}

#[test]
fn a_rehashed_forgery_breaks_the_chain() {
    let mut rows = trail(20);
    rows[4].object_id = "forged".to_owned();
    rows[4].leaf_hash = rows[4].record().leaf_hash();
    assert_eq!(verify(&rows).unwrap_err(), Defect::ChainMismatch { seq: 5 });
}

#[test]
fn hashes_of_the_wrong_length_are_mismatches() {
    let rows = trail(1);
    let mut verifier = ChainVerifier::new();
    let short_leaf = StoredEvent {
        leaf_hash: &rows[0].leaf_hash[..31],
        ..rows[0].stored()
    };
    assert_eq!(
        verifier.check(&short_leaf),
        Err(Defect::LeafMismatch { seq: 1 })
    );
    let long_chain = [rows[0].chain_hash.as_slice(), &[0]].concat();
    let long_chain = StoredEvent {
        chain_hash: &long_chain,
        ..rows[0].stored()
    };
    assert_eq!(
        verifier.check(&long_chain),
        Err(Defect::ChainMismatch { seq: 1 })
    );
}

#[test]
fn a_matching_signed_checkpoint_is_accepted() {
    let rows = trail(16);
    let verifier = verify(&rows).unwrap();
    let checkpoint = Checkpoint {
        tree_size: 16,
        root: verifier.frontier().root(),
        issued_at_micros: 5,
    };
    let key = signing_key();
    let signature = checkpoint.sign(&key);
    assert_eq!(
        verifier.check_checkpoint(&checkpoint, &signature, &key.verifying_key()),
        Ok(())
    );
}

#[test]
fn a_checkpoint_with_the_wrong_root_is_refused() {
    let rows = trail(16);
    let verifier = verify(&rows).unwrap();
    let checkpoint = Checkpoint {
        tree_size: 16,
        root: verify(&rows[..15]).unwrap().frontier().root(),
        issued_at_micros: 5,
    };
    let key = signing_key();
    let signature = checkpoint.sign(&key);
    assert_eq!(
        verifier.check_checkpoint(&checkpoint, &signature, &key.verifying_key()),
        Err(Defect::CheckpointMismatch { tree_size: 16 })
    );
}

#[test]
fn a_checkpoint_for_another_size_is_refused() {
    let rows = trail(16);
    let verifier = verify(&rows[..15]).unwrap();
    // The right root, but claimed for a size the trail has not reached.
    let checkpoint = Checkpoint {
        tree_size: 16,
        root: verifier.frontier().root(),
        issued_at_micros: 5,
    };
    let key = signing_key();
    let signature = checkpoint.sign(&key);
    assert_eq!(
        verifier.check_checkpoint(&checkpoint, &signature, &key.verifying_key()),
        Err(Defect::CheckpointMismatch { tree_size: 16 })
    );
}

#[test]
fn a_checkpoint_with_a_bad_signature_is_refused() {
    let rows = trail(16);
    let verifier = verify(&rows).unwrap();
    let checkpoint = Checkpoint {
        tree_size: 16,
        root: verifier.frontier().root(),
        issued_at_micros: 5,
    };
    let key = signing_key();
    let other_key = SigningKey::from_bytes(&[10; 32]);
    let mut corrupted = checkpoint.sign(&key);
    corrupted[0] ^= 1;
    let refusals = [
        (checkpoint.sign(&other_key).to_vec(), key.verifying_key()),
        (corrupted.to_vec(), key.verifying_key()),
        (checkpoint.sign(&key)[..10].to_vec(), key.verifying_key()),
        (checkpoint.sign(&key).to_vec(), other_key.verifying_key()),
    ];
    for (signature, verifying_key) in refusals {
        assert_eq!(
            verifier.check_checkpoint(&checkpoint, &signature, &verifying_key),
            Err(Defect::BadSignature { tree_size: 16 })
        );
    }
}

#[test]
fn finish_detects_truncation() {
    let rows = trail(30);
    let verifier = verify(&rows[..25]).unwrap();
    let defect = verifier.finish(30).unwrap_err();
    assert_eq!(
        defect,
        Defect::Truncated {
            first_missing: 26,
            claimed_last: 30
        }
    );
    assert_eq!(defect.first_bad_seq(), 26);
    assert_eq!(verifier.finish(25), Ok(25));
}

#[test]
fn resumed_verification_matches_a_full_one() {
    let rows = trail(20);
    let full = verify(&rows).unwrap();
    let first = verify(&rows[..12]).unwrap();
    let last_chain = rows[11].chain_hash;
    let mut resumed = ChainVerifier::resume(last_chain, first.frontier().clone());
    for row in &rows[12..] {
        resumed.check(&row.stored()).unwrap();
    }
    assert_eq!(resumed.verified_up_to(), 20);
    assert_eq!(resumed.frontier().root(), full.frontier().root());
    let mut wrong_start = ChainVerifier::resume([9u8; 32], first.frontier().clone());
    assert_eq!(
        wrong_start.check(&rows[12].stored()),
        Err(Defect::ChainMismatch { seq: 13 })
    );
}
