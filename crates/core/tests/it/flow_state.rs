//! The "State and CSRF" items of SECURITY.md, through `LoginService::begin` and `complete`,
//! against both the sealed-cookie store and the memory store.
//!
//! Every rejection is checked for its exact error variant, for the cleared flow cookie and for
//! zero token requests.

use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use oauth_kit_core::{CookieKey, Error, LoginService, ProviderRegistry};
use sha2::{Digest, Sha256};

use crate::flow_support::{
    CODE, COOKIE_KEY, ISSUER, Idp, OTHER_COOKIE_KEY, PROVIDER, StoreKind, assert_is_test_user,
    begin, begin_state_and_cookie, config, plain, query, query_param, rejection, rejection_keeping,
    service, service_with, success, tamper, with_iss, with_pkce,
};

/// Runs each named suite function once per store, like tower-sessions' store test-suite macro.
macro_rules! for_each_store {
    ($($test:ident),* $(,)?) => {
        mod cookie_store {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(super::StoreKind::Cookie).await;
                }
            )*
        }
        mod memory_store {
            $(
                #[tokio::test]
                async fn $test() {
                    super::$test(super::StoreKind::Memory).await;
                }
            )*
        }
    };
}

for_each_store!(
    successful_callback_returns_the_user_and_clears_the_cookie,
    callback_without_state_is_rejected,
    callback_with_empty_state_is_rejected,
    callback_with_forged_state_is_rejected,
    callback_without_flow_cookie_is_rejected_as_login_csrf,
    attacker_callback_in_a_browser_with_its_own_flow_is_rejected,
    callback_with_replayed_state_is_rejected,
    callback_after_the_state_ttl_is_rejected,
    callback_for_another_provider_is_rejected,
    callback_for_an_unknown_provider_is_rejected,
    callback_with_duplicated_state_is_rejected,
    callback_with_a_tampered_flow_cookie_is_rejected,
    callback_with_a_truncated_flow_cookie_is_rejected,
    callback_with_a_flow_cookie_from_another_deployment_is_rejected,
    provider_error_redirect_with_valid_state_is_a_denial_without_token_request,
    provider_error_redirect_with_forged_state_is_a_state_mismatch,
    callback_without_iss_is_rejected_when_the_provider_sends_iss,
    callback_with_wrong_iss_is_rejected_when_the_provider_sends_iss,
    callback_with_correct_iss_succeeds_when_the_provider_sends_iss,
    pkce_challenge_in_the_url_matches_the_verifier_sent_to_the_token_endpoint,
    provider_without_pkce_gets_no_challenge_and_no_verifier,
    callback_with_another_state_leaves_the_login_in_progress_intact,
);

async fn callback_with_another_state_leaves_the_login_in_progress_intact(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, None).await;
    // A cross-site link (or another tab's callback) opened in the same browser: the browser
    // sends this login's flow cookie with someone else's state.
    for junk in ["code=junk&state=junk", "error=access_denied&state=junk"] {
        let err = rejection_keeping(service.complete(PROVIDER, junk, Some(&begun.cookie)).await);
        assert!(matches!(err, Error::StateMismatch), "{err:?}");
    }
    for not_matched in ["code=junk", "code=a&state=b&state=c"] {
        rejection_keeping(
            service
                .complete(PROVIDER, not_matched, Some(&begun.cookie))
                .await,
        );
    }
    // The real callback still completes the login.
    let login = success(
        service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await,
    );
    assert_is_test_user(&login, PROVIDER);
    assert_eq!(idp.token_requests().await, 1);
}

async fn successful_callback_returns_the_user_and_clears_the_cookie(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, Some("/repos?page=2")).await;

    let login = success(
        service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await,
    );

    assert_is_test_user(&login, PROVIDER);
    assert_eq!(login.return_to.as_str(), "/repos?page=2");
    assert_eq!(idp.token_requests().await, 1);
}

