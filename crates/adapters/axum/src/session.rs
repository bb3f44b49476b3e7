//! tower-sessions' session as core's session work uses it, and the session layer:
//! tower-sessions' manager behind a guard that refuses ambiguous session cookies.

use std::task::{Context, Poll};

use axum::extract::Request;
use oauth_kit_core::flow::{SessionFailure, Sessions, WebSession};
use serde_json::Value;
use tower::{Layer, Service};
use tower_sessions::session::Error;
use tower_sessions::session_store;
use tower_sessions::{Session, SessionManagerLayer, SessionStore};

/// tower-sessions' session, translated for core.
pub(crate) struct AxumSession(pub(crate) Session);

impl WebSession for AxumSession {
    async fn get(&self, key: &str) -> Result<Option<Value>, SessionFailure> {
        self.0.get(key).await.map_err(|err| failed(&err, "read"))
    }

    async fn insert(&self, key: &str, value: Value) -> Result<(), SessionFailure> {
        let inserted = self.0.insert(key, value).await;
        inserted.map_err(|err| failed(&err, "written"))
    }

    async fn renew(&self) -> Result<(), SessionFailure> {
        self.0
            .cycle_id()
            .await
            .map_err(|err| failed(&err, "renewed"))
    }

    /// Saved here rather than by the session layer after the response, so that a store
    /// failure becomes the login's failure redirect instead of an empty 500.
    async fn save(&self) -> Result<(), SessionFailure> {
        self.0.save().await.map_err(|err| failed(&err, "saved"))
    }

    /// The stored session is deleted first, so that a store failure leaves the cookie (and the
    /// logout can be retried); flushed, the session's cookie is removed by the session layer.
    async fn end(&self) -> Result<(), SessionFailure> {
        if self.0.id().is_some() {
            self.0.delete().await.map_err(|err| failed(&err, "ended"))?;
        }
        if let Err(err) = self.0.flush().await {
            tracing::error!(error = %err, "the session could not be flushed");
        }
        Ok(())
    }

    async fn discard(&self) {
        self.0.clear().await;
    }
}

/// Translates a failed session operation, logged as an error: the store's backend failed
/// (Redis down or too slow, for example), or something else did.
fn failed(err: &Error, what: &str) -> SessionFailure {
    let failure = match err {
        Error::Store(session_store::Error::Backend(_)) => SessionFailure::Unavailable,
        _ => SessionFailure::Other,
    };
    tracing::error!(error = %err, code = failure.code(), "the session could not be {what}");
    failure
}

/// The layer built by [`OAuth::session_layer`](crate::OAuth::session_layer) and
/// [`OAuth::session_layer_with`](crate::OAuth::session_layer_with): tower-sessions'
/// `SessionManagerLayer` with the adapter's cookie settings, behind a guard that drops every
/// session cookie of a request that carries more than one (a cookie planted from a sibling
/// subdomain must not be able to choose the session).
#[derive(Debug, Clone)]
pub struct SessionLayer<Store: SessionStore> {
    pub(crate) manager: SessionManagerLayer<Store>,
    pub(crate) sessions: Sessions,
}

impl<S, Store: SessionStore> Layer<S> for SessionLayer<Store> {
    type Service = SessionGuard<<SessionManagerLayer<Store> as Layer<S>>::Service>;

    fn layer(&self, inner: S) -> Self::Service {
        SessionGuard {
            inner: self.manager.layer(inner),
            sessions: self.sessions.clone(),
        }
    }
}

/// The service of a [`SessionLayer`]; built by the layer, never by hand.
#[derive(Debug, Clone)]
pub struct SessionGuard<S> {
    inner: S,
    sessions: Sessions,
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
        self.sessions.cookie().strip_ambiguous_from(&mut request);
        request.extensions_mut().insert(self.sessions.clone());
        self.inner.call(request)
    }
}
