//! The token type and the token-response parser with its per-provider quirks.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value};

use crate::error::{Error, OAuthErrorBody, ProviderContext, redacted_excerpt};
use crate::sanitize::{MAX_PROVIDER_TEXT, provider_text};
use crate::secret::{AccessToken, IdToken, RefreshToken};

/// A token response, parsed once when it arrives.
///
/// `Debug` redacts the tokens and the raw response. There is no `Display` and no `PartialEq`.
#[derive(Clone)]
#[non_exhaustive]
pub struct OAuthToken {
    /// The access token.
    pub access_token: AccessToken,
    /// The token type as the provider spelled it (always a Bearer token; see the parser).
    pub token_type: String,
    /// The lifetime the provider announced.
    pub expires_in: Option<Duration>,
    /// When the token expires, computed once from `expires_in` when the response arrived.
    pub expires_at: Option<SystemTime>,
    /// The refresh token, if the provider issued one.
    pub refresh_token: Option<RefreshToken>,
    /// The scopes the provider reports as granted (empty when it did not say).
    pub scopes: Vec<String>,
    /// The OpenID Connect ID token, if any.
    pub id_token: Option<IdToken>,
    /// The whole JSON response. It contains the tokens: never log it.
    pub raw: Value,
}

impl OAuthToken {
    /// A Bearer token with nothing but an access token (for tests and custom providers).
    pub fn bearer(access_token: AccessToken) -> Self {
        Self {
            access_token,
            token_type: "Bearer".to_owned(),
            expires_in: None,
            expires_at: None,
            refresh_token: None,
            scopes: Vec::new(),
            id_token: None,
            raw: Value::Null,
        }
    }

    /// Whether the token is past its expiry time (false when the provider gave none).
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|at| SystemTime::now() >= at)
    }
}

impl fmt::Debug for OAuthToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthToken")
            .field("access_token", &self.access_token)
            .field("token_type", &self.token_type)
            .field("expires_in", &self.expires_in)
            .field("expires_at", &self.expires_at)
            .field("refresh_token", &self.refresh_token)
            .field("scopes", &self.scopes)
            .field("id_token", &self.id_token)
            .field("raw", &"[redacted]")
            .finish()
    }
}

/// Deviations from RFC 6749 section 5.1 that a provider needs switched on.
///
/// The default is spec-strict: `access_token` and `token_type` required, `token_type` is
/// `Bearer` compared case-insensitively (RFC 6749 section 5.1: "The value is case
/// insensitive"), `expires_in` a JSON integer, `scope` a space-separated string, and an `error`
/// member in an HTTP 200 body is an invalid response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenQuirks {
    /// The member that lists the granted scopes (`"scope"`; Bitbucket says `"scopes"`).
    pub scope_field: &'static str,
    /// The separator between granted scopes (`' '`; GitHub uses `','`).
    pub scope_separator: char,
    /// Accept the granted scopes as a JSON array of strings (Twitch).
    pub scope_array: bool,
    /// Accept `expires_in` given as a string of digits.
    pub expires_in_as_string: bool,
    /// Accept a response without `token_type` (taken as Bearer).
    pub token_type_optional: bool,
    /// Read an HTTP 200 response that carries an `error` member as an OAuth error.
    pub error_with_http_200: bool,
    /// Accept a form-encoded (`application/x-www-form-urlencoded`) token response, as GitHub
    /// sends when a request does not ask for JSON.
    pub form_encoded: bool,
    /// A member holding the absolute expiry time in seconds since the Unix epoch (Strava's
    /// `expires_at`). When present it sets `expires_at`, and `expires_in` when that is missing.
    pub expires_at_field: Option<&'static str>,
    /// A member holding the time the token was issued, in seconds since the Unix epoch
    /// (Trakt's `created_at`). With `expires_in` it sets `expires_at` from the provider's clock
    /// rather than the time the response arrived.
    pub issued_at_field: Option<&'static str>,
}

impl Default for TokenQuirks {
    fn default() -> Self {
        Self::STRICT
    }
}

impl TokenQuirks {
    /// The RFC 6749 behaviour with no quirk enabled.
    pub const STRICT: TokenQuirks = TokenQuirks {
        scope_field: "scope",
        scope_separator: ' ',
        scope_array: false,
        expires_in_as_string: false,
        token_type_optional: false,
        error_with_http_200: false,
        form_encoded: false,
        expires_at_field: None,
        issued_at_field: None,
    };

