//! Abuse resistance: floods, bots, blocked senders and spelling variants of one mailbox are
//! stopped, and real signers are untouched (a room behind one address signs with the
//! shipped limits).

use awc::http::StatusCode;

use crate::helpers::{Backend, encode, form_time_signed, spawn_app, spawn_app_with, unix_now};
use crate::on_both_backends;

on_both_backends!(
    a_flood_gets_429_while_another_client_is_unaffected,
    honeypots_and_too_fast_forms_store_and_send_nothing,
    blocked_domains_and_networks_are_refused,
    spelling_variants_of_one_mailbox_are_one_signature,
    every_response_carries_security_headers,
    metrics_speak_prometheus,
    a_room_behind_one_address_signs_while_a_script_gets_few_emails,
);

const SLUG: &str = "dear-president";

fn behind_proxy(extra: &[(&str, &str)]) -> Vec<(&'static str, String)> {
    let mut settings: Vec<(&'static str, String)> =
        vec![("limits.trusted_proxies", "[\"127.0.0.1\"]".to_owned())];
    for (key, value) in extra {
        let key: &'static str = Box::leak(key.to_string().into_boxed_str());
        settings.push((key, (*value).to_owned()));
    }
    settings
}

async fn a_flood_gets_429_while_another_client_is_unaffected(backend: Backend) {
    let settings = behind_proxy(&[("limits.sign_per_minute", "3"), ("limits.sign_burst", "3")]);
    let app = spawn_app_with(backend, &settings).await;
    app.create_letter("dear-president", "open", "");
    let t = app.form_time("dear-president").await;
    let mut statuses = Vec::new();
    for n in 0..6 {
        let email = format!("flooder{n}@example.org");
        let body = encode(&[("name", "Flood"), ("email", &email), ("t", &t)]);
        let response = app
            .post_form_from("198.51.100.1", "/letters/dear-president/sign", body)
            .await;
        if response.status == StatusCode::TOO_MANY_REQUESTS {
            assert!(response.headers.contains_key("retry-after"));
            assert!(
                response.body.contains("Please wait a minute"),
                "{}",
                response.body
            );
            assert!(
                response.body.contains(&format!("value=\"{email}\"")),
                "the 429 page keeps what was typed"
            );
            assert!(
                response
                    .body
                    .contains("action=\"/letters/dear-president/sign#sign\"")
            );
        }
        statuses.push(response.status);
    }
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == StatusCode::SEE_OTHER)
            .count(),
        3
    );
    assert_eq!(
        statuses
            .iter()
            .filter(|status| **status == StatusCode::TOO_MANY_REQUESTS)
            .count(),
        3
    );

    let neighbour = app
        .post_form_from(
            "198.51.100.2",
            "/letters/dear-president/sign",
            encode(&[
                ("name", "Real Person"),
                ("email", "real@example.org"),
                ("t", &t),
            ]),
        )
        .await;
    assert_eq!(
        neighbour.status,
        StatusCode::SEE_OTHER,
        "another client is unaffected"
    );
    assert_eq!(app.signature_count(), 4, "refused requests stored nothing");
    // A client cannot dodge the limit by naming itself: only the proxy's word counts.
    let metrics = app.metrics().await;
    assert!(
        metrics
            .body
            .contains("undersigned_rate_limited_total{limit=\"sign\"} 3"),
        "{}",
        metrics.body
    );
}

