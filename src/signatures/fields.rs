//! A signer's optional fields (title, city, ...), declared once.
//!
//! `signer_fields!` below is the one list. From it come: the raw form values
//! (`SignerTextForm`, part of `SignatureFields`), their checking (`SignerText::check`), the
//! stored values (`SignerText`, embedded in `SignerDetails` and `SignatureRecord`, so storing,
//! erasing on withdrawal and reading follow), the public subset (`PublicSignerText`, in
//! `PublicSignatory`), the form's inputs in their order (`form_order`, rendered by
//! templates/sign_fields.html on the letter page, the embed and the invite page alike), the
//! public signatory line, the staff export's columns (CSV and JSON; the partner file names
//! the few it gives) and the moderators' view of a signature. The name, email and organization have rules of their own
//! (required, normalized, compared) and are written out where they are used.
//!
//! What the public box's hint says becomes public is prose in each language; each catalog
//! lists, in a `.fields` attribute of `list-publicly-hint` and `list-org-publicly-hint`, the
//! public fields its prose names, and a test fails when that list and this one disagree.

use diesel::prelude::*;
use serde::{Deserialize, Serialize};

use super::form::FieldErrors;
use crate::db::schema::signatures;

/// How a field's text is checked (the rules of `crate::values::text`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Rule {
    /// One line of text.
    OneLine,
    /// Free text that may hold line breaks (a textarea).
    MultiLine,
    /// A web address: `example.org` becomes `https://example.org`.
    Web,
}

/// Which signers the form asks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Asked {
    /// People and organizations.
    Everyone,
    /// Only organizations (the input shows on letters that take organizations).
    Organizations,
    /// Everyone, on letters that take comments (`Letter::comments`); elsewhere the form
    /// does not ask it, a value sent anyway is dropped, and stored ones are not shown.
    WhereCommentsAre,
}

/// Where a public field goes on the one line under a signatory's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OnLine {
    /// Not on the line (a comment, a website: shown apart, or not at all).
    No,
    /// A part of its own, `·`-separated.
    Part,
    /// Part of the place, `, `-separated (`Lyon, France`).
    Place,
}

/// Everything about one optional signer field but its name's place in the structs.
#[derive(Clone, Copy, Debug)]
pub struct FieldSpec {
    /// The form field, the column of `signatures` and the export column.
    pub name: &'static str,
    /// The most characters it holds.
    pub max: usize,
    pub rule: Rule,
    /// Whether a listed signatory shows it to the public.
    pub public: bool,
    pub asked: Asked,
    pub on_line: OnLine,
    /// The Fluent id of the input's label.
    pub label: &'static str,
    /// The input's `autocomplete` token; empty for none.
    pub autocomplete: &'static str,
    /// Shares a row with the next field on wide screens (city and country).
    pub paired_with_next: bool,
    /// The label on the moderators' page (the console is in English).
    pub staff_label: &'static str,
}

impl FieldSpec {
    /// A field with the usual choices: one line, 200 characters, asked of everyone, not on
    /// the public line, full width. `public` is set by the list it is in.
    pub const fn new(label: &'static str, staff_label: &'static str) -> FieldSpec {
        FieldSpec {
            name: "",
            max: 200,
            rule: Rule::OneLine,
            public: false,
            asked: Asked::Everyone,
            on_line: OnLine::No,
            label,
            autocomplete: "",
            paired_with_next: false,
            staff_label,
        }
    }

    /// The text as stored, or an error on the field.
    fn check(&self, raw: &str, errors: &mut FieldErrors) -> Option<String> {
        use crate::values::text;
        let checked = match self.rule {
            Rule::OneLine => text::one_line(raw, self.max),
            Rule::MultiLine => text::multi_line(raw, self.max),
            Rule::Web => text::web_address(raw, self.max),
        };
        checked
            .inspect_err(|error| {
                errors.insert(self.name, (*error).into());
            })
            .ok()
            .flatten()
    }
}

