//! PKCE (RFC 7636) with the S256 method, random `state` and `nonce` values, and a constant-time
//! comparison.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

use crate::error::Error;
use crate::secret::{CsrfState, Nonce};

/// Number of random bytes behind a `state` or `nonce`: 256 bits, well above the 128 the
/// security model asks for.
const RANDOM_BYTES: usize = 32;

/// Fills a buffer from the operating system's random number generator.
pub(crate) fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut buf = [0u8; N];
    getrandom::fill(&mut buf).map_err(|e| Error::Random(e.to_string()))?;
    Ok(buf)
}

fn random_token() -> Result<String, Error> {
    Ok(URL_SAFE_NO_PAD.encode(random_bytes::<RANDOM_BYTES>()?))
}

impl CsrfState {
    /// A fresh `state`: 256 bits from the OS RNG, base64url without padding (43 characters).
    pub fn generate() -> Result<Self, Error> {
        random_token().map(Self::new)
    }
}

impl Nonce {
    /// A fresh OpenID Connect `nonce`: 256 bits from the OS RNG, base64url (43 characters).
    pub fn generate() -> Result<Self, Error> {
        random_token().map(Self::new)
    }
}

/// Compares two byte strings in constant time (for equal lengths).
///
/// The length is not hidden; the content is. Use it for `state`, `iss` and every other value
/// that an attacker could probe character by character.
///
/// ```
/// assert!(oauth_kit_core::constant_time_eq(b"abc", b"abc"));
/// assert!(!oauth_kit_core::constant_time_eq(b"abc", b"abd"));
/// ```
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.ct_eq(b).into()
}

/// A PKCE code verifier: 43 to 128 characters from the RFC 7636 unreserved set.
///
/// It never appears in a URL: it travels only in the token request body.
#[derive(Clone)]
pub struct PkceVerifier(SecretString);

impl PkceVerifier {
    /// The shortest verifier RFC 7636 allows.
    pub const MIN_LEN: usize = 43;
    /// The longest verifier RFC 7636 allows.
    pub const MAX_LEN: usize = 128;

    /// A fresh verifier: 32 random bytes, base64url (43 characters, 256 bits).
    pub fn generate() -> Result<Self, Error> {
        random_token().map(|v| Self(SecretString::from(v)))
    }

    /// Accepts an existing verifier after checking its length and alphabet.
    ///
    /// ```
    /// use oauth_kit_core::PkceVerifier;
    /// assert!(PkceVerifier::new("too-short").is_err());
    /// ```
    pub fn new(value: impl Into<String>) -> Result<Self, Error> {
        let value = value.into();
        let len = value.len();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&len) {
            return Err(Error::InvalidPkceVerifier {
                reason: "length must be between 43 and 128 characters",
            });
        }
        let unreserved =
            |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'.' | b'_' | b'~');
        if !value.bytes().all(unreserved) {
            return Err(Error::InvalidPkceVerifier {
                reason: "only A-Z, a-z, 0-9, '-', '.', '_' and '~' are allowed",
            });
        }
        Ok(Self(SecretString::from(value)))
    }

    /// Reads the verifier. Call this only to put it in the token request body.
    pub fn secret(&self) -> &str {
        self.0.expose_secret()
    }

    /// The S256 challenge: `BASE64URL(SHA256(verifier))`.
    pub fn challenge(&self) -> PkceChallenge {
        let digest = Sha256::digest(self.secret().as_bytes());
        PkceChallenge(URL_SAFE_NO_PAD.encode(digest))
    }
}

impl fmt::Debug for PkceVerifier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PkceVerifier([redacted])")
    }
}

/// The S256 code challenge sent in the authorization URL. It is public by design.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PkceChallenge(String);

impl PkceChallenge {
    /// The challenge value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The method name sent as `code_challenge_method`.
    pub fn method(&self) -> &'static str {
        "S256"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_vector() {
        let verifier =
            PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").expect("valid");
        assert_eq!(
            verifier.challenge().as_str(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(verifier.challenge().method(), "S256");
    }

    #[test]
    fn verifier_length_out_of_range_is_an_error() {
        assert!(PkceVerifier::new("a".repeat(42)).is_err());
        assert!(PkceVerifier::new("a".repeat(43)).is_ok());
        assert!(PkceVerifier::new("a".repeat(128)).is_ok());
        assert!(PkceVerifier::new("a".repeat(129)).is_err());
        assert!(PkceVerifier::new("").is_err());
    }

    #[test]
    fn verifier_outside_unreserved_set_is_an_error() {
        let bad = format!("{}+", "a".repeat(50));
        assert!(matches!(
            PkceVerifier::new(bad),
            Err(Error::InvalidPkceVerifier { .. })
        ));
    }

    #[test]
    fn generated_verifier_is_valid_and_unique() {
        let a = PkceVerifier::generate().expect("rng");
        let b = PkceVerifier::generate().expect("rng");
        assert!(PkceVerifier::new(a.secret()).is_ok());
        assert_ne!(a.secret(), b.secret());
    }

    #[test]
    fn generated_state_has_at_least_128_bits_in_base64url() {
        let state = CsrfState::generate().expect("rng");
        assert_eq!(state.secret().len(), 43);
        assert!(
            state
                .secret()
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
        );
        let other = CsrfState::generate().expect("rng");
        assert!(!constant_time_eq(
            state.secret().as_bytes(),
            other.secret().as_bytes()
        ));
        assert_eq!(Nonce::generate().expect("rng").secret().len(), 43);
    }

    #[test]
    fn debug_of_verifier_is_redacted() {
        let v = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").expect("valid");
        assert_eq!(format!("{v:?}"), "PkceVerifier([redacted])");
    }

    #[test]
    fn constant_time_eq_handles_different_lengths() {
        assert!(!constant_time_eq(b"abc", b"abcd"));
        assert!(constant_time_eq(b"", b""));
    }
}
