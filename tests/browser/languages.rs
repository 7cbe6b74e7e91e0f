//! A link shared in Hebrew or in Arabic, followed on a phone the way a new signer follows it:
//! reading, signing, the "check your email" page, the confirmation email, confirming, the
//! share step and its card, the letter with the name on it, withdrawing; then switching to
//! English. On every page and in the email no English of the letter or of the interface may
//! show, and every element holding the letter's text or the signer's name must sit under the
//! right `lang` and read right to left.
//!
//! The test collects every problem on the way and fails once at the end, listing each with
//! the page and the text found, so that one run shows all that is left to translate.
//! The other pages such a reader reaches (index, embed, versions, resend, privacy) are checked
//! the same way. Screenshots: `target/screenshots/languages-{he,ar}-NN-{step}.png` (the whole
//! page at a phone's width) and `languages-{he,ar}-card.png`.

use std::path::Path;
use std::time::{Duration, Instant};

use fantoccini::{Client, Locator};
use serde_json::json;
use undersigned::i18n::catalog::Tr;

use super::{
    App, ChromeDriver, PUBLIC_URL, WAIT, axe_check, axe_source, click, fill, require_browser,
    save_png, screenshot_dir, set_viewport, spawn_app, wait_until_loaded,
};

const SLUG: &str = "dear-president";
const PHONE: (u32, u32) = (390, 844);

/// A new signer who reads the letter in `lang` and writes their name in its script.
struct Reader {
    lang: &'static str,
    name: &'static str,
    email: &'static str,
}

const READERS: [Reader; 2] = [
    Reader {
        lang: "he",
        name: "נועה כהן",
        email: "noa@people.test",
    },
    Reader {
        lang: "ar",
        name: "ليلى حداد",
        email: "layla@people.test",
    },
];

/// A text of the letter as its file in `examples/` has it.
struct LetterText {
    title: String,
    addressee: String,
    summary: String,
    /// The body's sentences and list items (split where the Markdown changes style).
    fragments: Vec<String>,
}

impl LetterText {
    fn read(file: &str) -> LetterText {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples")
            .join(file);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
        let mut parts = text.splitn(3, "+++");
        let (_, front, body) = (parts.next(), parts.next(), parts.next());
        let front = front.unwrap_or_else(|| panic!("{file} has no front matter"));
        let field = |name: &str| {
            front
                .lines()
                .find_map(|line| line.strip_prefix(&format!("{name} = ")))
                .map(|value| value.trim().trim_matches('"').to_owned())
                .unwrap_or_else(|| panic!("{file} has no {name}"))
        };
        let fragments = body
            .unwrap_or_default()
            .lines()
            .flat_map(|line| line.split("**"))
            .map(|fragment| {
                let fragment = fragment.trim();
                // A list item's marker is the list's, not the text's.
                fragment
                    .split_once(". ")
                    .filter(|(number, _)| number.bytes().all(|byte| byte.is_ascii_digit()))
                    .map_or(fragment, |(_, rest)| rest)
                    .trim()
                    .to_owned()
            })
            .filter(|fragment| fragment.chars().count() >= 12)
            .collect();
        LetterText {
            title: field("title"),
            addressee: field("addressee"),
            summary: field("summary"),
            fragments,
        }
    }

    /// Every piece of this text a page may show.
    fn all(&self) -> Vec<String> {
        let mut all = vec![
            self.title.clone(),
            self.addressee.clone(),
            self.summary.clone(),
        ];
        all.extend(self.fragments.iter().cloned());
        all
    }
}

