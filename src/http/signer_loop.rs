//! The signer's loop after pressing Sign: the check-email page says the address typed and
//! the choices made, suggests a fix for a mistyped mail domain, and leads back to the form
//! with everything kept ("Wrong address? Change it"); the letter page then says "You signed"
//! with the share step; the confirm page offers the choices again before its button.
//!
//! What was typed travels only in a short-lived cookie sealed with XChaCha20-Poly1305 under
//! a key derived from the service's secret (`chacha20poly1305`, RustCrypto's AEAD): never
//! in an address (which ends up in logs and Referer headers), never readable by a script or
//! another site, bound to its letter, and useless after an hour. Whether this browser signed
//! a letter is a second cookie holding nothing but letter slugs.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use base64::Engine as _;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};

use super::views::{ConfirmActionPage, FormView, MessagePage};
use super::{AppState, PageError};
use crate::i18n::Message;
use crate::i18n::catalog::{Arg, Tr};
use crate::read::snapshot::LetterSnapshot;
use crate::signatures::choices::{ChoiceLine, Choices};
use crate::signatures::form::SignatureFields;
use crate::signatures::{self, SignatureState, WithdrawOutcome};
use crate::values::tokens::TokenPurpose;

/// The sealed form, for the check-email page and the way back to the form.
const CARRY: &str = "signed_form";
/// The letters this browser signed, by slug.
const SIGNED: &str = "signed_letters";
const CARRY_SECONDS: i64 = 3600;
/// Slugs kept in the "you signed" cookie; the oldest go first.
const SIGNED_KEPT: usize = 20;
/// Browsers keep cookies up to about 4 KB; a longer form is not carried.
const CARRY_MAX: usize = 3800;

fn cipher(state: &AppState) -> XChaCha20Poly1305 {
    let key = state.defenses.derived_key("signed-form cookie");
    XChaCha20Poly1305::new(&key.into())
}

fn unix_now() -> i64 {
    crate::db::now().and_utc().timestamp()
}

/// The form as posted, sealed for `letter_id` until an hour from now.
fn seal(state: &AppState, letter_id: &str, body: &[u8]) -> Option<String> {
    let nonce_bytes: [u8; 24] = rand::random();
    let nonce = XNonce::from(nonce_bytes);
    let mut plain = (unix_now() + CARRY_SECONDS).to_be_bytes().to_vec();
    plain.extend_from_slice(body);
    let sealed = cipher(state)
        .encrypt(
            &nonce,
            Payload {
                msg: &plain,
                aad: letter_id.as_bytes(),
            },
        )
        .ok()?;
    let mut value = nonce_bytes.to_vec();
    value.extend(sealed);
    let value = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value);
    (value.len() <= CARRY_MAX).then_some(value)
}

/// The form sealed for `letter_id`, while it is fresh; nothing for another letter's, an old
/// one or anything forged.
fn open(state: &AppState, letter_id: &str, value: &str) -> Option<Vec<u8>> {
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(value)
        .ok()?;
    if bytes.len() < 24 {
        return None;
    }
    let (nonce, sealed) = bytes.split_at(24);
    let plain = cipher(state)
        .decrypt(
            XNonce::from_slice(nonce),
            Payload {
                msg: sealed,
                aad: letter_id.as_bytes(),
            },
        )
        .ok()?;
    let (expires, body) = plain.split_at_checked(8)?;
    let expires = i64::from_be_bytes(expires.try_into().ok()?);
    (expires >= unix_now()).then(|| body.to_vec())
}

