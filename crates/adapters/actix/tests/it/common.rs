//! What the adapter tests share: a fake provider that needs no network, the test application,
//! a cookie-keeping client for `actix_web::test` services, and a server-side session store in
//! memory that can be made to fail.

#![allow(unreachable_pub)]

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use actix_http::Request;
use actix_session::storage::{
    LoadError, SaveError, SessionKey, SessionStore, UpdateError, generate_session_key,
};
use actix_web::body::MessageBody;
use actix_web::cookie::time::Duration;
use actix_web::dev::{Service, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::test::{self, TestRequest};
use oauth_kit_actix::OAuth;
use oauth_kit_core::{
    AuthorizationCode, AuthorizationRequest, Capabilities, CookieKey, Error, FlowConfig,
    HttpClient, LoginService, OAuthProvider, OAuthToken, OAuthUserInfo, PkceVerifier,
    ProviderContext, ProviderRegistry, Stage, async_trait,
};
use url::Url;

pub const BASE: &str = "http://localhost:8080";
pub const KEY: &str = "adapter-test-cookie-key-0123456789abcdef";

/// A provider answering from memory. The authorization code picks the outcome:
/// `verified` and `unverified` log in a user with such an email, `no-email` one without,
/// `token-error` fails the exchange, `user-error` fails the user fetch.
#[derive(Debug)]
pub struct FakeProvider {
    name: &'static str,
    form_post: bool,
}

impl FakeProvider {
    pub fn named(name: &'static str) -> Self {
        Self {
            name,
            form_post: false,
        }
    }

    /// A provider that answers with a cross-site form POST (`response_mode=form_post`).
    pub fn form_post(name: &'static str) -> Self {
        Self {
            name,
            form_post: true,
        }
    }
}

#[async_trait]
impl OAuthProvider for FakeProvider {
    fn name(&self) -> &str {
        self.name
    }

    fn capabilities(&self) -> Capabilities {
        Capabilities::default().form_post(self.form_post)
    }

    fn default_scopes(&self) -> Vec<String> {
        vec!["account".to_owned()]
    }

    fn authorization_url(&self, request: &AuthorizationRequest<'_>) -> Result<Url, Error> {
        let mut url = Url::parse("https://idp.example/authorize").unwrap();
        url.query_pairs_mut()
            .append_pair("redirect_uri", request.redirect_uri)
            .append_pair("state", request.state.secret());
        Ok(url)
    }

    async fn exchange_code(
        &self,
        _http: &HttpClient,
        code: &AuthorizationCode,
        _redirect_uri: &str,
        _pkce_verifier: Option<&PkceVerifier>,
    ) -> Result<OAuthToken, Error> {
        if code.secret() == "token-error" {
            return Err(Error::InvalidResponse {
                context: ProviderContext::new(self.name, Stage::Token),
                status: 500,
                reason: "the fake token endpoint failed".to_owned(),
                excerpt: None,
            });
        }
        Ok(OAuthToken::bearer(oauth_kit_core::AccessToken::new(
            code.secret(),
        )))
    }

    async fn user_info(
        &self,
        _http: &HttpClient,
        token: &OAuthToken,
    ) -> Result<OAuthUserInfo, Error> {
        let kind = token.access_token.secret();
        if kind == "user-error" {
            return Err(Error::InvalidResponse {
                context: ProviderContext::new(self.name, Stage::UserInfo),
                status: 500,
                reason: "the fake user endpoint failed".to_owned(),
                excerpt: None,
            });
        }
        let mut user = OAuthUserInfo::new(self.name, "42");
        user.username = Some("mira".to_owned());
        user.first_name = Some("Mira".to_owned());
        if kind != "no-email" {
            user.email = Some("mira@example.com".to_owned());
            user.email_verified = kind == "verified";
        }
        user.raw_data = serde_json::json!({"uuid": "{42}", "private": "raw provider json"});
        Ok(user)
    }
}

/// A configuration builder with the test key, for the given base URL.
pub fn config(base: &str) -> oauth_kit_core::flow::FlowConfigBuilder {
    FlowConfig::builder(base).cookie_key(CookieKey::new(KEY.as_bytes().to_vec()).unwrap())
}

/// A login service with the providers `fake` and `other`.
pub fn service(config: FlowConfig) -> LoginService {
    let mut registry = ProviderRegistry::new();
    registry.register(FakeProvider::named("fake")).unwrap();
    registry.register(FakeProvider::named("other")).unwrap();
    LoginService::new(registry, config).unwrap()
}

/// The adapter over the default configuration.
pub fn oauth() -> OAuth {
    OAuth::new(service(config(BASE).build().unwrap()))
}

/// The test application: the adapter's routes plus one route per extractor and guard.
#[macro_export]
macro_rules! test_app {
    ($oauth:expr) => {{
        let oauth: ::oauth_kit_actix::OAuth = $oauth;
        let mw = oauth.session_middleware();
        $crate::test_app!(oauth, mw)
    }};
    ($oauth:expr, $middleware:expr) => {{
        use ::actix_web::{App, HttpResponse, web};
        use ::oauth_kit_actix::{CurrentUser, Guard, OptionalUser, VerifiedUser};
        let oauth: ::oauth_kit_actix::OAuth = $oauth;
        ::actix_web::test::init_service(
            App::new()
                .route(
                    "/me",
                    web::get().to(|CurrentUser(user): CurrentUser| async move {
                        HttpResponse::Ok().json(user)
                    }),
                )
                .route(
                    "/optional",
                    web::get().to(|OptionalUser(user): OptionalUser| async move {
                        HttpResponse::Ok().json(user.map(|u| u.info.oauth_id))
                    }),
                )
                .route(
                    "/maybe",
                    web::get().to(|user: Option<CurrentUser>| async move {
                        HttpResponse::Ok().json(user.map(|CurrentUser(u)| u.info.oauth_id))
                    }),
                )
                .route(
                    "/verified",
                    web::get().to(|VerifiedUser(user): VerifiedUser| async move {
                        HttpResponse::Ok().json(user.info.email)
                    }),
                )
                .service(
                    web::scope("/guarded")
                        .service(
                            web::resource("/any")
                                .wrap(Guard::logged_in())
                                .to(|| async { "in" }),
                        )
                        .service(
                            web::resource("/fake")
                                .wrap(Guard::provider("fake"))
                                .to(|| async { "in" }),
                        )
                        .service(
                            web::resource("/verified")
                                .wrap(Guard::verified_email())
                                .to(|| async { "in" }),
                        )
                        .service(
                            web::resource("/fake-verified")
                                .wrap(Guard::verified_email())
                                .wrap(Guard::provider("fake"))
                                .to(|| async { "in" }),
                        ),
                )
                .configure(|cfg| oauth.configure(cfg))
                .wrap($middleware),
        )
        .await
    }};
}

/// A response as the tests see it.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl Reply {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn location(&self) -> &str {
        self.header("location").expect("a Location header")
    }

    pub fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers
            .get_all(header::SET_COOKIE)
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.split('=').next() == Some(name))
            .map(str::to_owned)
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|_| panic!("not JSON: {}", self.body))
    }

    /// The value of the query parameter `name` of the Location header.
    pub fn location_param(&self, name: &str) -> Option<String> {
        let url = Url::parse("http://x.invalid")
            .unwrap()
            .join(self.location())
            .unwrap();
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    }
}

