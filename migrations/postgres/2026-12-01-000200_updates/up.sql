-- Updates to signers. The update is stored once (subject, Markdown, rendered HTML); each
-- recipient is one small outbox row of kind 'update' that the mail worker renders when it
-- sends it, so a million recipients cost a million short rows and not a million bodies.
CREATE TABLE updates (
    id TEXT PRIMARY KEY NOT NULL,
    letter_id TEXT NOT NULL REFERENCES letters(id),
    subject TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    -- draft -> sending (queueing recipients) -> sent (every recipient queued)
    state TEXT NOT NULL,
    -- The public address the emails link to, fixed when the update is written.
    public_base TEXT NOT NULL,
    -- A file sent from the command line: its hash, so the same file is not sent twice.
    source_hash TEXT,
    created_by TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    sending_at TIMESTAMP,
    sent_at TIMESTAMP,
    -- Queueing goes by signature id; this is the last id done, and the queuer's claim.
    queue_cursor TEXT NOT NULL DEFAULT '',
    queue_locked_until TIMESTAMP,
    queued BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX updates_by_letter ON updates(letter_id, created_at);
CREATE UNIQUE INDEX updates_one_per_source ON updates(letter_id, source_hash);

-- Addresses (as `signatures.email_normalized`) that want no more updates about a letter.
CREATE TABLE update_unsubscribes (
    letter_id TEXT NOT NULL REFERENCES letters(id),
    email_normalized TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (letter_id, email_normalized)
);

-- Rows with a kind are rendered when sent from `params` (JSON); rows without one keep their
-- stored subject and bodies.
ALTER TABLE outbox ADD COLUMN kind TEXT;
ALTER TABLE outbox ADD COLUMN params TEXT;
ALTER TABLE outbox ADD COLUMN update_id TEXT;
-- One message per update and address, however often or concurrently it is queued. Partial:
-- ordinary mail costs it nothing, and a withdrawal's redaction (which blanks the address of
-- sent mail) leaves any number of blanked rows per update.
CREATE UNIQUE INDEX outbox_one_per_update_and_address ON outbox(update_id, recipient_key)
    WHERE update_id IS NOT NULL AND recipient_key <> '';
