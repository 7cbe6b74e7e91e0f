//! Whose page sent a post to a sign form. A page on another site can hold a copy of our form
//! with every box ticked and post it when someone visits: the person would be listed,
//! subscribed and shared with a member without ever having seen those boxes. Browsers say
//! where a post came from (`Sec-Fetch-Site`, and `Origin`); a post another site's page made
//! is refused unless that site is one of `embed.allowed_origins` (members' sites, which may
//! frame the embed and so may carry the form). The embed's own frame is served from our host
//! and posts as our own page. A request without these headers (an old browser, curl, a test)
//! is judged by the other defenses, as before: it cannot be a visitor tricked by a page.

use actix_web::HttpRequest;

use crate::config::Settings;

/// The origin of another site whose page sent `request`, when a browser says so and that
/// site is not allowed to; `None` for our own pages, allowed embed origins and requests
/// that do not say.
pub fn foreign_origin(settings: &Settings, request: &HttpRequest) -> Option<String> {
    let origin = header(request, "origin").filter(|origin| !origin.is_empty());
    if let Some(origin) = origin.as_deref()
        && settings
            .embed
            .allowed_origins
            .iter()
            .any(|allowed| allowed.eq_ignore_ascii_case(origin.trim_end_matches('/')))
    {
        return None;
    }
    // `null` is sent by sandboxed frames and after redirects, and for posts from our own
    // pages whose referrer policy is `no-referrer` (the form behind "Change it"): it names
    // no site, so `Sec-Fetch-Site` decides.
    if from_our_pages(request, settings.public_base(), true) {
        return None;
    }
    Some(origin.unwrap_or_else(|| {
        let site = header(request, "sec-fetch-site").unwrap_or_default();
        format!("Sec-Fetch-Site: {site}")
    }))
}

fn header(request: &HttpRequest, name: &str) -> Option<String> {
    request
        .headers()
        .get(name)
        .map(|value| value.to_str().unwrap_or("invalid").trim().to_owned())
}

/// Whether a browser says this post came from one of our own pages (`public_base`'s origin, or
/// the host the request was sent to). Browsers send `Origin` (and `Sec-Fetch-Site`) with every
/// form post; clients that send neither are not browsers a page elsewhere could steer. The
/// staff sign-in form and the sign forms both ask this; `null_is_ours` says how to take an
/// `Origin: null`.
pub(super) fn from_our_pages(request: &HttpRequest, public_base: &str, null_is_ours: bool) -> bool {
    if let Some(site) = header(request, "sec-fetch-site").map(|site| site.to_ascii_lowercase())
        && site != "same-origin"
        && site != "none"
    {
        return false;
    }
    match header(request, "origin") {
        None => true,
        Some(origin) if origin == "null" => null_is_ours,
        Some(origin) => is_ours(public_base, request, &origin),
    }
}

/// Our origin is the public address's, or the host this request was sent to (an instance
/// reached by its own address, or a public address not yet configured).
fn is_ours(public_base: &str, request: &HttpRequest, origin: &str) -> bool {
    let origin = origin.trim_end_matches('/');
    if origin_of(public_base).is_some_and(|ours| ours.eq_ignore_ascii_case(origin)) {
        return true;
    }
    let Some((_, host)) = origin.split_once("://") else {
        return false;
    };
    request
        .headers()
        .get(actix_web::http::header::HOST)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|sent_to| sent_to.eq_ignore_ascii_case(host))
}

/// `scheme://host[:port]` of an address.
fn origin_of(address: &str) -> Option<&str> {
    let (scheme, rest) = address.split_once("://")?;
    let host_end = rest.find('/').unwrap_or(rest.len());
    Some(&address[..scheme.len() + 3 + host_end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_origin_is_scheme_host_and_port() {
        assert_eq!(
            origin_of("https://letters.example.org/petitions/"),
            Some("https://letters.example.org")
        );
        assert_eq!(
            origin_of("http://127.0.0.1:8080"),
            Some("http://127.0.0.1:8080")
        );
        assert_eq!(origin_of("letters.example.org"), None);
    }
}
