//! [`MockCatalog`]: one mock identity provider per spec of a catalog, each serving the spec's
//! [`SampleAccount`], for demos and end-to-end tests that log in with every provider.

use std::fmt;
use std::io;

use oauth_kit_core::spec::{ProviderSpec, SampleAccount};
use serde_json::Value;

use crate::config::Consent;
use crate::oidc::{MockOidc, OidcConfig};
use crate::provider::{MockProvider, MockProviderConfig, sample_account};

/// The mock of one spec in a [`MockCatalog`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CatalogMock {
    /// A [`MockProvider`] in the spec's wire format, for an OAuth 2.0 spec.
    Rest(MockProvider),
    /// A [`MockOidc`] issuer, for an OpenID Connect spec (one with an
    /// [`OpenIdSpec`](oauth_kit_core::spec::OpenIdSpec)).
    OpenId(MockOidc),
}

/// One spec of a [`MockCatalog`] with its running mock.
#[derive(Clone)]
pub struct CatalogEntry {
    spec: &'static ProviderSpec,
    mock: CatalogMock,
}

impl fmt::Debug for CatalogEntry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CatalogEntry")
            .field("spec", &self.spec.id)
            .field("mock", &self.mock)
            .finish()
    }
}

impl CatalogEntry {
    /// The spec.
    pub fn spec(&self) -> &'static ProviderSpec {
        self.spec
    }

    /// The running mock.
    pub fn mock(&self) -> &CatalogMock {
        &self.mock
    }

    /// The account the mock logs in: the spec's [`SampleAccount`], else
    /// [`STANDARD_ACCOUNT`](crate::STANDARD_ACCOUNT).
    pub fn account(&self) -> SampleAccount {
        sample_account(self.spec)
    }

    /// The server's origin, `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> String {
        match &self.mock {
            CatalogMock::Rest(mock) => mock.base_url(),
            CatalogMock::OpenId(mock) => mock.base_url(),
        }
    }

    /// The spec's variables that point its `from_env`/`from_lookup` at the mock:
    /// `{PREFIX}_CLIENT_ID` and `_CLIENT_SECRET`, and its endpoints (for an OpenID Connect spec
    /// `_ISSUER`, and the endpoints the spec pins instead of discovering them).
    pub fn env_vars(&self) -> Vec<(String, String)> {
        match &self.mock {
            CatalogMock::Rest(mock) => mock.env_vars(),
            CatalogMock::OpenId(mock) => openid_env_vars(self.spec, mock),
        }
    }
}

/// The variables that point an OpenID Connect spec at a mock issuer.
fn openid_env_vars(spec: &ProviderSpec, mock: &MockOidc) -> Vec<(String, String)> {
    let mut vars = vec![
        ("CLIENT_ID".to_owned(), mock.client_id()),
        ("CLIENT_SECRET".to_owned(), mock.client_secret()),
        ("ISSUER".to_owned(), mock.issuer()),
    ];
    // A self-hosted-only spec needs a base URL even when every endpoint is discovered.
    if spec.base_url == Some("") {
        vars.push(("BASE_URL".to_owned(), mock.base_url()));
    }
    let pinned = [
        (
            spec.authorization_url,
            "AUTHORIZE_URL",
            mock.authorize_url(),
        ),
        (spec.token_url, "TOKEN_URL", mock.token_url()),
        (spec.user_info_url, "USERINFO_URL", mock.userinfo_url()),
    ];
    for (template, suffix, url) in pinned {
        if !template.is_empty() {
            vars.push((suffix.to_owned(), url));
        }
    }
    for param in spec.params.iter().filter(|p| p.default.is_none()) {
        vars.push((
            param.name.to_ascii_uppercase(),
            format!("mock-{}", param.name),
        ));
    }
    vars.into_iter()
        .map(|(suffix, value)| (spec.env_var(&suffix), value))
        .collect()
}