/// The English interface as the catalogs word it: each stretch of text between the values
/// of every message in `locales/en/*.ftl` (and of each plural form), where it is at least
/// two words; single words ("Email", "Goal") would also match names and addresses.
fn english_interface() -> Vec<String> {
    use fluent_syntax::ast::{Entry, Expression, InlineExpression, Pattern, PatternElement};

    fn flush(current: &mut String, found: &mut Vec<String>) {
        let stretch = current.trim().trim_end_matches(':').trim().to_owned();
        if stretch.split_whitespace().count() >= 2 && stretch.chars().count() >= 6 {
            found.push(stretch);
        }
        current.clear();
    }

    fn stretches(pattern: &Pattern<&str>, found: &mut Vec<String>) {
        let mut current = String::new();
        for element in &pattern.elements {
            match element {
                PatternElement::TextElement { value } => current.push_str(value),
                PatternElement::Placeable {
                    expression: Expression::Inline(InlineExpression::StringLiteral { value }),
                } => current.push_str(value),
                PatternElement::Placeable {
                    expression: Expression::Select { variants, .. },
                } => {
                    flush(&mut current, found);
                    for variant in variants {
                        stretches(&variant.value, found);
                    }
                }
                PatternElement::Placeable { .. } => flush(&mut current, found),
            }
        }
        flush(&mut current, found);
    }

    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("locales/en");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&directory).expect("read locales/en") {
        let path = entry.expect("a catalog file").path();
        if path.extension().is_none_or(|extension| extension != "ftl") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("read the catalog");
        let resource = fluent_syntax::parser::parse(source.as_str())
            .unwrap_or_else(|(_, errors)| panic!("{}: {errors:?}", path.display()));
        for entry in &resource.body {
            if let Entry::Message(message) = entry
                && message.id.name != "language-name"
                && let Some(pattern) = &message.value
            {
                stretches(pattern, &mut found);
            }
        }
    }
    // The share script's words, until they come from the catalogs; an email's greeting.
    found.extend(["Copied", "The link is copied.", "Hello"].map(str::to_owned));
    found.sort();
    found.dedup();
    found
}

/// Everything English the journey must not show: the interface and the English letter.
fn forbidden_english(letter: &LetterText) -> Vec<String> {
    let mut forbidden = english_interface();
    assert!(
        forbidden.len() > 100,
        "too few English strings read from the catalogs: {forbidden:?}"
    );
    forbidden.extend(letter.all());
    forbidden
}

/// What a page or an email must be: its language and direction, the English it must not
/// show, and the user texts (the letter's, the signer's name) that must sit under `lang`.
struct Expect<'a> {
    lang: &'a str,
    dir: &'a str,
    forbidden: &'a [String],
    user_texts: &'a [String],
}

/// Reads the page as shown: its `lang`/`dir`, any forbidden text in what it shows (text,
/// title, labels, alternative texts, preview tags), and for each user text the innermost
/// elements holding it, with their `lang` (from the element or its nearest ancestor) and
/// computed direction.
const READ_PAGE: &str = r#"
const [forbidden, userTexts, lang, dir] = arguments;
const norm = text => (text || '').replace(/[\u2018\u2019]/g, "'").replace(/[\u201c\u201d]/g, '"')
  .replace(/[\u2066-\u2069\u200e\u200f]/g, '').replace(/\s+/g, ' ').trim();
const shown = [['the title bar', document.title], ['the page', document.body ? document.body.innerText : '']];
for (const element of document.querySelectorAll('[aria-label], [title], [placeholder], [alt], meta[content], [data-title], input[type=submit], input[type=button]')) {
  for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'content', 'data-title', 'value']) {
    const value = element.getAttribute(name);
    if (value && (name !== 'value' || element.type === 'submit' || element.type === 'button')) {
      const property = element.getAttribute('property') || element.getAttribute('name');
      shown.push([`<${element.tagName.toLowerCase()}${property ? ' ' + property : ''}> ${name}`, value]);
    }
  }
}
const english = [];
// Case aside: a style may set a text in capitals (the addressee is).
for (const [where, text] of shown) {
  const normal = norm(text);
  for (const phrase of forbidden) {
    const at = normal.toLowerCase().indexOf(norm(phrase).toLowerCase());
    if (at >= 0) {
      english.push({ where, phrase, context: normal.slice(Math.max(0, at - 50), at + phrase.length + 50) });
    }
  }
}
const describe = element => {
  const parts = [];
  for (let at = element; at && at !== document.body && parts.length < 4; at = at.parentElement) {
    let part = at.tagName.toLowerCase();
    if (at.id) { part += '#' + at.id; }
    if (typeof at.className === 'string' && at.className.trim()) { part += '.' + at.className.trim().split(/\s+/).join('.'); }
    parts.unshift(part);
  }
  return parts.join(' > ');
};
const elements = document.body
  ? [...document.body.querySelectorAll('*')].filter(element => !element.closest('script, style, template, noscript'))
  : [];
