//! A letter delivered to its addressee: the date, a note from staff and an optional link
//! (a press release, a photo of the hand-over). The letter page says so at the top and shows
//! it in the updates timeline; staff may also send it to signers as an update, through the
//! updates module's own draft, confirmation and idempotent send.
//!
//! One row per letter in `letter_deliveries`: marking again edits it, un-marking (a staff
//! mistake) deletes it; both are audited. The console and the command line check what was
//! typed with [`validate`], the one rule for the three fields.

use chrono::{Duration, NaiveDate, NaiveDateTime, NaiveTime};
use diesel::prelude::*;

use super::Letter;
use crate::db::schema::letter_deliveries;
use crate::db::{self, DbConnection};
use crate::staff::{Actor, audit};
use crate::values::text;

/// The longest note: a few paragraphs, not a second letter.
pub const NOTE_MAX: usize = 2_000;
/// The longest link.
pub const LINK_MAX: usize = 2_000;

/// The form fields, by the ids the console's error summary links to.
pub const FIELD_ON: &str = "delivered_on";
pub const FIELD_NOTE: &str = "delivered_note";
pub const FIELD_LINK: &str = "delivered_link";

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = letter_deliveries)]
pub struct Delivered {
    pub letter_id: String,
    #[diesel(column_name = delivered_on)]
    pub on: NaiveDate,
    #[diesel(column_name = delivered_note)]
    pub note: String,
    #[diesel(column_name = delivered_link)]
    pub link: Option<String>,
    /// The update to signers made from this delivery, if any.
    pub update_id: Option<String>,
    pub marked_by: String,
    pub marked_at: NaiveDateTime,
}

impl Delivered {
    /// The delivery day as a time, for the page's date formatting and the timeline's order:
    /// the start of the day, so that an update written that day comes after it.
    pub fn at(&self) -> NaiveDateTime {
        self.on.and_time(NaiveTime::MIN)
    }

    /// The note's paragraphs, each a list of lines (the text rules keep line breaks and at
    /// most one blank line between paragraphs).
    pub fn paragraphs(&self) -> Vec<Vec<&str>> {
        paragraphs(&self.note)
    }
}

fn paragraphs(note: &str) -> Vec<Vec<&str>> {
    note.split("\n\n")
        .map(|paragraph| paragraph.split('\n').collect())
        .collect()
}

/// What staff typed, checked: ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Delivery {
    pub on: NaiveDate,
    pub note: String,
    pub link: Option<String>,
}

/// Why the three fields were refused: (field id, message), in the form's order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Problems(pub Vec<(&'static str, String)>);

impl Problems {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(id, _)| *id == field)
            .map(|(_, message)| message.as_str())
    }
}

impl std::fmt::Display for Problems {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<String> = self
            .0
            .iter()
            .map(|(id, message)| format!("{}: {message}", field_name(id)))
            .collect();
        formatter.write_str(&messages.join("; "))
    }
}

fn field_name(id: &str) -> &'static str {
    match id {
        FIELD_ON => "date",
        FIELD_NOTE => "note",
        _ => "link",
    }
}

/// The one rule for a delivery: a real date (`YYYY-MM-DD`, as a date input sends it) no
/// later than a day after `today` (time zones: it may already be tomorrow where the letter
/// was handed over) and not before 2000; a note under the text rules (no direction tricks,
/// no invisible characters); an optional http(s) link under the web address rule.
pub fn validate(on: &str, note: &str, link: &str, today: NaiveDate) -> Result<Delivery, Problems> {
    let mut problems = Vec::new();
    let on = match NaiveDate::parse_from_str(on.trim(), "%Y-%m-%d") {
        Err(_) if on.trim().is_empty() => {
            problems.push((FIELD_ON, "Enter the date the letter was delivered.".into()));
            None
        }
        Err(_) => {
            problems.push((
                FIELD_ON,
                "Enter the date as year-month-day, such as 2026-11-30.".into(),
            ));
            None
        }
        Ok(date) if date > today + Duration::days(1) => {
            problems.push((
                FIELD_ON,
                "The delivery date cannot be in the future.".into(),
            ));
            None
        }
        Ok(date) if date < NaiveDate::from_ymd_opt(2000, 1, 1).unwrap_or(NaiveDate::MIN) => {
            problems.push((FIELD_ON, "Enter a date from 2000 onwards.".into()));
            None
        }
        Ok(date) => Some(date),
    };
    let note = match text::multi_line(note, NOTE_MAX) {
        Ok(Some(note)) => Some(note),
        Ok(None) => {
            problems.push((
                FIELD_NOTE,
                "Say a few words about the delivery: to whom, how, what was said.".into(),
            ));
            None
        }
        Err(error) => {
            problems.push((FIELD_NOTE, error.to_string()));
            None
        }
    };
    let link = match text::web_address(link, LINK_MAX) {
        Ok(link) => link,
        Err(error) => {
            problems.push((FIELD_LINK, error.to_string()));
            None
        }
    };
    match (on, note) {
        (Some(on), Some(note)) if problems.is_empty() => Ok(Delivery { on, note, link }),
        _ => Err(Problems(problems)),
    }
}

