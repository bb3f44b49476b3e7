//! A spec's email list (`ProviderSpec::email_source`): pagination on the API's origin only, the
//! page cap, the statuses that refuse the list, the choice of address, and bodies of the wrong
//! shape.

use oauth_kit_core::spec::{EmailSource, Profile, ProviderSpec, RefusalScopes};
use oauth_kit_core::{
    AccessToken, ClientSecret, Error, HttpClient, HttpResponse, OAuthProvider, OAuthToken,
    OAuthUserInfo, SpecProvider, Stage,
};
use oauth_kit_testkit::LogCapture;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const ACCESS_TOKEN: &str = "email-list-access-token";
const EMAILS_PATH: &str = "/api/user/emails";

fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
    let mut user = profile.user(profile.id("/id")?);
    user.email = profile.str("/email");
    Ok(user)
}

/// The scopes a refusal reports in headers, as GitHub sends them.
fn header_scopes(response: &HttpResponse) -> RefusalScopes {
    let header = |name: &str| {
        response
            .headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    RefusalScopes {
        granted: header("x-oauth-scopes"),
        required: header("x-accepted-oauth-scopes"),
    }
}

/// A paginated list in a `values` member, like Bitbucket's, with a small page cap.
static PAGED: ProviderSpec = ProviderSpec {
    id: "paged",
    title: "Paged",
    env_prefix: "PAGED",
    authorization_url: "https://paged.example/authorize",
    token_url: "https://paged.example/token",
    api_url: "https://api.paged.example/api",
    user_info_url: "{api}/user",
    extra_endpoints: &[("mail", "{api}/user/emails")],
    map_user,
    email_source: Some(EmailSource {
        endpoint: "mail",
        list: "/data/values",
        address: "address",
        primary: "is_primary",
        verified: "is_confirmed",
        next: Some("/links/next"),
        max_pages: 3,
        refused: &[403, 404],
        permission: "Email: Read",
        hints: &[(429, "the mail list is rate limited; retry in an hour")],
        refusal_scopes: Some(header_scopes),
    }),
    ..ProviderSpec::DEFAULT
};

/// A top-level array of one page, like GitHub's.
static LISTED: ProviderSpec = ProviderSpec {
    id: "listed",
    title: "Listed",
    env_prefix: "LISTED",
    authorization_url: "https://listed.example/authorize",
    token_url: "https://listed.example/token",
    api_url: "https://api.listed.example/api",
    user_info_url: "{api}/user",
    extra_endpoints: &[("emails", "{api}/user/emails")],
    map_user,
    email_source: Some(EmailSource {
        permission: "user:email",
        ..EmailSource::DEFAULT
    }),
    ..ProviderSpec::DEFAULT
};

async fn server_with_user() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/user"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": 7, "email": "public@example.org"})),
        )
        .mount(&server)
        .await;
    server
}

async fn user_info(
    spec: &'static ProviderSpec,
    server: &MockServer,
) -> Result<OAuthUserInfo, Error> {
    let provider = SpecProvider::builder(spec, "client", ClientSecret::new("secret"))
        .api_url(format!("{}/api", server.uri()))
        .build()
        .unwrap();
    provider
        .user_info(
            &HttpClient::new().unwrap(),
            &OAuthToken::bearer(AccessToken::new(ACCESS_TOKEN)),
        )
        .await
}

/// A page of the paged list.
fn page(values: Value, next: Option<String>) -> Value {
    json!({"data": {"values": values}, "links": {"next": next}})
}

fn entry(address: &str, primary: bool, confirmed: bool) -> Value {
    json!({"address": address, "is_primary": primary, "is_confirmed": confirmed})
}

async fn serve(server: &MockServer, body: Value, expected: u64) {
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .expect(expected)
        .mount(server)
        .await;
}

fn invalid_reason(result: Result<OAuthUserInfo, Error>) -> String {
    match result {
        Err(Error::InvalidResponse {
            context, reason, ..
        }) => {
            assert_eq!(context.stage, Stage::UserInfo);
            reason
        }
        other => panic!("expected Error::InvalidResponse, got {other:?}"),
    }
}

