//! "Sign in with Hugging Face": the Hugging Face provider of oauth-kit, on OpenID Connect.
//!
//! Hugging Face is described as data ([`SPEC`]): its issuer, `https://huggingface.co`, and the
//! standard claims mapping. [`HuggingFaceProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec; the endpoints
//! (`/oauth/authorize`, `/oauth/token`, `/oauth/userinfo`, the keys) come from Hugging Face's
//! discovery document.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_huggingface::HuggingFaceProvider;
//!
//! // In an application: HuggingFaceProvider::from_env()?, reading HUGGINGFACE_CLIENT_ID and
//! // HUGGINGFACE_CLIENT_SECRET.
//! let hf = HuggingFaceProvider::new("0b1f6c0e-8d2a-4c5e-9f3b-2a7d1e6c4b90", ClientSecret::new("secret"))?;
//! assert_eq!(hf.issuer(), Some("https://huggingface.co"));
//! assert_eq!(hf.scopes(), ["openid", "profile", "email"]);
//! assert!(hf.capabilities().pkce && hf.capabilities().openid_connect);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The user is the validated ID token's claims merged with the user-info endpoint's answer.
//!   `oauth_id` is `sub`; `username` is `preferred_username` (the Hugging Face handle, which
//!   can change); `email_verified` is Hugging Face's `email_verified` claim (with the `email`
//!   scope).
//! - The organizations the user granted on the consent screen are an array that Hugging Face's
//!   documentation calls `organizations` and its own client types call `orgs`: both stay in
//!   `raw_data` as sent, and [`organizations`] reads whichever is present.
//! - PKCE S256 is sent; the client authentication is the first of `client_secret_basic` and
//!   `client_secret_post` that discovery lists. Refresh and revocation are UNCONFIRMED: they
//!   are offered only as far as discovery lists them.

use oauth_kit_core::Capabilities;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, ProviderBuilder, ProviderSpec, SampleAccount,
};
use serde_json::Value;

/// Hugging Face as data: the issuer, the scopes, and the standard claims mapping.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "huggingface",
    title: "Hugging Face",
    env_prefix: "HUGGINGFACE",
    scopes: &["openid", "profile", "email"],
    pkce: Pkce::Supported,
    // Refresh tokens are UNCONFIRMED; a refresh is tried when the token response has one.
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "Hugging Face OAuth app",
        console: Some("huggingface.co > Settings > Connected Apps > Developer applications"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://huggingface.co"),
        ..OpenIdSpec::DEFAULT
    }),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/userinfo.json"),
        oauth_id: "65f1c2a9b3d4e5f6a7b8c9d0",
        email: Some("aisha.rahman@example.org"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

/// The organizations of a Hugging Face login's `raw_data`: the array named `orgs` (Hugging
/// Face's client types) or `organizations` (its documentation), whichever is present; empty
/// when neither is.
///
/// ```
/// let raw = serde_json::json!({"sub": "1", "organizations": [{"sub": "2", "name": "Open Lab"}]});
/// let names: Vec<_> = oauth_kit_huggingface::organizations(&raw)
///     .iter()
///     .filter_map(|org| org["name"].as_str())
///     .collect();
/// assert_eq!(names, ["Open Lab"]);
/// ```
pub fn organizations(raw_data: &Value) -> &[Value] {
    ["orgs", "organizations"]
        .iter()
        .find_map(|name| raw_data.get(name).and_then(Value::as_array))
        .map_or(&[], Vec::as_slice)
}

oauth_kit_core::provider_type! {
    /// "Sign in with Hugging Face": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `HUGGINGFACE_CLIENT_ID`, `HUGGINGFACE_CLIENT_SECRET`,
    /// `HUGGINGFACE_SCOPE` (default `openid profile email`) and the overrides
    /// `HUGGINGFACE_ISSUER`, `HUGGINGFACE_AUTHORIZE_URL`, `HUGGINGFACE_TOKEN_URL` and
    /// `HUGGINGFACE_USERINFO_URL`.
    pub struct HuggingFaceProvider(SPEC);
}

/// Builder of [`HuggingFaceProvider`].
pub type HuggingFaceProviderBuilder = ProviderBuilder<HuggingFaceProvider>;

/// The Hugging Face guide, `docs/providers/huggingface.md`, compiled so its examples cannot
/// drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/huggingface.md")]
pub struct HuggingFaceGuide;
