//! Route guards as middleware.

use std::fmt;
use std::future::{Ready, ready};
use std::pin::Pin;

use actix_web::body::EitherBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use oauth_kit_core::SessionUser;
use oauth_kit_core::flow::Requirement;

use crate::extract::session_user;
use crate::response::Rejection;

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
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Transform = GuardMiddleware<S>;
    type InitError = ();
    type Future = Ready<Result<Self::Transform, Self::InitError>>;

    fn new_transform(&self, service: S) -> Self::Future {
        ready(Ok(GuardMiddleware {
            service,
            guard: self.clone(),
        }))
    }
}

/// The service a [`Guard`] wraps around the guarded routes; built by Actix, never by hand.
pub struct GuardMiddleware<S> {
    service: S,
    guard: Guard,
}

impl<S> fmt::Debug for GuardMiddleware<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GuardMiddleware")
            .field("guard", &self.guard)
            .finish_non_exhaustive()
    }
}

type GuardFuture<B> =
    Pin<Box<dyn Future<Output = Result<ServiceResponse<EitherBody<B>>, actix_web::Error>>>>;

impl<S, B> Service<ServiceRequest> for GuardMiddleware<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = actix_web::Error>,
    S::Future: 'static,
    B: 'static,
{
    type Response = ServiceResponse<EitherBody<B>>;
    type Error = actix_web::Error;
    type Future = GuardFuture<B>;

    forward_ready!(service);

    fn call(&self, req: ServiceRequest) -> Self::Future {
        let verdict = session_user(req.request()).and_then(|user| self.guard.check(user.as_ref()));
        match verdict {
            Ok(()) => {
                let response = self.service.call(req);
                Box::pin(async move { response.await.map(ServiceResponse::map_into_left_body) })
            }
            Err(rejection) => {
                let response = req.error_response(rejection).map_into_right_body();
                Box::pin(async move { Ok(response) })
            }
        }
    }
}
