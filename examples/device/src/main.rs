//! Log in from a command-line tool with the device authorization grant (RFC 8628): prints a
//! code and a URL, waits while the user approves on any device, then prints the user as JSON.
//!
//! ```text
//! cargo run -p example-device                  # against the embedded mock, no account needed
//! DEVICE_PROVIDER=github GITHUB_CLIENT_ID=... cargo run -p example-device
//! ```
//!
//! **Which provider it talks to.** With `DEVICE_PROVIDER` unset, the program starts the
//! testkit's mock identity provider in-process and logs in there: the mock speaks
//! Bitbucket's token endpoint and user API plus a generic RFC 8628 device endpoint, and it
//! approves the login by itself on its second poll, so the run needs no input. Bitbucket
//! Cloud itself has no device flow.
//!
//! With `DEVICE_PROVIDER` set to a provider id of the catalog (`oauth_kit::catalog()`), the
//! program logs in at that provider, configured from its usual variables
//! (`<PREFIX>_CLIENT_ID`, `<PREFIX>_CLIENT_SECRET`, `<PREFIX>_SCOPE`, endpoint overrides and
//! `<PREFIX>_DEVICE_AUTHORIZATION_URL`). The provider's spec must declare a device
//! authorization endpoint; GitHub, Google, Microsoft and GitLab have one and work here as
//! soon as their specs are in the catalog. Nothing else in this program changes.
//!
//! The code, the URL and the user's JSON go to stdout; the progress line goes to stderr.
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use oauth_kit::spec::{Profile, ProviderSpec};
use oauth_kit::{
    ClientSecret, DeviceFlow, DevicePollEvent, Error, HttpClient, OAuthProvider, OAuthUserInfo,
    SpecProvider, TokenQuirks,
};
use oauth_kit_testkit::{MockBitbucket, MockConfig, MockDevice};

/// The embedded mock as a provider: Bitbucket's token endpoint and user API, and the mock's
/// RFC 8628 endpoint. `{base}` is the mock's address, set when it has started.
static MOCK_DEVICE_LOGIN: ProviderSpec = ProviderSpec {
    id: "mock",
    title: "the oauth-kit mock identity provider",
    env_prefix: "MOCK",
    base_url: Some("http://127.0.0.1"),
    authorization_url: "{base}/site/oauth2/authorize",
    token_url: "{base}/site/oauth2/access_token",
    device_authorization_url: Some("{base}/site/oauth2/device_authorization"),
    api_url: "{base}/2.0",
    user_info_url: "{api}/user",
    token_quirks: TokenQuirks::STRICT.scope_field("scopes"),
    map_user: map_mock_user,
    ..ProviderSpec::DEFAULT
};

/// The mock's user JSON has Bitbucket's shape.
fn map_mock_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let uuid = profile.id("/uuid")?;
    let mut user = profile.user(uuid.trim_matches(['{', '}']).to_owned());
    user.username = profile.first_str(&["/username", "/nickname"]);
    if let Some(name) = profile.str("/display_name") {
        let (first, last) = name.split_once(' ').unwrap_or((name.as_str(), ""));
        user.first_name = Some(first.to_owned());
        user.last_name = Some(last.to_owned()).filter(|l| !l.is_empty());
    }
    user.avatar_url = profile.str("/links/avatar/href");
    user.profile_url = profile.str("/links/html/href");
    Ok(user)
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let describe = |e: Error| e.to_string();
    // The mock, when used, must live until the login is over.
    let (provider, _mock) = match std::env::var("DEVICE_PROVIDER")
        .ok()
        .filter(|v| !v.is_empty())
    {
        Some(id) => (provider_from_catalog(&id)?, None),
        None => {
            let mock = MockBitbucket::start_with(MockConfig {
                device: MockDevice::default().interval(Duration::from_secs(1)),
                ..MockConfig::default()
            })
            .await
            .map_err(|e| format!("the embedded mock could not start: {e}"))?;
            eprintln!(
                "DEVICE_PROVIDER is not set: logging in against the embedded mock at {} \
                 (it approves by itself)",
                mock.base_url()
            );
            let provider = SpecProvider::builder(
                &MOCK_DEVICE_LOGIN,
                mock.client_id(),
                ClientSecret::new(mock.client_secret()),
            )
            .base_url(mock.base_url())
            .build()
            .map_err(describe)?;
            (Arc::new(provider) as Arc<dyn OAuthProvider>, Some(mock))
        }
    };

    let http = HttpClient::new().map_err(describe)?;
    let flow = DeviceFlow::new(Arc::clone(&provider), http.clone());
    let authorization = flow.start(&[]).await.map_err(describe)?;
    println!(
        "To log in with {}, open {} and enter the code {}",
        provider.name(),
        authorization.verification_uri,
        authorization.user_code
    );
    if let Some(complete) = &authorization.verification_uri_complete {
        println!("(or open {complete})");
    }

    let token = flow
        .wait_with(&authorization, |event| {
            let line = match event {
                DevicePollEvent::Pending {
                    attempt,
                    next_poll_in,
                } => format!(
                    "waiting for approval (check {attempt}, next in {} s)",
                    next_poll_in.as_secs()
                ),
                DevicePollEvent::SlowDown { interval, .. } => format!(
                    "waiting for approval (the provider asked to check every {} s)",
                    interval.as_secs()
                ),
                DevicePollEvent::Unreachable { interval, .. } => format!(
                    "the provider did not answer; trying again in {} s",
                    interval.as_secs()
                ),
                _ => "waiting for approval".to_owned(),
            };
            eprint!("\r{line:<70}");
            let _ = std::io::stderr().flush();
        })
        .await;
    eprintln!();
    let token = token.map_err(|e| match e {
        Error::AuthorizationDenied { .. } => "the login was refused at the provider".to_owned(),
        Error::DeviceCodeExpired { .. } | Error::DeviceFlowTimedOut { .. } => {
            format!("{e}; run the program again for a new code")
        }
        other => other.to_string(),
    })?;
    let user = provider.user_info(&http, &token).await.map_err(describe)?;
    let json = serde_json::to_string_pretty(&user).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(())
}

/// The catalog's provider `id`, configured from the environment, if its spec has the device
/// flow.
fn provider_from_catalog(id: &str) -> Result<Arc<dyn OAuthProvider>, String> {
    let Some(spec) = oauth_kit::catalog().into_iter().find(|spec| spec.id == id) else {
        let known: Vec<&str> = oauth_kit::catalog().iter().map(|s| s.id).collect();
        return Err(format!(
            "DEVICE_PROVIDER: no provider `{id}` in this build (known: {})",
            known.join(", ")
        ));
    };
    if !spec.capabilities().device_flow {
        return Err(format!(
            "DEVICE_PROVIDER: {} has no device flow; unset DEVICE_PROVIDER to try the embedded mock",
            spec.title
        ));
    }
    let provider = SpecProvider::from_env(spec).map_err(|e| e.to_string())?;
    Ok(Arc::new(provider))
}
