//! Searching a letter's public list by name, organization and country.
//!
//! The list of a busy letter is long (100,000 names) and a search must answer in well under
//! 50 ms on either backend, with any part of a name ("mari" finds "María"). A `LIKE '%x%'`
//! cannot use an index and would read every row on each search; so each letter's listed
//! signatories are kept in memory as search keys (id, then the folded text), in the full
//! list's order, and a search is a scan of those keys (a few milliseconds at 100,000). Only
//! listed, counted signatures are indexed, and only their name, organization and country.
//!
//! The index is rebuilt when the letter's listed counts (from its snapshot, fresh each
//! second) differ from the ones it was built at, or when it is older than `MAX_AGE` (an
//! edit by staff changes no count). A page of results is read again from the database by
//! id with the listed rule applied, so someone withdrawn or unlisted since the build is
//! never shown, even for the moment the index is behind.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::db::DbConnection;
use crate::letters::Letter;
use crate::signatures::{self, SignatureCounts};
use crate::values::text::{case_fold, is_invisible};

/// How long an index serves when no count changed.
pub const MAX_AGE: Duration = Duration::from_secs(60);

/// The longest search text looked at: a name or organization is at most 200 characters.
pub const QUERY_MAX: usize = 200;

/// Text as searched: compatibility-decomposed, accents and other combining marks dropped
/// (so "Jose" finds "José" and Hebrew without points finds it with them), case-folded,
/// invisible characters dropped and any run of spaces made one.
pub fn search_key(text: &str) -> String {
    let mut key = String::with_capacity(text.len());
    let mut space = false;
    for c in text
        .chars()
        .filter(|&c| !is_invisible(c))
        .nfkd()
        .filter(|&c| !is_combining_mark(c))
        .flat_map(case_fold)
    {
        if c.is_whitespace() {
            space = !key.is_empty();
        } else {
            if space {
                key.push(' ');
                space = false;
            }
            key.push(c);
        }
    }
    key
}

/// What a reader asked for: words that must each appear in the name, organization or country,
/// and a country the signatory's must start with. Both are search keys.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Search {
    words: Vec<String>,
    country: String,
}

impl Search {
    /// The reader's text, each cut to `QUERY_MAX` characters; `None` when both are blank.
    pub fn new(text: &str, country: &str) -> Option<Search> {
        let cut = |text: &str| search_key(&text.chars().take(QUERY_MAX).collect::<String>());
        let words: Vec<String> = cut(text).split(' ').map(str::to_owned).collect();
        let search = Search {
            words: words.into_iter().filter(|word| !word.is_empty()).collect(),
            country: cut(country),
        };
        (!search.words.is_empty() || !search.country.is_empty()).then_some(search)
    }

    fn matches(&self, entry: &Entry) -> bool {
        entry.country.starts_with(&self.country)
            && self
                .words
                .iter()
                .all(|word| entry.text.contains(word.as_str()))
    }
}

struct Entry {
    id: Box<str>,
    /// Name, organization and country as one search key.
    text: Box<str>,
    country: Box<str>,
}

/// One letter's listed signatories as search keys, organizations first, in the full list's order.
pub struct SignatoryIndex {
    entries: Vec<Entry>,
    listed: SignatureCounts,
    built_at: Instant,
}

/// The matches of a search, in the full list's order.
#[derive(Debug, Default)]
pub struct Found {
    positions: Vec<u32>,
}

impl Found {
    pub fn total(&self) -> i64 {
        self.positions.len() as i64
    }
}

impl SignatoryIndex {
    pub fn build(
        connection: &mut DbConnection,
        letter: &Letter,
        listed: SignatureCounts,
    ) -> Result<SignatoryIndex, diesel::result::Error> {
        let built_at = Instant::now();
        let (organizations, individuals) =
            signatures::lists::listed_searchable(connection, letter)?;
        let entry = |(id, name, organization, country): signatures::lists::SearchableRow| {
            let country = country.unwrap_or_default();
            let text = [
                name.as_str(),
                organization.as_deref().unwrap_or(""),
                &country,
            ]
            .join(" ");
            Entry {
                id: id.into(),
                text: search_key(&text).into(),
                country: search_key(&country).into(),
            }
        };
        let entries = organizations
            .into_iter()
            .chain(individuals)
            .map(entry)
            .collect();
        Ok(SignatoryIndex {
            entries,
            listed,
            built_at,
        })
    }

