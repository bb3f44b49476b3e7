//! Roblox's own cases: the claims mapping (`sub`, never the changeable names; a null
//! picture), the issuer's trailing slash compared byte for byte, single-use refresh tokens,
//! revocation of the refresh token, and the conformance suite against the testkit's mock
//! issuer.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{
    ClientSecret, Error, HttpClient, LoginContext, OAuthProvider, Revocation, SpecProvider,
};
use oauth_kit_roblox::{RobloxProvider, SPEC};
use oauth_kit_testkit::{MockProvider, MockProviderConfig, RefreshTokens, map_fixture};
use serde_json::{Value, json};

fn userinfo() -> Value {
    serde_json::from_str(include_str!("fixtures/userinfo.json")).unwrap()
}

/// A mock of Roblox (its discovery, ES256 ID tokens, single-use refresh tokens) and a
/// provider pointed at it, with discovery done.
async fn roblox() -> (MockProvider, SpecProvider, HttpClient) {
    let mock = MockProvider::start(&SPEC, MockProviderConfig::sample(&SPEC))
        .await
        .unwrap();
    mock.set_refresh_tokens(RefreshTokens::Rotate);
    let provider = mock.provider_builder().build().unwrap();
    let http = HttpClient::new().unwrap();
    provider.prepare(&http).await.unwrap();
    (mock, provider, http)
}

#[test]
fn a_roblox_user_maps_with_its_numeric_id_not_its_names() {
    let user = map_fixture(&SPEC, &userinfo()).unwrap();
    assert_eq!(user.oauth_id, "2847193650");
    assert_eq!(user.username.as_deref(), Some("pixel_pilot_07"));
    assert_eq!(user.first_name.as_deref(), Some("PixelPilot"));
    assert_eq!(
        user.profile_url.as_deref(),
        Some("https://www.roblox.com/users/2847193650/profile")
    );
    assert!(user.avatar_url.is_some());
    assert_eq!((user.email, user.email_verified), (None, false));
}

#[test]
fn a_null_picture_and_the_bare_openid_scope_map_to_none() {
    let mut raw = userinfo();
    raw["picture"] = Value::Null;
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().avatar_url, None);
    // Without `profile`, Roblox sends only `sub`.
    let user = map_fixture(&SPEC, &json!({"sub": "2847193650"})).unwrap();
    assert_eq!(
        (user.oauth_id.as_str(), user.username),
        ("2847193650", None)
    );
}

#[test]
fn the_issuer_keeps_its_trailing_slash() {
    let roblox = RobloxProvider::new("7290610391140855227", ClientSecret::new("s")).unwrap();
    assert_eq!(roblox.issuer(), Some("https://apis.roblox.com/oauth/"));
}

#[tokio::test]
async fn an_issuer_without_the_trailing_slash_is_refused() {
    let (mock, _, http) = roblox().await;
    let issuer = mock.issuer().unwrap();
    assert!(issuer.ends_with("/oauth/"), "{issuer}");
    // The discovery document names the issuer with its slash: configured without it, the
    // byte-for-byte comparison fails before any login.
    let provider = mock
        .provider_builder()
        .issuer(issuer.trim_end_matches('/'))
        .build()
        .unwrap();
    let err = provider.prepare(&http).await.unwrap_err();
    assert!(err.to_string().contains("issuer"), "{err}");
}

#[tokio::test]
async fn a_login_validates_the_es256_id_token_against_the_slashed_issuer() {
    let (mock, provider, http) = roblox().await;
    let token = mock.log_in(&provider, &http).await.unwrap();
    let user = provider
        .login_user(&http, &token, &LoginContext::new())
        .await
        .unwrap();
    assert_eq!(user.oauth_id, "2847193650");
    assert_eq!(user.raw_data["iss"], json!(mock.issuer().unwrap()));
}

#[tokio::test]
async fn refresh_tokens_are_single_use() {
    let (mock, provider, http) = roblox().await;
    let token = mock.log_in(&provider, &http).await.unwrap();
    let first = token.refresh_token.clone().unwrap();
    let refreshed = provider.refresh(&http, &first).await.unwrap();
    let second = refreshed.refresh_token.clone().unwrap();
    assert_ne!(second.secret(), first.secret());
    // The used refresh token is dead: the application must keep the new one.
    let err = provider.refresh(&http, &first).await.unwrap_err();
    assert!(provider.refresh_rejected(&err), "{err:?}");
    assert!(provider.refresh(&http, &second).await.is_ok());
}

#[tokio::test]
async fn revocation_sends_the_refresh_token() {
    let (mock, provider, http) = roblox().await;
    let token = mock.log_in(&provider, &http).await.unwrap();
    assert_eq!(
        provider.revoke(&http, &token).await.unwrap(),
        Revocation::Revoked
    );
    assert_eq!(mock.counters().revoke, 1);
    // The refresh token is gone; the access token was not what was sent.
    let err = provider
        .refresh(&http, token.refresh_token.as_ref().unwrap())
        .await
        .unwrap_err();
    assert!(provider.refresh_rejected(&err), "{err:?}");
    assert!(provider.user_info(&http, &token).await.is_ok());
    // A token without a refresh token cannot be revoked at Roblox: no request.
    let mut bare = token.clone();
    bare.refresh_token = None;
    let err = provider.revoke(&http, &bare).await.unwrap_err();
    assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
    assert_eq!(mock.counters().revoke, 1);
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_roblox::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/userinfo.json"),
        r#"{"sub": "2847193650"}"#,
    ),
}
