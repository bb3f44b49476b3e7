//! ID-token validation per OpenID Connect Core 1.0 §3.1.3.7.
//!
//! Signatures are verified by the `jsonwebtoken` crate (RustCrypto backend); this module picks
//! the algorithm from an allow-list, and checks the claims itself so that every failure has its
//! own [`IdTokenError`].

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde_json::Value;
use sha2::{Digest, Sha256, Sha512};

use crate::pkce::constant_time_eq;

/// The clock skew tolerated on `exp`, `iat` and `nbf` unless configured otherwise.
pub const DEFAULT_CLOCK_LEEWAY: Duration = Duration::from_secs(60);

/// The longest ID token accepted, in bytes; anything longer is
/// [`IdTokenError::Malformed`] before any parsing.
const MAX_TOKEN_BYTES: usize = 64 * 1024;

/// A signature algorithm that oauth-kit accepts for ID tokens. `none` is deliberately absent.
/// An ID token is verified with the issuer's published public keys, with one explicit
/// exception: [`HS256`](Self::HS256), which only a spec that declares
/// [`IdTokenKey::ClientSecretHs256`](crate::spec::IdTokenKey::ClientSecretHs256) accepts, keyed
/// with the instance's client secret and never with a key of the JWKS, so a token "signed"
/// with a public key used as an HMAC secret can never pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum SigningAlgorithm {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (the OpenID Connect default).
    RS256,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// EdDSA on Ed25519.
    EdDSA,
    /// HMAC with SHA-256 keyed with the client secret (LINE's web login). Never in
    /// [`DEFAULT_ALLOWED`](Self::DEFAULT_ALLOWED) and never looked up in a JWKS.
    HS256,
}

impl SigningAlgorithm {
    /// The allow-list used unless a spec narrows it: RS256, PS256, ES256 and EdDSA.
    pub const DEFAULT_ALLOWED: &'static [SigningAlgorithm] = &[
        SigningAlgorithm::RS256,
        SigningAlgorithm::PS256,
        SigningAlgorithm::ES256,
        SigningAlgorithm::EdDSA,
    ];

    /// The JOSE name (`RS256`).
    pub fn as_str(self) -> &'static str {
        match self {
            SigningAlgorithm::RS256 => "RS256",
            SigningAlgorithm::PS256 => "PS256",
            SigningAlgorithm::ES256 => "ES256",
            SigningAlgorithm::EdDSA => "EdDSA",
            SigningAlgorithm::HS256 => "HS256",
        }
    }

    /// Parses a JOSE name; anything that is not one of the five algorithms is `None`.
    pub fn parse(name: &str) -> Option<Self> {
        Self::DEFAULT_ALLOWED
            .iter()
            .copied()
            .chain([SigningAlgorithm::HS256])
            .find(|a| a.as_str() == name)
    }

    pub(crate) fn jwt(self) -> Algorithm {
        match self {
            SigningAlgorithm::RS256 => Algorithm::RS256,
            SigningAlgorithm::PS256 => Algorithm::PS256,
            SigningAlgorithm::ES256 => Algorithm::ES256,
            SigningAlgorithm::EdDSA => Algorithm::EdDSA,
            SigningAlgorithm::HS256 => Algorithm::HS256,
        }
    }

    /// The JWK key type (`kty`) and curve (`crv`) a key must have to verify this algorithm.
    pub(crate) fn key_type(self) -> (&'static str, Option<&'static str>) {
        match self {
            SigningAlgorithm::RS256 | SigningAlgorithm::PS256 => ("RSA", None),
            SigningAlgorithm::ES256 => ("EC", Some("P-256")),
            SigningAlgorithm::EdDSA => ("OKP", Some("Ed25519")),
            // The JWKS cache keeps no symmetric keys, so this never matches a published key.
            SigningAlgorithm::HS256 => ("oct", None),
        }
    }

    /// The `at_hash` value of `access_token`: the left half of its hash with the algorithm's
    /// hash function (SHA-512 for Ed25519), base64url without padding.
    pub fn access_token_hash(self, access_token: &str) -> String {
        let digest: Vec<u8> = match self {
            SigningAlgorithm::EdDSA => Sha512::digest(access_token.as_bytes()).to_vec(),
            _ => Sha256::digest(access_token.as_bytes()).to_vec(),
        };
        URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
    }
}

