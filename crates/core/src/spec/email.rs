//! The list of email addresses that some providers give after the user endpoint (Bitbucket's
//! `/2.0/user/emails`, GitHub's `/user/emails`), read the same way for every spec that
//! describes one with an [`EmailSource`].

use serde_json::Value;
use url::Url;

use super::UserContext;
use crate::error::Error;
use crate::http::HttpResponse;
use crate::user::{OAuthUserInfo, non_empty};

/// How a provider's list of email addresses is read after the user endpoint, set as
/// [`ProviderSpec::email_source`](super::ProviderSpec::email_source).
///
/// The list is fetched with the token from the named endpoint, page by page when it has `next`
/// links, and the user gets the primary address, else the first verified one, else the first
/// one; `email_verified` is the chosen entry's `verified` member. Entries without an address
/// are skipped, and a list without any leaves the user as the mapping made it. When the
/// provider refuses the list with one of the [`refused`](Self::refused) statuses (the token
/// lacks the permission), a warning names the [`permission`](Self::permission) and the user is
/// returned as the mapping made it, without an address from the list. Any other failure is an
/// error: a status is an [`Error::HttpStatus`] with a hint from [`hints`](Self::hints), a body
/// of another shape an [`Error::InvalidResponse`].
///
/// A `next` link is followed only when it is `http` or `https` on the API base URL's origin (the
/// bearer token never goes to another host; anything else is an [`Error::InvalidResponse`]),
/// and only until a page has the primary address. A list that still has a `next` link after
/// [`max_pages`](Self::max_pages) pages is an [`Error::InvalidResponse`] rather than a silent
/// cut, which could report a secondary address while the primary one sits on a later page.
///
/// ```
/// use oauth_kit_core::spec::{EmailSource, ListedEmail};
/// use serde_json::json;
///
/// // Bitbucket's `/2.0/user/emails`: a page of `values` with a `next` link.
/// const EMAILS: EmailSource = EmailSource {
///     list: "/values",
///     primary: "is_primary",
///     verified: "is_confirmed",
///     next: Some("/next"),
///     permission: "Email: Read",
///     ..EmailSource::DEFAULT
/// };
/// let page = EMAILS.page(&json!({
///     "values": [
///         {"email": "old@example.org", "is_primary": false, "is_confirmed": true},
///         {"email": "mira@example.com", "is_primary": true, "is_confirmed": true}
///     ],
///     "next": null
/// }))?;
/// assert_eq!(page.next, None);
/// let chosen = EmailSource::choose(&page.emails).map(|e| e.address.as_str());
/// assert_eq!(chosen, Some("mira@example.com"));
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct EmailSource {
    /// The name of the endpoint that lists the addresses, one of the spec's
    /// [`extra_endpoints`](super::ProviderSpec::extra_endpoints).
    pub endpoint: &'static str,
    /// The JSON pointer of the array of entries in a page: `""` when the body is the array.
    pub list: &'static str,
    /// The member of an entry that holds the address.
    pub address: &'static str,
    /// The member of an entry that is `true` for the primary address.
    pub primary: &'static str,
    /// The member of an entry that is `true` for a verified address.
    pub verified: &'static str,
    /// The JSON pointer of the next page's link (absolute or relative to the page read), for a
    /// paginated list; `None` reads one page.
    pub next: Option<&'static str>,
    /// The most pages read (at least one is).
    pub max_pages: usize,
    /// The statuses with which the provider refuses the list because the token lacks the
    /// permission to read it.
    pub refused: &'static [u16],
    /// The permission or scope that reading the list needs, as the provider names it
    /// (Bitbucket's `Email: Read`, GitHub's `user:email`), for the warning of a refusal.
    pub permission: &'static str,
    /// Hints per HTTP status for the other failures of the endpoint (`500` stands for every
    /// 5xx); statuses without an entry get a generic hint.
    pub hints: &'static [(u16, &'static str)],
    /// Reads the scopes a refusal reports (granted to the token, required by the endpoint),
    /// logged with the warning.
    pub refusal_scopes: Option<RefusalScopesFn>,
}

/// Reads the scopes a provider reports in a refusal of its email list.
pub type RefusalScopesFn = fn(&HttpResponse) -> RefusalScopes;

/// The scopes a provider reports when it refuses a call, as plain text for the logs.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RefusalScopes {
    /// The scopes granted to the token, if reported.
    pub granted: Option<String>,
    /// The scopes the call requires, if reported.
    pub required: Option<String>,
}

/// One address of an email list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedEmail {
    /// The address, trimmed and not empty.
    pub address: String,
    /// Whether the provider marks it as the primary address.
    pub primary: bool,
    /// Whether the provider marks it as verified.
    pub verified: bool,
}

/// One page of an email list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailPage {
    /// The entries with an address, in the provider's order.
    pub emails: Vec<ListedEmail>,
    /// The raw `next` link, if the page has one.
    pub next: Option<String>,
}

