DROP INDEX outbox_by_sent_at;
CREATE INDEX outbox_by_sent_at ON outbox(sent_at);
DROP INDEX outbox_by_signature;
CREATE INDEX outbox_by_signature ON outbox(signature_id);
DROP INDEX outbox_by_mailbox;
CREATE INDEX outbox_by_mailbox ON outbox(recipient_key, created_at);
UPDATE outbox SET message_id = id WHERE message_id = '';
UPDATE outbox
    SET id = message_id,
        params = '{"update":"' || update_id || '","signature":"' || signature_id || '"}'
    WHERE update_id IS NOT NULL AND signature_id IS NOT NULL;
CREATE UNIQUE INDEX outbox_one_per_update_and_address ON outbox(update_id, recipient_key)
    WHERE update_id IS NOT NULL AND recipient_key <> '';
