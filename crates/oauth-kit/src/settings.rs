//! Provider credentials read from the environment (or set in code), and the registry built from
//! them by iterating the [catalog](crate::catalog).

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use oauth_kit_core::spec::ProviderSpec;
use oauth_kit_core::{ClientSecret, Error, ProviderRegistry, SpecProvider};

/// A lookup of configuration variables by name.
type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The settings of every provider in the [catalog](crate::catalog) (the providers whose feature
/// is enabled), as one object: values set in code win over the environment (or another lookup).
///
/// A provider is registered when both its client id and secret are set (`{PREFIX}_CLIENT_ID`,
/// `{PREFIX}_CLIENT_SECRET`), skipped when neither is, and reported as half-configured
/// otherwise: [`registry`](Self::registry) lists every half-configured provider in one error.
/// `Debug` redacts the secrets.
///
/// The seed's single configuration object, in code:
///
/// ```
/// # #[cfg(feature = "bitbucket")] {
/// use oauth_kit::{ClientSecret, ProviderSettings};
///
/// let settings = ProviderSettings::new()
///     .client_id("bitbucket", "bbClientKey123")
///     .client_secret("bitbucket", ClientSecret::new("bbClientSecret456"))
///     .scope("bitbucket", "account email");
/// let registry = settings.registry()?;
/// assert_eq!(registry.names().collect::<Vec<_>>(), ["bitbucket"]);
/// # }
/// # Ok::<(), oauth_kit::Error>(())
/// ```
#[derive(Clone)]
pub struct ProviderSettings {
    values: BTreeMap<String, Value>,
    lookup: Option<Lookup>,
}

/// A value set in code.
#[derive(Clone)]
enum Value {
    Plain(String),
    Secret(ClientSecret),
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut map = f.debug_map();
        for (name, value) in &self.values {
            match value {
                Value::Plain(v) => map.entry(name, v),
                Value::Secret(s) => map.entry(name, s),
            };
        }
        map.finish()
    }
}

impl Default for ProviderSettings {
    fn default() -> Self {
        Self::new()
    }
}

impl ProviderSettings {
    /// Settings with nothing set and no environment: only what is set in code counts.
    pub fn new() -> Self {
        Self {
            values: BTreeMap::new(),
            lookup: None,
        }
    }

    /// Reads every catalog provider's variables from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (for tests and other configuration sources).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        Self {
            values: BTreeMap::new(),
            lookup: Some(Arc::new(lookup)),
        }
    }

    /// Sets any variable of a provider by its full name (`GITLAB_BASE_URL`, `BITBUCKET_API_URL`).
    pub fn set(mut self, variable: impl Into<String>, value: impl Into<String>) -> Self {
        let variable = variable.into();
        let value = value.into();
        let value = if variable.ends_with("_SECRET") {
            Value::Secret(ClientSecret::new(value))
        } else {
            Value::Plain(value)
        };
        self.values.insert(variable, value);
        self
    }

    /// Sets the client id of the catalog provider `id` (`{PREFIX}_CLIENT_ID`).
    pub fn client_id(self, id: &str, value: impl Into<String>) -> Self {
        let variable = prefixed(id, "CLIENT_ID");
        self.set(variable, value)
    }

    /// Sets the client secret of the catalog provider `id` (`{PREFIX}_CLIENT_SECRET`).
    pub fn client_secret(mut self, id: &str, secret: ClientSecret) -> Self {
        self.values
            .insert(prefixed(id, "CLIENT_SECRET"), Value::Secret(secret));
        self
    }

    /// Sets the scopes of the catalog provider `id` (`{PREFIX}_SCOPE`), separated by spaces or
    /// commas.
    pub fn scope(self, id: &str, value: impl Into<String>) -> Self {
        let variable = prefixed(id, "SCOPE");
        self.set(variable, value)
    }

    /// The value of `variable`: set in code, else from the lookup; empty counts as unset.
    fn get(&self, variable: &str) -> Option<String> {
        let value = match self.values.get(variable) {
            Some(Value::Plain(v)) => Some(v.clone()),
            Some(Value::Secret(s)) => Some(s.secret().to_owned()),
            None => self.lookup.as_ref().and_then(|lookup| lookup(variable)),
        };
        value.filter(|v| !v.trim().is_empty())
    }

    /// Builds the registry of every fully configured catalog provider.
    ///
    /// Fails with one [`Error::Config`] naming every half-configured provider's missing
    /// variable, or the first invalid value of a configured provider.
    pub fn registry(&self) -> Result<ProviderRegistry, Error> {
        let mut registry = ProviderRegistry::new();
        let mut missing: Vec<String> = Vec::new();
        for spec in crate::catalog() {
            let id = spec.env_var("CLIENT_ID");
            let secret = spec.env_var("CLIENT_SECRET");
            // A spec that can sign its own client secret (Apple) may read its key instead of
            // a secret; its reader names what is missing.
            let signs_its_secret = spec.assertion_from_env.is_some();
            match (self.get(&id).is_some(), self.get(&secret).is_some()) {
                (true, has_secret) if has_secret || signs_its_secret => {
                    let provider = SpecProvider::from_lookup(spec, |name| self.get(name))?;
                    registry.register(provider)?;
                }
                (true, _) => missing.push(secret),
                (false, true) => missing.push(id),
                (false, false) => {}
            }
        }
        if missing.is_empty() {
            Ok(registry)
        } else {
            Err(Error::config(
                missing.join(", "),
                "half-configured provider: set both the client id and the client secret, or \
                 neither to leave the provider out",
            ))
        }
    }
}

