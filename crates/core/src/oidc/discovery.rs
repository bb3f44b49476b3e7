//! OpenID Connect Discovery 1.0: the issuer's `/.well-known/openid-configuration`.

use serde::Deserialize;
use url::Url;

use crate::error::{Error, ProviderContext, Stage};
use crate::http::HttpClient;
use crate::pkce::constant_time_eq;
use crate::provider::OAuthProvider;

/// The discovery URL of `issuer`: the issuer with exactly one `/` before
/// `.well-known/openid-configuration`, so that an issuer ending with `/` (Auth0) works too.
pub fn discovery_url(issuer: &str) -> String {
    format!(
        "{}/.well-known/openid-configuration",
        issuer.trim().trim_end_matches('/')
    )
}

/// The members of a discovery document that oauth-kit uses (OpenID Connect Discovery 1.0
/// §3, RFC 8414, RFC 9207). Absent lists are empty; absent endpoints are `None`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct ProviderMetadata {
    /// The issuer identifier; it must equal the configured issuer byte for byte.
    pub issuer: String,
    /// The authorization endpoint.
    #[serde(default)]
    pub authorization_endpoint: Option<String>,
    /// The token endpoint.
    #[serde(default)]
    pub token_endpoint: Option<String>,
    /// The user-info endpoint.
    #[serde(default)]
    pub userinfo_endpoint: Option<String>,
    /// The JWKS with the issuer's signing keys.
    #[serde(default)]
    pub jwks_uri: Option<String>,
    /// The RFC 7009 revocation endpoint.
    #[serde(default)]
    pub revocation_endpoint: Option<String>,
    /// The RP-initiated logout endpoint.
    #[serde(default)]
    pub end_session_endpoint: Option<String>,
    /// The scopes the issuer supports.
    #[serde(default)]
    pub scopes_supported: Vec<String>,
    /// The response modes (`query`, `fragment`, `form_post`).
    #[serde(default)]
    pub response_modes_supported: Vec<String>,
    /// The PKCE methods; absent means PKCE must not be assumed.
    #[serde(default)]
    pub code_challenge_methods_supported: Option<Vec<String>>,
    /// The client authentication methods; absent means `client_secret_basic`.
    #[serde(default)]
    pub token_endpoint_auth_methods_supported: Option<Vec<String>>,
    /// The ID-token signature algorithms.
    #[serde(default)]
    pub id_token_signing_alg_values_supported: Vec<String>,
    /// Whether the authorization response carries `iss` (RFC 9207).
    #[serde(default)]
    pub authorization_response_iss_parameter_supported: bool,
}

impl ProviderMetadata {
    /// Whether PKCE with S256 is listed.
    pub fn supports_s256(&self) -> bool {
        self.code_challenge_methods_supported
            .as_ref()
            .is_some_and(|m| m.iter().any(|m| m == "S256"))
    }

    /// The client authentication methods, with the specification's default
    /// (`client_secret_basic`) when the document lists none.
    pub fn token_auth_methods(&self) -> Vec<&str> {
        match &self.token_endpoint_auth_methods_supported {
            Some(methods) if !methods.is_empty() => methods.iter().map(String::as_str).collect(),
            _ => vec!["client_secret_basic"],
        }
    }
}

/// Fetches `issuer`'s discovery document and checks that its `issuer` equals `issuer` byte for
/// byte, or, when `tenant_issuer` (an issuer template such as Microsoft's
/// `https://login.microsoftonline.com/{tenantid}/v2.0`) is given, equals that template or the
/// template with `{tenantid}` filled with one tenant id (Microsoft's `consumers` names the
/// tenant of personal accounts there).
///
/// A different issuer is [`Error::DiscoveryIssuerMismatch`]: a configuration error.
pub async fn fetch_metadata(
    http: &HttpClient,
    provider: &str,
    issuer: &str,
    tenant_issuer: Option<&str>,
) -> Result<ProviderMetadata, Error> {
    let context = ProviderContext::new(provider, Stage::Discovery);
    let url = Url::parse(&discovery_url(issuer))
        .map_err(|e| Error::config("issuer", format!("no discovery URL can be built: {e}")))?;
    let response = http.get(&context, &url).await?;
    let metadata: ProviderMetadata = response.json(&context)?;
    let accepted = metadata.issuer == issuer
        || tenant_issuer
            .is_some_and(|t| metadata.issuer == t || is_tenant_instance(t, &metadata.issuer));
    if !accepted {
        return Err(Error::DiscoveryIssuerMismatch {
            context,
            expected: issuer.to_owned(),
            found: metadata
                .issuer
                .chars()
                .filter(|c| !c.is_control())
                .take(200)
                .collect(),
        });
    }
    Ok(metadata)
}