async fn callback_without_state_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let (_, cookie) = begin_state_and_cookie(&service, PROVIDER).await;

    let err = rejection(
        service
            .complete(PROVIDER, &query(&[("code", CODE)]), Some(&cookie))
            .await,
    );

    assert!(matches!(err, Error::MissingState), "{err:?}");
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_empty_state_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let (_, cookie) = begin_state_and_cookie(&service, PROVIDER).await;

    let err = rejection(
        service
            .complete(
                PROVIDER,
                &query(&[("code", CODE), ("state", "")]),
                Some(&cookie),
            )
            .await,
    );

    assert!(matches!(err, Error::MissingState), "{err:?}");
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_forged_state_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let (state, cookie) = begin_state_and_cookie(&service, PROVIDER).await;
    // Same length and alphabet as a real state, one character different.
    let forged = tamper(&state);

    let err = rejection(
        service
            .complete(
                PROVIDER,
                &query(&[("code", CODE), ("state", &forged)]),
                Some(&cookie),
            )
            .await,
    );

    assert!(matches!(err, Error::StateMismatch), "{err:?}");
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_without_flow_cookie_is_rejected_as_login_csrf(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    // The attacker starts a login in their own browser and stops at the callback: they hold a
    // valid code and state for their own account.
    let attacker = begin(&service, PROVIDER, None).await;

    // The victim's browser opens the attacker's callback URL without any flow cookie.
    let no_cookie = rejection(service.complete(PROVIDER, &attacker.callback(), None).await);
    let empty_cookie = rejection(
        service
            .complete(PROVIDER, &attacker.callback(), Some(""))
            .await,
    );

    assert!(
        matches!(no_cookie, Error::MissingFlowCookie),
        "{no_cookie:?}"
    );
    assert!(
        matches!(empty_cookie, Error::MissingFlowCookie),
        "{empty_cookie:?}"
    );
    assert_eq!(idp.token_requests().await, 0);
}

async fn attacker_callback_in_a_browser_with_its_own_flow_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let attacker = begin(&service, PROVIDER, None).await;
    // The victim has a login of their own in progress.
    let victim = begin(&service, PROVIDER, None).await;

    let err = rejection(
        service
            .complete(PROVIDER, &attacker.callback(), Some(&victim.cookie))
            .await,
    );

    assert!(matches!(err, Error::StateMismatch), "{err:?}");
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_replayed_state_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, None).await;
    success(
        service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await,
    );

    // The same callback URL and the same cookie, once more.
    let err = rejection(
        service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await,
    );

    match store {
        StoreKind::Cookie => assert!(matches!(err, Error::FlowReplayed), "{err:?}"),
        StoreKind::Memory => assert!(matches!(err, Error::InvalidFlowCookie), "{err:?}"),
    }
    assert_eq!(
        idp.token_requests().await,
        1,
        "only the first callback may reach the token endpoint"
    );
}

