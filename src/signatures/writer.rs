//! Group commit for the sign path. Every signature of this instance goes through one
//! writer thread, which takes whatever requests are waiting (up to `MAX_BATCH`) and stores
//! them in one transaction, each in its own savepoint, then answers each request. SQLite has
//! one writer anyway: one transaction per batch instead of one per signature is where the
//! throughput comes from, and no request waits in SQLite's busy loop. Nobody is answered
//! before their signature is committed, so an acknowledged signature survives a crash.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use tokio::sync::{mpsc, oneshot};

use super::form::SignatureInput;
use std::collections::HashSet;

use diesel::prelude::*;

use super::SignatureKind;
use super::sign::{sign, sign_in_transaction, sign_new_batch};
use super::{SignError, SignOutcome, SigningPolicy};
use crate::db::schema::signatures;
use crate::db::{self, DbConnection, DbError, DbPool};
use crate::letters::Letter;
use crate::values::mailbox::MailboxKey;

const MAX_BATCH: usize = 256;
const QUEUE: usize = 8192;

struct Job {
    letter: Letter,
    input: SignatureInput,
    reply: oneshot::Sender<Result<SignOutcome, SignError>>,
    /// Told when the writer has a connection and takes the job; a requester that gave up
    /// before then has closed it, and its job is dropped unwritten.
    taken: Option<oneshot::Sender<()>>,
}

/// What the writer thread is asked: a signature to store, or to answer once everything asked
/// before is committed.
// Nearly every message is a signature: boxing it would allocate once per signature only to
// shrink the rare flush (the channel's slots were already a `Job` wide).
#[allow(clippy::large_enum_variant)]
enum Message {
    Sign(Job),
    Flush(oneshot::Sender<()>),
}

#[derive(Clone)]
pub struct SignWriter {
    sender: mpsc::Sender<Message>,
    busy: Arc<Busy>,
    timeouts: db::Timeouts,
    counts: Arc<Counts>,
}

/// What the writer thread has done, for `/metrics`.
#[derive(Default)]
struct Counts {
    last_batch: AtomicU64,
    batches: AtomicU64,
    requests: AtomicU64,
}

/// The writer's queue and work at one moment.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WriterStats {
    /// Sign requests waiting for the writer (not counting the batch it is writing).
    pub queued: u64,
    /// The most requests that can wait; past it, signers wait to be queued.
    pub capacity: u64,
    /// Requests in the last transaction the writer committed or gave up.
    pub last_batch: u64,
    /// Transactions since start.
    pub batches: u64,
    /// Requests answered since start.
    pub requests: u64,
}

/// When the writer's current database step (checking out a connection, committing a batch)
/// began: how a requester waiting in the queue tells a writer stuck on a database that does
/// not answer from one that is merely busy.
struct Busy {
    origin: Instant,
    /// Milliseconds after `origin`, plus one; 0 while the writer waits for requests.
    since: AtomicU64,
}

impl Busy {
    fn now(&self) -> u64 {
        u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX - 1) + 1
    }

    fn begin(&self) {
        self.since.store(self.now(), Ordering::Relaxed);
    }

    fn end(&self) {
        self.since.store(0, Ordering::Relaxed);
    }

    fn stuck_for(&self) -> Duration {
        match self.since.load(Ordering::Relaxed) {
            0 => Duration::ZERO,
            since => Duration::from_millis(self.now().saturating_sub(since)),
        }
    }
}

/// How often a queued requester looks whether the writer is stuck.
const WATCH_EVERY: Duration = Duration::from_millis(100);

