//! What the oauth-kit demo applications (`example-axum`, `example-actix`) share: the settings
//! read from the environment, the provider set-up (the providers whose credentials are set, or
//! when none are, every provider of the catalog against the built-in mocks), the HTML pages
//! and the JSON shape of `/me`.
//!
//! The [`e2e`] module holds the end-to-end suite that runs unchanged against every demo binary;
//! [`instances`] the suite of two instances behind one URL sharing one Redis; [`load`] the
//! load check behind `cargo xtask redis-load`.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let settings = demo_support::Settings::from_env()?;
//! let demo = demo_support::Demo::start(&settings).await?;
//! demo.announce(&settings);
//! # Ok(()) }
//! ```

pub mod e2e;
pub mod instances;
pub mod load;
mod pages;

use std::net::SocketAddr;
use std::sync::Arc;

use oauth_kit::flow::DEFAULT_MEMORY_CAP;
use oauth_kit::spec::ProviderSpec;
use oauth_kit::{Error, FlowConfig, LoginService, MemoryStore, ProviderSettings, SessionUser};
use oauth_kit_redis::{RedisConfig, RedisConnection};
use oauth_kit_testkit::{Consent, MockBitbucket, MockCatalog, MockConfig, MockUser};

pub use pages::{LoginButton, error_message, escape_html, home_page, login_page};

/// The demo's settings, from the environment variables of the demo contract.
#[derive(Debug, Clone)]
pub struct Settings {
    /// `APP_ADDR`, default `127.0.0.1:8000`.
    pub app_addr: SocketAddr,
    /// `OAUTH_REDIRECT_BASE_URL`, default `http://localhost:<APP_ADDR's port>`
    /// (`http://localhost:8000`).
    pub redirect_base_url: String,
    /// Whether no provider's client id is set (`BITBUCKET_CLIENT_ID`, `GITHUB_CLIENT_ID`, ...):
    /// then every catalog provider logs in against the built-in mocks.
    pub use_mock: bool,
    /// `APP_HEADER_READ_TIMEOUT_SECS`, default 10: how long a client may take to send a
    /// request head (Slowloris protection).
    pub header_read_timeout: std::time::Duration,
    /// `APP_MAX_CONNECTIONS`, default 1024: connections served at once.
    pub max_connections: usize,
    /// `OAUTH_REDIS_URL` (with `OAUTH_REDIS_KEY_PREFIX` and `OAUTH_REDIS_TIMEOUT_MS`): when
    /// set, the login state and the sessions live in this Redis, shared by every instance.
    pub redis: Option<RedisConfig>,
    /// `OAUTH_STATE_STORE=memory`: the flows wait in a bounded [`MemoryStore`] of this many
    /// entries (`OAUTH_STATE_STORE_CAP`, default 10 000) instead of the sealed cookie.
    pub memory_state_cap: Option<usize>,
}

impl Settings {
    /// Reads the variables named on the fields, and the client id of every catalog provider
    /// (`{PREFIX}_CLIENT_ID`) to decide on the built-in mocks.
    pub fn from_env() -> Result<Self, Error> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let app_addr = match var("APP_ADDR") {
            Some(addr) => addr.trim().parse().map_err(|_| {
                Error::config(
                    "APP_ADDR",
                    format!("`{addr}` is not an address such as 127.0.0.1:8000"),
                )
            })?,
            None => SocketAddr::from(([127, 0, 0, 1], 8000)),
        };
        let number = |name: &str, default: u64| -> Result<u64, Error> {
            match var(name) {
                None => Ok(default),
                Some(v) => v
                    .trim()
                    .parse()
                    .map_err(|_| Error::config(name, format!("`{v}` is not a whole number"))),
            }
        };
        Ok(Self {
            header_read_timeout: std::time::Duration::from_secs(
                number("APP_HEADER_READ_TIMEOUT_SECS", 10)?.max(1),
            ),
            max_connections: usize::try_from(number("APP_MAX_CONNECTIONS", 1024)?.max(1))
                .unwrap_or(1024),
            app_addr,
            redirect_base_url: var("OAUTH_REDIRECT_BASE_URL")
                .unwrap_or_else(|| format!("http://localhost:{}", app_addr.port())),
            use_mock: oauth_kit::catalog()
                .iter()
                .all(|spec| var(&spec.env_var("CLIENT_ID")).is_none()),
            redis: RedisConfig::from_env()?,
            memory_state_cap: match var("OAUTH_STATE_STORE").as_deref().map(str::trim) {
                None | Some("cookie") => None,
                Some("memory") => Some(
                    usize::try_from(number("OAUTH_STATE_STORE_CAP", DEFAULT_MEMORY_CAP as u64)?)
                        .unwrap_or(DEFAULT_MEMORY_CAP),
                ),
                Some(other) => {
                    return Err(Error::config(
                        "OAUTH_STATE_STORE",
                        format!("`{other}` is neither `cookie` nor `memory`"),
                    ));
                }
            },
        })
    }
}

