//! Target `callback`: the whole callback check of the login flow, from the raw query string and
//! `Cookie` headers to the token request ([`LoginService::complete_with_cookie_headers`]).
//!
//! Each input runs against two fresh login flows: one for `issidp`, a provider that sends `iss`
//! (RFC 9207), and one for `plainidp`, which does not. The input is text: the first line names
//! the provider of the callback route, the second is the query string, every further line is a
//! `Cookie` header. `$S` and `$C` stand for the state and the flow cookie value of the `issidp`
//! flow, `$s` and `$c` for those of the `plainidp` flow.
//!
//! The providers' code exchange always succeeds, so a login completes exactly when a token
//! request was made. Checked: a login completes only for a registered provider, with exactly
//! one `state` equal to that provider's flow state, that flow's cookie, exactly one non-empty
//! `code` (the one exchanged), no `error`, no repeated parameter, and for `issidp` exactly the
//! right `iss`; a repeated parameter or a missing state is rejected before any exchange; the
//! flow cookie is cleared after every login and never by a callback whose state matches no
//! flow it carries; errors have a known code and a one-line `Display`, and show neither state
//! nor cookie.

use std::sync::{Arc, LazyLock};

use oauth_kit_core::{
    AccessToken, AuthorizationCode, AuthorizationRequest, BeginOptions, Capabilities, CookieKey,
    CookieStore, Error, FlowConfig, HttpClient, LoginService, OAuthProvider, OAuthToken,
    OAuthUserInfo, PkceVerifier, ProviderRegistry, async_trait,
};
use url::Url;

use super::text;
use crate::oracle::{self, query_values};
use crate::{Outcome, Target};

pub(super) const TARGET: Target = Target {
    name: "callback",
    summary: "LoginService::complete_with_cookie_headers: a token request only for the browser's own, intact flow",
    run,
    seeds,
    dictionary: &[
        "$S",
        "$C",
        "$s",
        "$c",
        "issidp\n",
        "plainidp\n",
        "\n",
        "code=",
        "state=",
        "error=",
        "iss=",
        "error_description=",
        "&",
        "?",
        "=",
        "+",
        "%",
        "%26",
        "%3D",
        "%24S",
        "%00",
        "%0A",
        "oauth_kit_flow=",
        "; ",
        ";",
        "\"",
        "https%3A%2F%2Fidp.example",
        "https://idp.example",
        "access_denied",
        "&state=$S",
        "&code=x",
        "&iss=",
    ],
};

const ISS_PROVIDER: &str = "issidp";
const PLAIN_PROVIDER: &str = "plainidp";
const ISSUER: &str = "https://idp.example";
const COOKIE_NAME: &str = "oauth_kit_flow";

/// Error codes a callback may fail with.
const CODES: &[&str] = &[
    "invalid_callback",
    "state_missing",
    "flow_missing",
    "flow_invalid",
    "flow_replayed",
    "state_mismatch",
    "state_expired",
    "provider_mismatch",
    "issuer_mismatch",
    "access_denied",
    "authorization_failed",
    "unknown_provider",
    "rate_limited",
];

/// A provider whose code exchange always succeeds: the user it returns carries the code that
/// was exchanged as `oauth_id`.
#[derive(Debug)]
struct StubProvider {
    name: &'static str,
    sends_iss: bool,
}

#[async_trait]
impl OAuthProvider for StubProvider {
    fn name(&self) -> &str {
        self.name
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::NONE.authorization_response_iss(self.sends_iss)
    }

    fn default_scopes(&self) -> Vec<String> {
        Vec::new()
    }

    fn issuer(&self) -> Option<&str> {
        self.sends_iss.then_some(ISSUER)
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        let mut url = Url::parse("https://idp.example/authorize").map_err(|_| Error::Config {
            setting: "authorize URL".to_owned(),
            reason: "invalid".to_owned(),
        })?;
        url.query_pairs_mut()
            .append_pair("state", request.state.secret());
        Ok(url)
    }

    async fn exchange_code(
        &self,
        _http: &HttpClient,
        code: &AuthorizationCode,
        _redirect_uri: &str,
        _pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        Ok(OAuthToken::bearer(AccessToken::new(code.secret())))
    }

    async fn user_info(
        &self,
        _http: &HttpClient,
        token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        Ok(OAuthUserInfo::new(self.name, token.access_token.secret()))
    }
}

