//! What operators script against: `letters import`, `letters list`, `export`, configuration.

use std::process::Command;

use crate::helpers::{Backend, spawn_app};
use crate::on_both_backends;

on_both_backends!(
    letters_are_imported_updated_and_listed_from_markdown,
    export_writes_every_signature_filtered_and_formula_safe,
);

async fn letters_are_imported_updated_and_listed_from_markdown(backend: Backend) {
    let app = spawn_app(backend).await;
    let file = app.directory.path().join("letter.md");
    std::fs::write(
        &file,
        crate::helpers::letter_document("coalition-letter", "open", "goal = 500"),
    )
    .expect("write letter");
    let file = file.display().to_string();

    let created = app.cli_ok(&["letters", "import", &file]);
    assert!(created.contains("coalition-letter created"), "{created}");
    let page = app.get("/letters/coalition-letter").await;
    assert_eq!(page.status, awc::http::StatusCode::OK);

    let unchanged = app.cli_ok(&["letters", "import", &file]);
    assert!(
        unchanged.contains("coalition-letter updated"),
        "{unchanged}"
    );
    assert!(!unchanged.contains("new text version"));

    let text = std::fs::read_to_string(&file).expect("read letter");
    std::fs::write(&file, text.replace("**veto**", "**refuse to sign**")).expect("edit letter");
    let edited = app.cli_ok(&["letters", "import", &file]);
    assert!(edited.contains("new text version"), "{edited}");

    app.sign_and_confirm("coalition-letter", "Ada Lovelace", "ada@example.org")
        .await;
    let listed = app.cli_ok(&["letters", "list"]);
    let line = listed
        .lines()
        .find(|line| line.starts_with("coalition-letter"))
        .expect("the letter is listed");
    let columns: Vec<&str> = line.split_whitespace().collect();
    assert_eq!(columns[1], "open");
    assert_eq!(columns[2], "1", "one signature counted: {line}");

    let broken = app.directory.path().join("broken.md");
    std::fs::write(&broken, "no front matter here").expect("write");
    let refused = app.cli(&["letters", "import", &broken.display().to_string()]);
    assert!(!refused.status.success());
    assert!(String::from_utf8_lossy(&refused.stderr).contains("front matter"));
}

async fn export_writes_every_signature_filtered_and_formula_safe(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    app.sign_and_confirm(
        "dear-president",
        "=HYPERLINK(\"http://evil\")",
        "formula@example.org",
    )
    .await;
    app.sign_and_confirm("dear-president", "Ada Lovelace", "ada@example.org")
        .await;
    let pending = app
        .sign(
            "dear-president",
            &[
                ("name", "@Pending Person"),
                ("email", "pending@example.org"),
            ],
        )
        .await;
    assert_eq!(pending.status, awc::http::StatusCode::SEE_OTHER);

    let all = app.cli_ok(&["export", "dear-president"]);
    let mut reader = csv::Reader::from_reader(all.as_bytes());
    let headers = reader.headers().expect("header row").clone();
    assert_eq!(&headers[0], "id");
    assert!(headers.iter().any(|column| column == "verified_at"));
    let rows: Vec<csv::StringRecord> = reader.records().map(|row| row.expect("row")).collect();
    assert_eq!(rows.len(), 3);
    let names: Vec<&str> = rows.iter().map(|row| &row[3]).collect();
    assert!(names.contains(&"'=HYPERLINK(\"http://evil\")"), "{names:?}");
    assert!(names.contains(&"'@Pending Person"), "{names:?}");
    // The address where one is held (Ada asked for updates), and said so beside it.
    assert_eq!(&headers[4], "email");
    assert_eq!(&headers[5], "address_held");
    assert!(
        rows.iter()
            .any(|row| &row[4] == "ada@example.org" && &row[5] == "yes"),
        "staff export has emails"
    );

    let output = app.directory.path().join("verified.json");
    let output_path = output.display().to_string();
    app.cli_ok(&[
        "export",
        "dear-president",
        "--format",
        "json",
        "--state",
        "verified",
        "--kind",
        "individual",
        "--output",
        &output_path,
    ]);
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&output).expect("export file"))
            .expect("valid JSON");
    let rows = json.as_array().expect("an array");
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|row| row["state"] == "verified"));

    let pending_only = app.cli_ok(&["export", "dear-president", "--state", "pending"]);
    assert_eq!(pending_only.lines().count(), 2, "header and one row");

    let bad_state = app.cli(&["export", "dear-president", "--state", "lost"]);
    assert!(!bad_state.status.success());
    let unknown = app.cli(&["export", "no-such-letter"]);
    assert!(!unknown.status.success());
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("no letter"));
}

#[test]
fn a_wrong_setting_stops_start_up_with_one_line_naming_the_key() {
    let output = Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .env(
            "UNDERSIGNED_SIGNING__ADDRESS_KEY",
            crate::helpers::TEST_ADDRESS_KEY,
        )
        .args(["migrate"])
        .env("UNDERSIGNED_SERVER__BIND", "not-an-address")
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("server.bind"), "{stderr}");

    let output = Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .env(
            "UNDERSIGNED_SIGNING__ADDRESS_KEY",
            crate::helpers::TEST_ADDRESS_KEY,
        )
        .args(["migrate"])
        .env("UNDERSIGNED_MAIL__TRANSPORT", "smtp")
        .env_remove("UNDERSIGNED_MAIL__SMTP_URL")
        .output()
        .expect("run the binary");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("mail.smtp_url"));
}
