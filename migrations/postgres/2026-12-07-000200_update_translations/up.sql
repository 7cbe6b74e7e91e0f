-- An update's version in another language of its letter (one of the letter's translations):
-- staff write the update once, in the letter's original language (the `updates` row), and
-- may add a version per language; each recipient is sent the one in the language they
-- signed in, else the original. Only a table is added: the release before works on.
CREATE TABLE update_translations (
    update_id TEXT NOT NULL REFERENCES updates(id),
    lang TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    PRIMARY KEY (update_id, lang)
);
