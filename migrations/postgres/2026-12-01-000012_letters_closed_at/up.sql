-- When a letter stopped taking signatures, for the grace in which a signature made before the
-- close may still be confirmed. updated_at moves with every later edit or archiving, which
-- restarted the grace. Letters closed before this column get their last change, the best
-- guess there is (closing was one).
ALTER TABLE letters ADD COLUMN closed_at TIMESTAMP;
UPDATE letters SET closed_at = updated_at WHERE status IN ('closed', 'archived');
