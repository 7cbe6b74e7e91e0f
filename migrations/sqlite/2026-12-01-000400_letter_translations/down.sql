ALTER TABLE signatures DROP COLUMN lang;
DROP INDEX letter_versions_by_hash;
DELETE FROM letter_versions WHERE lang <> (SELECT lang FROM letters WHERE letters.id = letter_versions.letter_id);
ALTER TABLE letter_versions DROP COLUMN lang;
CREATE UNIQUE INDEX letter_versions_by_hash ON letter_versions(letter_id, content_hash);
DROP TABLE letter_translations;
ALTER TABLE letters DROP COLUMN lang;
