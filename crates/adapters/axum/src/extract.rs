//! Extractors for the logged-in user, and the rejection type that maps errors to HTTP.

use axum::Json;
use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Response};
use oauth_kit_core::flow::{Rejection, Requirement, SESSION_USER_KEY};
use oauth_kit_core::{Error, SessionUser};
use tower_sessions::Session;

/// An HTTP error of this adapter: a [`Rejection`] (fixed status, JSON body
/// `{"error": "<code>", "message": "<text>"}`, `Cache-Control: no-store`) as an Axum response.
/// The Actix adapter answers with the same statuses and bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthRejection(pub Rejection);

impl<T: Into<Rejection>> From<T> for AuthRejection {
    fn from(rejection: T) -> Self {
        AuthRejection(rejection.into())
    }
}

impl AuthRejection {
    /// Maps a core error (from `begin`) to a rejection, logging the detail.
    pub fn from_core(err: &Error) -> Self {
        AuthRejection(Rejection::from_begin_error(err))
    }
}

impl IntoResponse for AuthRejection {
    fn into_response(self) -> Response {
        let status =
            StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.0.body())).into_response();
        response.headers_mut().insert(
            axum::http::header::CACHE_CONTROL,
            axum::http::HeaderValue::from_static("no-store"),
        );
        response
    }
}

/// The logged-in user of this request's session, if any. A login older than the absolute
/// session lifetime is ended here (the session is flushed), whatever the session store.
pub(crate) async fn session_user(parts: &mut Parts) -> Result<Option<SessionUser>, AuthRejection> {
    let session = Session::from_request_parts(parts, &())
        .await
        .map_err(|_| AuthRejection(Rejection::Session))?;
    let user = session
        .get::<SessionUser>(SESSION_USER_KEY)
        .await
        .map_err(|err| AuthRejection(session_rejection(&err, "the session could not be read")))?;
    let Some(user) = user else {
        return Ok(None);
    };
    let lifetime = parts
        .extensions
        .get::<SessionLifetime>()
        .map_or(oauth_kit_core::session::DEFAULT_SESSION_LIFETIME, |l| l.0);
    if user.is_older_than(lifetime) {
        tracing::debug!("a session past its absolute lifetime was presented; it is ended");
        if let Err(err) = session.flush().await {
            tracing::error!(error = %err, "the session could not be flushed");
        }
        return Ok(None);
    }
    Ok(Some(user))
}

/// The rejection for a failed session operation, logged as an error: 503
/// `store_unavailable` when the session store's backend failed (Redis down or too slow, for
/// example), 500 `session_error` otherwise.
pub(crate) fn session_rejection(err: &tower_sessions::session::Error, what: &str) -> Rejection {
    if is_backend_failure(err) {
        tracing::error!(error = %err, code = "store_unavailable", "{what}: the session store is unavailable");
        Rejection::Unavailable
    } else {
        tracing::error!(error = %err, "{what}");
        Rejection::Session
    }
}

/// Whether a session error comes from the store's backend (as opposed to encoding).
pub(crate) fn is_backend_failure(err: &tower_sessions::session::Error) -> bool {
    matches!(
        err,
        tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(_))
    )
}

/// The absolute session lifetime, put in the request's extensions by the session layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SessionLifetime(pub(crate) std::time::Duration);

/// The logged-in user; answers 401 JSON when nobody is logged in.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SessionUser);

impl<S: Send + Sync> FromRequestParts<S> for CurrentUser {
    type Rejection = AuthRejection;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        session_user(parts)
            .await?
            .map(CurrentUser)
            .ok_or(AuthRejection(Rejection::Unauthenticated))
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
        user.map(VerifiedUser)
            .ok_or(AuthRejection(Rejection::Unauthenticated))
    }
}
