//! The coalition's identity (`[site]`) as pages and emails see it, and the files browsers,
//! crawlers and feed readers ask a site for: the site stylesheet (accent colour),
//! `/assets/...`, icons, `robots.txt`, `sitemap.xml` and `/feed.atom`.

use std::any::Any;

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::errors::Fault;
use super::{AppState, PageError};
use crate::config::{Settings, SiteSettings};

pub use crate::config::site::{install, installed};

/// The tagline in the reader's language: our own default is a catalog message; words an
/// operator wrote in `[site]` are shown as written.
pub fn tagline(site: &SiteSettings, tr: &crate::i18n::catalog::Tr) -> String {
    if site.tagline == crate::config::site::compiled_in().tagline {
        tr.t("site-default-tagline")
    } else {
        site.tagline.clone()
    }
}

/// The footer line, on the same rule as [`tagline`].
pub fn footer(site: &SiteSettings, tr: &crate::i18n::catalog::Tr) -> String {
    if site.footer == crate::config::site::compiled_in().footer {
        tr.t("site-default-footer")
    } else {
        site.footer.clone()
    }
}

/// For templates: the site passed in at render time (`render_with_values`), else the
/// installed one.
pub fn of(passed: Result<&SiteSettings, askama::Error>) -> &SiteSettings {
    passed.unwrap_or_else(|_| installed())
}

/// Renders a page template with this application's `[site]`, and its settings for what a page
/// states from them (the privacy gist by the sign button: `privacy::gist_html`).
pub fn render(settings: &Settings, page: &impl Template) -> Result<String, askama::Error> {
    let values: [(&str, &dyn Any); 2] = [("site", &settings.site), ("settings", settings)];
    page.render_with_values(&values)
}

/// `/static/site.css`: the accent colour, as a stylesheet because the Content-Security-Policy
/// allows no inline style.
pub async fn stylesheet(state: web::Data<AppState>) -> HttpResponse {
    let site = &state.settings.site;
    HttpResponse::Ok()
        .content_type("text/css; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(format!(
            ":root {{ --accent: {}; --accent-dark: {}; }}\n",
            site.accent_color,
            site.accent_dark()
        ))
}

/// The media types of the files a coalition puts in its assets folder.
fn content_type(path: &str) -> Option<&'static str> {
    let extension = path.rsplit_once('.')?.1.to_ascii_lowercase();
    Some(match extension.as_str() {
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "pdf" => "application/pdf",
        "txt" => "text/plain; charset=utf-8",
        _ => return None,
    })
}