fn cookie(state: &AppState, name: &'static str, value: String, seconds: i64) -> Cookie<'static> {
    Cookie::build(name, value)
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(state.secure_cookies)
        .max_age(CookieDuration::seconds(seconds))
        .finish()
}

/// The slugs of the letters this browser signed.
fn signed_slugs(request: &HttpRequest) -> Vec<String> {
    request
        .cookie(SIGNED)
        .map(|cookie| {
            cookie
                .value()
                .split('.')
                .filter(|slug| crate::letters::is_valid_slug(slug))
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether this browser signed the letter `slug` (and did not ask for the form again).
pub(super) fn signed_here(request: &HttpRequest, slug: &str) -> bool {
    let again = request
        .query_string()
        .split('&')
        .any(|pair| pair == "again" || pair.starts_with("again="));
    !again && signed_slugs(request).iter().any(|signed| signed == slug)
}

/// The answer to a sign form that went through: `response` (to the check-email page) with
/// the form sealed for that page and the letter added to those this browser signed.
pub(super) fn after_signing(
    state: &AppState,
    request: &HttpRequest,
    snapshot: &LetterSnapshot,
    body: &[u8],
    mut response: HttpResponse,
) -> HttpResponse {
    let slug = snapshot.letter.slug.to_string();
    let mut slugs: Vec<String> = signed_slugs(request)
        .into_iter()
        .filter(|signed| *signed != slug)
        .collect();
    slugs.push(slug);
    let skip = slugs.len().saturating_sub(SIGNED_KEPT);
    let signed = cookie(state, SIGNED, slugs[skip..].join("."), 400 * 24 * 3600);
    let carried = match seal(state, snapshot.letter.id.as_str(), body) {
        Some(value) => cookie(state, CARRY, value, CARRY_SECONDS),
        // Too long to carry: the page says "the address you entered", as before.
        None => cookie(state, CARRY, String::new(), 0),
    };
    for cookie in [signed, carried] {
        if let Err(error) = response.add_cookie(&cookie) {
            tracing::warn!(%error, "could not set a signer's cookie");
        }
    }
    response
}

/// After a withdrawal in this browser, the letter page offers the form again.
pub(super) fn forget_signed(
    state: &AppState,
    request: &HttpRequest,
    slug: &str,
    mut response: HttpResponse,
) -> HttpResponse {
    let slugs: Vec<String> = signed_slugs(request);
    if !slugs.iter().any(|signed| signed == slug) {
        return response;
    }
    let kept: Vec<String> = slugs.into_iter().filter(|signed| signed != slug).collect();
    let seconds = if kept.is_empty() { 0 } else { 400 * 24 * 3600 };
    if let Err(error) = response.add_cookie(&cookie(state, SIGNED, kept.join("."), seconds)) {
        tracing::warn!(%error, "could not set a signer's cookie");
    }
    response
}

/// A resend names only an address: an earlier form's choices would not be this one's.
pub(super) fn forget_form(state: &AppState, mut response: HttpResponse) -> HttpResponse {
    if let Err(error) = response.add_cookie(&cookie(state, CARRY, String::new(), 0)) {
        tracing::warn!(%error, "could not clear a signer's cookie");
    }
    response
}

/// The form this browser last sent for this letter, if it is still carried.
fn carried(state: &AppState, request: &HttpRequest, letter_id: &str) -> Option<SignatureFields> {
    let value = request.cookie(CARRY)?;
    let body = open(state, letter_id, value.value())?;
    crate::values::form::decode_checked_fields(&body).ok()
}

/// A likely typo of a common mail domain (`gmial.con`), as the whole corrected address.
///
/// The domains are mailidator's list of popular mail domains and real endings (kept up to
/// date there; its own matching, Sift3 with a loose threshold, "corrects" `example.com` to
/// `hotmail.com`, so it is not used). A domain within two edits (strsim's optimal string
/// alignment: a swapped pair of letters is one edit) of a popular one is questioned, unless
/// only its ending differs and that ending is real (`yahoo.org`, `me.org` may well exist).
pub(super) fn suggestion(email: &str) -> Option<String> {
    use mailidator::domains::{POPULAR_DOMAINS, TOP_LEVEL_DOMAINS};
    let email = email.trim();
    let (local, typed) = email.rsplit_once('@')?;
    let typed = typed.to_ascii_lowercase();
    if local.is_empty() || POPULAR_DOMAINS.contains(&typed.as_str()) {
        return None;
    }
    let (typed_name, typed_end) = typed.split_once('.')?;
    let (distance, closest) = POPULAR_DOMAINS
        .iter()
        .filter(|domain| !domain.contains("example"))
        .map(|domain| (strsim::osa_distance(&typed, domain), *domain))
        .min_by_key(|(distance, _)| *distance)?;
    // Two edits in a four-letter domain is another domain, not a typo.
    if distance == 0 || distance > 2 || distance * 4 > typed.len() {
        return None;
    }
    let closest_name = closest.split_once('.').map_or(closest, |(name, _)| name);
    if typed_name == closest_name && TOP_LEVEL_DOMAINS.contains(&typed_end) {
        return None;
    }
    Some(format!("{local}@{closest}"))
}

#[derive(Template)]
#[template(path = "signed.html")]
struct CheckEmailPage<'a> {
    letter: &'a crate::letters::Letter,
    path: String,
    share: Option<super::share::ShareLinks>,
    /// The address typed, when this browser's form is carried.
    email: Option<String>,
    suggestion: Option<String>,
    choices: Vec<ChoiceLine>,
}

impl CheckEmailPage<'_> {
    /// "We have sent a message to <address>. Open the link ... on <title>."
    fn sent_to(&self, tr: &Tr, email: &str) -> String {
        let address = format!(
            r#"<strong><bdi dir="ltr">{}</bdi></strong>"#,
            crate::i18n::catalog::escape(email)
        );
        let title = format!(
            "<strong>{}</strong>",
            crate::i18n::catalog::marked(&self.letter.title, &self.letter.lang)
        );
        tr.html(
            "signerloop-sent-to",
            [
                ("email", Arg::Markup(&address)),
                ("title", Arg::Markup(&title)),
            ],
        )
    }

    fn did_you_mean(&self, tr: &Tr, suggestion: &str) -> String {
        let address = format!(
            r#"<strong><bdi dir="ltr">{}</bdi></strong>"#,
            crate::i18n::catalog::escape(suggestion)
        );
        tr.html(
            "signerloop-did-you-mean",
            [("email", Arg::Markup(&address))],
        )
    }
}

/// The member a carried form came through, by name.
async fn member_named(state: &AppState, via: &str) -> Option<String> {
    super::partners::offer(state, FormView::fresh(), via)
        .await
        .partner
}

/// `GET /letters/{slug}/signed`: check your email, with the address and choices this
/// browser sent, when it still carries them.
pub async fn check_email(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let snapshot = state.public_letter_or(&slug, PageError::NotFound).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    let fields = carried(&state, &request, snapshot.letter.id.as_str());
    let mut page = CheckEmailPage {
        letter: &snapshot.letter,
        path: snapshot.path(),
        share: super::share::ShareLinks::while_open(&state.settings, &snapshot),
        email: None,
        suggestion: None,
        choices: Vec::new(),
    };
    if let Some(fields) = fields {
        let member = match member_named(&state, &fields.via).await {
            Some(name) => Some((name, fields.share_with_member)),
            None => None,
        };
        let choices = Choices {
            public: fields.public,
            updates: fields.updates,
            member,
        };
        page.choices = choices.lines(&Tr::current());
        page.suggestion = suggestion(&fields.email);
        page.email = Some(fields.email.trim().to_owned());
    }
    // The page shows an address: no cache keeps it, and no link on it tells another site.
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(super::site::render(&state.settings, &page)?))
}

/// `GET /letters/{slug}/change`: the sign form again with what this browser sent (with the
/// suggested address, `?fix`), to correct it before confirming. Nothing carried: the letter's
/// form.
pub async fn change(
    state: web::Data<AppState>,
    request: HttpRequest,
    slug: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let snapshot = state.public_letter_or(&slug, PageError::NotFound).await?;
    let snapshot = super::language::letter_for(&request, &snapshot);
    let Some(mut fields) = carried(&state, &request, snapshot.letter.id.as_str()) else {
        return Ok(HttpResponse::SeeOther()
            .insert_header((header::LOCATION, format!("{}?again#sign", snapshot.path())))
            .finish());
    };
    if !snapshot.letter.accepts_signatures_at(crate::db::now()) {
        return super::pages::letter_page_closed(&state, &snapshot);
    }
    let fix = request
        .query_string()
        .split('&')
        .any(|pair| pair == "fix" || pair.starts_with("fix="));
    if fix && let Some(suggested) = suggestion(&fields.email) {
        fields.email = suggested;
    }
    fields.honeypot.clear();
    let via = fields.via.clone();
    let form = super::partners::offer(&state, FormView::again(fields, None), &via).await;
    let mut page = super::pages::letter_page_view(&state, &snapshot, form);
    page.you_signed = None;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(super::site::render(&state.settings, &page)?))
}

