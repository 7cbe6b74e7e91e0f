//! Console pages: letters. Editors write letters, preview them, and open, close, reopen or
//! archive them; viewers read. Also the public history of a letter's text, which shows the
//! versions the console records.

use std::collections::BTreeMap;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::{DateTime, NaiveDate, NaiveDateTime, SubsecRound, Timelike};
use serde::Deserialize;

use super::{AdminError, Nav, Staff, find_letter, page, redirect};
use crate::db::{self, DbError};
use crate::http::views::thousands;
use crate::http::{AppState, PageError};
use crate::letters::import::{self, ImportError, ImportOutcome, LetterDocument};
use crate::letters::{self, Letter, LetterStatus, LetterVersion, StatusChangeError, markdown};
use crate::signatures::{SignatureKind, SignatureState};
use crate::staff::{Role, audit};

/// Letters are longer than signatures; the console's forms may carry up to this much.
const LETTER_FORM_LIMIT: usize = 1024 * 1024;
const TITLE_MAX: usize = 300;
const ADDRESSEE_MAX: usize = 300;
const SUMMARY_MAX: usize = 500;
const BODY_MAX: usize = 200_000;
/// `/admin/letters/new` is the form, so no letter may be called "new".
const RESERVED_SLUGS: [&str; 1] = ["new"];

pub fn routes(config: &mut web::ServiceConfig) {
    let form_limit = || web::FormConfig::default().limit(LETTER_FORM_LIMIT);
    config
        .service(
            web::resource("/admin/letters")
                .app_data(form_limit())
                .route(web::get().to(list))
                .route(web::post().to(create)),
        )
        // Before `/admin/letters/{slug}`, which would otherwise take them.
        .route("/admin/letters/new", web::get().to(new_form))
        .service(
            web::resource("/admin/letters/preview")
                .app_data(form_limit())
                .route(web::post().to(live_preview)),
        )
        .service(
            web::resource("/admin/letters/{slug}")
                .app_data(form_limit())
                .route(web::get().to(show))
                .route(web::post().to(update)),
        )
        .route("/admin/letters/{slug}/edit", web::get().to(edit_form))
        .route("/admin/letters/{slug}/state", web::post().to(change_state))
        .route("/letters/{slug}/versions", web::get().to(public_versions))
        .route(
            "/letters/{slug}/versions/{hash}",
            web::get().to(public_version),
        );
}

