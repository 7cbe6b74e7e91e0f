//! A member contact's personal download link: its own signers of one letter (counted ones
//! that ticked "Let <member> keep me informed"), without a console account. Staff issue it,
//! it is emailed through the outbox, expires after `[partners] export_link_days`, can be
//! revoked, and every issue, revocation and download is in the audit log, naming the address
//! the link was emailed to. A link belongs to that address: when staff change the member's
//! contact, its live links are revoked (`crate::members`), and a link whose member's contact
//! is no longer the address it went to does not open. Only the SHA-256 of the link's secret
//! is stored (`crate::tokens`).

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::db::schema::{letters, members, partner_links, signatures};
use crate::db::{self, DbConnection};
use crate::i18n::catalog::Tr;
use crate::letters::Letter;
use crate::mail::message::Message as _;
use crate::mail::{self, MailContent, OutgoingMail};
use crate::members::Member;
use crate::signatures::{SignatureKind, SignatureRecord, SignatureState, is_counted};
use crate::staff::{Actor, audit};
use crate::values::tokens;

#[derive(Clone, Debug, Queryable, Selectable)]
#[diesel(table_name = partner_links)]
pub struct PartnerLink {
    pub id: String,
    pub token_hash: String,
    pub letter_id: String,
    pub member_id: String,
    pub created_at: NaiveDateTime,
    pub created_by: String,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_downloaded_at: Option<NaiveDateTime>,
    /// The address the link was emailed to; `None` for a link issued by a release that did
    /// not record it (the member's contact then).
    pub sent_to: Option<String>,
}

impl PartnerLink {
    pub fn is_usable_at(&self, now: NaiveDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at > now
    }

    /// The address the link went to: recorded, or else the member's contact.
    pub fn recipient<'a>(&'a self, member_contact: &'a str) -> &'a str {
        self.sent_to.as_deref().unwrap_or(member_contact)
    }
}

/// A link just issued: `url` holds the secret and is shown once (and emailed).
#[derive(Debug)]
pub struct IssuedLink {
    pub id: String,
    pub url: String,
    pub recipient: String,
    pub expires_at: NaiveDateTime,
}

#[derive(Debug, thiserror::Error)]
pub enum LinkError {
    #[error("no member named {0:?} on the roster")]
    UnknownMember(String),
    #[error("no such link for this letter")]
    UnknownLink,
    #[error("could not render the email: {0}")]
    Render(#[from] askama::Error),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
}

/// Why a link does not open; each gets a plain page.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    Unknown,
    Expired,
    Revoked,
}

/// The link's email to the member's contact, in English (its language is not known).
struct LinkMail<'a> {
    organization: &'a str,
    title: &'a str,
    url: &'a str,
    expires: String,
}
crate::email_templates!(
    LinkMail,
    "email/partner_export.txt",
    "email/partner_export.html",
    |mail, _| format!("Your supporters who signed “{}”", mail.title),
);

fn link_mail(
    letter: &Letter,
    member: &Member,
    url: &str,
    expires_at: NaiveDateTime,
) -> Result<MailContent, askama::Error> {
    let tr = Tr::english();
    LinkMail {
        organization: &member.name,
        title: &letter.title,
        url,
        expires: tr.date_time(&expires_at),
    }
    .render_in(tr)
}

pub fn link_url(public_base: &str, secret: &str) -> String {
    format!("{public_base}/partners/{secret}")
}

