//! The one server behind every mock: binding a loopback port, the routes of its wire format,
//! serving until shut down, and the controls both handles share.

use std::collections::HashSet;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use axum::Router;
use axum::extract::{RawQuery, State};
use axum::http::HeaderMap;
use axum::routing::{MethodRouter, delete, get, post};
use oauth_kit_core::spec::{ProviderSpec, UserSource};
use oauth_kit_core::{RevocationMethod, TokenEncoding};
use tokio::net::TcpListener;
use tokio::sync::watch;
use url::Url;

use crate::config::Consent;
use crate::device::MockDevice;
use crate::extension::MockContext;
use crate::fault::{Endpoint, Fault};
use crate::grants::RefreshTokens;
use crate::state::{Counters, Setup, Shared};
use crate::wire::{self, Dialect, Wire};
use crate::{api, authorize, avatar, device, spec_api, token};

/// Which layout a server speaks.
pub(crate) enum Layout {
    /// Bitbucket Cloud's fixed paths and bodies.
    Bitbucket,
    /// A spec's templates resolved on the mock, with these template parameters.
    Spec {
        spec: &'static ProviderSpec,
        params: Vec<(String, String)>,
    },
}

/// A running server: what its handles own. Dropping it drops the shutdown sender, which stops
/// the server.
pub(crate) struct Handle {
    pub(crate) shared: Arc<Shared>,
    pub(crate) addr: SocketAddr,
    shutdown: watch::Sender<()>,
}

