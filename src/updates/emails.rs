//! The email an update becomes for each recipient, rendered when it is sent
//! ([`UpdateRenderer`], registered with the mail worker at startup), and the worker's job
//! that goes on queueing an update whose queuer stopped half-way.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Deserialize;

use super::languages::{self, Versions};
use super::{UNSUBSCRIBED, unsubscribe};
use crate::db::schema::signatures;
use crate::db::{DbConnection, DbError};
use crate::i18n::catalog::Tr;
use crate::mail::MailContent;
use crate::mail::message::Message as _;
use crate::mail::outbox::{MailKind, OutboxRecord, mailbox_key};
use crate::mail::render::{Prepared, Renderer};
use crate::signatures::emails::LetterFacts;
use crate::values::language::LanguageTag;

/// The kind of an update's messages: rows queued before the `outbox_slim` migration say it,
/// later ones are a broadcast (their `update_id` says which update).
pub const KIND: MailKind = MailKind::named("update");

/// What a rendered-when-sent row says about itself.
#[derive(Debug, Deserialize)]
struct UpdateParams {
    update: String,
}

struct Loaded {
    versions: Versions,
    letter_slug: String,
    /// The letter's words (language, title, addressee): the original's, then each
    /// translation's.
    texts: Vec<(LanguageTag, String, String)>,
}

/// An update to a letter's signers, rendered when it is sent, in one language: the update's
/// version in it, the letter's title and addressee in it, the frame from its catalog.
/// `body_html` is the version's sanitized rendering; the text part is its Markdown as written.
pub struct UpdateMessage<'a> {
    pub letter: LetterFacts<'a>,
    /// The language of the update's words, marked on them (the frame is in the same one
    /// where the catalogs have it).
    pub lang: &'a LanguageTag,
    /// The staff's subject, as written.
    pub subject: &'a str,
    pub body_markdown: &'a str,
    pub body_html: &'a str,
    pub letter_url: &'a str,
    pub unsubscribe_url: &'a str,
}
crate::email_templates!(
    UpdateMessage,
    "email/update.txt",
    "email/update.html",
    |mail, _| mail.subject.to_owned(),
);

/// Renders update rows for the mail worker (`mail::render`), loading each update once per
/// batch; a row whose address unsubscribed from the letter since it was queued is skipped.
pub struct UpdateRenderer;

impl Renderer for UpdateRenderer {
    fn render(
        &self,
        connection: &mut DbConnection,
        records: &[&OutboxRecord],
    ) -> Result<Vec<Prepared>, DbError> {
        let mut batch = Batch::default();
        records
            .iter()
            .map(|record| batch.render(connection, record))
            .collect()
    }
}

/// What the rows of one claimed batch share: each update loaded once, the secret read once.
#[derive(Default)]
struct Batch {
    loaded: HashMap<String, Option<Loaded>>,
    secret: Option<String>,
}

impl Batch {
    fn render(
        &mut self,
        connection: &mut DbConnection,
        record: &OutboxRecord,
    ) -> Result<Prepared, DbError> {
        // Rows queued before the `outbox_slim` migration may name the update in `params`.
        let update_id = record.update_id.clone().or_else(|| {
            record
                .params
                .as_deref()
                .and_then(|params| serde_json::from_str::<UpdateParams>(params).ok())
                .map(|params| params.update)
        });
        let Some(update_id) = update_id else {
            return Ok(Prepared::Later("not sent: unreadable parameters".into()));
        };
        if !self.loaded.contains_key(&update_id) {
            let found = load(connection, &update_id)?;
            self.loaded.insert(update_id.clone(), found);
        }
        let Some(Some(source)) = self.loaded.get(&update_id) else {
            return Ok(Prepared::Skip("skipped: the update is gone".into()));
        };
        let key = mailbox_key(&record.recipient);
        let update = &source.versions.update;
        if unsubscribe::is_unsubscribed(connection, &update.letter_id, &key)? {
            return Ok(Prepared::Skip(UNSUBSCRIBED.into()));
        }
        let secret = match &self.secret {
            Some(secret) => secret.clone(),
            None => {
                let read = unsubscribe::secret(connection)?;
                self.secret = Some(read.clone());
                read
            }
        };
        let token = unsubscribe::token(&secret, &update.letter_id, &key);
        // The language the recipient signed in picks the update's version, else the
        // original; the whole email is then in the version's language: its frame, the
        // letter's title and addressee, the link to the letter's text in it.
        let signed_in = match signature_of(&record.id) {
            Some(signature_id) => signatures::table
                .find(signature_id)
                .select(signatures::lang)
                .first::<Option<LanguageTag>>(connection)
                .optional()?
                .flatten(),
            None => None,
        };
        let (content, unsubscribe_url) = compose(source, signed_in.as_ref(), &token);
        // A template error is the same on every attempt: give the message up with the
        // reason rather than hold the whole batch.
        Ok(Prepared::rendered(record, content, Some(unsubscribe_url)))
    }
}

