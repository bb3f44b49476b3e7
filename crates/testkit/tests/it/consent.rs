//! The interactive consent page and its Allow and Deny buttons.

use oauth_kit_testkit::{Consent, MockBitbucket, MockConfig};
use reqwest::StatusCode;

use crate::common::{REDIRECT_URI, authorize_url, client, location, query_param, token_request};

const NASTY_STATE: &str = "\"><script>alert('x')</script>&amp;";

async fn interactive() -> MockBitbucket {
    MockBitbucket::start_with(MockConfig {
        consent: Consent::Interactive,
        ..MockConfig::default()
    })
    .await
    .expect("mock starts")
}

fn unescape(text: &str) -> String {
    text.replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// The hidden fields of the consent form, in order, the way a browser would submit them.
fn hidden_fields(page: &str) -> Vec<(String, String)> {
    page.lines()
        .filter_map(|line| line.strip_prefix("<input type=\"hidden\" name=\""))
        .filter_map(|rest| rest.split_once("\" value=\""))
        .filter_map(|(name, rest)| rest.strip_suffix("\">").map(|value| (name, value)))
        .map(|(name, value)| (unescape(name), unescape(value)))
        .collect()
}

async fn consent_page(mock: &MockBitbucket, state: &str) -> String {
    let response = client()
        .get(authorize_url(mock, REDIRECT_URI, state).as_str())
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .is_ok_and(|v| v.starts_with("text/html"))
    );
    response.text().await.expect("body")
}

async fn decide(mock: &MockBitbucket, page: &str, decision: &str) -> reqwest::Response {
    let mut form = hidden_fields(page);
    form.push(("decision".to_owned(), decision.to_owned()));
    client()
        .post(format!(
            "{}/site/oauth2/authorize/decision",
            mock.base_url()
        ))
        .form(&form)
        .send()
        .await
        .expect("the mock answers")
}

#[tokio::test]
async fn interactive_consent_shows_the_app_the_scopes_the_user_and_two_buttons() {
    let mock = interactive().await;
    let page = consent_page(&mock, "plain-state").await;
    assert!(page.contains("<title>"));
    assert!(page.contains("bbClientKey123"));
    assert!(page.contains("<code>account</code>"));
    assert!(page.contains("<code>email</code>"));
    assert!(page.contains("Mira Okonkwo-Lind"));
    assert!(page.contains("<form method=\"post\" action=\"/site/oauth2/authorize/decision\">"));
    assert!(page.contains("value=\"allow\">Allow</button>"));
    assert!(page.contains("value=\"deny\">Deny</button>"));
    let fields = hidden_fields(&page);
    assert!(fields.contains(&("state".to_owned(), "plain-state".to_owned())));
    assert!(fields.contains(&("redirect_uri".to_owned(), REDIRECT_URI.to_owned())));
    assert_eq!(mock.counters().authorize_decision, 0);
}

#[tokio::test]
async fn interactive_consent_escapes_what_it_echoes() {
    let mock = interactive().await;
    let page = consent_page(&mock, NASTY_STATE).await;
    assert!(!page.contains("<script>"), "{page}");
    assert!(page.contains("&lt;script&gt;"));
    let fields = hidden_fields(&page);
    assert!(fields.contains(&("state".to_owned(), NASTY_STATE.to_owned())));
}

#[tokio::test]
async fn interactive_allow_redirects_with_a_code_that_exchanges() {
    let mock = interactive().await;
    let page = consent_page(&mock, NASTY_STATE).await;
    let response = decide(&mock, &page, "allow").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert_eq!(query_param(&back, "state").as_deref(), Some(NASTY_STATE));
    assert_eq!(query_param(&back, "from").as_deref(), Some("test"));
    let code = query_param(&back, "code").expect("code");

    let client = client();
    let exchanged = token_request(
        &mock,
        &client,
        &[
            ("grant_type", "authorization_code"),
            ("code", &code),
            ("redirect_uri", REDIRECT_URI),
        ],
    )
    .await;
    assert_eq!(exchanged.status(), StatusCode::OK);
    assert_eq!(mock.counters().authorize_decision, 1);
}

#[tokio::test]
async fn interactive_deny_redirects_with_access_denied() {
    let mock = interactive().await;
    let page = consent_page(&mock, "s1").await;
    let response = decide(&mock, &page, "deny").await;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let back = location(&response);
    assert_eq!(
        query_param(&back, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(&back, "state").as_deref(), Some("s1"));
    assert_eq!(query_param(&back, "code"), None);
}

#[tokio::test]
async fn decision_with_tampered_client_id_is_refused() {
    let mock = interactive().await;
    let page = consent_page(&mock, "s1").await;
    let mut form: Vec<(String, String)> = hidden_fields(&page)
        .into_iter()
        .map(|(k, v)| {
            if k == "client_id" {
                (k, "other".to_owned())
            } else {
                (k, v)
            }
        })
        .collect();
    form.push(("decision".to_owned(), "allow".to_owned()));
    let response = client()
        .post(format!(
            "{}/site/oauth2/authorize/decision",
            mock.base_url()
        ))
        .form(&form)
        .send()
        .await
        .expect("the mock answers");
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn decision_without_a_button_value_is_refused() {
    let mock = interactive().await;
    let page = consent_page(&mock, "s1").await;
    let response = decide(&mock, &page, "maybe").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
}
