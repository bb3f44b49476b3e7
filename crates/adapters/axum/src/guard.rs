//! Route guards as middleware.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use oauth_kit_core::flow::Requirement;

use crate::extract::session_user;

/// A condition on the logged-in user, checked by [`guard`]: core's [`Requirement`]
/// (`Guard::logged_in()`, `Guard::provider("bitbucket")`, `Guard::verified_email()`).
pub type Guard = Requirement;

/// The middleware function behind every [`Guard`]: 401 or 403 JSON (see [`Rejection`](crate::Rejection))
/// instead of the handler when the logged-in user does not meet it.
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
pub async fn guard(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let (mut parts, body) = request.into_parts();
    let verdict = session_user(&mut parts)
        .await
        .and_then(|user| Ok(guard.check(user.as_ref())?));
    match verdict {
        Ok(()) => next.run(Request::from_parts(parts, body)).await,
        Err(rejection) => rejection.into_response(),
    }
}