fn time(value: Option<NaiveDateTime>) -> String {
    value
        .map(|time| time.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_else(|| "—".into())
}

fn short_hash(hash: &str) -> &str {
    hash.get(..12).unwrap_or(hash)
}

// ---------------------------------------------------------------------------------------
// The list

struct LetterRow {
    slug: String,
    title: String,
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

async fn list(state: web::Data<AppState>, staff: Staff) -> Result<HttpResponse, AdminError> {
    let (all, mut tallies) = state
        .with_connection(|connection| {
            Ok::<_, DbError>((
                letters::list_all(connection)?,
                letters::signature_tallies(connection)?,
            ))
        })
        .await?;
    let rows = all
        .into_iter()
        .map(|letter| {
            let tally = tallies.remove(&letter.id).unwrap_or_default();
            LetterRow {
                status: letter.status().as_str(),
                slug: letter.slug,
                title: letter.title,
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

// ---------------------------------------------------------------------------------------
// One letter

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
    states: Vec<&'static str>,
    kinds: Vec<KindRow>,
    version_count: usize,
    content_hash: String,
    state_action: String,
    buttons: Vec<StateButton>,
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

async fn show(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let letter = find_letter(&state, &slug).await?;
    let letter_id = letter.id.clone();
    let (tally, version_count) = state
        .with_connection(move |connection| {
            Ok::<_, DbError>((
                letters::signature_tally(connection, &letter_id)?,
                letters::versions(connection, &letter_id)?.len(),
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
            states: SignatureState::ALL
                .into_iter()
                .map(SignatureState::as_str)
                .collect(),
            kinds,
            version_count,
            content_hash: short_hash(&letter.content_hash).to_owned(),
            state_action: staff.action(&format!("/admin/letters/{}/state", letter.slug)),
            buttons,
            letter,
        },
    )
}

// ---------------------------------------------------------------------------------------
// Writing and editing

/// The form as posted. Unchecked checkboxes are not sent at all.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct LetterFormInput {
    slug: String,
    title: String,
    addressee: String,
    summary: String,
    body: String,
    goal: String,
    opens_at: String,
    closes_at: String,
    accepts_individuals: Option<String>,
    accepts_organizations: Option<String>,
    organizations_need_approval: Option<String>,
    invites_skip_approval: Option<String>,
    /// Set by the "Preview" button: render, store nothing.
    preview: Option<String>,
}

/// The form's fields as shown again to the editor.
#[derive(Clone, Debug)]
struct LetterFields {
    slug: String,
    title: String,
    addressee: String,
    summary: String,
    body: String,
    goal: String,
    opens_at: String,
    closes_at: String,
    accepts_individuals: bool,
    accepts_organizations: bool,
    organizations_need_approval: bool,
    invites_skip_approval: bool,
}

type FieldErrors = BTreeMap<&'static str, String>;

/// The value a `datetime-local` input shows, in UTC.
fn form_time(value: Option<NaiveDateTime>) -> String {
    match value {
        Some(time) if time.second() == 0 => time.format("%Y-%m-%dT%H:%M").to_string(),
        Some(time) => time.format("%Y-%m-%dT%H:%M:%S").to_string(),
        None => String::new(),
    }
}

/// A time from the form, read as UTC: what a `datetime-local` input sends, a plain date, or
/// RFC 3339 with an offset. `Err` when it is none of these.
fn parse_form_time(text: &str) -> Result<Option<NaiveDateTime>, ()> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(text) {
        return Ok(Some(time.naive_utc().trunc_subsecs(6)));
    }
    let local = text
        .strip_suffix(" UTC")
        .or_else(|| text.strip_suffix('Z'))
        .unwrap_or(text)
        .trim();
    for format in [
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%d %H:%M:%S",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(local, format) {
            return Ok(Some(time));
        }
    }
    NaiveDate::parse_from_str(local, "%Y-%m-%d")
        .ok()
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .map(Some)
        .ok_or(())
}

const TIME_HELP: &str = "Use a date and time such as 2026-12-31 18:00 (UTC), or leave it empty.";

impl LetterFields {
    /// A new letter: it accepts everyone, and organizations are reviewed unless invited.
    fn blank() -> Self {
        LetterFields {
            slug: String::new(),
            title: String::new(),
            addressee: String::new(),
            summary: String::new(),
            body: String::new(),
            goal: String::new(),
            opens_at: String::new(),
            closes_at: String::new(),
            accepts_individuals: true,
            accepts_organizations: true,
            organizations_need_approval: true,
            invites_skip_approval: true,
        }
    }

    fn from_letter(letter: &Letter) -> Self {
        LetterFields {
            slug: letter.slug.clone(),
            title: letter.title.clone(),
            addressee: letter.addressee.clone(),
            summary: letter.summary.clone(),
            body: letter.body_markdown.clone(),
            goal: letter.goal.map(|goal| goal.to_string()).unwrap_or_default(),
            opens_at: form_time(letter.opens_at),
            closes_at: form_time(letter.closes_at),
            accepts_individuals: letter.accepts_individuals,
            accepts_organizations: letter.accepts_organizations,
            organizations_need_approval: letter.organizations_need_approval,
            invites_skip_approval: letter.invites_skip_approval,
        }
    }

    fn from_input(input: LetterFormInput) -> Self {
        LetterFields {
            slug: input.slug.trim().to_owned(),
            title: input.title,
            addressee: input.addressee,
            summary: input.summary,
            // Browsers send a textarea's lines with CRLF; stored letters use LF, and the
            // content hash must not change because a letter went through a browser.
            body: input.body.replace("\r\n", "\n"),
            goal: input.goal,
            opens_at: input.opens_at,
            closes_at: input.closes_at,
            accepts_individuals: input.accepts_individuals.is_some(),
            accepts_organizations: input.accepts_organizations.is_some(),
            organizations_need_approval: input.organizations_need_approval.is_some(),
            invites_skip_approval: input.invites_skip_approval.is_some(),
        }
    }

    /// Checks every field like `letters import` does and names each problem.
    fn validate(&self, status: LetterStatus) -> Result<LetterDocument, FieldErrors> {
        let mut errors = FieldErrors::new();
        if !letters::is_valid_slug(&self.slug) {
            errors.insert(
                "slug",
                "Use lowercase letters, digits and hyphens (at most 80), not starting or ending with a hyphen.".into(),
            );
        } else if RESERVED_SLUGS.contains(&self.slug.as_str()) {
            errors.insert("slug", "This address is reserved; choose another.".into());
        }
        let title = self.title.trim();
        if title.is_empty() || title.chars().count() > TITLE_MAX {
            errors.insert(
                "title",
                format!("The title must be 1 to {TITLE_MAX} characters."),
            );
        }
        let addressee = self.addressee.trim();
        if addressee.is_empty() || addressee.chars().count() > ADDRESSEE_MAX {
            errors.insert(
                "addressee",
                format!("Name the addressee in 1 to {ADDRESSEE_MAX} characters."),
            );
        }
        let summary = self.summary.trim();
        if summary.chars().count() > SUMMARY_MAX {
            errors.insert(
                "summary",
                format!("The summary must be at most {SUMMARY_MAX} characters."),
            );
        }
        let body = self.body.trim();
        if body.is_empty() {
            errors.insert("body", "The letter has no text.".into());
        } else if body.chars().count() > BODY_MAX {
            errors.insert(
                "body",
                format!("The text must be at most {BODY_MAX} characters."),
            );
        }
        let goal_text: String = self
            .goal
            .chars()
            .filter(|character| !matches!(character, ',' | '_' | ' '))
            .collect();
        let goal = if goal_text.is_empty() {
            None
        } else {
            match goal_text.parse::<i64>() {
                Ok(goal) if goal >= 1 => Some(goal),
                _ => {
                    errors.insert(
                        "goal",
                        "The goal must be a whole number above zero, or empty.".into(),
                    );
                    None
                }
            }
        };
        let opens_at = parse_form_time(&self.opens_at).unwrap_or_else(|()| {
            errors.insert("opens_at", TIME_HELP.into());
            None
        });
        let closes_at = parse_form_time(&self.closes_at).unwrap_or_else(|()| {
            errors.insert("closes_at", TIME_HELP.into());
            None
        });
        if let (Some(opens), Some(closes)) = (opens_at, closes_at)
            && closes <= opens
        {
            errors.insert("closes_at", "The letter must close after it opens.".into());
        }
        if !self.accepts_individuals && !self.accepts_organizations {
            errors.insert(
                "accepts",
                "A letter must accept individuals, organizations or both.".into(),
            );
        }
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(LetterDocument {
            slug: self.slug.clone(),
            title: title.to_owned(),
            addressee: addressee.to_owned(),
            summary: summary.to_owned(),
            status,
            goal,
            opens_at,
            closes_at,
            accepts_individuals: self.accepts_individuals,
            accepts_organizations: self.accepts_organizations,
            organizations_need_approval: self.organizations_need_approval,
            invites_skip_approval: self.invites_skip_approval,
            body_markdown: body.to_owned(),
        })
    }
}

#[derive(Template)]
#[template(path = "admin/letters_form.html")]
struct FormPage {
    nav: Nav,
    /// `None` for a new letter; the slug of the letter being edited otherwise.
    editing: Option<String>,
    status: &'static str,
    action: String,
    fields: LetterFields,
    errors: FieldErrors,
    /// Sanitized HTML of the body, when the editor asked for a preview.
    preview: Option<String>,
}

impl FormPage {
    /// Where the editor's script posts the text for a preview as you type (same CSRF token).
    fn live_preview_action(&self) -> String {
        self.action
            .split_once('?')
            .map(|(_, query)| format!("/admin/letters/preview?{query}"))
            .unwrap_or_default()
    }

    fn error(&self, field: &str) -> Option<&str> {
        self.errors.get(field).map(String::as_str)
    }
}

#[derive(serde::Deserialize)]
struct PreviewForm {
    #[serde(default)]
    body: String,
}

/// The sanitized rendering of a letter body, for the preview that follows typing.
async fn live_preview(
    staff: Staff,
    form: web::Form<PreviewForm>,
) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    let body = form.body.replace("\r\n", "\n");
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(markdown::render(&body)))
}

async fn new_form(staff: Staff) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    page(
        StatusCode::OK,
        &FormPage {
            nav: staff.nav(),
            editing: None,
            status: LetterStatus::Draft.as_str(),
            action: staff.action("/admin/letters"),
            fields: LetterFields::blank(),
            errors: FieldErrors::new(),
            preview: None,
        },
    )
}

async fn edit_form(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    let letter = find_letter(&state, &slug).await?;
    page(
        StatusCode::OK,
        &FormPage {
            nav: staff.nav(),
            action: staff.action(&format!("/admin/letters/{}", letter.slug)),
            editing: Some(letter.slug.clone()),
            status: letter.status().as_str(),
            fields: LetterFields::from_letter(&letter),
            errors: FieldErrors::new(),
            preview: None,
        },
    )
}

/// Why saving a letter form did not work.
#[derive(Debug, thiserror::Error)]
enum SaveError {
    #[error("the slug is taken")]
    SlugTaken,
    #[error("the letter is gone")]
    NotFound,
    #[error(transparent)]
    Import(#[from] ImportError),
}

impl From<diesel::result::Error> for SaveError {
    fn from(error: diesel::result::Error) -> Self {
        if db::is_unique_violation(&error) {
            SaveError::SlugTaken
        } else {
            SaveError::Import(ImportError::Database(error))
        }
    }
}

impl From<SaveError> for AdminError {
    fn from(error: SaveError) -> Self {
        match error {
            SaveError::NotFound => AdminError::NotFound,
            other => AdminError::Internal(other.to_string()),
        }
    }
}

async fn create(
    state: web::Data<AppState>,
    staff: Staff,
    form: web::Form<LetterFormInput>,
) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    let form = form.into_inner();
    let previewing = form.preview.is_some();
    let fields = LetterFields::from_input(form);
    let form_page = |fields: LetterFields, errors: FieldErrors, preview: Option<String>| FormPage {
        nav: staff.nav(),
        editing: None,
        status: LetterStatus::Draft.as_str(),
        action: staff.action("/admin/letters"),
        fields,
        errors,
        preview,
    };
    let validated = fields.validate(LetterStatus::Draft);
    if previewing {
        let preview = Some(markdown::render(&fields.body));
        let errors = validated.err().unwrap_or_default();
        return page(StatusCode::OK, &form_page(fields, errors, preview));
    }
    let document = match validated {
        Ok(document) => document,
        Err(errors) => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(fields, errors, None),
            );
        }
    };
    let actor = staff.actor();
    let saved = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(db::write_transaction(connection, |connection| {
                if letters::find_by_slug(connection, &document.slug)?.is_some() {
                    return Err(SaveError::SlugTaken);
                }
                let (letter, _) = import::store(connection, &document)?;
                audit::record(
                    connection,
                    &actor,
                    "letter.create",
                    Some(&letter.id),
                    Some(&letter.slug),
                    &format!("created the draft \"{}\"", letter.title),
                )?;
                Ok(letter)
            }))
        })
        .await?;
    let letter = match saved {
        Ok(letter) => letter,
        Err(SaveError::SlugTaken) => {
            let mut errors = FieldErrors::new();
            errors.insert(
                "slug",
                "Another letter already has this address; choose another.".into(),
            );
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(fields, errors, None),
            );
        }
        Err(error) => return Err(error.into()),
    };
    state.snapshots.invalidate(&letter.slug);
    Ok(redirect(&format!("/admin/letters/{}", letter.slug)))
}

