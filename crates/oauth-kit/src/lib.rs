//! "Log in with Bitbucket" (and more) for Rust web applications: the crate applications depend
//! on, with providers and framework adapters picked by Cargo feature.
//!
//! The core API (the [`OAuthProvider`] trait, [`OAuthUserInfo`], [`OAuthToken`], the
//! [`LoginService`] flow, errors, PKCE and state helpers) is re-exported at the root. Each
//! provider and adapter is a module behind a feature:
//!
//! | feature | module | crate |
//! |---|---|---|
//! | `bitbucket` (default) | [`bitbucket`] | `oauth-kit-bitbucket` |
//! | `github` | `github` | `oauth-kit-github` |
//! | `gitlab` | `gitlab` | `oauth-kit-gitlab` |
//! | `discord` | `discord` | `oauth-kit-discord` |
//! | `facebook` | `facebook` | `oauth-kit-facebook` |
//! | `x` | `x` | `oauth-kit-x` |
//! | `twitch` | `twitch` | `oauth-kit-twitch` |
//! | `spotify` | `spotify` | `oauth-kit-spotify` |
//! | `reddit` | `reddit` | `oauth-kit-reddit` |
//! | `atlassian` | `atlassian` | `oauth-kit-atlassian` |
//! | `bitbucket-dc` | `bitbucket_dc` | `oauth-kit-bitbucket-dc` |
//! | `oidc` | `oidc` | `oauth-kit-oidc` (any OpenID Connect issuer: `OIDC_ISSUER`) |
//! | `dropbox` | `dropbox` | `oauth-kit-dropbox` |
//! | `zoom` | `zoom` | `oauth-kit-zoom` |
//! | `notion` | `notion` | `oauth-kit-notion` |
//! | `figma` | `figma` | `oauth-kit-figma` |
//! | `strava` | `strava` | `oauth-kit-strava` |
//! | `yandex` | `yandex` | `oauth-kit-yandex` |
//! | `kakao` | `kakao` | `oauth-kit-kakao` |
//! | `naver` | `naver` | `oauth-kit-naver` |
//! | `patreon` | `patreon` | `oauth-kit-patreon` |
//! | `box-com` | `box_com` | `oauth-kit-box-com` |
//! | `osu` | `osu` | `oauth-kit-osu` |
//! | `coinbase` | `coinbase` | `oauth-kit-coinbase` |
//! | `linear` | `linear` | `oauth-kit-linear` |
//! | `vercel` | `vercel` | `oauth-kit-vercel` |
//! | `heroku` | `heroku` | `oauth-kit-heroku` |
//! | `digitalocean` | `digitalocean` | `oauth-kit-digitalocean` |
//! | `amazon` | `amazon` | `oauth-kit-amazon` |
//! | `tiktok` | `tiktok` | `oauth-kit-tiktok` |
//! | `pinterest` | `pinterest` | `oauth-kit-pinterest` |
//! | `miro` | `miro` | `oauth-kit-miro` |
//! | `tumblr` | `tumblr` | `oauth-kit-tumblr` |
//! | `trakt` | `trakt` | `oauth-kit-trakt` |
//! | `google` | `google` | `oauth-kit-google` |
//! | `microsoft` | `microsoft` | `oauth-kit-microsoft` |
//! | `linkedin` | `linkedin` | `oauth-kit-linkedin` |
//! | `apple` | `apple` | `oauth-kit-apple` |
//! | `slack` | `slack` | `oauth-kit-slack` |
//! | `zitadel` | `zitadel` | `oauth-kit-zitadel` (self-hosted or ZITADEL Cloud: `ZITADEL_ISSUER`) |
//! | `authentik` | `authentik` | `oauth-kit-authentik` (self-hosted: `AUTHENTIK_ISSUER`) |
//! | `fusionauth` | `fusionauth` | `oauth-kit-fusionauth` (self-hosted: `FUSIONAUTH_ISSUER`) |
//! | `yahoo` | `yahoo` | `oauth-kit-yahoo` |
//! | `kick` | `kick` | `oauth-kit-kick` |
//! | `epicgames` | `epicgames` | `oauth-kit-epicgames` |
//! | `huggingface` | `huggingface` | `oauth-kit-huggingface` |
//! | `battlenet` | `battlenet` | `oauth-kit-battlenet` (China: `BATTLENET_ISSUER`) |
//! | `paypal` | `paypal` | `oauth-kit-paypal` (sandbox: `PAYPAL_ISSUER`, `PAYPAL_API_URL`) |
//! | `roblox` | `roblox` | `oauth-kit-roblox` |
//! | `line` | `line` | `oauth-kit-line` |
//! | `vk-id` | `vk_id` | `oauth-kit-vk-id` |
//! | `hubspot` | `hubspot` | `oauth-kit-hubspot` |
//! | `zoho` | `zoho` | `oauth-kit-zoho` |
//! | `mastodon` | `mastodon` | `oauth-kit-mastodon` |
//! | `webex` | `webex` | `oauth-kit-webex` |
//! | `cognito` | `cognito` | `oauth-kit-cognito` (user pools: `COGNITO_BASE_URL`, `COGNITO_REGION`, `COGNITO_USER_POOL_ID`) |
//! | `gitea` | `gitea` | `oauth-kit-gitea` (Gitea and Forgejo, self-hosted: `GITEA_BASE_URL`) |
//! | `salesforce` | `salesforce` | `oauth-kit-salesforce` (login, test or My Domain: `SALESFORCE_BASE_URL`) |
//! | `intuit` | `intuit` | `oauth-kit-intuit` |
//! | `workos` | `workos` | `oauth-kit-workos` |
// xtask:new-provider feature-table (`cargo xtask new-provider NAME` adds rows above this line)
//! | `axum` | `axum` | `oauth-kit-axum` |
//! | `actix` | `actix` | `oauth-kit-actix` |
//! | `redis` | `redis` | `oauth-kit-redis` (state stores for several instances; with `axum` or `actix`, that adapter's Redis session store too) |
//!
//! ```toml
//! [dependencies]
//! oauth-kit = { version = "0.1", features = ["axum"] }
//! ```
//!
//! # Example
//!
//! Every provider whose feature is enabled and whose variables are set is registered:
//!
//! ```no_run
//! use oauth_kit::{FlowConfig, LoginService, ProviderSettings};
//!
//! # fn main() -> Result<(), oauth_kit::Error> {
//! let providers = ProviderSettings::from_env().registry()?;
//! let service = LoginService::new(providers, FlowConfig::from_env()?)?;
//! for (provider, url) in service.callback_urls() {
//!     println!("{provider}: register {url} as the callback URL");
//! }
//! # Ok(()) }
//! ```
//!
//! # Standalone: three calls
//!
//! Without a web framework, [`ProviderClient`] gives the three calls of every login:
//! the authorization URL (keeping the state, PKCE verifier and nonce), the code exchange from
//! the callback URL (state, provider error and RFC 9207 `iss` checked first), and the user from
//! an access token. Here against the testkit's mock Bitbucket, with `reqwest` playing the
//! browser:
//!
//! ```
//! # #[cfg(feature = "bitbucket")]
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use oauth_kit::ProviderClient;
//! use oauth_kit::bitbucket::BitbucketProvider;
//! use oauth_kit_testkit::MockBitbucket;
//!
//! let mock = MockBitbucket::start().await?; // approves every authorization
//! let provider = BitbucketProvider::builder(mock.client_id(), oauth_kit::ClientSecret::new(mock.client_secret()))
//!     .authorize_url(mock.authorize_url())
//!     .token_url(mock.token_url())
//!     .api_url(mock.api_url())
//!     .build()?;
//! let client = ProviderClient::new(provider, "http://localhost:8000/auth/bitbucket/callback")?;
//!
//! // 1. The authorization URL; keep `start.pending` until the callback.
//! let start = client.authorization_url()?;
//!
//! // The browser: the provider answers with a redirect to the callback URL.
//! let browser = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build()?;
//! let answer = browser.get(start.url.as_str()).send().await?;
//! let callback = answer.headers()["location"].to_str()?.to_owned();
//!
//! // 2. The code exchange, from the whole callback URL.
//! let token = client.exchange_code(&callback, &start.pending).await?;
//!
//! // 3. The user.
//! let user = client.get_user_info(&token.access_token).await?;
//! assert_eq!(user.provider, "bitbucket");
//! assert!(user.email_verified);
//! # Ok(()) }
//! # #[cfg(not(feature = "bitbucket"))]
//! # fn main() {}
//! ```

