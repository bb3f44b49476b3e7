//! Bitbucket's REST API: `/2.0/user`, the paginated `/2.0/user/emails`, and Bitbucket's error
//! envelope mapped onto [`Error::HttpStatus`].

use oauth_kit_core::{
    AccessToken, Error, HttpClient, HttpResponse, OAuthUserInfo, ProviderContext, Stage,
    redacted_excerpt,
};
use serde_json::Value;
use url::Url;

use crate::PROVIDER_NAME;
use crate::user::{Email, EmailPage, choose_email, map_user, set_email};

/// The most pages of `/2.0/user/emails` that are read. A list that still has a `next` link
/// after this many pages is an [`Error::InvalidResponse`]: a real account has a handful of
/// addresses, so an endless list is a broken or hostile server, and stopping quietly could
/// report a secondary address while the primary one sits on a later page.
pub const MAX_EMAIL_PAGES: usize = 20;

/// The endpoint an API error came from; the hint depends on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    User,
    Emails,
}

/// The REST API endpoints of one provider.
#[derive(Debug, Clone)]
pub(crate) struct Api {
    base: Url,
    user: Url,
    emails: Url,
}

impl Api {
    /// Derives the endpoints from a base URL such as `https://api.bitbucket.org/2.0`.
    pub(crate) fn new(base: Url) -> Result<Self, url::ParseError> {
        let root = base.as_str().trim_end_matches('/');
        let user = Url::parse(&format!("{root}/user"))?;
        let emails = Url::parse(&format!("{root}/user/emails"))?;
        Ok(Self { base, user, emails })
    }

    /// The configured base URL.
    pub(crate) fn base(&self) -> &Url {
        &self.base
    }

    /// Fetches `/2.0/user`, then the email addresses, and maps them.
    ///
    /// The requests are sequential: when `/2.0/user` fails, no email request is spent against
    /// the consumer's hourly rate limit.
    pub(crate) async fn user_info(
        &self,
        http: &HttpClient,
        token: &AccessToken,
    ) -> Result<OAuthUserInfo, Error> {
        let context = ProviderContext::new(PROVIDER_NAME, Stage::UserInfo);
        let response = http.get_bearer(&context, &self.user, token).await?;
        if !response.is_success() {
            return Err(status_error(&context, &response, Endpoint::User));
        }
        let raw: Value = response.json(&context)?;
        // The user is validated before any email request is spent.
        let mut user = map_user(raw).map_err(|reason| invalid(&context, &response, reason))?;
        let emails = self.emails(http, &context, token).await?;
        if let Some(email) = emails.as_deref().and_then(choose_email) {
            set_email(&mut user, email);
        }
        Ok(user)
    }

    /// Reads the email addresses, following `next` links on the API's origin, and stops early
    /// once the primary address is seen (it wins whatever follows). `None` when Bitbucket
    /// answers 403: the consumer lacks the "Email: Read" permission, which is not fatal.
    async fn emails(
        &self,
        http: &HttpClient,
        context: &ProviderContext,
        token: &AccessToken,
    ) -> Result<Option<Vec<Email>>, Error> {
        let mut url = self.emails.clone();
        let mut emails = Vec::new();
        for _ in 0..MAX_EMAIL_PAGES {
            let response = http.get_bearer(context, &url, token).await?;
            if response.status == 403 {
                let envelope = Envelope::read(&response.body);
                let (granted, required) = envelope.scope_lists();
                tracing::warn!(
                    provider = PROVIDER_NAME,
                    status = response.status,
                    granted = granted.as_deref().unwrap_or("unknown"),
                    required = required.as_deref().unwrap_or("unknown"),
                    "Bitbucket refused /2.0/user/emails: give the OAuth consumer the \
                     \"Email: Read\" permission; the user is returned without an email address"
                );
                return Ok(None);
            }
            if !response.is_success() {
                return Err(status_error(context, &response, Endpoint::Emails));
            }
            let body: Value = response.json(context)?;
            let page =
                EmailPage::parse(&body).map_err(|reason| invalid(context, &response, reason))?;
            let found_primary = page.emails.iter().any(|e| e.primary);
            emails.extend(page.emails);
            match page.next {
                Some(next) if !found_primary => {
                    url = self
                        .next_page(&url, &next)
                        .map_err(|reason| invalid(context, &response, reason.to_owned()))?;
                }
                _ => return Ok(Some(emails)),
            }
        }
        Err(Error::InvalidResponse {
            context: context.clone(),
            status: 200,
            reason: format!("the email list still had a `next` link after {MAX_EMAIL_PAGES} pages"),
            excerpt: None,
        })
    }

    /// Resolves a `next` link and accepts it only on the API's own origin, so the bearer token
    /// is never sent to another host.
    fn next_page(&self, current: &Url, next: &str) -> Result<Url, &'static str> {
        let url = current
            .join(next)
            .map_err(|_| "the email list's `next` link is not a URL")?;
        if url.origin() != self.base.origin() {
            return Err(
                "the email list's `next` link points to another origin than the API base URL; \
                 it is not followed",
            );
        }
        Ok(url)
    }
}

fn invalid(context: &ProviderContext, response: &HttpResponse, reason: String) -> Error {
    Error::InvalidResponse {
        context: context.clone(),
        status: response.status,
        reason,
        excerpt: redacted_excerpt(&response.body),
    }
}

/// Maps a non-2xx API answer onto [`Error::HttpStatus`] with Bitbucket's message and detail
/// and a hint that says what to do.
fn status_error(context: &ProviderContext, response: &HttpResponse, endpoint: Endpoint) -> Error {
    let envelope = Envelope::read(&response.body);
    let hint = hint(response.status, endpoint, &envelope);
    Error::HttpStatus {
        context: context.clone(),
        status: response.status,
        message: envelope.message,
        hint,
        detail: envelope.detail,
        excerpt: redacted_excerpt(&response.body),
    }
}

