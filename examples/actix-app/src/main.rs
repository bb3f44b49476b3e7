//! The oauth-kit demo on Actix-web.
//!
//! `cargo run -p example-actix`, then open <http://localhost:8000>. With no provider's
//! credentials set, the demo starts the built-in mocks in-process and shows a button for every
//! provider of the catalog, so each login works with no account anywhere; with
//! `{PREFIX}_CLIENT_ID` and `{PREFIX}_CLIENT_SECRET` set for some providers, exactly those log
//! in with the real provider. Same environment variables, routes, JSON and pages as
//! `example-axum`.

use std::process::ExitCode;

use actix_web::http::header::ContentType;
use actix_web::middleware::DefaultHeaders;
use actix_web::{App, HttpResponse, HttpServer, web};
use demo_support::{Demo, Settings};
use oauth_kit_actix::actix_session::storage::SessionStore;
use oauth_kit_actix::{CurrentUser, OAuth, OptionalUser, SessionLayer, VerifiedUser};

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
    // With OAUTH_REDIS_URL, the sessions live in Redis too (actix-session's Redis store), so
    // every instance sees them and a logout ends them everywhere.
    match &settings.redis {
        Some(redis) => {
            let store = redis
                .actix_session_store()
                .await
                .map_err(|err| format!("OAUTH_REDIS_URL: cannot use Redis: {err}"))?;
            let oauth = oauth.server_side_sessions(true);
            serve(&settings, demo, oauth, move |oauth: &OAuth| {
                oauth.session_middleware_with(store.clone())
            })
            .await
        }
        None => {
            serve(&settings, demo, oauth, |oauth: &OAuth| {
                oauth.session_middleware()
            })
            .await
        }
    }
}

/// Runs the server with the session middleware that `sessions` builds for each worker.
async fn serve<Store>(
    settings: &Settings,
    demo: Demo,
    oauth: OAuth,
    sessions: impl Fn(&OAuth) -> SessionLayer<Store> + Clone + Send + 'static,
) -> Result<(), Box<dyn std::error::Error>>
where
    Store: SessionStore + 'static,
{
    let state = web::Data::new(AppState {
        prefix: demo.service.config().public_prefix(),
        providers: demo.providers(),
    });
    let server = HttpServer::new(move || {
        App::new()
            .app_data(state.clone())
            .route("/", web::get().to(home))
            .route("/login", web::get().to(login_page))
            .route("/me", web::get().to(me))
            .route("/me/verified", web::get().to(me_verified))
            .configure(|cfg| oauth.configure(cfg))
            // The pages and `/me`: not cached, not framed, no scripts (demo_support::PAGE_HEADERS).
            .wrap(
                demo_support::PAGE_HEADERS
                    .iter()
                    .fold(DefaultHeaders::new(), |headers, (name, value)| {
                        headers.add((*name, *value))
                    }),
            )
            .wrap(sessions(&oauth))
    })
    // SIGINT and SIGTERM stop the server; requests in flight get a few seconds to finish.
    .shutdown_timeout(5)
    // A client has this long to send a request head (Slowloris), an idle kept-alive
    // connection is closed after a minute, and each worker serves at most this many
    // connections at once.
    .client_request_timeout(settings.header_read_timeout)
    .keep_alive(std::time::Duration::from_secs(60))
    .max_connections(settings.max_connections)
    .bind(settings.app_addr)?;
    demo.announce(settings);
    server.run().await?;
    Ok(())
}

fn html(page: String) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(ContentType::html())
        .body(page)
}

async fn home(state: web::Data<AppState>, OptionalUser(user): OptionalUser) -> HttpResponse {
    html(demo_support::home_page(
        user.as_ref(),
        &state.prefix,
        &state.providers,
    ))
}

#[derive(serde::Deserialize)]
struct LoginQuery {
    error: Option<String>,
}

async fn login_page(state: web::Data<AppState>, query: web::Query<LoginQuery>) -> HttpResponse {
    html(demo_support::login_page(
        query.error.as_deref(),
        &state.prefix,
        &state.providers,
    ))
}

async fn me(CurrentUser(user): CurrentUser) -> HttpResponse {
    HttpResponse::Ok().json(demo_support::me_json(&user))
}

async fn me_verified(VerifiedUser(user): VerifiedUser) -> HttpResponse {
    HttpResponse::Ok().json(demo_support::me_json(&user))
}
