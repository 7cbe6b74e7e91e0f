//! Page templates (askama, escaped by default) and the small formatting helpers they use.

use askama::Template;
use chrono::NaiveDateTime;

use crate::i18n::Message;
use crate::i18n::catalog::{Arg, Tr};
use crate::letters::Letter;
use crate::read::snapshot::LetterSnapshot;
use crate::signatures::fields::{self, Asked, OnLine, Rule};
use crate::signatures::form::{FieldErrors, SignatureFields};
use crate::signatures::{PublicSignatory, SignatureKind};

/// 12345 -> "12,345"
pub fn thousands(value: i64) -> String {
    let digits = value.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if value < 0 {
        out.push('-');
    }
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

/// A letter's status (`open`, `closed`, ...) in the page's language.
pub fn status_label(tr: &Tr, status: &str) -> String {
    match status {
        "open" => tr.t("status-open"),
        "closed" => tr.t("status-closed"),
        "draft" => tr.t("status-draft"),
        "delivered" => tr.t("status-delivered"),
        other => other.to_owned(),
    }
}

/// The line under a signatory's name, without anything private: the public fields that go
/// on it (`OnLine` in `crate::signatures::fields`), the organization of a person after them,
/// then the place. Each value comes with the separator before it (`""` for the first, `" · "`
/// between parts, `", "` inside the place): pages put each value in a `<bdi>` of its own with
/// the separators outside, because one isolate around several values lets an Arabic
/// organization and a Latin city reorder each other and puts the commas and dots between the
/// wrong words ("Teacher, 2 مدرسة الجليل · Haifa / ,Israel حيفا").
pub fn signatory_pieces(signatory: &PublicSignatory) -> Vec<(&'static str, &str)> {
    let mut parts: Vec<&str> = Vec::new();
    let mut place: Vec<&str> = Vec::new();
    for field in fields::FIELDS.iter().filter(|field| field.public) {
        let Some(value) = signatory.text.get(field.name) else {
            continue;
        };
        match field.on_line {
            OnLine::Part => parts.push(value),
            OnLine::Place => place.push(value),
            OnLine::No => {}
        }
    }
    if signatory.kind != SignatureKind::Organization
        && let Some(organization) = &signatory.organization
    {
        parts.push(organization);
    }
    let mut pieces = Vec::with_capacity(parts.len() + place.len());
    for part in parts {
        let separator = if pieces.is_empty() { "" } else { " · " };
        pieces.push((separator, part));
    }
    for (index, value) in place.into_iter().enumerate() {
        let separator = match (pieces.is_empty(), index) {
            (true, _) => "",
            (false, 0) => " · ",
            (false, _) => ", ",
        };
        pieces.push((separator, value));
    }
    pieces
}

/// An organization's logo and link on a letter's lists (`read::organizations`).
pub fn organization_links(
    links: &crate::read::organizations::MemberLinks,
    organization: &PublicSignatory,
) -> crate::read::organizations::OrganizationLinks {
    links.of(organization)
}

/// A name someone typed (a member's, a signer's) inside a sentence of the page's language,
/// for `Tr::html`: escaped and isolated, so its script does not pull the sentence's
/// punctuation to its side.
pub fn isolated(text: &str) -> String {
    format!("<bdi>{}</bdi>", crate::i18n::catalog::escape(text))
}

/// "To {addressee}" in the page's language, the addressee in the letter's
/// (`catalog::marked`) as it stands in a sentence (`i18n::addressee_in_sentence`), as HTML.
pub fn letter_to(tr: &Tr, addressee: &str, lang: &crate::i18n::LanguageTag) -> String {
    tr.html(
        "letter-to",
        [(
            "addressee",
            crate::i18n::catalog::Arg::Markup(&crate::i18n::catalog::marked(
                &crate::i18n::addressee_in_sentence(addressee, lang),
                lang,
            )),
        )],
    )
}

/// The order of the sign form's who-signs fields: an organization's name first on a form
/// known to be an organization's (`organization_first`), a person's name first otherwise;
/// the address and the organization only where the form asks them (not on an invite).
pub fn who_order(asks_address: bool, organization_first: bool) -> &'static [&'static str] {
    match (asks_address, organization_first) {
        (false, _) => &["name"],
        (true, true) => &["organization", "name", "email"],
        (true, false) => &["name", "email", "organization"],
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub heading: Message,
    pub message: Message,
}

pub struct LetterCard {
    /// The address of the text shown (`/he/letters/{slug}` for a translation).
    pub path: String,
    pub title: String,
    pub addressee: String,
    pub summary: String,
    /// The language of the title, addressee and summary.
    pub lang: crate::i18n::LanguageTag,
    pub status: String,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "index.html")]
