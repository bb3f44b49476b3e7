//! "Log in with HubSpot": the HubSpot provider of oauth-kit.
//!
//! HubSpot is described as data ([`SPEC`]) plus a user mapping; [`HubSpotProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_hubspot::HubSpotProvider;
//!
//! // In an application: HubSpotProvider::from_env()?, reading HUBSPOT_CLIENT_ID and
//! // HUBSPOT_CLIENT_SECRET.
//! let hubspot = HubSpotProvider::new("5f3c9a1e-7b2d", ClientSecret::new("secret"))?;
//! assert_eq!(hubspot.token_url().as_str(), "https://api.hubapi.com/oauth/v3/token");
//! assert!(hubspot.capabilities().pkce && !hubspot.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Tokens come from `POST /oauth/v3/token` (v1 is deprecated on 2027-02-16), with the
//!   client id and secret in the form body; PKCE is sent (HubSpot accepts `code_verifier`).
//! - The user comes from the access-token metadata, `GET /oauth/v1/access-tokens/{token}`:
//!   the token travels **in the path** (percent-encoded), with no `Authorization` header
//!   ([`UserSource::TokenInPath`]); that URL never appears in logs, errors or `Debug`.
//! - `oauth_id` is the integer `user_id`, written out as a string. `email` is `user`; HubSpot
//!   says nothing about its verification, so `email_verified` is always false. HubSpot gives
//!   no name and no picture. The portal (tenant) is `hub_id` / `hub_domain` in `raw_data`.
//! - Access tokens last about 30 minutes and vary in size. Revocation is UNCONFIRMED: none is
//!   offered.
//! - API errors use HubSpot's `{message, correlationId, category}` envelope.

use oauth_kit_core::spec::{
    CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount, UserSource,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo};

/// HubSpot as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "hubspot",
    title: "HubSpot",
    env_prefix: "HUBSPOT",
    authorization_url: "https://app.hubspot.com/oauth/authorize",
    token_url: "{api}/oauth/v3/token",
    api_url: "https://api.hubapi.com",
    user_info_url: "{api}/oauth/v1/access-tokens",
    user_source: UserSource::TokenInPath,
    scopes: &["oauth"],
    client_auth: ClientAuth::FormBody,
    error_message: &["/message", "/error_description", "/error"],
    error_detail: &["/category", "/correlationId"],
    hints: &[(
        401,
        "the access token expired (they last about 30 minutes) or is invalid: refresh it or \
         log in again",
    )],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "HubSpot app",
        console: Some("developers.hubspot.com > Apps > your app > Auth"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "61039287",
        email: Some("jonas.berg@example.se"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with HubSpot": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `HUBSPOT_CLIENT_ID`, `HUBSPOT_CLIENT_SECRET`,
    /// `HUBSPOT_SCOPE` (default `oauth`) and the overrides `HUBSPOT_AUTHORIZE_URL`,
    /// `HUBSPOT_TOKEN_URL`, `HUBSPOT_API_URL` and `HUBSPOT_USERINFO_URL`.
    pub struct HubSpotProvider(SPEC);
}

/// Builder of [`HubSpotProvider`].
pub type HubSpotProviderBuilder = ProviderBuilder<HubSpotProvider>;

/// Maps the access-token metadata: the integer `user_id` and `user` as the email (never
/// verified).
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/user_id")?);
    user.email = profile.str("/user");
    Ok(user)
}

/// The HubSpot guide, `docs/providers/hubspot.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/hubspot.md")]
pub struct HubSpotGuide;
