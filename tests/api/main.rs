//! Black-box tests: the real application on a random port, a real database (SQLite always,
//! PostgreSQL when UNDERSIGNED_TEST_POSTGRES_URL is set), real email through the file
//! transport or an SMTP conversation.

mod harness;
mod helpers;

mod abuse;
mod address_retention;
mod admin_exports;
mod admin_letter_editor;
mod admin_letters;
mod admin_moderation;
mod admin_review;
mod admission;
mod audit_trail;
mod auth_hardening;
mod backups;
mod bad_input;
mod campaign;
mod card;
mod cli;
mod config_checks;
mod confirm_grace;
mod console_forms;
mod console_languages;
mod database_outage;
mod delivered;
mod deploy_files;
mod draft_updates;
mod embed;
mod embed_frame;
mod first_run;
mod form_stamps;
mod html_validity;
mod instances;
mod interface_languages;
mod invite_languages;
mod language_negotiation;
mod layers;
mod letter_rules;
mod letter_translations;
mod listing_truth;
mod mail_crash;
mod mail_delivery;
mod mail_outbox;
mod mail_pool;
mod my_signatures;
mod no_oracle;
mod nul_bytes;
mod observability;
mod operations;
mod operations_ready;
mod organization_logos;
mod organizations;
mod page_languages;
mod partner_files;
mod partners;
mod privacy;
mod privacy_notice;
mod proxies;
mod public_leaks;
mod reliability;
mod reminders;
mod rolling_restart;
mod schema_versions;
mod shared_limits;
mod sharing;
mod sign_flow;
mod signatory_comments;
mod signatory_search;
mod signature_links;
mod signer_fields;
mod signer_languages;
mod signer_loop;
mod signer_pages;
mod squatting;
mod staff_auth;
mod staff_delivery;
mod tallies;
mod tcp_proxy;
mod text_everywhere;
mod text_rules;
mod token_scopes;
mod update_crash;
mod update_languages;
mod update_numbers;
mod updates;
mod upgrades;
mod withdrawal_privacy;

/// CI runs the whole suite: the tests marked ignored because they need PostgreSQL, the Nu
/// HTML checker or the previous release run there too (`bash .ci/test` passes
/// `--include-ignored`).
#[test]
fn under_ci_the_tests_that_need_postgres_or_the_nu_checker_run() {
    harness::assert_ci_runs_ignored_tests(
        "PostgreSQL, the Nu HTML checker or the previous release",
    );
}

/// Everything the ignored tests need, checked at once, so that a run missing several parts
/// says so in one line before the tests that need them fail one by one.
#[test]
#[ignore = "needs PostgreSQL, Java and the vnu-jar Nu HTML checker, the previous release's binary; `bash .ci/test` runs it"]
fn the_parts_the_ignored_tests_need_are_installed() {
    let mut missing = Vec::new();
    if !std::env::var(helpers::POSTGRES_ENV).is_ok_and(|url| !url.trim().is_empty()) {
        missing.push(format!("PostgreSQL ({} is not set)", helpers::POSTGRES_ENV));
    }
    if let Err(what) = html_validity::vnu_jar() {
        missing.push(format!("the Nu HTML checker ({what})"));
    }
    if !std::env::var_os(upgrades::PREVIOUS_ENV)
        .is_some_and(|path| std::path::Path::new(&path).is_file())
    {
        missing.push(format!(
            "the previous release's binary ({} does not name it; `bash .ci/previous-release.sh` \
             builds it)",
            upgrades::PREVIOUS_ENV
        ));
    }
    assert!(
        missing.is_empty(),
        "missing: {}. `bash .ci/run` installs them and `bash .ci/test` starts PostgreSQL",
        missing.join("; ")
    );
}

/// Operators script against the binary; it names itself, its version and the commit it was
/// built from (the checkout's HEAD, or "unknown" where there is no git).
#[test]
fn the_binary_reports_its_name_version_and_commit() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .arg("--version")
        .output()
        .expect("run undersigned --version");
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    let head = std::process::Command::new("git")
        .args(["rev-parse", "--short", "HEAD"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .ok()
        .filter(|output| output.status.success())
        .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
        .unwrap_or_else(|| "unknown".to_owned());
    assert_eq!(
        printed.trim(),
        format!("undersigned {} (commit {head})", env!("CARGO_PKG_VERSION"))
    );
}
