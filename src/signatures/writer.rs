//! Group commit for the sign path. Every signature of this instance goes through one
//! writer thread, which takes whatever requests are waiting (up to `MAX_BATCH`) and stores
//! them in one transaction, each in its own savepoint, then answers each request. SQLite has
//! one writer anyway: one transaction per batch instead of one per signature is where the
//! throughput comes from, and no request waits in SQLite's busy loop. Nobody is answered
//! before their signature is committed, so an acknowledged signature survives a crash.

use tokio::sync::{mpsc, oneshot};

use super::form::SignatureInput;
use super::{SignError, SignOutcome, SigningPolicy, sign, sign_in_transaction};
use crate::db::{self, DbConnection, DbError, DbPool};
use crate::letters::Letter;

const MAX_BATCH: usize = 256;
const QUEUE: usize = 8192;

struct Job {
    letter: Letter,
    input: SignatureInput,
    reply: oneshot::Sender<Result<SignOutcome, SignError>>,
}

#[derive(Clone)]
pub struct SignWriter {
    sender: mpsc::Sender<Job>,
}

impl SignWriter {
    /// Starts the writer thread; it ends when every `SignWriter` handle is dropped.
    pub fn start(pool: DbPool, policy: SigningPolicy) -> std::io::Result<SignWriter> {
        let (sender, receiver) = mpsc::channel(QUEUE);
        std::thread::Builder::new()
            .name("sign-writer".into())
            .spawn(move || run(pool, policy, receiver))?;
        Ok(SignWriter { sender })
    }

    /// Stores a signature (or queues the right email for a known address) and answers once
    /// it is committed.
    pub async fn sign(
        &self,
        letter: Letter,
        input: SignatureInput,
    ) -> Result<SignOutcome, SignError> {
        let (reply, answer) = oneshot::channel();
        let stopped =
            || SignError::Unavailable(DbError::TaskFailed("the sign writer stopped".into()));
        self.sender
            .send(Job {
                letter,
                input,
                reply,
            })
            .await
            .map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

fn run(pool: DbPool, policy: SigningPolicy, mut receiver: mpsc::Receiver<Job>) {
    while let Some(first) = receiver.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match receiver.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        let results = match pool.get() {
            Ok(mut connection) => commit_batch(&mut connection, &batch, &policy),
            Err(error) => {
                tracing::error!(%error, "sign writer: no database connection");
                batch
                    .iter()
                    .map(|_| {
                        Err(SignError::Unavailable(DbError::TaskFailed(
                            error.to_string(),
                        )))
                    })
                    .collect()
            }
        };
        for (job, result) in batch.into_iter().zip(results) {
            // The requester may have gone away; the signature is stored all the same.
            let _ = job.reply.send(result);
        }
    }
}

fn commit_batch(
    connection: &mut DbConnection,
    batch: &[Job],
    policy: &SigningPolicy,
) -> Vec<Result<SignOutcome, SignError>> {
    let now = db::now();
    let mut results: Vec<Result<SignOutcome, SignError>> = Vec::with_capacity(batch.len());
    let committed = db::write_transaction(connection, |connection| {
        results.clear();
        for job in batch {
            if !job.letter.accepts_signatures_at(now) {
                results.push(Err(SignError::LetterClosed));
                continue;
            }
            // A savepoint per signature: one that fails leaves the others in the batch.
            results.push(db::write_transaction(connection, |connection| {
                sign_in_transaction(connection, &job.letter, &job.input, policy, now)
            }));
        }
        Ok::<(), diesel::result::Error>(())
    });
    if let Err(error) = committed {
        tracing::error!(%error, size = batch.len(), "sign writer: batch not committed");
        return batch
            .iter()
            .map(|_| {
                Err(SignError::Unavailable(DbError::TaskFailed(
                    error.to_string(),
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
