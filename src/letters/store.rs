//! Writing a checked letter to the database: the one code path behind `letters import` and
//! the console's create and edit forms.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::draft::LetterDraft;
use super::markdown::{self, ImageHosts};
use super::translations;
use super::{Letter, LetterStatus, content_hash, find_by_slug};
use crate::db::schema::letters;
use crate::db::{self, DbConnection};
use crate::staff::{Actor, audit};

/// Every column a draft sets, written the same way on create and on update (`None` writes
/// NULL: clearing a goal or a closing time in the file clears it in the database).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = letters, treat_none_as_null = true)]
struct LetterFields<'a> {
    title: &'a str,
    addressee: &'a str,
    summary: &'a str,
    body_markdown: &'a str,
    body_html: &'a str,
    content_hash: &'a str,
    status: LetterStatus,
    goal: Option<i64>,
    opens_at: Option<NaiveDateTime>,
    closes_at: Option<NaiveDateTime>,
    accepts_individuals: bool,
    accepts_organizations: bool,
    organizations_need_approval: bool,
    invites_skip_approval: bool,
    show_partner_tally: bool,
    comments: bool,
    keep_addresses_until_delivery: bool,
    published_at: Option<NaiveDateTime>,
    closed_at: Option<NaiveDateTime>,
    updated_at: NaiveDateTime,
}