fn hint(status: u16, endpoint: Endpoint, envelope: &Envelope) -> Option<String> {
    Some(match (status, endpoint) {
        (401, Endpoint::User) => {
            "check that the Bitbucket OAuth consumer has the \"Account: Read\" \
             permission, and that the access token is valid and not expired (refresh it)"
                .to_owned()
        }
        (401, Endpoint::Emails) => {
            "the access token is invalid or expired: refresh it or log in again".to_owned()
        }
        (403, _) => {
            let (granted, required) = envelope.scope_lists();
            format!(
                "the token lacks a required scope (required: {}; granted: {}): add the missing \
                 permission to the Bitbucket OAuth consumer, then log in again for a new token",
                required.as_deref().unwrap_or("unknown"),
                granted.as_deref().unwrap_or("unknown"),
            )
        }
        (404, _) => "check the API base URL (BITBUCKET_API_URL): it must end in /2.0".to_owned(),
        (429, _) => "rate limited by Bitbucket: OAuth requests count against the consumer's \
             hourly limit; retry later"
            .to_owned(),
        (500..=599, _) => "Bitbucket is unavailable; retry later".to_owned(),
        _ => return None,
    })
}

/// Bitbucket's error envelope: `{"type": "error", "error": {"message": ..., "detail": ...}}`.
#[derive(Debug, Default)]
struct Envelope {
    message: Option<String>,
    detail: Option<Value>,
}

impl Envelope {
    /// Reads the envelope; a body that is not one gives an empty envelope.
    fn read(body: &[u8]) -> Self {
        let Ok(json) = serde_json::from_slice::<Value>(body) else {
            return Self::default();
        };
        let Some(error) = json.get("error").filter(|e| e.is_object()) else {
            return Self::default();
        };
        let message = error
            .get("message")
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|m| !m.is_empty())
            // Kept as data, never rendered: control characters dropped and length capped.
            .map(|m| m.chars().filter(|c| !c.is_control()).take(300).collect());
        let detail = error.get("detail").filter(|d| !d.is_null()).cloned();
        Self { message, detail }
    }

    /// The granted and required scopes of a 403 detail, each joined with ", ".
    fn scope_lists(&self) -> (Option<String>, Option<String>) {
        let list = |name: &str| {
            let items = self.detail.as_ref()?.get(name)?.as_array()?;
            // Scope names are provider-controlled text that ends up in `Display` and in log
            // events: only plain scope names (at most 20 of 64 characters) are kept.
            let plain = |s: &&str| {
                !s.is_empty()
                    && s.len() <= 64
                    && s.bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b":_-.".contains(&b))
            };
            let names: Vec<&str> = items
                .iter()
                .filter_map(Value::as_str)
                .filter(plain)
                .take(20)
                .collect();
            Some(if names.is_empty() {
                "none".to_owned()
            } else {
                names.join(", ")
            })
        };
        (list("granted"), list("required"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn api(base: &str) -> Api {
        Api::new(Url::parse(base).expect("url")).expect("endpoints")
    }

    #[test]
    fn endpoints_are_joined_without_double_slashes() {
        for base in [
            "https://api.bitbucket.org/2.0",
            "https://api.bitbucket.org/2.0/",
        ] {
            let api = api(base);
            assert_eq!(api.user.as_str(), "https://api.bitbucket.org/2.0/user");
            assert_eq!(
                api.emails.as_str(),
                "https://api.bitbucket.org/2.0/user/emails"
            );
        }
    }

    #[test]
    fn next_links_are_followed_only_on_the_api_origin() {
        let api = api("http://127.0.0.1:8080/2.0");
        let current = api.emails.clone();
        let same = api.next_page(&current, "http://127.0.0.1:8080/2.0/user/emails?page=2");
        assert_eq!(same.expect("same origin").query(), Some("page=2"));
        let relative = api.next_page(&current, "?page=3").expect("relative");
        assert_eq!(
            relative.as_str(),
            "http://127.0.0.1:8080/2.0/user/emails?page=3"
        );
        for foreign in [
            "https://api.bitbucket.org/2.0/user/emails?page=2",
            "http://127.0.0.1:8081/2.0/user/emails?page=2",
            "https://127.0.0.1:8080/2.0/user/emails?page=2",
            "//evil.example/steal",
            "data:text/plain,x",
        ] {
            assert!(api.next_page(&current, foreign).is_err(), "{foreign}");
        }
    }

    #[test]
    fn envelope_reads_message_and_detail_of_any_shape() {
        let body = br#"{"type":"error","error":{"message":"Bad request","detail":"You must specify a branch."}}"#;
        let envelope = Envelope::read(body);
        assert_eq!(envelope.message.as_deref(), Some("Bad request"));
        assert_eq!(
            envelope.detail,
            Some(Value::String("You must specify a branch.".into()))
        );
        let scopes = Envelope::read(
            br#"{"type":"error","error":{"message":"m","detail":{"granted":[],"required":["email","account"]}}}"#,
        );
        assert_eq!(
            scopes.scope_lists(),
            (Some("none".to_owned()), Some("email, account".to_owned()))
        );
        for not_envelope in [
            &b"<html>"[..],
            b"{}",
            br#"{"error":"invalid_grant"}"#,
            b"[]",
        ] {
            let envelope = Envelope::read(not_envelope);
            assert!(envelope.message.is_none() && envelope.detail.is_none());
        }
    }
}
