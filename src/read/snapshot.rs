//! What a public letter page shows, kept in memory for a moment: a busy letter is read far
//! more often than it changes, so page views never count rows. After `ttl` one request
//! reloads while the others keep serving the previous snapshot. A reload does not count rows
//! either: the totals come from `signature_tallies` (kept by database triggers), the lists
//! from two short index walks, so its cost does not grow with the letter.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use askama::Template;

use crate::db::DbConnection;
use crate::i18n::LanguageTag;
use crate::letters::{self, Letter};
use crate::signatures::{self, PublicSignatory, SignatureCounts};
use crate::updates::PublishedUpdate;

/// Organizations are few and listed in full on the letter page up to this many.
pub const ORGANIZATIONS_ON_PAGE: i64 = 200;
pub const RECENT_ON_PAGE: i64 = 12;

#[derive(Clone, Debug)]
pub struct LetterSnapshot {
    pub letter: Letter,
    pub counts: SignatureCounts,
    pub listed: SignatureCounts,
    pub organizations: Vec<PublicSignatory>,
    pub recent_individuals: Vec<PublicSignatory>,
    /// (member, counted signatures it brought), when the letter shows that publicly.
    pub partners: Vec<(String, i64)>,
    /// Sent updates to signers, newest first (`updates::published`).
    pub updates: Vec<crate::updates::PublishedUpdate>,
    /// When and how the letter was delivered (it is also in `updates`).
    pub delivered: Option<letters::delivered::Delivered>,
    /// Every language the letter can be read in, the original's first, then its
    /// translations'. The same in the original's snapshot and in each translation's.
    pub languages: Vec<LanguageTag>,
    /// The same snapshot with `letter` as read in each translation (`Translation::applied_to`),
    /// in `languages` order after the original; built once per load so a page view picks
    /// one without copying anything. Empty in the translations' own snapshots.
    pub translations: Vec<Arc<LetterSnapshot>>,
}

impl LetterSnapshot {
    /// The language `letter` is shown in here.
    pub fn language(&self) -> Option<&LanguageTag> {
        self.languages.iter().find(|tag| **tag == self.letter.lang)
    }

    /// The letter in the language that suits a reader best (`i18n::requested`), else the
    /// original.
    pub fn for_reader(self: &Arc<Self>, requested: &[LanguageTag]) -> Arc<LetterSnapshot> {
        match crate::i18n::pick(requested, &self.languages) {
            Some(tag) => self.exactly_in(tag),
            None => Arc::clone(self),
        }
    }

    /// The letter in exactly this language (a signer's hidden `lang` field, a `/{lang}/`
    /// address), else the original: a text the letter lacks is never made up.
    pub fn in_language(self: &Arc<Self>, lang: Option<&str>) -> Arc<LetterSnapshot> {
        match lang.and_then(LanguageTag::parse) {
            Some(tag) => self.exactly_in(&tag),
            None => Arc::clone(self),
        }
    }

    fn exactly_in(self: &Arc<Self>, tag: &LanguageTag) -> Arc<LetterSnapshot> {
        let wanted = tag.as_str();
        self.translations
            .iter()
            .find(|translation| translation.letter.lang == wanted)
            .map_or_else(|| Arc::clone(self), Arc::clone)
    }

    /// This letter's address on this site in the language it is shown in, without the
    /// site's base: `/letters/{slug}` for the original, `/{lang}/letters/{slug}` for a
    /// translation. Links on a page start with it, so that they keep the page's language.
    pub fn path(&self) -> String {
        address("", self, &self.letter.lang)
    }

    /// The original's snapshot is the one whose letter is in the first language.
    pub fn is_original(&self) -> bool {
        self.languages
            .first()
            .is_none_or(|original| *original == self.letter.lang)
    }
}

