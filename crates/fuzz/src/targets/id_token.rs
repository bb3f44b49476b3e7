//! Target `id_token`: ID-token validation ([`IdTokenHeader::parse`], then [`verify_id_token`])
//! on tokens as received and on arbitrary headers and claims signed with the issuer's key.
//!
//! Input: one byte that chooses the mode and the checks, then the rest. Bit 0 set: the rest is
//! split at its first newline into a header and claims, which are base64url-encoded and signed
//! with the issuer's Ed25519 key, so that any claims reach the claim checks; otherwise the rest
//! is the token as received. Bit 1: a nonce is required. Bit 2: the access token is given for
//! `at_hash`. Bit 3: the issuer is a multi-tenant template (`{tenantid}`). Checked: no panic;
//! a token is accepted only with the issuer's algorithm and only when every claim holds (`iss`,
//! with `tid` for the template; `aud` holding the client; `azp` where there are several
//! audiences and equal to the client whenever present; `exp`, `iat` and `nbf` within the
//! leeway; the nonce when required; `at_hash` when present; a non-empty `sub`); a refusal has a
//! known failure code and a one-line `Display`, and an algorithm it names is short plain text.

use std::sync::OnceLock;
use std::time::Duration;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jsonwebtoken::jwk::Jwk;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey};
use oauth_kit_core::oidc::{
    IdTokenChecks, IdTokenError, IdTokenHeader, SigningAlgorithm, verify_id_token,
};
use serde_json::{Map, Value, json};

use super::{prefixed, text};
use crate::{Outcome, Target};

pub(super) const TARGET: Target = Target {
    name: "id_token",
    summary: "IdTokenHeader::parse and verify_id_token on raw and freshly signed tokens: accepted only when every claim holds",
    run,
    seeds,
    dictionary: &[
        "\"alg\"",
        "\"EdDSA\"",
        "\"RS256\"",
        "\"ES256\"",
        "\"HS256\"",
        "\"none\"",
        "\"kid\"",
        "\"iss\"",
        "\"aud\"",
        "\"azp\"",
        "\"exp\"",
        "\"iat\"",
        "\"nbf\"",
        "\"nonce\"",
        "\"at_hash\"",
        "\"sub\"",
        "\"tid\"",
        "\"https://issuer.example\"",
        "\"https://issuer.example/{tenantid}/v2.0\"",
        "\"fuzz-client\"",
        "1700000000",
        "1700000060",
        "1.7e9",
        "-1",
        "null",
        "{",
        "}",
        "[",
        "]",
        ",",
        ":",
        ".",
        "eyJ",
    ],
};

const ISSUER: &str = "https://issuer.example";
const TENANT_ISSUER: &str = "https://issuer.example/{tenantid}/v2.0";
const CLIENT_ID: &str = "fuzz-client";
const NONCE: &str = "n-0S6_WzA2Mj";
const ACCESS_TOKEN: &str = "fuzz-access-token-0123456789";
/// The time of every check, in seconds since the Unix epoch.
const NOW: u64 = 1_700_000_000;
const LEEWAY: u64 = 60;

/// Bit 0 of the mode byte: sign the rest.
const SIGN: u8 = 1;
/// Bit 1: a nonce is required.
const WITH_NONCE: u8 = 2;
/// Bit 2: the access token is given.
const WITH_ACCESS_TOKEN: u8 = 4;
/// Bit 3: the issuer is a multi-tenant template.
const TENANT: u8 = 8;

/// The issuer's Ed25519 key pair, from a fixed seed.
struct IssuerKey {
    signing: EncodingKey,
    verifying: DecodingKey,
}

fn issuer_key() -> &'static IssuerKey {
    static KEY: OnceLock<IssuerKey> = OnceLock::new();
    KEY.get_or_init(|| {
        // RFC 8410 PKCS#8 v1: the fixed 16-byte prefix, then the 32-byte seed.
        let mut der = vec![
            0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22,
            0x04, 0x20,
        ];
        der.extend_from_slice(&[0x5a; 32]);
        let signing = EncodingKey::from_ed_der(&der);
        let jwk = Jwk::from_encoding_key(&signing, Algorithm::EdDSA)
            .expect("an Ed25519 key has a public JWK");
        let verifying = DecodingKey::from_jwk(&jwk).expect("the public JWK is a key");
        IssuerKey { signing, verifying }
    })
}