mod settings;

pub use oauth_kit_core::*;
pub use settings::ProviderSettings;

/// The ready login service from the environment, in one call: every provider of the
/// [`catalog`] whose variables are set ([`ProviderSettings::from_env`]) and the flow
/// settings ([`FlowConfig::from_env`]).
///
/// Fails at start-up with an [`Error::Config`] naming the variable when a setting is invalid,
/// a provider is half-configured, or no provider is configured at all. For settings in code,
/// build the same from [`ProviderSettings`] and [`FlowConfig::builder`].
///
/// ```no_run
/// # fn main() -> Result<(), oauth_kit::Error> {
/// let service = oauth_kit::login_service_from_env()?;
/// for (provider, url) in service.callback_urls() {
///     println!("{provider}: register {url} as the callback URL");
/// }
/// # Ok(()) }
/// ```
pub fn login_service_from_env() -> Result<LoginService, Error> {
    let registry = ProviderSettings::from_env().registry()?;
    if registry.is_empty() {
        let examples: Vec<String> = catalog()
            .iter()
            .take(3)
            .map(|spec| {
                format!(
                    "{} and {}",
                    spec.env_var("CLIENT_ID"),
                    spec.env_var("CLIENT_SECRET")
                )
            })
            .collect();
        return Err(Error::config(
            "providers",
            format!(
                "no provider is configured: set the client id and secret of one, for example {}",
                if examples.is_empty() {
                    "after enabling a provider feature".to_owned()
                } else {
                    examples.join(", or ")
                }
            ),
        ));
    }
    LoginService::new(registry, FlowConfig::from_env()?)
}