/// The email of an update to a reader who signed in `signed_in`: the version in that
/// language, else the original, the whole email in the version's language (its frame, the
/// letter's title and addressee, the links to the letter's text in it); and its unsubscribe
/// address, from `token`.
fn compose(
    source: &Loaded,
    signed_in: Option<&LanguageTag>,
    token: &str,
) -> (Result<MailContent, askama::Error>, String) {
    let chosen = source.versions.for_signer(signed_in);
    let update = &source.versions.update;
    // Links in a version's language carry it (`/he/letters/x`, `/he/unsubscribe/T`), so
    // the pages they open speak it too.
    let prefix = if *chosen.lang == source.versions.original {
        update.public_base.clone()
    } else {
        format!("{}/{}", update.public_base, chosen.lang)
    };
    let letter_url = format!("{prefix}/letters/{}", source.letter_slug);
    let unsubscribe_url = format!("{prefix}/unsubscribe/{token}");
    let (title, addressee) = source
        .texts
        .iter()
        .find(|(lang, _, _)| lang == chosen.lang)
        .or_else(|| source.texts.first())
        .map_or(("", ""), |(_, title, addressee)| {
            (title.as_str(), addressee.as_str())
        });
    let content = UpdateMessage {
        letter: LetterFacts::new(title, addressee, chosen.lang),
        lang: chosen.lang,
        subject: chosen.subject,
        body_markdown: chosen.body_markdown,
        body_html: chosen.body_html,
        letter_url: &letter_url,
        unsubscribe_url: &unsubscribe_url,
    }
    .render_in(Tr::for_requested(std::slice::from_ref(chosen.lang)));
    (content, unsubscribe_url)
}

/// What a test of a draft shows in its subject, before the update's own.
pub const TEST_MARK: &str = "[Test] ";

/// A draft update as one recipient would get it in `lang` (a version's language, else the
/// original), addressed to `recipient` (the staff member trying it) and marked as a test in
/// its subject. `None` when the update is gone. Queued like any one-off email, it is no
/// message of the update: the update's progress and sent state do not count it.
pub fn test_mail(
    connection: &mut DbConnection,
    update_id: &str,
    lang: Option<&LanguageTag>,
    recipient: &str,
) -> Result<Option<crate::mail::OutgoingMail>, super::UpdateError> {
    let Some(source) = load(connection, update_id)? else {
        return Ok(None);
    };
    marked_test(connection, &source, lang, recipient).map(Some)
}

/// [`test_mail`] for an update that is not stored (the command line's file and its
/// versions), as it would go out for `letter`.
pub fn test_mail_unsaved(
    connection: &mut DbConnection,
    letter: &crate::letters::Letter,
    update: super::Update,
    versions: Vec<languages::UpdateVersion>,
    lang: Option<&LanguageTag>,
    recipient: &str,
) -> Result<crate::mail::OutgoingMail, super::UpdateError> {
    let source = assemble(connection, letter, update, versions)?;
    marked_test(connection, &source, lang, recipient)
}

fn marked_test(
    connection: &mut DbConnection,
    source: &Loaded,
    lang: Option<&LanguageTag>,
    recipient: &str,
) -> Result<crate::mail::OutgoingMail, super::UpdateError> {
    let secret = unsubscribe::secret(connection)?;
    let token = unsubscribe::token(
        &secret,
        &source.versions.update.letter_id,
        &mailbox_key(recipient),
    );
    let (content, _) = compose(source, lang, &token);
    let mut content = content.map_err(|error| super::UpdateError::Render(error.to_string()))?;
    content.subject = format!("{TEST_MARK}{}", content.subject);
    Ok(crate::mail::OutgoingMail::to(recipient, content))
}

/// The signature an update row is for, from its id (`<prefix>.<signature without hyphens>`,
/// the prefix short or long, see `outbox::update_message_prefix`); `None` for rows queued
/// before the `outbox_slim` migration.
fn signature_of(row_id: &str) -> Option<String> {
    let (_, hex) = row_id.strip_prefix('u')?.split_once('.')?;
    if hex.len() != 32 || !hex.bytes().all(|byte| byte.is_ascii_hexdigit()) {
        return None;
    }
    Some(format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    ))
}

fn load(
    connection: &mut DbConnection,
    update_id: &str,
) -> Result<Option<Loaded>, diesel::result::Error> {
    let Some(update) = super::find(connection, update_id)? else {
        return Ok(None);
    };
    let letter = crate::letters::find_by_id(connection, &update.letter_id)?
        .ok_or(diesel::result::Error::NotFound)?;
    let versions = languages::list(connection, update_id)?;
    assemble(connection, &letter, update, versions).map(Some)
}

/// An update with its versions, and what its emails say of its letter.
fn assemble(
    connection: &mut DbConnection,
    letter: &crate::letters::Letter,
    update: super::Update,
    versions: Vec<languages::UpdateVersion>,
) -> Result<Loaded, diesel::result::Error> {
    let mut texts = vec![(
        letter.lang.clone(),
        letter.title.clone(),
        letter.addressee.clone(),
    )];
    texts.extend(
        crate::letters::translations::list(connection, &letter.id)?
            .into_iter()
            .map(|translation| (translation.lang, translation.title, translation.addressee)),
    );
    // A version whose translation was removed since is not sent: its reader would land on
    // a letter page in another language.
    let versions = versions
        .into_iter()
        .filter(|version| texts.iter().any(|(lang, _, _)| *lang == version.lang))
        .collect();
    Ok(Loaded {
        versions: Versions {
            update,
            original: letter.lang.clone(),
            versions,
        },
        letter_slug: letter.slug.to_string(),
        texts,
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn an_update_row_names_its_signature() {
        let signature = "019ad5a4-8f3e-7c21-9b0a-3c4d5e6f7a8b";
        let row = format!("u{}.{}", "0".repeat(32), signature.replace('-', ""));
        assert_eq!(super::signature_of(&row).as_deref(), Some(signature));
        let short = crate::mail::outbox::update_message_id(
            &crate::mail::outbox::update_message_prefix("", 105, false),
            signature,
        );
        assert_eq!(super::signature_of(&short).as_deref(), Some(signature));
        assert_eq!(
            super::signature_of("019ad5a4-8f3e-7c21-9b0a-3c4d5e6f7a8b"),
            None
        );
        assert_eq!(super::signature_of("ux.<script>"), None);
    }
}
