//! "Log in with Dropbox": the Dropbox provider of oauth-kit.
//!
//! Dropbox is described as data ([`SPEC`]) plus a user mapping; [`DropboxProvider`] is the
//! generic [`SpecProvider`](oauth_kit_core::SpecProvider) over that spec.
//!
//! ```
//! use oauth_kit_core::{ClientSecret, OAuthProvider};
//! use oauth_kit_dropbox::DropboxProvider;
//!
//! // In an application: DropboxProvider::from_env()?, reading DROPBOX_CLIENT_ID and
//! // DROPBOX_CLIENT_SECRET.
//! let dropbox = DropboxProvider::new("k7q2m9x4p1w8z3c", ClientSecret::new("secret"))?;
//! assert_eq!(
//!     dropbox.user_info_url().as_str(),
//!     "https://api.dropboxapi.com/2/users/get_current_account"
//! );
//! assert!(dropbox.capabilities().pkce && dropbox.capabilities().revocation);
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```
//!
//! # Decisions worth knowing
//!
//! - Every authorization asks for `token_access_type=offline`, without which Dropbox issues no
//!   refresh token. PKCE (S256) is sent; client authentication is HTTP Basic.
//! - The user comes from `POST /2/users/get_current_account` with **no body and no
//!   `Content-Type`**: Dropbox answers 400 to a form content type or an empty JSON body.
//! - Revocation is Dropbox's `POST /2/auth/token/revoke`, authenticated by the token it
//!   revokes (no client credentials, no body).
//! - `oauth_id` is `account_id` (`dbid:…`). `email_verified` is Dropbox's `email_verified`.
//!   The display name may carry a "(Personal)" or team suffix, so the names come from
//!   `given_name` and `surname`.

use oauth_kit_core::spec::{
    CredentialHelp, Profile, ProviderBuilder, ProviderSpec, SampleAccount, UserSource,
};
use oauth_kit_core::{OAuthUserInfo, RevocationMethod};

/// Dropbox as data.
pub static SPEC: ProviderSpec = ProviderSpec {
    id: "dropbox",
    title: "Dropbox",
    env_prefix: "DROPBOX",
    authorization_url: "https://www.dropbox.com/oauth2/authorize",
    token_url: "https://api.dropboxapi.com/oauth2/token",
    api_url: "https://api.dropboxapi.com/2",
    user_info_url: "{api}/users/get_current_account",
    user_source: UserSource::Post,
    revocation_url: Some("{api}/auth/token/revoke"),
    revocation_method: RevocationMethod::Bearer,
    authorize_params: &[("token_access_type", "offline")],
    scopes: &["account_info.read"],
    error_message: &["/error_summary", "/error_description", "/error"],
    credentials: CredentialHelp {
        client_id: "App key",
        client_secret: "App secret",
        app: "Dropbox app",
        console: Some("dropbox.com/developers/apps > your app > Settings"),
    },
    map_user,
    sample: Some(SampleAccount {
        user: include_str!("../tests/fixtures/user.json"),
        oauth_id: "dbid:AAB3kq9ZrT0xWm2pL7vY4cN8sQe1uHfJ5dA",
        email: Some("ines.navarro@example.com"),
        email_verified: true,
        ..SampleAccount::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

oauth_kit_core::provider_type! {
    /// "Log in with Dropbox": the generic provider over [`SPEC`].
    /// [`from_env`](Self::from_env) reads `DROPBOX_CLIENT_ID`, `DROPBOX_CLIENT_SECRET`,
    /// `DROPBOX_SCOPE` (default `account_info.read`) and the overrides `DROPBOX_AUTHORIZE_URL`,
    /// `DROPBOX_TOKEN_URL`, `DROPBOX_API_URL` and `DROPBOX_REVOCATION_URL`.
    pub struct DropboxProvider(SPEC);
}

/// Builder of [`DropboxProvider`].
pub type DropboxProviderBuilder = ProviderBuilder<DropboxProvider>;

/// Maps `/2/users/get_current_account`: `account_id`, `email` verified by `email_verified`,
/// `name.given_name` and `name.surname` (else `name.display_name` split) and
/// `profile_photo_url`. Dropbox has no username.
fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/account_id")?);
    user.email = profile.str("/email");
    user.email_verified = user.email.is_some() && profile.bool("/email_verified");
    user.first_name = profile.str("/name/given_name");
    user.last_name = profile.str("/name/surname");
    Profile::split_name(&mut user, profile.str("/name/display_name"));
    user.avatar_url = profile.str("/profile_photo_url");
    Ok(user)
}

/// The Dropbox guide, `docs/providers/dropbox.md`, compiled so its examples cannot drift from
/// the API.
#[cfg(doctest)]
#[doc = include_str!("../../../../docs/providers/dropbox.md")]
pub struct DropboxGuide;