/// `{PREFIX}_{suffix}` of the catalog provider `id`, or of an upper-cased `id` when the catalog
/// has no such provider (its feature is off).
fn prefixed(id: &str, suffix: &str) -> String {
    crate::catalog()
        .into_iter()
        .find(|spec: &&ProviderSpec| spec.id == id)
        .map(|spec| spec.env_var(suffix))
        .unwrap_or_else(|| format!("{}_{suffix}", id.to_ascii_uppercase().replace('-', "_")))
}

#[cfg(all(test, feature = "bitbucket"))]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn settings(vars: &[(&str, &str)]) -> ProviderSettings {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        ProviderSettings::from_lookup(move |name| map.get(name).cloned())
    }

    #[test]
    fn fully_configured_provider_is_registered() {
        let registry = settings(&[
            ("BITBUCKET_CLIENT_ID", "key"),
            ("BITBUCKET_CLIENT_SECRET", "secret"),
        ])
        .registry()
        .expect("configured");
        assert_eq!(registry.names().collect::<Vec<_>>(), ["bitbucket"]);
    }

    #[test]
    fn unconfigured_provider_is_left_out() {
        assert!(settings(&[]).registry().expect("empty is fine").is_empty());
    }

    #[test]
    fn half_configured_provider_is_reported_by_variable() {
        let err = settings(&[("BITBUCKET_CLIENT_ID", "key")])
            .registry()
            .expect_err("half");
        assert!(
            matches!(err, Error::Config { ref setting, .. } if setting == "BITBUCKET_CLIENT_SECRET")
        );
    }

    #[test]
    fn endpoint_overrides_are_read_through_the_lookup() {
        let err = settings(&[
            ("BITBUCKET_CLIENT_ID", "key"),
            ("BITBUCKET_CLIENT_SECRET", "secret"),
            ("BITBUCKET_TOKEN_URL", "not a url"),
        ])
        .registry()
        .expect_err("invalid URL");
        assert!(
            matches!(err, Error::Config { ref setting, .. } if setting == "BITBUCKET_TOKEN_URL")
        );
    }

    #[test]
    fn values_set_in_code_win_over_the_environment() {
        let registry = settings(&[
            ("BITBUCKET_CLIENT_ID", "env-key"),
            ("BITBUCKET_CLIENT_SECRET", "env-secret"),
            ("BITBUCKET_NAME", "bb"),
        ])
        .client_id("bitbucket", "code-key")
        .scope("bitbucket", "account")
        .registry()
        .expect("configured");
        let provider = registry
            .get("bb")
            .expect("registered under its instance name");
        assert_eq!(provider.default_scopes(), ["account", "email"]);
        assert!(format!("{provider:?}").contains("code-key"));
    }

    #[test]
    fn debug_redacts_the_secret() {
        let s = settings(&[
            ("BITBUCKET_CLIENT_ID", "key"),
            ("BITBUCKET_CLIENT_SECRET", "top-secret-value"),
        ])
        .client_secret("bitbucket", ClientSecret::new("code-secret-value"))
        .set("BITBUCKET_CLIENT_SECRET", "set-secret-value");
        let printed = format!("{s:?}");
        assert!(!printed.contains("secret-value"), "{printed}");
    }
}
