//! "Are you sure?" before the console does something that cannot be taken back lightly:
//! publishing, closing or archiving a letter and every removal (a translation, a member, a
//! staff account, an API token, a partner link, a signature, a delivery). The button posts
//! as before; without `confirm=yes` the answer is a page that says what will happen and
//! repeats the post with `confirm=yes` (the GOV.UK confirmation pattern, no script needed),
//! so a stray click, a double click or a script that replays a form changes nothing.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::{AdminError, Nav, Staff, page};

/// The answer a confirmation page sends back. Read as `Option<web::Form<Answer>>` by
/// handlers whose post has no form of its own: a body that is missing or not a form is no
/// answer, so the question is asked.
#[derive(Deserialize, Default, Debug)]
#[serde(default)]
pub struct Answer {
    confirm: String,
}

impl Answer {
    pub fn yes(&self) -> bool {
        self.confirm == "yes"
    }

    pub fn given(answer: &Option<web::Form<Answer>>) -> bool {
        answer.as_ref().is_some_and(|answer| answer.yes())
    }
}

/// What the page asks and where its button posts.
pub struct Question {
    /// The page the question is about, for the breadcrumb and Cancel: (address, name).
    pub about: (String, String),
    /// The heading: "Remove the Hebrew translation of “Dear President”?"
    pub heading: String,
    /// What will happen, in one or two sentences.
    pub consequence: String,
    /// The address the button posts to (the same as the first post's, CSRF token included
    /// when that handler reads it from the address).
    pub action: String,
    /// The first post's own fields, sent again with the answer.
    pub fields: Vec<(&'static str, String)>,
    pub button: String,
    /// Removals are red; publishing is the ordinary green.
    pub destructive: bool,
}

#[derive(Template)]
#[template(path = "admin/confirm.html")]
struct ConfirmPage {
    nav: Nav,
    csrf: String,
    question: Question,
}

/// The confirmation page for `question`.
pub fn ask(staff: &Staff, question: Question) -> Result<HttpResponse, AdminError> {
    page(
        StatusCode::OK,
        &ConfirmPage {
            nav: staff.nav(),
            csrf: staff.csrf_token().to_owned(),
            question,
        },
    )
}