pub struct IndexPage {
    pub letters: Vec<LetterCard>,
}

/// The sign form as last submitted, with a message per field that needs one.
#[derive(Default)]
pub struct FormView {
    pub values: SignatureFields,
    pub errors: FieldErrors,
    /// One plain line above the form (press Sign again, wait a minute).
    pub problem: Option<Message>,
    /// The member whose link the signer came through (`crate::partners::offer`), by name.
    pub partner: Option<String>,
}

impl FormView {
    /// Nothing ticked: a box ticked in advance is not consent (GDPR recital 32).
    pub fn fresh() -> FormView {
        FormView {
            values: SignatureFields::default(),
            errors: FieldErrors::new(),
            problem: None,
            partner: None,
        }
    }

    /// The form as the person sent it, to be sent again.
    pub fn again(values: SignatureFields, problem: Option<Message>) -> FormView {
        FormView {
            values,
            errors: FieldErrors::new(),
            problem,
            partner: None,
        }
    }

    /// A field's error in the page's language.
    pub fn error(&self, field: &str) -> Option<String> {
        let tr = Tr::current();
        self.errors
            .get(field)
            .map(|error| tr.message(&error.message()))
    }

    pub fn is_organization(&self) -> bool {
        self.values.kind == "organization"
    }

    /// Whether the page shows the error summary (and says "Error: " in its title).
    pub fn has_problems(&self) -> bool {
        self.problem.is_some() || !self.errors.is_empty()
    }

    /// Each field error as (the id of the field it is about, message), in the form's order, so
    /// the summary reads like the form and each entry jumps to its field.
    pub fn summary(&self) -> Vec<(&'static str, String)> {
        let tr = Tr::current();
        let order = form_order();
        let mut listed: Vec<(&'static str, String)> = order
            .iter()
            .filter_map(|field| self.error(field).map(|message| (*field, message)))
            .collect();
        // A field the form does not show still deserves a line; it links to the form.
        listed.extend(
            self.errors
                .iter()
                .filter(|(field, _)| !order.contains(field))
                .map(|(_, error)| ("sign-form", tr.message(&error.message()))),
        );
        listed
    }

    /// The inputs of the signer's optional fields (`crate::signatures::fields`), in the form's
    /// order, as templates/sign_fields.html renders them. A field asked only of organizations
    /// is left out on a letter that takes none.
    pub fn inputs(&self, letter: &Letter) -> Vec<FieldInput> {
        let tr = Tr::current();
        let mut inputs: Vec<FieldInput> = Vec::new();
        let mut in_row = false;
        for field in fields::form_order() {
            let organizations_only = field.asked == Asked::Organizations;
            if !fields::asked_on(field, letter) {
                continue;
            }
            inputs.push(FieldInput {
                name: field.name,
                label: tr.t(field.label),
                organizations_only,
                multi_line: field.rule == Rule::MultiLine,
                web: field.rule == Rule::Web,
                max: field.max,
                autocomplete: field.autocomplete,
                value: self.values.text.get(field.name).to_owned(),
                error: self.error(field.name),
                opens_row: field.paired_with_next && !in_row,
                closes_row: in_row,
            });
            in_row = field.paired_with_next && !in_row;
        }
        if in_row && let Some(last) = inputs.last_mut() {
            last.closes_row = true;
        }
        inputs
    }
}

/// One optional field's input (see `FormView::inputs`).
pub struct FieldInput {
    /// The form field's name and the input's id.
    pub name: &'static str,
    pub label: String,
    /// Shown only to organizations (`only-organization`, see style.css).
    pub organizations_only: bool,
    /// A textarea rather than a line.
    pub multi_line: bool,
    /// A web address (`inputmode="url"`).
    pub web: bool,
    pub max: usize,
    pub autocomplete: &'static str,
    pub value: String,
    pub error: Option<String>,
    /// Opens a row of two (city and country) or closes it.
    pub opens_row: bool,
    pub closes_row: bool,
}

/// The sign form's fields top to bottom (each error links to the control of that id): the
/// kind, the name, the email and the organization, then the optional fields.
fn form_order() -> Vec<&'static str> {
    let mut order = vec!["kind", "name", "email", "organization"];
    order.extend(fields::form_order().into_iter().map(|field| field.name));
    order
}

