//! "Log in with LINE": the LINE Login v2.1 provider of oauth-kit, on OpenID Connect.
//!
//! LINE is described as data ([`SPEC`]): its issuer, `https://access.line.me`, credentials in
//! the form body, ID tokens **HS256-signed with the channel secret**, and a mapping from the ID
//! token's claims (or the `/v2/profile` shape). [`LineProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec; the endpoints
//! (`/oauth2/v2.1/authorize`, `/oauth2/v2.1/token`, revocation) come from LINE's discovery
//! document.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_line::LineProvider;
//!
//! // In an application: LineProvider::from_env()?, reading LINE_CLIENT_ID (the channel ID)
//! // and LINE_CLIENT_SECRET (the channel secret).
//! let line = LineProvider::new("1657284930", ClientSecret::new("channel-secret"))?;
//! assert_eq!(line.issuer(), Some("https://access.line.me"));
//! assert_eq!(line.scopes(), ["openid", "profile", "email"]);
//! assert!(line.capabilities().pkce);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - LINE signs the ID tokens of its web login with HS256, keyed with the channel secret,
//!   although its discovery document names ES256 (the algorithm of its SDK's tokens, which
//!   this flow never receives). The spec says so once ([`IdTokenKey::ClientSecretHs256`]):
//!   only HS256 with the configured channel secret is accepted, never a key of the JWKS.
//! - The user is the validated ID token's claims; no user-info request is made. `oauth_id` is
//!   `sub` (`U` and 32 hex digits), stable for one provider (LINE's user ids differ between
//!   providers: pairwise). The mapping also reads `GET /v2/profile`'s shape (`userId`,
//!   `displayName`, `pictureUrl`).
//! - LINE sends `email` only as an ID-token claim, only with the `email` scope and the email
//!   permission granted to the channel, and never says it was verified: `email_verified` is
//!   always false.
//! - Credentials go in the form body; PKCE S256 is sent.

use oauth_kit_core::spec::{
    CredentialHelp, IdTokenKey, OpenIdSpec, OpenIdUserInfo, Pkce, Profile, ProviderBuilder,
    ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo};

/// LINE as data: the issuer, HS256 ID tokens keyed with the channel secret, credentials in the
/// form body, and [`map_user`].
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "line",
    title: "LINE",
    env_prefix: "LINE",
    scopes: &["openid", "profile", "email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    credentials: CredentialHelp {
        client_id: "Channel ID",
        client_secret: "Channel secret",
        app: "LINE Login channel",
        console: Some("LINE Developers Console > your provider > the channel's Basic settings"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://access.line.me"),
        id_token_key: IdTokenKey::ClientSecretHs256,
        user_info: OpenIdUserInfo::IdToken,
        client_auth_from_discovery: false,
        ..OpenIdSpec::DEFAULT
    }),
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "U4af4980629c3f1a2b5d8e7c6b9a0d1e2",
        email: Some("hanako.sato@example.jp"),
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

/// Maps LINE's ID-token claims (or a `/v2/profile` answer): `sub` (else `userId`) →
/// `oauth_id`, `name` (else `displayName`) → `first_name` (LINE's display name, not split),
/// `picture` (else `pictureUrl`) → `avatar_url`, `email` → `email`, never verified.
pub fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let id = profile
        .first_str(&["/sub", "/userId"])
        .ok_or("neither `sub` nor `userId` is present")?;
    let mut user = profile.user(id);
    user.first_name = profile.first_str(&["/name", "/displayName"]);
    user.avatar_url = profile.first_str(&["/picture", "/pictureUrl"]);
    user.email = profile.str("/email");
    // LINE has no `email_verified`: the address is never known to be verified.
    user.email_verified = false;
    Ok(user)
}

oauth_kit_core::provider_type! {
    /// "Log in with LINE": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `LINE_CLIENT_ID` (the channel ID),
    /// `LINE_CLIENT_SECRET` (the channel secret, which also keys the ID tokens), `LINE_SCOPE`
    /// (default `openid profile email`) and the overrides `LINE_ISSUER`,
    /// `LINE_AUTHORIZE_URL` and `LINE_TOKEN_URL`.
    pub struct LineProvider(SPEC);
}

/// Builder of [`LineProvider`].
pub type LineProviderBuilder = ProviderBuilder<LineProvider>;

/// The LINE guide, `docs/providers/line.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/line.md")]
pub struct LineGuide;