    /// Every match of `search` (one pass over the keys).
    pub fn find(&self, search: &Search) -> Found {
        let positions = (0u32..)
            .zip(&self.entries)
            .filter(|(_, entry)| search.matches(entry))
            .map(|(position, _)| position)
            .collect();
        Found { positions }
    }

    /// The ids of matches `offset..offset + limit`.
    pub fn ids(&self, found: &Found, offset: usize, limit: usize) -> Vec<String> {
        found
            .positions
            .iter()
            .skip(offset)
            .take(limit)
            .filter_map(|&position| self.entries.get(position as usize))
            .map(|entry| entry.id.to_string())
            .collect()
    }

    fn is_current(&self, listed: SignatureCounts) -> bool {
        self.listed == listed && self.built_at.elapsed() < MAX_AGE
    }
}

struct Slot {
    index: Arc<SignatoryIndex>,
    rebuilding: AtomicBool,
}

/// Each letter's search index, by letter id.
#[derive(Default)]
pub struct SearchIndexes {
    slots: RwLock<HashMap<String, Arc<Slot>>>,
}

/// What the cache can give for a letter without the database.
pub enum Indexed {
    Current(Arc<SignatoryIndex>),
    /// Behind, and another request is rebuilding it: search this one meanwhile.
    BeingRebuilt(Arc<SignatoryIndex>),
    /// Missing or behind: the caller builds it and `put`s it.
    Build,
}

impl SearchIndexes {
    pub fn lookup(&self, letter_id: &str, listed: SignatureCounts) -> Indexed {
        let slot = match self.slots.read() {
            Ok(slots) => slots.get(letter_id).cloned(),
            Err(_) => None,
        };
        let Some(slot) = slot else {
            return Indexed::Build;
        };
        if slot.index.is_current(listed) {
            Indexed::Current(Arc::clone(&slot.index))
        } else if slot.rebuilding.swap(true, Ordering::AcqRel) {
            Indexed::BeingRebuilt(Arc::clone(&slot.index))
        } else {
            Indexed::Build
        }
    }

    pub fn put(&self, letter_id: &str, index: Arc<SignatoryIndex>) {
        if let Ok(mut slots) = self.slots.write() {
            slots.insert(
                letter_id.to_owned(),
                Arc::new(Slot {
                    index,
                    rebuilding: AtomicBool::new(false),
                }),
            );
        }
    }

    /// Lets the next search try again after a failed build.
    pub fn build_failed(&self, letter_id: &str) {
        if let Ok(slots) = self.slots.read()
            && let Some(slot) = slots.get(letter_id)
        {
            slot.rebuilding.store(false, Ordering::Release);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_case_accents_marks_and_spacing() {
        assert_eq!(search_key("  María  JOSÉ\u{200B}Núñez "), "maria josenunez");
        assert_eq!(search_key("שָׁלוֹם"), "שלום");
        assert_eq!(search_key("ﬁne Straße"), "fine strasse");
    }

    #[test]
    fn every_word_must_appear_and_the_country_must_start_with_the_one_asked() {
        let entry = Entry {
            id: "1".into(),
            text: search_key("Ana Gómez Cruz Roja Perú").into(),
            country: search_key("Perú").into(),
        };
        let matches = |q: &str, country: &str| {
            Search::new(q, country).is_some_and(|search| search.matches(&entry))
        };
        assert!(matches("gomez roja", ""));
        assert!(matches("", "peru"));
        assert!(matches("ANA", "Pe"));
        assert!(!matches("ana", "France"));
        assert!(!matches("ana lopez", ""));
        assert!(Search::new("  ", " ").is_none());
    }
}
