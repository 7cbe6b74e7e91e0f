//! Console pages for delivering a letter: the export download (the same bytes as
//! `undersigned export`), a print view of the letter with its signatories, and the progress
//! chart. Every role may use them.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;

use super::{AdminError, Nav, Staff, find_letter, find_letter_with, page};
use crate::db;
use crate::export::{self, ExportStartError};
use crate::http::AppState;
use crate::http::views::{signatory_pieces, thousands};
use crate::i18n::{self, LanguageTag, catalog::Tr};
use crate::letters::{Letter, LetterStatus, translations};
use crate::read::progress::{self, Progress};
use crate::signatures::{self, PublicSignatory, SignatureCounts, SignatureKind, SignatureState};

/// Signatories are read for the print view in pages of this many.
const PRINT_PAGE: i64 = 1000;

pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/letters/{slug}/exports", web::get().to(export_form))
        .route(
            "/admin/letters/{slug}/export.{format}",
            web::get().to(download),
        )
        .route("/admin/letters/{slug}/print", web::get().to(print))
        .route(
            "/admin/letters/{slug}/progress",
            web::get().to(progress_page),
        );
}

// ---------------------------------------------------------------------------------------
// Export

struct Choice {
    value: &'static str,
    label: &'static str,
    count: String,
    /// Ticked when the page opens (none: "only what counts" is).
    checked: bool,
}

#[derive(Template)]
#[template(path = "admin/exports_form.html")]
struct ExportPage {
    nav: Nav,
    letter: Letter,
    states: Vec<Choice>,
    kinds: Vec<Choice>,
    api_url: String,
}

async fn export_form(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let (letter, tally) = find_letter_with(&state, &slug, |connection, letter| {
        Ok(crate::signatures::tally::signature_tally(
            connection, &letter.id,
        )?)
    })
    .await?;
    let states = SignatureState::ALL
        .into_iter()
        .map(|signature_state| Choice {
            value: signature_state.as_str(),
            label: super::moderation::state_heading(signature_state),
            checked: false,
            count: thousands(
                tally.get(SignatureKind::Individual, signature_state)
                    + tally.get(SignatureKind::Organization, signature_state),
            ),
        })
        .collect();
    let kinds = [SignatureKind::Individual, SignatureKind::Organization]
        .into_iter()
        .map(|kind| Choice {
            value: kind.as_str(),
            label: kind.as_str(),
            checked: false,
            count: thousands(
                SignatureState::ALL
                    .into_iter()
                    .map(|signature_state| tally.get(kind, signature_state))
                    .sum(),
            ),
        })
        .collect();
    let api_url = format!(
        "{}/api/v1/admin/letters/{}/export.csv",
        state.policy.public_base, letter.slug
    );
    page(
        StatusCode::OK,
        &ExportPage {
            nav: staff.nav(),
            letter,
            states,
            kinds,
            api_url,
        },
    )
}

async fn download(
    state: web::Data<AppState>,
    staff: Staff,
    path: web::Path<(String, String)>,
    request: HttpRequest,
) -> Result<HttpResponse, AdminError> {
    let (slug, extension) = path.into_inner();
    let format =
        export::requested_format(&extension, request.query_string()).ok_or(AdminError::NotFound)?;
    let filter = export::export_filter(request.query_string()).map_err(AdminError::BadRequest)?;
    export::start_export(&state.pool, &slug, filter, format, staff.actor(), "console")
        .await
        .map_err(|error| match error {
            ExportStartError::NotFound => AdminError::NotFound,
            ExportStartError::Unavailable(error) => AdminError::from(error),
        })
}

// ---------------------------------------------------------------------------------------
// Print view

struct PrintedSignatory {
    name: String,
    /// The values on the line under the name, each with the separator before it
    /// (`signatory_pieces`): the page isolates each one in its own `<bdi>`.
    line: Vec<(&'static str, String)>,
}

impl PrintedSignatory {
    fn line(signatory: &PublicSignatory) -> Vec<(&'static str, String)> {
        signatory_pieces(signatory)
            .into_iter()
            .map(|(separator, value)| (separator, value.to_owned()))
            .collect()
    }

