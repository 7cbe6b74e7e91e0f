//! Every page a signer or a staff member sees, and the HTML part of every email, passes the
//! W3C Nu HTML checker (the `vnu-jar` npm package, run on Debian's Java). Broken markup is
//! what screen readers and mail clients trip over first.
//!
//! `bash .ci/run` installs the checker into `target/npm`; `UNDERSIGNED_VNU_JAR` names another
//! copy. The test is marked ignored, so a plain `cargo test` counts it as such;
//! `bash .ci/test` runs it, and without Java or the jar it fails saying which is missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use awc::http::StatusCode;

use crate::helpers::{Backend, Response, TestApp, encode, spawn_app};

const SLUG: &str = "dear-president";
const PERSON: &str = "ada@people.example";
const ORGANIZATION_SIGNER: &str = "grace@riverbank.example";
const REJECTED_SIGNER: &str = "spam@junk.example";
const DUPLICATE_SIGNER: &str = "again@riverbank.example";
const MEMBER: &str = "member@org.example";
const HEBREW_SIGNER: &str = "noa@people.example";
const ADMIN: &str = "admin@coalition.test";

/// The checker's jar, when it and Java are installed; otherwise what is missing.
pub fn vnu_jar() -> Result<PathBuf, String> {
    let jar = std::env::var_os("UNDERSIGNED_VNU_JAR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("target/npm/node_modules/vnu-jar/build/dist/vnu.jar")
        });
    let java = Command::new("java")
        .arg("-version")
        .output()
        .is_ok_and(|output| output.status.success());
    if jar.is_file() && java {
        return Ok(jar);
    }
    let mut missing = Vec::new();
    if !jar.is_file() {
        missing.push(format!(
            "no {} (`bash .ci/run` installs it; or set UNDERSIGNED_VNU_JAR)",
            jar.display()
        ));
    }
    if !java {
        missing.push("no `java` (`bash .ci/run` installs Debian's)".to_owned());
    }
    Err(missing.join(", "))
}

/// Where the checked documents are kept for reading after a failure: `target/html-validity/`.
fn output_dir() -> PathBuf {
    let directory = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/html-validity");
    // Files of an earlier run would be mistaken for this one's.
    let _ = std::fs::remove_dir_all(&directory);
    directory
}

/// The documents to check, written to files named after what they are.
struct Documents {
    directory: PathBuf,
    names: Vec<String>,
}

impl Documents {
    fn new(directory: PathBuf) -> Documents {
        std::fs::create_dir_all(&directory).expect("create the pages folder");
        Documents {
            directory,
            names: Vec::new(),
        }
    }

    fn add(&mut self, name: &str, html: &str) {
        assert!(
            html.contains("<html") || html.contains("<!DOCTYPE"),
            "{name} is not an HTML document:\n{html}"
        );
        let file = format!("{:02}-{name}.html", self.names.len());
        std::fs::write(self.directory.join(&file), html).expect("write the page");
        self.names.push(file);
    }

    /// A page fetched with the status a person would get.
    fn page(&mut self, name: &str, response: &Response, status: StatusCode) {
        assert_eq!(response.status, status, "{name}: {}", response.body);
        self.add(name, &response.body);
    }
}

