//! Token grants beyond the authorization code: refresh (with a choice of refresh-token
//! behaviour) and client credentials.

use std::sync::Arc;

use axum::http::StatusCode;
use axum::response::Response;

use crate::respond;
use crate::state::{Shared, TokenGrant, random_alphanumeric};
use crate::token::issue;
use crate::wire::Dialect;

/// What the token endpoint does with refresh tokens, set with
/// [`MockBitbucket::set_refresh_tokens`](crate::MockBitbucket::set_refresh_tokens).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RefreshTokens {
    /// Bitbucket's behaviour: a refresh answers with the same refresh token, which stays
    /// valid.
    #[default]
    Reuse,
    /// Rotation (as GitHub Apps and GitLab do): every refresh answers with a new refresh token
    /// and the one used stops working; using it again is answered `invalid_grant`.
    Rotate,
    /// The refresh answer carries no `refresh_token` member; the one used stays valid.
    Omit,
}

/// The pairs of a form body, in order.
pub(crate) fn form(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

/// Issues an access token and a new refresh token for `user` with the current scopes.
pub(crate) fn issue_new_grant(shared: &Shared, user: String, grant_type: &'static str) -> Response {
    let Ok(refresh_token) = random_alphanumeric(18) else {
        return respond::random_failed();
    };
    let scopes = shared.lock().scopes.clone();
    let grant = TokenGrant {
        user,
        scopes,
        expired: false,
    };
    shared
        .lock()
        .refresh_tokens
        .insert(refresh_token.clone(), grant.clone());
    issue(shared, grant, Some(&refresh_token), grant_type, &[])
}

/// `grant_type=client_credentials`: a token for the client's owner (the mock's current user).
/// Bitbucket includes a refresh token in this answer, and so does the mock.
pub(crate) fn client_credentials(shared: &Arc<Shared>) -> Response {
    let owner = shared.lock().current_user.clone();
    issue_new_grant(shared, owner, "client_credentials")
}

/// `grant_type=refresh_token` under the configured [`RefreshTokens`] behaviour.
pub(crate) fn refresh(shared: &Arc<Shared>, refresh_token: &str) -> Response {
    let (grant, policy, rotated_away) = {
        let state = shared.lock();
        (
            state.refresh_tokens.get(refresh_token).cloned(),
            state.refresh_policy,
            state.rotated_refresh_tokens.contains(refresh_token),
        )
    };
    let Some(grant) = grant else {
        if rotated_away {
            return already_used(shared);
        }
        return match shared.wire.dialect {
            Dialect::Bitbucket => respond::oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "Invalid refresh_token",
            ),
            Dialect::Spec => respond::token_error(
                shared,
                StatusCode::BAD_REQUEST,
                "invalid_grant",
                "The refresh token is invalid.",
            ),
        };
    };
    match policy {
        RefreshTokens::Reuse => issue(shared, grant, Some(refresh_token), "refresh_token", &[]),
        RefreshTokens::Omit => issue(shared, grant, None, "refresh_token", &[]),
        RefreshTokens::Rotate => {
            let Ok(next) = random_alphanumeric(18) else {
                return respond::random_failed();
            };
            {
                // Swapping under one lock: two concurrent refreshes with the same token get
                // one new token and one `invalid_grant`.
                let mut state = shared.lock();
                if state.refresh_tokens.remove(refresh_token).is_none() {
                    drop(state);
                    return already_used(shared);
                }
                state
                    .rotated_refresh_tokens
                    .insert(refresh_token.to_owned());
                state.refresh_tokens.insert(next.clone(), grant.clone());
            }
            issue(shared, grant, Some(&next), "refresh_token", &[])
        }
    }
}

/// The answer to a refresh token that rotation replaced (RFC 6749 section 5.2).
fn already_used(shared: &Shared) -> Response {
    respond::token_error(
        shared,
        StatusCode::BAD_REQUEST,
        "invalid_grant",
        "The refresh token was already used.",
    )
}
