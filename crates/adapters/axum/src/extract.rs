//! Extractors for the logged-in user, and the rejection type that maps errors to HTTP.

use axum::Json;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use oauth_kit_core::flow::{Denial, Requirement, SESSION_USER_KEY};
use oauth_kit_core::{Error, SessionUser};
use tower_sessions::Session;

/// An HTTP error of this adapter, with a fixed status and JSON body
/// `{"error": "<code>", "message": "<text>"}`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthRejection {
    /// No user is logged in: 401.
    Unauthenticated,
    /// The user is logged in but does not pass a guard: 403 with the guard's code.
    Forbidden(&'static str),
    /// No provider with this name: 404.
    UnknownProvider,
    /// The session layer is missing or the session store failed: 500.
    Session,
    /// The login could not be started: 500 (details are logged).
    Internal,
}

impl From<Denial> for AuthRejection {
    fn from(denial: Denial) -> Self {
        match denial {
            Denial::Forbidden(code) => AuthRejection::Forbidden(code),
            _ => AuthRejection::Unauthenticated,
        }
    }
}

impl AuthRejection {
    /// Maps a core error (from `begin`) to a rejection, logging the detail.
    pub fn from_core(err: &Error) -> Self {
        match err {
            Error::UnknownProvider { .. } => AuthRejection::UnknownProvider,
            other => {
                tracing::error!(error = %other, "the login could not be started");
                AuthRejection::Internal
            }
        }
    }

    fn parts(&self) -> (StatusCode, &'static str, &'static str) {
        match self {
            AuthRejection::Unauthenticated => {
                (StatusCode::UNAUTHORIZED, "unauthenticated", "log in first")
            }
            AuthRejection::Forbidden(code) => (StatusCode::FORBIDDEN, code, "access denied"),
            AuthRejection::UnknownProvider => (
                StatusCode::NOT_FOUND,
                "unknown_provider",
                "no such login provider",
            ),
            AuthRejection::Session => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "session_error",
                "the session is unavailable",
            ),
            AuthRejection::Internal => (
                StatusCode::INTERNAL_SERVER_ERROR,
                "server_error",
                "the login could not be started",
            ),
        }
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let (status, code, message) = self.parts();
        let mut response = (
            status,
            Json(serde_json::json!({ "error": code, "message": message })),
        )
            .into_response();
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        response
    }
}

pub(crate) async fn session_user(parts: &mut Parts) -> Result<Option<SessionUser>, AuthRejection> {
    let session = Session::from_request_parts(parts, &())
        .await
        .map_err(|_| AuthRejection::Session)?;
    session
        .get::<SessionUser>(SESSION_USER_KEY)
        .await
        .map_err(|err| {
            tracing::error!(error = %err, "the session could not be read");
            AuthRejection::Session
        })
}

/// The logged-in user; answers 401 JSON when nobody is logged in.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SessionUser);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        session_user(parts)
            .await?
            .map(CurrentUser)
            .ok_or(AuthRejection::Unauthenticated)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(
        parts: &mut Parts,
        _state: &S,
    ) -> Result<Option<Self>, Self::Rejection> {
        Ok(session_user(parts).await?.map(CurrentUser))
    }
}

/// The logged-in user, or `None`: never rejects for a missing login.
#[derive(Debug, Clone)]
pub struct OptionalUser(pub Option<SessionUser>);

impl<S: Send + Sync> FromRequestParts<S> for OptionalUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(OptionalUser(session_user(parts).await?))
    }
}

/// A logged-in user whose provider asserted a verified email: 401 when nobody is logged in,
/// 403 (`email_not_verified`) otherwise.
#[derive(Debug, Clone)]
pub struct VerifiedUser(pub SessionUser);

impl<S: Send + Sync> FromRequestParts<S> for VerifiedUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let user = session_user(parts).await?;
        Requirement::VerifiedEmail.check(user.as_ref())?;
        user.map(VerifiedUser).ok_or(AuthRejection::Unauthenticated)
    }
}
