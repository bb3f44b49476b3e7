//! The OpenID Connect part of a spec, and what an instance keeps at run time: the discovered
//! endpoints and capabilities, the JWKS cache and the validation settings.

use std::fmt;
use std::sync::OnceLock;
use std::time::Duration;

use jsonwebtoken::DecodingKey;
use serde_json::{Map, Value};
use url::Url;

use super::Pkce;
use crate::endpoint::parse_endpoint;
use crate::error::{Error, ProviderContext, Stage};
use crate::http::{ClientAuth, HttpClient};
use crate::oauth2::OAuth2Client;
use crate::oidc::{
    DEFAULT_JWKS_MAX_AGE, IdTokenChecks, IdTokenError, IdTokenHeader, JwksCache, ProviderMetadata,
    SigningAlgorithm, fetch_metadata, rebase_onto_origin, verify_id_token,
};
use crate::provider::LoginContext;
use crate::token::OAuthToken;

/// How an OpenID Connect provider's user is built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OpenIdUserInfo {
    /// From the ID token's claims only.
    IdToken,
    /// From the ID token's claims merged with the user-info endpoint's answer (whose `sub` must
    /// be the same), whenever the spec pins a user-info endpoint or discovery lists one.
    Merge,
}

/// Which key verifies a provider's ID tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdTokenKey {
    /// A key of the issuer's JWKS, for one of the spec's
    /// [`algorithms`](OpenIdSpec::algorithms) (HS256 is never among them).
    Jwks,
    /// HS256 keyed with the instance's client secret, and no other algorithm: LINE's web login
    /// signs its ID tokens so, although its discovery document names ES256 (the algorithm of
    /// its SDK's tokens). The spec's `algorithms` are then ignored and the JWKS is not used.
    /// Only a spec that declares it accepts an HMAC-signed ID token.
    ClientSecretHs256,
}

/// The OpenID Connect description of a provider: where its issuer is and how its ID tokens are
/// checked. Endpoints left empty in the [`ProviderSpec`](super::ProviderSpec) are taken from
/// the issuer's discovery document, and so are PKCE support with [`Pkce::FromDiscovery`] and
/// RFC 9207 `iss` support.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OpenIdSpec {
    /// The issuer (a template: `{base}` and the spec's parameters are replaced). `None`: every
    /// instance configures it with `{PREFIX}_ISSUER` (or
    /// [`ProviderBuilder::issuer`](super::ProviderBuilder::issuer)).
    pub issuer: Option<&'static str>,
    /// An issuer template with `{tenantid}` that the discovery document may name instead of the
    /// configured issuer (or name with one tenant id in its place); each ID token's `iss` must
    /// then equal what discovery named, with `{tenantid}` replaced by the token's `tid`
    /// (Microsoft's multi-tenant endpoints). The template is moved onto the origin of the
    /// instance's issuer, so it follows an issuer configured on another host.
    pub tenant_issuer: Option<&'static str>,
    /// The signature algorithms accepted for ID tokens, a subset of
    /// [`SigningAlgorithm::DEFAULT_ALLOWED`].
    pub algorithms: &'static [SigningAlgorithm],
    /// Whether the user-info endpoint is merged into the claims.
    pub user_info: OpenIdUserInfo,
    /// Whether token requests use the first of `client_secret_basic` and `client_secret_post`
    /// that discovery lists, instead of the spec's `client_auth`.
    pub client_auth_from_discovery: bool,
    /// The JWKS URL (template) when the provider publishes no discovery `jwks_uri`.
    pub jwks_url: Option<&'static str>,
    /// Which key verifies ID tokens: the issuer's JWKS, or (LINE) the client secret with HS256.
    pub id_token_key: IdTokenKey,
}

impl OpenIdSpec {
    /// The defaults: issuer configured per instance, every allowed algorithm with the issuer's
    /// JWKS, claims merged with the user-info endpoint, client authentication from discovery.
    pub const DEFAULT: OpenIdSpec = OpenIdSpec {
        issuer: None,
        tenant_issuer: None,
        algorithms: SigningAlgorithm::DEFAULT_ALLOWED,
        user_info: OpenIdUserInfo::Merge,
        client_auth_from_discovery: true,
        jwks_url: None,
        id_token_key: IdTokenKey::Jwks,
    };
}

