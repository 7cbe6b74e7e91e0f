//! What member organizations put on their own sites: `/letters/{slug}/embed`, a compact
//! counter and sign form for an `<iframe>`, and `/letters/{slug}/count.json` for those who
//! draw their own counter.
//!
//! The embed's form is the letter page's form: the same fields, the same signed time stamp
//! and honeypot (`form_guard.html`), through the one admission path. It posts to the embed
//! itself (`POST /letters/{slug}/embed`), so that the visitor stays on the member's site:
//! a refused form comes back in the frame with its error summary and what was typed, and
//! "check your email" is a page of the frame's size, rendered in the answer to the post (no
//! redirect, so the address typed can be shown without a cookie, which a framed page may not
//! get, or a URL, which would put it in logs; reloading the frame's page shows the form
//! again, since a member's page reloads the frame's `src`). Links to the site's own pages
//! (the letter, a new link, the privacy notice) open in a new tab.
//!
//! The frame tells its parent its height (`static/embed.js`, `postMessage`), and the snippet
//! the console gives each member ([`snippet`]) listens and sizes the frame.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Serialize;

use super::middleware::Frameable;
use super::views::{FormView, SignFormPage};
use super::{ApiError, AppState, PageError};
use crate::admission::{Entry, Refused};
use crate::config::Settings;
use crate::db;
use crate::i18n::{LanguageTag, Message};
use crate::letters::{self, Letter};
use crate::read::snapshot::LetterSnapshot;
use crate::signatures::form::SignatureFields;

#[derive(Template)]
#[template(path = "embed.html")]
struct EmbedPage<'a> {
    snapshot: &'a LetterSnapshot,
    accepting: bool,
    /// Why the form is not shown, when it is not.
    notice: Message,
    form_time: String,
    /// Fresh (with a member's box when the address carries its code), or as last sent with
    /// its errors.
    form: FormView,
    /// The letter's page in the language shown, opened outside the frame.
    url: String,
    /// Where the form posts: this embed, in the interface language shown
    /// (`/he/letters/{slug}/embed`), since a framed page may not get the language cookie.
    action: String,
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

/// "Check your email", inside the frame.
#[derive(Template)]
#[template(path = "embed_signed.html")]
struct EmbedSignedPage<'a> {
    letter: &'a Letter,
    /// The letter's address in the text signed, for the resend page (opened in a new tab).
    path: String,
    /// The address typed, shown back so that a typo is seen while the form is at hand.
    email: String,
    /// The embed again, with the member's code: to sign with another address.
    again: String,
    url: String,
    share: Option<super::share::ShareLinks>,
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

/// The embed's own address in the interface language of this answer.
fn embed_action(snapshot: &LetterSnapshot) -> String {
    format!(
        "/{}/letters/{}/embed",
        crate::i18n::catalog::Tr::current().lang(),
        snapshot.letter.slug
    )
}

/// A page the members' sites may frame: not stored by a shared cache (the form carries a
/// time stamp, the check-email page an address).
fn framed(status: StatusCode, body: String, cache: &'static str) -> HttpResponse {
    let mut response = HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, cache))
        .body(body);
    response.extensions_mut().insert(Frameable);
    response
}

fn embed_page(
    state: &AppState,
    snapshot: &LetterSnapshot,
    form: FormView,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    let accepting = snapshot.letter.accepts_signatures_at(db::now());
    let notice = match snapshot.letter.opens_at {
        Some(opens)
            if snapshot.letter.status() == letters::LetterStatus::Open && opens > db::now() =>
        {
            Message::id("not-open-yet")
        }
        _ => Message::id("closed-notice"),
    };
    let page = EmbedPage {
        snapshot,
        accepting,
        notice,
        form_time: if accepting {
            state.defenses.form_time_token(&snapshot.letter.id)
        } else {
            String::new()
        },
        form,
        url: format!("{}{}", state.settings.public_base(), snapshot.path()),
        action: embed_action(snapshot),
    };
    let cache = if page.form.has_problems() {
        "no-store"
    } else {
        "no-cache"
    };
    Ok(framed(
        status,
        super::site::render(&state.settings, &page)?,
        cache,
    ))
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
    // A member's site embeds with its own code (`?via=`), as its link to the letter does.
    let via = crate::members::codes::via_in_query(request.query_string());
    let form = super::partners::offer(&state, FormView::fresh(), &via).await;
    embed_page(&state, &snapshot, form, StatusCode::OK)
}