/// `/assets/{path}`: a file from `[site] assets_dir` (logo, icons). Only plain relative
/// names of known picture and document types; nothing outside the folder, no hidden files.
pub async fn asset(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let path = path.into_inner();
    let safe = !path.starts_with('/')
        && path.split('/').all(|part| {
            !part.is_empty()
                && !part.starts_with('.')
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
        });
    let Some(kind) = content_type(&path).filter(|_| safe) else {
        return Err(PageError::NotFound);
    };
    let file = state.settings.site.assets_dir.join(&path);
    let bytes = web::block(move || std::fs::read(file))
        .await
        .map_err(Fault::from)?;
    match bytes {
        Ok(bytes) => Ok(HttpResponse::Ok()
            .content_type(kind)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Err(PageError::NotFound),
        Err(error) => Err(Fault::io("reading an asset", error).into()),
    }
}

/// The personal paths: pages behind emailed links (whose tokens must not end up in a search
/// index), a member's download page, an invitation and the signer's own list, each also
/// under a language prefix (`/he/verify/...`, `/*/` in robots.txt's wildcards).
const PERSONAL_PATHS: [&str; 12] = [
    "/verify",
    "/*/verify/",
    "/withdraw",
    "/*/withdraw/",
    "/unsubscribe",
    "/*/unsubscribe/",
    "/partners",
    "/*/partners/",
    "/my-signatures",
    "/*/my-signatures",
    "/letters/*/invite/",
    "/*/letters/*/invite/",
];

/// Crawlers stay out of the console, the admin API and the personal paths, and are pointed
/// at the sitemap.
pub async fn robots(state: web::Data<AppState>) -> HttpResponse {
    let mut body = String::from("User-agent: *\nDisallow: /admin\nDisallow: /api/v1/admin\n");
    for path in PERSONAL_PATHS {
        body.push_str(&format!("Disallow: {path}\n"));
    }
    body.push_str(&format!(
        "\nSitemap: {}/sitemap.xml\n",
        state.settings.public_base()
    ));
    HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
        .body(body)
}

#[derive(Template)]
#[template(path = "sitemap.xml")]
struct Sitemap {
    base: String,
    letters: Vec<SitemapLetter>,
}

struct SitemapLetter {
    letter: crate::letters::Letter,
    /// (hreflang, address) of the letter in each of its languages, the original's first;
    /// only the original's when it has no translation.
    languages: Vec<(String, String)>,
}

/// `/sitemap.xml`: the index, and every public letter with its signatories page; a letter in
/// several languages has an entry per language, each naming the others.
pub async fn sitemap(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let (letters, translated) = state
        .db(|connection| {
            let letters = crate::letters::list_public(connection)?;
            let translated = crate::letters::translations::languages_of_all(connection)?;
            Ok((letters, translated))
        })
        .await?;
    let base = state.settings.public_base().to_owned();
    let letters = letters
        .into_iter()
        .map(|letter| {
            let mut languages = vec![(
                letter.lang.to_string(),
                format!("{base}/letters/{}", letter.slug),
            )];
            for lang in translated
                .get(letter.id.as_str())
                .into_iter()
                .flatten()
                // A tag stored before tags had to have an address has none to list.
                .filter(|lang| crate::i18n::LanguageTag::parse_routable(lang).is_some())
            {
                languages.push((
                    lang.clone(),
                    format!("{base}/{lang}/letters/{}", letter.slug),
                ));
            }
            SitemapLetter { letter, languages }
        })
        .collect();
    let page = Sitemap { base, letters };
    Ok(HttpResponse::Ok()
        .content_type("application/xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(page.render()?))
}

/// `/feed.atom` (and `/he/feed.atom`): the open letters, newest first, for feed readers and
/// aggregators, each in the reader's language where the letter has it (`letter_for`) and
/// linking to that text's address.
pub async fn feed(
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    use atom_syndication::{Entry, Feed, FixedDateTime, Link, Person, Text};
    let letters = state.db(crate::letters::list_public).await?;
    let base = state.settings.public_base();
    let site = &state.settings.site;
    let tr = crate::i18n::catalog::Tr::current();
    // To the minute, as every time a stranger reads (`values::public_time`).
    let time = |time: &chrono::NaiveDateTime| -> FixedDateTime {
        crate::values::public_time::to_the_minute(*time)
            .and_utc()
            .fixed_offset()
    };
    let link = |href: String, rel: &str, mime_type: &str| Link {
        href,
        rel: rel.to_owned(),
        mime_type: Some(mime_type.to_owned()),
        ..Link::default()
    };
    let open: Vec<_> = letters
        .into_iter()
        .filter(|letter| letter.status() == crate::letters::LetterStatus::Open)
        .collect();
    let mut entries: Vec<Entry> = Vec::with_capacity(open.len());
    for letter in &open {
        let Some(snapshot) = state.public_letter(&letter.slug).await? else {
            continue;
        };
        let shown = super::language::letter_for(&request, &snapshot);
        let text = &shown.letter;
        let url = format!("{base}{}", shown.path());
        let to = tr.ta(
            "letter-to",
            [(
                "addressee",
                crate::i18n::catalog::Arg::Text(&crate::i18n::addressee_in_sentence(
                    &text.addressee,
                    &text.lang,
                )),
            )],
        );
        let mut entry = Entry::default();
        entry.set_id(url.clone());
        entry.set_title(Text::plain(text.title.clone()));
        entry.set_updated(time(&letter.updated_at));
        entry.set_published(letter.published_at.as_ref().map(time));
        entry.set_summary(Some(Text::plain(if text.summary.is_empty() {
            to
        } else {
            format!("{to}. {}", text.summary)
        })));
        entry.set_links(vec![link(url, "alternate", "text/html")]);
        entries.push(entry);
    }
    let mut feed = Feed::default();
    feed.set_id(format!("{base}/"));
    feed.set_lang(Some(tr.lang()));
    let prefix = crate::i18n::from_address(&request)
        .map(|tag| format!("/{tag}"))
        .unwrap_or_default();
    feed.set_title(Text::plain(format!(
        "{}: {}",
        site.name,
        tr.t("feed-title")
    )));
    if !site.tagline.is_empty() {
        feed.set_subtitle(Some(Text::plain(site.tagline.clone())));
    }
    feed.set_updated(
        open.iter()
            .map(|letter| letter.updated_at)
            .max()
            .map(|latest| time(&latest))
            .unwrap_or_else(|| time(&chrono::DateTime::UNIX_EPOCH.naive_utc())),
    );
    feed.set_authors(vec![Person {
        name: site.name.clone(),
        ..Person::default()
    }]);
    feed.set_links(vec![
        link(
            format!("{base}{prefix}/feed.atom"),
            "self",
            "application/atom+xml",
        ),
        link(format!("{base}{prefix}/"), "alternate", "text/html"),
    ]);
    feed.set_entries(entries);
    Ok(HttpResponse::Ok()
        .content_type("application/atom+xml; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(feed.to_string()))
}

/// The bundled icons, for a site that configured none.
const FAVICON_SVG: &str = include_str!("../../static/favicon.svg");
const APPLE_TOUCH_ICON_PNG: &[u8] = include_bytes!("../../static/apple-touch-icon.png");

pub async fn bundled_favicon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(FAVICON_SVG)
}

pub async fn bundled_apple_touch_icon() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("image/png")
        .insert_header((header::CACHE_CONTROL, "public, max-age=86400"))
        .body(APPLE_TOUCH_ICON_PNG)
}

/// `/favicon.ico` and `/apple-touch-icon.png`, which browsers ask for without reading the
/// page: the configured icon (a redirect), or the bundled one.
pub async fn favicon(state: web::Data<AppState>) -> HttpResponse {
    let url = state.settings.site.favicon_url();
    if url == "/static/favicon.svg" {
        return bundled_favicon().await;
    }
    HttpResponse::Found()
        .insert_header((header::LOCATION, url))
        .finish()
}

pub async fn apple_touch_icon(state: web::Data<AppState>) -> HttpResponse {
    let url = state.settings.site.apple_touch_icon_url();
    if url == "/static/apple-touch-icon.png" {
        return bundled_apple_touch_icon().await;
    }
    HttpResponse::Found()
        .insert_header((header::LOCATION, url))
        .finish()
}
