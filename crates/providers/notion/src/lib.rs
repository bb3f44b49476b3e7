//! "Log in with Notion": the Notion provider of oauth-kit, for public integrations.
//!
//! Notion is described as data ([`SPEC`]) plus a user mapping; [`NotionProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_notion::NotionProvider;
//!
//! // In an application: NotionProvider::from_env()?, reading NOTION_CLIENT_ID and
//! // NOTION_CLIENT_SECRET.
//! let notion = NotionProvider::new("1f2d8a3c-5b7e-4c9a-8e0f-2a4b6c8d0e1f", ClientSecret::new("secret"))?;
//! assert!(notion.scopes().is_empty());
//! assert!(!notion.capabilities().pkce && notion.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - No scopes: an integration's capabilities are set in Notion's console. Every authorization
//!   says `owner=user`.
//! - Token requests are **JSON** (`{"grant_type", "code", "redirect_uri"}`) with HTTP Basic;
//!   so is revocation at `/v1/oauth/revoke` (UNCONFIRMED). The token response has no
//!   `expires_in`; a refresh returns a new refresh token, which replaces the old one.
//! - PKCE is not sent: Notion does not document it (UNCONFIRMED).
//! - The user is **inside the token response** (`owner.user`), so there is no user-info call;
//!   `user_info` needs the token of the code exchange. A workspace-level token
//!   (`owner.workspace`) carries no user and is refused.
//! - `oauth_id` is `owner.user.id`, the person's UUID (never `bot_id`, which changes with every
//!   authorization). Notion does not say whether `person.email` is verified:
//!   `email_verified` is always false.

use oauth_kit_core::spec::{
    CredentialHelp, Pkce, Profile, ProviderBuilder, ProviderSpec, SampleAccount, UserSource,
};
use oauth_kit_core::{OAuthUserInfo, TokenEncoding};

/// Notion as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "notion",
    title: "Notion",
    env_prefix: "NOTION",
    authorization_url: "{api}/oauth/authorize",
    token_url: "{api}/oauth/token",
    api_url: "https://api.notion.com/v1",
    user_info_url: "",
    user_source: UserSource::TokenResponse("/owner/user"),
    revocation_url: Some("{api}/oauth/revoke"),
    authorize_params: &[("owner", "user")],
    scopes: &[],
    pkce: Pkce::Unsupported,
    token_encoding: TokenEncoding::Json,
    credentials: CredentialHelp {
        client_id: "OAuth client ID",
        client_secret: "OAuth client secret",
        app: "Notion public integration",
        console: Some("notion.so/profile/integrations > your integration > Configuration"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "8f2a6c1e-4b7d-4e3a-9c5f-0d8b2e6a1f74",
        email: Some("amara@lindqvist.example"),
        email_verified: false,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Notion": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `NOTION_CLIENT_ID`, `NOTION_CLIENT_SECRET` and the
    /// overrides `NOTION_AUTHORIZE_URL`, `NOTION_TOKEN_URL`, `NOTION_API_URL` and
    /// `NOTION_REVOCATION_URL`.
    pub struct NotionProvider(SPEC);
}

/// Builder of [`NotionProvider`].
pub type NotionProviderBuilder = ProviderBuilder<NotionProvider>;

/// Maps the token response's `owner.user`: `id`, `name` split, `person.email` (never
/// verified) and `avatar_url`.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    Profile::split_name(&mut user, profile.str("/name"));
    user.email = profile.str("/person/email");
    user.avatar_url = profile.str("/avatar_url");
    Ok(user)
}

/// The Notion guide, `docs/providers/notion.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/notion.md")]
pub struct NotionGuide;
