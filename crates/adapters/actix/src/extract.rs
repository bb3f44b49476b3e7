//! Extractors for the logged-in user.

use std::pin::Pin;

use actix_session::SessionExt;
use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest, web};
use oauth_kit_core::SessionUser;
use oauth_kit_core::flow::{self, Requirement};

use crate::response::Rejection;
use crate::routes::OAuth;
use crate::session::ActixSession;

/// The logged-in user of this request's session, if any, as core's session work judges it.
pub(crate) async fn session_user(req: &HttpRequest) -> Result<Option<SessionUser>, Rejection> {
    let Some(oauth) = req.app_data::<web::Data<OAuth>>() else {
        tracing::error!(
            "the oauth-kit state is not registered: mount the routes with `OAuth::configure`"
        );
        return Err(Rejection(flow::Rejection::Session));
    };
    let session = ActixSession(req.get_session());
    Ok(oauth.routes.sessions().user(&session).await?)
}

/// Defines an extractor that holds what `$admit` makes of the session's user.
macro_rules! user_extractor {
    ($(#[$doc:meta])* $name:ident($inner:ty) = $admit:expr) => {
        $(#[$doc])*
        #[derive(Debug, Clone)]
        pub struct $name(pub $inner);

        impl FromRequest for $name {
            type Error = Rejection;
            type Future = Pin<Box<dyn Future<Output = Result<Self, Rejection>>>>;

            fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
                let admit: fn(Option<SessionUser>) -> Result<$inner, flow::Rejection> = $admit;
                let req = req.clone();
                Box::pin(async move { Ok($name(admit(session_user(&req).await?)?)) })
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