const wrong = [];
const present = [];
for (const text of userTexts) {
  const needle = norm(text);
  const holders = elements.filter(element => norm(element.textContent).includes(needle)
    && ![...element.children].some(child => norm(child.textContent).includes(needle)));
  if (holders.length > 0) { present.push(text); }
  for (const element of holders) {
    const marked = element.closest('[lang]');
    const found = marked ? marked.getAttribute('lang') : '(none)';
    const direction = getComputedStyle(element).direction;
    if (found.split('-')[0].toLowerCase() !== lang || direction !== dir) {
      wrong.push({ text: needle.slice(0, 40), element: describe(element), lang: found, direction });
    }
  }
}
// A web address shown as text must read left to right, or a wrapped one puts its hyphens
// and slashes at the wrong ends of the lines.
const addresses = [];
if (document.body) {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode;
    const element = node.parentElement;
    if (/^https?:\/\/\S+$/.test(norm(node.textContent)) && getComputedStyle(element).direction !== 'ltr') {
      addresses.push({ text: norm(node.textContent).slice(0, 40), element: describe(element) });
    }
  }
}
// A date or a user's value drawn in pieces with other text between them on one line: the
// text around it took it into its own direction (the bidi algorithm bridges neutrals between
// two left-to-right runs across an isolate), and the line reads scrambled.
const split = [];
for (const element of document.querySelectorAll('time, bdi')) {
  const rects = [...element.getClientRects()].filter(rect => rect.width > 0)
    .sort((a, b) => a.top - b.top || a.left - b.left);
  for (let at = 1; at < rects.length; at++) {
    const [before, after] = [rects[at - 1], rects[at]];
    if (Math.abs(before.top - after.top) < 2 && after.left - before.right > 6) {
      split.push({ text: norm(element.textContent).slice(0, 60), element: describe(element) });
      break;
    }
  }
}
return {
  url: location.href,
  addresses,
  split,
  lang: document.documentElement.getAttribute('lang') || '',
  dir: document.documentElement.getAttribute('dir') || '',
  english, wrong, present,
};
"#;

/// What the share step shows and copies: the Copy button is pressed with the clipboard
/// watched, so the text it copies is what this returns as `copied`.
const READ_SHARE_STEP: &str = r#"
const done = arguments[arguments.length - 1];
const field = document.getElementById('share-url');
const copy = document.getElementById('share-copy');
const status = document.getElementById('share-copy-status');
const native = document.getElementById('share-native');
if (!field) { done({ missing: true }); return; }
window.copiedText = null;
if (navigator.clipboard) {
  navigator.clipboard.writeText = text => { window.copiedText = text; return Promise.resolve(); };
}
document.addEventListener('copy', () => { window.copiedText = String(document.getSelection()); });
const links = [...document.querySelectorAll('.share-links a')].map(link => {
  let href = link.getAttribute('href');
  try { href = decodeURIComponent(href); } catch (error) { /* keep it as it is */ }
  return { name: link.textContent.trim(), href };
});
const answer = () => ({
  url: field.value,
  copied: window.copiedText,
  button: copy ? copy.textContent.trim() : null,
  button_shown: copy ? !copy.hidden : false,
  status: status ? status.textContent.trim() : null,
  title: native ? native.getAttribute('data-title') : null,
  links,
});
if (!copy || copy.hidden) { done(answer()); return; }
copy.click();
const started = Date.now();
const wait = () => {
  if ((status && status.textContent.trim()) || Date.now() - started > 5000) { done(answer()); }
  else { setTimeout(wait, 50); }
};
wait();
"#;

/// An email as the file transport wrote it.
struct Mail {
    subject: String,
    text: String,
    html: String,
}