impl SignWriter {
    /// Starts the writer thread; it ends when every `SignWriter` handle is dropped.
    /// `emails_per_mailbox_per_hour` is the per-mailbox limit (`limits.emails_per_address_per_hour`).
    /// A requester waits in the queue as long as the writer makes progress, and gives up
    /// (503) once the writer has waited `timeouts.checkout` on the database; a taken job is
    /// answered within the statement timeout, or given up on.
    pub fn start(
        pool: DbPool,
        policy: SigningPolicy,
        emails_per_mailbox_per_hour: i64,
        timeouts: db::Timeouts,
    ) -> std::io::Result<SignWriter> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        let busy = Arc::new(Busy {
            origin: Instant::now(),
            since: AtomicU64::new(0),
        });
        let watched = Arc::clone(&busy);
        let counts = Arc::new(Counts::default());
        let written = Arc::clone(&counts);
        std::thread::Builder::new()
            .name("sign-writer".into())
            .spawn(move || {
                run(
                    pool,
                    policy,
                    emails_per_mailbox_per_hour,
                    receiver,
                    &watched,
                    &written,
                )
            })?;
        Ok(SignWriter {
            sender,
            busy,
            timeouts,
            counts,
        })
    }

    pub fn stats(&self) -> WriterStats {
        let capacity = self.sender.max_capacity();
        WriterStats {
            queued: capacity.saturating_sub(self.sender.capacity()) as u64,
            capacity: capacity as u64,
            last_batch: self.counts.last_batch.load(Ordering::Relaxed),
            batches: self.counts.batches.load(Ordering::Relaxed),
            requests: self.counts.requests.load(Ordering::Relaxed),
        }
    }

    /// Stores a signature (or queues the right email for a known address) and answers once
    /// it is committed.
    pub async fn sign(
        &self,
        letter: Letter,
        input: SignatureInput,
    ) -> Result<SignOutcome, SignError> {
        let (reply, answer) = oneshot::channel();
        let (taken, mut taken_here) = oneshot::channel();
        let stopped =
            || SignError::Unavailable(DbError::TaskFailed("the sign writer stopped".into()));
        let silent = |waited: Duration| {
            SignError::Unavailable(DbError::Unavailable(db::Unavailable(format!(
                "the sign writer has waited {} ms on the database",
                waited.as_millis()
            ))))
        };
        self.sender
            .send(Message::Sign(Job {
                letter,
                input,
                reply,
                taken: Some(taken),
            }))
            .await
            .map_err(|_| stopped())?;
        // Taken, or dropped untaken because the writer answers with an error.
        loop {
            tokio::select! {
                _ = &mut taken_here => break,
                () = tokio::time::sleep(WATCH_EVERY) => {
                    let stuck = self.busy.stuck_for();
                    if stuck > self.timeouts.checkout {
                        return Err(silent(stuck));
                    }
                }
            }
        }
        let within = self.timeouts.statement + self.timeouts.checkout;
        match tokio::time::timeout(within, answer).await {
            Ok(answer) => answer.map_err(|_| stopped())?,
            Err(_) => Err(silent(within)),
        }
    }

    /// Waits until every signature asked for before this call is committed (or refused): at a
    /// stop, after the last request, so that none still queued is lost with the process.
    pub async fn flush(&self) {
        let (reply, answer) = oneshot::channel();
        if self.sender.send(Message::Flush(reply)).await.is_ok() {
            let _ = answer.await;
        }
    }
}

fn run(
    pool: DbPool,
    policy: SigningPolicy,
    mailbox_limit: i64,
    mut receiver: mpsc::Receiver<Message>,
    busy: &Busy,
    counts: &Counts,
) {
    while let Some(first) = receiver.blocking_recv() {
        let mut batch = Vec::new();
        let mut flushed = None;
        let mut next = Some(first);
        // A flush ends the batch: it is answered once what came before it is committed.
        while let Some(message) = next.take() {
            match message {
                Message::Sign(job) => batch.push(job),
                Message::Flush(reply) => {
                    flushed = Some(reply);
                    break;
                }
            }
            if batch.len() < MAX_BATCH {
                next = receiver.try_recv().ok();
            }
        }
        if batch.is_empty() {
            if let Some(reply) = flushed {
                let _ = reply.send(());
            }
            continue;
        }
        busy.begin();
        let results = match pool.get() {
            Ok(mut connection) => {
                // A requester that gave up waiting was answered 503: its signature is not
                // written behind its back.
                batch
                    .retain_mut(|job| job.taken.take().is_some_and(|taken| taken.send(()).is_ok()));
                if batch.is_empty() {
                    Vec::new()
                } else {
                    commit_batch(&mut connection, &batch, &policy, mailbox_limit)
                }
            }
            Err(error) => {
                tracing::warn!(%error, "sign writer: no database connection");
                batch
                    .iter()
                    .map(|_| {
                        Err(SignError::Unavailable(DbError::Unavailable(
                            db::Unavailable(error.to_string()),
                        )))
                    })
                    .collect()
            }
        };
        busy.end();
        if !batch.is_empty() {
            let size = batch.len() as u64;
            counts.last_batch.store(size, Ordering::Relaxed);
            counts.batches.fetch_add(1, Ordering::Relaxed);
            counts.requests.fetch_add(size, Ordering::Relaxed);
        }
        for (job, result) in batch.into_iter().zip(results) {
            // The requester may have gone away; the signature is stored all the same.
            let _ = job.reply.send(result);
        }
        if let Some(reply) = flushed {
            let _ = reply.send(());
        }
    }
}

