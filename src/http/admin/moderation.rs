//! Console pages: the review queue of organization sign-ons, a letter's signatures (search,
//! filters) and taking a signature down (hide or remove, with a reason).
//!
//! Every action names the letter in its address and the domain functions check that each
//! signature id belongs to that letter, so an id copied from another letter changes nothing.

use crate::http::admin::{Console, Editor, Viewer};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use chrono::NaiveDateTime;
use serde::Deserialize;

use super::limited;
use super::signer_rows::{SignerRow, signer_rows};
use super::{
    AdminError, Nav, Staff, encode_component, find_letter, find_letter_with, page, redirect,
};
use crate::db::DbError;
use crate::letters::Letter;
use crate::signatures::moderation::{
    self, AwaitingReview, Decision, DecisionOutcome, SignatureSearch, TakedownOutcome,
};
use crate::signatures::{SignatureFilter, SignatureKind, SignatureRecord, SignatureState};

/// Rows on one page of a letter's signatures.
const PAGE_SIZE: i64 = 100;
/// The most sign-ons the review queue shows at once; deciding them brings up the next.
const QUEUE_LIMIT: i64 = 500;
/// Bulk forms carry one id per selected row; a full queue page fits easily.
const FORM_LIMIT: usize = 256 * 1024;

// One route a line: the table reads as the list of addresses it is.
#[rustfmt::skip]
pub fn routes(config: &mut web::ServiceConfig) {
    config
        .route("/admin/moderation", web::get().to(queue))
        .service(limited("/admin/letters/{slug}/moderation", FORM_LIMIT)
            .route(web::get().to(letter_queue)).route(web::post().to(decide)))
        .route("/admin/letters/{slug}/signatures", web::get().to(signatures))
        .route("/admin/letters/{slug}/signatures/{id}", web::get().to(signature))
        .route("/admin/letters/{slug}/signatures/{id}/hide", web::post().to(hide))
        .route("/admin/letters/{slug}/signatures/{id}/remove", web::post().to(remove));
}

/// A console form's pairs in order, repeated keys (`id=a&id=b`) kept, through the one strict
/// form decoder.
pub(super) fn form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, AdminError> {
    crate::http::form::decode(body).map_err(|error| AdminError::BadRequest(error.to_string()))
}

/// Like [`form_pairs`], for a form whose every field goes through the text rules (a member's
/// name, address and website): a NUL is refused by the field's rule, which names the field.
pub(super) fn text_form_pairs(body: &[u8]) -> Result<Vec<(String, String)>, AdminError> {
    crate::http::form::decode_checked_fields(body)
        .map_err(|error| AdminError::BadRequest(error.to_string()))
}

/// The first value of `key`, if any.
pub(super) fn form_value<'a>(pairs: &'a [(String, String)], key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(name, _)| name == key)
        .map(|(_, value)| value.as_str())
}

/// Every value of `key`, in form order.
pub(super) fn form_values(pairs: &[(String, String)], key: &str) -> Vec<String> {
    pairs
        .iter()
        .filter(|(name, _)| name == key)
        .map(|(_, value)| value.clone())
        .collect()
}

