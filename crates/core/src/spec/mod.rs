//! Providers as data: a [`ProviderSpec`] describes an identity provider, one mapping function
//! turns its user JSON into an [`OAuthUserInfo`], and [`SpecProvider`] implements
//! [`OAuthProvider`](crate::OAuthProvider) for any spec.
//!
//! What varies per provider is data (endpoints, scopes, client authentication, PKCE, token
//! quirks, error hints, the environment prefix); what is code is small (the mapping, and where a
//! provider needs further calls, one async step); everything else (the builder, environment
//! reading, endpoint validation, the HTTP calls, status-to-error mapping, `Debug` redaction) is
//! written once here.
//!
//! ```
//! use oauth_kit_core::spec::{Profile, ProviderSpec};
//! use oauth_kit_core::{ClientAuth, ClientSecret, OAuthProvider, OAuthUserInfo};
//!
//! fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
//!     let mut user = profile.user(profile.id("/id")?);
//!     user.username = profile.str("/login");
//!     user.email = profile.str("/email");
//!     Ok(user)
//! }
//!
//! static ACME: ProviderSpec = ProviderSpec {
//!     id: "acme",
//!     title: "Acme",
//!     env_prefix: "ACME",
//!     authorization_url: "https://id.acme.example/oauth/authorize",
//!     token_url: "https://id.acme.example/oauth/token",
//!     api_url: "https://api.acme.example",
//!     user_info_url: "{api}/me",
//!     scopes: &["profile", "email"],
//!     client_auth: ClientAuth::FormBody,
//!     map_user,
//!     ..ProviderSpec::DEFAULT
//! };
//!
//! let provider = oauth_kit_core::SpecProvider::builder(&ACME, "client-id", ClientSecret::new("secret"))
//!     .build()?;
//! assert_eq!(provider.name(), "acme");
//! assert_eq!(provider.user_info_url().as_str(), "https://api.acme.example/me");
//! # Ok::<(), oauth_kit_core::Error>(())
//! ```

mod context;
mod email;
mod env;
mod openid;
mod profile;
mod provider;

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use serde_json::Value;

use crate::error::Error;
use crate::http::ClientAuth;
use crate::oauth2::{RevocationMethod, TokenEncoding};
use crate::provider::Capabilities;
use crate::token::TokenQuirks;
use crate::user::OAuthUserInfo;

pub use context::UserContext;
pub use email::{EmailPage, EmailSource, ListedEmail, RefusalScopes, RefusalScopesFn};
pub use openid::{IdTokenKey, OpenIdSpec, OpenIdUserInfo};
pub use profile::{Profile, map_standard_claims};
pub use provider::{ProviderBuilder, SpecProvider};

/// Whether a provider supports PKCE (RFC 7636).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Pkce {
    /// Not supported: no challenge is sent; the login flow relies on its browser-bound state.
    Unsupported,
    /// Supported with S256: every login flow sends a challenge.
    Supported,
    /// Required (S256): every login flow sends a challenge, and public clients
    /// ([`ClientAuth::None`]) are allowed.
    Required,
    /// S256 when the OpenID Connect discovery document lists it in
    /// `code_challenge_methods_supported`, else none (only for specs with an
    /// [`OpenIdSpec`]).
    FromDiscovery,
}

/// How the authorization response comes back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ResponseMode {
    /// A redirect with the parameters in the query string (the OAuth 2.0 default).
    Query,
    /// A cross-site form POST to the callback (`response_mode=form_post`; Apple). The flow
    /// cookie is then `SameSite=None; Secure` and the adapters accept a POST callback.
    FormPost,
}

