//! The signed-in user of a request, put in the request extensions by the
//! authentication middleware and taken out by handlers.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use tillit_domain::auth::{Action, Grants};
use tillit_domain::users::Language;
use tillit_store::Actor;

use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct SessionInfo {
    pub id_hash: String,
    pub csrf_token: String,
}

#[derive(Debug, Clone)]
pub struct Principal {
    pub user_id: i64,
    pub organisation_id: i64,
    pub email: String,
    pub display_name: String,
    pub grants: Grants,
    pub language: Option<Language>,
    pub demo: bool,
    pub two_factor_enabled: bool,
    /// Signed in with a one-time password given by an operator: must choose their own.
    pub password_change_required: bool,
    /// Set when signed in through the browser; `None` for API tokens.
    pub session: Option<SessionInfo>,
    /// The organisation's latest audit sequence number when the request began: what was
    /// counted at this position still holds (ADR 0008).
    pub audit_head: i64,
}

impl Principal {
    pub fn actor(&self) -> Actor {
        Actor::user(self.user_id, self.email.clone())
    }

    /// Administrators and coordinators must turn on two-factor login before anything
    /// else, unless this is a demo organisation.
    pub fn must_set_up_two_factor(&self) -> bool {
        !self.demo && !self.two_factor_enabled && self.grants.requires_two_factor()
    }

    pub fn can(&self, action: Action) -> bool {
        self.grants.allows_somewhere(action)
    }

    /// Allowed to open a page or list for `action` (content may still be scoped).
    pub fn require(&self, action: Action) -> Result<(), AppError> {
        if self.can(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    pub fn require_everywhere(&self, action: Action) -> Result<(), AppError> {
        if self.grants.allows_everywhere(action) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Allowed at the unit whose path (itself first, then its ancestors) is given.
    pub fn require_at(&self, action: Action, unit_path: &[i64]) -> Result<(), AppError> {
        if self.grants.allows_at(action, unit_path) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

/// A browser half-way through login: password accepted, second factor not yet given.
#[derive(Debug, Clone)]
pub struct PendingLogin {
    pub user_id: i64,
    pub organisation_id: i64,
    pub session: SessionInfo,
}

impl<S: Send + Sync> FromRequestParts<S> for PendingLogin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<PendingLogin>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

/// The language of the response, decided by the locale middleware.
#[derive(Debug, Clone, Copy)]
pub struct Lang(pub Language);

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<Lang>()
            .copied()
            .unwrap_or(Lang(Language::Sv)))
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Principal {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Principal>().cloned())
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for PendingLogin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<PendingLogin>().cloned())
    }
}
