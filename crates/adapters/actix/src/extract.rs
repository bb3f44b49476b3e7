//! Extractors for the logged-in user.

use std::future::{Ready, ready};

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use oauth_kit_core::SessionUser;
use oauth_kit_core::flow::{self, Requirement, SESSION_USER_KEY, SessionCheck};

use crate::response::Rejection;
use crate::routes::OAuth;

/// The logged-in user of this request's session, if any.
///
/// A session past its absolute lifetime is ended; a session whose login id is no longer live
/// (logged out, replaced by a newer login, idle for too long, or from before a restart) is
/// purged. Both count as anonymous.
pub(crate) fn session_user(req: &HttpRequest) -> Result<Option<SessionUser>, Rejection> {
    let session = req.get_session();
    let user = session
        .get::<SessionUser>(SESSION_USER_KEY)
        .map_err(|err| {
            tracing::error!(error = %err, "the session could not be read");
            Rejection(flow::Rejection::Session)
        })?;
    if user.is_none() {
        return Ok(None);
    }
    let Some(oauth) = req.app_data::<web::Data<OAuth>>() else {
        tracing::error!(
            "the oauth-kit state is not registered: mount the routes with `OAuth::configure`"
        );
        return Err(Rejection(flow::Rejection::Session));
    };
    match oauth.routes().check_session(user) {
        SessionCheck::User(user) if oauth.is_live(&session) => Ok(Some(*user)),
        SessionCheck::User(_) => {
            tracing::debug!("a session of an ended login was presented; it is purged");
            session.purge();
            Ok(None)
        }
        SessionCheck::Expired => {
            oauth.end_session(&session);
            Ok(None)
        }
        _ => Ok(None),
    }
}

/// Defines an extractor that holds what `$admit` makes of the session's user.
macro_rules! user_extractor {
    ($(#[$doc:meta])* $name:ident($inner:ty) = $admit:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub $inner);

        impl FromRequest for $name {
            type Error = Rejection;
            type Future = Ready<Result<Self, Rejection>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let admit: fn(Option<SessionUser>) -> Result<$inner, flow::Rejection> = $admit;
                ready(session_user(req).and_then(|user| Ok($name(admit(user)?))))
            }
        }
    };
}

user_extractor!(
    /// The logged-in user; answers 401 JSON when nobody is logged in.
    ///
    /// `Option<CurrentUser>` works too (Actix turns any rejection into `None`); prefer
    /// [`OptionalUser`], which still answers 500 when the session cannot be read.
    CurrentUser(SessionUser) = |user| Requirement::LoggedIn.admit(user)
);

user_extractor!(
    /// The logged-in user, or `None`: never rejects for a missing login.
    OptionalUser(Option<SessionUser>) = Ok
);

user_extractor!(
    /// A logged-in user whose provider asserted a verified email: 401 when nobody is logged in,
    /// 403 (`email_not_verified`) otherwise.
    VerifiedUser(SessionUser) = |user| Requirement::VerifiedEmail.admit(user)
);