/// Issues a link for `member` on `letter`, queues it by email to the member's contact and
/// records it in the audit log, in one transaction.
pub fn issue(
    connection: &mut DbConnection,
    letter: &Letter,
    member: &Member,
    actor: &Actor,
    public_base: &str,
    lifetime_days: i64,
) -> Result<IssuedLink, LinkError> {
    let now = db::now();
    let expires_at = now + chrono::Duration::days(lifetime_days);
    let token = tokens::mint();
    let url = link_url(public_base, &token.secret);
    let content = link_mail(letter, member, &url, expires_at)?;
    let id = db::new_id();
    db::write_transaction(connection, |connection| {
        diesel::insert_into(partner_links::table)
            .values((
                partner_links::id.eq(&id),
                partner_links::token_hash.eq(&token.hash),
                partner_links::letter_id.eq(&letter.id),
                partner_links::member_id.eq(&member.id),
                partner_links::created_at.eq(now),
                partner_links::created_by.eq(&actor.email),
                partner_links::expires_at.eq(expires_at),
                partner_links::sent_to.eq(&member.email),
            ))
            .execute(connection)?;
        mail::outbox::enqueue(connection, &OutgoingMail::to(&member.email, content), now)?;
        audit::record(
            connection,
            actor,
            "partner_link.issue",
            Some(&letter.id),
            Some(&member.name),
            &format!(
                "download link {id} emailed to {}, expires {}",
                member.email,
                expires_at.format("%Y-%m-%d %H:%M UTC")
            ),
        )?;
        Ok::<_, LinkError>(())
    })?;
    Ok(IssuedLink {
        id,
        url,
        recipient: member.email.clone(),
        expires_at,
    })
}

/// Stops a link of this letter from working.
pub fn revoke(
    connection: &mut DbConnection,
    letter: &Letter,
    link_id: &str,
    actor: &Actor,
) -> Result<(), LinkError> {
    db::write_transaction(connection, |connection| {
        let (link, member, contact): (PartnerLink, String, String) = partner_links::table
            .inner_join(members::table.on(members::id.eq(partner_links::member_id)))
            .filter(partner_links::id.eq(link_id))
            .filter(partner_links::letter_id.eq(&letter.id))
            .select((PartnerLink::as_select(), members::name, members::email))
            .first(connection)
            .optional()?
            .ok_or(LinkError::UnknownLink)?;
        // Conditional on still being live: of two revocations at once, one revokes and is
        // recorded; the other finds it done.
        let revoked = diesel::update(
            partner_links::table
                .find(&link.id)
                .filter(partner_links::revoked_at.is_null()),
        )
        .set(partner_links::revoked_at.eq(db::now()))
        .execute(connection)?;
        if revoked == 0 {
            return Ok(());
        }
        audit::record(
            connection,
            actor,
            "partner_link.revoke",
            Some(&letter.id),
            Some(&member),
            &format!(
                "download link {} (sent to {}) revoked",
                link.id,
                link.recipient(&contact)
            ),
        )?;
        Ok(())
    })
}

/// A link as the console lists it.
pub struct Listed {
    pub link: PartnerLink,
    /// The member's name.
    pub member: String,
    /// The address the link was emailed to.
    pub recipient: String,
}

/// A letter's links, newest first, with their member's name and the address each went to.
pub fn for_letter(
    connection: &mut DbConnection,
    letter: &Letter,
) -> Result<Vec<Listed>, diesel::result::Error> {
    let rows: Vec<(PartnerLink, String, String)> = partner_links::table
        .inner_join(members::table.on(members::id.eq(partner_links::member_id)))
        .filter(partner_links::letter_id.eq(&letter.id))
        .order((partner_links::created_at.desc(), partner_links::id.desc()))
        .select((PartnerLink::as_select(), members::name, members::email))
        .load(connection)?;
    Ok(rows
        .into_iter()
        .map(|(link, member, contact)| Listed {
            recipient: link.recipient(&contact).to_owned(),
            link,
            member,
        })
        .collect())
}

/// What an open link gives access to.
pub struct Opened {
    pub link: PartnerLink,
    pub letter: Letter,
    pub member: Member,
}

