//! Signing JWT client assertions with an ES256 private key: RFC 7523's `private_key_jwt`
//! ([`PrivateKeyJwt`]), and the building block for providers whose "client secret" is a JWT
//! with claims of their own choosing (Apple's, for one) ([`Es256Key`]).

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::{Map, Value};

use crate::oauth2::ClientAssertion;
use crate::{ClientSecret, Error};

/// How long a signed client assertion is valid by default.
pub const DEFAULT_ASSERTION_LIFETIME: Duration = Duration::from_secs(300);

/// A P-256 private key with its key id, read from PKCS#8 PEM text (`-----BEGIN PRIVATE
/// KEY-----`, the form consoles hand out, for example Apple's `.p8` file), that signs ES256 JWTs
/// carrying the key id in their header. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct Es256Key {
    key_id: String,
    key: EncodingKey,
}

impl fmt::Debug for Es256Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Es256Key")
            .field("key_id", &self.key_id)
            .field("key", &"[redacted]")
            .finish()
    }
}

impl Es256Key {
    /// Reads the key from PEM text; `\n` written as the two characters `\` `n` (as one line in
    /// an environment variable) counts as a line break. `setting` names where the text came
    /// from in the error: text that is not PKCS#8 PEM, or a key that cannot sign ES256 (it is
    /// tried once here, so a wrong key fails at start-up rather than at the first login).
    pub fn from_pem(key_id: &str, pem: &str, setting: &str) -> Result<Self, Error> {
        let der = pkcs8_der(&pem.replace("\\n", "\n")).ok_or_else(|| {
            Error::config(
                setting,
                "is not the PEM text of a private key (-----BEGIN PRIVATE KEY-----)",
            )
        })?;
        let key = Self {
            key_id: key_id.to_owned(),
            key: EncodingKey::from_ec_der(&der),
        };
        key.sign(Map::new())
            .map_err(|_| Error::config(setting, "is not a P-256 (ES256) private key"))?;
        Ok(key)
    }

    /// The key id sent as `kid`.
    pub fn key_id(&self) -> &str {
        &self.key_id
    }

    /// Signs `claims` as a compact ES256 JWT with this key's `kid`.
    pub fn sign(&self, claims: Map<String, Value>) -> Result<String, Error> {
        super::ensure_crypto_provider();
        let mut header = Header::new(Algorithm::ES256);
        header.kid = Some(self.key_id.clone());
        jsonwebtoken::encode(&header, &claims, &self.key)
            .map_err(|e| Error::config("client assertion", format!("cannot be signed: {e}")))
    }

    /// Signs `claims` with `iat` now and `exp` after `lifetime` added.
    pub fn sign_for(
        &self,
        mut claims: Map<String, Value>,
        lifetime: Duration,
    ) -> Result<String, Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        claims.insert("iat".into(), now.into());
        claims.insert("exp".into(), (now + lifetime.as_secs()).into());
        self.sign(claims)
    }
}

fn pkcs8_der(pem: &str) -> Option<Vec<u8>> {
    let body = pem
        .trim()
        .strip_prefix("-----BEGIN PRIVATE KEY-----")?
        .strip_suffix("-----END PRIVATE KEY-----")?;
    let base64: String = body.split_whitespace().collect();
    base64::engine::general_purpose::STANDARD
        .decode(base64)
        .ok()
}

/// RFC 7523 client authentication (`private_key_jwt`) with an [`Es256Key`]: each token
/// request carries a fresh JWT with `iss` and `sub` the client id, `aud` the token endpoint,
/// a random `jti`, and `iat`/`exp` [`DEFAULT_ASSERTION_LIFETIME`] apart. Use it with
/// [`ClientAuth::PrivateKeyJwt`](crate::ClientAuth::PrivateKeyJwt).
#[derive(Debug, Clone)]
pub struct PrivateKeyJwt(pub Es256Key);

impl ClientAssertion for PrivateKeyJwt {
    fn sign(&self, client_id: &str, audience: &str) -> Result<ClientSecret, Error> {
        let jti = crate::pkce::random_bytes::<16>()?;
        let mut claims = Map::new();
        claims.insert("iss".into(), client_id.into());
        claims.insert("sub".into(), client_id.into());
        claims.insert("aud".into(), audience.into());
        claims.insert(
            "jti".into(),
            base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(jti)
                .into(),
        );
        self.0
            .sign_for(claims, DEFAULT_ASSERTION_LIFETIME)
            .map(ClientSecret::new)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PEM: &str = include_str!("../../../providers/apple/tests/fixtures/test_key.p8");

    fn claims_of(jwt: &str) -> (Header, Value) {
        let header = jsonwebtoken::decode_header(jwt).expect("a JWT header");
        let payload = jwt.split('.').nth(1).expect("a payload");
        let json = base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .expect("base64url");
        (header, serde_json::from_slice(&json).expect("JSON claims"))
    }

    #[test]
    fn private_key_jwt_names_the_client_the_token_endpoint_and_a_fresh_jti() {
        let key = Es256Key::from_pem("KEY1", PEM, "TEST_KEY").expect("works");
        let auth = PrivateKeyJwt(key);
        let first = auth
            .sign("client-1", "https://idp.example/token")
            .expect("works");
        let second = auth
            .sign("client-1", "https://idp.example/token")
            .expect("works");
        let (header, claims) = claims_of(first.secret());
        assert_eq!(header.alg, Algorithm::ES256);
        assert_eq!(header.kid.as_deref(), Some("KEY1"));
        assert_eq!(claims["iss"], "client-1");
        assert_eq!(claims["sub"], "client-1");
        assert_eq!(claims["aud"], "https://idp.example/token");
        assert_eq!(
            claims["exp"].as_u64().expect("works") - claims["iat"].as_u64().expect("works"),
            DEFAULT_ASSERTION_LIFETIME.as_secs()
        );
        assert_ne!(claims["jti"], claims_of(second.secret()).1["jti"]);
    }

    #[test]
    fn text_that_is_not_a_pkcs8_key_names_its_setting() {
        let garbage = Es256Key::from_pem("K", "not a key", "MY_KEY").expect_err("refused");
        assert!(garbage.to_string().contains("MY_KEY"), "{garbage}");
        let not_ec = "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----";
        let wrong = Es256Key::from_pem("K", not_ec, "MY_KEY").expect_err("refused");
        assert!(wrong.to_string().contains("MY_KEY"), "{wrong}");
    }

    #[test]
    fn the_key_never_shows_in_debug() {
        let key = Es256Key::from_pem("KEY1", PEM, "TEST_KEY").expect("works");
        let shown = format!("{key:?}");
        assert!(
            shown.contains("KEY1") && shown.contains("[redacted]"),
            "{shown}"
        );
    }
}