    fn organization(signatory: PublicSignatory) -> Self {
        let line = Self::line(&signatory);
        PrintedSignatory {
            name: signatory.organization.unwrap_or(signatory.name),
            line,
        }
    }

    fn individual(signatory: PublicSignatory) -> Self {
        let line = Self::line(&signatory);
        PrintedSignatory {
            name: signatory.name,
            line,
        }
    }
}

/// A language the print view can print the letter in: a link per language of the letter.
struct PrintLanguage {
    tag: String,
    name: String,
    dir: &'static str,
    current: bool,
}

#[derive(Template)]
#[template(path = "admin/print.html")]
struct PrintPage {
    nav: Nav,
    /// The letter in the language being printed (a translation's words, or the original's).
    letter: Letter,
    /// The words around the letter (To ..., Signatories), in its language where we have a
    /// catalog for it.
    tr: Tr,
    languages: Vec<PrintLanguage>,
    date: String,
    organizations: Vec<PrintedSignatory>,
    individuals: Vec<PrintedSignatory>,
    /// Every signature the letter's page counts, listed or not: the delivered document
    /// states the whole support, and names only those who agreed to be named.
    counted: SignatureCounts,
}

impl PrintPage {
    fn total(&self) -> i64 {
        self.counted.total()
    }

    /// Counted organizations not named on the page ("and 3 more organizations").
    fn more_organizations(&self) -> i64 {
        unnamed(self.counted.organizations, self.organizations.len())
    }

