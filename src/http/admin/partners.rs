//! Console: a letter's partners. How many signatures each member brought (counted and
//! pending), each member's link to copy, and the personal download links of member contacts
//! (issue by email, revoke).

use crate::http::admin::{Console, Editor, Viewer};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::moderation::{form_pairs, form_value, when};
use super::{AdminError, Nav, page, redirect};
use super::{find_letter, find_letter_with};
use crate::db::{self, DbError};
use crate::http::views::thousands;
use crate::partners::links::{self, LinkError};
use crate::partners::tally;
use crate::staff::Role;

// One route a line: the table reads as the list of addresses it is.
#[rustfmt::skip]
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/letters/{slug}/partners", web::get().to(partners_page))
        .route("/admin/letters/{slug}/partners/links", web::post().to(issue_link))
        .route("/admin/letters/{slug}/partners/links/{id}/revoke", web::post().to(revoke_link))
        .route("/static/copy.js", web::get().to(crate::http::pages::copy_script));
}

struct PartnerRow {
    name: String,
    code: String,
    removed: bool,
    counted: String,
    pending: String,
    /// The member's referral address to copy.
    link: String,
    member_id: String,
}

struct LinkRow {
    member: String,
    /// The address it was emailed to.
    recipient: String,
    created: String,
    created_by: String,
    expires: String,
    status: &'static str,
    last_download: String,
    revoke_action: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/partners.html")]
struct PartnersPage {
    nav: Nav,
    slug: String,
    title: String,
    show_partner_tally: bool,
    rows: Vec<PartnerRow>,
    links: Vec<LinkRow>,
    notice: Option<String>,
    issue_action: String,
    link_days: i64,
}

#[derive(Deserialize)]
pub struct PartnersQuery {
    done: Option<String>,
}

pub async fn partners_page(
    Console { state, staff, .. }: Console<Viewer>,
    path: web::Path<String>,
    query: web::Query<PartnersQuery>,
) -> Result<HttpResponse, AdminError> {
    let (letter, (tallies, issued)) = find_letter_with(&state, &path, |connection, letter| {
        Ok((
            tally::per_member(connection, letter)?,
            links::for_letter(connection, letter)?,
        ))
    })
    .await?;
    let base = state.settings.public_base().to_owned();
    let now = db::now();
    let rows = tallies
        .into_iter()
        .map(|tally| PartnerRow {
            link: format!("{base}/letters/{}?via={}", letter.slug, tally.code),
            name: tally.name,
            code: tally.code,
            removed: tally.removed,
            counted: thousands(tally.counted),
            pending: thousands(tally.pending),
            member_id: tally.member_id,
        })
        .collect();
    let links = issued
        .into_iter()
        .map(
            |links::Listed {
                 link,
                 member,
                 recipient,
             }| LinkRow {
                status: if link.revoked_at.is_some() {
                    "revoked"
                } else if link.expires_at <= now {
                    "expired"
                } else {
                    "active"
                },
                revoke_action: (link.is_usable_at(now) && staff.role().allows(Role::Editor)).then(
                    || {
                        staff.action(&format!(
                            "/admin/letters/{}/partners/links/{}/revoke",
                            letter.slug, link.id
                        ))
                    },
                ),
                member,
                recipient,
                created: when(Some(link.created_at)),
                created_by: link.created_by,
                expires: when(Some(link.expires_at)),
                last_download: when(link.last_downloaded_at),
            },
        )
        .collect();
    let notice = match query.done.as_deref() {
        Some("issued") => Some(
            "Download link sent to the member's contact. It is in the audit log, and can be revoked below."
                .to_owned(),
        ),
        Some("revoked") => Some("Download link revoked: it no longer works.".to_owned()),
        _ => None,
    };
    page(
        StatusCode::OK,
        &PartnersPage {
            nav: staff.nav(),
            show_partner_tally: letter.show_partner_tally,
            rows,
            links,
            notice,
            issue_action: staff.action(&format!("/admin/letters/{}/partners/links", letter.slug)),
            link_days: state.settings.partners.export_link_days,
            slug: letter.slug.into_string(),
            title: letter.title,
        },
    )
}

fn link_problem(error: LinkError) -> AdminError {
    match error {
        LinkError::UnknownMember(_) => {
            AdminError::BadRequest("That member is not on the roster any more.".into())
        }
        LinkError::UnknownLink => AdminError::NotFound,
        LinkError::Render(error) => AdminError::BadRequest(format!("email: {error}")),
        LinkError::Database(error) => error.into(),
    }
}

/// Emails a personal download link to the contact of the member named by `member` (its id).
pub async fn issue_link(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let member_id = form_value(&pairs, "member").unwrap_or("").to_owned();
    let letter = find_letter(&state, &path).await?;
    let actor = staff.actor();
    let base = state.settings.public_base().to_owned();
    let days = state.settings.partners.export_link_days;
    let slug = letter.slug.clone();
    state
        .with_connection(move |connection| {
            let member =
                crate::members::find_live_by_id(connection, &member_id).map_err(DbError::from)?;
            Ok::<_, DbError>(match member {
                None => Err(LinkError::UnknownMember(member_id)),
                Some(member) => links::issue(connection, &letter, &member, &actor, &base, days),
            })
        })
        .await?
        .map_err(link_problem)?;
    state.mail_wakeup.notify_one();
    Ok(redirect(&format!(
        "/admin/letters/{slug}/partners?done=issued"
    )))
}

pub async fn revoke_link(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<(String, String)>,
    answer: Option<web::Form<super::confirm::Answer>>,
) -> Result<HttpResponse, AdminError> {
    let (slug, link_id) = path.into_inner();
    let letter = find_letter(&state, &slug).await?;
    if !super::confirm::Answer::given(&answer) {
        let (lookup, wanted) = (letter.clone(), link_id.clone());
        let member = state
            .db(move |connection| {
                Ok::<_, diesel::result::Error>(
                    links::for_letter(connection, &lookup)?
                        .into_iter()
                        .find(|listed| listed.link.id == wanted)
                        .map(|listed| listed.member),
                )
            })
            .await?
            .ok_or(AdminError::NotFound)?;
        let address = format!("/admin/letters/{slug}/partners");
        return super::confirm::ask(
            &staff,
            super::confirm::Question {
                about: (address, format!("Partners · {}", letter.title)),
                heading: format!("Revoke {member}'s download link?"),
                consequence: "The link stops working now: anyone who has it can no longer download the signers who agreed to share their details with this member. You can issue a new link.".into(),
                action: staff.action(&format!("/admin/letters/{slug}/partners/links/{link_id}/revoke")),
                fields: Vec::new(),
                button: "Revoke the link".into(),
                destructive: true,
            },
        );
    }
    let actor = staff.actor();
    state
        .with_connection(move |connection| {
            Ok::<_, DbError>(links::revoke(connection, &letter, &link_id, &actor))
        })
        .await?
        .map_err(link_problem)?;
    Ok(redirect(&format!(
        "/admin/letters/{slug}/partners?done=revoked"
    )))
}
