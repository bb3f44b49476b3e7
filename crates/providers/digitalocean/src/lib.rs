//! "Log in with DigitalOcean": the DigitalOcean provider of oauth-kit.
//!
//! DigitalOcean is described as data ([`SPEC`]), a user mapping and one step;
//! [`DigitaloceanProvider`] is the generic [`SpecProvider`](oauth_kit_core::SpecProvider) over
//! that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_digitalocean::DigitaloceanProvider;
//!
//! // In an application: DigitaloceanProvider::from_env()?, reading DIGITALOCEAN_CLIENT_ID and
//! // DIGITALOCEAN_CLIENT_SECRET.
//! let digitalocean = DigitaloceanProvider::new("b6f189db", ClientSecret::new("secret"))?;
//! assert_eq!(digitalocean.user_info_url().as_str(), "https://api.digitalocean.com/v2/account");
//! assert!(digitalocean.capabilities().pkce && digitalocean.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - The client id and secret go in the form body; PKCE (S256) is sent (DigitalOcean supports
//!   it, and requires it of public clients). Revocation is RFC 7009 at `/v1/oauth/revoke`.
//! - The account comes from `GET api.digitalocean.com/v2/account`, which has no name: the name
//!   comes from the token response's `info.name` (the one further step).
//! - `oauth_id` is `account.uuid`; `email_verified` is DigitalOcean's `email_verified`.

use oauth_kit_core::spec::{
    CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount, UserContext,
    UserStepFuture,
};
use oauth_kit_core::{ClientAuth, OAuthUserInfo, non_empty};
use serde_json::Value;

/// DigitalOcean as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "digitalocean",
    title: "DigitalOcean",
    env_prefix: "DIGITALOCEAN",
    authorization_url: "https://cloud.digitalocean.com/v1/oauth/authorize",
    token_url: "https://cloud.digitalocean.com/v1/oauth/token",
    api_url: "https://api.digitalocean.com/v2",
    user_info_url: "{api}/account",
    revocation_url: Some("https://cloud.digitalocean.com/v1/oauth/revoke"),
    scopes: &["read"],
    client_auth: ClientAuth::FormBody,
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "DigitalOcean OAuth application",
        console: Some("cloud.digitalocean.com/account/api/applications"),
    },
    map_user,
    user_step: Some(name_from_token),
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "b6fr89dbf6d9156cace5f3c78dc9851d957381ef",
        email: Some("amira.saleh@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with DigitalOcean": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `DIGITALOCEAN_CLIENT_ID`, `DIGITALOCEAN_CLIENT_SECRET`,
    /// `DIGITALOCEAN_SCOPE` (default `read`) and the overrides `DIGITALOCEAN_AUTHORIZE_URL`,
    /// `DIGITALOCEAN_TOKEN_URL`, `DIGITALOCEAN_API_URL` and `DIGITALOCEAN_REVOCATION_URL`.
    pub struct DigitaloceanProvider(SPEC);
}

/// Builder of [`DigitaloceanProvider`].
pub type DigitaloceanProviderBuilder = ProviderBuilder<DigitaloceanProvider>;

/// Maps `/v2/account`: `account.uuid` and `account.email` verified by
/// `account.email_verified`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/account/uuid")?);
    user.email = profile.str("/account/email");
    user.email_verified = user.email.is_some() && profile.bool("/account/email_verified");
    Ok(user)
}

/// Names the user from the token response's `info.name`, which the account lacks.
fn name_from_token<'a>(ctx: &'a UserContext<'a>, user: OAuthUserInfo) -> UserStepFuture<'a> {
    Box::pin(async move {
        let mut user = user;
        let name = ctx
            .token()
            .raw
            .pointer("/info/name")
            .and_then(Value::as_str);
        Profile::split_name(&mut user, non_empty(name));
        Ok(user)
    })
}

/// The DigitalOcean guide, `docs/providers/digitalocean.md`, compiled so its examples cannot
/// drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/digitalocean.md")]
pub struct DigitaloceanGuide;
