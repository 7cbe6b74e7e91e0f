//! Texts written in Markdown: what they may hold, and how a plain text typed by someone else
//! goes into one without becoming Markdown.

use super::text::TextError;

/// For long texts written in Markdown (a letter's body, an update's text), where the author
/// may need direction marks and formatting characters: only the control characters are
/// refused (NUL, escape, bell, ...), which no text needs and no database or terminal takes
/// safely. Line breaks and tabs are fine.
pub fn no_control_characters(text: &str) -> Result<(), TextError> {
    if text
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(TextError::ControlCharacter);
    }
    Ok(())
}

/// `text` as Markdown that shows these characters as typed: the characters Markdown reads
/// as links, images, autolinks, HTML, entities, emphasis, code, headings, quotes, tables and
/// strike-through are escaped with a backslash, so a note typed by one person cannot become a
/// live link in an email to many. Other punctuation stays as it is, because the email's text
/// part shows the Markdown as written. Line breaks are kept.
pub fn markdown_literal(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '[' | ']' | '<' | '>' | '&' | '!' | '*' | '_' | '`' | '#' | '|' | '~'
        ) {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_literal_text_renders_as_typed() {
        assert_eq!(
            markdown_literal("[Read more](https://evil.example) <b>now</b>"),
            "\\[Read more\\](https://evil.example) \\<b\\>now\\</b\\>"
        );
        assert_eq!(
            markdown_literal("Handed over at 10:00."),
            "Handed over at 10:00."
        );
        assert_eq!(
            markdown_literal("# *x* `y` &amp;"),
            "\\# \\*x\\* \\`y\\` \\&amp;"
        );
    }

    #[test]
    fn markdown_text_refuses_only_control_characters() {
        assert_eq!(no_control_characters("Yes\r\n\tno \u{200F}"), Ok(()));
        for text in ["a\u{0}b", "\u{1b}[31m", "bell\u{7}"] {
            assert_eq!(
                no_control_characters(text),
                Err(TextError::ControlCharacter),
                "{text:?}"
            );
        }
    }
}
