//! Every letter passes the same rules whether staff import it from a file or write it in the
//! console; a stored status the code does not know stops the request instead of passing as
//! a draft; drafted text stays private; letters show no images from other hosts.

use awc::http::StatusCode;
use diesel::prelude::*;

use crate::helpers::{Backend, TestApp, spawn_app, spawn_app_with};
use crate::on_both_backends;

on_both_backends!(
    bad_letters_are_refused_by_import_and_console_alike_and_nothing_is_stored,
    an_unknown_status_in_the_database_is_an_error_not_a_draft,
    draft_text_stays_private_when_a_letter_is_imported_straight_as_closed_or_archived,
    images_from_other_hosts_never_reach_readers,
);

/// A letter as both entry points take it.
#[derive(Clone)]
struct LetterSpec {
    slug: String,
    title: String,
    addressee: String,
    summary: String,
    body: String,
    goal: String,
    opens_at: String,
    closes_at: String,
    individuals: bool,
    organizations: bool,
}

fn good_letter() -> LetterSpec {
    LetterSpec {
        slug: "fine-letter".into(),
        title: "Protect the right to protest".into(),
        addressee: "The President".into(),
        summary: "Veto the assembly bill.".into(),
        body: "Dear President,\n\nWe ask you to **veto** the bill.".into(),
        goal: "1000".into(),
        opens_at: "2026-01-01".into(),
        closes_at: "2099-12-31".into(),
        individuals: true,
        organizations: true,
    }
}

