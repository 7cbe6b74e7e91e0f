//! Delivers the outbox: claims due messages, sends a few at a time, records each result as
//! soon as it is known, and sleeps until woken by a new message or the next poll.
//!
//! What a crash can send twice is bounded by `mail.concurrency`: a sending slot does not take
//! its next message until the server's acceptance of the last one is written down (results
//! are written in groups, whatever is ready at once, so this costs one write per group and
//! not one per message). Claimed messages not yet handed to the server are never sent twice:
//! after a crash they wait out the claim, after a graceful stop they are released at once.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use futures_util::StreamExt;
use tokio::sync::{Notify, mpsc, oneshot, watch};

use super::outbox::{self, DeliveryOutcome, OutboxRecord};
use super::render::{Prepared, Renderers};
use super::transport::{Envelope, Mailer};
use crate::config::MailSettings;
use crate::db::{self, DbConnection, DbPool};

/// Messages claimed at once. Claimed messages not yet sent are not at risk of being sent
/// twice, so this only trades claim queries against how long one instance holds them. Each
/// batch ends with a tail in which fewer than `mail.concurrency` slots are busy, then a claim:
/// 1,000 instead of 200 took the drain to a local SMTP server from ~1,000 to ~1,260
/// messages/s (BENCHMARKS.md, "Outbox drain").
const BATCH: i64 = 1000;
const POLL: StdDuration = StdDuration::from_millis(1000);
/// How long a message this worker cannot read waits before any worker claims it again: long
/// enough that it is not taken again and again by the same worker, short enough that it is
/// not late by much when the instance that can read it claims it next.
const DEFER_UNREADABLE: chrono::Duration = chrono::Duration::seconds(30);
/// How often the worker checks that no newer release has put the schema out of its reach.
const SCHEMA_CHECK: StdDuration = StdDuration::from_secs(5);

/// Work a feature has the worker do every so often, off its loop (the updates module goes on
/// queueing an update whose queuer stopped half-way). It returns how many messages it queued:
/// the worker then looks for them at once.
#[derive(Clone)]
pub struct PeriodicJob {
    /// For the log.
    pub name: &'static str,
    pub every: StdDuration,
    pub work: Arc<JobWork>,
}

/// What a [`PeriodicJob`] does, on a connection of its own; returns the messages it queued.
pub type JobWork = dyn Fn(&mut DbConnection) -> Result<i64, db::DbError> + Send + Sync;

pub struct MailWorker {
    pool: DbPool,
    mailer: Arc<Mailer>,
    settings: MailSettings,
    wakeup: Arc<Notify>,
    /// The ceiling on outgoing email per minute across every instance on the database: past
    /// it, mail waits in the outbox; nothing is dropped.
    emails_per_minute: i64,
    /// How each kind of message rendered at send time is rendered.
    renderers: Arc<Renderers>,
    jobs: Vec<PeriodicJob>,
    /// Whether the schema was last found within this binary's reach, and when.
    schema: Mutex<Option<(tokio::time::Instant, bool)>>,
}

/// What one round of delivery did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Round {
    /// Messages claimed (and sent, failed or handed back).
    pub claimed: usize,
    /// The ceiling on all outgoing mail is reached: nothing more may go out for now.
    pub at_ceiling: bool,
}

/// A result on its way to the database, and who waits for it to be written.
type Recording = (DeliveryOutcome, oneshot::Sender<()>);

impl MailWorker {
    pub fn new(
        pool: DbPool,
        mailer: Mailer,
        settings: MailSettings,
        emails_per_minute: u32,
        wakeup: Arc<Notify>,
        renderers: Renderers,
    ) -> Self {
        MailWorker {
            pool,
            mailer: Arc::new(mailer),
            settings,
            wakeup,
            emails_per_minute: i64::from(emails_per_minute.max(1)),
            renderers: Arc::new(renderers),
            jobs: Vec::new(),
            schema: Mutex::new(None),
        }
    }

    /// Runs `job` when the worker starts and then every `job.every`, between rounds.
    pub fn with_job(mut self, job: PeriodicJob) -> Self {
        self.jobs.push(job);
        self
    }

