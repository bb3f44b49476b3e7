//! Extractors for the logged-in user.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use oauth_kit_core::SessionUser;
use oauth_kit_core::flow::{self, Requirement, SESSION_USER_KEY, SessionCheck, SessionFailure};
use tower_sessions::Session;

use crate::response::Rejection;
use crate::session::SessionLifetime;

/// The logged-in user of this request's session, if any. A login older than the absolute
/// session lifetime is ended here (the session is flushed), whatever the session store.
pub(crate) async fn session_user(parts: &mut Parts) -> Result<Option<SessionUser>, Rejection> {
    let session = Session::from_request_parts(parts, &())
        .await
        .map_err(|_| Rejection(flow::Rejection::Session))?;
    let user = session
        .get::<SessionUser>(SESSION_USER_KEY)
        .await
        .map_err(|err| session_failure(&err, "the session could not be read").rejection())?;
    let lifetime = parts
        .extensions
        .get::<SessionLifetime>()
        .map_or(oauth_kit_core::session::DEFAULT_SESSION_LIFETIME, |l| l.0);
    match SessionCheck::new(user, lifetime) {
        SessionCheck::Expired => {
            if let Err(err) = session.flush().await {
                tracing::error!(error = %err, "the session could not be flushed");
            }
            Ok(None)
        }
        check => Ok(check.into_user()),
    }
}

/// Translates a failed session operation, logged as an error: the store's backend failed
/// (Redis down or too slow, for example), or something else did.
pub(crate) fn session_failure(err: &tower_sessions::session::Error, what: &str) -> SessionFailure {
    let backend = matches!(
        err,
        tower_sessions::session::Error::Store(tower_sessions::session_store::Error::Backend(_))
    );
    if backend {
        tracing::error!(error = %err, code = "store_unavailable", "{what}: the session store is unavailable");
        SessionFailure::Unavailable
    } else {
        tracing::error!(error = %err, "{what}");
        SessionFailure::Other
    }
}

/// Defines an extractor that holds what `$admit` makes of the session's user.
macro_rules! user_extractor {
    ($(#[$doc:meta])* $name:ident($inner:ty) = $admit:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub $inner);

        impl<S: Send + Sync> FromRequestParts<S> for $name {
            type Rejection = Rejection;

            async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Rejection> {
                let admit: fn(Option<SessionUser>) -> Result<$inner, flow::Rejection> = $admit;
                Ok($name(admit(session_user(parts).await?)?))
            }
        }
    };
}

user_extractor!(
    /// The logged-in user; answers 401 JSON when nobody is logged in.
    CurrentUser(SessionUser) = |user| Requirement::LoggedIn.admit(user)
);

user_extractor!(
    /// The logged-in user, or `None`: never rejects for a missing login (a session that cannot
    /// be read is still 500). This is the one optional-user extractor: `Option<CurrentUser>` is
    /// not one.
    OptionalUser(Option<SessionUser>) = Ok
);

user_extractor!(
    /// A logged-in user whose provider asserted a verified email: 401 when nobody is logged in,
    /// 403 (`email_not_verified`) otherwise.
    VerifiedUser(SessionUser) = |user| Requirement::VerifiedEmail.admit(user)
);
