//! The one place where this adapter turns an answer of core into an Actix response.

use std::fmt;

use actix_web::http::StatusCode;
use actix_web::http::header::HeaderValue;
use actix_web::{HttpResponse, ResponseError};
use oauth_kit_core::flow::{self, FlowResponse};

/// An HTTP error of this adapter: core's [`flow::Rejection`] (fixed status, JSON body
/// `{"error": "<code>", "message": "<text>"}`, `Cache-Control: no-store`) as an Actix response.
/// The Axum adapter answers with the same statuses and bodies.
///
/// The callback never answers with it: it redirects to the failure path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rejection(pub flow::Rejection);

impl<T: Into<flow::Rejection>> From<T> for Rejection {
    fn from(rejection: T) -> Self {
        Rejection(rejection.into())
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Rejection {}

impl ResponseError for Rejection {
    fn status_code(&self) -> StatusCode {
        StatusCode::from_u16(self.0.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
    }

    fn error_response(&self) -> HttpResponse {
        to_actix(&self.0.response())
    }
}

/// Copies core's answer into an Actix response.
pub(crate) fn to_actix(answer: &FlowResponse) -> HttpResponse {
    let status = StatusCode::from_u16(answer.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = HttpResponse::build(status);
    for (name, value) in answer.header_pairs() {
        if let Ok(value) = HeaderValue::from_str(&value) {
            response.append_header((name, value));
        }
    }
    match answer.body() {
        Some(body) => response.body(body.to_owned()),
        None => response.finish(),
    }
}
