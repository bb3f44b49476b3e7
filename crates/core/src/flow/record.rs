//! The flow record: what a login remembers between `begin` and `complete`.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::return_path::ReturnPath;
use crate::error::Error;
use crate::pkce::PkceVerifier;
use crate::secret::{CsrfState, Nonce};

/// One login flow in progress. `Debug` redacts the state, verifier and nonce.
#[derive(Clone, Serialize, Deserialize)]
pub struct FlowRecord {
    #[serde(rename = "p")]
    provider: String,
    #[serde(rename = "s")]
    state: String,
    #[serde(rename = "v", default, skip_serializing_if = "Option::is_none")]
    pkce_verifier: Option<String>,
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    nonce: Option<String>,
    /// Checked by the return-path policy at `begin`, and again at `complete`.
    #[serde(rename = "r")]
    return_path: String,
    #[serde(rename = "t")]
    created_at_ms: u64,
}

impl FlowRecord {
    /// A record created now.
    pub fn new(
        provider: &str,
        state: &CsrfState,
        pkce_verifier: Option<&PkceVerifier>,
        nonce: Option<&Nonce>,
        return_path: ReturnPath,
    ) -> Self {
        Self {
            provider: provider.to_owned(),
            state: state.secret().to_owned(),
            pkce_verifier: pkce_verifier.map(|v| v.secret().to_owned()),
            nonce: nonce.map(|n| n.secret().to_owned()),
            return_path: return_path.as_str().to_owned(),
            created_at_ms: now_ms(),
        }
    }

    /// The provider the flow was started for.
    pub fn provider(&self) -> &str {
        &self.provider
    }

    /// The state sent to the provider.
    pub fn state(&self) -> CsrfState {
        CsrfState::new(self.state.clone())
    }

    pub(crate) fn state_bytes(&self) -> &[u8] {
        self.state.as_bytes()
    }

    /// The identity of this flow for replay detection: the SHA-256 digest of its state,
    /// base64url-encoded (43 characters). It reveals nothing about the state, so a store may
    /// keep it in a shared set (for example in Redis) to make [`StateStore::mark_used`] hold
    /// across instances.
    ///
    /// [`StateStore::mark_used`]: super::StateStore::mark_used
    pub fn replay_id(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.state.as_bytes()))
    }

    /// The PKCE verifier, if the flow has one. A stored verifier that is not a valid PKCE
    /// verifier makes the record unusable: [`Error::InvalidFlowCookie`], so the code is never
    /// exchanged without the verifier the authorization request was bound to.
    pub fn pkce_verifier(&self) -> Result<Option<PkceVerifier>, Error> {
        self.pkce_verifier
            .as_deref()
            .map(|v| PkceVerifier::new(v).map_err(|_| Error::InvalidFlowCookie))
            .transpose()
    }

    /// The OpenID Connect nonce, if any.
    pub fn nonce(&self) -> Option<Nonce> {
        self.nonce.clone().map(Nonce::new)
    }

    /// Where to go after the login, as stored. The login service parses it with the
    /// return-path policy again before using it.
    pub fn return_path(&self) -> &str {
        &self.return_path
    }

    /// When the flow started, in milliseconds since the Unix epoch.
    pub fn created_at_ms(&self) -> u64 {
        self.created_at_ms
    }

    /// Whether the flow is at least `ttl` old.
    pub fn is_expired(&self, ttl: Duration) -> bool {
        now_ms() >= self.created_at_ms.saturating_add(ttl.as_millis() as u64)
    }

    /// Serializes the record (it contains secrets: store it sealed or server-side only).
    pub fn to_json(&self) -> Vec<u8> {
        // A struct of strings and integers always serializes.
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// Reads a record written by [`to_json`](Self::to_json).
    pub fn from_json(bytes: &[u8]) -> Option<Self> {
        serde_json::from_slice(bytes).ok()
    }
}

impl fmt::Debug for FlowRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FlowRecord")
            .field("provider", &self.provider)
            .field("state", &"[redacted]")
            .field(
                "pkce_verifier",
                &self.pkce_verifier.as_ref().map(|_| "[redacted]"),
            )
            .field("nonce", &self.nonce.as_ref().map(|_| "[redacted]"))
            .field("return_path", &self.return_path)
            .field("created_at_ms", &self.created_at_ms)
            .finish()
    }
}

pub(crate) fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record_with_verifier(verifier: &str) -> FlowRecord {
        let json = serde_json::json!({
            "p": "oidc", "s": "state", "v": verifier, "r": "/", "t": now_ms()
        });
        FlowRecord::from_json(json.to_string().as_bytes()).expect("a well-formed record")
    }

    #[test]
    fn a_stored_verifier_that_does_not_parse_makes_the_record_invalid() {
        let record = record_with_verifier("too-short");
        assert!(matches!(
            record.pkce_verifier(),
            Err(Error::InvalidFlowCookie)
        ));
    }

    #[test]
    fn a_valid_stored_verifier_is_returned() {
        let verifier = "a".repeat(43);
        let record = record_with_verifier(&verifier);
        let parsed = record.pkce_verifier().ok().flatten();
        assert_eq!(
            parsed.as_ref().map(PkceVerifier::secret),
            Some(verifier.as_str())
        );
    }
}