/// The catalog: the spec of every provider whose feature is enabled, in a stable order.
/// [`ProviderSettings`] registers from it whatever is configured, and the demos list it.
///
/// ```
/// let ids: Vec<&str> = oauth_kit::catalog().iter().map(|spec| spec.id).collect();
/// # #[cfg(feature = "bitbucket")]
/// assert!(ids.contains(&"bitbucket"));
/// ```
// One push per provider, each behind its feature, hence no `vec![]`.
#[allow(clippy::vec_init_then_push)]
pub fn catalog() -> Vec<&'static spec::ProviderSpec> {
    #[allow(unused_mut)]
    let mut specs: Vec<&'static spec::ProviderSpec> = Vec::new();
    #[cfg(feature = "bitbucket")]
    specs.push(&oauth_kit_bitbucket::SPEC);
    #[cfg(feature = "github")]
    specs.push(&oauth_kit_github::SPEC);
    #[cfg(feature = "gitlab")]
    specs.push(&oauth_kit_gitlab::SPEC);
    #[cfg(feature = "discord")]
    specs.push(&oauth_kit_discord::SPEC);
    #[cfg(feature = "facebook")]
    specs.push(&oauth_kit_facebook::SPEC);
    #[cfg(feature = "x")]
    specs.push(&oauth_kit_x::SPEC);
    #[cfg(feature = "twitch")]
    specs.push(&oauth_kit_twitch::SPEC);
    #[cfg(feature = "spotify")]
    specs.push(&oauth_kit_spotify::SPEC);
    #[cfg(feature = "reddit")]
    specs.push(&oauth_kit_reddit::SPEC);
    #[cfg(feature = "atlassian")]
    specs.push(&oauth_kit_atlassian::SPEC);
    #[cfg(feature = "bitbucket-dc")]
    specs.push(&oauth_kit_bitbucket_dc::SPEC);
    #[cfg(feature = "oidc")]
    specs.push(&oauth_kit_oidc::SPEC);
    #[cfg(feature = "dropbox")]
    specs.push(&oauth_kit_dropbox::SPEC);
    #[cfg(feature = "zoom")]
    specs.push(&oauth_kit_zoom::SPEC);
    #[cfg(feature = "notion")]
    specs.push(&oauth_kit_notion::SPEC);
    #[cfg(feature = "figma")]
    specs.push(&oauth_kit_figma::SPEC);
    #[cfg(feature = "strava")]
    specs.push(&oauth_kit_strava::SPEC);
    #[cfg(feature = "yandex")]
    specs.push(&oauth_kit_yandex::SPEC);
    #[cfg(feature = "kakao")]
    specs.push(&oauth_kit_kakao::SPEC);
    #[cfg(feature = "naver")]
    specs.push(&oauth_kit_naver::SPEC);
    #[cfg(feature = "patreon")]
    specs.push(&oauth_kit_patreon::SPEC);
    #[cfg(feature = "box-com")]
    specs.push(&oauth_kit_box_com::SPEC);
    #[cfg(feature = "osu")]
    specs.push(&oauth_kit_osu::SPEC);
    #[cfg(feature = "coinbase")]
    specs.push(&oauth_kit_coinbase::SPEC);
    #[cfg(feature = "linear")]
    specs.push(&oauth_kit_linear::SPEC);
    #[cfg(feature = "vercel")]
    specs.push(&oauth_kit_vercel::SPEC);
    #[cfg(feature = "heroku")]
    specs.push(&oauth_kit_heroku::SPEC);
    #[cfg(feature = "digitalocean")]
    specs.push(&oauth_kit_digitalocean::SPEC);
    #[cfg(feature = "amazon")]
    specs.push(&oauth_kit_amazon::SPEC);
    #[cfg(feature = "tiktok")]
    specs.push(&oauth_kit_tiktok::SPEC);
    #[cfg(feature = "pinterest")]
    specs.push(&oauth_kit_pinterest::SPEC);
    #[cfg(feature = "miro")]
    specs.push(&oauth_kit_miro::SPEC);
    #[cfg(feature = "tumblr")]
    specs.push(&oauth_kit_tumblr::SPEC);
    #[cfg(feature = "trakt")]
    specs.push(&oauth_kit_trakt::SPEC);
    #[cfg(feature = "google")]
    specs.push(&oauth_kit_google::SPEC);
    #[cfg(feature = "microsoft")]
    specs.push(&oauth_kit_microsoft::SPEC);
    #[cfg(feature = "linkedin")]
    specs.push(&oauth_kit_linkedin::SPEC);
    #[cfg(feature = "apple")]
    specs.push(&oauth_kit_apple::SPEC);
    #[cfg(feature = "slack")]
    specs.push(&oauth_kit_slack::SPEC);
    #[cfg(feature = "zitadel")]
    specs.push(&oauth_kit_zitadel::SPEC);
    #[cfg(feature = "authentik")]
    specs.push(&oauth_kit_authentik::SPEC);
    #[cfg(feature = "fusionauth")]
    specs.push(&oauth_kit_fusionauth::SPEC);
    #[cfg(feature = "yahoo")]
    specs.push(&oauth_kit_yahoo::SPEC);
    #[cfg(feature = "kick")]
    specs.push(&oauth_kit_kick::SPEC);
    #[cfg(feature = "epicgames")]
    specs.push(&oauth_kit_epicgames::SPEC);
    #[cfg(feature = "huggingface")]
    specs.push(&oauth_kit_huggingface::SPEC);
    #[cfg(feature = "battlenet")]
    specs.push(&oauth_kit_battlenet::SPEC);
    #[cfg(feature = "paypal")]
    specs.push(&oauth_kit_paypal::SPEC);
    #[cfg(feature = "roblox")]
    specs.push(&oauth_kit_roblox::SPEC);
    #[cfg(feature = "line")]
    specs.push(&oauth_kit_line::SPEC);
    #[cfg(feature = "vk-id")]
    specs.push(&oauth_kit_vk_id::SPEC);
    #[cfg(feature = "hubspot")]
    specs.push(&oauth_kit_hubspot::SPEC);
    #[cfg(feature = "zoho")]
    specs.push(&oauth_kit_zoho::SPEC);
    #[cfg(feature = "mastodon")]
    specs.push(&oauth_kit_mastodon::SPEC);
    #[cfg(feature = "webex")]
    specs.push(&oauth_kit_webex::SPEC);
    #[cfg(feature = "cognito")]
    specs.push(&oauth_kit_cognito::SPEC);
    #[cfg(feature = "gitea")]
    specs.push(&oauth_kit_gitea::SPEC);
    #[cfg(feature = "salesforce")]
    specs.push(&oauth_kit_salesforce::SPEC);
    #[cfg(feature = "intuit")]
    specs.push(&oauth_kit_intuit::SPEC);
    #[cfg(feature = "workos")]
    specs.push(&oauth_kit_workos::SPEC);
    // xtask:new-provider catalog (`cargo xtask new-provider NAME` adds provider specs above this line)
    specs
}

