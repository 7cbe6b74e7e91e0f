//! The privacy notice at `/privacy` is written from the configuration: what is kept, why the
//! address stays or does not, who sees it, how long each thing is kept and who to write to,
//! in each of the five languages, with the coalition's own paragraphs added under it (from
//! `site.privacy`, `site.privacy_by_language` or `site.privacy_file`), never in its place. The
//! signer reads the gist by the sign button (letter page, embed, invite page) before signing.

use awc::http::StatusCode;

use crate::helpers::{Backend, Response, TestApp, read, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    the_notice_states_what_the_configuration_says,
    the_notice_is_in_the_readers_language,
    the_coalitions_paragraphs_are_added_under_the_notice,
    the_coalitions_paragraphs_come_from_a_file_and_its_translations,
    the_signer_reads_the_gist_by_every_sign_button,
    a_letter_that_keeps_addresses_until_delivery_says_so,
);

const SLUG: &str = "dear-president";

async fn get_in(app: &TestApp, path: &str, accept: &str) -> Response {
    let response = app
        .client
        .get(format!("{}{path}", app.address))
        .insert_header(("accept-language", accept))
        .send()
        .await
        .expect("GET answered");
    read(response).await
}

/// The text between the page's `<h1>` and its footer: the notice itself.
fn notice(body: &str) -> &str {
    let start = body.find("<h1").unwrap_or(0);
    let end = body.find("<footer").unwrap_or(body.len());
    &body[start..end]
}

async fn the_notice_states_what_the_configuration_says(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[
            ("site.name", "Friends <of> the Earth & Co".to_owned()),
            ("site.contact", "privacy@coalition.test".to_owned()),
            ("signing.purge_unconfirmed_days", "12".to_owned()),
            ("signing.verify_token_hours", "48".to_owned()),
            ("signing.withdraw_token_days", "200".to_owned()),
            ("log.requests", "false".to_owned()),
        ],
    )
    .await;
    let page = app.get("/privacy").await;
    assert_eq!(page.status, StatusCode::OK);
    let text = notice(&page.body);
    for fact in [
        "<h2 id=\"privacy-kept\">What we keep when you sign</h2>",
        "title or role, city, country, comment, website (for an organization)",
        "deleted after 12 days",
        "works for 48 hours",
        "it works for 200 days",
        "deleted 12 days after it is sent",
        "is erased 30 days after the letter closes or is delivered",
        "At present no letter on this site keeps its signers’ addresses until delivery.",
        "keyed fingerprint",
        "you asked to be kept updated about the letter",
        "you signed for an organization, as its contact",
        "We do not keep your network (IP) address with your signature.",
        "Only if you tick “List my name publicly”",
        "Your email address is never published.",
        "href=\"mailto:privacy@coalition.test\"",
        "<bdi>Friends &lt;of&gt; the Earth &amp; Co</bdi> runs this site",
    ] {
        assert!(text.contains(fact), "{fact:?} missing: {text}");
    }
    // What this configuration does not do is not claimed: no request log, no SMTP service.
    for claim in ["request log", "email service that carries", "Friends <of>"] {
        assert!(!text.contains(claim), "{claim:?} claimed: {text}");
    }
    // The public fields are those the form lists publicly, not the website (organizations
    // only) nor anything private.
    assert!(
        text.contains(
            "your name, organization, title or role, city, country, comment and when you signed"
        ),
        "{text}"
    );

    // Another configuration, another notice: the operator's request log and mail service
    // are named, and without a contact the notice says where to go instead.
    let logged = spawn_app_with(
        backend,
        &[
            ("log.requests", "true".to_owned()),
            ("mail.transport", "log".to_owned()),
        ],
    )
    .await;
    let other = logged.get("/privacy").await;
    let text = notice(&other.body);
    assert!(
        text.contains("request log records the network address"),
        "{text}"
    );
    assert!(
        text.contains("gives no email address for questions here"),
        "{text}"
    );
    assert!(!text.contains("mailto:"), "{text}");
}

