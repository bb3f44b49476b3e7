//! The mock issuer's endpoints.

use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::header::AUTHORIZATION;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Value, json};

use super::keys::{self, MockAlg};
use super::{OidcFault, PendingCode, Shared, State as MockState};
use crate::respond;
use crate::state::{random_alphanumeric, random_url_safe};
use crate::token::basic_credentials;

fn now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The issuer's answer to a malformed authorization request: a page, as the user would see.
fn bad_request(message: &str) -> Response {
    respond::html(
        StatusCode::BAD_REQUEST,
        format!(
            "<!doctype html><title>Invalid request</title><p>{}</p>",
            respond::escape_html(message)
        ),
    )
}

pub(super) fn endpoint(shared: &Shared, name: &str) -> String {
    format!(
        "{}{}/protocol/{name}",
        shared.origin,
        shared.config.issuer_path.trim_end_matches('/')
    )
}

/// `GET {issuer}/.well-known/openid-configuration`.
pub(crate) async fn discovery(State(shared): State<Arc<Shared>>) -> Response {
    shared.lock().counters.discovery += 1;
    let issuer = match shared.has_fault(|f| matches!(f, OidcFault::DiscoveryIssuer(_))) {
        Some(OidcFault::DiscoveryIssuer(other)) => other,
        _ => shared.issuer.clone(),
    };
    let mut doc = json!({
        "issuer": issuer,
        "authorization_endpoint": endpoint(&shared, "auth"),
        "token_endpoint": endpoint(&shared, "token"),
        "jwks_uri": endpoint(&shared, "certs"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "form_post"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256", "PS256", "ES256", "EdDSA"],
        "code_challenge_methods_supported": ["S256"],
        "token_endpoint_auth_methods_supported": shared.config.auth_methods,
        "scopes_supported": ["openid", "email", "profile"],
        "claims_supported": ["sub", "iss", "aud", "exp", "iat", "nonce", "email",
            "email_verified", "preferred_username", "given_name", "family_name", "name",
            "picture", "profile"],
        "authorization_response_iss_parameter_supported": shared.config.iss_parameter,
    });
    if shared.config.userinfo {
        doc["userinfo_endpoint"] = json!(endpoint(&shared, "userinfo"));
    }
    respond::json(StatusCode::OK, &doc)
}

pub(crate) fn jwks_document(state: &MockState) -> Value {
    let withdrawn = |kid: &Value| {
        state
            .faults
            .iter()
            .any(|f| matches!(f, OidcFault::WithdrawnKey(w) if kid.as_str() == Some(w.as_str())))
    };
    let keys: Vec<Value> = state
        .keys
        .iter()
        .filter(|k| !withdrawn(&k.jwk["kid"]))
        .map(|k| k.jwk.clone())
        .collect();
    json!({ "keys": keys })
}

/// `GET {issuer}/protocol/certs`.
pub(crate) async fn jwks(State(shared): State<Arc<Shared>>) -> Response {
    let mut state = shared.lock();
    state.counters.jwks += 1;
    respond::json(StatusCode::OK, &jwks_document(&state))
}

/// `GET {issuer}/protocol/auth`: the user consents at once; the code comes back by redirect
/// or, with `response_mode=form_post`, in an auto-submitting form.
pub(crate) async fn authorize(State(shared): State<Arc<Shared>>, query: RawQuery) -> Response {
    let params: Vec<(String, String)> =
        url::form_urlencoded::parse(query.0.unwrap_or_default().as_bytes())
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
    let param = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    {
        let mut state = shared.lock();
        state.counters.authorize += 1;
        state.counters.last_authorize_params = params.iter().map(|(k, _)| k.clone()).collect();
    }
    if param("client_id").as_deref() != Some(shared.config.client_id.as_str())
        || param("response_type").as_deref() != Some("code")
    {
        return bad_request("Unknown client or unsupported response type.");
    }
    let Some(redirect_uri) = param("redirect_uri") else {
        return bad_request("No redirect_uri.");
    };
    let challenge = match (param("code_challenge"), param("code_challenge_method")) {
        (Some(challenge), Some(method)) if method == "S256" => Some(challenge),
        (None, _) => None,
        _ => {
            return bad_request("Only S256 is supported.");
        }
    };
    let Ok(code) = random_alphanumeric(24) else {
        return respond::random_failed();
    };
    {
        let mut state = shared.lock();
        state.codes.insert(
            code.clone(),
            PendingCode {
                redirect_uri: redirect_uri.clone(),
                nonce: param("nonce"),
                challenge,
            },
        );
        state.issued.push(code.clone());
    }
    let mut answer: Vec<(String, String)> = vec![("code".to_owned(), code)];
    if let Some(state) = param("state") {
        answer.push(("state".to_owned(), state));
    }
    let iss = match shared.has_fault(|f| {
        matches!(
            f,
            OidcFault::CallbackIssuer(_) | OidcFault::NoCallbackIssuer
        )
    }) {
        Some(OidcFault::CallbackIssuer(other)) => Some(other),
        Some(_) => None,
        None => shared.config.iss_parameter.then(|| shared.issuer.clone()),
    };
    if let Some(iss) = iss {
        answer.push(("iss".to_owned(), iss));
    }
    if param("response_mode").as_deref() == Some("form_post") {
        let inputs: String = answer
            .iter()
            .map(|(k, v)| {
                format!(
                    "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                    respond::escape_html(k),
                    respond::escape_html(v)
                )
            })
            .collect();
        let page = format!(
            "<!doctype html><html><body onload=\"document.forms[0].submit()\">\
             <form method=\"post\" action=\"{}\">{inputs}<noscript><button>Continue</button>\
             </noscript></form></body></html>",
            respond::escape_html(&redirect_uri)
        );
        return respond::html(StatusCode::OK, page);
    }
    let Ok(mut location) = url::Url::parse(&redirect_uri) else {
        return bad_request("Bad redirect_uri.");
    };
    location.query_pairs_mut().extend_pairs(answer);
    respond::redirect(StatusCode::FOUND, location.as_str())
}

/// `POST {issuer}/protocol/token`.
pub(crate) async fn token(
    State(shared): State<Arc<Shared>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let config = &shared.config;
    let (method, credentials) = match basic_credentials(&headers) {
        Some(pair) => ("client_secret_basic", Some(pair)),
        None => (
            "client_secret_post",
            field("client_id")
                .zip(field("client_secret"))
                .map(|(i, s)| (i.to_owned(), s.to_owned())),
        ),
    };
    {
        let mut state = shared.lock();
        state.counters.token += 1;
        state.counters.last_client_auth = credentials.as_ref().map(|_| method.to_owned());
        state.counters.last_token_had_verifier = field("code_verifier").is_some();
    }
    let authenticated = credentials
        .is_some_and(|(id, secret)| id == config.client_id && secret == config.client_secret)
        && config.auth_methods.iter().any(|m| m == method);
    if !authenticated {
        return respond::oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "Client authentication failed.",
        );
    }
    if field("grant_type") != Some("authorization_code") {
        return respond::oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "Only authorization_code is supported.",
        );
    }
    let Some(pending) = shared
        .lock()
        .codes
        .remove(field("code").unwrap_or_default())
    else {
        return respond::oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "Code not valid");
    };
    if field("redirect_uri") != Some(pending.redirect_uri.as_str()) {
        return respond::oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_grant",
            "Incorrect redirect_uri",
        );
    }
    if let Some(challenge) = &pending.challenge {
        use sha2::Digest as _;
        let verified = field("code_verifier").is_some_and(|v| {
            URL_SAFE_NO_PAD.encode(sha2::Sha256::digest(v.as_bytes())) == *challenge
        });
        if !verified {
            return respond::oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "PKCE verification failed",
            );
        }
    }
    let Ok(access_token) = random_url_safe(43) else {
        return respond::random_failed();
    };
    let user = shared.lock().user.clone();
    let mut response = json!({
        "access_token": access_token,
        "token_type": "Bearer",
        "expires_in": 300,
        "scope": "openid email profile",
    });
    if shared.has_fault(|f| *f == OidcFault::NoIdToken).is_none() {
        match id_token(&shared, &user, pending.nonce.as_deref(), &access_token) {
            Ok(id_token) => {
                shared.lock().issued.push(id_token.clone());
                response["id_token"] = json!(id_token);
            }
            Err(error) => {
                tracing::debug!(%error, "mock oidc: the ID token could not be signed");
                return respond::oauth_error(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "server_error",
                    "The ID token could not be signed.",
                );
            }
        }
    }
    {
        let mut state = shared.lock();
        state.access_tokens.insert(access_token.clone(), user);
        state.issued.push(access_token);
    }
    respond::json(StatusCode::OK, &response)
}