/// Bitbucket Cloud (feature `bitbucket`): re-export of `oauth-kit-bitbucket`.
#[cfg(feature = "bitbucket")]
pub mod bitbucket {
    pub use oauth_kit_bitbucket::*;
}

/// GitHub (feature `github`): re-export of `oauth-kit-github`.
#[cfg(feature = "github")]
pub mod github {
    pub use oauth_kit_github::*;
}

/// GitLab (feature `gitlab`): re-export of `oauth-kit-gitlab`.
#[cfg(feature = "gitlab")]
pub mod gitlab {
    pub use oauth_kit_gitlab::*;
}

/// Discord (feature `discord`): re-export of `oauth-kit-discord`.
#[cfg(feature = "discord")]
pub mod discord {
    pub use oauth_kit_discord::*;
}

/// Facebook (feature `facebook`): re-export of `oauth-kit-facebook`.
#[cfg(feature = "facebook")]
pub mod facebook {
    pub use oauth_kit_facebook::*;
}

/// X (feature `x`): re-export of `oauth-kit-x`.
#[cfg(feature = "x")]
pub mod x {
    pub use oauth_kit_x::*;
}

/// Twitch (feature `twitch`): re-export of `oauth-kit-twitch`.
#[cfg(feature = "twitch")]
pub mod twitch {
    pub use oauth_kit_twitch::*;
}