    /// Sets the member name that lists the granted scopes.
    pub const fn scope_field(mut self, name: &'static str) -> Self {
        self.scope_field = name;
        self
    }

    /// Sets the separator between granted scopes.
    pub const fn scope_separator(mut self, separator: char) -> Self {
        self.scope_separator = separator;
        self
    }

    /// Accepts the granted scopes as a JSON array of strings.
    pub const fn scope_array(mut self, yes: bool) -> Self {
        self.scope_array = yes;
        self
    }

    /// Accepts `expires_in` as a string of digits.
    pub const fn expires_in_as_string(mut self, yes: bool) -> Self {
        self.expires_in_as_string = yes;
        self
    }

    /// Accepts a missing `token_type`.
    pub const fn token_type_optional(mut self, yes: bool) -> Self {
        self.token_type_optional = yes;
        self
    }

    /// Reads an `error` member in an HTTP 200 body as an OAuth error.
    pub const fn error_with_http_200(mut self, yes: bool) -> Self {
        self.error_with_http_200 = yes;
        self
    }

    /// Accepts a form-encoded token response.
    pub const fn form_encoded(mut self, yes: bool) -> Self {
        self.form_encoded = yes;
        self
    }

    /// Reads the absolute expiry time (seconds since the Unix epoch) from the member `name`.
    pub const fn expires_at_field(mut self, name: &'static str) -> Self {
        self.expires_at_field = Some(name);
        self
    }

    /// Reads the issue time (seconds since the Unix epoch) from the member `name`.
    pub const fn issued_at_field(mut self, name: &'static str) -> Self {
        self.issued_at_field = Some(name);
        self
    }
}

