//! Delivers the outbox: claims due messages, sends a few at a time, records the result, and
//! sleeps until woken by a new message or the next poll.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use futures_util::StreamExt;
use tokio::sync::Notify;

use super::outbox::{self, OutboxRecord};
use super::transport::Mailer;
use crate::config::MailSettings;
use crate::db::{self, DbPool};

const BATCH: i64 = 500;
const POLL: StdDuration = StdDuration::from_millis(1000);

pub struct MailWorker {
    pool: DbPool,
    mailer: Arc<Mailer>,
    settings: MailSettings,
    wakeup: Arc<Notify>,
    /// The ceiling on outgoing email per minute: past it, sending waits; nothing is dropped.
    ceiling: Arc<governor::DefaultDirectRateLimiter>,
}

impl MailWorker {
    pub fn new(
        pool: DbPool,
        mailer: Mailer,
        settings: MailSettings,
        emails_per_minute: u32,
        wakeup: Arc<Notify>,
    ) -> Self {
        let per_minute =
            std::num::NonZeroU32::new(emails_per_minute).unwrap_or(std::num::NonZeroU32::MIN);
        MailWorker {
            pool,
            mailer: Arc::new(mailer),
            settings,
            wakeup,
            ceiling: Arc::new(governor::RateLimiter::direct(governor::Quota::per_minute(
                per_minute,
            ))),
        }
    }

    /// Delivers until `stop` turns true; a batch in progress is finished first, so a graceful
    /// shutdown leaves every claimed message either sent or released for retry.
    pub async fn run(self, mut stop: tokio::sync::watch::Receiver<bool>) {
        loop {
            if *stop.borrow() {
                return;
            }
            match self.deliver_due().await {
                Ok(0) => {
                    tokio::select! {
                        _ = self.wakeup.notified() => {}
                        _ = tokio::time::sleep(POLL) => {}
                        _ = stop.changed() => {}
                    }
                }
                Ok(_) => {}
                Err(error) => {
                    tracing::error!(%error, "mail worker: could not read the outbox");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    }

    /// Delivers one batch; returns how many messages it handled.
    pub async fn deliver_due(&self) -> Result<usize, db::DbError> {
        let pool = self.pool.clone();
        // The lease should outlive an SMTP timeout, so a live sender keeps its claim.
        let lease = chrono::Duration::seconds(self.settings.claim_lease_seconds);
        let batch = run_blocking(move || {
            let mut connection = pool.get()?;
            Ok(outbox::claim_due(&mut connection, BATCH, lease)?)
        })
        .await?;
        let handled = batch.len();
        if handled == 0 {
            return Ok(0);
        }
        let results: Vec<(OutboxRecord, Result<(), super::transport::DeliveryError>)> =
            futures_util::stream::iter(batch)
                .map(|record| {
                    let mailer = Arc::clone(&self.mailer);
                    let ceiling = Arc::clone(&self.ceiling);
                    async move {
                        ceiling.until_ready().await;
                        let result = mailer.deliver(&record).await;
                        (record, result)
                    }
                })
                .buffer_unordered(self.settings.concurrency.max(1))
                .collect()
                .await;

        let mut sent = Vec::new();
        let mut failed = Vec::new();
        for (record, result) in results {
            match result {
                Ok(()) => {
                    if self.mailer.logs_links() {
                        tracing::info!(
                            message_id = %record.message_id,
                            subject = %record.subject,
                            links = ?super::transport::links_in(&record.body_text),
                            "mail delivered"
                        );
                    } else {
                        tracing::info!(message_id = %record.message_id, "mail delivered");
                    }
                    sent.push(record.id);
                }
                Err(error) => {
                    let action = outbox::next_action(
                        record.attempts,
                        self.settings.max_attempts,
                        error.permanent,
                        self.settings.retry_base_seconds,
                        db::now(),
                    );
                    tracing::warn!(message_id = %record.message_id, attempts = record.attempts, %error, ?action, "mail delivery failed");
                    failed.push((record.id, action, error.message));
                }
            }
        }
        let pool = self.pool.clone();
        run_blocking(move || {
            let mut connection = pool.get()?;
            outbox::mark_sent(&mut connection, &sent)?;
            for (id, action, error) in &failed {
                outbox::mark_failed(&mut connection, id, action, error)?;
            }
            Ok(())
        })
        .await?;
        Ok(handled)
    }
}

pub async fn run_blocking<T, F>(work: F) -> Result<T, db::DbError>
where
    F: FnOnce() -> Result<T, db::DbError> + Send + 'static,
    T: Send + 'static,
{
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|error| db::DbError::TaskFailed(error.to_string()))?
}