struct Harness {
    runtime: tokio::runtime::Runtime,
    service: LoginService,
}

static HARNESS: LazyLock<Harness> = LazyLock::new(|| {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a current-thread runtime builds");
    let key = CookieKey::new(b"fuzz-callback-key-0123456789-abcdefghijklmnopqrstuvwxyz".to_vec())
        .expect("the key is long enough");
    let config = FlowConfig::builder("https://app.example.com")
        .cookie_key(key.clone())
        .build()
        .expect("a valid configuration");
    let mut registry = ProviderRegistry::new();
    for (name, sends_iss) in [(ISS_PROVIDER, true), (PLAIN_PROVIDER, false)] {
        registry
            .register(StubProvider { name, sends_iss })
            .expect("distinct provider names");
    }
    // A small replay memory keeps long runs at constant memory.
    let store = Arc::new(CookieStore::new(&key, COOKIE_NAME).replay_cap(64));
    let service = LoginService::builder(registry, config)
        .store(store)
        .build()
        .expect("the service builds");
    Harness { runtime, service }
});

/// One login in progress: its state and its flow cookie value.
struct Flow {
    state: String,
    cookie: String,
}

fn begin(harness: &Harness, provider: &str) -> Flow {
    let begun = harness
        .runtime
        .block_on(harness.service.begin(provider, BeginOptions::default()))
        .expect("a login starts");
    let state = begun
        .authorization_url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .map(|(_, v)| v.into_owned())
        .expect("the authorization URL carries the state");
    Flow {
        state,
        cookie: begun.cookie.value().to_owned(),
    }
}

