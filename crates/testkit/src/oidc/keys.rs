//! The mock issuer's signing keys: generated RSA, P-256 and Ed25519 keys, their public JWKs,
//! and the forged signatures the fault knobs need.

use std::sync::{Mutex, OnceLock, PoisonError};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use serde_json::Value;

/// A signature algorithm of the mock issuer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum MockAlg {
    /// RSASSA-PKCS1-v1_5 with SHA-256, with the issuer's RSA key (the default).
    RS256,
    /// RSASSA-PSS with SHA-256, with the same RSA key.
    PS256,
    /// ECDSA on P-256, with the issuer's EC key.
    ES256,
    /// EdDSA on Ed25519, with the issuer's Ed25519 key.
    EdDSA,
    /// HMAC with SHA-256 keyed with the client secret, without a key id (LINE's web login).
    HS256,
}

impl MockAlg {
    pub(crate) fn jwt(self) -> Algorithm {
        match self {
            MockAlg::RS256 => Algorithm::RS256,
            MockAlg::PS256 => Algorithm::PS256,
            MockAlg::ES256 => Algorithm::ES256,
            MockAlg::EdDSA => Algorithm::EdDSA,
            MockAlg::HS256 => Algorithm::HS256,
        }
    }

    /// The `at_hash` of `access_token` for this algorithm (OpenID Connect Core §3.1.3.6).
    pub(crate) fn at_hash(self, access_token: &str) -> String {
        use sha2::Digest as _;
        let digest: Vec<u8> = match self {
            MockAlg::EdDSA => sha2::Sha512::digest(access_token.as_bytes()).to_vec(),
            _ => sha2::Sha256::digest(access_token.as_bytes()).to_vec(),
        };
        URL_SAFE_NO_PAD.encode(&digest[..digest.len() / 2])
    }
}

/// A private key with its key id and public JWK.
#[derive(Clone)]
pub(crate) struct SigningKey {
    pub(crate) kid: String,
    pub(crate) key: EncodingKey,
    pub(crate) jwk: Value,
    /// The public key's bytes (for the forged HS256 token keyed with the public key).
    pub(crate) public_bytes: Vec<u8>,
}

/// RSA keys are slow to generate in an unoptimized build, so generated ones are shared by
/// every mock in the process; a rotation takes the next one.
static RSA_POOL: Mutex<Vec<Vec<u8>>> = Mutex::new(Vec::new());

/// The `index`-th RSA private key (PKCS#1 DER) of the process, generated on first use.
fn rsa_der(index: usize) -> Result<Vec<u8>, String> {
    let mut pool = RSA_POOL.lock().unwrap_or_else(PoisonError::into_inner);
    while pool.len() <= index {
        pool.push(generate_rsa()?);
    }
    Ok(pool[index].clone())
}

/// A new 2048-bit RSA private key, PKCS#1 DER.
fn generate_rsa() -> Result<Vec<u8>, String> {
    use rsa::pkcs1::EncodeRsaPrivateKey as _;
    let mut rng = getrandom_sys::SysRng;
    let key = rsa::PrivateKey::new(&mut rng, 2048).map_err(|e| e.to_string())?;
    let der = key.to_pkcs1_der().map_err(|e| e.to_string())?;
    Ok(der.as_bytes().to_vec())
}

/// A key that the mock never publishes: forged tokens are signed with it.
pub(crate) fn foreign_rsa() -> Result<SigningKey, String> {
    static FOREIGN: OnceLock<Result<SigningKey, String>> = OnceLock::new();
    FOREIGN
        .get_or_init(|| rsa_key(usize::MAX, "foreign"))
        .clone()
}

/// The RSA key number `index` of the pool with key id `kid` (`usize::MAX`: a key outside the
/// pool, generated once).
pub(crate) fn rsa_key(index: usize, kid: &str) -> Result<SigningKey, String> {
    let der = if index == usize::MAX {
        generate_rsa()?
    } else {
        rsa_der(index)?
    };
    let key = EncodingKey::from_rsa_der(&der);
    let mut jwk = public_jwk(&key, Algorithm::RS256, kid)?;
    // The RSA key signs both RS256 and PS256, so its JWK names no single algorithm.
    if let Some(map) = jwk.as_object_mut() {
        map.remove("alg");
    }
    let public_bytes = jwk
        .get("n")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .as_bytes()
        .to_vec();
    Ok(SigningKey {
        kid: kid.to_owned(),
        key,
        jwk,
        public_bytes,
    })
}