/// Today as the service counts days (UTC).
pub fn today() -> NaiveDate {
    db::now().date()
}

pub fn find(
    connection: &mut DbConnection,
    letter_id: &str,
) -> Result<Option<Delivered>, diesel::result::Error> {
    letter_deliveries::table
        .find(letter_id)
        .select(Delivered::as_select())
        .first(connection)
        .optional()
}

/// Marks the letter delivered, or edits the delivery it has; audited as `letter.delivered`.
pub fn mark(
    connection: &mut DbConnection,
    letter: &Letter,
    delivery: &Delivery,
    actor: &Actor,
) -> Result<Delivered, diesel::result::Error> {
    let now = db::now();
    db::write_transaction(connection, |connection| {
        // Insert, else edit: two staff marking at once both succeed (the later words stay),
        // where "update, else insert" lets the second insert hit the key on PostgreSQL.
        let inserted = crate::execute_on_backend!(
            &mut *connection,
            diesel::insert_into(letter_deliveries::table)
                .values((
                    letter_deliveries::letter_id.eq(&letter.id),
                    letter_deliveries::delivered_on.eq(delivery.on),
                    letter_deliveries::delivered_note.eq(&delivery.note),
                    letter_deliveries::delivered_link.eq(&delivery.link),
                    letter_deliveries::marked_by.eq(&actor.email),
                    letter_deliveries::marked_at.eq(now),
                ))
                .on_conflict_do_nothing()
        )?;
        let changed = usize::from(inserted == 0);
        if inserted == 0 {
            diesel::update(letter_deliveries::table.find(&letter.id))
                .set((
                    letter_deliveries::delivered_on.eq(delivery.on),
                    letter_deliveries::delivered_note.eq(&delivery.note),
                    letter_deliveries::delivered_link.eq(&delivery.link),
                    letter_deliveries::marked_by.eq(&actor.email),
                    letter_deliveries::marked_at.eq(now),
                ))
                .execute(connection)?;
        }
        audit::record(
            connection,
            actor,
            "letter.delivered",
            Some(&letter.id),
            Some(&letter.slug),
            &format!(
                "{} delivered on {}{}",
                if changed == 0 { "marked" } else { "edited:" },
                delivery.on,
                delivery
                    .link
                    .as_deref()
                    .map(|link| format!(", {link}"))
                    .unwrap_or_default()
            ),
        )?;
        find(connection, &letter.id)?.ok_or(diesel::result::Error::NotFound)
    })
}

/// Takes the mark back (staff marked the wrong letter); audited as `letter.undelivered`.
/// `false` when the letter was not marked. An update already sent stays sent.
pub fn unmark(
    connection: &mut DbConnection,
    letter: &Letter,
    actor: &Actor,
) -> Result<bool, diesel::result::Error> {
    db::write_transaction(connection, |connection| {
        let Some(was) = find(connection, &letter.id)? else {
            return Ok(false);
        };
        diesel::delete(letter_deliveries::table.find(&letter.id)).execute(connection)?;
        audit::record(
            connection,
            actor,
            "letter.undelivered",
            Some(&letter.id),
            Some(&letter.slug),
            &format!("was marked delivered on {}", was.on),
        )?;
        Ok(true)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_delivery_needs_a_past_date_a_clean_note_and_a_web_link() {
        let today = day("2026-12-01");
        let ok = validate(
            "2026-11-30",
            "  Handed over\r\nat noon  ",
            "example.org/press",
            today,
        )
        .unwrap();
        assert_eq!(ok.on, day("2026-11-30"));
        assert_eq!(ok.note, "Handed over\nat noon");
        assert_eq!(ok.link.as_deref(), Some("https://example.org/press"));
        // Tomorrow is fine (time zones); the day after is not.
        assert!(validate("2026-12-02", "Done", "", today).is_ok());
        let problems = validate("2026-12-03", "Done", "", today).unwrap_err();
        assert!(problems.get(FIELD_ON).is_some());
        let problems =
            validate("30/11/2026", "a\u{202E}b", "javascript:alert(1)", today).unwrap_err();
        assert_eq!(
            problems.0.iter().map(|(id, _)| *id).collect::<Vec<_>>(),
            [FIELD_ON, FIELD_NOTE, FIELD_LINK]
        );
        assert!(validate("2026-11-30", "   ", "", today).is_err());
        assert!(validate("2026-11-30", "ok", "ftp://example.org", today).is_err());
    }

    #[test]
    fn the_note_keeps_its_paragraphs_and_line_breaks() {
        assert_eq!(paragraphs("a\nb\n\nc"), vec![vec!["a", "b"], vec!["c"]]);
    }
}
