DROP INDEX signatures_reminder_due;
ALTER TABLE signatures DROP COLUMN reminded_at;
