//! "Mark as delivered" on a letter's console page: the date, a note and an optional link;
//! marking again edits it, "Take back" removes it. Ticking "Also send this as an update"
//! makes an update to signers from it and goes to the updates' own confirmation before
//! anything is sent.

use crate::http::admin::{Console, Editor};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::super::{AdminError, ConsoleForm, Nav, Staff, StaffForm, find_letter, page, redirect};
use crate::db::DbError;
use crate::http::AppState;
use crate::letters::delivered::{self, Delivered, Problems};
use crate::staff::Role;
use crate::updates::UpdateError;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DeliveredFields {
    delivered_on: String,
    delivered_note: String,
    delivered_link: String,
    send_update: String,
}

impl ConsoleForm for DeliveredFields {
    const ROLE: Role = Role::Editor;
    const NOT_A_FORM: &'static str = "Send the delivery from the letter's page.";
}

/// What the letter's page (and the page that shows the form again with its problems) needs
/// to show the delivery and its form.
pub(crate) struct DeliveredForm {
    pub slug: String,
    pub current: Option<Delivered>,
    pub can_edit: bool,
    pub csrf: String,
    pub undo_action: String,
    pub on: String,
    pub note: String,
    pub link: String,
    pub send_update: bool,
    pub problems: Problems,
}

impl DeliveredForm {
    /// The form filled with the current delivery, or empty with today's date.
    pub(crate) fn of(staff: &Staff, slug: &str, current: Option<Delivered>) -> DeliveredForm {
        let (on, note, link) = match &current {
            Some(delivered) => (
                delivered.on.format("%Y-%m-%d").to_string(),
                delivered.note.clone(),
                delivered.link.clone().unwrap_or_default(),
            ),
            None => (
                delivered::today().format("%Y-%m-%d").to_string(),
                String::new(),
                String::new(),
            ),
        };
        DeliveredForm {
            slug: slug.to_owned(),
            current,
            can_edit: staff.role().allows(Role::Editor),
            csrf: staff.csrf_token().to_owned(),
            undo_action: staff.action(&format!("/admin/letters/{slug}/delivered/undo")),
            on,
            note,
            link,
            send_update: false,
            problems: Problems::default(),
        }
    }

    pub(crate) fn error(&self, field: &str) -> Option<&str> {
        self.problems.get(field)
    }

    /// What the date input shows: what was typed, when a date input can hold it (a browser
    /// sends `YYYY-MM-DD` or nothing; anything else comes from a script and would make the
    /// page's HTML invalid).
    pub(crate) fn on_value(&self) -> &str {
        match chrono::NaiveDate::parse_from_str(&self.on, "%Y-%m-%d") {
            Ok(_) => &self.on,
            Err(_) => "",
        }
    }

    pub(crate) fn max_date(&self) -> String {
        (delivered::today() + chrono::Duration::days(1))
            .format("%Y-%m-%d")
            .to_string()
    }
}

#[derive(Template)]
#[template(path = "admin/delivered.html")]
struct ProblemsPage {
    nav: Nav,
    title: String,
    delivered_form: DeliveredForm,
}

/// The delivery of a letter, for its console page.
pub(super) async fn current(
    state: &AppState,
    letter_id: &str,
) -> Result<Option<Delivered>, AdminError> {
    let letter_id = letter_id.to_owned();
    Ok(state
        .db(move |connection| delivered::find(connection, &letter_id))
        .await?)
}

/// Marks (or edits) the delivery. Posts to a clean address with the CSRF token in the body:
/// its answer may be the form again, with what to correct.
pub(super) async fn mark(
    state: web::Data<AppState>,
    slug: web::Path<String>,
    posted: StaffForm<DeliveredFields>,
) -> Result<HttpResponse, AdminError> {
    let StaffForm {
        staff,
        form: fields,
    } = posted;
    let letter = find_letter(&state, &slug).await?;
    let send_update = !fields.send_update.is_empty();
    let delivery = match delivered::validate(
        &fields.delivered_on,
        &fields.delivered_note,
        &fields.delivered_link,
        delivered::today(),
    ) {
        Ok(delivery) => delivery,
        Err(problems) => {
            let current = current(&state, &letter.id).await?;
            let mut delivered_form = DeliveredForm::of(&staff, &letter.slug, current);
            delivered_form.on = fields.delivered_on;
            delivered_form.note = fields.delivered_note;
            delivered_form.link = fields.delivered_link;
            delivered_form.send_update = send_update;
            delivered_form.problems = problems;
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &ProblemsPage {
                    nav: staff.nav(),
                    title: letter.title,
                    delivered_form,
                },
            );
        }
    };
    let actor = staff.actor();
    let public_base = state.settings.public_base().to_owned();
    let marked_letter = letter.clone();
    let update = state
        .with_connection(move |connection| {
            delivered::mark(connection, &marked_letter, &delivery, &actor)?;
            if !send_update {
                return Ok::<_, AdminError>(None);
            }
            let update = crate::updates::delivered::prepare_update(
                connection,
                &marked_letter,
                &delivery,
                &public_base,
                &actor,
            )
            .map_err(|error| match error {
                UpdateError::Database(error) => AdminError::from(error),
                other => AdminError::BadRequest(other.to_string()),
            })?;
            Ok(Some(update.id))
        })
        .await?;
    state.snapshots.invalidate(&letter.slug);
    Ok(match update {
        // The updates' own question before sending: nothing goes out from here.
        Some(id) => redirect(&format!("/admin/letters/{}/updates/{id}/send", letter.slug)),
        None => redirect(&format!("/admin/letters/{}#delivered", letter.slug)),
    })
}

/// Takes the mark back (a staff mistake). An update already sent stays sent.
pub(super) async fn undo(
    Console { state, staff, .. }: Console<Editor>,
    slug: web::Path<String>,
    answer: Option<web::Form<super::super::confirm::Answer>>,
) -> Result<HttpResponse, AdminError> {
    let letter = find_letter(&state, &slug).await?;
    if !super::super::confirm::Answer::given(&answer) {
        let address = format!("/admin/letters/{}", letter.slug);
        return super::super::confirm::ask(
            &staff,
            super::super::confirm::Question {
                about: (address.clone(), letter.title.clone()),
                heading: format!("Remove the delivery of “{}”?", letter.title),
                consequence: "The letter's page stops saying it was delivered. An update already sent about it stays sent.".into(),
                action: staff.action(&format!("{address}/delivered/undo")),
                fields: Vec::new(),
                button: "Remove the delivery".into(),
                destructive: true,
            },
        );
    }
    let actor = staff.actor();
    let unmarked_letter = letter.clone();
    state
        .with_connection(move |connection| {
            delivered::unmark(connection, &unmarked_letter, &actor).map_err(DbError::from)
        })
        .await?;
    state.snapshots.invalidate(&letter.slug);
    Ok(redirect(&format!(
        "/admin/letters/{}#delivered",
        letter.slug
    )))
}
