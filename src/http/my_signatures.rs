//! `/my-signatures`: a person sees and withdraws what is held on them. They type an address;
//! the answer on screen is always the same ("if it signed, a link is on its way"), and the
//! lookup and the email happen after the answer, off the request, so neither the page nor its
//! time tells whether the address signed anything. The emailed link (`signatures::mine`,
//! working for a day) lists every letter that address signed, with what is public, what is
//! held and why, and a button to withdraw each or all.
//!
//! The ask form has the sign form's defenses: another site's post is refused
//! (`origin::foreign_origin`), the per-address limit (`limits.sign_*`), blocked networks,
//! the honeypot and the signed form time, and the per-mailbox mail limit.

use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::views::MessagePage;
use super::{AppState, PageError};
use crate::abuse::FormCheck;
use crate::i18n::Message;
use crate::i18n::catalog::Tr;
use crate::signatures::mine::{self, MySignature, Which};
use crate::signatures::retention::Reason;
use crate::signatures::{Listing, SignatureKind, SignatureState};
use crate::values::email_address::EmailAddress;

/// What the form's signed time stamp is bound to (a letter's id for a sign form).
const FORM_ID: &str = "my-signatures";

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct AskForm {
    email: String,
    #[serde(rename = "t")]
    form_time: String,
    #[serde(rename = "nickname")]
    honeypot: String,
}

#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct WithdrawForm {
    signature: String,
    all: String,
}

#[derive(Template)]
#[template(path = "my_signatures.html")]
struct AskPage<'a> {
    prefix: String,
    email: &'a str,
    /// A problem with the address, tied to its field.
    error: Option<Message>,
    /// A problem with the whole form (too fast, too many).
    problem: Option<Message>,
    form_time: String,
}

impl AskPage<'_> {
    fn has_problems(&self) -> bool {
        self.error.is_some() || self.problem.is_some()
    }
}

/// One signature on the list, in words.
struct Row {
    id: String,
    /// The letter's title in the text signed, escaped and marked with its language.
    title: String,
    href: Option<String>,
    status: Message,
    public: Message,
    /// What is held: a label, the value (`None`: not held), and whether the public sees it.
    held: Vec<(String, Option<String>, bool)>,
    reasons: Vec<Message>,
    address_held: bool,
    signed_on: String,
}

#[derive(Template)]
#[template(path = "my_signatures_list.html")]
struct ListPage {
    action: String,
    rows: Vec<Row>,
    /// Titles (escaped markup) of the letters just withdrawn from.
    withdrawn: Vec<String>,
    ask_again: String,
}

fn prefix(request: &HttpRequest) -> String {
    super::signer::address_prefix(request)
}

fn page(
    state: &AppState,
    status: StatusCode,
    page: &impl Template,
) -> Result<HttpResponse, PageError> {
    // What a person holds is theirs: no cache keeps it, no Referer carries the link.
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(super::site::render(&state.settings, page)?))
}

fn ask_form(
    state: &AppState,
    request: &HttpRequest,
    email: &str,
    error: Option<Message>,
    problem: Option<Message>,
    status: StatusCode,
) -> Result<HttpResponse, PageError> {
    page(
        state,
        status,
        &AskPage {
            prefix: prefix(request),
            email,
            error,
            problem,
            form_time: state.defenses.form_time_token(FORM_ID),
        },
    )
}

/// `GET /my-signatures`: the form that asks for an address.
pub async fn ask(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    ask_form(&state, &request, "", None, None, StatusCode::OK)
}

/// `POST /my-signatures`: the same answer whatever the address; the work follows it.
/// Answered at a whole step (`limits.answer_step_ms`), like the sign and resend forms: the
/// background lookup started for a signer's address must not show in how long this took.
pub async fn request_link(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let defenses = &state.defenses;
    defenses
        .in_steps(request_link_now(state.clone(), request.clone(), body))
        .await
}

