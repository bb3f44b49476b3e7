//! A mock OpenID Connect issuer on 127.0.0.1: discovery, JWKS with generated RSA, P-256 and
//! Ed25519 keys, key rotation on demand, signed ID tokens, user info, and a fault knob for
//! every check a relying party must make.

pub(crate) mod keys;
mod server;

use std::collections::HashMap;
use std::fmt;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::routing::{get, post};
use serde_json::{Value, json};
use tokio::net::TcpListener;
use tokio::sync::watch;

pub use keys::MockAlg;
use keys::SigningKey;

/// The client id the mock issuer accepts by default.
pub const DEFAULT_OIDC_CLIENT_ID: &str = "oidc-client-7f3a";
/// The client secret the mock issuer accepts by default.
pub const DEFAULT_OIDC_CLIENT_SECRET: &str = "oidc-secret-91c2e4";

/// How a [`MockOidc`] starts. Build it with `..OidcConfig::default()` for the fields you
/// leave alone.
#[derive(Debug, Clone)]
pub struct OidcConfig {
    /// The issuer's path under the server's origin (`/realms/test`); empty for the origin.
    pub issuer_path: String,
    /// Whether the issuer identifier ends with `/` (as Auth0's does).
    pub trailing_slash: bool,
    /// The accepted client id.
    pub client_id: String,
    /// The accepted client secret.
    pub client_secret: String,
    /// The claims of the user at the browser; `sub` is required.
    pub user: Value,
    /// `token_endpoint_auth_methods_supported`, in order; the token endpoint accepts only
    /// these (`client_secret_basic`, `client_secret_post`).
    pub auth_methods: Vec<String>,
    /// Whether discovery advertises RFC 9207 and the authorization response carries `iss`.
    pub iss_parameter: bool,
    /// Whether discovery lists a user-info endpoint.
    pub userinfo: bool,
    /// The ID-token lifetime in seconds.
    pub id_token_lifetime: u64,
    /// The address to listen on (default: a random loopback port).
    pub addr: Option<SocketAddr>,
}

impl Default for OidcConfig {
    fn default() -> Self {
        Self {
            issuer_path: "/realms/test".to_owned(),
            trailing_slash: false,
            client_id: DEFAULT_OIDC_CLIENT_ID.to_owned(),
            client_secret: DEFAULT_OIDC_CLIENT_SECRET.to_owned(),
            user: Self::ada(),
            auth_methods: vec![
                "client_secret_basic".to_owned(),
                "client_secret_post".to_owned(),
            ],
            iss_parameter: false,
            userinfo: true,
            id_token_lifetime: 300,
            addr: None,
        }
    }
}

impl OidcConfig {
    /// The default user's claims: Ada Lovelace with a verified email.
    pub fn ada() -> Value {
        json!({
            "sub": "248289761001",
            "email": "ada@example.com",
            "email_verified": true,
            "preferred_username": "ada",
            "given_name": "Ada",
            "family_name": "Lovelace",
            "name": "Ada Lovelace",
            "picture": "https://example.com/ada.png",
            "profile": "https://example.com/ada"
        })
    }
}

/// A misbehaviour of the mock issuer, set with [`MockOidc::set_fault`]. Each one breaks exactly
/// one check of OpenID Connect Core §3.1.3.7 (or of discovery, user info and RFC 9207).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OidcFault {
    /// The ID token carries a published key id but is signed with another key.
    SignWithUnpublishedKey,
    /// The ID token carries a new key id on every token, and is signed with an unpublished
    /// key (a forged `kid`).
    UnknownKid,
    /// The ID token is unsigned (`alg: none`).
    AlgNone,
    /// The ID token is an HS256 MAC keyed with the published RSA key's public bytes.
    Hs256WithPublicKey,
    /// The ID token is an HS256 MAC keyed with this secret instead of the client secret.
    Hs256WithSecret(String),
    /// `iss` is this value.
    Issuer(String),
    /// `aud` is this value (a string or an array).
    Audience(Value),
    /// `azp` is this value.
    AuthorizedParty(String),
    /// `exp` lies an hour in the past.
    Expired,
    /// `iat` lies an hour in the future.
    IssuedInFuture,
    /// `nonce` is this value.
    Nonce(String),
    /// The ID token has no `nonce`.
    NoNonce,
    /// `at_hash` does not match the access token.
    WrongAtHash,
    /// The token response has no `id_token`.
    NoIdToken,
    /// The JWKS no longer publishes the key with this id, while ID tokens are still signed
    /// with it (a key the issuer withdrew, for example after a compromise).
    WithdrawnKey(String),
    /// The user-info endpoint answers with this `sub`.
    UserInfoSubject(String),
    /// The discovery document names this issuer.
    DiscoveryIssuer(String),
    /// The authorization response carries this `iss` (RFC 9207).
    CallbackIssuer(String),
    /// The authorization response carries no `iss` although discovery advertises it.
    NoCallbackIssuer,
}

