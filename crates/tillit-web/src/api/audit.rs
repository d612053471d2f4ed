//! `/api/v1/audit-events` and `/api/v1/audit/verify`.

use axum::extract::State;
use axum::Json;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tillit_store::audit::{AuditEvent, EventFilter, VerifyOutcome};
use utoipa::{IntoParams, ToSchema};

use crate::api::{ListResponse, Paging, Problem};
use crate::auth::Principal;
use crate::error::AppError;
use crate::extract::{IdPath, QueryParams};
use crate::services::audit as service;
use crate::state::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditEventDto {
    pub seq: i64,
    pub occurred_at: DateTime<Utc>,
    pub actor_id: Option<i64>,
    pub actor_label: String,
    pub action: String,
    pub object_type: String,
    pub object_id: String,
    #[schema(value_type = Option<Object>)]
    pub before: Option<serde_json::Value>,
    #[schema(value_type = Option<Object>)]
    pub after: Option<serde_json::Value>,
}

fn parse(json: Option<String>) -> Option<serde_json::Value> {
    json.and_then(|text| serde_json::from_str(&text).ok())
}

impl From<AuditEvent> for AuditEventDto {
    fn from(e: AuditEvent) -> Self {
        Self {
            seq: e.seq,
            occurred_at: e.occurred_at,
            actor_id: e.actor_id,
            actor_label: e.actor_label,
            action: e.action,
            object_type: e.object_type,
            object_id: e.object_id,
            before: parse(e.before_json),
            after: parse(e.after_json),
        }
    }
}

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct EventQuery {
    pub actor_id: Option<i64>,
    /// e.g. create, update, delete, login, login_failed, role_grant, export.
    pub action: Option<String>,
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// Events at or after this time (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Events before this time (RFC 3339).
    pub until: Option<DateTime<Utc>>,
    pub page: Option<u32>,
    pub per_page: Option<u32>,
}

/// The organisation's audit events, newest first.
#[utoipa::path(get, path = "/api/v1/audit-events", tag = "audit", params(EventQuery),
    responses((status = 200, body = ListResponse<AuditEventDto>), (status = 403, body = Problem), (status = 422, body = Problem)),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    QueryParams(query): QueryParams<EventQuery>,
) -> Result<Json<ListResponse<AuditEventDto>>, AppError> {
    let paging = Paging {
        page: query.page,
        per_page: query.per_page,
    }
    .request()?;
    let filter = EventFilter {
        actor_id: query.actor_id,
        action: query.action,
        object_type: query.object_type,
        object_id: query.object_id,
        from: query.from,
        until: query.until,
    };
    let page = service::list(&state, &principal, &filter, paging).await?;
    Ok(Json(ListResponse::new(page, paging, AuditEventDto::from)))
}

/// One event.
#[utoipa::path(get, path = "/api/v1/audit-events/{seq}", tag = "audit", params(("seq" = i64, Path)),
    responses((status = 200, body = AuditEventDto), (status = 404, body = Problem)), security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(seq): IdPath,
) -> Result<Json<AuditEventDto>, AppError> {
    Ok(Json(service::get(&state, &principal, seq).await?.into()))
}

/// One event with its RFC 9162 inclusion proof against a signed checkpoint. The export is itself recorded.
#[utoipa::path(get, path = "/api/v1/audit-events/{seq}/proof", tag = "audit", params(("seq" = i64, Path)),
    responses((status = 200, description = "Event, leaf hash, audit path, checkpoint and Ed25519 signature"), (status = 404, body = Problem)),
    security(("bearer" = [])))]
pub async fn proof(
    State(state): State<AppState>,
    principal: Principal,
    IdPath(seq): IdPath,
) -> Result<Json<tillit_store::audit::InclusionProof>, AppError> {
    Ok(Json(
        service::export_with_proof(&state, &principal, seq)
            .await?
            .ok_or(AppError::NotFound)?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct VerifyDto {
    pub intact: bool,
    /// The last sequence number that checked out.
    pub verified_up_to: i64,
    /// The first sequence number that does not match, when broken.
    pub first_bad_seq: Option<i64>,
    pub problem: Option<String>,
    pub checkpoints_checked: usize,
    pub verified_at: DateTime<Utc>,
}

/// Recompute the whole hash chain and check every signed checkpoint.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "audit",
    responses((status = 200, body = VerifyDto), (status = 403, body = Problem)), security(("bearer" = [])))]
pub async fn verify(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<VerifyDto>, AppError> {
    let verified_at = Utc::now();
    Ok(Json(match service::verify(&state, &principal).await? {
        VerifyOutcome::Intact(report) => VerifyDto {
            intact: true,
            verified_up_to: report.verified_up_to,
            first_bad_seq: None,
            problem: None,
            checkpoints_checked: report.checkpoints_checked,
            verified_at,
        },
        VerifyOutcome::Broken {
            defect,
            verified_up_to,
        } => VerifyDto {
            intact: false,
            verified_up_to,
            first_bad_seq: Some(defect.first_bad_seq()),
            problem: Some(defect.to_string()),
            checkpoints_checked: 0,
            verified_at,
        },
    }))
}