async fn the_notice_is_in_the_readers_language(backend: Backend) {
    let app = spawn_app(backend).await;
    // Numbers in the reader's digits.
    let arabic_days = format!(
        "بعد {} يومًا",
        undersigned::i18n::catalog::Tr::for_code(Some("ar")).number(30)
    );
    for (path, accept, lang, dir, heading, days) in [
        (
            "/privacy?lang=he",
            "en",
            "he",
            "rtl",
            "מה אנחנו שומרים כשאתם חותמים",
            "אחרי 30 ימים",
        ),
        (
            "/privacy",
            "he-IL,he;q=0.9",
            "he",
            "rtl",
            "מה אנחנו שומרים כשאתם חותמים",
            "אחרי 30 ימים",
        ),
        (
            "/ar/privacy",
            "en",
            "ar",
            "rtl",
            "ما الذي نحتفظ به عندما توقّع",
            arabic_days.as_str(),
        ),
        (
            "/fr/privacy",
            "en",
            "fr",
            "ltr",
            "Ce que nous conservons quand vous signez",
            "au bout de 30 jours",
        ),
        (
            "/es/privacy",
            "en",
            "es",
            "ltr",
            "Qué guardamos cuando firmas",
            "al cabo de 30 días",
        ),
        (
            "/privacy",
            "en",
            "en",
            "ltr",
            "What we keep when you sign",
            "after 30 days",
        ),
    ] {
        let page = get_in(&app, path, accept).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let body = &page.body;
        assert!(
            body.contains(&format!(r#"<html lang="{lang}" dir="{dir}">"#)),
            "{path}: {body}"
        );
        assert!(
            body.contains(&format!("<h2 id=\"privacy-kept\">{heading}</h2>")),
            "{path}: {body}"
        );
        assert!(notice(body).contains(days), "{path}: {days:?} in {body}");
        if lang != "en" {
            for english in ["What we keep", "How long we keep it", "keyed fingerprint"] {
                assert!(!body.contains(english), "{path}: {english:?} in {body}");
            }
        }
    }
}

async fn the_coalitions_paragraphs_are_added_under_the_notice(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[
            ("site.name", "Coalition".to_owned()),
            (
                "site.privacy",
                "Our **own** words. <script>alert(1)</script>".to_owned(),
            ),
            ("site.privacy_by_language.he", "ההודעה **שלנו**.".to_owned()),
        ],
    )
    .await;
    let english = app.get("/privacy").await;
    assert_eq!(english.status, StatusCode::OK);
    let body = &english.body;
    let generated = body.find("What we keep when you sign").expect("the notice");
    let own = body
        .find("<h2 id=\"privacy-own\">From Coalition</h2>")
        .expect("their section");
    assert!(generated < own, "their words come after the notice: {body}");
    assert!(body.contains("Our <strong>own</strong> words."), "{body}");
    assert!(!body.contains("<script>alert"), "{body}");
    assert!(!body.contains("ההודעה"), "{body}");

    // A Hebrew reader gets the Hebrew notice and the Hebrew paragraphs, marked as such
    // only where the page is in another language.
    let hebrew = app.get("/privacy?lang=he-IL").await;
    assert!(hebrew.body.contains("מה אנחנו שומרים כשאתם חותמים"));
    assert!(
        hebrew.body.contains(
            "<div class=\"notice-text\" dir=\"rtl\">\n  <p>ההודעה <strong>שלנו</strong>.</p>"
        ),
        "{}",
        hebrew.body
    );
    assert!(!hebrew.body.contains("Our <strong>own</strong>"));
    // A French reader: the French notice, and the coalition's words as written (their
    // language unsaid, so the browser finds the direction).
    let french = app.get("/fr/privacy").await;
    assert!(
        french
            .body
            .contains("Ce que nous conservons quand vous signez")
    );
    assert!(
        french.body.contains(
            "<div class=\"notice-text\" dir=\"auto\">\n  <p>Our <strong>own</strong> words."
        ),
        "{}",
        french.body
    );

    // The coalition's own notice at an address is linked from ours; /privacy is always
    // ours, and so is the link by the sign button.
    let linked = spawn_app_with(
        backend,
        &[(
            "site.privacy",
            "https://coalition.example/privacy".to_owned(),
        )],
    )
    .await;
    linked.create_letter(SLUG, "open", "");
    let page = linked.get("/privacy").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("What we keep when you sign"));
    assert!(
        page.body.contains(
            "has its own privacy notice too: <a href=\"https://coalition.example/privacy\">"
        ),
        "{}",
        page.body
    );
    let letter = linked.get(&format!("/letters/{SLUG}")).await;
    assert!(
        letter.body.contains(r#"<a href="/privacy">"#),
        "{}",
        letter.body
    );

    // Left empty (as shipped), the notice stands alone.
    let plain = spawn_app(backend).await;
    assert!(!plain.get("/privacy").await.body.contains("privacy-own"));
}

async fn the_coalitions_paragraphs_come_from_a_file_and_its_translations(backend: Backend) {
    let folder = tempfile::tempdir().expect("a folder");
    let file = folder.path().join("privacy.md");
    std::fs::write(&file, "Our data officer is *Dana*.\n").expect("write");
    std::fs::write(
        folder.path().join("privacy.ar.md"),
        "مسؤولة البيانات لدينا هي *دانة*.\n",
    )
    .expect("write");
    std::fs::write(folder.path().join("privacy.md.bak"), "old").expect("write");
    let app = spawn_app_with(
        backend,
        &[("site.privacy_file", file.display().to_string())],
    )
    .await;
    let english = app.get("/privacy").await;
    assert!(
        english.body.contains("Our data officer is <em>Dana</em>."),
        "{}",
        english.body
    );
    let arabic = app.get("/ar/privacy").await;
    assert!(
        arabic
            .body
            .contains("مسؤولة البيانات لدينا هي <em>دانة</em>."),
        "{}",
        arabic.body
    );
    assert!(!arabic.body.contains("Dana"));

    // Refused at start, naming the key: a file that is not there, and the paragraphs given
    // twice.
    let missing = folder.path().join("nowhere.md");
    for (overrides, named) in [
        (
            vec![("site.privacy_file", missing.display().to_string())],
            "site.privacy_file",
        ),
        (
            vec![
                ("site.privacy_file", file.display().to_string()),
                ("site.privacy", "Also here.".to_owned()),
            ],
            "site.privacy is set too",
        ),
        (
            vec![
                ("site.privacy_file", file.display().to_string()),
                ("site.privacy_by_language.ar", "مرتين.".to_owned()),
            ],
            "site.privacy_by_language.ar",
        ),
    ] {
        let refused = undersigned::config::Settings::defaults_with(&overrides)
            .err()
            .map(|error| error.to_string())
            .unwrap_or_default();
        assert!(refused.contains(named), "{named}: {refused:?}");
    }
}

async fn the_signer_reads_the_gist_by_every_sign_button(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[
            ("site.name", "Coalition <A&B>".to_owned()),
            (
                "embed.allowed_origins",
                "[\"https://members.example.org\"]".to_owned(),
            ),
        ],
    )
    .await;
    app.create_letter(SLUG, "open", "");
    let site = "<bdi>Coalition &lt;A&amp;B&gt;</bdi>";
    let gist =
        format!("Once you confirm, {site} keeps your email address only if you ask for updates");
    let letter = app.get(&format!("/letters/{SLUG}")).await;
    let after_button = letter
        .body
        .split("</button>")
        .last()
        .expect("the sign button");
    assert!(after_button.contains(&gist), "{}", letter.body);
    assert!(
        after_button
            .contains(r#"<a href="/privacy">What we keep, for how long, and who sees it</a>"#),
        "{after_button}"
    );

    // In the embed, the link opens outside the frame, in the frame's language.
    let embed = app.get(&format!("/he/letters/{SLUG}/embed")).await;
    assert_eq!(embed.status, StatusCode::OK);
    assert!(
        embed.body.contains(&format!(
            "אחרי האישור, {site} שומר את כתובת הדוא״ל שלכם רק אם"
        )),
        "{}",
        embed.body
    );
    assert!(
        embed
            .body
            .contains(r#"<a href="/he/privacy" target="_blank" rel="noopener">"#),
        "{}",
        embed.body
    );

    // The invite page: the one signing is the organization's contact. (Pages behind an
    // emailed link render with the process's `[site]`, which this in-process test shares.)
    app.cli_ok(&[
        "members",
        "add",
        "Member Org",
        "--email",
        "member@org.example",
    ]);
    app.cli_ok(&["invites", "send", SLUG, "--member", "Member Org"]);
    let mails = app.wait_for_mails_to("member@org.example", 1).await;
    let invite = mails[0].link(&format!("/letters/{SLUG}/invite/"));
    let page = app.get(&invite).await;
    assert_eq!(page.status, StatusCode::OK, "{invite}");
    assert!(
        page.body.contains(
            "</bdi> keeps your email address as the organization’s contact while its signature stands"
        ),
        "{}",
        page.body
    );
    assert!(page.body.contains(r#"<a href="/privacy">"#));
}

async fn a_letter_that_keeps_addresses_until_delivery_says_so(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[
            ("signing.erase_after_days", "45".to_owned()),
            ("site.date_style", "iso".to_owned()),
        ],
    )
    .await;
    app.create_letter(SLUG, "open", "keep_addresses_until_delivery = true");
    app.create_letter("other-letter", "open", "");

    // The signer reads it by the button, before signing: this letter keeps the address
    // until delivery, and for how long after.
    let letter = app.get(&format!("/letters/{SLUG}")).await;
    let after_button = letter.body.split("</button>").last().expect("the button");
    assert!(
        after_button.contains(
            "keeps your email address until the letter is delivered, and erases it 45 days after the letter closes or is delivered"
        ),
        "{after_button}"
    );
    let arabic = app.get(&format!("/ar/letters/{SLUG}")).await;
    assert!(
        arabic.body.contains("بعنوان بريدك الإلكتروني حتى تسليمها"),
        "{}",
        arabic.body
    );
    // A letter without the flag says the usual.
    let other = app.get("/letters/other-letter").await;
    assert!(
        other
            .body
            .contains("keeps your email address only if you ask for updates")
    );

    // The notice names the letter and the configured days.
    let notice_page = app.get("/privacy").await;
    let text = notice(&notice_page.body);
    assert!(
        text.contains(&format!(
            "These letters keep their signers’ addresses until they are delivered: <a href=\"/letters/{SLUG}\" lang=\"en\" dir=\"ltr\">Protect the right to protest</a>."
        )),
        "{text}"
    );
    assert!(!text.contains("/letters/other-letter"), "{text}");
    assert!(text.contains("is erased 45 days after the letter closes or is delivered"));

    // Once delivered, the notice says when those addresses go.
    let today = chrono::Utc::now().date_naive();
    app.cli_ok(&[
        "letters",
        "deliver",
        SLUG,
        "--on",
        &today.format("%Y-%m-%d").to_string(),
        "--note",
        "Handed in.",
        "--yes",
    ]);
    let text = app.get("/privacy").await.body;
    let erased = (chrono::Utc::now() + chrono::Duration::days(45))
        .format("%Y-%m-%d")
        .to_string();
    assert!(
        text.contains(&format!(
            "Protect the right to protest</a> (its signers’ addresses are erased on {erased})"
        )),
        "{text}"
    );
}
