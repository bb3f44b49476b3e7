//! Provider credentials read from the environment, and the registry built from them.

use std::fmt;

#[cfg(feature = "bitbucket")]
use oauth_kit_core::ClientSecret;
use oauth_kit_core::{Error, ProviderRegistry};

/// A lookup of configuration variables by name.
type Lookup = std::sync::Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// The credentials of every provider whose feature is enabled, as one settings object with
/// `bitbucket_client_id`, `bitbucket_client_secret` and `bitbucket_scope` fields.
///
/// A provider is registered when both its client id and secret are set, skipped when neither
/// is, and reported as half-configured otherwise: [`registry`](Self::registry) lists every
/// half-configured provider in one error. `Debug` redacts the secrets.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct ProviderSettings {
    /// `BITBUCKET_CLIENT_ID`: the Bitbucket consumer's Key.
    #[cfg(feature = "bitbucket")]
    pub bitbucket_client_id: Option<String>,
    /// `BITBUCKET_CLIENT_SECRET`: the Bitbucket consumer's Secret.
    #[cfg(feature = "bitbucket")]
    pub bitbucket_client_secret: Option<ClientSecret>,
    /// `BITBUCKET_SCOPE`: space- or comma-separated scopes (default `account email`).
    #[cfg(feature = "bitbucket")]
    pub bitbucket_scope: Option<String>,
    /// Endpoint overrides and other variables, looked up by name when a provider is built.
    #[cfg_attr(not(feature = "bitbucket"), allow(dead_code))]
    lookup: Option<Lookup>,
}

impl fmt::Debug for ProviderSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = f.debug_struct("ProviderSettings");
        #[cfg(feature = "bitbucket")]
        {
            s.field("bitbucket_client_id", &self.bitbucket_client_id)
                .field("bitbucket_client_secret", &self.bitbucket_client_secret)
                .field("bitbucket_scope", &self.bitbucket_scope);
        }
        s.finish_non_exhaustive()
    }
}

impl ProviderSettings {
    /// Reads every enabled provider's variables from the process environment.
    pub fn from_env() -> Self {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the variables through `lookup` (for tests and other configuration sources).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static) -> Self {
        let get = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
        #[cfg(feature = "bitbucket")]
        let (bitbucket_client_id, bitbucket_client_secret, bitbucket_scope) = (
            get("BITBUCKET_CLIENT_ID"),
            get("BITBUCKET_CLIENT_SECRET").map(ClientSecret::new),
            get("BITBUCKET_SCOPE"),
        );
        #[cfg(not(feature = "bitbucket"))]
        let _ = get;
        Self {
            #[cfg(feature = "bitbucket")]
            bitbucket_client_id,
            #[cfg(feature = "bitbucket")]
            bitbucket_client_secret,
            #[cfg(feature = "bitbucket")]
            bitbucket_scope,
            lookup: Some(std::sync::Arc::new(lookup)),
        }
    }

    /// Builds the registry of every fully configured provider.
    ///
    /// Fails with one [`Error::Config`] naming every half-configured provider's missing
    /// variable, or the first invalid value of a configured provider.
    pub fn registry(&self) -> Result<ProviderRegistry, Error> {
        #[allow(unused_mut)]
        let mut registry = ProviderRegistry::new();
        #[allow(unused_mut)]
        let mut missing: Vec<&'static str> = Vec::new();

        #[cfg(feature = "bitbucket")]
        match (&self.bitbucket_client_id, &self.bitbucket_client_secret) {
            (Some(id), Some(secret)) => {
                let id = id.clone();
                let secret = secret.secret().to_owned();
                let scope = self.bitbucket_scope.clone();
                let lookup = self.lookup.clone();
                let provider =
                    oauth_kit_bitbucket::BitbucketProvider::from_lookup(move |name| match name {
                        "BITBUCKET_CLIENT_ID" => Some(id.clone()),
                        "BITBUCKET_CLIENT_SECRET" => Some(secret.clone()),
                        "BITBUCKET_SCOPE" => scope.clone(),
                        other => lookup.as_ref().and_then(|l| l(other)),
                    })?;
                registry.register(provider)?;
            }
            (Some(_), None) => missing.push("BITBUCKET_CLIENT_SECRET"),
            (None, Some(_)) => missing.push("BITBUCKET_CLIENT_ID"),
            (None, None) => {}
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
    fn debug_redacts_the_secret() {
        let s = settings(&[
            ("BITBUCKET_CLIENT_ID", "key"),
            ("BITBUCKET_CLIENT_SECRET", "top-secret-value"),
        ]);
        assert!(!format!("{s:?}").contains("top-secret-value"));
    }
}