/// Parses a token endpoint response (any status) into a token or a typed error.
pub fn parse_token_response(
    context: &ProviderContext,
    status: u16,
    content_type: Option<&str>,
    body: &[u8],
    quirks: &TokenQuirks,
) -> Result<OAuthToken, Error> {
    let invalid = |reason: String| Error::InvalidResponse {
        context: context.clone(),
        status,
        reason,
        excerpt: redacted_excerpt(body),
    };
    let form = quirks.form_encoded
        && content_type.is_some_and(|ct| ct.contains("application/x-www-form-urlencoded"));
    let json: Option<Map<String, Value>> = if form {
        Some(form_to_map(body))
    } else {
        serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|v| match v {
                Value::Object(map) => Some(map),
                _ => None,
            })
    };

    if !(200..300).contains(&status) {
        if let Some(err) = json.as_ref().and_then(oauth_error_body) {
            return Err(Error::OAuth {
                context: context.clone(),
                status,
                body: err,
            });
        }
        return Err(Error::HttpStatus {
            context: context.clone(),
            status,
            message: None,
            hint: None,
            detail: None,
            excerpt: redacted_excerpt(body),
        });
    }

    let Some(map) = json else {
        let reason = match content_type {
            Some(ct) if !ct.contains("json") => format!("expected JSON, got `{}`", short_mime(ct)),
            _ => "the body is not a JSON object".to_owned(),
        };
        return Err(invalid(reason));
    };

    if map.contains_key("error") && !map.contains_key("access_token") {
        if quirks.error_with_http_200
            && let Some(err) = oauth_error_body(&map)
        {
            return Err(Error::OAuth {
                context: context.clone(),
                status,
                body: err,
            });
        }
        return Err(invalid(
            "HTTP 200 carrying an OAuth `error` member".to_owned(),
        ));
    }

    let access_token = match map.get("access_token") {
        Some(Value::String(s)) if !s.is_empty() => AccessToken::new(s.clone()),
        Some(Value::String(_)) => return Err(invalid("`access_token` is empty".to_owned())),
        Some(_) => return Err(invalid("`access_token` is not a string".to_owned())),
        None => return Err(invalid("`access_token` is missing".to_owned())),
    };

    let token_type = match map.get("token_type") {
        Some(Value::String(t)) if t.eq_ignore_ascii_case("bearer") => t.clone(),
        Some(Value::String(_)) => {
            return Err(invalid("`token_type` is not Bearer".to_owned()));
        }
        Some(_) => return Err(invalid("`token_type` is not a string".to_owned())),
        None if quirks.token_type_optional => "Bearer".to_owned(),
        None => return Err(invalid("`token_type` is missing".to_owned())),
    };

    let expires_in = match map.get("expires_in") {
        None | Some(Value::Null) => None,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(secs) => Some(Duration::from_secs(secs)),
            None => {
                return Err(invalid(
                    "`expires_in` is not a non-negative integer".to_owned(),
                ));
            }
        },
        Some(Value::String(s)) if quirks.expires_in_as_string => match s.trim().parse::<u64>() {
            Ok(secs) => Some(Duration::from_secs(secs)),
            Err(_) => return Err(invalid("`expires_in` is not a number".to_owned())),
        },
        Some(_) => return Err(invalid("`expires_in` is not a number".to_owned())),
    };

    let refresh_token = match map.get("refresh_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(RefreshToken::new(s.clone())),
        Some(_) => return Err(invalid("`refresh_token` is not a string".to_owned())),
    };

    let id_token = match map.get("id_token") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) => Some(IdToken::new(s.clone())),
        Some(_) => return Err(invalid("`id_token` is not a string".to_owned())),
    };

    let scopes = match map.get(quirks.scope_field) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::String(s)) => s
            .split(quirks.scope_separator)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(items)) if quirks.scope_array => {
            let mut scopes = Vec::with_capacity(items.len());
            for item in items {
                match item.as_str().map(str::trim) {
                    Some("") => {}
                    Some(scope) => scopes.push(scope.to_owned()),
                    None => {
                        return Err(invalid(format!(
                            "`{}` is not an array of strings",
                            quirks.scope_field
                        )));
                    }
                }
            }
            scopes
        }
        Some(_) => {
            return Err(invalid(format!("`{}` is not a string", quirks.scope_field)));
        }
    };

    let epoch_secs = |field: Option<&str>| -> Result<Option<SystemTime>, Error> {
        match field.and_then(|name| map.get(name).map(|v| (name, v))) {
            None | Some((_, Value::Null)) => Ok(None),
            Some((name, value)) => match value.as_u64() {
                Some(secs) => Ok(UNIX_EPOCH.checked_add(Duration::from_secs(secs))),
                None => Err(invalid(format!(
                    "`{name}` is not a time in seconds since the Unix epoch"
                ))),
            },
        }
    };
    let now = SystemTime::now();
    let (expires_in, expires_at) = match epoch_secs(quirks.expires_at_field)? {
        // An absolute expiry wins; a missing lifetime is derived from it.
        Some(at) => (
            expires_in.or_else(|| Some(at.duration_since(now).unwrap_or_default())),
            Some(at),
        ),
        None => match (epoch_secs(quirks.issued_at_field)?, expires_in) {
            (Some(issued), Some(lifetime)) => (expires_in, issued.checked_add(lifetime)),
            _ => (expires_in, expires_in.and_then(|d| now.checked_add(d))),
        },
    };
    Ok(OAuthToken {
        access_token,
        token_type,
        expires_in,
        expires_at,
        refresh_token,
        scopes,
        id_token,
        raw: Value::Object(map),
    })
}

/// A form-encoded body as a JSON object of strings (`expires_in` becomes a number when it is
/// one, so the strict parser applies unchanged). A repeated name keeps its first value.
fn form_to_map(body: &[u8]) -> Map<String, Value> {
    let mut map = Map::new();
    for (name, value) in url::form_urlencoded::parse(body) {
        if map.contains_key(name.as_ref()) {
            continue;
        }
        let value = match (name.as_ref(), value.parse::<u64>()) {
            ("expires_in", Ok(secs)) => Value::from(secs),
            _ => Value::String(value.into_owned()),
        };
        map.insert(name.into_owned(), value);
    }
    map
}

/// Reads an RFC 6749 error body out of a JSON object, if it is one. Every member is
/// provider-controlled text that ends up in errors and logs, so each is sanitized here
/// ([`provider_text`]: control characters escaped, length capped).
pub(crate) fn oauth_error_body(map: &Map<String, Value>) -> Option<OAuthErrorBody> {
    let error = provider_text(map.get("error")?.as_str()?, MAX_PROVIDER_TEXT);
    let text = |key: &str| {
        map.get(key)
            .and_then(Value::as_str)
            .map(|v| provider_text(v, 500))
    };
    Some(OAuthErrorBody {
        error,
        error_description: text("error_description"),
        error_uri: text("error_uri"),
    })
}