/// The smallest value once anyone has signed, in percent (the stylesheet widens a non-zero
/// bar to a visible sliver).
const PROGRESS_SLIVER: i64 = 1;

#[derive(Template)]
#[template(path = "letter.html")]
pub struct LetterPage<'a> {
    pub snapshot: &'a LetterSnapshot,
    pub form: FormView,
    pub notice: Option<Message>,
    pub accepting: bool,
    /// The signed time the form was shown, checked when it comes back.
    pub form_time: String,
    /// The letter's absolute address (`server.public_url`), for link previews and
    /// `rel=canonical`.
    pub url: String,
    /// (hreflang, address) of every language the letter is in, and `x-default`; empty for
    /// a letter in one language (`read::snapshot::alternates`).
    pub alternates: Vec<(String, String)>,
    /// This browser signed the letter (`signer_loop::signed_here`): "You signed" and the
    /// share step instead of the form.
    pub you_signed: Option<super::share::ShareLinks>,
}

impl LetterPage<'_> {
    fn letter(&self) -> &Letter {
        &self.snapshot.letter
    }

    /// Whether the title carries its own `lang` and `dir`: when the letter is in more than
    /// one language or not in English, the language of the page's interface may not be the
    /// title's. (The body is always marked.)
    pub fn marks_title(&self) -> bool {
        self.snapshot.languages.len() > 1 || self.snapshot.letter.lang != "en"
    }

    /// The writing direction of the letter's text as shown (`dir` beside its `lang`).
    pub fn text_dir(&self) -> &'static str {
        self.snapshot
            .language()
            .map_or("ltr", crate::i18n::LanguageTag::dir)
    }

    /// "Signed by 10 organizations and 2,431 individuals", leaving out a kind nobody signed as;
    /// a kind some of whose signers chose not to be listed says how many are listed ("Signed
    /// by 3 organizations (1 listed below)"), so the count and the list below it agree.
    pub fn breakdown(&self) -> String {
        let tr = Tr::current();
        let counts = &self.snapshot.counts;
        let listed = &self.snapshot.listed;
        let with_listed = |who: String, counted: i64, listed: i64| {
            if listed >= counted {
                return who;
            }
            tr.ta(
                "listing-partly-listed",
                [("who", Arg::Text(&who)), ("listed", Arg::Number(listed))],
            )
        };
        let organizations = with_listed(
            tr.count("organizations-count", counts.organizations),
            counts.organizations,
            listed.organizations,
        );
        let individuals = with_listed(
            tr.count("individuals-count", counts.individuals),
            counts.individuals,
            listed.individuals,
        );
        match (counts.organizations, counts.individuals) {
            (0, 0) => tr.t("no-signatures-yet"),
            (0, _) => tr.ta("signed-by", [("who", (&individuals).into())]),
            (_, 0) => tr.ta("signed-by", [("who", (&organizations).into())]),
            _ => tr.ta(
                "signed-by-both",
                [
                    ("organizations", (&organizations).into()),
                    ("individuals", (&individuals).into()),
                ],
            ),
        }
    }

    /// The sign form's class: which kind's wording it shows. With a choice, the stylesheet
    /// follows the ticked radio button.
    /// The summary, or who the letter is to when it has none: a preview is never empty.
    pub fn preview_description(&self) -> String {
        if self.letter().summary.is_empty() {
            Tr::current().ta(
                "open-letter-to",
                [("addressee", (&*self.addressee_in_sentence()).into())],
            )
        } else {
            self.letter().summary.clone()
        }
    }

    /// When the letter was published (or created, for one never opened).
    pub fn published_at(&self) -> &NaiveDateTime {
        self.letter()
            .published_at
            .as_ref()
            .unwrap_or(&self.letter().created_at)
    }

    /// What the share card shows, in words: the title, the addressee, and the count, or, as
    /// the card says while nobody has signed, an invitation to be the first.
    pub fn og_image_alt(&self) -> String {
        let tr = Tr::current();
        let addressee = self.addressee_in_sentence();
        let title = &self.letter().title;
        if self.count() == 0 {
            return tr.ta(
                "listing-og-image-alt-first",
                [("title", title.into()), ("addressee", (&*addressee).into())],
            );
        }
        let signatures = tr.count("signatures", self.count());
        tr.ta(
            "og-image-alt",
            [
                ("title", title.into()),
                ("addressee", (&*addressee).into()),
                ("signatures", Arg::Text(&signatures)),
            ],
        )
    }

    /// The addressee inside a sentence (`i18n::addressee_in_sentence`).
    pub fn addressee_in_sentence(&self) -> std::borrow::Cow<'_, str> {
        crate::i18n::addressee_in_sentence(&self.letter().addressee, &self.letter().lang)
    }

    pub fn more_individuals(&self) -> bool {
        self.snapshot.listed.individuals > self.snapshot.recent_individuals.len() as i64
    }

    pub fn line<'s>(&self, signatory: &'s PublicSignatory) -> Vec<(&'static str, &'s str)> {
        signatory_pieces(signatory)
    }
}

