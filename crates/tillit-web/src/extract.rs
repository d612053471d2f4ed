//! Request extractors whose failures become our own errors, naming the bad field.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use serde::de::DeserializeOwned;

use crate::error::AppError;

/// A JSON body. Broken JSON is a 400; a missing or mistyped field a 422 naming it.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json") || v.contains("+json"));
        if !is_json {
            return Err(AppError::MalformedBody(
                "expected Content-Type: application/json".into(),
            ));
        }
        let bytes = body_bytes(request, state).await?;
        parse_json(&bytes).map(ApiJson)
    }
}

async fn body_bytes<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, AppError> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
                AppError::PayloadTooLarge
            } else {
                AppError::MalformedBody(rejection.body_text())
            }
        })
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let mut deserializer = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
        let path = error.path().to_string();
        let inner = error.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => AppError::invalid(
                &field_name(&path, &inner.to_string()),
                data_error_code(&inner.to_string()),
            ),
            _ => AppError::MalformedBody(inner.to_string()),
        }
    })?;
    deserializer
        .end()
        .map_err(|e| AppError::MalformedBody(e.to_string()))?;
    Ok(value)
}

/// serde reports a missing (or repeated) field at its parent; the name is in the message.
fn field_name(path: &str, message: &str) -> String {
    let named = ["missing field `", "duplicate field `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    match (named, path) {
        (Some(name), "." | "") => name.to_owned(),
        (Some(name), parent) => format!("{parent}.{name}"),
        (None, path) => path.trim_start_matches('.').to_owned(),
    }
}

fn data_error_code(message: &str) -> &'static str {
    if message.starts_with("missing field") {
        "required"
    } else if message.starts_with("unknown field") {
        "unknown-field"
    } else {
        "invalid-type"
    }
}

/// A URL-encoded form body with the same error rules as [`ApiJson`].
pub struct FormData<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for FormData<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(request, state).await?;
        parse_urlencoded(&bytes).map(FormData)
    }
}

fn parse_urlencoded<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, AppError> {
    let deserializer = serde_urlencoded::Deserializer::new(form_urlencoded_parse(bytes));
    serde_path_to_error::deserialize(deserializer).map_err(|error| {
        let path = error.path().to_string();
        let message = error.into_inner().to_string();
        AppError::invalid(&field_name(&path, &message), data_error_code(&message))
    })
}

fn form_urlencoded_parse(bytes: &[u8]) -> form_urlencoded::Parse<'_> {
    form_urlencoded::parse(bytes)
}

/// A form whose multi-selects send a field more than once: the single-valued fields
/// (the first value of each) as `T`, and every value of a repeated field on request.
pub struct RepeatedForm<T>(pub T, pub FormValues);

/// Every field of a form as sent, in order.
pub struct FormValues(Vec<(String, String)>);

impl FormValues {
    /// Every field of a URL-encoded form or query string, in order.
    pub fn parse(bytes: &[u8]) -> Self {
        FormValues(
            form_urlencoded_parse(bytes)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect(),
        )
    }

    /// The first value of `field`, if it was sent.
    pub fn first(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(key, _)| key == field)
            .map(|(_, value)| value.as_str())
    }

    /// The non-empty values of `field` as ids; anything else is a 422 naming it.
    pub fn ids(&self, field: &str) -> Result<Vec<i64>, AppError> {
        self.0
            .iter()
            .filter(|(key, value)| key == field && !value.trim().is_empty())
            .map(|(_, value)| {
                value
                    .trim()
                    .parse()
                    .map_err(|_| AppError::invalid(field, "invalid-type"))
            })
            .collect()
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for RepeatedForm<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(request, state).await?;
        let values = FormValues::parse(&bytes);
        let mut seen = std::collections::HashSet::new();
        let first: Vec<(&str, &str)> = values
            .0
            .iter()
            .filter(|(key, _)| seen.insert(key.as_str()))
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let encoded = serde_urlencoded::to_string(&first).map_err(AppError::internal)?;
        let form = parse_urlencoded(encoded.as_bytes())?;
        Ok(RepeatedForm(form, values))
    }
}

impl<S: Send + Sync> FromRequest<S> for FormValues {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = body_bytes(request, state).await?;
        Ok(FormValues::parse(&bytes))
    }
}

/// Query parameters, e.g. filters and paging; a bad value is a 422 naming it.
pub struct QueryParams<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for QueryParams<T> {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parse_urlencoded(parts.uri.query().unwrap_or_default().as_bytes()).map(QueryParams)
    }
}

/// A numeric id in the path; anything else is simply not found.
pub struct IdPath(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for IdPath {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let axum::extract::Path(raw) =
            axum::extract::Path::<String>::from_request_parts(parts, state)
                .await
                .map_err(|_| AppError::NotFound)?;
        raw.parse().map(IdPath).map_err(|_| AppError::NotFound)
    }
}

/// Empty form fields mean "not given" for optional numbers and choices.
pub mod empty_as_none {
    use serde::{Deserialize, Deserializer};
    use std::str::FromStr;

    pub fn deserialize<'de, D, T>(deserializer: D) -> Result<Option<T>, D::Error>
    where
        D: Deserializer<'de>,
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        let text: Option<String> = Option::deserialize(deserializer)?;
        match text.as_deref().map(str::trim) {
            None | Some("") => Ok(None),
            Some(value) => value.parse().map(Some).map_err(serde::de::Error::custom),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Input {
        name: String,
        count: i64,
    }

    fn error_of(result: Result<Input, AppError>) -> (u16, String) {
        match result {
            Err(AppError::Invalid(errors)) => (422, errors.0[0].field.clone()),
            Err(AppError::MalformedBody(_)) => (400, String::new()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn json_errors_name_the_field() {
        assert_eq!(
            error_of(parse_json(br#"{"name": "a""#)),
            (400, String::new())
        );
        assert_eq!(
            error_of(parse_json(br#"{"count": 1}"#)),
            (422, "name".into())
        );
        assert_eq!(
            error_of(parse_json(br#"{"name": "a", "count": "x"}"#)),
            (422, "count".into())
        );
        assert!(parse_json::<Input>(br#"{"name": "a", "count": 2}"#).is_ok());
    }

    #[test]
    fn form_errors_name_the_field() {
        assert_eq!(
            error_of(parse_urlencoded(b"name=a&count=x")),
            (422, "count".into())
        );
        assert_eq!(error_of(parse_urlencoded(b"count=1")), (422, "name".into()));
        assert_eq!(
            error_of(parse_urlencoded(b"name=a&count=1&count=2")),
            (422, "count".into())
        );
    }
}