fn toml_string(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

impl LetterSpec {
    /// The letter as a file for `letters import`.
    fn document(&self, status: &str) -> String {
        let mut front = format!(
            "slug = {}\ntitle = {}\naddressee = {}\nsummary = {}\nstatus = \"{status}\"\naccepts_individuals = {}\naccepts_organizations = {}\n",
            toml_string(&self.slug),
            toml_string(&self.title),
            toml_string(&self.addressee),
            toml_string(&self.summary),
            self.individuals,
            self.organizations,
        );
        if !self.goal.is_empty() {
            front.push_str(&format!("goal = {}\n", self.goal));
        }
        for (key, value) in [("opens_at", &self.opens_at), ("closes_at", &self.closes_at)] {
            if !value.is_empty() {
                front.push_str(&format!("{key} = {}\n", toml_string(value)));
            }
        }
        format!("+++\n{front}+++\n\n{}\n", self.body)
    }

    /// The letter as the console's form posts it.
    fn form(&self) -> Vec<(&'static str, String)> {
        let mut fields = vec![
            ("slug", self.slug.clone()),
            ("title", self.title.clone()),
            ("addressee", self.addressee.clone()),
            ("summary", self.summary.clone()),
            ("body", self.body.clone()),
            ("goal", self.goal.clone()),
            ("opens_at", self.opens_at.clone()),
            ("closes_at", self.closes_at.clone()),
            ("organizations_need_approval", "on".into()),
        ];
        if self.individuals {
            fields.push(("accepts_individuals", "on".into()));
        }
        if self.organizations {
            fields.push(("accepts_organizations", "on".into()));
        }
        fields
    }
}

/// One bad letter: what is wrong, the field that must be named, and the change.
struct BadLetter {
    what: &'static str,
    field: &'static str,
    change: fn(&mut LetterSpec),
}

fn bad_letters() -> Vec<BadLetter> {
    vec![
        BadLetter {
            what: "the console's own address as slug",
            field: "slug",
            change: |letter| letter.slug = "new".into(),
        },
        BadLetter {
            what: "the versions page's word as slug",
            field: "slug",
            change: |letter| letter.slug = "versions".into(),
        },
        BadLetter {
            what: "the preview's word as slug",
            field: "slug",
            change: |letter| letter.slug = "preview".into(),
        },
        BadLetter {
            what: "a slug with capitals and spaces",
            field: "slug",
            change: |letter| letter.slug = "Bad Slug".into(),
        },
        BadLetter {
            what: "an empty title",
            field: "title",
            change: |letter| letter.title = "   ".into(),
        },
        BadLetter {
            what: "a title over 300 characters",
            field: "title",
            change: |letter| letter.title = "t".repeat(301),
        },
        BadLetter {
            what: "a title with CR/LF",
            field: "title",
            change: |letter| letter.title = "Protect\r\nBcc: everyone".into(),
        },
        BadLetter {
            what: "a title with NUL",
            field: "title",
            change: |letter| letter.title = "Protect\u{0}the right".into(),
        },
        BadLetter {
            what: "an addressee with an escape character",
            field: "addressee",
            change: |letter| letter.addressee = "The \u{1b}[31mPresident".into(),
        },
        BadLetter {
            what: "an addressee over 300 characters",
            field: "addressee",
            change: |letter| letter.addressee = "a".repeat(301),
        },
        BadLetter {
            what: "a summary over 500 characters",
            field: "summary",
            change: |letter| letter.summary = "s".repeat(501),
        },
        BadLetter {
            what: "a summary of two lines",
            field: "summary",
            change: |letter| letter.summary = "Veto\nthe bill".into(),
        },
        BadLetter {
            what: "no text",
            field: "body",
            change: |letter| letter.body = "  ".into(),
        },
        BadLetter {
            what: "a text over 200,000 characters",
            field: "body",
            change: |letter| letter.body = "b".repeat(200_001),
        },
        BadLetter {
            what: "a goal of zero",
            field: "goal",
            change: |letter| letter.goal = "0".into(),
        },
        BadLetter {
            what: "closing before opening",
            field: "closes_at",
            change: |letter| {
                letter.opens_at = "2099-12-31".into();
                letter.closes_at = "2026-01-01".into();
            },
        },
        BadLetter {
            what: "accepting nobody",
            field: "accepts",
            change: |letter| {
                letter.individuals = false;
                letter.organizations = false;
            },
        },
    ]
}

fn import(app: &TestApp, name: &str, document: &str) -> std::process::Output {
    let file = app.directory.path().join(format!("{name}.md"));
    std::fs::write(&file, document).expect("write the letter file");
    app.cli(&["letters", "import", &file.display().to_string()])
}

fn letter_rows(app: &TestApp) -> i64 {
    use diesel::dsl::count_star;
    undersigned::db::schema::letters::table
        .select(count_star())
        .get_result(&mut *app.connection())
        .expect("count letters")
}

async fn bad_letters_are_refused_by_import_and_console_alike_and_nothing_is_stored(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    // An existing letter, to try every bad change as an edit too.
    let existing = LetterSpec {
        slug: "existing".into(),
        ..good_letter()
    };
    let stored = import(&app, "existing", &existing.document("open"));
    assert!(stored.status.success(), "{stored:?}");

    for bad in bad_letters() {
        let mut letter = good_letter();
        (bad.change)(&mut letter);

        let refused = import(&app, "bad", &letter.document("draft"));
        let stderr = String::from_utf8_lossy(&refused.stderr);
        assert!(!refused.status.success(), "import took {}", bad.what);
        assert!(
            stderr.contains(&format!("{}:", bad.field)),
            "import names {} for {}: {stderr}",
            bad.field,
            bad.what
        );

        let form = letter.form();
        let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let created = editor.post("/admin/letters", &fields).await;
        assert_eq!(
            created.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "console took {}",
            bad.what
        );
        assert!(
            created
                .body
                .contains(&format!(r#"id="{}-error""#, bad.field)),
            "console names {} for {}",
            bad.field,
            bad.what
        );

        if bad.field != "slug" {
            let mut edit = letter.clone();
            edit.slug = existing.slug.clone();
            let reimported = import(&app, "existing-bad", &edit.document("open"));
            assert!(!reimported.status.success(), "re-import took {}", bad.what);
            let edited = editor.post("/admin/letters/existing", &fields).await;
            assert_eq!(
                edited.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "console edit took {}",
                bad.what
            );
        }
    }

    assert_eq!(letter_rows(&app), 1, "only the existing letter is stored");
    let public = app.get("/letters/existing").await;
    assert_eq!(public.status, StatusCode::OK);
    assert!(public.body.contains("Protect the right to protest"));
    assert!(public.body.contains("<strong>veto</strong>"));
    assert!(!public.body.contains("Bcc"));
    // Only the setup's import of the existing letter is recorded; no refusal is.
    let actions = app.audit_actions();
    let letters: Vec<&String> = actions
        .iter()
        .filter(|action| action.starts_with("letter."))
        .collect();
    assert_eq!(letters, ["letter.create"], "{actions:?}");

    // The same good letter passes both doors, so the refusals above are the rules at work.
    let good = good_letter();
    assert!(
        import(&app, "good", &good.document("draft"))
            .status
            .success()
    );
    let form = LetterSpec {
        slug: "fine-letter-two".into(),
        ..good
    }
    .form();
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = editor.post("/admin/letters", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    assert_eq!(letter_rows(&app), 3);
}

async fn an_unknown_status_in_the_database_is_an_error_not_a_draft(backend: Backend) {
    let app = spawn_app(backend).await;
    app.create_letter("dear-president", "open", "");
    diesel::sql_query("UPDATE letters SET status = 'ajar' WHERE slug = 'dear-president'")
        .execute(&mut *app.connection())
        .expect("store a status no release knows");

    let listed = app.cli(&["letters", "list"]);
    assert!(!listed.status.success(), "the list does not guess");
    let stderr = String::from_utf8_lossy(&listed.stderr);
    assert!(
        stderr.contains("ajar"),
        "the error names the value: {stderr}"
    );

    let page = app.get("/letters/dear-president").await;
    assert_eq!(
        page.status,
        StatusCode::INTERNAL_SERVER_ERROR,
        "not served as a draft (404) nor as open"
    );
    let editor = app.staff("editor@coalition.test", "editor").await;
    let console = editor.get("/admin/letters").await;
    assert_eq!(console.status, StatusCode::INTERNAL_SERVER_ERROR);
}

/// The version links of a letter's public history.
fn version_hashes(body: &str, slug: &str) -> Vec<String> {
    let prefix = format!("/letters/{slug}/versions/");
    body.match_indices(&prefix)
        .map(|(at, _)| body[at + prefix.len()..].chars().take(64).collect())
        .collect()
}

async fn draft_text_stays_private_when_a_letter_is_imported_straight_as_closed_or_archived(
    backend: Backend,
) {
    let app = spawn_app(backend).await;
    let hash = |letter: &LetterSpec| {
        undersigned::letters::content_hash(&letter.title, &letter.addressee, &letter.body)
    };
    for status in ["closed", "archived"] {
        let slug = format!("straight-{status}");
        let first_draft = LetterSpec {
            slug: slug.clone(),
            body: "Our first draft names the minister we want fired.".into(),
            ..good_letter()
        };
        let second_draft = LetterSpec {
            body: "A second draft, also private.".into(),
            ..first_draft.clone()
        };
        let published = LetterSpec {
            body: "The text we publish.".into(),
            ..first_draft.clone()
        };
        for (name, letter, letter_status) in [
            ("first", &first_draft, "draft"),
            ("second", &second_draft, "draft"),
            ("published", &published, status),
        ] {
            let output = import(&app, name, &letter.document(letter_status));
            assert!(output.status.success(), "{output:?}");
        }

        let history = app.get(&format!("/letters/{slug}/versions")).await;
        assert_eq!(history.status, StatusCode::OK);
        assert_eq!(version_hashes(&history.body, &slug), [hash(&published)]);
        for draft in [&first_draft, &second_draft] {
            assert!(!history.body.contains(&hash(draft)[..12]));
            let shown = app
                .get(&format!("/letters/{slug}/versions/{}", hash(draft)))
                .await;
            assert_eq!(shown.status, StatusCode::NOT_FOUND, "{status}");
        }
        let current = app
            .get(&format!("/letters/{slug}/versions/{}", hash(&published)))
            .await;
        assert!(current.body.contains("The text we publish."));
    }

    // A text drafted, replaced and then brought back at publication: only the text that
    // was published is public, never the draft written in between.
    let first = LetterSpec {
        slug: "comes-back".into(),
        body: "The text we publish in the end.".into(),
        ..good_letter()
    };
    let between = LetterSpec {
        body: "A draft in between, never published.".into(),
        ..first.clone()
    };
    for (name, letter, status) in [
        ("a", &first, "draft"),
        ("b", &between, "draft"),
        ("c", &first, "closed"),
    ] {
        assert!(
            import(&app, name, &letter.document(status))
                .status
                .success()
        );
    }
    let history = app.get("/letters/comes-back/versions").await;
    assert_eq!(version_hashes(&history.body, "comes-back"), [hash(&first)]);
    let between_page = app
        .get(&format!("/letters/comes-back/versions/{}", hash(&between)))
        .await;
    assert_eq!(between_page.status, StatusCode::NOT_FOUND);
}

const IMAGES: &str = "Dear President,\n\n![our banner](/static/banner.png)\n\n![a tracker](https://tracker.example/pixel.gif)\n\n![the march](https://media.coalition.test/march.jpg)\n\n<img src=\"//tracker.example/raw.gif\" alt=\"raw\">\n\nWe ask you to veto the bill.";

async fn images_from_other_hosts_never_reach_readers(backend: Backend) {
    let app = spawn_app_with(
        backend,
        &[(
            "letters.allowed_image_hosts",
            "[\"media.coalition.test\"]".to_owned(),
        )],
    )
    .await;
    let editor = app.staff("editor@coalition.test", "editor").await;
    let written = LetterSpec {
        slug: "written-in-console".into(),
        body: IMAGES.into(),
        ..good_letter()
    };
    let form = written.form();
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let created = editor.post("/admin/letters", &fields).await;
    assert_eq!(created.status, StatusCode::SEE_OTHER, "{}", created.body);
    let opened = editor
        .post(
            "/admin/letters/written-in-console/state",
            &[("to", "open"), ("confirm", "yes")],
        )
        .await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER);

    // The same letter imported by an operator whose configuration lists the same host.
    let imported = LetterSpec {
        slug: "imported".into(),
        body: IMAGES.into(),
        ..good_letter()
    };
    let file = app.directory.path().join("imported.md");
    std::fs::write(&file, imported.document("open")).expect("write the letter file");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .env(
            "UNDERSIGNED_SIGNING__ADDRESS_KEY",
            crate::helpers::TEST_ADDRESS_KEY,
        )
        .args(["letters", "import", &file.display().to_string()])
        .env("DATABASE_URL", &app.database_url)
        .env("UNDERSIGNED_LOG__LEVEL", "warn")
        .env(
            "UNDERSIGNED_LETTERS__ALLOWED_IMAGE_HOSTS",
            "[\"media.coalition.test\"]",
        )
        .output()
        .expect("run letters import");
    assert!(output.status.success(), "{output:?}");

    for slug in ["written-in-console", "imported"] {
        let page = app.get(&format!("/letters/{slug}")).await;
        let api = app.get(&format!("/api/v1/letters/{slug}")).await;
        assert_eq!(page.status, StatusCode::OK);
        assert_eq!(api.status, StatusCode::OK);
        // The browser is let to load the picture the page shows, and only that host's.
        let policy = page
            .headers
            .get("content-security-policy")
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        assert!(
            policy.contains("img-src 'self' data: https://media.coalition.test"),
            "{slug}: {policy}"
        );
        assert!(!policy.contains("tracker.example"), "{slug}: {policy}");
        let body_html =
            serde_json::from_str::<serde_json::Value>(&api.body).expect("JSON")["body_html"]
                .as_str()
                .expect("body_html")
                .to_owned();
        for shown in [&page.body, &body_html] {
            assert!(!shown.contains("tracker.example"), "{slug}: {shown}");
            assert!(shown.contains(r#"src="/static/banner.png""#), "{slug}");
            assert!(
                shown.contains(r#"src="https://media.coalition.test/march.jpg""#),
                "{slug}"
            );
            assert!(shown.contains("a tracker"), "the description stays");
        }
    }
    let preview = editor
        .post("/admin/letters/preview", &[("body", IMAGES)])
        .await;
    assert!(
        !preview.body.contains("tracker.example"),
        "{}",
        preview.body
    );
}