pub fn load(
    connection: &mut DbConnection,
    slug: &str,
) -> Result<Option<LetterSnapshot>, diesel::result::Error> {
    let Some(letter) = letters::find_by_slug(connection, slug)? else {
        return Ok(None);
    };
    let (counts, listed) = signatures::counted_and_listed(connection, &letter)?;
    let organizations =
        signatures::listed_organizations(connection, &letter, 0, ORGANIZATIONS_ON_PAGE)?;
    let recent_individuals =
        signatures::listed_individuals(connection, &letter, 0, RECENT_ON_PAGE)?;
    let partners = crate::partners::tally::public(connection, &letter)?;
    let published = crate::updates::published(connection, &letter, crate::updates::ON_PAGE)?;
    let shown: Vec<&str> = published.iter().map(|update| update.id.as_str()).collect();
    let versions = crate::updates::languages::of_updates(connection, &shown)?;
    let delivered = letters::delivered::find(connection, &letter.id)?;
    let updates = delivery_on_page(&letter, delivered.as_ref(), published.clone());
    let letter_id = letter.id.clone();
    let translated = letters::translations::list(connection, &letter_id)?;
    let languages: Vec<LanguageTag> = std::iter::once(letter.lang.clone())
        .chain(
            translated
                .iter()
                .map(|translation| translation.lang.clone()),
        )
        .collect();
    let original = LetterSnapshot {
        letter,
        counts,
        listed,
        organizations,
        recent_individuals,
        partners,
        updates,
        delivered,
        languages,
        translations: Vec::new(),
    };
    let translations = translated
        .iter()
        .map(|translation| {
            let letter = translation.applied_to(&original.letter);
            // The timeline in this language: each update's version in it, the delivery
            // with this text's addressee.
            let in_language = crate::updates::in_language(&published, &versions, &translation.lang);
            let updates = delivery_on_page(&letter, original.delivered.as_ref(), in_language);
            Arc::new(LetterSnapshot {
                letter,
                updates,
                ..original.clone()
            })
        })
        .collect();
    Ok(Some(LetterSnapshot {
        translations,
        ..original
    }))
}

struct Entry {
    loaded_at: Instant,
    snapshot: Arc<LetterSnapshot>,
    refreshing: AtomicBool,
}

pub struct SnapshotCache {
    ttl: Duration,
    entries: RwLock<HashMap<String, Arc<Entry>>>,
}

/// What the cache can say about a slug without touching the database.
pub enum Cached {
    Fresh(Arc<LetterSnapshot>),
    /// Stale, and another request is already reloading it: serve this one.
    StaleBeingRefreshed(Arc<LetterSnapshot>),
    /// Missing or stale: the caller should load it and `put` it.
    Load,
}

impl SnapshotCache {
    pub fn new(ttl: Duration) -> Self {
        SnapshotCache {
            ttl,
            entries: RwLock::new(HashMap::new()),
        }
    }

    pub fn lookup(&self, slug: &str) -> Cached {
        let entry = match self.entries.read() {
            Ok(entries) => entries.get(slug).cloned(),
            Err(_) => None,
        };
        let Some(entry) = entry else {
            return Cached::Load;
        };
        if entry.loaded_at.elapsed() < self.ttl {
            return Cached::Fresh(Arc::clone(&entry.snapshot));
        }
        if entry.refreshing.swap(true, Ordering::AcqRel) {
            Cached::StaleBeingRefreshed(Arc::clone(&entry.snapshot))
        } else {
            Cached::Load
        }
    }

    pub fn put(&self, slug: &str, snapshot: Arc<LetterSnapshot>) {
        if let Ok(mut entries) = self.entries.write() {
            entries.insert(
                slug.to_owned(),
                Arc::new(Entry {
                    loaded_at: Instant::now(),
                    snapshot,
                    refreshing: AtomicBool::new(false),
                }),
            );
        }
    }

