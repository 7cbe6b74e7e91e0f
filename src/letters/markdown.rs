//! Letter bodies are Markdown; what reaches a page is rendered and then sanitized, so a
//! letter cannot carry script even if its author pasted some.
//!
//! Images are loaded by every reader's browser, so an image from another host tells that
//! host who read the letter and when. Only images on the service's own address (relative
//! paths, or the host of `server.public_url`) and on hosts listed in
//! `letters.allowed_image_hosts` stay; a Markdown image from elsewhere becomes its
//! description, and an HTML `<img>` from elsewhere loses its `src`.

use std::borrow::Cow;
use std::sync::Arc;

use ammonia::Url;
use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd, html};

/// A host no real address uses: relative URLs resolve against it, so whatever still names it
/// after resolving is same-origin.
const SAME_ORIGIN: &str = "same-origin.invalid";

/// The hosts images may come from besides relative addresses.
#[derive(Clone, Debug, Default)]
pub struct ImageHosts {
    hosts: Arc<Vec<String>>,
}

impl ImageHosts {
    pub fn new(hosts: impl IntoIterator<Item = impl AsRef<str>>) -> ImageHosts {
        ImageHosts {
            hosts: Arc::new(
                hosts
                    .into_iter()
                    .map(|host| {
                        host.as_ref()
                            .trim()
                            .trim_end_matches('.')
                            .to_ascii_lowercase()
                    })
                    .filter(|host| !host.is_empty())
                    .collect(),
            ),
        }
    }

    /// The configured hosts plus the service's own public host (`Settings::image_hosts`).
    pub fn from_settings(settings: &crate::config::Settings) -> ImageHosts {
        ImageHosts::new(settings.image_hosts())
    }

    /// Whether an image at `source` may be shown.
    pub fn allows(&self, source: &str) -> bool {
        let Ok(base) = Url::parse(&format!("https://{SAME_ORIGIN}/letters/")) else {
            return false;
        };
        // Resolving against a base treats `//host/x`, `/\host/x` and absolute URLs the way a
        // browser will, which string prefixes would not.
        let Ok(resolved) = base.join(source.trim()) else {
            return false;
        };
        if !matches!(resolved.scheme(), "https" | "http") {
            return false;
        }
        match resolved.host_str() {
            Some(SAME_ORIGIN) => true,
            Some(host) => {
                let host = host.trim_end_matches('.');
                self.hosts
                    .iter()
                    .any(|allowed| host.eq_ignore_ascii_case(allowed))
            }
            None => false,
        }
    }
}

/// Renders with no image host allowed besides relative addresses.
pub fn render(markdown: &str) -> String {
    render_with(markdown, &ImageHosts::default())
}

pub fn render_with(markdown: &str, images: &ImageHosts) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    // A foreign Markdown image keeps its description as text; only the picture goes.
    let mut dropped_images = 0usize;
    let events = Parser::new_ext(markdown, options).filter(|event| match event {
        Event::Start(Tag::Image { dest_url, .. })
            if dropped_images > 0 || !images.allows(dest_url) =>
        {
            dropped_images += 1;
            false
        }
        Event::End(TagEnd::Image) if dropped_images > 0 => {
            dropped_images -= 1;
            false
        }
        _ => true,
    });
    html::push_html(&mut unsafe_html, events);
    let filter_hosts = images.clone();
    ammonia::Builder::default()
        .attribute_filter(move |element, attribute, value| {
            if element == "img" && attribute == "src" && !filter_hosts.allows(value) {
                return None;
            }
            Some(Cow::Borrowed(value))
        })
        .clean(&unsafe_html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_markdown_and_strips_script() {
        let html = render(
            "# Dear President\n\nWe **urge** you.\n\n<script>alert(1)</script>\n\n<a href=\"javascript:x\" onclick=\"y\">link</a>",
        );
        assert!(html.contains("<h1>Dear President</h1>"), "{html}");
        assert!(html.contains("<strong>urge</strong>"));
        assert!(!html.contains("<script"));
        assert!(!html.contains("javascript:"));
        assert!(!html.contains("onclick"));
    }

    #[test]
    fn only_images_from_here_or_listed_hosts_stay() {
        let images = ImageHosts::new(["media.coalition.test"]);
        let html = render_with(
            "![our logo](/static/logo.png) ![tracker](https://tracker.example/pixel.gif) \
             ![listed](https://MEDIA.coalition.test/a.png) ![sneaky](//tracker.example/b.gif)\n\n\
             <img src=\"https://tracker.example/c.gif\" alt=\"raw\"> \
             <img src=\"/\\tracker.example/d.gif\"> <img src=\"data:image/gif;base64,R0lG\">",
            &images,
        );
        assert!(html.contains("src=\"/static/logo.png\""), "{html}");
        assert!(
            html.contains("src=\"https://MEDIA.coalition.test/a.png\""),
            "{html}"
        );
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(html.contains("tracker"), "the description stays: {html}");
        assert!(html.contains("sneaky"), "{html}");
        let links = render("[a link elsewhere](https://tracker.example/page)");
        assert!(
            links.contains("href=\"https://tracker.example/page\""),
            "links are not images: {links}"
        );
    }
}
