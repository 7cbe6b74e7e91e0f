//! `GET /letters/{slug}/card.png`: the 1200x630 picture link previews show for a letter (its
//! title, addressee, the coalition's name and the count; drawn by `crate::read::card`), so
//! that a letter shared in a chat or a post carries its own image.
//!
//! Text goes through cosmic-text: bidi (unicode-bidi), shaping (harfrust, the HarfBuzz port)
//! and rasterizing (swash), so that Hebrew and Arabic read right to left and Arabic letters
//! join. The fonts are bundled (Noto Sans, Noto Sans Hebrew, Noto Sans Arabic; OFL, see
//! assets/fonts/OFL.txt) so the picture is the same on every machine the binary runs on.
//!
//! A busy letter is shared far more often than its count moves: each picture is kept in
//! memory and redrawn only when what it shows has changed, and then at most once a minute
//! per letter, so a viral letter costs one draw a minute per instance.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime};

use actix_web::http::header::{self, EntityTag, Header, HttpDate, IfModifiedSince, IfNoneMatch};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use super::errors::Fault;
use super::{AppState, PageError};
use crate::letters;
use crate::read::card::{CardText, Renderer};

/// However fast a letter's count moves, its picture is redrawn at most this often.
pub const REDRAW_EVERY: Duration = Duration::from_secs(60);

/// Link previews fetch the picture again after this; the count it shows is this old at most
/// (plus the minute a redraw may wait).
const CACHE_CONTROL: &str = "public, max-age=60";

/// Cards kept; past this the longest-unchanged one goes. A coalition has a handful of letters,
/// so this only bounds memory if something odd asks for many.
const MAX_CARDS: usize = 512;

/// A drawn card and what HTTP caches need to know about it.
#[derive(Debug)]
pub struct Card {
    pub text: CardText,
    pub png: web::Bytes,
    pub etag: EntityTag,
    pub modified: SystemTime,
    drawn_at: Instant,
}

impl Card {
    pub fn new(text: CardText, png: Vec<u8>, drawn_at: Instant) -> Card {
        let digest = Sha256::digest(&png);
        let tag: String = digest[..12]
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        Card {
            text,
            png: web::Bytes::from(png),
            etag: EntityTag::new_strong(tag),
            modified: SystemTime::now(),
            drawn_at,
        }
    }
}

/// What the cache says about a letter's card.
#[derive(Debug)]
pub enum Lookup {
    Serve(Arc<Card>),
    Draw,
}

/// The drawn cards, by letter id. The clock is passed in (`now`), so that the redraw rule is
/// tested without waiting a minute.
#[derive(Default)]
pub struct CardCache {
    cards: Mutex<HashMap<String, Arc<Card>>>,
}

impl CardCache {
    /// The kept card when it still shows `wanted`, or when it was drawn less than a minute ago
    /// (then it is served a little behind); otherwise the caller draws.
    pub fn lookup(&self, letter_id: &str, wanted: &CardText, now: Instant) -> Lookup {
        let cards = self.cards.lock().unwrap_or_else(PoisonError::into_inner);
        match cards.get(letter_id) {
            Some(card)
                if card.text == *wanted
                    || now.saturating_duration_since(card.drawn_at) < REDRAW_EVERY =>
            {
                Lookup::Serve(Arc::clone(card))
            }
            _ => Lookup::Draw,
        }
    }

    pub fn store(&self, letter_id: &str, card: Card) -> Arc<Card> {
        let card = Arc::new(card);
        let mut cards = self.cards.lock().unwrap_or_else(PoisonError::into_inner);
        if cards.len() >= MAX_CARDS && !cards.contains_key(letter_id) {
            let oldest = cards
                .iter()
                .min_by_key(|(_, card)| card.drawn_at)
                .map(|(id, _)| id.clone());
            if let Some(oldest) = oldest {
                cards.remove(&oldest);
            }
        }
        cards.insert(letter_id.to_owned(), Arc::clone(&card));
        card
    }
}

/// One per process, like the fonts: the routes are configured once per worker, and a cache
/// per worker would draw a busy card once a minute per worker. Letter ids are UUIDs, so
/// applications sharing a process (tests) never see each other's cards.
static CARDS: LazyLock<CardCache> = LazyLock::new(CardCache::default);

/// The font database is built once (parsing 1.6 MB of fonts); drawing needs it mutably
/// (shaping caches), and draws are rare, so one at a time.
static RENDERER: LazyLock<Mutex<Renderer>> = LazyLock::new(|| Mutex::new(Renderer::new()));