/// Why an ID token was refused. Each check of OpenID Connect Core §3.1.3.7 has its own variant,
/// and [`code`](Self::code) its own failure code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdTokenError {
    /// The token response of an OpenID Connect login carries no `id_token`.
    #[error("is missing from the token response")]
    Missing,
    /// The token is not a compact JWS with a JSON header and JSON claims.
    #[error("is not a well-formed signed JWT")]
    Malformed,
    /// The header names an algorithm outside the allow-list (`none`, HMAC where the spec does
    /// not declare it, ...).
    #[error("uses the signature algorithm `{alg}`, which is not allowed")]
    AlgorithmNotAllowed {
        /// The header's `alg`, reduced to at most 16 plain characters.
        alg: String,
    },
    /// No key of the issuer's JWKS matches the header's `kid` and algorithm, even after
    /// refetching the JWKS.
    #[error("is signed with a key that the issuer does not publish")]
    UnknownKey,
    /// The signature does not verify with the issuer's key.
    #[error("has an invalid signature")]
    InvalidSignature,
    /// `iss` is not the issuer.
    #[error("was issued by another issuer")]
    IssuerMismatch,
    /// The issuer is a multi-tenant template and the token names no valid `tid`.
    #[error("names no valid tenant (`tid`) for the multi-tenant issuer")]
    TenantMissing,
    /// `aud` does not contain the client id.
    #[error("is not meant for this client (`aud`)")]
    AudienceMismatch,
    /// `aud` lists several audiences and there is no `azp`.
    #[error("has several audiences and no authorized party (`azp`)")]
    AuthorizedPartyMissing,
    /// `azp` is not the client id.
    #[error("names another authorized party (`azp`)")]
    AuthorizedPartyMismatch,
    /// `exp` has passed (beyond the leeway), or is missing.
    #[error("has expired")]
    Expired,
    /// `iat` is in the future (beyond the leeway), or is missing.
    #[error("was issued in the future (`iat`)")]
    IssuedInFuture,
    /// `nbf` is in the future (beyond the leeway).
    #[error("is not valid yet (`nbf`)")]
    NotYetValid,
    /// A nonce was sent and the token carries none.
    #[error("has no nonce")]
    NonceMissing,
    /// The token's nonce is not the one of this browser's login.
    #[error("carries a nonce from another login")]
    NonceMismatch,
    /// `at_hash` does not match the access token.
    #[error("has an `at_hash` that does not match the access token")]
    AccessTokenHashMismatch,
    /// `sub` is missing or empty.
    #[error("has no subject (`sub`)")]
    SubjectMissing,
}

impl IdTokenError {
    /// The machine-readable failure code (the `error` query parameter of the failure redirect).
    pub fn code(&self) -> &'static str {
        match self {
            IdTokenError::Missing => "id_token_missing",
            IdTokenError::Malformed => "id_token_malformed",
            IdTokenError::AlgorithmNotAllowed { .. } => "id_token_algorithm",
            IdTokenError::UnknownKey => "id_token_unknown_key",
            IdTokenError::InvalidSignature => "id_token_signature",
            IdTokenError::IssuerMismatch => "id_token_issuer",
            IdTokenError::TenantMissing => "id_token_tenant",
            IdTokenError::AudienceMismatch => "id_token_audience",
            IdTokenError::AuthorizedPartyMissing => "id_token_azp_missing",
            IdTokenError::AuthorizedPartyMismatch => "id_token_azp",
            IdTokenError::Expired => "id_token_expired",
            IdTokenError::IssuedInFuture => "id_token_iat",
            IdTokenError::NotYetValid => "id_token_nbf",
            IdTokenError::NonceMissing => "nonce_missing",
            IdTokenError::NonceMismatch => "nonce_mismatch",
            IdTokenError::AccessTokenHashMismatch => "at_hash_mismatch",
            IdTokenError::SubjectMissing => "id_token_subject",
        }
    }
}

/// The protected header of an ID token: the allow-listed algorithm and the key id. Parsing it
/// is the first step of validation; the key is then looked up in the issuer's JWKS.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct IdTokenHeader {
    /// The signature algorithm.
    pub alg: SigningAlgorithm,
    /// The key id, if the header has one.
    pub kid: Option<String>,
}

