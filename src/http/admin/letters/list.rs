//! The console's list of letters and the page of one letter: its settings, its counts and
//! the state changes an editor may make.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::super::{AdminError, Nav, Staff, find_letter_with, page};
use super::{short_hash, time};
use crate::db::DbError;
use crate::http::AppState;
use crate::http::views::thousands;
use crate::letters::{self, Letter, LetterStatus};
use crate::signatures::{SignatureKind, SignatureState};
use crate::staff::Role;

struct LetterRow {
    slug: String,
    title: String,
    /// The original's language, for `lang`/`dir` around its title in the English console.
    lang: crate::i18n::LanguageTag,
    status: &'static str,
    individuals: String,
    organizations: String,
    pending: String,
    awaiting_approval: String,
    last_signed_at: String,
}

#[derive(Template)]
#[template(path = "admin/letters_list.html")]
struct ListPage {
    nav: Nav,
    rows: Vec<LetterRow>,
}

pub(super) async fn list(
    state: web::Data<AppState>,
    staff: Staff,
) -> Result<HttpResponse, AdminError> {
    let (all, mut tallies) = state
        .with_connection(|connection| {
            Ok::<_, DbError>((
                letters::list_all(connection)?,
                crate::signatures::tally::signature_tallies(connection)?,
            ))
        })
        .await?;
    let rows = all
        .into_iter()
        .map(|letter| {
            let tally = tallies.remove(letter.id.as_str()).unwrap_or_default();
            LetterRow {
                status: letter.status().as_str(),
                slug: letter.slug.into_string(),
                title: letter.title,
                lang: letter.lang,
                individuals: thousands(tally.confirmed_individuals()),
                organizations: thousands(tally.approved_organizations()),
                pending: thousands(tally.pending()),
                awaiting_approval: thousands(tally.awaiting_approval()),
                last_signed_at: time(tally.last_signed_at),
            }
        })
        .collect();
    page(
        StatusCode::OK,
        &ListPage {
            nav: staff.nav(),
            rows,
        },
    )
}

struct KindRow {
    kind: &'static str,
    counts: Vec<String>,
}

struct StateButton {
    to: &'static str,
    label: &'static str,
    /// Closing and archiving are shown as secondary buttons; opening is the main action.
    secondary: bool,
}

#[derive(Template)]
#[template(path = "admin/letters_show.html")]
struct ShowPage {
    nav: Nav,
    letter: Letter,
    status: &'static str,
    is_public: bool,
    goal: String,
    opens_at: String,
    closes_at: String,
    published_at: String,
    created_at: String,
    updated_at: String,
    last_signed_at: String,
    counted: String,
    individuals: String,
    organizations: String,
    pending: String,
    awaiting_approval: String,
    /// The same two as numbers, for what the page leads with ("3 to approve").
    pending_count: i64,
    awaiting_count: i64,
    /// Whether the letter is marked delivered.
    delivered: bool,
    states: Vec<&'static str>,
    kinds: Vec<KindRow>,
    version_count: usize,
    content_hash: String,
    /// The languages the letter is translated into.
    translations: Vec<crate::i18n::LanguageTag>,
    /// The status buttons post here with the CSRF token in `csrf` (closing asks first, on a
    /// page whose address must not show the token).
    state_action: String,
    csrf: String,
    buttons: Vec<StateButton>,
    /// The `<iframe>` member organizations paste, and the count for their own scripts.
    embed_snippet: String,
    count_url: String,
    delivered_form: super::delivered::DeliveredForm,
}

fn state_button(to: LetterStatus, from: LetterStatus) -> StateButton {
    let (label, secondary) = match (from, to) {
        (LetterStatus::Closed, LetterStatus::Open) => ("Reopen for signatures", false),
        (_, LetterStatus::Open) => ("Open for signatures", false),
        (_, LetterStatus::Closed) => ("Close the letter", true),
        (_, LetterStatus::Archived) => ("Archive", true),
        (_, LetterStatus::Draft) => ("Back to draft", true),
    };
    StateButton {
        to: to.as_str(),
        label,
        secondary,
    }
}

pub(super) async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let (letter, (tally, version_count, translations)) =
        find_letter_with(&state, &slug, |connection, letter| {
            Ok((
                crate::signatures::tally::signature_tally(connection, &letter.id)?,
                letters::versions(connection, &letter.id, &letter.lang)?.len(),
                letters::translations::list(connection, &letter.id)?
                    .into_iter()
                    .map(|translation| translation.lang)
                    .collect::<Vec<_>>(),
            ))
        })
        .await?;
    let kinds = [SignatureKind::Individual, SignatureKind::Organization]
        .into_iter()
        .map(|kind| KindRow {
            kind: match kind {
                SignatureKind::Individual => "Individuals",
                SignatureKind::Organization => "Organizations",
            },
            counts: SignatureState::ALL
                .into_iter()
                .map(|signature_state| thousands(tally.get(kind, signature_state)))
                .collect(),
        })
        .collect();
    let current_delivery = super::delivered::current(&state, &letter.id).await?;
    let status = letter.status();
    let buttons = if staff.role().allows(Role::Editor) {
        letters::next_statuses(status)
            .into_iter()
            .map(|to| state_button(to, status))
            .collect()
    } else {
        Vec::new()
    };
    page(
        StatusCode::OK,
        &ShowPage {
            nav: staff.nav(),
            status: status.as_str(),
            is_public: letter.is_public(),
            goal: letter.goal.map(thousands).unwrap_or_else(|| "—".into()),
            opens_at: time(letter.opens_at),
            closes_at: time(letter.closes_at),
            published_at: time(letter.published_at),
            created_at: time(Some(letter.created_at)),
            updated_at: time(Some(letter.updated_at)),
            last_signed_at: time(tally.last_signed_at),
            counted: thousands(tally.confirmed_individuals() + tally.approved_organizations()),
            individuals: thousands(tally.confirmed_individuals()),
            organizations: thousands(tally.approved_organizations()),
            pending: thousands(tally.pending()),
            awaiting_approval: thousands(tally.awaiting_approval()),
            pending_count: tally.pending(),
            awaiting_count: tally.awaiting_approval(),
            delivered: current_delivery.is_some(),
            states: SignatureState::ALL
                .into_iter()
                .map(super::super::moderation::state_heading)
                .collect(),
            kinds,
            version_count,
            content_hash: short_hash(&letter.content_hash).to_owned(),
            translations,
            state_action: format!("/admin/letters/{}/state", letter.slug),
            csrf: staff.csrf_token().to_owned(),
            buttons,
            embed_snippet: crate::http::embed::snippet(
                &state.settings,
                &letter,
                &letter.title,
                crate::http::embed::Embedding::default(),
            ),
            count_url: crate::http::embed::count_url(&state.settings, &letter),
            delivered_form: super::delivered::DeliveredForm::of(
                &staff,
                &letter.slug,
                current_delivery,
            ),
            letter,
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn letters_move_forward_and_never_back_to_draft() {
        use LetterStatus::{Archived, Closed, Draft, Open};
        assert_eq!(letters::next_statuses(Draft), [Open]);
        assert_eq!(letters::next_statuses(Open), [Closed, Archived]);
        assert_eq!(letters::next_statuses(Closed), [Open, Archived]);
        assert!(letters::next_statuses(Archived).is_empty());
        assert_eq!(state_button(Open, Closed).label, "Reopen for signatures");
    }
}
