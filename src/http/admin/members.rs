//! Console pages: the roster of member organizations (add, remove, paste a CSV) and the
//! invites of a letter (who signed, who waits, who has not answered; send and remind).

use crate::http::admin::{Console, Editor, Viewer};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::confirm::{self, Answer, Question};
use super::limited;
use super::moderation::{form_pairs, form_value, form_values, text_form_pairs, web_link, when};
use super::{AdminError, Nav, Staff, page, redirect};
use super::{find_letter, find_letter_with};
use crate::db::{self, DbError};
use crate::http::AppState;
use crate::http::errors::Fault;
use crate::invites::{self, InviteError, MemberStatus, Recipients, SendReport};
use crate::members::{self, LanguageChoice, Member, MemberError, Saved};
use crate::values::language::LanguageTag;

/// A pasted roster may be long; other console forms keep the server's default limit.
const IMPORT_LIMIT: usize = 1024 * 1024;
/// One member name per selected row.
const INVITE_FORM_LIMIT: usize = 256 * 1024;

// One route a line: the table reads as the list of addresses it is.
#[rustfmt::skip]
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/members", web::get().to(roster))
        .route("/admin/members", web::post().to(add))
        .route("/admin/members/{id}/remove", web::post().to(remove))
        .service(limited("/admin/members/import", IMPORT_LIMIT).route(web::post().to(import)))
        .service(limited("/admin/letters/{slug}/invites", INVITE_FORM_LIMIT)
            .route(web::get().to(invites_page)).route(web::post().to(send)))
        .route("/admin/letters/{slug}/invites/remind", web::post().to(remind));
}

// ----- The roster -----

struct MemberRow {
    name: String,
    /// The referral code: `/letters/{slug}?via=CODE` (the letter's Partners page has links).
    code: String,
    email: String,
    website: Option<String>,
    /// The logo's address as given (shown as a link, not as an image: the console loads no
    /// remote picture).
    logo_url: Option<String>,
    /// The language the contact reads, as (tag, its own name); `None`: each letter's original.
    lang: Option<(String, String)>,
    added: String,
    remove_action: String,
}

#[derive(Default)]
struct MemberForm {
    name: String,
    email: String,
    website: String,
    /// An https:// address of the logo; empty for none (and clears an existing one).
    logo_url: String,
    /// The picked tag; empty for each letter's original language.
    lang: String,
    problem: Option<String>,
}

impl MemberForm {
    /// The picker's choices (the console's one language picker, nothing left out).
    fn languages(&self) -> Vec<super::languages::LanguageChoice> {
        super::languages::choices(&self.lang, &[])
    }
}

#[derive(Template)]
#[template(path = "admin/members_list.html")]
struct RosterPage {
    nav: Nav,
    members: Vec<MemberRow>,
    notice: Option<String>,
    add_action: String,
    import_action: String,
    form: MemberForm,
    import_text: String,
    import_problem: Option<String>,
}

#[derive(Deserialize)]
pub struct RosterQuery {
    done: Option<String>,
    added: Option<u32>,
    updated: Option<u32>,
}

impl RosterQuery {
    fn notice(&self) -> Option<String> {
        Some(match self.done.as_deref()? {
            "added" => "Member added.".into(),
            "updated" => {
                "A member with that name was on the roster: its contact is updated.".into()
            }
            "recontacted" => {
                "A member with that name was on the roster: its contact is updated, and the download links sent to the previous contact no longer work."
                    .into()
            }
            "removed" => {
                "Member removed from the roster. Its past invites and signatures stay as they were."
                    .into()
            }
            "imported" => format!(
                "Roster imported: {} added, {} updated.",
                self.added.unwrap_or(0),
                self.updated.unwrap_or(0)
            ),
            _ => return None,
        })
    }
}

fn roster_page(
    staff: &Staff,
    roster: Vec<Member>,
    notice: Option<String>,
    form: MemberForm,
    import_text: String,
    import_problem: Option<String>,
) -> RosterPage {
    RosterPage {
        nav: staff.nav(),
        members: roster
            .into_iter()
            .map(|member| MemberRow {
                remove_action: staff.action(&format!("/admin/members/{}/remove", member.id)),
                website: web_link(member.website.as_deref()),
                logo_url: member.logo_url,
                lang: member.lang.map(|tag| (tag.as_str(), tag.own_name())),
                added: when(Some(member.created_at)),
                name: member.name,
                email: member.email,
                code: member.code,
            })
            .collect(),
        notice,
        add_action: staff.action("/admin/members"),
        import_action: staff.action("/admin/members/import"),
        form,
        import_text,
        import_problem,
    }
}