/// What the mock issuer has seen, from [`MockOidc::counters`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct OidcCounters {
    /// Discovery document requests.
    pub discovery: u64,
    /// JWKS requests.
    pub jwks: u64,
    /// Authorization requests.
    pub authorize: u64,
    /// Token requests.
    pub token: u64,
    /// User-info requests.
    pub userinfo: u64,
    /// The client authentication of the last token request (`client_secret_basic` or
    /// `client_secret_post`), if it had one.
    pub last_client_auth: Option<String>,
    /// The parameter names (never the values) of the last authorization request.
    pub last_authorize_params: Vec<String>,
    /// Whether the last token request carried a PKCE `code_verifier`.
    pub last_token_had_verifier: bool,
}

/// A code waiting to be exchanged.
#[derive(Clone)]
pub(crate) struct PendingCode {
    pub(crate) redirect_uri: String,
    pub(crate) nonce: Option<String>,
    pub(crate) challenge: Option<String>,
}

pub(crate) struct Shared {
    pub(crate) origin: String,
    pub(crate) issuer: String,
    pub(crate) config: OidcConfig,
    pub(crate) state: Mutex<State>,
}

pub(crate) struct State {
    pub(crate) keys: Vec<SigningKey>,
    pub(crate) active_rsa: String,
    pub(crate) alg: MockAlg,
    pub(crate) next_rsa: usize,
    pub(crate) faults: Vec<OidcFault>,
    pub(crate) codes: HashMap<String, PendingCode>,
    pub(crate) access_tokens: HashMap<String, Value>,
    pub(crate) counters: OidcCounters,
    pub(crate) user: Value,
    pub(crate) issued: Vec<String>,
}

impl Shared {
    pub(crate) fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn has_fault(&self, probe: impl Fn(&OidcFault) -> bool) -> Option<OidcFault> {
        self.lock().faults.iter().find(|f| probe(f)).cloned()
    }
}

/// A running mock OpenID Connect issuer. Cheap to clone; the server stops when
/// [`shutdown`](Self::shutdown) is called or the last clone is dropped.
///
/// ```
/// use oauth_kit_testkit::{MockOidc, OidcFault};
///
/// #[tokio::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let issuer = MockOidc::start().await?;
///     assert!(issuer.issuer().starts_with("http://127.0.0.1:"));
///     assert!(issuer.issuer().ends_with("/realms/test"));
///     // Every ID token from now on has an expired `exp`.
///     issuer.set_fault(OidcFault::Expired);
///     issuer.clear_faults();
///     // Publish a new RSA key and sign with it from now on.
///     let kid = issuer.rotate_keys()?;
///     assert!(issuer.jwks()["keys"].as_array().is_some_and(|keys| keys
///         .iter()
///         .any(|k| k["kid"] == kid.as_str())));
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct MockOidc {
    inner: Arc<Handle>,
}

struct Handle {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: watch::Sender<()>,
}

impl fmt::Debug for MockOidc {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MockOidc")
            .field("issuer", &self.inner.shared.issuer)
            .field("client_id", &self.inner.shared.config.client_id)
            .finish_non_exhaustive()
    }
}

impl MockOidc {
    /// Starts an issuer with [`OidcConfig::default`]. Must be called within a Tokio runtime.
    ///
    /// # Errors
    ///
    /// Fails if the socket cannot be bound or the keys cannot be generated.
    pub async fn start() -> io::Result<Self> {
        Self::start_with(OidcConfig::default()).await
    }