async fn callback_after_the_state_ttl_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service_with(
        store,
        config().state_ttl(Duration::from_millis(50)),
        vec![idp.provider(PROVIDER, plain())],
    );
    let begun = begin(&service, PROVIDER, None).await;
    tokio::time::sleep(Duration::from_millis(120)).await;

    let err = rejection(
        service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await,
    );

    assert!(matches!(err, Error::StateExpired), "{err:?}");
    assert_eq!(err.code(), "state_expired");
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_for_another_provider_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service_with(
        store,
        config(),
        vec![
            idp.provider("alpha", plain()),
            idp.provider("beta", plain()),
        ],
    );
    let begun = begin(&service, "alpha", None).await;

    let err = rejection(
        service
            .complete("beta", &begun.callback(), Some(&begun.cookie))
            .await,
    );

    assert!(matches!(err, Error::ProviderMismatch), "{err:?}");
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_for_an_unknown_provider_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, None).await;

    let err = rejection(
        service
            .complete("nobody", &begun.callback(), Some(&begun.cookie))
            .await,
    );
    let hostile = rejection(
        service
            .complete("<script>", &begun.callback(), Some(&begun.cookie))
            .await,
    );

    assert!(
        matches!(&err, Error::UnknownProvider { name } if name == "nobody"),
        "{err:?}"
    );
    assert!(
        matches!(&hostile, Error::UnknownProvider { name } if name == "<invalid>"),
        "{hostile:?}"
    );
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_duplicated_state_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let (state, cookie) = begin_state_and_cookie(&service, PROVIDER).await;

    for q in [
        query(&[("code", CODE), ("state", "a"), ("state", "b")]),
        query(&[("code", CODE), ("state", &state), ("state", &state)]),
        query(&[("code", CODE), ("state", ""), ("state", &state)]),
        query(&[("code", CODE), ("code", "other"), ("state", &state)]),
    ] {
        let err = rejection(service.complete(PROVIDER, &q, Some(&cookie)).await);
        assert!(
            matches!(err, Error::MalformedCallback { .. }),
            "{q}: {err:?}"
        );
    }
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_a_tampered_flow_cookie_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, None).await;
    let tampered = tamper(&begun.cookie);
    assert_ne!(tampered, begun.cookie);

    let err = rejection(
        service
            .complete(PROVIDER, &begun.callback(), Some(&tampered))
            .await,
    );

    assert!(matches!(err, Error::InvalidFlowCookie), "{err:?}");
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_a_truncated_flow_cookie_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, None).await;

    for cut in [begun.cookie.len() - 1, begun.cookie.len() / 2, 1] {
        let truncated = &begun.cookie[..cut];
        let err = rejection(
            service
                .complete(PROVIDER, &begun.callback(), Some(truncated))
                .await,
        );
        assert!(
            matches!(err, Error::InvalidFlowCookie),
            "cut at {cut}: {err:?}"
        );
    }
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_a_flow_cookie_from_another_deployment_is_rejected(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    // The same provider behind another deployment: another cookie key, or another memory.
    let other = match store {
        StoreKind::Cookie => {
            let mut registry = ProviderRegistry::new();
            registry.register(idp.provider(PROVIDER, plain())).unwrap();
            let other_config = config()
                .cookie_key(CookieKey::new(OTHER_COOKIE_KEY).unwrap())
                .build()
                .unwrap();
            assert_ne!(OTHER_COOKIE_KEY, COOKIE_KEY);
            LoginService::new(registry, other_config).unwrap()
        }
        StoreKind::Memory => crate::flow_support::service(&idp, StoreKind::Memory, plain()),
    };
    let foreign = begin(&other, PROVIDER, None).await;

    let err = rejection(
        service
            .complete(PROVIDER, &foreign.callback(), Some(&foreign.cookie))
            .await,
    );

    assert!(matches!(err, Error::InvalidFlowCookie), "{err:?}");
    assert_eq!(idp.token_requests().await, 0);
}

async fn provider_error_redirect_with_valid_state_is_a_denial_without_token_request(
    store: StoreKind,
) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let (state, cookie) = begin_state_and_cookie(&service, PROVIDER).await;
    let description = "<script>alert('pwned')</script> The user denied access & left";

    let err = rejection(
        service
            .complete(
                PROVIDER,
                &query(&[
                    ("error", "access_denied"),
                    ("error_description", description),
                    ("state", &state),
                ]),
                Some(&cookie),
            )
            .await,
    );

    match &err {
        Error::AuthorizationDenied {
            error,
            description: Some(kept),
        } => {
            assert_eq!(error, "access_denied");
            // Kept verbatim as data; rendering is the adapter's job (escaped or not at all).
            assert_eq!(kept, description);
        }
        other => panic!("expected AuthorizationDenied with a description, got {other:?}"),
    }
    assert_eq!(err.code(), "access_denied");
    assert!(
        !err.to_string().contains('<'),
        "Display shows the description: {err}"
    );
    assert_eq!(idp.token_requests().await, 0);
}

