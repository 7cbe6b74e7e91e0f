-- The signature a message is about, so that a withdrawal erases exactly that person's mail
-- about that letter and leaves their other mail (another letter's confirmation) alone.
-- Mail about no signature (invitations) and mail queued before this column keep NULL.
ALTER TABLE outbox ADD COLUMN signature_id TEXT;
CREATE INDEX outbox_by_signature ON outbox(signature_id);
