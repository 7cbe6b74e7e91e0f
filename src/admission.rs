//! The one way a signature enters: the sign form, the JSON API, an invite link and the
//! resend form all call `Admission::admit`, which applies every defense in one order:
//!
//! 0. a post another site's page made a browser send (`Sec-Fetch-Site: cross-site`, or an
//!    `Origin` of another host), unless that site is an allowed embed origin: refused,
//!    nothing stored, nobody emailed
//! 1. per-address rate limit (`limits.sign_*`)
//! 2. blocked client network
//! 3. the letter takes signatures now
//! 4. bot checks: the honeypot (silent: answered like a success, nothing stored) and the
//!    signed form time stamp (too fast, too old, forged or another letter's: the form is shown
//!    again with what was typed)
//! 5. validation of the fields (an invite's are completed from the roster first, so that
//!    happens in its store step)
//! 6. blocked email domain
//! 7. per-mailbox email limit (silent: the person already has mail from us waiting)
//! 8. store, with its email, in one transaction
//! 9. wake the mail worker
//!
//! Handlers translate HTTP into an `Attempt` and the result into a response, nothing more.
//! The table-driven test `tests/api/admission.rs` runs every defense against every entry.

use std::net::IpAddr;
use std::time::Duration;

use tokio::sync::Notify;

use crate::abuse::{Defenses, FormCheck};
use crate::db::{DbError, DbPool};
use crate::invites::{self, AcceptError, AcceptOutcome};
use crate::letters::Letter;
use crate::metrics::Metrics;
use crate::signatures::form::{self, AcceptedKinds, FieldErrors, SignatureFields};
use crate::signatures::writer::SignWriter;
use crate::signatures::{SignError, SignOutcome, SigningPolicy};
use crate::values::email_address::EmailAddress;

/// Where an attempt came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    /// `POST /letters/{slug}/sign`
    Form,
    /// `POST /api/v1/letters/{slug}/signatures`
    Json,
    /// `POST /letters/{slug}/invite/{secret}`: the link proves the member's address.
    Invite { secret: String },
    /// `POST /letters/{slug}/resend`: only `email` is read.
    Resend,
}

impl Entry {
    fn name(&self) -> &'static str {
        match self {
            Entry::Form => "form",
            Entry::Json => "json",
            Entry::Invite { .. } => "invite",
            Entry::Resend => "resend",
        }
    }
}

/// One request to add (or re-confirm) a name.
pub struct Attempt {
    pub entry: Entry,
    pub letter: Letter,
    pub client: Option<IpAddr>,
    /// The key per-address limits count under (see `AppState::client_key`).
    pub client_key: String,
    pub fields: SignatureFields,
    /// The language the signer reads the interface in, for their emails
    /// (`i18n::interface_language`).
    pub interface_language: Option<crate::i18n::LanguageTag>,
    /// The other site whose page sent this post, when the browser says one did and it is not
    /// an allowed embed origin (`http::origin`).
    pub foreign_origin: Option<String>,
}

/// What the person is told when their attempt went through (or is silently ignored).
#[derive(Debug, PartialEq, Eq)]
pub enum Admitted {
    /// "Check your email": also the answer to bots and to an address over its mail limit,
    /// so the response never tells whether an address has signed.
    CheckEmail,
    /// An invited organization signed in one step.
    Invited(AcceptOutcome),
}

#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// Another site's page posted the form: the person never saw our boxes.
    #[error("sent from another site's page ({0})")]
    CrossSite(String),
    #[error("too many requests from this address")]
    TooManyRequests(Duration),
    #[error("signatures from this network are not accepted")]
    BlockedNetwork,
    #[error("this letter does not take signatures now")]
    LetterClosed,
    #[error("the form must be sent again")]
    RetryForm,
    #[error("some fields need attention")]
    Invalid(FieldErrors),
    #[error(transparent)]
    Invite(AcceptError),
    #[error(transparent)]
    Failed(SignError),
}

/// What `admit` needs from the running service.
pub struct Admission<'a> {
    pub defenses: &'a Defenses,
    pub metrics: &'a Metrics,
    pub writer: &'a SignWriter,
    pub pool: &'a DbPool,
    pub policy: &'a SigningPolicy,
    pub mail_wakeup: &'a Notify,
}