async fn provider_error_redirect_with_forged_state_is_a_state_mismatch(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let (state, cookie) = begin_state_and_cookie(&service, PROVIDER).await;

    let err = rejection(
        service
            .complete(
                PROVIDER,
                &query(&[
                    ("error", "access_denied"),
                    ("error_description", "<b>denied</b>"),
                    ("state", &tamper(&state)),
                ]),
                Some(&cookie),
            )
            .await,
    );

    assert!(matches!(err, Error::StateMismatch), "{err:?}");
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_without_iss_is_rejected_when_the_provider_sends_iss(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, with_iss());

    // No `iss` at all, then an empty one (which counts as missing).
    for iss in [None, Some("")] {
        let begun = begin(&service, PROVIDER, None).await;
        let mut pairs = vec![("code", CODE), ("state", begun.state.as_str())];
        pairs.extend(iss.map(|i| ("iss", i)));
        let err = rejection(
            service
                .complete(PROVIDER, &query(&pairs), Some(&begun.cookie))
                .await,
        );
        assert!(
            matches!(err, Error::IssuerMismatch),
            "iss = {iss:?}: {err:?}"
        );
    }
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_wrong_iss_is_rejected_when_the_provider_sends_iss(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, with_iss());

    for wrong in [
        "https://evil.example",
        "https://idp.example/",
        "https://idp.example.evil",
        "HTTPS://IDP.EXAMPLE",
    ] {
        let begun = begin(&service, PROVIDER, None).await;
        let q = query(&[("code", CODE), ("state", &begun.state), ("iss", wrong)]);
        let err = rejection(service.complete(PROVIDER, &q, Some(&begun.cookie)).await);
        assert!(matches!(err, Error::IssuerMismatch), "{wrong}: {err:?}");
    }
    assert_eq!(idp.token_requests().await, 0);
}

async fn callback_with_correct_iss_succeeds_when_the_provider_sends_iss(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, with_iss());
    let begun = begin(&service, PROVIDER, None).await;
    let q = query(&[("code", CODE), ("state", &begun.state), ("iss", ISSUER)]);

    let login = success(service.complete(PROVIDER, &q, Some(&begun.cookie)).await);

    assert_is_test_user(&login, PROVIDER);
    assert_eq!(idp.token_requests().await, 1);
}

async fn pkce_challenge_in_the_url_matches_the_verifier_sent_to_the_token_endpoint(
    store: StoreKind,
) {
    let idp = Idp::start().await;
    let service = service(&idp, store, with_pkce());
    let begun = begin(&service, PROVIDER, None).await;

    let challenge = query_param(&begun.url, "code_challenge").expect("a code_challenge");
    assert_eq!(
        query_param(&begun.url, "code_challenge_method").as_deref(),
        Some("S256")
    );
    assert_eq!(query_param(&begun.url, "code_verifier"), None);
    assert_eq!(challenge.len(), 43, "a base64url SHA-256 digest");

    success(
        service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await,
    );

    let bodies = idp.token_request_bodies().await;
    assert_eq!(bodies.len(), 1);
    let form: Vec<(String, String)> = url::form_urlencoded::parse(bodies[0].as_bytes())
        .into_owned()
        .collect();
    let verifier = form
        .iter()
        .find(|(k, _)| k == "code_verifier")
        .map(|(_, v)| v.clone())
        .expect("the token request carries a code_verifier");
    assert!(
        (43..=128).contains(&verifier.len()),
        "RFC 7636 length: {}",
        verifier.len()
    );
    assert!(
        !begun.url.as_str().contains(&verifier),
        "the verifier leaked into the URL"
    );
    assert_eq!(
        URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes())),
        challenge
    );
    assert!(form.contains(&("code".to_owned(), CODE.to_owned())));
    assert!(form.contains(&("grant_type".to_owned(), "authorization_code".to_owned())));
}

async fn provider_without_pkce_gets_no_challenge_and_no_verifier(store: StoreKind) {
    let idp = Idp::start().await;
    let service = service(&idp, store, plain());
    let begun = begin(&service, PROVIDER, None).await;

    assert_eq!(query_param(&begun.url, "code_challenge"), None);
    assert_eq!(query_param(&begun.url, "code_challenge_method"), None);

    success(
        service
            .complete(PROVIDER, &begun.callback(), Some(&begun.cookie))
            .await,
    );
    let bodies = idp.token_request_bodies().await;
    assert_eq!(bodies.len(), 1);
    assert!(!bodies[0].contains("code_verifier"), "{}", bodies[0]);
}
