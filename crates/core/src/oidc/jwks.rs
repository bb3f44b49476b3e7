//! The issuer's signing keys (JWKS), cached, with a rate-limited refetch for unknown key ids.

use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use jsonwebtoken::DecodingKey;
use jsonwebtoken::jwk::Jwk;
use serde_json::Value;
use url::Url;

use super::id_token::{IdTokenHeader, SigningAlgorithm};
use crate::error::{Error, ProviderContext, Stage, redacted_excerpt};
use crate::http::HttpClient;

/// The least time between two refetches of the JWKS caused by unknown key ids, unless
/// configured otherwise.
pub const DEFAULT_JWKS_REFETCH_INTERVAL: Duration = Duration::from_secs(60);

/// How long a fetched JWKS is used before it is fetched again on the next validation, unless
/// configured otherwise (so that keys the issuer withdrew stop being trusted).
pub const DEFAULT_JWKS_MAX_AGE: Duration = Duration::from_secs(3600);

/// Most keys kept from one JWKS; the rest are ignored.
const MAX_KEYS: usize = 64;

/// The JWKS of one issuer.
///
/// The set is fetched on first use and kept for [`DEFAULT_JWKS_MAX_AGE`]. A token whose key id
/// is not in the cached set triggers one refetch at once (the issuer rotated its keys), even
/// right after the first fetch; after that, refetches are rate-limited to one per
/// `refetch_interval`, counted from the previous refetch, and in between an unknown key id is
/// answered from the cache ("no such key") without a request. So a flood of tokens with forged
/// key ids costs the issuer at most one request per interval. Concurrent validations share one
/// fetch.
pub struct JwksCache {
    url: Url,
    refetch_interval: Duration,
    max_age: Duration,
    state: tokio::sync::Mutex<State>,
    fetches: AtomicU64,
}

#[derive(Default)]
struct State {
    keys: Vec<CachedKey>,
    fetched_at: Option<Instant>,
    last_refetch: Option<Instant>,
}

struct CachedKey {
    kid: Option<String>,
    kty: String,
    crv: Option<String>,
    alg: Option<String>,
    key: DecodingKey,
}

impl fmt::Debug for JwksCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("JwksCache")
            .field("url", &self.url.as_str())
            .field("refetch_interval", &self.refetch_interval)
            .field("max_age", &self.max_age)
            .field("fetches", &self.fetch_count())
            .finish_non_exhaustive()
    }
}

impl JwksCache {
    /// A cache of the JWKS at `url` with the default intervals.
    pub fn new(url: Url) -> Self {
        Self {
            url,
            refetch_interval: DEFAULT_JWKS_REFETCH_INTERVAL,
            max_age: DEFAULT_JWKS_MAX_AGE,
            state: tokio::sync::Mutex::new(State::default()),
            fetches: AtomicU64::new(0),
        }
    }

    /// Sets the least time between two refetches caused by unknown key ids.
    pub fn with_refetch_interval(mut self, interval: Duration) -> Self {
        self.refetch_interval = interval;
        self
    }

    /// Sets how long a fetched set is used before it is fetched again.
    pub fn with_max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The JWKS URL.
    pub fn url(&self) -> &Url {
        &self.url
    }

    /// How many times the set was fetched so far (successfully or not).
    pub fn fetch_count(&self) -> u64 {
        self.fetches.load(Ordering::Relaxed)
    }

    /// The key that verifies a token with `header`, fetching or refetching the set as described
    /// on the type. `Ok(None)` means that no key matches, even after a refetch (or that a
    /// refetch is not allowed yet).
    pub async fn key_for(
        &self,
        http: &HttpClient,
        provider: &str,
        header: &IdTokenHeader,
    ) -> Result<Option<DecodingKey>, Error> {
        let context = ProviderContext::new(provider, Stage::Jwks);
        let mut state = self.state.lock().await;
        let stale = state
            .fetched_at
            .is_none_or(|at| at.elapsed() >= self.max_age);
        if stale {
            self.fetch(http, &context, &mut state).await?;
            if let Some(key) = state.find(header) {
                return Ok(Some(key));
            }
            // Just fetched: a refetch now would get the same set.
            if state.last_refetch.is_none() {
                tracing::debug!(provider, "ID token key id not in the fresh JWKS");
            }
            return Ok(None);
        }
        if let Some(key) = state.find(header) {
            return Ok(Some(key));
        }
        let allowed = state
            .last_refetch
            .is_none_or(|at| at.elapsed() >= self.refetch_interval);
        if !allowed {
            tracing::debug!(
                provider,
                "ID token key id unknown; the JWKS was refetched recently, so not again yet"
            );
            return Ok(None);
        }
        state.last_refetch = Some(Instant::now());
        tracing::debug!(provider, "ID token key id unknown: refetching the JWKS");
        self.fetch(http, &context, &mut state).await?;
        Ok(state.find(header))
    }

    async fn fetch(
        &self,
        http: &HttpClient,
        context: &ProviderContext,
        state: &mut State,
    ) -> Result<(), Error> {
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let response = http.get(context, &self.url).await?;
        let body: Value = response.json(context)?;
        let Some(list) = body.get("keys").and_then(Value::as_array) else {
            return Err(Error::InvalidResponse {
                context: context.clone(),
                status: response.status,
                reason: "the JWKS has no `keys` array".to_owned(),
                excerpt: redacted_excerpt(&response.body),
            });
        };
        state.keys = list
            .iter()
            .take(MAX_KEYS)
            .filter_map(CachedKey::parse)
            .collect();
        state.fetched_at = Some(Instant::now());
        Ok(())
    }
}

impl State {
    /// The key for `header`: same key id (or the only suitable key when the header has none),
    /// a key type and curve that fit the algorithm, and the same `alg` when the key names one.
    fn find(&self, header: &IdTokenHeader) -> Option<DecodingKey> {
        let (kty, crv) = header.alg.key_type();
        let mut suitable = self.keys.iter().filter(|k| {
            k.kty == kty
                && (crv.is_none() || k.crv.as_deref() == crv)
                && k.alg.as_deref().is_none_or(|a| a == header.alg.as_str())
        });
        match &header.kid {
            Some(kid) => suitable
                .find(|k| k.kid.as_deref() == Some(kid.as_str()))
                .map(|k| k.key.clone()),
            None => {
                let first = suitable.next()?;
                suitable.next().is_none().then(|| first.key.clone())
            }
        }
    }
}

impl CachedKey {
    /// A signing key of the set; encryption keys and keys that cannot be read are skipped.
    fn parse(value: &Value) -> Option<Self> {
        let member = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_owned);
        if member("use").is_some_and(|u| u != "sig") {
            return None;
        }
        let kty = member("kty")?;
        if !matches!(kty.as_str(), "RSA" | "EC" | "OKP") {
            return None;
        }
        let alg = member("alg");
        // A published key never verifies HS256: that key is the client secret, if anything.
        if alg.as_deref().is_some_and(|a| {
            SigningAlgorithm::parse(a).is_none_or(|a| a == SigningAlgorithm::HS256)
        }) {
            return None;
        }
        let jwk: Jwk = serde_json::from_value(value.clone()).ok()?;
        let key = DecodingKey::from_jwk(&jwk).ok()?;
        Some(Self {
            kid: member("kid"),
            kty,
            crv: member("crv"),
            alg,
            key,
        })
    }
}