/// Spotify (feature `spotify`): re-export of `oauth-kit-spotify`.
#[cfg(feature = "spotify")]
pub mod spotify {
    pub use oauth_kit_spotify::*;
}

/// Reddit (feature `reddit`): re-export of `oauth-kit-reddit`.
#[cfg(feature = "reddit")]
pub mod reddit {
    pub use oauth_kit_reddit::*;
}

/// Atlassian (feature `atlassian`): re-export of `oauth-kit-atlassian`.
#[cfg(feature = "atlassian")]
pub mod atlassian {
    pub use oauth_kit_atlassian::*;
}

/// Bitbucket Data Center (feature `bitbucket-dc`): re-export of `oauth-kit-bitbucket-dc`.
#[cfg(feature = "bitbucket-dc")]
pub mod bitbucket_dc {
    pub use oauth_kit_bitbucket_dc::*;
}

/// Any OpenID Connect issuer (feature `oidc`): re-export of `oauth-kit-oidc`, with core's
/// discovery, JWKS and ID-token types.
#[cfg(feature = "oidc")]
pub mod oidc {
    pub use oauth_kit_core::oidc::*;
    pub use oauth_kit_oidc::*;
}

/// Dropbox (feature `dropbox`): re-export of `oauth-kit-dropbox`.
#[cfg(feature = "dropbox")]
pub mod dropbox {
    pub use oauth_kit_dropbox::*;
}

