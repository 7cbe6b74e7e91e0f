-- The outbox row's state as one column the worker claims by, instead of being read off
-- sent_at, failed_at and locked_until.
ALTER TABLE outbox ADD COLUMN state TEXT NOT NULL DEFAULT 'waiting';
UPDATE outbox SET state = CASE
    WHEN sent_at IS NOT NULL THEN 'sent'
    WHEN failed_at IS NOT NULL THEN 'failed'
    WHEN locked_until IS NOT NULL THEN 'sending'
    ELSE 'waiting'
END;
DROP INDEX outbox_due;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
