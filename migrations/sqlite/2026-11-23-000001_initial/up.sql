CREATE TABLE letters (
    id TEXT PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL UNIQUE,
    title TEXT NOT NULL,
    addressee TEXT NOT NULL,
    summary TEXT NOT NULL DEFAULT '',
    body_markdown TEXT NOT NULL,
    body_html TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    status TEXT NOT NULL,
    goal BIGINT,
    opens_at TIMESTAMP,
    closes_at TIMESTAMP,
    accepts_individuals BOOLEAN NOT NULL DEFAULT 1,
    accepts_organizations BOOLEAN NOT NULL DEFAULT 1,
    organizations_need_approval BOOLEAN NOT NULL DEFAULT 1,
    published_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

CREATE TABLE letter_versions (
    id TEXT PRIMARY KEY NOT NULL,
    letter_id TEXT NOT NULL REFERENCES letters(id),
    content_hash TEXT NOT NULL,
    title TEXT NOT NULL,
    body_markdown TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX letter_versions_by_hash ON letter_versions(letter_id, content_hash);

CREATE TABLE signatures (
    id TEXT PRIMARY KEY NOT NULL,
    letter_id TEXT NOT NULL REFERENCES letters(id),
    kind TEXT NOT NULL,
    state TEXT NOT NULL,
    name TEXT NOT NULL,
    email TEXT NOT NULL,
    email_normalized TEXT NOT NULL,
    organization TEXT,
    organization_normalized TEXT,
    title TEXT,
    city TEXT,
    country TEXT,
    comment TEXT,
    website TEXT,
    public BOOLEAN NOT NULL,
    content_hash TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    verified_at TIMESTAMP,
    approved_at TIMESTAMP,
    rejected_at TIMESTAMP,
    withdrawn_at TIMESTAMP
);
-- One live signature per (letter, kind, normalized email): the database, not the
-- application, settles two concurrent signs with the same address.
CREATE UNIQUE INDEX signatures_one_live_per_email
    ON signatures(letter_id, kind, email_normalized) WHERE withdrawn_at IS NULL;
CREATE UNIQUE INDEX signatures_one_live_per_organization
    ON signatures(letter_id, organization_normalized)
    WHERE kind = 'organization' AND withdrawn_at IS NULL AND rejected_at IS NULL;
CREATE INDEX signatures_by_letter_state ON signatures(letter_id, state, kind, public);

CREATE TABLE tokens (
    id TEXT PRIMARY KEY NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    purpose TEXT NOT NULL,
    signature_id TEXT REFERENCES signatures(id),
    letter_id TEXT REFERENCES letters(id),
    expires_at TIMESTAMP NOT NULL,
    used_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX tokens_by_signature ON tokens(signature_id);

CREATE TABLE outbox (
    id TEXT PRIMARY KEY NOT NULL,
    message_id TEXT NOT NULL,
    recipient TEXT NOT NULL,
    subject TEXT NOT NULL,
    body_text TEXT NOT NULL,
    body_html TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TIMESTAMP NOT NULL,
    locked_until TIMESTAMP,
    sent_at TIMESTAMP,
    failed_at TIMESTAMP,
    last_error TEXT,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX outbox_due ON outbox(sent_at, failed_at, next_attempt_at);
