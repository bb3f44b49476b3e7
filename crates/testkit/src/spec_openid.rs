//! The OpenID Connect side of a [`MockProvider`](crate::MockProvider) whose spec has one: a
//! discovery document at the spec's issuer moved onto the mock, a JWKS, and an ID token signed
//! over the user fixture in every token response. It is an extension the mock adds itself, so
//! every OpenID Connect spec is served from its spec alone.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

use axum::routing::{MethodRouter, get};
use oauth_kit_core::ClientAuth;
use oauth_kit_core::oidc::SigningAlgorithm;
use oauth_kit_core::spec::{IdTokenKey, Pkce, ProviderSpec};
use serde_json::{Map, Value, json};

use crate::extension::{IssuedGrant, MockContext, MockExtension};
use crate::oidc::MockAlg;
use crate::oidc::keys::{self, SigningKey};
use crate::wire::OPENID_JWKS;

/// The discovery, JWKS and ID tokens of an OpenID Connect spec's mock.
pub(crate) struct SpecOpenId {
    spec: &'static ProviderSpec,
    key: SigningKey,
    alg: MockAlg,
    /// The client secret, for a spec whose ID tokens are HS256 keyed with it.
    hmac_secret: Option<String>,
}

impl fmt::Debug for SpecOpenId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SpecOpenId")
            .field("spec", &self.spec.id)
            .field("alg", &self.alg)
            .field("hmac", &self.hmac_secret.is_some())
            .finish_non_exhaustive()
    }
}

impl SpecOpenId {
    /// The issuer side of `spec`, signing with RS256 unless the spec accepts only ES256, and
    /// with HS256 keyed with `client_secret` when the spec says its ID tokens are so signed
    /// (the JWKS and the discovery document then name ES256, as LINE's do). Generating the
    /// key is CPU work: call it off the runtime's threads.
    pub(crate) fn new(spec: &'static ProviderSpec, client_secret: &str) -> Result<Self, String> {
        let openid = spec.openid_spec();
        let algorithms = openid.map_or(SigningAlgorithm::DEFAULT_ALLOWED, |o| o.algorithms);
        let hmac = openid.is_some_and(|o| o.id_token_key == IdTokenKey::ClientSecretHs256);
        let (alg, key) = if hmac
            || (!algorithms.contains(&SigningAlgorithm::RS256)
                && algorithms.contains(&SigningAlgorithm::ES256))
        {
            (MockAlg::ES256, keys::ec_key("mock-ec-0")?)
        } else {
            (MockAlg::RS256, keys::rsa_key(0, "mock-rsa-0")?)
        };
        let hmac_secret = hmac.then(|| client_secret.to_owned());
        Ok(Self {
            spec,
            key,
            alg,
            hmac_secret,
        })
    }

    /// The issuer the discovery document names: the spec's tenant template on the mock, else
    /// the issuer.
    fn discovery_issuer(&self, mock: &MockContext, issuer: &str) -> String {
        match self.spec.openid_spec().and_then(|o| o.tenant_issuer) {
            Some(template) => {
                let start = template.find("://").map_or(0, |i| i + 3);
                let path = template[start..]
                    .find('/')
                    .map_or("", |i| &template[start + i..]);
                format!("{}{path}", mock.base_url())
            }
            None => issuer.to_owned(),
        }
    }

    fn auth_method(&self) -> &'static str {
        match self.spec.client_auth {
            ClientAuth::FormBody => "client_secret_post",
            ClientAuth::None => "none",
            ClientAuth::PrivateKeyJwt => "private_key_jwt",
            _ => "client_secret_basic",
        }
    }
}

impl MockExtension for SpecOpenId {
    fn routes(&self, mock: &MockContext) -> Vec<(String, MethodRouter)> {
        let Some(issuer) = mock.issuer() else {
            return Vec::new();
        };
        let base = mock.base_url();
        let mut document = json!({
            "issuer": self.discovery_issuer(mock, issuer),
            "authorization_endpoint": mock.authorize_url(),
            "token_endpoint": mock.token_url(),
            "jwks_uri": format!("{base}{OPENID_JWKS}"),
            "response_types_supported": ["code"],
            "response_modes_supported": ["query", "form_post"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": [format!("{:?}", self.alg)],
            "token_endpoint_auth_methods_supported": [self.auth_method()],
            "authorization_response_iss_parameter_supported":
                self.spec.capabilities.authorization_response_iss,
        });
        if !matches!(self.spec.pkce, Pkce::Unsupported) {
            document["code_challenge_methods_supported"] = json!(["S256"]);
        }
        if let Some(user_info) = mock.user_info_url() {
            document["userinfo_endpoint"] = json!(user_info);
        }
        if let Some(revocation) = mock.revocation_url() {
            document["revocation_endpoint"] = json!(revocation);
        }
        let path = issuer
            .strip_prefix(base)
            .unwrap_or_default()
            .trim_end_matches('/');
        let jwks = json!({ "keys": [self.key.jwk.clone()] });
        vec![
            (
                format!("{path}/.well-known/openid-configuration"),
                get(move || {
                    let document = document.clone();
                    async move { axum::Json(document) }
                }),
            ),
            (
                OPENID_JWKS.to_owned(),
                get(move || {
                    let jwks = jwks.clone();
                    async move { axum::Json(jwks) }
                }),
            ),
        ]
    }

    fn authorization_response(
        &self,
        mock: &MockContext,
        _request: &[(String, String)],
        response: &mut Vec<(String, String)>,
    ) {
        if let (true, Some(issuer)) = (
            self.spec.capabilities.authorization_response_iss,
            mock.issuer(),
        ) {
            response.push(("iss".to_owned(), issuer.to_owned()));
        }
    }

    fn token_response(
        &self,
        mock: &MockContext,
        grant: &IssuedGrant<'_>,
        response: &mut Map<String, Value>,
    ) {
        let Some(issuer) = mock.issuer() else {
            return;
        };
        let mut claims = match grant.user {
            Value::Object(members) => members.clone(),
            _ => Map::new(),
        };
        // What the provider sends in the authorization response is not in the ID token.
        if let Some(name) = self.spec.callback_user {
            claims.remove(name);
        }
        let tenant = claims
            .get("tid")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let iss = self
            .discovery_issuer(mock, issuer)
            .replace("{tenantid}", tenant);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default();
        claims.insert("iss".to_owned(), json!(iss));
        claims.insert("aud".to_owned(), json!(mock.client_id()));
        // A recorded `azp` names the client it was recorded for.
        if claims.contains_key("azp") {
            claims.insert("azp".to_owned(), json!(mock.client_id()));
        }
        claims.insert("iat".to_owned(), json!(now));
        claims.insert("exp".to_owned(), json!(now + 600));
        if let Some(nonce) = grant.authorization_param("nonce") {
            claims.insert("nonce".to_owned(), json!(nonce));
        }
        let alg = if self.hmac_secret.is_some() {
            MockAlg::HS256
        } else {
            self.alg
        };
        if let Some(Value::String(access_token)) = response.get("access_token") {
            claims.insert("at_hash".to_owned(), json!(alg.at_hash(access_token)));
        }
        let claims = Value::Object(claims);
        let signed = match &self.hmac_secret {
            Some(secret) => keys::hmac(secret, &claims),
            None => keys::sign(&self.key, alg, &self.key.kid, &claims),
        };
        match signed {
            Ok(id_token) => {
                response.insert("id_token".to_owned(), Value::String(id_token));
            }
            Err(error) => tracing::debug!(%error, "mock: the ID token could not be signed"),
        }
    }
}
