//! Public pages of partners: the sign form offered through a member's link, and a member
//! contact's download of its own signers.

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::pages::token_page;
use super::views::{FormView, MessagePage};
use super::{AppState, PageError, form};
use crate::db::DbError;
use crate::export::{self, ExportFormat};
use crate::i18n::Message;
use crate::members::codes;
use crate::partners::links;
use crate::partners::links::{Opened, Refusal};

/// The sign form offered through a member's link: the member's code as a hidden field and its
/// name for the consent box. An unknown code, or a failed lookup, leaves a plain form (a
/// referral is never worth an error page).
pub(super) async fn offer(state: &AppState, mut form: FormView, raw_code: &str) -> FormView {
    form.partner = None;
    let member = match codes::parse_code(raw_code) {
        None => None,
        Some(code) => match state
            .db(move |connection| codes::member_by_code(connection, &code))
            .await
        {
            Ok(member) => member,
            Err(error) => {
                tracing::warn!(%error, "could not look up a referral code; showing the plain form");
                None
            }
        },
    };
    match member {
        Some(member) => {
            form.values.via = member.code;
            form.partner = Some(member.name);
        }
        None => {
            form.values.via = String::new();
            form.values.share_with_member = false;
        }
    }
    form
}

/// The landing page of a member contact's link: what it gives, and the download buttons.
/// Opening it downloads nothing, so a mail scanner following the link leaves no trace.
#[derive(Template)]
#[template(path = "partner_download.html")]
struct DownloadPage<'a> {
    organization: &'a str,
    title: &'a str,
    count: i64,
    action: String,
    expires: String,
}

fn refused(refusal: Refusal) -> Result<HttpResponse, PageError> {
    let (status, heading, paragraph) = match refusal {
        Refusal::Unknown => (
            StatusCode::NOT_FOUND,
            Message::id("link-broken"),
            "Check that the whole address was copied from the email, or ask the coalition for a new link.",
        ),
        Refusal::Expired => (
            StatusCode::GONE,
            Message::id("link-expired"),
            "Download links work for a limited time. Ask the coalition for a new one.",
        ),
        Refusal::Revoked => (
            StatusCode::GONE,
            Message::verbatim("This link was withdrawn"),
            "The coalition has stopped this link. Ask them for a new one if you still need it.",
        ),
    };
    token_page(
        status,
        &MessagePage {
            heading,
            paragraphs: vec![Message::verbatim(paragraph)],
            link: Some(("/".into(), Message::id("see-open-letters"))),
        },
    )
}

async fn open(state: &AppState, secret: &str) -> Result<Result<Opened, Refusal>, PageError> {
    let secret = secret.to_owned();
    Ok(state
        .db(move |connection| links::open(connection, &secret))
        .await?)
}

/// `GET /partners/{secret}`
pub(super) async fn download_page(
    state: web::Data<AppState>,
    secret: web::Path<String>,
) -> Result<HttpResponse, PageError> {
    let opened = match open(&state, &secret).await? {
        Ok(opened) => opened,
        Err(refusal) => return refused(refusal),
    };
    let (letter, member_id) = (opened.letter.clone(), opened.member.id.clone());
    let count = state
        .db(move |connection| links::consenting_count(connection, &letter, &member_id))
        .await?;
    token_page(
        StatusCode::OK,
        &DownloadPage {
            organization: &opened.member.name,
            title: &opened.letter.title,
            count,
            action: format!("/partners/{}", secret.as_str()),
            expires: crate::config::site::installed()
                .date_style
                .date_time(&opened.link.expires_at),
        },
    )
}

#[derive(serde::Deserialize)]
struct DownloadForm {
    #[serde(default)]
    format: String,
}

/// `POST /partners/{secret}` with `format=csv|json`: the member's consenting, counted
/// signers, with the partner file's columns (what a member needs, nothing of staff's);
/// recorded in the audit log.
pub(super) async fn download(
    state: web::Data<AppState>,
    request: HttpRequest,
    secret: web::Path<String>,
    body: web::Bytes,
) -> Result<HttpResponse, PageError> {
    if !form::is_urlencoded(&request) {
        return Err(PageError::UnsupportedMediaType);
    }
    let format = form::decode::<DownloadForm>(&body)
        .ok()
        .and_then(|form| export::export_format(&form.format))
        .unwrap_or(ExportFormat::Csv);
    let secret = secret.into_inner();
    let connection = crate::db::outage::checkout(&state.pool).await?;
    let found = web::block(move || {
        let mut connection = connection;
        let opened = match links::open(&mut connection, &secret)? {
            Ok(opened) => opened,
            Err(refusal) => return Ok::<_, DbError>(Err(refusal)),
        };
        links::record_download(&mut connection, &opened, export::format_name(format))?;
        Ok(Ok((connection, opened)))
    })
    .await
    .map_err(|error| DbError::TaskFailed(error.to_string()))??;
    let (connection, opened) = match found {
        Ok(found) => found,
        Err(refusal) => return refused(refusal),
    };
    let Opened { letter, member, .. } = opened;
    let filename = format!(
        "{}-{}-signers.{}",
        letter.slug,
        member.code.to_lowercase(),
        export::format_name(format)
    );
    let slug = letter.slug.clone();
    let mut response = export::stream_records(
        connection,
        filename,
        slug,
        move |connection, after| {
            links::consenting_page(connection, &letter, &member.id, after, export::PAGE)
        },
        &export::PARTNER_COLUMNS,
        format,
    );
    response.headers_mut().insert(
        header::REFERRER_POLICY,
        header::HeaderValue::from_static("no-referrer"),
    );
    Ok(response)
}
