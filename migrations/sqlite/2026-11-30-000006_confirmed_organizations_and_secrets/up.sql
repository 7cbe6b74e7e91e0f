-- Only a confirmed organization sign-on holds the organization's name on a letter: a pending
-- one (an address nobody confirms) must not block the real organization, and removed,
-- rejected, withdrawn or duplicate ones hold nothing either.
DROP INDEX signatures_one_live_per_organization;
CREATE UNIQUE INDEX signatures_one_confirmed_per_organization
    ON signatures(letter_id, organization_normalized)
    WHERE kind = 'organization' AND state IN ('verified', 'approved');

-- Secrets every instance must share (the key that signs form time stamps), generated once.
CREATE TABLE instance_secrets (
    name TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
