//! undersigned: open letters and petitions, signed in public and confirmed by email.

pub mod abuse;
pub mod admission;
pub mod cli;
pub mod config;
pub mod db;
pub mod export;
pub mod http;
pub mod i18n;
pub mod invites;
pub mod letters;
pub mod mail;
pub mod members;
pub mod metrics;
pub mod partners;
pub mod read;
pub mod signatures;
pub mod staff;
pub mod startup;
pub mod telemetry;
pub mod updates;
pub mod values;