impl IdTokenHeader {
    /// Reads the header of `token` and checks its algorithm against `allowed`.
    pub fn parse(token: &str, allowed: &[SigningAlgorithm]) -> Result<Self, IdTokenError> {
        if token.len() > MAX_TOKEN_BYTES {
            return Err(IdTokenError::Malformed);
        }
        let mut parts = token.split('.');
        let (Some(header), Some(_), Some(_), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(IdTokenError::Malformed);
        };
        let header: Value = URL_SAFE_NO_PAD
            .decode(header)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .ok_or(IdTokenError::Malformed)?;
        let name = header
            .get("alg")
            .and_then(Value::as_str)
            .ok_or(IdTokenError::Malformed)?;
        let alg = SigningAlgorithm::parse(name)
            .filter(|a| allowed.contains(a))
            .ok_or_else(|| IdTokenError::AlgorithmNotAllowed {
                alg: name
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
                    .take(16)
                    .collect(),
            })?;
        let kid = match header.get("kid") {
            None | Some(Value::Null) => None,
            Some(Value::String(kid)) => Some(kid.clone()),
            Some(_) => return Err(IdTokenError::Malformed),
        };
        Ok(Self { alg, kid })
    }
}

/// What an ID token is checked against.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct IdTokenChecks<'a> {
    /// The issuer. `{tenantid}` in it is replaced by the token's `tid` claim (Microsoft's
    /// multi-tenant issuer).
    pub issuer: &'a str,
    /// The client id: it must be in `aud`, and equal `azp` when there is one.
    pub client_id: &'a str,
    /// The nonce sent in the authorization request; when set, the token must carry it.
    pub nonce: Option<&'a str>,
    /// The access token of the same response, for `at_hash`.
    pub access_token: Option<&'a str>,
    /// The clock skew tolerated on `exp`, `iat` and `nbf`.
    pub leeway: Duration,
    /// The current time in seconds since the Unix epoch.
    pub now: u64,
}

impl<'a> IdTokenChecks<'a> {
    /// Checks for `issuer` and `client_id` at the current time, with the default leeway, no
    /// nonce and no access token.
    pub fn new(issuer: &'a str, client_id: &'a str) -> Self {
        Self {
            issuer,
            client_id,
            nonce: None,
            access_token: None,
            leeway: DEFAULT_CLOCK_LEEWAY,
            now: jsonwebtoken::get_current_timestamp(),
        }
    }

    /// Requires this nonce.
    pub fn nonce(mut self, nonce: Option<&'a str>) -> Self {
        self.nonce = nonce;
        self
    }

    /// Checks `at_hash` (when present) against this access token.
    pub fn access_token(mut self, access_token: Option<&'a str>) -> Self {
        self.access_token = access_token;
        self
    }

    /// Sets the clock leeway.
    pub fn leeway(mut self, leeway: Duration) -> Self {
        self.leeway = leeway;
        self
    }

    /// Sets the current time (seconds since the Unix epoch).
    pub fn at(mut self, now: u64) -> Self {
        self.now = now;
        self
    }
}

/// Verifies `token`'s signature with `key` for the algorithm of `header`, then checks its
/// claims in the order of OpenID Connect Core §3.1.3.7: `iss`, `aud`, `azp`, `exp`, `iat`,
/// `nbf`, `nonce`, `at_hash`, and a non-empty `sub`. Returns the claims.
pub fn verify_id_token(
    token: &str,
    header: &IdTokenHeader,
    key: &DecodingKey,
    checks: &IdTokenChecks<'_>,
) -> Result<serde_json::Map<String, Value>, IdTokenError> {
    ensure_crypto_provider();
    let mut validation = Validation::new(header.alg.jwt());
    validation.validate_exp = false;
    validation.validate_nbf = false;
    validation.validate_aud = false;
    validation.leeway = 0;
    validation.required_spec_claims.clear();
    let data = jsonwebtoken::decode::<Value>(token, key, &validation).map_err(|e| {
        use jsonwebtoken::errors::ErrorKind;
        match e.kind() {
            ErrorKind::InvalidSignature
            | ErrorKind::InvalidAlgorithm
            | ErrorKind::InvalidKeyFormat
            | ErrorKind::InvalidRsaKey(_)
            | ErrorKind::InvalidEcdsaKey
            | ErrorKind::InvalidEddsaKey => IdTokenError::InvalidSignature,
            _ => IdTokenError::Malformed,
        }
    })?;
    let Value::Object(claims) = data.claims else {
        return Err(IdTokenError::Malformed);
    };
    check_claims(&claims, header.alg, checks)?;
    Ok(claims)
}

