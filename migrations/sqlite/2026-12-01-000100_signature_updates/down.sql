ALTER TABLE signatures DROP COLUMN updates;
