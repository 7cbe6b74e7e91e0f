//! The signer's path after the letter page stays in the language they read and signed in,
//! whatever their browser says: a Hebrew (or Arabic) signer whose browser asks for English
//! gets the check-email page, the resend page, the confirmation email, the confirm and
//! withdraw pages and the share step in Hebrew, naming the Hebrew text, with links that
//! carry `/he/`.

use awc::http::StatusCode;

use crate::helpers::{Backend, Email, PUBLIC_URL, Response, TestApp, encode, read, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    a_hebrew_signer_stays_in_hebrew_from_signing_to_withdrawing,
    an_arabic_signer_is_answered_in_arabic_and_shares_the_arabic_letter,
    a_new_link_asked_for_in_hebrew_comes_in_hebrew,
);

/// Scripts show people no words of their own: every word on the page comes from the
/// catalogs, rendered by the server (a script reads them from `data-*` attributes). A
/// string literal with a space, or a capitalized word, would be text for people.
#[test]
fn no_script_carries_words_of_its_own() {
    let literal = regex::Regex::new(r#""([^"\\]*)"|'([^'\\]*)'"#).expect("a valid pattern");
    let static_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("static");
    let mut scripts = 0;
    for entry in std::fs::read_dir(&static_dir).expect("static/") {
        let path = entry.expect("an entry").path();
        if path.extension().is_none_or(|extension| extension != "js") {
            continue;
        }
        scripts += 1;
        let source = std::fs::read_to_string(&path).expect("a script");
        for line in source
            .lines()
            .filter(|line| !line.trim_start().starts_with("//"))
        {
            for found in literal.captures_iter(line) {
                let text = found
                    .get(1)
                    .or(found.get(2))
                    .map_or("", |text| text.as_str());
                let capitalized = text.chars().next().is_some_and(char::is_uppercase)
                    && text.chars().nth(1).is_some_and(char::is_lowercase);
                assert!(
                    !text.contains(' ') && !capitalized,
                    "{} shows people {text:?}: render it from the catalogs into the page",
                    path.display()
                );
            }
        }
    }
    assert!(
        scripts >= 4,
        "found {scripts} scripts in {}",
        static_dir.display()
    );
}

const SLUG: &str = "shared-future";
const ORIGINAL: &str = "+++\nslug = \"shared-future\"\nlang = \"en\"\ntitle = \"A shared future\"\naddressee = \"The governments\"\nsummary = \"Peace for both peoples.\"\nstatus = \"open\"\n+++\n\nWe write together for a shared future.\n";
const HEBREW: &str = "+++\ntitle = \"עתיד משותף\"\naddressee = \"הממשלות\"\n+++\n\nאנו כותבים יחד למען עתיד משותף.\n";
const ARABIC: &str = "+++\ntitle = \"مستقبل مشترك\"\naddressee = \"الحكومات\"\n+++\n\nنكتب معًا من أجل مستقبل مشترك.\n";

/// English the interface (or the letter's original) would show: none of it may appear on a
/// page or in an email of a Hebrew or Arabic signer.
const ENGLISH: [&str; 23] = [
    "A shared future",
    "The governments",
    "Check your email",
    "Back to the letter",
    "get a new link",
    "Get a new confirmation link",
    "Send a new link",
    "Ask others to sign",
    "Copy link",
    "Copied",
    "The link is copied.",
    "Confirm your signature",
    "Confirm my signature",
    "Signature confirmed",
    "Thank you. Your signature is confirmed.",
    "Go to the letter",
    "Withdraw your signature",
    "Withdraw my signature",
    "Your signature is withdrawn",
    "This link has already been used",
    "This signature was withdrawn",
    "Please confirm your signature",
    "Thank you for signing",
];

/// What a language shows, to find on every page and email of its signer.
struct Language {
    code: &'static str,
    title: &'static str,
    addressee: &'static str,
    check_email: &'static str,
    confirm_heading: &'static str,
    confirmed: &'static str,
    withdraw_heading: &'static str,
    withdrawn: &'static str,
    link_withdrawn: &'static str,
    copied: &'static str,
    subject: &'static str,
}

const HEBREW_PAGES: Language = Language {
    code: "he",
    title: "עתיד משותף",
    addressee: "הממשלות",
    check_email: "בדקו את תיבת האימייל",
    confirm_heading: "אישור החתימה",
    confirmed: "החתימה אושרה",
    withdraw_heading: "ביטול החתימה",
    withdrawn: "החתימה שלכם בוטלה",
    link_withdrawn: "החתימה הזאת בוטלה",
    copied: "הקישור הועתק.",
    subject: "נא לאשר את חתימתכם",
};

const ARABIC_PAGES: Language = Language {
    code: "ar",
    title: "مستقبل مشترك",
    addressee: "الحكومات",
    check_email: "تفقّد بريدك الإلكتروني",
    confirm_heading: "أكّد توقيعك",
    confirmed: "تأكّد التوقيع",
    withdraw_heading: "اسحب توقيعك",
    withdrawn: "سُحب توقيعك",
    link_withdrawn: "سُحب هذا التوقيع",
    copied: "تم نسخ الرابط.",
    subject: "يُرجى تأكيد توقيعك",
};

fn import_letter(app: &TestApp) {
    let directory = app.directory.path();
    std::fs::write(directory.join("letter.md"), ORIGINAL).expect("write the original");
    std::fs::write(directory.join("letter.he.md"), HEBREW).expect("write the Hebrew");
    std::fs::write(directory.join("letter.ar.md"), ARABIC).expect("write the Arabic");
    let file = directory.join("letter.md");
    app.cli_ok(&["letters", "import", &file.display().to_string()]);
}

/// A browser that asks for English: every request says so.
async fn get_in_english(app: &TestApp, path: &str) -> Response {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .insert_header(("accept-language", "en-US,en;q=0.9"))
        .send()
        .await
        .expect("GET answered");
    read(response).await
}

async fn post_in_english(app: &TestApp, path: &str, body: String) -> Response {
    let response = app
        .client
        .post(format!("{}{path}", app.address))
        .insert_header(("accept-language", "en-US,en;q=0.9"))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .send_body(body)
        .await
        .expect("POST answered");
    read(response).await
}

/// The value of the hidden field `name` in the page's form.
fn hidden(body: &str, name: &str) -> String {
    body.split(&format!(r#"name="{name}" value=""#))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or_default()
        .to_owned()
}

/// A page (or email) speaks `language` and shows none of the English.
fn assert_in(language: &Language, body: &str, what: &str) {
    for english in ENGLISH {
        assert!(
            !body.contains(english),
            "{what} shows the English {english:?}:\n{body}"
        );
    }
    assert!(
        body.contains(&format!(r#"lang="{}" dir="rtl""#, language.code)),
        "{what} is marked {} and right to left:\n{body}",
        language.code
    );
}

/// Signs on `/{lang}/letters/shared-future` as a browser asking for English would, and
/// returns where the form sent it.
async fn sign_in(app: &TestApp, language: &Language, name: &str, email: &str) -> Response {
    let page = get_in_english(app, &format!("/{}/letters/{SLUG}", language.code)).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(language.title), "{}", page.body);
    let action = page.form_action("/sign");
    let action = action.split('#').next().unwrap_or_default();
    let body = encode(&[
        ("name", name),
        ("email", email),
        ("public", "on"),
        ("lang", &hidden(&page.body, "lang")),
        ("t", &hidden(&page.body, "t")),
    ]);
    let signed = post_in_english(app, action, body).await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    signed
}

/// The confirmation email is in `language`, names its text and links with its language.
fn assert_confirmation(language: &Language, mail: &Email) {
    let code = language.code;
    assert!(
        mail.subject.contains(language.subject) && mail.subject.contains(language.title),
        "{}",
        mail.subject
    );
    for part in [&mail.text, &mail.html] {
        assert!(part.contains(language.title), "{part}");
        assert!(part.contains(language.addressee), "{part}");
        for english in ENGLISH {
            assert!(
                !part.contains(english),
                "the email shows {english:?}:\n{part}"
            );
        }
    }
    assert!(
        mail.text.contains(&format!("{PUBLIC_URL}/{code}/verify/")),
        "{}",
        mail.text
    );
    assert!(
        mail.text
            .contains(&format!("{PUBLIC_URL}/{code}/withdraw/")),
        "{}",
        mail.text
    );
    assert!(
        mail.html
            .contains(&format!(r#"<html lang="{code}" dir="rtl">"#)),
        "{}",
        mail.html
    );
    // The address to copy reads left to right and wraps on a phone instead of running off
    // the right-to-left email's edge.
    let copyable = regex::Regex::new(&format!(
        r#"<p dir="ltr" style="[^"]*word-break: break-all[^"]*">{PUBLIC_URL}/{code}/verify/[^<]+</p>"#
    ))
    .expect("a valid pattern");
    assert!(copyable.is_match(&mail.html), "{}", mail.html);
}

/// As the share links encode a query value: all but RFC 3986's unreserved characters.
const COMPONENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// The share step offers the letter in `language`: its address, title and card.
fn assert_share_step(language: &Language, body: &str) {
    let code = language.code;
    let address = format!("{PUBLIC_URL}/{code}/letters/{SLUG}");
    assert!(
        body.contains(&format!(
            r#"id="share-url" type="text" readonly value="{address}""#
        )),
        "{body}"
    );
    let encoded = percent_encoding::utf8_percent_encode(&address, COMPONENT).to_string();
    let encoded_title =
        percent_encoding::utf8_percent_encode(language.title, COMPONENT).to_string();
    for network in ["wa.me", "t.me", "bsky.app", "x.com", "facebook.com"] {
        let link = body
            .split("href=\"")
            .filter_map(|rest| rest.split('"').next())
            .find(|href| href.contains(network))
            .unwrap_or_else(|| panic!("a {network} link in {body}"));
        assert!(
            link.contains(&encoded),
            "{network} shares {address}: {link}"
        );
        assert!(
            !link.contains(&encoded.replace(&format!("%2F{code}%2F"), "%2F")),
            "{link}"
        );
        if network != "facebook.com" {
            assert!(link.contains(&encoded_title), "{network}: {link}");
        }
    }
    assert!(
        body.contains(&format!(
            r#"data-title="{}" data-url="{address}""#,
            language.title
        )),
        "{body}"
    );
    // The script's words come from the page, in its language.
    assert!(
        body.contains(&format!(r#"data-copied-status="{}""#, language.copied)),
        "{body}"
    );
}

async fn a_hebrew_signer_stays_in_hebrew_from_signing_to_withdrawing(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let hebrew = &HEBREW_PAGES;

    // A reload of the page after a failed sign goes back to the Hebrew letter.
    let reloaded = get_in_english(&app, &format!("/he/letters/{SLUG}/sign")).await;
    assert_eq!(reloaded.status, StatusCode::SEE_OTHER);
    assert_eq!(
        reloaded.location.as_deref(),
        Some(format!("/he/letters/{SLUG}#sign").as_str())
    );

    let signed = sign_in(&app, hebrew, "עדה", "ada@example.org").await;
    let check_email = format!("/he/letters/{SLUG}/signed");
    assert_eq!(signed.location.as_deref(), Some(check_email.as_str()));
    let page = get_in_english(&app, &check_email).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_in(hebrew, &page.body, "check your email");
    assert!(page.body.contains(hebrew.check_email), "{}", page.body);
    assert!(
        page.body.contains(&format!(
            r#"<bdi lang="he" dir="rtl">{}</bdi>"#,
            hebrew.title
        )),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains(&format!(r#"href="/he/letters/{SLUG}/resend""#)),
        "{}",
        page.body
    );
    assert_share_step(hebrew, &page.body);

    let mails = app.wait_for_mails_to("ada@example.org", 1).await;
    let mail = &mails[0];
    assert_confirmation(hebrew, mail);

    // The link opens Hebrew pages whatever the browser asks for.
    let (lang, verify) = mail.link_in_language("/verify/");
    assert_eq!(lang.as_deref(), Some("he"));
    // A link as sent before links carried a language opens in the language signed in too.
    let unmarked = get_in_english(&app, &mail.link("/verify/")).await;
    assert_eq!(unmarked.status, StatusCode::OK, "{}", unmarked.body);
    assert_in(hebrew, &unmarked.body, "the confirm page without /he/");
    let confirm = get_in_english(&app, &verify).await;
    assert_eq!(confirm.status, StatusCode::OK, "{}", confirm.body);
    assert_in(hebrew, &confirm.body, "the confirm page");
    assert!(confirm.body.contains(hebrew.confirm_heading));
    assert!(
        confirm.body.contains(&format!(
            r#"<bdi lang="he" dir="rtl">{}</bdi>"#,
            hebrew.title
        )),
        "{}",
        confirm.body
    );
    assert!(
        confirm.body.contains(&format!(r#"action="{verify}""#)),
        "the form keeps the language: {}",
        confirm.body
    );
    let confirmed = post_in_english(&app, &verify, String::new()).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_in(hebrew, &confirmed.body, "the confirmed page");
    assert!(
        confirmed.body.contains(hebrew.confirmed),
        "{}",
        confirmed.body
    );
    assert!(
        confirmed
            .body
            .contains(&format!(r#"href="/he/letters/{SLUG}""#)),
        "{}",
        confirmed.body
    );
    assert_share_step(hebrew, &confirmed.body);

    // The preview card of the shared address is the Hebrew one.
    let letter = get_in_english(&app, &format!("/he/letters/{SLUG}")).await;
    assert!(
        letter.body.contains(&format!(
            r#"<meta property="og:image" content="{PUBLIC_URL}/he/letters/{SLUG}/card.png">"#
        )),
        "{}",
        letter.body
    );
    let card = get_in_english(&app, &format!("/he/letters/{SLUG}/card.png")).await;
    assert_eq!(card.status, StatusCode::OK);

    let again = get_in_english(&app, &verify).await;
    assert_in(hebrew, &again.body, "the already-confirmed page");

    let (lang, withdraw) = mail.link_in_language("/withdraw/");
    assert_eq!(lang.as_deref(), Some("he"));
    let asking = get_in_english(&app, &withdraw).await;
    assert_eq!(asking.status, StatusCode::OK, "{}", asking.body);
    assert_in(hebrew, &asking.body, "the withdraw page");
    assert!(asking.body.contains(hebrew.withdraw_heading));
    assert!(asking.body.contains(&format!(r#"action="{withdraw}""#)));
    let withdrawn = post_in_english(&app, &withdraw, String::new()).await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_in(hebrew, &withdrawn.body, "the withdrawn page");
    assert!(
        withdrawn.body.contains(hebrew.withdrawn),
        "{}",
        withdrawn.body
    );
    assert!(
        withdrawn
            .body
            .contains(&format!(r#"href="/he/letters/{SLUG}""#)),
        "{}",
        withdrawn.body
    );

    // The confirm link of a withdrawn signature says so in Hebrew too.
    let used = get_in_english(&app, &verify).await;
    assert_eq!(used.status, StatusCode::GONE, "{}", used.body);
    assert_in(hebrew, &used.body, "the withdrawn link's page");
    assert!(used.body.contains(hebrew.link_withdrawn), "{}", used.body);
}

async fn an_arabic_signer_is_answered_in_arabic_and_shares_the_arabic_letter(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let arabic = &ARABIC_PAGES;

    let signed = sign_in(&app, arabic, "سلمى", "salma@example.org").await;
    let check_email = format!("/ar/letters/{SLUG}/signed");
    assert_eq!(signed.location.as_deref(), Some(check_email.as_str()));
    let page = get_in_english(&app, &check_email).await;
    assert_in(arabic, &page.body, "check your email");
    assert!(page.body.contains(arabic.check_email), "{}", page.body);
    assert!(page.body.contains(arabic.title), "{}", page.body);
    assert_share_step(arabic, &page.body);

    let mails = app.wait_for_mails_to("salma@example.org", 1).await;
    assert_confirmation(arabic, &mails[0]);
    let (_, verify) = mails[0].link_in_language("/verify/");
    let confirm = get_in_english(&app, &verify).await;
    assert_in(arabic, &confirm.body, "the confirm page");
    assert!(confirm.body.contains(arabic.confirm_heading));
    assert!(confirm.body.contains(arabic.title), "{}", confirm.body);
    let confirmed = post_in_english(&app, &verify, String::new()).await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert_in(arabic, &confirmed.body, "the confirmed page");
    assert!(confirmed.body.contains(arabic.confirmed));
    assert_share_step(arabic, &confirmed.body);

    let (_, withdraw) = mails[0].link_in_language("/withdraw/");
    assert!(withdraw.starts_with("/ar/withdraw/"), "{withdraw}");
    let asking = get_in_english(&app, &withdraw).await;
    assert_in(arabic, &asking.body, "the withdraw page");
    assert!(
        asking.body.contains(arabic.withdraw_heading),
        "{}",
        asking.body
    );
    let withdrawn = post_in_english(&app, &withdraw, String::new()).await;
    assert_in(arabic, &withdrawn.body, "the withdrawn page");
    assert!(
        withdrawn.body.contains(arabic.withdrawn),
        "{}",
        withdrawn.body
    );
    let used = get_in_english(&app, &verify).await;
    assert!(used.body.contains(arabic.link_withdrawn), "{}", used.body);
}

async fn a_new_link_asked_for_in_hebrew_comes_in_hebrew(backend: Backend) {
    let app = spawn_app(backend).await;
    import_letter(&app);
    let hebrew = &HEBREW_PAGES;
    sign_in(&app, hebrew, "עדה", "ada@example.org").await;
    app.wait_for_mails_to("ada@example.org", 1).await;

    let resend = format!("/he/letters/{SLUG}/resend");
    let page = get_in_english(&app, &resend).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_in(hebrew, &page.body, "the resend page");
    assert!(
        page.body.contains(&format!(
            r#"<bdi lang="he" dir="rtl">{}</bdi>"#,
            hebrew.title
        )),
        "{}",
        page.body
    );
    assert_eq!(page.form_action("/resend"), resend);
    let body = encode(&[
        ("email", "ada@example.org"),
        ("t", &hidden(&page.body, "t")),
    ]);
    let sent = post_in_english(&app, &resend, body).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    assert_eq!(
        sent.location.as_deref(),
        Some(format!("/he/letters/{SLUG}/signed").as_str())
    );
    let mails = app.wait_for_mails_to("ada@example.org", 2).await;
    assert_confirmation(hebrew, &mails[1]);
}