impl App {
    /// The emails to `address`, once there are `count`.
    async fn mails_to(&self, address: &str, count: usize) -> Vec<Mail> {
        let deadline = Instant::now() + WAIT;
        loop {
            let mut found: Vec<(std::time::SystemTime, Mail)> = std::fs::read_dir(&self.mail_dir)
                .into_iter()
                .flatten()
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|path| path.extension().is_some_and(|extension| extension == "eml"))
                .filter_map(|path| {
                    let raw = std::fs::read(&path).ok()?;
                    let message = mail_parser::MessageParser::default().parse(&raw)?;
                    let to = message.to()?.first()?.address()?.to_owned();
                    let written = std::fs::metadata(&path).ok()?.modified().ok()?;
                    to.eq_ignore_ascii_case(address).then(|| {
                        let mail = Mail {
                            subject: message.subject().unwrap_or_default().to_owned(),
                            text: message.body_text(0).map(Into::into).unwrap_or_default(),
                            html: message.body_html(0).map(Into::into).unwrap_or_default(),
                        };
                        (written, mail)
                    })
                })
                .collect();
            if found.len() >= count {
                found.sort_by_key(|(written, _)| *written);
                return found.into_iter().map(|(_, mail)| mail).collect();
            }
            assert!(Instant::now() < deadline, "no email to {address}");
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Mail {
    /// The path of the first link whose path holds `part` (`/verify/`), as sent.
    fn link(&self, part: &str) -> String {
        self.text
            .split_whitespace()
            .filter_map(|word| word.strip_prefix(PUBLIC_URL))
            .find(|path| path.contains(part))
            .unwrap_or_else(|| panic!("no {part} link in the email:\n{}", self.text))
            .to_owned()
    }
}

/// The path of a URL (`http://127.0.0.1:1234/he/letters/x` gives `/he/letters/x`).
fn path_of(url: &str) -> String {
    url.split_once("://")
        .and_then(|(_, rest)| rest.find('/').map(|slash| rest[slash..].to_owned()))
        .unwrap_or_else(|| url.to_owned())
}

/// One reader's way through the site, with what went wrong on it.
struct Journey<'a> {
    address: &'a str,
    client: &'a Client,
    axe: &'a str,
    lang: &'static str,
    step: usize,
    problems: Vec<String>,
    violations: Vec<String>,
}

impl Journey<'_> {
    fn problem(&mut self, page: &str, what: String) {
        self.problems
            .push(format!("[{}] {page}: {what}", self.lang));
    }