#[tokio::test]
async fn pages_are_followed_until_one_has_the_primary_address() {
    let server = server_with_user().await;
    let page2 = format!("{}{EMAILS_PATH}?page=2", server.uri());
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            json!([entry("old@example.org", false, true)]),
            // A relative link resolves against the page read.
            Some("?page=2".to_owned()),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .and(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(
            json!([entry("mira@example.com", true, true)]),
            Some(format!("{page2}&after=primary")),
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .and(query_param("after", "primary"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;

    let user = user_info(&PAGED, &server).await.unwrap();

    assert_eq!(user.email.as_deref(), Some("mira@example.com"));
    assert!(user.email_verified);
    server.verify().await;
}

#[tokio::test]
async fn next_links_off_the_api_origin_or_off_http_are_refused_without_a_request() {
    let server = server_with_user().await;
    let foreign = MockServer::start().await;
    let api_port = url::Url::parse(&server.uri()).unwrap().port().unwrap();
    for next in [
        format!("{}{EMAILS_PATH}?page=2", foreign.uri()),
        format!("https://127.0.0.1:{api_port}{EMAILS_PATH}?page=2"),
        format!("blob:{}{EMAILS_PATH}?page=2", server.uri()),
        "data:text/plain,x".to_owned(),
        "//evil.example/steal".to_owned(),
    ] {
        server.reset().await;
        Mock::given(method("GET"))
            .and(path("/api/user"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": 7})))
            .mount(&server)
            .await;
        serve(&server, page(json!([]), Some(next.clone())), 1).await;

        let reason = invalid_reason(user_info(&PAGED, &server).await);

        assert!(reason.contains("another origin"), "{next}: {reason}");
        server.verify().await;
    }
    assert!(
        foreign.received_requests().await.unwrap().is_empty(),
        "the token went to another host"
    );
}

/// Every page has one address that is not primary and a link to the following page.
struct Endless;

impl Respond for Endless {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let page: u64 = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "page")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(1);
        ResponseTemplate::new(200).set_body_json(page_json(page))
    }
}

fn page_json(n: u64) -> Value {
    page(
        json!([entry(&format!("p{n}@example.org"), false, false)]),
        Some(format!("?page={}", n + 1)),
    )
}

#[tokio::test]
async fn a_list_with_a_next_link_after_the_page_cap_is_an_error() {
    let server = server_with_user().await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(Endless)
        .expect(3)
        .mount(&server)
        .await;

    let reason = invalid_reason(user_info(&PAGED, &server).await);

    assert_eq!(
        reason,
        "the email list still had a `next` link after 3 pages"
    );
    server.verify().await;
}

#[tokio::test]
async fn refusal_statuses_keep_the_mapped_user_and_warn_naming_the_permission() {
    for status in [403, 404] {
        let server = server_with_user().await;
        Mock::given(method("GET"))
            .and(path(EMAILS_PATH))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("x-oauth-scopes", "account")
                    .insert_header("x-accepted-oauth-scopes", "email")
                    .set_body_json(json!({"message": "Forbidden"})),
            )
            .expect(1)
            .mount(&server)
            .await;
        let (logs, guard) = LogCapture::capture();

        let user = user_info(&PAGED, &server).await.unwrap();

        drop(guard);
        assert_eq!(user.oauth_id, "7");
        assert_eq!(user.email.as_deref(), Some("public@example.org"));
        assert!(!user.email_verified);
        let logs = logs.text();
        let warning = logs
            .lines()
            .find(|line| line.contains("WARN") && line.contains(EMAILS_PATH))
            .unwrap_or_else(|| panic!("no warning in:\n{logs}"));
        assert!(warning.contains("\"Email: Read\""), "{warning}");
        assert!(warning.contains("PAGED_SCOPE"), "{warning}");
        assert!(warning.contains("granted=\"account\""), "{warning}");
        assert!(warning.contains("required=\"email\""), "{warning}");
        assert!(warning.contains(&format!("status={status}")), "{warning}");
        assert!(!logs.contains(ACCESS_TOKEN), "{logs}");
    }
}

#[tokio::test]
async fn a_refusal_without_a_scopes_hook_warns_without_scopes() {
    let server = server_with_user().await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;
    let (logs, guard) = LogCapture::capture();

    let user = user_info(&LISTED, &server).await.unwrap();

    drop(guard);
    assert_eq!(user.email.as_deref(), Some("public@example.org"));
    assert!(!user.email_verified);
    let logs = logs.text();
    assert!(logs.contains("\"user:email\""), "{logs}");
    assert!(!logs.contains("granted="), "{logs}");
}

#[tokio::test]
async fn other_failures_are_status_errors_with_the_source_s_hints() {
    for (spec, status, hint) in [
        (&PAGED, 429, "retry in an hour"),
        (&PAGED, 401, "log in again"),
        // A status the spec does not list as a refusal is an error like any other.
        (&LISTED, 404, "LISTED_API_URL"),
    ] {
        let server = server_with_user().await;
        Mock::given(method("GET"))
            .and(path(EMAILS_PATH))
            .respond_with(ResponseTemplate::new(status).set_body_json(json!({"message": "No"})))
            .mount(&server)
            .await;

        let err = user_info(spec, &server).await.unwrap_err();

        let Error::HttpStatus {
            status: got,
            message,
            hint: Some(got_hint),
            ..
        } = err
        else {
            panic!("expected Error::HttpStatus with a hint, got {err:?}");
        };
        assert_eq!(got, status);
        assert_eq!(message.as_deref(), Some("No"));
        assert!(got_hint.contains(hint), "{status}: {got_hint}");
    }
}

#[tokio::test]
async fn the_primary_entry_decides_the_address_and_whether_it_is_verified() {
    for (list, email, verified) in [
        // The primary address, even unverified, wins over a verified one.
        (
            json!([
                {"email": "work@example.com", "primary": false, "verified": true},
                {"email": "new@example.net", "primary": true, "verified": false}
            ]),
            "new@example.net",
            false,
        ),
        // Without a primary one, the first verified one.
        (
            json!([
                {"email": "a@example.com", "primary": false, "verified": false},
                {"email": "b@example.com", "primary": false, "verified": true},
                {"email": "c@example.com", "verified": true}
            ]),
            "b@example.com",
            true,
        ),
        // Else the first one, unverified; flags count only when they are `true`.
        (
            json!([
                {"email": "x@example.com", "primary": "true", "verified": "yes"},
                {"email": "y@example.com"}
            ]),
            "x@example.com",
            false,
        ),
    ] {
        let server = server_with_user().await;
        serve(&server, list, 1).await;

        let user = user_info(&LISTED, &server).await.unwrap();

        assert_eq!(user.email.as_deref(), Some(email));
        assert_eq!(user.email_verified, verified, "{email}");
    }
}

#[tokio::test]
async fn entries_without_an_address_are_skipped() {
    let server = server_with_user().await;
    serve(
        &server,
        json!([
            {"primary": true, "verified": true},
            {"email": null, "primary": true, "verified": true},
            {"email": "  ", "primary": true, "verified": true},
            {"email": 42, "primary": true, "verified": true},
            "mira@example.com",
            7,
            {"email": " mira@example.com ", "primary": false, "verified": true}
        ]),
        1,
    )
    .await;

    let user = user_info(&LISTED, &server).await.unwrap();

    assert_eq!(user.email.as_deref(), Some("mira@example.com"));
    assert!(user.email_verified);

    // A list without any address leaves the user as mapped.
    let server = server_with_user().await;
    serve(&server, json!([{"email": ""}, {}]), 1).await;
    let user = user_info(&LISTED, &server).await.unwrap();
    assert_eq!(user.email.as_deref(), Some("public@example.org"));
    assert!(!user.email_verified);
}

#[tokio::test]
async fn bodies_of_the_wrong_shape_are_invalid_responses() {
    for (spec, body, expected) in [
        (
            &LISTED,
            json!({"emails": []}),
            "the email list is not an array",
        ),
        (&LISTED, json!(null), "the email list is not an array"),
        (&PAGED, json!([]), "`data/values` is missing"),
        (
            &PAGED,
            json!({"data": {"values": {}}}),
            "`data/values` is not an array",
        ),
        (
            &PAGED,
            json!({"data": {"values": []}, "links": {"next": 2}}),
            "`links/next` is not a string",
        ),
        (
            &PAGED,
            json!({"data": {"values": []}, "links": {"next": "http://[::1"}}),
            "the email list's `next` link is not a URL",
        ),
    ] {
        let server = server_with_user().await;
        serve(&server, body.clone(), 1).await;

        let reason = invalid_reason(user_info(spec, &server).await);

        assert_eq!(reason, expected, "{body}");
    }
    // A body that is not JSON at all.
    let server = server_with_user().await;
    Mock::given(method("GET"))
        .and(path(EMAILS_PATH))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{\"values\": [", "application/json"))
        .mount(&server)
        .await;
    let result = user_info(&PAGED, &server).await;
    assert!(
        matches!(result, Err(Error::InvalidResponse { .. })),
        "{result:?}"
    );
}