    /// Delivers until `stop` turns true. Then messages being sent are finished and recorded,
    /// and claimed messages not yet started are handed back, so a graceful shutdown sends
    /// nothing twice and waits only for what is in flight.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let mut next_runs = vec![tokio::time::Instant::now(); self.jobs.len()];
        loop {
            if *stop.borrow() {
                return;
            }
            if !self.schema_in_reach().await {
                // A newer release migrated past this binary: claim nothing (its messages and
                // columns may mean what this binary does not know) until it is replaced.
                tokio::select! {
                    _ = tokio::time::sleep(POLL) => {}
                    _ = stop.changed() => {}
                }
                continue;
            }
            for (job, next_run) in self.jobs.iter().zip(next_runs.iter_mut()) {
                if tokio::time::Instant::now() >= *next_run {
                    *next_run = tokio::time::Instant::now() + job.every;
                    self.start_job(job);
                }
            }
            match self.deliver_due(&stop).await {
                // New mail cannot go out before some of the last minute's ages out, so a
                // wake-up from a new signature would only cost a query: wait out the poll.
                Ok(Round {
                    at_ceiling: true, ..
                }) => {
                    tokio::select! {
                        _ = tokio::time::sleep(POLL) => {}
                        _ = stop.changed() => {}
                    }
                }
                Ok(Round { claimed: 0, .. }) => {
                    tokio::select! {
                        _ = self.wakeup.notified() => {}
                        _ = tokio::time::sleep(POLL) => {}
                        _ = stop.changed() => {}
                    }
                }
                Ok(_) => {}
                // While the process stops, the database pool and the blocking threads go
                // away under the worker: that is the end of the loop, not an error.
                Err(error) if *stop.borrow() => {
                    tracing::info!(%error, "mail worker: stopped while reading the outbox");
                    return;
                }
                // An outage is already told by /readyz, /healthz and the requests' 503s.
                Err(error) if crate::db::is_unavailable(&error) => {
                    tracing::warn!(%error, "mail worker: database unavailable; trying again");
                    tokio::time::sleep(POLL).await;
                }
                Err(error) => {
                    tracing::error!(%error, "mail worker: could not read the outbox");
                    tokio::time::sleep(POLL).await;
                }
            }
        }
    }

    /// Whether the database's schema is one this binary may work on, asked at most every
    /// `SCHEMA_CHECK`. Says so in the log when that changes. A database that cannot be asked
    /// keeps the last answer: the claim that follows meets the same trouble and says so.
    async fn schema_in_reach(&self) -> bool {
        let last = self.schema.lock().ok().and_then(|last| *last);
        if let Some((checked, in_reach)) = last
            && checked.elapsed() < SCHEMA_CHECK
        {
            return in_reach;
        }
        let pool = self.pool.clone();
        let state = run_blocking(move || {
            let mut connection = pool.get()?;
            db::versions::schema_state(&mut connection)
        })
        .await;
        let was = last.map(|(_, in_reach)| in_reach).unwrap_or(true);
        let in_reach = match &state {
            Ok(db::versions::SchemaState::TooNew { .. }) => false,
            Ok(_) => true,
            Err(_) => was,
        };
        match (&state, was, in_reach) {
            (Ok(state), true, false) => {
                tracing::warn!(schema = %state, "mail worker: claiming nothing until this instance is upgraded")
            }
            (_, false, true) => tracing::info!("mail worker: the schema is in reach again"),
            _ => {}
        }
        if let Ok(mut last) = self.schema.lock() {
            *last = Some((tokio::time::Instant::now(), in_reach));
        }
        in_reach
    }

    /// Runs a periodic job off this loop; wakes the loop when it queued messages.
    fn start_job(&self, job: &PeriodicJob) {
        let pool = self.pool.clone();
        let wakeup = Arc::clone(&self.wakeup);
        let PeriodicJob { name, work, .. } = job.clone();
        tokio::task::spawn_blocking(move || {
            let done = pool
                .get()
                .map_err(db::DbError::from)
                .and_then(|mut connection| work(&mut connection));
            match done {
                Ok(0) => {}
                Ok(queued) => {
                    tracing::debug!(job = name, queued, "mail worker: a job queued messages");
                    wakeup.notify_one();
                }
                Err(error) => tracing::warn!(job = name, %error, "mail worker: a job failed"),
            }
        });
    }

    /// Delivers one claimed batch, no more than the ceiling leaves room for.
    pub async fn deliver_due(&self, stop: &watch::Receiver<bool>) -> Result<Round, db::DbError> {
        let pool = self.pool.clone();
        let lease = chrono::Duration::seconds(self.settings.claim_lease_seconds);
        let per_minute = self.emails_per_minute;
        let claim = run_blocking(move || {
            let mut connection = pool.get()?;
            Ok(outbox::claim_due_under_ceiling(
                &mut connection,
                BATCH,
                lease,
                per_minute,
            )?)
        })
        .await?;
        let batch = claim.records;
        let round = Round {
            claimed: batch.len(),
            at_ceiling: claim.at_ceiling,
        };
        if batch.is_empty() {
            return Ok(round);
        }
        let batch = self.prepare(batch).await?;
        let held: Arc<Mutex<HashSet<String>>> = Arc::new(Mutex::new(
            batch.iter().map(|(record, _)| record.id.clone()).collect(),
        ));
        let (recordings, received) = mpsc::unbounded_channel::<Recording>();
        let recorder = {
            let pool = self.pool.clone();
            let held = Arc::clone(&held);
            tokio::task::spawn_blocking(move || record_outcomes(pool, received, held))
        };

        // The stream owns the only sender, so the recorder ends once every slot is done.
        let deliveries = futures_util::stream::iter(batch)
            .map(move |(record, prepared)| {
                let recordings = recordings.clone();
                let stop = stop.clone();
                async move {
                    let outcome = self.deliver_one(record, prepared, stop).await;
                    let (written, wait_for_write) = oneshot::channel();
                    if recordings.send((outcome, written)).is_ok() {
                        // Holding the slot until the result is written is what keeps a
                        // crash from sending more than the messages in flight twice.
                        let _ = wait_for_write.await;
                    }
                }
            })
            .buffer_unordered(self.settings.concurrency.max(1))
            .collect::<Vec<()>>();
        let mut deliveries = Box::pin(deliveries);
        // A batch sent to a slow server can outlast the claim; renew it well before.
        let renew_every = (lease / 3).to_std().unwrap_or(StdDuration::from_secs(1));
        let mut renewal = tokio::time::interval_at(
            tokio::time::Instant::now() + renew_every,
            renew_every.max(StdDuration::from_millis(100)),
        );
        loop {
            tokio::select! {
                _ = &mut deliveries => break,
                _ = renewal.tick() => {
                    let ids: Vec<String> = held
                        .lock()
                        .map(|held| held.iter().cloned().collect())
                        .unwrap_or_default();
                    let pool = self.pool.clone();
                    let renewed = run_blocking(move || {
                        let mut connection = pool.get()?;
                        Ok(outbox::renew_claim(&mut connection, &ids, lease)?)
                    })
                    .await;
                    if let Err(error) = renewed {
                        tracing::warn!(%error, "mail worker: could not renew its claim");
                    }
                }
            }
        }
        drop(deliveries);
        if let Err(error) = recorder.await {
            if *stop.borrow() {
                tracing::info!(%error, "mail worker: the recorder stopped with the process");
            } else {
                tracing::error!(%error, "mail worker: the recorder stopped");
            }
        }
        Ok(round)
    }

    /// Renders the messages whose row has a kind (an update, say) from what they are about:
    /// one database visit for the batch, and none when every row is stored rendered.
    async fn prepare(
        &self,
        batch: Vec<OutboxRecord>,
    ) -> Result<Vec<(OutboxRecord, Prepared)>, db::DbError> {
        if batch
            .iter()
            .all(|record| self.renderers.kind_of(record).is_none())
        {
            return Ok(batch
                .into_iter()
                .map(|record| {
                    let envelope = Envelope::stored(&record);
                    (record, Prepared::Send(envelope))
                })
                .collect());
        }
        let pool = self.pool.clone();
        let renderers = Arc::clone(&self.renderers);
        run_blocking(move || {
            let mut connection = pool.get()?;
            let prepared = renderers.prepare(&mut connection, &batch)?;
            Ok(batch.into_iter().zip(prepared).collect())
        })
        .await
    }

    async fn deliver_one(
        &self,
        record: OutboxRecord,
        prepared: Prepared,
        stop: watch::Receiver<bool>,
    ) -> DeliveryOutcome {
        if *stop.borrow() {
            return DeliveryOutcome::Released(record.id);
        }
        let envelope = match prepared {
            Prepared::Send(envelope) => envelope,
            Prepared::Skip(reason) => {
                tracing::info!(message_id = %record.message_id, %reason, "mail not sent");
                return DeliveryOutcome::Failed {
                    id: record.id,
                    action: outbox::FailureAction::GiveUp,
                    error: reason,
                };
            }
            Prepared::Later(reason) => {
                // Not this worker's to give up: an instance of the release that queued it
                // sends it. Loud, so that a message no instance can read is noticed.
                tracing::warn!(
                    id = %record.id,
                    message_id = %record.message_id,
                    %reason,
                    retry_in_seconds = DEFER_UNREADABLE.num_seconds(),
                    "mail worker cannot read this message; left for another instance"
                );
                return DeliveryOutcome::Deferred {
                    id: record.id,
                    until: db::now() + DEFER_UNREADABLE,
                    reason,
                };
            }
        };
        match self.mailer.deliver(&envelope).await {
            Ok(()) => {
                if self.mailer.logs_links() {
                    tracing::info!(
                        message_id = %record.message_id,
                        subject = %envelope.subject,
                        links = ?super::transport::links_in(&envelope.text),
                        "mail delivered"
                    );
                } else {
                    tracing::info!(message_id = %record.message_id, "mail delivered");
                }
                crate::metrics::mail_sent(1);
                DeliveryOutcome::Sent(record.id)
            }
            Err(error) => {
                let action = self.next_action(record.attempts, error.permanent);
                tracing::warn!(message_id = %record.message_id, attempts = record.attempts, %error, ?action, "mail delivery failed");
                crate::metrics::mail_failed(1);
                DeliveryOutcome::Failed {
                    id: record.id,
                    action,
                    error: error.message,
                }
            }
        }
    }
}