/// `header` and `claims`, base64url-encoded and signed with the issuer's key.
fn sign(header: &[u8], claims: &[u8]) -> String {
    oauth_kit_core::oidc::ensure_crypto_provider();
    let message = format!(
        "{}.{}",
        URL_SAFE_NO_PAD.encode(header),
        URL_SAFE_NO_PAD.encode(claims)
    );
    let signature =
        jsonwebtoken::crypto::sign(message.as_bytes(), &issuer_key().signing, Algorithm::EdDSA)
            .expect("Ed25519 signing does not fail");
    format!("{message}.{signature}")
}

fn run(data: &[u8]) -> Outcome {
    let [mode, rest @ ..] = data else {
        return Outcome::Rejected;
    };
    let token = if mode & SIGN != 0 {
        let split = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
        sign(&rest[..split], rest.get(split + 1..).unwrap_or_default())
    } else {
        text(rest)
    };
    let issuer = if mode & TENANT != 0 {
        TENANT_ISSUER
    } else {
        ISSUER
    };
    let checks = IdTokenChecks::new(issuer, CLIENT_ID)
        .nonce((mode & WITH_NONCE != 0).then_some(NONCE))
        .access_token((mode & WITH_ACCESS_TOKEN != 0).then_some(ACCESS_TOKEN))
        .leeway(Duration::from_secs(LEEWAY))
        .at(NOW);
    let header = match IdTokenHeader::parse(&token, SigningAlgorithm::DEFAULT_ALLOWED) {
        Ok(header) => header,
        Err(error) => {
            check_error(&error);
            assert!(
                matches!(
                    error,
                    IdTokenError::Malformed | IdTokenError::AlgorithmNotAllowed { .. }
                ),
                "the header alone gave {error:?}"
            );
            return Outcome::Rejected;
        }
    };
    match verify_id_token(&token, &header, &issuer_key().verifying, &checks) {
        Ok(claims) => {
            assert_eq!(
                header.alg,
                SigningAlgorithm::EdDSA,
                "a token verified under another algorithm than the key's"
            );
            check_claims(&claims, &checks);
            Outcome::Accepted
        }
        Err(error) => {
            check_error(&error);
            Outcome::Rejected
        }
    }
}

/// What every accepted token must satisfy (necessary conditions of OpenID Connect Core
/// §3.1.3.7, checked independently of the code under test).
fn check_claims(claims: &Map<String, Value>, checks: &IdTokenChecks<'_>) {
    let string = |name: &str| claims.get(name).and_then(Value::as_str);
    let expected_issuer = if checks.issuer.contains("{tenantid}") {
        let tid = string("tid").expect("a template issuer needs a `tid`");
        assert!(
            (1..=64).contains(&tid.len())
                && tid
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
                && tid != "."
                && tid != "..",
            "`tid` {tid:?} was put into the issuer"
        );
        checks.issuer.replace("{tenantid}", tid)
    } else {
        checks.issuer.to_owned()
    };
    assert_eq!(string("iss"), Some(expected_issuer.as_str()), "`iss`");

    let audiences: Vec<&str> = match claims.get("aud") {
        Some(Value::String(aud)) => vec![aud.as_str()],
        Some(Value::Array(list)) => list.iter().filter_map(Value::as_str).collect(),
        other => panic!("accepted with `aud` {other:?}"),
    };
    assert!(audiences.contains(&CLIENT_ID), "`aud` {audiences:?}");
    match claims.get("azp") {
        None | Some(Value::Null) => assert!(
            audiences.len() <= 1,
            "several audiences {audiences:?} without `azp`"
        ),
        Some(azp) => assert_eq!(azp.as_str(), Some(CLIENT_ID), "`azp`"),
    }

    let seconds = |name: &str| -> Option<f64> {
        claims.get(name).map(|v| {
            v.as_f64()
                .unwrap_or_else(|| panic!("`{name}` {v} is not a number"))
        })
    };
    let now = NOW as f64;
    let leeway = LEEWAY as f64;
    let exp = seconds("exp").expect("accepted without `exp`");
    assert!(exp >= 0.0 && exp + leeway > now, "expired: `exp` {exp}");
    let iat = seconds("iat").expect("accepted without `iat`");
    assert!(
        iat >= 0.0 && iat < now + leeway + 1.0,
        "issued in the future: `iat` {iat}"
    );
    if let Some(nbf) = seconds("nbf") {
        assert!(
            nbf >= 0.0 && nbf < now + leeway + 1.0,
            "not valid yet: `nbf` {nbf}"
        );
    }

    if let Some(nonce) = checks.nonce {
        assert_eq!(string("nonce"), Some(nonce), "`nonce`");
    }
    if let (Some(at_hash), Some(access_token)) = (claims.get("at_hash"), checks.access_token) {
        assert_eq!(
            at_hash.as_str(),
            Some(
                SigningAlgorithm::EdDSA
                    .access_token_hash(access_token)
                    .as_str()
            ),
            "`at_hash`"
        );
    }
    assert!(
        string("sub").is_some_and(|sub| !sub.trim().is_empty()),
        "accepted without a subject"
    );
}

