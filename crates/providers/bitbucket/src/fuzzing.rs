//! Entry points for the fuzz targets of `crates/fuzz` (package `oauth-kit-fuzz`).
//!
//! Thin wrappers around the crate-private parsers of the email list, so the fuzz targets run
//! exactly the code a login runs. The user mapping and the error hint need no wrapper: they are
//! reachable from [`SPEC`](crate::SPEC). This module is hidden from the documentation and is
//! not part of the public API: it may change in any release.

use url::Url;

use crate::user::{self, EmailPage};

/// One entry of an email page: the address, `is_primary` and `is_confirmed`.
pub type EmailEntry = (String, bool, bool);

/// Reads one page of `/2.0/user/emails`: its entries and its raw `next` link.
pub fn email_page(body: &serde_json::Value) -> Result<(Vec<EmailEntry>, Option<String>), String> {
    let page = EmailPage::parse(body)?;
    let entries = page
        .emails
        .into_iter()
        .map(|e| (e.address, e.primary, e.confirmed))
        .collect();
    Ok((entries, page.next))
}

/// The entry reported as the user's address, as an index into `entries`.
pub fn chosen_email(entries: &[EmailEntry]) -> Option<usize> {
    let emails: Vec<user::Email> = entries
        .iter()
        .map(|(address, primary, confirmed)| user::Email {
            address: address.clone(),
            primary: *primary,
            confirmed: *confirmed,
        })
        .collect();
    let chosen = user::choose_email(&emails)?;
    emails.iter().position(|e| std::ptr::eq(e, chosen))
}

/// Resolves the `next` link of a page read from `current`, as the email pagination does, for
/// the API base URL `api`; an `Err` means the link is not followed.
pub fn next_page(api: &Url, current: &Url, next: &str) -> Result<Url, &'static str> {
    user::next_page(api, current, next)
}
