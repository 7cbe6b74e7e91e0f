-- The coalition's member organizations, invites to sign a letter, and who moderated what.
CREATE TABLE members (
    id TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    name_normalized TEXT NOT NULL,
    email TEXT NOT NULL,
    website TEXT,
    created_at TIMESTAMP NOT NULL,
    removed_at TIMESTAMP
);
CREATE UNIQUE INDEX members_one_live_per_name ON members(name_normalized) WHERE removed_at IS NULL;

CREATE TABLE invites (
    id TEXT PRIMARY KEY NOT NULL,
    letter_id TEXT NOT NULL REFERENCES letters(id),
    member_id TEXT NOT NULL REFERENCES members(id),
    created_at TIMESTAMP NOT NULL,
    last_sent_at TIMESTAMP NOT NULL,
    send_count INTEGER NOT NULL,
    signature_id TEXT REFERENCES signatures(id),
    answered_at TIMESTAMP
);
CREATE UNIQUE INDEX invites_one_per_member ON invites(letter_id, member_id);

ALTER TABLE tokens ADD COLUMN invite_id TEXT REFERENCES invites(id);
ALTER TABLE signatures ADD COLUMN invite_id TEXT REFERENCES invites(id);
ALTER TABLE signatures ADD COLUMN approved_by TEXT;
ALTER TABLE signatures ADD COLUMN rejected_by TEXT;
ALTER TABLE signatures ADD COLUMN list_position INTEGER;
ALTER TABLE letters ADD COLUMN invites_skip_approval BOOLEAN NOT NULL DEFAULT TRUE;