/// The language of letters that do not say (and of every letter stored before they could).
pub const DEFAULT_LANGUAGE: &str = "en";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The letter already has a translation in the language its original is said to be in.
    #[error("the letter has a translation in {0}; its original cannot be in that language too")]
    TranslationInLanguage(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

#[derive(Debug, PartialEq, Eq)]
pub enum StoreOutcome {
    Created,
    Updated { new_version: bool },
}

/// Stores the draft, creating the letter or updating the one with the same slug, without an
/// audit record: for seeding (tests, demonstrations). Images from other hosts are dropped.
/// Staff and the command line go through [`store_with`], which records who did it.
pub fn store(
    connection: &mut DbConnection,
    draft: &LetterDraft,
) -> Result<(Letter, StoreOutcome), StoreError> {
    write(connection, draft, &ImageHosts::default()).map(|(letter, outcome, _)| (letter, outcome))
}

/// Stores the draft, keeping images from `images` in the rendered body, and records it in the
/// audit log (`letter.create`, or `letter.edit` naming the settings that changed) in the same
/// transaction: the console's editor and `letters import` leave the same record.
pub fn store_with(
    connection: &mut DbConnection,
    draft: &LetterDraft,
    images: &ImageHosts,
    actor: &Actor,
) -> Result<(Letter, StoreOutcome), StoreError> {
    db::write_transaction(connection, |connection| {
        let (after, outcome, before) = write(connection, draft, images)?;
        let (action, detail) = match &before {
            None if draft.status == LetterStatus::Draft => (
                "letter.create",
                format!("created the draft \"{}\"", after.title),
            ),
            None => (
                "letter.create",
                format!("created \"{}\" ({})", after.title, draft.status.as_str()),
            ),
            Some(before) => ("letter.edit", edit_detail(before, draft, &after, &outcome)),
        };
        audit::record(
            connection,
            actor,
            action,
            Some(&after.id),
            Some(&after.slug),
            &detail,
        )?;
        Ok((after, outcome))
    })
}

/// What an edit did, for the audit log.
fn edit_detail(
    before: &Letter,
    draft: &LetterDraft,
    after: &Letter,
    outcome: &StoreOutcome,
) -> String {
    let changed = changed_fields(before, draft);
    match outcome {
        StoreOutcome::Updated { new_version: true } => format!(
            "changed {}; new text version {}",
            changed.join(", "),
            after.content_hash.get(..12).unwrap_or(&after.content_hash)
        ),
        _ if changed.is_empty() => "saved without changes".to_owned(),
        _ => format!("changed {}", changed.join(", ")),
    }
}

/// The names of the settings an edit changed.
fn changed_fields(before: &Letter, after: &LetterDraft) -> Vec<&'static str> {
    let checks: [(&'static str, bool); 15] = [
        ("status", before.status() != after.status),
        ("title", before.title != after.title),
        ("addressee", before.addressee != after.addressee),
        ("summary", before.summary != after.summary),
        ("body", before.body_markdown != after.body_markdown),
        ("goal", before.goal != after.goal),
        ("opens_at", before.opens_at != after.opens_at),
        ("closes_at", before.closes_at != after.closes_at),
        (
            "accepts_individuals",
            before.accepts_individuals != after.accepts_individuals,
        ),
        (
            "accepts_organizations",
            before.accepts_organizations != after.accepts_organizations,
        ),
        (
            "organizations_need_approval",
            before.organizations_need_approval != after.organizations_need_approval,
        ),
        (
            "invites_skip_approval",
            before.invites_skip_approval != after.invites_skip_approval,
        ),
        (
            "show_partner_tally",
            before.show_partner_tally != after.show_partner_tally,
        ),
        ("comments", before.comments != after.comments),
        (
            "keep_addresses_until_delivery",
            before.keep_addresses_until_delivery != after.keep_addresses_until_delivery,
        ),
    ];
    checks
        .into_iter()
        .filter(|(_, differs)| *differs)
        .map(|(name, _)| name)
        .collect()
}

/// Writes the draft; returns the letter as stored, what happened and the letter as it was.
fn write(
    connection: &mut DbConnection,
    draft: &LetterDraft,
    images: &ImageHosts,
) -> Result<(Letter, StoreOutcome, Option<Letter>), StoreError> {
    db::write_transaction(connection, |connection| {
        let now = db::now();
        let existing = find_by_slug(connection, &draft.slug)?;
        let lang = draft
            .lang
            .clone()
            .or_else(|| existing.as_ref().map(|letter| letter.lang.to_string()))
            .unwrap_or_else(|| DEFAULT_LANGUAGE.to_owned());
        if let Some(letter) = &existing
            && translations::find(connection, &letter.id, &lang)?.is_some()
        {
            return Err(StoreError::TranslationInLanguage(lang));
        }
        let hash = content_hash(&draft.title, &draft.addressee, &draft.body_markdown);
        let body_html = markdown::render_with(&draft.body_markdown, images);
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
        let fields = LetterFields {
            title: &draft.title,
            addressee: &draft.addressee,
            summary: &draft.summary,
            body_markdown: &draft.body_markdown,
            body_html: &body_html,
            content_hash: &hash,
            status: draft.status,
            goal: draft.goal,
            opens_at: draft.opens_at,
            closes_at: draft.closes_at,
            accepts_individuals: draft.accepts_individuals,
            accepts_organizations: draft.accepts_organizations,
            organizations_need_approval: draft.organizations_need_approval,
            invites_skip_approval: draft.invites_skip_approval,
            show_partner_tally: draft.show_partner_tally,
            comments: draft.comments,
            keep_addresses_until_delivery: draft.keep_addresses_until_delivery,
            published_at,
            closed_at,
            updated_at: now,
        };
        let outcome = match &existing {
            None => {
                let id = db::new_id();
                diesel::insert_into(letters::table)
                    .values((
                        letters::id.eq(&id),
                        letters::slug.eq(&draft.slug),
                        letters::lang.eq(&lang),
                        fields,
                        letters::created_at.eq(now),
                    ))
                    .execute(connection)?;
                record_version(connection, &id, &lang, &hash, draft, now)?;
                StoreOutcome::Created
            }
            Some(letter) => {
                diesel::update(letters::table.filter(letters::id.eq(&letter.id)))
                    .set((fields, letters::lang.eq(&lang)))
                    .execute(connection)?;
                let new_version = letter.content_hash != hash || letter.lang != lang;
                if new_version {
                    record_version(connection, &letter.id, &lang, &hash, draft, now)?;
                }
                StoreOutcome::Updated { new_version }
            }
        };
        let letter =
            find_by_slug(connection, &draft.slug)?.ok_or(diesel::result::Error::NotFound)?;
        if publishing {
            super::mark_published_text(connection, &letter.id, &letter.content_hash, now)?;
        }
        Ok((letter, outcome, existing))
    })
}

fn record_version(
    connection: &mut DbConnection,
    letter_id: &str,
    lang: &str,
    hash: &str,
    draft: &LetterDraft,
    now: NaiveDateTime,
) -> Result<(), diesel::result::Error> {
    translations::record_version(
        connection,
        letter_id,
        lang,
        hash,
        &draft.title,
        &draft.body_markdown,
        now,
    )
}
