//! The token endpoint (`POST /site/oauth2/access_token` on Bitbucket): the authorization code
//! and refresh token grants, with the provider's client authentication and response format.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::{AUTHORIZATION, CONTENT_TYPE, WWW_AUTHENTICATE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use oauth_kit_core::spec::{CallbackRole, UserSource};
use oauth_kit_core::{ClientAuth, JWT_BEARER_ASSERTION, RevocationMethod, TokenEncoding};
use serde::Serialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use crate::extension::{IssuedGrant, MockContext};
use crate::fault::{self, Endpoint};
use crate::respond;
use crate::state::{CodeGrant, Shared, TokenGrant, random_alphanumeric, random_url_safe};
use crate::wire::Dialect;
use crate::{device, grants};

/// The RFC 8628 device access token grant type.
const DEVICE_CODE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// Seconds an access token is said to live, as Bitbucket says.
const EXPIRES_IN: u64 = 7200;

/// Seconds a generic mock's access token is said to live.
const SPEC_EXPIRES_IN: u64 = 3600;

/// A successful token response, in the key order of fixture 8.1.
#[derive(Serialize)]
struct TokenResponse<'a> {
    access_token: &'a str,
    scopes: String,
    expires_in: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    token_type: &'static str,
    state: &'static str,
}

fn invalid_code(shared: &Shared) -> Response {
    respond::token_error(
        shared,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "The specified code is not valid.",
    )
}

fn unsupported_grant(shared: &Shared, grant_type: Option<&str>) -> Response {
    match shared.wire.dialect {
        Dialect::Bitbucket => respond::oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            &format!("Unsupported grant type: {}", grant_type.unwrap_or("None")),
        ),
        Dialect::Spec => respond::token_error(
            shared,
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "The grant type is not supported.",
        ),
    }
}

/// Whether the body was sent as `application/x-www-form-urlencoded`.
fn is_form(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        })
}

/// Decodes one half of RFC 6749 section 2.3.1 Basic credentials (form-urlencoded).
fn form_decode(part: &str) -> Option<String> {
    let plus_as_space = part.replace('+', " ");
    percent_encoding::percent_decode_str(&plus_as_space)
        .decode_utf8()
        .ok()
        .map(|s| s.into_owned())
}

/// The client id and secret from `Authorization: Basic`, if it is well formed.
pub(crate) fn basic_credentials(headers: &HeaderMap) -> Option<(String, String)> {
    let value = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, encoded) = value.split_once(' ')?;
    if !scheme.eq_ignore_ascii_case("basic") {
        return None;
    }
    let decoded = String::from_utf8(STANDARD.decode(encoded.trim()).ok()?).ok()?;
    let (id, secret) = decoded.split_once(':')?;
    Some((form_decode(id)?, form_decode(secret)?))
}

/// The first value of a form field.
fn field<'a>(form: &'a [(String, String)], key: &str) -> Option<&'a str> {
    form.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