/// The ID token for `user`, with every fault in force applied.
fn id_token(
    shared: &Shared,
    user: &Value,
    nonce: Option<&str>,
    access_token: &str,
) -> Result<String, String> {
    let (faults, alg, active_rsa, keys) = {
        let state = shared.lock();
        (
            state.faults.clone(),
            state.alg,
            state.active_rsa.clone(),
            state.keys.clone(),
        )
    };
    let now = now();
    let mut claims = user.clone();
    claims["iss"] = json!(shared.issuer);
    claims["aud"] = json!(shared.config.client_id);
    claims["iat"] = json!(now);
    claims["exp"] = json!(now + shared.config.id_token_lifetime);
    claims["auth_time"] = json!(now);
    if let Some(nonce) = nonce {
        claims["nonce"] = json!(nonce);
    }
    claims["at_hash"] = json!(alg.at_hash(access_token));
    for fault in &faults {
        match fault {
            OidcFault::Issuer(iss) => claims["iss"] = json!(iss),
            OidcFault::Audience(aud) => claims["aud"] = aud.clone(),
            OidcFault::AuthorizedParty(azp) => claims["azp"] = json!(azp),
            OidcFault::Expired => {
                claims["iat"] = json!(now - 7200);
                claims["exp"] = json!(now - 3600);
            }
            OidcFault::IssuedInFuture => claims["iat"] = json!(now + 3600),
            OidcFault::Nonce(other) => claims["nonce"] = json!(other),
            OidcFault::NoNonce => {
                claims.as_object_mut().map(|c| c.remove("nonce"));
            }
            OidcFault::WrongAtHash => claims["at_hash"] = json!(alg.at_hash("another token")),
            _ => {}
        }
    }
    let kid_of = |prefix: &str| {
        keys.iter()
            .find(|k| k.kid.starts_with(prefix))
            .map(|k| k.kid.clone())
            .unwrap_or_default()
    };
    let signing_kid = match alg {
        MockAlg::RS256 | MockAlg::PS256 => active_rsa.clone(),
        MockAlg::ES256 => kid_of("ec-"),
        MockAlg::EdDSA => kid_of("ed-"),
        MockAlg::HS256 => String::new(),
    };
    let rsa = keys
        .iter()
        .find(|k| k.kid == active_rsa)
        .ok_or("no RSA key")?;
    if faults.contains(&OidcFault::AlgNone) {
        return Ok(keys::unsigned(&signing_kid, &claims));
    }
    if faults.contains(&OidcFault::Hs256WithPublicKey) {
        return keys::hmac_with_public_key(rsa, &claims);
    }
    if let Some(OidcFault::Hs256WithSecret(secret)) = faults
        .iter()
        .find(|f| matches!(f, OidcFault::Hs256WithSecret(_)))
    {
        return keys::hmac(secret, &claims);
    }
    if alg == MockAlg::HS256 {
        return keys::hmac(&shared.config.client_secret, &claims);
    }
    if faults.contains(&OidcFault::SignWithUnpublishedKey) {
        let foreign = keys::foreign_rsa()?;
        return keys::sign(&foreign, MockAlg::RS256, &active_rsa, &claims);
    }
    if faults.contains(&OidcFault::UnknownKid) {
        let foreign = keys::foreign_rsa()?;
        let kid = format!(
            "forged-{}",
            random_alphanumeric(12).map_err(|e| e.to_string())?
        );
        return keys::sign(&foreign, MockAlg::RS256, &kid, &claims);
    }
    let key = keys
        .iter()
        .find(|k| k.kid == signing_kid)
        .ok_or("no signing key")?;
    keys::sign(key, alg, &signing_kid, &claims)
}

/// `GET {issuer}/protocol/userinfo`.
pub(crate) async fn userinfo(State(shared): State<Arc<Shared>>, headers: HeaderMap) -> Response {
    shared.lock().counters.userinfo += 1;
    let token = headers
        .get(AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or_default();
    let Some(mut user) = shared.lock().access_tokens.get(token).cloned() else {
        return respond::oauth_error(StatusCode::UNAUTHORIZED, "invalid_token", "Token invalid");
    };
    if let Some(OidcFault::UserInfoSubject(sub)) =
        shared.has_fault(|f| matches!(f, OidcFault::UserInfoSubject(_)))
    {
        user["sub"] = json!(sub);
    }
    respond::json(StatusCode::OK, &user)
}