async fn honeypots_and_too_fast_forms_store_and_send_nothing(backend: Backend) {
    let app = spawn_app_with(backend, &[("limits.min_form_seconds", "2".to_owned())]).await;
    app.create_letter("dear-president", "open", "");
    let t = app.form_time("dear-president").await;
    assert!(!t.is_empty(), "the form carries a signed timestamp");

    // The honeypot stays silent: the usual answer, nothing stored or sent.
    let bot = app
        .post_form_raw(
            "/letters/dear-president/sign",
            encode(&[
                ("name", "Bot"),
                ("email", "bot1@example.org"),
                ("t", &t),
                ("nickname", "filled by a bot"),
            ]),
        )
        .await;
    assert_eq!(
        bot.status,
        StatusCode::SEE_OTHER,
        "the bot sees the usual answer"
    );
    assert_eq!(
        bot.location.as_deref(),
        Some("/letters/dear-president/signed")
    );

    // No time stamp, a forged one, or a submit faster than a person types: maybe a person
    // after all, so the form comes back with what was typed and one plain line.
    let hurried = [
        encode(&[("name", "Quick Person"), ("email", "quick2@example.org")]),
        encode(&[
            ("name", "Quick Person"),
            ("email", "quick3@example.org"),
            ("t", "1700000000.forged"),
        ]),
        encode(&[
            ("name", "Quick Person"),
            ("email", "quick4@example.org"),
            ("t", &t),
        ]),
    ];
    for body in hurried {
        let response = app
            .post_form_raw("/letters/dear-president/sign", body)
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            response
                .body
                .contains("Please check your details and press Sign again"),
            "{}",
            response.body
        );
        assert!(
            response.body.contains("value=\"Quick Person\""),
            "values kept"
        );
    }
    assert_eq!(app.signature_count(), 0);
    assert_eq!(app.outbox_count(), 0, "nothing sent");

    // A person takes a few seconds to fill the form.
    actix_web::rt::time::sleep(std::time::Duration::from_millis(2100)).await;
    let human = app
        .post_form(
            "/letters/dear-president/sign",
            encode(&[
                ("name", "Patient Person"),
                ("email", "person@example.org"),
                ("t", &t),
                ("nickname", ""),
            ]),
        )
        .await;
    assert_eq!(human.status, StatusCode::SEE_OTHER);
    assert_eq!(app.signature_count(), 1);
    app.wait_for_mails_to("person@example.org", 1).await;
    let metrics = app.metrics().await;
    assert!(
        metrics.body.contains("undersigned_bot_submissions_total 1"),
        "{}",
        metrics.body
    );
}