/// Checks the request's client authentication against the provider's method and returns the
/// method's RFC 8414 name, or the error response.
pub(crate) fn authenticate_client(
    shared: &Shared,
    headers: &HeaderMap,
    form: &[(String, String)],
) -> Result<&'static str, Response> {
    let basic = || {
        basic_credentials(headers)
            .is_some_and(|(id, secret)| id == shared.client_id && secret == shared.client_secret)
    };
    if shared.wire.dialect == Dialect::Bitbucket {
        return if basic() {
            Ok("client_secret_basic")
        } else {
            Err(respond::oauth_error(
                StatusCode::BAD_REQUEST,
                "unauthorized_client",
                "Requests must be authenticated using OAuth client credentials",
            ))
        };
    }
    let header = headers.contains_key(AUTHORIZATION);
    let id_in_form = field(form, shared.client_id_param()) == Some(shared.client_id.as_str());
    let secret_in_form = field(form, "client_secret").is_some();
    let assertion_in_form = field(form, "client_assertion").is_some();
    // RFC 6749 section 2.3: a client uses exactly one authentication method per request.
    let (ok, method) = match shared.wire.client_auth {
        ClientAuth::FormBody => (
            !header
                && id_in_form
                && field(form, "client_secret") == Some(shared.client_secret.as_str()),
            "client_secret_post",
        ),
        ClientAuth::None => (
            !header && id_in_form && !secret_in_form && !assertion_in_form,
            "none",
        ),
        ClientAuth::PrivateKeyJwt => (
            !header
                && !secret_in_form
                && field(form, shared.client_id_param()).is_none_or(|id| id == shared.client_id)
                && field(form, "client_assertion_type") == Some(JWT_BEARER_ASSERTION)
                && field(form, "client_assertion")
                    .is_some_and(|jwt| assertion_names_client(jwt, &shared.client_id)),
            "private_key_jwt",
        ),
        _ => (
            basic() && !secret_in_form && !assertion_in_form,
            "client_secret_basic",
        ),
    };
    if ok {
        return Ok(method);
    }
    let mut response = respond::token_error(
        shared,
        StatusCode::UNAUTHORIZED,
        "invalid_client",
        "Client authentication failed",
    );
    if matches!(shared.wire.client_auth, ClientAuth::Basic) {
        response.headers_mut().insert(
            WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"mock\""),
        );
    }
    Err(response)
}

/// Whether `jwt` has the shape of a JWT whose `iss` and `sub` are `client_id` (RFC 7523 section
/// 3). The signature is not checked: the mock has no key to check it with.
fn assertion_names_client(jwt: &str, client_id: &str) -> bool {
    let parts: Vec<&str> = jwt.split('.').collect();
    let [header, payload, signature] = parts.as_slice() else {
        return false;
    };
    if header.is_empty() || signature.is_empty() {
        return false;
    }
    let Some(claims) = URL_SAFE_NO_PAD
        .decode(payload)
        .ok()
        .and_then(|bytes| serde_json::from_slice::<Value>(&bytes).ok())
    else {
        return false;
    };
    claims.get("iss").and_then(Value::as_str) == Some(client_id)
        && claims.get("sub").and_then(Value::as_str) == Some(client_id)
}

/// Whether the body was sent as `application/json`.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("application/json"))
}

/// The parameters of a JSON object of strings (Atlassian's token requests).
fn json_pairs(body: &[u8]) -> Option<Vec<(String, String)>> {
    let Value::Object(members) = serde_json::from_slice(body).ok()? else {
        return None;
    };
    members
        .into_iter()
        .map(|(key, value)| match value {
            Value::String(text) => Some((key, text)),
            _ => None,
        })
        .collect()
}

