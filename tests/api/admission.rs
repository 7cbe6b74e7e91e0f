//! Every defense against every way a signature enters (issue 8 item 1): the sign form, the
//! JSON API, an invite link and the resend form all go through one admission path, so each
//! defense must show the same refusal (in that entry's own words) and store and queue nothing.
//!
//! The table is data: an entry is one `EntryPoint` line (how it answers each kind of refusal),
//! a defense is one `Defense` line (the attack, the kind of refusal, the entries it does not
//! apply to). Every entry meets every defense.

use awc::http::StatusCode;
use serde_json::json;

use crate::helpers::{
    Backend, Response, TestApp, encode, form_time_signed, read, spawn_app, unix_now,
};
use crate::on_both_backends;

on_both_backends!(every_defense_holds_at_every_entry);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Form,
    Json,
    Invite,
    Resend,
}

/// What a person (or a script) sees.
#[derive(Clone, Copy, Debug)]
struct Seen {
    status: u16,
    /// Text the answer contains: a sentence of the page, or the JSON `error`/`status` code.
    says: &'static str,
    /// The form comes back with what was typed.
    keeps_typed: bool,
}

const fn seen(status: u16, says: &'static str, keeps_typed: bool) -> Seen {
    Seen {
        status,
        says,
        keeps_typed,
    }
}