/// Where the user's profile comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum UserSource {
    /// A GET of the user-info endpoint with the access token.
    Get,
    /// A POST to the user-info endpoint with the access token and no body (Dropbox).
    Post,
    /// A POST to the user-info endpoint with the access token and this fixed JSON body
    /// (Linear's GraphQL query for the `viewer`).
    PostJson(&'static str),
    /// The member at this JSON pointer of the token response (`""` for the whole response,
    /// without the tokens): Slack, Strava and Notion put the user there.
    TokenResponse(&'static str),
    /// A POST of a form carrying the access token as `access_token` and the client id (VK
    /// ID's `user_info`), with no `Authorization` header.
    PostForm,
    /// A GET of the user-info endpoint with the access token appended as a last path segment
    /// (percent-encoded) and no `Authorization` header (HubSpot's access-token metadata). That
    /// URL is never logged and never put into an error or a `Debug` output.
    TokenInPath,
    /// No user-info request: the spec's [`UserStep`] finds the user itself and maps it with
    /// [`UserContext::map_user`] (Bitbucket Data Center, which has no current-user endpoint).
    /// The step receives a user with an empty `oauth_id`; a step that returns one without an
    /// id is an [`Error::InvalidResponse`].
    Step,
}

/// The value of an extra header sent with user-info requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum HeaderSource {
    /// A fixed value (Notion's `Notion-Version`).
    Static(&'static str),
    /// The instance's client id (Twitch's `Client-Id`).
    ClientId,
}

/// Which token [`OAuthProvider::revoke`](crate::OAuthProvider::revoke) sends to the revocation
/// endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RevokedToken {
    /// The access token (`token_type_hint=access_token`).
    AccessToken,
    /// The refresh token (`token_type_hint=refresh_token`), which ends the whole grant: Roblox
    /// revokes only refresh tokens. A token without a refresh token is then
    /// [`Error::Unsupported`], without a request.
    RefreshToken,
}

/// A named parameter of a provider's URL templates, such as Microsoft's `{tenant}` or a
/// Keycloak `{realm}`. It is read from `{PREFIX}_{NAME}` (upper case) or set with
/// [`ProviderBuilder::param`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpecParam {
    /// The placeholder's name in the templates, lowercase (`tenant`).
    pub name: &'static str,
    /// The value used when none is configured; `None` makes the parameter required.
    pub default: Option<&'static str>,
    /// What the value is, for configuration errors.
    pub help: &'static str,
}

/// A parameter of the authorization response that the login needs after the callback, such as
/// VK ID's `device_id` or Zoho's `accounts-server`.
///
/// The flow keeps the callback's further parameters (bounded in number and size) and gives
/// them to [`OAuthProvider::exchange_login_code`](crate::OAuthProvider::exchange_login_code);
/// the generic provider uses the ones its spec names here. Every check runs before the token
/// request, and a refused parameter is an [`Error::MalformedCallback`] (`invalid_callback`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallbackParam {
    /// The parameter's name in the authorization response.
    pub name: &'static str,
    /// What the login does with it.
    pub role: CallbackRole,
    /// A value in the provider's shape, which the testkit's mock sends back (for
    /// [`CallbackRole::AccountsServer`] the mock sends its own origin instead).
    pub example: &'static str,
}

/// What the login does with a [`CallbackParam`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum CallbackRole {
    /// Sent back under the same name in the code exchange's token request (VK ID's
    /// `device_id`). A callback without it is refused. The name `state` stands for the
    /// callback's `state`, which the flow has already checked.
    TokenParam,
    /// The origin of the server that issued the code (Zoho's `accounts-server`): the code
    /// exchange and the user-info request of this login go to the same paths on that origin.
    /// Only an `https` origin whose host is one of `hosts`, or the origin of the instance's
    /// configured token endpoint (so an endpoint override, such as a local mock, is trusted as
    /// configured), is accepted; anything else refuses the login. Without the parameter the
    /// configured endpoints are used. The token of such an exchange records the server in its
    /// `raw` response under the parameter's name, so that
    /// [`user_info`](crate::OAuthProvider::user_info) with it asks there too; a refresh goes
    /// to the configured token endpoint.
    AccountsServer {
        /// The hosts accepted, lowercase (`accounts.zoho.eu`).
        hosts: &'static [&'static str],
    },
    /// Put as a string under the same name into the JSON given to the mapping (Intuit's
    /// company id `realmId`), unless that JSON has a member of the name; a value over 256 bytes
    /// is ignored, and a callback without it is accepted. It is not signed: it is only as
    /// trustworthy as the browser that brought it.
    Claim,
}

