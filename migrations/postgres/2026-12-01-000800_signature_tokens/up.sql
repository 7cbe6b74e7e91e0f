-- The links emailed about a signature (confirm, withdraw) become `{signature id}.{secret}`:
-- the id finds the signature's few tokens through one index on the signature, and the
-- secret's SHA-256 digest (32 bytes, not 64 hex characters) proves the link. No row id, no
-- index over the digests, no letter id: a token is about a third of a `tokens` row with its
-- three indexes (BENCHMARKS.md, "Bytes per waiting signature"). Links minted before this
-- migration are bare secrets whose digests stay in `tokens`, and keep working there until
-- they expire; `tokens` also keeps the invites' tokens.
CREATE TABLE signature_tokens (
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    signature_id TEXT NOT NULL REFERENCES signatures(id),
    purpose TEXT NOT NULL,
    digest BYTEA NOT NULL
);
CREATE INDEX signature_tokens_by_signature ON signature_tokens(signature_id);

-- The public list of recent signers reads only confirmed signatures: a pending one (most
-- rows while a letter is busy) need not be in this index at all.
DROP INDEX signatures_recent_listed;
CREATE INDEX signatures_recent_listed ON signatures(letter_id, state, kind, public, verified_at, id)
    WHERE verified_at IS NOT NULL;
