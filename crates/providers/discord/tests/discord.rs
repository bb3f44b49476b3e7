//! Discord's own cases: the snowflake id, `verified` as the email flag, the display name, the
//! avatar built from the id and the hash, HTTP Basic at the token endpoint, RFC 7009
//! revocation, and the endpoint variables.

#![allow(clippy::unwrap_used)]

use oauth_kit_core::{
    AuthorizationCode, HttpClient, OAuthProvider, PkceVerifier, RefreshToken, Revocation,
};
use oauth_kit_discord::{DiscordProvider, SPEC};
use oauth_kit_testkit::{env_lookup, fixture, map_fixture};
use serde_json::json;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CLIENT_ID: &str = "1187432095561204321";
const CLIENT_SECRET: &str = "lT5pW2xR8mQ1vN7cK4sB0yH6dF3gJ9aE";
const BASIC: &str =
    "Basic MTE4NzQzMjA5NTU2MTIwNDMyMTpsVDVwVzJ4UjhtUTF2TjdjSzRzQjB5SDZkRjNnSjlhRQ==";
const REDIRECT_URI: &str = "http://localhost:8000/auth/discord/callback";

/// The provider with every endpoint on `server`, from the environment: the token and
/// revocation endpoints follow `DISCORD_API_URL`.
fn provider(server: &MockServer) -> DiscordProvider {
    let base = server.uri();
    DiscordProvider::from_lookup(env_lookup([
        ("DISCORD_CLIENT_ID", CLIENT_ID.to_owned()),
        ("DISCORD_CLIENT_SECRET", CLIENT_SECRET.to_owned()),
        ("DISCORD_AUTHORIZE_URL", format!("{base}/oauth2/authorize")),
        ("DISCORD_API_URL", format!("{base}/api/v10")),
    ]))
    .unwrap()
}

#[test]
fn a_migrated_user_maps_with_display_name_and_cdn_avatar() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "80351110224678912");
    assert_eq!(user.username.as_deref(), Some("nelly"));
    assert_eq!(user.first_name.as_deref(), Some("Nelly"));
    assert_eq!(user.last_name.as_deref(), Some("Okafor"));
    assert_eq!(user.email.as_deref(), Some("nelly@example.com"));
    assert!(user.email_verified);
    assert_eq!(
        user.avatar_url.as_deref(),
        Some(
            "https://cdn.discordapp.com/avatars/80351110224678912/8342729096ea3675442027381ff50dfe.png"
        )
    );
    assert_eq!(user.profile_url, None);
}

#[test]
fn an_unverified_address_without_avatar_or_display_name() {
    let user = map_fixture(&SPEC, &fixture!("user_legacy.json")).unwrap();
    assert_eq!(user.email.as_deref(), Some("hyperion@example.net"));
    assert!(!user.email_verified);
    assert_eq!(user.avatar_url, None);
    assert_eq!(user.first_name.as_deref(), Some("hyperion"));
    assert_eq!(user.last_name, None);
}

#[test]
fn without_the_email_scope_there_is_no_address_to_verify() {
    let user = map_fixture(&SPEC, &fixture!("user_identify_only.json")).unwrap();
    assert_eq!((user.email, user.email_verified), (None, false));
    assert_eq!(
        user.avatar_url.as_deref(),
        Some(
            "https://cdn.discordapp.com/avatars/93485761234567890/a_1269e74af4df7417b13759eae50c83dc.png"
        )
    );
    // `verified` without an address verifies nothing.
    let mut raw = fixture!("user_identify_only.json");
    raw["verified"] = json!(true);
    assert!(!map_fixture(&SPEC, &raw).unwrap().email_verified);
}

#[test]
fn avatar_hashes_that_are_not_plain_are_not_put_in_a_url() {
    let mut raw = fixture!("user.json");
    raw["avatar"] = json!("../../evil?x=1");
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().avatar_url, None);
    let mut raw = fixture!("user.json");
    raw["id"] = json!("80351110224678912/../x");
    assert_eq!(map_fixture(&SPEC, &raw).unwrap().avatar_url, None);
}