/// The parameters of a token request, read the way the provider sends them: a form body, a
/// JSON object of strings, or the query string; a request in another shape is answered with
/// the provider's error.
fn token_params(
    shared: &Shared,
    headers: &HeaderMap,
    query: Option<&str>,
    body: &[u8],
) -> Result<Vec<(String, String)>, Response> {
    let encoding = match shared.wire.dialect {
        Dialect::Bitbucket => TokenEncoding::Form,
        Dialect::Spec => shared.wire.token_encoding,
    };
    let refused = |what: &str| {
        respond::token_error(
            shared,
            StatusCode::BAD_REQUEST,
            "invalid_request",
            &format!("The token request must be sent as {what}."),
        )
    };
    match encoding {
        TokenEncoding::Json => match json_pairs(body).filter(|_| is_json(headers)) {
            Some(pairs) => Ok(pairs),
            None => Err(refused("a JSON object of strings")),
        },
        TokenEncoding::Query => Ok(url::form_urlencoded::parse(query.unwrap_or("").as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()),
        _ if !is_form(headers) => Err(match shared.wire.dialect {
            Dialect::Bitbucket => unsupported_grant(shared, None),
            Dialect::Spec => refused("application/x-www-form-urlencoded"),
        }),
        _ => Ok(url::form_urlencoded::parse(body)
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()),
    }
}

/// The token endpoint, `POST /site/oauth2/access_token` on Bitbucket (a GET for specs whose
/// token requests carry their parameters in the query string).
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: token endpoint");
    shared.count(|c| c.token += 1);
    let form = match token_params(&shared, &headers, query.as_deref(), &body) {
        Ok(form) => form,
        Err(response) => {
            shared.count(|c| c.last_token_form.clear());
            return response;
        }
    };
    let grant_type = field(&form, "grant_type");
    shared.count(|c| {
        c.last_token_form = form.iter().map(|(k, _)| k.clone()).collect();
        match grant_type {
            Some("authorization_code") => c.token_authorization_code += 1,
            Some("refresh_token") => c.token_refresh += 1,
            Some("client_credentials") => c.token_client_credentials += 1,
            _ => {}
        }
    });

    // The device grant checks its client itself: on Bitbucket's layout it also serves public
    // clients (client_id in the form, no secret).
    if grant_type == Some(DEVICE_CODE_GRANT) && shared.wire.device_authorization.is_some() {
        let fault = shared.fault(Endpoint::Token);
        if let Some(response) = fault::respond(&shared, Endpoint::Token, fault.as_ref()).await {
            return response;
        }
        return device::token(&shared, &headers, &form);
    }

    let method = match authenticate_client(&shared, &headers, &form) {
        Ok(method) => method,
        Err(response) => return response,
    };
    shared.count(|c| c.last_client_auth = Some(method));

    let fault = shared.fault(Endpoint::Token);
    if let Some(response) = fault::respond(&shared, Endpoint::Token, fault.as_ref()).await {
        return response;
    }

    match grant_type {
        Some("authorization_code") => exchange_code(&shared, &form),
        Some("refresh_token") if shared.wire.refresh => {
            // Refresh tokens are not rotated by default (as on Bitbucket): the same one comes
            // back. Tests can switch to rotation or to answers without a refresh token.
            grants::refresh(&shared, field(&form, "refresh_token").unwrap_or_default())
        }
        Some("client_credentials") if shared.wire.client_credentials => {
            grants::client_credentials(&shared)
        }
        other => unsupported_grant(&shared, other),
    }
}

/// The revocation endpoint of a spec that has one: RFC 7009 (a form POST with the client
/// authentication of the token endpoint) or GitHub's DELETE with HTTP Basic credentials and the
/// token in a JSON member. The token (access or refresh) stops working; an unknown token is
/// answered with success too, as RFC 7009 says.
pub(crate) async fn revoke(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    tracing::debug!(mock = %shared.wire.title, "mock: revocation endpoint");
    shared.count(|c| c.revoke += 1);
    let token = match shared.wire.revocation_method {
        RevocationMethod::DeleteJson { member } => {
            let authenticated = basic_credentials(&headers).is_some_and(|(id, secret)| {
                id == shared.client_id && secret == shared.client_secret
            });
            if !authenticated {
                return respond::api_error(
                    &shared,
                    StatusCode::UNAUTHORIZED,
                    "Client authentication failed.",
                );
            }
            json_pairs(&body)
                .filter(|_| is_json(&headers))
                .and_then(|pairs| pairs.into_iter().find(|(k, _)| k == member))
                .map(|(_, token)| token)
        }
        RevocationMethod::Bearer => headers
            .get(AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim().to_owned())
            .filter(|token| shared.lock().access_tokens.contains_key(token)),
        _ if shared.wire.token_encoding == TokenEncoding::Json => {
            let Some(form) = json_pairs(&body).filter(|_| is_json(&headers)) else {
                return respond::token_error(
                    &shared,
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The revocation request must be sent as a JSON object of strings.",
                );
            };
            if let Err(response) = authenticate_client(&shared, &headers, &form) {
                return response;
            }
            field(&form, "token").map(str::to_owned)
        }
        _ => {
            if !is_form(&headers) {
                return respond::token_error(
                    &shared,
                    StatusCode::BAD_REQUEST,
                    "invalid_request",
                    "The revocation request must be sent as application/x-www-form-urlencoded.",
                );
            }
            let form: Vec<(String, String)> = url::form_urlencoded::parse(&body)
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect();
            if let Err(response) = authenticate_client(&shared, &headers, &form) {
                return response;
            }
            let member = match shared.wire.revocation_method {
                RevocationMethod::Form { member } => member,
                _ => "token",
            };
            field(&form, member).map(str::to_owned)
        }
    };
    let Some(token) = token else {
        return respond::token_error(
            &shared,
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "The token to revoke is missing.",
        );
    };
    {
        let mut state = shared.lock();
        state.access_tokens.remove(&token);
        state.refresh_tokens.remove(&token);
    }
    match shared.wire.revocation_method {
        RevocationMethod::DeleteJson { .. } => StatusCode::NO_CONTENT.into_response(),
        _ => StatusCode::OK.into_response(),
    }
}