/// How configuration errors name the credentials and where to find them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CredentialHelp {
    /// What the provider calls the client id (`Key` at Bitbucket, `Client ID` elsewhere).
    pub client_id: &'static str,
    /// What the provider calls the client secret.
    pub client_secret: &'static str,
    /// The thing that has them (`Bitbucket OAuth consumer`, `GitHub OAuth app`).
    pub app: &'static str,
    /// Where it is created in the provider's console, if worth saying.
    pub console: Option<&'static str>,
}

/// The future of a [`UserStep`].
pub type UserStepFuture<'a> =
    Pin<Box<dyn Future<Output = Result<OAuthUserInfo, Error>> + Send + 'a>>;

/// A further async step after the mapping, for providers that need more calls than the user
/// endpoint and an [`EmailSource`] (Mastodon's namespaced id, DigitalOcean's name from the
/// token). It receives the mapped user and returns it completed.
pub type UserStep = for<'a> fn(&'a UserContext<'a>, OAuthUserInfo) -> UserStepFuture<'a>;

/// The mapping from a provider's user JSON to the normalized user.
///
/// Return `Err` with a short reason (no value from the JSON in it) when the JSON lacks the
/// stable id; every other field is optional. The generic provider sets `provider` (the
/// instance name) and `raw_data` afterwards.
pub type MapUser = fn(&Profile<'_>) -> Result<OAuthUserInfo, String>;

/// A dynamic hint for an API error status, given the status and the JSON body (or `Null`).
pub type ErrorHint = fn(u16, &Value) -> Option<String>;

/// The description of an identity provider. See the [module docs](self) for an example.
///
/// Build one as a `static` with `..ProviderSpec::DEFAULT` for the fields you leave at their
/// defaults, so fields added later keep your spec compiling.
///
/// URL templates may use `{base}` (the instance's base URL, for self-hosted providers), `{api}`
/// (the API base URL) and `{name}` for each [`SpecParam`].
#[derive(Clone)]
pub struct ProviderSpec {
    /// The default registry name, lowercase (`bitbucket`): routes, `OAuthUserInfo::provider`
    /// and errors use it unless the instance is given another name.
    pub id: &'static str,
    /// The name shown to people (`Bitbucket`).
    pub title: &'static str,
    /// The prefix of the environment variables (`BITBUCKET` reads `BITBUCKET_CLIENT_ID`, ...).
    pub env_prefix: &'static str,
    /// The default base URL of a self-hostable provider (`https://gitlab.com`); `None` when
    /// the provider has one fixed instance; `Some("")` when it is self-hosted only, so that
    /// every instance must configure its base URL (Bitbucket Data Center).
    pub base_url: Option<&'static str>,
    /// The authorization endpoint (template).
    pub authorization_url: &'static str,
    /// The token endpoint (template).
    pub token_url: &'static str,
    /// The base of every API call (template; may be empty when the provider has no API).
    pub api_url: &'static str,
    /// The API base used instead of `api_url` when the instance's base URL is configured
    /// (GitHub Enterprise Server: `{base}/api/v3`).
    pub self_hosted_api_url: Option<&'static str>,
    /// The user-info endpoint (template, usually under `{api}`).
    pub user_info_url: &'static str,
    /// The revocation endpoint, if any (template; `{client_id}` stands for the instance's
    /// client id).
    pub revocation_url: Option<&'static str>,
    /// How a token is revoked at [`revocation_url`](Self::revocation_url).
    pub revocation_method: RevocationMethod,
    /// Which token is revoked: the access token, or (Roblox) the refresh token.
    pub revoked_token: RevokedToken,
    /// The RFC 8628 device authorization endpoint, if the provider has the device flow
    /// (template). Setting it declares [`Capabilities::device_flow`].
    pub device_authorization_url: Option<&'static str>,
    /// Token-endpoint errors, beyond RFC 6749's `invalid_grant`, with which the provider
    /// refuses a dead refresh token: `(error code, text the description contains)`, the text
    /// `""` matching any description. A refresh refused this way makes the
    /// [`TokenManager`](crate::TokenManager) ask for a new login.
    pub refused_refresh: &'static [(&'static str, &'static str)],
    /// Further named endpoints (templates) for the [`EmailSource`] and the [`UserStep`], such
    /// as `("emails", "{api}/user/emails")`.
    pub extra_endpoints: &'static [(&'static str, &'static str)],
    /// Where users revoke an application themselves when there is no revocation endpoint.
    pub manage_url: Option<&'static str>,
    /// Named template parameters.
    pub params: &'static [SpecParam],
    /// The scopes requested when none are configured.
    pub scopes: &'static [&'static str],
    /// The separator between scopes in the authorization URL.
    pub scope_separator: char,
    /// Fixed parameters of every authorization URL (Reddit's `duration=permanent`,
    /// Atlassian's `audience`). A per-request parameter of the same name wins; `prompt` is
    /// sent unless the request sets its own.
    pub authorize_params: &'static [(&'static str, &'static str)],
    /// Template parameters of which every instance sets exactly one, sent under its name as a
    /// parameter of every authorization URL (WorkOS's `connection`, `organization` and
    /// `provider`). Declare each in [`params`](Self::params) with the default `Some("")`
    /// (unset); an instance with none or several set is an [`Error::Config`] naming their
    /// variables.
    pub authorize_choice: &'static [&'static str],
    /// How the client authenticates at the token endpoint.
    pub client_auth: ClientAuth,
    /// The name of the client id parameter in the authorization URL and in token, refresh and
    /// revocation bodies (`client_id`; TikTok says `client_key`).
    pub client_id_param: &'static str,
    /// The scheme of the `Authorization` header that carries the access token to the
    /// user-info and further endpoints (`Bearer`; Yandex documents `OAuth`).
    pub user_auth_scheme: &'static str,
    /// PKCE support.
    pub pkce: Pkce,
    /// How token requests are sent (a form POST unless the provider wants JSON or a GET).
    pub token_encoding: TokenEncoding,
    /// Token-response deviations switched on for this provider.
    pub token_quirks: TokenQuirks,
    /// Refresh, RFC 9207 `iss` and OpenID Connect support. `pkce` and `revocation` are taken
    /// from [`pkce`](Self::pkce) and [`revocation_url`](Self::revocation_url).
    pub capabilities: Capabilities,
    /// Where the user's profile comes from.
    pub user_source: UserSource,
    /// Extra headers of user-info requests.
    pub user_headers: &'static [(&'static str, HeaderSource)],
    /// JSON pointers tried in order for the message of an API error body.
    pub error_message: &'static [&'static str],
    /// JSON pointers tried in order for the detail of an API error body.
    pub error_detail: &'static [&'static str],
    /// Hints per HTTP status of the user-info endpoint (`500` stands for every 5xx). Statuses
    /// without an entry get a generic hint.
    pub hints: &'static [(u16, &'static str)],
    /// A hint computed from the error body, tried before `hints`.
    pub error_hint: Option<ErrorHint>,
    /// How configuration errors name the credentials.
    pub credentials: CredentialHelp,
    /// The mapping from the user JSON.
    pub map_user: MapUser,
    /// A list of email addresses read after the user endpoint (and after a
    /// [`UserSource::Step`]'s step), which gives the user its address; see [`EmailSource`].
    /// It runs before [`user_step`](Self::user_step).
    pub email_source: Option<EmailSource>,
    /// A further step for providers that need more calls.
    pub user_step: Option<UserStep>,
    /// OpenID Connect: the issuer, discovery and ID-token validation. A spec with
    /// `capabilities.openid_connect` and no `openid` gets [`OpenIdSpec::DEFAULT`].
    pub openid: Option<OpenIdSpec>,
    /// How the authorization response comes back.
    pub response_mode: ResponseMode,
    /// An invented account in the provider's wire shapes, which the testkit's mock serves for
    /// this spec so that demos and end-to-end tests log in without an account anywhere.
    pub sample: Option<SampleAccount>,
    /// A parameter of the authorization response that carries the user as JSON (Apple's
    /// `user`, sent with the first form_post only). When present and a JSON object of at most
    /// 4 KiB, it is put under the same name into the JSON given to the mapping (unless that
    /// member exists); otherwise it is ignored. It is not signed: map only display data (names)
    /// from it, never the id or a verified email.
    pub callback_user: Option<&'static str>,
    /// Parameters of the authorization response that the code exchange and the user-info
    /// request of a login need (VK ID's `device_id`, Zoho's `accounts-server`), or that the
    /// mapping reads (Intuit's `realmId`).
    pub callback_params: &'static [CallbackParam],
    /// Makes the client authentication signer from the instance's variables when
    /// `{PREFIX}_CLIENT_SECRET` is not set (Apple's ES256 client secret from its team id, key id
    /// and private key); see [`AssertionFromEnv`].
    pub assertion_from_env: Option<AssertionFromEnv>,
}

