//! Console: the code a member organization pastes into its own site to show a letter's
//! count and sign form (`/admin/letters/{slug}/embed?member=CODE&lang=he`): the frame with
//! that member's `via` code (its signers counted as its own, its box offered) and the
//! language chosen, and the lines that let the frame size itself. A plain GET form picks the
//! member and the language, so it works without script.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{AdminError, Nav, find_letter_with, page};
use crate::http::admin::{Console, Viewer};
use crate::http::embed::{self, Embedding};
use crate::i18n::LanguageTag;

pub fn routes(config: &mut web::ServiceConfig) {
    config.route("/admin/letters/{slug}/embed", web::get().to(embed_page));
}

#[derive(Deserialize)]
pub struct EmbedQuery {
    member: Option<String>,
    lang: Option<String>,
}

pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "admin/embed.html")]
struct EmbedPage {
    nav: Nav,
    slug: String,
    title: String,
    is_public: bool,
    members: Vec<Choice>,
    languages: Vec<Choice>,
    /// The member the snippet is for, by name; `None` for the snippet without a code.
    member: Option<String>,
    snippet: String,
    /// The framed address itself, to open and look at.
    src: String,
    count_url: String,
    allowed_origins: Vec<String>,
}

async fn embed_page(
    Console { state, staff, .. }: Console<Viewer>,
    slug: web::Path<String>,
    query: web::Query<EmbedQuery>,
) -> Result<HttpResponse, AdminError> {
    let (letter, (members, translations)) =
        find_letter_with(&state, &slug, |connection, letter| {
            Ok((
                crate::members::list(connection)?,
                crate::letters::translations::list(connection, &letter.id)?,
            ))
        })
        .await?;
    let wanted_code = query
        .member
        .as_deref()
        .and_then(crate::members::codes::parse_code);
    let member = wanted_code
        .as_deref()
        .and_then(|code| members.iter().find(|member| member.code == code));
    // The member's own language unless another was chosen; else the letter's.
    let lang = query
        .lang
        .as_deref()
        .and_then(LanguageTag::parse_routable)
        .or_else(|| member.and_then(|member| member.lang.clone()))
        .unwrap_or_else(|| letter.lang.clone());
    // The letter's languages first (their text is shown), then the other interface languages.
    let mut offered: Vec<LanguageTag> = std::iter::once(letter.lang.clone())
        .chain(
            translations
                .iter()
                .map(|translation| translation.lang.clone()),
        )
        .collect();
    for shipped in crate::i18n::shipped() {
        if !offered.contains(shipped) {
            offered.push(shipped.clone());
        }
    }
    if !offered.contains(&lang) {
        offered.push(lang.clone());
    }
    let title = translations
        .iter()
        .find(|translation| translation.lang == lang)
        .map_or(letter.title.as_str(), |translation| {
            translation.title.as_str()
        });
    let snippet = embed::snippet(
        &state.settings,
        &letter,
        title,
        Embedding {
            via: member.map(|member| member.code.as_str()),
            lang: Some(&lang),
        },
    );
    let src = format!(
        "{}/{lang}/letters/{}/embed{}",
        state.settings.public_base(),
        letter.slug,
        member.map_or_else(String::new, |member| format!("?via={}", member.code))
    );
    let has_text = |tag: &LanguageTag| {
        *tag == letter.lang
            || translations
                .iter()
                .any(|translation| translation.lang == *tag)
    };
    let languages = offered
        .iter()
        .map(|tag| Choice {
            value: tag.to_string(),
            label: if has_text(tag) {
                format!("{} ({tag})", tag.own_name())
            } else {
                format!(
                    "{} ({tag}, the form only: the letter is not in it)",
                    tag.own_name()
                )
            },
            selected: *tag == lang,
        })
        .collect();
    let members = members
        .iter()
        .map(|candidate| Choice {
            value: candidate.code.clone(),
            label: candidate.name.clone(),
            selected: member.is_some_and(|member| member.id == candidate.id),
        })
        .collect();
    page(
        StatusCode::OK,
        &EmbedPage {
            nav: staff.nav(),
            is_public: letter.is_public(),
            members,
            languages,
            member: member.map(|member| member.name.clone()),
            snippet,
            src,
            count_url: embed::count_url(&state.settings, &letter),
            allowed_origins: state.settings.embed.allowed_origins.clone(),
            slug: letter.slug.into_string(),
            title: letter.title,
        },
    )
}
