//! "Log in with Bitbucket Data Center": the provider of oauth-kit for self-hosted Bitbucket
//! (Data Center, formerly Server), by the instance's base URL.
//!
//! Bitbucket Data Center is described as data ([`SPEC`]) plus a user mapping and the step that
//! finds the user; [`BitbucketDcProvider`] is the generic
//! [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec. There is no default instance:
//! the base URL is required.
//!
//! ```
//! use oauth_kit_bitbucket_dc::BitbucketDcProvider;
//! use oauth_kit_core::{ClientSecret, Error, OAuthProvider};
//!
//! let bitbucket = BitbucketDcProvider::builder("client-id", ClientSecret::new("secret"))
//!     .base_url("https://bitbucket.example.com")
//!     .build()?;
//! assert_eq!(
//!     bitbucket.token_url().as_str(),
//!     "https://bitbucket.example.com/rest/oauth2/latest/token"
//! );
//! assert!(bitbucket.capabilities().pkce && bitbucket.capabilities().refresh);
//!
//! // Without a base URL there is nothing to log in to: the error names the variable.
//! let missing = BitbucketDcProvider::from_lookup(|name| match name {
//!     "BITBUCKET_DC_CLIENT_ID" | "BITBUCKET_DC_CLIENT_SECRET" => Some("x".to_owned()),
//!     _ => None,
//! });
//! assert!(matches!(missing, Err(Error::Config { setting, .. }) if setting == "BITBUCKET_DC_BASE_URL"));
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Bitbucket Data Center has **no current-user endpoint**. The user step calls a REST
//!   resource with the token (`GET {api}/application-properties`), reads the user name from
//!   the undocumented `X-AUSERNAME` response header (URL-encoded), then lists
//!   `GET {api}/users?filter=NAME` and takes the entry whose `name` or `slug` is exactly that
//!   name. A response without the header (a token that is not a user's) is an
//!   `Error::InvalidResponse`.
//! - PKCE (S256) is sent; the client id and secret go in the token request's form body.
//!   Refresh returns a new refresh token, which is kept. Revocation is not documented
//!   (UNCONFIRMED), so there is none.
//! - `oauth_id` is the numeric user `id` written out; `username` is the `slug`. `email` is
//!   `emailAddress`, never verified: Bitbucket Data Center does not say. A relative
//!   `avatarUrl` is made absolute on the instance's origin.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount, UserContext,
    UserSource, UserStepFuture,
};
use oauth_kit_core::{Capabilities, ClientAuth, Error, OAuthUserInfo};
use percent_encoding::percent_decode;
use serde_json::Value;

/// Bitbucket Data Center as data: every endpoint under the instance's base URL
/// (`BITBUCKET_DC_BASE_URL`, required), the REST API at `{base}/rest/api/latest`.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "bitbucket-dc",
    title: "Bitbucket Data Center",
    env_prefix: "BITBUCKET_DC",
    base_url: Some(""),
    authorization_url: "{base}/rest/oauth2/latest/authorize",
    token_url: "{base}/rest/oauth2/latest/token",
    api_url: "{base}/rest/api/latest",
    user_info_url: "",
    extra_endpoints: &[
        ("whoami", "{api}/application-properties"),
        ("users", "{api}/users?avatarSize=48"),
    ],
    scopes: &["PUBLIC_REPOS"],
    client_auth: ClientAuth::FormBody,
    pkce: Pkce::Supported,
    capabilities: Capabilities::NONE.refresh(true),
    user_source: UserSource::Step,
    error_message: &["/errors/0/message", "/error_description", "/message"],
    credentials: CredentialHelp {
        client_id: "Client ID",
        client_secret: "Client secret",
        app: "Bitbucket Data Center application link",
        console: Some("Administration > Application links"),
    },
    map_user,
    user_step: Some(find_user),
    sample: Some(SampleAccount {
        // No user-info endpoint: the step reads X-AUSERNAME, then the user list.
        user: "{}",
        endpoints: &[
            (
                "whoami",
                include_str!("../tests/fixtures/application_properties.json"),
            ),
            ("users", include_str!("../tests/fixtures/users.json")),
        ],
        headers: &[("whoami", "X-AUSERNAME", "erlich-bachmann")],
        oauth_id: "52",
        email: Some("erlich.b@example.com"),
        email_verified: false,
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Bitbucket Data Center": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `BITBUCKET_DC_BASE_URL` (required),
    /// `BITBUCKET_DC_CLIENT_ID`, `BITBUCKET_DC_CLIENT_SECRET`, `BITBUCKET_DC_SCOPE` (default
    /// `PUBLIC_REPOS`) and the overrides `BITBUCKET_DC_AUTHORIZE_URL`,
    /// `BITBUCKET_DC_TOKEN_URL` and `BITBUCKET_DC_API_URL`.
    pub struct BitbucketDcProvider(SPEC);
}

/// Builder of [`BitbucketDcProvider`].
pub type BitbucketDcProviderBuilder = ProviderBuilder<BitbucketDcProvider>;

/// Maps an entry of `/users`: `id` written out, `slug`, `displayName` split, `emailAddress`
/// (never verified), `avatarUrl` and the first `links.self` link.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.username = profile.str("/slug");
    Profile::split_name(&mut user, profile.str("/displayName"));
    user.email = profile.str("/emailAddress");
    user.avatar_url = profile.str("/avatarUrl");
    user.profile_url = profile.str("/links/self/0/href");
    Ok(user)
}

/// Finds the token's user: the name in `X-AUSERNAME`, then that user in `/users`.
fn find_user<'a>(ctx: &'a UserContext<'a>, _: OAuthUserInfo) -> UserStepFuture<'a> {
    Box::pin(async move {
        let response = ctx.get(ctx.endpoint("whoami")?).await?;
        if !response.is_success() {
            return Err(ctx.status_error(&response));
        }
        let header = response.headers.get("x-ausername");
        let name = header
            .and_then(|v| percent_decode(v.as_bytes()).decode_utf8().ok())
            .map(|name| name.trim().to_owned())
            .filter(|name| !name.is_empty())
            .ok_or_else(|| ctx.invalid(&response, "no X-AUSERNAME header names the user"))?;
        let mut url = ctx.endpoint("users")?.clone();
        url.query_pairs_mut().append_pair("filter", &name);
        let page = ctx.get_json(&url).await?;
        let mut users = page["values"].as_array().into_iter().flatten();
        let same = |u: &&Value, key: &str| u.get(key).and_then(Value::as_str) == Some(&name);
        let Some(entry) = users.find(|u| same(u, "name") || same(u, "slug")) else {
            return Err(Error::InvalidResponse {
                context: ctx.context(),
                status: 200,
                reason: "the user list has no entry for the X-AUSERNAME user".to_owned(),
                excerpt: None,
            });
        };
        let mut user = ctx.map_user(entry.clone())?;
        if let (Some(avatar), Some(base)) = (&user.avatar_url, ctx.base_url()) {
            user.avatar_url = base.join(avatar).ok().map(String::from);
        }
        Ok(user)
    })
}

/// The Bitbucket Data Center guide, `docs/providers/bitbucket-dc.md`, compiled so its examples
/// cannot drift from the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/bitbucket-dc.md")]
pub struct BitbucketDcGuide;
