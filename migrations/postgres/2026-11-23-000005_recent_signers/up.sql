-- The letter page shows the most recent listed signers: walk this index backwards instead of sorting.
CREATE INDEX signatures_recent_listed ON signatures(letter_id, state, kind, public, verified_at, id);
