//! "Sign in with Apple": the Apple provider of oauth-kit, on OpenID Connect with
//! `response_mode=form_post` and a client secret the library signs.
//!
//! Apple is described as data ([`SPEC`]) plus a mapping; [`AppleProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec, and [`AppleClientSecret`]
//! makes the client secret Apple wants: an ES256 JWT signed with the private key of a Sign in
//! with Apple key, made fresh for every token request.
//!
//! ```
//! use std::sync::Arc;
//!
//! use oauth_kit_apple::{AppleClientSecret, AppleProvider};
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//!
//! # fn main() -> Result<(), oauth_kit_core::Error> {
//! # let pem = include_str!("../tests/fixtures/test_key.p8");
//! // In an application: AppleProvider::from_env()?, reading APPLE_CLIENT_ID (the Services ID),
//! // APPLE_TEAM_ID, APPLE_KEY_ID and APPLE_PRIVATE_KEY (the .p8 file's PEM text).
//! let signer = AppleClientSecret::new("7QX2KD9PLM", "K4V8N2R6TQ", pem)?;
//! let apple = AppleProvider::builder("com.example.web.signin", ClientSecret::new(""))
//!     .client_assertion(Arc::new(signer))
//!     .build()?;
//! assert_eq!(apple.issuer(), Some("https://appleid.apple.com"));
//! assert!(apple.capabilities().form_post && !apple.capabilities().pkce);
//! # Ok(()) }
//! ```
//!
//! # Decisions worth knowing
//!
//! - Apple answers with a cross-site form POST to the callback (`response_mode=form_post`,
//!   required when scopes are asked for): the adapters accept a POST callback for Apple and its
//!   flow cookie is `SameSite=None; Secure`.
//! - The client secret is an ES256 JWT (`iss` the team id, `sub` the Services ID, `aud`
//!   `https://appleid.apple.com`, five minutes of validity) sent in the form body. A secret made
//!   elsewhere (at most six months valid) may be given as `APPLE_CLIENT_SECRET` instead.
//! - The user is the validated ID token (RS256): Apple has no user-info endpoint. `oauth_id`
//!   is `sub`, stable per team. `email_verified` is Apple's claim, `true` or `"true"`: Apple
//!   only returns verified addresses, private relay ones (`is_private_email`, kept in
//!   `raw_data`) included.
//! - Names arrive only once, in the `user` field of the first authorization's POST: they are
//!   mapped from it then, and applications must keep them. The field is not signed, so only the
//!   names are read from it, never the id or the email.
//! - No PKCE (Apple's discovery lists none: UNCONFIRMED support). Refresh tokens are not
//!   rotated; revocation is `POST /auth/revoke`.

use std::sync::Arc;
use std::time::Duration;

use oauth_kit_core::oidc::{DEFAULT_ASSERTION_LIFETIME, Es256Key, SigningAlgorithm};
use oauth_kit_core::spec::{
    CredentialHelp, OpenIdSpec, OpenIdUserInfo, Pkce, Profile, ProviderBuilder, ProviderSpec,
    ResponseMode, SampleAccount, SpecEnv,
};
use oauth_kit_core::{
    Capabilities, ClientAssertion, ClientAuth, ClientSecret, Error, OAuthUserInfo,
};

/// The `aud` of every client secret.
const AUDIENCE: &str = "https://appleid.apple.com";

/// How long a client secret made for one request stays valid.
const LIFETIME: Duration = DEFAULT_ASSERTION_LIFETIME;

/// Apple as data: pinned endpoints, form_post, body credentials, the ID token as the user, and
/// the first login's `user` field for the names.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "apple",
    title: "Apple",
    env_prefix: "APPLE",
    authorization_url: "https://appleid.apple.com/auth/authorize",
    token_url: "{api}/auth/token",
    api_url: "https://appleid.apple.com",
    revocation_url: Some("{api}/auth/revoke"),
    scopes: &["openid", "name", "email"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Unsupported,
    capabilities: Capabilities::NONE.refresh(true),
    response_mode: ResponseMode::FormPost,
    credentials: CredentialHelp {
        client_id: "Services ID",
        client_secret: "client secret JWT",
        app: "Sign in with Apple Services ID",
        console: Some("Apple Developer > Certificates, Identifiers & Profiles"),
    },
    openid: Some(OpenIdSpec {
        issuer: Some("https://appleid.apple.com"),
        algorithms: &[SigningAlgorithm::RS256],
        user_info: OpenIdUserInfo::IdToken,
        client_auth_from_discovery: false,
        ..OpenIdSpec::DEFAULT
    }),
    callback_user: Some("user"),
    assertion_from_env: Some(client_secret_from_env),
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/claims.json"),
        oauth_id: "001473.8e1f9c2b7a4d4f0e9c3b5a6d7e8f9a0b.1642",
        email: Some("k7x9q2mzrf@privaterelay.appleid.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Sign in with Apple": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `APPLE_CLIENT_ID` (the Services ID), `APPLE_TEAM_ID`,
    /// `APPLE_KEY_ID` and `APPLE_PRIVATE_KEY` (or a ready `APPLE_CLIENT_SECRET`),
    /// `APPLE_SCOPE` (default `openid name email`) and the overrides `APPLE_ISSUER`,
    /// `APPLE_AUTHORIZE_URL`, `APPLE_TOKEN_URL` and `APPLE_API_URL`.
    pub struct AppleProvider(SPEC);
}

/// Builder of [`AppleProvider`].
pub type AppleProviderBuilder = ProviderBuilder<AppleProvider>;

/// Maps the ID token's claims, with the names of the first login's `user` field.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/sub")?);
    user.email = profile.str("/email");
    user.email_verified = user.email.is_some() && profile.bool("/email_verified");
    user.first_name = profile.str("/user/name/firstName");
    user.last_name = profile.str("/user/name/lastName");
    Ok(user)
}