/// The endpoints an instance pins (from the spec's templates or the configuration); the rest
/// come from discovery.
#[derive(Debug, Clone, Default)]
pub(super) struct Pinned {
    pub(super) authorize: Option<Url>,
    pub(super) token: Option<Url>,
    pub(super) user_info: Option<Url>,
    pub(super) revocation: Option<Url>,
    pub(super) jwks: Option<Url>,
}

/// The run-time OpenID Connect state of one instance, shared by its clones.
pub(super) struct OpenIdState {
    pub(super) spec: OpenIdSpec,
    pub(super) pkce: Pkce,
    pub(super) issuer: String,
    pub(super) allow_http: bool,
    pub(super) pinned: Pinned,
    pub(super) refetch_interval: Duration,
    pub(super) jwks_max_age: Duration,
    pub(super) leeway: Duration,
    discovered: OnceLock<Discovered>,
    discovering: tokio::sync::Mutex<()>,
}

/// What discovery produced.
pub(super) struct Discovered {
    pub(super) metadata: ProviderMetadata,
    pub(super) oauth: OAuth2Client,
    pub(super) user_info: Option<Url>,
    pub(super) pkce: bool,
    pub(super) jwks: JwksCache,
}

impl fmt::Debug for OpenIdState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpenId")
            .field("issuer", &self.issuer)
            .field("discovered", &self.discovered.get().is_some())
            .field("refetch_interval", &self.refetch_interval)
            .field("jwks_max_age", &self.jwks_max_age)
            .field("leeway", &self.leeway)
            .finish_non_exhaustive()
    }
}

impl OpenIdState {
    pub(super) fn new(
        spec: OpenIdSpec,
        pkce: Pkce,
        issuer: String,
        allow_http: bool,
        pinned: Pinned,
        refetch_interval: Duration,
        leeway: Duration,
    ) -> Self {
        Self {
            spec,
            pkce,
            issuer,
            allow_http,
            pinned,
            refetch_interval,
            jwks_max_age: DEFAULT_JWKS_MAX_AGE,
            leeway,
            discovered: OnceLock::new(),
            discovering: tokio::sync::Mutex::new(()),
        }
    }

    /// Sets how long a fetched JWKS is used.
    pub(super) fn with_jwks_max_age(mut self, max_age: Duration) -> Self {
        self.jwks_max_age = max_age;
        self
    }

    /// The discovery result, if discovery has run.
    pub(super) fn discovered(&self) -> Option<&Discovered> {
        self.discovered.get()
    }

    /// Runs discovery once (concurrent callers wait for the same request); a failure is not
    /// cached, so the next login tries again.
    pub(super) async fn discover(
        &self,
        http: &HttpClient,
        provider: &str,
        template: &OAuth2Client,
    ) -> Result<&Discovered, Error> {
        if let Some(done) = self.discovered.get() {
            return Ok(done);
        }
        let _single_flight = self.discovering.lock().await;
        if let Some(done) = self.discovered.get() {
            return Ok(done);
        }
        let tenant_issuer = self
            .spec
            .tenant_issuer
            .map(|template| rebase_onto_origin(template, &self.issuer));
        let metadata =
            fetch_metadata(http, provider, &self.issuer, tenant_issuer.as_deref()).await?;
        let discovered = self.resolve(metadata, template)?;
        tracing::debug!(provider, issuer = %self.issuer, "OpenID Connect discovery done");
        Ok(self.discovered.get_or_init(|| discovered))
    }