impl EmailSource {
    /// GitHub's shape: the endpoint `emails`, a top-level array of entries with `email`,
    /// `primary` and `verified`, one page, refused with 403. Build a source with
    /// `..EmailSource::DEFAULT` for the fields you leave at these values.
    pub const DEFAULT: EmailSource = EmailSource {
        endpoint: "emails",
        list: "",
        address: "email",
        primary: "primary",
        verified: "verified",
        next: None,
        max_pages: 20,
        refused: &[403],
        permission: "",
        hints: &[],
        refusal_scopes: None,
    };

    /// Reads one page: the entries with an address (flags count only when they are `true`) and
    /// the `next` link. A list that is missing or not an array, or a `next` link that is not a
    /// string, is an `Err` with the reason.
    pub fn page(&self, body: &Value) -> Result<EmailPage, String> {
        let list = match body.pointer(self.list) {
            Some(Value::Array(list)) => list,
            Some(_) => return Err(format!("{} is not an array", member(self.list))),
            None => return Err(format!("{} is missing", member(self.list))),
        };
        let emails = list
            .iter()
            .filter_map(|entry| {
                let address = non_empty(entry.get(self.address).and_then(Value::as_str))?;
                let flag = |name: &str| entry.get(name).and_then(Value::as_bool) == Some(true);
                Some(ListedEmail {
                    address,
                    primary: flag(self.primary),
                    verified: flag(self.verified),
                })
            })
            .collect();
        let next = match self.next.map(|pointer| (pointer, body.pointer(pointer))) {
            None | Some((_, None | Some(Value::Null))) => None,
            Some((_, Some(Value::String(next)))) => non_empty(Some(next)),
            Some((pointer, Some(_))) => {
                return Err(format!("{} is not a string", member(pointer)));
            }
        };
        Ok(EmailPage { emails, next })
    }

    /// The primary address, else the first verified one, else the first one.
    pub fn choose(emails: &[ListedEmail]) -> Option<&ListedEmail> {
        emails
            .iter()
            .find(|e| e.primary)
            .or_else(|| emails.iter().find(|e| e.verified))
            .or_else(|| emails.first())
    }

    /// Resolves the `next` link of the page read from `current`. Only `http` and `https` links
    /// on the origin of the API base URL `api` are followed (the bearer token never goes to
    /// another host); anything else is an `Err` with the reason.
    pub fn next_url(api: &Url, current: &Url, next: &str) -> Result<Url, &'static str> {
        let url = current
            .join(next)
            .map_err(|_| "the email list's `next` link is not a URL")?;
        // The scheme is checked as well: `blob:https://api.bitbucket.org/...` has the API's
        // origin by the URL standard, but it is not a link on the API.
        if !matches!(url.scheme(), "http" | "https") || url.origin() != api.origin() {
            return Err(
                "the email list's `next` link points to another origin than the API base URL; \
                 it is not followed",
            );
        }
        Ok(url)
    }

    /// Sets the chosen address of the list on `user`; leaves `user` as it is when the list has
    /// no address or the provider refuses it.
    pub(super) async fn add_to(
        &self,
        ctx: &UserContext<'_>,
        mut user: OAuthUserInfo,
    ) -> Result<OAuthUserInfo, Error> {
        if let Some(emails) = self.fetch(ctx).await?
            && let Some(email) = Self::choose(&emails)
        {
            user.email = Some(email.address.clone());
            user.email_verified = email.verified;
        }
        Ok(user)
    }

    /// Every address, following `next` links until the primary one is found; `None` when the
    /// provider refuses the list.
    async fn fetch(&self, ctx: &UserContext<'_>) -> Result<Option<Vec<ListedEmail>>, Error> {
        let first = ctx.endpoint(self.endpoint)?;
        let mut url = first.clone();
        let mut emails = Vec::new();
        for _ in 0..self.max_pages.max(1) {
            let response = ctx.get(&url).await?;
            if self.refused.contains(&response.status) {
                self.warn_refused(ctx, first, &response);
                return Ok(None);
            }
            if !response.is_success() {
                return Err(ctx.status_error_with(&response, self.hints));
            }
            let body: Value = response.json(&ctx.context())?;
            let page = self
                .page(&body)
                .map_err(|reason| ctx.invalid(&response, reason))?;
            let found_primary = page.emails.iter().any(|e| e.primary);
            emails.extend(page.emails);
            match page.next {
                Some(next) if !found_primary => {
                    url = Self::next_url(ctx.api_url(), &url, &next)
                        .map_err(|reason| ctx.invalid(&response, reason))?;
                }
                _ => return Ok(Some(emails)),
            }
        }
        Err(Error::InvalidResponse {
            context: ctx.context(),
            status: 200,
            reason: format!(
                "the email list still had a `next` link after {} pages",
                self.max_pages.max(1)
            ),
            excerpt: None,
        })
    }

    /// The warning of a refused list: the endpoint's path, the permission, and the scopes the
    /// provider reported.
    fn warn_refused(&self, ctx: &UserContext<'_>, endpoint: &Url, response: &HttpResponse) {
        let spec = ctx.spec();
        let message = format!(
            "{} refused {}: the {} or the token lacks the \"{}\" permission (check {}); the \
             user is returned without an address from this list",
            spec.title,
            endpoint.path(),
            spec.credentials.app,
            self.permission,
            spec.env_var("SCOPE"),
        );
        match self.refusal_scopes.map(|scopes| scopes(response)) {
            Some(scopes) => tracing::warn!(
                provider = ctx.name(),
                status = response.status,
                granted = scopes.granted.as_deref().unwrap_or("unknown"),
                required = scopes.required.as_deref().unwrap_or("unknown"),
                "{message}"
            ),
            None => tracing::warn!(provider = ctx.name(), status = response.status, "{message}"),
        }
    }
}

