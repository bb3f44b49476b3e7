//! Target `sealed_cookie`: opening the flow cookie ([`CookieStore::unseal`]).
//!
//! Input: read with `arbitrary` as a flow record (provider, state, PKCE verifier, nonce,
//! return path) and one modification of its sealed value. The record is sealed, modified, and
//! opened again: an unmodified value must give back the same record, and any modified value
//! (a flipped bit, a cut, an insertion, another alphabet, another key, another cookie name)
//! must be refused with `InvalidFlowCookie`. The raw input is also opened as a cookie value and
//! read as a record, which must never panic.

use std::sync::LazyLock;

use arbitrary::{Arbitrary, Unstructured};
use oauth_kit_core::{
    CookieKey, CookieStore, CsrfState, Error, FlowRecord, Nonce, PkceVerifier, ReturnPath,
};

use super::text;
use crate::{Outcome, Target};

pub(super) const TARGET: Target = Target {
    name: "sealed_cookie",
    summary: "CookieStore::unseal: never panics, gives back exactly what was sealed, refuses every modified value",
    run,
    seeds,
    dictionary: &[
        "=", "==", "+", "/", "-", "_", "%2B", "%3D", "\"", " ", "A", "\0",
    ],
};

const COOKIE_NAME: &str = "oauth_kit_flow";

struct Stores {
    ours: CookieStore,
    other_key: CookieStore,
    other_name: CookieStore,
}

static STORES: LazyLock<Stores> = LazyLock::new(|| {
    let key = |material: &[u8]| CookieKey::new(material).expect("the test keys are long enough");
    let ours = key(b"fuzz-cookie-key-0123456789-abcdefghijklmnopqrstuvwxyz");
    let theirs = key(b"another-deployment-key-9876543210-zyxwvutsrqponmlkji");
    Stores {
        ours: CookieStore::new(&ours, COOKIE_NAME),
        other_key: CookieStore::new(&theirs, COOKIE_NAME),
        other_name: CookieStore::new(&ours, "other_flow"),
    }
});

/// A change to a sealed value.
#[derive(Debug, Arbitrary)]
enum Modification {
    None,
    FlipBit { index: usize, bit: u8 },
    Truncate { len: usize },
    Remove { index: usize },
    Insert { index: usize, byte: u8 },
    Replace { index: usize, byte: u8 },
    Append(String),
    Prepend(String),
    ToggleCase { index: usize },
    UrlSafeAlphabet,
    StripPadding,
    Whitespace { index: usize, byte: u8 },
    Whole(String),
    OtherKey,
    OtherName,
}

#[derive(Debug, Arbitrary)]
struct Input {
    provider: String,
    state: String,
    verifier: Option<String>,
    nonce: Option<String>,
    return_to: String,
    modification: Modification,
}

fn run(data: &[u8]) -> Outcome {
    let stores = &*STORES;
    // Whatever arrives as a cookie value: never a panic.
    let raw = text(data);
    if let Ok(record) = stores.ours.unseal(&raw) {
        assert!(
            FlowRecord::from_json(&record.to_json()).is_some(),
            "an opened record does not read back"
        );
    }
    let _ = FlowRecord::from_json(data);

    let Ok(input) = Input::arbitrary_take_rest(Unstructured::new(data)) else {
        return Outcome::Rejected;
    };
    let fallback = ReturnPath::parse("/", &[]).expect("`/` is a valid return path");
    let verifier = input.verifier.and_then(|v| PkceVerifier::new(v).ok());
    let record = FlowRecord::new(
        &input.provider,
        &CsrfState::new(input.state),
        verifier.as_ref(),
        input.nonce.map(Nonce::new).as_ref(),
        ReturnPath::parse_or(Some(&input.return_to), &[], &fallback),
    );
    let sealed = stores.ours.seal(&record).expect("a record always seals");

    let modified = match input.modification {
        Modification::OtherKey => {
            let foreign = stores
                .other_key
                .seal(&record)
                .expect("a record always seals");
            return expect_refused(stores, &foreign, "sealed with another key");
        }
        Modification::OtherName => {
            let foreign = stores
                .other_name
                .seal(&record)
                .expect("a record always seals");
            return expect_refused(stores, &foreign, "sealed for another cookie name");
        }
        other => modify(&sealed, other),
    };
    if modified == sealed {
        let opened = stores
            .ours
            .unseal(&modified)
            .unwrap_or_else(|err| panic!("an intact cookie was refused: {err}"));
        assert_eq!(
            opened.to_json(),
            record.to_json(),
            "the opened record differs from the sealed one"
        );
        Outcome::Accepted
    } else {
        expect_refused(stores, &modified, "modified")
    }
}

fn expect_refused(stores: &Stores, value: &str, what: &str) -> Outcome {
    match stores.ours.unseal(value) {
        Err(Error::InvalidFlowCookie) => Outcome::Rejected,
        Err(other) => panic!("a cookie {what} gave the wrong error: {other:?}"),
        Ok(record) => panic!("a cookie {what} was accepted: {value:?} opened to {record:?}"),
    }
}

fn modify(sealed: &str, modification: Modification) -> String {
    let mut bytes = sealed.as_bytes().to_vec();
    let at = |index: usize, len: usize| if len == 0 { 0 } else { index % len };
    match modification {
        Modification::None | Modification::OtherKey | Modification::OtherName => {}
        Modification::FlipBit { index, bit } => {
            let i = at(index, bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b ^= 1 << (bit % 8);
            }
        }
        Modification::Truncate { len } => bytes.truncate(len),
        Modification::Remove { index } => {
            if !bytes.is_empty() {
                bytes.remove(at(index, bytes.len()));
            }
        }
        Modification::Insert { index, byte } => bytes.insert(at(index, bytes.len() + 1), byte),
        Modification::Replace { index, byte } => {
            let i = at(index, bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b = byte;
            }
        }
        Modification::Append(tail) => bytes.extend_from_slice(tail.as_bytes()),
        Modification::Prepend(head) => {
            bytes.splice(0..0, head.bytes());
        }
        Modification::ToggleCase { index } => {
            let i = at(index, bytes.len());
            if let Some(b) = bytes.get_mut(i) {
                *b = if b.is_ascii_lowercase() {
                    b.to_ascii_uppercase()
                } else {
                    b.to_ascii_lowercase()
                };
            }
        }
        Modification::UrlSafeAlphabet => {
            for b in &mut bytes {
                *b = match *b {
                    b'+' => b'-',
                    b'/' => b'_',
                    other => other,
                };
            }
        }
        Modification::StripPadding => {
            while bytes.last() == Some(&b'=') {
                bytes.pop();
            }
        }
        Modification::Whitespace { index, byte } => {
            let space = [b' ', b'\t', b'\n', b'\r'][usize::from(byte % 4)];
            bytes.insert(at(index, bytes.len() + 1), space);
        }
        Modification::Whole(value) => return value,
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn seeds() -> Vec<Vec<u8>> {
    let mut seeds = vec![
        Vec::new(),
        b"bitbucket\0state-value\0".to_vec(),
        b"\x09bitbucket\x20AbCdEfGhIjKlMnOpQrStUvWxYz0123456789-_\x01\x2bdBjftkeMWqQd4XFJQmAhEtGHExzFqPZNv12pVYuE4T4A\x00\x07/repos\x01\x00\x00\x00\x00".to_vec(),
    ];
    for op in 0u8..15 {
        let mut seed = b"\x06github\x05s-123\x00\x00\x05/home".to_vec();
        seed.extend_from_slice(&[op, 7, 0, 0, 0, 3]);
        seeds.push(seed);
    }
    seeds
}
