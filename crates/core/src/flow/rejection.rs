//! The adapters' HTTP answers outside the login redirects, shared so that every framework
//! answers with the same status and JSON.

use serde_json::json;

use crate::error::Error;

/// An answer of an adapter that is not a redirect: a fixed status and the JSON body
/// `{"error": "<code>", "message": "<text>"}`, sent with `Cache-Control: no-store`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// No user is logged in: 401 `unauthenticated`.
    Unauthenticated,
    /// The user is logged in but does not pass a guard: 403 with the guard's code.
    Forbidden(&'static str),
    /// No provider with this name: 404 `unknown_provider`.
    UnknownProvider,
    /// A method the route does not accept, such as `HEAD` on the callback (which must never
    /// complete a login, as link checkers and prefetchers send it): 405
    /// `method_not_allowed`, with an `Allow` header (`GET`; `POST` on the logout route).
    MethodNotAllowed,
    /// A state-changing request (logout) from another site, by its `Origin` or
    /// `Sec-Fetch-Site` header: 403 `cross_site_request`.
    CrossSite,
    /// The session could not be read or written: 500 `session_error`.
    Session,
    /// The login could not be started: 500 `server_error` (details are logged).
    Internal,
    /// A shared store (flow state or sessions, for example Redis) could not be reached or did
    /// not answer in time: 503 `store_unavailable`. Retrying later can succeed.
    Unavailable,
}

impl Rejection {
    /// Maps an error of [`LoginService::begin`](crate::LoginService::begin), logging the
    /// detail of anything but an unknown provider.
    pub fn from_begin_error(err: &Error) -> Self {
        match err {
            Error::UnknownProvider { .. } => Rejection::UnknownProvider,
            Error::StoreUnavailable { .. } => {
                tracing::error!(error = %err, "the login could not be started");
                Rejection::Unavailable
            }
            other => {
                tracing::error!(error = %other, "the login could not be started");
                Rejection::Internal
            }
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> u16 {
        match self {
            Rejection::Unauthenticated => 401,
            Rejection::Forbidden(_) | Rejection::CrossSite => 403,
            Rejection::UnknownProvider => 404,
            Rejection::MethodNotAllowed => 405,
            Rejection::Session | Rejection::Internal => 500,
            Rejection::Unavailable => 503,
        }
    }

    /// The machine-readable code of the body's `error` member.
    pub fn code(&self) -> &'static str {
        match self {
            Rejection::Unauthenticated => "unauthenticated",
            Rejection::Forbidden(code) => code,
            Rejection::UnknownProvider => "unknown_provider",
            Rejection::MethodNotAllowed => "method_not_allowed",
            Rejection::CrossSite => "cross_site_request",
            Rejection::Session => "session_error",
            Rejection::Internal => "server_error",
            Rejection::Unavailable => "store_unavailable",
        }
    }

    /// The fixed text of the body's `message` member.
    pub fn message(&self) -> &'static str {
        match self {
            Rejection::Unauthenticated => "log in first",
            Rejection::Forbidden(_) => "access denied",
            Rejection::UnknownProvider => "no such login provider",
            Rejection::MethodNotAllowed => "this route does not accept this method",
            Rejection::CrossSite => "this request must come from this site",
            Rejection::Session => "the session is unavailable",
            Rejection::Internal => "the login could not be started",
            Rejection::Unavailable => "the service is temporarily unavailable, try again shortly",
        }
    }

    /// The JSON body.
    ///
    /// ```
    /// use oauth_kit_core::flow::Rejection;
    /// assert_eq!(
    ///     Rejection::Unauthenticated.body().to_string(),
    ///     r#"{"error":"unauthenticated","message":"log in first"}"#
    /// );
    /// ```
    pub fn body(&self) -> serde_json::Value {
        json!({ "error": self.code(), "message": self.message() })
    }
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message(), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unavailable_store_is_a_503_with_its_own_code() {
        let rejection = Rejection::from_begin_error(&Error::StoreUnavailable {
            reason: "redis did not answer in time".to_owned(),
        });
        assert_eq!(rejection, Rejection::Unavailable);
        assert_eq!(rejection.status(), 503);
        assert_eq!(rejection.body()["error"], "store_unavailable");
    }
}