fn commit_batch(
    connection: &mut DbConnection,
    batch: &[Job],
    policy: &SigningPolicy,
    mailbox_limit: i64,
) -> Vec<Result<SignOutcome, SignError>> {
    let now = db::now();
    let allowed = match mailboxes_with_room(connection, batch, mailbox_limit, now) {
        Ok(allowed) => allowed,
        Err(error) => {
            return batch
                .iter()
                .map(|_| {
                    Err(SignError::Unavailable(db::outage::shared_failure(
                        "counting mail per mailbox",
                        &error,
                    )))
                })
                .collect();
        }
    };
    // Every instance writes in the same order (by letter, kind and address), so two batches
    // that share addresses wait for each other instead of deadlocking on PostgreSQL.
    let mut order: Vec<usize> = (0..batch.len()).collect();
    let mailboxes: Vec<MailboxKey> = batch
        .iter()
        .map(|job| job.input.email.mailbox_key())
        .collect();
    order.sort_by(|left, right| {
        let key = |index: usize| {
            (
                batch[index].letter.id.as_str(),
                batch[index].input.kind.as_str(),
                mailboxes[index].as_str(),
            )
        };
        key(*left).cmp(&key(*right))
    });
    let mut results: Vec<Option<Result<SignOutcome, SignError>>> = Vec::new();
    let mut attempts = 0;
    let committed = loop {
        attempts += 1;
        let committed = db::write_transaction(connection, |connection| {
            results = allowed
                .iter()
                .map(|&allowed| (!allowed).then_some(Ok(SignOutcome::MailboxFull)))
                .collect();
            // New addresses first, all at once: on PostgreSQL each statement is a round trip,
            // and one signature takes six of them on its own.
            let new = new_addresses(connection, batch, &order, &allowed, now)?;
            if !new.is_empty() {
                let jobs: Vec<_> = new
                    .iter()
                    .map(|&index| (&batch[index].letter, &batch[index].input))
                    .collect();
                match db::write_transaction(connection, |connection| {
                    sign_new_batch(connection, &jobs, policy, now)
                }) {
                    Ok(()) => {
                        for &index in &new {
                            results[index] = Some(Ok(SignOutcome::Created));
                        }
                    }
                    Err(SignError::Database(error)) if db::is_retryable(&error) => {
                        return Err(diesel::result::Error::RollbackTransaction);
                    }
                    // Another instance stored one of these addresses since we looked (or a
                    // row was refused): the savepoint is gone, and each takes the one-by-one
                    // path below, which tells a duplicate from a real failure.
                    Err(_) => {}
                }
            }
            for &index in &order {
                if results[index].is_some() {
                    continue;
                }
                let job = &batch[index];
                results[index] = Some(if job.letter.accepts_signatures_at(now) {
                    // A savepoint per signature: one that fails leaves the others in the batch.
                    db::write_transaction(connection, |connection| {
                        sign_in_transaction(connection, &job.letter, &job.input, policy, now)
                    })
                } else {
                    Err(SignError::LetterClosed)
                });
                // A deadlock aborts the whole transaction: give up on the batch and retry it.
                if let Some(Err(SignError::Database(error))) = &results[index]
                    && db::is_retryable(error)
                {
                    return Err(diesel::result::Error::RollbackTransaction);
                }
            }
            Ok::<(), diesel::result::Error>(())
        });
        match committed {
            Err(diesel::result::Error::RollbackTransaction) if attempts < 3 => continue,
            other => break other,
        }
    };
    let results: Vec<Result<SignOutcome, SignError>> = results
        .into_iter()
        .map(|result| {
            result.unwrap_or_else(|| {
                Err(SignError::Unavailable(DbError::TaskFailed(
                    "signature not written".into(),
                )))
            })
        })
        .collect();
    if let Err(error) = committed {
        if db::outage::is_unavailable_query(&error) {
            tracing::warn!(%error, size = batch.len(), "sign writer: batch not committed");
        } else {
            tracing::error!(%error, size = batch.len(), "sign writer: batch not committed");
        }
        return batch
            .iter()
            .map(|_| {
                Err(SignError::Unavailable(db::outage::shared_failure(
                    "committing signatures",
                    &error,
                )))
            })
            .collect();
    }
    // Another instance may have stored the same address first (PostgreSQL); on its own, the
    // retry finds that row and takes the duplicate path.
    results
        .into_iter()
        .zip(batch)
        .map(|(result, job)| match result {
            Err(SignError::Database(error)) if db::is_unique_violation(&error) => {
                sign(connection, &job.letter, &job.input, policy)
            }
            other => other,
        })
        .collect()
}

