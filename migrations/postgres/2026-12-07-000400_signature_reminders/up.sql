-- When the one reminder to confirm went out (was queued) for a pending signature. Setting it
-- is the claim: `UPDATE ... WHERE reminded_at IS NULL` in the transaction that queues the
-- reminder, so several instances never send a signature two. Only a nullable column and an
-- index are added, so the release before works on (the schema floor stays).
ALTER TABLE signatures ADD COLUMN reminded_at TIMESTAMP;
-- The signatures still waiting for their reminder, oldest first: small (only pending ones
-- never reminded), so the periodic look for due ones reads only those.
CREATE INDEX signatures_reminder_due ON signatures (created_at)
    WHERE state = 'pending' AND reminded_at IS NULL;
