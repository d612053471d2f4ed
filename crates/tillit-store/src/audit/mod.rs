//! The audit trail: append in the caller's transaction, list, verify, checkpoint, prove.

pub(crate) mod head;
mod sqlite_replay;

use chrono::{DateTime, Utc};
use ed25519_dalek::{SigningKey, VerifyingKey};
use serde::Serialize;
use tillit_audit::{
    canonical_json, chain_hash, ChainVerifier, Checkpoint, Defect, EventRecord, Frontier, Hash,
    StoredEvent,
};
use tillit_domain::pagination::PageRequest;

use self::head::AuditHead;
use crate::db::{Db, Engine, Tx};
use crate::error::{Result, StoreError};
use crate::{now, Actor, Page};

/// What changed, before it is sealed into the trail.
pub struct NewEvent<'a> {
    pub organisation_id: Option<i64>,
    pub action: &'a str,
    pub object_type: &'a str,
    pub object_id: String,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl<'a> NewEvent<'a> {
    /// An event with no snapshots; add them with [`NewEvent::before`] and [`NewEvent::after`].
    pub fn new(
        organisation_id: Option<i64>,
        action: &'a str,
        object_type: &'a str,
        object_id: impl ToString,
    ) -> Self {
        Self {
            organisation_id,
            action,
            object_type,
            object_id: object_id.to_string(),
            before: None,
            after: None,
        }
    }

    /// The object as it was before the change.
    pub fn before(mut self, value: &impl Serialize) -> Self {
        self.before = Some(snapshot(value));
        self
    }

    /// The object as it is after the change.
    pub fn after(mut self, value: &impl Serialize) -> Self {
        self.after = Some(snapshot(value));
        self
    }
}

fn snapshot(value: &impl Serialize) -> serde_json::Value {
    serde_json::to_value(value).unwrap_or(serde_json::Value::Null)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct AuditEvent {
    pub seq: i64,
    pub organisation_id: Option<i64>,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

#[derive(sqlx::FromRow)]
struct StoredRow {
    seq: i64,
    organisation_id: Option<i64>,
    occurred_at: DateTime<Utc>,
    actor_id: Option<i64>,
    actor_label: String,
    action: String,
    object_type: String,
    object_id: String,
    before_json: Option<String>,
    after_json: Option<String>,
    leaf_hash: Vec<u8>,
    chain_hash: Vec<u8>,
}

impl StoredRow {
    fn record(&self) -> EventRecord<'_> {
        EventRecord {
            seq: self.seq,
            occurred_at_micros: self.occurred_at.timestamp_micros(),
            organisation_id: self.organisation_id,
            actor_id: self.actor_id,
            actor_label: &self.actor_label,
            action: &self.action,
            object_type: &self.object_type,
            object_id: &self.object_id,
            before: self.before_json.as_deref(),
            after: self.after_json.as_deref(),
        }
    }
}

#[derive(sqlx::FromRow)]
struct HeadRow {
    last_seq: i64,
    last_chain_hash: Vec<u8>,
}

/// Appends one event in `tx`, extending the hash chain. Returns its sequence number.
///
/// On PostgreSQL the head row is locked for the rest of the transaction, so sequence
/// numbers stay gap-free even with several server processes writing to one database.
/// On SQLite the write transaction already excludes every other writer, and the head
/// is usually known without reading it (ADR 0014).
pub async fn append(tx: &mut Tx, actor: &Actor, event: NewEvent<'_>) -> Result<i64> {
    let before = event.before.as_ref().map(canonical_json);
    let after = event.after.as_ref().map(canonical_json);
    let sealing = Sealing {
        actor,
        event: &event,
        before: before.as_deref(),
        after: after.as_deref(),
    };
    let known = match tx {
        Tx::Sqlite(t) => t.known_head(),
        Tx::Postgres(_) => None,
    };
    let appended = match known {
        Some(head) => match insert_event(tx, &sealing, head).await {
            // Another process appended since this one last committed: its event holds
            // the sequence number. Read the head and chain onto it instead.
            Err(StoreError::Database(sqlx::Error::Database(e))) if e.is_unique_violation() => {
                let head = read_head(tx).await?;
                insert_event(tx, &sealing, head).await?
            }
            inserted => inserted?,
        },
        None => {
            let head = read_head(tx).await?;
            insert_event(tx, &sealing, head).await?
        }
    };
    if let Tx::Sqlite(t) = tx {
        t.appended_head = Some(appended);
    }
    Ok(appended.seq)
}

/// An event with its snapshots in canonical form, ready to be chained onto a head.
struct Sealing<'a> {
    actor: &'a Actor,
    event: &'a NewEvent<'a>,
    before: Option<&'a str>,
    after: Option<&'a str>,
}

