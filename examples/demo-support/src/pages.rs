//! The demo's HTML pages. Every value that comes from a user or a provider is escaped.

use oauth_kit_core::SessionUser;

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// A human message for a failure code of the adapters.
pub fn error_message(code: &str) -> &'static str {
    match code {
        "access_denied" => "You declined the authorization at Bitbucket. Nothing was shared.",
        "authorization_failed" => "Bitbucket could not authorize this application.",
        "state_missing" | "state_mismatch" | "flow_missing" | "flow_invalid" | "flow_replayed"
        | "provider_mismatch" | "issuer_mismatch" | "invalid_callback" => {
            "The login could not be verified. Please start again from this site."
        }
        "state_expired" => "The login took too long. Please try again.",
        "token_error" | "user_info_error" => {
            "Bitbucket did not complete the login. Please try again later."
        }
        "provider_unavailable" => "Bitbucket is not reachable right now. Please try again later.",
        "store_unavailable" => {
            "The login service is briefly unavailable. Please try again shortly."
        }
        "login_refused" => "This account is not allowed to log in here.",
        "rate_limited" => "Too many login attempts from here. Please wait a minute and try again.",
        "session_conflict" => {
            "Your browser sent conflicting session cookies. Clear this site's cookies and log in again."
        }
        "session_too_large" => {
            "Your profile is too large for this site's session. Please contact us."
        }
        _ => "The login failed. Please try again.",
    }
}

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#172b4d}\
.card{border:1px solid #dfe1e6;border-radius:8px;padding:1.5rem;display:flex;gap:1rem;align-items:center}\
.card img{width:64px;height:64px;border-radius:50%}\
button,.button{background:#0052cc;color:#fff;border:0;border-radius:4px;padding:.6rem 1rem;font-size:1rem;text-decoration:none;cursor:pointer}\
.error{background:#ffebe6;border:1px solid #ff8f73;border-radius:4px;padding:.8rem}\
.verified{color:#006644}.unverified{color:#974f0c}\
.providers{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:.6rem}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><h1>oauth-kit demo</h1>{body}</body></html>",
        escape_html(title)
    )
}

/// `GET /`: a login button per provider (registry name and title), or the logged-in user's
/// card with a logout button.
pub fn home_page(
    user: Option<&SessionUser>,
    prefix: &str,
    providers: &[(String, String)],
) -> String {
    let Some(user) = user else {
        let buttons: String = providers
            .iter()
            .map(|(name, title)| {
                format!(
                    "<li><a class=\"button\" href=\"{}/{}/login?next=%2F\">Log in with {}</a></li>",
                    escape_html(prefix),
                    escape_html(name),
                    escape_html(title)
                )
            })
            .collect();
        return layout(
            "oauth-kit demo",
            &format!("<p>Log in with your account.</p><ul class=\"providers\">{buttons}</ul>"),
        );
    };
    let u = &user.user;
    let name = u
        .full_name()
        .or_else(|| u.username.clone())
        .unwrap_or_else(|| u.oauth_id.clone());
    let avatar = u
        .avatar_url
        .as_deref()
        .map(|src| format!("<img src=\"{}\" alt=\"\">", escape_html(src)))
        .unwrap_or_default();
    let email = match (&u.email, u.email_verified) {
        (Some(email), true) => format!(
            "{} <span class=\"verified\" title=\"verified by Bitbucket\">&#10003; verified</span>",
            escape_html(email)
        ),
        (Some(email), false) => format!(
            "{} <span class=\"unverified\">(not verified)</span>",
            escape_html(email)
        ),
        (None, _) => "<span class=\"unverified\">no email shared</span>".to_owned(),
    };
    let username = u
        .username
        .as_deref()
        .map(|n| format!("<div>@{}</div>", escape_html(n)))
        .unwrap_or_default();
    layout(
        "oauth-kit demo",
        &format!(
            "<div class=\"card\">{avatar}<div><strong>{}</strong>{username}<div>{email}</div>\
             <div><small>logged in with {}</small></div></div></div>\
             <form method=\"post\" action=\"{}/logout\"><p><button type=\"submit\">Log out</button></p></form>",
            escape_html(&name),
            escape_html(&u.provider),
            escape_html(prefix)
        ),
    )
}

/// `GET /login`: the login button and, when `error` is given, a human message (escaped).
pub fn login_page(error: Option<&str>, prefix: &str) -> String {
    let notice = error
        .map(|code| {
            format!(
                "<p class=\"error\" role=\"alert\">{} <small>(code: <code>{}</code>)</small></p>",
                escape_html(error_message(code)),
                escape_html(code)
            )
        })
        .unwrap_or_default();
    layout(
        "Log in - oauth-kit demo",
        &format!(
            "{notice}<p><a class=\"button\" href=\"{}/bitbucket/login?next=%2F\">Log in with Bitbucket</a></p>",
            escape_html(prefix)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_page_escapes_the_error_code() {
        let page = login_page(Some("<script>alert(1)</script>"), "/auth");
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
    }
}