async fn load_roster(state: &AppState) -> Result<Vec<Member>, AdminError> {
    Ok(state.db(members::list).await?)
}

pub async fn roster(
    Console { state, staff, .. }: Console<Viewer>,
    query: web::Query<RosterQuery>,
) -> Result<HttpResponse, AdminError> {
    let roster = load_roster(&state).await?;
    page(
        StatusCode::OK,
        &roster_page(
            &staff,
            roster,
            query.notice(),
            MemberForm::default(),
            String::new(),
            None,
        ),
    )
}

/// What a staff member can fix in what they typed, or a failure of ours.
fn member_problem(error: MemberError) -> Result<String, AdminError> {
    match error {
        MemberError::Database(error) => Err(error.into()),
        MemberError::File { message, .. } => Ok(message),
        other => Ok(other.to_string()),
    }
}

/// The roster again (422) with the add form or the pasted CSV as they were sent, and what
/// is wrong with them.
async fn roster_again(
    state: &AppState,
    staff: &Staff,
    form: MemberForm,
    import_text: String,
    import_problem: Option<String>,
) -> Result<HttpResponse, AdminError> {
    let roster = load_roster(state).await?;
    let again = roster_page(staff, roster, None, form, import_text, import_problem);
    page(StatusCode::UNPROCESSABLE_ENTITY, &again)
}

/// Adds a member, or updates the contact of the member with the same name.
pub async fn add(console: Console<Editor>, body: web::Bytes) -> Result<HttpResponse, AdminError> {
    let Console { state, staff, .. } = console;
    let pairs = text_form_pairs(&body)?;
    let field = |key: &str| form_value(&pairs, key).unwrap_or("").trim().to_owned();
    let form = MemberForm {
        name: field("name"),
        email: field("email"),
        website: field("website"),
        logo_url: field("logo_url"),
        lang: field("lang"),
        problem: None,
    };
    // Only a language from the picker: free text ("Hebrew") would become a tag no address
    // reaches. Empty is each letter's original language.
    let lang = if form.lang.is_empty() {
        LanguageChoice::Set(None)
    } else {
        match LanguageTag::parse_known(&form.lang) {
            Some(tag) => LanguageChoice::Set(Some(tag)),
            None => {
                let problem = Some(
                    "Choose the contact's language from the list, or the letter's original language."
                        .to_owned(),
                );
                return roster_again(
                    &state,
                    &staff,
                    MemberForm { problem, ..form },
                    String::new(),
                    None,
                )
                .await;
            }
        }
    };
    let (name, email, website) = (form.name.clone(), form.email.clone(), form.website.clone());
    let logo = form.logo_url.clone();
    let actor = staff.actor();
    let saved = state
        .with_connection(move |connection| {
            // The logo is checked first, so a wrong one saves nothing.
            let saved = members::logos::checked(&logo).and_then(|_| {
                let saved =
                    members::upsert(connection, &name, &email, Some(&website), &lang, &actor)?;
                members::logos::set(connection, &name, Some(&logo), &actor)?;
                Ok(saved)
            });
            Ok::<_, DbError>(saved)
        })
        .await?;
    match saved {
        Ok(Saved::Added) => Ok(redirect("/admin/members?done=added")),
        Ok(Saved::Updated { revoked_links: 0 }) => Ok(redirect("/admin/members?done=updated")),
        Ok(Saved::Updated { .. }) => Ok(redirect("/admin/members?done=recontacted")),
        Err(error) => {
            let problem = Some(member_problem(error)?);
            roster_again(
                &state,
                &staff,
                MemberForm { problem, ..form },
                String::new(),
                None,
            )
            .await
        }
    }
}