/// Zoom (feature `zoom`): re-export of `oauth-kit-zoom`.
#[cfg(feature = "zoom")]
pub mod zoom {
    pub use oauth_kit_zoom::*;
}

/// Notion (feature `notion`): re-export of `oauth-kit-notion`.
#[cfg(feature = "notion")]
pub mod notion {
    pub use oauth_kit_notion::*;
}

/// Figma (feature `figma`): re-export of `oauth-kit-figma`.
#[cfg(feature = "figma")]
pub mod figma {
    pub use oauth_kit_figma::*;
}

/// Strava (feature `strava`): re-export of `oauth-kit-strava`.
#[cfg(feature = "strava")]
pub mod strava {
    pub use oauth_kit_strava::*;
}

/// Yandex (feature `yandex`): re-export of `oauth-kit-yandex`.
#[cfg(feature = "yandex")]
pub mod yandex {
    pub use oauth_kit_yandex::*;
}

/// Kakao (feature `kakao`): re-export of `oauth-kit-kakao`.
#[cfg(feature = "kakao")]
pub mod kakao {
    pub use oauth_kit_kakao::*;
}

/// Naver (feature `naver`): re-export of `oauth-kit-naver`.
#[cfg(feature = "naver")]
pub mod naver {
    pub use oauth_kit_naver::*;
}

/// Patreon (feature `patreon`): re-export of `oauth-kit-patreon`.
#[cfg(feature = "patreon")]
pub mod patreon {
    pub use oauth_kit_patreon::*;
}

/// Box Com (feature `box-com`): re-export of `oauth-kit-box-com`.
#[cfg(feature = "box-com")]
pub mod box_com {
    pub use oauth_kit_box_com::*;
}

/// Osu (feature `osu`): re-export of `oauth-kit-osu`.
#[cfg(feature = "osu")]
pub mod osu {
    pub use oauth_kit_osu::*;
}

/// Coinbase (feature `coinbase`): re-export of `oauth-kit-coinbase`.
#[cfg(feature = "coinbase")]
pub mod coinbase {
    pub use oauth_kit_coinbase::*;
}

/// Linear (feature `linear`): re-export of `oauth-kit-linear`.
#[cfg(feature = "linear")]
pub mod linear {
    pub use oauth_kit_linear::*;
}

/// Vercel (feature `vercel`): re-export of `oauth-kit-vercel`.
#[cfg(feature = "vercel")]
pub mod vercel {
    pub use oauth_kit_vercel::*;
}

/// Heroku (feature `heroku`): re-export of `oauth-kit-heroku`.
#[cfg(feature = "heroku")]
pub mod heroku {
    pub use oauth_kit_heroku::*;
}

/// Digitalocean (feature `digitalocean`): re-export of `oauth-kit-digitalocean`.
#[cfg(feature = "digitalocean")]
pub mod digitalocean {
    pub use oauth_kit_digitalocean::*;
}

/// Amazon (feature `amazon`): re-export of `oauth-kit-amazon`.
#[cfg(feature = "amazon")]
pub mod amazon {
    pub use oauth_kit_amazon::*;
}

/// Tiktok (feature `tiktok`): re-export of `oauth-kit-tiktok`.
#[cfg(feature = "tiktok")]
pub mod tiktok {
    pub use oauth_kit_tiktok::*;
}

/// Pinterest (feature `pinterest`): re-export of `oauth-kit-pinterest`.
#[cfg(feature = "pinterest")]
pub mod pinterest {
    pub use oauth_kit_pinterest::*;
}

/// Miro (feature `miro`): re-export of `oauth-kit-miro`.
#[cfg(feature = "miro")]
pub mod miro {
    pub use oauth_kit_miro::*;
}

