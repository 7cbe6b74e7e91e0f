//! The coalition's identity (`[site]`) for the whole process. Emails, console and error pages
//! render where no application state is at hand, so the site the process loaded lives here,
//! beside the settings it came from, for every layer to read.

use std::sync::{LazyLock, OnceLock};

use super::{ConfigError, SiteSettings};
use crate::values::language::LanguageTag;

static INSTALLED: OnceLock<SiteSettings> = OnceLock::new();

/// The compiled-in `[site]`, for a process that never loaded its configuration (tests that
/// build an application from explicit settings).
/// (The compiled-in defaults are checked by a unit test; the fallback only keeps a page from
/// failing if that ever broke.)
static DEFAULT: LazyLock<SiteSettings> = LazyLock::new(|| {
    super::Settings::defaults_with(&[])
        .map(|settings| settings.site)
        .unwrap_or_else(|_| SiteSettings {
            name: "undersigned".into(),
            tagline: String::new(),
            logo: String::new(),
            assets_dir: "assets".into(),
            accent_color: "#b3261e".into(),
            contact: String::new(),
            privacy: String::new(),
            privacy_by_language: Default::default(),
            privacy_file: Default::default(),
            footer: String::new(),
            date_style: super::DateStyle::Long,
            favicon: String::new(),
            apple_touch_icon: String::new(),
            image_hosts: Vec::new(),
        })
});

/// Makes `site` what this process renders where no application state is at hand (emails,
/// console and error pages). The first call wins: one process serves one site.
pub fn install(site: SiteSettings) {
    let _ = INSTALLED.set(site);
}

/// The site this process installed, or the compiled-in default.
pub fn installed() -> &'static SiteSettings {
    INSTALLED.get().unwrap_or(&DEFAULT)
}

/// The compiled-in `[site]` (our own tagline and footer, which the catalogs translate).
pub fn compiled_in() -> &'static SiteSettings {
    &DEFAULT
}

/// `[site.privacy_by_language]`: each key a language a page can be read in (`he`, `pt-BR`),
/// named once, each value a Markdown notice (an address is `site.privacy`'s alone: the link
/// under every Sign button is one).
pub(super) fn check_privacy_by_language(
    notices: &std::collections::BTreeMap<String, String>,
    max: usize,
) -> Result<(), ConfigError> {
    let mut seen: Vec<LanguageTag> = Vec::new();
    for (key, text) in notices {
        let problem = |what: String| ConfigError(format!("site.privacy_by_language.{key}: {what}"));
        let tag = LanguageTag::parse_routable(key)
            .ok_or_else(|| problem("is not a language tag such as he, ar or pt-BR".to_owned()))?;
        if seen.contains(&tag) {
            return Err(problem(format!("{tag} is named twice")));
        }
        if text.trim_start().starts_with("http") {
            return Err(problem(
                "must be a Markdown text (an address of the coalition's own notice goes in site.privacy)"
                    .to_owned(),
            ));
        }
        if let Err(error) = crate::values::text::multi_line(text, max) {
            return Err(problem(error.to_string()));
        }
        seen.push(tag);
    }
    Ok(())
}

/// `[site] privacy_file`: the coalition's paragraphs from a Markdown file, and their
/// translations beside it (`privacy.md`, `privacy.he.md`), put where `privacy` and
/// `privacy_by_language` would hold them, so the rest of the service reads one place. The file
/// is the text itself, never an address; a language given both ways is refused, as is a file
/// that cannot be read (the service would otherwise start without the coalition's words).
pub fn read_privacy_file(site: &mut SiteSettings) -> Result<(), ConfigError> {
    let path = site.privacy_file.clone();
    if path.as_os_str().is_empty() {
        return Ok(());
    }
    let problem =
        |what: String| ConfigError(format!("site.privacy_file: {}: {what}", path.display()));
    if !site.privacy.is_empty() {
        return Err(problem(
            "site.privacy is set too; give the paragraphs in one of them".to_owned(),
        ));
    }
    let read = |file: &std::path::Path| {
        std::fs::read_to_string(file)
            .map_err(|error| ConfigError(format!("site.privacy_file: {}: {error}", file.display())))
    };
    let text = read(&path)?;
    if text.trim_start().starts_with("http") {
        return Err(problem(
            "must be a Markdown text (an address of the coalition's own notice goes in site.privacy)"
                .to_owned(),
        ));
    }
    site.privacy = text;
    // Translations: NAME.LANG.EXT beside NAME.EXT.
    let (Some(folder), Some(stem)) = (
        path.parent(),
        path.file_stem().and_then(|stem| stem.to_str()),
    ) else {
        return Ok(());
    };
    let extension = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let folder = if folder.as_os_str().is_empty() {
        std::path::Path::new(".")
    } else {
        folder
    };
    let entries = std::fs::read_dir(folder).map_err(|error| problem(error.to_string()))?;
    let mut found: Vec<(String, std::path::PathBuf)> = entries
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let rest = name.strip_prefix(stem)?.strip_prefix('.')?;
            let lang = if extension.is_empty() {
                rest
            } else {
                rest.strip_suffix(extension)?.strip_suffix('.')?
            };
            (!lang.is_empty() && !lang.contains('.')).then(|| (lang.to_owned(), entry.path()))
        })
        .collect();
    found.sort();
    for (lang, file) in found {
        if LanguageTag::parse_routable(&lang).is_none() {
            continue;
        }
        if site.privacy_by_language.contains_key(&lang) {
            return Err(problem(format!(
                "{} and site.privacy_by_language.{lang} both give the {lang} paragraphs",
                file.display()
            )));
        }
        site.privacy_by_language.insert(lang, read(&file)?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::check_privacy_by_language;

    fn check(entries: &[(&str, &str)]) -> Result<(), String> {
        let notices = entries
            .iter()
            .map(|(key, text)| ((*key).to_owned(), (*text).to_owned()))
            .collect();
        check_privacy_by_language(&notices, 100).map_err(|error| error.to_string())
    }

    #[test]
    fn each_notice_is_markdown_in_a_language_named_once() {
        let long = "x".repeat(101);
        assert!(check(&[("he", "הודעה."), ("pt-BR", "Aviso."), ("ar", "إشعار.")]).is_ok());
        for (entries, named) in [
            (
                &[("abcde", "Text.")][..],
                "privacy_by_language.abcde: is not a language",
            ),
            (
                &[("pt-br", "A."), ("pt-BR", "B.")][..],
                "pt-BR is named twice",
            ),
            (
                &[("he", "https://example.org/he")][..],
                "must be a Markdown text",
            ),
            (&[("he", long.as_str())][..], "privacy_by_language.he"),
        ] {
            let refused = check(entries).expect_err(named);
            assert!(refused.contains(named), "{refused}");
        }
    }
}
