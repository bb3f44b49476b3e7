//! Reading an instance of a spec from environment variables.

use std::marker::PhantomData;

use super::provider::ProviderBuilder;
use super::{ProviderSpec, SpecEnv};
use crate::error::Error;
use crate::http::ClientAuth;
use crate::secret::ClientSecret;

/// A builder filled from `{prefix}_*` variables, with errors naming the variables.
pub(super) fn builder_from_lookup<P>(
    spec: &'static ProviderSpec,
    prefix: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<ProviderBuilder<P>, Error> {
    let var = |suffix: &str| format!("{prefix}_{suffix}");
    let get = |suffix: &str| lookup(&var(suffix)).filter(|v| !v.trim().is_empty());
    let help = &spec.credentials;
    let missing = |suffix: &str, what: &str| {
        let console = help.console.map(|c| format!(" ({c})")).unwrap_or_default();
        Error::config(
            var(suffix),
            format!(
                "not set or empty; set it to the {what} of your {}{console}",
                help.app
            ),
        )
    };
    let client_id = get("CLIENT_ID").ok_or_else(|| missing("CLIENT_ID", help.client_id))?;
    let public = matches!(
        spec.client_auth,
        ClientAuth::None | ClientAuth::PrivateKeyJwt
    );
    let mut assertion = None;
    let client_secret = match get("CLIENT_SECRET") {
        Some(secret) => secret,
        None if public => String::new(),
        None => {
            let signer = match spec.assertion_from_env {
                Some(read) => read(&SpecEnv::new(prefix, lookup))?,
                None => None,
            };
            match signer {
                Some(signer) => {
                    assertion = Some(signer);
                    String::new()
                }
                None => return Err(missing("CLIENT_SECRET", help.client_secret)),
            }
        }
    };
    let mut builder = ProviderBuilder {
        spec,
        prefix: prefix.to_owned(),
        from_env: true,
        name: get("NAME").map(|n| n.trim().to_owned()),
        client_id,
        client_secret: ClientSecret::new(client_secret),
        scopes: get("SCOPE").map(|s| parse_scopes(&s)),
        base_url: get("BASE_URL"),
        authorize_url: get("AUTHORIZE_URL"),
        token_url: get("TOKEN_URL"),
        api_url: get("API_URL"),
        user_info_url: get("USERINFO_URL"),
        device_authorization_url: get("DEVICE_AUTHORIZATION_URL"),
        revocation_url: get("REVOCATION_URL"),
        params: Vec::new(),
        allow_http: false,
        assertion,
        issuer: get("ISSUER").map(|i| i.trim().to_owned()),
        jwks_refetch_interval: crate::oidc::DEFAULT_JWKS_REFETCH_INTERVAL,
        jwks_max_age: crate::oidc::DEFAULT_JWKS_MAX_AGE,
        clock_leeway: crate::oidc::DEFAULT_CLOCK_LEEWAY,
        output: PhantomData,
    };
    for param in spec.params {
        if let Some(value) = get(&param.name.to_ascii_uppercase()) {
            builder.params.push((param.name.to_owned(), value));
        }
    }
    Ok(builder)
}

/// Scopes separated by spaces or commas, without duplicates.
pub(crate) fn parse_scopes(value: &str) -> Vec<String> {
    let mut scopes: Vec<String> = Vec::new();
    for scope in value
        .split([' ', ',', '\t', '\n'])
        .filter(|s| !s.is_empty())
    {
        if !scopes.iter().any(|s| s == scope) {
            scopes.push(scope.to_owned());
        }
    }
    scopes
}