/// An invented account of a provider, in the provider's real wire shapes, with what its
/// mapping makes of it.
///
/// The testkit's mock identity provider serves it for the spec (the user JSON from the
/// user-info endpoint, or as the ID token's claims for an OpenID Connect spec; the further
/// endpoints' bodies and response headers), the demos log in with it when no credentials are
/// set, and the conformance suite checks that the spec maps it to `oauth_id`, `email` and
/// `email_verified` as declared here.
///
/// ```
/// use oauth_kit_core::spec::SampleAccount;
///
/// const ACME_SAMPLE: SampleAccount = SampleAccount {
///     user: r#"{"id": 42, "login": "ada", "email": "ada@example.com"}"#,
///     oauth_id: "42",
///     email: Some("ada@example.com"),
///     ..SampleAccount::DEFAULT
/// };
/// assert!(!ACME_SAMPLE.email_verified);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleAccount {
    /// The user JSON: the user-info endpoint's body (the token response's member for a
    /// [`UserSource::TokenResponse`] spec), or the ID token's claims for an OpenID Connect
    /// spec.
    pub user: &'static str,
    /// The bodies of the spec's further endpoints, by name (as in `extra_endpoints`).
    pub endpoints: &'static [(&'static str, &'static str)],
    /// Response headers, as `(endpoint, header, value)`; the endpoint is `"user"` for the
    /// user-info endpoint or the name of a further endpoint (Bitbucket Data Center's
    /// `X-AUSERNAME`).
    pub headers: &'static [(&'static str, &'static str, &'static str)],
    /// The `oauth_id` the spec maps the account to.
    pub oauth_id: &'static str,
    /// The `email` the spec maps the account to.
    pub email: Option<&'static str>,
    /// The `email_verified` the spec maps the account to.
    pub email_verified: bool,
}

