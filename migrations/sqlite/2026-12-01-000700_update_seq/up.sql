-- A queued update message is named `u<digits of seq><seq>.<signature id without hyphens>`
-- (`mail::outbox::update_message_prefix`) instead of `u<update id hex>.<signature hex>`: 36
-- characters instead of 66, in the row and again in the primary key (BENCHMARKS.md, "A short
-- update key"). The number of digits before the number makes ids sort by update number
-- bytewise, so a later update's rows still go to the right-hand end of the primary key.
--
-- Existing updates are numbered in the order they were written. (SQLite keeps the default
-- 0 it needs to add the column; the application gives each new update the next number,
-- `updates::create`, and the unique index refuses a second 0.)
ALTER TABLE updates ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
UPDATE updates SET seq = (
    SELECT COUNT(*) FROM updates earlier
    WHERE earlier.created_at < updates.created_at
       OR (earlier.created_at = updates.created_at AND earlier.id <= updates.id)
);
CREATE UNIQUE INDEX updates_by_seq ON updates(seq);
-- An update that began queueing before this migration keeps naming its messages the long
-- way, including those it queues from now on: a message keeps its Message-ID, and the
-- primary key alone keeps one message per signature, as no update mixes the two forms.
-- Drafts have no messages yet and take the short form.
ALTER TABLE updates ADD COLUMN legacy_message_ids BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE updates SET legacy_message_ids = TRUE WHERE state <> 'draft';
