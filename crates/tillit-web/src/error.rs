//! One error type for the whole web layer.
//!
//! Handlers return `AppError`; its response carries the error as an extension and the
//! `render_errors` middleware turns it into a localized HTML page or an RFC 9457
//! problem document, depending on what was asked for.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use tillit_domain::{FieldError, ValidationErrors};
use tillit_store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not signed in")]
    Unauthenticated,
    #[error("forbidden")]
    Forbidden,
    #[error("the organisation is suspended")]
    Suspended,
    #[error("operator accounts cannot open an organisation's content")]
    OperatorAccount,
    #[error("not found")]
    NotFound,
    #[error("the object was changed by someone else")]
    Conflict,
    #[error("malformed request body: {0}")]
    MalformedBody(String),
    #[error("invalid input")]
    Invalid(ValidationErrors),
    #[error("request body too large")]
    PayloadTooLarge,
    #[error("too many attempts")]
    TooManyAttempts,
    #[error("missing or wrong CSRF token")]
    CsrfRejected,
    #[error("internal error: {0}")]
    Internal(String),
}

impl AppError {
    pub fn status(&self) -> StatusCode {
        match self {
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden
            | AppError::CsrfRejected
            | AppError::Suspended
            | AppError::OperatorAccount => StatusCode::FORBIDDEN,
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Conflict => StatusCode::CONFLICT,
            AppError::MalformedBody(_) => StatusCode::BAD_REQUEST,
            AppError::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::TooManyAttempts => StatusCode::TOO_MANY_REQUESTS,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    /// Stable code, also the suffix of the Fluent message ids `problem-<code>-title`
    /// and `problem-<code>-detail`.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Unauthenticated => "unauthenticated",
            AppError::Forbidden => "forbidden",
            AppError::Suspended => "organisation-suspended",
            AppError::OperatorAccount => "operator-account",
            AppError::NotFound => "not-found",
            AppError::Conflict => "conflict",
            AppError::MalformedBody(_) => "malformed-body",
            AppError::Invalid(_) => "invalid-input",
            AppError::PayloadTooLarge => "payload-too-large",
            AppError::TooManyAttempts => "too-many-attempts",
            AppError::CsrfRejected => "csrf-rejected",
            AppError::Internal(_) => "internal",
        }
    }

    pub fn invalid(field: &str, code: &'static str) -> Self {
        AppError::Invalid(ValidationErrors::single(field, code))
    }

    pub fn internal(error: impl std::fmt::Display) -> Self {
        AppError::Internal(error.to_string())
    }
}

impl From<StoreError> for AppError {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::NotFound => AppError::NotFound,
            StoreError::Conflict => AppError::Conflict,
            StoreError::Duplicate { field } => AppError::invalid(field, "duplicate"),
            StoreError::Invalid(errors) => AppError::Invalid(errors),
            other => AppError::internal(other),
        }
    }
}

impl From<ValidationErrors> for AppError {
    fn from(errors: ValidationErrors) -> Self {
        AppError::Invalid(errors)
    }
}

/// What the error renderer needs, carried in the response extensions.
#[derive(Debug, Clone)]
pub struct ErrorReport {
    pub status: StatusCode,
    pub code: &'static str,
    pub fields: Vec<FieldError>,
    /// Extra detail for 400s (e.g. where the JSON broke); never set for internal errors.
    pub detail: Option<String>,
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        if let AppError::Internal(message) = &self {
            tracing::error!(%message, "internal error");
        }
        let report = ErrorReport {
            status: self.status(),
            code: self.code(),
            detail: match &self {
                AppError::MalformedBody(detail) => Some(detail.clone()),
                _ => None,
            },
            fields: match self {
                AppError::Invalid(errors) => errors.0,
                _ => Vec::new(),
            },
        };
        let mut response = report.status.into_response();
        response.extensions_mut().insert(report);
        response
    }
}

pub async fn not_found() -> AppError {
    AppError::NotFound
}
