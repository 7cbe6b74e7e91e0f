//! The interface in the reader's language: `?lang=`, the switcher's cookie and
//! `Accept-Language` choose it; Hebrew and Arabic read right to left; counts take the
//! language's plural forms; the sign form's errors and the confirmation email follow the page.

use awc::http::StatusCode;

use crate::helpers::{Backend, Response, TestApp, encode, read, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    hebrew_by_address_is_kept_by_a_cookie,
    arabic_from_the_browser_with_its_plural_forms,
    unknown_or_hostile_languages_fall_back_to_english,
    sign_form_errors_come_in_the_pages_language,
    the_confirmation_email_speaks_the_language_signed_in,
    latin_names_in_a_hebrew_list_are_isolated,
    a_language_leading_the_address_is_the_interface_language,
);

/// A GET with extra request headers (a cookie, `Accept-Language`).
async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = app.client.get(format!("{}{path}", app.address));
    for (name, value) in headers {
        request = request.insert_header((*name, *value));
    }
    read(request.send().await.expect("GET answered")).await
}

/// Submits the letter's sign form as a browser holding the `lang` cookie would.
async fn sign_with_cookie(
    app: &TestApp,
    slug: &str,
    lang: &str,
    fields: &[(&str, &str)],
) -> Response {
    let form_time = app.form_time(slug).await;
    let mut all: Vec<(&str, &str)> = fields.to_vec();
    all.push(("t", &form_time));
    let response = app
        .client
        .post(format!("{}/letters/{slug}/sign", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .insert_header(("cookie", format!("lang={lang}")))
        .send_body(encode(&all))
        .await
        .expect("POST answered");
    read(response).await
}

fn set_cookies(response: &Response) -> Vec<String> {
    response
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .map(str::to_owned)
        .collect()
}

async fn hebrew_by_address_is_kept_by_a_cookie(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "goal = 100");

    let page = app.get("/letters/dear-president?lang=he").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(r#"<html lang="he" dir="rtl">"#),
        "{}",
        &page.body[..300.min(page.body.len())]
    );
    assert!(
        page.body.contains("הוסיפו את שמכם"),
        "Hebrew interface text"
    );
    assert!(
        page.body.contains("חתימה על המכתב"),
        "the sign button in Hebrew"
    );
    assert!(!page.body.contains("Sign the letter"));
    // Our default tagline and footer speak the reader's language too.
    assert!(page.body.contains("מכתבים פתוחים, בחתימה גלויה"));
    assert!(!page.body.contains("Open letters, signed in public"));
    assert!(!page.body.contains("Email addresses are never published"));
    // The letter itself is the staff's text, shown as written.
    assert!(page.body.contains("Protect the right to protest"));
    let cookies = set_cookies(&page);
    let cookie = cookies
        .iter()
        .find(|cookie| cookie.starts_with("lang=he;"))
        .unwrap_or_else(|| panic!("a lang cookie: {cookies:?}"));
    assert!(cookie.contains("Path=/"), "{cookie}");
    assert!(cookie.contains("SameSite=Lax"), "{cookie}");
    assert!(cookie.contains("Max-Age="), "{cookie}");

    // The switcher: every language in its own name, the current one marked.
    assert!(
        page.body
            .contains(r#"<nav class="languages" aria-label="שפה">"#)
    );
    assert!(page.body.contains(
        r#"<a href="/he/letters/dear-president" lang="he" dir="rtl" hreflang="he" aria-current="true">עברית</a>"#
    ));
    assert!(page.body.contains(
        r#"<a href="/ar/letters/dear-president" lang="ar" dir="rtl" hreflang="ar">العربية</a>"#
    ));
    assert!(page.body.contains(
        r#"<a href="/fr/letters/dear-president" lang="fr" dir="ltr" hreflang="fr">Français</a>"#
    ));

    // Later pages, with only the cookie, stay Hebrew, and set nothing new.
    for path in [
        "/letters/dear-president",
        "/",
        "/letters/dear-president/signatories",
    ] {
        let later = get_with(&app, path, &[("cookie", "lang=he")]).await;
        assert!(
            later.body.contains(r#"<html lang="he" dir="rtl">"#),
            "{path} forgot the language"
        );
        assert!(set_cookies(&later).is_empty(), "{path} set a cookie again");
    }
    // The address beats the cookie, and the browser's language comes last.
    let french = get_with(
        &app,
        "/letters/dear-president?lang=fr",
        &[("cookie", "lang=he"), ("accept-language", "es")],
    )
    .await;
    assert!(french.body.contains(r#"<html lang="fr" dir="ltr">"#));
    assert!(french.body.contains("Ajoutez votre nom"));
}

async fn arabic_from_the_browser_with_its_plural_forms(backend: Backend) {
    let app = spawn_app(backend).await;
    // A letter per count to go: 1 (one), 2 (two), 3 (few), 11 (many), 100 (other).
    for goal in [1, 2, 3, 11, 100] {
        app.create_letter(&format!("goal-{goal}"), "open", &format!("goal = {goal}"));
    }
    let arabic = [("accept-language", "ar-EG,ar;q=0.9,en;q=0.5")];
    let expected = [
        (1, "بقي توقيع واحد"),
        (2, "بقي توقيعان"),
        (3, "توقيعات</p>"),
        (11, "توقيعًا</p>"),
        (100, "توقيع</p>"),
    ];
    let mut seen = Vec::new();
    for (goal, words) in expected {
        let page = get_with(&app, &format!("/letters/goal-{goal}"), &arabic).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains(r#"<html lang="ar" dir="rtl">"#));
        assert!(set_cookies(&page).is_empty(), "only ?lang= sets the cookie");
        let goal_line = page
            .body
            .split(r#"<p class="goal">"#)
            .nth(1)
            .and_then(|rest| rest.split("</p>").next())
            .unwrap_or_default()
            .to_owned();
        assert!(
            format!("{goal_line}</p>").contains(words),
            "goal {goal}: {goal_line}"
        );
        seen.push(goal_line);
    }
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 5, "five different forms: {seen:?}");
    // Zero signatures: Arabic's own form, and no English.
    let none = get_with(&app, "/letters/goal-100", &arabic).await;
    assert!(
        none.body.contains("لا توقيعات بعد"),
        "no signatures yet, in Arabic"
    );
    assert!(!none.body.contains("No signatures yet"));

    // One and two signatures take the singular and the dual.
    app.sign_and_confirm("goal-100", "Ada Lovelace", "ada@example.org")
        .await;
    app.wait_for_public_total("goal-100", 1).await;
    let one = get_with(&app, "/letters/goal-100", &arabic).await;
    assert!(one.body.contains("وقّع عليها فرد واحد"), "one individual");
    app.sign_and_confirm("goal-100", "Grace Hopper", "grace@example.org")
        .await;
    app.wait_for_public_total("goal-100", 2).await;
    let two = get_with(&app, "/letters/goal-100", &arabic).await;
    assert!(two.body.contains("وقّع عليها فردان"), "two individuals");
    assert!(two.body.contains("توقيعان</p>"), "the dual of signatures");
}

async fn unknown_or_hostile_languages_fall_back_to_english(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    for query in [
        "lang=%3Cscript%3Ealert(1)%3C/script%3E",
        "lang=xx-unknown",
        "lang=de",
        "lang=",
        "lang=he%22%3E%3Cb%3E",
    ] {
        let page = app.get(&format!("/letters/dear-president?{query}")).await;
        assert_eq!(page.status, StatusCode::OK, "{query}");
        assert!(
            page.body.contains(r#"<html lang="en" dir="ltr">"#),
            "{query}"
        );
        assert!(page.body.contains("Add your name"), "{query}");
        assert!(set_cookies(&page).is_empty(), "{query} set a cookie");
        assert!(!page.body.contains("<script>alert"), "{query} reflected");
        assert!(!page.body.contains("<b>"), "{query} reflected");
    }
    // A cookie or header naming no language we have changes nothing either.
    let page = get_with(
        &app,
        "/letters/dear-president",
        &[("cookie", "lang=<x>"), ("accept-language", "tlh, *;q=0.1")],
    )
    .await;
    assert!(page.body.contains(r#"<html lang="en" dir="ltr">"#));
    // A header of thousands of unreadable entries is answered; they are skipped, and the one
    // language in it we have is used (a header is not a choice to remember).
    let flood = format!(
        "{}, he;q=0.01",
        vec!["x-klingon;q=0.5, 12!;q=0.4"; 1000].join(", ")
    );
    let page = get_with(
        &app,
        "/letters/dear-president",
        &[("accept-language", &flood)],
    )
    .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(r#"<html lang="he" dir="rtl">"#));
    assert!(set_cookies(&page).is_empty());
    // A bidi override or an invisible character glued to a tag is no language.
    for query in ["lang=he%E2%80%AE", "lang=%E2%80%8Bhe", "lang=h%C3%A9"] {
        let page = app.get(&format!("/letters/dear-president?{query}")).await;
        assert!(
            page.body.contains(r#"<html lang="en" dir="ltr">"#),
            "{query}"
        );
        assert!(set_cookies(&page).is_empty(), "{query} set a cookie");
    }
    // A region of a language we have picks that language, remembered without the region.
    let page = app.get("/letters/dear-president?lang=he-IL").await;
    assert!(page.body.contains(r#"<html lang="he" dir="rtl">"#));
    assert!(set_cookies(&page).iter().any(|c| c.starts_with("lang=he;")));
}

async fn sign_form_errors_come_in_the_pages_language(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let response = sign_with_cookie(
        &app,
        "dear-president",
        "fr",
        &[
            ("kind", "individual"),
            ("name", ""),
            ("email", "not-an-address"),
            ("city", &"x".repeat(150)),
        ],
    )
    .await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    let body = &response.body;
    assert!(body.contains(r#"<html lang="fr" dir="ltr">"#));
    assert!(body.contains("Il y a un problème"), "the summary in French");
    assert!(body.contains("Saisissez votre nom."), "{body}");
    assert!(body.contains("Saisissez une adresse e-mail comme nom@example.org."));
    assert!(body.contains("100 caractères au maximum."), "{body}");
    assert!(!body.contains("Enter your name."));
    assert!(body.starts_with("<!doctype html>"));
    assert!(
        body.contains("<title>Erreur : "),
        "the title says error in French"
    );
    assert_eq!(app.signature_count(), 0, "nothing stored");
}

async fn the_confirmation_email_speaks_the_language_signed_in(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    let response = sign_with_cookie(
        &app,
        "dear-president",
        "he",
        &[
            ("kind", "individual"),
            ("name", "נועה לוי"),
            ("email", "noa@example.org"),
            ("public", "on"),
        ],
    )
    .await;
    assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    let check = get_with(
        &app,
        response.location.as_deref().expect("redirect"),
        &[("cookie", "lang=he")],
    )
    .await;
    assert!(check.body.contains("בדקו את תיבת האימייל"));

    let mails = app.wait_for_mails_to("noa@example.org", 1).await;
    let mail = &mails[0];
    assert!(
        mail.subject.contains("נא לאשר את חתימתכם"),
        "{}",
        mail.subject
    );
    assert!(mail.subject.contains("Protect the right to protest"));
    assert!(mail.text.contains("שלום נועה לוי"), "{}", mail.text);
    assert!(mail.html.contains(r#"<html lang="he" dir="rtl">"#));
    assert!(
        mail.html.contains("אישור החתימה שלי"),
        "the button in Hebrew"
    );
    assert!(!mail.text.contains("Until you confirm"));

    // Someone reading English gets English, whatever the earlier signer read.
    app.sign_and_confirm("dear-president", "Ada Lovelace", "ada@example.org")
        .await;
    let english = app.wait_for_mails_to("ada@example.org", 1).await;
    assert!(english[0].subject.contains("Please confirm your signature"));
    assert!(english[0].html.contains(r#"<html lang="en" dir="ltr">"#));
}

async fn latin_names_in_a_hebrew_list_are_isolated(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign_and_confirm("dear-president", "Ada Lovelace", "ada@example.org")
        .await;
    app.wait_for_public_total("dear-president", 1).await;
    for path in [
        "/letters/dear-president?lang=he",
        "/letters/dear-president/signatories?lang=he",
    ] {
        let page = app.get(path).await;
        assert!(
            page.body.contains(r#"<html lang="he" dir="rtl">"#),
            "{path}"
        );
        assert!(
            page.body
                .contains(r#"<bdi class="name">Ada Lovelace</bdi> <span class="detail"><bdi>Lyon</bdi></span>"#),
            "{path}: {}",
            page.body
        );
    }
    let page = app.get("/letters/dear-president?lang=he").await;
    assert!(
        page.body.contains("חתומים: אדם אחד<"),
        "the count in Hebrew"
    );
}

async fn a_language_leading_the_address_is_the_interface_language(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    // Whatever answers at /ar/... (a translation, or nothing), it answers in Arabic and
    // remembers the choice, as a ?lang= link does.
    let page = get_with(&app, "/ar/no-such-page", &[("accept-language", "fr")]).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains(r#"<html lang="ar" dir="rtl">"#));
    assert!(
        page.body.contains("الصفحة غير موجودة"),
        "not found, in Arabic"
    );
    assert!(set_cookies(&page).iter().any(|c| c.starts_with("lang=ar;")));
    // A first segment that is no language of ours changes nothing.
    let page = app.get("/de/no-such-page").await;
    assert!(page.body.contains(r#"<html lang="en" dir="ltr">"#));
    assert!(page.body.contains("Page not found"));
    assert!(set_cookies(&page).is_empty());
}