pub async fn remove(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<String>,
    answer: Option<web::Form<Answer>>,
) -> Result<HttpResponse, AdminError> {
    let id = path.into_inner();
    if !Answer::given(&answer) {
        let lookup = id.clone();
        let member = state
            .db(move |connection| members::find_live_by_id(connection, &lookup))
            .await?
            .ok_or(AdminError::NotFound)?;
        return confirm::ask(
            &staff,
            Question {
                about: ("/admin/members".into(), "Members".into()),
                heading: format!("Remove {} from the members?", member.name),
                consequence: "It is no longer offered invites, links or its signers' file. Signatures that came through it stay, and its name stays on them in exports.".into(),
                action: staff.action(&format!("/admin/members/{id}/remove")),
                fields: Vec::new(),
                button: "Remove the member".into(),
                destructive: true,
            },
        );
    }
    let actor = staff.actor();
    let removed = state
        .with_connection(move |connection| {
            Ok::<_, DbError>(db::write_transaction(connection, |connection| {
                let Some(member) = members::find_live_by_id(connection, &id)? else {
                    return Ok(false);
                };
                members::remove(connection, &member.name, &actor)?;
                Ok::<_, MemberError>(true)
            }))
        })
        .await?
        .map_err(|error| match error {
            MemberError::Database(error) => AdminError::from(error),
            other => Fault::from(other).into(),
        })?;
    if removed {
        Ok(redirect("/admin/members?done=removed"))
    } else {
        Err(AdminError::NotFound)
    }
}

/// Upserts every row of a pasted CSV (`name,email,website[,lang]` with a header row); nothing is
/// saved when a row is wrong, and the page says which.
pub async fn import(
    Console { state, staff, .. }: Console<Editor>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = text_form_pairs(&body)?;
    let text = form_value(&pairs, "csv").unwrap_or("").to_owned();
    if text.trim().is_empty() {
        return Err(AdminError::BadRequest(
            "Paste the CSV first: a header row name,email,website (and lang, optionally) and one member a line.".into(),
        ));
    }
    let pasted = text.clone();
    let actor = staff.actor();
    let imported = state
        .with_connection(move |connection| {
            let imported = members::import_csv_text(connection, &pasted, &actor);
            Ok::<_, DbError>(imported)
        })
        .await?;
    match imported {
        Ok((added, updated)) => Ok(redirect(&format!(
            "/admin/members?done=imported&added={added}&updated={updated}"
        ))),
        Err(error) => {
            let problem = format!("Nothing was imported: {}", member_problem(error)?);
            roster_again(&state, &staff, MemberForm::default(), text, Some(problem)).await
        }
    }
}

// ----- Invites of a letter -----

struct InviteRow {
    name: String,
    email: String,
    /// The language the invite is written in: (tag, its own name).
    lang: (String, String),
    status: &'static str,
    detail: String,
    /// Invited without answer, or not invited: the members an invite can still go to.
    invitable: bool,
}