/// Tumblr (feature `tumblr`): re-export of `oauth-kit-tumblr`.
#[cfg(feature = "tumblr")]
pub mod tumblr {
    pub use oauth_kit_tumblr::*;
}

/// Trakt (feature `trakt`): re-export of `oauth-kit-trakt`.
#[cfg(feature = "trakt")]
pub mod trakt {
    pub use oauth_kit_trakt::*;
}

/// Google (feature `google`): re-export of `oauth-kit-google`.
#[cfg(feature = "google")]
pub mod google {
    pub use oauth_kit_google::*;
}

/// Microsoft Entra ID (feature `microsoft`): re-export of `oauth-kit-microsoft`.
#[cfg(feature = "microsoft")]
pub mod microsoft {
    pub use oauth_kit_microsoft::*;
}

/// LinkedIn (feature `linkedin`): re-export of `oauth-kit-linkedin`.
#[cfg(feature = "linkedin")]
pub mod linkedin {
    pub use oauth_kit_linkedin::*;
}

/// Apple (feature `apple`): re-export of `oauth-kit-apple`.
#[cfg(feature = "apple")]
pub mod apple {
    pub use oauth_kit_apple::*;
}

/// Slack (feature `slack`): re-export of `oauth-kit-slack`.
#[cfg(feature = "slack")]
pub mod slack {
    pub use oauth_kit_slack::*;
}

/// ZITADEL (feature `zitadel`): re-export of `oauth-kit-zitadel`.
#[cfg(feature = "zitadel")]
pub mod zitadel {
    pub use oauth_kit_zitadel::*;
}

/// authentik (feature `authentik`): re-export of `oauth-kit-authentik`.
#[cfg(feature = "authentik")]
pub mod authentik {
    pub use oauth_kit_authentik::*;
}

/// FusionAuth (feature `fusionauth`): re-export of `oauth-kit-fusionauth`.
#[cfg(feature = "fusionauth")]
pub mod fusionauth {
    pub use oauth_kit_fusionauth::*;
}

/// Yahoo (feature `yahoo`): re-export of `oauth-kit-yahoo`.
#[cfg(feature = "yahoo")]
pub mod yahoo {
    pub use oauth_kit_yahoo::*;
}

/// Kick (feature `kick`): re-export of `oauth-kit-kick`.
#[cfg(feature = "kick")]
pub mod kick {
    pub use oauth_kit_kick::*;
}

/// Epic Games (feature `epicgames`): re-export of `oauth-kit-epicgames`.
#[cfg(feature = "epicgames")]
pub mod epicgames {
    pub use oauth_kit_epicgames::*;
}

/// Hugging Face (feature `huggingface`): re-export of `oauth-kit-huggingface`.
#[cfg(feature = "huggingface")]
pub mod huggingface {
    pub use oauth_kit_huggingface::*;
}

/// Battle.net (feature `battlenet`): re-export of `oauth-kit-battlenet`.
#[cfg(feature = "battlenet")]
pub mod battlenet {
    pub use oauth_kit_battlenet::*;
}

/// PayPal (feature `paypal`): re-export of `oauth-kit-paypal`.
#[cfg(feature = "paypal")]
pub mod paypal {
    pub use oauth_kit_paypal::*;
}

/// Roblox (feature `roblox`): re-export of `oauth-kit-roblox`.
#[cfg(feature = "roblox")]
pub mod roblox {
    pub use oauth_kit_roblox::*;
}

/// LINE (feature `line`): re-export of `oauth-kit-line`.
#[cfg(feature = "line")]
pub mod line {
    pub use oauth_kit_line::*;
}

/// VK ID (feature `vk-id`): re-export of `oauth-kit-vk-id`.
#[cfg(feature = "vk-id")]
pub mod vk_id {
    pub use oauth_kit_vk_id::*;
}

/// HubSpot (feature `hubspot`): re-export of `oauth-kit-hubspot`.
#[cfg(feature = "hubspot")]
pub mod hubspot {
    pub use oauth_kit_hubspot::*;
}