    /// Counted individuals not named on the page ("and 12 more people").
    fn more_individuals(&self) -> i64 {
        unnamed(self.counted.individuals, self.individuals.len())
    }
}

/// How many of `counted` are not among the `named`; never negative, should a signature be
/// confirmed between reading the tallies and reading the names.
fn unnamed(counted: i64, named: usize) -> i64 {
    (counted - i64::try_from(named).unwrap_or(i64::MAX)).max(0)
}

type Printed = (
    Vec<PrintedSignatory>,
    Vec<PrintedSignatory>,
    SignatureCounts,
);

/// Every listed signatory, organizations first in their listed order, then individuals,
/// and the counted signatures (at least as many as the names, see `unnamed`).
fn all_listed(
    connection: &mut db::DbConnection,
    letter: &Letter,
) -> Result<Printed, diesel::result::Error> {
    let mut organizations = Vec::new();
    loop {
        let page = signatures::listed_organizations(
            connection,
            letter,
            organizations.len() as i64,
            PRINT_PAGE,
        )?;
        let full = page.len() as i64 == PRINT_PAGE;
        organizations.extend(page.into_iter().map(PrintedSignatory::organization));
        if !full {
            break;
        }
    }
    let mut individuals = Vec::new();
    loop {
        let page = signatures::listed_individuals(
            connection,
            letter,
            individuals.len() as i64,
            PRINT_PAGE,
        )?;
        let full = page.len() as i64 == PRINT_PAGE;
        individuals.extend(page.into_iter().map(PrintedSignatory::individual));
        if !full {
            break;
        }
    }
    let (counted, _) = signatures::counted_and_listed(connection, letter)?;
    // Names confirmed after the tallies were read are counted too.
    let counted = SignatureCounts {
        organizations: counted
            .organizations
            .max(i64::try_from(organizations.len()).unwrap_or(i64::MAX)),
        individuals: counted
            .individuals
            .max(i64::try_from(individuals.len()).unwrap_or(i64::MAX)),
    };
    Ok((organizations, individuals, counted))
}

/// `GET /admin/letters/{slug}/print?lang=he`: the letter in one of its languages (`he-IL`
/// finds `he`), the original when none is asked for or the letter is not in it.
async fn print(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
    request: HttpRequest,
) -> Result<HttpResponse, AdminError> {
    let (original, (translations, (organizations, individuals, counted))) =
        find_letter_with(&state, &slug, |connection, letter| {
            Ok((
                translations::list(connection, &letter.id)?,
                all_listed(connection, letter)?,
            ))
        })
        .await?;
    let asked: Vec<LanguageTag> = i18n::from_query(&request).into_iter().collect();
    let mut available = vec![original.lang.clone()];
    available.extend(
        translations
            .iter()
            .map(|translation| translation.lang.clone()),
    );
    let printed = i18n::pick(&asked, &available)
        .unwrap_or(&original.lang)
        .clone();
    let letter = translations
        .iter()
        .find(|translation| translation.lang == printed)
        .map_or_else(
            || original.clone(),
            |translation| translation.applied_to(&original),
        );
    let languages = available
        .iter()
        .map(|tag| PrintLanguage {
            tag: tag.as_str(),
            name: tag.own_name(),
            dir: tag.dir(),
            current: *tag == printed,
        })
        .collect();
    let tr = Tr::for_language(&printed);
    let date = tr.date(&letter.published_at.unwrap_or_else(db::now));
    page(
        StatusCode::OK,
        &PrintPage {
            nav: staff.nav(),
            letter,
            tr,
            languages,
            date,
            organizations,
            individuals,
            counted,
        },
    )
}

// ---------------------------------------------------------------------------------------
// Progress

struct CountRow {
    state: &'static str,
    individuals: String,
    organizations: String,
    total: String,
}

struct DayRow {
    date: String,
    submitted: String,
    counted: String,
    total_submitted: String,
    total_counted: String,
}

#[derive(Template)]
#[template(path = "admin/progress.html")]
struct ProgressPage {
    nav: Nav,
    letter: Letter,
    counted: String,
    submitted: String,
    pending: String,
    awaiting_approval: String,
    goal: Option<String>,
    rows: Vec<CountRow>,
    individuals: String,
    organizations: String,
    chart: String,
    days: Vec<DayRow>,
    generated_at: String,
}

fn count_rows(progress: &Progress) -> Vec<CountRow> {
    progress
        .counts
        .iter()
        .map(|counts| CountRow {
            state: super::moderation::state_heading(counts.state),
            individuals: thousands(counts.individuals),
            organizations: thousands(counts.organizations),
            total: thousands(counts.total()),
        })
        .collect()
}

fn day_rows(progress: &Progress) -> Vec<DayRow> {
    progress
        .days
        .iter()
        .map(|day| DayRow {
            date: day.date.to_string(),
            submitted: thousands(day.submitted),
            counted: thousands(day.counted),
            total_submitted: thousands(day.total_submitted),
            total_counted: thousands(day.total_counted),
        })
        .collect()
}

fn generated(time: NaiveDateTime) -> String {
    time.format("%Y-%m-%d %H:%M UTC").to_string()
}

async fn progress_page(
    state: web::Data<AppState>,
    staff: Staff,
    slug: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let letter = find_letter(&state, &slug).await?;
    let now = db::now();
    // A letter still collecting runs to today, so that quiet days show as such.
    let until = (letter.status() == LetterStatus::Open).then_some(now.date());
    let for_chart = letter.clone();
    let progress = state
        .db(move |connection| progress::load(connection, &for_chart, until))
        .await?;
    let chart = progress::render_svg_with_goal(
        &progress,
        "progress-chart",
        &format!("Signatures over time: {}", letter.title),
        letter.goal,
    );
    page(
        StatusCode::OK,
        &ProgressPage {
            nav: staff.nav(),
            counted: thousands(progress.counted()),
            submitted: thousands(progress.submitted()),
            pending: thousands(
                progress.count(SignatureKind::Individual, SignatureState::Pending)
                    + progress.count(SignatureKind::Organization, SignatureState::Pending),
            ),
            awaiting_approval: thousands(
                progress.count(SignatureKind::Organization, SignatureState::Verified),
            ),
            goal: letter.goal.map(thousands),
            rows: count_rows(&progress),
            individuals: thousands(progress.individuals()),
            organizations: thousands(progress.organizations()),
            chart,
            days: day_rows(&progress),
            generated_at: generated(now),
            letter,
        },
    )
}
