//! Parsing of the callback query string.

use crate::error::Error;
use crate::sanitize::{authorization_error_code, provider_text};

/// The parameters of an authorization response (RFC 6749 section 4.1.2), parsed strictly:
/// a repeated `code`, `state`, `error` or `iss` is rejected and an empty value counts as
/// missing.
#[derive(Default)]
pub(crate) struct CallbackParams {
    pub(crate) code: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) error: Option<String>,
    pub(crate) error_description: Option<String>,
    pub(crate) iss: Option<String>,
    /// The other parameters (Apple's `user`), at most [`MAX_EXTRA`] of at most
    /// [`MAX_EXTRA_LEN`] bytes each, first occurrence only; the rest is dropped.
    pub(crate) extra: Vec<(String, String)>,
}

/// How many further parameters of a callback are kept for the provider.
const MAX_EXTRA: usize = 8;
/// The longest further parameter value kept for the provider, in bytes.
const MAX_EXTRA_LEN: usize = 4096;

impl CallbackParams {
    pub(crate) fn parse(query: &str) -> Result<Self, Error> {
        let query = query.strip_prefix('?').unwrap_or(query);
        let mut params = CallbackParams::default();
        for (name, value) in url::form_urlencoded::parse(query.as_bytes()) {
            let slot = match name.as_ref() {
                "code" => &mut params.code,
                "state" => &mut params.state,
                "error" => &mut params.error,
                "iss" => &mut params.iss,
                "error_description" => {
                    if params.error_description.is_none() {
                        params.error_description = Some(provider_text(&value, 500));
                    }
                    continue;
                }
                _ => {
                    if params.extra.len() < MAX_EXTRA
                        && value.len() <= MAX_EXTRA_LEN
                        && !params.extra.iter().any(|(n, _)| n == name.as_ref())
                    {
                        params.extra.push((name.into_owned(), value.into_owned()));
                    }
                    continue;
                }
            };
            if slot.is_some() {
                return Err(Error::MalformedCallback {
                    reason: format!("the `{name}` parameter is repeated"),
                });
            }
            // An empty value is kept as an empty marker, so that `state=&state=x` is still a
            // repetition; it is turned into `None` below.
            *slot = Some(value.into_owned());
        }
        // The provider's `error` ends up in logs and in `Display`.
        if let Some(error) = &params.error {
            params.error = Some(authorization_error_code(error));
        }
        for slot in [
            &mut params.code,
            &mut params.state,
            &mut params.error,
            &mut params.iss,
        ] {
            if slot.as_deref().is_some_and(str::is_empty) {
                *slot = None;
            }
        }
        Ok(params)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_rejected() {
        for q in [
            "state=a&state=b",
            "code=a&code=b",
            "error=x&error=y",
            "iss=a&iss=b",
            "state=&state=x",
        ] {
            assert!(
                matches!(
                    CallbackParams::parse(q),
                    Err(Error::MalformedCallback { .. })
                ),
                "{q}"
            );
        }
    }

    #[test]
    fn empty_values_count_as_missing() {
        let params = CallbackParams::parse("?code=&state=").expect("parses");
        assert!(params.code.is_none());
        assert!(params.state.is_none());
    }

    #[test]
    fn error_codes_outside_the_rfc_character_set_are_replaced() {
        let params = CallbackParams::parse("error=x%0Aforged%20line&state=s").expect("parses");
        assert_eq!(params.error.as_deref(), Some("invalid_error"));
        let long = format!("error={}", "a".repeat(65));
        assert_eq!(
            CallbackParams::parse(&long)
                .expect("parses")
                .error
                .as_deref(),
            Some("invalid_error")
        );
        let ok = CallbackParams::parse("error=access_denied").expect("parses");
        assert_eq!(ok.error.as_deref(), Some("access_denied"));
        let described = CallbackParams::parse("error_description=a%0Ab").expect("parses");
        assert_eq!(described.error_description.as_deref(), Some("a\\nb"));
    }

    #[test]
    fn further_parameters_are_kept_within_bounds() {
        let params = CallbackParams::parse("code=c&state=s&user=%7B%7D&user=x&big=").expect("ok");
        assert_eq!(
            params.extra,
            [
                ("user".to_owned(), "{}".to_owned()),
                ("big".to_owned(), String::new())
            ]
        );
        let long = format!("state=s&user={}", "a".repeat(MAX_EXTRA_LEN + 1));
        assert!(CallbackParams::parse(&long).expect("ok").extra.is_empty());
        let many: Vec<String> = (0..20).map(|i| format!("p{i}=v")).collect();
        let parsed = CallbackParams::parse(&many.join("&")).expect("ok");
        assert_eq!(parsed.extra.len(), MAX_EXTRA);
    }

    #[test]
    fn values_are_percent_decoded() {
        let params = CallbackParams::parse("code=a%2Bb&state=s&error_description=Access+denied%21")
            .expect("ok");
        assert_eq!(params.code.as_deref(), Some("a+b"));
        assert_eq!(params.error_description.as_deref(), Some("Access denied!"));
    }
}