async fn read_head(tx: &mut Tx) -> Result<AuditHead> {
    let sql = match tx.engine() {
        Engine::Sqlite => "SELECT last_seq, last_chain_hash FROM audit_head WHERE id = 1",
        Engine::Postgres => {
            "SELECT last_seq, last_chain_hash FROM audit_head WHERE id = 1 FOR UPDATE"
        }
    };
    let row = in_tx!(tx, fetch_one, HeadRow, sql)?;
    Ok(AuditHead {
        seq: row.last_seq,
        chain_hash: to_hash(&row.last_chain_hash)
            .ok_or_else(|| StoreError::Audit("corrupt audit head".into()))?,
    })
}

/// Inserts the event after `head`; gives the head it leaves.
async fn insert_event(tx: &mut Tx, sealing: &Sealing<'_>, head: AuditHead) -> Result<AuditHead> {
    let Sealing {
        actor,
        event,
        before,
        after,
    } = sealing;
    let seq = head.seq + 1;
    let occurred_at = now();
    let record = EventRecord {
        seq,
        occurred_at_micros: occurred_at.timestamp_micros(),
        organisation_id: event.organisation_id,
        actor_id: actor.user_id,
        actor_label: &actor.label,
        action: event.action,
        object_type: event.object_type,
        object_id: &event.object_id,
        before: *before,
        after: *after,
    };
    let leaf = record.leaf_hash();
    let chain = chain_hash(&head.chain_hash, &leaf);
    exec_tx!(
        tx,
        "INSERT INTO audit_event (seq, organisation_id, occurred_at, actor_id, actor_label, action, object_type, object_id, before_json, after_json, leaf_hash, chain_hash) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        seq,
        event.organisation_id,
        occurred_at,
        actor.user_id,
        actor.label.as_str(),
        event.action,
        event.object_type,
        event.object_id.as_str(),
        *before,
        *after,
        leaf.to_vec(),
        chain.to_vec(),
    )?;
    // A trigger moves audit_head along with the insert (migration 0014).
    Ok(AuditHead {
        seq,
        chain_hash: chain,
    })
}

