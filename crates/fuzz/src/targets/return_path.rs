//! Target `return_path`: the post-login destination, from the login route's query string to
//! the `Location` header.
//!
//! Input: one byte that picks the allow-list, then the candidate. The candidate is parsed with
//! [`ReturnPath::parse`] as the raw `next` value, and also read as a whole login query string
//! ([`BeginOptions::from_query`]). Whatever is accepted must resolve, by the WHATWG URL rules
//! (the `url` crate), to the application's own origin or an allow-listed one, from any page of
//! the application; so must its forms after one to three rounds of percent-decoding; it must be
//! a valid header value; and it must be accepted again when read back from the flow record.

use oauth_kit_core::{BeginOptions, ReturnPath};
use percent_encoding::percent_decode_str;
use url::{Origin, Url};

use super::{prefixed, text};
use crate::{Outcome, Target};

pub(super) const TARGET: Target = Target {
    name: "return_path",
    summary: "ReturnPath::parse and the login query: what is accepted stays on the app's origin or an allowed one",
    run,
    seeds,
    dictionary: &[
        "/",
        "//",
        "/\\",
        "\\",
        "%2F",
        "%2f",
        "%5C",
        "%25",
        "%252F",
        "%0d%0a",
        "%0A",
        "%09",
        "%00",
        "%2e",
        "%2E",
        ".",
        "..",
        "/./",
        "/../",
        "?",
        "#",
        "@",
        ":",
        "://",
        "https://app.example.com",
        "http://localhost:8080",
        "https://xn--caf-dma.example",
        "http://[::1]:3000",
        "javascript:",
        "blob:",
        "data:",
        "http:",
        "https:",
        ":443",
        ":8080",
        "next=",
        "&next=",
        "prompt=",
        "login_hint=",
        "%3F",
        "%23",
        "%40",
        "\u{e9}",
        "%C3%A9",
        "%E2%80%AE",
    ],
};

/// The allow-lists the first input byte chooses from.
fn allow_list(selector: u8) -> Vec<Origin> {
    let origins: &[&str] = match selector % 4 {
        0 => &[],
        1 => &["https://app.example.com"],
        2 => &["https://app.example.com", "http://localhost:8080"],
        _ => &["https://xn--caf-dma.example", "http://[::1]:3000"],
    };
    origins
        .iter()
        .filter_map(|o| Url::parse(o).ok())
        .map(|u| u.origin())
        .collect()
}

/// Pages of the application a browser may be on when it follows the `Location` header.
const APP_PAGES: &[&str] = &[
    "https://app.example.com/auth/bitbucket/callback?code=c&state=s",
    "https://app.example.com/",
    "http://localhost:8000/base/path/",
    "https://app.example.com:8443/a/b/c/",
];

fn run(data: &[u8]) -> Outcome {
    let Some((&selector, rest)) = data.split_first() else {
        return Outcome::Rejected;
    };
    let allowed = allow_list(selector);
    let candidate = text(rest);
    let outcome = match ReturnPath::parse(&candidate, &allowed) {
        Some(path) => {
            check_accepted(&path, &allowed);
            Outcome::Accepted
        }
        None => Outcome::Rejected,
    };

    // The same bytes as the login route's query string.
    let options = BeginOptions::from_query(&candidate);
    if let Some(next) = &options.return_to {
        assert!(!next.is_empty(), "an empty `next` was kept");
        let nexts = crate::oracle::query_values(&candidate, "next");
        assert_eq!(nexts.len(), 1, "a repeated `next` was kept: {nexts:?}");
        if let Some(path) = ReturnPath::parse(next, &allowed) {
            check_accepted(&path, &allowed);
        }
    }
    let fallback = ReturnPath::parse("/home", &[]).expect("`/home` is a valid return path");
    let chosen = ReturnPath::parse_or(options.return_to.as_deref(), &allowed, &fallback);
    check_accepted(&chosen, &allowed);
    outcome
}

