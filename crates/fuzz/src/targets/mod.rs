//! The targets, one module each.

use crate::Target;

mod bitbucket_emails;
mod callback;
mod id_token;
mod provider_mapping;
mod return_path;
mod sealed_cookie;
mod token_response;

/// Every target, in the order `cargo xtask fuzz` runs them.
pub(crate) const ALL: &[Target] = &[
    callback::TARGET,
    return_path::TARGET,
    sealed_cookie::TARGET,
    token_response::TARGET,
    bitbucket_emails::TARGET,
    provider_mapping::TARGET,
    id_token::TARGET,
];

/// The input as text, the way a web framework hands over a query string or header (invalid
/// UTF-8 replaced).
fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// `prefix` followed by `rest`, for seeds of targets whose first bytes choose a configuration.
fn prefixed(prefix: &[u8], rest: &[u8]) -> Vec<u8> {
    let mut out = prefix.to_vec();
    out.extend_from_slice(rest);
    out
}