fn short_mime(content_type: &str) -> &str {
    let mime = content_type
        .split(';')
        .next()
        .unwrap_or(content_type)
        .trim();
    if mime.len() > 64 { "unknown" } else { mime }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::Stage;

    fn ctx() -> ProviderContext {
        ProviderContext::new("test", Stage::Token)
    }

    fn parse(status: u16, body: &str, quirks: &TokenQuirks) -> Result<OAuthToken, Error> {
        parse_token_response(
            &ctx(),
            status,
            Some("application/json"),
            body.as_bytes(),
            quirks,
        )
    }

    #[test]
    fn strict_parse_of_a_standard_response() {
        let token = parse(
            200,
            r#"{"access_token":"at","token_type":"Bearer","expires_in":3600,"refresh_token":"rt","scope":"a b"}"#,
            &TokenQuirks::STRICT,
        )
        .expect("valid");
        assert_eq!(token.access_token.secret(), "at");
        assert_eq!(token.expires_in, Some(Duration::from_secs(3600)));
        assert!(token.expires_at.is_some());
        assert_eq!(token.scopes, ["a", "b"]);
        assert_eq!(
            token.refresh_token.as_ref().map(RefreshToken::secret),
            Some("rt")
        );
    }

    #[test]
    fn token_type_is_case_insensitive_but_required_by_default() {
        let lower = r#"{"access_token":"at","token_type":"bearer"}"#;
        assert!(parse(200, lower, &TokenQuirks::STRICT).is_ok());
        let missing = r#"{"access_token":"at"}"#;
        assert!(matches!(
            parse(200, missing, &TokenQuirks::STRICT),
            Err(Error::InvalidResponse { .. })
        ));
        assert!(parse(200, missing, &TokenQuirks::STRICT.token_type_optional(true)).is_ok());
        let mac = r#"{"access_token":"at","token_type":"mac"}"#;
        assert!(parse(200, mac, &TokenQuirks::STRICT.token_type_optional(true)).is_err());
    }

    #[test]
    fn expires_in_as_string_needs_the_quirk() {
        let body = r#"{"access_token":"at","token_type":"bearer","expires_in":"7200"}"#;
        assert!(matches!(
            parse(200, body, &TokenQuirks::STRICT),
            Err(Error::InvalidResponse { .. })
        ));
        let token =
            parse(200, body, &TokenQuirks::STRICT.expires_in_as_string(true)).expect("quirk on");
        assert_eq!(token.expires_in, Some(Duration::from_secs(7200)));
    }

    #[test]
    fn absolute_expiry_fields_need_the_quirk() {
        let strava = r#"{"access_token":"at","token_type":"Bearer","expires_at":1767247200,"expires_in":21600}"#;
        let at = UNIX_EPOCH + Duration::from_secs(1_767_247_200);
        let token = parse(200, strava, &TokenQuirks::STRICT).expect("strict");
        assert_ne!(token.expires_at, Some(at));
        let quirks = TokenQuirks::STRICT.expires_at_field("expires_at");
        let token = parse(200, strava, &quirks).expect("quirk on");
        assert_eq!(token.expires_at, Some(at));
        assert_eq!(token.expires_in, Some(Duration::from_secs(21600)));
        let only_absolute = r#"{"access_token":"at","token_type":"Bearer","expires_at":1}"#;
        let token = parse(200, only_absolute, &quirks).expect("derived lifetime");
        assert_eq!(token.expires_in, Some(Duration::ZERO));
        assert!(token.is_expired());
        let text = r#"{"access_token":"at","token_type":"Bearer","expires_at":"soon"}"#;
        assert!(matches!(
            parse(200, text, &quirks),
            Err(Error::InvalidResponse { .. })
        ));

        let trakt = r#"{"access_token":"at","token_type":"bearer","expires_in":7776000,"created_at":1767225600}"#;
        let quirks = TokenQuirks::STRICT.issued_at_field("created_at");
        let token = parse(200, trakt, &quirks).expect("issued at");
        assert_eq!(
            token.expires_at,
            Some(UNIX_EPOCH + Duration::from_secs(1_767_225_600 + 7_776_000))
        );
        let no_lifetime = r#"{"access_token":"at","token_type":"bearer","created_at":1767225600}"#;
        assert_eq!(
            parse(200, no_lifetime, &quirks).expect("ok").expires_at,
            None
        );
    }

    #[test]
    fn scope_field_and_separator_quirks() {
        let body = r#"{"access_token":"at","token_type":"bearer","scopes":"email,account"}"#;
        let quirks = TokenQuirks::STRICT
            .scope_field("scopes")
            .scope_separator(',');
        assert_eq!(
            parse(200, body, &quirks).expect("valid").scopes,
            ["email", "account"]
        );
        assert!(
            parse(200, body, &TokenQuirks::STRICT)
                .expect("valid")
                .scopes
                .is_empty()
        );
    }

    #[test]
    fn scope_array_needs_the_quirk() {
        let body = r#"{"access_token":"at","token_type":"bearer","scope":["chat:read","user:read:email"]}"#;
        assert!(matches!(
            parse(200, body, &TokenQuirks::STRICT),
            Err(Error::InvalidResponse { .. })
        ));
        let quirks = TokenQuirks::STRICT.scope_array(true);
        assert_eq!(
            parse(200, body, &quirks).expect("array").scopes,
            ["chat:read", "user:read:email"]
        );
        let mixed = r#"{"access_token":"at","token_type":"bearer","scope":["a",1]}"#;
        assert!(matches!(
            parse(200, mixed, &quirks),
            Err(Error::InvalidResponse { .. })
        ));
        let string = r#"{"access_token":"at","token_type":"bearer","scope":"a b"}"#;
        assert_eq!(
            parse(200, string, &quirks).expect("string").scopes,
            ["a", "b"]
        );
    }

    #[test]
    fn error_with_http_200_needs_the_quirk() {
        let body = r#"{"error":"bad_verification_code","error_description":"The code is wrong"}"#;
        assert!(matches!(
            parse(200, body, &TokenQuirks::STRICT),
            Err(Error::InvalidResponse { .. })
        ));
        let err =
            parse(200, body, &TokenQuirks::STRICT.error_with_http_200(true)).expect_err("error");
        assert_eq!(
            err.oauth_error().map(|b| b.error.as_str()),
            Some("bad_verification_code")
        );
    }

    #[test]
    fn form_encoded_response_needs_the_quirk() {
        let body = "access_token=gho_abc&scope=repo%2Cgist&token_type=bearer&expires_in=28800";
        let form = Some("application/x-www-form-urlencoded; charset=utf-8");
        let strict = parse_token_response(&ctx(), 200, form, body.as_bytes(), &TokenQuirks::STRICT);
        assert!(matches!(strict, Err(Error::InvalidResponse { .. })));
        let quirks = TokenQuirks::STRICT.form_encoded(true).scope_separator(',');
        let token =
            parse_token_response(&ctx(), 200, form, body.as_bytes(), &quirks).expect("form");
        assert_eq!(token.access_token.secret(), "gho_abc");
        assert_eq!(token.scopes, ["repo", "gist"]);
        assert_eq!(token.expires_in, Some(Duration::from_secs(28800)));
        let error = "error=bad_verification_code&error_description=The+code+is+wrong";
        let quirks = quirks.error_with_http_200(true);
        let err =
            parse_token_response(&ctx(), 200, form, error.as_bytes(), &quirks).expect_err("error");
        assert_eq!(
            err.oauth_error().map(|b| b.error.as_str()),
            Some("bad_verification_code")
        );
    }

    #[test]
    fn oauth_error_code_with_control_characters_never_reaches_display() {
        // Found by the `token_response` fuzz target: a NUL in the provider's `error` reached
        // the error's `Display`, which goes into log lines.
        let body = "{\"error\":\"inval\\u0000id_grant\"}";
        for (status, quirks) in [
            (400, TokenQuirks::STRICT),
            (200, TokenQuirks::STRICT.error_with_http_200(true)),
        ] {
            let err = parse(status, body, &quirks).expect_err("an error body");
            let code = err
                .oauth_error()
                .map(|b| b.error.clone())
                .unwrap_or_default();
            assert!(!code.chars().any(char::is_control), "{code:?}");
            assert!(!err.to_string().chars().any(char::is_control), "{err}");
        }
    }

    #[test]
    fn debug_of_token_is_redacted() {
        let token = parse(
            200,
            r#"{"access_token":"AT-secret","token_type":"bearer","refresh_token":"RT-secret","id_token":"ID-secret"}"#,
            &TokenQuirks::STRICT,
        )
        .expect("valid");
        let printed = format!("{token:?}");
        for secret in ["AT-secret", "RT-secret", "ID-secret"] {
            assert!(!printed.contains(secret), "{printed}");
        }
    }
}
