//! What member organizations put on their own sites: `/letters/{slug}/embed`, a compact
//! counter and sign form for an `<iframe>`, and `/letters/{slug}/count.json` for those who
//! draw their own counter.
//!
//! The embed's form is the letter page's form: the same fields, the same signed time stamp
//! and honeypot (`form_guard.html`), posted to the same `POST /letters/{slug}/sign`, so it
//! goes through the one admission path. It posts with `target="_top"`: the result pages
//! (check your email with its share step, or the letter page with its error summary) are
//! full pages that keep refusing to be framed, and the person sees in the address bar whose
//! site took their email address.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Serialize;

use super::middleware::Frameable;
use super::views::{FormView, SignFormPage};
use super::{ApiError, AppState, PageError};
use crate::config::Settings;
use crate::db;
use crate::i18n::Message;
use crate::letters::{self, Letter};
use crate::read::snapshot::LetterSnapshot;

#[derive(Template)]
#[template(path = "embed.html")]
struct EmbedPage<'a> {
    snapshot: &'a LetterSnapshot,
    accepting: bool,
    /// Why the form is not shown, when it is not.
    notice: Message,
    form_time: String,
    /// Empty but for a member's code: a failed submit comes back on the letter page, outside
    /// the frame.
    form: FormView,
    /// The letter's page in the language shown, opened outside the frame.
    url: String,
    /// The letter's address in the language shown (`/he/letters/{slug}`), for the form.
    path: String,
}

impl EmbedPage<'_> {
    /// The privacy notice in the frame's interface language: a framed page may not get the
    /// language cookie, so the address carries it (`/ar/privacy`). An operator's own
    /// notice elsewhere is linked as it is.
    fn privacy_url(
        &self,
        site: &crate::config::SiteSettings,
        tr: &crate::i18n::catalog::Tr,
    ) -> String {
        let url = site.privacy_url();
        if url.starts_with('/') {
            format!("/{}{url}", tr.lang())
        } else {
            url.to_owned()
        }
    }
}

impl SignFormPage for EmbedPage<'_> {
    fn snapshot(&self) -> &LetterSnapshot {
        self.snapshot
    }
}

async fn public_snapshot(
    state: &AppState,
    slug: &str,
) -> Result<Option<std::sync::Arc<LetterSnapshot>>, db::DbError> {
    if !letters::is_valid_slug(slug) {
        return Ok(None);
    }
    state.public_letter(slug).await
}

/// `GET /letters/{slug}/embed`: framable by `embed.allowed_origins` only (see
/// `middleware::security_headers`).
pub async fn embed(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    request: actix_web::HttpRequest,
) -> Result<HttpResponse, PageError> {
    // The translation the reader reads, around the interface in their language: a member's
    // site that embeds `?lang=ar` (or `/ar/letters/{slug}/embed`) gets the Arabic text.
    let snapshot = public_snapshot(&state, &slug)
        .await?
        .ok_or(PageError::NotFound)?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    let path = snapshot.path();
    let accepting = snapshot.letter.accepts_signatures_at(db::now());
    let notice = match snapshot.letter.opens_at {
        Some(opens)
            if snapshot.letter.status() == letters::LetterStatus::Open && opens > db::now() =>
        {
            Message::id("not-open-yet")
        }
        _ => Message::id("closed-notice"),
    };
    // A member's site embeds with its own code (`?via=`), as its link to the letter does.
    let via = crate::members::codes::via_in_query(request.query_string());
    let form = super::partners::offer(&state, FormView::fresh(), &via).await;
    let page = EmbedPage {
        snapshot: &snapshot,
        accepting,
        notice,
        form_time: if accepting {
            state.defenses.form_time_token(&snapshot.letter.id)
        } else {
            String::new()
        },
        form,
        url: format!("{}{path}", state.settings.public_base()),
        path,
    };
    let mut response = HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        // The form carries a time stamp; a shared cache must not hand one out for hours.
        .insert_header((header::CACHE_CONTROL, "no-cache"))
        .body(super::site::render(&state.settings, &page)?);
    response.extensions_mut().insert(Frameable);
    Ok(response)
}

fn letter_url(settings: &Settings, letter: &Letter) -> String {
    format!("{}/letters/{}", settings.public_base(), letter.slug)
}

#[derive(Serialize)]
struct Count<'a> {
    slug: &'a str,
    total: i64,
    individuals: i64,
    organizations: i64,
    goal: Option<i64>,
    accepting_signatures: bool,
}

/// `GET /letters/{slug}/count.json`: the numbers the letter page shows (the same snapshot),
/// for any site's script, briefly cacheable so a busy member page does not ask every time.
pub async fn count(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, ApiError> {
    let snapshot = public_snapshot(&state, &slug)
        .await?
        .ok_or(ApiError::NotFound)?;
    let counts = snapshot.counts;
    Ok(HttpResponse::build(StatusCode::OK)
        .insert_header((
            header::CACHE_CONTROL,
            "public, max-age=5, stale-while-revalidate=30",
        ))
        .insert_header((header::ACCESS_CONTROL_ALLOW_ORIGIN, "*"))
        .json(Count {
            slug: &snapshot.letter.slug,
            total: counts.total(),
            individuals: counts.individuals,
            organizations: counts.organizations,
            goal: snapshot.letter.goal,
            accepting_signatures: snapshot.letter.accepts_signatures_at(db::now()),
        }))
}

/// The `<iframe>` a member organization pastes into its page, for the console to show.
pub fn snippet(settings: &Settings, letter: &Letter) -> String {
    format!(
        r#"<iframe src="{}/embed" title="{}" width="100%" height="1250" style="border:0;max-width:30rem" loading="lazy"></iframe>"#,
        letter_url(settings, letter),
        attribute(&format!("Sign: {}", letter.title))
    )
}

/// The address of a letter's count for other sites' scripts.
pub fn count_url(settings: &Settings, letter: &Letter) -> String {
    format!("{}/count.json", letter_url(settings, letter))
}

/// Text as a double-quoted HTML attribute value in the snippet (which the console then
/// escapes once more to show it).
fn attribute(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snippet_title_is_one_attribute() {
        assert_eq!(
            attribute(r#""a" <b> & 'c'"#),
            "&quot;a&quot; &lt;b&gt; &amp; &#39;c&#39;"
        );
    }
}
