//! Black-box tests: the real application on a random port, a real database (SQLite always,
//! PostgreSQL when UNDERSIGNED_TEST_POSTGRES_URL is set), real email through the file
//! transport or an SMTP conversation.

mod harness;
mod helpers;

mod abuse;
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
mod confirm_grace;
mod console_forms;
mod database_outage;
mod delivered;
mod deploy_files;
mod embed;
mod form_stamps;
mod html_validity;
mod instances;
mod interface_languages;
mod layers;
mod letter_rules;
mod letter_translations;
mod mail_crash;
mod mail_delivery;
mod mail_outbox;
mod mail_pool;
mod nul_bytes;
mod operations;
mod operations_ready;
mod organizations;
mod partners;
mod privacy;
mod proxies;
mod reliability;
mod rolling_restart;
mod schema_versions;
mod shared_limits;
mod sharing;
mod sign_flow;
mod signature_links;
mod signer_fields;
mod signer_pages;
mod squatting;
mod staff_auth;
mod tallies;
mod tcp_proxy;
mod text_everywhere;
mod text_rules;
mod update_crash;
mod update_numbers;
mod updates;
mod upgrades;
mod withdrawal_privacy;

/// Operators script against the binary; it names itself and its version.
#[test]
fn the_binary_reports_its_name_and_version() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_undersigned"))
        .arg("--version")
        .output()
        .expect("run undersigned --version");
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        printed.trim(),
        format!("undersigned {}", env!("CARGO_PKG_VERSION"))
    );
}
