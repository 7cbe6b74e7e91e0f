//! The signer's loop: a post from another site's page signs nothing; the check-email page says
//! the address typed and the choices made, suggests a fix for a mistyped mail domain and leads
//! back to the form with everything kept; signing again before confirming keeps the first
//! link working; the choices are in the email and on the confirm and confirmed pages; the
//! letter page says "You signed" to that browser only; withdrawing names the letter and the
//! person, and the old confirm link then says it was withdrawn.

use awc::http::StatusCode;

use crate::helpers::{Backend, Response, TestApp, encode, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    a_post_from_another_site_signs_nothing_and_says_why,
    check_email_says_the_address_and_corrects_a_typo,
    signing_again_keeps_the_first_link_and_says_the_choices,
    the_letter_page_says_you_signed_to_that_browser_only,
);

const SLUG: &str = "dear-president";
const MEMBERS: &str = "https://members.example.org";

async fn spawn(backend: Backend) -> TestApp {
    let app = spawn_app_with(
        backend,
        &[("embed.allowed_origins", format!(r#"["{MEMBERS}"]"#))],
    )
    .await;
    app.create_letter(SLUG, "open", "");
    app
}

/// The sign form as a browser posts it, with these request headers.
async fn sign_with_headers(
    app: &TestApp,
    fields: &[(&str, &str)],
    headers: &[(&str, &str)],
) -> Response {
    let form_time = app.form_time(SLUG).await;
    let mut all = fields.to_vec();
    all.push(("t", &form_time));
    post(
        app,
        &format!("/letters/{SLUG}/sign"),
        &encode(&all),
        headers,
    )
    .await
}

async fn post(app: &TestApp, path: &str, body: &str, headers: &[(&str, &str)]) -> Response {
    let mut request = app
        .client
        .post(format!("{}{path}", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    for header in headers {
        request = request.insert_header(*header);
    }
    crate::helpers::read(
        request
            .send_body(body.to_owned())
            .await
            .expect("POST answered"),
    )
    .await
}

async fn get_with_cookie(app: &TestApp, path: &str, cookie: &str) -> Response {
    let request = app
        .client
        .get(format!("{}{path}", app.address))
        .insert_header(("cookie", cookie));
    crate::helpers::read(request.send().await.expect("GET answered")).await
}

/// The cookies a response sets, as a browser would send them back (`a=1; b=2`).
fn cookies_of(response: &Response) -> String {
    response
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .filter_map(|cookie| cookie.split(';').next())
        .filter(|pair| !pair.ends_with('='))
        .collect::<Vec<_>>()
        .join("; ")
}

/// Sleeps until a new second starts, so that two requests fall in one second of the page cache.
async fn at_a_second_start() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970");
    let rest = 1_000 - u64::from(now.subsec_millis());
    actix_web::rt::time::sleep(std::time::Duration::from_millis(rest + 20)).await;
}

async fn a_post_from_another_site_signs_nothing_and_says_why(backend: Backend) {
    let app = spawn(backend).await;
    // Everything ticked, as a hostile page would send it.
    let fields = [
        ("name", "Dana Visitor"),
        ("email", "dana@example.org"),
        ("public", "on"),
        ("updates", "on"),
        ("share_with_member", "on"),
    ];
    let refused_headers: [&[(&str, &str)]; 5] = [
        &[
            ("sec-fetch-site", "cross-site"),
            ("origin", "https://evil.example"),
        ],
        // No Origin at all, the browser's word alone.
        &[("sec-fetch-site", "cross-site")],
        // A sibling host is another site too.
        &[("sec-fetch-site", "same-site")],
        // An old browser: only the Origin, of another host.
        &[("origin", "https://evil.example")],
        // Spoofed: "same-origin" with a foreign Origin, and a look-alike of our own address.
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", "http://letters.test.evil.example"),
        ],
    ];
    for headers in refused_headers {
        let refused = sign_with_headers(&app, &fields, headers).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(
            refused.body.contains("sent from another site"),
            "{headers:?}: {}",
            refused.body
        );
        assert!(
            refused
                .body
                .contains(&format!(r#"href="/letters/{SLUG}#sign""#)),
            "a way to the letter: {}",
            refused.body
        );
        assert!(refused.location.is_none());
    }
    // The other entry points a browser can post to.
    let cross = [
        ("sec-fetch-site", "cross-site"),
        ("origin", "https://evil.example"),
    ];
    let resend = post(
        &app,
        &format!("/letters/{SLUG}/resend"),
        &encode(&[("email", "dana@example.org")]),
        &cross,
    )
    .await;
    assert_eq!(resend.status, StatusCode::FORBIDDEN, "{}", resend.body);
    let detail = app.get(&format!("/api/v1/letters/{SLUG}")).await;
    let token =
        serde_json::from_str::<serde_json::Value>(&detail.body).expect("JSON")["form_token"]
            .as_str()
            .expect("a form token")
            .to_owned();
    let mut json = app
        .client
        .post(format!("{}/api/v1/letters/{SLUG}/signatures", app.address));
    for header in cross {
        json = json.insert_header(header);
    }
    let json = crate::helpers::read(
        json.send_json(&serde_json::json!({
            "name": "Dana Visitor", "email": "dana@example.org", "public": true,
            "form_token": token,
        }))
        .await
        .expect("POST answered"),
    )
    .await;
    assert_eq!(json.status, StatusCode::FORBIDDEN, "{}", json.body);
    assert!(json.body.contains("another site"), "{}", json.body);

    // Nothing stored, nobody emailed.
    assert_eq!(app.signature_count(), 0);
    assert_eq!(app.outbox_count(), 0);

    // Our own page (the embed's frame is served from here too), an allowed member's site, and
    // a request that does not say (curl, an old browser) are taken.
    let ours = sign_with_headers(
        &app,
        &[("name", "Our Page"), ("email", "ours@example.org")],
        &[
            ("sec-fetch-site", "same-origin"),
            ("origin", crate::helpers::PUBLIC_URL),
        ],
    )
    .await;
    assert_eq!(ours.status, StatusCode::SEE_OTHER, "{}", ours.body);
    let member = sign_with_headers(
        &app,
        &[("name", "Member Site"), ("email", "member@example.org")],
        &[("sec-fetch-site", "cross-site"), ("origin", MEMBERS)],
    )
    .await;
    assert_eq!(member.status, StatusCode::SEE_OTHER, "{}", member.body);
    let plain = sign_with_headers(
        &app,
        &[("name", "Curl User"), ("email", "curl@example.org")],
        &[],
    )
    .await;
    assert_eq!(plain.status, StatusCode::SEE_OTHER, "{}", plain.body);
    assert_eq!(app.signature_count(), 3);
}

async fn check_email_says_the_address_and_corrects_a_typo(backend: Backend) {
    let app = spawn(backend).await;
    let signed = sign_with_headers(
        &app,
        &[
            ("name", "Dana Levi"),
            ("email", "dana@gmial.con"),
            ("city", "Haifa"),
            ("public", "on"),
        ],
        &[],
    )
    .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let location = signed.location.clone().expect("to check-email");
    assert_eq!(location, format!("/letters/{SLUG}/signed"));
    // Nothing personal in the address, and the cookie that carries the form is sealed.
    let cookie = cookies_of(&signed);
    assert!(cookie.contains("signed_form="), "{cookie}");
    for personal in ["dana", "gmial", "Haifa", "Levi"] {
        assert!(!location.contains(personal) && !cookie.contains(personal));
    }
    let set_cookie: Vec<&str> = signed
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .collect();
    assert!(
        set_cookie
            .iter()
            .all(|cookie| cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax")),
        "{set_cookie:?}"
    );

    let page = get_with_cookie(&app, &location, &cookie).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("dana@gmial.con"), "{}", page.body);
    assert!(page.body.contains("Did you mean"), "{}", page.body);
    assert!(page.body.contains("dana@gmail.com"), "{}", page.body);
    assert!(page.body.contains("Wrong address?"), "{}", page.body);
    assert!(page.body.contains("Listed publicly on the letter: yes"));
    assert!(page.body.contains("Updates about this letter by email: no"));
    let no_store = page
        .headers
        .get("cache-control")
        .and_then(|v| v.to_str().ok());
    assert_eq!(no_store, Some("no-store"));

    // "Yes, correct my address": the form again, every field kept, the address corrected.
    let corrected = get_with_cookie(&app, &format!("/letters/{SLUG}/change?fix"), &cookie).await;
    assert_eq!(corrected.status, StatusCode::OK);
    assert!(
        corrected.body.contains(r#"value="dana@gmail.com""#),
        "{}",
        corrected.body
    );
    assert!(corrected.body.contains(r#"value="Dana Levi""#));
    assert!(corrected.body.contains(r#"value="Haifa""#));
    assert!(
        corrected
            .body
            .contains(r#"name="public" value="on" checked"#)
    );
    // "Change it": the form as typed.
    let change = get_with_cookie(&app, &format!("/letters/{SLUG}/change"), &cookie).await;
    assert!(change.body.contains(r#"value="dana@gmial.con""#));
    // Signing the corrected form is a signature for the right address.
    let form_time = crate::helpers::form_time_in(&corrected.body);
    let again = post(
        &app,
        &format!("/letters/{SLUG}/sign"),
        &encode(&[
            ("name", "Dana Levi"),
            ("email", "dana@gmail.com"),
            ("public", "on"),
            ("t", &form_time),
        ]),
        &[],
    )
    .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let mails = app.wait_for_mails_to("dana@gmail.com", 1).await;
    assert!(mails[0].text.contains("Listed publicly on the letter: yes"));

    // Without the cookie, or with a forged one, the page knows no address; nor does another
    // browser, and the way back is the letter's own form.
    for other in ["", "signed_form=AAAA", "signed_form=not-base64!"] {
        let page = get_with_cookie(&app, &location, other).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("gmial"), "{other}");
        assert!(page.body.contains("the address you entered"), "{other}");
    }
    let nothing = app.get(&format!("/letters/{SLUG}/change")).await;
    assert_eq!(nothing.status, StatusCode::SEE_OTHER);
}

async fn signing_again_keeps_the_first_link_and_says_the_choices(backend: Backend) {
    let app = spawn(backend).await;
    let first = app
        .sign(SLUG, &[("name", "Grace H"), ("email", "grace@example.org")])
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER, "{}", first.body);
    // (An email is written when it is sent, from the signature as it is then.)
    app.wait_for_mails_to("grace@example.org", 1).await;
    // Back, tick a box, fix the name, Sign again: a second email.
    let second = app
        .sign(
            SLUG,
            &[
                ("name", "Grace Hopper"),
                ("email", "GRACE@example.org"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(second.status, StatusCode::SEE_OTHER, "{}", second.body);
    let mails = app.wait_for_mails_to("grace@example.org", 2).await;
    assert!(mails[0].text.contains("Listed publicly on the letter: no"));
    assert!(mails[1].text.contains("Listed publicly on the letter: yes"));
    assert!(mails[1].html.contains("Listed publicly on the letter: yes"));
    let (old_link, new_link) = (mails[0].link("/verify/"), mails[1].link("/verify/"));
    assert_ne!(old_link, new_link);

    // Both links open the confirm page of the one signature, as last signed, with the boxes.
    for link in [&old_link, &new_link] {
        let page = app.get(link).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        assert!(
            page.body.contains("Signed as Grace Hopper"),
            "{}",
            page.body
        );
        assert!(
            page.body
                .contains(r#"type="checkbox" name="public" value="on" checked"#),
            "{}",
            page.body
        );
        assert!(!page.body.contains("data-auto-submit"));
    }
    assert_eq!(app.signature_count(), 1);

    // The first email's link confirms, with the boxes as left: unticking "listed" is heard.
    let confirmed = app
        .post_form(&old_link, encode(&[("choices", "1"), ("updates", "on")]))
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    assert!(confirmed.body.contains("Signature confirmed"));
    assert!(
        confirmed
            .body
            .contains("As you chose, it is not listed publicly"),
        "{}",
        confirmed.body
    );
    assert!(!confirmed.body.contains("if you chose"));
    assert!(
        confirmed
            .body
            .contains("Updates about this letter by email: yes")
    );
    let (public, updates): (bool, bool) = {
        use diesel::prelude::*;
        use undersigned::db::schema::signatures;
        signatures::table
            .select((signatures::public, signatures::updates))
            .first(&mut *app.connection() as &mut undersigned::db::DbConnection)
            .expect("the signature")
    };
    assert_eq!((public, updates), (false, true));

    // Replayed, and the other link: already confirmed, never "already used".
    for link in [&old_link, &new_link] {
        let replay = app.post_form(link, "").await;
        assert_eq!(replay.status, StatusCode::OK, "{}", replay.body);
        assert!(
            !replay.body.contains("already been used"),
            "{}",
            replay.body
        );
        let page = app.get(link).await;
        assert!(!page.body.contains("already been used"), "{}", page.body);
    }

    // The withdraw page names the letter and the person, before and after.
    let withdraw = mails[1].link("/withdraw/");
    let page = app.get(&withdraw).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Protect the right to protest"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Signed as Grace Hopper"),
        "{}",
        page.body
    );
    let withdrawn = app.post_form(&withdraw, "").await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert!(
        withdrawn
            .body
            .contains("Grace Hopper no longer appears on “Protect the right to protest”"),
        "{}",
        withdrawn.body
    );
    // The old confirm link says what happened.
    let old = app.get(&old_link).await;
    assert_eq!(old.status, StatusCode::GONE);
    assert!(
        old.body.contains("This signature was withdrawn"),
        "{}",
        old.body
    );
    assert!(!old.body.contains("already been used"), "{}", old.body);
    let posted = app.post_form(&old_link, "").await;
    assert!(posted.body.contains("This signature was withdrawn"));
}

async fn the_letter_page_says_you_signed_to_that_browser_only(backend: Backend) {
    let app = spawn(backend).await;
    let signed = app
        .sign(SLUG, &[("name", "Ada"), ("email", "ada@example.org")])
        .await;
    let cookie = cookies_of(&signed);
    let slugs = cookie
        .split("; ")
        .find_map(|pair| pair.strip_prefix("signed_letters="))
        .expect("the signed-letters cookie");
    assert_eq!(slugs, SLUG, "only the letter, nothing personal");

    // The same second, both ways round: the cached page of one is never the other's.
    for signer_first in [true, false] {
        at_a_second_start().await;
        let (a, b) = if signer_first {
            let a = get_with_cookie(&app, &format!("/letters/{SLUG}"), &cookie).await;
            (a, app.get(&format!("/letters/{SLUG}")).await)
        } else {
            let b = app.get(&format!("/letters/{SLUG}")).await;
            (
                get_with_cookie(&app, &format!("/letters/{SLUG}"), &cookie).await,
                b,
            )
        };
        assert!(a.body.contains("You signed this letter"), "{}", a.body);
        assert!(a.body.contains(r#"id="share-url""#));
        assert!(!a.body.contains(r#"id="sign-form""#));
        assert!(!b.body.contains("You signed"), "{}", b.body);
        assert!(b.body.contains(r#"id="sign-form""#));
    }
    // "Sign with another name or address" shows the form again.
    let again = get_with_cookie(&app, &format!("/letters/{SLUG}?again"), &cookie).await;
    assert!(again.body.contains(r#"id="sign-form""#));
    // Withdrawing in this browser forgets the letter there: the form is back.
    let mail = app.wait_for_mails_to("ada@example.org", 1).await;
    let withdrawn = post(
        &app,
        &mail[0].link("/withdraw/"),
        "",
        &[("cookie", &cookie)],
    )
    .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    let forgotten = withdrawn
        .headers
        .get_all("set-cookie")
        .filter_map(|value| value.to_str().ok())
        .any(|cookie| cookie.starts_with("signed_letters=;") && cookie.contains("Max-Age=0"));
    assert!(forgotten, "{:?}", withdrawn.headers);
}