fn run(data: &[u8]) -> Outcome {
    let harness = &*HARNESS;
    let iss_flow = begin(harness, ISS_PROVIDER);
    let plain_flow = begin(harness, PLAIN_PROVIDER);
    let fill = |template: &str| {
        template
            .replace("$S", &iss_flow.state)
            .replace("$C", &iss_flow.cookie)
            .replace("$s", &plain_flow.state)
            .replace("$c", &plain_flow.cookie)
    };
    let input = text(data);
    let mut lines = input.split('\n');
    let provider = lines.next().unwrap_or_default().to_owned();
    let query = fill(lines.next().unwrap_or_default());
    let headers: Vec<String> = lines.map(fill).collect();

    let completion = harness
        .runtime
        .block_on(harness.service.complete_with_cookie_headers(
            &provider,
            &query,
            headers.iter().map(String::as_str),
        ));
    // The flow cookie is cleared only by a callback whose state matched it: a junk callback
    // must not cancel the browser's login in progress.
    if let Some(clear) = &completion.clear_cookie {
        assert!(
            clear.is_removal() && clear.name() == COOKIE_NAME,
            "the clearing cookie does not remove the flow cookie"
        );
        let state = query_values(&query, "state");
        let matched = [&iss_flow, &plain_flow].iter().any(|flow| {
            state.as_slice() == [flow.state.clone()]
                && headers.iter().any(|h| h.contains(&flow.cookie))
        });
        assert!(
            matched,
            "a callback whose state matches no flow it carries cleared the flow cookie: {query:?}"
        );
    }

    let one = |name: &str| -> Option<String> {
        let values = query_values(&query, name);
        match values.as_slice() {
            [value] if !value.is_empty() => Some(value.clone()),
            _ => None,
        }
    };
    let repeated = ["code", "state", "error", "iss"]
        .iter()
        .any(|name| query_values(&query, name).len() > 1);

    match completion.result {
        Ok(login) => {
            let flow = match provider.as_str() {
                ISS_PROVIDER => &iss_flow,
                PLAIN_PROVIDER => &plain_flow,
                other => panic!("a login completed for the unknown provider {other:?}"),
            };
            assert!(
                !repeated,
                "a login completed with a repeated parameter: {query:?}"
            );
            assert_eq!(
                one("state").as_deref(),
                Some(flow.state.as_str()),
                "a login completed without this flow's state: {query:?}"
            );
            assert!(
                headers.iter().any(|h| h.contains(&flow.cookie)),
                "a login completed without this flow's cookie"
            );
            let code = one("code").expect("a login completed without a code");
            assert_eq!(
                login.user.oauth_id, code,
                "another code than the callback's was exchanged"
            );
            assert!(
                one("error").is_none(),
                "a login completed despite `error`: {query:?}"
            );
            if provider == ISS_PROVIDER {
                assert_eq!(
                    one("iss").as_deref(),
                    Some(ISSUER),
                    "a login completed without the right `iss`: {query:?}"
                );
            }
            assert_eq!(login.return_to.as_str(), "/", "unexpected return path");
            assert!(
                completion.clear_cookie.is_some(),
                "a completed login leaves the flow cookie in place"
            );
            Outcome::Accepted
        }
        Err(error) => {
            let code = error.code();
            assert!(
                CODES.contains(&code),
                "unexpected error code {code} ({error:?})"
            );
            oracle::check_display(&error);
            let early = ["invalid_callback", "flow_invalid", "unknown_provider"];
            if repeated {
                assert!(
                    early.contains(&code),
                    "a repeated parameter gave {code}: {query:?}"
                );
            }
            if query_values(&query, "state").iter().all(String::is_empty) {
                assert!(
                    early.contains(&code) || code == "state_missing",
                    "a callback without state gave {code}: {query:?}"
                );
            }
            if !matches!(error, Error::AuthorizationDenied { .. }) {
                let shown = format!("{error} {error:?}");
                for secret in [
                    &iss_flow.state,
                    &iss_flow.cookie,
                    &plain_flow.state,
                    &plain_flow.cookie,
                ] {
                    assert!(
                        !shown.contains(secret.as_str()),
                        "the error shows a secret: {shown}"
                    );
                }
            }
            Outcome::Rejected
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let long = "a".repeat(70_000);
    let mut seeds: Vec<String> = [
        "issidp\ncode=abc&state=$S&iss=https%3A%2F%2Fidp.example\noauth_kit_flow=$C",
        "plainidp\ncode=abc&state=$s\noauth_kit_flow=$c",
        "plainidp\n?code=a%2Bb&state=$s\na=1; oauth_kit_flow=$c; b=2",
        "plainidp\ncode=abc&state=$s\noauth_kit_flow=\"$c\"",
        "plainidp\ncode=abc&state=$s\na=1\noauth_kit_flow=$c",
        "issidp\ncode=abc&state=$S\noauth_kit_flow=$C",
        "issidp\ncode=abc&state=$S&iss=https%3A%2F%2Fother.example\noauth_kit_flow=$C",
        "issidp\ncode=abc&state=$S&iss=https://idp.example&iss=https://idp.example\noauth_kit_flow=$C",
        "plainidp\ncode=abc&state=$S\noauth_kit_flow=$C",
        "issidp\ncode=abc&state=$s\noauth_kit_flow=$c",
        "plainidp\ncode=abc&state=$s&state=$s\noauth_kit_flow=$c",
        "plainidp\ncode=abc&state=&state=$s\noauth_kit_flow=$c",
        "plainidp\ncode=a&code=b&state=$s\noauth_kit_flow=$c",
        "plainidp\nerror=access_denied&error_description=Nope%0A%3Cb%3E&state=$s\noauth_kit_flow=$c",
        "plainidp\nerror=x%0Aforged&state=$s\noauth_kit_flow=$c",
        "plainidp\ncode=abc&state=$s\noauth_kit_flow=$c\noauth_kit_flow=$c",
        "plainidp\ncode=abc&state=$s\noauth_kit_flow=$c; oauth_kit_flow=$C",
        "plainidp\ncode=abc&state=$s",
        "plainidp\ncode=abc&state=$s\noauth_kit_flow=",
        "plainidp\ncode=abc&state=$s\noauth_kit_flow=$C",
        "plainidp\ncode=&state=$s\noauth_kit_flow=$c",
        "plainidp\nstate=$s\noauth_kit_flow=$c",
        "plainidp\ncode=abc\noauth_kit_flow=$c",
        "unknown\ncode=abc&state=$s\noauth_kit_flow=$c",
        "PLAINIDP\ncode=abc&state=$s\noauth_kit_flow=$c",
        "plain idp\ncode=abc&state=$s\noauth_kit_flow=$c",
        "\n\n",
        "",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    seeds.push(format!("plainidp\ncode={long}&state=$s\noauth_kit_flow=$c"));
    seeds.push(format!(
        "plainidp\ncode=abc&state=$s&error_description={long}\noauth_kit_flow=$c"
    ));
    seeds.push(format!(
        "plainidp\ncode=abc&state=$s\n{long}=1; oauth_kit_flow=$c"
    ));
    seeds.into_iter().map(String::into_bytes).collect()
}
