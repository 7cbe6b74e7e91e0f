-- A queued update message becomes a short row that grows the outbox's indexes only at their
-- right-hand end, so queueing a million recipients stays sequential I/O (BENCHMARKS.md,
-- "Queueing an update").
--
-- Its id is 'u' + the update's id + '.' + the signature's id without hyphens: the same
-- signature can never be queued twice for one update (the primary key says so), rows of one
-- update sort together after every ordinary (UUIDv7) id, and a withdrawal finds the
-- person's update rows from the letter's updates. message_id '' means "the id is the
-- Message-ID" (every row queued from now on); rows queued earlier keep theirs, so a message
-- keeps its Message-ID across this migration.
UPDATE outbox SET message_id = id WHERE message_id = '';
UPDATE outbox
    SET id = 'u' || replace(update_id, '-', '') || '.' || replace(signature_id, '-', ''),
        params = NULL
    WHERE update_id IS NOT NULL AND signature_id IS NOT NULL;
-- Addresses are kept once per update by the queueing statement (it skips a signature whose
-- address already has a row of the update), no longer by an index with a random insert order.
DROP INDEX outbox_one_per_update_and_address;
CREATE INDEX outbox_by_update ON outbox(update_id) WHERE update_id IS NOT NULL;
-- The per-mailbox limit is about mail a signer's request causes; an update staff send to
-- people who asked for it is not counted (and need not be indexed by address).
DROP INDEX outbox_by_mailbox;
CREATE INDEX outbox_by_mailbox ON outbox(recipient_key, created_at) WHERE update_id IS NULL;
-- Update rows are found through their id; only other mail is looked up by signature.
DROP INDEX outbox_by_signature;
CREATE INDEX outbox_by_signature ON outbox(signature_id) WHERE update_id IS NULL;
-- The ceiling counts mail sent in the last minute; waiting mail has no sent_at.
DROP INDEX outbox_by_sent_at;
CREATE INDEX outbox_by_sent_at ON outbox(sent_at) WHERE sent_at IS NOT NULL;
