//! The generic provider's client-credentials grant, device flow and refused refresh tokens,
//! declared as data in a spec, against the testkit's mock (loopback URLs are accepted as
//! plain HTTP).

use std::sync::Arc;
use std::time::Duration;

use oauth_kit_core::spec::{Profile, ProviderSpec};
use oauth_kit_core::{
    ClientCredentials, DeviceFlow, Error, HttpClient, OAuthErrorBody, OAuthProvider, OAuthUserInfo,
    ProviderContext, SpecProvider, Stage, TokenQuirks,
};
use oauth_kit_testkit::{
    DeviceAnswer, MockBitbucket, MockConfig, MockDevice, MockProvider, MockProviderConfig,
};

fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/uuid")?);
    user.username = profile.str("/username");
    Ok(user)
}

static WITH_DEVICE: ProviderSpec = ProviderSpec {
    id: "devicecli",
    title: "Device CLI",
    env_prefix: "DEVICECLI",
    base_url: Some("https://idp.example"),
    authorization_url: "{base}/site/oauth2/authorize",
    token_url: "{base}/site/oauth2/access_token",
    device_authorization_url: Some("{base}/site/oauth2/device_authorization"),
    api_url: "{base}/2.0",
    user_info_url: "{api}/user",
    token_quirks: TokenQuirks::STRICT.scope_field("scopes"),
    refused_refresh: &[("invalid_request", "refresh_token")],
    map_user,
    ..ProviderSpec::DEFAULT
};

static WITHOUT_EXTRAS: ProviderSpec = ProviderSpec {
    id: "plain",
    title: "Plain",
    env_prefix: "PLAIN",
    authorization_url: "https://idp.example/authorize",
    token_url: "https://idp.example/token",
    user_info_url: "https://idp.example/user",
    ..ProviderSpec::DEFAULT
};

fn provider(mock: &MockBitbucket) -> SpecProvider {
    SpecProvider::builder(
        &WITH_DEVICE,
        mock.client_id(),
        oauth_kit_core::ClientSecret::new(mock.client_secret()),
    )
    .base_url(mock.base_url())
    .build()
    .expect("loopback URLs are accepted")
}

fn http() -> HttpClient {
    HttpClient::new().expect("builds")
}

#[test]
fn a_device_endpoint_in_the_spec_declares_the_device_flow() {
    assert!(WITH_DEVICE.capabilities().device_flow);
    assert!(!WITHOUT_EXTRAS.capabilities().device_flow);
    assert!(!WITHOUT_EXTRAS.capabilities().client_credentials);
}

#[test]
fn a_device_endpoint_override_on_a_spec_without_one_is_refused() {
    let err = SpecProvider::builder(
        &WITHOUT_EXTRAS,
        "id",
        oauth_kit_core::ClientSecret::new("secret"),
    )
    .device_authorization_url("https://idp.example/device")
    .build()
    .expect_err("refused");
    assert!(
        matches!(&err, Error::Config { setting, .. } if setting.contains("device_authorization_url")),
        "{err:?}"
    );
}

#[tokio::test]
async fn the_generic_provider_runs_the_device_flow_and_fetches_the_user() {
    let mock = MockBitbucket::start_with(MockConfig {
        device: MockDevice::default()
            .answers([DeviceAnswer::Approve])
            .interval(Duration::from_secs(1)),
        ..MockConfig::default()
    })
    .await
    .expect("the mock starts");
    let provider = Arc::new(provider(&mock));
    let flow = DeviceFlow::new(provider.clone(), http());
    let authorization = flow.start(&[]).await.expect("started");
    assert_eq!(authorization.interval, Duration::from_secs(1));
    let token = flow.wait(&authorization).await.expect("approved");
    let user = provider.user_info(&http(), &token).await.expect("user");
    assert_eq!(user.provider, "devicecli");
    assert_eq!(user.username.as_deref(), Some("mira-ol"));
    assert_eq!(mock.counters().token_device_code, 1);
}

#[tokio::test]
async fn client_credentials_need_the_capability() {
    let mock = MockBitbucket::start().await.expect("the mock starts");
    let err = provider(&mock)
        .client_credentials(&http(), &[])
        .await
        .expect_err("not declared");
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    assert_eq!(mock.counters().token, 0);
    let cache = ClientCredentials::new(Arc::new(provider(&mock)), http());
    assert!(cache.access_token().await.is_err());
}

#[test]
fn the_spec_decides_which_refresh_errors_mean_log_in_again() {
    let refused = |error: &str, description: &str| {
        let err = Error::OAuth {
            context: ProviderContext::new("devicecli", Stage::Refresh),
            status: 400,
            body: OAuthErrorBody {
                error: error.to_owned(),
                error_description: Some(description.to_owned()),
                error_uri: None,
            },
        };
        let plain = SpecProvider::builder(
            &WITHOUT_EXTRAS,
            "id",
            oauth_kit_core::ClientSecret::new("secret"),
        )
        .build()
        .expect("builds");
        let device = SpecProvider::builder(
            &WITH_DEVICE,
            "id",
            oauth_kit_core::ClientSecret::new("secret"),
        )
        .build()
        .expect("builds");
        (plain.refresh_rejected(&err), device.refresh_rejected(&err))
    };
    assert_eq!(refused("invalid_grant", ""), (true, true));
    assert_eq!(
        refused("invalid_request", "Invalid refresh_token"),
        (false, true)
    );
    assert_eq!(refused("invalid_request", "Missing code"), (false, false));
}

static OPENID_DEVICE: ProviderSpec = ProviderSpec {
    id: "openiddevice",
    title: "OpenID device",
    env_prefix: "OPENIDDEVICE",
    authorization_url: "https://login.example/oauth2/authorize",
    token_url: "https://login.example/oauth2/token",
    device_authorization_url: Some("https://login.example/oauth2/device/code"),
    user_info_url: "https://login.example/userinfo",
    client_auth: oauth_kit_core::ClientAuth::None,
    ..ProviderSpec::DEFAULT
};

#[tokio::test]
async fn a_public_client_spec_logs_in_with_the_device_flow_on_the_generic_mock() {
    let mock = MockProvider::start(
        &OPENID_DEVICE,
        MockProviderConfig::new(
            r#"{"sub": "42", "email": "ada@example.com", "email_verified": true}"#,
        )
        .device(
            MockDevice::default()
                .answers([DeviceAnswer::Approve])
                .interval(Duration::from_secs(1)),
        ),
    )
    .await
    .expect("the mock starts");
    assert_eq!(
        mock.device_authorization_url(),
        Some(format!("{}/oauth2/device/code", mock.base_url()))
    );
    let provider = Arc::new(
        mock.provider_builder()
            .build()
            .expect("pointed at the mock"),
    );
    let flow = DeviceFlow::new(provider.clone(), http());
    let authorization = flow.start(&[]).await.expect("started");
    let token = flow.wait(&authorization).await.expect("approved");
    let user = provider.user_info(&http(), &token).await.expect("user");
    assert_eq!(user.oauth_id, "42");
    assert!(user.email_verified);
    assert_eq!(mock.counters().token_device_code, 1);
}
