ALTER TABLE signatures DROP COLUMN comment_hidden_at;
ALTER TABLE letters DROP COLUMN comments;
ALTER TABLE members DROP COLUMN logo_url;