/// One way in, and how it answers each kind of refusal.
struct EntryPoint {
    kind: Kind,
    /// The field this entry reads that can be made invalid, the bad value, and the message.
    bad_field: (&'static str, &'static str, &'static str),
    slow: Seen,
    forbidden: Seen,
    /// The answer to a honeypot or to a mailbox over its limit: the usual success, so neither
    /// a bot nor a prober learns anything.
    silent: Seen,
    again: Seen,
    invalid: Seen,
    closed: Seen,
}

const SLOW_DOWN: &str = "Please wait a minute, then press Sign again";
const PRESS_AGAIN: &str = "Please check your details and press Sign again.";
const BLOCKED_NETWORK: &str = "Signatures from your network are not accepted.";
const CLOSED: &str = "This letter has closed and no longer takes signatures.";
const BAD_EMAIL: &str = "Enter an email address like name@example.org.";
const BLOCKED_DOMAIN: &str = "Signatures from this email domain are not accepted.";

#[rustfmt::skip]
fn entries() -> Vec<EntryPoint> {
    vec![
        EntryPoint { kind: Kind::Form, bad_field: ("email", "not-an-address", BAD_EMAIL), slow: seen(429, SLOW_DOWN, true), forbidden: seen(403, BLOCKED_NETWORK, false), silent: seen(303, "/signed", false), again: seen(422, PRESS_AGAIN, true), invalid: seen(422, "Please correct the fields marked below.", true), closed: seen(409, CLOSED, false) },
        EntryPoint { kind: Kind::Json, bad_field: ("email", "not-an-address", BAD_EMAIL), slow: seen(429, "too_many_requests", false), forbidden: seen(403, "forbidden", false), silent: seen(202, "check_email", false), again: seen(422, "form_token", false), invalid: seen(422, "invalid_fields", false), closed: seen(409, "letter_closed", false) },
        EntryPoint { kind: Kind::Invite, bad_field: ("name", "", "Enter your name."), slow: seen(429, SLOW_DOWN, true), forbidden: seen(403, BLOCKED_NETWORK, false), silent: seen(200, "Thank you for signing", false), again: seen(422, PRESS_AGAIN, true), invalid: seen(422, "Please correct the fields marked below.", false), closed: seen(409, CLOSED, false) },
        EntryPoint { kind: Kind::Resend, bad_field: ("email", "not-an-address", BAD_EMAIL), slow: seen(429, SLOW_DOWN, true), forbidden: seen(403, BLOCKED_NETWORK, false), silent: seen(303, "/signed", false), again: seen(422, "Please check the address and press the button again.", true), invalid: seen(422, "class=\"form-error\"", true), closed: seen(409, CLOSED, false) },
    ]
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Attack {
    /// The client address used up its sign allowance just before.
    Flood,
    FromBlockedNetwork,
    Honeypot,
    NoStamp,
    ForgedStamp,
    TooFastStamp,
    ExpiredStamp,
    OtherLettersStamp,
    InvalidField,
    BlockedDomain,
    /// The mailbox got its hourly allowance of mail just before.
    FullMailbox,
    ClosedLetter,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Refusal {
    Slow,
    Forbidden,
    Silent,
    Again,
    Invalid,
    Closed,
}

struct Defense {
    name: &'static str,
    attack: Attack,
    refusal: Refusal,
    /// Sentence the refusal must contain besides the entry's own, if any.
    says: Option<&'static str>,
    /// Entries this defense deliberately does not apply to: there the attempt goes through.
    not_for: &'static [Kind],
}

#[rustfmt::skip]
fn defenses() -> Vec<Defense> {
    vec![
        Defense { name: "per-address rate limit", attack: Attack::Flood, refusal: Refusal::Slow, says: None, not_for: &[] },
        Defense { name: "blocked network", attack: Attack::FromBlockedNetwork, refusal: Refusal::Forbidden, says: None, not_for: &[] },
        Defense { name: "honeypot", attack: Attack::Honeypot, refusal: Refusal::Silent, says: None, not_for: &[] },
        Defense { name: "missing time stamp", attack: Attack::NoStamp, refusal: Refusal::Again, says: None, not_for: &[] },
        Defense { name: "forged time stamp", attack: Attack::ForgedStamp, refusal: Refusal::Again, says: None, not_for: &[] },
        Defense { name: "too-fast time stamp", attack: Attack::TooFastStamp, refusal: Refusal::Again, says: None, not_for: &[] },
        Defense { name: "expired time stamp", attack: Attack::ExpiredStamp, refusal: Refusal::Again, says: None, not_for: &[] },
        Defense { name: "another letter's time stamp", attack: Attack::OtherLettersStamp, refusal: Refusal::Again, says: None, not_for: &[] },
        Defense { name: "invalid field", attack: Attack::InvalidField, refusal: Refusal::Invalid, says: None, not_for: &[] },
        // An invite's address comes from the coalition's roster and the link proves it: the
        // domain block (which keeps strangers' throwaway domains out) does not apply.
        Defense { name: "blocked email domain", attack: Attack::BlockedDomain, refusal: Refusal::Invalid, says: Some(BLOCKED_DOMAIN), not_for: &[Kind::Invite] },
        // The mailbox limit protects strangers' inboxes from being flooded by others; an
        // invite is answered by the mailbox's owner through a link only they received.
        Defense { name: "per-mailbox email limit", attack: Attack::FullMailbox, refusal: Refusal::Silent, says: None, not_for: &[Kind::Invite] },
        Defense { name: "letter closed", attack: Attack::ClosedLetter, refusal: Refusal::Closed, says: None, not_for: &[] },
    ]
}

/// Settings of the defended instance.
const SIGN_BURST: usize = 3;
const MAILBOX_PER_HOUR: usize = 2;
const BLOCKED_DOMAIN_NAME: &str = "blocked.example";

fn defended_settings() -> Vec<(&'static str, String)> {
    vec![
        ("limits.trusted_proxies", r#"["127.0.0.1"]"#.to_owned()),
        (
            "limits.blocked_networks",
            r#"["203.0.113.0/24"]"#.to_owned(),
        ),
        (
            "limits.blocked_email_domains",
            format!(r#"["{BLOCKED_DOMAIN_NAME}"]"#),
        ),
        ("limits.min_form_seconds", "2".to_owned()),
        ("limits.sign_per_minute", "1".to_owned()),
        ("limits.sign_burst", SIGN_BURST.to_string()),
        (
            "limits.emails_per_address_per_hour",
            MAILBOX_PER_HOUR.to_string(),
        ),
        ("signing.form_token_hours", "24".to_owned()),
    ]
}

/// One (entry, defense) pair and what it was set up with.
struct Case<'a> {
    number: usize,
    entry: &'a EntryPoint,
    defense: &'a Defense,
    slug: String,
    /// The address the attempt is about: the signer's, the invited member's, or the one a
    /// new link is asked for.
    email: String,
    name: String,
    invite_path: Option<String>,
}

impl Case<'_> {
    fn probe_address(&self) -> String {
        match self.defense.attack {
            Attack::FromBlockedNetwork => format!("203.0.113.{}", self.number),
            _ => format!("198.51.100.{}", self.number),
        }
    }

    fn path(&self) -> String {
        match self.entry.kind {
            Kind::Form => format!("/letters/{}/sign", self.slug),
            Kind::Json => format!("/api/v1/letters/{}/signatures", self.slug),
            Kind::Invite => self.invite_path.clone().expect("invite cases have a link"),
            Kind::Resend => format!("/letters/{}/resend", self.slug),
        }
    }

    /// What the entry shows for this defense, and whether the attempt goes through.
    fn expected(&self) -> Option<Seen> {
        if self.defense.not_for.contains(&self.entry.kind) {
            return None;
        }
        let entry = self.entry;
        Some(match self.defense.refusal {
            Refusal::Slow => entry.slow,
            Refusal::Forbidden => entry.forbidden,
            Refusal::Silent => entry.silent,
            Refusal::Again => entry.again,
            Refusal::Invalid => entry.invalid,
            Refusal::Closed => entry.closed,
        })
    }
}

/// The fields an entry sends, as (name, value) pairs; `t`/`form_token` and the honeypot are
/// added by the attack.
fn fields(case: &Case<'_>, stamp: Option<&str>, honeypot: bool) -> Vec<(&'static str, String)> {
    let mut fields: Vec<(&'static str, String)> = match case.entry.kind {
        Kind::Form | Kind::Json => vec![
            ("name", case.name.clone()),
            ("email", case.email.clone()),
            ("city", "Lyon".into()),
        ],
        Kind::Invite => vec![("name", case.name.clone()), ("public", "on".into())],
        Kind::Resend => vec![("email", case.email.clone())],
    };
    if case.defense.attack == Attack::InvalidField {
        let (field, bad, _) = case.entry.bad_field;
        for (name, value) in fields.iter_mut() {
            if *name == field {
                *value = bad.to_owned();
            }
        }
    }
    if let Some(stamp) = stamp {
        let key = if case.entry.kind == Kind::Json {
            "form_token"
        } else {
            "t"
        };
        fields.push((key, stamp.to_owned()));
    }
    if honeypot {
        fields.push(("nickname", "I fill every field".into()));
    }
    fields
}

/// Sends an attempt the way the entry's client does, from `address` (behind the proxy).
async fn send(
    app: &TestApp,
    case: &Case<'_>,
    address: &str,
    fields: &[(&str, String)],
) -> Response {
    let request = app
        .client
        .post(format!("{}{}", app.address, case.path()))
        .insert_header(("x-forwarded-for", address));
    let response = if case.entry.kind == Kind::Json {
        let body: serde_json::Map<String, serde_json::Value> = fields
            .iter()
            .map(|(key, value)| {
                let value = if *key == "public" {
                    json!(true)
                } else {
                    json!(value)
                };
                ((*key).to_owned(), value)
            })
            .collect();
        request.send_json(&body).await
    } else {
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(key, value)| (*key, value.as_str()))
            .collect();
        request
            .insert_header(("content-type", "application/x-www-form-urlencoded"))
            .send_body(encode(&pairs))
            .await
    };
    read(response.expect("POST answered")).await
}

/// How much of the service's state an attempt could change.
#[derive(Debug, PartialEq, Eq)]
struct Stored {
    signatures: i64,
    outbox: i64,
    tokens: i64,
}

fn stored(app: &TestApp) -> Stored {
    Stored {
        signatures: app.signature_count(),
        outbox: app.outbox_count(),
        tokens: app.token_count(),
    }
}

async fn every_defense_holds_at_every_entry(backend: Backend) {
    let entries = entries();
    let defenses = defenses();

    // Set up with an undefended instance: letters, the pending signatures that resend
    // re-sends, and invite links (one member and one letter per case).
    let setup = spawn_app(backend).await;
    let mut cases = Vec::new();
    let mut roster = String::from("name,email\n");
    for entry in &entries {
        for defense in &defenses {
            let number = cases.len() + 1;
            let slug = format!("case-{number}");
            setup.create_letter(&slug, "open", "");
            let domain = if defense.attack == Attack::BlockedDomain {
                BLOCKED_DOMAIN_NAME
            } else {
                "example.org"
            };
            let email = format!("person{number}@{domain}");
            if entry.kind == Kind::Invite {
                roster.push_str(&format!("Member {number},{email}\n"));
            }
            cases.push(Case {
                number,
                entry,
                defense,
                slug,
                email,
                name: format!("Signer {number}"),
                invite_path: None,
            });
        }
    }
    let roster_file = setup.directory.path().join("roster.csv");
    std::fs::write(&roster_file, roster).expect("write the roster");
    setup.cli_ok(&[
        "members",
        "import",
        roster_file.to_str().expect("utf-8 path"),
    ]);
    for case in cases.iter_mut() {
        match case.entry.kind {
            Kind::Invite => {
                let member = format!("Member {}", case.number);
                setup.cli_ok(&["invites", "send", &case.slug, "--member", &member]);
                let mails = setup.wait_for_mails_to(&case.email, 1).await;
                case.invite_path = Some(mails[0].link(&format!("/letters/{}/invite/", case.slug)));
            }
            Kind::Resend => {
                let signed = setup
                    .sign(&case.slug, &[("name", &case.name), ("email", &case.email)])
                    .await;
                assert_eq!(signed.status, StatusCode::SEE_OTHER, "{}", signed.body);
            }
            Kind::Form | Kind::Json => {}
        }
    }
    for case in &cases {
        if case.defense.attack == Attack::ClosedLetter {
            // Closed as staff close it; the defended instance starts after, so it reads the
            // closed letter fresh.
            use diesel::prelude::*;
            use undersigned::db::schema::letters;
            diesel::update(letters::table.filter(letters::slug.eq(&case.slug)))
                .set((
                    letters::status.eq("closed"),
                    letters::updated_at.eq(undersigned::db::now()),
                ))
                .execute(&mut *setup.connection() as &mut undersigned::db::DbConnection)
                .expect("close the letter");
        }
    }

    // The defended instance, on the same database.
    let app = setup.another_instance(&defended_settings()).await;
    let secret = app
        .stored_form_secret()
        .expect("the form secret is kept in the database");
    let stamp_for =
        |slug: &str, age: u64| form_time_signed(&secret, &app.letter_id(slug), unix_now() - age);

    for case in &cases {
        let label = format!(
            "{} against {:?} ({})",
            case.defense.name, case.entry.kind, case.slug
        );
        let good_stamp = stamp_for(&case.slug, 10);
        let stamp = match case.defense.attack {
            Attack::NoStamp => None,
            Attack::ForgedStamp => Some(form_time_signed(
                "not the secret",
                &app.letter_id(&case.slug),
                unix_now() - 10,
            )),
            Attack::TooFastStamp => Some(stamp_for(&case.slug, 0)),
            Attack::ExpiredStamp => Some(stamp_for(&case.slug, 25 * 3600)),
            Attack::OtherLettersStamp => {
                let other = if case.number == 1 { "case-2" } else { "case-1" };
                Some(stamp_for(other, 10))
            }
            _ => Some(good_stamp.clone()),
        };

        // What happened just before the attempt.
        match case.defense.attack {
            Attack::Flood => {
                for _ in 0..SIGN_BURST {
                    let without_stamp = fields(case, None, false);
                    send(&app, case, &case.probe_address(), &without_stamp).await;
                }
            }
            Attack::FullMailbox => {
                // The limit counts mail the outbox holds for the mailbox (on every instance),
                // so the allowance is used up by mail, here other letters' confirmations.
                for _ in 0..MAILBOX_PER_HOUR {
                    let mail = undersigned::mail::OutgoingMail::to(
                        &case.email,
                        undersigned::mail::MailContent {
                            subject: "Please confirm your signature".into(),
                            text: "Confirm at http://letters.test/verify/x".into(),
                            html: "<p>Confirm</p>".into(),
                        },
                    );
                    undersigned::mail::outbox::enqueue(
                        &mut app.connection(),
                        &mail,
                        undersigned::db::now(),
                    )
                    .expect("queued");
                }
            }
            _ => {}
        }

        let before = stored(&app);
        let attempt = fields(
            case,
            stamp.as_deref(),
            case.defense.attack == Attack::Honeypot,
        );
        let response = send(&app, case, &case.probe_address(), &attempt).await;
        let body = &response.body;

        let Some(expected) = case.expected() else {
            // The defense does not apply here: the member signs as if nothing were wrong.
            assert_eq!(response.status, StatusCode::OK, "{label}: {body}");
            assert!(body.contains("Thank you for signing"), "{label}: {body}");
            let after = stored(&app);
            assert_eq!(
                after.signatures,
                before.signatures + 1,
                "{label}: the invited member's signature is stored"
            );
            continue;
        };

        assert_eq!(response.status.as_u16(), expected.status, "{label}: {body}");
        let shown = if response.status == StatusCode::SEE_OTHER {
            response.location.clone().unwrap_or_default()
        } else {
            body.clone()
        };
        assert!(
            shown.contains(expected.says),
            "{label}: expected {:?} in:\n{shown}",
            expected.says
        );
        if let Some(says) = case.defense.says {
            assert!(
                body.contains(says),
                "{label}: expected {says:?} in:\n{body}"
            );
        }
        if case.defense.attack == Attack::InvalidField {
            let (_, _, message) = case.entry.bad_field;
            assert!(
                body.contains(message),
                "{label}: expected {message:?} in:\n{body}"
            );
        }
        if expected.keeps_typed {
            let typed_field = if case.entry.kind == Kind::Resend {
                "email"
            } else {
                "name"
            };
            let typed = attempt
                .iter()
                .find(|(key, _)| *key == typed_field)
                .map(|(_, value)| value.as_str())
                .unwrap_or_default();
            assert!(
                body.contains(&format!("value=\"{typed}\"")),
                "{label}: the form keeps what was typed:\n{body}"
            );
        }
        if expected.status == 429 {
            assert!(
                response.headers.contains_key("retry-after"),
                "{label}: says when to try again"
            );
        }
        if expected.status == 422
            && case.defense.refusal == Refusal::Again
            && case.entry.kind != Kind::Json
        {
            assert!(
                !crate::helpers::form_time_in(body).is_empty(),
                "{label}: the form shown again carries a fresh time stamp"
            );
        }
        assert_eq!(
            stored(&app),
            before,
            "{label}: nothing stored, no token made, no email queued"
        );
    }
}