impl SampleAccount {
    /// Nothing set: build a sample with `..SampleAccount::DEFAULT`.
    pub const DEFAULT: SampleAccount = SampleAccount {
        user: "{}",
        endpoints: &[],
        headers: &[],
        oauth_id: "",
        email: None,
        email_verified: false,
    };
}

/// Reads a [`ClientAssertion`](crate::ClientAssertion) from an instance's variables: `Ok(None)`
/// when none of its variables is set (the client secret is then required as usual), an
/// [`Error::Config`] naming the variable when they are incomplete or invalid.
pub type AssertionFromEnv =
    fn(&SpecEnv<'_>) -> Result<Option<std::sync::Arc<dyn crate::ClientAssertion>>, Error>;

/// The variables of one provider instance, as given to an [`AssertionFromEnv`].
///
/// ```
/// use oauth_kit_core::spec::SpecEnv;
///
/// let lookup = |name: &str| (name == "APPLE_TEAM_ID").then(|| "7QX2KD9PLM".to_owned());
/// let env = SpecEnv::new("APPLE", &lookup);
/// assert_eq!(env.get("TEAM_ID").as_deref(), Some("7QX2KD9PLM"));
/// assert_eq!(env.var("KEY_ID"), "APPLE_KEY_ID");
/// ```
pub struct SpecEnv<'a> {
    prefix: &'a str,
    lookup: &'a dyn Fn(&str) -> Option<String>,
}

