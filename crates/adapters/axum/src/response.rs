//! The one place where this adapter turns an answer of core into an Axum response.

use axum::body::Body;
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
    answer.to_http().map(Body::from)
}