fn check_accepted(path: &ReturnPath, allowed: &[Origin]) {
    let value = path.as_str();
    assert!(
        !value.is_empty()
            && value.len() <= 2048
            && value.bytes().all(|b| (0x21..=0x7e).contains(&b)),
        "not a plain header value: {value:?}"
    );
    for page in APP_PAGES {
        let base = Url::parse(page).expect("the application pages are valid URLs");
        let relative = value.starts_with('/');
        stays_home(&base, value, relative, allowed, "as accepted");
        if relative {
            let resolved = base.join(value).expect("checked by stays_home");
            assert!(
                !resolved.path().starts_with("//"),
                "{value:?} resolves to the path {:?}, which reads as protocol-relative",
                resolved.path()
            );
        }
        // A proxy or framework that percent-decodes the value once or more must not turn it
        // into a way off the site.
        let mut decoded = value.to_owned();
        for round in 1..=3 {
            let next = percent_decode_str(&decoded)
                .decode_utf8_lossy()
                .into_owned();
            if next == decoded {
                break;
            }
            decoded = next;
            if decoded.chars().any(char::is_control) {
                panic!("{value:?} hides a control character: {decoded:?}");
            }
            stays_home(
                &base,
                &decoded,
                relative,
                allowed,
                &format!("after {round} decoding(s)"),
            );
        }
    }
    let again = ReturnPath::parse(value, allowed);
    assert_eq!(
        again.as_ref(),
        Some(path),
        "{value:?} is not accepted again when read back from the flow record"
    );
}

/// `value`, followed from `base`, lands on `base`'s origin (a relative value) or on an allowed
/// origin (an absolute one).
fn stays_home(base: &Url, value: &str, relative: bool, allowed: &[Origin], when: &str) {
    let resolved = match base.join(value) {
        Ok(url) => url,
        Err(err) => panic!("{value:?} ({when}) does not resolve against {base}: {err}"),
    };
    let origin = resolved.origin();
    let home = if relative {
        origin == base.origin()
    } else {
        allowed.contains(&origin)
    };
    assert!(
        home,
        "{value:?} ({when}) leaves the site: from {base} it resolves to {resolved}"
    );
}

fn seeds() -> Vec<Vec<u8>> {
    const CANDIDATES: &[&str] = &[
        "/",
        "/repos",
        "/repos?page=2&sort=name",
        "/a/b?x=1&y=%20z",
        "/dash#frag",
        "/caf%C3%A9",
        "/x?u=https%3A%2F%2Fx.example",
        "/search?q=caf%C3%A9&x=%20y",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "https://evil.example/",
        "http:evil.example",
        "javascript:alert(1)",
        "JavaScript:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "evil.example",
        "/%2F%2Fevil.example",
        "/%5Cevil.example",
        "/%252F%252Fevil.example",
        "/%25252F%25252Fevil.example",
        "/ok%0d%0aSet-Cookie:x=1",
        "/ok%250d%250aSet-Cookie:x=1",
        "/ok\r\nSet-Cookie: x=1",
        "/.//evil.example",
        "/a/..//evil.example",
        "/%2e%2e//evil.example",
        "/x?a=%0d%0a",
        "https://app.example.com/welcome?x=1",
        "https://app.example.com:8443/",
        "http://app.example.com/",
        "https://user@app.example.com/",
        "https://app.example.com.evil.example/",
        "https://app.example.com/%0d%0aSet-Cookie:a=b",
        "http://localhost:8080/back",
        "https://xn--caf-dma.example/x",
        "https://caf\u{e9}.example/x",
        "http://[::1]:3000/a?b#c",
        "next=%2Frepos&prompt=login",
        "next=%2Frepos&next=%2Fother",
        "next=https%3A%2F%2Fapp.example.com%2Fwelcome&login_hint=mira",
        "?next=%2F%2Fevil.example",
    ];
    let mut seeds = Vec::new();
    for (i, candidate) in CANDIDATES.iter().enumerate() {
        seeds.push(prefixed(&[i as u8], candidate.as_bytes()));
    }
    seeds
}