/// The jobs (as indexes into `batch`, in `order`) that can take the fast path: their letter
/// takes signatures, no live signature of theirs exists, and they are the first in the batch
/// with their address. Everything else (a resend, a second sign, a closed letter) goes one by
/// one.
fn new_addresses(
    connection: &mut DbConnection,
    batch: &[Job],
    order: &[usize],
    allowed: &[bool],
    now: chrono::NaiveDateTime,
) -> Result<Vec<usize>, diesel::result::Error> {
    let mut letters: Vec<&str> = batch.iter().map(|job| job.letter.id.as_str()).collect();
    letters.sort_unstable();
    letters.dedup();
    let mailboxes: Vec<MailboxKey> = batch
        .iter()
        .map(|job| job.input.email.mailbox_key())
        .collect();
    let emails: Vec<&str> = mailboxes.iter().map(MailboxKey::as_str).collect();
    let mut kinds: Vec<SignatureKind> = batch.iter().map(|job| job.input.kind).collect();
    kinds.sort_unstable_by_key(|kind| kind.as_str());
    kinds.dedup();
    // Every column of the unique index (letter, kind, address): without the kind PostgreSQL
    // can only seek the letter and reads all of its signatures, a cost that grows with it.
    let existing: HashSet<(String, SignatureKind, String)> = signatures::table
        .filter(signatures::letter_id.eq_any(&letters))
        .filter(signatures::kind.eq_any(&kinds))
        .filter(signatures::email_normalized.eq_any(&emails))
        .filter(signatures::withdrawn_at.is_null())
        .select((
            signatures::letter_id,
            signatures::kind,
            signatures::email_normalized,
        ))
        .load::<(String, SignatureKind, String)>(connection)?
        .into_iter()
        .collect();
    let mut seen: HashSet<(&str, SignatureKind, &str)> = HashSet::new();
    Ok(order
        .iter()
        .copied()
        .filter(|&index| {
            let job = &batch[index];
            let key = (
                job.letter.id.as_str(),
                job.input.kind,
                mailboxes[index].as_str(),
            );
            let first = seen.insert(key);
            first
                && allowed[index]
                && job.letter.accepts_signatures_at(now)
                && !existing.contains(&(key.0.to_owned(), key.1, key.2.to_owned()))
        })
        .collect())
}

/// Which jobs may have an email sent: one mailbox gets only `limit` messages from us in an
/// hour, whoever asks and on whichever instance (the outbox is counted, so the limit holds
/// across instances). One grouped count for the whole batch instead of a query per request;
/// jobs of one batch for the same mailbox share what is left, in arrival order.
fn mailboxes_with_room(
    connection: &mut DbConnection,
    batch: &[Job],
    limit: i64,
    now: chrono::NaiveDateTime,
) -> Result<Vec<bool>, diesel::result::Error> {
    use crate::db::schema::outbox;
    use std::collections::HashMap;

    let mailboxes: Vec<MailboxKey> = batch
        .iter()
        .map(|job| job.input.email.mailbox_key())
        .collect();
    let mut keys: Vec<&str> = mailboxes.iter().map(MailboxKey::as_str).collect();
    keys.sort_unstable();
    keys.dedup();
    let mut queued: HashMap<String, i64> = outbox::table
        .filter(outbox::update_id.is_null())
        .filter(outbox::recipient_key.eq_any(&keys))
        .filter(outbox::created_at.gt(now - chrono::Duration::hours(1)))
        .group_by(outbox::recipient_key)
        .select((outbox::recipient_key, diesel::dsl::count_star()))
        .load::<(String, i64)>(connection)?
        .into_iter()
        .collect();
    Ok(mailboxes
        .iter()
        .map(|mailbox| {
            let sent = queued.entry(mailbox.as_str().to_owned()).or_insert(0);
            *sent += 1;
            *sent <= limit
        })
        .collect())
}
