-- Translations of a letter (README "Translating a letter"): the letter's own row holds its
-- original text and says which language that is; each translation is a row of its own with
-- the same fields, and every text keeps its own versions. Letters stored before this were
-- written in English.
ALTER TABLE letters ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';

CREATE TABLE letter_translations (
    letter_id TEXT NOT NULL REFERENCES letters(id),
    lang TEXT NOT NULL,
    title TEXT NOT NULL,
    addressee TEXT NOT NULL,
    summary TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (letter_id, lang)
);

-- Existing versions are the original's, which was English. Two languages may hold the
-- same text (a translation started as a copy), so a hash is unique per language.
ALTER TABLE letter_versions ADD COLUMN lang TEXT NOT NULL DEFAULT 'en';
DROP INDEX letter_versions_by_hash;
CREATE UNIQUE INDEX letter_versions_by_hash ON letter_versions(letter_id, lang, content_hash);

-- The language of the text the signer read; NULL (invites, older rows) is the original's.
ALTER TABLE signatures ADD COLUMN lang TEXT;