async fn request_link_now(
    state: web::Data<AppState>,
    request: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    if !super::form::is_urlencoded(&request) {
        return Err(PageError::UnsupportedMediaType);
    }
    let form: AskForm = crate::values::form::decode(&body)
        .map_err(|error| PageError::BadRequest(Message::verbatim(error.to_string())))?;
    if let Some(origin) = super::origin::foreign_origin(&state.settings, &request) {
        state.metrics.record_refusal("cross_site");
        tracing::info!(origin = %origin, "my-signatures: refused a post from another site");
        return super::pages::html(
            &state,
            StatusCode::FORBIDDEN,
            &MessagePage {
                heading: Message::id("signerloop-cross-site"),
                paragraphs: vec![Message::id("myself-cross-site-text")],
                link: Some((
                    format!("{}/my-signatures", prefix(&request)),
                    Message::id("myself-heading"),
                )),
            },
        );
    }
    if let Err(wait) = state.limit(&state.defenses.sign, "sign", &request) {
        let response = ask_form(
            &state,
            &request,
            &form.email,
            None,
            Some(super::pages::SLOW_DOWN),
            StatusCode::TOO_MANY_REQUESTS,
        )?;
        return Ok(super::pages::with_retry_after(response, wait));
    }
    if state
        .defenses
        .is_blocked_network(state.client_address(&request))
    {
        state.metrics.record_refusal("network");
        return Err(PageError::Refused(Message::id("blocked-network")));
    }
    let sent = HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("{}/my-signatures/sent", prefix(&request)),
        ))
        .finish();
    match state
        .defenses
        .check_form(FORM_ID, &form.honeypot, &form.form_time)
    {
        FormCheck::Human => {}
        // Answered like anyone else; nothing is looked up or sent.
        FormCheck::Bot => {
            state.metrics.record_bot();
            return Ok(sent);
        }
        FormCheck::Retry => {
            return ask_form(
                &state,
                &request,
                &form.email,
                None,
                Some(super::pages::PRESS_AGAIN),
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    }
    let address = match EmailAddress::parse(&form.email) {
        Ok(address) => address,
        Err(error) => {
            let error = crate::signatures::form::FieldError::from(error).message();
            return ask_form(
                &state,
                &request,
                &form.email,
                Some(error),
                None,
                StatusCode::UNPROCESSABLE_ENTITY,
            );
        }
    };
    let lang = crate::i18n::interface_language(&crate::i18n::requested(&request));
    send_in_background(state.clone(), address, lang.into_string());
    Ok(sent)
}

/// Looks the mailbox up and queues its link, after the person has their answer.
fn send_in_background(state: web::Data<AppState>, address: EmailAddress, lang: String) {
    let key = address.mailbox_key().as_str().to_owned();
    let expires_at = crate::db::now() + mine::LINK_LIFETIME;
    let token = mine::seal_link(&link_key(&state), &key, expires_at);
    let url = format!(
        "{}{}/my-signatures/{token}",
        state.settings.public_base(),
        crate::signatures::links::in_language(Some(&lang))
    );
    let limit = i64::from(state.defenses.emails_per_mailbox_per_hour);
    actix_web::rt::spawn(async move {
        let queued = state
            .with_connection(move |connection| {
                let mailbox = crate::mail::outbox::mailbox_key(address.as_str());
                let since = crate::db::now() - chrono::Duration::hours(1);
                if crate::mail::outbox::queued_to_mailbox_since(connection, &mailbox, since)?
                    >= limit
                {
                    return Ok(false);
                }
                mine::email_link(connection, &address, &key, &url, expires_at, Some(&lang))
            })
            .await;
        match queued {
            Ok(true) => state.mail_wakeup.notify_one(),
            Ok(false) => {}
            Err(error) => {
                tracing::warn!(%error, "my-signatures: could not queue the link");
            }
        }
    });
}

fn link_key(state: &AppState) -> [u8; 32] {
    state.defenses.derived_key("my-signatures link")
}

/// `GET /my-signatures/sent`: the one answer to the ask form.
pub async fn sent(
    state: web::Data<AppState>,
    request: HttpRequest,
) -> Result<HttpResponse, PageError> {
    page(
        &state,
        StatusCode::OK,
        &MessagePage {
            heading: Message::id("myself-sent-heading"),
            paragraphs: vec![
                Message::id("myself-sent-text"),
                Message::id("myself-sent-nothing"),
            ],
            link: Some((
                format!("{}/my-signatures", prefix(&request)),
                Message::id("myself-sent-again"),
            )),
        },
    )
}

/// The mailbox a link names, or the page that says the link does not work.
fn opened(state: &AppState, request: &HttpRequest, token: &str) -> Result<String, PageError> {
    state
        .limit(&state.defenses.verify, "verify", request)
        .map_err(PageError::TooManyRequests)?;
    mine::open_link(&link_key(state), token, crate::db::now()).ok_or(PageError::NotFound)
}

fn dead_link(state: &AppState, request: &HttpRequest) -> Result<HttpResponse, PageError> {
    page(
        state,
        StatusCode::NOT_FOUND,
        &MessagePage {
            heading: Message::id("myself-link-dead"),
            paragraphs: vec![Message::id("myself-link-dead-text")],
            link: Some((
                format!("{}/my-signatures", prefix(request)),
                Message::id("myself-sent-again"),
            )),
        },
    )
}

/// `GET /my-signatures/{token}`: the list behind the emailed link.
pub async fn list(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let key = match opened(&state, &request, &token) {
        Ok(key) => key,
        Err(PageError::NotFound) => return dead_link(&state, &request),
        Err(error) => return Err(error),
    };
    let days = state.settings.signing.erase_after_days;
    let mine = state
        .db(move |connection| mine::of_mailbox(connection, &key, days))
        .await?;
    list_page(&state, &request, &token, mine, Vec::new()).await
}

/// `POST /my-signatures/{token}`: withdraws one signature (`signature=ID`) or all (`all=yes`).
pub async fn withdraw(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    let key = match opened(&state, &request, &token) {
        Ok(key) => key,
        Err(PageError::NotFound) => return dead_link(&state, &request),
        Err(error) => return Err(error),
    };
    if !super::form::is_urlencoded(&request) {
        return Err(PageError::UnsupportedMediaType);
    }
    if super::origin::foreign_origin(&state.settings, &request).is_some() {
        state.metrics.record_refusal("cross_site");
        return Err(PageError::Refused(Message::id("myself-cross-site-text")));
    }
    let form: WithdrawForm = crate::values::form::decode(&body)
        .map_err(|error| PageError::BadRequest(Message::verbatim(error.to_string())))?;
    let days = state.settings.signing.erase_after_days;
    let (withdrawn, mine) = state
        .db(move |connection| {
            let which = if form.all == "yes" {
                Which::All
            } else {
                Which::One(&form.signature)
            };
            let withdrawn = mine::withdraw(connection, &key, which)?;
            Ok((withdrawn, mine::of_mailbox(connection, &key, days)?))
        })
        .await?;
    let mut titles = Vec::new();
    let mut slugs = Vec::new();
    for item in &withdrawn {
        state
            .snapshots
            .invalidate_letter_id(item.letter.id.as_str());
        titles.push(format!(
            "<strong>{}</strong>",
            crate::i18n::catalog::marked(&item.letter.title, &item.letter.lang)
        ));
        slugs.push(item.letter.slug.to_string());
    }
    let response = list_page(&state, &request, &token, mine, titles).await?;
    Ok(slugs.iter().fold(response, |response, slug| {
        super::signer_loop::forget_signed(&state, &request, slug, response)
    }))
}

async fn list_page(
    state: &AppState,
    request: &HttpRequest,
    token: &str,
    mine: Vec<MySignature>,
    withdrawn: Vec<String>,
) -> Result<HttpResponse, PageError> {
    let tr = Tr::current();
    let mut rows = Vec::with_capacity(mine.len());
    for item in mine {
        rows.push(row(state, &tr, item).await?);
    }
    page(
        state,
        StatusCode::OK,
        &ListPage {
            action: format!("{}/my-signatures/{token}", prefix(request)),
            rows,
            withdrawn,
            ask_again: format!("{}/my-signatures", prefix(request)),
        },
    )
}

/// A signature in words: where it stands, what the public sees, what is held and why.
async fn row(state: &AppState, tr: &Tr, item: MySignature) -> Result<Row, PageError> {
    let signature = &item.signature;
    let letter = &item.letter;
    // The letter as read when signing, while it is public.
    let shown = super::signer::signed_letter(
        state,
        letter.id.as_str().to_owned(),
        signature.lang.as_ref(),
    )
    .await?;
    let (title, href) = match &shown {
        Some(snapshot) => (
            crate::i18n::catalog::marked(&snapshot.letter.title, &snapshot.letter.lang),
            Some(snapshot.path()),
        ),
        None => (
            crate::i18n::catalog::marked(&letter.title, &letter.lang),
            None,
        ),
    };
    let listing = Listing::of(
        signature.kind,
        signature.state,
        signature.public,
        letter.organizations_need_approval,
    );
    let status = Message::id(match (signature.kind, signature.state) {
        (_, SignatureState::Pending) => "myself-state-pending",
        (SignatureKind::Organization, SignatureState::Verified)
            if letter.organizations_need_approval =>
        {
            "myself-state-awaiting-approval"
        }
        (_, SignatureState::Verified | SignatureState::Approved) => "myself-state-counted",
        (_, SignatureState::Rejected) => "myself-state-rejected",
        (_, SignatureState::Removed) => "myself-state-removed",
        (_, SignatureState::Duplicate) => "myself-state-duplicate",
        (_, SignatureState::Withdrawn) => "withdrawn",
    });
    let public = Message::id(match listing {
        Listing::Listed => "myself-public-listed",
        Listing::CountedUnlisted => "myself-public-counted",
        Listing::NotCounted => "myself-public-nothing",
    });
    let listed = listing.is_listed();
    let mut held = vec![(
        tr.t("myself-held-name"),
        Some(signature.name.clone()),
        listed,
    )];
    if let Some(organization) = &signature.organization {
        held.push((
            tr.t("myself-held-organization"),
            Some(organization.clone()),
            listed,
        ));
    }
    held.push((
        tr.t("myself-held-email"),
        item.address_held().then(|| signature.email.clone()),
        false,
    ));
    for field in crate::signatures::fields::FIELDS {
        if let Some(value) = signature.text.get(field.name) {
            held.push((
                tr.t(field.label),
                Some(value.to_owned()),
                listed && field.public,
            ));
        }
    }
    Ok(Row {
        id: signature.id.as_str().to_owned(),
        title,
        href,
        status,
        public,
        held,
        reasons: reasons(&item, tr),
        address_held: item.address_held(),
        signed_on: tr.date(&signature.created_at),
    })
}

/// Why the address is held, in words (`retention::reasons_held`); empty when it is not.
fn reasons(item: &MySignature, tr: &Tr) -> Vec<Message> {
    if !item.address_held() {
        return Vec::new();
    }
    let mut reasons: Vec<Message> = item
        .reasons
        .iter()
        .map(|reason| match reason {
            Reason::Confirming => Message::id("myself-reason-confirm"),
            Reason::Updates => Message::id("myself-reason-updates"),
            Reason::SharedWithMember => match &item.shared_with {
                Some(member) => Message::id("myself-reason-member").with("member", member.clone()),
                None => Message::id("myself-reason-member-gone"),
            },
            Reason::OrganizationContact => Message::id("myself-reason-organization"),
            Reason::Delivery(None) => Message::id("myself-reason-delivery"),
            Reason::Delivery(Some(until)) => {
                Message::id("myself-reason-delivery-until").with("when", tr.date(until))
            }
        })
        .collect();
    // Held with no reason left: the hourly sweep lets it go.
    if reasons.is_empty() {
        reasons.push(Message::id("myself-reason-kept"));
    }
    reasons
}