/// Makes sure `jsonwebtoken` has a crypto provider even when a dependency also enabled its
/// other backend (with both, it picks none by itself). Call it before signing with
/// `jsonwebtoken` (a provider's client-assertion signer, for example); verifying here calls it.
pub fn ensure_crypto_provider() {
    if jsonwebtoken::crypto::CryptoProvider::try_get_default().is_none() {
        // Fails only when another thread installed one in between, which is just as good.
        let _ = jsonwebtoken::crypto::rust_crypto::DEFAULT_PROVIDER.install_default();
    }
}

fn check_claims(
    claims: &serde_json::Map<String, Value>,
    alg: SigningAlgorithm,
    checks: &IdTokenChecks<'_>,
) -> Result<(), IdTokenError> {
    // iss, with Microsoft's `{tenantid}` taken from `tid`.
    let expected_issuer = if checks.issuer.contains("{tenantid}") {
        let tid = claims
            .get("tid")
            .and_then(Value::as_str)
            .filter(|t| is_tenant_id(t))
            .ok_or(IdTokenError::TenantMissing)?;
        checks.issuer.replace("{tenantid}", tid)
    } else {
        checks.issuer.to_owned()
    };
    if claims.get("iss").and_then(Value::as_str) != Some(expected_issuer.as_str()) {
        return Err(IdTokenError::IssuerMismatch);
    }

    // aud (a string or an array of strings) and azp.
    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        _ => Vec::new(),
    };
    if !audiences.contains(&checks.client_id) {
        return Err(IdTokenError::AudienceMismatch);
    }
    match claims.get("azp") {
        None | Some(Value::Null) if audiences.len() > 1 => {
            return Err(IdTokenError::AuthorizedPartyMissing);
        }
        None | Some(Value::Null) => {}
        Some(azp) if azp.as_str() == Some(checks.client_id) => {}
        Some(_) => return Err(IdTokenError::AuthorizedPartyMismatch),
    }

    // exp, iat and nbf with the leeway.
    let leeway = checks.leeway.as_secs();
    let exp = time_claim(claims, "exp").ok_or(IdTokenError::Expired)?;
    if checks.now >= exp.saturating_add(leeway) {
        return Err(IdTokenError::Expired);
    }
    let iat = time_claim(claims, "iat").ok_or(IdTokenError::IssuedInFuture)?;
    if iat > checks.now.saturating_add(leeway) {
        return Err(IdTokenError::IssuedInFuture);
    }
    if claims.contains_key("nbf") {
        let nbf = time_claim(claims, "nbf").ok_or(IdTokenError::NotYetValid)?;
        if nbf > checks.now.saturating_add(leeway) {
            return Err(IdTokenError::NotYetValid);
        }
    }

    // nonce: required and equal whenever one was sent.
    if let Some(expected) = checks.nonce {
        let nonce = claims
            .get("nonce")
            .and_then(Value::as_str)
            .ok_or(IdTokenError::NonceMissing)?;
        if !constant_time_eq(nonce.as_bytes(), expected.as_bytes()) {
            return Err(IdTokenError::NonceMismatch);
        }
    }

    // at_hash, when the token has one.
    if let (Some(at_hash), Some(access_token)) = (claims.get("at_hash"), checks.access_token) {
        let expected = alg.access_token_hash(access_token);
        if at_hash.as_str() != Some(expected.as_str()) {
            return Err(IdTokenError::AccessTokenHashMismatch);
        }
    }

    match claims.get("sub").and_then(Value::as_str) {
        Some(sub) if !sub.trim().is_empty() => Ok(()),
        _ => Err(IdTokenError::SubjectMissing),
    }
}

/// A NumericDate claim in whole seconds (a float is truncated; a negative or absent value is
/// `None`).
fn time_claim(claims: &serde_json::Map<String, Value>, name: &str) -> Option<u64> {
    let value = claims.get(name)?;
    value
        .as_u64()
        .or_else(|| value.as_f64().filter(|f| *f >= 0.0).map(|f| f as u64))
}

