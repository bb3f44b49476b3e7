//! The authorization URL and the capabilities the login flow reads.

use oauth_kit_bitbucket::{BitbucketProvider, BitbucketScope};
use oauth_kit_core::{
    AuthorizationRequest, AuthorizeOptions, Capabilities, ClientSecret, CsrfState, Nonce,
    OAuthProvider, PkceVerifier,
};

use crate::common::REDIRECT_URI;

fn provider() -> BitbucketProvider {
    BitbucketProvider::new("bbClientKey123", ClientSecret::new("bbClientSecret456")).unwrap()
}

fn pairs(url: &url::Url) -> Vec<(String, String)> {
    url.query_pairs().into_owned().collect()
}

#[test]
fn authorization_url_for_bitbucket_org_matches_the_snapshot() {
    let state = CsrfState::generate().unwrap();
    let options = AuthorizeOptions::default();
    let url = provider()
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &options))
        .unwrap();

    assert!(pairs(&url).contains(&("state".to_owned(), state.secret().to_owned())));
    insta::with_settings!({ filters => vec![(r"state=[A-Za-z0-9_-]+", "state=[state]")] }, {
        insta::assert_snapshot!(url.as_str());
    });
}

#[test]
fn authorization_url_never_carries_pkce_or_a_nonce() {
    let state = CsrfState::new("s");
    let verifier = PkceVerifier::generate().unwrap();
    let challenge = verifier.challenge();
    let nonce = Nonce::generate().unwrap();
    let options = AuthorizeOptions::default();
    let request = AuthorizationRequest::new(REDIRECT_URI, &state, &options)
        .with_pkce(&challenge)
        .with_nonce(&nonce);

    let url = provider().authorization_url(&request).unwrap();

    for (name, _) in pairs(&url) {
        assert!(
            !["code_challenge", "code_challenge_method", "nonce"].contains(&name.as_str()),
            "{url}"
        );
    }
}

#[test]
fn configured_and_extra_scopes_are_sent_space_separated() {
    let provider = BitbucketProvider::builder("k", ClientSecret::new("s"))
        .scopes([BitbucketScope::Account, BitbucketScope::PullRequest])
        .build()
        .unwrap();
    let state = CsrfState::new("s");
    let options = AuthorizeOptions::default()
        .scope("webhook")
        .scope("account");

    let url = provider
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &options))
        .unwrap();

    assert!(pairs(&url).contains(&("scope".to_owned(), "account pullrequest webhook".to_owned())));
}

#[test]
fn empty_scope_list_sends_no_scope_parameter() {
    let provider = BitbucketProvider::builder("k", ClientSecret::new("s"))
        .scopes::<BitbucketScope>([])
        .build()
        .unwrap();
    let state = CsrfState::new("s");
    let options = AuthorizeOptions::default();

    let url = provider
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &options))
        .unwrap();

    assert!(pairs(&url).iter().all(|(k, _)| k != "scope"), "{url}");
}

#[test]
fn authorize_url_override_is_used() {
    let provider = BitbucketProvider::builder("k", ClientSecret::new("s"))
        .authorize_url("http://127.0.0.1:8011/site/oauth2/authorize")
        .build()
        .unwrap();
    let state = CsrfState::new("s");
    let options = AuthorizeOptions::default();

    let url = provider
        .authorization_url(&AuthorizationRequest::new(REDIRECT_URI, &state, &options))
        .unwrap();

    assert!(
        url.as_str()
            .starts_with("http://127.0.0.1:8011/site/oauth2/authorize?")
    );
}

#[test]
fn capabilities_declare_refresh_and_client_credentials_only() {
    let provider = provider();
    assert_eq!(
        provider.capabilities(),
        Capabilities::NONE.refresh(true).client_credentials(true)
    );
    assert!(!provider.capabilities().device_flow);
    assert!(!provider.capabilities().pkce);
    assert_eq!(provider.name(), "bitbucket");
    assert_eq!(provider.default_scopes(), ["account", "email"]);
    assert_eq!(provider.issuer(), None);
}