impl fmt::Debug for SpecEnv<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpecEnv")
            .field("prefix", &self.prefix)
            .finish_non_exhaustive()
    }
}

impl<'a> SpecEnv<'a> {
    /// The variables `{prefix}_*` read through `lookup`.
    pub fn new(prefix: &'a str, lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self { prefix, lookup }
    }

    /// The name of the variable `{PREFIX}_{suffix}`, for error messages.
    pub fn var(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.prefix)
    }

    /// The value of `{PREFIX}_{suffix}`; an empty value counts as unset.
    pub fn get(&self, suffix: &str) -> Option<String> {
        (self.lookup)(&self.var(suffix)).filter(|v| !v.trim().is_empty())
    }
}

impl ProviderSpec {
    /// The defaults: space-separated scopes, HTTP Basic client authentication, PKCE supported,
    /// token requests as a form POST, strict token parsing, RFC 7009 revocation where an
    /// endpoint is given, refresh supported, a GET of the user-info endpoint mapped with
    /// [`map_standard_claims`], and the message of an error body read from `error_description`,
    /// `message`, `error.message` or a string `error`.
    pub const DEFAULT: ProviderSpec = ProviderSpec {
        id: "",
        title: "",
        env_prefix: "",
        base_url: None,
        authorization_url: "",
        token_url: "",
        api_url: "",
        self_hosted_api_url: None,
        user_info_url: "",
        revocation_url: None,
        revocation_method: RevocationMethod::Rfc7009,
        revoked_token: RevokedToken::AccessToken,
        device_authorization_url: None,
        refused_refresh: &[],
        extra_endpoints: &[],
        manage_url: None,
        params: &[],
        scopes: &[],
        scope_separator: ' ',
        authorize_params: &[],
        authorize_choice: &[],
        client_auth: ClientAuth::Basic,
        client_id_param: "client_id",
        user_auth_scheme: "Bearer",
        pkce: Pkce::Supported,
        token_encoding: TokenEncoding::Form,
        token_quirks: TokenQuirks::STRICT,
        capabilities: Capabilities::NONE.refresh(true),
        user_source: UserSource::Get,
        user_headers: &[],
        error_message: &["/error_description", "/message", "/error/message", "/error"],
        error_detail: &["/error/detail", "/detail", "/errors"],
        hints: &[],
        error_hint: None,
        credentials: CredentialHelp {
            client_id: "client ID",
            client_secret: "client secret",
            app: "OAuth application",
            console: None,
        },
        map_user: map_standard_claims,
        email_source: None,
        user_step: None,
        openid: None,
        response_mode: ResponseMode::Query,
        sample: None,
        callback_user: None,
        callback_params: &[],
        assertion_from_env: None,
    };

    /// The capabilities of an instance of this spec.
    ///
    /// For an OpenID Connect spec this is what is known before discovery: PKCE with
    /// [`Pkce::FromDiscovery`], revocation and RFC 9207 `iss` may be switched on by the
    /// discovery document of the instance's issuer.
    pub const fn capabilities(&self) -> Capabilities {
        self.capabilities
            .pkce(matches!(self.pkce, Pkce::Supported | Pkce::Required))
            .revocation(self.revocation_url.is_some())
            .device_flow(self.device_authorization_url.is_some())
            .openid_connect(self.capabilities.openid_connect || self.openid.is_some())
            .form_post(matches!(self.response_mode, ResponseMode::FormPost))
    }

    /// The OpenID Connect description in force: `openid`, or the defaults for a spec that only
    /// declares the `openid_connect` capability.
    pub const fn openid_spec(&self) -> Option<OpenIdSpec> {
        match self.openid {
            Some(openid) => Some(openid),
            None if self.capabilities.openid_connect => Some(OpenIdSpec::DEFAULT),
            None => None,
        }
    }

