//! The signed-in operator of a request. Operators are no users of any organisation:
//! they get an [`OperatorPrincipal`], never a [`crate::auth::Principal`], so no handler
//! of an organisation's pages or API can ever serve them.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use tillit_store::Actor;

use crate::auth::principal::SessionInfo;
use crate::error::AppError;

#[derive(Debug, Clone)]
pub struct OperatorPrincipal {
    pub operator_id: i64,
    pub email: String,
    pub two_factor_enabled: bool,
    /// Set when signed in through the browser; `None` for API tokens.
    pub session: Option<SessionInfo>,
}

impl OperatorPrincipal {
    pub fn actor(&self) -> Actor {
        Actor::operator(&self.email)
    }

    /// Two-factor sign-in is mandatory for every operator, demo or not.
    pub fn must_set_up_two_factor(&self) -> bool {
        !self.two_factor_enabled
    }
}

impl<S: Send + Sync> FromRequestParts<S> for OperatorPrincipal {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<OperatorPrincipal>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for OperatorPrincipal {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<OperatorPrincipal>().cloned())
    }
}

/// An operator half-way through sign-in: password accepted, code not yet given.
#[derive(Debug, Clone)]
pub struct PendingOperatorLogin {
    pub operator_id: i64,
    pub session: SessionInfo,
}

impl<S: Send + Sync> FromRequestParts<S> for PendingOperatorLogin {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<PendingOperatorLogin>()
            .cloned()
            .ok_or(AppError::Unauthenticated)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for PendingOperatorLogin {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<PendingOperatorLogin>().cloned())
    }
}

/// Whether a path belongs to the operators' pages or API rather than an organisation's.
pub fn is_operator_path(path: &str) -> bool {
    ["/operator", "/api/v1/operator"].iter().any(|prefix| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operator_paths_are_recognised_exactly() {
        for path in [
            "/operator",
            "/operator/login",
            "/api/v1/operator/organisations",
        ] {
            assert!(is_operator_path(path), "{path}");
        }
        for path in [
            "/",
            "/operators",
            "/api/v1/org-units",
            "/organisation",
            "/api/v1/operatorx",
        ] {
            assert!(!is_operator_path(path), "{path}");
        }
    }
}
