//! "Also send this as an update to signers": a delivery (`crate::letters::delivered`) made
//! into an update, composed here above both so that marking a letter knows nothing of updates.

use diesel::prelude::*;

use super::languages::VersionDraft;
use super::{Update, UpdateError};
use crate::db::DbConnection;
use crate::db::schema::letter_deliveries;
use crate::i18n::catalog::Tr;
use crate::letters::Letter;
use crate::letters::delivered::Delivery;

/// The update's subject and Markdown, made from the delivery.
pub fn update_text(letter: &Letter, delivery: &Delivery) -> (String, String) {
    // The updates module takes one line of at most 200 characters.
    let addressee = crate::i18n::addressee_in_sentence(&letter.addressee, &letter.lang);
    let subject: String = format!("Delivered to {addressee}")
        .chars()
        .take(200)
        .collect();
    // What people typed is shown as typed: a `[link](...)` or `<a>` in a note (or a title)
    // must not become a live link in an email to every signer.
    let literal = crate::values::markdown::markdown_literal;
    let markdown = format!(
        "“{}” was delivered to {} on {}.{}",
        literal(&letter.title),
        literal(&addressee),
        delivery.on.format("%-d %B %Y"),
        note_and_link(delivery),
    );
    (subject, markdown)
}

/// The paragraphs after the first, in every language: the note and the link as typed.
fn note_and_link(delivery: &Delivery) -> String {
    let mut markdown = format!(
        "\n\n{}",
        // Markdown joins lines of a paragraph; two trailing spaces keep the note's breaks.
        crate::values::markdown::markdown_literal(&delivery.note)
            .replace('\n', "  \n")
            .replace("  \n  \n", "\n\n"),
    );
    if let Some(link) = &delivery.link {
        // An autolink: a link in the HTML part, the bare address in the text part. A
        // canonical URL has no `<`, `>` or spaces to break out of it.
        markdown.push_str(&format!("\n\n<{link}>"));
    }
    markdown
}

/// The update's version in each translation of the letter whose language the catalogs
/// speak: the subject and the sentence in it, with that text's title and addressee; the
/// note and the link as typed. A translation in another language gets none, and its
/// signers the original.
fn versions(
    connection: &mut DbConnection,
    letter: &Letter,
    delivery: &Delivery,
) -> Result<Vec<VersionDraft>, diesel::result::Error> {
    let literal = crate::values::markdown::markdown_literal;
    let day = delivery.on.and_hms_opt(0, 0, 0).unwrap_or_default();
    let mut versions = Vec::new();
    for translation in crate::letters::translations::list(connection, &letter.id)? {
        let tr = Tr::for_requested(std::slice::from_ref(&translation.lang));
        if tr.lang() != translation.lang.language() {
            continue;
        }
        let subject: String = tr
            .ta(
                "updates-delivered-to",
                [(
                    "addressee",
                    (&*crate::i18n::addressee_in_sentence(
                        &translation.addressee,
                        &translation.lang,
                    ))
                        .into(),
                )],
            )
            .chars()
            .take(200)
            .collect();
        let title = literal(&translation.title);
        let addressee = literal(&crate::i18n::addressee_in_sentence(
            &translation.addressee,
            &translation.lang,
        ));
        let date = tr.date(&day);
        let mut markdown = tr.ta(
            "updates-delivered-body",
            [
                ("title", title.as_str().into()),
                ("addressee", addressee.as_str().into()),
                ("date", date.as_str().into()),
            ],
        );
        markdown.push_str(&note_and_link(delivery));
        versions.push(VersionDraft {
            lang: translation.lang,
            subject,
            body_markdown: markdown,
        });
    }
    Ok(versions)
}

/// Makes the update to signers for this delivery, or finds the one made from the same
/// delivery before (a double submit, a second run of the command): the draft is keyed by the
/// delivery's content, so asking twice makes one update, and the updates module sends an
/// update once. The delivery remembers it. The caller confirms and sends.
///
/// Not inside a transaction: the second ask is told apart by the unique index on the
/// update's source, and on PostgreSQL that violation would abort an enclosing transaction.
pub fn prepare_update(
    connection: &mut DbConnection,
    letter: &Letter,
    delivery: &Delivery,
    public_base: &str,
    actor: &crate::staff::Actor,
) -> Result<Update, UpdateError> {
    let (subject, markdown) = update_text(letter, delivery);
    let source = format!(
        "delivered:{}",
        crate::values::tokens::hash(&format!(
            "{}\n{}\n{}",
            delivery.on,
            delivery.note,
            delivery.link.as_deref().unwrap_or("")
        ))
    );
    let versions = versions(connection, letter, delivery)?;
    let update = match super::create_with_versions(
        connection,
        letter,
        (&subject, &markdown),
        &versions,
        public_base,
        actor,
        Some(&source),
    ) {
        Ok(update) => update,
        Err(UpdateError::AlreadySent) => super::find_by_source(connection, &letter.id, &source)?
            .ok_or(diesel::result::Error::NotFound)?,
        Err(other) => return Err(other),
    };
    diesel::update(letter_deliveries::table.find(&letter.id))
        .set(letter_deliveries::update_id.eq(&update.id))
        .execute(connection)?;
    Ok(update)
}