    /// The environment variable `{PREFIX}_{suffix}`.
    pub fn env_var(&self, suffix: &str) -> String {
        format!("{}_{suffix}", self.env_prefix)
    }
}

impl fmt::Debug for ProviderSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderSpec")
            .field("id", &self.id)
            .field("title", &self.title)
            .field("env_prefix", &self.env_prefix)
            .field("authorization_url", &self.authorization_url)
            .field("token_url", &self.token_url)
            .field("api_url", &self.api_url)
            .field("client_auth", &self.client_auth)
            .field("pkce", &self.pkce)
            .finish_non_exhaustive()
    }
}

/// Defines a named provider type over a [`ProviderSpec`]: a newtype of [`SpecProvider`] with
/// `new`, `builder`, `from_env` and `from_lookup`, `Deref` to the generic provider for its
/// accessors, and [`OAuthProvider`](crate::OAuthProvider).
///
/// ```
/// use oauth_kit_core::spec::ProviderSpec;
/// use oauth_kit_core::{ClientSecret, OAuthProvider};
///
/// pub static ACME: ProviderSpec = ProviderSpec {
///     id: "acme",
///     title: "Acme",
///     env_prefix: "ACME",
///     authorization_url: "https://acme.example/authorize",
///     token_url: "https://acme.example/token",
///     api_url: "https://acme.example/api",
///     user_info_url: "{api}/userinfo",
///     ..ProviderSpec::DEFAULT
/// };
///
/// oauth_kit_core::provider_type! {
///     /// "Log in with Acme".
///     pub struct AcmeProvider(ACME);
/// }
///
/// let acme = AcmeProvider::new("id", ClientSecret::new("secret"))?;
/// assert_eq!(acme.name(), "acme");
/// assert_eq!(acme.client_id(), "id");
/// # Ok::<(), oauth_kit_core::Error>(())
/// ```
#[macro_export]
macro_rules! provider_type {
    ($(#[$meta:meta])* $vis:vis struct $name:ident($spec:path);) => {
        $(#[$meta])*
        ///
        /// `Debug` never shows the client secret.
        #[derive(Debug, Clone)]
        $vis struct $name($crate::SpecProvider);

        impl $name {
            /// A provider with the default endpoints and scopes. The credentials are trimmed;
            /// an empty one is an [`Error::Config`]($crate::Error::Config).
            pub fn new(
                client_id: impl Into<String>,
                client_secret: $crate::ClientSecret,
            ) -> Result<Self, $crate::Error> {
                Self::builder(client_id, client_secret).build()
            }

            /// A builder for the instance name, scopes, base URL and endpoint overrides.
            pub fn builder(
                client_id: impl Into<String>,
                client_secret: $crate::ClientSecret,
            ) -> $crate::spec::ProviderBuilder<Self> {
                $crate::spec::ProviderBuilder::new(&$spec, client_id, client_secret)
            }

            /// Reads the provider from the process environment (`{PREFIX}_CLIENT_ID`, ...; see
            /// [`SpecProvider::from_lookup`]($crate::SpecProvider::from_lookup)).
            pub fn from_env() -> Result<Self, $crate::Error> {
                Self::from_lookup(|name| std::env::var(name).ok())
            }

            /// Like `from_env`, reading variables through `lookup`.
            pub fn from_lookup(
                lookup: impl Fn(&str) -> Option<String>,
            ) -> Result<Self, $crate::Error> {
                $crate::SpecProvider::from_lookup(&$spec, lookup).map(Self)
            }

            /// The generic provider inside.
            pub fn into_inner(self) -> $crate::SpecProvider {
                self.0
            }
        }

        impl From<$crate::SpecProvider> for $name {
            fn from(provider: $crate::SpecProvider) -> Self {
                Self(provider)
            }
        }

        impl std::ops::Deref for $name {
            type Target = $crate::SpecProvider;
            fn deref(&self) -> &$crate::SpecProvider {
                &self.0
            }
        }

        #[$crate::async_trait]
        impl $crate::OAuthProvider for $name {
            fn name(&self) -> &str {
                $crate::OAuthProvider::name(&self.0)
            }
            fn capabilities(&self) -> $crate::Capabilities {
                $crate::OAuthProvider::capabilities(&self.0)
            }
            fn default_scopes(&self) -> Vec<String> {
                $crate::OAuthProvider::default_scopes(&self.0)
            }
            fn issuer(&self) -> Option<&str> {
                $crate::OAuthProvider::issuer(&self.0)
            }
            async fn prepare(&self, http: &$crate::HttpClient) -> Result<(), $crate::Error> {
                $crate::OAuthProvider::prepare(&self.0, http).await
            }
            fn authorization_url(
                &self,
                request: &$crate::AuthorizationRequest<'_>,
            ) -> Result<$crate::url::Url, $crate::Error> {
                $crate::OAuthProvider::authorization_url(&self.0, request)
            }
            async fn exchange_code(
                &self,
                http: &$crate::HttpClient,
                code: &$crate::AuthorizationCode,
                redirect_uri: &str,
                pkce_verifier: Option<&$crate::PkceVerifier>,
            ) -> Result<$crate::OAuthToken, $crate::Error> {
                $crate::OAuthProvider::exchange_code(&self.0, http, code, redirect_uri, pkce_verifier)
                    .await
            }
            async fn exchange_login_code(
                &self,
                http: &$crate::HttpClient,
                code: &$crate::AuthorizationCode,
                redirect_uri: &str,
                pkce_verifier: Option<&$crate::PkceVerifier>,
                login: &$crate::LoginContext<'_>,
            ) -> Result<$crate::OAuthToken, $crate::Error> {
                $crate::OAuthProvider::exchange_login_code(
                    &self.0,
                    http,
                    code,
                    redirect_uri,
                    pkce_verifier,
                    login,
                )
                .await
            }
            async fn refresh(
                &self,
                http: &$crate::HttpClient,
                refresh_token: &$crate::RefreshToken,
            ) -> Result<$crate::OAuthToken, $crate::Error> {
                $crate::OAuthProvider::refresh(&self.0, http, refresh_token).await
            }
            async fn revoke(
                &self,
                http: &$crate::HttpClient,
                token: &$crate::OAuthToken,
            ) -> Result<$crate::Revocation, $crate::Error> {
                $crate::OAuthProvider::revoke(&self.0, http, token).await
            }
            async fn user_info(
                &self,
                http: &$crate::HttpClient,
                token: &$crate::OAuthToken,
            ) -> Result<$crate::OAuthUserInfo, $crate::Error> {
                $crate::OAuthProvider::user_info(&self.0, http, token).await
            }
            fn refresh_rejected(&self, error: &$crate::Error) -> bool {
                $crate::OAuthProvider::refresh_rejected(&self.0, error)
            }
            async fn client_credentials(
                &self,
                http: &$crate::HttpClient,
                scopes: &[String],
            ) -> Result<$crate::OAuthToken, $crate::Error> {
                $crate::OAuthProvider::client_credentials(&self.0, http, scopes).await
            }
            async fn device_authorization(
                &self,
                http: &$crate::HttpClient,
                scopes: &[String],
            ) -> Result<$crate::DeviceAuthorization, $crate::Error> {
                $crate::OAuthProvider::device_authorization(&self.0, http, scopes).await
            }
            async fn poll_device_token(
                &self,
                http: &$crate::HttpClient,
                authorization: &$crate::DeviceAuthorization,
            ) -> Result<$crate::OAuthToken, $crate::Error> {
                $crate::OAuthProvider::poll_device_token(&self.0, http, authorization).await
            }
            async fn login_user(
                &self,
                http: &$crate::HttpClient,
                token: &$crate::OAuthToken,
                login: &$crate::LoginContext<'_>,
            ) -> Result<$crate::OAuthUserInfo, $crate::Error> {
                $crate::OAuthProvider::login_user(&self.0, http, token, login).await
            }
        }
    };
}