async fn blocked_domains_and_networks_are_refused(backend: Backend) {
    let settings = behind_proxy(&[
        ("limits.blocked_email_domains", "[\"spam.example\"]"),
        ("limits.blocked_networks", "[\"203.0.113.0/24\"]"),
    ]);
    let app = spawn_app_with(backend, &settings).await;
    app.create_letter("dear-president", "open", "");
    let domain = app
        .sign(
            "dear-president",
            &[("name", "Spammer"), ("email", "bot@mail.spam.example")],
        )
        .await;
    assert_eq!(domain.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(domain.body.contains("email domain are not accepted"));
    let t = app.form_time("dear-president").await;
    let network = app
        .post_form_from(
            "203.0.113.50",
            "/letters/dear-president/sign",
            encode(&[
                ("name", "Someone"),
                ("email", "someone@example.org"),
                ("t", &t),
            ]),
        )
        .await;
    assert_eq!(network.status, StatusCode::FORBIDDEN);
    assert!(network.body.contains("not accepted"));
    assert_eq!(app.signature_count(), 0);
    assert_eq!(app.outbox_count(), 0);
    let fine = app
        .sign(
            "dear-president",
            &[("name", "Fine"), ("email", "fine@example.org")],
        )
        .await;
    assert_eq!(fine.status, StatusCode::SEE_OTHER);
    assert_eq!(app.signature_count(), 1);
}

async fn spelling_variants_of_one_mailbox_are_one_signature(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign_and_confirm("dear-president", "Ada Lovelace", "ada.lovelace@gmail.com")
        .await;
    let variant = app
        .sign(
            "dear-president",
            &[
                ("name", "Ada"),
                ("email", "AdaLovelace+petition@googlemail.com"),
            ],
        )
        .await;
    assert_eq!(variant.status, StatusCode::SEE_OTHER);
    assert_eq!(app.signature_count(), 1);
    let mails = app
        .wait_for_mails_to("AdaLovelace+petition@googlemail.com", 1)
        .await;
    assert!(
        mails[0].subject.contains("already signed"),
        "sent to the address as typed"
    );
}

async fn every_response_carries_security_headers(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    for path in [
        "/",
        "/letters/dear-president",
        "/letters/nope",
        "/admin/login",
        "/api/v1/letters",
        "/healthz",
    ] {
        let response = app.get(path).await;
        let header = |name: &str| {
            response
                .headers
                .get(name)
                .and_then(|value| value.to_str().ok())
                .unwrap_or_default()
                .to_owned()
        };
        assert!(
            header("content-security-policy").contains("script-src 'self'"),
            "{path}"
        );
        assert!(
            header("content-security-policy").contains("frame-ancestors 'none'"),
            "{path}"
        );
        assert_eq!(header("x-content-type-options"), "nosniff", "{path}");
        assert_eq!(header("x-frame-options"), "DENY", "{path}");
        assert!(
            !response.body.contains("diesel") && !response.body.contains("panicked"),
            "{path}"
        );
    }
}

async fn metrics_speak_prometheus(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign_and_confirm("dear-president", "Ada", "ada@example.org")
        .await;
    app.sign(
        "dear-president",
        &[("name", "Grace"), ("email", "grace@example.org")],
    )
    .await;
    let metrics = app.metrics().await;
    assert_eq!(metrics.status, StatusCode::OK);
    let body = metrics.body;
    assert!(body.contains("# TYPE undersigned_http_requests_total counter"));
    assert!(
        body.contains(
            "undersigned_http_requests_total{route=\"/letters/{slug}/sign\",status=\"303\"} 2"
        ),
        "{body}"
    );
    assert!(
        body.contains("undersigned_signatures{state=\"verified\"} 1"),
        "{body}"
    );
    // Read from the tallies, which keep confirmed signatures only.
    assert!(!body.contains("state=\"pending\""), "{body}");
    assert!(body.contains("undersigned_outbox_messages{status=\"waiting\"}"));
    assert!(body.contains("undersigned_outbox_oldest_waiting_seconds"));
    assert!(
        body.contains("route=\"/verify/{token}\""),
        "routes are patterns, never raw paths with tokens: {body}"
    );
}

/// Campus or rally Wi-Fi, with the shipped limits.
async fn a_room_behind_one_address_signs_while_a_script_gets_few_emails(backend: Backend) {
    let defaults = undersigned::config::Settings::defaults_with(&[])
        .expect("default settings")
        .limits;
    let burst = defaults.sign_burst as usize;
    let per_minute = defaults.sign_per_minute as usize;
    let per_mailbox = defaults.emails_per_address_per_hour as i64;
    assert!(
        burst + 10 * per_minute >= 200,
        "200 people behind one address sign within 10 minutes: {burst} at once, then {per_minute} a minute"
    );
    let app = spawn_app_with(
        backend,
        &[
            ("limits.trusted_proxies", r#"["127.0.0.1"]"#.to_owned()),
            ("limits.sign_per_minute", per_minute.to_string()),
            ("limits.sign_burst", burst.to_string()),
            (
                "limits.emails_per_address_per_hour",
                per_mailbox.to_string(),
            ),
            (
                "limits.min_form_seconds",
                defaults.min_form_seconds.to_string(),
            ),
        ],
    )
    .await;
    app.create_letter(SLUG, "open", "");
    let secret = app.stored_form_secret().expect("the stored form secret");
    // Everyone opened the page a little while ago.
    let stamp = form_time_signed(&secret, &app.letter_id(SLUG), unix_now() - 30);
    let room = "198.51.100.7";

    let mut refused = None;
    for n in 0..200 {
        let name = format!("Person {n}");
        let email = format!("person{n}@example.org");
        let response = app
            .post_form_from(
                room,
                &format!("/letters/{SLUG}/sign"),
                encode(&[("name", &name), ("email", &email), ("t", &stamp)]),
            )
            .await;
        if n < burst {
            assert_eq!(
                response.status,
                StatusCode::SEE_OTHER,
                "the first {burst} sign at once: {n}: {}",
                response.body
            );
        } else if response.status == StatusCode::TOO_MANY_REQUESTS {
            refused = Some((response, name, email));
            break;
        }
    }
    assert!(app.signature_count() >= burst as i64);
    let (page, name, email) = refused.expect("a flood beyond the quota is slowed down");
    let wait: u64 = page
        .headers
        .get("retry-after")
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse().ok())
        .expect("Retry-After in seconds");
    assert!(
        wait <= 60,
        "the page asks for a minute at most; Retry-After {wait}"
    );
    assert!(page.body.contains("Please wait a minute"), "{}", page.body);
    for value in [&name, &email] {
        assert!(
            page.body.contains(&format!("value=\"{value}\"")),
            "kept {value}"
        );
    }
    assert!(
        page.body.contains("<h1>Protect the right to protest</h1>")
            && page
                .body
                .contains(&format!("action=\"/letters/{SLUG}/sign#sign\"")),
        "the answer is the letter with its form, ready to press Sign again"
    );
    let stored_before_script = app.signature_count();

    // One script, many names, one mailbox: silent answers, and few emails.
    for n in 0..(per_mailbox * 3) {
        let response = app
            .post_form_from(
                "198.51.100.8",
                &format!("/letters/{SLUG}/sign"),
                encode(&[
                    ("name", &format!("Fake Name {n}")),
                    ("email", "target@example.org"),
                    ("t", &stamp),
                ]),
            )
            .await;
        assert_eq!(response.status, StatusCode::SEE_OTHER, "{}", response.body);
    }
    let emails = app.outbox_count_to("target@example.org");
    assert!(
        (1..=per_mailbox).contains(&emails),
        "{emails} emails to one mailbox; at most {per_mailbox} an hour"
    );
    assert_eq!(
        app.signature_count(),
        stored_before_script + 1,
        "one mailbox, one signature"
    );
}
