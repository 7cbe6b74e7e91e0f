//! Updates to a letter's signers in the console: write one (Markdown, with a preview), look
//! at it, confirm, send, and watch it go out.

use crate::http::admin::{Console, Editor};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use super::moderation::{form_pairs, form_value};
use super::{AdminError, Nav, Staff, find_letter, find_letter_with, page, redirect};
use crate::db::DbError;
use crate::http::AppState;
use crate::i18n::LanguageTag;
use crate::staff::Role;
use crate::updates::{self, Progress, Update, UpdateError, UpdateState};

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/letters/{slug}/updates", web::get().to(list))
        .route("/admin/letters/{slug}/updates", web::post().to(write))
        .route("/admin/letters/{slug}/updates/{id}", web::get().to(show))
        .route(
            "/admin/letters/{slug}/updates/{id}/send",
            web::get().to(confirm),
        )
        .route(
            "/admin/letters/{slug}/updates/{id}/send",
            web::post().to(send),
        )
        .route(
            "/admin/letters/{slug}/updates/{id}/versions",
            web::post().to(save_version),
        )
        .configure(super::update_drafts::routes);
}

/// The update in one language of its letter, on its page: the saved version (shown as a
/// preview) and what the draft's form for it holds.
pub struct VersionRow {
    pub lang: LanguageTag,
    /// The language's own name (`עברית`), for the heading.
    pub name: String,
    pub subject: String,
    pub body: String,
    /// The saved version's rendering; `None` while there is none in this language.
    pub saved_html: Option<String>,
    /// Why the last save of this language was refused (nothing was saved).
    pub error: Option<String>,
}

/// Every language of the letter other than the original's, each with the update's version
/// in it if there is one (and a version whose translation was removed since, still shown).
fn version_rows(
    languages: &[LanguageTag],
    saved: Vec<updates::languages::UpdateVersion>,
) -> Vec<VersionRow> {
    let mut rows: Vec<VersionRow> = languages
        .iter()
        .map(|lang| VersionRow {
            name: lang.own_name(),
            lang: lang.clone(),
            subject: String::new(),
            body: String::new(),
            saved_html: None,
            error: None,
        })
        .collect();
    for version in saved {
        let row = match rows.iter_mut().position(|row| row.lang == version.lang) {
            Some(at) => &mut rows[at],
            None => {
                rows.push(VersionRow {
                    name: version.lang.own_name(),
                    lang: version.lang.clone(),
                    subject: String::new(),
                    body: String::new(),
                    saved_html: None,
                    error: None,
                });
                let last = rows.len() - 1;
                &mut rows[last]
            }
        };
        row.subject = version.subject;
        row.body = version.body_markdown;
        row.saved_html = Some(version.body_html);
    }
    rows
}

pub struct Row {
    pub id: String,
    pub subject: String,
    pub state: &'static str,
    pub created_at: String,
    pub progress: Progress,
    /// The languages of its versions besides the original (`he, ar`), empty without any.
    pub versions: String,
}

#[derive(Template)]
#[template(path = "admin/updates.html")]
struct ListPage {
    nav: Nav,
    slug: String,
    title: String,
    rows: Vec<Row>,
    action: String,
    subject: String,
    body: String,
    preview: Option<String>,
    error: Option<String>,
    /// Something is still going out: the page reloads itself to show progress.
    busy: bool,
    /// What the last action did (a draft deleted).
    notice: Option<String>,
    /// The letter's original language, the one an update is written in (its fields are
    /// marked with it and its direction).
    original: LanguageTag,
}

#[derive(Template)]
#[template(path = "admin/updates_show.html")]
struct ShowPage {
    nav: Nav,
    slug: String,
    title: String,
    update: Update,
    progress: Progress,
    busy: bool,
    /// The language the update itself is written in: the letter's original.
    original: LanguageTag,
    versions: Vec<VersionRow>,
    versions_action: String,
    /// Where a draft's test goes (to the staff member's own address).
    test_action: String,
    /// What the last action here did (a test sent, the words saved).
    notice: Option<String>,
}

