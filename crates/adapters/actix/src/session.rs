//! The session middleware: actix-session's, behind a guard that refuses ambiguous session
//! cookies.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_session::SessionMiddleware;
use actix_session::storage::{LoadError, SaveError, SessionStore, UpdateError};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::error::InternalError;
use actix_web::http::header::{COOKIE, HeaderValue};
use actix_web::{Error, HttpMessage};
use oauth_kit_core::flow::{LoginRoutes, strip_ambiguous_cookies};

use crate::response::to_actix;

/// Marks a request that carried several session cookies; they were removed, so the request
/// has no session, and the callback refuses to log in with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DuplicateSessionCookies;

/// The middleware built by [`OAuth::session_middleware`](crate::OAuth::session_middleware)
/// and [`OAuth::session_middleware_with`](crate::OAuth::session_middleware_with):
/// actix-session's `SessionMiddleware` with the adapter's cookie settings, behind a guard that
/// drops every session cookie of a request that carries more than one (a cookie planted from a
/// sibling subdomain must not be able to choose the session).
///
/// When the session store fails (a server-side store such as Redis that is down or too slow),
/// actix-session fails the request with an empty 500; this layer answers instead with 503
/// `store_unavailable` JSON, or, on the login callback, with the failure redirect and
/// `error=store_unavailable`, and logs an error event. Nothing of the session is written.
pub struct SessionLayer<Store: SessionStore> {
    pub(crate) inner: SessionMiddleware<Store>,
    pub(crate) cookie_name: Rc<str>,
    pub(crate) routes: Rc<LoginRoutes>,
}

impl<Store: SessionStore> std::fmt::Debug for SessionLayer<Store> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionLayer")
            .field("cookie_name", &self.cookie_name)
            .finish_non_exhaustive()
    }
}

type InitFuture<T> = Pin<Box<dyn Future<Output = Result<T, ()>>>>;

impl<S, B, Store> Transform<S, ServiceRequest> for SessionLayer<Store>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
    Store: SessionStore + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform =
        SessionGuard<<SessionMiddleware<Store> as Transform<S, ServiceRequest>>::Transform>;
    type InitError = ();
    type Future = InitFuture<Self::Transform>;

    fn new_transform(&self, service: S) -> Self::Future {
        let inner = self.inner.new_transform(service);
        let cookie_name = self.cookie_name.clone();
        let routes = self.routes.clone();
        Box::pin(async move {
            inner.await.map(|inner| SessionGuard {
                inner,
                cookie_name,
                routes,
            })
        })
    }
}

/// The service of a [`SessionLayer`]; built by Actix, never by hand.
pub struct SessionGuard<S> {
    inner: S,
    cookie_name: Rc<str>,
    routes: Rc<LoginRoutes>,
}

impl<S> std::fmt::Debug for SessionGuard<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionGuard")
            .field("cookie_name", &self.cookie_name)
            .finish_non_exhaustive()
    }
}

impl<S, B> Service<ServiceRequest> for SessionGuard<S>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error>,
    S::Future: 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = Pin<Box<dyn Future<Output = Result<Self::Response, Error>>>>;

    forward_ready!(inner);

    fn call(&self, mut request: ServiceRequest) -> Self::Future {
        let values = request.headers().get_all(COOKIE);
        if let Some(kept) =
            strip_ambiguous_cookies(values.filter_map(|v| v.to_str().ok()), &self.cookie_name)
        {
            let headers = request.headers_mut();
            headers.remove(COOKIE);
            for value in kept {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.append(COOKIE, value);
                }
            }
            request.extensions_mut().insert(DuplicateSessionCookies);
        }
        let path = request.path().to_owned();
        let routes = self.routes.clone();
        let response = self.inner.call(request);
        Box::pin(async move {
            match response.await {
                // The answer replaces actix-session's empty 500: an error that renders as it.
                Err(err) if is_store_failure(&err) => {
                    tracing::error!(
                        error = %err,
                        code = "store_unavailable",
                        "the session store is unavailable"
                    );
                    let answer = to_actix(&routes.store_unavailable(&path));
                    Err(
                        InternalError::from_response("the session store is unavailable", answer)
                            .into(),
                    )
                }
                other => other,
            }
        })
    }
}

/// Whether actix-session failed the request because its store failed (these are the errors
/// its middleware wraps store failures in).
fn is_store_failure(err: &Error) -> bool {
    err.as_error::<InternalError<LoadError>>().is_some()
        || err.as_error::<InternalError<SaveError>>().is_some()
        || err.as_error::<InternalError<UpdateError>>().is_some()
        || err.as_error::<InternalError<anyhow::Error>>().is_some()
}