/// A cookie-keeping client.
#[derive(Debug, Default, Clone)]
pub struct Browser {
    pub cookies: HashMap<String, String>,
}

impl Browser {
    pub async fn get<S, B>(&mut self, app: &S, uri: &str) -> Reply
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        self.send(app, TestRequest::get().uri(uri)).await
    }

    pub async fn post<S, B>(&mut self, app: &S, uri: &str) -> Reply
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        self.send(app, TestRequest::post().uri(uri)).await
    }

    pub async fn send<S, B>(&mut self, app: &S, mut request: TestRequest) -> Reply
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        if !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request = request.insert_header((header::COOKIE, header.join("; ")));
        }
        // An error of a middleware is rendered as the server would render it.
        let (status, headers, body) = match test::try_call_service(app, request.to_request()).await
        {
            Ok(response) => {
                let status = response.status();
                let headers = response.headers().clone();
                (status, headers, test::read_body(response).await)
            }
            Err(err) => {
                let response = err.error_response();
                let status = response.status();
                let headers = response.headers().clone();
                let body = actix_web::body::to_bytes(response.into_body())
                    .await
                    .unwrap_or_default();
                (status, headers, body)
            }
        };
        let reply = Reply {
            status,
            headers,
            body: String::from_utf8_lossy(&body).into_owned(),
        };
        for cookie in reply
            .headers
            .get_all(header::SET_COOKIE)
            .filter_map(|v| v.to_str().ok())
        {
            let first = cookie.split(';').next().unwrap_or_default();
            let (name, value) = first.split_once('=').unwrap_or((first, ""));
            let lower = cookie.to_ascii_lowercase().replace(' ', "");
            if value.is_empty() || lower.contains("max-age=0") {
                self.cookies.remove(name.trim());
            } else {
                self.cookies
                    .insert(name.trim().to_owned(), value.to_owned());
            }
        }
        reply
    }

    /// Starts a login at `provider`, then comes back with `code` and the right state.
    /// Returns the callback's reply.
    pub async fn login<S, B>(
        &mut self,
        app: &S,
        provider: &str,
        code: &str,
        next: Option<&str>,
    ) -> Reply
    where
        S: Service<Request, Response = ServiceResponse<B>, Error = actix_web::Error>,
        B: MessageBody,
    {
        let uri = match next {
            Some(next) => format!(
                "/auth/{provider}/login?{}",
                url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", next)
                    .finish()
            ),
            None => format!("/auth/{provider}/login"),
        };
        let start = self.get(app, &uri).await;
        assert_eq!(start.status, StatusCode::SEE_OTHER, "{}", start.body);
        let state = start.location_param("state").expect("a state");
        self.get(
            app,
            &format!("/auth/{provider}/callback?code={code}&state={state}"),
        )
        .await
    }

    pub fn session(&self) -> Option<String> {
        self.cookies.get("oauth_kit_session").cloned()
    }
}

