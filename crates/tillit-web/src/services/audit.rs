//! Reading, exporting and verifying the audit trail.

use tillit_domain::auth::Action;
use tillit_domain::pagination::PageRequest;
use tillit_store::audit::{
    self, AuditEvent, EventFilter, InclusionProof, LatestCheckpoint, NewEvent, VerifyOutcome,
};
use tillit_store::Page;

use crate::auth::Principal;
use crate::error::AppError;
use crate::state::AppState;

pub async fn list(
    state: &AppState,
    principal: &Principal,
    filter: &EventFilter,
    page: PageRequest,
) -> Result<Page<AuditEvent>, AppError> {
    principal.require_everywhere(Action::ViewAuditTrail)?;
    Ok(audit::list(&state.db, principal.organisation_id, filter, page).await?)
}

pub async fn get(
    state: &AppState,
    principal: &Principal,
    seq: i64,
) -> Result<AuditEvent, AppError> {
    principal.require_everywhere(Action::ViewAuditTrail)?;
    Ok(audit::get(&state.db, principal.organisation_id, seq).await?)
}

/// A single event with its inclusion proof; the export itself is recorded.
pub async fn export_with_proof(
    state: &AppState,
    principal: &Principal,
    seq: i64,
) -> Result<Option<InclusionProof>, AppError> {
    principal.require_everywhere(Action::ExportAuditEvent)?;
    let mut proof = audit::inclusion_proof(&state.db, principal.organisation_id, seq).await?;
    if proof.is_none() {
        // No signed checkpoint covers the event yet: sign one now rather than make the user wait.
        audit::extend_tree(&state.db, &state.audit_key).await?;
        proof = audit::inclusion_proof(&state.db, principal.organisation_id, seq).await?;
    }
    audit::record(
        &state.db,
        &principal.actor(),
        NewEvent::new(
            Some(principal.organisation_id),
            "export",
            "audit_event",
            seq,
        ),
    )
    .await?;
    Ok(proof)
}

pub async fn verify(state: &AppState, principal: &Principal) -> Result<VerifyOutcome, AppError> {
    principal.require_everywhere(Action::ViewAuditTrail)?;
    Ok(audit::verify(&state.db, &state.audit_key.verifying_key()).await?)
}

pub async fn latest_checkpoint(
    state: &AppState,
    principal: &Principal,
) -> Result<Option<LatestCheckpoint>, AppError> {
    principal.require_everywhere(Action::ViewAuditTrail)?;
    Ok(audit::latest_checkpoint(&state.db).await?)
}