fn invalid_input(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// Binds `addr` (default `127.0.0.1:0`), resolves the layout on the bound address and serves
/// it on the current Tokio runtime. `loopback_only` refuses addresses other than loopback;
/// otherwise an unspecified address is advertised as `127.0.0.1`.
pub(crate) async fn start(
    addr: Option<SocketAddr>,
    loopback_only: bool,
    layout: Layout,
    setup: Setup,
) -> io::Result<Handle> {
    let addr = addr.unwrap_or_else(|| SocketAddr::from((Ipv4Addr::LOCALHOST, 0)));
    if loopback_only && !addr.ip().is_loopback() {
        return Err(invalid_input(format!(
            "the mock listens on loopback only, not on {addr}"
        )));
    }
    let listener = TcpListener::bind(addr).await?;
    let mut addr = listener.local_addr()?;
    if addr.ip().is_unspecified() {
        // A client cannot connect to 0.0.0.0; advertise loopback instead.
        addr.set_ip(Ipv4Addr::LOCALHOST.into());
    }
    let base_url = format!("http://{addr}");
    let base = Url::parse(&base_url).map_err(|e| invalid_input(e.to_string()))?;
    let wire = match layout {
        Layout::Bitbucket => Wire::bitbucket(&base),
        Layout::Spec { spec, params } => Wire::from_spec(spec, &base, &setup.client_id, &params),
    }
    .map_err(invalid_input)?;
    let shared = Arc::new(Shared::new(setup, base_url, wire));
    let router = router(&shared).map_err(invalid_input)?;

    let (shutdown, mut stopped) = watch::channel(());
    let title = shared.wire.title.clone();
    tokio::spawn(async move {
        let signal = async move {
            // Resolves on `shutdown()` and when the last handle drops the sender.
            let _ = stopped.changed().await;
        };
        if let Err(error) = axum::serve(listener, router)
            .with_graceful_shutdown(signal)
            .await
        {
            tracing::debug!(mock = %title, %error, "mock: server stopped with an error");
        }
    });
    tracing::debug!(mock = %shared.wire.title, %addr, "mock: listening");
    Ok(Handle {
        shared,
        addr,
        shutdown,
    })
}

/// The routes of the wire format, then the extensions' routes. A path served twice is an error
/// rather than a shadowed route.
fn router(shared: &Arc<Shared>) -> Result<Router, String> {
    let wire = &shared.wire;
    let mut routes: Vec<(String, MethodRouter<Arc<Shared>>)> = vec![
        (wire.authorize.path().to_owned(), get(authorize::authorize)),
        (wire.decision_path(), post(authorize::decide)),
        (
            wire.token.path().to_owned(),
            if wire.dialect == Dialect::Spec && matches!(wire.token_encoding, TokenEncoding::Query)
            {
                get(token::token)
            } else {
                post(token::token)
            },
        ),
    ];
    if let (Some(device_url), Some(verification)) =
        (&wire.device_authorization, wire.device_verification_path())
    {
        routes.push((device_url.path().to_owned(), post(device::authorize)));
        routes.push((verification, get(device::page).post(device::decide)));
    }
    // Routes with a path parameter, which the check below would refuse.
    let mut in_path: Vec<(String, MethodRouter<Arc<Shared>>)> = Vec::new();
    match wire.dialect {
        Dialect::Bitbucket => {
            if let Some(user) = &wire.user_info {
                routes.push((user.path().to_owned(), get(api::user)));
            }
            if let Some(emails) = wire.extra_url("emails") {
                routes.push((emails.path().to_owned(), get(api::emails)));
            }
        }
        Dialect::Spec => {
            if let Some(user) = &wire.user_info {
                match wire.user_source {
                    UserSource::PostForm => {
                        routes.push((user.path().to_owned(), post(spec_api::user_form)));
                    }
                    UserSource::TokenInPath => {
                        let path = format!("{}/{{token}}", user.path().trim_end_matches('/'));
                        in_path.push((path, get(spec_api::user_in_path)));
                    }
                    _ if wire.user_post => {
                        routes.push((user.path().to_owned(), post(spec_api::user)))
                    }
                    _ => routes.push((user.path().to_owned(), get(spec_api::user))),
                }
            }
            for (name, url) in &wire.extra {
                let name: &'static str = name;
                let handler = get(
                    move |State(shared): State<Arc<Shared>>,
                          headers: HeaderMap,
                          query: RawQuery| {
                        spec_api::extra(shared, name, headers, query)
                    },
                );
                routes.push((url.path().to_owned(), handler));
            }
            if let Some(revocation) = &wire.revocation {
                let handler = match wire.revocation_method {
                    RevocationMethod::DeleteJson { .. } => delete(token::revoke),
                    _ => post(token::revoke),
                };
                routes.push((revocation.path().to_owned(), handler));
            }
        }
    }
    let mut seen = HashSet::new();
    let mut router = Router::new();
    for (path, handler) in routes {
        wire::check_route(&path)?;
        if !seen.insert(path.clone()) {
            return Err(format!(
                "two endpoints of the spec share the path `{path}` on the mock"
            ));
        }
        router = router.route(&path, handler);
    }
    for (path, handler) in in_path {
        if !seen.insert(path.clone()) {
            return Err(format!(
                "two endpoints of the spec share the path `{path}` on the mock"
            ));
        }
        router = router.route(&path, handler);
    }
    if wire.dialect == Dialect::Bitbucket {
        router = router.route("/avatars/{file}", get(avatar::avatar));
    }
    let mut router = router
        .fallback(api::not_found)
        .method_not_allowed_fallback(api::method_not_allowed)
        .with_state(Arc::clone(shared));
    if !shared.extensions.is_empty() {
        let context = MockContext::of(shared);
        for extension in &shared.extensions {
            for (path, handler) in extension.routes(&context) {
                if !path.starts_with('/') || path.split('/').any(|s| s.starts_with([':', '*'])) {
                    return Err(format!(
                        "the extension route `{path}` is not a path the router accepts"
                    ));
                }
                if !seen.insert(path.clone()) {
                    return Err(format!(
                        "the extension route `{path}` is already served by the mock"
                    ));
                }
                router = router.route(&path, handler);
            }
        }
    }
    Ok(router)
}

impl Handle {
    /// The server's origin.
    pub(crate) fn base_url(&self) -> String {
        self.shared.base_url.clone()
    }

    /// A snapshot of the counters.
    pub(crate) fn counters(&self) -> Counters {
        self.shared.lock().counters.clone()
    }

    /// Zeroes the counters.
    pub(crate) fn reset_counters(&self) {
        self.shared.lock().counters = Counters::default();
    }

    /// Sets a fault on an endpoint.
    pub(crate) fn set_fault(&self, endpoint: Endpoint, fault: Fault) {
        self.shared
            .lock()
            .faults
            .insert(endpoint.normalized(), fault);
    }

    /// Removes every fault.
    pub(crate) fn clear_faults(&self) {
        self.shared.lock().faults.clear();
    }

    /// Changes how authorization requests are answered.
    pub(crate) fn set_consent(&self, consent: Consent) {
        self.shared.lock().consent = consent;
    }

    /// Fixes the scopes of tokens issued from now on.
    pub(crate) fn set_scopes(&self, scopes: Vec<String>) {
        let mut state = self.shared.lock();
        state.scopes = scopes;
        state.grant_requested_scopes = false;
    }

    /// Changes how device codes issued from now on are answered.
    pub(crate) fn set_device(&self, device: MockDevice) {
        self.shared.lock().device = device;
    }

    /// Changes what refresh requests do with refresh tokens.
    pub(crate) fn set_refresh_tokens(&self, behaviour: RefreshTokens) {
        self.shared.lock().refresh_policy = behaviour;
    }

    /// Forgets every refresh token issued so far.
    pub(crate) fn revoke_refresh_tokens(&self) {
        self.shared.lock().refresh_tokens.clear();
    }

    /// Expires every access token issued so far.
    pub(crate) fn expire_access_tokens(&self) {
        for grant in self.shared.lock().access_tokens.values_mut() {
            grant.expired = true;
        }
    }

    /// Every access and refresh token issued so far.
    pub(crate) fn issued_tokens(&self) -> Vec<String> {
        let state = self.shared.lock();
        state
            .access_tokens
            .keys()
            .chain(state.refresh_tokens.keys())
            .cloned()
            .collect()
    }

    /// Stops accepting connections.
    pub(crate) fn shutdown(&self) {
        self.shutdown.send_replace(());
    }
}