/// The names of the settings an edit changed, for the audit log.
fn changed_fields(before: &Letter, after: &LetterDocument) -> Vec<&'static str> {
    let mut changed = Vec::new();
    let checks: [(&'static str, bool); 11] = [
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
    ];
    for (name, differs) in checks {
        if differs {
            changed.push(name);
        }
    }
    changed
}

async fn update(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
    form: web::Form<LetterFormInput>,
) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    let letter = find_letter(&state, &slug).await?;
    let mut form = form.into_inner();
    let previewing = form.preview.is_some();
    // The address of a letter never changes: links to it are out in the world.
    form.slug = letter.slug.clone();
    let fields = LetterFields::from_input(form);
    let form_page = |fields: LetterFields, errors: FieldErrors, preview: Option<String>| FormPage {
        nav: staff.nav(),
        editing: Some(letter.slug.clone()),
        status: letter.status().as_str(),
        action: staff.action(&format!("/admin/letters/{}", letter.slug)),
        fields,
        errors,
        preview,
    };
    let validated = fields.validate(letter.status());
    if previewing {
        let preview = Some(markdown::render(&fields.body));
        let errors = validated.err().unwrap_or_default();
        return page(StatusCode::OK, &form_page(fields, errors, preview));
    }
    let mut document = match validated {
        Ok(document) => document,
        Err(errors) => {
            return page(
                StatusCode::UNPROCESSABLE_ENTITY,
                &form_page(fields, errors, None),
            );
        }
    };
    let actor = staff.actor();
    let letter_id = letter.id.clone();
    let saved = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(db::write_transaction(connection, |connection| {
                // Read again inside the transaction: the status may have changed since the
                // form was sent, and an edit must not undo that.
                let before =
                    letters::find_by_id(connection, &letter_id)?.ok_or(SaveError::NotFound)?;
                document.status = before.status();
                let changed = changed_fields(&before, &document);
                let (after, outcome) = import::store(connection, &document)?;
                let detail = match outcome {
                    ImportOutcome::Updated { new_version: true } => format!(
                        "changed {}; new text version {}",
                        changed.join(", "),
                        short_hash(&after.content_hash)
                    ),
                    _ if changed.is_empty() => "saved without changes".to_owned(),
                    _ => format!("changed {}", changed.join(", ")),
                };
                audit::record(
                    connection,
                    &actor,
                    "letter.edit",
                    Some(&after.id),
                    Some(&after.slug),
                    &detail,
                )?;
                Ok::<_, SaveError>(after)
            }))
        })
        .await??;
    state.snapshots.invalidate(&saved.slug);
    Ok(redirect(&format!("/admin/letters/{}", saved.slug)))
}

