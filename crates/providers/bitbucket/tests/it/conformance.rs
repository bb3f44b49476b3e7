//! The oauth-kit provider conformance suite over Bitbucket's spec and recorded-shape fixtures,
//! against the testkit's generic mock identity provider.

oauth_kit_testkit::provider_conformance! {
    spec: oauth_kit_bitbucket::SPEC,
    fixtures: oauth_kit_testkit::conformance::Fixtures::new(
        include_str!("../fixtures/user.json"),
        include_str!("../fixtures/user_minimal.json"),
    )
    .endpoint("emails", include_str!("../fixtures/emails_primary_first.json"))
    .minimal_endpoint("emails", include_str!("../fixtures/emails_empty.json"))
    .error(401, include_str!("../fixtures/error_401_expired.json"))
    .error(403, include_str!("../fixtures/error_403_user_scope.json"))
    .error(429, include_str!("../fixtures/error_429.json")),
}
