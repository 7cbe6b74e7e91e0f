//! A NUL byte is text no one writes and PostgreSQL cannot store (SQLite can). Wherever a
//! stranger can put one (an address, a query, a form, a JSON body, the sign-in form) the
//! real binary answers 4xx on both backends, stores nothing, and logs no ERROR: an attack
//! that is refused is not our failure, and must not page whoever runs the service.

use std::path::Path;

use diesel::prelude::*;
use undersigned::db::schema::signatures;

use crate::harness::Config;
use crate::helpers::{Backend, fresh_database_url};
use crate::on_both_backends;

on_both_backends!(a_nul_anywhere_is_refused_and_logs_no_error);

const SLUG: &str = "nul-test";

fn write_letter(directory: &Path) -> String {
    let path = directory.join("letter.md");
    std::fs::write(
        &path,
        format!(
            "+++\nslug = \"{SLUG}\"\ntitle = \"A letter\"\naddressee = \"The President\"\nstatus = \"open\"\n+++\n\nDear President, we write to you.\n"
        ),
    )
    .expect("write the letter");
    path.display().to_string()
}

async fn a_nul_anywhere_is_refused_and_logs_no_error(backend: Backend) {
    let directory = tempfile::tempdir().expect("a directory");
    let database_url = fresh_database_url(backend, directory.path());
    let log = directory.path().join("server.log");
    let config = Config::new(&database_url)
        .unlimited()
        .mail_files(&directory.path().join("mail"))
        .log_to(&log);
    let server = config.start().await;
    config.cli_ok(&["letters", "import", &write_letter(directory.path())]);
    let base = server.address();
    let client = awc::Client::default();

    let mut answers = Vec::new();
    for path in [
        format!("/letters/{SLUG}%00"),
        format!("/letters/{SLUG}?lang=he%00"),
        format!("/letters/{SLUG}?via=AB%00CD"),
        format!("/api/v1/letters/{SLUG}?lang=%00"),
        format!("/admin/letters/{SLUG}/signatures?q=a%00b"),
        format!("/admin/letters/{SLUG}/signatures/x%00y"),
        "/admin/moderation?q=%00".to_owned(),
        "/partners/x%00y".to_owned(),
        "/verify/x%00y".to_owned(),
    ] {
        let response = client
            .get(format!("{base}{path}"))
            .send()
            .await
            .expect("an answer");
        answers.push((path, response.status()));
    }
    let form = |body: &'static str, path: String| {
        let client = client.clone();
        let url = format!("{base}{path}");
        async move {
            let response = client
                .post(url)
                .insert_header(("Content-Type", "application/x-www-form-urlencoded"))
                .send_body(body)
                .await
                .expect("an answer");
            (path, response.status())
        }
    };
    answers.push(
        form(
            "name=Ada%00Lovelace&email=ada%40example.org&public=on",
            format!("/letters/{SLUG}/sign"),
        )
        .await,
    );
    answers.push(
        form(
            "name=Ada&email=ada%00%40example.org",
            format!("/letters/{SLUG}/sign"),
        )
        .await,
    );
    answers.push(form("email=a%00%40example.org&password=x", "/admin/login".into()).await);
    answers.push(
        form(
            "email=a%40example.org",
            format!("/letters/{SLUG}/resend%00"),
        )
        .await,
    );
    let json = client
        .post(format!("{base}/api/v1/letters/{SLUG}/signatures"))
        .insert_header(("Content-Type", "application/json"))
        .send_body(r#"{"name":"Ada\u0000Lovelace","email":"ada@example.org"}"#)
        .await
        .expect("an answer");
    answers.push(("JSON sign".into(), json.status()));

    for (what, status) in &answers {
        assert!(
            status.is_client_error(),
            "{what}: a NUL is the sender's mistake, answered {status}"
        );
    }

    let pool = undersigned::db::connect(&database_url, 1).expect("open the database");
    let mut connection = pool.get().expect("a connection");
    let stored: i64 = signatures::table
        .count()
        .get_result(&mut *connection)
        .expect("count signatures");
    assert_eq!(stored, 0, "nothing with a NUL was stored");

    drop(server);
    let logged = std::fs::read_to_string(&log).unwrap_or_default();
    let errors: Vec<&str> = logged
        .lines()
        .filter(|line| line.contains("ERROR"))
        .collect();
    assert!(
        errors.is_empty(),
        "a refused NUL is not a failure of ours:\n{}",
        errors.join("\n")
    );
}
