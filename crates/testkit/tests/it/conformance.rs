//! The conformance suite over specs that between them use every wire variant the generic mock
//! speaks: each client authentication method, PKCE required, form-encoded token responses with
//! comma-separated scopes and errors with HTTP 200, string `expires_in`, a missing
//! `token_type`, template parameters, a self-hosted base URL, user info by POST with required
//! headers on another host, the user in the token response, a further endpoint read by a user
//! step, and an OpenID Connect issuer (discovery, ID tokens, a tenant template, form_post).

use oauth_kit_core::spec::{
    CredentialHelp, HeaderSource, Pkce, Profile, ProviderSpec, SpecParam, UserContext, UserSource,
    UserStepFuture, map_standard_claims,
};
use oauth_kit_core::{Capabilities, ClientAuth, OAuthUserInfo, TokenQuirks};
use oauth_kit_testkit::conformance::Fixtures;

/// A self-hostable forge with form-body client authentication, like GitLab.
mod form_body {
    use super::*;

    fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
        let mut user = profile.user(profile.id("/id")?);
        user.username = profile.str("/username");
        user.email = profile.str("/email");
        user.email_verified = user.email.is_some() && profile.str("/confirmed_at").is_some();
        Profile::split_name(&mut user, profile.str("/name"));
        user.avatar_url = profile.str("/avatar_url");
        user.profile_url = profile.str("/web_url");
        Ok(user)
    }

    pub(crate) static SPEC: ProviderSpec = ProviderSpec {
        id: "forge",
        title: "Forge",
        env_prefix: "FORGE",
        base_url: Some("https://forge.example"),
        authorization_url: "{base}/oauth/authorize",
        token_url: "{base}/oauth/token",
        api_url: "{base}/api/v4",
        user_info_url: "{api}/user",
        revocation_url: Some("{base}/oauth/revoke"),
        scopes: &["read_user", "openid"],
        client_auth: ClientAuth::FormBody,
        error_message: &["/message", "/error_description"],
        hints: &[(401, "the Forge token expired: log in again")],
        map_user,
        ..ProviderSpec::DEFAULT
    };

    oauth_kit_testkit::provider_conformance! {
        spec: SPEC,
        fixtures: Fixtures::new(
            r#"{"id": 1375, "username": "ada", "name": "Ada Quill", "email": "ada@forge.example",
                "confirmed_at": "2021-01-01T00:00:00Z", "avatar_url": "https://forge.example/a.png",
                "web_url": "https://forge.example/ada"}"#,
            r#"{"id": 1375}"#,
        )
        .error(401, r#"{"message": "401 Unauthorized"}"#)
        .error(403, r#"{"error": "insufficient_scope", "error_description": "The request requires higher privileges"}"#),
    }
}

/// A public client with PKCE required, answering OpenID Connect claims.
mod public_client {
    use super::*;

    pub(crate) static SPEC: ProviderSpec = ProviderSpec {
        id: "public",
        title: "Public",
        env_prefix: "PUBLIC",
        authorization_url: "https://login.public.example/authorize",
        token_url: "https://login.public.example/token",
        api_url: "https://api.public.example",
        user_info_url: "{api}/userinfo",
        scopes: &["openid", "profile"],
        client_auth: ClientAuth::None,
        pkce: Pkce::Required,
        map_user: map_standard_claims,
        ..ProviderSpec::DEFAULT
    };

    oauth_kit_testkit::provider_conformance! {
        spec: SPEC,
        fixtures: Fixtures::new(
            r#"{"sub": "u-1", "email": "jo@public.example", "email_verified": true,
                "given_name": "Jo", "family_name": "March", "preferred_username": "jo"}"#,
            r#"{"sub": "u-1"}"#,
        ),
    }
}

/// `private_key_jwt` with a required tenant parameter, string `expires_in` and no
/// `token_type`, like some Azure tenants.
mod private_key_jwt {
    use super::*;