/// Runs the checker once over every file; returns "file:line: message" for each error.
fn check(jar: &Path, documents: &Documents) -> Vec<String> {
    let output = Command::new("java")
        .arg("-jar")
        .arg(jar)
        .args(["--errors-only", "--format", "json"])
        .args(
            documents
                .names
                .iter()
                .map(|name| documents.directory.join(name)),
        )
        .output()
        .expect("run the Nu HTML checker");
    // The checker writes its report to stderr, and exits 1 when it found errors.
    let report: serde_json::Value = serde_json::from_slice(&output.stderr).unwrap_or_else(|_| {
        panic!(
            "the checker's report is not JSON (exit {}):\n{}{}",
            output.status,
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    messages
        .iter()
        .filter(|message| message["type"] != "info")
        .map(|message| {
            let file = message["url"]
                .as_str()
                .and_then(|url| url.rsplit('/').next())
                .unwrap_or("?");
            format!(
                "{file}:{}: {} [{}]",
                message["lastLine"],
                message["message"].as_str().unwrap_or("?"),
                message["extract"].as_str().unwrap_or("").trim()
            )
        })
        .collect()
}

/// Imports a letter file as staff do: `undersigned letters import`.
fn import(app: &TestApp, name: &str, text: &str) {
    let file = app.directory.path().join(name);
    std::fs::write(&file, text).expect("write the letter file");
    let printed = app.cli_ok(&["letters", "import", &file.display().to_string()]);
    assert!(printed.contains(SLUG), "{printed}");
}

fn letter_text(extra: &str) -> String {
    let example =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/examples/letter.md"))
            .expect("read examples/letter.md");
    assert!(example.contains(&format!("slug = \"{SLUG}\"")), "{example}");
    format!("{example}\n{extra}")
}

async fn sign_as_organization(app: &TestApp, organization: &str, email: &str) -> Response {
    app.sign(
        SLUG,
        &[
            ("kind", "organization"),
            ("organization", organization),
            ("name", "Grace Hopper"),
            ("title", "Director"),
            ("email", email),
            ("website", "https://riverbank.example"),
            ("city", "Lyon"),
            ("comment", "Count us in"),
            ("public", "on"),
            ("updates", "on"), // the update below reaches it
        ],
    )
    .await
}

/// A signer's path under `/he/` addresses (the pages as the reader's language lays them out,
/// right to left), and the embed in Arabic. Withdrawn at the end, so the counts the rest of
/// the test waits for are the same.
async fn right_to_left_signer(app: &TestApp, documents: &mut Documents) {
    let signed = app
        .post_form(
            &format!("/he/letters/{SLUG}/sign"),
            encode(&[
                ("name", "נועה כהן"),
                ("email", HEBREW_SIGNER),
                ("city", "חיפה"),
                ("public", "on"),
            ]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let check_email = format!("/he/letters/{SLUG}/signed");
    documents.page(
        "check-your-email-he",
        &app.get(&check_email).await,
        StatusCode::OK,
    );
    let mails = app.wait_for_mails_to(HEBREW_SIGNER, 1).await;
    // The token, whatever language the emailed link carries: the pages are checked under /he/.
    let token = |part: &str| {
        mails[0]
            .text
            .split_whitespace()
            .find_map(|word| word.split_once(part).map(|(_, token)| token.to_owned()))
            .unwrap_or_else(|| panic!("no {part} link in:\n{}", mails[0].text))
    };
    let verify = format!("/he/verify/{}", token("/verify/"));
    let withdraw = format!("/he/withdraw/{}", token("/withdraw/"));
    documents.page("confirm-he", &app.get(&verify).await, StatusCode::OK);
    let confirmed = app.post_form(&verify, "").await;
    documents.page("confirmed-he", &confirmed, StatusCode::OK);
    app.wait_for_public_total(SLUG, 1).await;
    documents.page(
        "signatories-he",
        &app.get(&format!("/he/letters/{SLUG}/signatories")).await,
        StatusCode::OK,
    );
    documents.page("withdraw-he", &app.get(&withdraw).await, StatusCode::OK);
    let withdrawn = app.post_form(&withdraw, "").await;
    documents.page("withdrawn-he", &withdrawn, StatusCode::OK);
    documents.page(
        "embed-ar",
        &app.get(&format!("/ar/letters/{SLUG}/embed")).await,
        StatusCode::OK,
    );
}

#[actix_web::test]
#[ignore = "needs Java and the vnu-jar Nu HTML checker; `bash .ci/test` runs it"]
async fn every_page_and_email_passes_the_nu_html_checker() {
    let jar = crate::harness::needs("the Nu HTML checker", vnu_jar());
    let app = spawn_app(Backend::Sqlite).await;
    let mut documents = Documents::new(output_dir());

    // A letter, imported twice so that it has two text versions.
    import(&app, "letter.md", &letter_text(""));
    import(
        &app,
        "letter-v2.md",
        &letter_text(
            "A closing paragraph, added after the launch, with a [link](https://example.org).",
        ),
    );

    // Its Hebrew and Arabic translations (files with a `lang` key and the same slug).
    for lang in ["he", "ar"] {
        let file = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
        let text = std::fs::read_to_string(format!("{file}/letter.{lang}.md"))
            .expect("read the example translation");
        import(&app, &format!("translation-{lang}.md"), &text);
    }

    // The public pages of an open letter, and the sign form's error state.
    documents.page("index", &app.get("/").await, StatusCode::OK);
    let letter = format!("/letters/{SLUG}");
    documents.page("letter", &app.get(&letter).await, StatusCode::OK);
    // Right to left, and an interface language the letter has no text in.
    for (name, path) in [
        ("letter-he", format!("/he/letters/{SLUG}")),
        ("letter-ar", format!("/ar/letters/{SLUG}")),
        ("letter-fr-interface", format!("/letters/{SLUG}?lang=fr")),
        ("index-es", "/?lang=es".to_owned()),
    ] {
        documents.page(name, &app.get(&path).await, StatusCode::OK);
    }
    right_to_left_signer(&app, &mut documents).await;
    let refused = app
        .sign(
            SLUG,
            &[("name", ""), ("email", "not an address"), ("public", "on")],
        )
        .await;
    documents.page(
        "letter-sign-errors",
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
    );

    // A person signs: the "check your email" page, the confirmation email, its page.
    let signed = app
        .sign(
            SLUG,
            &[
                ("name", "Ada Lovelace"),
                ("email", PERSON),
                ("city", "London"),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let check_email = signed
        .location
        .clone()
        .expect("where the form sends the signer");
    // Both pages after signing carry the share step.
    let page = app.get(&check_email).await;
    assert!(
        page.body.contains("share-links"),
        "no share step:\n{}",
        page.body
    );
    documents.page("check-your-email", &page, StatusCode::OK);
    let mails = app.wait_for_mails_to(PERSON, 1).await;
    let verify = mails[0].link("/verify/");
    documents.page("confirm", &app.get(&verify).await, StatusCode::OK);
    let confirmed = app.post_form(&verify, "").await;
    assert!(
        confirmed.body.contains("share-links"),
        "no share step:\n{}",
        confirmed.body
    );
    documents.page("confirmed", &confirmed, StatusCode::OK);
    documents.page("confirm-used-link", &app.get(&verify).await, StatusCode::OK);

    // Signing again with a confirmed address sends the "already signed" email instead.
    let again = app
        .sign(
            SLUG,
            &[
                ("name", "Ada Lovelace"),
                ("email", PERSON),
                ("public", "on"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::SEE_OTHER, "{}", again.body);
    let mails = app.wait_for_mails_to(PERSON, 2).await;
    let withdraw = mails
        .iter()
        .find(|mail| mail.text.contains("/withdraw/"))
        .map(|mail| mail.link("/withdraw/"));

    // Resending a confirmation link: the form and its answer.
    let resend = format!("/letters/{SLUG}/resend");
    documents.page("resend", &app.get(&resend).await, StatusCode::OK);
    // An address that never signed gets the same answer as one that did, with no email.
    let resent = app
        .post_form(&resend, encode(&[("email", "nobody@people.example")]))
        .await;
    assert_eq!(resent.status, StatusCode::SEE_OTHER, "{}", resent.body);
    let refused = app
        .post_form(&resend, encode(&[("email", "not an address")]))
        .await;
    documents.page("resend-errors", &refused, StatusCode::UNPROCESSABLE_ENTITY);

    // A signer who read the Hebrew text: every page after, in Hebrew (its email is checked
    // with the others below).
    let hebrew_letter = format!("/he/letters/{SLUG}");
    let stamp = app.form_time_on(&hebrew_letter).await;
    let signed = app
        .post_form_raw(
            &format!("{hebrew_letter}/sign"),
            encode(&[
                ("name", "עדה"),
                ("email", "ada.he@people.example"),
                ("public", "on"),
                ("lang", "he"),
                ("t", &stamp),
            ]),
        )
        .await;
    assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
    let check_email = signed
        .location
        .clone()
        .expect("where the form sends the signer");
    assert_eq!(check_email, format!("{hebrew_letter}/signed"));
    documents.page(
        "check-your-email-he",
        &app.get(&check_email).await,
        StatusCode::OK,
    );
    documents.page(
        "resend-he",
        &app.get(&format!("{hebrew_letter}/resend")).await,
        StatusCode::OK,
    );
    let mails = app.wait_for_mails_to("ada.he@people.example", 1).await;
    let (_, verify) = mails[0].link_in_language("/verify/");
    documents.page("confirm-he", &app.get(&verify).await, StatusCode::OK);
    let confirmed = app.post_form_raw(&verify, "").await;
    documents.page("confirmed-he", &confirmed, StatusCode::OK);
    let (_, withdraw_he) = mails[0].link_in_language("/withdraw/");
    documents.page("withdraw-he", &app.get(&withdraw_he).await, StatusCode::OK);
    let withdrawn = app.post_form_raw(&withdraw_he, "").await;
    documents.page("withdrawn-he", &withdrawn, StatusCode::OK);

    // Organizations: one approved, one rejected, and the staff who decide.
    let organization =
        sign_as_organization(&app, "Friends of the Riverbank", ORGANIZATION_SIGNER).await;
    assert_eq!(
        organization.status,
        StatusCode::SEE_OTHER,
        "{}",
        organization.body
    );
    let mails = app.wait_for_mails_to(ORGANIZATION_SIGNER, 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    documents.page("confirmed-organization", &confirmed, StatusCode::OK);
    let rejected = sign_as_organization(&app, "Totally Real Org", REJECTED_SIGNER).await;
    assert_eq!(rejected.status, StatusCode::SEE_OTHER, "{}", rejected.body);
    let mails = app.wait_for_mails_to(REJECTED_SIGNER, 1).await;
    app.post_form(&mails[0].link("/verify/"), "").await;

    documents.page(
        "console-login",
        &app.get("/admin/login").await,
        StatusCode::OK,
    );
    let admin = app.staff(ADMIN, "admin").await;
    documents.page(
        "console-moderation-queue",
        &admin.get("/admin/moderation").await,
        StatusCode::OK,
    );
    documents.page(
        "console-letter-moderation",
        &admin
            .get(&format!("/admin/letters/{SLUG}/moderation"))
            .await,
        StatusCode::OK,
    );
    let id_of = |email: &str| {
        use diesel::prelude::*;
        use undersigned::db::schema::signatures;
        signatures::table
            .filter(signatures::email_normalized.eq(crate::helpers::mailbox_key(email)))
            .select(signatures::id)
            .first::<String>(&mut *app.connection() as &mut undersigned::db::DbConnection)
            .expect("the signature")
    };
    let approve = id_of(ORGANIZATION_SIGNER);
    let reject = id_of(REJECTED_SIGNER);
    let decided = admin
        .post(
            &format!("/admin/letters/{SLUG}/moderation"),
            &[("decision", "approve"), ("id", &approve)],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    let decided = admin
        .post(
            &format!("/admin/letters/{SLUG}/moderation"),
            &[("decision", "reject"), ("id", &reject)],
        )
        .await;
    assert_eq!(decided.status, StatusCode::SEE_OTHER, "{}", decided.body);
    app.wait_for_mails_to(ORGANIZATION_SIGNER, 2).await;
    app.wait_for_mails_to(REJECTED_SIGNER, 2).await;

    // A member organization's invite: the email, its page, and signing from it.
    app.cli_ok(&[
        "members",
        "add",
        "Member Org",
        "--email",
        MEMBER,
        "--website",
        "https://member.example",
    ]);
    app.cli_ok(&["invites", "send", SLUG, "--member", "Member Org"]);
    let mails = app.wait_for_mails_to(MEMBER, 1).await;
    let invite = mails[0].link(&format!("/letters/{SLUG}/invite/"));
    documents.page("invite", &app.get(&invite).await, StatusCode::OK);
    let accepted = app
        .post_form(&invite, encode(&[("name", "Mo Member"), ("public", "on")]))
        .await;
    documents.page("invite-accepted", &accepted, StatusCode::OK);
    app.wait_for_mails_to(MEMBER, 2).await;

    // A second letter whose invited sign-ons wait for approval: the "awaiting review" email.
    let second = app.directory.path().join("second.md");
    std::fs::write(
        &second,
        "+++\nslug = \"second-letter\"\ntitle = \"A second letter\"\naddressee = \"The Mayor\"\n\
         status = \"open\"\ninvites_skip_approval = false\n+++\n\nDear Mayor,\n\nPlease act.\n",
    )
    .expect("write the second letter");
    app.cli_ok(&["letters", "import", &second.display().to_string()]);
    app.cli_ok(&["invites", "send", "second-letter", "--member", "Member Org"]);
    let mails = app.wait_for_mails_to(MEMBER, 3).await;
    let invite = mails[2].link("/letters/second-letter/invite/");
    let waiting = app
        .post_form(&invite, encode(&[("name", "Mo Member")]))
        .await;
    documents.page("invite-awaiting-approval", &waiting, StatusCode::OK);
    app.wait_for_mails_to(MEMBER, 4).await;

    // A member's download link for the signers it brought: the email and the page.
    let printed = app.cli_ok(&["members", "export-link", SLUG, "Member Org"]);
    let download = printed
        .trim()
        .strip_prefix(crate::helpers::PUBLIC_URL)
        .unwrap_or_else(|| panic!("no download link printed: {printed}"))
        .to_owned();
    app.wait_for_mails_to(MEMBER, 5).await;
    documents.page(
        "partner-download",
        &app.get(&download).await,
        StatusCode::OK,
    );

    // The same organization signing again: its signer is told it already signed.
    let duplicate = sign_as_organization(&app, "Friends of the Riverbank", DUPLICATE_SIGNER).await;
    assert_eq!(
        duplicate.status,
        StatusCode::SEE_OTHER,
        "{}",
        duplicate.body
    );
    let mails = app.wait_for_mails_to(DUPLICATE_SIGNER, 1).await;
    let confirmed = app.post_form(&mails[0].link("/verify/"), "").await;
    documents.page(
        "confirmed-duplicate-organization",
        &confirmed,
        StatusCode::OK,
    );
    app.wait_for_mails_to(DUPLICATE_SIGNER, 2).await;

    // Withdrawing: the page and its answer.
    let withdraw = withdraw.expect("the already-signed email carries a withdraw link");
    documents.page("withdraw", &app.get(&withdraw).await, StatusCode::OK);
    let withdrawn = app.post_form(&withdraw, "").await;
    documents.page("withdrawn", &withdrawn, StatusCode::OK);

    // The remaining public pages, once the lists have names on them.
    app.wait_for_public_total(SLUG, 2).await;
    documents.page(
        "letter-with-signatories",
        &app.get(&letter).await,
        StatusCode::OK,
    );
    documents.page(
        "signatories",
        &app.get(&format!("/letters/{SLUG}/signatories")).await,
        StatusCode::OK,
    );
    let versions = app.get(&format!("/letters/{SLUG}/versions")).await;
    documents.page("versions", &versions, StatusCode::OK);
    let version = versions
        .body
        .split(&format!("href=\"/letters/{SLUG}/versions/"))
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .expect("the versions page links each version");
    documents.page(
        "version",
        &app.get(&format!("/letters/{SLUG}/versions/{version}"))
            .await,
        StatusCode::OK,
    );
    documents.page("privacy", &app.get("/privacy").await, StatusCode::OK);
    documents.page(
        "embed",
        &app.get(&format!("/letters/{SLUG}/embed")).await,
        StatusCode::OK,
    );
    // The embed's answers inside the frame: a refused form, and "check your email" (for a
    // post the honeypot catches: the same page, nothing stored).
    let embed_time =
        crate::helpers::form_time_in(&app.get(&format!("/letters/{SLUG}/embed")).await.body);
    for (name, fields, status) in [
        (
            "embed-refused",
            [("name", ""), ("email", "dana@gmial"), ("nickname", "")],
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "embed-signed",
            [
                ("name", "Bot"),
                ("email", "bot@example.org"),
                ("nickname", "a bot"),
            ],
            StatusCode::OK,
        ),
    ] {
        let mut fields = fields.to_vec();
        fields.push(("t", &embed_time));
        let answer = app
            .post_form_raw(
                &format!("/he/letters/{SLUG}/embed"),
                crate::helpers::encode(&fields),
            )
            .await;
        documents.page(name, &answer, status);
    }
    // The same pages in a translation's language: its words marked with their lang/dir.
    for (name, path) in [
        ("index-he", "/he/".to_owned()),
        ("signatories-he", format!("/he/letters/{SLUG}/signatories")),
        ("versions-ar", format!("/ar/letters/{SLUG}/versions")),
        ("embed-he", format!("/he/letters/{SLUG}/embed")),
        ("embed-ar", format!("/letters/{SLUG}/embed?lang=ar")),
    ] {
        documents.page(name, &app.get(&path).await, StatusCode::OK);
    }
    documents.page(
        "not-found",
        &app.get("/letters/no-such-letter").await,
        StatusCode::NOT_FOUND,
    );
    documents.page(
        "bad-request",
        &app.get(&format!("/letters/{SLUG}/signatories?page=abc"))
            .await,
        StatusCode::BAD_REQUEST,
    );
    documents.page(
        "unknown-link",
        &app.get("/verify/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
            .await,
        StatusCode::NOT_FOUND,
    );

    // A token, so that the tokens page lists one (scope, dates); the page that shows it once
    // and the form with a problem.
    let created = admin
        .post(
            "/admin/tokens",
            &[
                ("name", "nightly"),
                ("scope", "export"),
                ("expires_in_days", "30"),
            ],
        )
        .await;
    documents.page("console-token-created", &created, StatusCode::OK);
    let refused = admin
        .post(
            "/admin/tokens",
            &[("name", "odd"), ("expires_in_days", "0")],
        )
        .await;
    documents.page("console-token-errors", &refused, StatusCode::BAD_REQUEST);

    // The console's main pages.
    for (name, path) in [
        ("console-letters", "/admin/letters".to_owned()),
        ("console-letter", format!("/admin/letters/{SLUG}")),
        ("console-editor-new", "/admin/letters/new".to_owned()),
        ("console-editor-edit", format!("/admin/letters/{SLUG}/edit")),
        (
            "console-signatures",
            format!("/admin/letters/{SLUG}/signatures"),
        ),
        (
            "console-signature",
            format!("/admin/letters/{SLUG}/signatures/{approve}"),
        ),
        (
            "console-progress",
            format!("/admin/letters/{SLUG}/progress"),
        ),
        ("console-exports", format!("/admin/letters/{SLUG}/exports")),
        ("console-print", format!("/admin/letters/{SLUG}/print")),
        ("console-invites", format!("/admin/letters/{SLUG}/invites")),
        (
            "console-organizations",
            format!("/admin/letters/{SLUG}/organizations"),
        ),
        (
            "console-partners",
            format!("/admin/letters/{SLUG}/partners"),
        ),
        ("console-updates", format!("/admin/letters/{SLUG}/updates")),
        ("console-members", "/admin/members".to_owned()),
        ("console-staff", "/admin/staff".to_owned()),
        ("console-audit", "/admin/audit".to_owned()),
        ("console-tokens", "/admin/tokens".to_owned()),
    ] {
        documents.page(name, &admin.get(&path).await, StatusCode::OK);
    }
    let fields = |slug: &'static str, title: &'static str, extra: (&'static str, &'static str)| {
        vec![
            ("slug", slug),
            ("title", title),
            ("addressee", "The President"),
            ("summary", "Veto the assembly bill."),
            (
                "body",
                "Dear President,\n\nWe ask you to **veto** the bill.",
            ),
            ("goal", "lots"),
            ("opens_at", ""),
            ("closes_at", "next week"),
            ("accepts_individuals", "on"),
            ("accepts_organizations", "on"),
            extra,
        ]
    };
    let invalid = admin
        .post("/admin/letters", &fields("Not a slug!", "", ("save", "1")))
        .await;
    documents.page(
        "console-editor-errors",
        &invalid,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    // Languages: the translation picker (new, refused, editing), print and privacy in Hebrew.
    let translation = format!("/admin/letters/{SLUG}/translation");
    for (name, path) in [
        ("console-translation-new", translation.clone()),
        ("console-translation-he", format!("{translation}?lang=he")),
        (
            "console-print-he",
            format!("/admin/letters/{SLUG}/print?lang=he"),
        ),
    ] {
        documents.page(name, &admin.get(&path).await, StatusCode::OK);
    }
    let refused = admin
        .post(&translation, &[("lang", "Hebrew"), ("title", "T")])
        .await;
    documents.page(
        "console-translation-refused",
        &refused,
        StatusCode::UNPROCESSABLE_ENTITY,
    );
    documents.page(
        "privacy-he",
        &app.get("/privacy?lang=he").await,
        StatusCode::OK,
    );
    let mut preview = fields("a-draft", "A draft", ("preview", "1"));
    preview.retain(|(name, _)| *name != "goal" && *name != "closes_at");
    let preview = admin.post("/admin/letters", &preview).await;
    documents.page("console-editor-preview", &preview, StatusCode::OK);

    // An update to signers: its console pages, the email, and the unsubscribe page.
    let saved = admin
        .post(
            &format!("/admin/letters/{SLUG}/updates"),
            &[
                ("subject", "The bill is withdrawn"),
                (
                    "body",
                    "Thank you all.\n\nThe **bill** is [withdrawn](https://example.org).",
                ),
                ("save", "1"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let update = saved.location.expect("the update's page");
    documents.page("console-update", &admin.get(&update).await, StatusCode::OK);
    // A draft's own pages: its editor, the question before deleting, the test's notice.
    for (name, path) in [
        ("console-update-edit", format!("{update}/edit")),
        ("console-update-delete", format!("{update}/delete")),
        ("console-update-tested", format!("{update}?done=tested")),
        (
            "console-embed",
            format!("/admin/letters/{SLUG}/embed?lang=he"),
        ),
    ] {
        documents.page(name, &admin.get(&path).await, StatusCode::OK);
    }
    let send = format!("{update}/send");
    documents.page(
        "console-update-send",
        &admin.get(&send).await,
        StatusCode::OK,
    );
    let sent = admin.post(&send, &[]).await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let mails = app.wait_for_mails_to(ORGANIZATION_SIGNER, 3).await;
    let unsubscribe = mails
        .iter()
        .find(|mail| mail.subject.contains("The bill is withdrawn"))
        .expect("the update reached the organization")
        .link("/unsubscribe/");
    documents.page("unsubscribe", &app.get(&unsubscribe).await, StatusCode::OK);

    // Closing a live letter asks first.
    let asked = admin
        .post(&format!("/admin/letters/{SLUG}/state"), &[("to", "closed")])
        .await;
    documents.page("console-close-confirm", &asked, StatusCode::OK);

    // The HTML part of every email sent along the way.
    let mails = app.mails();
    let mut subjects = Vec::new();
    for (index, mail) in mails.iter().enumerate() {
        assert!(!mail.html.is_empty(), "{} has no HTML part", mail.subject);
        documents.add(&format!("email-{index}"), &mail.html);
        subjects.push(format!("email-{index}: {}", mail.subject));
    }
    // One of each kind of email the service sends.
    for kind in [
        "Please confirm your signature",
        "You have already signed",
        "is listed on",
        "About Totally Real Org's signature",
        "Invitation for Member Org",
        "Thank you: Member Org's signature",
        "Friends of the Riverbank has already signed",
        "The bill is withdrawn",
    ] {
        assert!(
            subjects.iter().any(|subject| subject.contains(kind)),
            "no {kind:?} email among:\n{}",
            subjects.join("\n")
        );
    }

    let errors = check(&jar, &documents);
    assert!(
        errors.is_empty(),
        "the Nu HTML checker found {} error(s) in {} documents (kept in {}):\n{}\n\nemails:\n{}",
        errors.len(),
        documents.names.len(),
        documents.directory.display(),
        errors.join("\n"),
        subjects.join("\n")
    );
    eprintln!(
        "Nu HTML checker: {} documents, no errors",
        documents.names.len()
    );
}