/// The link behind `secret`, if it still works.
pub fn open(
    connection: &mut DbConnection,
    secret: &str,
) -> Result<Result<Opened, Refusal>, diesel::result::Error> {
    if !tokens::looks_like_token(secret) {
        return Ok(Err(Refusal::Unknown));
    }
    let found: Option<(PartnerLink, Letter, Member)> = partner_links::table
        .inner_join(letters::table.on(letters::id.eq(partner_links::letter_id)))
        .inner_join(members::table.on(members::id.eq(partner_links::member_id)))
        .filter(partner_links::token_hash.eq(tokens::hash(secret)))
        .select((
            PartnerLink::as_select(),
            Letter::as_select(),
            Member::as_select(),
        ))
        .first(connection)
        .optional()?;
    let Some((link, letter, member)) = found else {
        return Ok(Err(Refusal::Unknown));
    };
    // A member taken off the roster is no longer a partner: its links stop with it. A link
    // sent to an address that is no longer the member's contact stops too: changing the
    // contact revokes it, and this holds even for a change made around that (a restore, an
    // older release's edit).
    if link.revoked_at.is_some()
        || member.removed_at.is_some()
        || link.recipient(&member.email) != member.email
    {
        return Ok(Err(Refusal::Revoked));
    }
    if link.expires_at <= db::now() {
        return Ok(Err(Refusal::Expired));
    }
    Ok(Ok(Opened {
        link,
        letter,
        member,
    }))
}

/// Records a download in the audit log (as the address the link was sent to, the one person
/// who should hold it) and on the link.
pub fn record_download(
    connection: &mut DbConnection,
    opened: &Opened,
    format: &str,
) -> Result<(), diesel::result::Error> {
    let recipient = opened.link.recipient(&opened.member.email);
    let actor = Actor {
        staff_id: None,
        email: format!("member contact {recipient}"),
    };
    db::write_transaction(connection, |connection| {
        diesel::update(partner_links::table.find(&opened.link.id))
            .set(partner_links::last_downloaded_at.eq(db::now()))
            .execute(connection)?;
        audit::record(
            connection,
            &actor,
            "partner_link.download",
            Some(&opened.letter.id),
            Some(&opened.member.name),
            &format!(
                "{format} through download link {} sent to {recipient}",
                opened.link.id
            ),
        )
    })
}

/// The member's own signers of the letter that may be shared with it: brought through its
/// link, the box ticked, and counted (`is_counted`, the one rule). Keyset pages in id order,
/// like the staff export.
pub fn consenting_page(
    connection: &mut DbConnection,
    letter: &Letter,
    member_id: &str,
    after: Option<&str>,
    limit: i64,
) -> Result<Vec<SignatureRecord>, diesel::result::Error> {
    let counted = |kind: SignatureKind| -> Vec<SignatureState> {
        SignatureState::CONFIRMED
            .into_iter()
            .filter(|state| is_counted(kind, *state, letter.organizations_need_approval))
            .collect()
    };
    let individuals = counted(SignatureKind::Individual);
    let organizations = counted(SignatureKind::Organization);
    let mut query = signatures::table
        .filter(signatures::letter_id.eq(&letter.id))
        .filter(signatures::via_member_id.eq(member_id))
        .filter(signatures::share_with_member.eq(true))
        .filter(
            signatures::kind
                .eq(SignatureKind::Individual)
                .and(signatures::state.eq_any(individuals))
                .or(signatures::kind
                    .eq(SignatureKind::Organization)
                    .and(signatures::state.eq_any(organizations))),
        )
        .order(signatures::id.asc())
        .limit(limit)
        .select(SignatureRecord::as_select())
        .into_boxed();
    if let Some(after) = after {
        query = query.filter(signatures::id.gt(after.to_owned()));
    }
    query.load(connection)
}

/// How many signers a member's link would download now.
pub fn consenting_count(
    connection: &mut DbConnection,
    letter: &Letter,
    member_id: &str,
) -> Result<i64, diesel::result::Error> {
    let mut count = 0;
    let mut after: Option<String> = None;
    loop {
        let page = consenting_page(
            connection,
            letter,
            member_id,
            after.as_deref(),
            crate::export::PAGE,
        )?;
        count += page.len() as i64;
        match page.last() {
            Some(last) if (page.len() as i64) == crate::export::PAGE => {
                after = Some(last.id.to_string())
            }
            _ => return Ok(count),
        }
    }
}