pub(super) fn when(time: Option<NaiveDateTime>) -> String {
    time.map(|time| time.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

/// A state heading over both kinds (tables with a column or row per kind, export filters).
pub(crate) fn state_heading(state: SignatureState) -> &'static str {
    match state {
        SignatureState::Verified => "verified (organizations: awaiting approval)",
        _ => state.as_str(),
    }
}

/// Only web addresses become links, whatever was stored.
pub(super) fn web_link(website: Option<&str>) -> Option<String> {
    website
        .filter(|website| website.starts_with("https://") || website.starts_with("http://"))
        .map(str::to_owned)
}

/// A number from a query string; anything else counts as absent.
fn count_param(value: Option<&str>) -> Option<u32> {
    value.and_then(|value| value.parse().ok())
}

// ----- The review queue -----

struct QueueRow {
    id: String,
    organization: String,
    name: String,
    title: String,
    email: String,
    website: Option<String>,
    comment: String,
    /// The signer's other optional fields (`signatures::fields`), by their console label:
    /// a field added to the list shows here without touching the queue.
    more: Vec<(&'static str, String)>,
    confirmed: String,
    /// The signer's choice: whether approving lists it publicly or only counts it.
    public: bool,
    detail_href: String,
}

/// The optional fields the queue places itself (title under the name, website under the
/// organization, the comment in its column); the others are listed under the signer.
const QUEUE_PLACED: [&str; 3] = ["title", "website", "comment"];

struct QueueGroup {
    slug: String,
    title: String,
    action: String,
    form_id: String,
    rows: Vec<QueueRow>,
}

#[derive(Template)]
#[template(path = "admin/moderation_queue.html")]
struct QueuePage {
    nav: Nav,
    /// The one letter this queue is for, or `None` for every letter.
    letter: Option<(String, String)>,
    groups: Vec<QueueGroup>,
    total: usize,
    truncated: bool,
    notice: Option<String>,
    /// Where the forms come back to: "queue" (every letter) or "letter".
    back: &'static str,
}

#[derive(Deserialize)]
pub struct NoticeQuery {
    done: Option<String>,
    count: Option<String>,
    skipped: Option<String>,
}

impl NoticeQuery {
    fn decision_notice(&self) -> Option<String> {
        let verb = match self.done.as_deref()? {
            "approve" => "Approved",
            "reject" => "Rejected",
            _ => return None,
        };
        let count = count_param(self.count.as_deref()).unwrap_or(0);
        let skipped = count_param(self.skipped.as_deref()).unwrap_or(0);
        let mut notice = format!("{verb} {count} sign-on{}.", plural(count));
        if skipped > 0 {
            notice.push_str(&format!(
                " {skipped} left as {}: not a sign-on of this letter waiting for that decision.",
                if skipped == 1 { "it was" } else { "they were" }
            ));
        }
        Some(notice)
    }
}

fn plural(count: u32) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn queue_page(
    staff: &Staff,
    letter: Option<&Letter>,
    waiting: Vec<AwaitingReview>,
    notice: Option<String>,
) -> QueuePage {
    let total = waiting.len();
    let mut groups: Vec<QueueGroup> = Vec::new();
    for item in waiting {
        let signature = item.signature;
        let more = crate::signatures::fields::FIELDS
            .iter()
            .filter(|field| !QUEUE_PLACED.contains(&field.name))
            .filter_map(|field| {
                let value = signature.text.get(field.name)?;
                Some((field.staff_label, value.to_owned()))
            })
            .collect();
        let row = QueueRow {
            more,
            detail_href: format!(
                "/admin/letters/{}/signatures/{}",
                item.letter_slug, signature.id
            ),
            id: signature.id.into_string(),
            organization: signature.organization.unwrap_or_default(),
            name: signature.name,
            title: signature.text.title.unwrap_or_default(),
            email: signature.email,
            website: web_link(signature.text.website.as_deref()),
            comment: signature.text.comment.unwrap_or_default(),
            confirmed: when(signature.verified_at),
            public: signature.public,
        };
        match groups
            .iter_mut()
            .find(|group| group.slug == item.letter_slug)
        {
            Some(group) => group.rows.push(row),
            None => groups.push(QueueGroup {
                action: staff.action(&format!("/admin/letters/{}/moderation", item.letter_slug)),
                form_id: format!("bulk-{}", item.letter_slug),
                slug: item.letter_slug,
                title: item.letter_title,
                rows: vec![row],
            }),
        }
    }
    QueuePage {
        nav: staff.nav(),
        letter: letter.map(|letter| (letter.slug.to_string(), letter.title.clone())),
        groups,
        total,
        truncated: total as i64 >= QUEUE_LIMIT,
        notice,
        back: if letter.is_some() { "letter" } else { "queue" },
    }
}

pub async fn queue(
    Console { state, staff, .. }: Console<Viewer>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AdminError> {
    let waiting = state
        .db(|connection| moderation::awaiting_review(connection, None, QUEUE_LIMIT))
        .await?;
    page(
        StatusCode::OK,
        &queue_page(&staff, None, waiting, query.decision_notice()),
    )
}

pub async fn letter_queue(
    Console { state, staff, .. }: Console<Viewer>,
    path: web::Path<String>,
    query: web::Query<NoticeQuery>,
) -> Result<HttpResponse, AdminError> {
    let (letter, waiting) = find_letter_with(&state, &path, |connection, letter| {
        Ok(moderation::awaiting_review(
            connection,
            Some(&letter.id),
            QUEUE_LIMIT,
        )?)
    })
    .await?;
    page(
        StatusCode::OK,
        &queue_page(&staff, Some(&letter), waiting, query.decision_notice()),
    )
}

/// Approves or rejects the selected sign-ons of one letter: `decision=approve|reject` and
/// one `id=` per sign-on.
pub async fn decide(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let decision = match form_value(&pairs, "decision") {
        Some("approve") => Decision::Approve,
        Some("reject") => Decision::Reject,
        _ => return Err(AdminError::BadRequest("Choose approve or reject.".into())),
    };
    let mut ids = form_values(&pairs, "id");
    ids.sort();
    ids.dedup();
    if ids.is_empty() {
        return Err(AdminError::BadRequest(
            "Select at least one sign-on first.".into(),
        ));
    }
    let letter = find_letter(&state, &path).await?;
    let slug = letter.slug.clone();
    let actor = staff.actor();
    let policy = state.policy.clone();
    let decided = ids.clone();
    let seen = form_value(&pairs, "from").and_then(SignatureState::parse);
    let outcomes = state
        .with_connection(move |connection| {
            moderation::decide(
                connection,
                &letter,
                &decided,
                decision,
                seen,
                moderation::Decider::of(&actor),
                &policy,
            )
        })
        .await?;
    let done = outcomes
        .iter()
        .filter(|(_, outcome)| *outcome == DecisionOutcome::Done)
        .count();
    if done > 0 {
        state.snapshots.invalidate(&slug);
        state.mail_wakeup.notify_one();
    }
    let verb = match decision {
        Decision::Approve => "approve",
        Decision::Reject => "reject",
    };
    let notice = format!("done={verb}&count={done}&skipped={}", outcomes.len() - done);
    let target = match form_value(&pairs, "return") {
        Some("queue") => format!("/admin/moderation?{notice}"),
        Some("signature") if ids.len() == 1 => format!(
            "/admin/letters/{slug}/signatures/{}?{notice}",
            encode_component(&ids[0])
        ),
        _ => format!("/admin/letters/{slug}/moderation?{notice}"),
    };
    Ok(redirect(&target))
}

// ----- A letter's signatures -----

#[derive(Deserialize)]
pub struct SearchQuery {
    state: Option<String>,
    kind: Option<String>,
    q: Option<String>,
    before: Option<String>,
}

struct SignatureRow {
    name: String,
    kind: &'static str,
    organization: String,
    email: String,
    state: &'static str,
    hidden: bool,
    created: String,
    detail_href: String,
}

struct Choice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "admin/moderation_signatures.html")]
struct SignaturesPage {
    nav: Nav,
    slug: String,
    title: String,
    states: Vec<Choice>,
    kinds: Vec<Choice>,
    text: String,
    rows: Vec<SignatureRow>,
    matching: i64,
    /// The first page of this search, when this is a later page.
    first_href: Option<String>,
    next_href: Option<String>,
}

fn kind_label(kind: SignatureKind) -> &'static str {
    kind.as_str()
}

