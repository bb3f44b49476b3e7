//! What a mock speaks: the endpoints it serves on its own address and the protocol choices of
//! the provider it stands in for, resolved once at start-up from a [`ProviderSpec`] (or, for
//! [`MockBitbucket`](crate::MockBitbucket), from Bitbucket Cloud's fixed layout).

use oauth_kit_core::spec::{HeaderSource, OpenIdUserInfo, Pkce, ProviderSpec, UserSource};
use oauth_kit_core::{ClientAuth, RevocationMethod, TokenEncoding, TokenQuirks};
use url::Url;

/// The response shapes a mock uses where providers differ in more than data: Bitbucket's exact
/// bodies (key order, error envelopes, emails pagination), or the generic shapes derived from a
/// spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// Bitbucket Cloud, byte for byte as the reference fixtures show it.
    Bitbucket,
    /// Any provider spec: RFC 6749 bodies, the spec's token quirks, fixtures for the API.
    Spec,
}

/// The resolved wire format of one mock.
#[derive(Debug, Clone)]
pub(crate) struct Wire {
    /// How bodies are shaped.
    pub(crate) dialect: Dialect,
    /// The provider's name for people (`Bitbucket`), shown on the mock's pages.
    pub(crate) title: String,
    /// The authorization endpoint on the mock, with the template's own query if it has one.
    pub(crate) authorize: Url,
    /// The token endpoint on the mock.
    pub(crate) token: Url,
    /// The API base on the mock, if the provider has an API.
    pub(crate) api: Option<Url>,
    /// The user-info endpoint on the mock; `None` when the user comes in the token response.
    pub(crate) user_info: Option<Url>,
    /// Whether the user-info endpoint is called with POST.
    pub(crate) user_post: bool,
    /// The spec's further named endpoints on the mock.
    pub(crate) extra: Vec<(&'static str, Url)>,
    /// The revocation endpoint on the mock, when the provider has one that can be pointed at
    /// the mock (its template is under `{base}` or `{api}`).
    pub(crate) revocation: Option<Url>,
    /// How tokens are revoked there.
    pub(crate) revocation_method: RevocationMethod,
    /// How clients must authenticate at the token endpoint.
    pub(crate) client_auth: ClientAuth,
    /// How token requests carry their parameters.
    pub(crate) token_encoding: TokenEncoding,
    /// PKCE support.
    pub(crate) pkce: Pkce,
    /// How token responses are written.
    pub(crate) quirks: TokenQuirks,
    /// The separator between scopes in the authorization request.
    pub(crate) scope_separator: char,
    /// Where clients read the user.
    pub(crate) user_source: UserSource,
    /// Headers user-info requests must carry, with their expected values.
    pub(crate) user_headers: Vec<(&'static str, String)>,
    /// Where the message goes in a generic API error body (a JSON pointer).
    pub(crate) error_pointer: &'static str,
    /// Whether the refresh-token grant is offered.
    pub(crate) refresh: bool,
    /// The client-credentials grant (RFC 6749 section 4.4).
    pub(crate) client_credentials: bool,
    /// The RFC 8628 device authorization endpoint, if the mock serves one.
    pub(crate) device_authorization: Option<Url>,
    /// Whether providers are pointed at the mock with a base URL (self-hostable specs).
    pub(crate) self_hosted: bool,
    /// Whether providers need an explicit user-info URL (its template is not under the API or
    /// base URL).
    pub(crate) user_info_override: bool,
    /// The template parameters the mock resolved, given to providers pointed at it.
    pub(crate) params: Vec<(&'static str, String)>,
    /// The OpenID Connect issuer the mock plays, for specs with an OpenID Connect part.
    pub(crate) openid: Option<WireOpenId>,
}

/// The OpenID Connect side of a spec's mock.
#[derive(Debug, Clone)]
pub(crate) struct WireOpenId {
    /// The issuer on the mock, byte for byte as the spec writes it (a trailing `/` kept).
    pub(crate) issuer: String,
}

/// Where a spec's OpenID Connect endpoints live on the mock when the spec leaves them to
/// discovery.
const OPENID_AUTHORIZE: &str = "/openid/authorize";
const OPENID_TOKEN: &str = "/openid/token";
const OPENID_USERINFO: &str = "/openid/userinfo";
pub(crate) const OPENID_JWKS: &str = "/openid/jwks";

impl Wire {
    /// Bitbucket Cloud's layout on the mock at `base`.
    pub(crate) fn bitbucket(base: &Url) -> Result<Self, String> {
        let at = |path: &str| join(base, path);
        Ok(Self {
            dialect: Dialect::Bitbucket,
            title: "Bitbucket".to_owned(),
            authorize: at("/site/oauth2/authorize")?,
            token: at("/site/oauth2/access_token")?,
            api: Some(at("/2.0")?),
            user_info: Some(at("/2.0/user")?),
            user_post: false,
            extra: vec![("emails", at("/2.0/user/emails")?)],
            revocation: None,
            revocation_method: RevocationMethod::Rfc7009,
            client_auth: ClientAuth::Basic,
            token_encoding: TokenEncoding::Form,
            pkce: Pkce::Unsupported,
            quirks: TokenQuirks::STRICT.scope_field("scopes"),
            scope_separator: ' ',
            user_source: UserSource::Get,
            user_headers: Vec::new(),
            error_pointer: "/error/message",
            refresh: true,
            client_credentials: true,
            // Not Bitbucket's: a generic RFC 8628 endpoint the mock adds.
            device_authorization: Some(at("/site/oauth2/device_authorization")?),
            self_hosted: false,
            user_info_override: false,
            params: Vec::new(),
            openid: None,
        })
    }

    /// The layout of `spec` on the mock at `base`: every template is resolved (`{base}` is the
    /// mock, `{api}` the spec's API base moved onto the mock, `{client_id}` the mock's client
    /// id, each parameter its configured value, its default, or `mock-{name}`), then moved onto
    /// the mock's origin keeping its path.
    pub(crate) fn from_spec(
        spec: &'static ProviderSpec,
        base: &Url,
        client_id: &str,
        params: &[(String, String)],
    ) -> Result<Self, String> {
        if let Some((name, _)) = params
            .iter()
            .find(|(n, _)| !spec.params.iter().any(|p| p.name == n))
        {
            return Err(format!("{} has no template parameter `{name}`", spec.id));
        }
        // An instance sets exactly one parameter of a choice: the first unless one is given.
        let chosen = spec
            .authorize_choice
            .iter()
            .find(|name| params.iter().any(|(n, v)| n == *name && !v.is_empty()))
            .or(spec.authorize_choice.first());
        let mut resolved: Vec<(&'static str, String)> = Vec::new();
        for param in spec.params {
            let value = params
                .iter()
                .rev()
                .find(|(n, _)| n == param.name)
                .map(|(_, v)| v.clone())
                .or_else(|| (chosen == Some(&param.name)).then(|| format!("mock-{}", param.name)))
                .or_else(|| param.default.map(str::to_owned))
                .unwrap_or_else(|| format!("mock-{}", param.name));
            resolved.push((param.name, value));
        }
        let mut vars: Vec<(String, String)> = resolved
            .iter()
            .map(|(n, v)| ((*n).to_owned(), v.clone()))
            .collect();
        vars.push((
            "client_id".to_owned(),
            percent_encoding::utf8_percent_encode(client_id, PATH_SEGMENT).to_string(),
        ));
        vars.push((
            "base".to_owned(),
            base.as_str().trim_end_matches('/').to_owned(),
        ));
        let self_hosted = spec.base_url.is_some();
        let api_template = match (self_hosted, spec.self_hosted_api_url) {
            (true, Some(template)) => template,
            _ => spec.api_url,
        };
        let api = if api_template.is_empty() {
            None
        } else {
            Some(resolve(api_template, &vars, base)?)
        };
        if let Some(api) = &api {
            vars.push((
                "api".to_owned(),
                api.as_str().trim_end_matches('/').to_owned(),
            ));
        }
        // A template the provider resolves against its API or base URL follows the provider
        // to the mock; any other host cannot be redirected by configuration.
        let follows = |template: &str| {
            template.starts_with("{api}") || (self_hosted && template.starts_with("{base}"))
        };
        let token_source = matches!(spec.user_source, UserSource::TokenResponse(_));
        let openid_spec = spec.openid_spec();
        let origin = base.as_str().trim_end_matches('/').to_owned();
        // An OpenID Connect spec may leave endpoints to discovery: the mock serves them at
        // fixed paths and lists them in its discovery document.
        let or_discovered = |template: &'static str, path: &str| match (template, openid_spec) {
            ("", Some(_)) => format!("{origin}{path}"),
            _ => template.to_owned(),
        };
        let user_info_template = match openid_spec {
            Some(openid) if openid.user_info == OpenIdUserInfo::IdToken => String::new(),
            _ => or_discovered(spec.user_info_url, OPENID_USERINFO),
        };
        let user_info = if token_source || user_info_template.is_empty() {
            None
        } else {
            Some(resolve(&user_info_template, &vars, base)?)
        };
        let openid = match openid_spec {
            Some(openid) => {
                let template = openid.issuer.unwrap_or("{base}");
                let mut filled = template.to_owned();
                for (name, value) in &vars {
                    filled = filled.replace(&format!("{{{name}}}"), value);
                }
                if filled.contains(['{', '}']) {
                    return Err(format!(
                        "the issuer `{template}` has a placeholder the mock cannot fill"
                    ));
                }
                Some(WireOpenId {
                    issuer: onto_origin(&filled, &origin),
                })
            }
            None => None,
        };
        let mut extra = Vec::new();
        for (name, template) in spec.extra_endpoints {
            if !follows(template) {
                return Err(format!(
                    "the endpoint `{name}` of {} (`{template}`) is not under {{api}} or \
                     {{base}}, so a provider cannot be pointed at the mock for it",
                    spec.id
                ));
            }
            extra.push((*name, resolve(template, &vars, base)?));
        }
        let revocation = match spec.revocation_url {
            Some(template) if follows(template) => Some(resolve(template, &vars, base)?),
            _ => None,
        };
        let device_authorization = spec
            .device_authorization_url
            .map(|template| resolve(template, &vars, base))
            .transpose()?;
        let user_headers = spec
            .user_headers
            .iter()
            .map(|(name, source)| {
                let value = match source {
                    HeaderSource::Static(value) => (*value).to_owned(),
                    HeaderSource::ClientId => client_id.to_owned(),
                    // A header source added later is expected as the client id would be.
                    _ => client_id.to_owned(),
                };
                (*name, value)
            })
            .collect();
        Ok(Self {
            dialect: Dialect::Spec,
            title: if spec.title.is_empty() {
                spec.id.to_owned()
            } else {
                spec.title.to_owned()
            },
            authorize: resolve(
                &or_discovered(spec.authorization_url, OPENID_AUTHORIZE),
                &vars,
                base,
            )?,
            token: resolve(&or_discovered(spec.token_url, OPENID_TOKEN), &vars, base)?,
            api,
            user_info_override: user_info.is_some() && !follows(spec.user_info_url),
            user_info,
            user_post: matches!(spec.user_source, UserSource::Post | UserSource::PostJson(_)),
            extra,
            revocation,
            revocation_method: spec.revocation_method,
            client_auth: spec.client_auth,
            token_encoding: spec.token_encoding,
            pkce: spec.pkce,
            quirks: spec.token_quirks.clone(),
            scope_separator: spec.scope_separator,
            user_source: spec.user_source,
            user_headers,
            error_pointer: spec.error_message.first().copied().unwrap_or("/message"),
            refresh: spec.capabilities.refresh,
            client_credentials: spec.capabilities.client_credentials,
            device_authorization,
            self_hosted,
            params: resolved,
            openid,
        })
    }

    /// The path of the interactive consent page's form target.
    pub(crate) fn decision_path(&self) -> String {
        format!("{}/decision", self.authorize.path().trim_end_matches('/'))
    }

    /// The path of the page where users enter a device login's code.
    pub(crate) fn device_verification_path(&self) -> Option<String> {
        let device = self.device_authorization.as_ref()?;
        Some(match self.dialect {
            Dialect::Bitbucket => "/site/oauth2/device".to_owned(),
            Dialect::Spec => format!("{}/verify", device.path().trim_end_matches('/')),
        })
    }

    /// Whether the PKCE parameters of requests are checked at all.
    pub(crate) fn checks_pkce(&self) -> bool {
        self.dialect == Dialect::Spec && !matches!(self.pkce, Pkce::Unsupported)
    }

    /// Whether every authorization request must carry a PKCE challenge.
    pub(crate) fn requires_pkce(&self) -> bool {
        self.checks_pkce()
            && (matches!(self.pkce, Pkce::Required) || matches!(self.client_auth, ClientAuth::None))
    }

    /// The extra endpoint named `name`.
    pub(crate) fn extra_url(&self, name: &str) -> Option<&Url> {
        self.extra.iter().find(|(n, _)| *n == name).map(|(_, u)| u)
    }
}

/// Characters kept as they are when the client id fills a path segment.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `url` moved onto `origin` (no trailing `/`), keeping everything after its own origin byte
/// for byte: an issuer's trailing `/` survives.
fn onto_origin(url: &str, origin: &str) -> String {
    let start = url.find("://").map_or(0, |i| i + 3);
    let path_start = url[start..].find('/').map_or(url.len(), |i| start + i);
    format!("{origin}{}", &url[path_start..])
}

/// `path` on the mock at `base`.
fn join(base: &Url, path: &str) -> Result<Url, String> {
    base.join(path)
        .map_err(|e| format!("`{path}` is not a valid path on the mock: {e}"))
}

/// Fills a template's placeholders and moves the URL onto the mock's origin, keeping its path
/// and query.
fn resolve(template: &str, vars: &[(String, String)], base: &Url) -> Result<Url, String> {
    let mut filled = template.to_owned();
    for (name, value) in vars {
        filled = filled.replace(&format!("{{{name}}}"), value);
    }
    if filled.contains(['{', '}']) {
        return Err(format!(
            "`{template}` has a placeholder the mock cannot fill"
        ));
    }
    let url = Url::parse(&filled).map_err(|e| format!("`{filled}` is not a URL: {e}"))?;
    let mut moved = join(base, url.path())?;
    moved.set_query(url.query());
    Ok(moved)
}

/// Checks that `path` can be routed: absolute, and no segment that the router reads as a
/// parameter.
pub(crate) fn check_route(path: &str) -> Result<(), String> {
    if !path.starts_with('/') {
        return Err(format!("`{path}` does not start with a slash"));
    }
    if path
        .split('/')
        .any(|segment| segment.starts_with([':', '*']) || segment.contains(['{', '}']))
    {
        return Err(format!(
            "`{path}` has a segment the mock's router would read as a parameter"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use oauth_kit_core::spec::SpecParam;

    fn base() -> Url {
        Url::parse("http://127.0.0.1:4000").expect("valid")
    }

    static SELF_HOSTED: ProviderSpec = ProviderSpec {
        id: "forge",
        title: "Forge",
        env_prefix: "FORGE",
        base_url: Some("https://forge.example"),
        authorization_url: "{base}/login/oauth/authorize?tenant={tenant}",
        token_url: "{base}/login/oauth/access_token",
        api_url: "https://api.forge.example",
        self_hosted_api_url: Some("{base}/api/v3"),
        user_info_url: "{api}/user",
        extra_endpoints: &[("emails", "{api}/user/emails")],
        revocation_url: Some("https://elsewhere.example/revoke"),
        params: &[SpecParam {
            name: "tenant",
            default: None,
            help: "the tenant",
        }],
        user_headers: &[
            ("X-Version", HeaderSource::Static("2")),
            ("Client-Id", HeaderSource::ClientId),
        ],
        ..ProviderSpec::DEFAULT
    };

    #[test]
    fn spec_templates_resolve_onto_the_mock_keeping_paths_and_queries() {
        let wire = Wire::from_spec(&SELF_HOSTED, &base(), "cid", &[]).expect("resolves");
        assert_eq!(
            wire.authorize.as_str(),
            "http://127.0.0.1:4000/login/oauth/authorize?tenant=mock-tenant"
        );
        assert_eq!(
            wire.token.as_str(),
            "http://127.0.0.1:4000/login/oauth/access_token"
        );
        assert_eq!(
            wire.api.as_ref().map(Url::as_str),
            Some("http://127.0.0.1:4000/api/v3")
        );
        assert_eq!(
            wire.extra_url("emails").map(Url::as_str),
            Some("http://127.0.0.1:4000/api/v3/user/emails")
        );
        assert!(
            wire.revocation.is_none(),
            "another host cannot be redirected"
        );
        assert!(wire.self_hosted && !wire.user_info_override);
        assert_eq!(
            wire.user_headers,
            [
                ("X-Version", "2".to_owned()),
                ("Client-Id", "cid".to_owned())
            ]
        );
        assert_eq!(wire.decision_path(), "/login/oauth/authorize/decision");
    }

    #[test]
    fn configured_parameters_win_and_unknown_ones_are_refused() {
        let params = [("tenant".to_owned(), "acme".to_owned())];
        let wire = Wire::from_spec(&SELF_HOSTED, &base(), "cid", &params).expect("resolves");
        assert_eq!(wire.authorize.query(), Some("tenant=acme"));
        let unknown = [("realm".to_owned(), "x".to_owned())];
        assert!(Wire::from_spec(&SELF_HOSTED, &base(), "cid", &unknown).is_err());
    }

    static ISSUER: ProviderSpec = ProviderSpec {
        id: "issuer",
        title: "Issuer",
        env_prefix: "ISSUER",
        params: &[SpecParam {
            name: "tenant",
            default: Some("common"),
            help: "the tenant",
        }],
        openid: Some(oauth_kit_core::spec::OpenIdSpec {
            issuer: Some("https://login.example/{tenant}/v2.0/"),
            tenant_issuer: Some("https://login.example/{tenantid}/v2.0/"),
            ..oauth_kit_core::spec::OpenIdSpec::DEFAULT
        }),
        ..ProviderSpec::DEFAULT
    };

    #[test]
    fn an_openid_spec_gets_its_issuer_and_discovered_endpoints_on_the_mock() {
        let wire = Wire::from_spec(&ISSUER, &base(), "cid", &[]).expect("resolves");
        let openid = wire.openid.expect("an OpenID Connect mock");
        assert_eq!(openid.issuer, "http://127.0.0.1:4000/common/v2.0/");
        assert_eq!(
            wire.authorize.as_str(),
            "http://127.0.0.1:4000/openid/authorize"
        );
        assert_eq!(
            wire.user_info.as_ref().map(Url::as_str),
            Some("http://127.0.0.1:4000/openid/userinfo")
        );
    }

    #[test]
    fn routes_that_the_router_would_misread_are_refused() {
        assert!(check_route("/users/@me").is_ok());
        assert!(check_route("/a/:id").is_err());
        assert!(check_route("/a/*rest").is_err());
        assert!(check_route("relative").is_err());
    }
}
