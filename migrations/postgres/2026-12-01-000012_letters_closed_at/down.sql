ALTER TABLE letters DROP COLUMN closed_at;
