//! The case's timeline (never changed or removed) and its attachments, each with a
//! SHA-256 checksum.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::json;
use sha2::{Digest, Sha256};

use super::{bump, from_json, log, NewEntry};
use crate::audit::{self, NewEvent};
use crate::db::Db;
use crate::error::{Result, StoreError};
use crate::{now, Actor};

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Entry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// `reported`, `assessed`, `escalated`, `decided`, `submitted`, `note`,
    /// `attachment`, `follow_up`, `linked`, `closed`.
    pub kind: String,
    pub actor_label: String,
    pub text: String,
    pub data: serde_json::Value,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: i64,
    at: DateTime<Utc>,
    kind: String,
    actor_label: String,
    text: String,
    data: String,
}

/// The timeline, oldest first.
pub async fn entries(db: &Db, organisation_id: i64, incident_id: i64) -> Result<Vec<Entry>> {
    read!(
        db,
        fetch_all,
        EntryRow,
        "SELECT id, at, kind, actor_label, text, data FROM incident_entry WHERE incident_id = $1 \
         AND organisation_id = $2 ORDER BY at, id",
        incident_id,
        organisation_id
    )?
    .into_iter()
    .map(|row| {
        Ok(Entry {
            id: row.id,
            at: row.at,
            kind: row.kind,
            actor_label: row.actor_label,
            text: row.text,
            data: from_json(&row.data)?,
        })
    })
    .collect()
}

/// Adds a note (an event, a decision taken, a contact made) to the timeline.
pub async fn add_note(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    text: &str,
) -> Result<()> {
    let at = now();
    let mut tx = db.begin().await?;
    bump(&mut tx, organisation_id, incident_id, expected_version, at).await?;
    log(
        &mut tx,
        organisation_id,
        incident_id,
        actor,
        at,
        NewEntry {
            kind: "note",
            text,
            data: json!({}),
        },
    )
    .await?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "note", "incident", incident_id)
            .after(&json!({ "text": text })),
    )
    .await?;
    tx.commit().await
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, sqlx::FromRow)]
pub struct Attachment {
    pub id: i64,
    pub file_name: String,
    pub content_type: String,
    pub size_bytes: i64,
    /// Hex SHA-256 of the content, to show the file is the one uploaded.
    pub sha256: String,
    pub uploaded_at: DateTime<Utc>,
    pub uploaded_by_label: String,
}

/// A file to attach, already checked for size and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAttachment<'a> {
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
}

pub async fn attachments(
    db: &Db,
    organisation_id: i64,
    incident_id: i64,
) -> Result<Vec<Attachment>> {
    Ok(read!(
        db,
        fetch_all,
        Attachment,
        "SELECT id, file_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by_label FROM incident_attachment \
         WHERE incident_id = $1 AND organisation_id = $2 ORDER BY id",
        incident_id,
        organisation_id
    )?)
}

pub async fn add_attachment(
    db: &Db,
    organisation_id: i64,
    actor: &Actor,
    incident_id: i64,
    expected_version: i64,
    file: &NewAttachment<'_>,
) -> Result<Attachment> {
    let at = now();
    let sha256 = hex::encode(Sha256::digest(file.content));
    let size = i64::try_from(file.content.len()).unwrap_or(i64::MAX);
    let mut tx = db.begin().await?;
    bump(&mut tx, organisation_id, incident_id, expected_version, at).await?;
    let id = in_tx_scalar!(
        &mut tx,
        fetch_one,
        i64,
        "INSERT INTO incident_attachment (organisation_id, incident_id, file_name, content_type, size_bytes, sha256, \
         content, uploaded_at, uploaded_by_label) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
        organisation_id,
        incident_id,
        file.file_name,
        file.content_type,
        size,
        sha256.as_str(),
        file.content,
        at,
        actor.label.as_str()
    )?;
    log(
        &mut tx,
        organisation_id,
        incident_id,
        actor,
        at,
        NewEntry {
            kind: "attachment",
            text: file.file_name,
            data: json!({ "attachment_id": id, "sha256": sha256, "size_bytes": size }),
        },
    )
    .await?;
    let attachment = in_tx!(
        &mut tx,
        fetch_one,
        Attachment,
        "SELECT id, file_name, content_type, size_bytes, sha256, uploaded_at, uploaded_by_label FROM incident_attachment \
         WHERE id = $1",
        id
    )?;
    audit::append(
        &mut tx,
        actor,
        NewEvent::new(Some(organisation_id), "attach", "incident", incident_id).after(&attachment),
    )
    .await?;
    tx.commit().await?;
    Ok(attachment)
}

/// An attachment with its content, for download.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AttachmentContent {
    pub file_name: String,
    pub content_type: String,
    pub sha256: String,
    pub content: Vec<u8>,
}

pub async fn attachment(
    db: &Db,
    organisation_id: i64,
    incident_id: i64,
    id: i64,
) -> Result<AttachmentContent> {
    read!(
        db,
        fetch_optional,
        AttachmentContent,
        "SELECT file_name, content_type, sha256, content FROM incident_attachment WHERE id = $1 AND incident_id = $2 \
         AND organisation_id = $3",
        id,
        incident_id,
        organisation_id
    )?
    .ok_or(StoreError::NotFound)
}