/// `grant_type=authorization_code`: a single-use code, bound to its redirect URI and, where
/// the provider checks PKCE, to its challenge.
fn exchange_code(shared: &Shared, form: &[(String, String)]) -> Response {
    // Removing the code under the lock makes it single use even under concurrency.
    let Some(code) = shared
        .lock()
        .codes
        .remove(field(form, "code").unwrap_or_default())
    else {
        return invalid_code(shared);
    };
    let redirect_uri = field(form, "redirect_uri");
    let redirect_ok = match shared.wire.dialect {
        // Bitbucket accepts a token request without the redirect URI.
        Dialect::Bitbucket => redirect_uri.is_none_or(|sent| sent == code.redirect_uri),
        // RFC 6749 section 4.1.3: required, and identical, when the authorization request
        // carried one.
        Dialect::Spec => redirect_uri == Some(code.redirect_uri.as_str()),
    };
    if !redirect_ok {
        return invalid_code(shared);
    }
    if shared.wire.checks_pkce() {
        if let Err(reason) = verify_pkce(&code, field(form, "code_verifier")) {
            return respond::token_error(shared, StatusCode::BAD_REQUEST, "invalid_grant", reason);
        }
        if code.challenge.is_some() {
            shared.count(|c| c.pkce_verified += 1);
        }
    }
    // The parameters the spec's provider wants back from the authorization response.
    for param in shared.spec.map_or(&[][..], |spec| spec.callback_params) {
        if param.role != CallbackRole::TokenParam {
            continue;
        }
        let expected = match param.name {
            "state" => code
                .params
                .iter()
                .find(|(k, _)| k == "state")
                .map(|(_, v)| v.as_str()),
            _ => Some(param.example),
        };
        if expected.is_none() || field(form, param.name) != expected {
            let reason = format!("The {} parameter is missing or wrong.", param.name);
            return respond::token_error(
                shared,
                StatusCode::BAD_REQUEST,
                "invalid_request",
                &reason,
            );
        }
    }
    let Ok(refresh_token) = random_alphanumeric(18) else {
        return respond::random_failed();
    };
    let scopes = {
        let state = shared.lock();
        if state.grant_requested_scopes && !code.requested_scopes.is_empty() {
            code.requested_scopes.clone()
        } else {
            state.scopes.clone()
        }
    };
    let grant = TokenGrant {
        user: code.user,
        scopes,
        expired: false,
    };
    if shared.wire.refresh {
        shared
            .lock()
            .refresh_tokens
            .insert(refresh_token.clone(), grant.clone());
    }
    issue(
        shared,
        grant,
        Some(&refresh_token),
        "authorization_code",
        &code.params,
    )
}

/// Checks the `code_verifier` against the code's challenge (RFC 7636 section 4.6).
fn verify_pkce(code: &CodeGrant, verifier: Option<&str>) -> Result<(), &'static str> {
    match (&code.challenge, verifier) {
        (None, None) => Ok(()),
        (None, Some(_)) => Err("A code_verifier was sent for a code issued without a challenge."),
        (Some(_), None) => Err("The code_verifier is missing."),
        (Some((challenge, method)), Some(verifier)) => {
            let well_formed = (43..=128).contains(&verifier.len())
                && verifier
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            let computed = if method == "S256" {
                URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()))
            } else {
                verifier.to_owned()
            };
            if well_formed && computed == *challenge {
                Ok(())
            } else {
                Err("The code_verifier does not match the code_challenge.")
            }
        }
    }
}