/// Records a change in its own transaction (for events with no other write, such as a
/// failed login or an export).
pub async fn record(db: &Db, actor: &Actor, event: NewEvent<'_>) -> Result<i64> {
    let mut tx = db.begin().await?;
    let seq = append(&mut tx, actor, event).await?;
    tx.commit().await?;
    Ok(seq)
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EventFilter {
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    pub from: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
}

const EVENT_COLUMNS: &str =
    "seq, organisation_id, occurred_at, actor_id, actor_label, action, object_type, object_id, before_json, after_json";

/// Events of one organisation, newest first.
pub async fn list(
    db: &Db,
    organisation_id: i64,
    filter: &EventFilter,
    page: PageRequest,
) -> Result<Page<AuditEvent>> {
    // Unused filters compare against NULL and fall away, so one statement serves all.
    let conditions = "organisation_id = $1 \
        AND ($2 IS NULL OR actor_id = $2) \
        AND ($3 IS NULL OR action = $3) \
        AND ($4 IS NULL OR object_type = $4) \
        AND ($5 IS NULL OR object_id = $5) \
        AND ($6 IS NULL OR occurred_at >= $6) \
        AND ($7 IS NULL OR occurred_at < $7)";
    let select = format!("SELECT {EVENT_COLUMNS} FROM audit_event WHERE {conditions} ORDER BY seq DESC LIMIT $8 OFFSET $9");
    let count = format!("SELECT COUNT(*) FROM audit_event WHERE {conditions}");
    let items = read!(
        db,
        fetch_all,
        AuditEvent,
        &select,
        organisation_id,
        filter.actor_id,
        filter.action.as_deref(),
        filter.object_type.as_deref(),
        filter.object_id.as_deref(),
        filter.from,
        filter.until,
        page.limit(),
        page.offset()
    )?;
    let total = read_scalar!(
        db,
        fetch_one,
        i64,
        &count,
        organisation_id,
        filter.actor_id,
        filter.action.as_deref(),
        filter.object_type.as_deref(),
        filter.object_id.as_deref(),
        filter.from,
        filter.until
    )?;
    Ok(Page { items, total })
}

pub async fn get(db: &Db, organisation_id: i64, seq: i64) -> Result<AuditEvent> {
    let sql =
        format!("SELECT {EVENT_COLUMNS} FROM audit_event WHERE organisation_id = $1 AND seq = $2");
    read!(db, fetch_optional, AuditEvent, &sql, organisation_id, seq)?.ok_or(StoreError::NotFound)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct VerifyReport {
    pub verified_up_to: i64,
    pub checkpoints_checked: usize,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VerifyOutcome {
    Intact(VerifyReport),
    Broken { defect: Defect, verified_up_to: i64 },
}

#[derive(sqlx::FromRow)]
struct CheckpointRow {
    tree_size: i64,
    root_hash: Vec<u8>,
    issued_at: DateTime<Utc>,
    signature: Vec<u8>,
}

impl CheckpointRow {
    fn checkpoint(&self) -> Option<Checkpoint> {
        Some(Checkpoint {
            tree_size: u64::try_from(self.tree_size).ok()?,
            root: to_hash(&self.root_hash)?,
            issued_at_micros: self.issued_at.timestamp_micros(),
        })
    }
}

const VERIFY_BATCH: i64 = 20_000;

/// Replays stored events against the signed checkpoints.
pub(crate) struct Replay {
    verifier: ChainVerifier,
    checkpoints: std::vec::IntoIter<CheckpointRow>,
    next_checkpoint: Option<CheckpointRow>,
    checked: usize,
    key: VerifyingKey,
}

impl Replay {
    fn new(checkpoints: Vec<CheckpointRow>, key: VerifyingKey) -> Self {
        let mut checkpoints = checkpoints.into_iter();
        let next_checkpoint = checkpoints.next();
        Self {
            verifier: ChainVerifier::new(),
            checkpoints,
            next_checkpoint,
            checked: 0,
            key,
        }
    }

    /// Checks the next event, then every checkpoint it completes.
    pub(crate) fn feed(&mut self, event: &StoredEvent<'_>) -> Result<(), Defect> {
        self.verifier.check(event)?;
        while let Some(checkpoint) = self
            .next_checkpoint
            .take_if(|cp| cp.tree_size <= self.verifier.verified_up_to())
        {
            check_checkpoint(&self.verifier, &checkpoint, &self.key)?;
            self.checked += 1;
            self.next_checkpoint = self.checkpoints.next();
        }
        Ok(())
    }

    pub(crate) fn verified_up_to(&self) -> i64 {
        self.verifier.verified_up_to()
    }

    fn finish(self, claimed_last_seq: i64) -> VerifyOutcome {
        let broken = |defect| VerifyOutcome::Broken {
            defect,
            verified_up_to: self.verifier.verified_up_to(),
        };
        if let Some(checkpoint) = &self.next_checkpoint {
            return broken(Defect::Truncated {
                first_missing: self.verifier.verified_up_to() + 1,
                claimed_last: checkpoint.tree_size,
            });
        }
        match self.verifier.finish(claimed_last_seq) {
            Ok(verified_up_to) => VerifyOutcome::Intact(VerifyReport {
                verified_up_to,
                checkpoints_checked: self.checked,
            }),
            Err(defect) => broken(defect),
        }
    }
}

/// Recomputes every leaf and chain hash and checks every signed checkpoint.
pub async fn verify(db: &Db, key: &VerifyingKey) -> Result<VerifyOutcome> {
    let checkpoints =
        read!(db, fetch_all, CheckpointRow, "SELECT tree_size, root_hash, issued_at, signature FROM audit_checkpoint ORDER BY tree_size")?;
    let mut replay = Replay::new(checkpoints, *key);
    let replayed = match db {
        // Millions of rows: read them with SQLite directly rather than through the pool.
        Db::Sqlite(sqlite) => {
            let path = sqlite.path.clone();
            let (result, returned) = tokio::task::spawn_blocking(move || {
                let result = sqlite_replay::replay_file(&path, &mut replay);
                (result, replay)
            })
            .await
            .map_err(|e| StoreError::Audit(e.to_string()))?;
            replay = returned;
            result?
        }
        Db::Postgres(_) => replay_batches(db, &mut replay).await?,
    };
    if let Err(defect) = replayed {
        let verified_up_to = replay.verified_up_to();
        return Ok(VerifyOutcome::Broken {
            defect,
            verified_up_to,
        });
    }
    let claimed = read_scalar!(
        db,
        fetch_one,
        i64,
        "SELECT last_seq FROM audit_head WHERE id = 1"
    )?;
    Ok(replay.finish(claimed))
}

/// Feeds all events through the pool in batches of [`VERIFY_BATCH`].
async fn replay_batches(db: &Db, replay: &mut Replay) -> Result<Result<(), Defect>> {
    let sql = format!("SELECT {EVENT_COLUMNS}, leaf_hash, chain_hash FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2");
    let mut after = 0i64;
    loop {
        let rows = read!(db, fetch_all, StoredRow, &sql, after, VERIFY_BATCH)?;
        let Some(last) = rows.last() else {
            return Ok(Ok(()));
        };
        after = last.seq;
        for row in &rows {
            let stored = StoredEvent {
                record: row.record(),
                leaf_hash: &row.leaf_hash,
                chain_hash: &row.chain_hash,
            };
            if let Err(defect) = replay.feed(&stored) {
                return Ok(Err(defect));
            }
        }
    }
}

fn check_checkpoint(
    verifier: &ChainVerifier,
    row: &CheckpointRow,
    key: &VerifyingKey,
) -> Result<(), Defect> {
    let tree_size = u64::try_from(row.tree_size).unwrap_or_default();
    let checkpoint = row
        .checkpoint()
        .ok_or(Defect::CheckpointMismatch { tree_size })?;
    verifier.check_checkpoint(&checkpoint, &row.signature, key)
}

#[derive(sqlx::FromRow)]
struct TreeState {
    tree_size: i64,
    frontier: Vec<u8>,
}

/// Verifies the events appended since the last checkpoint (leaf hashes recomputed from
/// the stored fields, chain continued from the last checkpointed event), extends the
/// Merkle tree over them and stores a signed checkpoint. A checkpoint therefore means
/// "verified up to N at T". Nothing is signed when the new events do not verify.
///
/// Safe to run from several processes at once: the tree state is locked.
/// Returns the new checkpoint's tree size, or `None` when nothing was new.
pub async fn extend_tree(db: &Db, key: &SigningKey) -> Result<Option<i64>> {
    let mut tx = db.begin().await?;
    let state_sql = match tx.engine() {
        Engine::Sqlite => "SELECT tree_size, frontier FROM audit_tree_state WHERE id = 1",
        Engine::Postgres => {
            "SELECT tree_size, frontier FROM audit_tree_state WHERE id = 1 FOR UPDATE"
        }
    };
    let state = in_tx!(&mut tx, fetch_optional, TreeState, state_sql)?;
    let mut verifier = match &state {
        Some(s) => {
            let frontier =
                Frontier::from_bytes(&s.frontier).map_err(|e| StoreError::Audit(e.to_string()))?;
            let last_chain = in_tx_scalar!(
                &mut tx,
                fetch_one,
                Vec<u8>,
                "SELECT chain_hash FROM audit_event WHERE seq = $1",
                s.tree_size
            )?;
            ChainVerifier::resume(
                to_hash(&last_chain)
                    .ok_or_else(|| StoreError::Audit("corrupt chain hash".into()))?,
                frontier,
            )
        }
        None => ChainVerifier::new(),
    };
    let start = verifier.verified_up_to();
    loop {
        let sql = format!("SELECT {EVENT_COLUMNS}, leaf_hash, chain_hash FROM audit_event WHERE seq > $1 ORDER BY seq LIMIT $2");
        let rows = in_tx!(
            &mut tx,
            fetch_all,
            StoredRow,
            &sql,
            verifier.verified_up_to(),
            VERIFY_BATCH
        )?;
        if rows.is_empty() {
            break;
        }
        for row in &rows {
            let stored = StoredEvent {
                record: row.record(),
                leaf_hash: &row.leaf_hash,
                chain_hash: &row.chain_hash,
            };
            verifier
                .check(&stored)
                .map_err(|defect| StoreError::Audit(format!("refusing to sign: {defect}")))?;
        }
    }
    let tree_size = verifier.verified_up_to();
    if tree_size == start {
        return Ok(None);
    }
    let frontier = verifier.frontier();
    let checkpoint = Checkpoint {
        tree_size: frontier.size(),
        root: frontier.root(),
        issued_at_micros: now().timestamp_micros(),
    };
    let signature = checkpoint.sign(key);
    let issued_at =
        DateTime::from_timestamp_micros(checkpoint.issued_at_micros).unwrap_or_else(now);
    exec_tx!(
        &mut tx,
        "INSERT INTO audit_checkpoint (tree_size, root_hash, issued_at, signature, key_id) VALUES ($1, $2, $3, $4, $5)",
        tree_size,
        checkpoint.root.to_vec(),
        issued_at,
        signature.to_vec(),
        key_id(&key.verifying_key()),
    )?;
    let upsert = if state.is_some() {
        "UPDATE audit_tree_state SET tree_size = $1, frontier = $2 WHERE id = 1"
    } else {
        "INSERT INTO audit_tree_state (id, tree_size, frontier) VALUES (1, $1, $2)"
    };
    exec_tx!(&mut tx, upsert, tree_size, frontier.to_bytes())?;
    tx.commit().await?;
    Ok(Some(tree_size))
}

/// Hex of the public key, stored with each checkpoint.
pub fn key_id(key: &VerifyingKey) -> String {
    key.as_bytes().iter().map(|b| format!("{b:02x}")).collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LatestCheckpoint {
    pub tree_size: i64,
    pub issued_at: DateTime<Utc>,
}

pub async fn latest_checkpoint(db: &Db) -> Result<Option<LatestCheckpoint>> {
    let row = read!(
        db,
        fetch_optional,
        CheckpointRow,
        "SELECT tree_size, root_hash, issued_at, signature FROM audit_checkpoint ORDER BY tree_size DESC LIMIT 1"
    )?;
    Ok(row.map(|r| LatestCheckpoint {
        tree_size: r.tree_size,
        issued_at: r.issued_at,
    }))
}

/// A single event with everything needed to check it independently: its leaf hash,
/// the audit path to a signed checkpoint, the checkpoint and its signature.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InclusionProof {
    pub event: AuditEvent,
    pub leaf_index: u64,
    pub leaf_hash: String,
    pub tree_size: u64,
    pub root_hash: String,
    pub checkpoint_issued_at: DateTime<Utc>,
    pub checkpoint_body: String,
    pub signature: String,
    pub audit_path: Vec<String>,
    pub public_key: String,
}

/// Proof that the event `seq` of `organisation_id` is in the signed log. `None` when no
/// checkpoint covers the event yet.
pub async fn inclusion_proof(
    db: &Db,
    organisation_id: i64,
    seq: i64,
) -> Result<Option<InclusionProof>> {
    let event = get(db, organisation_id, seq).await?;
    let Some(row) = read!(
        db,
        fetch_optional,
        CheckpointRow,
        "SELECT tree_size, root_hash, issued_at, signature FROM audit_checkpoint WHERE tree_size >= $1 ORDER BY tree_size LIMIT 1",
        seq
    )?
    else {
        return Ok(None);
    };
    let checkpoint = row
        .checkpoint()
        .ok_or_else(|| StoreError::Audit("corrupt checkpoint".into()))?;
    let key = read_scalar!(
        db,
        fetch_one,
        String,
        "SELECT key_id FROM audit_checkpoint WHERE tree_size = $1",
        row.tree_size
    )?;
    let mut leaves: Vec<Hash> =
        Vec::with_capacity(usize::try_from(row.tree_size).unwrap_or_default());
    let mut after = 0i64;
    while after < row.tree_size {
        let batch = read_scalar!(
            db,
            fetch_all,
            Vec<u8>,
            "SELECT leaf_hash FROM audit_event WHERE seq > $1 AND seq <= $2 ORDER BY seq LIMIT $3",
            after,
            row.tree_size,
            VERIFY_BATCH
        )?;
        if batch.is_empty() {
            return Err(StoreError::Audit(
                "events missing below a checkpoint".into(),
            ));
        }
        after += batch.len() as i64;
        for leaf in batch {
            leaves
                .push(to_hash(&leaf).ok_or_else(|| StoreError::Audit("corrupt leaf hash".into()))?);
        }
    }
    let index = u64::try_from(seq - 1).map_err(|_| StoreError::NotFound)?;
    let path = tillit_audit::merkle::inclusion_proof(&leaves, index)
        .map_err(|e| StoreError::Audit(e.to_string()))?;
    let leaf = leaves[usize::try_from(index).map_err(|_| StoreError::NotFound)?];
    Ok(Some(InclusionProof {
        event,
        leaf_index: index,
        leaf_hash: hex(&leaf),
        tree_size: checkpoint.tree_size,
        root_hash: hex(&checkpoint.root),
        checkpoint_issued_at: row.issued_at,
        checkpoint_body: checkpoint.body(),
        signature: hex(&row.signature),
        audit_path: path.iter().map(|h| hex(h)).collect(),
        public_key: key,
    }))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn to_hash(bytes: &[u8]) -> Option<Hash> {
    bytes.try_into().ok()
}

/// Events per transaction in [`append_synthetic`].
const SYNTHETIC_BATCH: u64 = 10_000;

/// Appends `count` placeholder events from the system actor `bench`, for measuring the
/// trail at scale (`tillit bench`). Each is a real, hash-chained event written through
/// [`append`], so the trail still verifies; they are committed 10,000 to a transaction.
pub async fn append_synthetic(db: &Db, count: u64) -> Result<()> {
    let actor = Actor::system("bench");
    let mut written = 0;
    while written < count {
        let end = (written + SYNTHETIC_BATCH).min(count);
        let mut tx = db.begin().await?;
        for n in written..end {
            let event = NewEvent::new(None, "bench", "bench", n);
            append(&mut tx, &actor, event).await?;
        }
        tx.commit().await?;
        written = end;
    }
    Ok(())
}
