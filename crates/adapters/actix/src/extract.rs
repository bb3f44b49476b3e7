//! Extractors for the logged-in user, and the rejection type that maps errors to HTTP.

use std::fmt;
use std::future::{Ready, ready};

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, HeaderValue};
use actix_web::{FromRequest, HttpRequest, HttpResponse, ResponseError, web};
use oauth_kit_core::flow::{Rejection, Requirement, SESSION_USER_KEY};
use oauth_kit_core::{Error, SessionUser};

use crate::routes::OAuth;

/// An HTTP error of this adapter: a [`Rejection`] (fixed status, JSON body
/// `{"error": "<code>", "message": "<text>"}`, `Cache-Control: no-store`) as an Actix response.
/// The Axum adapter answers with the same statuses and bodies.
///
/// This is the one place where the adapter turns an error into HTTP (its [`ResponseError`]
/// implementation); the callback never answers with it, it redirects to the failure path.
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

impl fmt::Display for AuthRejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for AuthRejection {}

impl ResponseError for AuthRejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        HttpResponse::build(self.status_code())
            .insert_header((CACHE_CONTROL, HeaderValue::from_static("no-store")))
            .json(self.0.body())
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
            AuthRejection(Rejection::Session)
        })?;
    let Some(user) = user else {
        return Ok(None);
    };
    let Some(oauth) = req.app_data::<web::Data<OAuth>>() else {
        tracing::error!(
            "the oauth-kit state is not registered: mount the routes with `OAuth::configure`"
        );
        return Err(AuthRejection(Rejection::Session));
    };
    let lifetime = oauth.service().config().session_limits().lifetime;
    if user.is_older_than(lifetime) {
        tracing::debug!("a session past its absolute lifetime was presented; it is ended");
        oauth.end_session(&session);
        Ok(None)
    } else if oauth.is_live(&session) {
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
        ready(session_user(req).and_then(|user| {
            user.map(CurrentUser)
                .ok_or(AuthRejection(Rejection::Unauthenticated))
        }))
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
            user.map(VerifiedUser)
                .ok_or(AuthRejection(Rejection::Unauthenticated))
        }))
    }
}
