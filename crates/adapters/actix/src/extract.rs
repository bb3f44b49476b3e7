//! Extractors for the logged-in user, and the rejection type that maps errors to HTTP.

use std::fmt;
use std::future::{Ready, ready};

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use oauth_kit_core::flow::{Denial, Requirement, SESSION_USER_KEY};
use oauth_kit_core::{Error, SessionUser};

use crate::routes::OAuth;

/// An HTTP error of this adapter, with a fixed status and JSON body
/// `{"error": "<code>", "message": "<text>"}` and `Cache-Control: no-store`.
///
/// This is the one place where the adapter turns an error into HTTP (its [`ResponseError`]
/// implementation); the callback never answers with it, it redirects to the failure path.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthRejection {
    /// No user is logged in: 401.
    Unauthenticated,
    /// The user is logged in but does not pass a guard: 403 with the guard's code.
    Forbidden(&'static str),
    /// No provider with this name: 404.
    UnknownProvider,
    /// The session could not be read, or the adapter's state is not registered (the routes
    /// were not mounted with [`OAuth::configure`]): 500.
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

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (_, code, message) = self.parts();
        write!(f, "{message} ({code})")
    }
}

impl std::error::Error for AuthRejection {}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> StatusCode {
        self.parts().0
    }

    fn error_response(&self) -> HttpResponse {
        let (status, code, message) = self.parts();
        HttpResponse::build(status)
            .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .json(serde_json::json!({ "error": code, "message": message }))
    }
}

/// The logged-in user of this request's session, if any.
///
/// A session whose login id is no longer live (logged out, replaced by a newer login, idle
/// for too long, or from before a restart) is purged and counts as anonymous.
pub(crate) fn session_user(req: &HttpRequest) -> Result<Option<SessionUser>, AuthRejection> {
    let session = req.get_session();
    let user = session
        .get::<SessionUser>(SESSION_USER_KEY)
        .map_err(|err| {
            tracing::error!(error = %err, "the session could not be read");
            AuthRejection::Session
        })?;
    let Some(user) = user else {
        return Ok(None);
    };
    let Some(oauth) = req.app_data::<web::Data<OAuth>>() else {
        tracing::error!(
            "the oauth-kit state is not registered: mount the routes with `OAuth::configure`"
        );
        return Err(AuthRejection::Session);
    };
    if oauth.is_live(&session) {
        Ok(Some(user))
    } else {
        tracing::debug!("a session of an ended login was presented; it is purged");
        session.purge();
        Ok(None)
    }
}

/// The logged-in user; answers 401 JSON when nobody is logged in.
///
/// `Option<CurrentUser>` works too (Actix turns any rejection into `None`); prefer
/// [`OptionalUser`], which still answers 500 when the session cannot be read.
#[derive(Debug, Clone)]
pub struct CurrentUser(pub SessionUser);

impl FromRequest for CurrentUser {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(
            session_user(req)
                .and_then(|user| user.map(CurrentUser).ok_or(AuthRejection::Unauthenticated)),
        )
    }
}

/// The logged-in user, or `None`: never rejects for a missing login.
#[derive(Debug, Clone)]
pub struct OptionalUser(pub Option<SessionUser>);

impl FromRequest for OptionalUser {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(session_user(req).map(OptionalUser))
    }
}

/// A logged-in user whose provider asserted a verified email: 401 when nobody is logged in,
/// 403 (`email_not_verified`) otherwise.
#[derive(Debug, Clone)]
pub struct VerifiedUser(pub SessionUser);

impl FromRequest for VerifiedUser {
    type Error = AuthRejection;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _payload: &mut Payload) -> Self::Future {
        ready(session_user(req).and_then(|user| {
            Requirement::VerifiedEmail.check(user.as_ref())?;
            user.map(VerifiedUser).ok_or(AuthRejection::Unauthenticated)
        }))
    }
}
