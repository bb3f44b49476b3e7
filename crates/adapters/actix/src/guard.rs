//! Route guards as middleware.

use std::pin::Pin;

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::middleware::from_fn;
use oauth_kit_core::SessionUser;
use oauth_kit_core::flow::Requirement;

use crate::extract::session_user;
use crate::response::Rejection;
use crate::session::{Middleware, Step};

/// A condition on the logged-in user, and the middleware that enforces it: wrap a scope or a
/// resource with it.
///
/// It answers 401 or 403 JSON (see [`Rejection`]) instead of calling the handler. It is a
/// middleware rather than an `actix_web::guard::Guard`, because a routing guard that does not
/// match makes Actix answer 404, not 401 or 403.
///
/// ```no_run
/// use actix_web::{App, web};
/// use oauth_kit_actix::Guard;
///
/// let app = App::new().service(
///     web::scope("/repos")
///         .wrap(Guard::verified_email())
///         .wrap(Guard::provider("bitbucket"))
///         .route("", web::get().to(|| async { "only Bitbucket users with a verified email" })),
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guard(Requirement);

impl Guard {
    /// Any logged-in user (401 otherwise).
    pub fn logged_in() -> Self {
        Guard(Requirement::logged_in())
    }

    /// A user logged in with `provider` (401 when nobody is logged in, 403 `wrong_provider`).
    pub fn provider(provider: impl Into<String>) -> Self {
        Guard(Requirement::provider(provider))
    }

    /// A user whose provider asserted a verified email (403 `email_not_verified`).
    pub fn verified_email() -> Self {
        Guard(Requirement::verified_email())
    }

    /// Checks a session user against the guard.
    pub fn check(&self, user: Option<&SessionUser>) -> Result<(), Rejection> {
        self.0.check(user).map_err(Rejection::from)
    }
}

impl<S, B> Transform<S, ServiceRequest> for Guard
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error> + 'static,
    B: MessageBody + 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = Middleware<EitherBody<B>>;
    type InitError = ();
    type Future = Pin<Box<dyn Future<Output = Result<Self::Transform, ()>>>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let guard = self.0.clone();
        let step: Step<B, EitherBody<B>> = Box::new(move |req, next| {
            let guard = guard.clone();
            Box::pin(async move {
                let user = session_user(req.request()).await;
                match user.and_then(|user| Ok(guard.check(user.as_ref())?)) {
                    Ok(()) => Ok(next.call(req).await?.map_into_left_body()),
                    Err(rejection) => Ok(req.error_response(rejection).map_into_right_body()),
                }
            })
        });
        let middleware = from_fn(step).new_transform(service);
        Box::pin(async move { Ok(Box::new(middleware.await?) as _) })
    }
}
