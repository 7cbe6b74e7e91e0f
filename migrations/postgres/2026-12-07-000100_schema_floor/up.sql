-- The oldest release that can work on this database, named by the newest migration it embeds
-- (the version without dashes). A release whose newest migration sorts before this stays out
-- of service on it (`/readyz` 503, its mail worker idle) instead of misreading rows it does
-- not understand. Migrations that only add leave it alone, so the previous release keeps
-- serving while instances are replaced one by one; a migration that an older release cannot
-- work with (a renamed or dropped column, a new value in a column it reads, a new NOT NULL
-- column without a default) raises it to its own version: UPDATE schema_floor SET
-- oldest_reader = '<version>'.
CREATE TABLE schema_floor (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    oldest_reader TEXT NOT NULL
);
-- Only a table is added here: the release before (newest migration 2026-12-01-000800) works on.
INSERT INTO schema_floor (id, oldest_reader) VALUES (1, '20261201000800');