/// Zoho (feature `zoho`): re-export of `oauth-kit-zoho`.
#[cfg(feature = "zoho")]
pub mod zoho {
    pub use oauth_kit_zoho::*;
}

/// Mastodon (feature `mastodon`): re-export of `oauth-kit-mastodon`.
#[cfg(feature = "mastodon")]
pub mod mastodon {
    pub use oauth_kit_mastodon::*;
}

/// Webex (feature `webex`): re-export of `oauth-kit-webex`.
#[cfg(feature = "webex")]
pub mod webex {
    pub use oauth_kit_webex::*;
}

/// Amazon Cognito user pools (feature `cognito`): re-export of `oauth-kit-cognito`.
#[cfg(feature = "cognito")]
pub mod cognito {
    pub use oauth_kit_cognito::*;
}

/// Gitea and Forgejo (self-hosted) (feature `gitea`): re-export of `oauth-kit-gitea`.
#[cfg(feature = "gitea")]
pub mod gitea {
    pub use oauth_kit_gitea::*;
}

/// Salesforce (feature `salesforce`): re-export of `oauth-kit-salesforce`.
#[cfg(feature = "salesforce")]
pub mod salesforce {
    pub use oauth_kit_salesforce::*;
}

/// Intuit (QuickBooks, Sign In with Intuit) (feature `intuit`): re-export of `oauth-kit-intuit`.
#[cfg(feature = "intuit")]
pub mod intuit {
    pub use oauth_kit_intuit::*;
}

/// WorkOS (feature `workos`): re-export of `oauth-kit-workos`.
#[cfg(feature = "workos")]
pub mod workos {
    pub use oauth_kit_workos::*;
}

// xtask:new-provider modules (`cargo xtask new-provider NAME` adds provider modules above this line)

/// The Axum adapter (feature `axum`): re-export of `oauth-kit-axum`.
#[cfg(feature = "axum")]
pub mod axum {
    pub use oauth_kit_axum::*;
}

/// The Actix-web adapter (feature `actix`): re-export of `oauth-kit-actix`.
#[cfg(feature = "actix")]
pub mod actix {
    pub use oauth_kit_actix::*;
}

/// Redis stores for several instances behind one URL (feature `redis`): re-export of
/// `oauth-kit-redis`.
#[cfg(feature = "redis")]
pub mod redis {
    pub use oauth_kit_redis::*;
}

/// The guides in `docs/`, compiled as doctests so that their examples cannot drift from the
/// API (`cargo test -p oauth-kit --doc`).
#[cfg(doctest)]
pub mod guides {
    /// The README's Axum example (it needs the `axum` feature).
    #[cfg(feature = "axum")]
    #[doc = include_str!("../../../README.md")]
    pub struct Readme;

    /// `docs/README.md`.
    #[doc = include_str!("../../../docs/README.md")]
    pub struct Index;

    /// `docs/getting-started.md`.
    #[doc = include_str!("../../../docs/getting-started.md")]
    pub struct GettingStarted;

    /// `docs/configuration.md`.
    #[doc = include_str!("../../../docs/configuration.md")]
    pub struct Configuration;

    /// `docs/deployment.md`.
    #[doc = include_str!("../../../docs/deployment.md")]
    pub struct Deployment;

    /// `docs/security.md`.
    #[doc = include_str!("../../../docs/security.md")]
    pub struct Security;

    /// `docs/tokens.md`.
    #[doc = include_str!("../../../docs/tokens.md")]
    pub struct Tokens;

    /// `docs/adapters/other-frameworks.md`.
    #[doc = include_str!("../../../docs/adapters/other-frameworks.md")]
    pub struct OtherFrameworks;

    /// `docs/performance.md`.
    #[doc = include_str!("../../../docs/performance.md")]
    pub struct Performance;

    /// `docs/writing-a-provider.md`.
    #[doc = include_str!("../../../docs/writing-a-provider.md")]
    pub struct WritingAProvider;
}
