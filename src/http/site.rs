//! The coalition's identity (`[site]`) as pages and emails see it, and the files browsers,
//! crawlers and feed readers ask a site for: the site stylesheet (accent colour), the privacy
//! notice, `/assets/...`, icons, `robots.txt`, `sitemap.xml` and `/feed.atom`.

use std::any::Any;
use std::sync::{LazyLock, OnceLock};

use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::{AppState, PageError};
use crate::config::{Settings, SiteSettings};

static INSTALLED: OnceLock<SiteSettings> = OnceLock::new();

/// The compiled-in `[site]`, for a process that never loaded its configuration (tests that
/// build an application from explicit settings).
/// (The compiled-in defaults are checked by a unit test; the fallback only keeps a page from
/// failing if that ever broke.)
static DEFAULT: LazyLock<SiteSettings> = LazyLock::new(|| {
    Settings::defaults_with(&[])
        .map(|settings| settings.site)
        .unwrap_or_else(|_| SiteSettings {
            name: "undersigned".into(),
            tagline: String::new(),
            logo: String::new(),
            assets_dir: "assets".into(),
            accent_color: "#b3261e".into(),
            contact: String::new(),
            privacy: String::new(),
            footer: String::new(),
            date_style: crate::config::DateStyle::Long,
            favicon: String::new(),
            apple_touch_icon: String::new(),
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

/// For templates: the site passed in at render time (`render_with_values`), else the
/// installed one.
pub fn of<'a>(passed: Result<&'a SiteSettings, askama::Error>) -> &'a SiteSettings {
    passed.unwrap_or_else(|_| installed())
}

/// Renders a page template with this application's `[site]`.
pub fn render(settings: &Settings, page: &impl Template) -> Result<String, askama::Error> {
    let values: (&str, &dyn Any) = ("site", &settings.site);
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

#[derive(Template)]
#[template(path = "privacy.html")]
struct PrivacyPage {
    /// Rendered from `[site] privacy` with the letters' Markdown renderer, which drops raw
    /// HTML, scripts and foreign images.
    notice_html: String,
}

/// `/privacy`: the notice written in `[site] privacy`, or a redirect to the coalition's own.
pub async fn privacy(state: web::Data<AppState>) -> Result<HttpResponse, PageError> {
    let site = &state.settings.site;
    if site.privacy.starts_with("https://") {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, site.privacy.as_str()))
            .finish());
    }
    let page = PrivacyPage {
        notice_html: crate::letters::markdown::render(&site.privacy),
    };
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(render(&state.settings, &page)?))
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
        .map_err(|error| PageError::Internal(format!("reading an asset: {error}")))?;
    match bytes {
        Ok(bytes) => Ok(HttpResponse::Ok()
            .content_type(kind)
            .insert_header((header::CACHE_CONTROL, "public, max-age=3600"))
            .body(bytes)),
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => Err(PageError::NotFound),
        Err(error) => Err(PageError::Internal(format!(
            "reading asset {path}: {error}"
        ))),
    }
}
