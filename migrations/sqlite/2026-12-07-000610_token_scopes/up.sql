-- API tokens are scoped and expire (issue 22 item 4). Only a column with a default and a
-- nullable column are added, so the release before works on (the schema floor stays).
-- What the token may do: 'counts' (read counts), 'export' (download signatures with their
-- addresses) or 'manage' (approve and reject sign-ons). A token the release before makes
-- during a rolling upgrade gets the least.
ALTER TABLE api_tokens ADD COLUMN scope TEXT NOT NULL DEFAULT 'counts';
-- When the token stops working. NULL (a token the release before made during a rolling
-- upgrade) is read as 90 days after `created_at`.
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
-- Tokens made before could only export, with their owner's role: editors and admins keep
-- that; a viewer's token now reads counts only (a viewer cannot hold an export token). All
-- expire 90 days from this upgrade, so that scripts keep working while new tokens are made.
UPDATE api_tokens SET scope = 'export'
    WHERE staff_id IN (SELECT id FROM staff_users WHERE role IN ('editor', 'admin'));
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '+90 days')
    WHERE expires_at IS NULL;