// ---------------------------------------------------------------------------------------
// Opening, closing, archiving

#[derive(Deserialize)]
struct StateForm {
    #[serde(default)]
    to: String,
}

async fn change_state(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
    form: web::Form<StateForm>,
) -> Result<HttpResponse, AdminError> {
    staff.require(Role::Editor)?;
    let to = LetterStatus::parse(form.to.trim())
        .ok_or_else(|| AdminError::BadRequest("Choose open, closed, archived or draft.".into()))?;
    let letter = find_letter(&state, &slug).await?;
    let actor = staff.actor();
    let letter_id = letter.id.clone();
    let outcome = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(db::write_transaction(connection, |connection| {
                let change = letters::change_status(connection, &letter_id, to)?;
                if change.changed {
                    audit::record(
                        connection,
                        &actor,
                        "letter.state",
                        Some(&change.letter.id),
                        Some(&change.letter.slug),
                        &format!("{} -> {}", change.from.as_str(), to.as_str()),
                    )?;
                }
                Ok::<_, StatusChangeError>(change)
            }))
        })
        .await?;
    match outcome {
        Ok(_) => {
            state.snapshots.invalidate(&letter.slug);
            Ok(redirect(&format!("/admin/letters/{}", letter.slug)))
        }
        Err(StatusChangeError::NotFound) => Err(AdminError::NotFound),
        Err(StatusChangeError::NotAllowed { from, to }) => Err(AdminError::BadRequest(format!(
            "A {} letter cannot become {}. Reload the letter's page to see what it allows now.",
            from.as_str(),
            to.as_str()
        ))),
        Err(StatusChangeError::Database(error)) => Err(error.into()),
    }
}