#[test]
fn a_user_without_an_id_is_rejected() {
    for bad in [
        json!({"username": "x"}),
        json!({"id": ""}),
        json!({"id": []}),
    ] {
        assert!(map_fixture(&SPEC, &bad).is_err(), "{bad}");
    }
}

#[tokio::test]
async fn a_login_uses_basic_auth_and_no_pkce() {
    let server = MockServer::start().await;
    let token = fixture!("token.json");
    Mock::given(method("POST"))
        .and(path("/api/v10/oauth2/token"))
        .and(header("authorization", BASIC))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .and(body_string_contains("grant_type=authorization_code"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v10/users/@me"))
        .and(header(
            "authorization",
            "Bearer 6qrZcUqja7812RVdnEKjpzOL4CvHBFG",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("user.json")))
        .expect(1)
        .mount(&server)
        .await;
    let discord = provider(&server);
    let http = HttpClient::new().unwrap();
    // A verifier passed in is not sent: Discord's confidential clients have no PKCE.
    let verifier = PkceVerifier::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").unwrap();
    let token = discord
        .exchange_code(
            &http,
            &AuthorizationCode::new("c0de"),
            REDIRECT_URI,
            Some(&verifier),
        )
        .await
        .unwrap();
    assert_eq!(token.scopes, ["identify", "email"]);
    let user = discord.user_info(&http, &token).await.unwrap();
    assert_eq!(user.provider, "discord");
    assert!(user.email_verified);
    let requests = server.received_requests().await.unwrap();
    let form = String::from_utf8(requests[0].body.clone()).unwrap();
    assert!(
        !form.contains("code_verifier") && !form.contains("client_secret"),
        "{form}"
    );
    server.verify().await;
}

#[tokio::test]
async fn refresh_and_revocation_use_the_token_endpoints_with_basic_auth() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v10/oauth2/token"))
        .and(header("authorization", BASIC))
        .and(body_string_contains("grant_type=refresh_token"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture!("token.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/api/v10/oauth2/token/revoke"))
        .and(header("authorization", BASIC))
        .and(body_string_contains(
            "token=6qrZcUqja7812RVdnEKjpzOL4CvHBFG",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({})))
        .expect(1)
        .mount(&server)
        .await;
    let discord = provider(&server);
    let http = HttpClient::new().unwrap();
    let token = discord
        .refresh(
            &http,
            &RefreshToken::new("D43f5y0ahjqew82jZ4NViEr2YafMKhue"),
        )
        .await
        .unwrap();
    assert_eq!(token.expires_in.map(|d| d.as_secs()), Some(604_800));
    assert_eq!(
        discord.revoke(&http, &token).await.unwrap(),
        Revocation::Revoked
    );
    server.verify().await;
}

#[tokio::test]
async fn an_invalid_code_is_discord_s_invalid_grant() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v10/oauth2/token"))
        .respond_with(
            ResponseTemplate::new(400).set_body_json(fixture!("token_error_invalid_grant.json")),
        )
        .mount(&server)
        .await;
    let http = HttpClient::new().unwrap();
    let err = provider(&server)
        .exchange_code(&http, &AuthorizationCode::new("used"), REDIRECT_URI, None)
        .await
        .unwrap_err();
    assert_eq!(
        err.oauth_error().map(|b| b.error.as_str()),
        Some("invalid_grant")
    );
}

#[test]
fn the_default_endpoints_are_discord_s_versioned_api() {
    let discord =
        DiscordProvider::new(CLIENT_ID, oauth_kit_core::ClientSecret::new(CLIENT_SECRET)).unwrap();
    assert_eq!(
        discord.authorization_endpoint().as_str(),
        "https://discord.com/oauth2/authorize"
    );
    assert_eq!(
        discord.token_url().as_str(),
        "https://discord.com/api/v10/oauth2/token"
    );
    assert_eq!(
        discord.oauth2().revocation_url().map(|u| u.as_str()),
        Some("https://discord.com/api/v10/oauth2/token/revoke")
    );
}

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_discord::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        r#"{"id": "80351110224678912", "avatar": null, "global_name": null}"#,
    )
    .error(401, include_str!("fixtures/error_401.json")),
}