/// The login service of a demo, and the built-in mocks when it runs them.
#[derive(Debug)]
pub struct Demo {
    /// The login service to mount.
    pub service: LoginService,
    /// The in-process mock Bitbucket, when no credentials were set.
    pub mock: Option<MockBitbucket>,
    /// The in-process mocks of every other catalog provider, when no credentials were set.
    pub mocks: Option<MockCatalog>,
    /// The Redis connection, when `OAUTH_REDIS_URL` is set: the login service keeps its flow
    /// state there, and the demo its sessions.
    pub redis: Option<RedisConnection>,
}

impl Demo {
    /// Builds the providers and the login service: every catalog provider whose variables are
    /// set (`{PREFIX}_CLIENT_ID`, `{PREFIX}_CLIENT_SECRET` and its endpoint overrides). When
    /// none is, starts the built-in mocks on loopback ports and registers every catalog
    /// provider against them: the mock Bitbucket (with a consent page) for Bitbucket, and for
    /// every other provider the testkit's mock of its spec, serving the spec's sample account
    /// ([`MockCatalog`]).
    pub async fn start(settings: &Settings) -> Result<Self, Error> {
        let lookup = |name: &str| -> Option<String> {
            if name == "OAUTH_REDIRECT_BASE_URL" {
                return Some(settings.redirect_base_url.clone());
            }
            std::env::var(name).ok()
        };
        let config = FlowConfig::from_lookup(lookup)?;
        let (registry, mock, mocks) = if settings.use_mock {
            let (mock, mocks) = start_mocks().await?;
            let mut vars = mocks.env_vars();
            if let Some(spec) = bitbucket_spec() {
                vars.extend([
                    (spec.env_var("CLIENT_ID"), mock.client_id()),
                    (spec.env_var("CLIENT_SECRET"), mock.client_secret()),
                    (spec.env_var("AUTHORIZE_URL"), mock.authorize_url()),
                    (spec.env_var("TOKEN_URL"), mock.token_url()),
                    (spec.env_var("API_URL"), mock.api_url()),
                ]);
            }
            let registry = ProviderSettings::from_lookup(move |name| {
                vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
            })
            .registry()?;
            (registry, Some(mock), Some(mocks))
        } else {
            (ProviderSettings::from_env().registry()?, None, None)
        };
        let mut builder = LoginService::builder(registry, config);
        let redis = match &settings.redis {
            // A Redis that does not answer stops the start-up with a message naming it.
            Some(redis) => Some(redis.clone().connect().await.map_err(|err| {
                Error::config("OAUTH_REDIS_URL", format!("cannot use Redis: {err}"))
            })?),
            None => None,
        };
        if let Some(redis) = &redis {
            builder = builder.store(Arc::new(redis.state_store()));
        } else if let Some(cap) = settings.memory_state_cap {
            builder = builder.store(Arc::new(MemoryStore::new(cap)));
        }
        let service = builder.build()?;
        Ok(Self {
            service,
            mock,
            mocks,
            redis,
        })
    }

    /// A login button per registered provider, in the order of the pages: by title.
    pub fn providers(&self) -> Vec<LoginButton> {
        let catalog = oauth_kit::catalog();
        let mut buttons: Vec<LoginButton> = self
            .service
            .registry()
            .iter()
            .map(|provider| {
                let name = provider.name().to_owned();
                // An instance renamed with `{PREFIX}_NAME` shows its name.
                let spec = catalog.iter().find(|spec| spec.id == name);
                LoginButton {
                    title: spec.map_or_else(|| name.clone(), |spec| spec.title.to_owned()),
                    own_server: spec.is_some_and(|spec| own_server(spec)),
                    name,
                }
            })
            .collect();
        buttons.sort_by_key(|b| (b.title.to_lowercase(), b.name.clone()));
        buttons
    }

    /// Logs where the demo listens, which Bitbucket it uses and the callback URL to register.
    pub fn announce(&self, settings: &Settings) {
        match &self.mock {
            Some(mock) => tracing::info!(
                mock = %mock.base_url(),
                providers = self.service.registry().len(),
                "no provider is configured: every provider logs in against the built-in mocks \
                 (no account needed). Set BITBUCKET_CLIENT_ID and BITBUCKET_CLIENT_SECRET (or \
                 another provider's) to use the real providers"
            ),
            None => tracing::info!(
                providers = ?self.service.registry().names().collect::<Vec<_>>(),
                "using the providers configured in the environment"
            ),
        }
        if let Some(redis) = &self.redis {
            tracing::info!(
                key_prefix = redis.key_prefix(),
                "OAUTH_REDIS_URL is set: login state and sessions are kept in Redis, shared by \
                 every instance"
            );
        }
        for (provider, url) in self.service.callback_urls() {
            tracing::info!(%provider, callback_url = %url, "register this callback URL with the provider");
        }
        tracing::info!(
            target: LISTENING_TARGET,
            "open {} ({LISTENING_ON} {})",
            settings.redirect_base_url,
            settings.app_addr
        );
    }
}

