//! Route guards as middleware.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use oauth_kit_core::SessionUser;
use oauth_kit_core::flow::Requirement;

use crate::extract::session_user;
use crate::response::Rejection;

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
    pub fn check(&self, user: Option<&SessionUser>) -> Result<(), Rejection> {
        self.0.check(user).map_err(Rejection::from)
    }
}

/// The middleware function behind every [`Guard`]; use it with
/// `axum::middleware::from_fn_with_state(Guard::..., guard)`.
pub async fn guard(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let verdict = session_user(&mut parts)
        .await
        .and_then(|user| guard.check(user.as_ref()));
    match verdict {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(rejection) => rejection.into_response(),
    }
}