    /// Waits until the page shows one of `texts` (the expected words in the reader's
    /// language, or the same in English: a page in the wrong language is a problem the
    /// check reports, not a reason to stop the journey).
    async fn wait_for_any(&mut self, page: &str, texts: &[String]) {
        let deadline = Instant::now() + WAIT;
        loop {
            let text = super::page_text(self.client).await;
            if texts
                .iter()
                .any(|expected| text.contains(expected.as_str()))
            {
                return;
            }
            if Instant::now() > deadline {
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|url| url.to_string())
                    .unwrap_or_default();
                panic!(
                    "[{}] {page}: never showed {texts:?}; at {url}:\n{text}",
                    self.lang
                );
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Checks the page as shown against `expect`, screenshots the whole of it at a phone's
    /// width, and (with `axe`) runs axe-core on it. Returns the user texts it shows.
    async fn look(&mut self, page: &str, expect: &Expect<'_>, axe: bool) -> Vec<String> {
        wait_until_loaded(self.client).await;
        let read = self
            .client
            .execute(
                READ_PAGE,
                vec![
                    json!(expect.forbidden),
                    json!(expect.user_texts),
                    json!(expect.lang),
                    json!(expect.dir),
                ],
            )
            .await
            .unwrap_or_else(|error| panic!("read {page}: {error}"));
        let place = format!("{page} ({})", path_of(read["url"].as_str().unwrap_or("?")));
        if read["lang"].as_str().unwrap_or_default().split('-').next() != Some(expect.lang)
            || read["dir"] != json!(expect.dir)
        {
            self.problem(
                &place,
                format!(
                    "<html lang={} dir={}>, not {}/{}",
                    read["lang"], read["dir"], expect.lang, expect.dir
                ),
            );
        }
        for found in read["english"].as_array().into_iter().flatten() {
            self.problem(
                &place,
                format!(
                    "English {} in {}: …{}…",
                    found["phrase"],
                    found["where"].as_str().unwrap_or("?"),
                    found["context"].as_str().unwrap_or("?")
                ),
            );
        }
        for wrong in read["wrong"].as_array().into_iter().flatten() {
            self.problem(
                &place,
                format!(
                    "{} in <{}> has lang={} and reads {}",
                    wrong["text"],
                    wrong["element"].as_str().unwrap_or("?"),
                    wrong["lang"],
                    wrong["direction"]
                ),
            );
        }
        for split in read["split"].as_array().into_iter().flatten() {
            self.problem(
                &place,
                format!(
                    "{} in <{}> is drawn in pieces with other text between them",
                    split["text"],
                    split["element"].as_str().unwrap_or("?")
                ),
            );
        }
        for address in read["addresses"].as_array().into_iter().flatten() {
            self.problem(
                &place,
                format!(
                    "the address {} in <{}> reads right to left",
                    address["text"],
                    address["element"].as_str().unwrap_or("?")
                ),
            );
        }
        self.step += 1;
        self.screenshot(&format!("languages-{}-{:02}-{page}", self.lang, self.step))
            .await;
        if axe {
            axe_check(
                self.client,
                self.axe,
                &format!("[{}] {place}", self.lang),
                &mut self.violations,
            )
            .await;
            set_viewport(self.client, PHONE.0, PHONE.1).await;
        }
        read["present"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|text| text.as_str().map(str::to_owned))
            .collect()
    }

    /// The whole page at a phone's width.
    async fn screenshot(&self, name: &str) {
        let height = self
            .client
            .execute(
                "return Math.ceil(document.documentElement.scrollHeight);",
                vec![],
            )
            .await
            .ok()
            .and_then(|value| value.as_u64())
            .and_then(|value| u32::try_from(value).ok())
            .unwrap_or(PHONE.1)
            .clamp(PHONE.1, 6000);
        set_viewport(self.client, PHONE.0, height).await;
        let png = self.client.screenshot().await.expect("screenshot");
        save_png(&screenshot_dir().join(format!("{name}.png")), &png);
        set_viewport(self.client, PHONE.0, PHONE.1).await;
    }

    /// The page an emailed link opens on a device that knows nothing of the reader (an
    /// English browser, no cookie, no script, as a mail app's preview or a link scanner
    /// opens it): the link alone must carry the language the signer signed in.
    async fn check_link_elsewhere(&mut self, page: &str, path: &str, forbidden: &[String]) {
        let place = format!("{page} in an English browser ({path})");
        let mut response = awc::Client::default()
            .get(format!("{}{path}", self.address))
            .insert_header(("Accept-Language", "en-US,en;q=0.9"))
            .send()
            .await
            .unwrap_or_else(|error| panic!("fetch {path}: {error}"));
        let html = response.body().await.expect("the page");
        let html = String::from_utf8_lossy(&html);
        let opening = format!("<html lang=\"{}\" dir=\"rtl\"", self.lang);
        if !html.contains(&opening) {
            let found = html
                .lines()
                .find(|line| line.contains("<html"))
                .unwrap_or("?");
            self.problem(&place, format!("is not in {}: {found}", self.lang));
        }
        let shown = regex::Regex::new(r"(?s)<[^>]*>")
            .expect("a pattern for tags")
            .replace_all(&html, " ")
            .replace("&#39;", "'")
            .replace("&#x27;", "'")
            .replace("&quot;", "\"")
            .replace("&amp;", "&");
        let shown = shown.split_whitespace().collect::<Vec<_>>().join(" ");
        let english: Vec<&str> = forbidden
            .iter()
            .filter(|phrase| shown.contains(phrase.as_str()))
            .map(String::as_str)
            .collect();
        if !english.is_empty() {
            self.problem(&place, format!("English {english:?}"));
        }
    }

    /// The address shown must keep the reader's `/{lang}/`.
    async fn expect_address_in_language(&mut self, page: &str) {
        let url = self
            .client
            .current_url()
            .await
            .map(|url| url.to_string())
            .unwrap_or_default();
        let path = path_of(&url);
        if !path.starts_with(&format!("/{}/", self.lang)) {
            self.problem(page, format!("the address drops the language: {path}"));
        }
    }

    /// The share step: the link shown and copied is the letter's in this language, the
    /// title shared is the translation's, every network's link carries both.
    async fn check_share_step(
        &mut self,
        page: &str,
        letter: &LetterText,
        english: &LetterText,
    ) -> Option<String> {
        let share = self
            .client
            .execute_async(READ_SHARE_STEP, vec![])
            .await
            .unwrap_or_else(|error| panic!("read the share step on {page}: {error}"));
        if share["missing"] == json!(true) {
            self.problem(page, "no share step".to_owned());
            return None;
        }
        let expected = format!("{PUBLIC_URL}/{}/letters/{SLUG}", self.lang);
        if share["url"] != json!(expected) {
            self.problem(
                page,
                format!("the link to share is {}, not {expected}", share["url"]),
            );
        }
        if share["button_shown"] == json!(true) && share["copied"] != json!(expected) {
            self.problem(
                page,
                format!("the Copy button copies {}, not {expected}", share["copied"]),
            );
        }
        if share["title"] != json!(letter.title) {
            self.problem(
                page,
                format!(
                    "the title shared is {}, not {:?}",
                    share["title"], letter.title
                ),
            );
        }
        // Each network's link, by what is wrong with it: one line each, with an example.
        let lang_path = format!("/{}/letters/{SLUG}", self.lang);
        let mut wrong: Vec<(&str, Vec<&str>, &str)> = vec![
            ("drop the language", Vec::new(), ""),
            ("share the English title", Vec::new(), ""),
            ("lack the title", Vec::new(), ""),
        ];
        for link in share["links"].as_array().into_iter().flatten() {
            let name = link["name"].as_str().unwrap_or("?");
            let href = link["href"].as_str().unwrap_or_default();
            // Facebook takes the address alone; every other network gets the title too.
            let faults = [
                !href.contains(&lang_path),
                href.contains(&english.title),
                name != "Facebook" && !href.contains(&letter.title),
            ];
            for (fault, (_, names, example)) in faults.into_iter().zip(wrong.iter_mut()) {
                if fault {
                    names.push(name);
                    *example = href;
                }
            }
        }
        for (what, names, example) in wrong {
            if !names.is_empty() {
                let example = example.replace('\n', " ");
                self.problem(
                    page,
                    format!("share links {what}: {} (e.g. {example})", names.join(", ")),
                );
            }
        }
        share["copied"]
            .as_str()
            .or(share["url"].as_str())
            .map(str::to_owned)
    }
}

/// On a phone, in Hebrew and then in Arabic, a new signer follows the shared `/{lang}/` link
/// through reading, signing, the check-email page, the confirmation email, confirming, the
/// share step and its card, the letter and the signatories with their name, and withdrawing,
/// and sees no English of the letter or the interface on any page or in the email; every
/// element with the letter's text or their name is under their `lang` and reads right to
/// left; the switcher's English link then shows the letter in English. axe-core checks every
/// page on the way.
#[actix_web::test]
#[ignore = "needs Chromium, ChromeDriver and axe-core; `bash .ci/test` runs it"]
async fn a_shared_hebrew_or_arabic_link_stays_in_its_language_from_reading_to_withdrawing() {
    require_browser();
    let axe = axe_source();
    let started = Instant::now();
    let directory = tempfile::tempdir().expect("temporary directory");
    let app = spawn_app(directory.path()).await;
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    for file in ["letter.md", "letter.he.md", "letter.ar.md"] {
        std::fs::copy(examples.join(file), directory.path().join(file))
            .unwrap_or_else(|error| panic!("copy {file}: {error}"));
    }
    app.cli(&[
        "letters",
        "import",
        &directory.path().join("letter.md").display().to_string(),
    ]);
    let english = LetterText::read("letter.md");
    let forbidden = forbidden_english(&english);
    let english_texts = english.all();
    let driver = ChromeDriver::start().await;
    let mut problems = Vec::new();
    let mut violations = Vec::new();

    for reader in &READERS {
        let lang = reader.lang;
        let letter = LetterText::read(&format!("letter.{lang}.md"));
        let tr = Tr::for_code(Some(lang));
        let en = Tr::english();
        let words = |id: &str| vec![tr.t(id), en.t(id)];
        let mut user_texts = letter.all();
        user_texts.push(reader.name.to_owned());
        let expect = Expect {
            lang,
            dir: "rtl",
            forbidden: &forbidden,
            user_texts: &user_texts,
        };
        // Screenshots of an earlier run, whose steps may have been numbered otherwise.
        let prefix = format!("languages-{lang}-");
        for entry in std::fs::read_dir(screenshot_dir()).into_iter().flatten() {
            let path = entry.expect("a screenshot").path();
            if path
                .file_name()
                .and_then(|name| name.to_str())
                .is_some_and(|name| name.starts_with(&prefix))
            {
                std::fs::remove_file(&path).expect("remove an old screenshot");
            }
        }
        let client = driver
            .session(&directory.path().join(format!("{lang}-profile")))
            .await;
        set_viewport(&client, PHONE.0, PHONE.1).await;
        let mut journey = Journey {
            address: &app.address,
            client: &client,
            axe: &axe,
            lang,
            step: 0,
            problems: Vec::new(),
            violations: Vec::new(),
        };

        // 1. The shared link: the letter in the reader's language.
        let shared = app.url(&format!("/{lang}/letters/{SLUG}"));
        client.goto(&shared).await.expect("open the shared link");
        journey
            .wait_for_any("letter", &words("add-your-name"))
            .await;
        let shown = journey.look("letter", &expect, true).await;
        for text in [&letter.title, &letter.addressee, &letter.fragments[0]] {
            if !shown.contains(text) {
                journey.problem("letter", format!("does not show {text:?}"));
            }
        }

        // 2. Signing: the form as a person fills it on a phone.
        fill(&client, "#name", reader.name).await;
        fill(&client, "#email", reader.email).await;
        click(&client, Locator::Css("#public")).await;
        journey.step += 1;
        journey
            .screenshot(&format!(
                "languages-{lang}-{:02}-letter-filled",
                journey.step
            ))
            .await;
        click(&client, Locator::Css("#sign-form button[type=submit]")).await;

        // 3. "Check your email", with the share step.
        journey
            .wait_for_any("check-email", &words("check-email"))
            .await;
        wait_until_loaded(&client).await;
        journey.expect_address_in_language("check-email").await;
        journey
            .check_share_step("check-email", &letter, &english)
            .await;
        let shown = journey.look("check-email", &expect, true).await;
        if !shown.contains(&letter.title) {
            journey.problem("check-email", format!("does not name {:?}", letter.title));
        }

        // 4. The confirmation email: its subject and text, then its HTML as a mail app shows it.
        let mail = app
            .mails_to(reader.email, 1)
            .await
            .into_iter()
            .next()
            .expect("the confirmation email");
        for (part, text) in [("subject", &mail.subject), ("text", &mail.text)] {
            for phrase in &forbidden {
                if let Some(at) = text.find(phrase.as_str()) {
                    let context: String = text[at..].chars().take(90).collect();
                    journey.problem(
                        &format!("confirmation email ({part})"),
                        format!("English {phrase:?}: …{context}…"),
                    );
                }
            }
        }
        if !mail.subject.contains(&letter.title) {
            journey.problem(
                "confirmation email (subject)",
                format!("{:?} does not name {:?}", mail.subject, letter.title),
            );
        }
        let verify = mail.link("/verify/");
        let withdraw = mail.link("/withdraw/");
        for link in [&verify, &withdraw] {
            if !link.starts_with(&format!("/{lang}/")) {
                journey.problem(
                    "confirmation email (text)",
                    format!("the link drops the language: {link}"),
                );
            }
        }
        let rendered = directory.path().join(format!("email-{lang}.html"));
        // The mark tells the browser the file is UTF-8, as the email's header tells a mail app.
        std::fs::write(&rendered, format!("\u{feff}{}", mail.html)).expect("write the email");
        client
            .goto(&format!("file://{}", rendered.display()))
            .await
            .expect("open the email's HTML");
        journey.look("email", &expect, false).await;

        // The emailed links on another device: an English browser, no cookie, no script.
        journey
            .check_link_elsewhere("confirm page", &verify, &forbidden)
            .await;
        journey
            .check_link_elsewhere("withdraw page", &withdraw, &forbidden)
            .await;

        // 5. The emailed link, opened: the person presses Confirm; the share step again.
        client.goto(&app.url(&verify)).await.expect("open the link");
        super::press_confirm(&client).await;
        journey
            .wait_for_any("confirmed", &words("signature-confirmed"))
            .await;
        wait_until_loaded(&client).await;
        journey.expect_address_in_language("confirmed").await;
        let copied = journey
            .check_share_step("confirmed", &letter, &english)
            .await;
        journey.look("confirmed", &expect, true).await;

        // 6. The shared address: the name on it, and the preview card the link copied names,
        // in the same language.
        let deadline = Instant::now() + WAIT;
        loop {
            client.goto(&shared).await.expect("open the letter");
            if super::page_text(&client).await.contains(reader.name) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "[{lang}] the name never showed on {shared}"
            );
            actix_web::rt::time::sleep(Duration::from_millis(300)).await;
        }
        let shown = journey.look("letter-signed", &expect, true).await;
        if !shown.iter().any(|text| text == reader.name) {
            journey.problem("letter-signed", format!("does not list {}", reader.name));
        }
        // The link preview of the link copied, as a messaging app fetches it: no cookie, no
        // script, an English server (the link alone must say the language).
        let link = copied.unwrap_or_else(|| format!("{PUBLIC_URL}/{lang}/letters/{SLUG}"));
        let mut response = awc::Client::default()
            .get(app.url(link.strip_prefix(PUBLIC_URL).unwrap_or(&link)))
            .insert_header(("Accept-Language", "en-US,en;q=0.9"))
            .send()
            .await
            .expect("fetch the shared link");
        let html = response.body().await.expect("the shared page");
        let html = String::from_utf8_lossy(&html);
        let tag = |property: &str| {
            regex::Regex::new(&format!(r#"<meta property="{property}" content="([^"]*)""#))
                .expect("a pattern for the tag")
                .captures(&html)
                .and_then(|found| found.get(1))
                .map(|content| content.as_str().replace("&#x2F;", "/"))
        };
        let place = format!("link preview of {link}");
        let preview = json!({ "image": tag("og:image"), "title": tag("og:title") });
        let card = format!("{PUBLIC_URL}/{lang}/letters/{SLUG}/card.png");
        if preview["image"] != json!(card) {
            journey.problem(
                &place,
                format!("og:image is {}, not {card}", preview["image"]),
            );
        }
        if preview["title"] != json!(letter.title) {
            journey.problem(
                &place,
                format!("og:title is {}, not {:?}", preview["title"], letter.title),
            );
        }
        let image = preview["image"].as_str().unwrap_or(&card);
        let image = app.url(image.strip_prefix(PUBLIC_URL).unwrap_or(image));
        let mut response = awc::Client::default()
            .get(&image)
            .send()
            .await
            .expect("fetch the card");
        let png = response
            .body()
            .limit(1024 * 1024)
            .await
            .expect("the card's bytes");
        if response.status() != 200 || !png.starts_with(b"\x89PNG") {
            journey.problem(
                &place,
                format!("the card {image} answers {}", response.status()),
            );
        } else {
            save_png(
                &screenshot_dir().join(format!("languages-{lang}-card.png")),
                &png,
            );
            let mut original = awc::Client::default()
                .get(app.url(&format!("/letters/{SLUG}/card.png")))
                .send()
                .await
                .expect("fetch the English card");
            let original = original.body().limit(1024 * 1024).await;
            if original.is_ok_and(|original| original == png) {
                journey.problem(&place, format!("{image} is the English card"));
            }
        }

        // 7. The signatories page, with the name.
        client
            .goto(&app.url(&format!("/{lang}/letters/{SLUG}/signatories")))
            .await
            .expect("open the signatories");
        journey
            .wait_for_any("signatories", &[reader.name.to_owned()])
            .await;
        journey.look("signatories", &expect, true).await;

        // The other pages a reader of the shared link reaches, in the same language.
        for (page, path) in [
            ("index", format!("/{lang}/")),
            ("embed", format!("/{lang}/letters/{SLUG}/embed")),
            ("versions", format!("/{lang}/letters/{SLUG}/versions")),
            ("resend", format!("/{lang}/letters/{SLUG}/resend")),
            ("privacy", format!("/{lang}/privacy")),
        ] {
            client.goto(&app.url(&path)).await.expect("open the page");
            journey.look(page, &expect, true).await;
        }

        // 8. Withdrawing, from the link in the confirmation email.
        client
            .goto(&app.url(&withdraw))
            .await
            .expect("open the link");
        journey
            .wait_for_any("withdraw", &words("withdraw-heading"))
            .await;
        journey.look("withdraw", &expect, true).await;
        click(&client, Locator::Css("main form button[type=submit]")).await;
        journey.wait_for_any("withdrawn", &words("withdrawn")).await;
        journey.look("withdrawn", &expect, true).await;

        // 9. The switcher's English, from the shared address, shows the letter in English.
        client.goto(&shared).await.expect("open the letter");
        wait_until_loaded(&client).await;
        click(&client, Locator::Css("nav.languages a[hreflang='en']")).await;
        journey
            .wait_for_any("english", std::slice::from_ref(&english.title))
            .await;
        let in_english = Expect {
            lang: "en",
            dir: "ltr",
            forbidden: &[letter.title.clone(), tr.t("add-your-name")],
            user_texts: &english_texts,
        };
        let shown = journey.look("english", &in_english, true).await;
        if !shown.contains(&english.fragments[0]) {
            journey.problem("english", "does not show the English text".to_owned());
        }
        if !super::page_text(&client)
            .await
            .contains(&en.t("add-your-name"))
        {
            journey.problem("english", "the interface is not English".to_owned());
        }

        problems.append(&mut journey.problems);
        violations.append(&mut journey.violations);
        client.close().await.expect("close the browser");
    }
    drop(driver);
    eprintln!(
        "screenshots: {}/languages-*.png; took {:.1?}",
        screenshot_dir().display(),
        started.elapsed()
    );
    assert!(
        problems.is_empty() && violations.is_empty(),
        "{} problem(s) on the way:\n{}\n\naxe-core found {} violation(s):\n{}",
        problems.len(),
        problems.join("\n"),
        violations.len(),
        violations.join("\n")
    );
}