/// `/letters/{slug}/card.png` (and `/{lang}/letters/{slug}/card.png`, which a translation's
/// page links to): the card of the letter as the request reads it (`language::letter_for`).
pub async fn card(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let slug = slug.as_str();
    if !letters::is_valid_slug(slug) {
        return Err(PageError::NotFound);
    }
    let snapshot = state.public_letter_or(slug, PageError::NotFound).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    // One card per language: each shows its own title.
    let letter_id = format!("{}/{}", snapshot.letter.id, snapshot.letter.lang);
    let text = CardText::new(&snapshot, &state.settings.site);
    let card = match CARDS.lookup(&letter_id, &text, Instant::now()) {
        Lookup::Serve(card) => card,
        Lookup::Draw => web::block(move || {
            let mut renderer = RENDERER.lock().unwrap_or_else(PoisonError::into_inner);
            // Requests that missed together queue on the renderer; the first one draws and
            // the others find its card here.
            if let Lookup::Serve(card) = CARDS.lookup(&letter_id, &text, Instant::now()) {
                return Ok(card);
            }
            let png = renderer.draw(&text)?;
            Ok::<_, png::EncodingError>(
                CARDS.store(&letter_id, Card::new(text, png, Instant::now())),
            )
        })
        .await
        .map_err(Fault::from)?
        .map_err(Fault::from)?,
    };
    Ok(respond(&request, &card))
}

fn respond(request: &HttpRequest, card: &Card) -> HttpResponse {
    let modified = HttpDate::from(card.modified);
    // If-Modified-Since counts only without If-None-Match (RFC 9110, 13.1.3).
    let not_modified = if request.headers().contains_key(header::IF_NONE_MATCH) {
        match IfNoneMatch::parse(request) {
            Ok(IfNoneMatch::Any) => true,
            Ok(IfNoneMatch::Items(tags)) => tags.iter().any(|tag| tag.weak_eq(&card.etag)),
            Err(_) => false,
        }
    } else {
        match IfModifiedSince::parse(request) {
            // The header has whole seconds: compare in seconds.
            Ok(IfModifiedSince(since)) => {
                let seconds = |time: SystemTime| {
                    time.duration_since(SystemTime::UNIX_EPOCH)
                        .map(|elapsed| elapsed.as_secs())
                        .unwrap_or(0)
                };
                seconds(card.modified) <= seconds(SystemTime::from(since))
            }
            Err(_) => false,
        }
    };
    let mut response = if not_modified {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((header::CACHE_CONTROL, CACHE_CONTROL))
        // The same address draws another language's card for another reader.
        .insert_header((header::VARY, "Accept-Language, Cookie"))
        .insert_header(header::ETag(card.etag.clone()))
        .insert_header(header::LastModified(modified));
    if not_modified {
        response.finish()
    } else {
        response.content_type("image/png").body(card.png.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::read::card::sample as text;

    #[test]
    fn a_card_is_redrawn_when_its_count_moves_but_at_most_once_a_minute() {
        let cache = CardCache::default();
        let start = Instant::now();
        let at = |seconds: u64| start + Duration::from_secs(seconds);
        let drawn = |total: i64| CardText {
            total,
            ..text("Title")
        };
        assert!(matches!(
            cache.lookup("letter", &drawn(1), at(0)),
            Lookup::Draw
        ));
        cache.store("letter", Card::new(drawn(1), vec![1], at(0)));
        // Unchanged: served for as long as nothing moves, a minute or an hour later.
        assert!(matches!(
            cache.lookup("letter", &drawn(1), at(5)),
            Lookup::Serve(_)
        ));
        assert!(matches!(
            cache.lookup("letter", &drawn(1), at(3_600)),
            Lookup::Serve(_)
        ));
        // Moved within the minute: the old card, showing the old count.
        match cache.lookup("letter", &drawn(2), at(59)) {
            Lookup::Serve(card) => assert_eq!(card.text.total, 1),
            Lookup::Draw => panic!("redrawn within a minute of the last draw"),
        }
        // Moved, a minute on: draw.
        assert!(matches!(
            cache.lookup("letter", &drawn(2), at(60)),
            Lookup::Draw
        ));
        cache.store("letter", Card::new(drawn(2), vec![2], at(60)));
        // Moving again right after that draw waits another minute.
        assert!(matches!(
            cache.lookup("letter", &drawn(3), at(61)),
            Lookup::Serve(_)
        ));
        assert!(matches!(
            cache.lookup("letter", &drawn(3), at(120)),
            Lookup::Draw
        ));
        // Another letter has its own minute.
        assert!(matches!(
            cache.lookup("other", &drawn(2), at(61)),
            Lookup::Draw
        ));
    }

    #[test]
    fn the_etag_follows_the_picture() {
        let now = Instant::now();
        let one = Card::new(text("A"), vec![1, 2, 3], now);
        let same = Card::new(text("A"), vec![1, 2, 3], now);
        let other = Card::new(text("A"), vec![1, 2, 4], now);
        assert_eq!(one.etag, same.etag);
        assert_ne!(one.etag, other.etag);
    }
}
