//! The oauth-kit demo on Axum.
//!
//! `cargo run -p example-axum`, then open <http://localhost:8000>. With no provider's
//! credentials set, the demo starts the built-in mocks in-process and shows a button for every
//! provider of the catalog, so each login works with no account anywhere; with
//! `{PREFIX}_CLIENT_ID` and `{PREFIX}_CLIENT_SECRET` set for some providers (for example
//! `BITBUCKET_CLIENT_ID` and `BITBUCKET_CLIENT_SECRET`), exactly those log in with the real
//! provider.

use std::process::ExitCode;

use axum::extract::{Query, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware;
use axum::response::{Html, Response};
use axum::routing::get;
use axum::{Json, Router};
use demo_support::{Demo, Settings};
use oauth_kit::axum::{CurrentUser, OAuth, OptionalUser, ServeOptions, VerifiedUser, serve};
use oauth_kit::redis::RedisSessionStore;

#[derive(Clone)]
struct AppState {
    prefix: String,
    providers: Vec<demo_support::LoginButton>,
}

#[tokio::main]
async fn main() -> ExitCode {
    demo_support::init_tracing();
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            tracing::error!("{err}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let settings = Settings::from_env()?;
    let demo = Demo::start(&settings).await?;
    let oauth = OAuth::new(demo.service.clone());
    let state = AppState {
        prefix: demo.service.config().public_prefix(),
        providers: demo.providers(),
    };
    let app = Router::new()
        .route("/", get(home))
        .route("/login", get(login_page))
        .route("/me", get(me))
        .route("/me/verified", get(me_verified))
        .with_state(state)
        // The pages and `/me`: not cached, not framed, no scripts (demo_support::PAGE_HEADERS).
        .layer(middleware::map_response(page_headers))
        .merge(oauth.router());
    // With OAUTH_REDIS_URL, the sessions live in Redis too, so every instance sees them.
    let app = match demo.redis.clone() {
        Some(redis) => app.layer(oauth.session_layer_with(RedisSessionStore::new(redis))),
        None => app.layer(oauth.session_layer()),
    };

    let listener = tokio::net::TcpListener::bind(settings.app_addr).await?;
    demo.announce(&settings);
    // A header-read timeout, an idle timeout and a connection limit (Slowloris), and the peer
    // address for the per-client limit on callbacks that reach the token endpoint.
    let options = ServeOptions::default()
        .header_read_timeout(settings.header_read_timeout)
        .max_connections(settings.max_connections);
    serve(listener, app, options, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(())
}

async fn page_headers(mut response: Response) -> Response {
    for (name, value) in demo_support::PAGE_HEADERS {
        response.headers_mut().insert(
            HeaderName::from_static(name),
            HeaderValue::from_static(value),
        );
    }
    response
}

async fn home(State(state): State<AppState>, OptionalUser(user): OptionalUser) -> Html<String> {
    Html(demo_support::home_page(
        user.as_ref(),
        &state.prefix,
        &state.providers,
    ))
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    error: Option<String>,
}

async fn login_page(
    State(state): State<AppState>,
    Query(query): Query<LoginQuery>,
) -> Html<String> {
    Html(demo_support::login_page(
        query.error.as_deref(),
        &state.prefix,
        &state.providers,
    ))
}

async fn me(CurrentUser(user): CurrentUser) -> Json<serde_json::Value> {
    Json(demo_support::me_json(&user))
}

async fn me_verified(VerifiedUser(user): VerifiedUser) -> Json<serde_json::Value> {
    Json(demo_support::me_json(&user))
}
