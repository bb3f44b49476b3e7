//! The session middleware: actix-session's, behind a guard that refuses ambiguous session
//! cookies.

use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_session::SessionMiddleware;
use actix_session::storage::SessionStore;
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform, forward_ready};
use actix_web::http::header::{COOKIE, HeaderValue};
use actix_web::{Error, HttpMessage};
use oauth_kit_core::flow::{cookie_count, remove_cookie};

/// Marks a request that carried several session cookies; they were removed, so the request
/// has no session, and the callback refuses to log in with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DuplicateSessionCookies;

/// The middleware built by [`OAuth::session_middleware`](crate::OAuth::session_middleware)
/// and [`OAuth::session_middleware_with`](crate::OAuth::session_middleware_with):
/// actix-session's `SessionMiddleware` with the adapter's cookie settings, behind a guard that
/// drops every session cookie of a request that carries more than one (a cookie planted from a
/// sibling subdomain must not be able to choose the session).
pub struct SessionLayer<Store: SessionStore> {
    inner: SessionMiddleware<Store>,
    cookie_name: Rc<str>,
}

impl<Store: SessionStore> SessionLayer<Store> {
    pub(crate) fn new(inner: SessionMiddleware<Store>, cookie_name: &str) -> Self {
        Self {
            inner,
            cookie_name: Rc::from(cookie_name),
        }
    }
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
        Box::pin(async move { inner.await.map(|inner| SessionGuard { inner, cookie_name }) })
    }
}

/// The service of a [`SessionLayer`]; built by Actix, never by hand.
pub struct SessionGuard<S> {
    inner: S,
    cookie_name: Rc<str>,
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
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Future = S::Future;

    forward_ready!(inner);

    fn call(&self, mut request: ServiceRequest) -> Self::Future {
        let name = &*self.cookie_name;
        let count = cookie_count(
            request
                .headers()
                .get_all(COOKIE)
                .filter_map(|v| v.to_str().ok()),
            name,
        );
        if count > 1 {
            tracing::warn!(
                cookie = name,
                count,
                "several session cookies in one request (one may be planted from a sibling \
                 domain): the request is treated as having no session"
            );
            let kept: Vec<String> = request
                .headers()
                .get_all(COOKIE)
                .filter_map(|v| v.to_str().ok())
                .map(|v| remove_cookie(v, name))
                .filter(|v| !v.is_empty())
                .collect();
            let headers = request.headers_mut();
            headers.remove(COOKIE);
            for value in kept {
                if let Ok(value) = HeaderValue::from_str(&value) {
                    headers.append(COOKIE, value);
                }
            }
            request.extensions_mut().insert(DuplicateSessionCookies);
        }
        self.inner.call(request)
    }
}