pub async fn signatures(
    Console { state, staff, .. }: Console<Viewer>,
    path: web::Path<String>,
    query: web::Query<SearchQuery>,
) -> Result<HttpResponse, AdminError> {
    let letter = find_letter(&state, &path).await?;
    let query = query.into_inner();
    let wanted_state = query.state.as_deref().and_then(SignatureState::parse);
    let wanted_kind = query.kind.as_deref().and_then(SignatureKind::parse);
    let text = query.q.unwrap_or_default().trim().to_owned();
    let search = SignatureSearch {
        filter: SignatureFilter {
            states: wanted_state.into_iter().collect(),
            kinds: wanted_kind.into_iter().collect(),
            counted: false,
        },
        text: text.clone(),
    };
    let letter_id = letter.id.clone();
    let before = query.before.filter(|before| !before.is_empty());
    let after_page = before.clone();
    let (records, matching) = state
        .with_connection(move |connection| {
            let records = moderation::search(
                connection,
                &letter_id,
                &search,
                after_page.as_deref(),
                PAGE_SIZE + 1,
            )?;
            let matching = moderation::search_count(connection, &letter_id, &search)?;
            Ok::<_, DbError>((records, matching))
        })
        .await?;
    let base = format!(
        "/admin/letters/{}/signatures?state={}&kind={}&q={}",
        letter.slug,
        wanted_state.map(SignatureState::as_str).unwrap_or(""),
        wanted_kind.map(SignatureKind::as_str).unwrap_or(""),
        encode_component(&text),
    );
    let more = records.len() as i64 > PAGE_SIZE;
    let shown: Vec<SignatureRecord> = records.into_iter().take(PAGE_SIZE as usize).collect();
    let next_href = match shown.last() {
        Some(last) if more => Some(format!("{base}&before={}", encode_component(&last.id))),
        _ => None,
    };
    let rows = shown
        .into_iter()
        .map(|signature| SignatureRow {
            detail_href: format!("/admin/letters/{}/signatures/{}", letter.slug, signature.id),
            kind: kind_label(signature.kind),
            hidden: signature.hidden_reason.is_some() && !signature.public,
            created: when(Some(signature.created_at)),
            organization: signature.organization.unwrap_or_default(),
            email: signature.email,
            state: SignatureState::staff_label(signature.kind, signature.state),
            name: signature.name,
        })
        .collect();
    let mut states = vec![Choice {
        value: "",
        label: "every state",
        selected: wanted_state.is_none(),
    }];
    states.extend(SignatureState::ALL.into_iter().map(|state| Choice {
        value: state.as_str(),
        label: state_heading(state),
        selected: wanted_state == Some(state),
    }));
    let kinds = vec![
        Choice {
            value: "",
            label: "both kinds",
            selected: wanted_kind.is_none(),
        },
        Choice {
            value: "individual",
            label: "individuals",
            selected: wanted_kind == Some(SignatureKind::Individual),
        },
        Choice {
            value: "organization",
            label: "organizations",
            selected: wanted_kind == Some(SignatureKind::Organization),
        },
    ];
    page(
        StatusCode::OK,
        &SignaturesPage {
            nav: staff.nav(),
            first_href: before.map(|_| base.clone()),
            slug: letter.slug.into_string(),
            title: letter.title,
            states,
            kinds,
            text,
            rows,
            matching,
            next_href,
        },
    )
}

