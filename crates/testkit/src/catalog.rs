//! [`MockCatalog`]: one mock identity provider per spec of a catalog, each serving the spec's
//! [`SampleAccount`], for demos and end-to-end tests that log in with every provider.

use std::fmt;
use std::io;

use oauth_kit_core::spec::{ProviderSpec, SampleAccount};

use crate::config::Consent;
use crate::provider::{MockProvider, MockProviderConfig, sample_account};

/// The mock of one spec in a [`MockCatalog`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CatalogMock {
    /// A [`MockProvider`] in the spec's wire format; for an OpenID Connect spec (one with an
    /// [`OpenIdSpec`](oauth_kit_core::spec::OpenIdSpec)) it is also the spec's issuer, with
    /// discovery, a JWKS and signed ID tokens.
    Rest(MockProvider),
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
        }
    }

    /// The spec's variables that point its `from_env`/`from_lookup` at the mock:
    /// `{PREFIX}_CLIENT_ID` and `_CLIENT_SECRET`, and its endpoints (for an OpenID Connect spec
    /// `_ISSUER`, and the endpoints the spec pins instead of discovering them).
    pub fn env_vars(&self) -> Vec<(String, String)> {
        match &self.mock {
            CatalogMock::Rest(mock) => mock.env_vars(),
        }
    }
}

/// Mock identity providers for a whole catalog: for each spec, a [`MockProvider`] on its own
/// loopback port (for an OpenID Connect spec also its issuer), serving the spec's
/// [`SampleAccount`] (or [`STANDARD_ACCOUNT`](crate::STANDARD_ACCOUNT) when the spec
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
    /// Starts a mock for every spec. `consent` is how the mocks answer authorization requests
    /// ([`Consent::Interactive`] shows a consent page).
    ///
    /// # Errors
    ///
    /// When a mock cannot start (see [`MockProvider::start`]).
    pub async fn start(
        specs: impl IntoIterator<Item = &'static ProviderSpec>,
        consent: Consent,
    ) -> io::Result<Self> {
        let mut entries = Vec::new();
        for spec in specs {
            let config = MockProviderConfig::sample(spec).consent(consent);
            let mock = CatalogMock::Rest(MockProvider::start(spec, config).await.map_err(|e| {
                io::Error::new(e.kind(), format!("the mock of `{}`: {e}", spec.id))
            })?);
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
            }
        }
    }
}