fn check_error(error: &IdTokenError) {
    let code = error.code();
    assert!(
        code.starts_with("id_token_")
            || matches!(
                code,
                "nonce_missing" | "nonce_mismatch" | "at_hash_mismatch"
            ),
        "unknown failure code {code}"
    );
    let display = error.to_string();
    assert!(
        !display.is_empty() && !display.chars().any(char::is_control),
        "`Display` is not one line of text: {display:?}"
    );
    if let IdTokenError::AlgorithmNotAllowed { alg } = error {
        assert!(
            alg.len() <= 16
                && alg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "the refused algorithm is echoed as {alg:?}"
        );
    }
}

/// Claims that pass every check of the modes that `mode` selects.
fn valid_claims(mode: u8) -> Value {
    let mut claims = json!({
        "iss": ISSUER,
        "aud": CLIENT_ID,
        "sub": "248289761001",
        "exp": NOW + 300,
        "iat": NOW - 10,
    });
    if mode & WITH_NONCE != 0 {
        claims["nonce"] = json!(NONCE);
    }
    if mode & WITH_ACCESS_TOKEN != 0 {
        claims["at_hash"] = json!(SigningAlgorithm::EdDSA.access_token_hash(ACCESS_TOKEN));
    }
    if mode & TENANT != 0 {
        let tid = "9188040d-6c67-4c5b-b112-36a304b66dad";
        claims["tid"] = json!(tid);
        claims["iss"] = json!(TENANT_ISSUER.replace("{tenantid}", tid));
    }
    claims
}

/// A signed-mode input: the header and the claims, one line each.
fn signed_input(mode: u8, header: &Value, claims: &Value) -> Vec<u8> {
    prefixed(&[mode | SIGN], format!("{header}\n{claims}").as_bytes())
}

fn seeds() -> Vec<Vec<u8>> {
    let header = json!({ "alg": "EdDSA", "kid": "fuzz-ed", "typ": "JWT" });
    let mut seeds = Vec::new();
    for mode in [
        0,
        WITH_NONCE,
        WITH_ACCESS_TOKEN,
        TENANT,
        WITH_NONCE | WITH_ACCESS_TOKEN | TENANT,
    ] {
        let claims = valid_claims(mode);
        seeds.push(signed_input(mode, &header, &claims));
        // The same token as received.
        let token = sign(header.to_string().as_bytes(), claims.to_string().as_bytes());
        seeds.push(prefixed(&[mode & !SIGN], token.as_bytes()));
    }
    // One broken claim each.
    let broken: [(&str, Value); 12] = [
        ("iss", json!("https://evil.example")),
        ("aud", json!("another-client")),
        ("aud", json!([CLIENT_ID, "another-api"])),
        ("azp", json!("another-api")),
        ("exp", json!(NOW - 61)),
        ("exp", json!("never")),
        ("iat", json!(NOW + 3600)),
        ("nbf", json!(NOW + 3600)),
        ("nonce", json!("nonce-of-another-login")),
        ("at_hash", json!("AAAAAAAAAAAAAAAAAAAAAA")),
        ("sub", json!("  ")),
        ("tid", json!("../evil")),
    ];
    let all = WITH_NONCE | WITH_ACCESS_TOKEN | TENANT;
    for (name, value) in broken {
        let mut claims = valid_claims(all);
        claims[name] = value;
        seeds.push(signed_input(all, &header, &claims));
    }
    for header in [
        json!({ "alg": "none" }),
        json!({ "alg": "HS256", "kid": "fuzz-ed" }),
        json!({ "alg": "RS256", "kid": "fuzz-ed" }),
        json!({ "alg": "EdDSA", "kid": 7 }),
        json!({ "alg": "EdDSA" }),
        json!(["EdDSA"]),
    ] {
        seeds.push(signed_input(0, &header, &valid_claims(0)));
    }
    for raw in [
        "",
        ".",
        "..",
        "a.b.c",
        "eyJhbGciOiJub25lIn0.e30.",
        "eyJ.eyJ.eyJ.eyJ",
    ] {
        seeds.push(prefixed(&[0], raw.as_bytes()));
    }
    seeds
}
