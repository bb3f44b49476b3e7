//! Extractors for the logged-in user.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use oauth_kit_core::SessionUser;
use oauth_kit_core::flow::{self, Requirement, Sessions};
use tower_sessions::Session;

use crate::response::Rejection;
use crate::session::AxumSession;

/// The logged-in user of this request's session, if any, as core's session work judges it
/// (with the settings of the session layer, or the defaults under another layer).
pub(crate) async fn session_user(parts: &mut Parts) -> Result<Option<SessionUser>, Rejection> {
    let session = Session::from_request_parts(parts, &())
        .await
        .map_err(|_| Rejection(flow::Rejection::Session))?;
    let sessions = parts
        .extensions
        .get::<Sessions>()
        .cloned()
        .unwrap_or_default();
    Ok(sessions.user(&AxumSession(session)).await?)
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