// ----- One signature -----

#[derive(Template)]
#[template(path = "admin/moderation_signature.html")]
struct SignaturePage {
    nav: Nav,
    slug: String,
    letter_title: String,
    heading: String,
    state_label: &'static str,
    state_note: &'static str,
    signature: SignatureRecord,
    kind: &'static str,
    /// What the signer gave, every column of it.
    rows: Vec<SignerRow>,
    /// (step, when, by whom)
    history: Vec<(&'static str, String, String)>,
    notice: Option<&'static str>,
    reviewable: bool,
    rejectable: bool,
    can_take_down: bool,
    decide_action: String,
    hide_action: String,
    remove_action: String,
}

#[derive(Deserialize)]
pub struct SignatureQuery {
    done: Option<String>,
    count: Option<String>,
}

/// What a state means for the list and the count.
fn state_note(state: SignatureState, is_organization: bool) -> &'static str {
    match state {
        SignatureState::Pending => "email not confirmed yet, not counted",
        SignatureState::Verified if is_organization => "confirmed, waiting for approval",
        SignatureState::Verified | SignatureState::Approved => "counted",
        SignatureState::Rejected => "rejected, not listed or counted",
        SignatureState::Withdrawn => "withdrawn by the signer, personal data erased",
        SignatureState::Removed => "removed by staff, not listed or counted",
        SignatureState::Duplicate => {
            "confirmed, but another confirmed sign-on already holds this organization's name; not listed or counted (its signer was told by email)"
        }
    }
}

