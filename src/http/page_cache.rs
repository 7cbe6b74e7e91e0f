//! The letter page as last rendered, for the rest of its second. A busy letter is viewed
//! thousands of times a second and its page can change only when its snapshot does (at most
//! once a second) or when the signed form time in it does (once a second): rendering it
//! again for every view spent about half the page's CPU on templates and catalogs
//! (BENCHMARKS.md). A rendered body is served again only for the same snapshot (the same
//! `Arc`, kept here so it cannot be freed and its address reused), the same interface
//! language, the same address and the same second, so a view never sees anything another
//! render at that moment would not have shown.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use actix_web::web::Bytes;

use crate::i18n::catalog::Tr;
use crate::read::snapshot::LetterSnapshot;

/// More than the distinct pages of every letter in every language at once; past it the
/// map starts again (an entry lives one second anyway).
const MAX_PAGES: usize = 512;

#[derive(Clone, PartialEq, Eq, Hash)]
struct Key {
    /// The snapshot's address, valid while `Entry::snapshot` holds it.
    snapshot: usize,
    lang: &'static str,
    path: String,
}

struct Entry {
    second: u64,
    snapshot: Arc<LetterSnapshot>,
    body: Bytes,
}

#[derive(Default)]
pub struct PageCache {
    pages: RwLock<HashMap<Key, Entry>>,
}

fn key(snapshot: &Arc<LetterSnapshot>, tr: Tr, path: &str) -> Key {
    Key {
        snapshot: Arc::as_ptr(snapshot) as usize,
        lang: tr.tag().language(),
        path: path.to_owned(),
    }
}

fn this_second() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .unwrap_or_default()
}

impl PageCache {
    /// The page rendered this second for this snapshot, language and address, if any.
    pub fn get(&self, snapshot: &Arc<LetterSnapshot>, tr: Tr, path: &str) -> Option<Bytes> {
        let pages = self.pages.read().ok()?;
        let entry = pages.get(&key(snapshot, tr, path))?;
        (entry.second == this_second() && Arc::ptr_eq(&entry.snapshot, snapshot))
            .then(|| entry.body.clone())
    }

    pub fn put(&self, snapshot: &Arc<LetterSnapshot>, tr: Tr, path: &str, body: Bytes) {
        if let Ok(mut pages) = self.pages.write() {
            if pages.len() >= MAX_PAGES {
                pages.clear();
            }
            pages.insert(
                key(snapshot, tr, path),
                Entry {
                    second: this_second(),
                    snapshot: Arc::clone(snapshot),
                    body,
                },
            );
        }
    }
}
