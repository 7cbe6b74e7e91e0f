-- Short-named messages get the long name the code before this migration computes (for a
-- withdrawal's redaction, the dedup of addresses); each keeps its Message-ID in message_id.
UPDATE outbox
    SET message_id = CASE WHEN message_id = '' THEN id ELSE message_id END,
        id = 'u' || replace(update_id, '-', '') || '.' || substr(id, length(id) - 31)
    WHERE update_id IN (SELECT id FROM updates WHERE NOT legacy_message_ids);
ALTER TABLE updates DROP COLUMN legacy_message_ids;
DROP INDEX updates_by_seq;
ALTER TABLE updates DROP COLUMN seq;