impl ShowPage {
    /// Whether a test may be in another language than the original.
    fn has_saved_versions(&self) -> bool {
        self.versions
            .iter()
            .any(|version| version.saved_html.is_some())
    }
}

#[derive(Template)]
#[template(path = "admin/updates_send.html")]
struct ConfirmPage {
    nav: Nav,
    slug: String,
    title: String,
    update: Update,
    recipients: i64,
    action: String,
    original: LanguageTag,
    versions: Vec<VersionRow>,
}

fn busy(update: &Update, progress: &Progress) -> bool {
    update.state == UpdateState::Sending || progress.waiting > 0
}

fn time(at: chrono::NaiveDateTime) -> String {
    at.format("%Y-%m-%d %H:%M UTC").to_string()
}

async fn list(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
    query: web::Query<super::update_drafts::DoneQuery>,
) -> Result<HttpResponse, AdminError> {
    list_page_with(
        &state,
        &staff,
        &slug,
        (String::new(), String::new()),
        (None, None),
        query.notice(&staff),
    )
    .await
}

async fn list_page(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    subject: String,
    body: String,
    preview: Option<String>,
    error: Option<String>,
) -> Result<HttpResponse, AdminError> {
    list_page_with(state, staff, slug, (subject, body), (preview, error), None).await
}

async fn list_page_with(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    (subject, body): (String, String),
    (preview, error): (Option<String>, Option<String>),
    notice: Option<String>,
) -> Result<HttpResponse, AdminError> {
    let (letter, rows) = find_letter_with(state, slug, |connection, letter| {
        let mut rows = Vec::new();
        for update in updates::for_letter(connection, &letter.id)? {
            let progress = updates::progress(connection, &update)?;
            let versions: Vec<String> = updates::languages::list(connection, &update.id)?
                .into_iter()
                .map(|version| version.lang.into_string())
                .collect();
            rows.push((update, progress, versions.join(", ")));
        }
        Ok(rows)
    })
    .await?;
    let busy = rows
        .iter()
        .any(|(update, progress, _)| busy(update, progress));
    let rows = rows
        .into_iter()
        .map(|(update, progress, versions)| Row {
            id: update.id,
            subject: update.subject,
            state: update.state.as_str(),
            created_at: time(update.created_at),
            progress,
            versions,
        })
        .collect();
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    page(
        status,
        &ListPage {
            nav: staff.nav(),
            action: staff.action(&format!("/admin/letters/{}/updates", letter.slug)),
            slug: letter.slug.into_string(),
            title: letter.title,
            original: letter.lang,
            rows,
            subject,
            body,
            preview,
            error,
            busy,
            notice,
        },
    )
}

/// Previews, or saves a draft (`save`): nothing is sent from here.
async fn write(
    Console { state, staff, .. }: Console<Editor>,
    slug: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let subject = form_value(&pairs, "subject").unwrap_or("").to_owned();
    let markdown = form_value(&pairs, "body")
        .unwrap_or("")
        .replace("\r\n", "\n");
    // The form again: with its problem when refused, with the rendering for a preview.
    let again = match updates::validate(&subject, &markdown) {
        Err(error) => Some((None, Some(error.to_string()))),
        Ok(_) if form_value(&pairs, "save").is_none() => {
            Some((Some(updates::render_markdown(&markdown)), None))
        }
        Ok(_) => None,
    };
    if let Some((preview, error)) = again {
        return list_page(&state, &staff, &slug, subject, markdown, preview, error).await;
    }
    let letter = find_letter(&state, &slug).await?;
    let public_base = state.settings.public_base().to_owned();
    let actor = staff.actor();
    let created = state
        .with_connection(move |connection| {
            let update = updates::create(
                connection,
                &letter,
                &subject,
                &markdown,
                &public_base,
                &actor,
                None,
            )
            .map_err(|error| match error {
                UpdateError::Database(error) => AdminError::from(error),
                other => AdminError::BadRequest(other.to_string()),
            })?;
            Ok::<_, AdminError>((letter.slug, update.id))
        })
        .await?;
    Ok(redirect(&format!(
        "/admin/letters/{}/updates/{}",
        created.0, created.1
    )))
}

