//! The session layer: tower-sessions' manager behind a guard that refuses ambiguous session
//! cookies.

use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use axum::extract::Request;
use axum::http::HeaderValue;
use axum::http::header::COOKIE;
use oauth_kit_core::flow::strip_ambiguous_cookies;
use tower::{Layer, Service};
use tower_sessions::{SessionManagerLayer, SessionStore};

/// The absolute session lifetime, put in the request's extensions by the session layer.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SessionLifetime(pub(crate) Duration);

/// Marks a request that carried several session cookies; they were removed, so the request
/// has no session, and the callback refuses to log in with it.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DuplicateSessionCookies;

/// The layer built by [`OAuth::session_layer`](crate::OAuth::session_layer) and
/// [`OAuth::session_layer_with`](crate::OAuth::session_layer_with): tower-sessions'
/// `SessionManagerLayer` with the adapter's cookie settings, behind a guard that drops every
/// session cookie of a request that carries more than one (a cookie planted from a sibling
/// subdomain must not be able to choose the session).
#[derive(Debug, Clone)]
pub struct SessionLayer<Store: SessionStore> {
    pub(crate) manager: SessionManagerLayer<Store>,
    pub(crate) cookie_name: Arc<str>,
    pub(crate) lifetime: Duration,
}

impl<S, Store: SessionStore> Layer<S> for SessionLayer<Store> {
    type Service = SessionGuard<<SessionManagerLayer<Store> as Layer<S>>::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        SessionGuard {
            inner: self.manager.layer(inner),
            cookie_name: self.cookie_name.clone(),
            lifetime: self.lifetime,
        }
    }
}

/// The service of a [`SessionLayer`]; built by the layer, never by hand.
#[derive(Debug, Clone)]
pub struct SessionGuard<S> {
    inner: S,
    cookie_name: Arc<str>,
    lifetime: Duration,
}

impl<S> Service<Request> for SessionGuard<S>
where
    S: Service<Request>,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = S::Future;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut request: Request) -> Self::Future {
        request
            .extensions_mut()
            .insert(SessionLifetime(self.lifetime));
        let values = request.headers().get_all(COOKIE).iter();
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
        self.inner.call(request)
    }
}
