//! Route guards as middleware.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use oauth_kit_core::SessionUser;
use oauth_kit_core::flow::Requirement;
use oauth_kit_core::flow::SESSION_USER_KEY;
use tower_sessions::Session;

use crate::extract::AuthRejection;

/// A condition on the logged-in user, checked by [`guard`].
///
/// ```no_run
/// use axum::{Router, middleware, routing::get};
/// use oauth_kit_axum::{Guard, guard};
///
/// let admin: Router = Router::new()
///     .route("/repos", get(|| async { "only Bitbucket users with a verified email" }))
///     .route_layer(middleware::from_fn_with_state(Guard::verified_email(), guard))
///     .route_layer(middleware::from_fn_with_state(Guard::provider("bitbucket"), guard));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard(Requirement);

impl Guard {
    /// Any logged-in user (401 otherwise).
    pub fn logged_in() -> Self {
        Guard(Requirement::LoggedIn)
    }

    /// A user logged in with `provider` (401 when nobody is logged in, 403 `wrong_provider`).
    pub fn provider(provider: impl Into<String>) -> Self {
        Guard(Requirement::Provider(provider.into()))
    }

    /// A user whose provider asserted a verified email (403 `email_not_verified`).
    pub fn verified_email() -> Self {
        Guard(Requirement::VerifiedEmail)
    }

    /// Checks a session user against the guard.
    pub fn check(&self, user: Option<&SessionUser>) -> Result<(), AuthRejection> {
        self.0.check(user).map_err(AuthRejection::from)
    }
}

/// The middleware function behind every [`Guard`]; use it with
/// `axum::middleware::from_fn_with_state(Guard::..., guard)`.
pub async fn guard(
    State(guard): State<Guard>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let user = match session.get::<SessionUser>(SESSION_USER_KEY).await {
        Ok(user) => user,
        Err(err) => {
            tracing::error!(error = %err, "the session could not be read");
            return AuthRejection::Session.into_response();
        }
    };
    match guard.check(user.as_ref()) {
        Ok(()) => next.run(request).await,
        Err(rejection) => rejection.into_response(),
    }
}
