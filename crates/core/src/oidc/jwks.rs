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
            tracing::debug!(provider, "ID token key id not in the fresh JWKS");
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
        state.load(list);
        state.fetched_at = Some(Instant::now());
        Ok(())
    }
}

impl State {
    /// Keeps the signing keys among the first [`MAX_KEYS`] members of a JWKS `keys` array.
    fn load(&mut self, list: &[Value]) {
        self.keys = list
            .iter()
            .take(MAX_KEYS)
            .filter_map(CachedKey::parse)
            .collect();
    }

    /// The key for `header`: same key id (or the only suitable key when the header has none),
    /// a key type and curve that fit the algorithm, and the same `alg` when the key names one.
    fn find(&self, header: &IdTokenHeader) -> Option<DecodingKey> {
        self.find_cached(header).map(|k| k.key.clone())
    }

    fn find_cached(&self, header: &IdTokenHeader) -> Option<&CachedKey> {
        let (kty, crv) = header.alg.key_type();
        let mut suitable = self.keys.iter().filter(|k| {
            k.kty == kty
                && (crv.is_none() || k.crv.as_deref() == crv)
                && k.alg.as_deref().is_none_or(|a| a == header.alg.as_str())
        });
        match &header.kid {
            Some(kid) => suitable.find(|k| k.kid.as_deref() == Some(kid.as_str())),
            None => {
                let first = suitable.next()?;
                suitable.next().is_none().then_some(first)
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

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    // Key material is only decoded, never used to verify, so any base64url value will do.
    fn rsa(kid: &str) -> Value {
        json!({ "kty": "RSA", "kid": kid, "n": "sXchDaQebHnPiGvyDOAT4saGEUetSyo9MKLOoWFsueri", "e": "AQAB" })
    }

    fn ec(kid: &str, crv: &str) -> Value {
        json!({
            "kty": "EC", "kid": kid, "crv": crv,
            "x": "MKBCTNIcKUSDii11ySs3526iDZ8AiTo7Tu6KPAqv7D4",
            "y": "4Etl6SRW2YiLUrN5vfvVHuhp7x8PxltmWWlbbM4IFyM"
        })
    }

    fn with(mut key: Value, member: &str, value: &str) -> Value {
        key[member] = json!(value);
        key
    }

    fn state(keys: &[Value]) -> State {
        let mut state = State::default();
        state.load(keys);
        state
    }

    fn header(alg: SigningAlgorithm, kid: Option<&str>) -> IdTokenHeader {
        IdTokenHeader {
            alg,
            kid: kid.map(str::to_owned),
        }
    }

    /// The key id of the key chosen for `header`, if any.
    fn chosen(state: &State, header: &IdTokenHeader) -> Option<String> {
        state
            .find_cached(header)
            .map(|k| k.kid.clone().unwrap_or_default())
    }

    #[test]
    fn key_under_the_kid_is_found_when_its_type_fits_the_algorithm() {
        let state = state(&[rsa("r1"), ec("e1", "P-256")]);
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::RS256, Some("r1"))).as_deref(),
            Some("r1")
        );
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::ES256, Some("e1"))).as_deref(),
            Some("e1")
        );
        assert!(
            state
                .find(&header(SigningAlgorithm::RS256, Some("r1")))
                .is_some()
        );
    }

    #[test]
    fn rsa_key_under_the_kid_is_not_used_for_an_ec_algorithm() {
        let state = state(&[rsa("k1")]);
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::ES256, Some("k1"))),
            None
        );
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::EdDSA, Some("k1"))),
            None
        );
    }

    #[test]
    fn ec_key_on_another_curve_is_not_used_for_es256() {
        let state = state(&[ec("k1", "P-384")]);
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::ES256, Some("k1"))),
            None
        );
    }

    #[test]
    fn key_that_names_another_alg_is_not_used() {
        let state = state(&[with(rsa("k1"), "alg", "PS256")]);
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::RS256, Some("k1"))),
            None
        );
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::PS256, Some("k1"))).as_deref(),
            Some("k1")
        );
    }

    #[test]
    fn encryption_keys_and_unusable_keys_are_skipped() {
        assert!(CachedKey::parse(&with(rsa("k1"), "use", "enc")).is_none());
        assert!(CachedKey::parse(&with(rsa("k1"), "use", "sig")).is_some());
        assert!(CachedKey::parse(&with(rsa("k1"), "alg", "HS256")).is_none());
        assert!(CachedKey::parse(&json!({ "kty": "oct", "kid": "k1", "k": "c2VjcmV0" })).is_none());
        assert!(CachedKey::parse(&json!({ "kid": "k1", "n": "AQAB", "e": "AQAB" })).is_none());
        let state = state(&[with(rsa("k1"), "use", "enc")]);
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::RS256, Some("k1"))),
            None
        );
    }

    #[test]
    fn header_without_kid_matches_only_a_single_fitting_key() {
        let one = state(&[rsa("r1"), ec("e1", "P-256")]);
        assert_eq!(
            chosen(&one, &header(SigningAlgorithm::RS256, None)).as_deref(),
            Some("r1")
        );
        let two = state(&[rsa("r1"), rsa("r2")]);
        assert_eq!(chosen(&two, &header(SigningAlgorithm::RS256, None)), None);
        let none = state(&[ec("e1", "P-256")]);
        assert_eq!(chosen(&none, &header(SigningAlgorithm::RS256, None)), None);
    }

    #[test]
    fn keys_past_the_cap_are_ignored() {
        let keys: Vec<Value> = (0..=MAX_KEYS).map(|i| rsa(&format!("k{i}"))).collect();
        let state = state(&keys);
        assert_eq!(state.keys.len(), MAX_KEYS);
        let last = format!("k{MAX_KEYS}");
        assert_eq!(
            chosen(&state, &header(SigningAlgorithm::RS256, Some(&last))),
            None
        );
        assert!(chosen(&state, &header(SigningAlgorithm::RS256, Some("k0"))).is_some());
    }
}
