//! Actix's session as core's session work uses it, and the session middleware: actix-session's,
//! behind a step that refuses ambiguous session cookies and answers store failures.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use actix_session::storage::{LoadError, SaveError, SessionStore, UpdateError};
use actix_session::{Session, SessionMiddleware};
use actix_web::body::MessageBody;
use actix_web::dev::{Service, ServiceRequest, ServiceResponse, Transform};
use actix_web::error::InternalError;
use actix_web::http::header::{COOKIE, HeaderValue};
use actix_web::middleware::{Next, from_fn};
use actix_web::{Error, HttpMessage};
use oauth_kit_core::flow::{AmbiguousSessionCookies, LoginRoutes, SessionFailure, WebSession};
use serde_json::Value;

use crate::response::to_actix;

/// Actix's session, translated for core (a cookie store holds it in the cookie, so writing it
/// cannot fail before the response).
pub(crate) struct ActixSession(pub(crate) Session);

impl WebSession for ActixSession {
    async fn get(&self, key: &str) -> Result<Option<Value>, SessionFailure> {
        self.0.get(key).map_err(|err| failed(&err, "read"))
    }

    async fn insert(&self, key: &str, value: Value) -> Result<(), SessionFailure> {
        self.0
            .insert(key, value)
            .map_err(|err| failed(&err, "written"))
    }

    async fn renew(&self) -> Result<(), SessionFailure> {
        self.0.renew();
        Ok(())
    }

    async fn end(&self) -> Result<(), SessionFailure> {
        self.0.purge();
        Ok(())
    }

    fn json_len(&self) -> usize {
        serde_json::to_string(&*self.0.entries()).map_or(usize::MAX / 2, |json| json.len())
    }
}

fn failed(err: &dyn fmt::Display, what: &str) -> SessionFailure {
    tracing::error!(error = %err, "the session could not be {what}");
    SessionFailure::Other
}

/// The answer of a middleware of this adapter.
pub(crate) type Answer<B> = Pin<Box<dyn Future<Output = Result<ServiceResponse<B>, Error>>>>;
/// The step a middleware of this adapter runs around the services it wraps.
pub(crate) type Step<B, B2> = Box<dyn Fn(ServiceRequest, Next<B>) -> Answer<B2>>;

/// The service of a [`SessionLayer`] or a [`Guard`](crate::Guard) around the routes it wraps;
/// built by Actix, never by hand.
pub type Middleware<B> = Box<
    dyn Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error, Future = Answer<B>>,
>;

/// The middleware built by [`OAuth::session_middleware`](crate::OAuth::session_middleware)
/// and [`OAuth::session_middleware_with`](crate::OAuth::session_middleware_with):
/// actix-session's `SessionMiddleware` with core's session cookie settings, behind a step that
/// drops every session cookie of a request that carries more than one (a cookie planted from a
/// sibling subdomain must not be able to choose the session).
///
/// When the session store fails (a server-side store such as Redis that is down or too slow),
/// actix-session fails the request with an empty 500; this layer answers instead with 503
/// `store_unavailable` JSON, or, on the login callback, with the failure redirect and
/// `error=store_unavailable`, and logs an error event. Nothing of the session is written.
pub struct SessionLayer<Store: SessionStore> {
    pub(crate) inner: SessionMiddleware<Store>,
    pub(crate) routes: Rc<LoginRoutes>,
}

impl<Store: SessionStore> fmt::Debug for SessionLayer<Store> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SessionLayer")
            .field("cookie", self.routes.sessions().cookie())
            .finish_non_exhaustive()
    }
}

impl<S, B, Store> Transform<S, ServiceRequest> for SessionLayer<Store>
where
    S: Service<ServiceRequest, Response = ServiceResponse<B>, Error = Error> + 'static,
    S::Future: 'static,
    B: MessageBody + 'static,
    Store: SessionStore + 'static,
{
    type Response = ServiceResponse<B>;
    type Error = Error;
    type Transform = Middleware<B>;
    type InitError = ();
    type Future = Pin<Box<dyn Future<Output = Result<Middleware<B>, ()>>>>;

    fn new_transform(&self, service: S) -> Self::Future {
        let inner = self.inner.new_transform(service);
        let routes = self.routes.clone();
        let step: Step<B, B> =
            Box::new(move |req, next| Box::pin(session_step(routes.clone(), req, next)));
        Box::pin(async move { Ok(Box::new(from_fn(step).new_transform(inner.await?).await?) as _) })
    }
}

async fn session_step<B>(
    routes: Rc<LoginRoutes>,
    mut request: ServiceRequest,
    next: Next<B>,
) -> Result<ServiceResponse<B>, Error> {
    let values = request
        .headers()
        .get_all(COOKIE)
        .filter_map(|v| v.to_str().ok());
    if let Some(kept) = routes.sessions().cookie().strip_ambiguous(values) {
        request.headers_mut().remove(COOKIE);
        if let Ok(value) = HeaderValue::from_str(&kept)
            && !kept.is_empty()
        {
            request.headers_mut().insert(COOKIE, value);
        }
        request.extensions_mut().insert(AmbiguousSessionCookies);
    }
    let path = request.path().to_owned();
    match next.call(request).await {
        // The answer replaces actix-session's empty 500: an error that renders as it.
        Err(err) if is_store_failure(&err) => {
            tracing::error!(error = %err, code = "store_unavailable", "the session store is unavailable");
            let answer = to_actix(&routes.store_unavailable(&path));
            Err(InternalError::from_response("the session store is unavailable", answer).into())
        }
        other => other,
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