// ---------------------------------------------------------------------------------------
// The public history of a letter's text

struct VersionRow {
    content_hash: String,
    short_hash: String,
    title: String,
    created_at: String,
    is_current: bool,
}

struct ShownVersion {
    content_hash: String,
    title: String,
    created_at: String,
    is_current: bool,
    /// Sanitized by `markdown::render`.
    body_html: String,
}

#[derive(Template)]
#[template(path = "letter_versions.html")]
struct VersionsPage {
    slug: String,
    title: String,
    addressee: String,
    versions: Vec<VersionRow>,
    shown: Option<ShownVersion>,
}

fn html(page: &impl Template) -> Result<HttpResponse, PageError> {
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .body(page.render()?))
}

/// The public letter and its public versions; `None` for drafts and unknown slugs.
async fn public_history(
    state: &AppState,
    slug: &str,
) -> Result<(Letter, Vec<LetterVersion>), PageError> {
    if !letters::is_valid_slug(slug) {
        return Err(PageError::NotFound);
    }
    let slug = slug.to_owned();
    state
        .with_connection(move |connection| {
            let Some(letter) = letters::find_by_slug(connection, &slug)? else {
                return Ok(None);
            };
            if !letter.is_public() {
                return Ok(None);
            }
            let versions = letters::public_versions(connection, &letter)?;
            Ok::<_, DbError>(Some((letter, versions)))
        })
        .await?
        .ok_or(PageError::NotFound)
}