/// How a reason names the member at `pointer`: `` `values` ``, or "the email list" for the
/// whole body.
fn member(pointer: &str) -> String {
    match pointer.trim_start_matches('/') {
        "" => "the email list".to_owned(),
        member => format!("`{member}`"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const BITBUCKET_LIKE: EmailSource = EmailSource {
        list: "/values",
        primary: "is_primary",
        verified: "is_confirmed",
        next: Some("/next"),
        ..EmailSource::DEFAULT
    };

    fn email(address: &str, primary: bool, verified: bool) -> ListedEmail {
        ListedEmail {
            address: address.to_owned(),
            primary,
            verified,
        }
    }

    #[test]
    fn email_priority_is_primary_then_first_verified_then_first() {
        let a = email("a@x", false, false);
        let b = email("b@x", false, true);
        let c = email("c@x", true, false);
        let d = email("d@x", false, true);
        let choose = EmailSource::choose;
        assert_eq!(
            choose(&[a.clone(), b.clone(), c.clone(), d.clone()]),
            Some(&c)
        );
        assert_eq!(choose(&[a.clone(), b.clone(), d]), Some(&b));
        assert_eq!(choose(std::slice::from_ref(&a)), Some(&a));
        assert_eq!(choose(&[]), None);
    }

    #[test]
    fn email_page_requires_its_list_and_skips_entries_without_address() {
        let page = BITBUCKET_LIKE
            .page(&json!({
                "values": [
                    {"email": "a@x", "is_primary": true, "is_confirmed": "yes"},
                    {"email": ""},
                    {"email": "  "},
                    {"email": 7, "is_primary": true},
                    {"is_primary": true}
                ],
                "next": null
            }))
            .expect("valid");
        assert_eq!(page.emails, [email("a@x", true, false)]);
        assert_eq!(page.next, None);
        let reason = |body: Value| BITBUCKET_LIKE.page(&body).expect_err("invalid");
        assert_eq!(reason(json!({"size": 0})), "`values` is missing");
        assert_eq!(reason(json!({"values": {}})), "`values` is not an array");
        assert_eq!(
            reason(json!({"values": [], "next": 2})),
            "`next` is not a string"
        );
        assert_eq!(
            BITBUCKET_LIKE
                .page(&json!({"values": [], "next": " "}))
                .map(|p| p.next),
            Ok(None)
        );
    }

    #[test]
    fn a_top_level_list_must_be_an_array_and_has_no_next_link() {
        let github = EmailSource::DEFAULT;
        let page = github
            .page(&json!([{"email": "m@x", "primary": true, "verified": true}]))
            .expect("valid");
        assert_eq!(page.emails, [email("m@x", true, true)]);
        assert_eq!(page.next, None);
        for body in [json!({"emails": []}), json!("m@x"), Value::Null] {
            assert_eq!(
                github.page(&body).expect_err("not an array"),
                "the email list is not an array"
            );
        }
    }

    #[test]
    fn next_links_are_followed_only_on_the_api_origin() {
        let api = Url::parse("https://api.bitbucket.org/2.0").expect("url");
        let current = Url::parse("https://api.bitbucket.org/2.0/user/emails").expect("url");
        let followed = EmailSource::next_url(&api, &current, "?page=2").expect("relative");
        assert_eq!(
            followed.as_str(),
            "https://api.bitbucket.org/2.0/user/emails?page=2"
        );
        assert!(
            EmailSource::next_url(
                &api,
                &current,
                "https://api.bitbucket.org/2.0/user/emails?page=3"
            )
            .is_ok()
        );
        for foreign in [
            "https://evil.example/2.0/user/emails?page=2",
            "http://api.bitbucket.org/2.0/user/emails?page=2",
            "https://api.bitbucket.org:8443/2.0/user/emails?page=2",
            "//evil.example/steal",
            "data:text/plain,x",
            // Found while writing the `bitbucket_emails` fuzz target's property: a blob URL has
            // the origin of the URL inside it, so the origin check alone accepted it.
            "blob:https://api.bitbucket.org/2.0/user/emails?page=2",
        ] {
            assert!(
                EmailSource::next_url(&api, &current, foreign).is_err(),
                "{foreign}"
            );
        }
    }
}