/// A tenant id fit to be put into an issuer URL: 1 to 64 characters from `A-Z a-z 0-9 - _ .`.
pub(super) fn is_tenant_id(tid: &str) -> bool {
    (1..=64).contains(&tid.len())
        && tid
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && tid != "."
        && tid != ".."
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn claims(value: Value) -> serde_json::Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => unreachable!("the tests pass objects"),
        }
    }

    const NOW: u64 = 1_700_000_000;

    fn good() -> Value {
        json!({
            "iss": "https://id.example", "aud": "client", "sub": "u1",
            "exp": NOW + 300, "iat": NOW, "nonce": "n-1"
        })
    }

    fn check(value: Value) -> Result<(), IdTokenError> {
        let checks = IdTokenChecks::new("https://id.example", "client")
            .nonce(Some("n-1"))
            .at(NOW);
        check_claims(&claims(value), SigningAlgorithm::RS256, &checks)
    }

    fn with(member: &str, value: Value) -> Value {
        let mut base = good();
        base[member] = value;
        base
    }

    fn without(member: &str) -> Value {
        let mut base = good();
        base.as_object_mut().map(|m| m.remove(member));
        base
    }

    #[test]
    fn valid_claims_pass() {
        assert_eq!(check(good()), Ok(()));
    }

    #[test]
    fn each_claim_failure_has_its_own_error() {
        use IdTokenError::*;
        let cases = [
            (with("iss", json!("https://id.example/")), IssuerMismatch),
            (without("iss"), IssuerMismatch),
            (with("aud", json!("other")), AudienceMismatch),
            (
                with("aud", json!(["client", "other"])),
                AuthorizedPartyMissing,
            ),
            (
                {
                    let mut v = with("aud", json!(["client", "other"]));
                    v["azp"] = json!("other");
                    v
                },
                AuthorizedPartyMismatch,
            ),
            (with("azp", json!("other")), AuthorizedPartyMismatch),
            (with("exp", json!(NOW - 61)), Expired),
            (without("exp"), Expired),
            (with("iat", json!(NOW + 61)), IssuedInFuture),
            (without("iat"), IssuedInFuture),
            (with("nbf", json!(NOW + 61)), NotYetValid),
            (without("nonce"), NonceMissing),
            (with("nonce", json!("n-2")), NonceMismatch),
            (with("sub", json!("")), SubjectMissing),
        ];
        for (claims, expected) in cases {
            assert_eq!(check(claims.clone()), Err(expected), "{claims}");
        }
    }

    #[test]
    fn leeway_tolerates_small_clock_skew() {
        assert_eq!(check(with("exp", json!(NOW - 59))), Ok(()));
        assert_eq!(check(with("iat", json!(NOW + 59))), Ok(()));
        assert_eq!(check(with("nbf", json!(NOW + 59))), Ok(()));
    }

    #[test]
    fn several_audiences_pass_with_azp_equal_to_the_client() {
        let mut value = with("aud", json!(["client", "api"]));
        value["azp"] = json!("client");
        assert_eq!(check(value), Ok(()));
    }

    #[test]
    fn at_hash_is_checked_when_present() {
        let access_token = "ya29.access-token";
        let hash = SigningAlgorithm::RS256.access_token_hash(access_token);
        let checks = IdTokenChecks::new("https://id.example", "client")
            .access_token(Some(access_token))
            .at(NOW);
        let ok = with("at_hash", json!(hash));
        assert_eq!(
            check_claims(&claims(ok), SigningAlgorithm::RS256, &checks),
            Ok(())
        );
        let bad = with("at_hash", json!("AAAAAAAAAAAAAAAAAAAAAA"));
        assert_eq!(
            check_claims(&claims(bad), SigningAlgorithm::RS256, &checks),
            Err(IdTokenError::AccessTokenHashMismatch)
        );
    }

    #[test]
    fn at_hash_is_the_left_half_of_the_digest() {
        // Computed independently (Python hashlib) for OpenID Connect Core's sample token.
        let token = "jHkWEdUXMU1BwAsC4vtUsZwnNXHm4Ff0Gg4xL1ZtrZG";
        assert_eq!(
            SigningAlgorithm::RS256.access_token_hash(token),
            "00bLB9fdx_Q6Ka6kXQ0DSw"
        );
        assert_eq!(
            SigningAlgorithm::EdDSA.access_token_hash(token),
            "JpCfNaVWQeBPiUXVCA3YgsuITXklYgTsGdsoEOgBq8A"
        );
    }

    #[test]
    fn multi_tenant_issuer_takes_the_tenant_from_tid() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        let checks = IdTokenChecks::new(template, "client").at(NOW);
        let mut value = good();
        value["iss"] = json!("https://login.microsoftonline.com/9188040d/v2.0");
        value["tid"] = json!("9188040d");
        assert_eq!(
            check_claims(&claims(value.clone()), SigningAlgorithm::RS256, &checks),
            Ok(())
        );
        value["tid"] = json!("other");
        assert_eq!(
            check_claims(&claims(value.clone()), SigningAlgorithm::RS256, &checks),
            Err(IdTokenError::IssuerMismatch)
        );
        value["tid"] = json!("a/b");
        assert_eq!(
            check_claims(&claims(value), SigningAlgorithm::RS256, &checks),
            Err(IdTokenError::TenantMissing)
        );
    }

    fn token_with_header(header: Value) -> String {
        format!(
            "{}.{}.sig",
            URL_SAFE_NO_PAD.encode(header.to_string()),
            URL_SAFE_NO_PAD.encode(good().to_string())
        )
    }

    #[test]
    fn none_and_hmac_algorithms_are_refused_before_any_key_lookup() {
        let allowed = SigningAlgorithm::DEFAULT_ALLOWED;
        for alg in ["none", "HS256", "HS512", "RS512", "nOnE"] {
            let token = token_with_header(json!({"alg": alg, "kid": "k1"}));
            assert!(
                matches!(
                    IdTokenHeader::parse(&token, allowed),
                    Err(IdTokenError::AlgorithmNotAllowed { .. })
                ),
                "{alg}"
            );
        }
        let narrowed = IdTokenHeader::parse(
            &token_with_header(json!({"alg": "ES256"})),
            &[SigningAlgorithm::RS256],
        );
        assert!(matches!(
            narrowed,
            Err(IdTokenError::AlgorithmNotAllowed { .. })
        ));
        let header = IdTokenHeader::parse(
            &token_with_header(json!({"alg": "PS256", "kid": "k"})),
            allowed,
        )
        .expect("allowed");
        assert_eq!(header.alg, SigningAlgorithm::PS256);
        assert_eq!(header.kid.as_deref(), Some("k"));
    }

    #[test]
    fn hs256_is_known_but_only_allowed_where_a_spec_asks_for_it() {
        assert_eq!(
            SigningAlgorithm::parse("HS256"),
            Some(SigningAlgorithm::HS256)
        );
        assert!(!SigningAlgorithm::DEFAULT_ALLOWED.contains(&SigningAlgorithm::HS256));
        let token = token_with_header(json!({"alg": "HS256", "typ": "JWT"}));
        assert!(matches!(
            IdTokenHeader::parse(&token, SigningAlgorithm::DEFAULT_ALLOWED),
            Err(IdTokenError::AlgorithmNotAllowed { .. })
        ));
        let header = IdTokenHeader::parse(&token, &[SigningAlgorithm::HS256]).expect("allowed");
        assert_eq!((header.alg, header.kid), (SigningAlgorithm::HS256, None));
        // The other HMAC algorithms stay unknown, even where HS256 is allowed.
        for alg in ["HS384", "HS512"] {
            let token = token_with_header(json!({"alg": alg}));
            assert!(
                matches!(
                    IdTokenHeader::parse(&token, &[SigningAlgorithm::HS256]),
                    Err(IdTokenError::AlgorithmNotAllowed { .. })
                ),
                "{alg}"
            );
        }
    }

    #[test]
    fn malformed_tokens_are_refused() {
        for token in ["", "a.b", "a.b.c.d", "!!!.e30.sig", "e30.e30.sig"] {
            assert!(
                IdTokenHeader::parse(token, SigningAlgorithm::DEFAULT_ALLOWED).is_err(),
                "{token}"
            );
        }
        let huge = "a".repeat(MAX_TOKEN_BYTES + 1);
        assert_eq!(
            IdTokenHeader::parse(&huge, SigningAlgorithm::DEFAULT_ALLOWED),
            Err(IdTokenError::Malformed)
        );
    }

    #[test]
    fn algorithm_names_in_errors_are_reduced_to_plain_characters() {
        let token = token_with_header(json!({"alg": "<script>alert(1)</script>"}));
        match IdTokenHeader::parse(&token, SigningAlgorithm::DEFAULT_ALLOWED) {
            Err(IdTokenError::AlgorithmNotAllowed { alg }) => {
                assert!(alg.chars().all(|c| c.is_ascii_alphanumeric()), "{alg}");
                assert!(alg.len() <= 16);
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
