//! The one place where this adapter turns an answer of core into an Axum response.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use oauth_kit_core::flow::{self, FlowResponse};

/// An HTTP error of this adapter: core's [`flow::Rejection`] (fixed status, JSON body
/// `{"error": "<code>", "message": "<text>"}`, `Cache-Control: no-store`) as an Axum response.
/// The Actix adapter answers with the same statuses and bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection(pub flow::Rejection);

impl<T: Into<flow::Rejection>> From<T> for Rejection {
    fn from(rejection: T) -> Self {
        Rejection(rejection.into())
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        to_axum(&self.0.response())
    }
}

/// Copies core's answer into an Axum response.
pub(crate) fn to_axum(answer: &FlowResponse) -> Response {
    let body = answer
        .body()
        .map_or_else(Body::empty, |body| Body::from(body.to_owned()));
    let mut response = Response::new(body);
    *response.status_mut() =
        StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    for (name, value) in answer.header_pairs() {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.append(name, value);
        }
    }
    response
}