    /// Lets the next request try again after a failed reload.
    pub fn reload_failed(&self, slug: &str) {
        if let Ok(entries) = self.entries.read()
            && let Some(entry) = entries.get(slug)
        {
            entry.refreshing.store(false, Ordering::Release);
        }
    }

    /// Forgets a letter so that the next view shows a change made by this instance at once.
    pub fn invalidate(&self, slug: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.remove(slug);
        }
    }

    pub fn invalidate_letter_id(&self, letter_id: &str) {
        if let Ok(mut entries) = self.entries.write() {
            entries.retain(|_, entry| entry.snapshot.letter.id != letter_id);
        }
    }
}

#[derive(Template)]
#[template(
    source = r#"{% for paragraph in paragraphs %}<p>{% for line in paragraph %}{% if !loop.first %}<br>{% endif %}{{ line }}{% endfor %}</p>{% endfor %}{% if let Some(link) = link %}<p><a href="{{ link }}" rel="nofollow noopener">{{ link }}</a></p>{% endif %}"#,
    ext = "html"
)]
struct TimelineBody<'a> {
    paragraphs: Vec<Vec<&'a str>>,
    link: Option<&'a str>,
}

/// The letter page's updates timeline with the delivery in it, newest first, for `letter`
/// as read in one language (the original or a translation: its addressee, and the heading
/// in its language). The update sent from the delivery is the delivery itself: shown once,
/// as it.
pub fn delivery_on_page(
    letter: &Letter,
    delivered: Option<&letters::delivered::Delivered>,
    mut published: Vec<PublishedUpdate>,
) -> Vec<PublishedUpdate> {
    let Some(delivered) = delivered else {
        return published;
    };
    if let Some(update_id) = &delivered.update_id {
        published.retain(|shown| shown.id != *update_id);
    }
    // Escaped here; the page shows timeline bodies as they are.
    let body_html = TimelineBody {
        paragraphs: delivered.paragraphs(),
        link: delivered.link.as_deref(),
    }
    .render()
    .unwrap_or_default();
    let tr = crate::i18n::catalog::Tr::for_requested(std::slice::from_ref(&letter.lang));
    let entry = PublishedUpdate {
        id: String::new(),
        subject: tr.ta(
            "updates-delivered-to",
            [(
                "addressee",
                (&*crate::i18n::addressee_in_sentence(&letter.addressee, &letter.lang)).into(),
            )],
        ),
        body_html,
        published_at: delivered.at(),
        lang: LanguageTag::parse(&tr.lang()).unwrap_or_else(|| letter.lang.clone()),
    };
    let position = published
        .iter()
        .position(|shown| shown.published_at < entry.published_at)
        .unwrap_or(published.len());
    published.insert(position, entry);
    published
}

/// The address of a letter in `lang`: `/letters/{slug}` for the original, `/{lang}/letters/{slug}`
/// for a translation.
pub fn address(base: &str, snapshot: &LetterSnapshot, lang: &str) -> String {
    let slug = &snapshot.letter.slug;
    let original = snapshot
        .languages
        .first()
        .is_none_or(|original| original.as_str() == lang);
    if original {
        format!("{base}/letters/{slug}")
    } else {
        format!("{base}/{lang}/letters/{slug}")
    }
}

/// `<link rel="alternate" hreflang>` pairs for a letter in more than one language: each
/// language's address, and the original's as `x-default`.
pub fn alternates(base: &str, snapshot: &LetterSnapshot) -> Vec<(String, String)> {
    if snapshot.languages.len() < 2 {
        return Vec::new();
    }
    let mut links: Vec<(String, String)> = snapshot
        .languages
        .iter()
        // A tag stored before tags had to have an address has none to list.
        .filter(|tag| tag.is_routable())
        .map(|tag| {
            let lang = tag.as_str();
            let href = address(base, snapshot, &lang);
            (lang, href)
        })
        .collect();
    if let Some((_, original)) = links.first() {
        let original = original.clone();
        links.push(("x-default".to_owned(), original));
    }
    links
}