/// Mock identity providers for a whole catalog: for each spec, a [`MockProvider`] (OAuth 2.0
/// specs) or a [`MockOidc`] issuer (OpenID Connect specs) on its own loopback port, serving the
/// spec's [`SampleAccount`] (or [`STANDARD_ACCOUNT`](crate::STANDARD_ACCOUNT) when the spec
/// has none). [`env_vars`](Self::env_vars) points every provider of the catalog at its mock.
///
/// Nothing here is specific to a provider: a spec added to the catalog is served from its own
/// data.
///
/// ```
/// use oauth_kit_core::ProviderSpec;
/// use oauth_kit_testkit::{Consent, MockCatalog};
///
/// static ACME: ProviderSpec = ProviderSpec {
///     id: "acme",
///     title: "Acme",
///     env_prefix: "ACME",
///     authorization_url: "https://id.acme.example/authorize",
///     token_url: "https://id.acme.example/token",
///     api_url: "https://api.acme.example",
///     user_info_url: "{api}/userinfo",
///     ..ProviderSpec::DEFAULT
/// };
///
/// #[tokio::main(flavor = "current_thread")]
/// async fn main() -> std::io::Result<()> {
///     let mocks = MockCatalog::start([&ACME], Consent::AutoApprove).await?;
///     let acme = mocks.get("acme").expect("started");
///     // ACME has no sample: the mock serves the standard claims.
///     assert_eq!(acme.account().oauth_id, "248289761001");
///     assert!(mocks.env_vars().iter().any(|(name, _)| name == "ACME_TOKEN_URL"));
///     Ok(())
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct MockCatalog {
    entries: Vec<CatalogEntry>,
}

impl MockCatalog {
    /// Starts a mock for every spec. `consent` is how the REST mocks answer authorization
    /// requests ([`Consent::Interactive`] shows a consent page); the OpenID Connect issuers
    /// approve at once.
    ///
    /// # Errors
    ///
    /// When a mock cannot start (see [`MockProvider::start`] and [`MockOidc::start_with`]),
    /// or the sample user of an OpenID Connect spec is not a JSON object with a `sub`.
    pub async fn start(
        specs: impl IntoIterator<Item = &'static ProviderSpec>,
        consent: Consent,
    ) -> io::Result<Self> {
        let mut entries = Vec::new();
        for spec in specs {
            let mock = if spec.openid_spec().is_some() {
                CatalogMock::OpenId(start_issuer(spec).await?)
            } else {
                let config = MockProviderConfig::sample(spec).consent(consent);
                CatalogMock::Rest(MockProvider::start(spec, config).await.map_err(|e| {
                    io::Error::new(e.kind(), format!("the mock of `{}`: {e}", spec.id))
                })?)
            };
            entries.push(CatalogEntry { spec, mock });
        }
        Ok(Self { entries })
    }

    /// Every spec with its mock, in the order given.
    pub fn entries(&self) -> &[CatalogEntry] {
        &self.entries
    }

    /// The entry of the spec with this id.
    pub fn get(&self, id: &str) -> Option<&CatalogEntry> {
        self.entries.iter().find(|entry| entry.spec.id == id)
    }

    /// The variables of every spec ([`CatalogEntry::env_vars`]).
    pub fn env_vars(&self) -> Vec<(String, String)> {
        self.entries
            .iter()
            .flat_map(CatalogEntry::env_vars)
            .collect()
    }

    /// A lookup over [`env_vars`](Self::env_vars), for `from_lookup`.
    pub fn env_lookup(&self) -> impl Fn(&str) -> Option<String> + Send + Sync + 'static {
        let vars = self.env_vars();
        move |name| vars.iter().find(|(n, _)| n == name).map(|(_, v)| v.clone())
    }

    /// Stops every mock.
    pub fn shutdown(&self) {
        for entry in &self.entries {
            match &entry.mock {
                CatalogMock::Rest(mock) => mock.shutdown(),
                CatalogMock::OpenId(mock) => mock.shutdown(),
            }
        }
    }
}

/// A mock issuer whose user has the spec's sample claims.
async fn start_issuer(spec: &'static ProviderSpec) -> io::Result<MockOidc> {
    let account = sample_account(spec);
    let user: Value = serde_json::from_str(account.user).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the sample user of `{}` is not JSON: {e}", spec.id),
        )
    })?;
    if user.get("sub").is_none() {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("the sample claims of `{}` have no `sub`", spec.id),
        ));
    }
    MockOidc::start_with(OidcConfig {
        user,
        ..OidcConfig::default()
    })
    .await
    .map_err(|e| io::Error::new(e.kind(), format!("the mock issuer of `{}`: {e}", spec.id)))
}