/// Issues a new access token for `grant` and answers with the token response (without a
/// `refresh_token` member when `refresh_token` is `None`).
pub(crate) fn issue(
    shared: &Shared,
    grant: TokenGrant,
    refresh_token: Option<&str>,
    grant_type: &'static str,
    authorization_params: &[(String, String)],
) -> Response {
    if shared.wire.dialect == Dialect::Spec {
        return issue_spec(
            shared,
            grant,
            refresh_token,
            grant_type,
            authorization_params,
        );
    }
    let Ok(access_token) = random_url_safe(100) else {
        return respond::random_failed();
    };
    let scopes = grant.scopes.join(" ");
    shared
        .lock()
        .access_tokens
        .insert(access_token.clone(), grant);
    respond::json(
        StatusCode::OK,
        &TokenResponse {
            access_token: &access_token,
            scopes,
            expires_in: EXPIRES_IN,
            refresh_token,
            token_type: "bearer",
            state: grant_type,
        },
    )
}

/// The token response of a spec: its scope member and separator, its quirks, the user where
/// the spec reads it from the token response, and what extensions add.
fn issue_spec(
    shared: &Shared,
    grant: TokenGrant,
    refresh_token: Option<&str>,
    grant_type: &'static str,
    authorization_params: &[(String, String)],
) -> Response {
    let Ok(access_token) = random_url_safe(40) else {
        return respond::random_failed();
    };
    let wire = &shared.wire;
    let quirks = &wire.quirks;
    let mut body = Map::new();
    body.insert(
        "access_token".to_owned(),
        Value::String(access_token.clone()),
    );
    if !quirks.token_type_optional {
        body.insert("token_type".to_owned(), Value::String("Bearer".to_owned()));
    }
    body.insert(
        "expires_in".to_owned(),
        if quirks.expires_in_as_string {
            Value::String(SPEC_EXPIRES_IN.to_string())
        } else {
            Value::from(SPEC_EXPIRES_IN)
        },
    );
    // Absolute times, for specs that read them: the expiry, or the issue time.
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    if let Some(name) = quirks.expires_at_field {
        body.insert(name.to_owned(), Value::from(now + SPEC_EXPIRES_IN));
    }
    if let Some(name) = quirks.issued_at_field {
        body.insert(name.to_owned(), Value::from(now));
    }
    if let Some(refresh_token) = refresh_token.filter(|_| wire.refresh) {
        body.insert(
            "refresh_token".to_owned(),
            Value::String(refresh_token.to_owned()),
        );
    }
    if !grant.scopes.is_empty() {
        body.insert(
            quirks.scope_field.to_owned(),
            Value::String(grant.scopes.join(&quirks.scope_separator.to_string())),
        );
    }
    let user: Value = serde_json::from_str(&shared.lock().fixtures.user).unwrap_or(Value::Null);
    if let UserSource::TokenResponse(pointer) = wire.user_source {
        put_user(&mut body, pointer, &user);
    }
    if !shared.extensions.is_empty() {
        let context = MockContext::of(shared);
        let issued = IssuedGrant {
            grant_type,
            user: &user,
            scopes: &grant.scopes,
            authorization_params,
        };
        for extension in &shared.extensions {
            extension.token_response(&context, &issued, &mut body);
        }
    }
    shared.lock().access_tokens.insert(access_token, grant);
    if quirks.form_encoded {
        respond::form(StatusCode::OK, &body)
    } else {
        respond::json(StatusCode::OK, &body)
    }
}

