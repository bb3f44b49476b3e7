//! HubSpot's own cases: the access-token metadata read with the token in the URL's path (and
//! no `Authorization` header), the integer `user_id`, `user` as an unverified email, the
//! portal in `raw_data`, the echoed token left out of it, and HubSpot's error envelope.

#![allow(clippy::unwrap_used)]

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_hubspot::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("fixtures/user.json"),
        include_str!("fixtures/user_minimal.json"),
    )
    .error(401, include_str!("fixtures/error_401.json")),
}

use oauth_kit_core::{Error, OAuthProvider};
use oauth_kit_hubspot::{HubSpotProvider, SPEC};
use oauth_kit_testkit::conformance::run;
use oauth_kit_testkit::{Endpoint, Fault, MockProviderConfig, fixture, map_fixture, start_mock};
use serde_json::json;

#[test]
fn the_metadata_maps_its_integer_user_id_and_user_as_an_unverified_email() {
    let user = map_fixture(&SPEC, &fixture!("user.json")).unwrap();
    assert_eq!(user.oauth_id, "61039287");
    assert_eq!(user.email.as_deref(), Some("jonas.berg@example.se"));
    assert!(!user.email_verified);
    assert_eq!(user.full_name(), None);
    assert_eq!((user.username, user.avatar_url), (None, None));
    // A user id beyond 2^53 is written out exactly.
    let big = map_fixture(&SPEC, &json!({"user_id": 9_007_199_254_740_993_u64})).unwrap();
    assert_eq!(big.oauth_id, "9007199254740993");
    assert!(map_fixture(&SPEC, &json!({"user": "a@example.com", "hub_id": 1})).is_err());
}

#[test]
fn the_token_travels_in_the_path_and_its_echo_stays_out_of_raw_data() {
    run(async {
        let (mock, hubspot, http) = start_mock(
            &SPEC,
            MockProviderConfig::new(include_str!("fixtures/user.json")),
            HubSpotProvider::from_lookup,
        )
        .await;
        let token = mock.log_in(&hubspot, &http).await.unwrap();
        assert_eq!(mock.counters().last_client_auth, Some("client_secret_post"));
        // The mock serves the metadata only at /oauth/v1/access-tokens/{the issued token}.
        let user = hubspot.user_info(&http, &token).await.unwrap();
        assert_eq!(user.oauth_id, "61039287");
        assert_eq!(user.raw_data["hub_id"], 48_213_397);
        assert_eq!(mock.counters().user, 1);

        // HubSpot echoes the token in `token`: it never reaches raw_data.
        let echoed = json!({"token": token.access_token.secret(), "user_id": 61039287});
        mock.set_user(echoed.to_string());
        let user = hubspot.user_info(&http, &token).await.unwrap();
        assert!(user.raw_data.get("token").is_none());

        // An error answer carries HubSpot's message, and neither the URL nor the token.
        mock.set_fault(Endpoint::User, Fault::Status(401));
        let error = hubspot.user_info(&http, &token).await.unwrap_err();
        assert!(
            matches!(error, Error::HttpStatus { status: 401, .. }),
            "{error:?}"
        );
        for shown in [
            error.to_string(),
            format!("{error:?}"),
            format!("{hubspot:?}"),
        ] {
            assert!(!shown.contains(token.access_token.secret()), "{shown}");
        }
    });
}