/// Whether the `iss` parameter of an authorization response (RFC 9207) names `issuer`: equal
/// byte for byte (compared in constant time), or, when `issuer` is a multi-tenant template, the
/// template with `{tenantid}` replaced by one tenant id. An empty `issuer` matches nothing.
pub fn callback_issuer_matches(issuer: &str, iss: &str) -> bool {
    if issuer.is_empty() {
        return false;
    }
    if issuer.contains("{tenantid}") {
        is_tenant_instance(issuer, iss)
    } else {
        constant_time_eq(iss.as_bytes(), issuer.as_bytes())
    }
}

/// Checks the RFC 9207 `iss` parameter of an authorization response for `provider`: when the
/// provider sends one (its capabilities say so, once discovery has been read, which is no token
/// request), it must name the provider's issuer ([`callback_issuer_matches`]).
pub(crate) async fn check_callback_issuer(
    provider: &dyn OAuthProvider,
    http: &HttpClient,
    iss: Option<&str>,
) -> Result<(), Error> {
    provider.prepare(http).await?;
    if provider.capabilities().authorization_response_iss {
        let expected = provider.issuer().unwrap_or_default();
        if !iss.is_some_and(|iss| callback_issuer_matches(expected, iss)) {
            return Err(Error::IssuerMismatch);
        }
    }
    Ok(())
}

/// Whether `issuer` is `template` with `{tenantid}` replaced by one tenant id.
fn is_tenant_instance(template: &str, issuer: &str) -> bool {
    let Some((before, after)) = template.split_once("{tenantid}") else {
        return false;
    };
    issuer
        .strip_prefix(before)
        .and_then(|rest| rest.strip_suffix(after))
        .is_some_and(super::id_token::is_tenant_id)
}

/// `template` moved onto the origin (scheme, host and port) of `issuer`, so that a tenant
/// issuer template follows an issuer configured elsewhere (a national cloud, a local mock).
pub(crate) fn rebase_onto_origin(template: &str, issuer: &str) -> String {
    fn origin_len(url: &str) -> usize {
        let start = url.find("://").map_or(0, |i| i + 3);
        url[start..].find('/').map_or(url.len(), |i| start + i)
    }
    format!(
        "{}{}",
        &issuer[..origin_len(issuer)],
        &template[origin_len(template)..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tenant_template_accepts_one_tenant_in_its_place() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert!(is_tenant_instance(
            template,
            "https://login.microsoftonline.com/9188040d-6c67-4c5b-b112-36a304b66dad/v2.0"
        ));
        for other in [
            "https://login.microsoftonline.com/a/b/v2.0",
            "https://login.microsoftonline.com//v2.0",
            "https://evil.example/9188040d/v2.0",
            "https://login.microsoftonline.com/9188040d/v2.0/x",
        ] {
            assert!(!is_tenant_instance(template, other), "{other}");
        }
    }

    #[test]
    fn a_tenant_template_follows_the_configured_origin() {
        let template = "https://login.microsoftonline.com/{tenantid}/v2.0";
        assert_eq!(
            rebase_onto_origin(template, "http://127.0.0.1:4000/common/v2.0"),
            "http://127.0.0.1:4000/{tenantid}/v2.0"
        );
        assert_eq!(
            rebase_onto_origin(template, "https://login.microsoftonline.us/common/v2.0"),
            "https://login.microsoftonline.us/{tenantid}/v2.0"
        );
    }

    #[test]
    fn discovery_url_has_exactly_one_slash() {
        for issuer in [
            "https://id.example/realms/a",
            "https://id.example/realms/a/",
        ] {
            assert_eq!(
                discovery_url(issuer),
                "https://id.example/realms/a/.well-known/openid-configuration"
            );
        }
    }

    #[test]
    fn absent_auth_methods_mean_client_secret_basic() {
        let metadata: ProviderMetadata =
            serde_json::from_str(r#"{"issuer":"https://id.example"}"#).expect("parses");
        assert_eq!(metadata.token_auth_methods(), ["client_secret_basic"]);
        assert!(!metadata.supports_s256());
        assert!(!metadata.authorization_response_iss_parameter_supported);
    }
}