/// A sign post another site's page sent: nothing was stored or sent; the way to the letter.
pub(super) fn cross_site(
    state: &AppState,
    snapshot: &LetterSnapshot,
) -> Result<HttpResponse, PageError> {
    super::pages::html(
        state,
        StatusCode::FORBIDDEN,
        &MessagePage {
            heading: Message::id("signerloop-cross-site"),
            paragraphs: vec![Message::id("signerloop-cross-site-text")],
            link: Some((
                format!("{}#sign", snapshot.path()),
                Message::id("signerloop-cross-site-link"),
            )),
        },
    )
}

/// The confirm page behind an emailed link: the letter, the name signed and the choices as
/// boxes to change before pressing the button. It does not confirm by itself: the person
/// sees what they confirm.
#[derive(Template)]
#[template(path = "verify.html")]
pub(super) struct VerifyPage {
    /// The letter's title in its own language (escaped markup, `catalog::marked`).
    pub title: String,
    pub name: String,
    pub organization: bool,
    pub choices: Vec<ChoiceLine>,
    pub action: String,
}

/// What the confirm page's boxes sent; without `choices` (an older page, a script), the
/// choices stay as signed.
#[derive(serde::Deserialize, Default)]
#[serde(default)]
struct BoxesSent {
    choices: String,
    #[serde(deserialize_with = "crate::values::form::checkbox")]
    public: bool,
    #[serde(deserialize_with = "crate::values::form::checkbox")]
    updates: bool,
    #[serde(deserialize_with = "crate::values::form::checkbox")]
    share_with_member: bool,
}

