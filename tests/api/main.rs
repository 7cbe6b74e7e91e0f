//! Black-box tests: the real application on a random port, a real database (SQLite always,
//! PostgreSQL when UNDERSIGNED_TEST_POSTGRES_URL is set), real email through the file
//! transport or an SMTP conversation.

mod helpers;

mod abuse;
mod admin_exports;
mod admin_letters;
mod admin_moderation;
mod bad_input;
mod cli;
mod mail_delivery;
mod operations;
mod organizations;
mod reliability;
mod sign_flow;
mod staff_auth;
