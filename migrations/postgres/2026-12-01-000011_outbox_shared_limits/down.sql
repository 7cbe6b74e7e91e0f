DROP INDEX outbox_by_sent_at;
DROP INDEX outbox_by_mailbox;
ALTER TABLE outbox DROP COLUMN recipient_key;