fn history(signature: &SignatureRecord) -> Vec<(&'static str, String, String)> {
    let mut steps = vec![("Signed", when(Some(signature.created_at)), String::new())];
    let mut step = |label, time: Option<NaiveDateTime>, by: Option<&String>| {
        if time.is_some() {
            steps.push((label, when(time), by.cloned().unwrap_or_default()));
        }
    };
    step("Confirmed by email", signature.verified_at, None);
    step(
        "Approved",
        signature.approved_at,
        signature.approved_by.as_ref(),
    );
    step(
        "Rejected",
        signature.rejected_at,
        signature.rejected_by.as_ref(),
    );
    step("Withdrawn", signature.withdrawn_at, None);
    step(
        "Removed",
        signature.removed_at,
        signature.removed_by.as_ref(),
    );
    steps
}

pub async fn signature(
    Console { state, staff, .. }: Console<Viewer>,
    path: web::Path<(String, String)>,
    query: web::Query<SignatureQuery>,
) -> Result<HttpResponse, AdminError> {
    let (slug, id) = path.into_inner();
    let (letter, found) = find_letter_with(&state, &slug, move |connection, letter| {
        let Some(signature) = moderation::find_on_letter(connection, &letter.id, &id)? else {
            return Ok(None);
        };
        let via_member = match &signature.via_member_id {
            Some(member) => crate::members::name_of(connection, member)?,
            None => None,
        };
        Ok(Some((signature, via_member)))
    })
    .await?;
    let (signature, via_member) = found.ok_or(AdminError::NotFound)?;
    let state_now = signature.state;
    let is_organization = signature.kind == SignatureKind::Organization;
    let notice = match query.done.as_deref() {
        Some("hide") => Some("The signature is hidden from the public lists. It still counts."),
        Some("remove") => Some("The signature is removed: it no longer counts or appears."),
        Some("approve") if count_param(query.count.as_deref()) == Some(1) => {
            Some("Approved: the organization is listed and its contact was emailed.")
        }
        Some("reject") if count_param(query.count.as_deref()) == Some(1) => {
            Some("Rejected: the organization's contact was emailed.")
        }
        Some("approve" | "reject") => {
            Some("Nothing changed: the sign-on was not waiting for that decision.")
        }
        _ => None,
    };
    let base = format!("/admin/letters/{}/signatures/{}", letter.slug, signature.id);
    page(
        StatusCode::OK,
        &SignaturePage {
            nav: staff.nav(),
            heading: match (&signature.organization, is_organization) {
                (Some(organization), true) => organization.clone(),
                _ if signature.name.is_empty() => "Withdrawn signature".into(),
                _ => signature.name.clone(),
            },
            kind: kind_label(signature.kind),
            state_label: SignatureState::staff_label(signature.kind, state_now),
            state_note: state_note(state_now, is_organization),
            rows: signer_rows(&signature, via_member),
            history: history(&signature),
            notice,
            reviewable: is_organization && state_now == SignatureState::Verified,
            rejectable: is_organization && state_now == SignatureState::Approved,
            can_take_down: !matches!(
                state_now,
                SignatureState::Withdrawn | SignatureState::Removed
            ),
            decide_action: staff.action(&format!("/admin/letters/{}/moderation", letter.slug)),
            hide_action: staff.action(&format!("{base}/hide")),
            remove_action: staff.action(&format!("{base}/remove")),
            slug: letter.slug.into_string(),
            letter_title: letter.title,
            signature,
        },
    )
}

#[derive(Clone, Copy)]
enum Takedown {
    Hide,
    Remove,
}