/// `POST /letters/{slug}/embed`: signing from the frame, through the admission path of the
/// letter page's form, answered inside the frame.
pub async fn sign(
    state: web::Data<AppState>,
    request: actix_web::HttpRequest,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let (snapshot, fields): (_, SignatureFields) = super::pages::posted_to_letter(
        &state,
        &request,
        &slug,
        &body,
        super::form::decode_checked_fields,
    )
    .await?;
    // The text the form was shown with, if the letter has it: that is what is signed.
    let snapshot = snapshot.in_language(Some(&fields.lang));
    super::language::showing(&snapshot);
    let attempt = state.attempt(&request, &snapshot.letter, Entry::Form, fields.clone());
    let refused = match state.admission().admit(attempt).await {
        Ok(_) => return signed_page(&state, &snapshot, &fields),
        Err(refused) => refused,
    };
    let via = fields.via.clone();
    let form = super::partners::offer(&state, FormView::again(fields, None), &via).await;
    let again = |problem: Message| FormView {
        problem: Some(problem),
        values: form.values.clone(),
        partner: form.partner.clone(),
        ..FormView::fresh()
    };
    match refused {
        Refused::TooManyRequests(wait) => Ok(super::pages::with_retry_after(
            embed_page(
                &state,
                &snapshot,
                again(super::pages::SLOW_DOWN),
                StatusCode::TOO_MANY_REQUESTS,
            )?,
            wait,
        )),
        Refused::RetryForm => embed_page(
            &state,
            &snapshot,
            again(super::pages::PRESS_AGAIN),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Refused::Invalid(errors) => embed_page(
            &state,
            &snapshot,
            FormView { errors, ..form },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        // The frame says the letter no longer takes signatures, without its form.
        Refused::LetterClosed => {
            embed_page(&state, &snapshot, FormView::fresh(), StatusCode::CONFLICT)
        }
        other => Err(other.into()),
    }
}

fn signed_page(
    state: &AppState,
    snapshot: &LetterSnapshot,
    fields: &SignatureFields,
) -> Result<HttpResponse, PageError> {
    let path = snapshot.path();
    let mut again = embed_action(snapshot);
    if let Some(code) = crate::members::codes::parse_code(&fields.via) {
        again = format!("{again}?via={code}");
    }
    let page = EmbedSignedPage {
        letter: &snapshot.letter,
        url: format!("{}{path}", state.settings.public_base()),
        path,
        email: fields.email.trim().to_owned(),
        again,
        share: super::share::ShareLinks::while_open(&state.settings, snapshot),
    };
    Ok(framed(
        StatusCode::OK,
        super::site::render(&state.settings, &page)?,
        "no-store",
    ))
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

/// The frame's height before its page has said how tall it is, or where the parent page runs
/// no script: the form with "for an organization" chosen on a 390 px phone
/// (tests/browser/embed_frame.rs measures it), so that nothing is cut off.
pub const DEFAULT_HEIGHT: u32 = 1500;

/// Whose and which: the member whose code the embed carries (its signatures are counted as
/// that member's, and the form offers its box), and the interface language.
#[derive(Clone, Copy, Debug, Default)]
pub struct Embedding<'a> {
    pub via: Option<&'a str>,
    pub lang: Option<&'a LanguageTag>,
}

/// The code a member organization pastes into its page, for the console to show: the
/// `<iframe>` (with the member's `via` code and the language, `/he/letters/x/embed`) and the
/// three lines that let the frame set its own height. The listener takes the height only
/// from this site's origin and only for the frame that sent it.
pub fn snippet(settings: &Settings, letter: &Letter, title: &str, embedding: Embedding) -> String {
    let base = settings.public_base();
    let prefix = embedding
        .lang
        .map(|lang| format!("/{lang}"))
        .unwrap_or_default();
    let query = embedding
        .via
        .map(|code| format!("?via={code}"))
        .unwrap_or_default();
    let origin = origin_of(base);
    format!(
        r#"<iframe src="{base}{prefix}/letters/{slug}/embed{query}" title="{title}" width="100%" height="{DEFAULT_HEIGHT}" style="border:0;max-width:30rem" loading="lazy" allow="clipboard-write; web-share"></iframe>
<script>
addEventListener("message", function (e) {{ if (e.origin !== "{origin}" || !e.data || e.data.type !== "undersigned:height") return;
  document.querySelectorAll("iframe").forEach(function (f) {{ if (f.contentWindow === e.source) f.style.height = e.data.height + "px"; }}); }});
</script>"#,
        slug = letter.slug,
        title = attribute(&format!("Sign: {title}")),
    )
}

/// The origin (scheme, host and port) of the public address, which `event.origin` is
/// compared with: `server.public_url` may carry a path.
fn origin_of(base: &str) -> String {
    match url::Url::parse(base) {
        Ok(parsed) => parsed.origin().ascii_serialization(),
        Err(_) => base.to_owned(),
    }
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
    fn the_origin_leaves_the_path_out() {
        assert_eq!(
            origin_of("https://letters.example.org/coalition"),
            "https://letters.example.org"
        );
        assert_eq!(origin_of("http://127.0.0.1:8080"), "http://127.0.0.1:8080");
    }

    #[test]
    fn the_snippet_title_is_one_attribute() {
        assert_eq!(
            attribute(r#""a" <b> & 'c'"#),
            "&quot;a&quot; &lt;b&gt; &amp; &#39;c&#39;"
        );
    }
}