/// The boxes a confirm post carries, if its page offered them.
pub(super) fn boxes_sent(body: &[u8]) -> Option<crate::signatures::choices::ChosenBoxes> {
    let sent: BoxesSent = crate::values::form::decode(body).ok()?;
    (sent.choices == "1").then_some(crate::signatures::choices::ChosenBoxes {
        public: sent.public,
        updates: sent.updates,
        share_with_member: sent.share_with_member,
    })
}

/// The page behind a withdraw link: the letter and the name signed, then the button.
pub async fn withdraw_page(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let secret = token.into_inner();
    let lookup_secret = secret.clone();
    let found = super::pages::follow_link(
        &state,
        &request,
        TokenPurpose::Withdraw,
        move |connection| {
            signatures::inspect_token(connection, &lookup_secret, TokenPurpose::Withdraw)
        },
    )
    .await?;
    match found {
        Err(page) => Ok(page),
        Ok(target) if target.signature_state == SignatureState::Withdrawn => {
            let tr = super::signer::interface_for(&request, target.lang.as_ref());
            tr.scope(withdrawn(&state, &target, true, None)).await
        }
        Ok(target) => {
            // The page names the letter and the person, so nobody withdraws the wrong one.
            let letter_id = target.letter_id.as_str().to_owned();
            let letter = super::signer::signed_letter(&state, letter_id, target.lang.as_ref())
                .await?
                .map(|snapshot| {
                    crate::i18n::catalog::marked(&snapshot.letter.title, &snapshot.letter.lang)
                });
            let page = ConfirmActionPage {
                heading: Message::id("withdraw-heading"),
                intro: Message::id(if letter.is_some() {
                    "signerloop-withdraw-intro"
                } else {
                    "withdraw-intro"
                }),
                title: letter,
                signed_as: Some(target.name.clone()).filter(|name| !name.is_empty()),
                action: format!(
                    "{}/withdraw/{secret}",
                    super::signer::address_prefix(&request)
                ),
                button: Message::id("withdraw-button"),
                auto_submit: false,
            };
            let tr = super::signer::interface_for(&request, target.lang.as_ref());
            tr.scope(async { super::pages::token_page(StatusCode::OK, &page) })
                .await
        }
    }
}

