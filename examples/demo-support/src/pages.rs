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

/// A provider's login button: the registry name (the route segment), the title shown, and
/// whether it logs in at a server of the user's organization (self-hosted or an OpenID
/// Connect issuer of one's own), which the pages group apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginButton {
    /// The registry name: `/auth/<name>/login`.
    pub name: String,
    /// The name shown ("GitHub").
    pub title: String,
    /// Whether the provider is self-hosted or an issuer the instance configures.
    pub own_server: bool,
}

/// A human message for a failure code of the adapters.
pub fn error_message(code: &str) -> &'static str {
    match code {
        "access_denied" => "You declined the authorization at the provider. Nothing was shared.",
        "authorization_failed" => "The provider could not authorize this application.",
        "state_missing" | "state_mismatch" | "flow_missing" | "flow_invalid" | "flow_replayed"
        | "provider_mismatch" | "issuer_mismatch" | "invalid_callback" => {
            "The login could not be verified. Please start again from this site."
        }
        "state_expired" => "The login took too long. Please try again.",
        "token_error" | "user_info_error" => {
            "The provider did not complete the login. Please try again later."
        }
        "provider_unavailable" => {
            "The provider is not reachable right now. Please try again later."
        }
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

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:48rem;margin:3rem auto;padding:0 1rem;color:#172b4d}\
.card{border:1px solid #dfe1e6;border-radius:8px;padding:1.5rem;display:flex;gap:1rem;align-items:center}\
.card img{width:64px;height:64px;border-radius:50%}\
button,.button{background:#0052cc;color:#fff;border:0;border-radius:4px;padding:.6rem 1rem;font-size:1rem;text-decoration:none;cursor:pointer}\
.error{background:#ffebe6;border:1px solid #ff8f73;border-radius:4px;padding:.8rem}\
.verified{color:#006644}.unverified{color:#974f0c}\
.providers{list-style:none;padding:0;margin:0 0 1.5rem;display:grid;grid-template-columns:repeat(auto-fill,minmax(11rem,1fr));gap:.5rem}\
.providers .button{display:block;padding:.45rem .6rem;font-size:.9rem;text-align:center;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}\
h2{font-size:1rem;margin:1rem 0 .5rem;color:#42526e}";

fn layout(title: &str, body: &str) -> String {
    format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>{}</title><style>{STYLE}</style></head><body><h1>oauth-kit demo</h1>{body}</body></html>",
        escape_html(title)
    )
}

/// The login buttons as a compact grid in the order given, the providers of one's own server
/// (self-hosted, OpenID Connect) in a group of their own after the others. Plain links: the
/// pages run no script.
fn button_grid(prefix: &str, providers: &[LoginButton]) -> String {
    let list = |own_server: bool| -> String {
        providers
            .iter()
            .filter(|b| b.own_server == own_server)
            .map(|b| {
                format!(
                    "<li><a class=\"button\" href=\"{}/{}/login?next=%2F\" title=\"Log in with {title}\">Log in with {title}</a></li>",
                    escape_html(prefix),
                    escape_html(&b.name),
                    title = escape_html(&b.title)
                )
            })
            .collect()
    };
    let mut html = String::new();
    let public = list(false);
    if !public.is_empty() {
        html.push_str(&format!(
            "<nav aria-label=\"Providers\"><ul class=\"providers\">{public}</ul></nav>"
        ));
    }
    let own = list(true);
    if !own.is_empty() {
        html.push_str(&format!(
            "<nav aria-label=\"Your organization's server\"><h2>Your organization's server \
             (self-hosted, OpenID Connect)</h2><ul class=\"providers\">{own}</ul></nav>"
        ));
    }
    html
}

/// `GET /`: a login button per provider, or the logged-in user's card with a logout button.
pub fn home_page(user: Option<&SessionUser>, prefix: &str, providers: &[LoginButton]) -> String {
    let Some(user) = user else {
        return layout(
            "oauth-kit demo",
            &format!(
                "<p>Log in with your account.</p>{}",
                button_grid(prefix, providers)
            ),
        );
    };
    let u = &user.info;
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
            "{} <span class=\"verified\" title=\"verified by {}\">&#10003; verified</span>",
            escape_html(email),
            escape_html(&u.provider)
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

/// `GET /login`: the login buttons and, when `error` is given, a human message (escaped).
pub fn login_page(error: Option<&str>, prefix: &str, providers: &[LoginButton]) -> String {
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
        &format!("{notice}{}", button_grid(prefix, providers)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn login_page_escapes_the_error_code() {
        let page = login_page(Some("<script>alert(1)</script>"), "/auth", &[]);
        assert!(!page.contains("<script>"));
        assert!(page.contains("&lt;script&gt;"));
    }

    fn button(name: &str, title: &str, own_server: bool) -> LoginButton {
        LoginButton {
            name: name.to_owned(),
            title: title.to_owned(),
            own_server,
        }
    }

    #[test]
    fn own_server_providers_are_grouped_after_the_others() {
        let page = home_page(
            None,
            "/auth",
            &[
                button("bitbucket", "Bitbucket", false),
                button("bitbucket-dc", "Bitbucket Data Center", true),
                button("github", "GitHub", false),
                button("oidc", "OpenID Connect", true),
            ],
        );
        let at = |text: &str| page.find(text).unwrap_or_else(|| panic!("{text} missing"));
        assert!(at("/auth/bitbucket/login") < at("/auth/github/login"));
        assert!(at("/auth/github/login") < at("Your organization's server"));
        assert!(at("Your organization") < at("/auth/bitbucket-dc/login"));
        assert!(at("/auth/bitbucket-dc/login") < at("/auth/oidc/login"));
        assert_eq!(page.matches("<li>").count(), 4);
    }

    #[test]
    fn sixty_buttons_stay_one_compact_grid_without_scripts() {
        let buttons: Vec<LoginButton> = (0..60)
            .map(|i| {
                button(
                    &format!("p{i:02}"),
                    &format!("Provider {i:02}"),
                    i % 10 == 0,
                )
            })
            .collect();
        let page = home_page(None, "/auth", &buttons);
        assert_eq!(page.matches("<li>").count(), 60);
        assert_eq!(page.matches("<ul class=\"providers\">").count(), 2);
        assert!(page.contains("grid-template-columns"));
        assert!(!page.contains("<script"));
    }

    #[test]
    fn button_titles_are_escaped() {
        let page = home_page(None, "/auth", &[button("x", "<b>X</b>", false)]);
        assert!(!page.contains("<b>X</b>"));
        assert!(page.contains("&lt;b&gt;X&lt;/b&gt;"));
    }
}
