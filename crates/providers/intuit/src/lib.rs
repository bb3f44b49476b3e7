//! "Sign In with Intuit": the Intuit (QuickBooks) provider of oauth-kit, on OpenID Connect.
//!
//! Intuit is described as data ([`SPEC`]): the issuer `https://oauth.platform.intuit.com/op/v1`
//! with its endpoints pinned on other hosts (`appcenter.intuit.com` authorizes,
//! `oauth.platform.intuit.com` issues tokens, `accounts.platform.intuit.com` answers user info,
//! `developer.api.intuit.com` revokes), the camelCase user-info claims, and the company id
//! `realmId` taken from the authorization response. [`IntuitProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_intuit::IntuitProvider;
//!
//! // In an application: IntuitProvider::from_env()?, reading INTUIT_CLIENT_ID and
//! // INTUIT_CLIENT_SECRET.
//! let intuit = IntuitProvider::new("ABcd1234", ClientSecret::new("secret"))?;
//! assert_eq!(intuit.issuer(), Some("https://oauth.platform.intuit.com/op/v1"));
//! assert_eq!(
//!     intuit.user_info_url().as_str(),
//!     "https://accounts.platform.intuit.com/v1/openid_connect/userinfo"
//! );
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The discovery document is read at `{issuer}/.well-known/openid-configuration`; that
//!   production Intuit serves it there is UNCONFIRMED (see [`ISSUER`]). Only the JWKS and the
//!   PKCE and client-authentication methods come from it: the endpoints are pinned.
//! - The user-info claims are camelCase: `emailVerified`, `givenName`, `familyName`; the
//!   snake_case names are not read. `oauth_id` is `sub`.
//! - The company id `realmId` comes in the authorization response (with accounting or payments
//!   scopes) and is put into `raw_data` as `realmId`. It is not signed: check it against the
//!   ID token's `realmid` claim, or with an API call, before trusting it.
//! - Refresh tokens live up to five years; store the latest one after every refresh.

use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CallbackParam, CallbackRole, CredentialHelp, OpenIdSpec, Pkce, Profile, ProviderBuilder,
    ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, OAuthUserInfo};

/// Intuit's issuer. The discovery document is assumed at the standard
/// `{ISSUER}/.well-known/openid-configuration`: the sandbox's is documented at
/// `https://developer.intuit.com/.well-known/openid-sandbox-configuration`, the production path
/// is UNCONFIRMED.
pub const ISSUER: &str = "https://oauth.platform.intuit.com/op/v1";

/// Intuit as data: pinned endpoints on four hosts, camelCase claims, `realmId` from the
/// callback.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "intuit",
    title: "Intuit",
    env_prefix: "INTUIT",
    authorization_url: "https://appcenter.intuit.com/connect/oauth2",
    token_url: "https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer",
    user_info_url: "https://accounts.platform.intuit.com/v1/openid_connect/userinfo",
    revocation_url: Some("https://developer.api.intuit.com/v2/oauth2/tokens/revoke"),
    scopes: &["openid", "email", "profile"],
    pkce: Pkce::FromDiscovery,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Intuit app",
        console: Some("Intuit Developer > My Hub > App dashboard > Keys and credentials"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some(ISSUER),
        algorithms: &[SigningAlgorithm::RS256],
        ..OpenIdSpec::DEFAULT
    }),
    callback_params: &[CallbackParam {
        name: "realmId",
        role: CallbackRole::Claim,
        example: "9341453172470652",
    }],
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d",
        email: Some("thandiwe.nkosi@example.co.za"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Sign In with Intuit": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `INTUIT_CLIENT_ID`, `INTUIT_CLIENT_SECRET`,
    /// `INTUIT_SCOPE` (default `openid email profile`) and the overrides `INTUIT_ISSUER`,
    /// `INTUIT_AUTHORIZE_URL`, `INTUIT_TOKEN_URL`, `INTUIT_USERINFO_URL` (the sandbox's is
    /// `https://sandbox-accounts.platform.intuit.com/v1/openid_connect/userinfo`) and
    /// `INTUIT_REVOCATION_URL`.
    pub struct IntuitProvider(SPEC);
}

/// Builder of [`IntuitProvider`].
pub type IntuitProviderBuilder = ProviderBuilder<IntuitProvider>;

/// Intuit's camelCase claims (see the crate's decisions).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/sub")?);
    user.email = profile.str("/email");
    user.email_verified = user.email.is_some() && profile.bool("/emailVerified");
    user.first_name = profile.str("/givenName");
    user.last_name = profile.str("/familyName");
    Ok(user)
}

/// The Intuit guide, `docs/providers/intuit.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/intuit.md")]
pub struct IntuitGuide;
