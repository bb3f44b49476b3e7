//! Target `bitbucket_emails`: Bitbucket's `/2.0/user/emails` pages, their `next` links, and
//! the scope hint read from Bitbucket's error envelope.
//!
//! The pages are read by core's [`EmailSource`] as Bitbucket's spec describes them.
//!
//! Input: one byte that picks the API base URL, then a body. The body is read as an email page
//! (entries, the chosen address, the `next` link followed for up to three hops as the
//! pagination does), as a raw `next` link, and as the JSON of a 403 answer for the spec's
//! error hint. Checked: no panic; no blank address; the primary address wins, then the first
//! confirmed one; a followed link is on the API's origin (same scheme, host and port), so the
//! bearer token never goes elsewhere; the hint is one line of plain ASCII, so no text from the
//! body other than plain scope names gets into it.

use oauth_kit_bitbucket::SPEC;
use oauth_kit_core::spec::{EmailSource, ListedEmail};
use serde_json::Value;
use url::Url;

use super::{prefixed, text};
use crate::{Outcome, Target};

pub(super) const TARGET: Target = Target {
    name: "bitbucket_emails",
    summary: "Bitbucket email pages, `next` links (only ever on the API origin) and error envelopes",
    run,
    seeds,
    dictionary: &[
        "\"values\"",
        "\"next\"",
        "\"email\"",
        "\"is_primary\"",
        "\"is_confirmed\"",
        "true",
        "false",
        "null",
        "\"error\"",
        "\"message\"",
        "\"detail\"",
        "\"granted\"",
        "\"required\"",
        "https://api.bitbucket.org/2.0/user/emails?page=2",
        "//",
        "/\\",
        "?page=",
        "http:",
        "https:",
        "blob:",
        "data:",
        "file:",
        "ftp:",
        "ws:",
        "javascript:",
        "127.0.0.1",
        ":8080",
        ":443",
        "@",
        "%2e",
        "..",
        "#",
    ],
};

/// API base URLs the first input byte chooses from.
const BASES: &[&str] = &[
    "https://api.bitbucket.org/2.0",
    "http://127.0.0.1:8080/2.0/",
    "https://bitbucket.example.com:8443/rest/api/2.0",
];

fn run(data: &[u8]) -> Outcome {
    let Some((&selector, body)) = data.split_first() else {
        return Outcome::Rejected;
    };
    let base = Url::parse(BASES[usize::from(selector) % BASES.len()]).expect("valid base URLs");
    let first = Url::parse(&format!(
        "{}/user/emails",
        base.as_str().trim_end_matches('/')
    ))
    .expect("the email URL derives from a valid base");

    // The body as a bare `next` link, resolved from the first page.
    check_followed(&base, &first, &text(body));

    let Ok(json) = serde_json::from_slice::<Value>(body) else {
        return Outcome::Rejected;
    };
    check_hint(&json);
    let Some(source) = SPEC.email_source else {
        return Outcome::Rejected;
    };
    let Ok(page) = source.page(&json) else {
        return Outcome::Rejected;
    };
    for ListedEmail { address, .. } in &page.emails {
        assert!(
            !address.is_empty() && address.trim() == address,
            "address {address:?} is blank or padded"
        );
    }
    check_choice(&page.emails);
    let Some(next) = page.next else {
        return Outcome::Accepted;
    };
    assert!(!next.trim().is_empty(), "a blank `next` link was kept");
    // The same link from a few pages in, as the loop follows it.
    let mut current = first;
    for _ in 0..3 {
        match check_followed(&base, &current, &next) {
            Some(url) => current = url,
            None => break,
        }
    }
    Outcome::Accepted
}

/// Resolves `next` from `current`; a link that is followed must be on the API's origin.
fn check_followed(base: &Url, current: &Url, next: &str) -> Option<Url> {
    let url = EmailSource::next_url(base, current, next).ok()?;
    let same = url.scheme() == base.scheme()
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default();
    assert!(
        same,
        "`next` link {next:?} from {current} is followed to {url}, off the API origin {}",
        base.origin().ascii_serialization()
    );
    Some(url)
}

fn check_choice(entries: &[ListedEmail]) {
    let chosen =
        EmailSource::choose(entries).and_then(|c| entries.iter().position(|e| std::ptr::eq(e, c)));
    let expected = entries
        .iter()
        .position(|e| e.primary)
        .or_else(|| entries.iter().position(|e| e.verified))
        .or(if entries.is_empty() { None } else { Some(0) });
    assert_eq!(chosen, expected, "wrong address chosen from {entries:?}");
}

fn check_hint(body: &Value) {
    let Some(hint) = SPEC.error_hint else {
        return;
    };
    for status in [403, 401, 500] {
        if let Some(hint) = hint(status, body) {
            assert!(
                hint.bytes().all(|b| (0x20..=0x7e).contains(&b)) && hint.len() <= 4096,
                "the {status} hint {hint:?} carries text from the body that is not a plain scope name"
            );
        }
    }
}

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = Vec::new();
    for (i, (_, body)) in crate::provider_fixtures().into_iter().enumerate() {
        seeds.push(prefixed(&[(i % BASES.len()) as u8], &body));
    }
    for (i, body) in [
        r#"{"values":[{"email":"a@x","is_primary":true,"is_confirmed":"yes"},{"email":""},{"is_primary":true}],"next":null}"#,
        r#"{"values":[],"next":"?page=3"}"#,
        r#"{"values":[{"email":"b@x","is_confirmed":true}],"next":"http://127.0.0.1:8080/2.0/user/emails?page=2"}"#,
        r#"{"values":[],"next":"//evil.example/steal"}"#,
        r#"{"values":[],"next":"https://127.0.0.1:8080/2.0/user/emails?page=2"}"#,
        r#"{"values":[],"next":"data:text/plain,x"}"#,
        r#"{"values":{},"next":2}"#,
        r#"{"type":"error","error":{"message":"Bad request","detail":"You must specify a branch."}}"#,
        r#"{"type":"error","error":{"message":"m","detail":{"granted":[],"required":["email","account"]}}}"#,
        "https://api.bitbucket.org/2.0/user/emails?page=2",
        "/2.0/user/emails?page=2",
    ]
    .iter()
    .enumerate()
    {
        seeds.push(prefixed(&[(i % BASES.len()) as u8], body.as_bytes()));
    }
    seeds
}
