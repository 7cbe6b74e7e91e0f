//! Behind a proxy: the address a per-address limit counts is the one the trusted proxy saw,
//! whatever the client writes in its own X-Forwarded-For line, and one IPv6 subscriber (who
//! holds a whole /64) counts as one client.

use awc::http::StatusCode;

use crate::helpers::{Backend, Response, TestApp, encode, read, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    a_forged_first_forwarded_line_does_not_dodge_the_limit,
    one_ipv6_slash_64_is_one_client,
);

/// The app behind a trusted proxy at 127.0.0.1, with one signature per address allowed.
async fn app_behind_proxy(backend: Backend) -> TestApp {
    let app = spawn_app_with(
        backend,
        &[
            ("limits.trusted_proxies", "[\"127.0.0.1\"]".to_owned()),
            ("limits.sign_per_minute", "1".to_owned()),
            ("limits.sign_burst", "1".to_owned()),
        ],
    )
    .await;
    app.create_letter("dear-president", "open", "");
    app
}

/// Signs with the X-Forwarded-For lines given, in order: as haproxy forwards a request, the
/// client's own line (if any) first and the proxy's appended line last.
async fn sign_with_forwarded_lines(app: &TestApp, lines: &[&str], email: &str) -> Response {
    let t = app.form_time("dear-president").await;
    let mut request = app
        .client
        .post(format!("{}/letters/dear-president/sign", app.address))
        .insert_header(("content-type", "application/x-www-form-urlencoded"));
    for line in lines {
        request = request.append_header(("x-forwarded-for", *line));
    }
    let response = request
        .send_body(encode(&[("name", "Ada"), ("email", email), ("t", &t)]))
        .await
        .expect("POST answered");
    read(response).await
}

async fn a_forged_first_forwarded_line_does_not_dodge_the_limit(backend: Backend) {
    let app = app_behind_proxy(backend).await;
    let first =
        sign_with_forwarded_lines(&app, &["1.1.1.1", "198.51.100.7"], "first@example.org").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    // The same client writes another made-up address in its own line each time.
    for (n, forged) in ["2.2.2.2", "3.3.3.3, 4.4.4.4", "garbage"]
        .iter()
        .enumerate()
    {
        let email = format!("forger{n}@example.org");
        let response = sign_with_forwarded_lines(&app, &[forged, "198.51.100.7"], &email).await;
        assert_eq!(
            response.status,
            StatusCode::TOO_MANY_REQUESTS,
            "forged line {forged:?} must not make a new client"
        );
    }
    assert_eq!(app.signature_count(), 1, "refused requests stored nothing");

    let neighbour = sign_with_forwarded_lines(
        &app,
        &["198.51.100.7", "198.51.100.8"],
        "neighbour@example.org",
    )
    .await;
    assert_eq!(
        neighbour.status,
        StatusCode::SEE_OTHER,
        "another client, even one that names the first in its own line, is unaffected"
    );
    assert_eq!(app.signature_count(), 2);
}

async fn one_ipv6_slash_64_is_one_client(backend: Backend) {
    let app = app_behind_proxy(backend).await;
    let first = sign_with_forwarded_lines(&app, &["2001:db8:1:2::1"], "first@example.org").await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    let same_subscriber =
        sign_with_forwarded_lines(&app, &["2001:db8:1:2:dead:beef:0:99"], "second@example.org")
            .await;
    assert_eq!(
        same_subscriber.status,
        StatusCode::TOO_MANY_REQUESTS,
        "another address in the same /64 is the same client"
    );
    let other_network =
        sign_with_forwarded_lines(&app, &["2001:db8:1:3::1"], "third@example.org").await;
    assert_eq!(other_network.status, StatusCode::SEE_OTHER);
    // IPv4 neighbours stay separate clients.
    let v4 = sign_with_forwarded_lines(&app, &["198.51.100.1"], "fourth@example.org").await;
    assert_eq!(v4.status, StatusCode::SEE_OTHER);
    let v4_neighbour =
        sign_with_forwarded_lines(&app, &["198.51.100.2"], "fifth@example.org").await;
    assert_eq!(v4_neighbour.status, StatusCode::SEE_OTHER);
    assert_eq!(app.signature_count(), 4);
}
