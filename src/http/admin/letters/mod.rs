//! Console pages: letters. Editors write letters, preview them, and open, close, reopen or
//! archive them; viewers read. One file per feature: `list` (the list and one letter's
//! page), `form` (the editor's form and how it becomes a `LetterDraft`), `edit` (the new and
//! edit forms, preview, and the one save path behind create and update), `state` (opening,
//! closing, archiving), `translations` (a translation beside its original). The public history of a letter's text is `http::versions`.

mod delivered;
mod edit;
mod form;
mod list;
mod state;
mod translations;

use actix_web::web;
use chrono::NaiveDateTime;

/// Letters are longer than signatures; the console's forms may carry up to this much.
const LETTER_FORM_LIMIT: usize = 1024 * 1024;

pub fn routes(config: &mut web::ServiceConfig) {
    let form_limit = || web::FormConfig::default().limit(LETTER_FORM_LIMIT);
    // The editor's own form is read as bytes (its CSRF token is in the body).
    let body_limit = || web::PayloadConfig::new(LETTER_FORM_LIMIT);
    config
        .service(
            web::resource("/admin/letters")
                .app_data(form_limit())
                .app_data(body_limit())
                .route(web::get().to(list::list))
                .route(web::post().to(edit::create)),
        )
        // Before `/admin/letters/{slug}`, which would otherwise take them. Every literal
        // segment here is in `letters::draft::RESERVED_SLUGS`.
        .route("/admin/letters/new", web::get().to(edit::new_form))
        .service(
            web::resource("/admin/letters/preview")
                .app_data(form_limit())
                .route(web::post().to(edit::live_preview)),
        )
        .service(
            web::resource("/admin/letters/{slug}")
                .app_data(form_limit())
                .app_data(body_limit())
                .route(web::get().to(list::show))
                .route(web::post().to(edit::update)),
        )
        .route("/admin/letters/{slug}/edit", web::get().to(edit::edit_form))
        .service(
            web::resource("/admin/letters/{slug}/translation")
                .app_data(body_limit())
                .route(web::get().to(translations::show))
                .route(web::post().to(translations::save)),
        )
        .route(
            "/admin/letters/{slug}/translation/remove",
            web::post().to(translations::remove),
        )
        .route(
            "/admin/letters/{slug}/state",
            web::post().to(state::change_state),
        )
        .route(
            "/admin/letters/{slug}/delivered",
            web::post().to(delivered::mark),
        )
        .route(
            "/admin/letters/{slug}/delivered/undo",
            web::post().to(delivered::undo),
        );
}

/// A time as the console shows it.
pub(crate) fn time(value: Option<NaiveDateTime>) -> String {
    value
        .map(|time| time.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "—".into())
}

/// The first characters of a content hash, enough to tell versions apart.
pub(crate) fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}
