//! The GOV.UK error summary on console forms (templates/admin/error_summary.html, the
//! console's twin of the public pages' templates/error_summary.html, with the same markup and
//! the same focusing script): each problem a link to the field to fix. These turn what each
//! console form knows about its problems into that list of (field id, message).

use crate::letters::draft::LetterErrors;

/// A problem and the id of the field it is about.
pub type Entry = (String, String);

/// The letter editor's fields in the form's order, so the summary reads like the form; a
/// problem with no field of its own (`accepts`) links to the message beside its boxes.
const LETTER_FIELDS: [(&str, &str); 10] = [
    ("slug", "slug"),
    ("lang", "lang"),
    ("title", "title"),
    ("addressee", "addressee"),
    ("summary", "summary"),
    ("body", "body"),
    ("goal", "goal"),
    ("opens_at", "opens_at"),
    ("closes_at", "closes_at"),
    ("accepts", "accepts-error"),
];

pub fn letter(errors: &LetterErrors) -> Vec<Entry> {
    let mut listed: Vec<Entry> = LETTER_FIELDS
        .iter()
        .filter_map(|(field, id)| errors.get(field).map(|m| ((*id).to_owned(), m.to_owned())))
        .collect();
    listed.extend(
        errors
            .0
            .iter()
            .filter(|(field, _)| !LETTER_FIELDS.iter().any(|(known, _)| known == *field))
            .map(|(_, message)| ("body".to_owned(), message.clone())),
    );
    listed
}

/// A form that knows one problem: linked to the field it names, else to `default`. The
/// console's messages name their field first ("email ...: ...", "website: ...").
pub fn one(problem: &Option<String>, fields: &[(&str, &str)], default: &str) -> Vec<Entry> {
    let Some(message) = problem else {
        return Vec::new();
    };
    let lower = message.to_lowercase();
    let id = fields
        .iter()
        .find(|(word, _)| lower.contains(word))
        .map_or(default, |(_, id)| id);
    vec![(id.to_owned(), message.clone())]
}

/// The staff account form.
pub fn account(problem: &Option<String>) -> Vec<Entry> {
    one(
        problem,
        &[("password", "password"), ("role", "role")],
        "email",
    )
}

/// The API token form.
pub fn token(problem: &Option<String>) -> Vec<Entry> {
    one(
        problem,
        &[
            ("may do", "token-scope-counts"),
            ("does not allow", "token-scope-counts"),
            ("expires", "token-expires"),
        ],
        "token-name",
    )
}

/// The form that adds a member.
pub fn member(problem: &Option<String>) -> Vec<Entry> {
    one(
        problem,
        &[
            ("website", "member-website"),
            ("email", "member-email"),
            ("language", "member-lang"),
            ("name", "member-name"),
        ],
        "member-name",
    )
}

/// The pasted member CSV.
pub fn member_import(problem: &Option<String>) -> Vec<Entry> {
    one(problem, &[], "member-csv")
}

/// An update's draft.
pub fn update(problem: &Option<String>) -> Vec<Entry> {
    one(problem, &[("subject", "subject")], "body")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_links_to_its_field() {
        let mut errors = LetterErrors::default();
        errors.insert("title", "Give a title.");
        errors.insert("slug", "Use lowercase letters.");
        errors.insert("accepts", "Accept someone.");
        let listed = letter(&errors);
        let ids: Vec<&str> = listed.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(ids, ["slug", "title", "accepts-error"]);
        let fields = [("website", "member-website"), ("email", "member-email")];
        assert_eq!(
            one(
                &Some("website: not a web address".into()),
                &fields,
                "member-name"
            ),
            [(
                "member-website".to_owned(),
                "website: not a web address".to_owned()
            )]
        );
        assert_eq!(one(&None, &fields, "member-name"), []);
    }
}