impl MailWorker {
    /// After a failed attempt: when to try again, or to give up.
    fn next_action(&self, attempts: i32, permanent: bool) -> outbox::FailureAction {
        outbox::next_action(
            attempts,
            self.settings.max_attempts,
            permanent,
            self.settings.retry_base_seconds,
            db::now(),
        )
    }
}

/// Writes results as they come, each write taking every result that is ready at that moment.
/// Runs on a blocking thread with a connection of its own for the whole batch: a write then
/// waits only for the database's write lock, never for a connection from a busy pool.
fn record_outcomes(
    pool: DbPool,
    mut received: mpsc::UnboundedReceiver<Recording>,
    held: Arc<Mutex<HashSet<String>>>,
) {
    const TRIES: u32 = 5;
    let mut connection: Option<diesel::r2d2::PooledConnection<db::ConnectionManager>> = None;
    while let Some(first) = received.blocking_recv() {
        let mut group = vec![first];
        while let Ok(next) = received.try_recv() {
            group.push(next);
        }
        let (outcomes, waiting): (Vec<DeliveryOutcome>, Vec<oneshot::Sender<()>>) =
            group.into_iter().unzip();
        let mut try_number = 1;
        loop {
            let written = match connection.as_mut() {
                Some(connection) => {
                    outbox::record(connection, &outcomes).map_err(db::DbError::from)
                }
                None => match pool.get() {
                    Ok(fresh) => {
                        connection = Some(fresh);
                        continue;
                    }
                    Err(error) => Err(db::DbError::from(error)),
                },
            };
            match written {
                Ok(()) => break,
                Err(error) if try_number < TRIES => {
                    tracing::warn!(%error, try_number, "mail worker: recording results failed; trying again");
                    // A broken connection is replaced on the next try.
                    connection = None;
                    try_number += 1;
                    std::thread::sleep(StdDuration::from_millis(100 * u64::from(try_number)));
                }
                Err(error) => {
                    // The claim runs out and the messages are tried again: a sent one may
                    // then go out twice, which beats losing one.
                    tracing::error!(%error, messages = outcomes.len(), "mail worker: could not record results");
                    break;
                }
            }
        }
        if let Ok(mut held) = held.lock() {
            for outcome in &outcomes {
                held.remove(match outcome {
                    DeliveryOutcome::Sent(id) | DeliveryOutcome::Released(id) => id,
                    DeliveryOutcome::Failed { id, .. } | DeliveryOutcome::Deferred { id, .. } => id,
                });
            }
        }
        for waiter in waiting {
            let _ = waiter.send(());
        }
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