/// A fresh P-256 key.
pub(crate) fn ec_key(kid: &str) -> Result<SigningKey, String> {
    use p256::pkcs8::EncodePrivateKey as _;
    let secret = loop {
        let mut bytes = [0_u8; 32];
        getrandom::fill(&mut bytes).map_err(|e| e.to_string())?;
        // Almost every 32-byte string is a valid scalar; the rare one that is not is redrawn.
        if let Ok(secret) = p256::SecretKey::from_slice(&bytes) {
            break secret;
        }
    };
    let der = secret.to_pkcs8_der().map_err(|e| e.to_string())?;
    let key = EncodingKey::from_ec_der(der.as_bytes());
    let jwk = public_jwk(&key, Algorithm::ES256, kid)?;
    Ok(SigningKey {
        kid: kid.to_owned(),
        key,
        public_bytes: jwk.to_string().into_bytes(),
        jwk,
    })
}

/// A fresh Ed25519 key.
pub(crate) fn ed_key(kid: &str) -> Result<SigningKey, String> {
    // RFC 8410 PKCS#8 v1: the fixed 16-byte prefix, then the 32-byte seed.
    const PREFIX: [u8; 16] = [
        0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04,
        0x20,
    ];
    let mut der = PREFIX.to_vec();
    let mut seed = [0_u8; 32];
    getrandom::fill(&mut seed).map_err(|e| e.to_string())?;
    der.extend_from_slice(&seed);
    let key = EncodingKey::from_ed_der(&der);
    let jwk = public_jwk(&key, Algorithm::EdDSA, kid)?;
    Ok(SigningKey {
        kid: kid.to_owned(),
        key,
        public_bytes: jwk.to_string().into_bytes(),
        jwk,
    })
}

fn public_jwk(key: &EncodingKey, alg: Algorithm, kid: &str) -> Result<Value, String> {
    let mut jwk = Jwk::from_encoding_key(key, alg).map_err(|e| e.to_string())?;
    jwk.common.key_id = Some(kid.to_owned());
    jwk.common.public_key_use = Some(jsonwebtoken::jwk::PublicKeyUse::Signature);
    serde_json::to_value(&jwk).map_err(|e| e.to_string())
}

/// A signed JWT.
pub(crate) fn sign(
    key: &SigningKey,
    alg: MockAlg,
    kid: &str,
    claims: &Value,
) -> Result<String, String> {
    let mut header = Header::new(alg.jwt());
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key.key).map_err(|e| e.to_string())
}

/// An unsigned JWT (`alg: none`).
pub(crate) fn unsigned(kid: &str, claims: &Value) -> String {
    let header = serde_json::json!({"alg": "none", "typ": "JWT", "kid": kid});
    format!(
        "{}.{}.",
        URL_SAFE_NO_PAD.encode(header.to_string()),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

/// An HS256 JWT keyed with `secret` (a client secret), without a key id.
pub(crate) fn hmac(secret: &str, claims: &Value) -> Result<String, String> {
    let key = EncodingKey::from_secret(secret.as_bytes()).map_err(|e| e.to_string())?;
    jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &key).map_err(|e| e.to_string())
}

/// An HS256 JWT whose HMAC secret is the published key's public bytes: the classic
/// algorithm-confusion forgery.
pub(crate) fn hmac_with_public_key(key: &SigningKey, claims: &Value) -> Result<String, String> {
    let secret = EncodingKey::from_secret(&key.public_bytes).map_err(|e| e.to_string())?;
    let mut header = Header::new(Algorithm::HS256);
    header.kid = Some(key.kid.clone());
    jsonwebtoken::encode(&header, claims, &secret).map_err(|e| e.to_string())
}
