-- What the signatories page shows beside a name (issue 21 item 5). Only nullable columns and
-- a column with a default are added, so the release before works on (the schema floor stays).
-- A member's logo, shown beside its name on the letter's lists when its host is allowed
-- (`site.image_hosts`); an https:// address.
ALTER TABLE members ADD COLUMN logo_url TEXT;
-- Whether the sign form asks "Why are you signing?" and listed signers' comments are shown.
-- TRUE keeps what letters did before (the comment box was on every form).
ALTER TABLE letters ADD COLUMN comments BOOLEAN NOT NULL DEFAULT TRUE;
-- When staff hid this signer's comment from the public lists (the comment is kept for staff).
ALTER TABLE signatures ADD COLUMN comment_hidden_at TIMESTAMP;