impl SignFormPage for LetterPage<'_> {
    fn snapshot(&self) -> &LetterSnapshot {
        self.snapshot
    }
}

/// What the count and the sign form's fields (templates/sign_fields.html) ask of a page that
/// shows them: the letter page and the embed answer alike.
pub trait SignFormPage {
    fn snapshot(&self) -> &LetterSnapshot;

    fn signed_letter(&self) -> &Letter {
        &self.snapshot().letter
    }

    /// The member organization an invite signs for: its name is given, and the kind and the
    /// address come from the invite.
    fn invited_member(&self) -> Option<&str> {
        None
    }

    /// The total, for the catalog's numbers and plural forms.
    fn count(&self) -> i64 {
        self.snapshot().counts.total()
    }

    fn shows_kind_choice(&self) -> bool {
        self.signed_letter().accepts_individuals && self.signed_letter().accepts_organizations
    }

    fn only_organizations(&self) -> bool {
        !self.signed_letter().accepts_individuals && self.signed_letter().accepts_organizations
    }

    /// The goal in the reader's digits, when the letter has one.
    fn goal(&self) -> Option<String> {
        self.signed_letter()
            .goal
            .filter(|goal| *goal > 0)
            .map(|goal| Tr::current().number(goal))
    }

    /// Percent of the goal reached, capped at 100 for the bar.
    fn progress_percent(&self) -> Option<i64> {
        self.signed_letter()
            .goal
            .filter(|goal| *goal > 0)
            .map(|goal| (self.count() * 100 / goal).min(100))
    }

    /// What the bar shows: the percent reached, but never an empty bar once someone has
    /// signed (3 of 500 is 0 %, and an empty bar reads as "nobody yet").
    fn progress_bar_value(&self) -> i64 {
        let percent = self.progress_percent().unwrap_or(0);
        if self.count() > 0 {
            percent.max(PROGRESS_SLIVER)
        } else {
            percent
        }
    }

    /// "497 to go", or "goal reached".
    fn to_go(&self) -> String {
        let Some(goal) = self.signed_letter().goal.filter(|goal| *goal > 0) else {
            return String::new();
        };
        let tr = Tr::current();
        let left = goal - self.count();
        if left > 0 {
            tr.count("to-go", left)
        } else {
            tr.t("goal-reached")
        }
    }

    /// Tells the stylesheet which labels to show (see `.sign-form` in style.css).
    fn kind_class(&self) -> &'static str {
        if self.shows_kind_choice() {
            "kind-choice"
        } else if self.only_organizations() {
            "kind-organization"
        } else {
            "kind-individual"
        }
    }
}

#[derive(Template)]
#[template(path = "resend.html")]
pub struct ResendPage<'a> {
    /// The letter in the reader's text.
    pub letter: &'a Letter,
    /// Its address in that language (`LetterSnapshot::path`).
    pub path: String,
    pub email: &'a str,
    pub problem: Option<Message>,
    pub form_time: String,
}