async fn take_down(
    Console { state, staff, .. }: Console<Editor>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
    takedown: Takedown,
) -> Result<HttpResponse, AdminError> {
    let pairs = form_pairs(&body)?;
    let reason = form_value(&pairs, "reason").unwrap_or("").to_owned();
    let (slug, id) = path.into_inner();
    let letter = find_letter(&state, &slug).await?;
    // Taking a signature down (off the public lists, or out of the counts too) asks first.
    // Without a reason there is nothing to confirm yet: the rule below says what is missing.
    if !reason.trim().is_empty() && form_value(&pairs, "confirm") != Some("yes") {
        // Only about a signature of this letter: another letter's id is not found, as below.
        let (letter_id, wanted) = (letter.id.clone(), id.clone());
        state
            .db(move |connection| moderation::find_on_letter(connection, &letter_id, &wanted))
            .await?
            .ok_or(AdminError::NotFound)?;
        let address = format!("/admin/letters/{slug}/signatures/{}", encode_component(&id));
        let (verb, consequence, button) = match takedown {
            Takedown::Hide => (
                "Hide",
                "Its name leaves the public lists but it still counts; the reason is kept with it and in the audit log.",
                "Hide the signature",
            ),
            Takedown::Remove => (
                "Remove",
                "It leaves the public lists and stops counting, for good; the reason is kept with it and in the audit log. To take the name off the public list but keep counting it, hide it instead.",
                "Remove the signature",
            ),
        };
        let ending = verb.to_lowercase();
        return super::confirm::ask(
            &staff,
            super::confirm::Question {
                about: (address.clone(), "The signature".into()),
                heading: format!("{verb} this signature on “{}”?", letter.title),
                consequence: consequence.into(),
                action: staff.action(&format!("{address}/{ending}")),
                fields: vec![("reason", reason)],
                button: button.into(),
                destructive: true,
            },
        );
    }
    let actor = staff.actor();
    let signature_id = id.clone();
    let outcome = state
        .with_connection(move |connection| {
            match takedown {
                Takedown::Hide => {
                    moderation::hide(connection, &letter, &signature_id, &reason, &actor)
                }
                Takedown::Remove => {
                    moderation::remove(connection, &letter, &signature_id, &reason, &actor)
                }
            }
            .map_err(DbError::from)
        })
        .await?;
    let done = match takedown {
        Takedown::Hide => "hide",
        Takedown::Remove => "remove",
    };
    match outcome {
        TakedownOutcome::Done => {
            state.snapshots.invalidate(&slug);
            Ok(redirect(&format!(
                "/admin/letters/{slug}/signatures/{}?done={done}",
                encode_component(&id)
            )))
        }
        TakedownOutcome::NotOnThisLetter => Err(AdminError::NotFound),
        TakedownOutcome::ReasonRequired => Err(AdminError::BadRequest(
            "Give a reason: it is kept with the signature and in the audit log.".into(),
        )),
        TakedownOutcome::Withdrawn => Err(AdminError::BadRequest(
            "This signature was withdrawn by its signer: nothing is left to take down.".into(),
        )),
        TakedownOutcome::AlreadyRemoved => Err(AdminError::BadRequest(
            "This signature is already removed.".into(),
        )),
    }
}

pub async fn hide(
    console: Console<Editor>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    take_down(console, path, body, Takedown::Hide).await
}

pub async fn remove(
    console: Console<Editor>,
    path: web::Path<(String, String)>,
    body: web::Bytes,
) -> Result<HttpResponse, AdminError> {
    take_down(console, path, body, Takedown::Remove).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_keep_repeated_keys_and_refuse_bad_encoding() {
        let pairs =
            form_pairs(b"decision=approve&id=a&id=b&reason=spam+%26+abuse&empty").expect("decodes");
        assert_eq!(form_value(&pairs, "decision"), Some("approve"));
        assert_eq!(form_values(&pairs, "id"), vec!["a", "b"]);
        assert_eq!(form_value(&pairs, "reason"), Some("spam & abuse"));
        assert_eq!(form_value(&pairs, "empty"), Some(""));
        assert!(form_pairs(b"name=%FF").is_err());
        assert!(form_pairs(b"name=%G1").is_err());
    }

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(
            web_link(Some("https://example.org")).as_deref(),
            Some("https://example.org")
        );
        assert_eq!(web_link(Some("javascript:alert(1)")), None);
        assert_eq!(web_link(None), None);
    }
}