/// Apple's client secret: an ES256 JWT signed with a Sign in with Apple private key, made for
/// every token request. `Debug` never shows the key.
///
/// ```
/// use oauth_kit_apple::AppleClientSecret;
///
/// let pem = include_str!("../tests/fixtures/test_key.p8");
/// let signer = AppleClientSecret::new("7QX2KD9PLM", "K4V8N2R6TQ", pem)?;
/// assert!(!format!("{signer:?}").contains("PRIVATE"));
/// assert!(AppleClientSecret::new("7QX2KD9PLM", "K4V8N2R6TQ", "not a key").is_err());
/// # Ok::<(), oauth_kit_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct AppleClientSecret {
    team_id: String,
    key: Es256Key,
}

impl AppleClientSecret {
    /// A signer for the team `team_id` with the key `key_id`, whose private key is the PEM text
    /// of the `.p8` file Apple lets you download once (`\n` escapes are read as line breaks).
    ///
    /// # Errors
    ///
    /// [`Error::Config`] when an id is not 10 letters and digits or the key is not a P-256
    /// private key in PKCS#8 PEM.
    pub fn new(team_id: &str, key_id: &str, private_key_pem: &str) -> Result<Self, Error> {
        Self::named(
            team_id,
            key_id,
            private_key_pem,
            ["team id", "key id", "private key"],
        )
    }

    fn named(team_id: &str, key_id: &str, pem: &str, settings: [&str; 3]) -> Result<Self, Error> {
        let apple_id = |value: &str, setting: &str| {
            let value = value.trim();
            if value.len() == 10 && value.bytes().all(|b| b.is_ascii_alphanumeric()) {
                Ok(value.to_owned())
            } else {
                Err(Error::config(
                    setting,
                    "must be the 10 letters and digits Apple shows for it",
                ))
            }
        };
        Ok(Self {
            team_id: apple_id(team_id, settings[0])?,
            key: Es256Key::from_pem(&apple_id(key_id, settings[1])?, pem, settings[2])?,
        })
    }
}

impl ClientAssertion for AppleClientSecret {
    /// The client secret for the Services ID `client_id`; Apple wants `aud` to be
    /// `https://appleid.apple.com` whatever the token endpoint.
    fn sign(&self, client_id: &str, _audience: &str) -> Result<ClientSecret, Error> {
        let mut claims = serde_json::Map::new();
        claims.insert("iss".into(), self.team_id.clone().into());
        claims.insert("aud".into(), AUDIENCE.into());
        claims.insert("sub".into(), client_id.into());
        self.key.sign_for(claims, LIFETIME).map(ClientSecret::new)
    }
}

/// `APPLE_TEAM_ID`, `APPLE_KEY_ID` and `APPLE_PRIVATE_KEY` make the signer; none of them set
/// leaves the client secret required.
fn client_secret_from_env(env: &SpecEnv<'_>) -> Result<Option<Arc<dyn ClientAssertion>>, Error> {
    let names = ["TEAM_ID", "KEY_ID", "PRIVATE_KEY"];
    let values = names.map(|n| env.get(n));
    if values.iter().all(Option::is_none) {
        return Ok(None);
    }
    let [Some(team), Some(key_id), Some(pem)] = values else {
        let missing = names
            .iter()
            .zip(&values)
            .find(|(_, v)| v.is_none())
            .map_or_else(String::new, |(n, _)| env.var(n));
        return Err(Error::config(
            missing,
            "not set; Sign in with Apple needs the team id, the key id and the private key \
             (or a ready client secret in the _CLIENT_SECRET variable)",
        ));
    };
    let settings = names.map(|n| env.var(n));
    let signer = AppleClientSecret::named(
        &team,
        &key_id,
        &pem,
        [&settings[0], &settings[1], &settings[2]],
    )?;
    Ok(Some(Arc::new(signer)))
}

/// The Apple guide, `docs/providers/apple.md`, compiled so its examples cannot drift from the
/// API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/apple.md")]
pub struct AppleGuide;
