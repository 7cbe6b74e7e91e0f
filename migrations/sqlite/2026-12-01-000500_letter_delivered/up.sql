-- A letter handed to its addressee: when, what staff say about it, and where to read more.
-- One row per letter; marking again edits it, un-marking deletes it (both audited).
CREATE TABLE letter_deliveries (
    letter_id TEXT PRIMARY KEY NOT NULL REFERENCES letters(id),
    delivered_on DATE NOT NULL,
    delivered_note TEXT NOT NULL,
    delivered_link TEXT,
    -- The update to signers made from this delivery, if staff chose to send one: the
    -- letter page shows the delivery once, not again as that update.
    update_id TEXT,
    marked_by TEXT NOT NULL,
    marked_at TIMESTAMP NOT NULL
);
