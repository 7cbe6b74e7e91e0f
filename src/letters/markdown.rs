//! Letter bodies are Markdown; what reaches a page is rendered and then sanitized, so a
//! letter cannot carry script even if its author pasted some.

use pulldown_cmark::{Options, Parser, html};

pub fn render(markdown: &str) -> String {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_SMART_PUNCTUATION;
    let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut unsafe_html, Parser::new_ext(markdown, options));
    ammonia::clean(&unsafe_html)
}

#[cfg(test)]
mod tests {
    use super::render;

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
}
