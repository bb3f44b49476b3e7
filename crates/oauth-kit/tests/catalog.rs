//! The catalog is the one list of providers: every provider in it is registered from its
//! environment variables by `ProviderSettings`, under its id.

use std::collections::HashMap;

use oauth_kit::ProviderSettings;

#[test]
fn every_catalog_provider_registers_from_its_environment() {
    let catalog = oauth_kit::catalog();
    let mut vars: HashMap<String, String> = HashMap::new();
    for spec in &catalog {
        vars.insert(spec.env_var("CLIENT_ID"), format!("{}-client-id", spec.id));
        vars.insert(spec.env_var("CLIENT_SECRET"), "client-secret".to_owned());
        // A self-hosted-only provider (Bitbucket Data Center) has no default instance.
        if spec.base_url == Some("") {
            vars.insert(
                spec.env_var("BASE_URL"),
                format!("https://{}.example.com", spec.id),
            );
        }
        for param in spec.params.iter().filter(|p| p.default.is_none()) {
            vars.insert(
                spec.env_var(&param.name.to_ascii_uppercase()),
                "example".to_owned(),
            );
        }
        // A provider whose authorizations name one of several targets (WorkOS) needs one.
        if let Some(name) = spec.authorize_choice.first() {
            vars.insert(
                spec.env_var(&name.to_ascii_uppercase()),
                "example".to_owned(),
            );
        }
        // An OpenID Connect provider without a fixed issuer needs `{PREFIX}_ISSUER`.
        if spec
            .openid_spec()
            .is_some_and(|openid| openid.issuer.is_none())
        {
            vars.insert(
                spec.env_var("ISSUER"),
                "https://sso.example.com/realms/main".to_owned(),
            );
        }
    }
    let registry = ProviderSettings::from_lookup(move |name| vars.get(name).cloned())
        .registry()
        .unwrap_or_else(|e| panic!("the catalog does not register from the environment: {e}"));
    let mut ids: Vec<&str> = catalog.iter().map(|spec| spec.id).collect();
    ids.sort_unstable();
    assert_eq!(registry.names().collect::<Vec<_>>(), ids);
}

#[test]
fn catalog_ids_and_prefixes_are_unique() {
    let catalog = oauth_kit::catalog();
    for (i, spec) in catalog.iter().enumerate() {
        for other in &catalog[i + 1..] {
            assert_ne!(spec.id, other.id);
            assert_ne!(spec.env_prefix, other.env_prefix);
        }
    }
}
