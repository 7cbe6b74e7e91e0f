//! The console's language picker: the known languages (`LanguageTag::known`), each in its
//! own name, so staff choose a language instead of typing a tag ("Hebrew" once became the
//! tag `hebrew`, which no address reaches).

use crate::i18n::LanguageTag;

/// One `<option>` of a language picker.
pub(crate) struct LanguageChoice {
    /// The canonical tag, the option's value and its `lang`.
    pub tag: String,
    /// The language's name in itself (`עברית`).
    pub name: String,
    pub dir: &'static str,
    pub selected: bool,
}

/// The known languages but those in `leave_out` (a letter's original and its translations),
/// with `selected` (as posted or asked for) chosen when it is one of them.
pub(crate) fn choices(selected: &str, leave_out: &[LanguageTag]) -> Vec<LanguageChoice> {
    let selected = LanguageTag::parse(selected);
    LanguageTag::known()
        .iter()
        .filter(|tag| !leave_out.contains(tag))
        .map(|tag| LanguageChoice {
            tag: tag.as_str(),
            name: tag.own_name(),
            dir: tag.dir(),
            selected: selected.as_ref() == Some(tag),
        })
        .collect()
}

/// `lang` and `dir` for a field holding text in `lang`: the tag and its direction when it is
/// a language a text can be kept in, else no `lang` and `dir="auto"` (the browser follows
/// the first strong character), so Hebrew typed into an undecided field still reads right.
pub(crate) fn text_direction(lang: &str) -> (String, &'static str) {
    match LanguageTag::parse_routable(lang) {
        Some(tag) => (tag.as_str(), tag.dir()),
        None => (String::new(), "auto"),
    }
}

/// The refusal for a language not picked from the list.
pub(crate) const PICK_FROM_THE_LIST: &str = "Choose the language from the list.";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_picker_leaves_out_the_letters_languages_and_names_each_in_itself() {
        let taken: Vec<LanguageTag> = ["en", "ar"]
            .iter()
            .filter_map(|tag| LanguageTag::parse(tag))
            .collect();
        let list = choices("HE", &taken);
        assert!(
            list.iter()
                .all(|choice| choice.tag != "en" && choice.tag != "ar")
        );
        let hebrew = list.iter().find(|choice| choice.tag == "he").expect("he");
        assert!(hebrew.selected && hebrew.dir == "rtl" && hebrew.name == "עברית");
        assert_eq!(list.iter().filter(|choice| choice.selected).count(), 1);
        assert_eq!(text_direction("Hebrew"), (String::new(), "auto"));
        assert_eq!(text_direction("ar"), ("ar".to_owned(), "rtl"));
    }
}