/// Generates the structs and the list from the fields below. `public` fields show on the
/// letter's pages and in the public API for a signer who ticked "list me"; `private` ones
/// only to staff and in exports.
macro_rules! signer_fields {
    (
        public { $($public:ident: $public_spec:expr,)* }
        private { $($private:ident: $private_spec:expr,)* }
    ) => {
        /// Every optional field, in export order.
        pub const FIELDS: &[FieldSpec] = &[
            $(FieldSpec { name: stringify!($public), public: true, ..$public_spec },)*
            $(FieldSpec { name: stringify!($private), public: false, ..$private_spec },)*
        ];

        /// The optional fields as the form (or the JSON API) sent them.
        #[derive(Clone, Debug, Default, Deserialize)]
        #[serde(default)]
        pub struct SignerTextForm {
            $(pub $public: String,)*
            $(pub $private: String,)*
        }

        /// The optional fields as stored: checked, `None` when left empty.
        #[derive(
            Clone, Debug, Default, PartialEq, Eq, Queryable, Selectable, Insertable, AsChangeset,
        )]
        #[diesel(table_name = signatures, treat_none_as_null = true)]
        pub struct SignerText {
            $(pub $public: Option<String>,)*
            $(pub $private: Option<String>,)*
        }

        /// What the public may see of the optional fields.
        #[derive(Clone, Debug, Default, Queryable, Selectable, Serialize)]
        #[diesel(table_name = signatures)]
        pub struct PublicSignerText {
            $(pub $public: Option<String>,)*
        }

        impl SignerTextForm {
            /// A field's value by name; empty for a name that is not one of them.
            pub fn get(&self, name: &str) -> &str {
                match name {
                    $(stringify!($public) => &self.$public,)*
                    $(stringify!($private) => &self.$private,)*
                    _ => "",
                }
            }

            /// Sets a field by name (tests and generated forms); false for an unknown name.
            pub fn set(&mut self, name: &str, value: String) -> bool {
                match name {
                    $(stringify!($public) => self.$public = value,)*
                    $(stringify!($private) => self.$private = value,)*
                    _ => return false,
                }
                true
            }
        }

        impl SignerText {
            /// Checks each field by its rule, noting each problem in `errors`.
            pub fn check(form: &SignerTextForm, errors: &mut FieldErrors) -> SignerText {
                SignerText {
                    $($public: spec(stringify!($public)).check(&form.$public, errors),)*
                    $($private: spec(stringify!($private)).check(&form.$private, errors),)*
                }
            }

            /// A field's value by name.
            pub fn get(&self, name: &str) -> Option<&str> {
                match name {
                    $(stringify!($public) => self.$public.as_deref(),)*
                    $(stringify!($private) => self.$private.as_deref(),)*
                    _ => None,
                }
            }

            /// Each field's value from `value`, given the field's name.
            pub fn from_fn(mut value: impl FnMut(&'static str) -> Option<String>) -> SignerText {
                SignerText {
                    $($public: value(stringify!($public)),)*
                    $($private: value(stringify!($private)),)*
                }
            }
        }

        impl PublicSignerText {
            /// A public field's value by name.
            pub fn get(&self, name: &str) -> Option<&str> {
                match name {
                    $(stringify!($public) => self.$public.as_deref(),)*
                    _ => None,
                }
            }
        }
    };
}

signer_fields! {
    public {
        title: FieldSpec {
            on_line: OnLine::Part,
            autocomplete: "organization-title",
            ..FieldSpec::new("title-label", "Title")
        },
        city: FieldSpec {
            max: 100,
            on_line: OnLine::Place,
            autocomplete: "address-level2",
            paired_with_next: true,
            ..FieldSpec::new("city-label", "City")
        },
        country: FieldSpec {
            max: 100,
            on_line: OnLine::Place,
            autocomplete: "country-name",
            ..FieldSpec::new("country-label", "Country")
        },
        comment: FieldSpec {
            max: 1000,
            rule: Rule::MultiLine,
            asked: Asked::WhereCommentsAre,
            ..FieldSpec::new("comment-label", "Comment")
        },
        website: FieldSpec {
            max: crate::values::text::WEBSITE_MAX,
            rule: Rule::Web,
            asked: Asked::Organizations,
            autocomplete: "url",
            ..FieldSpec::new("website-label", "Website")
        },
    }
    private {}
}

/// The spec of a field of the list (the macro only asks for names it declared).
fn spec(name: &str) -> &'static FieldSpec {
    FIELDS
        .iter()
        .find(|field| field.name == name)
        .unwrap_or(&FIELDS[0])
}

/// Whether `letter`'s form asks `field` (organizations' fields are asked of organizations
/// only, and shown to them by the form itself).
pub fn asked_on(field: &FieldSpec, letter: &crate::letters::Letter) -> bool {
    match field.asked {
        Asked::Everyone => true,
        Asked::Organizations => letter.accepts_organizations,
        Asked::WhereCommentsAre => letter.comments,
    }
}

