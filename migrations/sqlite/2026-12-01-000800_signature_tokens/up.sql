-- The links emailed about a signature (confirm, withdraw) become `{signature id}.{secret}`:
-- the id finds the signature's few rows through one index on the signature, and the
-- secret's SHA-256 digest (32 bytes, not 64 hex characters) proves the link. A row holds the
-- links of one email (a confirmation's pair, or another email's withdraw link alone). No row
-- id, no index over the digests, no letter id: about a third of two `tokens` rows with their
-- three indexes (BENCHMARKS.md, "Bytes per waiting signature"). Links minted before this
-- migration are bare secrets whose digests stay in `tokens`, and keep working there until
-- they expire; `tokens` also keeps the invites' tokens.
CREATE TABLE signature_tokens (
    withdraw_expires_at TIMESTAMP NOT NULL,
    verify_expires_at TIMESTAMP,
    verify_used_at TIMESTAMP,
    withdraw_used_at TIMESTAMP,
    signature_id TEXT NOT NULL REFERENCES signatures(id),
    withdraw_digest BLOB NOT NULL,
    verify_digest BLOB
);
CREATE INDEX signature_tokens_by_signature ON signature_tokens(signature_id);

-- The public list of recent signers reads only confirmed signatures: a pending one (most
-- rows while a letter is busy) need not be in this index at all.
DROP INDEX signatures_recent_listed;
CREATE INDEX signatures_recent_listed ON signatures(letter_id, state, kind, public, verified_at, id)
    WHERE verified_at IS NOT NULL;

-- Mail about a signature goes to the signature's address, so a withdrawal finds it through
-- the per-mailbox index (`outbox::redact_for_signature`); an index on the signature cost
-- every waiting confirmation about 64 bytes.
DROP INDEX outbox_by_signature;