/// Puts the user into a token response at `pointer`: `""` merges its members (never over a
/// token member), anything else nests it (`/authed_user`).
fn put_user(body: &mut Map<String, Value>, pointer: &str, user: &Value) {
    let segments: Vec<String> = pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
        .collect();
    let Some((last, parents)) = segments.split_last() else {
        if let Value::Object(members) = user {
            for (key, value) in members {
                body.entry(key.clone()).or_insert_with(|| value.clone());
            }
        }
        return;
    };
    let mut target = body;
    for segment in parents {
        let entry = target
            .entry(segment.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        let Value::Object(next) = entry else {
            return;
        };
        target = next;
    }
    target.insert(last.clone(), user.clone());
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_authorization(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            AUTHORIZATION,
            HeaderValue::from_str(value).expect("test header is valid"),
        );
        headers
    }

    #[test]
    fn basic_credentials_decode_the_reference_header() {
        let headers = with_authorization("Basic YmJDbGllbnRLZXkxMjM6YmJDbGllbnRTZWNyZXQ0NTY=");
        assert_eq!(
            basic_credentials(&headers),
            Some(("bbClientKey123".to_owned(), "bbClientSecret456".to_owned()))
        );
    }

    #[test]
    fn basic_credentials_are_form_decoded() {
        let encoded = STANDARD.encode("id%3Awith+colon:s%26cret%2B");
        let headers = with_authorization(&format!("basic {encoded}"));
        assert_eq!(
            basic_credentials(&headers),
            Some(("id:with colon".to_owned(), "s&cret+".to_owned()))
        );
    }

    #[test]
    fn bearer_is_not_basic() {
        assert_eq!(basic_credentials(&with_authorization("Bearer abc")), None);
    }

    fn code_with(challenge: &str, method: &str) -> CodeGrant {
        CodeGrant {
            redirect_uri: "http://localhost/cb".to_owned(),
            user: "u".to_owned(),
            challenge: Some((challenge.to_owned(), method.to_owned())),
            requested_scopes: Vec::new(),
            params: Vec::new(),
        }
    }

    #[test]
    fn pkce_s256_accepts_the_rfc7636_appendix_b_vector_only() {
        let code = code_with("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "S256");
        assert!(verify_pkce(&code, Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")).is_ok());
        assert!(verify_pkce(&code, Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXl")).is_err());
        assert!(verify_pkce(&code, None).is_err());
        let plain = code_with("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", "plain");
        assert!(verify_pkce(&plain, Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM")).is_ok());
        let without = CodeGrant {
            challenge: None,
            ..code_with("", "")
        };
        assert!(verify_pkce(&without, None).is_ok());
        assert!(
            verify_pkce(
                &without,
                Some("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk")
            )
            .is_err()
        );
    }

    #[test]
    fn assertions_must_be_jwts_naming_the_client() {
        let part = |json: &str| URL_SAFE_NO_PAD.encode(json);
        let jwt = |claims: &str| format!("{}.{}.sig", part(r#"{"alg":"ES256"}"#), part(claims));
        assert!(assertion_names_client(
            &jwt(r#"{"iss":"c","sub":"c","aud":"t"}"#),
            "c"
        ));
        assert!(!assertion_names_client(
            &jwt(r#"{"iss":"c","sub":"other"}"#),
            "c"
        ));
        assert!(!assertion_names_client("not-a-jwt", "c"));
        assert!(!assertion_names_client(
            &format!("{}..sig", part("{}")),
            "c"
        ));
    }

    #[test]
    fn the_user_goes_into_the_token_response_at_its_pointer() {
        let user = serde_json::json!({"id": "U1", "access_token": "not-this-one"});
        let mut body = Map::new();
        body.insert("access_token".to_owned(), Value::String("t".to_owned()));
        let mut merged = body.clone();
        put_user(&mut merged, "", &user);
        assert_eq!(
            Value::Object(merged),
            serde_json::json!({"access_token": "t", "id": "U1"})
        );
        put_user(&mut body, "/authed/user", &user);
        assert_eq!(body["authed"]["user"], user);
    }
}