    pub(crate) static SPEC: ProviderSpec = ProviderSpec {
        id: "tenanted",
        title: "Tenanted",
        env_prefix: "TENANTED",
        authorization_url: "https://login.tenanted.example/{tenant}/oauth2/authorize",
        token_url: "https://login.tenanted.example/{tenant}/oauth2/token",
        api_url: "https://graph.tenanted.example/v1.0",
        user_info_url: "{api}/me",
        params: &[SpecParam {
            name: "tenant",
            default: None,
            help: "use your directory's tenant id",
        }],
        scopes: &["User.Read"],
        client_auth: ClientAuth::PrivateKeyJwt,
        token_quirks: TokenQuirks::STRICT
            .expires_in_as_string(true)
            .token_type_optional(true),
        map_user: map_standard_claims,
        ..ProviderSpec::DEFAULT
    };

    oauth_kit_testkit::provider_conformance! {
        spec: SPEC,
        fixtures: Fixtures::new(
            r#"{"sub": "0b5f", "email": "kim@tenanted.example", "name": "Kim Lee"}"#,
            r#"{"sub": "0b5f"}"#,
        )
        .param("tenant", "contoso"),
    }
}

/// Form-encoded token responses with comma-separated scopes and errors sent with HTTP 200, and
/// an email list read by a user step, like GitHub.
mod form_encoded {
    use super::*;

    fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
        let mut user = profile.user(profile.id("/id")?);
        user.username = profile.str("/login");
        Profile::split_name(&mut user, profile.str("/name"));
        user.avatar_url = profile.str("/avatar_url");
        user.profile_url = profile.str("/html_url");
        Ok(user)
    }

    fn add_email<'a>(ctx: &'a UserContext<'a>, user: OAuthUserInfo) -> UserStepFuture<'a> {
        Box::pin(async move {
            let mut user = user;
            let emails = ctx.get_json(ctx.endpoint("emails")?).await?;
            let primary = emails
                .as_array()
                .and_then(|list| list.iter().find(|e| e["primary"] == true));
            if let Some(primary) = primary {
                user.email = primary["email"].as_str().map(str::to_owned);
                user.email_verified = user.email.is_some() && primary["verified"] == true;
            }
            Ok(user)
        })
    }

    pub(crate) static SPEC: ProviderSpec = ProviderSpec {
        id: "octo",
        title: "Octo",
        env_prefix: "OCTO",
        authorization_url: "https://octo.example/login/oauth/authorize",
        token_url: "https://octo.example/login/oauth/access_token",
        api_url: "https://api.octo.example",
        user_info_url: "{api}/user",
        extra_endpoints: &[("emails", "{api}/user/emails")],
        scopes: &["read:user", "user:email"],
        scope_separator: ',',
        client_auth: ClientAuth::FormBody,
        pkce: Pkce::Supported,
        token_quirks: TokenQuirks::STRICT
            .scope_separator(',')
            .error_with_http_200(true)
            .form_encoded(true),
        capabilities: Capabilities::NONE,
        credentials: CredentialHelp {
            client_id: "Client ID",
            client_secret: "Client secret",
            app: "Octo OAuth app",
            console: None,
        },
        map_user,
        user_step: Some(add_email),
        ..ProviderSpec::DEFAULT
    };

    oauth_kit_testkit::provider_conformance! {
        spec: SPEC,
        fixtures: Fixtures::new(
            r#"{"login": "octocat", "id": 583231, "name": "The Octocat",
                "avatar_url": "https://avatars.octo.example/u/583231",
                "html_url": "https://octo.example/octocat"}"#,
            r#"{"login": null, "id": 583231}"#,
        )
        .endpoint("emails", r#"[{"email": "octocat@octo.example", "primary": true, "verified": true}]"#)
        .minimal_endpoint("emails", "[]")
        .error(401, r#"{"message": "Bad credentials", "documentation_url": "https://docs.octo.example"}"#),
    }
}

/// The user in the token response, no refresh, like Slack's `authed_user`.
mod token_response {
    use super::*;

    fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
        let mut user = profile.user(profile.id("/id")?);
        user.email = profile.str("/email");
        user.username = profile.str("/name");
        Ok(user)
    }

    pub(crate) static SPEC: ProviderSpec = ProviderSpec {
        id: "chat",
        title: "Chat",
        env_prefix: "CHAT",
        authorization_url: "https://chat.example/oauth/v2/authorize",
        token_url: "https://chat.example/api/oauth.v2.access",
        user_source: UserSource::TokenResponse("/authed_user"),
        scopes: &["identity.basic"],
        client_auth: ClientAuth::FormBody,
        pkce: Pkce::Unsupported,
        capabilities: Capabilities::NONE,
        map_user,
        ..ProviderSpec::DEFAULT
    };

    oauth_kit_testkit::provider_conformance! {
        spec: SPEC,
        fixtures: Fixtures::new(
            r#"{"id": "U024BE7LH", "name": "spengler", "email": "spengler@chat.example"}"#,
            r#"{"id": "U024BE7LH"}"#,
        ),
    }
}

/// User info by POST on another host with required headers (a static version and the client
/// id), like Dropbox and Twitch together.
mod post_with_headers {
    use super::*;

    fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
        let mut user = profile.user(profile.id("/account_id")?);
        user.email = profile.str("/email");
        user.email_verified = user.email.is_some() && profile.bool("/email_verified");
        user.first_name = profile.str("/name/given_name");
        user.last_name = profile.str("/name/surname");
        Ok(user)
    }

    pub(crate) static SPEC: ProviderSpec = ProviderSpec {
        id: "boxy",
        title: "Boxy",
        env_prefix: "BOXY",
        authorization_url: "https://www.boxy.example/oauth2/authorize",
        token_url: "https://api.boxy.example/oauth2/token",
        api_url: "https://api.boxy.example",
        user_info_url: "https://users.boxy.example/2/users/get_current_account",
        user_source: UserSource::Post,
        user_headers: &[
            ("Boxy-Api-Version", HeaderSource::Static("2")),
            ("Client-Id", HeaderSource::ClientId),
        ],
        map_user,
        ..ProviderSpec::DEFAULT
    };

    oauth_kit_testkit::provider_conformance! {
        spec: SPEC,
        fixtures: Fixtures::new(
            r#"{"account_id": "dbid:AAH4f99", "email": "franz@boxy.example", "email_verified": true,
                "name": {"given_name": "Franz", "surname": "Ferdinand"}}"#,
            r#"{"account_id": "dbid:AAH4f99", "name": {}}"#,
        ),
    }
}

/// An OpenID Connect issuer served from its spec alone: a self-hosted issuer whose identifier
/// ends with `/`, a multi-tenant issuer template checked against `tid`, endpoints from
/// discovery, the user from the ID token, a form_post answer carrying the user's names.
mod openid_issuer {
    use super::*;
    use oauth_kit_core::spec::{OpenIdSpec, OpenIdUserInfo, ResponseMode};

    fn map_user(profile: &Profile<'_>) -> Result<OAuthUserInfo, String> {
        let mut user = map_standard_claims(profile)?;
        user.first_name = profile.str("/user/firstName");
        Ok(user)
    }

    pub(crate) static SPEC: ProviderSpec = ProviderSpec {
        id: "issuer",
        title: "Issuer",
        env_prefix: "ISSUER",
        base_url: Some(""),
        params: &[SpecParam {
            name: "tenant",
            default: Some("common"),
            help: "the tenant",
        }],
        scopes: &["openid", "email"],
        response_mode: ResponseMode::FormPost,
        callback_user: Some("user"),
        openid: Some(OpenIdSpec {
            issuer: Some("{base}/{tenant}/v2.0/"),
            tenant_issuer: Some("https://login.issuer.example/{tenantid}/v2.0/"),
            user_info: OpenIdUserInfo::IdToken,
            ..OpenIdSpec::DEFAULT
        }),
        map_user,
        ..ProviderSpec::DEFAULT
    };

    oauth_kit_testkit::provider_conformance! {
        spec: SPEC,
        fixtures: Fixtures::new(
            r#"{"sub": "a1b2", "tid": "72f988bf", "email": "ada@issuer.example",
                "email_verified": true, "user": {"firstName": "Ada"}}"#,
            r#"{"sub": "a1b2", "tid": "72f988bf"}"#,
        ),
    }
}
