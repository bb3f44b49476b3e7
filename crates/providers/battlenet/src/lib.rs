//! "Log in with Battle.net": the Battle.net provider of oauth-kit, on OpenID Connect.
//!
//! Battle.net is described as data ([`SPEC`]): its global issuer, `https://oauth.battle.net`
//! (the China region's `https://oauth.battlenet.com.cn` through `BATTLENET_ISSUER`), and a
//! mapping that reads the BattleTag under both of Battle.net's names for it.
//! [`BattleNetProvider`] is the generic [`SpecProvider`](oauth_kit_core::SpecProvider) over
//! that spec; the endpoints (`/authorize`, `/token`, `/userinfo`, the JWKS at `/jwks/certs`,
//! `/revoke`) come from the issuer's discovery document.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_battlenet::BattleNetProvider;
//!
//! // In an application: BattleNetProvider::from_env()?, reading BATTLENET_CLIENT_ID and
//! // BATTLENET_CLIENT_SECRET.
//! let battlenet = BattleNetProvider::new("3f1c9d2e7b8a4c60", ClientSecret::new("secret"))?;
//! assert_eq!(battlenet.issuer(), Some("https://oauth.battle.net"));
//! assert_eq!(battlenet.scopes(), ["openid"]);
//! assert!(!battlenet.capabilities().refresh);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - ID tokens are RS256 (the algorithm of Battle.net's discovery) and are merged with the
//!   user-info endpoint's answer.
//! - `oauth_id` is `sub`, the account's numeric id as a string (the user-info `id` is the
//!   same number). `username` is the BattleTag (`Name#1234`, with a `#`), which the user-info
//!   endpoint calls `battletag` and the ID token `battle_tag`: both are read. Battle.net gives
//!   no email address (`email_verified` is always false), no names and no picture.
//! - Credentials go in the form body. PKCE is sent only if discovery lists S256 (Battle.net's
//!   PKCE support is UNCONFIRMED). Refresh tokens are not offered (their use and lifetime are
//!   UNCONFIRMED).

use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo};

/// Battle.net as data: the global issuer, credentials in the form body, and [`map_user`].
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "battlenet",
    title: "Battle.net",
    env_prefix: "BATTLENET",
    scopes: &["openid"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::FromDiscovery,
    capabilities: Capabilities::NONE,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Battle.net API client",
        console: Some("develop.battle.net > API Access > Clients"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://oauth.battle.net"),
        algorithms: &[SigningAlgorithm::RS256],
        client_auth_from_discovery: false,
        ..OpenIdSpec::DEFAULT
    }),
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/userinfo.json"),
        oauth_id: "412987356",
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

/// Maps Battle.net's claims: `sub` → `oauth_id`; the BattleTag (`battletag` from the
/// user-info endpoint, else the ID token's `battle_tag`) → `username`. There is no email
/// address, name or picture.
pub fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/sub")?);
    user.username = profile.first_str(&["/battletag", "/battle_tag"]);
    Ok(user)
}

oauth_kit_core::provider_type! {
    /// "Log in with Battle.net": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `BATTLENET_CLIENT_ID`, `BATTLENET_CLIENT_SECRET`,
    /// `BATTLENET_SCOPE` (default `openid`) and the overrides `BATTLENET_ISSUER` (China:
    /// `https://oauth.battlenet.com.cn`), `BATTLENET_AUTHORIZE_URL`, `BATTLENET_TOKEN_URL` and
    /// `BATTLENET_USERINFO_URL`.
    pub struct BattleNetProvider(SPEC);
}

/// Builder of [`BattleNetProvider`].
pub type BattleNetProviderBuilder = ProviderBuilder<BattleNetProvider>;

/// The Battle.net guide, `docs/providers/battlenet.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/battlenet.md")]
pub struct BattleNetGuide;