fn versions_page(
    letter: Letter,
    versions: &[LetterVersion],
    shown: Option<ShownVersion>,
) -> VersionsPage {
    VersionsPage {
        versions: versions
            .iter()
            .map(|version| VersionRow {
                content_hash: version.content_hash.clone(),
                short_hash: short_hash(&version.content_hash).to_owned(),
                title: version.title.clone(),
                created_at: time(Some(version.created_at)),
                is_current: version.content_hash == letter.content_hash,
            })
            .collect(),
        slug: letter.slug,
        title: letter.title,
        addressee: letter.addressee,
        shown,
    }
}

async fn public_versions(
    state: web::Data<AppState>,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let (letter, versions) = public_history(&state, &slug).await?;
    html(&versions_page(letter, &versions, None))
}

async fn public_version(
    state: web::Data<AppState>,
    path: web::Path<(String, String)>,
) -> Result<HttpResponse, PageError> {
    let (slug, hash) = path.into_inner();
    let is_hash = hash.len() == 64
        && hash
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte));
    if !is_hash {
        return Err(PageError::NotFound);
    }
    let (letter, versions) = public_history(&state, &slug).await?;
    let version = versions
        .iter()
        .find(|version| version.content_hash == hash)
        .ok_or(PageError::NotFound)?;
    let shown = ShownVersion {
        content_hash: version.content_hash.clone(),
        title: version.title.clone(),
        created_at: time(Some(version.created_at)),
        is_current: version.content_hash == letter.content_hash,
        body_html: markdown::render(&version.body_markdown),
    };
    html(&versions_page(letter, &versions, Some(shown)))
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

    #[test]
    fn form_times_are_read_as_utc() {
        let expected = NaiveDate::from_ymd_opt(2026, 12, 31)
            .and_then(|date| date.and_hms_opt(18, 0, 0))
            .expect("a valid time");
        for text in [
            "2026-12-31T18:00",
            "2026-12-31T18:00:00",
            "2026-12-31 18:00",
            "2026-12-31 18:00 UTC",
            "2026-12-31T18:00:00Z",
            "2026-12-31T19:00:00+01:00",
        ] {
            assert_eq!(parse_form_time(text), Ok(Some(expected)), "{text}");
        }
        assert_eq!(parse_form_time("  "), Ok(None));
        assert!(parse_form_time("tomorrow").is_err());
        assert_eq!(form_time(Some(expected)), "2026-12-31T18:00");
    }

    #[test]
    fn the_form_names_every_bad_field() {
        let mut fields = LetterFields::blank();
        fields.slug = "Bad Slug".into();
        fields.goal = "-3".into();
        fields.opens_at = "2026-12-31".into();
        fields.closes_at = "2026-12-01".into();
        fields.accepts_individuals = false;
        fields.accepts_organizations = false;
        let errors = fields
            .validate(LetterStatus::Draft)
            .expect_err("nothing is valid");
        for field in [
            "slug",
            "title",
            "addressee",
            "body",
            "goal",
            "closes_at",
            "accepts",
        ] {
            assert!(errors.contains_key(field), "{field}: {errors:?}");
        }
    }

    #[test]
    fn a_browser_textarea_does_not_change_the_text() {
        let input = LetterFormInput {
            slug: "dear-president".into(),
            title: " Dear President ".into(),
            addressee: "The President".into(),
            body: "Dear President,\r\n\r\nWe write.\r\n".into(),
            accepts_individuals: Some("on".into()),
            ..LetterFormInput::default()
        };
        let document = LetterFields::from_input(input)
            .validate(LetterStatus::Open)
            .expect("valid");
        assert_eq!(document.body_markdown, "Dear President,\n\nWe write.");
        assert_eq!(document.title, "Dear President");
        assert!(document.accepts_individuals && !document.accepts_organizations);
        assert_eq!(document.status, LetterStatus::Open);
    }
}