/// The spec of the catalog's Bitbucket Cloud, which the mock Bitbucket serves.
fn bitbucket_spec() -> Option<&'static ProviderSpec> {
    oauth_kit::catalog()
        .into_iter()
        .find(|spec| spec.id == oauth_kit::bitbucket::SPEC.id)
}

/// Starts the built-in mocks: the mock Bitbucket with a consent page and avatars it serves
/// itself (so the page shows them offline too), and a mock of every other catalog provider.
async fn start_mocks() -> Result<(MockBitbucket, MockCatalog), Error> {
    let mock = MockBitbucket::start_with(MockConfig {
        consent: Consent::Interactive,
        ..MockConfig::default()
    })
    .await
    .map_err(|e| Error::config("mock Bitbucket", format!("cannot start: {e}")))?;
    for user in [MockUser::mira(), MockUser::tomas()] {
        let initials: String = user
            .display_name
            .split_whitespace()
            .filter_map(|w| w.chars().next())
            .take(2)
            .collect();
        mock.add_user(MockUser {
            avatar_url: mock.avatar_url(&initials),
            ..user
        });
    }
    let others = oauth_kit::catalog()
        .into_iter()
        .filter(|spec| spec.id != oauth_kit::bitbucket::SPEC.id);
    let mocks = MockCatalog::start(others, Consent::Interactive)
        .await
        .map_err(|e| Error::config("built-in mocks", format!("cannot start: {e}")))?;
    Ok((mock, mocks))
}

/// Whether a provider logs in at a server of the user's organization rather than at one public
/// service: a self-hosted-only provider (Bitbucket Data Center), or an OpenID Connect provider
/// whose issuer every instance configures (`OIDC_ISSUER`).
pub fn own_server(spec: &ProviderSpec) -> bool {
    spec.base_url == Some("")
        || spec
            .openid_spec()
            .is_some_and(|openid| openid.issuer.is_none())
}

/// Headers of every page and of `/me`: no cache may keep them (they depend on who is logged
/// in), no script runs and nothing loads but images, no other site may frame them, and browsers
/// must not guess content types.
pub const PAGE_HEADERS: &[(&str, &str)] = &[
    ("cache-control", "no-store"),
    (
        "content-security-policy",
        "default-src 'none'; img-src 'self' https: http://127.0.0.1:* http://localhost:*; \
         style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "same-origin"),
];

/// The log target of the line that says a demo listens ("... listening on ADDRESS"): the e2e
/// harness waits for it, so it keeps it visible whatever `RUST_LOG` a test sets.
pub const LISTENING_TARGET: &str = "demo_support::listening";

/// The words before the address in that line.
pub const LISTENING_ON: &str = "listening on";

/// The log filter when `RUST_LOG` is not set: `info`, except for tower-sessions, which opens
/// an `info` span around every request that the subscriber then records (about 0.4 µs per
/// request, 3 % of a whole login; see docs/performance.md) and logs nothing at that level.
pub const DEFAULT_LOG_FILTER: &str = "info,tower_sessions=warn";

/// Installs the demo's log output: `RUST_LOG` (default [`DEFAULT_LOG_FILTER`]) to standard
/// error, with colours only when standard error is a terminal (a log file gets plain text).
pub fn init_tracing() {
    use std::io::IsTerminal as _;
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::stderr().is_terminal())
        .with_writer(std::io::stderr)
        .try_init();
}

/// The JSON of `GET /me`.
pub fn me_json(user: &SessionUser) -> serde_json::Value {
    let u = &user.info;
    serde_json::json!({
        "provider": u.provider,
        "oauth_id": u.oauth_id,
        "email": u.email,
        "email_verified": u.email_verified,
        "username": u.username,
        "first_name": u.first_name,
        "last_name": u.last_name,
        "avatar_url": u.avatar_url,
        "profile_url": u.profile_url,
    })
}

#[cfg(test)]
mod tests {
    use tracing::Level;
    use tracing_subscriber::layer::SubscriberExt as _;

    use super::DEFAULT_LOG_FILTER;

    #[test]
    fn default_log_filter_drops_the_per_request_span_of_tower_sessions_only() {
        let filter = tracing_subscriber::EnvFilter::new(DEFAULT_LOG_FILTER);
        let subscriber = tracing_subscriber::registry().with(filter);
        tracing::subscriber::with_default(subscriber, || {
            assert!(!tracing::span_enabled!(target: "tower_sessions::service", Level::INFO));
            assert!(tracing::event_enabled!(target: "tower_sessions::service", Level::WARN));
            assert!(tracing::event_enabled!(target: "oauth_kit_core::flow", Level::INFO));
            assert!(!tracing::event_enabled!(target: "oauth_kit_core::flow", Level::DEBUG));
        });
    }
}