impl ResendPage<'_> {
    fn title_markup(&self) -> String {
        format!(
            "<strong>{}</strong>",
            crate::i18n::catalog::marked(&self.letter.title, &self.letter.lang)
        )
    }
}

#[derive(Template)]
#[template(path = "signatories.html")]
pub struct SignatoriesPage<'a> {
    /// As read in the reader's language.
    pub letter: &'a Letter,
    /// The letter's address in that language (`/he/letters/{slug}`).
    pub path: String,
    pub organizations: Vec<PublicSignatory>,
    /// Members' logos and websites (the snapshot's).
    pub member_links: &'a crate::read::organizations::MemberLinks,
    pub individuals: Vec<PublicSignatory>,
    pub page: i64,
    pub pages: i64,
    /// "1 name listed", "2,431 names listed"; with a search, "3 found".
    pub listed_total: String,
    /// Whether the letter takes signatures now, for the link back to its form.
    pub accepting: bool,
    /// Whether this is a search's results (`q` or `country` given).
    pub searched: bool,
    /// The search as typed, shown back in the form and kept in the pager's links.
    pub q: String,
    pub country: String,
}

impl SignatoriesPage<'_> {
    /// The address of another page of the same list or search (`?page=2&q=...`).
    pub fn page_link(&self, page: i64) -> String {
        let mut query = url::form_urlencoded::Serializer::new(String::new());
        query.append_pair("page", &page.to_string());
        if !self.q.is_empty() {
            query.append_pair("q", &self.q);
        }
        if !self.country.is_empty() {
            query.append_pair("country", &self.country);
        }
        format!("?{}", query.finish())
    }

    /// "No signatories match “ana” in “Peru”." as HTML, the typed words escaped and isolated.
    pub fn none_found(&self, tr: &Tr) -> String {
        use crate::i18n::catalog::Arg;
        let search = [self.q.trim(), self.country.trim()]
            .into_iter()
            .filter(|part| !part.is_empty())
            .collect::<Vec<_>>()
            .join(", ");
        tr.html(
            "signatories-search-none",
            [("search", Arg::Markup(&isolated(&search)))],
        )
    }

    pub fn line<'s>(&self, signatory: &'s PublicSignatory) -> Vec<(&'static str, &'s str)> {
        signatory_pieces(signatory)
    }
}

/// The page behind an emailed link: a button that does the change with a POST, so that mail
/// scanners fetching the link change nothing.
#[derive(Template)]
#[template(path = "confirm.html")]
pub struct ConfirmActionPage {
    pub heading: Message,
    pub intro: Message,
    /// The letter's title in its own language (escaped markup, `catalog::marked`), as
    /// the intro's `$title`.
    pub title: Option<String>,
    /// The name the signature was made in, said on the page.
    pub signed_as: Option<String>,
    pub action: String,
    pub button: Message,
    pub auto_submit: bool,
}

/// A plain outcome page: what happened and where to go next.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    pub heading: Message,
    pub paragraphs: Vec<Message>,
    pub link: Option<(String, Message)>,
}

/// The organization form behind an invite link: the sign form's fields
/// (templates/sign_fields.html) for the invited member.
#[derive(Template)]
#[template(path = "invite.html")]
pub struct InvitePage<'a> {
    pub snapshot: &'a LetterSnapshot,
    pub letter: &'a Letter,
    pub member_name: &'a str,
    pub member_email: &'a str,
    pub action: String,
    pub form: FormView,
    pub form_time: String,
}

impl InvitePage<'_> {
    /// The writing direction of the letter's text as shown (`dir` beside its `lang`): the
    /// text may be the original in a page in the member's language.
    pub fn text_dir(&self) -> &'static str {
        self.letter.lang.dir()
    }
}

impl SignFormPage for InvitePage<'_> {
    fn snapshot(&self) -> &LetterSnapshot {
        self.snapshot
    }

    fn invited_member(&self) -> Option<&str> {
        Some(self.member_name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_get_thousands_separators() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(2431), "2,431");
        assert_eq!(thousands(1234567), "1,234,567");
    }
}