#[derive(Template)]
#[template(path = "admin/invites_status.html")]
struct InvitesPage {
    nav: Nav,
    slug: String,
    title: String,
    accepts_organizations: bool,
    is_open: bool,
    rows: Vec<InviteRow>,
    /// (label, how many)
    summary: Vec<(&'static str, usize)>,
    notice: Option<String>,
    send_action: String,
    remind_action: String,
}

#[derive(Deserialize)]
pub struct InvitesQuery {
    done: Option<String>,
    sent: Option<u32>,
    skipped: Option<u32>,
}

impl InvitesQuery {
    fn notice(&self) -> Option<String> {
        let sent = self.sent.unwrap_or(0);
        let skipped = self.skipped.unwrap_or(0);
        let members = |count: u32| {
            if count == 1 {
                "1 member".to_owned()
            } else {
                format!("{count} members")
            }
        };
        Some(match self.done.as_deref()? {
            "sent" if skipped > 0 => format!(
                "Invites sent to {}. {} skipped: already signed.",
                members(sent),
                members(skipped)
            ),
            "sent" => format!("Invites sent to {}.", members(sent)),
            "reminded" => format!("Reminders sent to {}.", members(sent)),
            _ => return None,
        })
    }
}

fn invite_row(member: Member, status: MemberStatus, letter_lang: &LanguageTag) -> InviteRow {
    let lang = member.reads(letter_lang);
    let lang = (lang.as_str(), lang.own_name());
    let label = status.label();
    let (detail, invitable) = match status {
        MemberStatus::Signed { at, by } => (format!("by {by}, {}", when(at)), false),
        MemberStatus::PendingApproval { at, by } => (
            format!("by {by}, confirmed {}; approve it in moderation", when(at)),
            false,
        ),
        // Only a confirmed sign-on holds the member's name: an unconfirmed, rejected or
        // removed one (perhaps not the member's own) must not stop the real member.
        MemberStatus::AwaitingConfirmation { by } => (
            format!("by {by}, email not confirmed yet; an invite lets the member sign anyway"),
            true,
        ),
        MemberStatus::Duplicate { by } => (
            format!("by {by}, a second confirmed sign-on; the member has signed"),
            false,
        ),
        MemberStatus::Rejected => ("its sign-on was rejected".into(), true),
        MemberStatus::Removed => ("its signature was removed by staff".into(), true),
        MemberStatus::InvitedNoAnswer {
            last_sent_at,
            sends,
        } => (
            format!(
                "last sent {}{}",
                when(Some(last_sent_at)),
                if sends > 1 {
                    format!(" ({sends} sends)")
                } else {
                    String::new()
                }
            ),
            true,
        ),
        MemberStatus::NotInvited => (String::new(), true),
    };
    InviteRow {
        name: member.name,
        email: member.email,
        lang,
        status: label,
        detail,
        invitable,
    }
}

pub async fn invites_page(
    Console { state, staff, .. }: Console<Viewer>,
    path: web::Path<String>,
    query: web::Query<InvitesQuery>,
) -> Result<HttpResponse, AdminError> {
    let (letter, statuses) = find_letter_with(&state, &path, |connection, letter| {
        Ok(invites::status(connection, letter)?)
    })
    .await?;
    let rows: Vec<InviteRow> = statuses
        .into_iter()
        .map(|(member, status)| invite_row(member, status, &letter.lang))
        .collect();
    let mut summary: Vec<(&'static str, usize)> = Vec::new();
    for row in &rows {
        match summary.iter_mut().find(|(label, _)| *label == row.status) {
            Some((_, count)) => *count += 1,
            None => summary.push((row.status, 1)),
        }
    }
    let base = format!("/admin/letters/{}/invites", letter.slug);
    page(
        StatusCode::OK,
        &InvitesPage {
            nav: staff.nav(),
            accepts_organizations: letter.accepts_organizations,
            is_open: letter.accepts_signatures_at(db::now()),
            rows,
            summary,
            notice: query.notice(),
            send_action: staff.action(&base),
            remind_action: staff.action(&format!("{base}/remind")),
            slug: letter.slug.into_string(),
            title: letter.title,
        },
    )
}

fn invite_problem(error: InviteError) -> AdminError {
    match error {
        InviteError::UnknownMember(name) => {
            AdminError::BadRequest(format!("{name} is not on the roster any more."))
        }
        InviteError::OrganizationsNotAccepted => AdminError::BadRequest(
            "This letter does not accept organizations, so there is nothing to invite them to."
                .into(),
        ),
        InviteError::Sign(error) => error.into(),
        InviteError::Database(error) => error.into(),
    }
}

async fn send_invites(
    state: &AppState,
    staff: &Staff,
    slug: &str,
    selection: Selection,
) -> Result<SendReport, AdminError> {
    let letter = find_letter(state, slug).await?;
    let policy = state.policy.clone();
    let actor = staff.actor();
    let report = state
        .with_connection(move |connection| {
            let recipients = match &selection {
                Selection::Named(names) => Recipients::Named(names),
                Selection::All => Recipients::All,
                Selection::Unanswered => Recipients::Unanswered,
            };
            Ok::<_, DbError>(invites::send(
                connection, &letter, recipients, &policy, &actor,
            ))
        })
        .await?
        .map_err(invite_problem)?;
    if !report.sent.is_empty() {
        state.mail_wakeup.notify_one();
    }
    Ok(report)
}

enum Selection {
    Named(Vec<String>),
    All,
    Unanswered,
}

/// Emails invite links to the selected members (`member=` repeated) or to every member
/// (`all=1`); members that already signed are skipped.
pub async fn send(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let selection = if form_value(&pairs, "all").is_some_and(|value| value == "1") {
        Selection::All
    } else {
        let mut names = form_values(&pairs, "member");
        names.sort();
        names.dedup();
        if names.is_empty() {
            return Err(AdminError::BadRequest(
                "Select at least one member, or send to all.".into(),
            ));
        }
        Selection::Named(names)
    };
    let report = send_invites(&state, &staff, &path, selection).await?;
    Ok(redirect(&format!(
        "/admin/letters/{}/invites?done=sent&sent={}&skipped={}",
        path.as_str(),
        report.sent.len(),
        report.skipped.len()
    )))
}

/// Sends a reminder, with a fresh link, to every member invited before who has not signed.
pub async fn remind(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<String>,
) -> Result<HttpResponse, AdminError> {
    let report = send_invites(&state, &staff, &path, Selection::Unanswered).await?;
    Ok(redirect(&format!(
        "/admin/letters/{}/invites?done=reminded&sent={}",
        path.as_str(),
        report.sent.len()
    )))
}
