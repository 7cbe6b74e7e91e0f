CREATE INDEX outbox_by_signature ON outbox(signature_id) WHERE update_id IS NULL;
DROP INDEX signatures_recent_listed;
CREATE INDEX signatures_recent_listed ON signatures(letter_id, state, kind, public, verified_at, id);
DROP TABLE signature_tokens;