impl Admission<'_> {
    pub async fn admit(&self, attempt: Attempt) -> Result<Admitted, Refused> {
        let Attempt {
            entry,
            letter,
            client,
            client_key,
            fields,
            interface_language,
            foreign_origin,
        } = attempt;
        let defenses = self.defenses;

        // 0: a page on another site cannot sign for the person who happens to visit it.
        if let Some(origin) = foreign_origin {
            self.metrics.record_refusal("cross_site");
            tracing::info!(slug = %letter.slug, entry = entry.name(), origin = %origin, "refused: posted from another site");
            return Err(Refused::CrossSite(origin));
        }

        // 1-3: who is asking, and whether there is anything to sign.
        defenses.sign.check(&client_key).map_err(|wait| {
            self.metrics.record_refusal("sign");
            Refused::TooManyRequests(wait)
        })?;
        if defenses.is_blocked_network(client) {
            self.metrics.record_refusal("network");
            return Err(Refused::BlockedNetwork);
        }
        if !letter.accepts_signatures_at(crate::db::now()) {
            return Err(Refused::LetterClosed);
        }

        // 4: bots.
        match defenses.check_form(&letter.id, &fields.honeypot, &fields.form_time) {
            FormCheck::Human => {}
            FormCheck::Bot => {
                self.metrics.record_bot();
                tracing::info!(slug = %letter.slug, entry = entry.name(), "ignored: honeypot filled");
                return Ok(Admitted::CheckEmail);
            }
            FormCheck::Retry => {
                tracing::info!(slug = %letter.slug, entry = entry.name(), "form time stamp refused; asking again");
                return Err(Refused::RetryForm);
            }
        }

        // 5-9, by entry.
        let admitted = match entry {
            Entry::Form | Entry::Json => {
                let accepted = AcceptedKinds {
                    individuals: letter.accepts_individuals,
                    organizations: letter.accepts_organizations,
                };
                let mut fields = fields;
                crate::signatures::fields::keep_asked(&mut fields.text, &letter);
                let mut input = form::validate(&fields, accepted).map_err(Refused::Invalid)?;
                input.mail_lang = interface_language.as_ref().map(|tag| tag.as_str());
                self.check_domain(input.email.normalized())?;
                // The writer applies the per-mailbox limit, counted once per batch.
                let slug = letter.slug.clone();
                let outcome = self
                    .writer
                    .sign(letter, input)
                    .await
                    .map_err(refused_by_store)?;
                if outcome == SignOutcome::MailboxFull {
                    self.mailbox_full(&slug);
                }
                Admitted::CheckEmail
            }
            Entry::Resend => {
                let email = EmailAddress::parse(&fields.email).map_err(|error| {
                    Refused::Invalid(FieldErrors::from([("email", error.into())]))
                })?;
                self.check_domain(email.normalized())?;
                if !self
                    .mailbox_allows(email.mailbox_key().as_str(), &letter)
                    .await?
                {
                    return Ok(Admitted::CheckEmail);
                }
                let policy = self.policy.clone();
                self.blocking(move |connection| {
                    let mail_lang = interface_language.as_ref().map(|tag| tag.as_str());
                    crate::signatures::resend(
                        connection,
                        &letter,
                        &email,
                        &policy,
                        mail_lang.as_deref(),
                    )
                })
                .await
                .map_err(refused_by_store)?;
                Admitted::CheckEmail
            }
            // The address comes from the coalition's roster and the link proves it, so the
            // domain and mailbox limits (which protect strangers' inboxes) do not apply.
            Entry::Invite { secret } => {
                let policy = self.policy.clone();
                let outcome = self
                    .blocking(move |connection| {
                        let mail_lang = interface_language.as_ref();
                        invites::accept(connection, &letter, &secret, &fields, &policy, mail_lang)
                    })
                    .await
                    .map_err(|error| match error {
                        AcceptError::Invalid(errors) => Refused::Invalid(errors),
                        AcceptError::Sign(error) => refused_by_store(error),
                        other => Refused::Invite(other),
                    })?;
                Admitted::Invited(outcome)
            }
        };
        self.mail_wakeup.notify_one();
        Ok(admitted)
    }

    fn check_domain(&self, normalized_email: &str) -> Result<(), Refused> {
        if self.defenses.is_blocked_domain(normalized_email) {
            return Err(Refused::Invalid(FieldErrors::from([(
                "email",
                form::FieldError::BlockedDomain,
            )])));
        }
        Ok(())
    }

    /// One mailbox gets only so much mail from us in an hour, whoever asks for it and on
    /// whichever instance: the outbox is counted, so the limit holds across instances. Read
    /// on the blocking pool, never through the sign writer, so a refused address costs the
    /// writer nothing. Two requests for one mailbox at the same moment may both pass; the
    /// next one after them is refused.
    async fn mailbox_allows(
        &self,
        normalized_email: &str,
        letter: &Letter,
    ) -> Result<bool, Refused> {
        let limit = i64::from(self.defenses.emails_per_mailbox_per_hour);
        let mailbox = normalized_email.to_owned();
        let since = crate::db::now() - chrono::Duration::hours(1);
        let queued = self
            .blocking(move |connection| {
                crate::mail::outbox::queued_to_mailbox_since(connection, &mailbox, since)
                    .map_err(SignError::Database)
            })
            .await
            .map_err(Refused::Failed)?;
        if queued >= limit {
            self.mailbox_full(&letter.slug);
            return Ok(false);
        }
        Ok(true)
    }

    fn mailbox_full(&self, slug: &str) {
        self.metrics.record_refusal("email");
        tracing::info!(slug = %slug, "ignored: too many emails to one address");
    }

    async fn blocking<T, E, F>(&self, work: F) -> Result<T, E>
    where
        F: FnOnce(&mut crate::db::DbConnection) -> Result<T, E> + Send + 'static,
        T: Send + 'static,
        E: From<DbError> + Send + 'static,
    {
        crate::db::outage::run(self.pool, work).await
    }
}

fn refused_by_store(error: SignError) -> Refused {
    match error {
        SignError::LetterClosed => Refused::LetterClosed,
        other => Refused::Failed(other),
    }
}
