//! Writing a checked letter to the database: the one code path behind `letters import` and
//! the console's create and edit forms.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::draft::LetterDraft;
use super::markdown::{self, ImageHosts};
use super::{Letter, LetterStatus, content_hash, find_by_slug};
use crate::db::schema::{letter_versions, letters};
use crate::db::{self, DbConnection};

#[derive(Debug, PartialEq, Eq)]
pub enum StoreOutcome {
    Created,
    Updated { new_version: bool },
}

/// Stores the draft, creating the letter or updating the one with the same slug. Images
/// from other hosts are dropped (none allowed; see [`store_with`]).
pub fn store(
    connection: &mut DbConnection,
    draft: &LetterDraft,
) -> Result<(Letter, StoreOutcome), diesel::result::Error> {
    store_with(connection, draft, &ImageHosts::default())
}

/// Stores the draft, keeping images from `images` in the rendered body.
pub fn store_with(
    connection: &mut DbConnection,
    draft: &LetterDraft,
    images: &ImageHosts,
) -> Result<(Letter, StoreOutcome), diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let hash = content_hash(&draft.title, &draft.addressee, &draft.body_markdown);
        let body_html = markdown::render_with(&draft.body_markdown, images);
        let existing = find_by_slug(connection, &draft.slug)?;
        // A letter is published the first time it is anything but a draft, also when it is
        // imported straight as closed or archived.
        let published_at = match &existing {
            Some(letter) if letter.published_at.is_some() => letter.published_at,
            _ if draft.status != LetterStatus::Draft => Some(now),
            _ => None,
        };
        let closed_at =
            super::closed_at_after(existing.as_ref(), draft.status, draft.closes_at, now);
        let publishing = published_at.is_some()
            && existing
                .as_ref()
                .is_none_or(|letter| letter.published_at.is_none());
        let outcome = match &existing {
            None => {
                let id = db::new_id();
                diesel::insert_into(letters::table)
                    .values((
                        letters::id.eq(&id),
                        letters::slug.eq(&draft.slug),
                        letters::title.eq(&draft.title),
                        letters::addressee.eq(&draft.addressee),
                        letters::summary.eq(&draft.summary),
                        letters::body_markdown.eq(&draft.body_markdown),
                        letters::body_html.eq(&body_html),
                        letters::content_hash.eq(&hash),
                        letters::status.eq(draft.status),
                        letters::goal.eq(draft.goal),
                        letters::opens_at.eq(draft.opens_at),
                        letters::closes_at.eq(draft.closes_at),
                        letters::accepts_individuals.eq(draft.accepts_individuals),
                        letters::accepts_organizations.eq(draft.accepts_organizations),
                        letters::organizations_need_approval.eq(draft.organizations_need_approval),
                        letters::invites_skip_approval.eq(draft.invites_skip_approval),
                        letters::published_at.eq(published_at),
                        letters::closed_at.eq(closed_at),
                        letters::created_at.eq(now),
                        letters::updated_at.eq(now),
                    ))
                    .execute(connection)?;
                record_version(connection, &id, &hash, draft, now)?;
                StoreOutcome::Created
            }
            Some(letter) => {
                diesel::update(letters::table.filter(letters::id.eq(&letter.id)))
                    .set((
                        letters::title.eq(&draft.title),
                        letters::addressee.eq(&draft.addressee),
                        letters::summary.eq(&draft.summary),
                        letters::body_markdown.eq(&draft.body_markdown),
                        letters::body_html.eq(&body_html),
                        letters::content_hash.eq(&hash),
                        letters::status.eq(draft.status),
                        letters::goal.eq(draft.goal),
                        letters::opens_at.eq(draft.opens_at),
                        letters::closes_at.eq(draft.closes_at),
                        letters::accepts_individuals.eq(draft.accepts_individuals),
                        letters::accepts_organizations.eq(draft.accepts_organizations),
                        letters::organizations_need_approval.eq(draft.organizations_need_approval),
                        letters::invites_skip_approval.eq(draft.invites_skip_approval),
                        letters::published_at.eq(published_at),
                        letters::closed_at.eq(closed_at),
                        letters::updated_at.eq(now),
                    ))
                    .execute(connection)?;
                let new_version = letter.content_hash != hash;
                if new_version {
                    record_version(connection, &letter.id, &hash, draft, now)?;
                }
                StoreOutcome::Updated { new_version }
            }
        };
        let letter =
            find_by_slug(connection, &draft.slug)?.ok_or(diesel::result::Error::NotFound)?;
        if publishing {
            super::mark_published_text(connection, &letter.id, &letter.content_hash, now)?;
        }
        Ok((letter, outcome))
    })
}

fn record_version(
    connection: &mut DbConnection,
    letter_id: &str,
    hash: &str,
    draft: &LetterDraft,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    let already_known = letter_versions::table
        .filter(letter_versions::letter_id.eq(letter_id))
        .filter(letter_versions::content_hash.eq(hash))
        .count()
        .get_result::<i64>(connection)?
        > 0;
    if !already_known {
        diesel::insert_into(letter_versions::table)
            .values((
                letter_versions::id.eq(db::new_id()),
                letter_versions::letter_id.eq(letter_id),
                letter_versions::content_hash.eq(hash),
                letter_versions::title.eq(&draft.title),
                letter_versions::body_markdown.eq(&draft.body_markdown),
                letter_versions::created_at.eq(now),
            ))
            .execute(connection)?;
    }
    Ok(())
}
