DROP INDEX outbox_one_per_update_and_address;
ALTER TABLE outbox DROP COLUMN update_id;
ALTER TABLE outbox DROP COLUMN params;
ALTER TABLE outbox DROP COLUMN kind;
DROP TABLE update_unsubscribes;
DROP TABLE updates;