    /// Starts an issuer with `config`.
    ///
    /// # Errors
    ///
    /// Fails if the socket cannot be bound or the keys cannot be generated.
    pub async fn start_with(config: OidcConfig) -> io::Result<Self> {
        let listener = TcpListener::bind(
            config
                .addr
                .unwrap_or_else(|| SocketAddr::from((Ipv4Addr::LOCALHOST, 0))),
        )
        .await?;
        let mut addr = listener.local_addr()?;
        if addr.ip().is_unspecified() {
            addr.set_ip(Ipv4Addr::LOCALHOST.into());
        }
        let origin = format!("http://{addr}");
        let path = config.issuer_path.trim_end_matches('/').to_owned();
        let mut issuer = format!("{origin}{path}");
        if config.trailing_slash {
            issuer.push('/');
        }
        // Key generation is CPU work; keep it off the runtime's threads.
        let keys = tokio::task::spawn_blocking(|| {
            Ok::<_, String>(vec![
                keys::rsa_key(0, "rsa-0")?,
                keys::ec_key("ec-0")?,
                keys::ed_key("ed-0")?,
            ])
        })
        .await
        .map_err(io::Error::other)?
        .map_err(io::Error::other)?;
        let shared = Arc::new(Shared {
            origin,
            issuer,
            state: Mutex::new(State {
                keys,
                active_rsa: "rsa-0".to_owned(),
                alg: MockAlg::RS256,
                next_rsa: 1,
                faults: Vec::new(),
                codes: HashMap::new(),
                access_tokens: HashMap::new(),
                counters: OidcCounters::default(),
                user: config.user.clone(),
                issued: Vec::new(),
            }),
            config,
        });
        let base = path.clone();
        let router = Router::new()
            .route(
                &format!("{base}/.well-known/openid-configuration"),
                get(server::discovery),
            )
            .route(&format!("{base}/protocol/auth"), get(server::authorize))
            .route(&format!("{base}/protocol/token"), post(server::token))
            .route(&format!("{base}/protocol/userinfo"), get(server::userinfo))
            .route(&format!("{base}/protocol/certs"), get(server::jwks))
            .with_state(Arc::clone(&shared));
        let (shutdown, mut stopped) = watch::channel(());
        tokio::spawn(async move {
            let signal = async move {
                let _ = stopped.changed().await;
            };
            if let Err(error) = axum::serve(listener, router)
                .with_graceful_shutdown(signal)
                .await
            {
                tracing::debug!(%error, "mock oidc: server stopped with an error");
            }
        });
        Ok(Self {
            inner: Arc::new(Handle {
                shared,
                addr,
                shutdown,
            }),
        })
    }

    /// The issuer identifier (`http://127.0.0.1:PORT/realms/test`).
    pub fn issuer(&self) -> String {
        self.inner.shared.issuer.clone()
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        self.inner.shared.origin.clone()
    }

    /// The authorization endpoint, `{issuer}/protocol/auth` (as discovery lists it).
    pub fn authorize_url(&self) -> String {
        server::endpoint(&self.inner.shared, "auth")
    }

    /// The token endpoint, `{issuer}/protocol/token`.
    pub fn token_url(&self) -> String {
        server::endpoint(&self.inner.shared, "token")
    }

    /// The user-info endpoint, `{issuer}/protocol/userinfo`.
    pub fn userinfo_url(&self) -> String {
        server::endpoint(&self.inner.shared, "userinfo")
    }

    /// The JWKS, `{issuer}/protocol/certs`.
    pub fn jwks_url(&self) -> String {
        server::endpoint(&self.inner.shared, "certs")
    }

    /// The accepted client id.
    pub fn client_id(&self) -> String {
        self.inner.shared.config.client_id.clone()
    }

    /// The accepted client secret.
    pub fn client_secret(&self) -> String {
        self.inner.shared.config.client_secret.clone()
    }

    /// The current JWKS document.
    pub fn jwks(&self) -> Value {
        server::jwks_document(&self.inner.shared.lock())
    }

    /// Publishes a new RSA key and signs with it from now on (the previous keys stay
    /// published). Returns the new key id.
    ///
    /// # Errors
    ///
    /// Fails if the key cannot be generated.
    pub fn rotate_keys(&self) -> io::Result<String> {
        let index = {
            let mut state = self.inner.shared.lock();
            state.next_rsa += 1;
            state.next_rsa - 1
        };
        let kid = format!("rsa-{index}");
        let key = keys::rsa_key(index, &kid).map_err(io::Error::other)?;
        let mut state = self.inner.shared.lock();
        state.keys.push(key);
        state.active_rsa.clone_from(&kid);
        Ok(kid)
    }

    /// Signs ID tokens with `alg` from now on (RS256 by default; [`MockAlg::HS256`] keys them
    /// with the client secret).
    pub fn set_signing_alg(&self, alg: MockAlg) {
        self.inner.shared.lock().alg = alg;
    }

    /// Adds a fault; several may be in force at once.
    pub fn set_fault(&self, fault: OidcFault) {
        self.inner.shared.lock().faults.push(fault);
    }

    /// Removes every fault.
    pub fn clear_faults(&self) {
        self.inner.shared.lock().faults.clear();
    }

    /// Replaces the claims of the user at the browser (`sub` is required).
    pub fn set_user(&self, claims: Value) {
        self.inner.shared.lock().user = claims;
    }

    /// A snapshot of the counters.
    pub fn counters(&self) -> OidcCounters {
        self.inner.shared.lock().counters.clone()
    }

    /// Sets every counter back to zero.
    pub fn reset_counters(&self) {
        self.inner.shared.lock().counters = OidcCounters::default();
    }

    /// Every code, access token and ID token issued so far, for tests that check that no
    /// secret reaches a log, a page or a cookie.
    pub fn issued_secrets(&self) -> Vec<String> {
        self.inner.shared.lock().issued.clone()
    }

    /// Stops accepting connections. Calling it again does nothing.
    pub fn shutdown(&self) {
        self.inner.shutdown.send_replace(());
    }
}
