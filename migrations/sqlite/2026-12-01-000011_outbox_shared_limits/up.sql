-- Limits on mail that hold across instances are counted in the outbox itself.
-- recipient_key: the normalized mailbox (see EmailAddress::normalized), for "emails per
-- mailbox per hour". Rows queued before this migration get the lowercased address, which is
-- the same key for all but provider-specific spellings and only matters for an hour.
ALTER TABLE outbox ADD COLUMN recipient_key TEXT NOT NULL DEFAULT '';
UPDATE outbox SET recipient_key = lower(trim(recipient));
CREATE INDEX outbox_by_mailbox ON outbox(recipient_key, created_at);
-- sent_at: for the ceiling on all outgoing mail (messages sent in the last minute).
CREATE INDEX outbox_by_sent_at ON outbox(sent_at);
