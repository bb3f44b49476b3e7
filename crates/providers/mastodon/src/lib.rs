//! "Log in with Mastodon": the Mastodon provider of oauth-kit, for one Mastodon server per
//! instance.
//!
//! Mastodon is described as data ([`SPEC`]) plus a user mapping and a step that namespaces
//! the id by the server; [`MastodonProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec. Every server registers its
//! own applications: [`register_app`] does it once and returns the credentials.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_mastodon::MastodonProvider;
//!
//! // In an application: MastodonProvider::from_env()?, reading MASTODON_BASE_URL,
//! // MASTODON_CLIENT_ID and MASTODON_CLIENT_SECRET.
//! let mastodon = MastodonProvider::builder("TWhM-tNSuncnqN7DBJmoyeLnk6K3iJJ71KKXxgL1hPM", ClientSecret::new("secret"))
//!     .base_url("https://fedi.example")
//!     .build()?;
//! assert_eq!(
//!     mastodon.user_info_url().as_str(),
//!     "https://fedi.example/api/v1/accounts/verify_credentials"
//! );
//! assert!(!mastodon.capabilities().refresh && mastodon.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - One instance is one server: `MASTODON_BASE_URL` is required, with the client id and
//!   secret that server issued ([`register_app`]; a second server is a second instance with
//!   its own prefix and name). A login may ask only for scopes the application registered.
//! - The client id and secret go in the form body. The token response has `created_at` and no
//!   expiry: tokens live until revoked, and there is **no refresh token**. Revocation is RFC
//!   7009's form POST to `/oauth/revoke`.
//! - PKCE (S256) is sent; that every server supports it is UNCONFIRMED (newer servers do;
//!   older ones ignore the parameters), and [`SPEC`]'s `pkce` is the one place that assumes it.
//! - `oauth_id` is the account `id` **namespaced by the server's host**
//!   (`109823746152839471@fedi.example`), since ids collide across servers; the raw `id`
//!   stays in `raw_data`. Mastodon gives no email address: `email` is `None` and
//!   `email_verified` false.

use oauth_kit_core::spec::{
    Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount, UserContext, UserStepFuture,
};
use oauth_kit_core::{
    Capabilities, ClientAuth, ClientSecret, Error, HttpClient, OAuthUserInfo, ProviderContext,
    Stage, TokenQuirks, parse_endpoint,
};

/// Mastodon as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "mastodon",
    title: "Mastodon",
    env_prefix: "MASTODON",
    base_url: Some(""),
    authorization_url: "{base}/oauth/authorize",
    token_url: "{base}/oauth/token",
    api_url: "{base}/api/v1",
    user_info_url: "{api}/accounts/verify_credentials",
    revocation_url: Some("{base}/oauth/revoke"),
    scopes: &["read:accounts"],
    client_auth: ClientAuth::FormBody,
    // UNCONFIRMED: that every server accepts (or ignores) PKCE parameters.
    pkce: Pkce::Supported,
    token_quirks: TokenQuirks::STRICT.issued_at_field("created_at"),
    capabilities: Capabilities::NONE,
    map_user,
    user_step: Some(namespace_id),
    // The mocks serve the account on 127.0.0.1, which is then the server's host. No email.
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "109823746152839471@127.0.0.1",
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Mastodon": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `MASTODON_BASE_URL`, `MASTODON_CLIENT_ID`,
    /// `MASTODON_CLIENT_SECRET`, `MASTODON_SCOPE` (default `read:accounts`) and the overrides
    /// `MASTODON_AUTHORIZE_URL`, `MASTODON_TOKEN_URL`, `MASTODON_API_URL`,
    /// `MASTODON_USERINFO_URL` and `MASTODON_REVOCATION_URL`.
    pub struct MastodonProvider(SPEC);
}

/// Builder of [`MastodonProvider`].
pub type MastodonProviderBuilder = ProviderBuilder<MastodonProvider>;

/// Maps `verify_credentials`: `id` (namespaced afterwards), `username`, `display_name` split,
/// `avatar_static` and the profile page `url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/username");
    Profile::split_name(&mut user, profile.str("/display_name"));
    user.avatar_url = profile.str("/avatar_static");
    user.profile_url = profile.str("/url");
    Ok(user)
}

/// Namespaces the account id by the configured server's host, which the server cannot choose
/// (unlike the `url` it reports).
fn namespace_id<'a>(ctx: &'a UserContext<'a>, mut user: OAuthUserInfo) -> UserStepFuture<'a> {
    Box::pin(async move {
        let host = ctx.base_url().and_then(|base| base.host_str());
        let host = host.ok_or_else(|| Error::config("MASTODON_BASE_URL", "has no host"))?;
        user.oauth_id = format!("{}@{host}", user.oauth_id);
        Ok(user)
    })
}

/// The credentials of an application registered on a Mastodon server by [`register_app`]:
/// that server's `MASTODON_CLIENT_ID` and `MASTODON_CLIENT_SECRET`. `Debug` redacts the
/// secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct RegisteredApp {
    /// The client id (`client_id`).
    pub client_id: String,
    /// The client secret (`client_secret`).
    pub client_secret: ClientSecret,
}

/// Registers an application on the Mastodon server at `base_url` (`POST
/// {base_url}/api/v1/apps`) with its name, the callback URL and the scopes its logins will ask
/// for, and returns the credentials. Register once per server and keep them: Mastodon's
/// secrets do not expire (`client_secret_expires_at` is 0).
///
/// ```no_run
/// # async fn run() -> Result<(), oauth_kit_core::Error> {
/// let http = oauth_kit_core::HttpClient::new()?;
/// let app = oauth_kit_mastodon::register_app(
///     &http,
///     "https://fedi.example",
///     "Fern Notes",
///     "https://app.example/auth/mastodon/callback",
///     &["read:accounts"],
/// )
/// .await?;
/// println!("MASTODON_CLIENT_ID={}", app.client_id);
/// # Ok(()) }
/// ```
///
/// # Errors
///
/// [`Error::Config`] for a base URL that is not https (loopback aside), the server's status
/// as [`Error::HttpStatus`] (422 for a refused redirect URI or scope), and
/// [`Error::InvalidResponse`] for an answer without `client_id` or `client_secret`.
pub async fn register_app(
    http: &HttpClient,
    base_url: &str,
    client_name: &str,
    redirect_uri: &str,
    scopes: &[&str],
) -> Result<RegisteredApp, Error> {
    let base = base_url.trim().trim_end_matches('/');
    let url = parse_endpoint("MASTODON_BASE_URL", &format!("{base}/api/v1/apps"), false)?;
    let context = ProviderContext::new(SPEC.id, Stage::Authorize);
    let scopes = scopes.join(" ");
    let form = [
        ("client_name", client_name),
        ("redirect_uris", redirect_uri),
        ("scopes", &scopes),
    ];
    let response = http.post_form(&context, &url, None, &form).await?;
    let app: AppCredentials = response.json(&context)?;
    Ok(RegisteredApp {
        client_id: app.client_id,
        client_secret: ClientSecret::new(app.client_secret),
    })
}

/// The members of `POST /api/v1/apps`'s answer that matter here.
#[derive(serde::Deserialize)]
struct AppCredentials {
    client_id: String,
    client_secret: String,
}

/// The Mastodon guide, `docs/providers/mastodon.md`, compiled so its examples cannot drift
/// from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/mastodon.md")]
pub struct MastodonGuide;
