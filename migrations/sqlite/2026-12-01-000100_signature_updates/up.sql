-- "Keep me updated about this letter": a separate, unticked consent, stored with the
-- signature, exported, and erased on withdrawal like every personal field.
ALTER TABLE signatures ADD COLUMN updates BOOLEAN NOT NULL DEFAULT FALSE;