/// A server-side session store in memory, standing in for actix-session's Redis store. It
/// fails every call while it is set down, as a Redis store does when Redis is unreachable.
#[derive(Debug, Clone, Default)]
pub struct MemoryStore {
    pub sessions: Arc<Mutex<HashMap<String, HashMap<String, String>>>>,
    down: Arc<AtomicBool>,
}

impl MemoryStore {
    fn check(&self) -> Result<(), anyhow::Error> {
        if self.down.load(Ordering::SeqCst) {
            Err(anyhow::anyhow!("the store is down"))
        } else {
            Ok(())
        }
    }

    pub fn set_down(&self, down: bool) {
        self.down.store(down, Ordering::SeqCst);
    }
}

impl SessionStore for MemoryStore {
    async fn load(&self, key: &SessionKey) -> Result<Option<HashMap<String, String>>, LoadError> {
        self.check().map_err(LoadError::Other)?;
        Ok(self.sessions.lock().unwrap().get(key.as_ref()).cloned())
    }

    async fn save(
        &self,
        state: HashMap<String, String>,
        _ttl: &Duration,
    ) -> Result<SessionKey, SaveError> {
        self.check().map_err(SaveError::Other)?;
        let key = generate_session_key();
        self.sessions
            .lock()
            .unwrap()
            .insert(key.as_ref().to_owned(), state);
        Ok(key)
    }

    async fn update(
        &self,
        key: SessionKey,
        state: HashMap<String, String>,
        _ttl: &Duration,
    ) -> Result<SessionKey, UpdateError> {
        self.check().map_err(UpdateError::Other)?;
        self.sessions
            .lock()
            .unwrap()
            .insert(key.as_ref().to_owned(), state);
        Ok(key)
    }

    async fn update_ttl(&self, _key: &SessionKey, _ttl: &Duration) -> Result<(), anyhow::Error> {
        self.check()
    }

    async fn delete(&self, key: &SessionKey) -> Result<(), anyhow::Error> {
        self.check()?;
        self.sessions.lock().unwrap().remove(key.as_ref());
        Ok(())
    }
}
