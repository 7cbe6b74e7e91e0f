DROP INDEX outbox_by_signature;
ALTER TABLE outbox DROP COLUMN signature_id;