/// The opening of an update's pages: the role, then the update named in the address on the
/// letter named there (404 for an update of another letter).
pub(super) async fn find_update(
    state: &AppState,
    staff: &Staff,
    needed: Role,
    path: web::Path<(String, String)>,
) -> Result<Found, AdminError> {
    staff.require(needed)?;
    let (slug, id) = path.into_inner();
    let (letter, found) = find_letter_with(state, &slug, move |connection, letter| {
        let Some(update) = updates::find(connection, &id)? else {
            return Ok(None);
        };
        let progress = updates::progress(connection, &update)?;
        let languages = updates::languages::version_languages(connection, letter)?;
        let saved = updates::languages::list(connection, &update.id)?;
        Ok(Some((update, progress, languages, saved)))
    })
    .await?;
    match found {
        Some((update, progress, languages, saved)) if update.letter_id == *letter.id => {
            let versions = version_rows(&languages, saved);
            Ok(Found {
                letter,
                update,
                progress,
                languages,
                versions,
            })
        }
        _ => Err(AdminError::NotFound),
    }
}

/// An update named in the address, with what its pages show.
pub(super) struct Found {
    pub(super) letter: crate::letters::Letter,
    pub(super) update: Update,
    pub(super) progress: Progress,
    /// The letter's translations' languages: those a version may be in.
    pub(super) languages: Vec<LanguageTag>,
    pub(super) versions: Vec<VersionRow>,
}

fn show_page(staff: &Staff, found: Found, status: StatusCode) -> Result<HttpResponse, AdminError> {
    show_page_with(staff, found, status, None)
}

pub(super) fn show_page_with(
    staff: &Staff,
    found: Found,
    status: StatusCode,
    notice: Option<String>,
) -> Result<HttpResponse, AdminError> {
    let Found {
        letter,
        update,
        progress,
        versions,
        ..
    } = found;
    page(
        status,
        &ShowPage {
            nav: staff.nav(),
            busy: busy(&update, &progress),
            versions_action: staff.action(&format!(
                "/admin/letters/{}/updates/{}/versions",
                letter.slug, update.id
            )),
            test_action: staff.action(&format!(
                "/admin/letters/{}/updates/{}/test",
                letter.slug, update.id
            )),
            notice,
            slug: letter.slug.into_string(),
            title: letter.title,
            original: letter.lang,
            update,
            progress,
            versions,
        },
    )
}

async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    query: web::Query<super::update_drafts::DoneQuery>,
) -> Result<HttpResponse, AdminError> {
    let found = find_update(&state, &staff, Role::Viewer, path).await?;
    let notice = query.notice(&staff);
    show_page_with(&staff, found, StatusCode::OK, notice)
}

