-- Counted signatures kept as they change, so a letter page's totals cost the same at ten
-- million signatures as at a thousand. Only the confirmed states ('verified', 'approved',
-- `SignatureState::CONFIRMED`) are tallied: signing inserts 'pending' rows, which the
-- triggers' WHEN clauses skip without calling the function, so the sign path never writes
-- here. Which tallied rows count is still decided in Rust by `is_counted`. The triggers are
-- the only writers of this table, so no code path can forget to keep it.
CREATE TABLE signature_tallies (
    letter_id TEXT NOT NULL REFERENCES letters(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (letter_id, kind, state, public)
);

-- A running instance of the previous version may be confirming signatures right now: hold
-- their writes until the triggers exist, so the initial fill below misses none of them.
LOCK TABLE signatures IN SHARE ROW EXCLUSIVE MODE;

-- Every change to a letter's tallies first takes one transaction-scoped lock per letter
-- (two-key advisory lock space, first key "tall"; the migration lock uses the one-key space).
-- A staff decision or purge touching many signatures then cannot deadlock with another one
-- over the letter's tally rows, whatever order its rows are visited in; the lock is held by
-- short state-change transactions only, never by signing.
CREATE FUNCTION signature_tallies_follow() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.state IN ('verified', 'approved') THEN
        PERFORM pg_advisory_xact_lock(1952541804, hashtext(OLD.letter_id));
        UPDATE signature_tallies SET count = count - 1
            WHERE letter_id = OLD.letter_id AND kind = OLD.kind AND state = OLD.state
              AND public = OLD.public;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.state IN ('verified', 'approved') THEN
        PERFORM pg_advisory_xact_lock(1952541804, hashtext(NEW.letter_id));
        INSERT INTO signature_tallies (letter_id, kind, state, public, count)
            VALUES (NEW.letter_id, NEW.kind, NEW.state, NEW.public, 1)
            ON CONFLICT (letter_id, kind, state, public)
            DO UPDATE SET count = signature_tallies.count + 1;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER signature_tallies_insert AFTER INSERT ON signatures
    FOR EACH ROW WHEN (NEW.state IN ('verified', 'approved'))
    EXECUTE FUNCTION signature_tallies_follow();

CREATE TRIGGER signature_tallies_delete AFTER DELETE ON signatures
    FOR EACH ROW WHEN (OLD.state IN ('verified', 'approved'))
    EXECUTE FUNCTION signature_tallies_follow();

CREATE TRIGGER signature_tallies_update AFTER UPDATE OF state, kind, public, letter_id ON signatures
    FOR EACH ROW
    WHEN ((OLD.state IN ('verified', 'approved') OR NEW.state IN ('verified', 'approved'))
          AND (OLD.state, OLD.kind, OLD.public, OLD.letter_id)
              IS DISTINCT FROM (NEW.state, NEW.kind, NEW.public, NEW.letter_id))
    EXECUTE FUNCTION signature_tallies_follow();

INSERT INTO signature_tallies (letter_id, kind, state, public, count)
    SELECT letter_id, kind, state, public, COUNT(*)
    FROM signatures
    WHERE state IN ('verified', 'approved')
    GROUP BY letter_id, kind, state, public;
