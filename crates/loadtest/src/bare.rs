//! The bare handlers: the framework's own cheapest answer of the login endpoint's shape (the
//! same status and headers, byte for byte, copied from a real answer of the demo) with no
//! OAuth work at all, served the way the demo serves.

use std::net::SocketAddr;
use std::time::Duration;

/// The response every request gets: a status and headers.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
}

impl Shape {
    /// From the demo's answer, without the headers each server writes itself.
    pub(crate) fn from_sample(status: u16, headers: Vec<(String, String)>) -> Self {
        let headers = headers
            .into_iter()
            .filter(|(name, _)| !matches!(name.as_str(), "date" | "content-length"))
            .collect();
        Self { status, headers }
    }

    /// The environment value that carries the shape to the bare server: the status, then one
    /// `name: value` per line.
    pub(crate) fn encode(&self) -> String {
        let mut text = self.status.to_string();
        for (name, value) in &self.headers {
            text.push_str(&format!("\n{name}: {value}"));
        }
        text
    }

    /// The shape from [`encode`](Self::encode)'s text.
    pub(crate) fn decode(text: &str) -> Option<Self> {
        let mut lines = text.lines();
        let status = lines.next()?.parse().ok()?;
        let headers = lines
            .map(|line| {
                line.split_once(": ")
                    .map(|(n, v)| (n.to_owned(), v.to_owned()))
            })
            .collect::<Option<_>>()?;
        Some(Self { status, headers })
    }
}

/// Serves `shape` on `addr` with Axum, as `axum::serve` does by default.
pub(crate) async fn axum(addr: SocketAddr, shape: Shape) -> std::io::Result<()> {
    use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
    use axum::response::IntoResponse as _;

    let status = StatusCode::from_u16(shape.status).unwrap_or(StatusCode::SEE_OTHER);
    let mut headers = HeaderMap::new();
    for (name, value) in &shape.headers {
        if let (Ok(name), Ok(value)) = (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            headers.append(name, value);
        }
    }
    let app = axum::Router::new().fallback(move || {
        let headers = headers.clone();
        async move { (status, headers).into_response() }
    });
    let listener = tokio::net::TcpListener::bind(addr).await?;
    axum::serve(listener, app).await
}

/// Serves `shape` on `addr` with Actix-web, with the demo's server settings.
pub(crate) async fn actix(addr: SocketAddr, shape: Shape) -> std::io::Result<()> {
    use actix_web::http::StatusCode;
    use actix_web::{App, HttpResponse, HttpServer, web};

    let status = StatusCode::from_u16(shape.status).unwrap_or(StatusCode::SEE_OTHER);
    let headers = web::Data::new(shape.headers);
    HttpServer::new(move || {
        App::new()
            .app_data(headers.clone())
            .default_service(web::to(
                move |headers: web::Data<Vec<(String, String)>>| async move {
                    let mut response = HttpResponse::build(status);
                    for (name, value) in headers.iter() {
                        response.append_header((name.as_str(), value.as_str()));
                    }
                    response.finish()
                },
            ))
    })
    .client_request_timeout(Duration::from_secs(10))
    .keep_alive(Duration::from_secs(60))
    .max_connections(1024)
    .bind(addr)?
    .run()
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_shape_survives_the_environment_and_leaves_out_per_response_headers() {
        let shape = Shape::from_sample(
            303,
            vec![
                ("location".into(), "https://mock/authorize?a=b: c".into()),
                ("date".into(), "Mon, 30 Nov 2026 14:00:00 GMT".into()),
                ("set-cookie".into(), "flow=abc; HttpOnly; Path=/auth".into()),
                ("content-length".into(), "0".into()),
            ],
        );
        let back = Shape::decode(&shape.encode()).expect("the shape decodes");
        assert_eq!(back.status, 303);
        assert_eq!(
            back.headers,
            vec![
                (
                    "location".to_owned(),
                    "https://mock/authorize?a=b: c".to_owned()
                ),
                (
                    "set-cookie".to_owned(),
                    "flow=abc; HttpOnly; Path=/auth".to_owned()
                ),
            ]
        );
        assert!(Shape::decode("303\nno separator").is_none());
    }
}
