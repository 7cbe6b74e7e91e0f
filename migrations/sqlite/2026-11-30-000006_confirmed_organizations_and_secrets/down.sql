DROP TABLE instance_secrets;
DROP INDEX signatures_one_confirmed_per_organization;
CREATE UNIQUE INDEX signatures_one_live_per_organization
    ON signatures(letter_id, organization_normalized)
    WHERE kind = 'organization' AND withdrawn_at IS NULL AND rejected_at IS NULL;