/// Empties the fields `letter` does not ask (a comment posted to a letter without comments,
/// by a stale form or the API) before they are checked: the signer was not asked, so what
/// they sent is neither stored nor a reason to refuse. Every entry point calls this.
pub fn keep_asked(form: &mut SignerTextForm, letter: &crate::letters::Letter) {
    for field in FIELDS {
        if !asked_on(field, letter) {
            form.set(field.name, String::new());
        }
    }
}

/// The optional fields top to bottom as the form shows them: one-line fields, then web
/// addresses, then free text (so the comment box comes last).
pub fn form_order() -> Vec<&'static FieldSpec> {
    let rank = |field: &&FieldSpec| match field.rule {
        Rule::OneLine => 0,
        Rule::Web => 1,
        Rule::MultiLine => 2,
    };
    let mut fields: Vec<&FieldSpec> = FIELDS.iter().collect();
    fields.sort_by_key(rank);
    fields
}

/// The public fields that the public box's hint must name for a signer of this kind: the
/// name, the organization, and the public optional fields asked of them.
pub fn named_public(organizations_only: bool) -> Vec<&'static str> {
    let mut names = vec!["name", "organization"];
    names.extend(
        FIELDS
            .iter()
            .filter(|field| field.public)
            .filter(|field| organizations_only || field.asked != Asked::Organizations)
            .map(|field| field.name),
    );
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_name_resolves_to_its_own_spec() {
        for field in FIELDS {
            assert_eq!(spec(field.name).name, field.name);
            let mut form = SignerTextForm::default();
            assert!(form.set(field.name, "x".into()), "{}", field.name);
            assert_eq!(form.get(field.name), "x");
        }
    }

    /// Each field's label is a message of the English catalog (and so, by the catalog's own
    /// test, of every language).
    #[test]
    fn every_field_has_a_label_in_english() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en");
        let mut ids = Vec::new();
        for entry in std::fs::read_dir(&root).expect("locales/en") {
            let source = std::fs::read_to_string(entry.expect("a catalog").path()).expect("text");
            let resource =
                fluent_syntax::parser::parse(source).unwrap_or_else(|(resource, _)| resource);
            for entry in resource.body {
                if let fluent_syntax::ast::Entry::Message(message) = entry {
                    ids.push(message.id.name);
                }
            }
        }
        for field in FIELDS {
            assert!(
                ids.iter().any(|id| id == field.label),
                "{}: no message {} in locales/en",
                field.name,
                field.label
            );
        }
    }

    /// The prose of each catalog's public-box hints names what becomes public; its `.fields`
    /// attribute says which fields it names, and must be the public fields of the list.
    #[test]
    fn the_public_box_hints_name_every_public_field() {
        use fluent_syntax::ast;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("locales");
        let mut checked = 0;
        for entry in std::fs::read_dir(&root).expect("locales/") {
            let directory = entry.expect("a locale").path();
            for file in ["form.ftl", "pages.ftl"] {
                let source = std::fs::read_to_string(directory.join(file)).expect("a catalog");
                let resource =
                    fluent_syntax::parser::parse(source).unwrap_or_else(|(resource, _)| resource);
                for entry in &resource.body {
                    let ast::Entry::Message(message) = entry else {
                        continue;
                    };
                    let organizations_only = match message.id.name.as_str() {
                        "list-publicly-hint" => false,
                        "list-org-publicly-hint" => true,
                        _ => continue,
                    };
                    let listed: Vec<String> = message
                        .attributes
                        .iter()
                        .find(|attribute| attribute.id.name == "fields")
                        .and_then(|attribute| attribute.value.elements.first())
                        .map(|element| match element {
                            ast::PatternElement::TextElement { value } => {
                                value.split_whitespace().map(str::to_owned).collect()
                            }
                            _ => Vec::new(),
                        })
                        .unwrap_or_default();
                    let mut listed = listed;
                    listed.sort();
                    let mut expected: Vec<String> = named_public(organizations_only)
                        .into_iter()
                        .map(str::to_owned)
                        .collect();
                    expected.sort();
                    assert_eq!(
                        listed,
                        expected,
                        "{}/{file}: {} must name every public field (and list them in its \
                         .fields attribute)",
                        directory.display(),
                        message.id.name
                    );
                    checked += 1;
                }
            }
        }
        assert!(checked >= 2, "no public-box hint found");
    }
}
