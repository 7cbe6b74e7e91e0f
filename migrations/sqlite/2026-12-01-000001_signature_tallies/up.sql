-- Counted signatures kept as they change, so a letter page's totals cost the same at ten
-- million signatures as at a thousand. Only the confirmed states ('verified', 'approved',
-- `SignatureState::CONFIRMED`) are tallied: signing inserts 'pending' rows, which no trigger
-- below acts on, so the sign path never writes here. Which tallied rows count is still
-- decided in Rust by `is_counted`. The triggers are the only writers of this table, so no
-- code path can forget to keep it.
CREATE TABLE signature_tallies (
    letter_id TEXT NOT NULL REFERENCES letters(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    public BOOLEAN NOT NULL,
    count BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (letter_id, kind, state, public)
) WITHOUT ROWID;

INSERT INTO signature_tallies (letter_id, kind, state, public, count)
    SELECT letter_id, kind, state, public, COUNT(*)
    FROM signatures
    WHERE state IN ('verified', 'approved')
    GROUP BY letter_id, kind, state, public;

CREATE TRIGGER signature_tallies_insert AFTER INSERT ON signatures
WHEN NEW.state IN ('verified', 'approved')
BEGIN
    INSERT OR IGNORE INTO signature_tallies (letter_id, kind, state, public, count)
        VALUES (NEW.letter_id, NEW.kind, NEW.state, NEW.public, 0);
    UPDATE signature_tallies SET count = count + 1
        WHERE letter_id = NEW.letter_id AND kind = NEW.kind AND state = NEW.state
          AND public = NEW.public;
END;

CREATE TRIGGER signature_tallies_delete AFTER DELETE ON signatures
WHEN OLD.state IN ('verified', 'approved')
BEGIN
    UPDATE signature_tallies SET count = count - 1
        WHERE letter_id = OLD.letter_id AND kind = OLD.kind AND state = OLD.state
          AND public = OLD.public;
END;

-- An UPDATE that writes the same values (SQLite fires `UPDATE OF` on any assignment) leaves
-- the tallies alone.
CREATE TRIGGER signature_tallies_update AFTER UPDATE OF state, kind, public, letter_id ON signatures
WHEN (OLD.state IN ('verified', 'approved') OR NEW.state IN ('verified', 'approved'))
 AND (OLD.state IS NOT NEW.state OR OLD.kind IS NOT NEW.kind OR OLD.public IS NOT NEW.public
      OR OLD.letter_id IS NOT NEW.letter_id)
BEGIN
    UPDATE signature_tallies SET count = count - 1
        WHERE OLD.state IN ('verified', 'approved')
          AND letter_id = OLD.letter_id AND kind = OLD.kind AND state = OLD.state
          AND public = OLD.public;
    INSERT OR IGNORE INTO signature_tallies (letter_id, kind, state, public, count)
        SELECT NEW.letter_id, NEW.kind, NEW.state, NEW.public, 0
        WHERE NEW.state IN ('verified', 'approved');
    UPDATE signature_tallies SET count = count + 1
        WHERE NEW.state IN ('verified', 'approved')
          AND letter_id = NEW.letter_id AND kind = NEW.kind AND state = NEW.state
          AND public = NEW.public;
END;