/// Saves (`save`) or removes (`remove`) the draft's version in one language of the letter;
/// a refused one comes back on the update's page with its problem, nothing saved.
async fn save_version(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let lang = form_value(&pairs, "lang").unwrap_or("").to_owned();
    let subject = form_value(&pairs, "subject").unwrap_or("").to_owned();
    let markdown = form_value(&pairs, "body")
        .unwrap_or("")
        .replace("\r\n", "\n");
    let remove = form_value(&pairs, "remove").is_some();
    let mut found = find_update(&state, &staff, Role::Editor, path).await?;
    let checked = if remove {
        LanguageTag::parse(&lang)
            .ok_or_else(|| UpdateError::Invalid(format!("“{lang}” is not a language.")))
            .map(|tag| (Vec::new(), Some(tag)))
    } else {
        updates::languages::check(&found.letter, &found.languages, &lang, &subject, &markdown)
            .map(|version| (vec![version], None))
    };
    let saved = match checked {
        Ok((versions, removed)) => {
            let update_id = found.update.id.clone();
            state
                .with_connection(move |connection| {
                    let saved = updates::languages::save(
                        connection,
                        &update_id,
                        &versions,
                        removed.as_ref(),
                    );
                    Ok::<_, AdminError>(saved)
                })
                .await?
        }
        Err(error) => Err(error),
    };
    match saved {
        Ok(()) => Ok(redirect(&format!(
            "/admin/letters/{}/updates/{}",
            found.letter.slug, found.update.id
        ))),
        Err(UpdateError::Database(error)) => Err(AdminError::from(error)),
        Err(error) => {
            // The form again with what was typed and why it was refused.
            let row = match found
                .versions
                .iter()
                .position(|row| row.lang.as_str() == lang)
            {
                Some(at) => &mut found.versions[at],
                None => {
                    return Err(AdminError::BadRequest(error.to_string()));
                }
            };
            row.subject = subject;
            row.body = markdown;
            row.error = Some(error.to_string());
            show_page(&staff, found, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

/// The question before sending, as a page of its own: works without script.
async fn confirm(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AdminError> {
    let Found {
        letter,
        update,
        versions,
        ..
    } = find_update(&state, &staff, Role::Editor, path).await?;
    if update.state != UpdateState::Draft {
        return Ok(redirect(&format!(
            "/admin/letters/{}/updates/{}",
            letter.slug, update.id
        )));
    }
    let counted_letter = letter.clone();
    let recipients = state
        .db(move |connection| updates::count_recipients(connection, &counted_letter))
        .await?;
    page(
        StatusCode::OK,
        &ConfirmPage {
            nav: staff.nav(),
            action: staff.action(&format!(
                "/admin/letters/{}/updates/{}/send",
                letter.slug, update.id
            )),
            slug: letter.slug.into_string(),
            title: letter.title,
            original: letter.lang,
            update,
            recipients,
            versions,
        },
    )
}

/// Sends once: only the request that turns the draft into `sending` queues anything; the
/// queueing goes on in the background and the page shows its progress.
async fn send(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, AdminError> {
    let Found { letter, update, .. } = find_update(&state, &staff, Role::Editor, path).await?;
    let actor = staff.actor();
    let update_id = update.id.clone();
    let started = state
        .with_connection(move |connection| {
            let started = updates::start_sending(connection, &update_id, &actor)?;
            Ok::<_, DbError>(started)
        })
        .await?;
    if !started {
        return Err(AdminError::BadRequest(
            "This update was already sent. Nothing was sent again.".into(),
        ));
    }
    let pool = state.pool.clone();
    let wakeup = std::sync::Arc::clone(&state.mail_wakeup);
    let queued_id = update.id.clone();
    // Off the request: a large letter takes seconds. Should this process die meanwhile, the
    // mail worker (of any instance) goes on from the update's cursor once the claim runs out.
    tokio::task::spawn_blocking(move || {
        let queued = pool
            .get()
            .map_err(DbError::from)
            .and_then(|mut connection| {
                updates::queue_all(&mut connection, &queued_id, updates::BATCH)
                    .map_err(DbError::from)
            });
        match queued {
            Ok(queued) => tracing::info!(update = %queued_id, queued, "update queued"),
            Err(error) => {
                tracing::error!(update = %queued_id, %error, "queueing an update stopped; it resumes later")
            }
        }
        wakeup.notify_one();
    });
    state.snapshots.invalidate(&letter.slug);
    Ok(redirect(&format!(
        "/admin/letters/{}/updates/{}",
        letter.slug, update.id
    )))
}
