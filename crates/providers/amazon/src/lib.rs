//! "Login with Amazon": the Amazon provider of oauth-kit.
//!
//! Amazon is described as data ([`SPEC`]) plus a user mapping; [`AmazonProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_amazon::AmazonProvider;
//!
//! // In an application: AmazonProvider::from_env()?, reading AMAZON_CLIENT_ID and
//! // AMAZON_CLIENT_SECRET.
//! let amazon = AmazonProvider::new("amzn1.application-oa2-client.4f8c2e9a7b1d", ClientSecret::new("secret"))?;
//! assert_eq!(amazon.user_info_url().as_str(), "https://api.amazon.com/user/profile");
//! assert!(amazon.capabilities().pkce && !amazon.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - PKCE is sent with an explicit `code_challenge_method=S256`: Amazon takes a challenge
//!   without a method as `plain`. Client authentication is HTTP Basic (Amazon also takes the
//!   credentials in the body).
//! - No revocation endpoint is documented (UNCONFIRMED); users remove apps at
//!   amazon.com/ap/adam.
//! - `oauth_id` is `user_id` (`amzn1.account.…`), which is **different for each developer
//!   company**: two applications of different companies see different ids for one person.
//!   Amazon does not say whether `email` is verified: `email_verified` is always false.

use oauth_kit_core::OAuthUserInfo;
use oauth_kit_core::spec::{CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount};

/// Login with Amazon as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "amazon",
    title: "Amazon",
    env_prefix: "AMAZON",
    authorization_url: "https://www.amazon.com/ap/oa",
    token_url: "{api}/auth/o2/token",
    api_url: "https://api.amazon.com",
    user_info_url: "{api}/user/profile",
    manage_url: Some("https://www.amazon.com/ap/adam"),
    scopes: &["profile"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client Secret",
        app: "Login with Amazon security profile",
        console: Some("developer.amazon.com > Login with Amazon > Security Profiles"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "amzn1.account.AFXK3QZ7P2LMW4RT9YBN5CVD6E",
        email: Some("olivia.brennan@example.ie"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Login with Amazon": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `AMAZON_CLIENT_ID`, `AMAZON_CLIENT_SECRET`,
    /// `AMAZON_SCOPE` (default `profile`) and the overrides `AMAZON_AUTHORIZE_URL`,
    /// `AMAZON_TOKEN_URL` and `AMAZON_API_URL`.
    pub struct AmazonProvider(SPEC);
}

/// Builder of [`AmazonProvider`].
pub type AmazonProviderBuilder = ProviderBuilder<AmazonProvider>;

/// Maps `/user/profile`: `user_id`, `name` split and `email` (never verified). Amazon has no
/// username, avatar or profile page.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/user_id")?);
    Profile::split_name(&mut user, profile.str("/name"));
    user.email = profile.str("/email");
    Ok(user)
}

/// The Amazon guide, `docs/providers/amazon.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/amazon.md")]
pub struct AmazonGuide;