/// After a withdrawal: the letter and, when just withdrawn, the name that was on it (read
/// before it was erased).
async fn withdrawn(
    state: &AppState,
    target: &signatures::TokenTarget,
    already: bool,
    name: Option<String>,
) -> Result<HttpResponse, PageError> {
    let heading = if already {
        "withdrawn-already"
    } else {
        "withdrawn"
    };
    let letter_id = target.letter_id.as_str().to_owned();
    let title = super::signer::signed_letter(state, letter_id, target.lang.as_ref())
        .await?
        .map(|snapshot| snapshot.letter.title.clone());
    let mut paragraphs = Vec::new();
    if let Some(title) = title {
        paragraphs.push(match name.filter(|name| !name.is_empty()) {
            Some(name) => Message::id("signerloop-withdrawn-named")
                .with("name", name)
                .with("title", title),
            None => Message::id("signerloop-withdrawn-from").with("title", title),
        });
    }
    paragraphs.push(Message::id("withdrawn-text"));
    let link = super::pages::letter_link(
        state,
        Some(target.letter_id.as_str().to_owned()),
        target.lang.as_ref(),
    )
    .await;
    super::pages::token_page(
        StatusCode::OK,
        &MessagePage {
            heading: Message::id(heading),
            paragraphs,
            link,
        },
    )
}

pub async fn withdraw(
    state: web::Data<AppState>,
    request: HttpRequest,
    token: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    // Answered at a whole step (`limits.answer_step_ms`), the page included: what
    // withdrawing erases (other rows held on the address) does not show in how long it took.
    let defenses = &state.defenses;
    defenses
        .in_steps(withdraw_now(&state, &request, token.into_inner()))
        .await
}

async fn withdraw_now(
    state: &web::Data<AppState>,
    request: &HttpRequest,
    token: String,
) -> Result<HttpResponse, PageError> {
    let done = super::pages::act_on_link(
        state,
        request,
        TokenPurpose::Withdraw,
        token,
        |connection, secret| {
            // The name as signed, read before withdrawing erases it.
            let name = signatures::inspect_token(connection, secret, TokenPurpose::Withdraw)
                .ok()
                .map(|target| target.name);
            Ok((signatures::withdraw(connection, secret)?, name))
        },
    )
    .await?;
    match done {
        Ok(((outcome, name), target)) => {
            let already = outcome == WithdrawOutcome::AlreadyWithdrawn;
            let tr = super::signer::interface_for(request, target.lang.as_ref());
            let response = tr.scope(withdrawn(state, &target, already, name)).await?;
            let letter_id = target.letter_id.as_str().to_owned();
            let letter = state
                .db(move |connection| crate::letters::find_by_id(connection, &letter_id))
                .await?;
            Ok(match letter {
                Some(letter) => forget_signed(state, request, &letter.slug, response),
                None => response,
            })
        }
        Err(page) => Ok(page),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_mistyped_common_domain_is_suggested_and_a_right_one_is_not() {
        assert_eq!(
            suggestion("dana@gmial.con").as_deref(),
            Some("dana@gmail.com")
        );
        assert_eq!(suggestion("dana@gmail.com"), None);
        assert_eq!(
            suggestion("a@hotmial.com").as_deref(),
            Some("a@hotmail.com")
        );
        assert_eq!(suggestion("a@gmail.con").as_deref(), Some("a@gmail.com"));
        for right in [
            "ada@example.org",
            "grace@example.com",
            "a@peace.org",
            "a@cfpeace.example",
            "a@yahoo.org",
            "a@uni.ac.il",
            "a@gmx.de",
            "a@mail.huji.ac.il",
        ] {
            assert_eq!(suggestion(right), None, "{right}");
        }
        assert_eq!(suggestion("not an address"), None);
    }

    #[test]
    fn the_confirm_page_boxes_are_read_only_when_offered() {
        assert_eq!(boxes_sent(b""), None);
        assert_eq!(boxes_sent(b"public=on"), None);
        let sent = boxes_sent(b"choices=1&updates=on").expect("offered");
        assert!(sent.updates && !sent.public && !sent.share_with_member);
    }
}