    fn resolve(
        &self,
        metadata: ProviderMetadata,
        template: &OAuth2Client,
    ) -> Result<Discovered, Error> {
        let endpoint = |pinned: &Option<Url>, value: &Option<String>, member: &str| {
            if let Some(url) = pinned {
                return Ok(Some(url.clone()));
            }
            value
                .as_deref()
                .filter(|v| !v.trim().is_empty())
                .map(|v| {
                    parse_endpoint(
                        &format!("discovery document `{member}` of {}", self.issuer),
                        v,
                        self.allow_http,
                    )
                })
                .transpose()
        };
        let required = |url: Option<Url>, member: &str| {
            url.ok_or_else(|| {
                Error::config(
                    format!("discovery document of {}", self.issuer),
                    format!("`{member}` is missing"),
                )
            })
        };
        let authorize = required(
            endpoint(
                &self.pinned.authorize,
                &metadata.authorization_endpoint,
                "authorization_endpoint",
            )?,
            "authorization_endpoint",
        )?;
        let token = required(
            endpoint(
                &self.pinned.token,
                &metadata.token_endpoint,
                "token_endpoint",
            )?,
            "token_endpoint",
        )?;
        let jwks = required(
            endpoint(&self.pinned.jwks, &metadata.jwks_uri, "jwks_uri")?,
            "jwks_uri",
        )?;
        let user_info = endpoint(
            &self.pinned.user_info,
            &metadata.userinfo_endpoint,
            "userinfo_endpoint",
        )?;
        let revocation = endpoint(
            &self.pinned.revocation,
            &metadata.revocation_endpoint,
            "revocation_endpoint",
        )?;

        let mut oauth = template.with_endpoints(authorize, token);
        if self.spec.client_auth_from_discovery
            && matches!(
                oauth.client_auth(),
                ClientAuth::Basic | ClientAuth::FormBody
            )
        {
            let auth = metadata
                .token_auth_methods()
                .into_iter()
                .find_map(|m| match m {
                    "client_secret_basic" => Some(ClientAuth::Basic),
                    "client_secret_post" => Some(ClientAuth::FormBody),
                    _ => None,
                })
                .ok_or_else(|| {
                    Error::config(
                        format!("discovery document of {}", self.issuer),
                        "`token_endpoint_auth_methods_supported` lists neither \
                         client_secret_basic nor client_secret_post",
                    )
                })?;
            oauth = oauth.with_client_auth(auth);
        }
        if let Some(revocation) = revocation {
            oauth = oauth.with_revocation_url(revocation);
        }
        let pkce = match self.pkce {
            Pkce::Unsupported => false,
            Pkce::FromDiscovery => metadata.supports_s256(),
            _ => true,
        };
        Ok(Discovered {
            oauth,
            user_info,
            pkce,
            jwks: JwksCache::new(jwks)
                .with_refetch_interval(self.refetch_interval)
                .with_max_age(self.jwks_max_age),
            metadata,
        })
    }

    /// Validates the ID token of `token` (with the issuer's JWKS, or with the client secret
    /// for [`IdTokenKey::ClientSecretHs256`]) and returns its claims (without `nonce` and the
    /// hashes, which mean nothing to the application).
    pub(super) async fn claims(
        &self,
        discovered: &Discovered,
        http: &HttpClient,
        token: &OAuthToken,
        login: &LoginContext<'_>,
    ) -> Result<Map<String, Value>, Error> {
        let oauth = &discovered.oauth;
        let (provider, client_id) = (oauth.provider(), oauth.client_id());
        let context = ProviderContext::new(provider, Stage::IdToken);
        let fail = |kind: IdTokenError| Error::IdToken {
            context: context.clone(),
            kind,
        };
        let id_token = token
            .id_token
            .as_ref()
            .ok_or_else(|| fail(IdTokenError::Missing))?
            .secret();
        let (header, key) = match self.spec.id_token_key {
            IdTokenKey::ClientSecretHs256 => {
                let header =
                    IdTokenHeader::parse(id_token, &[SigningAlgorithm::HS256]).map_err(fail)?;
                let secret = oauth.client_secret().secret().trim();
                if secret.is_empty() {
                    return Err(fail(IdTokenError::InvalidSignature));
                }
                let key = DecodingKey::from_secret(secret.as_bytes())
                    .map_err(|_| fail(IdTokenError::InvalidSignature))?;
                (header, key)
            }
            IdTokenKey::Jwks => {
                let header = IdTokenHeader::parse(id_token, self.spec.algorithms)
                    .and_then(|h| match h.alg {
                        SigningAlgorithm::HS256 => Err(IdTokenError::AlgorithmNotAllowed {
                            alg: h.alg.as_str().to_owned(),
                        }),
                        _ => Ok(h),
                    })
                    .map_err(fail)?;
                let key = discovered
                    .jwks
                    .key_for(http, provider, &header)
                    .await?
                    .ok_or_else(|| fail(IdTokenError::UnknownKey))?;
                (header, key)
            }
        };
        let checks = IdTokenChecks::new(&discovered.metadata.issuer, client_id)
            .nonce(login.nonce.map(|n| n.secret()))
            .access_token(Some(token.access_token.secret()))
            .leeway(self.leeway);
        let mut claims = verify_id_token(id_token, &header, &key, &checks).map_err(fail)?;
        for member in ["nonce", "at_hash", "c_hash"] {
            claims.remove(member);
        }
        Ok(claims)
    }
}
